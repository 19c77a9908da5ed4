//! One v2 receipt record, of either era, as a v1 receipt hash.

use serde_json::{Map, Value};

use super::answers::map_state;
use crate::wire::{coerce_number, Context};

pub(super) fn number(v: Option<&Value>) -> Option<Value> {
  let mut v = v?.clone();
  coerce_number(&mut v);
  match v {
    Value::Number(n) => Some(
      n.as_f64()
        .map(|f| Value::from(f.floor() as i64))
        .unwrap_or(Value::Number(n)),
    ),
    _ => None,
  }
}

/// One v2 receipt (v0.19-v0.23 `metadata`, v0.24+ `receipt`) as a v1 receipt hash.
pub(super) fn normalise_receipt(
  ctx: &Context<'_>,
  rec: &Map<String, Value>,
  secret: Option<&Map<String, Value>>,
  envelope_custid: Option<&Value>,
  value: Option<Value>,
) -> Map<String, Value> {
  let raw_state = rec.get("state").and_then(Value::as_str).unwrap_or("new");
  let state = map_state(raw_state);
  let custid = rec
    .get("custid")
    .and_then(Value::as_str)
    .filter(|s| !s.is_empty())
    .map(str::to_owned)
    .or_else(|| match rec.get("owner_id") {
      Some(Value::String(_)) => ctx.username.map(str::to_owned),
      _ => None,
    })
    .or_else(|| {
      envelope_custid
        .and_then(Value::as_str)
        .filter(|s| s.contains('@'))
        .map(str::to_owned)
    })
    .unwrap_or_else(|| "anon".to_owned());
  let secret_key = rec
    .get("secret_identifier")
    .and_then(Value::as_str)
    .filter(|s| !s.is_empty())
    .or_else(|| {
      secret
        .and_then(|s| s.get("key").or_else(|| s.get("identifier")))
        .and_then(Value::as_str)
    })
    .or_else(|| {
      rec
        .get("share_path")
        .and_then(Value::as_str)
        .and_then(|p| p.strip_prefix("secret/"))
        .filter(|k| !k.is_empty())
    });
  let recipients: Vec<Value> = match rec.get("recipients") {
    Some(Value::String(s)) if !s.is_empty() => s.split(", ").map(Value::from).collect(),
    Some(Value::Array(a)) => a.clone(),
    _ => Vec::new(),
  };

  let mut out = Map::new();
  out.insert("custid".into(), Value::from(custid));
  out.insert(
    "metadata_key".into(),
    rec
      .get("key")
      .or_else(|| rec.get("identifier"))
      .cloned()
      .unwrap_or(Value::Null),
  );
  if let (Some(k), false) = (secret_key, state == "received") {
    out.insert("secret_key".into(), Value::from(k));
  }
  let secret_ttl = number(rec.get("secret_ttl"));
  out.insert("ttl".into(), secret_ttl.clone().unwrap_or(Value::Null));
  out.insert(
    "metadata_ttl".into(),
    number(rec.get("metadata_ttl").or_else(|| rec.get("receipt_ttl"))).unwrap_or(Value::Null),
  );
  if state != "received" {
    out.insert("secret_ttl".into(), secret_ttl.unwrap_or(Value::Null));
  }
  out.insert("state".into(), Value::from(state));
  out.insert(
    "updated".into(),
    number(rec.get("updated")).unwrap_or(Value::Null),
  );
  out.insert(
    "created".into(),
    number(rec.get("created")).unwrap_or(Value::Null),
  );
  if state == "received" {
    if let Some(r) = number(rec.get("received").or_else(|| rec.get("revealed"))) {
      out.insert("received".into(), r);
    }
  }
  out.insert("recipient".into(), Value::Array(recipients));
  out.insert(
    "share_domain".into(),
    rec
      .get("share_domain")
      .filter(|v| v.is_string())
      .cloned()
      .unwrap_or_else(|| Value::from("")),
  );
  if let Some(p) = rec.get("has_passphrase").and_then(Value::as_bool) {
    out.insert("passphrase_required".into(), Value::Bool(p));
  }
  if let Some(v) = value {
    out.insert("value".into(), v);
  }
  out.insert("raw_state".into(), Value::from(raw_state));
  out
}
