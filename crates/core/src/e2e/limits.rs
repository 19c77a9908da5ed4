//! How large a secret an envelope can carry. Servers limit the secret they store, and the client does
//! not know the server's generation before it sends. An envelope cut short is worse than a refusal
//! (the secret would be lost, not just unsent), so the rule is: an envelope must fit the smallest limit
//! of every generation in [`SERVER_LIMITS`], and a larger plaintext is refused with an `InputError`
//! before anything is sent. Envelopes are ASCII, so a limit in characters is the same in bytes.
//! Plaintexts are padded to size buckets (`padding`), so the largest is one byte under a bucket.

use super::cipher::{NONCE_LEN_BYTES, TAG_LEN};
use super::envelope::HEADER;
use super::padding::{padded_len, MIN_BUCKET};
use crate::error::{Error, Result};

/// One server generation's limit on a stored secret (what the OTS source of each release enforces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimit {
  /// The server generations this row is about.
  pub generations: &'static str,
  /// Characters (bytes on v0.26+); envelopes are ASCII, so both count the same.
  pub max_secret: usize,
  /// `true`: a longer secret is refused; `false`: it is silently truncated.
  pub refused: bool,
}

/// Every generation's limit, oldest first: the one table the rule and `docs/E2E.md` come from.
pub const SERVER_LIMITS: &[ServerLimit] = &[
  ServerLimit {
    generations: "v0.10 and older",
    max_secret: 100_000,
    refused: false,
  },
  ServerLimit {
    generations: "v0.11 to v0.17",
    max_secret: 1_000_000,
    refused: false,
  },
  ServerLimit {
    generations: "v0.18 to v0.23, anonymous",
    max_secret: 100_000,
    refused: false,
  },
  ServerLimit {
    generations: "v0.18 to v0.23, with an account",
    max_secret: 1_000_000,
    refused: false,
  },
  ServerLimit {
    generations: "v0.24.3 to v0.25",
    max_secret: 10_000,
    refused: true,
  },
  ServerLimit {
    generations: "v0.26 and newer",
    max_secret: 10_000,
    refused: true,
  },
];

/// The length of the envelope that carries a plaintext of `plaintext_len` bytes (padded to its
/// bucket, [`padded_len`]).
pub const fn envelope_len(plaintext_len: usize) -> usize {
  envelope_len_padded(padded_len(plaintext_len))
}

const fn envelope_len_padded(padded: usize) -> usize {
  let payload = NONCE_LEN_BYTES + padded + TAG_LEN;
  // base64 without padding: 4 characters per 3 bytes, and 2 or 3 for a last group of 1 or 2 bytes.
  HEADER.len() + 1 + payload / 3 * 4 + [0, 2, 3][payload % 3]
}

/// The largest plaintext whose envelope is at most `limit` bytes long: one byte less than the
/// largest bucket that fits.
pub const fn max_plaintext_for(limit: usize) -> usize {
  let mut bucket = MIN_BUCKET;
  let mut best = 0;
  while envelope_len_padded(bucket) <= limit {
    best = bucket;
    bucket = padded_len(bucket);
  }
  best.saturating_sub(1)
}

/// The smallest limit of all generations: the one every envelope must fit.
pub fn smallest_server_limit() -> usize {
  SERVER_LIMITS
    .iter()
    .map(|l| l.max_secret)
    .min()
    .unwrap_or(10_000)
}

/// The largest plaintext `share(secret, { encrypt: true })` accepts, in bytes of UTF-8.
pub fn max_plaintext_bytes() -> usize {
  max_plaintext_for(smallest_server_limit())
}

/// An `InputError` for a plaintext whose envelope would not fit (the message names only sizes).
pub fn check_plaintext(len: usize) -> Result<()> {
  let max = max_plaintext_bytes();
  if len > max {
    return Err(Error::input(format!(
      "secret: expected at most {max} bytes of UTF-8 with encrypt: true (the envelope must fit every server's {} bytes), got {len} bytes",
      smallest_server_limit()
    )));
  }
  Ok(())
}
