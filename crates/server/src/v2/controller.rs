//! v2 answers of the controller era (v0.19-v0.23, v0.22.11's transcripts): `success` / `shrimp` /
//! `custid` wrappers, `metadata` records, fields read back from Redis as strings, 403/404/422/429
//! errors.

use serde_json::{json, Value};

use super::render::{add_links, recipients_joined, Links, RecordUse, Render, ViewFacts};
use crate::auth::Caller;
use crate::reply::{int, sint, Reply, JSON, JSON_UTF8};
use crate::store::{RState, ReceiptRec, SecretRec};

/// The controller era's v2 style.
#[derive(Debug)]
pub(crate) struct Controller;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Typing {
  /// As created (ints).
  Native,
  /// As loaded back from Redis by Familia v1 (strings), except `updated` just written by a preview.
  Preview,
  Strings,
}

fn secret_record(s: &SecretRec, t: Typing) -> Value {
  let state = if s.viewed.is_some() { "viewed" } else { "new" };
  secret_record_in(s, t, state)
}

fn secret_record_in(s: &SecretRec, t: Typing, state: &str) -> Value {
  let n = |v: f64| if t == Typing::Native { int(v) } else { sint(v) };
  let updated = if t == Typing::Strings {
    sint(s.updated)
  } else {
    int(s.updated)
  };
  json!({"identifier": s.key, "key": s.key, "state": state, "secret_ttl": n(s.ttl as f64), "lifespan": n(s.ttl as f64),
         "shortkey": s.key.chars().take(8).collect::<String>(), "has_passphrase": s.has_passphrase(), "verification": false,
         "is_truncated": s.truncated, "created": n(s.created), "updated": updated})
}

/// The metadata record (`strings`: as read back on retrievals).
fn metadata(r: &ReceiptRec, strings: bool) -> Value {
  let state = r.state;
  let n = |v: f64| if strings { sint(v) } else { int(v) };
  let o = |v: Option<f64>| match (v, strings) {
    (Some(t), true) => sint(t),
    (Some(t), false) => int(t),
    (None, true) => json!(""),
    (None, false) => Value::Null,
  };
  let s_or_null = |s: String| {
    if strings {
      json!(s)
    } else if s.is_empty() {
      Value::Null
    } else {
      json!(s)
    }
  };
  let recipients = recipients_joined(r);
  json!({
    "identifier": r.key, "key": r.key, "custid": r.owner.clone().unwrap_or_else(|| "anon".into()),
    "state": state.legacy(), "secret_shortkey": r.secret_shortkey(6),
    "secret_ttl": n(r.ttl as f64), "metadata_ttl": n(2.0 * r.ttl as f64), "lifespan": n(2.0 * r.ttl as f64),
    "share_domain": s_or_null(String::new()), "created": n(r.created), "updated": n(r.updated),
    "shared": o(None), "received": o(r.received_at), "burned": o(r.burned_at), "viewed": o(r.viewed_at),
    "recipients": s_or_null(recipients),
    // Familia stores `memo` only for receipts made through v2; v1's read back as nil.
    "memo": if strings && r.memo_stored { json!("") } else { Value::Null },
    "shortkey": r.key.chars().take(8).collect::<String>(), "show_recipients": !r.recipients.is_empty(),
    "is_viewed": state == RState::Viewed, "is_received": state == RState::Received, "is_burned": state == RState::Burned,
    "is_expired": state == RState::Expired, "is_orphaned": state == RState::Orphaned,
    "is_destroyed": state.is_destroyed(),
    "is_truncated": r.truncated, "has_passphrase": r.has_passphrase
  })
}

static LINKS: Links = Links {
  prefix: "private",
  receipt_links: false,
  seconds_as_number: false,
};

impl Render for Controller {
  fn ctype(&self) -> &'static str {
    JSON_UTF8
  }

  fn status(&self) -> Reply {
    Reply::raw(200, JSON_UTF8, br#"{"status":"nominal","locale":"en"}"#)
  }

  fn server_error(&self) -> Reply {
    Reply::raw(500, JSON, br#"{"error":"Internal Server Error"}"#)
  }

  fn not_found(&self) -> Reply {
    Reply::raw(404, JSON, br#"{"error":"Not Found"}"#)
  }

  fn rate_fault(&self, _retry_after: u64) -> Option<String> {
    None
  }

  fn unauthorized(&self, _code: &str, _now: f64) -> Reply {
    self.json(403, &json!({"message": "Not authorized"}))
  }

  fn form_error(
    &self,
    caller: &Caller,
    message: &str,
    _error_type: Option<&str>,
    _field: Option<&str>,
  ) -> Reply {
    self.json(
      422,
      &json!({"shrimp": caller.shrimp(), "message": message, "success": false}),
    )
  }

  fn record_not_found(&self, key: &str) -> Reply {
    self.json(
      404,
      &json!({"secret_key": key, "message": "Unknown secret"}),
    )
  }

  fn rate_limited(&self, _retry_after: u64) -> Reply {
    self.json(
      429,
      &json!({"message": "Cripes! You have been rate limited.", "success": false}),
    )
  }

  fn lockout(&self, retry_after: u64) -> Reply {
    self.rate_limited(retry_after)
  }

  fn account_required(&self, caller: &Caller) -> Reply {
    let message = "An account is required to send emails.";
    self.form_error(caller, message, None, None)
  }

  fn entitlement_required(&self, caller: &Caller) -> Reply {
    let message = "Your plan does not include extended expiration times";
    self.form_error(caller, message, None, None)
  }

  fn incorrect_passphrase(&self, caller: &Caller) -> Reply {
    self.form_error(caller, "Incorrect passphrase", None, None)
  }

  fn created(
    &self,
    caller: &Caller,
    receipt: &ReceiptRec,
    secret: &SecretRec,
    details: Value,
  ) -> Value {
    json!({"success": true, "shrimp": caller.shrimp(), "custid": caller.custid(),
           "record": {"metadata": metadata(receipt, false),
                      "secret": secret_record(secret, Typing::Native), "share_domain": null},
           "details": details})
  }

  fn preview_record(&self, secret: &SecretRec) -> Value {
    secret_record(secret, Typing::Preview)
  }

  fn secret_record(&self, secret: &SecretRec) -> Value {
    secret_record(secret, Typing::Strings)
  }

  fn revealed_record(&self, secret: &SecretRec) -> Value {
    secret_record_in(secret, Typing::Strings, "received")
  }

  fn answer(&self, record: Value, details: Value) -> Value {
    json!({"success": true, "record": record, "details": details})
  }

  fn unrevealed(&self, record: Value, details: Value) -> Value {
    json!({"record": record, "details": details, "success": true})
  }

  fn secret_status(&self, secret: Option<&SecretRec>, now: f64) -> Value {
    match secret {
      None => json!({"success": true, "record": {"state": "unknown"}}),
      Some(s) => {
        json!({"success": true, "record": secret_record(s, Typing::Strings), "details": {"realttl": s.remaining(now)}})
      }
    }
  }

  fn receipt(&self, receipt: &ReceiptRec, _secret: Option<&SecretRec>, used: RecordUse) -> Value {
    metadata(receipt, used != RecordUse::Create)
  }

  fn receipt_view(&self, base: &str, mut record: Value, f: &ViewFacts) -> Value {
    let r = f.receipt;
    let alive = f.secret.is_some();
    if let Value::Object(m) = &mut record {
      if f.shown.is_some() {
        m.insert("secret_key".into(), json!(r.secret_key));
      }
      let secret_state = f
        .secret
        .as_ref()
        .map(|s| json!(if s.viewed { "viewed" } else { "new" }))
        .unwrap_or(Value::Null);
      add_links(base, &LINKS, m, r, alive, Some(secret_state), None);
    }
    let realttl = f
      .secret
      .as_ref()
      .map(|s| json!(s.realttl))
      .unwrap_or(Value::Null);
    let (maxviews, has_maxviews, has_pass, can_decrypt, truncated) = match &f.secret {
      Some(s) => (
        json!(1),
        json!(false),
        json!(s.has_passphrase),
        json!(!s.has_passphrase),
        json!(false),
      ),
      None => (
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
      ),
    };
    json!({"success": true, "record": record, "details": {
      "type": "record", "display_lines": 4, "no_cache": true, "secret_realttl": realttl, "maxviews": maxviews,
      "has_maxviews": has_maxviews, "view_count": null, "has_passphrase": has_pass, "can_decrypt": can_decrypt,
      "secret_value": f.shown, "is_truncated": truncated, "show_secret": f.shown.is_some(), "show_secret_link": alive,
      "show_metadata_link": alive && f.before == RState::New, "show_metadata": true,
      "show_recipients": !r.recipients.is_empty()}})
  }

  fn burned(
    &self,
    caller: &Caller,
    record: Value,
    has_passphrase: bool,
    recipients: bool,
    burned: bool,
  ) -> Value {
    let details = json!({"type": "record", "title": "Secret burned", "display_lines": 0, "display_feedback": false,
      "no_cache": true, "maxviews": 0, "has_maxviews": false, "view_count": 0,
      "has_passphrase": has_passphrase, "can_decrypt": false, "is_truncated": false, "show_secret": false,
      "show_secret_link": false, "show_metadata_link": false, "show_metadata": true,
      "show_recipients": recipients, "is_orphaned": false});
    json!({"success": burned, "shrimp": caller.shrimp(), "custid": caller.custid(),
           "record": record, "details": details})
  }

  fn recent(
    &self,
    email: &str,
    _owner_id: &str,
    records: Vec<Value>,
    done: Vec<Value>,
    pending: Vec<Value>,
    now: f64,
  ) -> Value {
    let count = records.len();
    json!({"success": true, "custid": email, "count": count, "records": records,
           "details": {"type": "list", "since": int(now - 30.0 * 86400.0), "now": int(now), "has_items": count > 0,
                       "received": done, "notreceived": pending}})
  }

  fn links(&self) -> &'static Links {
    &LINKS
  }
}
