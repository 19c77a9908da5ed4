//! Who is calling: the `Authorization` header as received and the caller it resolves to
//! (`Ctx::caller` in `app.rs` checks it against the accounts).

use zeroize::Zeroizing;

use crate::keys;

/// The Authorization header as received.
pub(crate) enum AuthHeader {
  None,
  Basic(String, Zeroizing<String>),
  /// Present but unusable: reason code for the v0.26 v2 401 body.
  Bad(&'static str),
}

/// Who the caller is after checking credentials.
pub(crate) enum Caller {
  Anonymous,
  Account {
    email: String,
    owner_id: String,
    shrimp: String,
  },
  /// Credentials were sent and are wrong (never downgraded to anonymous in v1).
  Invalid(&'static str),
}

impl Caller {
  pub(crate) fn email(&self) -> Option<&str> {
    match self {
      Caller::Account { email, .. } => Some(email),
      _ => None,
    }
  }
  pub(crate) fn is_auth(&self) -> bool {
    matches!(self, Caller::Account { .. })
  }
  /// The `shrimp` (CSRF token) the controller era echoes: the account's session token, or a
  /// fresh one for an anonymous caller (each anonymous request has its own session).
  pub(crate) fn shrimp(&self) -> String {
    match self {
      Caller::Account { shrimp, .. } => shrimp.clone(),
      _ => keys::token(50),
    }
  }
  /// `custid` as the controller era writes it: the account's email, or `anon`.
  pub(crate) fn custid(&self) -> &str {
    self.email().unwrap_or("anon")
  }
}
