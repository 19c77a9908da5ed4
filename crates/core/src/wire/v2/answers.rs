//! API v2 answers as results: each envelope normalised to the v1 field names.

use serde_json::{Map, Value};

use super::errors::{error, message_of};
use super::receipt::normalise_receipt;
use crate::error::{Error, ErrorKind, Result};
use crate::wire::{coerce_number, with_share_link, Context, Op, RawResponse};

/// Internal state names of every generation in the v1 vocabulary (the server's own `V1_STATE_MAP`).
pub fn map_state(state: &str) -> &str {
  match state {
    "shared" => "new",
    "previewed" => "viewed",
    "revealed" => "received",
    other => other,
  }
}

pub fn parse(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<Value> {
  if !(200..300).contains(&resp.status) {
    return Err(error(op, resp));
  }
  let mut raw = resp.json()?;
  let shape_error = || resp.unexpected_shape(op);
  if raw.get("success") == Some(&Value::Bool(false)) {
    // Burn without effect, or a failure reported with 200.
    return Err(match op {
      Op::Burn => Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status),
      _ => Error::new(
        ErrorKind::Api,
        resp.describe(message_of(&raw).unwrap_or("success: false")),
      )
      .with_status(resp.status),
    });
  }
  let out = match op {
    Op::Status => Value::Bool(raw.get("status").and_then(Value::as_str) == Some("nominal")),
    Op::Version => version_string(&raw).map(Value::from).unwrap_or(Value::Null),
    Op::Share | Op::Generate => {
      let value = take_secret(&mut raw, &["record", "secret", "secret_value"]);
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let receipt = record
        .get("receipt")
        .or_else(|| record.get("metadata"))
        .filter(|r| r.is_object())
        .ok_or_else(shape_error)?;
      let secret = record.get("secret");
      let mut out = normalise_receipt(ctx, receipt, secret, raw.get("custid"), None);
      if let Some(v) = value {
        out.insert("value".into(), v);
      }
      finish(ctx, out, raw)
    }
    Op::RetrieveMetadata => {
      // The value of a generated secret, on the creator's first view (v0.24+).
      let value = take_secret(&mut raw, &["details", "secret_value"]).filter(|v| v != "");
      let record = raw
        .get("record")
        .filter(|r| r.is_object())
        .ok_or_else(shape_error)?;
      let out = normalise_receipt(ctx, record, None, raw.get("custid"), value);
      finish(ctx, out, raw)
    }
    Op::RetrieveSecret => {
      let value = take_secret(&mut raw, &["record", "secret_value"]);
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let Some(value) = value else {
        // 200 without a value: not revealed (see `details`).
        let wrong = raw.pointer("/details/correct_passphrase") == Some(&Value::Bool(false))
          && record.get("has_passphrase") == Some(&Value::Bool(true));
        return Err(if wrong {
          Error::new(ErrorKind::IncorrectPassphrase, "Incorrect passphrase")
            .with_status(resp.status)
        } else {
          Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status)
        });
      };
      let mut out = Map::new();
      out.insert("value".into(), value);
      out.insert(
        "secret_key".into(),
        record
          .get("key")
          .or_else(|| record.get("identifier"))
          .cloned()
          .unwrap_or(Value::Null),
      );
      keep_raw(ctx, &mut out, raw);
      Value::Object(out)
    }
    Op::Burn => {
      // v0.26 answers a second burn with a bare `{"success":true}`: nothing was burned this time.
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(|| {
          Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status)
        })?;
      let state = normalise_receipt(ctx, &raw["record"], None, raw.get("custid"), None);
      let shortkey = record
        .get("secret_shortid")
        .or_else(|| record.get("secret_shortkey"))
        .cloned()
        .unwrap_or(Value::Null);
      let mut state = state;
      state.insert("state".into(), Value::from("burned"));
      let mut out = Map::new();
      out.insert("state".into(), Value::Object(state));
      out.insert("secret_shortkey".into(), shortkey);
      keep_raw(ctx, &mut out, raw);
      Value::Object(out)
    }
    Op::RecentMetadata => {
      let records = raw
        .get("records")
        .and_then(Value::as_array)
        .ok_or_else(shape_error)?;
      let items = records
        .iter()
        .filter(|r| r.is_object())
        .map(|r| {
          let mut item = normalise_receipt(ctx, r, None, raw.get("custid"), None);
          item.shift_remove("secret_key");
          Value::Object(item)
        })
        .collect();
      Value::Array(items)
    }
    Op::SecretStatus => {
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let raw_state = record
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
      let mut out = Map::new();
      out.insert("state".into(), Value::from(map_state(raw_state)));
      out.insert("raw_state".into(), Value::from(raw_state));
      if let Some(v) = record.get("has_passphrase") {
        out.insert("passphrase_required".into(), v.clone());
      }
      if let Some(mut v) = record.get("secret_ttl").cloned() {
        coerce_number(&mut v);
        out.insert("secret_ttl".into(), v);
      }
      keep_raw(ctx, &mut out, raw);
      Value::Object(out)
    }
  };
  Ok(out)
}

/// Removes the string at `path` from the server's answer and returns it: a secret moves into the
/// result instead of being copied, so a result holds it once (and `raw` does not repeat it).
fn take_secret(raw: &mut Value, path: &[&str]) -> Option<Value> {
  let (last, parents) = path.split_last()?;
  let mut at = raw;
  for p in parents {
    at = at.get_mut(*p)?;
  }
  let obj = at.as_object_mut()?;
  if !obj.get(*last)?.is_string() {
    return None;
  }
  obj.shift_remove(*last)
}

fn finish(ctx: &Context<'_>, mut out: Map<String, Value>, raw: Value) -> Value {
  keep_raw(ctx, &mut out, raw);
  Value::Object(with_share_link(ctx, out))
}

/// The server's answer goes into the result as `raw` only when the client asked for it (the `raw`
/// option); otherwise it is wiped here, so the result is the one copy of what the server sent.
fn keep_raw(ctx: &Context<'_>, out: &mut Map<String, Value>, mut raw: Value) {
  if ctx.include_raw {
    out.insert("raw".into(), raw);
  } else {
    crate::wire::wipe(&mut raw);
  }
}

/// `["0","22","11"]` -> `"0.22.11"`.
fn version_string(raw: &Value) -> Option<String> {
  let parts = raw.get("version")?.as_array()?;
  let parts: Vec<String> = parts
    .iter()
    .map(|p| {
      p.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| p.to_string())
    })
    .collect();
  Some(parts.join("."))
}

/// A v2 receipts list in the shape of API v1's `recent`: the fields v1 servers list, in their
/// order (transcripts v0.12.1-more #8 and v0.26.6-more #8), without the v2-only extras.
pub fn recent_as_v1(mut list: Value) -> Value {
  if let Value::Array(items) = &mut list {
    for item in items.iter_mut() {
      if let Value::Object(rec) = item {
        for extra in ["secret_key", "passphrase_required", "value", "raw_state"] {
          rec.shift_remove(extra);
        }
      }
    }
  }
  list
}

/// Adds the generated value read from the receipt (v0.24+ shows it only there).
pub fn merge_generated_value(mut created: Value, receipt: Option<Value>) -> Value {
  let value = receipt.as_ref().and_then(|r| r.get("value")).cloned();
  if let (Some(v), Value::Object(obj)) = (value, &mut created) {
    obj.insert("value".into(), v);
  }
  if let Some(mut r) = receipt {
    crate::wire::wipe(&mut r);
  }
  created
}
