//! Padding inside the AEAD, so that an envelope's length tells only a size bucket, not the
//! plaintext's length: every plaintext of up to 63 bytes (PINs, passwords, passphrases) gives an
//! envelope of the same length. ISO/IEC 7816-4 padding: the plaintext, one 0x80 byte, then zeros up
//! to the bucket. Buckets: 64 bytes, doubling up to 4096, then every 1024 bytes (so the largest
//! plaintext that fits every server, `limits`, loses little to padding). The padding is encrypted
//! and authenticated with the plaintext: a server cannot see or change it.

/// The smallest bucket.
pub const MIN_BUCKET: usize = 64;
/// Buckets double up to here, then grow by [`STEP`].
pub const DOUBLING_UP_TO: usize = 4096;
/// The growth of buckets above [`DOUBLING_UP_TO`].
pub const STEP: usize = 1024;

/// The padded length of a plaintext of `len` bytes: the smallest bucket that holds it and 0x80.
pub const fn padded_len(len: usize) -> usize {
  let need = len + 1;
  if need <= MIN_BUCKET {
    MIN_BUCKET
  } else if need <= DOUBLING_UP_TO {
    need.next_power_of_two()
  } else {
    need.div_ceil(STEP) * STEP
  }
}

/// Writes `plaintext`, 0x80 and zeros into `out`, which is `padded_len(plaintext.len())` long
/// and zeroed.
pub fn pad_into(plaintext: &[u8], out: &mut [u8]) {
  debug_assert_eq!(out.len(), padded_len(plaintext.len()));
  out[..plaintext.len()].copy_from_slice(plaintext);
  out[plaintext.len()] = 0x80;
}

/// The plaintext's length in a padded buffer; `None` unless it is padded exactly as [`pad_into`]
/// pads (the marker after the last non-zero byte, and the bucket of that length).
pub fn unpadded_len(padded: &[u8]) -> Option<usize> {
  let marker = padded.iter().rposition(|&b| b != 0)?;
  (padded[marker] == 0x80 && padded.len() == padded_len(marker)).then_some(marker)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn buckets() {
    for len in 0..MIN_BUCKET {
      assert_eq!(padded_len(len), 64, "{len}");
    }
    assert_eq!(padded_len(64), 128);
    assert_eq!(padded_len(4095), 4096);
    assert_eq!(padded_len(4096), 5120);
    assert_eq!(padded_len(7167), 7168);
    assert_eq!(padded_len(7168), 8192);
  }

  #[test]
  fn pads_and_unpads_exactly() {
    for len in [0, 1, 4, 6, 62, 63, 64, 200, 4095, 4096, 7167] {
      let text: Vec<u8> = (0..len).map(|i| (i % 251) as u8 + 1).collect();
      let mut out = vec![0; padded_len(len)];
      pad_into(&text, &mut out);
      assert_eq!(unpadded_len(&out), Some(len), "{len}");
    }
    // A plaintext that ends in zero bytes keeps them.
    let mut out = vec![0; 64];
    pad_into(&[b'a', 0, 0], &mut out);
    assert_eq!(unpadded_len(&out), Some(3));
    // No marker, a wrong marker, all zeros, or a marker in the wrong bucket: not padding.
    assert_eq!(unpadded_len(&[0; 64]), None);
    assert_eq!(unpadded_len(&[b'a'; 64]), None);
    let mut wrong = vec![0; 128];
    wrong[3] = 0x80;
    assert_eq!(
      unpadded_len(&wrong),
      None,
      "3 bytes belong in the 64-byte bucket"
    );
    assert_eq!(unpadded_len(&[]), None);
  }
}
