//! v2 answers of the Otto era (v0.24+, v0.26.6's transcripts): raw records with `success_data`,
//! `receipt` records, float times, ADR-013 errors (`error`, `error_type`, `request_id`), 401 on
//! bad credentials, `Retry-After` on 429.

use serde_json::{json, Map, Value};

use super::render::{add_links, recipients_joined, Links, RecordUse, Render, ViewFacts};
use crate::auth::Caller;
use crate::keys;
use crate::reply::{float, int, opt_int, Reply, JSON};
use crate::store::{RState, ReceiptRec, SecretRec};

/// The Otto era's v2 style.
#[derive(Debug)]
pub(crate) struct Otto;

fn request_id() -> String {
  keys::token(13)
}

fn secret_record(s: &SecretRec, state: Option<RState>) -> Value {
  let st = state.unwrap_or(RState::New);
  json!({"identifier": s.key, "key": s.key, "shortid": s.key.chars().take(8).collect::<String>(),
         "state": st.modern(), "lifespan": s.ttl, "secret_ttl": s.ttl, "has_passphrase": s.has_passphrase(),
         "verification": false, "created": float(s.created), "updated": float(s.updated),
         "is_previewed": st == RState::Viewed, "is_revealed": st == RState::Received,
         "is_viewed": st == RState::Viewed, "is_received": st == RState::Received})
}

fn receipt_record(r: &ReceiptRec, secret: Option<&SecretRec>, used: RecordUse) -> Value {
  let st = r.state;
  let mut m = Map::new();
  m.insert("identifier".into(), json!(r.key));
  m.insert("key".into(), json!(r.key));
  m.insert("custid".into(), Value::Null);
  m.insert("owner_id".into(), json!(r.owner_id));
  m.insert("state".into(), json!(st.modern()));
  m.insert("secret_shortid".into(), json!(r.secret_shortkey(8)));
  match used {
    RecordUse::Create | RecordUse::Burn => {
      m.insert("secret_identifier".into(), json!(r.secret_key));
    }
    RecordUse::View => {
      if secret.is_some() {
        m.insert("secret_identifier".into(), json!(r.secret_key));
      }
    }
    RecordUse::Recent => {
      m.insert(
        "secret_identifier".into(),
        json!(if secret.is_some() {
          r.secret_key.as_str()
        } else {
          ""
        }),
      );
    }
  }
  for k in ["secret_ttl", "metadata_ttl", "receipt_ttl", "lifespan"] {
    m.insert(k.into(), json!(r.ttl));
  }
  m.insert("share_domain".into(), Value::Null);
  m.insert("created".into(), float(r.created));
  m.insert("updated".into(), float(r.updated));
  m.insert("shared".into(), Value::Null);
  m.insert("recipients".into(), json!(recipients_joined(r)));
  m.insert("recipient_name".into(), Value::Null);
  m.insert("memo".into(), Value::Null);
  m.insert(
    "shortid".into(),
    json!(r.key.chars().take(8).collect::<String>()),
  );
  m.insert("show_recipients".into(), json!(!r.recipients.is_empty()));
  m.insert("previewed".into(), opt_int(r.previewed_at));
  m.insert("revealed".into(), opt_int(r.received_at));
  m.insert("is_previewed".into(), json!(r.previewed_at.is_some()));
  m.insert("viewed".into(), opt_int(r.viewed_at));
  m.insert("received".into(), opt_int(r.received_at));
  m.insert("burned".into(), opt_int(r.burned_at));
  m.insert("is_viewed".into(), json!(r.viewed_at.is_some()));
  m.insert("is_received".into(), json!(st == RState::Received));
  m.insert("is_revealed".into(), json!(st == RState::Received));
  m.insert("is_burned".into(), json!(st == RState::Burned));
  m.insert("is_expired".into(), json!(st == RState::Expired));
  m.insert("is_orphaned".into(), json!(st == RState::Orphaned));
  m.insert("is_destroyed".into(), json!(st.is_destroyed()));
  m.insert("has_passphrase".into(), json!(r.has_passphrase));
  m.insert("kind".into(), json!(r.kind.as_str()));
  m.insert("source".into(), json!("standard"));
  Value::Object(m)
}

static LINKS: Links = Links {
  prefix: "receipt",
  receipt_links: true,
  seconds_as_number: true,
};

const RATE_LIMITED: &str = "Rate limit exceeded. Please try again later.";

impl Render for Otto {
  fn ctype(&self) -> &'static str {
    JSON
  }

  fn status(&self) -> Reply {
    Reply::raw(
      200,
      JSON,
      br#"{"success":true,"status":"nominal","locale":"en"}"#,
    )
  }

  fn server_error(&self) -> Reply {
    Reply::raw(
      500,
      JSON,
      br#"{"error":"Internal Server Error","error_type":"ServerError"}"#,
    )
  }

  fn not_found(&self) -> Reply {
    Reply::raw(
      404,
      JSON,
      br#"{"error":"Not Found","error_type":"NotFound"}"#,
    )
  }

  fn rate_fault(&self, retry_after: u64) -> Option<String> {
    Some(format!(
      "{{\"error\":\"{RATE_LIMITED}\",\"error_type\":\"LimitExceeded\",\"retry_after\":{retry_after}}}"
    ))
  }

  fn unauthorized(&self, code: &str, now: f64) -> Reply {
    let msg = match code {
      "AUTH_HEADER_MISSING" => "[AUTH_HEADER_MISSING] No authorization header",
      "AUTH_TYPE_INVALID" => "[AUTH_TYPE_INVALID] Invalid authorization type",
      "CREDENTIALS_FORMAT_INVALID" => "[CREDENTIALS_FORMAT_INVALID] Invalid credentials format",
      _ => "[CREDENTIALS_INVALID] Invalid credentials",
    };
    self.json(
      401,
      &json!({"error": "Authentication Required", "message": msg, "timestamp": int(now)}),
    )
  }

  fn form_error(
    &self,
    _caller: &Caller,
    message: &str,
    error_type: Option<&str>,
    field: Option<&str>,
  ) -> Reply {
    let mut m = Map::new();
    m.insert("error".into(), json!(message));
    if let Some(t) = error_type {
      m.insert("error_type".into(), json!(t));
    }
    if let Some(f) = field {
      m.insert("field".into(), json!(f));
    }
    m.insert("request_id".into(), json!(request_id()));
    self.json(422, &Value::Object(m))
  }

  fn record_not_found(&self, _key: &str) -> Reply {
    self.json(
      404,
      &json!({"error_type": "RecordNotFound", "request_id": request_id()}),
    )
  }

  fn rate_limited(&self, retry_after: u64) -> Reply {
    self
      .json(
        429,
        &json!({"error": RATE_LIMITED, "error_type": "LimitExceeded",
                "retry_after": retry_after, "request_id": request_id()}),
      )
      .header("retry-after", retry_after.to_string())
  }

  fn lockout(&self, retry_after: u64) -> Reply {
    self
      .json(
        429,
        &json!({"error": "Too many incorrect passphrase attempts. Please try again later.", "error_type": "LimitExceeded",
                "retry_after": retry_after, "max_attempts": 5, "request_id": request_id()}),
      )
      .header("retry-after", retry_after.to_string())
  }

  fn account_required(&self, _caller: &Caller) -> Reply {
    self.json(
      401,
      &json!({"error": "An account is required to send emails.", "error_type": "Unauthorized", "request_id": request_id()}),
    )
  }

  fn entitlement_required(&self, _caller: &Caller) -> Reply {
    self.json(
      403,
      &json!({"error": "Your plan does not include extended expiration times", "error_type": "EntitlementRequired",
              "entitlement": "extended_default_expiration", "current_plan": "free", "upgrade_to": "identity_plus_v1",
              "request_id": request_id()}),
    )
  }

  fn incorrect_passphrase(&self, _caller: &Caller) -> Reply {
    self.json(
      422,
      &json!({"error": "Incorrect passphrase", "request_id": request_id()}),
    )
  }

  fn created(
    &self,
    _caller: &Caller,
    receipt: &ReceiptRec,
    secret: &SecretRec,
    details: Value,
  ) -> Value {
    let r = receipt_record(receipt, Some(secret), RecordUse::Create);
    json!({"success": true,
           "record": {"receipt": r, "metadata": r, "secret": secret_record(secret, None), "share_domain": null},
           "details": details})
  }

  fn preview_record(&self, secret: &SecretRec) -> Value {
    secret_record(secret, None)
  }

  fn secret_record(&self, secret: &SecretRec) -> Value {
    secret_record(secret, None)
  }

  fn revealed_record(&self, secret: &SecretRec) -> Value {
    secret_record(secret, Some(RState::Received))
  }

  fn answer(&self, record: Value, details: Value) -> Value {
    json!({"record": record, "details": details})
  }

  fn unrevealed(&self, record: Value, details: Value) -> Value {
    self.answer(record, details)
  }

  fn secret_status(&self, secret: Option<&SecretRec>, now: f64) -> Value {
    match secret {
      None => json!({"record": {"state": "unknown"}}),
      Some(s) => {
        json!({"record": secret_record(s, None), "details": {"current_expiration": s.remaining(now)}})
      }
    }
  }

  fn receipt(&self, receipt: &ReceiptRec, secret: Option<&SecretRec>, used: RecordUse) -> Value {
    receipt_record(receipt, secret, used)
  }

  fn receipt_view(&self, base: &str, mut record: Value, f: &ViewFacts) -> Value {
    let r = f.receipt;
    let alive = f.secret.is_some();
    if let Value::Object(m) = &mut record {
      let secret_state = if alive { json!("new") } else { Value::Null };
      add_links(base, &LINKS, m, r, alive, Some(secret_state), None);
    }
    let realttl = f
      .secret
      .as_ref()
      .map(|s| json!(s.realttl))
      .unwrap_or(Value::Null);
    // The v0.26.6 rules (apps/api/v2/logic/secrets/show_receipt.rb), as data in, booleans out.
    let has_pass = alive && r.has_passphrase;
    let consumed = !matches!(r.state, RState::New | RState::Expired);
    let show_secret = alive && !has_pass && !consumed;
    let destroyed = matches!(
      r.state,
      RState::Received | RState::Burned | RState::Orphaned
    );
    let show_receipt = r.state != RState::Viewed || f.is_owner;
    json!({"record": record, "details": {
      "type": "record", "display_lines": 4, "no_cache": true, "secret_realttl": realttl, "view_count": r.view_count,
      "first_access": r.first_access.map(float).unwrap_or(Value::Null),
      "last_access": r.last_access.map(float).unwrap_or(Value::Null),
      "has_passphrase": has_pass, "can_decrypt": alive && !has_pass, "secret_value": f.shown,
      "show_secret": show_secret, "show_secret_link": !destroyed && show_secret && r.recipients.is_empty(),
      "show_receipt_link": r.state == RState::New, "show_receipt": show_receipt,
      "show_recipients": show_receipt && !r.recipients.is_empty()}})
  }

  fn burned(
    &self,
    _caller: &Caller,
    record: Value,
    has_passphrase: bool,
    recipients: bool,
    burned: bool,
  ) -> Value {
    let details = json!({"type": "record", "title": "Secret burned", "display_lines": 0, "display_feedback": false,
      "no_cache": true, "view_count": 0, "has_passphrase": has_passphrase, "can_decrypt": false,
      "show_secret": false, "show_secret_link": false, "show_receipt_link": false, "show_receipt": true,
      "show_recipients": recipients, "is_orphaned": false});
    json!({"success": burned, "record": record, "details": details})
  }

  fn recent(
    &self,
    _email: &str,
    owner_id: &str,
    records: Vec<Value>,
    done: Vec<Value>,
    pending: Vec<Value>,
    now: f64,
  ) -> Value {
    let count = records.len();
    json!({"success": true, "custid": owner_id, "count": count, "records": records,
           "details": {"type": "list", "scope": null, "scope_label": null, "since": int(now - 30.0 * 86400.0),
                       "now": int(now), "has_items": count > 0, "revealed_receipts": done, "pending_receipts": pending}})
  }

  fn links(&self) -> &'static Links {
    &LINKS
  }
}
