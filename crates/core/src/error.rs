//! One error type for every failure, with the kind that picks the JS class, a stable code, the HTTP
//! status where there was one, and the underlying cause. Messages are those of onetimesecret-api
//! 2.1.1 where 2.1.1 had one. No message, cause or server message ever contains a secret value, a
//! passphrase, the API token or a key: URLs name the route (`/api/v1/secret/:key`), an invalid
//! key is echoed only when it is a short token (`crate::key`), and what the server said is cleared
//! of the call's own secrets before it leaves the call ([`scrub`]: the server is not trusted). The one exception is deliberate:
//! [`Error::created`] hands the caller the keys of a secret its own call created, so it can burn it.

use std::fmt;
use std::time::Duration;

pub(crate) mod scrub;

/// Declares [`ErrorKind`] and its stable codes in one list, so a variant cannot exist without a code.
macro_rules! error_kinds {
  ($($(#[$doc:meta])* $kind:ident => $code:literal,)*) => {
    /// Which kind of failure. Each crosses to JS as its `code`, which picks the JS class from the one
    /// table of error kinds, `error-kinds.json` at the package root (a test checks both directions).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum ErrorKind {
      $($(#[$doc])* $kind,)*
    }

    impl ErrorKind {
      /// Every kind, in declaration order.
      pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind,)*];

      /// Stable machine-readable code (`err.code` in JS, the key into `error-kinds.json`).
      pub fn code(self) -> &'static str {
        match self {
          $(ErrorKind::$kind => $code,)*
        }
      }
    }
  };
}

error_kinds! {
  /// Bad input from the caller: nothing was sent.
  Input => "ERR_OTS_INPUT",
  /// Credentials missing, wrong, or not allowed to do this.
  NotAuthorized => "ERR_OTS_NOT_AUTHORIZED",
  /// No such route: not an OTS server, or a wrong url (2.1.1: "Metadata not found" / "Path not found").
  NotFound => "ERR_OTS_NOT_FOUND",
  /// The secret or receipt is unknown, expired, already read or burned (v1 also: wrong passphrase).
  UnknownSecret => "ERR_OTS_UNKNOWN_SECRET",
  /// API v2 told us the passphrase is wrong (a subclass of UnknownSecret in JS).
  IncorrectPassphrase => "ERR_OTS_INCORRECT_PASSPHRASE",
  /// The server rate limited us.
  RateLimited => "ERR_OTS_RATE_LIMITED",
  /// The server failed (5xx).
  InternalServer => "ERR_OTS_SERVER",
  /// No usable connection: refused, reset, DNS, TLS, proxy.
  Network => "ERR_OTS_NETWORK",
  /// The call's time ran out.
  Timeout => "ERR_OTS_TIMEOUT",
  /// The caller's AbortSignal fired.
  Aborted => "ABORT_ERR",
  /// A client-side encrypted secret could not be decrypted (wrong key, tampered ciphertext).
  Decryption => "ERR_OTS_DECRYPTION",
  /// The server answered something this client does not understand (HTML where JSON was expected,
  /// invalid JSON, a body that is too large).
  InvalidResponse => "ERR_OTS_INVALID_RESPONSE",
  /// The server does not offer this call (for example v1 `recent` on OTS v0.21-v0.23).
  Unsupported => "ERR_OTS_UNSUPPORTED",
  /// Any other error message from the server.
  Api => "ERR_OTS_API",
}

/// An error of any call: its kind (the JS class), 2.1.1's message, and what is known about it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Error {
  /// The kind: the JS class and its `code`.
  pub kind: ErrorKind,
  /// The message (2.1.1's wording where it had one); never a secret, passphrase, token or key.
  pub message: String,
  /// HTTP status of the response, when there was one.
  pub status: Option<u16>,
  /// The status the server meant (`X-OTS-Intended-Status`, OTS v0.24.6+ on API v1).
  pub intended_status: Option<u16>,
  /// The server's own message, verbatim (bounded in length).
  pub server_message: Option<String>,
  /// Seconds to wait, from `Retry-After` or the body's `retry_after`.
  pub retry_after: Option<u64>,
  /// What lay underneath (an I/O error, a TLS error, a parse error), never containing request data.
  pub cause: Option<String>,
  /// A `Decryption` error's envelope (ciphertext only): a revealed secret that did not open is kept.
  pub envelope: Option<Box<Envelope>>,
  /// The keys of a secret this call created although the call failed afterwards (v2 `generate`
  /// whose value could not be read), so the caller can burn it.
  pub created: Option<Box<CreatedSecret>>,
}

/// See [`Error::created`].
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedSecret {
  /// The secret's key, when the server showed it.
  pub secret_key: Option<String>,
  /// The receipt's key: what burns the secret.
  pub metadata_key: String,
}

/// See [`Error::envelope`]; boxed so that every `Result` stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope(pub String);

impl Error {
  /// The error's details as the JS error classes (`errors.js`) take them, for the addon and the
  /// WebAssembly build alike: `status`, `intendedStatus`, `serverMessage`, `retryAfter`, `cause`,
  /// `envelope`, and for a v2 `generate` that created a secret but could not read its value the
  /// caller's own `metadata_key`/`secret_key` (so it can burn it; `errors.js` makes them
  /// non-enumerable). The kind's `code` and the message travel beside it.
  pub fn js_details(&self) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut d = Map::new();
    if let Some(s) = self.status {
      d.insert("status".into(), json!(s));
    }
    if let Some(s) = self.intended_status {
      d.insert("intendedStatus".into(), json!(s));
    }
    if let Some(m) = &self.server_message {
      d.insert("serverMessage".into(), json!(m));
    }
    if let Some(r) = self.retry_after {
      d.insert("retryAfter".into(), json!(r));
    }
    if let Some(c) = &self.cause {
      d.insert("cause".into(), json!(c));
    }
    if let Some(c) = &self.created {
      d.insert("metadata_key".into(), json!(c.metadata_key));
      if let Some(k) = &c.secret_key {
        d.insert("secret_key".into(), json!(k));
      }
    }
    if let Some(e) = &self.envelope {
      d.insert("envelope".into(), json!(e.0));
    }
    Value::Object(d)
  }

  /// An error of `kind` with `message`.
  pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
    Error {
      kind,
      message: message.into(),
      status: None,
      intended_status: None,
      server_message: None,
      retry_after: None,
      cause: None,
      envelope: None,
      created: None,
    }
  }

  /// An `InputError`: bad input from the caller, nothing was sent.
  pub fn input(message: impl Into<String>) -> Self {
    Error::new(ErrorKind::Input, message)
  }

  /// With the HTTP status of the answer.
  pub fn with_status(mut self, status: u16) -> Self {
    self.status = Some(status);
    self
  }

  /// With what lay underneath (never request data).
  pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
    self.cause = Some(cause.into());
    self
  }

  /// With the server's own message, bounded in length.
  pub fn with_server_message(mut self, message: &str) -> Self {
    self.server_message = Some(bounded(message, 500));
    self
  }

  /// With the seconds to wait before trying again.
  pub fn with_retry_after(mut self, retry_after: Option<u64>) -> Self {
    self.retry_after = retry_after;
    self
  }

  /// A `TimeoutError`: no complete answer within `after`.
  pub fn timeout(after: Duration) -> Self {
    Error::new(ErrorKind::Timeout, "Request timed out").with_cause(format!(
      "no complete response within {} ms",
      after.as_millis()
    ))
  }

  /// An `AbortError`: the caller cancelled the call.
  pub fn aborted() -> Self {
    Error::new(ErrorKind::Aborted, "The operation was aborted")
  }

  /// The kind's stable code (`ERR_OTS_...`).
  pub fn code(&self) -> &'static str {
    self.kind.code()
  }
}

impl fmt::Display for Error {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "{} ({})", self.message, self.kind.code())
  }
}

impl std::error::Error for Error {}

/// The result of every fallible function of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// `scheme://user:password@host...` -> `scheme://***@host...`: for messages about a proxy URL.
pub(crate) fn redact_userinfo(url: &str) -> String {
  let start = url.find("://").map_or(0, |i| i + 3);
  let rest = &url[start..];
  let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
  match rest[..authority_end].rfind('@') {
    Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
    None => url.to_owned(),
  }
}

/// Cuts `text` to at most `max` characters (on a char boundary), marking the cut.
pub fn bounded(text: &str, max: usize) -> String {
  match text.char_indices().nth(max) {
    None => text.to_owned(),
    Some((at, _)) => format!("{}…", &text[..at]),
  }
}

/// A string given where no secret should be (an option's value or name), for a message: quoted
/// when it is a short token (at most 20 characters, no whitespace or control characters), else
/// described by its length, so a secret passed by mistake is never shown.
pub fn shown(s: &str) -> String {
  match s.chars().count() {
    n if n <= 20 && !s.chars().any(|c| c.is_whitespace() || c.is_control()) => format!("{s:?}"),
    n => format!("a string of {n} characters"),
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn bounded_cuts_on_char_boundaries() {
    assert_eq!(bounded("abc", 5), "abc");
    assert_eq!(bounded("ééééé", 2), "éé…");
  }

  #[test]
  fn codes_are_unique() {
    use std::collections::HashSet;
    let codes: HashSet<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
    assert_eq!(codes.len(), ErrorKind::ALL.len());
  }
}
