//! Rebuilding a request from a recorded curl command line.

use super::exchange::{Exchange, Request};

/// Splits a command line as a POSIX shell would (backslash escapes, single and double quotes).
pub(crate) fn shell_words(s: &str) -> Vec<String> {
  let mut out = Vec::new();
  let mut cur = String::new();
  let mut has = false;
  let mut chars = s.chars();
  while let Some(c) = chars.next() {
    match c {
      '\\' => {
        if let Some(n) = chars.next() {
          cur.push(n);
          has = true;
        }
      }
      '\'' => {
        has = true;
        for n in chars.by_ref() {
          if n == '\'' {
            break;
          }
          cur.push(n);
        }
      }
      '"' => {
        has = true;
        while let Some(n) = chars.next() {
          match n {
            '"' => break,
            '\\' => cur.extend(chars.next()),
            _ => cur.push(n),
          }
        }
      }
      c if c.is_whitespace() => {
        if has {
          out.push(std::mem::take(&mut cur));
          has = false;
        }
      }
      c => {
        cur.push(c);
        has = true;
      }
    }
  }
  if has {
    out.push(cur);
  }
  out
}

fn urlencode(s: &str) -> String {
  form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The files the oldest transcripts upload with `--data-urlencode secret@file`; their headings give
/// the sizes (2,000,000 and 6,000,000 bytes of 'A').
fn file_content(name: &str) -> Option<String> {
  match name {
    "huge.txt" => Some("A".repeat(2_000_000)),
    "huge6.txt" => Some("A".repeat(6_000_000)),
    _ => None,
  }
}

/// An argument the recorder shortened to `<prefix>...(N chars)`: the elided text continues the
/// prefix's digit cycle (`0123456789…`, what the recorder sent) to N characters. A JSON body keeps
/// what followed the value in the previous request to the same route (e.g. `", "ttl": 3600}}`).
fn expand(arg: &str, path: &str, previous: &[Exchange]) -> String {
  let Some(open) = arg.rfind("...(") else {
    return arg.to_string();
  };
  let Some(n) = arg[open + 4..]
    .strip_suffix(" chars)")
    .and_then(|n| n.parse::<usize>().ok())
  else {
    return arg.to_string();
  };
  let prefix = &arg[..open];
  let digits_from = prefix
    .rfind(|c: char| !c.is_ascii_digit())
    .map_or(0, |i| i + 1);
  let head = &prefix[..digits_from];
  let tail = if head.starts_with('{') {
    json_tail(head, path, previous)
  } else {
    String::new()
  };
  let fill = n.saturating_sub(head.len() + tail.len());
  let start = prefix[digits_from..]
    .bytes()
    .next()
    .map_or(0, |b| (b - b'0') as usize);
  let digits: String = (0..fill)
    .map(|i| char::from(b'0' + ((start + i) % 10) as u8))
    .collect();
  format!("{head}{digits}{tail}")
}

/// What followed the string value that starts at the end of `head` in the previous JSON request
/// to `path`.
fn json_tail(head: &str, path: &str, previous: &[Exchange]) -> String {
  previous
    .iter()
    .rev()
    .filter(|e| e.request.path == path)
    .filter_map(|e| std::str::from_utf8(&e.request.body).ok())
    .find_map(|b| {
      let rest = b.strip_prefix(head)?;
      let mut escaped = false;
      for (i, c) in rest.char_indices() {
        match c {
          '\\' if !escaped => escaped = true,
          '"' if !escaped => return Some(rest[i..].to_string()),
          _ => escaped = false,
        }
      }
      None
    })
    .unwrap_or_else(|| "\"}}".to_string())
}

/// Rebuilds the request of one `$ curl …` line. `previous`: the exchanges before it in the file.
pub(crate) fn parse(cmd: &str, previous: &[Exchange]) -> Request {
  let words = shell_words(cmd.trim_start_matches('$').trim());
  let mut method = None;
  let mut data: Vec<String> = Vec::new();
  let mut headers = Vec::new();
  let mut user = None;
  let mut url = String::new();
  let mut args = words.iter().skip(1);
  let mut raw_data: Vec<String> = Vec::new();
  while let Some(w) = args.next() {
    match w.as_str() {
      "-u" => user = args.next().cloned(),
      "-X" => method = args.next().cloned(),
      "-d" | "--data" | "--data-binary" => raw_data.extend(args.next().cloned()),
      "--data-urlencode" => {
        let spec = args.next().cloned().unwrap_or_default();
        data.push(spec);
      }
      "-H" => {
        if let Some((k, v)) = args.next().and_then(|h| h.split_once(':')) {
          headers.push((k.trim().to_string(), v.trim().to_string()));
        }
      }
      other if other.starts_with("http") => url = other.to_string(),
      _ => {}
    }
  }
  let origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
  let path = url
    .splitn(4, '/')
    .nth(3)
    .map_or_else(|| "/".to_string(), |p| format!("/{p}"));
  let mut parts: Vec<String> = raw_data
    .iter()
    .map(|d| expand(d, &path, previous))
    .collect();
  for spec in data {
    let spec = expand(&spec, &path, previous);
    if let Some((name, file)) = spec.split_once('@') {
      if let Some(content) = file_content(file) {
        parts.push(format!("{name}={}", urlencode(&content)));
        continue;
      }
    }
    match spec.split_once('=') {
      Some((name, val)) => parts.push(format!("{name}={}", urlencode(val))),
      None => parts.push(urlencode(&spec)),
    }
  }
  let body = parts.join("&").into_bytes();
  let method = method.unwrap_or_else(|| if body.is_empty() { "GET" } else { "POST" }.into());
  if !body.is_empty()
    && !headers
      .iter()
      .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
  {
    headers.push((
      "Content-Type".into(),
      "application/x-www-form-urlencoded".into(),
    ));
  }
  Request {
    method,
    path,
    headers,
    body,
    user,
    origin,
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn command_lines() {
    let r = parse(
      r#"$ curl -sS -i -u tester@example.com:tok -X POST -H Content-Type:\ application/json -d \{\"secret\":\{\"secret\":\"v2\ secret\"\}\} http://127.0.0.1:7145/api/v2/secret/conceal"#,
      &[],
    );
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/api/v2/secret/conceal");
    assert_eq!(
      r.headers,
      vec![("Content-Type".into(), "application/json".into())]
    );
    assert_eq!(r.body, br#"{"secret":{"secret":"v2 secret"}}"#);
    assert_eq!(r.user.as_deref(), Some("tester@example.com:tok"));
    let r = parse(
      "$ curl -sS -i -X POST --data-urlencode 'character_sets[symbols]=false' --data-urlencode length=20 http://h:1/api/v1/generate",
      &[],
    );
    assert_eq!(r.body, b"character_sets[symbols]=false&length=20");
  }

  #[test]
  fn elided_arguments_are_rebuilt_to_their_length() {
    let r = parse(
      "$ curl -X POST --data-urlencode 'secret=0123456789012...(50007 chars)' http://h:1/api/v1/share",
      &[],
    );
    let body = String::from_utf8(r.body).unwrap();
    assert_eq!(body.len(), 50_007);
    assert!(body.starts_with("secret=01234567890123456789"));
    assert!(body.ends_with("789"));
    let prev = parse(
      r#"$ curl -X POST -H 'Content-Type: application/json' --data-binary '{"secret": {"secret": "secret D", "ttl": 3600}}' http://h:1/api/v2/secret/conceal"#,
      &[],
    );
    let prev = Exchange {
      file: String::new(),
      id: "1".into(),
      title: String::new(),
      request: prev,
      status: 200,
      resp_headers: vec![],
      resp_body: String::new(),
      truncated: false,
      resp_bytes: None,
      value_len: None,
    };
    let r = parse(
      r#"$ curl -X POST -H 'Content-Type: application/json' --data-binary '{"secret": {"secret": "0123456789012...(50039 chars)' http://h:1/api/v2/secret/conceal"#,
      &[prev],
    );
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(r.body.len(), 50_039);
    assert_eq!(v["secret"]["secret"].as_str().unwrap().len(), 50_000);
    assert_eq!(v["secret"]["ttl"], 3600);
  }
}
