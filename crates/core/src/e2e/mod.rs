//! End-to-end encryption: the secret is sealed here, before anything is sent, and the server (any
//! generation, API v1 or v2) stores only an envelope it cannot open. The key travels in the link's
//! fragment (`#...`), which browsers and this client never send to a server.
//!
//! - [`cipher`]: the root key, HKDF-SHA-256 and AES-256-GCM (ring; no primitive is written here).
//! - [`envelope`]: the text format: a human line carrying the version, then the payload in base64url.
//! - [`padding`]: plaintexts padded to size buckets inside the AEAD, so lengths leak only a bucket.
//! - [`link`]: reading a key or a whole link (`https://host/secret/<key>#<fragment>`).
//! - [`limits`]: the largest plaintext an envelope can carry on every server generation.
//!
//! The format and the threat model are in `docs/E2E.md`.

pub mod calls;
pub mod cipher;
pub mod envelope;
pub mod limits;
pub mod link;
pub mod padding;

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
pub use cipher::RootKey;
pub use envelope::{is_envelope, VERSION_TAG};
pub use limits::max_plaintext_bytes;
pub use link::{parse_link, ParsedLink};

/// What [`seal`] gives back: the envelope to send as the secret, and the key for the link's fragment.
pub struct Sealed {
  /// The envelope (`ots-e2e/1` text): what the server is given.
  pub envelope: String,
  /// The key that opens it: it goes into the link's fragment, never to the server.
  pub key: RootKey,
}

impl fmt::Debug for Sealed {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct("Sealed")
      .field("envelope", &self.envelope)
      .field("key", &"<redacted>")
      .finish()
  }
}

/// Why an envelope could not be opened. The messages name no key and no plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptionFailure {
  /// The text does not start with an envelope's version tag.
  NotAnEnvelope,
  /// A version tag this client does not know (carries the tag, bounded and alphanumeric only).
  UnknownVersion(String),
  /// Not two lines, not base64url, or shorter than a nonce and a tag: truncated or mangled (or,
  /// opened, not padded as [`padding`] pads: not sealed by this format).
  Damaged,
  /// AES-GCM refused it: the wrong key, or the envelope (or its first line) was altered.
  WrongKeyOrAltered,
  /// It opened, but the content is not UTF-8 text (it was not sealed by [`seal`]).
  NotText,
}

impl fmt::Display for DecryptionFailure {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match self {
      DecryptionFailure::NotAnEnvelope => {
        write!(f, "Decryption failed: not an end-to-end encrypted envelope")
      }
      DecryptionFailure::UnknownVersion(tag) => write!(
        f,
        "Decryption failed: unknown envelope version {tag:?} (a newer onetimesecret-api may open it)"
      ),
      DecryptionFailure::Damaged => write!(
        f,
        "Decryption failed: the envelope is damaged (truncated, or not base64url)"
      ),
      DecryptionFailure::WrongKeyOrAltered => {
        write!(f, "Decryption failed: wrong key, or the envelope was altered")
      }
      DecryptionFailure::NotText => {
        write!(f, "Decryption failed: the decrypted content is not UTF-8 text")
      }
    }
  }
}

impl std::error::Error for DecryptionFailure {}

/// Seals `plaintext` under a fresh random key and nonce. Refuses, before any work, a plaintext whose
/// envelope would not fit every server generation ([`limits`]).
pub fn seal(plaintext: &str) -> Result<Sealed> {
  limits::check_plaintext(plaintext.len())?;
  let key = RootKey::generate()?;
  let nonce = cipher::random_nonce()?;
  let envelope = envelope::encode(&key, nonce, plaintext.as_bytes())?;
  Ok(Sealed { envelope, key })
}

/// Opens an envelope with its root key; the plaintext comes back in a buffer wiped on drop.
pub fn open(
  text: &str,
  key: &RootKey,
) -> std::result::Result<Zeroizing<String>, DecryptionFailure> {
  let plaintext = envelope::decode(text, key)?;
  match std::str::from_utf8(&plaintext) {
    Ok(s) => Ok(Zeroizing::new(s.to_owned())),
    Err(_) => Err(DecryptionFailure::NotText),
  }
}

/// Reads the key from a link or a bare fragment (with or without `#`); an `InputError` when there is
/// none or it is not a key, naming neither.
pub fn key_from_link_or_fragment(link_or_fragment: &str) -> Result<RootKey> {
  let fragment = match link_or_fragment.rsplit_once('#') {
    Some((_, f)) => f,
    None if link_or_fragment.contains('/') => {
      return Err(Error::input(
        "Invalid decryption key: the link has no #key fragment",
      ))
    }
    None => link_or_fragment,
  };
  RootKey::from_fragment(fragment)
}

#[cfg(test)]
mod tests;
