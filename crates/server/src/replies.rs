//! The fixed texts of each era's v1 answers and of the answers the server gives outside the
//! handlers (a router miss, a failure inside the server), chosen by `Profile::replies`. The v2
//! answers of each era are the renderers in `v2/` (`Profile::v2`).

use crate::reply::{Canned, JSON, TEXT};

/// What a wrong passphrase on a v1 burn answers (after the limiter let it through).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BurnRefusal {
  /// 404 "Unknown secret", as if there were no such receipt (<= v0.18).
  UnknownSecret,
  /// The form error "Double check that passphrase" (v0.19+).
  DoubleCheck,
}

/// One era's fixed answers.
#[derive(Debug)]
pub(crate) struct Replies {
  /// A failure inside the server (an over-limit body, a `generate` whose `strand` raised) on a
  /// v1 route, or on any route of a server without API v2.
  pub(crate) server_error: Canned,
  /// A path no route matches (outside a v2 router).
  pub(crate) not_found: Canned,
  /// The v1 rate-limited message.
  pub(crate) rate_limited: &'static str,
  /// What an anonymous rate-limited v1 caller gets instead, if it differs.
  pub(crate) rate_limited_anonymous: Option<Canned>,
  /// v1 form errors carry the session's `shrimp` before the message.
  pub(crate) form_error_shrimp: bool,
  /// Sending to recipients without an account: the message ends with a signup link.
  pub(crate) account_required_link: bool,
  pub(crate) burn_wrong_passphrase: BurnRefusal,
}

const SERVER_ERROR_TEXT: Canned = Canned {
  status: 500,
  ctype: TEXT,
  body: b"Server error",
};

const SERVER_ERROR_JSON: Canned = Canned {
  status: 500,
  ctype: JSON,
  body: br#"{"error":"Internal Server Error"}"#,
};

const NOT_FOUND_JSON: Canned = Canned {
  status: 404,
  ctype: JSON,
  body: br#"{"error":"Not Found"}"#,
};

const CRIPES: &str = "Cripes! You have been rate limited.";

/// v0.12 (thin, <= v0.16): bare text errors (`v0.12.1-api-v1.md` #29; an anonymous caller over
/// the limit gets a 500, #72-#75).
pub(crate) static CLASSIC: Replies = Replies {
  server_error: SERVER_ERROR_TEXT,
  not_found: Canned {
    status: 404,
    ctype: TEXT,
    body: b"Not Found",
  },
  rate_limited: CRIPES,
  rate_limited_anonymous: Some(SERVER_ERROR_TEXT),
  form_error_shrimp: false,
  account_required_link: true,
  burn_wrong_passphrase: BurnRefusal::UnknownSecret,
};

/// v0.17-v0.23 (controllers): JSON errors, `shrimp` in form errors (`v0.22.11-api-v1.md`).
pub(crate) static CONTROLLER: Replies = Replies {
  server_error: SERVER_ERROR_JSON,
  not_found: NOT_FOUND_JSON,
  rate_limited: CRIPES,
  rate_limited_anonymous: None,
  form_error_shrimp: true,
  account_required_link: false,
  burn_wrong_passphrase: BurnRefusal::DoubleCheck,
};

/// v0.24+ (Otto logic classes): `v0.26.6-api-v1-v2.md`.
pub(crate) static OTTO: Replies = Replies {
  server_error: SERVER_ERROR_JSON,
  not_found: NOT_FOUND_JSON,
  rate_limited: "Rate limit exceeded. Please try again later.",
  rate_limited_anonymous: None,
  form_error_shrimp: false,
  account_required_link: false,
  burn_wrong_passphrase: BurnRefusal::DoubleCheck,
};
