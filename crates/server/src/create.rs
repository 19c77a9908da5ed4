//! Making a secret and its receipt, the same for both APIs.

use zeroize::Zeroizing;

use crate::app::Ctx;
use crate::auth::Caller;
use crate::keys;
use crate::store::{NewPair, ReceiptRec, SecretRec};

/// Builds a secret and its receipt (shared with API v2).
#[allow(clippy::too_many_arguments)]
pub(crate) fn new_pair(
  ctx: &Ctx,
  caller: &Caller,
  value: Zeroizing<String>,
  passphrase: Option<&str>,
  ttl: u64,
  generate: bool,
  recipients: Vec<String>,
  truncated: bool,
) -> (SecretRec, ReceiptRec) {
  let (owner, owner_id) = match caller {
    Caller::Account {
      email, owner_id, ..
    } => (Some(email.clone()), Some(owner_id.clone())),
    _ => (None, None),
  };
  NewPair {
    secret_key: keys::new_key(ctx.profile.key),
    receipt_key: keys::new_key(ctx.profile.key),
    value,
    passphrase: passphrase.map(|p| Zeroizing::new(p.to_string())),
    now: ctx.now,
    ttl,
    generated: generate,
    owner,
    owner_id,
    recipients,
    truncated,
  }
  .build()
}
