//! API v2 error answers mapped to the same error kinds as v1.

use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::wire::lenient::whole_number;
use crate::wire::{is_rate_limit_message, size_limit_message, Op, RawResponse};

pub(super) fn message_of(raw: &Value) -> Option<&str> {
  raw
    .get("error")
    .and_then(Value::as_str)
    .or_else(|| raw.get("message").and_then(Value::as_str))
}

/// A 404 that comes from the router (no such route) rather than from a secret lookup.
fn is_router_miss(body: Option<&Value>, message: Option<&str>) -> bool {
  let Some(body) = body else {
    return true;
  };
  let error_type = body.get("error_type").and_then(Value::as_str);
  match error_type {
    Some(t) => t == "NotFound",
    None => message == Some("Not Found"),
  }
}

/// v2 errors of every era mapped to the same classes as v1.
pub fn error(op: Op, resp: &RawResponse) -> Error {
  let body = if resp.is_json() {
    serde_json::from_slice::<Value>(&resp.body).ok()
  } else {
    None
  };
  let message = body.as_ref().and_then(|b| {
    // Otto's 401 puts the reason in `message` and a title in `error`.
    if resp.status == 401 {
      b.get("message")
        .and_then(Value::as_str)
        .or_else(|| message_of(b))
    } else {
      message_of(b)
    }
  });
  let retry_after = resp.retry_after.or_else(|| {
    body
      .as_ref()
      .and_then(|b| b.get("retry_after"))
      .and_then(whole_number)
      .and_then(|n| u64::try_from(n).ok())
  });
  let secret_route = matches!(
    op,
    Op::RetrieveSecret | Op::RetrieveMetadata | Op::Burn | Op::SecretStatus
  );
  let err = match (resp.status, message) {
    // v0.22 answers the burn of a secret already read or burned with a 500 (transcript
    // v0.22.11-more #19, #22): the same fact every other generation reports as unknown.
    (500, Some("Secret could not be burned.")) if op == Op::Burn => {
      Error::new(ErrorKind::UnknownSecret, "Unknown secret")
    }
    (s, _) if s >= 500 => resp.server_failure(message),
    (401 | 403, _) => Error::new(ErrorKind::NotAuthorized, "Request not authorized"),
    (429, _) => Error::new(ErrorKind::RateLimited, "You have been rate limited."),
    (_, Some(m)) if is_rate_limit_message(m) => {
      Error::new(ErrorKind::RateLimited, "You have been rate limited.")
    }
    // A router miss is not an unknown secret: a server without API v2 (v0.12, transcript v0.12.1
    // "GET /api/v2/status": text/plain "Not Found") or a wrong base path answers every v2 route
    // this way (`{"message":"Not Found"}` v0.18-v0.20, `{"error":"Not Found"}` v0.21+,
    // `error_type: "NotFound"` v0.26+). Unknown secrets carry "Unknown secret" or `RecordNotFound`.
    (404, _) if secret_route && !is_router_miss(body.as_ref(), message) => {
      Error::new(ErrorKind::UnknownSecret, "Unknown secret")
    }
    (404, _) => Error::new(ErrorKind::NotFound, "Path not found"),
    (_, Some(m @ ("Incorrect passphrase" | "Double check that passphrase"))) => {
      Error::new(ErrorKind::IncorrectPassphrase, m)
    }
    (_, Some(m)) => {
      let text = size_limit_message(m);
      Error::new(ErrorKind::Api, resp.describe(text.as_deref().unwrap_or(m)))
    }
    (_, None) if body.is_none() => return resp.not_json(),
    (_, None) => Error::new(ErrorKind::Api, resp.describe(resp.reason())),
  };
  let err = err.with_status(resp.status).with_retry_after(retry_after);
  match message {
    Some(m) => err.with_server_message(m),
    None => err,
  }
}
