//! TTL clamping, size and passphrase rules per generation, and the v0.26 passphrase limiter.
//! TTLs are clamped, never rejected (except the v0.26 v2 entitlement check).

use crate::profile::SizeRule;
use crate::store::SecretRec;
use crate::Generation;

pub const DAY: u64 = 86_400;

/// Ruby's `String#to_i`: optional leading whitespace and sign, then digits; anything else stops
/// the parse ("3600.9" -> 3600, "abc" -> 0).
pub fn ruby_to_i(s: &str) -> i64 {
  let t = s.trim_start();
  let (neg, digits) = match t.as_bytes().first() {
    Some(b'-') => (true, &t[1..]),
    Some(b'+') => (false, &t[1..]),
    _ => (false, t),
  };
  let mut n: i64 = 0;
  for b in digits.bytes() {
    if !b.is_ascii_digit() {
      break;
    }
    n = n.saturating_mul(10).saturating_add((b - b'0') as i64);
  }
  if neg {
    -n
  } else {
    n
  }
}

/// The plan ceiling of the old generations: anonymous 7 d, the (free) basic plan 14 d.
fn plan_max(authenticated: bool) -> u64 {
  if authenticated {
    14 * DAY
  } else {
    7 * DAY
  }
}

/// Effective secret TTL for API v1 (and v0.22 v2, which shares v1's plan logic).
///
/// * v0.12: omitted or <= 0 gives the plan max; < 60 gives 300; capped at plan max.
/// * v0.22 (`v0.22.11-api-v1.md` #20-#23: `ttl=-1`, `abc`, `0`, `30` all give 60): omitted gives 7 d,
///   a present value is `to_i`'d and raised to 60; capped at plan max.
/// * v0.26: omitted or <= 0 gives 7 d; min 60; max 30 d; anonymous max 7 d.
pub fn ttl_v1(generation: Generation, raw: Option<&str>, authenticated: bool) -> u64 {
  let raw = raw.filter(|s| !s.is_empty());
  match generation {
    Generation::V0_12 => {
      let t = raw.map(ruby_to_i).unwrap_or(0);
      let max = plan_max(authenticated);
      if t <= 0 {
        max
      } else if t < 60 {
        300
      } else {
        (t as u64).min(max)
      }
    }
    Generation::V0_22 => {
      let max = plan_max(authenticated);
      match raw {
        None => (7 * DAY).min(max),
        Some(r) => (ruby_to_i(r).max(60) as u64).min(max),
      }
    }
    Generation::V0_26 => {
      let t = raw.map(ruby_to_i).unwrap_or(0);
      let t = if t <= 0 { 7 * DAY } else { (t as u64).max(60) };
      let max = if authenticated { 30 * DAY } else { 7 * DAY };
      t.min(max)
    }
  }
}

/// v0.26 v2 TTL: default 7 d, min 60, anonymous clamped to 7 d, authenticated (free org without
/// `extended_default_expiration`) asking for more than 14 d is refused with 403 EntitlementRequired
/// (`Err`); everything else is clamped to 30 d.
pub fn ttl_v2_026(raw: Option<&str>, authenticated: bool) -> Result<u64, ()> {
  let t = raw.filter(|s| !s.is_empty()).map(ruby_to_i).unwrap_or(0);
  let t = if t <= 0 { 7 * DAY } else { (t as u64).max(60) };
  if authenticated {
    if t > 14 * DAY {
      return Err(());
    }
    Ok(t.min(30 * DAY))
  } else {
    Ok(t.min(7 * DAY))
  }
}

/// Applies the generation's size rule (`Profile::size`): `Ok(true)` when the value was cut,
/// `Err(max_bytes)` when it is refused.
pub fn apply_size(rule: SizeRule, value: &mut String, authenticated: bool) -> Result<bool, usize> {
  match rule {
    SizeRule::Truncate { anonymous, account } => Ok(truncate_chars(
      value,
      if authenticated { account } else { anonymous },
    )),
    SizeRule::MaxBytes(n) if value.len() > n => Err(n),
    SizeRule::MaxBytes(_) => Ok(false),
  }
}

/// Truncates to `n` characters in place; returns whether it did. The cut-off tail is wiped.
pub fn truncate_chars(s: &mut String, n: usize) -> bool {
  match s.char_indices().nth(n) {
    Some((i, _)) => {
      let mut old = std::mem::replace(s, s[..i].to_string());
      zeroize::Zeroize::zeroize(&mut old);
      true
    }
    None => false,
  }
}

/// The generation's passphrase length rule (`Profile::passphrase_len`): the form error, if any.
pub fn passphrase_error(generation: Generation, passphrase: &str) -> Option<String> {
  let (min, max) = generation.profile().passphrase_len?;
  let n = passphrase.chars().count();
  if n < min {
    Some(format!("Passphrase must be at least {min} characters long"))
  } else if n > max {
    Some(format!(
      "Passphrase must be no more than {max} characters long"
    ))
  } else {
    None
  }
}

/// The v0.26 limiter tiers: 5 per secret(+IP) locks v2 reveals, 20 per secret locks everything; lockouts
/// last 30 minutes within a 10-minute counting window.
pub fn note_failure(secret: &mut SecretRec, now: f64, v2: bool) {
  if now - secret.fail_window_start >= 600.0 {
    secret.fail_window_start = now;
    secret.v2_failures = 0;
    secret.all_failures = 0;
  }
  secret.all_failures += 1;
  if v2 {
    secret.v2_failures += 1;
    if secret.v2_failures >= 5 {
      secret.v2_locked_until = now + 1800.0;
    }
  }
  if secret.all_failures >= 20 {
    secret.global_locked_until = now + 1800.0;
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use Generation::*;

  #[test]
  fn to_i_like_ruby() {
    assert_eq!(ruby_to_i("3600.9"), 3600);
    assert_eq!(ruby_to_i("abc"), 0);
    assert_eq!(ruby_to_i("-1"), -1);
    assert_eq!(ruby_to_i(" 42x"), 42);
    assert_eq!(ruby_to_i("99999999999999999999999"), i64::MAX);
  }

  // Values below are the ones the transcripts show (v0.12.1 and v0.22.11 exchanges 20-26, 13, 14, 67).
  #[test]
  fn ttl_v012_transcript() {
    assert_eq!(ttl_v1(V0_12, Some("-1"), true), 14 * DAY);
    assert_eq!(ttl_v1(V0_12, Some("abc"), true), 14 * DAY);
    assert_eq!(ttl_v1(V0_12, Some("0"), true), 14 * DAY);
    assert_eq!(ttl_v1(V0_12, Some("30"), true), 300);
    assert_eq!(ttl_v1(V0_12, Some("99999999"), true), 14 * DAY);
    assert_eq!(ttl_v1(V0_12, Some("99999999"), false), 7 * DAY);
    assert_eq!(ttl_v1(V0_12, Some("3600.9"), true), 3600);
    assert_eq!(ttl_v1(V0_12, None, true), 14 * DAY);
    assert_eq!(ttl_v1(V0_12, None, false), 7 * DAY);
    assert_eq!(ttl_v1(V0_12, Some("600"), true), 600);
  }

  #[test]
  fn ttl_v022_transcript() {
    for raw in ["-1", "abc", "0", "30"] {
      assert_eq!(ttl_v1(V0_22, Some(raw), true), 60, "{raw}");
    }
    assert_eq!(ttl_v1(V0_22, Some("99999999"), true), 14 * DAY);
    assert_eq!(ttl_v1(V0_22, Some("99999999"), false), 7 * DAY);
    assert_eq!(ttl_v1(V0_22, Some("3600.9"), true), 3600);
    assert_eq!(ttl_v1(V0_22, None, true), 7 * DAY);
    assert_eq!(ttl_v1(V0_22, None, false), 7 * DAY);
  }

  #[test]
  fn ttl_v026_spec() {
    assert_eq!(ttl_v1(V0_26, Some("30"), true), 60);
    assert_eq!(ttl_v1(V0_26, Some("0"), true), 7 * DAY);
    assert_eq!(ttl_v1(V0_26, Some("99999999"), true), 30 * DAY);
    assert_eq!(ttl_v1(V0_26, Some("99999999"), false), 7 * DAY);
    assert_eq!(ttl_v2_026(Some("3600"), true), Ok(3600));
    assert_eq!(ttl_v2_026(Some("99999999"), false), Ok(7 * DAY));
    assert_eq!(ttl_v2_026(Some("2000000"), true), Err(()));
    assert_eq!(ttl_v2_026(Some("10"), true), Ok(60));
  }

  #[test]
  fn passphrase_rules() {
    assert_eq!(passphrase_error(V0_12, "a"), None);
    assert_eq!(
      passphrase_error(V0_22, "abc123").as_deref(),
      Some("Passphrase must be at least 8 characters long")
    );
    assert_eq!(passphrase_error(V0_26, "abcd"), None);
    assert!(passphrase_error(V0_26, &"x".repeat(129)).is_some());
  }

  #[test]
  fn truncation() {
    let mut s = "héllo".to_string();
    assert!(truncate_chars(&mut s, 2));
    assert_eq!(s, "hé");
    assert!(!truncate_chars(&mut s, 10));
  }
}
