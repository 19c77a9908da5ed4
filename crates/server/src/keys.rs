//! Identifiers and generated values, per generation (spec §2 "Keys", §3.3 `generate`).

use rand::Rng;

use crate::Generation;

const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn base36(len: usize) -> String {
  let mut rng = rand::rng();
  (0..len)
    .map(|_| BASE36[rng.random_range(0..36)] as char)
    .collect()
}

/// A secret or receipt key.
/// * v0.12: gibbler SHA-1 in base36, so at most 31 characters (a leading zero digit drops, giving 30).
/// * v0.22: `Familia.generate_id.slice(0, 31)`, exactly 31.
/// * v0.26: verifiable id, exactly 62.
pub fn new_key(generation: Generation) -> String {
  match generation {
    Generation::V0_12 => {
      let k = base36(31);
      match k.strip_prefix('0') {
        Some(rest) => rest.to_string(),
        None => k,
      }
    }
    Generation::V0_22 => {
      // The first character of a 256-bit number in base36 is never '0'.
      let mut k = base36(31);
      if k.starts_with('0') {
        k.replace_range(0..1, "1");
      }
      k
    }
    Generation::V0_26 => base36(62),
  }
}

/// A short random token (the `shrimp` of v0.17-v0.23, request ids of v0.26).
pub fn token(len: usize) -> String {
  base36(len)
}

/// A UUIDv7-looking owner id (v0.26 `owner_id`).
pub fn owner_id() -> String {
  let h = |n: usize| -> String {
    let mut rng = rand::rng();
    (0..n)
      .map(|_| b"0123456789abcdef"[rng.random_range(0..16)] as char)
      .collect()
  };
  format!("{}-{}-7{}-{}-{}", h(8), h(4), h(3), h(4), h(12))
}

/// The 12-character generated password. v0.12 used `strand(12)` (letters and digits); v0.22 and
/// v0.26 mix in symbols (as the transcripts show: `jfZ]A9-4@e,k`, `>yR8Se4D>9bg`).
pub fn generated_value(generation: Generation) -> String {
  const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const SYMBOLS: &[u8] =
    b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%^&*()-_=+[]{};:,.<>?~";
  let set = match generation {
    Generation::V0_12 => ALNUM,
    _ => SYMBOLS,
  };
  let mut rng = rand::rng();
  (0..12)
    .map(|_| set[rng.random_range(0..set.len())] as char)
    .collect()
}

/// `a***@e***.com` (spec §0: recipients are obscured).
pub fn obscure_email(email: &str) -> String {
  let (local, domain) = match email.split_once('@') {
    Some(p) => p,
    None => return "***".to_string(),
  };
  let first = |s: &str| s.chars().next().map(|c| c.to_string()).unwrap_or_default();
  let (host, tld) = match domain.rsplit_once('.') {
    Some((h, t)) => (h, t),
    None => (domain, ""),
  };
  if tld.is_empty() {
    format!("{}***@{}***", first(local), first(host))
  } else {
    format!("{}***@{}***.{}", first(local), first(host), tld)
  }
}

/// A loose email syntax check (`Undeliverable email address: X` otherwise).
pub fn valid_email(email: &str) -> bool {
  match email.split_once('@') {
    Some((l, d)) => {
      !l.is_empty()
        && d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && !email.contains(char::is_whitespace)
    }
    None => false,
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn is_base36(s: &str) -> bool {
    s.bytes()
      .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
  }

  #[test]
  fn key_formats_per_generation() {
    for _ in 0..200 {
      let k = new_key(Generation::V0_12);
      assert!(k.len() == 30 || k.len() == 31, "{k}");
      assert!(is_base36(&k));
      let k = new_key(Generation::V0_22);
      assert_eq!(k.len(), 31);
      assert!(is_base36(&k) && !k.starts_with('0'));
      let k = new_key(Generation::V0_26);
      assert_eq!(k.len(), 62);
      assert!(is_base36(&k));
    }
  }

  #[test]
  fn generated_values_are_12_chars() {
    for g in [Generation::V0_12, Generation::V0_22, Generation::V0_26] {
      let v = generated_value(g);
      assert_eq!(v.chars().count(), 12);
    }
    assert!(generated_value(Generation::V0_12)
      .chars()
      .all(|c| c.is_ascii_alphanumeric()));
  }

  #[test]
  fn obscures_emails() {
    assert_eq!(obscure_email("alice@example.com"), "a***@e***.com");
    assert_eq!(obscure_email("bob@mail.example.org"), "b***@m***.org");
    assert!(valid_email("a@b.co"));
    assert!(!valid_email("nope"));
    assert!(!valid_email("a@b"));
  }
}
