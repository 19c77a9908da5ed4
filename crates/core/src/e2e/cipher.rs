//! The cryptography, all of it from ring (already linked for TLS): the OS CSPRNG, HKDF-SHA-256 and
//! AES-256-GCM. Nothing here is a primitive of its own; this file only fixes the parameters.
//!
//! root key (32 random bytes, the link's fragment)
//!   -> HKDF-SHA-256(salt = empty, info = [`HKDF_INFO`]) -> AES-256-GCM key
//!   -> seal(nonce = 12 random bytes, aad = the envelope's first line, padded plaintext)
//!
//! The plaintext is padded inside the AEAD ([`super::padding`]), so the envelope's length tells
//! only the plaintext's size bucket.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};

/// 96-bit nonces, as AES-GCM is specified for.
pub const NONCE_LEN_BYTES: usize = NONCE_LEN;
use ring::hkdf::{Salt, HKDF_SHA256};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::{padding, DecryptionFailure};
use crate::error::{Error, ErrorKind, Result};
use crate::secret_buf::SecretBuf;

/// The root key's length in bytes (AES-256).
pub const ROOT_KEY_LEN: usize = 32;
/// The AES-GCM tag's length in bytes.
pub const TAG_LEN: usize = 16;
/// Length of a root key in base64url without padding: the fragment.
pub const FRAGMENT_LEN: usize = 43;
/// The domain label: a key derived for this format and version is good for nothing else.
pub const HKDF_INFO: &[u8] = b"onetimesecret-api e2e/1 aes-256-gcm";

/// The per-secret root key. Wiped on drop; never printed (`Debug` is redacted).
pub struct RootKey(Zeroizing<[u8; ROOT_KEY_LEN]>);

impl RootKey {
  /// A fresh key from the OS CSPRNG.
  pub fn generate() -> Result<Self> {
    let mut bytes = Zeroizing::new([0u8; ROOT_KEY_LEN]);
    SystemRandom::new()
      .fill(bytes.as_mut())
      .map_err(|_| rng_failed())?;
    Ok(RootKey(bytes))
  }

  /// A root key from its bytes (known-answer tests).
  pub fn from_bytes(bytes: [u8; ROOT_KEY_LEN]) -> Self {
    RootKey(Zeroizing::new(bytes))
  }

  /// Reads the 43 base64url characters of a link's fragment (surrounding whitespace ignored).
  pub fn from_fragment(fragment: &str) -> Result<Self> {
    let fragment = fragment.trim();
    let invalid = || {
      Error::input(format!(
        "Invalid decryption key: expected the {FRAGMENT_LEN} base64url characters after # in the link, got {} characters",
        fragment.chars().count()
      ))
    };
    if fragment.len() != FRAGMENT_LEN {
      return Err(invalid());
    }
    let mut bytes = Zeroizing::new([0u8; ROOT_KEY_LEN]);
    match URL_SAFE_NO_PAD.decode_slice(fragment, bytes.as_mut()) {
      Ok(ROOT_KEY_LEN) => Ok(RootKey(bytes)),
      _ => Err(invalid()),
    }
  }

  /// The fragment for the link: base64url, no padding. Wiped on drop.
  pub fn to_fragment(&self) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(FRAGMENT_LEN));
    URL_SAFE_NO_PAD.encode_string(self.0.as_ref(), &mut out);
    out
  }

  /// The AES-256-GCM key for this format version. The derived key lives only inside ring.
  fn aead_key(&self) -> LessSafeKey {
    let prk = Salt::new(HKDF_SHA256, &[]).extract(self.0.as_ref());
    let okm = prk
      .expand(&[HKDF_INFO], &AES_256_GCM)
      .expect("32 bytes is a valid HKDF-SHA-256 output length");
    LessSafeKey::new(UnboundKey::from(okm))
  }
}

impl fmt::Debug for RootKey {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("RootKey(<redacted>)")
  }
}

/// A fresh nonce from the operating system's CSPRNG.
pub fn random_nonce() -> Result<[u8; NONCE_LEN]> {
  let mut nonce = [0u8; NONCE_LEN];
  SystemRandom::new()
    .fill(&mut nonce)
    .map_err(|_| rng_failed())?;
  Ok(nonce)
}

fn rng_failed() -> Error {
  Error::new(
    ErrorKind::Unsupported,
    "Cannot encrypt: the operating system's random number generator failed",
  )
}

/// `nonce || ciphertext || tag`, the ciphertext of the plaintext padded to its bucket. The caller's
/// plaintext is copied once, into a wiping buffer where it is padded and becomes the ciphertext in
/// place.
pub fn seal(key: &RootKey, nonce: [u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
  let padded = padding::padded_len(plaintext.len());
  let mut buf = SecretBuf::with_capacity(NONCE_LEN + padded + TAG_LEN);
  buf.extend_from_slice(&nonce);
  let body = buf.extend_zeroed(padded);
  padding::pad_into(plaintext, body);
  let tag = key
    .aead_key()
    .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), body)
    .expect("a plaintext within the size limit fits AES-GCM");
  buf.extend_from_slice(tag.as_ref());
  // Ciphertext only now: handed out as plain bytes.
  buf.to_vec()
}

/// Opens `nonce || ciphertext || tag` and removes the padding. `WrongKeyOrAltered` when AES-GCM
/// refuses it (wrong key, altered bytes or associated data); `Damaged` when it opens but is not
/// padded as [`super::padding`] pads. The plaintext only ever exists in wiping buffers.
pub fn open(
  key: &RootKey,
  aad: &[u8],
  payload: &[u8],
) -> std::result::Result<SecretBuf, DecryptionFailure> {
  if payload.len() < NONCE_LEN + TAG_LEN {
    return Err(DecryptionFailure::Damaged);
  }
  let (nonce, sealed) = payload.split_at(NONCE_LEN);
  let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| DecryptionFailure::Damaged)?;
  let mut buf = SecretBuf::with_capacity(sealed.len());
  let body = buf.extend_zeroed(sealed.len());
  body.copy_from_slice(sealed);
  let opened = key
    .aead_key()
    .open_in_place(nonce, Aad::from(aad), body)
    .map_err(|_| DecryptionFailure::WrongKeyOrAltered)?;
  let len = padding::unpadded_len(opened).ok_or(DecryptionFailure::Damaged)?;
  Ok(SecretBuf::copy_of(&opened[..len]))
}
