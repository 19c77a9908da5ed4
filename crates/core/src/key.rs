//! Secret and receipt keys are opaque base36 strings: up to 31 characters on servers up to v0.23,
//! 62 from v0.24 (transcripts v0.22.11-api-v1 and v0.26.6-api-v1-v2). 2.1.1 only accepted exactly
//! 31, which rejects every key a current server issues.

use crate::error::{Error, Result};

/// Shortest key accepted. OTS v0.24.2+ answers 404 to any `:key` under 20 characters, and legacy
/// gibbler keys are at most a few characters shorter than 31.
pub(crate) const MIN_KEY_LEN: usize = 20;
/// Longest key accepted: well above the 62 of current servers, low enough to keep URLs sane.
pub(crate) const MAX_KEY_LEN: usize = 128;

/// Checks a key before it goes into a URL path. `display` is how the caller's value reads in the
/// message (2.1.1 interpolated the raw value, so `undefined` reads "undefined").
pub fn validate_key(key: Option<&str>, display: &str) -> Result<()> {
  match key {
    Some(k) if is_valid_key(k) => Ok(()),
    _ => Err(invalid_key(display)),
  }
}

/// Whether `key` has the shape of a secret or receipt key (length and alphabet).
pub(crate) fn is_valid_key(key: &str) -> bool {
  (MIN_KEY_LEN..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `Invalid key provided: <value>` as 2.1.1 wrote it, but the value is echoed only when that is
/// safe: a short token without whitespace (`IAmToShort`, `undefined`), shorter than any key, so
/// it is neither a key nor, most likely, a secret passed by mistake. Anything else is described
/// (`a string of 28 characters with spaces`), never quoted.
pub fn invalid_key(display: &str) -> Error {
  Error::input(format!("Invalid key provided: {}", shown(display)))
}

fn shown(value: &str) -> String {
  let chars = value.chars().count();
  if chars < MIN_KEY_LEN && value.chars().all(|c| c.is_ascii_graphic()) {
    return value.to_owned();
  }
  let mut traits = Vec::new();
  if value.chars().any(char::is_whitespace) {
    traits.push("spaces");
  }
  if value
    .chars()
    .any(|c| !c.is_ascii_alphanumeric() && !c.is_whitespace())
  {
    traits.push("characters other than letters and digits");
  }
  let with = if traits.is_empty() {
    String::new()
  } else {
    format!(" with {}", traits.join(" and "))
  };
  let unit = if chars == 1 {
    "character"
  } else {
    "characters"
  };
  format!("a string of {chars} {unit}{with}")
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
  fn short_tokens_are_echoed_as_2_1_1_did() {
    for (given, message) in [
      ("undefined", "Invalid key provided: undefined"),
      ("IAmToShort", "Invalid key provided: IAmToShort"),
      ("", "Invalid key provided: "),
      ("null", "Invalid key provided: null"),
    ] {
      assert_eq!(validate_key(None, given).unwrap_err().message, message);
    }
  }

  #[test]
  fn anything_else_is_described_never_quoted() {
    let cases = [
      (
        "correct horse battery staple",
        "a string of 28 characters with spaces",
      ),
      ("hunter 2", "a string of 8 characters with spaces"),
      (
        "../../../../api/v1/status",
        "a string of 25 characters with characters other than letters and digits",
      ),
      // A key with a stray character (copied with the link's slash): still a capability.
      (
        "qjpjroeit8wra0ojeyhcw5pjsgwtuq7/",
        "a string of 32 characters with characters other than letters and digits",
      ),
      (
        "sécret",
        "a string of 6 characters with characters other than letters and digits",
      ),
      ("tab\there", "a string of 8 characters with spaces"),
    ];
    for (given, described) in cases {
      let e = validate_key(Some(given), given).unwrap_err();
      assert_eq!(e.message, format!("Invalid key provided: {described}"));
      assert!(!e.message.contains(given), "{}", e.message);
    }
    let too_long = "k".repeat(MAX_KEY_LEN + 1);
    let e = validate_key(Some(&too_long), &too_long).unwrap_err();
    assert_eq!(
      e.message,
      "Invalid key provided: a string of 129 characters"
    );
    let long = "x".repeat(10_000);
    assert!(validate_key(Some(&long), &long).unwrap_err().message.len() < 100);
  }
}
