//! JSON that may stop anywhere: the transcripts keep only the first few kilobytes of long bodies.

use serde_json::Value;

/// A JSON value, or what a cut-off text shows of one.
#[derive(Debug)]
pub(crate) enum Partial {
  Done(Value),
  /// An object cut short: the members seen (the last one may itself be cut).
  Obj(Vec<(String, Partial)>),
  /// An array cut short: the elements seen (the last one may itself be cut).
  Arr(Vec<Partial>),
  /// A string cut short: its first characters.
  Str(String),
  /// A number or literal cut short.
  Scalar,
}

/// Parses `text`; a complete document gives `Done`.
pub(crate) fn parse(text: &str) -> Partial {
  if let Ok(v) = serde_json::from_str(text) {
    return Partial::Done(v);
  }
  Parser {
    s: text.as_bytes(),
    i: 0,
  }
  .value()
}

struct Parser<'a> {
  s: &'a [u8],
  i: usize,
}

impl Parser<'_> {
  fn ws(&mut self) {
    while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
      self.i += 1;
    }
  }

  fn peek(&mut self) -> Option<u8> {
    self.ws();
    self.s.get(self.i).copied()
  }

  /// At a `"`: the whole string, or `Err(prefix)` when the text ends inside it.
  fn string(&mut self) -> Result<String, String> {
    let start = self.i;
    self.i += 1;
    while let Some(&b) = self.s.get(self.i) {
      match b {
        b'\\' => self.i += 2,
        b'"' => {
          self.i += 1;
          return serde_json::from_slice(&self.s[start..self.i]).map_err(|_| String::new());
        }
        _ => self.i += 1,
      }
    }
    let cut = String::from_utf8_lossy(&self.s[start + 1..]).into_owned();
    Err(cut.trim_end_matches('\\').to_string())
  }

  fn value(&mut self) -> Partial {
    match self.peek() {
      None => Partial::Scalar,
      Some(b'{') => {
        self.i += 1;
        let mut members = Vec::new();
        loop {
          match self.peek() {
            None => return Partial::Obj(members),
            Some(b'}') => {
              self.i += 1;
              return done_obj(members);
            }
            Some(b',') => self.i += 1,
            Some(_) => {
              let Ok(k) = self.string() else {
                return Partial::Obj(members);
              };
              if self.peek() != Some(b':') {
                return Partial::Obj(members);
              }
              self.i += 1;
              let v = self.value();
              let complete = matches!(v, Partial::Done(_));
              members.push((k, v));
              if !complete {
                return Partial::Obj(members);
              }
            }
          }
        }
      }
      Some(b'[') => {
        self.i += 1;
        let mut items = Vec::new();
        loop {
          match self.peek() {
            None => return Partial::Arr(items),
            Some(b']') => {
              self.i += 1;
              return done_arr(items);
            }
            Some(b',') => self.i += 1,
            Some(_) => {
              let v = self.value();
              let complete = matches!(v, Partial::Done(_));
              items.push(v);
              if !complete {
                return Partial::Arr(items);
              }
            }
          }
        }
      }
      Some(b'"') => match self.string() {
        Ok(s) => Partial::Done(Value::String(s)),
        Err(prefix) => Partial::Str(prefix),
      },
      Some(_) => {
        let start = self.i;
        while self
          .s
          .get(self.i)
          .is_some_and(|b| !matches!(b, b',' | b'}' | b']'))
        {
          self.i += 1;
        }
        if self.i >= self.s.len() {
          return Partial::Scalar;
        }
        serde_json::from_slice(&self.s[start..self.i]).map_or(Partial::Scalar, Partial::Done)
      }
    }
  }
}

fn done_obj(members: Vec<(String, Partial)>) -> Partial {
  let mut m = serde_json::Map::new();
  for (k, v) in members {
    if let Partial::Done(v) = v {
      m.insert(k, v);
    }
  }
  Partial::Done(Value::Object(m))
}

fn done_arr(items: Vec<Partial>) -> Partial {
  Partial::Done(Value::Array(
    items
      .into_iter()
      .filter_map(|p| match p {
        Partial::Done(v) => Some(v),
        _ => None,
      })
      .collect(),
  ))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn cut_documents() {
    let Partial::Obj(m) = parse(r#"{"success":true,"records":[{"a":1},{"a":"xy"#) else {
      panic!()
    };
    assert_eq!(m[0].0, "success");
    let Partial::Arr(items) = &m[1].1 else {
      panic!()
    };
    assert!(matches!(items[0], Partial::Done(_)));
    let Partial::Obj(inner) = &items[1] else {
      panic!()
    };
    assert!(matches!(&inner[0].1, Partial::Str(s) if s == "xy"));
    assert!(matches!(parse(r#"{"a":12"#), Partial::Obj(_)));
    assert!(matches!(parse(r#"{"a":1}"#), Partial::Done(_)));
  }
}
