//! The two styles of v2 answers behind one trait: the handlers (`secrets.rs`, `receipts.rs`)
//! decide what happens and gather the facts; a [`Render`] (`Profile::v2`) shapes the answer. A
//! generation whose v2 answers have new shapes adds an implementation; one that answers like an
//! earlier release points its profile at that release's style.

use std::fmt::Debug;

use serde_json::{json, Map, Value};

use crate::auth::Caller;
use crate::keys;
use crate::reply::{int, Reply};
use crate::store::{RState, ReceiptRec, SecretRec};

/// Why a receipt record is shown (the records differ in which secret fields they carry).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordUse {
  Create,
  View,
  Burn,
  Recent,
}

/// The live secret behind a receipt, as a receipt view reports it.
pub(crate) struct SecretFacts {
  pub(crate) has_passphrase: bool,
  /// A v2 preview moved it to `viewed`.
  pub(crate) viewed: bool,
  /// Seconds left.
  pub(crate) realttl: i64,
}

/// What a receipt view found and did.
pub(crate) struct ViewFacts<'a> {
  /// The receipt after the view.
  pub(crate) receipt: &'a ReceiptRec,
  /// Its secret, when alive.
  pub(crate) secret: Option<SecretFacts>,
  /// The secret's value this view shows the creator, if any.
  pub(crate) shown: Option<&'a str>,
  /// The receipt's state before the view.
  pub(crate) before: RState,
  /// The caller owns the receipt.
  pub(crate) is_owner: bool,
}

/// Where a style's receipt links point.
#[derive(Debug)]
pub(crate) struct Links {
  /// `private` (v0.22) or `receipt` (v0.26): the path of `metadata_path`, `burn_path`, ….
  pub(crate) prefix: &'static str,
  /// `receipt_path` and `receipt_url` are there too.
  pub(crate) receipt_links: bool,
  /// `expiration_in_seconds` is a number even when it is the receipt's own TTL (else a string).
  pub(crate) seconds_as_number: bool,
}

/// One era's shapes of v2 answers.
pub(crate) trait Render: Sync + Debug {
  /// The content type of its JSON answers.
  fn ctype(&self) -> &'static str;
  /// `GET /api/v2/status`.
  fn status(&self) -> Reply;
  /// A failure inside the server (an over-limit body, a `generate` whose `strand` raised).
  fn server_error(&self) -> Reply;
  /// A path the v2 router does not know.
  fn not_found(&self) -> Reply;
  /// The body of an injected `rateLimited` fault, when the style has its own.
  fn rate_fault(&self, retry_after: u64) -> Option<String>;
  /// Missing or wrong credentials (`code`: why, as v0.26 names it).
  fn unauthorized(&self, code: &str, now: f64) -> Reply;
  /// A form error: `message`, and what v0.26 adds (`error_type`, the `field`).
  fn form_error(
    &self,
    caller: &Caller,
    message: &str,
    error_type: Option<&str>,
    field: Option<&str>,
  ) -> Reply;
  /// No such secret or receipt.
  fn record_not_found(&self, key: &str) -> Reply;
  /// Over the rate limit.
  fn rate_limited(&self, retry_after: u64) -> Reply;
  /// A secret locked after too many wrong passphrases.
  fn lockout(&self, retry_after: u64) -> Reply;
  /// Recipients given without an account.
  fn account_required(&self, caller: &Caller) -> Reply;
  /// A TTL the caller's plan does not allow (`limits::TtlRefused`).
  fn entitlement_required(&self, caller: &Caller) -> Reply;
  /// A reveal with a wrong passphrase.
  fn incorrect_passphrase(&self, caller: &Caller) -> Reply;

  /// The answer to `conceal` / `generate`.
  fn created(
    &self,
    caller: &Caller,
    receipt: &ReceiptRec,
    secret: &SecretRec,
    details: Value,
  ) -> Value;
  /// A secret record as a preview shows it.
  fn preview_record(&self, secret: &SecretRec) -> Value;
  /// A secret record as a retrieval reads it back.
  fn secret_record(&self, secret: &SecretRec) -> Value;
  /// A secret record just revealed (without its value).
  fn revealed_record(&self, secret: &SecretRec) -> Value;
  /// A successful answer carrying a record and its details.
  fn answer(&self, record: Value, details: Value) -> Value;
  /// A reveal without `continue` (nothing consumed).
  fn unrevealed(&self, record: Value, details: Value) -> Value;
  /// `GET /secret/:id/status`: the secret, when alive.
  fn secret_status(&self, secret: Option<&SecretRec>, now: f64) -> Value;
  /// A receipt record.
  fn receipt(&self, receipt: &ReceiptRec, secret: Option<&SecretRec>, used: RecordUse) -> Value;
  /// The answer to a receipt view; `record` is [`Render::receipt`] of the receipt before the view.
  fn receipt_view(&self, base: &str, record: Value, facts: &ViewFacts) -> Value;
  /// The answer to a burn; `record` is [`Render::burn_snapshot`].
  fn burned(
    &self,
    caller: &Caller,
    record: Value,
    has_passphrase: bool,
    recipients: bool,
    burned: bool,
  ) -> Value;
  /// `recent`: the account's receipts, split into read (`done`) and unread (`pending`).
  fn recent(
    &self,
    email: &str,
    owner_id: &str,
    records: Vec<Value>,
    done: Vec<Value>,
    pending: Vec<Value>,
    now: f64,
  ) -> Value;
  /// Where its receipt links point.
  fn links(&self) -> &'static Links;

  /// A JSON answer in this style's content type.
  fn json(&self, status: u16, v: &Value) -> Reply {
    Reply::json(status, self.ctype(), v)
  }

  /// The receipt as a burn reports it: taken before the burn, with the default expiry.
  fn burn_snapshot(&self, base: &str, receipt: &ReceiptRec) -> Value {
    let mut record = self.receipt(receipt, None, RecordUse::Burn);
    if let Value::Object(m) = &mut record {
      add_links(
        base,
        self.links(),
        m,
        receipt,
        true,
        None,
        Some(BURNED_EXPIRY),
      );
    }
    record
  }
}

/// The recipients, obscured, as one comma-separated string (how v2 records carry them).
pub(crate) fn recipients_joined(r: &ReceiptRec) -> String {
  r.recipients
    .iter()
    .map(|e| keys::obscure_email(e))
    .collect::<Vec<_>>()
    .join(", ")
}

/// A TTL in words, as the real servers' `natural_expiration`.
pub(crate) fn natural(ttl: u64) -> String {
  if ttl.is_multiple_of(86400) {
    let d = ttl / 86400;
    format!("{d} {}", if d == 1 { "day" } else { "days" })
  } else if ttl.is_multiple_of(3600) {
    let h = ttl / 3600;
    if h == 1 {
      "60 minutes".into()
    } else {
      format!("{h} hours")
    }
  } else {
    let m = ttl.div_ceil(60);
    format!("{m} {}", if m == 1 { "minute" } else { "minutes" })
  }
}

/// A burned receipt reports the default 14-day expiry, whatever its TTL was (v0.22.11 `-more`
/// #21, v0.26.6 `api-v1-v2` #41: "14 days", 1209600).
pub(crate) const BURNED_EXPIRY: u64 = 14 * 86_400;

/// Link fields added to receipt view and burn records.
pub(crate) fn add_links(
  base: &str,
  links: &Links,
  m: &mut Map<String, Value>,
  r: &ReceiptRec,
  secret_alive: bool,
  with_secret_state: Option<Value>,
  expiry: Option<u64>,
) {
  let sk = if secret_alive {
    r.secret_key.as_str()
  } else {
    ""
  };
  let prefix = links.prefix;
  if let Some(ss) = with_secret_state {
    m.insert("secret_state".into(), ss);
  }
  let ttl = expiry.unwrap_or(r.ttl);
  m.insert("natural_expiration".into(), json!(natural(ttl)));
  m.insert("expiration".into(), int(r.created + ttl as f64));
  m.insert(
    "expiration_in_seconds".into(),
    if links.seconds_as_number || expiry.is_some() {
      json!(ttl)
    } else {
      json!(ttl.to_string())
    },
  );
  m.insert("share_path".into(), json!(format!("secret/{sk}")));
  m.insert(
    "burn_path".into(),
    json!(format!("{prefix}/{}/burn", r.key)),
  );
  if links.receipt_links {
    m.insert("receipt_path".into(), json!(format!("receipt/{}", r.key)));
  }
  m.insert("metadata_path".into(), json!(format!("{prefix}/{}", r.key)));
  m.insert("share_url".into(), json!(format!("{base}/secret/{sk}")));
  if links.receipt_links {
    m.insert(
      "receipt_url".into(),
      json!(format!("{base}/receipt/{}", r.key)),
    );
  }
  m.insert(
    "metadata_url".into(),
    json!(format!("{base}/{prefix}/{}", r.key)),
  );
  m.insert(
    "burn_url".into(),
    json!(format!("{base}/{prefix}/{}/burn", r.key)),
  );
}
