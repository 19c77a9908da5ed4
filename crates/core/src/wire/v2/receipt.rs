//! One v2 receipt record, of either era, as a v1 receipt ([`Receipt`]). The record ([`Record`])
//! keeps what the normaliser reads as sent; the normaliser applies the one leniency rule of
//! `answers/read.rs` with v2's "none": numbers may come as strings (v0.22 sends
//! `"secret_ttl":"3600"`, `"received":""`; transcript v0.22.11-api-v2) or as fractions (v0.26's
//! `created`), `null` (and `""` for a number) is none, and a value of another type is kept as sent
//! in the receipt's `extra` under the v1 name of its field.

use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};
use zeroize::{Zeroize, Zeroizing};

use crate::answers::read::{strings, Sent};
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
  #[serde(default, deserialize_with = "some")]
  custid: Option<Value>,
  #[serde(default, deserialize_with = "text")]
  owner_id: Option<String>,
  #[serde(default, deserialize_with = "some")]
  pub(super) state: Option<Value>,
  #[serde(default, deserialize_with = "text")]
  secret_identifier: Option<String>,
  #[serde(default, deserialize_with = "text")]
  share_path: Option<String>,
  #[serde(default, deserialize_with = "some")]
  share_domain: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  pub(super) secret_ttl: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  metadata_ttl: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  receipt_ttl: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  created: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  updated: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  received: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  revealed: Option<Value>,
  #[serde(default, deserialize_with = "some")]
  recipients: Option<Value>,
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
      &mut self.owner_id,
      &mut self.secret_identifier,
      &mut self.share_path,
      &mut self.secret_value,
    ] {
      text.zeroize();
    }
    for value in [
      &mut self.key,
      &mut self.identifier,
      &mut self.custid,
      &mut self.state,
      &mut self.share_domain,
      &mut self.secret_ttl,
      &mut self.metadata_ttl,
      &mut self.receipt_ttl,
      &mut self.created,
      &mut self.updated,
      &mut self.received,
      &mut self.revealed,
      &mut self.recipients,
      &mut self.has_passphrase,
      &mut self.secret_shortid,
      &mut self.secret_shortkey,
    ]
    .into_iter()
    .flatten()
    {
      wipe_json(value);
    }
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

/// A text field: none (absent or `null`), the text, or the value as sent.
fn text_of(v: Option<Value>) -> Sent<Option<String>> {
  match v {
    None | Some(Value::Null) => Ok(None),
    Some(Value::String(s)) => Ok(Some(s)),
    Some(v) => Err(v),
  }
}

/// A number field as a whole number: none (absent, `null` or `""`), the number (or a string
/// holding one, fractions floored), or the value as sent.
fn whole(v: Option<Value>) -> Sent<Option<i64>> {
  match v {
    None | Some(Value::Null) => Ok(None),
    Some(Value::String(s)) if s.is_empty() => Ok(None),
    Some(v) => whole_number(&v).map(Some).ok_or(v),
  }
}

/// `"a***@e***.com, b***@e***.com"` (v0.22) or a list of strings (v0.26); `""` and `null` are none.
fn recipients(v: Option<Value>) -> Sent<Vec<String>> {
  match v {
    None | Some(Value::Null) => Ok(Vec::new()),
    Some(Value::String(s)) if s.is_empty() => Ok(Vec::new()),
    Some(Value::String(s)) => Ok(s.split(", ").map(str::to_owned).collect()),
    Some(v) => strings(v),
  }
}

/// The value of a field, or none with the value as sent kept in `extra` under `field`.
fn typed<T>(extra: &mut Extra, field: &str, sent: Sent<Option<T>>) -> Option<T> {
  sent.unwrap_or_else(|v| {
    extra.insert(field, v);
    None
  })
}

/// The state as sent, `new` when none, and mapped to v1's words; a state of another type is kept
/// as sent in `extra` (no state then).
pub(super) fn state_of(rec: &mut Record, extra: &mut Extra) -> (Option<String>, Option<String>) {
  match text_of(rec.state.take()) {
    Ok(raw) => {
      let raw = raw.unwrap_or_else(|| "new".to_owned());
      (Some(map_state(&raw).to_owned()), Some(raw))
    }
    Err(v) => {
      extra.insert("state", v);
      (None, None)
    }
  }
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
  let mut extra = Extra::default();
  let metadata_key = rec.key_text();
  if metadata_key.is_none() {
    let sent = [&rec.key, &rec.identifier].into_iter().flatten();
    if let Some(v) = sent.clone().find(|v| !v.is_null()) {
      extra.insert("metadata_key", v.clone());
    }
  }
  let (state, raw_state) = state_of(&mut rec, &mut extra);
  let received = state.as_deref() == Some("received");
  // v0.24+ names the owner by id: the account's email is the username this client sends.
  let custid = typed(&mut extra, "custid", text_of(rec.custid.take()).map(Some)).map(|sent| {
    sent
      .filter(|s| !s.is_empty())
      .or_else(|| {
        ctx
          .username
          .filter(|_| rec.owner_id.is_some())
          .map(str::to_owned)
      })
      .or_else(|| reply_custid.filter(|s| s.contains('@')))
      .unwrap_or_else(|| "anon".to_owned())
  });
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

  let secret_ttl_sent = match whole(rec.secret_ttl.take()) {
    Ok(n) => n,
    Err(v) => {
      if !received {
        extra.insert("secret_ttl", v.clone());
      }
      extra.insert("ttl", v);
      None
    }
  };
  let metadata_ttl = match whole(rec.metadata_ttl.take()) {
    Ok(None) => typed(&mut extra, "metadata_ttl", whole(rec.receipt_ttl.take())),
    sent => typed(&mut extra, "metadata_ttl", sent),
  };
  let updated = typed(&mut extra, "updated", whole(rec.updated.take()));
  let created = typed(&mut extra, "created", whole(rec.created.take()));
  let received_at = match received {
    false => None,
    true => match whole(rec.received.take()) {
      Ok(None) => typed(&mut extra, "received", whole(rec.revealed.take())),
      sent => typed(&mut extra, "received", sent),
    },
  };
  let recipient = typed(
    &mut extra,
    "recipient",
    recipients(rec.recipients.take()).map(Some),
  );
  let share_domain = typed(&mut extra, "share_domain", text_of(rec.share_domain.take()))
    .or_else(|| (!extra.0.contains_key("share_domain")).then(String::new));
  let passphrase_required = match rec.has_passphrase.take() {
    Some(Value::Bool(b)) => Some(b),
    None | Some(Value::Null) => None,
    Some(v) => {
      extra.insert("passphrase_required", v);
      None
    }
  };

  // v1's receipt has these even when empty: `null` where v2 sent nothing.
  let mut nullable = |field: &str, v: Option<i64>| {
    if v.is_none() && !extra.0.contains_key(field) {
      extra.insert(field, Value::Null);
    }
    v.map(Number::from)
  };
  let ttl = nullable("ttl", secret_ttl_sent);
  let metadata_ttl = nullable("metadata_ttl", metadata_ttl);
  let secret_ttl = if received {
    None
  } else {
    nullable("secret_ttl", secret_ttl_sent)
  };
  let updated = nullable("updated", updated);
  let created = nullable("created", created);
  if metadata_key.is_none() && !extra.0.contains_key("metadata_key") {
    extra.insert("metadata_key", Value::Null);
  }
  let mut out = Receipt::default();
  out.custid = custid;
  out.metadata_key = metadata_key;
  out.secret_key = secret_key.filter(|_| !received);
  out.ttl = ttl;
  out.metadata_ttl = metadata_ttl;
  out.secret_ttl = secret_ttl;
  out.state = state;
  out.updated = updated;
  out.created = created;
  out.received = received_at.map(Number::from);
  out.recipient = recipient;
  out.share_domain = share_domain;
  out.passphrase_required = passphrase_required;
  out.value = value;
  out.raw_state = raw_state;
  out.extra = extra;
  out
}
