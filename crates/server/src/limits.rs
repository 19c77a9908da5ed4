//! The rules a profile picks for a secret's TTL, size and passphrase, and the v0.24+ passphrase
//! limiter on each secret.

use crate::store::SecretRec;

pub(crate) const DAY: u64 = 86_400;

/// What size limit a secret has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SizeRule {
  /// Silently cut to this many characters (anonymous, authenticated).
  Truncate { anonymous: usize, account: usize },
  /// Refused above this many bytes (v0.26.6 `-more` #12, #23).
  MaxBytes(usize),
}

/// Ruby's `String#to_i`: optional leading whitespace and sign, then digits; anything else stops
/// the parse ("3600.9" -> 3600, "abc" -> 0).
pub(crate) fn ruby_to_i(s: &str) -> i64 {
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

/// How a generation turns the `ttl` a request sent into the secret's TTL. TTLs are clamped,
/// never rejected, except above `account_refused_above` (v0.26 v2's entitlement check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TtlRule {
  /// The TTL when `ttl` is not sent (or empty); `None`: the caller's maximum.
  pub(crate) missing: Option<u64>,
  /// The TTL when what was sent reads (Ruby's `to_i`) as 0 or less; `None`: the caller's maximum.
  pub(crate) not_positive: Option<u64>,
  /// `(below, becomes)`: a TTL under `below` seconds becomes `becomes`.
  pub(crate) floor: (u64, u64),
  /// The most an anonymous caller gets, and an account.
  pub(crate) anonymous_max: u64,
  pub(crate) account_max: u64,
  /// An account asking for more than this is refused (403 EntitlementRequired), not clamped.
  pub(crate) account_refused_above: Option<u64>,
}

/// Asked for more than the caller's plan allows ([`TtlRule::account_refused_above`]).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TtlRefused;

/// The secret's TTL from the `ttl` sent, by `rule` (`Profile::ttl_v1` / `ttl_v2`).
pub(crate) fn ttl(
  rule: &TtlRule,
  raw: Option<&str>,
  authenticated: bool,
) -> Result<u64, TtlRefused> {
  let max = if authenticated {
    rule.account_max
  } else {
    rule.anonymous_max
  };
  let t = match raw.filter(|s| !s.is_empty()) {
    None => rule.missing.unwrap_or(max),
    Some(r) => match ruby_to_i(r) {
      n if n <= 0 => rule.not_positive.unwrap_or(max),
      n if (n as u64) < rule.floor.0 => rule.floor.1,
      n => n as u64,
    },
  };
  if authenticated && rule.account_refused_above.is_some_and(|limit| t > limit) {
    return Err(TtlRefused);
  }
  Ok(t.min(max))
}

/// Applies the generation's size rule (`Profile::size`): `Ok(true)` when the value was cut,
/// `Err(max_bytes)` when it is refused.
pub(crate) fn apply_size(
  rule: SizeRule,
  value: &mut String,
  authenticated: bool,
) -> Result<bool, usize> {
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
pub(crate) fn truncate_chars(s: &mut String, n: usize) -> bool {
  match s.char_indices().nth(n) {
    Some((i, _)) => {
      let mut old = std::mem::replace(s, s[..i].to_string());
      zeroize::Zeroize::zeroize(&mut old);
      true
    }
    None => false,
  }
}

/// The form error for a passphrase outside `limits` (`Profile::passphrase_len`: min, max), if any.
pub(crate) fn passphrase_error(limits: Option<(usize, usize)>, passphrase: &str) -> Option<String> {
  let (min, max) = limits?;
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
pub(crate) fn note_failure(secret: &mut SecretRec, now: f64, v2: bool) {
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
  use crate::profile::Generation::{self, *};

  fn ttl_v1(g: Generation, raw: Option<&str>, authenticated: bool) -> u64 {
    ttl(&g.profile().ttl_v1, raw, authenticated).unwrap()
  }

  fn ttl_v2_026(raw: Option<&str>, authenticated: bool) -> Result<u64, TtlRefused> {
    ttl(&V0_26.profile().ttl_v2, raw, authenticated)
  }

  fn passphrase(g: Generation, p: &str) -> Option<String> {
    passphrase_error(g.profile().passphrase_len, p)
  }

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
    assert_eq!(ttl_v2_026(Some("2000000"), true), Err(TtlRefused));
    assert_eq!(ttl_v2_026(Some("10"), true), Ok(60));
  }

  #[test]
  fn passphrase_rules() {
    assert_eq!(passphrase(V0_12, "a"), None);
    assert_eq!(
      passphrase(V0_22, "abc123").as_deref(),
      Some("Passphrase must be at least 8 characters long")
    );
    assert_eq!(passphrase(V0_26, "abcd"), None);
    assert!(passphrase(V0_26, &"x".repeat(129)).is_some());
  }

  #[test]
  fn truncation() {
    let mut s = "héllo".to_string();
    assert!(truncate_chars(&mut s, 2));
    assert_eq!(s, "hé");
    assert!(!truncate_chars(&mut s, 10));
  }
}
