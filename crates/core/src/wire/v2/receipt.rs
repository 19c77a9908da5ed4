//! One v2 receipt record, of either era, as a v1 receipt ([`Receipt`]). The record is read into a
//! typed model ([`Record`]) that takes each field leniently: numbers may come as strings (v0.22
//! sends `"secret_ttl":"3600"`, `"received":""`; transcript v0.22.11-api-v2) or as fractions
//! (v0.26's `created`), and a field of an unexpected type reads as absent rather than failing the
//! answer.

use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};
use zeroize::{Zeroize, Zeroizing};

use crate::answers::{Extra, Receipt};
use crate::secret_buf::wipe_json;
use crate::wire::lenient::{some, whole_number, Obj};
use crate::wire::Context;

/// A v2 record as servers send it, one type for every answer (one reader in the binary): a
/// receipt of v0.19-v0.23 `metadata` (`key`, `custid`, string numbers, `recipients` as one string)
/// or v0.24+ `receipt` (`identifier`, `secret_identifier`, `owner_id`, `receipt_ttl`, `revealed`,
/// `recipients` as a list); a revealed secret (`secret_value`); a secret's status; and a conceal
/// answer's `record`, which holds the receipt and the secret's half (`secret`: its key, and a
/// generated value where a server shows it there). Fields another answer reads with another rule
/// are kept as sent (`Value`): present even as `null`, absent only when not sent.
#[derive(Deserialize, Default)]
pub(super) struct Record {
  #[serde(default, deserialize_with = "some")]
  pub(super) key: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  pub(super) identifier: Option<Value>,
  #[serde(default, deserialize_with = "text")]
  custid: Option<String>,
  #[serde(default, deserialize_with = "text")]
  owner_id: Option<String>,
  #[serde(default, deserialize_with = "text")]
  pub(super) state: Option<String>,
  #[serde(default, deserialize_with = "text")]
  secret_identifier: Option<String>,
  #[serde(default, deserialize_with = "text")]
  share_path: Option<String>,
  #[serde(default, deserialize_with = "text")]
  share_domain: Option<String>,
  #[serde(default, deserialize_with = "some")]
  pub(super) secret_ttl: Option<Value>,
  #[serde(default, deserialize_with = "whole")]
  metadata_ttl: Option<i64>,
  #[serde(default, deserialize_with = "whole")]
  receipt_ttl: Option<i64>,
  #[serde(default, deserialize_with = "whole")]
  created: Option<i64>,
  #[serde(default, deserialize_with = "whole")]
  updated: Option<i64>,
  #[serde(default, deserialize_with = "whole")]
  received: Option<i64>,
  #[serde(default, deserialize_with = "whole")]
  revealed: Option<i64>,
  #[serde(default, deserialize_with = "recipients")]
  recipients: Vec<String>,
  #[serde(default, deserialize_with = "some")]
  pub(super) has_passphrase: Option<Value>,
  /// A burn's short id of the secret (v0.26 `secret_shortid`, v0.22 `secret_shortkey`).
  #[serde(default, deserialize_with = "some")]
  pub(super) secret_shortid: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  pub(super) secret_shortkey: Option<Value>,
  /// A revealed secret, or a generated one in a conceal answer's `secret`.
  #[serde(default, deserialize_with = "text")]
  pub(super) secret_value: Option<String>,
  /// A conceal answer's receipt: a field that is present decides, even when it is not an object.
  #[serde(default, deserialize_with = "some")]
  pub(super) receipt: Option<Box<Obj<Record>>>,
  #[serde(default, deserialize_with = "some")]
  pub(super) metadata: Option<Box<Obj<Record>>>,
  #[serde(default)]
  pub(super) secret: Option<Box<Obj<Record>>>,
}

/// A record holds keys, and a secret when a parser did not take it: wiped when dropped.
impl Drop for Record {
  fn drop(&mut self) {
    for text in [
      &mut self.custid,
      &mut self.owner_id,
      &mut self.state,
      &mut self.secret_identifier,
      &mut self.share_path,
      &mut self.share_domain,
      &mut self.secret_value,
    ] {
      text.zeroize();
    }
    for value in [
      &mut self.key,
      &mut self.identifier,
      &mut self.secret_ttl,
      &mut self.has_passphrase,
      &mut self.secret_shortid,
      &mut self.secret_shortkey,
    ]
    .into_iter()
    .flatten()
    {
      wipe_json(value);
    }
    self.recipients.zeroize();
  }
}

impl Record {
  /// `key`, else `identifier`, when it is a string.
  fn key_text(&self) -> Option<String> {
    let text = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).map(str::to_owned);
    text(&self.key).or_else(|| text(&self.identifier))
  }
}

/// Internal state names of every generation in the v1 vocabulary (the server's own `V1_STATE_MAP`).
pub fn map_state(state: &str) -> &str {
  match state {
    "shared" => "new",
    "previewed" => "viewed",
    "revealed" => "received",
    other => other,
  }
}

pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
  Ok(match Value::deserialize(d)? {
    Value::String(s) => Some(s),
    _ => None,
  })
}

pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
  Ok(Value::deserialize(d)?.as_bool())
}

fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
  Ok(whole_number(&Value::deserialize(d)?))
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

/// One v2 receipt as a v1 receipt, in v1's field order. `secret` is the secret half of a conceal
/// answer, `reply_custid` the answer's top-level `custid`, `value` a generated secret's value
/// (moved in, not copied). Fields v2 does not have come out as `null`, as the v1 receipt has them.
pub(super) fn normalise_receipt(
  ctx: &Context<'_>,
  mut rec: Record,
  secret: Option<Record>,
  reply_custid: Option<String>,
  value: Option<Zeroizing<String>>,
) -> Receipt {
  let secret = secret.unwrap_or_default();
  let metadata_key = rec.key_text();
  let raw_state = rec.state.take().unwrap_or_else(|| "new".to_owned());
  let state = map_state(&raw_state).to_owned();
  let received = state == "received";
  // v0.24+ names the owner by id: the account's email is the username this client sends.
  let custid = rec
    .custid
    .take()
    .filter(|s| !s.is_empty())
    .or_else(|| {
      ctx
        .username
        .filter(|_| rec.owner_id.is_some())
        .map(str::to_owned)
    })
    .or_else(|| reply_custid.filter(|s| s.contains('@')))
    .unwrap_or_else(|| "anon".to_owned());
  let secret_key = rec
    .secret_identifier
    .take()
    .filter(|s| !s.is_empty())
    .or_else(|| secret.key_text())
    .or_else(|| {
      rec
        .share_path
        .as_deref()
        .and_then(|p| p.strip_prefix("secret/"))
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
    });

  let mut extra = Extra::default();
  let mut nullable = |field: &str, v: Option<i64>| {
    if v.is_none() {
      extra.insert(field, Value::Null);
    }
    v.map(Number::from)
  };
  let secret_ttl_sent = rec.secret_ttl.as_ref().and_then(whole_number);
  let ttl = nullable("ttl", secret_ttl_sent);
  let metadata_ttl = nullable("metadata_ttl", rec.metadata_ttl.or(rec.receipt_ttl));
  let secret_ttl = if received {
    None
  } else {
    nullable("secret_ttl", secret_ttl_sent)
  };
  let updated = nullable("updated", rec.updated);
  let created = nullable("created", rec.created);
  if metadata_key.is_none() {
    extra.insert("metadata_key", Value::Null);
  }
  let mut out = Receipt::default();
  out.custid = Some(custid);
  out.metadata_key = metadata_key;
  out.secret_key = secret_key.filter(|_| !received);
  out.ttl = ttl;
  out.metadata_ttl = metadata_ttl;
  out.secret_ttl = secret_ttl;
  out.state = Some(state);
  out.updated = updated;
  out.created = created;
  out.received = rec
    .received
    .or(rec.revealed)
    .filter(|_| received)
    .map(Number::from);
  out.recipient = Some(std::mem::take(&mut rec.recipients));
  out.share_domain = Some(rec.share_domain.take().unwrap_or_default());
  out.passphrase_required = rec.has_passphrase.as_ref().and_then(Value::as_bool);
  out.value = value;
  out.raw_state = Some(raw_state);
  out.extra = extra;
  out
}
