//! Identifiers and generated values, in the shapes a profile picks (`Profile::key`,
//! `Profile::generate`).

use rand::Rng;

/// How keys look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyShape {
  /// A SHA-1 in base 36: up to 31 characters, 30 when the leading digit is zero (v0.12).
  Sha1Base36,
  /// Exactly this many base-36 characters, never starting with `0`.
  Exact(usize),
}

/// The alphabet of generated passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alphabet {
  /// `strand` over `VALID_CHARS_SAFE` (v0.12): letters and digits without `i l o 1 0`, and
  /// `* $ ! ? ( )`.
  ValidCharsSafe,
  /// v0.19+ `strand(len, character_sets)`: upper, lower, digits, symbols (each set can be
  /// switched off), ambiguous `i l o 1 I O 0` left out, at least one character of every set.
  CharacterSets,
}

const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn base36(len: usize) -> String {
  let mut rng = rand::rng();
  (0..len)
    .map(|_| BASE36[rng.random_range(0..36)] as char)
    .collect()
}

/// A secret or receipt key of this shape.
pub(crate) fn new_key(shape: KeyShape) -> String {
  match shape {
    KeyShape::Sha1Base36 => {
      let k = base36(31);
      match k.strip_prefix('0') {
        Some(rest) => rest.to_string(),
        None => k,
      }
    }
    KeyShape::Exact(n) => {
      // The first character of a large number in base 36 is never '0'.
      let mut k = base36(n);
      if k.starts_with('0') {
        k.replace_range(0..1, "1");
      }
      k
    }
  }
}

/// A short random token (the `shrimp` of v0.17-v0.23, request ids of v0.26).
pub(crate) fn token(len: usize) -> String {
  base36(len)
}

/// A UUIDv7-looking owner id (v0.26 `owner_id`).
pub(crate) fn owner_id() -> String {
  let h = |n: usize| -> String {
    let mut rng = rand::rng();
    (0..n)
      .map(|_| b"0123456789abcdef"[rng.random_range(0..16)] as char)
      .collect()
  };
  format!("{}-{}-7{}-{}-{}", h(8), h(4), h(3), h(4), h(12))
}

/// Which character sets a generated password draws from (`character_sets` of v2 `generate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CharacterSets {
  pub(crate) uppercase: bool,
  pub(crate) lowercase: bool,
  pub(crate) numbers: bool,
  pub(crate) symbols: bool,
}

impl Default for CharacterSets {
  fn default() -> Self {
    CharacterSets {
      uppercase: true,
      lowercase: true,
      numbers: true,
      symbols: true,
    }
  }
}

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"!@#$%^&*()_-+=[]{}|:;\"'<>,.?/~`";
/// v0.12's `VALID_CHARS_SAFE`: letters and digits without `i l o 1 0` (upper-case I and O stay).
const VALID_CHARS_SAFE: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ23456789*$!?()";

fn pick(rng: &mut impl Rng, set: &[u8]) -> char {
  set[rng.random_range(0..set.len())] as char
}

/// A generated password of `len` characters, as the generation's `strand` makes it.
pub(crate) fn generated_value(alphabet: Alphabet, len: usize, sets: CharacterSets) -> String {
  let mut rng = rand::rng();
  if alphabet == Alphabet::ValidCharsSafe {
    return (0..len).map(|_| pick(&mut rng, VALID_CHARS_SAFE)).collect();
  }
  let chosen: Vec<&[u8]> = [
    (sets.uppercase, UPPER),
    (sets.lowercase, LOWER),
    (sets.numbers, DIGITS),
    (sets.symbols, SYMBOLS),
  ]
  .into_iter()
  .filter_map(|(on, set)| on.then_some(set))
  .collect();
  if chosen.is_empty() {
    return (0..len).map(|_| pick(&mut rng, VALID_CHARS_SAFE)).collect();
  }
  let all: Vec<u8> = chosen.concat();
  // One of every chosen set, the rest from all of them, shuffled.
  let mut out: Vec<char> = chosen.iter().map(|set| pick(&mut rng, set)).collect();
  out.truncate(len);
  while out.len() < len {
    out.push(pick(&mut rng, &all));
  }
  for i in (1..out.len()).rev() {
    out.swap(i, rng.random_range(0..=i));
  }
  out.into_iter().collect()
}

/// `a***@e***.com`: recipients are shown obscured.
pub(crate) fn obscure_email(email: &str) -> String {
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
pub(crate) fn valid_email(email: &str) -> bool {
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
  use crate::profile::Generation;

  fn is_base36(s: &str) -> bool {
    s.bytes()
      .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
  }

  #[test]
  fn key_formats_per_generation() {
    for _ in 0..200 {
      let k = new_key(Generation::V0_12.profile().key);
      assert!(k.len() == 30 || k.len() == 31, "{k}");
      assert!(is_base36(&k));
      let k = new_key(Generation::V0_22.profile().key);
      assert_eq!(k.len(), 31);
      assert!(is_base36(&k) && !k.starts_with('0'));
      let k = new_key(Generation::V0_26.profile().key);
      assert_eq!(k.len(), 62);
      assert!(is_base36(&k));
    }
  }

  #[test]
  fn generated_values_follow_length_and_sets() {
    for _ in 0..100 {
      let v = generated_value(Alphabet::ValidCharsSafe, 12, CharacterSets::default());
      assert_eq!(v.len(), 12);
      assert!(v.bytes().all(|b| VALID_CHARS_SAFE.contains(&b)), "{v}");
      let v = generated_value(Alphabet::CharacterSets, 20, CharacterSets::default());
      assert_eq!(v.len(), 20);
      for set in [UPPER, LOWER, DIGITS, SYMBOLS] {
        assert!(v.bytes().any(|b| set.contains(&b)), "{v} lacks a set");
      }
      let no_symbols = CharacterSets {
        symbols: false,
        ..CharacterSets::default()
      };
      let v = generated_value(Alphabet::CharacterSets, 20, no_symbols);
      assert!(v.bytes().all(|b| b.is_ascii_alphanumeric()), "{v}");
      assert!(!v.contains(['i', 'l', 'o', '1', 'I', 'O', '0']), "{v}");
    }
    assert_eq!(
      generated_value(Alphabet::CharacterSets, 2, CharacterSets::default()).len(),
      2
    );
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
