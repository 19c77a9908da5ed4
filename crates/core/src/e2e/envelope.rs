//! The envelope: what the server stores instead of the secret. Two lines of ASCII:
//!
//! ```text
//! ots-e2e/1 encrypted secret: open it with its key (ots get, decrypt.html)
//! <base64url, no padding: nonce (12 bytes) || AES-256-GCM ciphertext || tag (16 bytes)>
//! ```
//!
//! The first word is the version tag. The whole first line is the AEAD's associated data, so an
//! envelope whose first line was changed in any way (relabelled as another version, instructions
//! rewritten by the server) does not open. When opening, surrounding whitespace (and a `\r` ending
//! the first line) is ignored and every line after the first is joined with whitespace removed
//! (mail clients wrap long lines). ASCII only, so characters and bytes count the same on every
//! server generation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::cipher::{self, RootKey, NONCE_LEN_BYTES, TAG_LEN};
use super::DecryptionFailure;
use crate::error::Result;
use crate::secret_buf::SecretBuf;

/// The version tag of the only format so far.
pub const VERSION_TAG: &str = "ots-e2e/1";
/// What every envelope's first line starts with, whatever its version.
pub const TAG_PREFIX: &str = "ots-e2e/";
/// The first line of a version 1 envelope (short enough not to be wrapped by a mail client).
pub const HEADER: &str = "ots-e2e/1 encrypted secret: open it with its key (ots get, decrypt.html)";

/// Builds the envelope text for `plaintext` under `key` and `nonce`.
pub fn encode(key: &RootKey, nonce: [u8; NONCE_LEN_BYTES], plaintext: &[u8]) -> Result<String> {
  let payload = cipher::seal(key, nonce, HEADER.as_bytes(), plaintext);
  let mut out = String::with_capacity(HEADER.len() + 1 + payload.len().div_ceil(3) * 4);
  out.push_str(HEADER);
  out.push('\n');
  URL_SAFE_NO_PAD.encode_string(&payload, &mut out);
  Ok(out)
}

/// Whether `text` is an envelope of any version (so a revealed value is known to be one).
pub fn is_envelope(text: &str) -> bool {
  text.trim_start().starts_with(TAG_PREFIX)
}

/// Opens an envelope; the plaintext bytes come back in a buffer wiped on drop.
pub fn decode(text: &str, key: &RootKey) -> std::result::Result<SecretBuf, DecryptionFailure> {
  let text = text.trim();
  if !text.starts_with(TAG_PREFIX) {
    return Err(DecryptionFailure::NotAnEnvelope);
  }
  let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
  let first = first.trim_end();
  let tag = first.split_whitespace().next().unwrap_or_default();
  if tag != VERSION_TAG {
    return Err(DecryptionFailure::UnknownVersion(printable_tag(tag)));
  }
  let body: String = rest.split_whitespace().collect();
  let payload = URL_SAFE_NO_PAD
    .decode(body.as_bytes())
    .map_err(|_| DecryptionFailure::Damaged)?;
  if payload.len() < NONCE_LEN_BYTES + TAG_LEN {
    return Err(DecryptionFailure::Damaged);
  }
  cipher::open(key, first.as_bytes(), &payload)
}

/// The tag as it may appear in a message: short, and only characters a tag can have.
fn printable_tag(tag: &str) -> String {
  tag
    .chars()
    .take(24)
    .map(|c| {
      if c.is_ascii_alphanumeric() || "/.-_".contains(c) {
        c
      } else {
        '?'
      }
    })
    .collect()
}
