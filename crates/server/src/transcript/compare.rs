//! Comparing a live answer with the recorded one, by value.
//!
//! Equal, as recorded: status, content type, `X-OTS-Intended-Status`, `Retry-After`, text bodies,
//! JSON key order, strings, booleans, nulls, numbers, array lengths and order. What a fresh run
//! cannot repeat is compared by what it must be instead:
//! * keys and other random ids (36-alphabet strings of 20+ characters, UUIDs): the first time a
//!   recorded id is seen, the live one in its place must have the same length and alphabet and is
//!   remembered; afterwards the recorded id stands for that live one, in bodies, links and later
//!   request paths, and prefixes of it (`shortkey`) for the live prefix;
//! * the recording's `http://host:port` stands for the live server's;
//! * timestamps (numbers, or digit strings, above 10^9): the same JSON type;
//! * TTL counters (`*ttl`, `expiration_in_seconds`, `current_expiration`): counting down, they may
//!   be up to 10 s above the recorded value (a replay runs faster than the recording did, which
//!   shows up to 7 s between a share and a later view) or 1 s below it (a second boundary);
//! * records the recording's server held before the transcript starts ([`super::prior_records`]):
//!   listed ones (an id no earlier exchange showed) are not expected, `count` is that much lower,
//!   and the account's counters (`secrets_created` exactly, `secrets_burned` / `secrets_shared`
//!   at most) too;
//! * `request_id`: the same length and alphabet;
//! * generated passwords (`value` / `secret_value` of a generated secret): the same length,
//!   printable ASCII, and no symbols where the recording's has none in 20 or more characters
//!   (a symbol-less 20-character draw from an alphabet with symbols has odds under 1 in 1,000).

use serde_json::{Map, Value};

use super::exchange::{header, Exchange};
use super::json_prefix::{self, Partial};
use super::lists::{known_records, records, shown};
use super::mapping::{alphabet36, is_id, same_kind, Ctx, Mapping};

/// A live answer.
pub struct Live {
  /// The status answered.
  pub status: u16,
  /// Lower-cased names.
  pub headers: Vec<(String, String)>,
  /// The body as received.
  pub body: Vec<u8>,
}

impl Live {
  /// The response header `name` (lower case).
  pub fn header(&self, name: &str) -> Option<&str> {
    header(&self.headers, name)
  }
}

/// Compares `live` with the recording of `ex` (whose origin `live_origin` replaces), learning ids
/// into `map`. Returns the differences, empty when the answers agree.
pub fn compare(ex: &Exchange, live: &Live, live_origin: &str, map: &mut Mapping) -> Vec<String> {
  map.learn(&ex.request.origin, live_origin);
  let generating = ex.request.path.contains("/generate");
  let generated = generating
    || map
      .generated
      .iter()
      .any(|k| ex.request.path.contains(k.as_str()));
  let mut cx = Ctx {
    map,
    generated,
    generating,
    errs: Vec::new(),
  };
  if live.status != ex.status {
    cx.errs.push(format!(
      "status {} recorded, {} live",
      ex.status, live.status
    ));
  }
  let norm = |s: &str| {
    s.split(';')
      .map(|p| p.trim().to_ascii_lowercase())
      .collect::<Vec<_>>()
      .join("; ")
  };
  for h in ["content-type", "x-ots-intended-status", "retry-after"] {
    let (r, l) = (ex.resp_header(h).map(norm), live.header(h).map(norm));
    if r != l {
      cx.errs.push(format!("{h} {r:?} recorded, {l:?} live"));
    }
  }
  let is_json = ex
    .resp_header("content-type")
    .is_some_and(|c| c.contains("json"));
  if !is_json {
    let text = String::from_utf8_lossy(&live.body);
    if !ex.truncated && cx.map.apply(&ex.resp_body) != text {
      cx.errs
        .push(format!("body {:?} recorded, {text:?} live", ex.resp_body));
    }
    return cx.errs;
  }
  let live_v: Value = match serde_json::from_slice(&live.body) {
    Ok(v) => v,
    Err(e) => {
      cx.errs.push(format!("live body is not JSON: {e}"));
      return cx.errs;
    }
  };
  let rec = json_prefix::parse(&ex.resp_body);
  // Ids first, so that a prefix seen before its id (`secret_shortid` before `secret_identifier`)
  // is known.
  if let Partial::Done(r) = &rec {
    learn_ids(&mut cx, r, &live_v);
  }
  partial(&mut cx, &rec, &live_v, "$", "");
  if let Some(n) = ex.value_len {
    let v = live_v
      .get("value")
      .or_else(|| live_v.pointer("/record/secret_value"));
    let got = v.and_then(Value::as_str).map(|s| s.chars().count());
    if got != Some(n) {
      cx.errs
        .push(format!("value of {n} characters recorded, {got:?} live"));
    }
  }
  cx.errs
}

fn learn_ids(cx: &mut Ctx, rec: &Value, live: &Value) {
  match (rec, live) {
    (Value::Object(a), Value::Object(b)) => {
      for (k, v) in a {
        if let Some(w) = b.get(k) {
          learn_ids(cx, v, w);
        }
      }
    }
    (Value::String(r), Value::String(l))
      if is_id(r) && same_kind(r, l) && cx.map.get(r).is_none() =>
    {
      cx.map.learn(r, l);
      if cx.generating {
        cx.map.generated.push(r.to_string());
      }
    }
    _ => {}
  }
}

fn type_name(v: &Value) -> &'static str {
  match v {
    Value::Null => "null",
    Value::Bool(_) => "bool",
    Value::Number(n) if n.is_f64() => "float",
    Value::Number(_) => "integer",
    Value::String(_) => "string",
    Value::Array(_) => "array",
    Value::Object(_) => "object",
  }
}

/// Compares one record of a list (`lists::records`).
fn element(cx: &mut Ctx, rec: &Partial, live: &Value, path: &str) {
  partial(cx, rec, live, path, "");
}

fn partial(cx: &mut Ctx, rec: &Partial, live: &Value, path: &str, key: &str) {
  match (rec, live) {
    (Partial::Done(r), _) => value(cx, r, live, path, key),
    (Partial::Obj(members), Value::Object(m)) => {
      let live_keys: Vec<&String> = m.keys().take(members.len()).collect();
      let rec_keys: Vec<&String> = members.iter().map(|(k, _)| k).collect();
      if live_keys != rec_keys {
        cx.errs.push(format!(
          "{path}: keys {rec_keys:?} recorded (cut), {live_keys:?} live"
        ));
        return;
      }
      for (k, p) in members {
        partial(cx, p, &m[k], &format!("{path}.{k}"), k);
      }
    }
    (Partial::Arr(items), Value::Array(a)) => {
      let items: Vec<&Partial> = items
        .iter()
        .filter(|p| !known_records(cx, std::slice::from_ref(&shown(p))).is_empty())
        .collect();
      if records(cx, &items, a, path, false, element) {
        return;
      }
      if a.len() < items.len() {
        cx.errs.push(format!(
          "{path}: at least {} elements recorded (cut), {} live",
          items.len(),
          a.len()
        ));
        return;
      }
      for (i, p) in items.iter().enumerate() {
        partial(cx, p, &a[i], &format!("{path}[{i}]"), key);
      }
    }
    (Partial::Str(prefix), Value::String(l)) => {
      // Only where no id could have been cut in two.
      if !prefix.chars().any(|c| c.is_ascii_lowercase()) && !l.starts_with(prefix.as_str()) {
        cx.errs.push(format!(
          "{path}: starts {prefix:?} recorded (cut), not so live"
        ));
      }
    }
    (Partial::Scalar, _) => {}
    (_, other) => cx.errs.push(format!(
      "{path}: cut {} recorded, {} live",
      match rec {
        Partial::Obj(_) => "object",
        Partial::Arr(_) => "array",
        _ => "string",
      },
      type_name(other)
    )),
  }
}

fn value(cx: &mut Ctx, rec: &Value, live: &Value, path: &str, key: &str) {
  match (rec, live) {
    (Value::Object(a), Value::Object(b)) => object(cx, a, b, path),
    (Value::Array(a), Value::Array(b)) => {
      let a = known_records(cx, a);
      let whole: Vec<Partial> = a.iter().cloned().map(Partial::Done).collect();
      if records(
        cx,
        &whole.iter().collect::<Vec<_>>(),
        b,
        path,
        true,
        element,
      ) {
        return;
      }
      if a.len() != b.len() {
        cx.errs.push(format!(
          "{path}: {} elements recorded, {} live",
          a.len(),
          b.len()
        ));
        return;
      }
      for (i, (r, l)) in a.iter().zip(b).enumerate() {
        value(cx, r, l, &format!("{path}[{i}]"), key);
      }
    }
    (Value::String(r), Value::String(l)) => string(cx, r, l, path, key),
    (Value::Number(r), Value::Number(l)) => {
      let (rf, lf) = (r.as_f64().unwrap_or(0.0), l.as_f64().unwrap_or(0.0));
      let ok = if rf > 1e9 {
        // A timestamp: integer or float as recorded.
        r.is_f64() == l.is_f64()
      } else if is_ttl(key) {
        ttl_close(rf, lf) && r.is_f64() == l.is_f64()
      } else if key == "count" {
        lf == rf - cx.map.prior as f64
      } else {
        r == l
      };
      if !ok {
        cx.errs.push(format!("{path}: {r} recorded, {l} live"));
      }
    }
    (r, l) if r == l => {}
    (r, l) => cx.errs.push(format!(
      "{path}: {} {r} recorded, {} {l} live",
      type_name(r),
      type_name(l)
    )),
  }
}

fn object(cx: &mut Ctx, a: &Map<String, Value>, b: &Map<String, Value>, path: &str) {
  let ka: Vec<&String> = a.keys().collect();
  let kb: Vec<&String> = b.keys().collect();
  if ka != kb {
    let missing: Vec<_> = ka.iter().filter(|k| !b.contains_key(**k)).collect();
    let extra: Vec<_> = kb.iter().filter(|k| !a.contains_key(**k)).collect();
    if missing.is_empty() && extra.is_empty() {
      cx.errs
        .push(format!("{path}: key order {ka:?} recorded, {kb:?} live"));
    } else {
      cx.errs
        .push(format!("{path}: keys missing {missing:?}, extra {extra:?}"));
    }
  }
  for (k, v) in a {
    if let Some(w) = b.get(k) {
      value(cx, v, w, &format!("{path}.{k}"), k);
    }
  }
}

fn ttl_close(recorded: f64, live: f64) -> bool {
  (-1.0..=10.0).contains(&(live - recorded))
}

fn is_ttl(key: &str) -> bool {
  key.ends_with("ttl")
    || matches!(
      key,
      "expiration_in_seconds" | "current_expiration" | "realttl" | "lifespan"
    )
}

fn is_symbol(c: char) -> bool {
  c.is_ascii_punctuation()
}

fn string(cx: &mut Ctx, r: &str, l: &str, path: &str, key: &str) {
  if let Some(mapped) = cx.map.get(r) {
    if mapped != l {
      cx.errs.push(format!(
        "{path}: {l:?} live, {mapped:?} expected (recorded {r:?})"
      ));
    }
    return;
  }
  if cx.map.apply(r) == l {
    return;
  }
  let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
  if numeric(r) && numeric(l) {
    let (rn, ln) = (
      r.parse::<f64>().unwrap_or(0.0),
      l.parse::<f64>().unwrap_or(0.0),
    );
    let prior = cx.map.prior as f64;
    let counter_ok = match key {
      "secrets_created" => ln == rn - prior,
      "secrets_burned" | "secrets_shared" => ln <= rn && rn <= ln + prior,
      _ => false,
    };
    if rn > 1e9 || (is_ttl(key) && ttl_close(rn, ln)) || counter_ok {
      return;
    }
  }
  if is_id(r) {
    if same_kind(r, l) {
      cx.map.learn(r, l);
      if cx.generating {
        cx.map.generated.push(r.to_string());
      }
    } else {
      cx.errs.push(format!(
        "{path}: id {r:?} recorded, {l:?} live is not one like it"
      ));
    }
    return;
  }
  if key == "request_id" {
    if !(r.len() == l.len() && alphabet36(l)) {
      cx.errs.push(format!("{path}: request id {l:?} live"));
    }
    return;
  }
  if cx.generated && matches!(key, "value" | "secret_value") {
    let n = r.chars().count();
    let printable = l.chars().all(|c| c.is_ascii_graphic());
    let symbols_ok = n < 20 || r.chars().any(is_symbol) || !l.chars().any(is_symbol);
    if l.chars().count() != n || !printable || !symbols_ok {
      cx.errs.push(format!(
        "{path}: generated {r:?} recorded, {l:?} live (length, alphabet or symbols differ)"
      ));
    } else {
      cx.map.learn(r, l);
    }
    return;
  }
  // A prefix of a known id (`shortkey`, `secret_shortid`).
  if r.len() >= 6 && alphabet36(r) {
    let prefix_of = cx
      .map
      .pairs
      .iter()
      .find(|(full, _)| full.len() > r.len() && full.starts_with(r))
      .map(|(_, live_full)| live_full.chars().take(r.len()).collect::<String>());
    if let Some(p) = prefix_of {
      if p != l {
        cx.errs.push(format!(
          "{path}: {l:?} live, {p:?} expected (prefix of a known id)"
        ));
      }
      return;
    }
  }
  cx.errs.push(format!("{path}: {r:?} recorded, {l:?} live"));
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::transcript::Request;

  fn ex(body: &str) -> Exchange {
    Exchange {
      file: "v0.26.6-x.md".into(),
      id: "1".into(),
      title: String::new(),
      request: Request {
        method: "GET".into(),
        path: "/api/v1/x".into(),
        headers: vec![],
        body: vec![],
        user: None,
        origin: "http://127.0.0.1:7145".into(),
      },
      status: 200,
      resp_headers: vec![("content-type".into(), "application/json".into())],
      resp_body: body.into(),
      truncated: false,
      resp_bytes: None,
      value_len: None,
    }
  }

  fn live(body: &str) -> Live {
    Live {
      status: 200,
      headers: vec![("content-type".into(), "application/json".into())],
      body: body.as_bytes().to_vec(),
    }
  }

  const REC: &str = r#"{"key":"abcdefghij0123456789abcdefghij1","short":"abcdefgh","ttl":3600,"state":"new","created":1795947500,"url":"http://127.0.0.1:7145/secret/abcdefghij0123456789abcdefghij1"}"#;

  #[test]
  fn equal_where_deterministic() {
    let mut m = Mapping::default();
    let ok = r#"{"key":"zzzzzzzzzz0123456789zzzzzzzzzz9","short":"zzzzzzzz","ttl":3599,"state":"new","created":1795000000,"url":"http://127.0.0.1:40000/secret/zzzzzzzzzz0123456789zzzzzzzzzz9"}"#;
    let errs = compare(&ex(REC), &live(ok), "http://127.0.0.1:40000", &mut m);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
      m.apply("/api/v1/secret/abcdefghij0123456789abcdefghij1"),
      "/api/v1/secret/zzzzzzzzzz0123456789zzzzzzzzzz9"
    );
  }

  #[test]
  fn every_kind_of_difference_is_seen() {
    let bad = [
      // state value
      r#"{"key":"zzzzzzzzzz0123456789zzzzzzzzzz9","short":"zzzzzzzz","ttl":3600,"state":"viewed","created":1795000000,"url":"http://127.0.0.1:40000/secret/zzzzzzzzzz0123456789zzzzzzzzzz9"}"#,
      // ttl off by more than a second
      r#"{"key":"zzzzzzzzzz0123456789zzzzzzzzzz9","short":"zzzzzzzz","ttl":3000,"state":"new","created":1795000000,"url":"http://127.0.0.1:40000/secret/zzzzzzzzzz0123456789zzzzzzzzzz9"}"#,
      // key of another length
      r#"{"key":"zzzz","short":"zzzzzzzz","ttl":3600,"state":"new","created":1795000000,"url":"http://127.0.0.1:40000/secret/zzzz"}"#,
      // link to another key than the one in `key`
      r#"{"key":"zzzzzzzzzz0123456789zzzzzzzzzz9","short":"zzzzzzzz","ttl":3600,"state":"new","created":1795000000,"url":"http://127.0.0.1:40000/secret/yyyyyyyyyy0123456789zzzzzzzzzz9"}"#,
      // shortkey not the key's prefix
      r#"{"key":"zzzzzzzzzz0123456789zzzzzzzzzz9","short":"yyyyyyyy","ttl":3600,"state":"new","created":1795000000,"url":"http://127.0.0.1:40000/secret/zzzzzzzzzz0123456789zzzzzzzzzz9"}"#,
      // key order
      r#"{"short":"zzzzzzzz","key":"zzzzzzzzzz0123456789zzzzzzzzzz9","ttl":3600,"state":"new","created":1795000000,"url":"http://127.0.0.1:40000/secret/zzzzzzzzzz0123456789zzzzzzzzzz9"}"#,
      // timestamp as a string
      r#"{"key":"zzzzzzzzzz0123456789zzzzzzzzzz9","short":"zzzzzzzz","ttl":3600,"state":"new","created":"1795000000","url":"http://127.0.0.1:40000/secret/zzzzzzzzzz0123456789zzzzzzzzzz9"}"#,
    ];
    for b in bad {
      let mut m = Mapping::default();
      let errs = compare(&ex(REC), &live(b), "http://127.0.0.1:40000", &mut m);
      assert!(!errs.is_empty(), "{b} should differ");
    }
  }

  #[test]
  fn generated_values_by_length_and_symbols() {
    let rec = ex(r#"{"value":"U2MTTb98njrRLKVpRYhv"}"#);
    let mut rec = rec;
    rec.request.path = "/api/v1/generate".into();
    for (live_v, ok) in [
      (r#"{"value":"abcdefghjkmnpqrstuvw"}"#, true),
      (r#"{"value":"abcdefghjkmnpqrstuv!"}"#, false),
      (r#"{"value":"abcdefghjkmnpqrstu"}"#, false),
    ] {
      let errs = compare(&rec, &live(live_v), "http://h", &mut Mapping::default());
      assert_eq!(errs.is_empty(), ok, "{live_v}: {errs:?}");
    }
  }

  #[test]
  fn cut_recordings_compare_their_prefix() {
    let mut rec = ex(r#"{"count":2,"records":[{"state":"new"},{"sta"#);
    rec.truncated = true;
    let errs = compare(
      &rec,
      &live(r#"{"count":2,"records":[{"state":"new"},{"state":"burned"}]}"#),
      "http://h",
      &mut Mapping::default(),
    );
    assert!(errs.is_empty(), "{errs:?}");
    let errs = compare(
      &rec,
      &live(r#"{"count":2,"records":[{"state":"burned"},{"state":"new"}]}"#),
      "http://h",
      &mut Mapping::default(),
    );
    assert!(!errs.is_empty());
  }
}
