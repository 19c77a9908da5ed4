//! [`SecretBuf`]: the one buffer type for bytes that may hold a secret, a passphrase or the API
//! token. `Zeroizing<Vec<u8>>` wipes only the allocation a vector has when it is dropped; every
//! time a vector grows, the allocator frees the previous allocation with its contents intact.
//! `SecretBuf` never lets `Vec` reallocate: when it must grow it allocates the larger block itself,
//! copies, and wipes the old block before freeing it. `tests/wiping.rs` checks this with a tracking
//! allocator.

use std::fmt;

use bytes::Bytes;
use zeroize::Zeroize;

/// A growable byte buffer that is wiped on drop and wipes every block it leaves behind when it
/// grows. `Debug` never shows the contents.
#[derive(Default)]
pub struct SecretBuf(Vec<u8>);

impl SecretBuf {
  /// An empty buffer (no allocation).
  pub fn new() -> Self {
    SecretBuf(Vec::new())
  }

  /// Room for `capacity` bytes: a buffer whose final size is known up front never reallocates.
  pub fn with_capacity(capacity: usize) -> Self {
    SecretBuf(Vec::with_capacity(capacity))
  }

  /// A copy of `bytes` in a buffer of exactly that size.
  pub fn copy_of(bytes: &[u8]) -> Self {
    let mut buf = SecretBuf::with_capacity(bytes.len());
    buf.extend_from_slice(bytes);
    buf
  }

  /// The bytes held.
  pub fn len(&self) -> usize {
    self.0.len()
  }

  /// Whether no byte is held.
  pub fn is_empty(&self) -> bool {
    self.0.is_empty()
  }

  /// The bytes it can hold before it must grow.
  pub fn capacity(&self) -> usize {
    self.0.capacity()
  }

  /// The bytes, borrowed.
  pub fn as_slice(&self) -> &[u8] {
    &self.0
  }

  /// The contents as text, when they are UTF-8 (serde_json output always is).
  pub fn as_str(&self) -> Option<&str> {
    std::str::from_utf8(&self.0).ok()
  }

  /// Makes room for `additional` more bytes, doubling at least, wiping the block it moves from.
  pub(crate) fn reserve(&mut self, additional: usize) {
    let need = self.0.len().saturating_add(additional);
    if need <= self.0.capacity() {
      return;
    }
    let mut grown = Vec::with_capacity(need.max(self.0.capacity().saturating_mul(2)));
    grown.extend_from_slice(&self.0);
    wipe(&mut self.0);
    // The old block, wiped, is freed here.
    self.0 = grown;
  }

  /// Appends `bytes`, growing (and wiping the old block) when needed.
  pub fn extend_from_slice(&mut self, bytes: &[u8]) {
    self.reserve(bytes.len());
    self.0.extend_from_slice(bytes);
  }

  /// Appends one byte, growing (and wiping the old block) when needed.
  pub fn push(&mut self, byte: u8) {
    self.reserve(1);
    self.0.push(byte);
  }

  /// Appends `n` zero bytes and returns them, for encoders that write into a slice.
  pub(crate) fn extend_zeroed(&mut self, n: usize) -> &mut [u8] {
    self.reserve(n);
    let start = self.0.len();
    self.0.resize(start + n, 0);
    &mut self.0[start..]
  }

  /// Shareable, immutable bytes (for a request body or a header) that are wiped when the last
  /// reference goes away.
  pub fn into_bytes(self) -> Bytes {
    Bytes::from_owner(self)
  }
}

/// Wipes what `v` holds. Only `..len` ever held data: a `SecretBuf` never shrinks, so its spare
/// capacity was never written. (The slice wipe is one volatile loop; `Vec::zeroize` wipes byte by
/// byte through an iterator and the whole capacity, several times slower in debug builds.)
fn wipe(v: &mut Vec<u8>) {
  v.as_mut_slice().zeroize();
  v.clear();
}

impl Drop for SecretBuf {
  fn drop(&mut self) {
    wipe(&mut self.0);
  }
}

impl AsRef<[u8]> for SecretBuf {
  fn as_ref(&self) -> &[u8] {
    &self.0
  }
}

impl std::ops::Deref for SecretBuf {
  type Target = [u8];
  fn deref(&self) -> &[u8] {
    &self.0
  }
}

impl std::io::Write for SecretBuf {
  fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
    self.extend_from_slice(bytes);
    Ok(bytes.len())
  }
  fn flush(&mut self) -> std::io::Result<()> {
    Ok(())
  }
}

impl fmt::Debug for SecretBuf {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "SecretBuf({} bytes)", self.0.len())
  }
}

/// `value` serialised as JSON into a [`SecretBuf`].
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<SecretBuf> {
  let mut buf = SecretBuf::with_capacity(256);
  serde_json::to_writer(&mut buf, value)?;
  Ok(buf)
}

/// Overwrites every string in a JSON value before it is dropped: parsed answers hold secrets.
pub(crate) fn wipe_json(value: &mut serde_json::Value) {
  use serde_json::Value;
  match value {
    Value::String(s) => s.zeroize(),
    Value::Array(items) => items.iter_mut().for_each(wipe_json),
    Value::Object(map) => map.values_mut().for_each(wipe_json),
    _ => {}
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn wipe_json_clears_nested_strings() {
    let mut v = serde_json::json!({"value":"s3cret","list":["x"]});
    wipe_json(&mut v);
    assert_eq!(v, serde_json::json!({"value":"","list":[""]}));
  }

  #[test]
  fn grows_and_keeps_contents() {
    let mut b = SecretBuf::new();
    for i in 0..1000u32 {
      b.extend_from_slice(&i.to_le_bytes());
    }
    assert_eq!(b.len(), 4000);
    assert_eq!(&b[4..8], &1u32.to_le_bytes());
    b.push(7);
    assert_eq!(b[4000], 7);
    assert_eq!(format!("{b:?}"), "SecretBuf(4001 bytes)");
  }

  #[test]
  fn exact_capacity_never_reallocates() {
    let mut b = SecretBuf::with_capacity(10);
    b.extend_from_slice(b"0123456789");
    assert_eq!(b.capacity(), 10);
    let z = SecretBuf::copy_of(b"abc");
    assert_eq!((z.as_str(), z.capacity()), (Some("abc"), 3));
  }

  #[test]
  fn json_and_zeroed_extension() {
    let j = to_json(&serde_json::json!({"a": "b"})).unwrap();
    assert_eq!(j.as_str(), Some(r#"{"a":"b"}"#));
    let mut b = SecretBuf::copy_of(b"x");
    b.extend_zeroed(3).copy_from_slice(b"yzw");
    assert_eq!(b.as_slice(), b"xyzw");
  }
}
