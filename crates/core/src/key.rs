//! Secret and receipt keys are opaque base36 strings: up to 31 characters on servers up to v0.23,
//! 62 from v0.24 (ots-api.md §2 "Keys"). 2.1.1 only accepted exactly 31, which rejects every key a
//! current server issues.

use crate::error::{bounded, Error, Result};

/// Shortest key accepted. OTS v0.24.2+ answers 404 to any `:key` under 20 characters (ots-api.md §1),
/// and legacy gibbler keys are at most a few characters shorter than 31.
pub const MIN_KEY_LEN: usize = 20;
/// Longest key accepted: well above the 62 of current servers, low enough to keep URLs sane.
pub const MAX_KEY_LEN: usize = 128;

/// Checks a key before it goes into a URL path. `display` is how the caller's value reads in the
/// message (2.1.1 interpolated the raw value, so `undefined` reads "undefined").
pub fn validate_key(key: Option<&str>, display: &str) -> Result<()> {
  match key {
    Some(k) if is_valid_key(k) => Ok(()),
    _ => Err(invalid_key(display)),
  }
}

pub fn is_valid_key(key: &str) -> bool {
  (MIN_KEY_LEN..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `Invalid key provided: <key>` as 2.1.1 wrote it, with the echoed value bounded so a huge or
/// mistaken argument (say, a secret passed where a key belongs) is not copied whole into logs.
pub fn invalid_key(display: &str) -> Error {
  Error::input(format!("Invalid key provided: {}", bounded(display, 64)))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn accepts_every_generation() {
    assert!(is_valid_key("qjpjroeit8wra0ojeyhcw5pjsgwtuq7")); // 31, v0.10 docs
    assert!(is_valid_key("qjpjroeit8wra0ojeyhcw5pjsgwtuq")); // 30, gibbler
    assert!(is_valid_key(&"a1".repeat(31))); // 62, v0.24+
    assert!(is_valid_key("ABCdef0123456789abcd"));
  }

  #[test]
  fn rejects_what_cannot_be_a_key() {
    for k in [
      "",
      "short",
      "abc/def0123456789abcdef",
      "abcdefghij klmnopqrstu",
      "../../../../etc/passwd/xx",
      "ééééééééééééééééééééé",
    ] {
      assert!(!is_valid_key(k), "{k}");
    }
    assert!(!is_valid_key(&"a".repeat(MAX_KEY_LEN + 1)));
  }

  #[test]
  fn message_matches_2_1_1_and_is_bounded() {
    assert_eq!(
      validate_key(None, "undefined").unwrap_err().message,
      "Invalid key provided: undefined"
    );
    let long = "x".repeat(10_000);
    assert!(validate_key(Some(&long), &long).unwrap_err().message.len() < 100);
  }
}
