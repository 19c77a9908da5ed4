//! API v2 answers as results: each answer's outer object (`Reply`) read straight into a typed model of what the request
//! needs (unknown fields skipped, not built), then reshaped to the v1 models. Only with the
//! client's `raw` option is the answer also kept as a JSON value, as `raw`.

use serde::Deserialize;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use super::errors::{error, message_of};
use super::receipt::{flag, map_state, normalise_receipt, text, Record};
use crate::answers::read::{self, number, put};
use crate::answers::{BurnResult, Raw, Receipt, RevealedSecret, SecretStatus};
use crate::error::{Error, ErrorKind, Result};
use crate::secret_buf::wipe_json;
use crate::wire::lenient::{Obj, Objs};
use crate::wire::{add_share_link, Context, Op, RawResponse};

/// The outer object of every v2 answer: `{success, custid, record | records, details}` (an error
/// also has `error` or `message`). One type for every request, so the binary has one reader of it.
/// (Not to be confused with an end-to-end `e2e` envelope, which is a secret's sealed text.)
#[derive(Deserialize, Default)]
struct Reply {
  #[serde(default, deserialize_with = "flag")]
  success: Option<bool>,
  #[serde(default, deserialize_with = "text")]
  custid: Option<String>,
  #[serde(default, deserialize_with = "text")]
  error: Option<String>,
  #[serde(default, deserialize_with = "text")]
  message: Option<String>,
  #[serde(default)]
  record: Option<Obj<Record>>,
  #[serde(default)]
  records: Option<Objs<Record>>,
  #[serde(default)]
  details: Option<Obj<Details>>,
}

impl Reply {
  /// `record` when it is an object.
  fn record(&mut self) -> Option<Record> {
    self.record.take().and_then(|r| r.0)
  }

  fn details(&mut self) -> Option<Details> {
    self.details.take().and_then(|d| d.0)
  }
}

/// A 2xx answer read as a `Reply`, and with `keep_raw` (the client's `raw` option) also as the
/// whole JSON value; a non-2xx answer as its error. An answer that is not an object reads as an
/// empty reply (each request then says what it misses).
fn read(op: Op, resp: &RawResponse, keep_raw: bool) -> Result<(Reply, Option<Raw>)> {
  if !(200..300).contains(&resp.status) {
    return Err(error(op, resp));
  }
  let reply = resp.read::<Obj<Reply>>(op)?;
  // The `raw` option reads the answer a second time, as a value: only callers who asked for it
  // pay for that.
  let raw = if keep_raw {
    Some(Raw(resp.json()?))
  } else {
    None
  };
  Ok((reply.0.unwrap_or_default(), raw))
}

/// `success: false` with a 2xx status: a failure the server reported as an answer.
fn refused(resp: &RawResponse, reply: &Reply) -> Result<()> {
  if reply.success != Some(false) {
    return Ok(());
  }
  let message = reply.error.as_deref().or(reply.message.as_deref());
  Err(
    Error::new(
      ErrorKind::Api,
      resp.describe(message.unwrap_or("success: false")),
    )
    .with_status(resp.status),
  )
}

/// Removes the string at `path` from the server's answer kept as `raw` and wipes it: the result
/// holds a secret once, in its `value`.
fn drop_secret(raw: &mut Option<Raw>, path: &[&str]) {
  let Some((last, parents)) = path.split_last() else {
    return;
  };
  let mut at = raw.as_mut().map(|r| &mut r.0);
  for p in parents {
    at = at.and_then(|v| v.get_mut(*p));
  }
  let Some(obj) = at.and_then(Value::as_object_mut) else {
    return;
  };
  if obj.get(*last).is_some_and(Value::is_string) {
    if let Some(mut v) = obj.shift_remove(*last) {
      wipe_json(&mut v);
    }
  }
}

/// A 2xx answer as a JSON value (the small answers of `status` and `version`).
fn read_value(op: Op, resp: &RawResponse) -> Result<Value> {
  if !(200..300).contains(&resp.status) {
    return Err(error(op, resp));
  }
  let raw = resp.json()?;
  if raw.get("success") == Some(&Value::Bool(false)) {
    let message = message_of(&raw).unwrap_or("success: false");
    return Err(Error::new(ErrorKind::Api, resp.describe(message)).with_status(resp.status));
  }
  Ok(raw)
}

/// `GET /status`: `true` when the server says "nominal".
pub fn status(op: Op, _: &Context<'_>, resp: &RawResponse) -> Result<bool> {
  let raw = read_value(op, resp)?;
  Ok(raw.get("status").and_then(Value::as_str) == Some("nominal"))
}

/// `GET /version`: `["0","22","11"]` -> `"0.22.11"`.
pub fn version(op: Op, _: &Context<'_>, resp: &RawResponse) -> Result<Option<String>> {
  let raw = read_value(op, resp)?;
  let Some(parts) = raw.get("version").and_then(Value::as_array) else {
    return Ok(None);
  };
  let parts: Vec<String> = parts
    .iter()
    .map(|p| {
      p.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| p.to_string())
    })
    .collect();
  Ok(Some(parts.join(".")))
}

/// `POST /secret/conceal` and `/secret/generate`: `record` holds the receipt (`receipt` v0.24+,
/// `metadata` before) and the secret's half.
pub fn created(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<Receipt> {
  let (mut reply, mut raw) = read(op, resp, ctx.include_raw)?;
  refused(resp, &reply)?;
  let mut record = reply.record().ok_or_else(|| resp.unexpected_shape(op))?;
  let receipt = record
    .receipt
    .take()
    .or(record.metadata.take())
    .and_then(|r| r.0)
    .ok_or_else(|| resp.unexpected_shape(op))?;
  let mut secret = record.secret.take().and_then(|s| s.0).unwrap_or_default();
  let value = secret.secret_value.take().map(Zeroizing::new);
  drop_secret(&mut raw, &["record", "secret", "secret_value"]);
  let mut out = normalise_receipt(ctx, receipt, Some(secret), reply.custid, None);
  out.value = value;
  out.raw = raw;
  add_share_link(ctx, &mut out);
  Ok(out)
}

/// `details` of a receipt or a reveal (wiped when dropped: it may hold a generated secret).
#[derive(Deserialize, Default)]
struct Details {
  /// A generated secret's value, on the creator's first view of its receipt (v0.24+).
  #[serde(default, deserialize_with = "text")]
  secret_value: Option<String>,
  #[serde(default, deserialize_with = "flag")]
  correct_passphrase: Option<bool>,
}

impl Drop for Details {
  fn drop(&mut self) {
    self.secret_value.zeroize();
  }
}

/// `GET /receipt/:key`.
pub fn receipt(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<Receipt> {
  let (mut reply, mut raw) = read(op, resp, ctx.include_raw)?;
  refused(resp, &reply)?;
  let value = reply
    .details()
    .and_then(|mut d| d.secret_value.take())
    .map(Zeroizing::new)
    .filter(|v| !v.is_empty());
  drop_secret(&mut raw, &["details", "secret_value"]);
  let record = reply.record().ok_or_else(|| resp.unexpected_shape(op))?;
  let mut out = normalise_receipt(ctx, record, None, reply.custid, value);
  out.raw = raw;
  add_share_link(ctx, &mut out);
  Ok(out)
}

/// `POST /secret/:key/reveal`.
pub fn revealed(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<RevealedSecret> {
  let (mut reply, mut raw) = read(op, resp, ctx.include_raw)?;
  refused(resp, &reply)?;
  drop_secret(&mut raw, &["record", "secret_value"]);
  let mut record = reply.record().ok_or_else(|| resp.unexpected_shape(op))?;
  let Some(value) = record.secret_value.take().map(Zeroizing::new) else {
    // 200 without a value: not revealed (see `details`).
    let wrong = reply.details().and_then(|d| d.correct_passphrase) == Some(false)
      && record.has_passphrase == Some(Value::Bool(true));
    return Err(if wrong {
      Error::new(ErrorKind::IncorrectPassphrase, "Incorrect passphrase").with_status(resp.status)
    } else {
      Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status)
    });
  };
  let mut out = RevealedSecret::default();
  out.value = Some(value);
  out.raw = raw;
  let key = record.key.take().or(record.identifier.take());
  put(
    &mut out.secret_key,
    &mut out.extra.0,
    "secret_key",
    read::text(key.unwrap_or(Value::Null)),
  );
  Ok(out)
}

/// `POST /receipt/:key/burn`.
pub fn burned(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<BurnResult> {
  let (mut reply, raw) = read(op, resp, ctx.include_raw)?;
  let unknown = || Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status);
  // Burn without effect (`success: false`), or v0.26's bare `{"success":true}` to a second burn:
  // nothing was burned this time.
  if reply.success == Some(false) {
    return Err(unknown());
  }
  let mut record = reply.record().ok_or_else(unknown)?;
  let shortkey = record
    .secret_shortid
    .take()
    .or(record.secret_shortkey.take());
  let mut state = normalise_receipt(ctx, record, None, reply.custid, None);
  state.state = Some("burned".to_owned());
  state.extra.0.shift_remove("state");
  let mut out = BurnResult {
    state: Some(state),
    raw,
    ..BurnResult::default()
  };
  put(
    &mut out.secret_shortkey,
    &mut out.extra.0,
    "secret_shortkey",
    read::text(shortkey.unwrap_or(Value::Null)),
  );
  Ok(out)
}

/// `GET /receipt/recent`: the receipts, without their secret keys.
pub fn recent(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<Vec<Receipt>> {
  let (reply, _) = read(op, resp, false)?;
  refused(resp, &reply)?;
  let records = reply
    .records
    .and_then(|r| r.0)
    .ok_or_else(|| resp.unexpected_shape(op))?;
  let custid = reply.custid;
  Ok(
    records
      .into_iter()
      .map(|r| {
        let mut item = normalise_receipt(ctx, r, None, custid.clone(), None);
        item.secret_key.zeroize();
        item
      })
      .collect(),
  )
}

/// `GET /secret/:key/status`.
pub fn secret_status(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<SecretStatus> {
  let (mut reply, raw) = read(op, resp, ctx.include_raw)?;
  refused(resp, &reply)?;
  let record = reply.record().ok_or_else(|| resp.unexpected_shape(op))?;
  let mut record = record;
  // `state` is required here: a state of another type reads as `unknown`, like none.
  let raw_state = match record.state.take() {
    Some(Value::String(s)) => s,
    _ => "unknown".to_owned(),
  };
  let mut out = SecretStatus {
    state: map_state(&raw_state).to_owned(),
    raw_state,
    raw,
    ..SecretStatus::default()
  };
  let x = &mut out.extra.0;
  if let Some(v) = record.has_passphrase.take() {
    put(
      &mut out.passphrase_required,
      x,
      "passphrase_required",
      read::flag(v),
    );
  }
  if let Some(v) = record.secret_ttl.take() {
    put(&mut out.secret_ttl, x, "secret_ttl", number(v));
  }
  Ok(out)
}

/// A v2 receipts list in the shape of API v1's `recent`: the fields v1 servers list, without the
/// v2-only extras (transcripts v0.12.1-more #8 and v0.26.6-more #8).
pub fn recent_as_v1(mut list: Vec<Receipt>) -> Vec<Receipt> {
  for item in &mut list {
    item.secret_key.zeroize();
    item.passphrase_required = None;
    item.value = None;
    item.raw_state = None;
  }
  list
}
