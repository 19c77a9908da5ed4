//! One v2 receipt record, of either era, as a v1 receipt hash. The record is read into a typed
//! model ([`Record`]) that takes each field leniently: numbers may come as strings (v0.22 sends
//! `"secret_ttl":"3600"`, `"received":""`; transcript v0.22.11-api-v2) or as fractions (v0.26's
//! `created`), and a field of an unexpected type reads as absent rather than failing the answer.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::answers::map_state;
use crate::wire::Context;

/// A v2 receipt as servers send it: v0.19-v0.23 `metadata` (`key`, `custid`, string numbers,
/// `recipients` as one string) and v0.24+ `receipt` (`identifier`, `secret_identifier`,
/// `owner_id`, `receipt_ttl`, `revealed`, `recipients` as a list).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Record {
  #[serde(deserialize_with = "text")]
  key: Option<String>,
  #[serde(deserialize_with = "text")]
  identifier: Option<String>,
  #[serde(deserialize_with = "text")]
  custid: Option<String>,
  #[serde(deserialize_with = "text")]
  owner_id: Option<String>,
  #[serde(deserialize_with = "text")]
  state: Option<String>,
  #[serde(deserialize_with = "text")]
  secret_identifier: Option<String>,
  #[serde(deserialize_with = "text")]
  share_path: Option<String>,
  #[serde(deserialize_with = "text")]
  share_domain: Option<String>,
  #[serde(deserialize_with = "whole")]
  secret_ttl: Option<i64>,
  #[serde(deserialize_with = "whole")]
  metadata_ttl: Option<i64>,
  #[serde(deserialize_with = "whole")]
  receipt_ttl: Option<i64>,
  #[serde(deserialize_with = "whole")]
  created: Option<i64>,
  #[serde(deserialize_with = "whole")]
  updated: Option<i64>,
  #[serde(deserialize_with = "whole")]
  received: Option<i64>,
  #[serde(deserialize_with = "whole")]
  revealed: Option<i64>,
  #[serde(deserialize_with = "recipients")]
  recipients: Vec<String>,
  #[serde(deserialize_with = "flag")]
  has_passphrase: Option<bool>,
}

/// The secret half of a v0.19-v0.23 conceal answer (`record.secret`): only its key is needed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SecretPart {
  #[serde(deserialize_with = "text")]
  key: Option<String>,
  #[serde(deserialize_with = "text")]
  identifier: Option<String>,
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
  Ok(match Value::deserialize(d)? {
    Value::String(s) => Some(s),
    _ => None,
  })
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
  Ok(Value::deserialize(d)?.as_bool())
}

fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
  Ok(whole_number(&Value::deserialize(d)?))
}

/// A number, or a string holding one, as a whole number (fractions are floored); else `None`.
pub(super) fn whole_number(v: &Value) -> Option<i64> {
  let f = match v {
    Value::Number(n) => match n.as_i64() {
      Some(i) => return Some(i),
      None => n.as_f64()?,
    },
    Value::String(s) => match s.trim().parse::<i64>() {
      Ok(i) => return Some(i),
      Err(_) => s.trim().parse::<f64>().ok()?,
    },
    _ => return None,
  };
  f.is_finite().then(|| f.floor() as i64)
}

/// `"a***@e***.com, b***@e***.com"` (v0.22) or a list (v0.26); `""` and `null` are none.
fn recipients<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
  Ok(match Value::deserialize(d)? {
    Value::String(s) if !s.is_empty() => s.split(", ").map(str::to_owned).collect(),
    Value::Array(items) => items
      .into_iter()
      .filter_map(|v| match v {
        Value::String(s) => Some(s),
        _ => None,
      })
      .collect(),
    _ => Vec::new(),
  })
}

/// One v2 receipt (`rec`, an object) as a v1 receipt hash, in v1's field order. `secret` is the
/// secret half of a conceal answer, `envelope_custid` the answer's top-level `custid`, `value` a
/// generated secret's value (moved in, not copied).
pub(super) fn normalise_receipt(
  ctx: &Context<'_>,
  rec: &Value,
  secret: Option<&Value>,
  envelope_custid: Option<&Value>,
  value: Option<Value>,
) -> Map<String, Value> {
  let rec = Record::deserialize(rec).unwrap_or_default();
  let secret = secret
    .and_then(|s| SecretPart::deserialize(s).ok())
    .unwrap_or_default();
  let raw_state = rec.state.unwrap_or_else(|| "new".to_owned());
  let state = map_state(&raw_state).to_owned();
  let received = state == "received";
  // v0.24+ names the owner by id: the account's email is the username this client sends.
  let custid = rec
    .custid
    .filter(|s| !s.is_empty())
    .or_else(|| rec.owner_id.and(ctx.username.map(str::to_owned)))
    .or_else(|| {
      envelope_custid
        .and_then(Value::as_str)
        .filter(|s| s.contains('@'))
        .map(str::to_owned)
    })
    .unwrap_or_else(|| "anon".to_owned());
  let secret_key = rec
    .secret_identifier
    .filter(|s| !s.is_empty())
    .or(secret.key)
    .or(secret.identifier)
    .or_else(|| {
      rec
        .share_path
        .as_deref()
        .and_then(|p| p.strip_prefix("secret/"))
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
    });

  let mut out = Map::new();
  out.insert("custid".into(), custid.into());
  out.insert("metadata_key".into(), rec.key.or(rec.identifier).into());
  if let (Some(k), false) = (secret_key, received) {
    out.insert("secret_key".into(), k.into());
  }
  out.insert("ttl".into(), rec.secret_ttl.into());
  out.insert(
    "metadata_ttl".into(),
    rec.metadata_ttl.or(rec.receipt_ttl).into(),
  );
  if !received {
    out.insert("secret_ttl".into(), rec.secret_ttl.into());
  }
  out.insert("state".into(), state.into());
  out.insert("updated".into(), rec.updated.into());
  out.insert("created".into(), rec.created.into());
  if let (Some(r), true) = (rec.received.or(rec.revealed), received) {
    out.insert("received".into(), r.into());
  }
  out.insert("recipient".into(), rec.recipients.into());
  out.insert(
    "share_domain".into(),
    rec.share_domain.unwrap_or_default().into(),
  );
  if let Some(p) = rec.has_passphrase {
    out.insert("passphrase_required".into(), p.into());
  }
  if let Some(v) = value {
    out.insert("value".into(), v);
  }
  out.insert("raw_state".into(), raw_state.into());
  out
}
