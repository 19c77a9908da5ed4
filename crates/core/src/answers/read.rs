//! The one leniency rule for a named field of an answer, on API v1 and v2 alike: a value of the
//! field's type (numbers also as strings holding one, as v0.22's v2 answers and the v0.10 docs
//! send them) is the field; a value of another type is kept as sent, under the field's name, in
//! the model's `extra`, so nothing the server said is lost and a mistyped field never fails the
//! answer. The readers below say what "of the field's type" means for each type.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};
use serde_json::{Map, Number, Value};
use zeroize::Zeroizing;

/// A field's value as the expected type, or as sent when it is something else.
pub(crate) type Sent<T> = std::result::Result<T, Value>;

/// A string.
pub(crate) fn text(v: Value) -> Sent<String> {
  match v {
    Value::String(s) => Ok(s),
    v => Err(v),
  }
}

/// A string that may hold a secret: wiped when dropped.
pub(crate) fn secret(v: Value) -> Sent<Zeroizing<String>> {
  text(v).map(Zeroizing::new)
}

/// `true` or `false`.
pub(crate) fn flag(v: Value) -> Sent<bool> {
  match v {
    Value::Bool(b) => Ok(b),
    v => Err(v),
  }
}

/// A number, or a string holding one (an integer, else a finite float); anything else as sent.
pub(crate) fn number(v: Value) -> Sent<Number> {
  match v {
    Value::Number(n) => Ok(n),
    Value::String(s) => match s.parse::<i64>() {
      Ok(i) => Ok(i.into()),
      Err(_) => s
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .ok_or(Value::String(s)),
    },
    v => Err(v),
  }
}

/// A list of strings; a list with anything else in it is kept as sent.
pub(crate) fn strings(v: Value) -> Sent<Vec<String>> {
  match v {
    Value::Array(items) if items.iter().all(Value::is_string) => Ok(
      items
        .into_iter()
        .filter_map(|i| match i {
          Value::String(s) => Some(s),
          _ => None,
        })
        .collect(),
    ),
    v => Err(v),
  }
}

/// Sets a named field from what was sent: the typed value into `slot`, anything else into `extra`
/// under the field's name. A repeated key counts once, the last one (as a JSON object reads).
pub(crate) fn put<T>(
  slot: &mut Option<T>,
  extra: &mut Map<String, Value>,
  field: &str,
  sent: Sent<T>,
) {
  match sent {
    Ok(v) => {
      *slot = Some(v);
      if !extra.is_empty() {
        extra.shift_remove(field);
      }
    }
    Err(v) => {
      *slot = None;
      extra.insert(field.to_owned(), v);
    }
  }
}

/// An object key, borrowed from the answer when it has no escapes.
pub(crate) struct Name<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
      type Value = Name<'de>;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
      }
      fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Borrowed(s)))
      }
      fn visit_str<E>(self, s: &str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(s.to_owned())))
      }
      fn visit_string<E>(self, s: String) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(s)))
      }
    }
    d.deserialize_str(V)
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  #[test]
  fn numbers_as_strings_become_numbers() {
    assert_eq!(number(json!("3600")), Ok(3600.into()));
    assert!(number(json!("1795714792.69139")).unwrap().is_f64());
    assert_eq!(number(json!("abc")), Err(json!("abc")));
    assert_eq!(number(json!(null)), Err(json!(null)));
  }

  #[test]
  fn a_value_of_another_type_goes_to_extra_and_a_later_typed_one_takes_it_back() {
    let (mut slot, mut extra) = (None, Map::new());
    put(&mut slot, &mut extra, "ttl", number(json!([1])));
    assert_eq!((slot.as_ref(), extra.get("ttl")), (None, Some(&json!([1]))));
    put(&mut slot, &mut extra, "ttl", number(json!("60")));
    assert_eq!((slot, extra.get("ttl")), (Some(60.into()), None));
  }
}
