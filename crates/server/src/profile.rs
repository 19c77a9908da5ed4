//! What each generation does, as data: one [`Profile`] per release the server imitates. Handlers
//! read these fields instead of comparing versions. Every value is what the transcripts in
//! `__test__/fixtures/ots-observed/` show (or, where they are silent, the release's source).

use crate::Generation;

/// How keys look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyShape {
  /// A SHA-1 in base 36: up to 31 characters, 30 when the leading digit is zero (v0.12).
  Sha1Base36,
  /// Exactly this many base-36 characters, never starting with `0`.
  Exact(usize),
}

/// The alphabet of generated passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
  /// v0.12 `strand`: letters and digits without `i l o 1 0`, and `* $ ! ? ( )`.
  Strand012,
  /// v0.19+ `strand(len, character_sets)`: upper, lower, digits, symbols (each set can be
  /// switched off), ambiguous `i l o 1 I O 0` left out, at least one character of every set.
  CharacterSets,
}

/// `generate`.
#[derive(Debug, Clone, Copy)]
pub struct Generate {
  pub alphabet: Alphabet,
  /// v1 `length` honoured (v0.22.11 / v0.26.6 `-more` #2: 20 asked, 20 made).
  pub v1_length: bool,
  /// Longest `length` accepted; above it a form error naming the limit.
  pub max_length: Option<i64>,
}

/// What size limit a secret has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeRule {
  /// Silently cut to this many characters (anonymous, authenticated).
  Truncate { anonymous: usize, account: usize },
  /// Refused above this many bytes (v0.26.6 `-more` #12, #23).
  MaxBytes(usize),
}

/// The v2 answer to burning a secret that was already read or burned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BurnConsumedV2 {
  /// 500 `{"message":"Secret could not be burned."}` (v0.22.11 `-more` #19, #22).
  NotBurned500,
  /// 200 `{"success":true}` (v0.26.6 `-more` #18, #21).
  Success200,
}

/// The shapes of v2 answers: v0.19-v0.23's controllers (`success`/`shrimp`/`custid` wrappers,
/// string-typed retrievals, 403/404/422/429 errors) or v0.24+'s Otto (raw records, ADR-013 errors,
/// 401 on bad credentials, the passphrase lockout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V2Shapes {
  Controller,
  Otto,
}

/// How `recent` lists receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecentOrder {
  /// Newest first; receipts of the same second by key, descending (Redis ZREVRANGE on whole
  /// seconds: v0.12.1 `-more` #8).
  NewestFirstKeysDescending,
  /// Most recently updated first; the same second in creation order (ZRANGEBYSCORE on whole
  /// seconds, then sorted by `updated`: v0.22.11 `api-v2` #v2-113 and `-more` #23).
  UpdatedNewestFirst,
  /// Oldest first by exact creation time (v0.26.6 v1: `-more` #8).
  OldestFirst,
  /// Newest first by exact creation time (v0.26.6 v2: `-more` #22).
  NewestFirst,
}

#[derive(Debug)]
pub struct Profile {
  pub key: KeyShape,
  /// Characters of the secret key in a v1 burn answer's `secret_shortkey`.
  pub burn_shortkey_len: usize,
  pub api_v2: bool,
  /// The shapes of v2 answers (unused where `api_v2` is false).
  pub v2_shapes: V2Shapes,
  pub generate: Generate,
  pub size: SizeRule,
  /// Passphrase length limits (min, max), if any.
  pub passphrase_len: Option<(usize, usize)>,
  pub burn_consumed_v2: BurnConsumedV2,
  /// v1 `private/recent`'s order; `None`: it always answers 404 "An unexpected error occurred :["
  /// (v0.22.11 `api-v1` and `-more` #8).
  pub recent_v1: Option<RecentOrder>,
  pub recent_v2: RecentOrder,
  /// A receipt lives 2 x TTL from its last state change, not from its creation (v0.12.1 `api-v1`
  /// #34-#38: `metadata_ttl` back at 7200 after a view or a read).
  pub receipt_renewed: bool,
  /// v1 errors carry `X-OTS-Intended-Status` (v0.24+).
  pub intended_status: bool,
  /// thin sends `Content-Language: en` on v1 JSON answers.
  pub content_language: bool,
  /// The rate limiter's window in seconds.
  pub rate_window: f64,
  /// v1 `ttl` is twice the secret's TTL, and `recent` lists it as `secret_ttl` too (v0.12.1:
  /// `ttl=3600` gives `"ttl":7200`; `-more` #8); later releases list `secret_ttl: null`.
  pub ttl_doubled: bool,
  /// A v1 `generate` leaves its receipt `viewed` (the creator saw the value: v0.12.1 and v0.22.11
  /// `-more` #8 / #23).
  pub generate_marks_viewed: bool,
  /// v1 answers carry `share_domain` (v0.17+).
  pub v1_share_domain: bool,
  /// v1 path keys are cleaned to `[a-zA-Z0-9_-]` and under 20 characters are 404 "Not Found"
  /// (v0.24.2+).
  pub v1_key_sanitised: bool,
  /// Receipts whose secret expired unread turn `expired` (v0.19+); older ones just go.
  pub marks_expired: bool,
  /// `recent` lists only receipts of the last 30 days (v0.26).
  pub recent_30_days: bool,
  /// The customer's `extid` works as the username (v0.24+).
  pub extid_login: bool,
  /// The opt-in rate limiter counts per IP (v0.24.3+), not per IP and account.
  pub limiter_per_ip: bool,
  /// Routes present: v1 `authcheck` (v0.17+), v1 `receipt/…` aliases (v0.24+), v2 `authcheck`
  /// (v0.22 only), v2 guest routes (v0.23.2+).
  pub v1_authcheck: bool,
  pub v1_receipt_routes: bool,
  pub v2_authcheck: bool,
  pub v2_guest_routes: bool,
  /// `GET /api/v2/version` (v0.26.6 run from source reports 0.0.0: `v0.26.6-api-v1-v2.md` #30).
  pub v2_version: &'static str,
}

const SYMBOLS_ON: Generate = Generate {
  alphabet: Alphabet::CharacterSets,
  v1_length: true,
  max_length: None,
};

pub static V0_12: Profile = Profile {
  key: KeyShape::Sha1Base36,
  burn_shortkey_len: 6,
  api_v2: false,
  v2_shapes: V2Shapes::Controller,
  generate: Generate {
    alphabet: Alphabet::Strand012,
    v1_length: false,
    max_length: None,
  },
  size: SizeRule::Truncate {
    anonymous: 1_000_000,
    account: 1_000_000,
  },
  passphrase_len: None,
  // No v2 on v0.12; never read.
  burn_consumed_v2: BurnConsumedV2::NotBurned500,
  recent_v1: Some(RecentOrder::NewestFirstKeysDescending),
  recent_v2: RecentOrder::NewestFirstKeysDescending,
  receipt_renewed: true,
  intended_status: false,
  content_language: true,
  rate_window: 600.0,
  ttl_doubled: true,
  generate_marks_viewed: true,
  v1_share_domain: false,
  v1_key_sanitised: false,
  marks_expired: false,
  recent_30_days: false,
  extid_login: false,
  limiter_per_ip: false,
  v1_authcheck: false,
  v1_receipt_routes: false,
  v2_authcheck: false,
  v2_guest_routes: false,
  v2_version: "",
};

pub static V0_22: Profile = Profile {
  key: KeyShape::Exact(31),
  burn_shortkey_len: 6,
  api_v2: true,
  v2_shapes: V2Shapes::Controller,
  generate: SYMBOLS_ON,
  size: SizeRule::Truncate {
    anonymous: 100_000,
    account: 1_000_000,
  },
  passphrase_len: Some((8, 128)),
  burn_consumed_v2: BurnConsumedV2::NotBurned500,
  recent_v1: None,
  recent_v2: RecentOrder::UpdatedNewestFirst,
  receipt_renewed: false,
  intended_status: false,
  content_language: false,
  rate_window: 1200.0,
  ttl_doubled: false,
  generate_marks_viewed: true,
  v1_share_domain: true,
  v1_key_sanitised: false,
  marks_expired: true,
  recent_30_days: false,
  extid_login: false,
  limiter_per_ip: false,
  v1_authcheck: true,
  v1_receipt_routes: false,
  v2_authcheck: true,
  v2_guest_routes: false,
  v2_version: r#"{"version":["0","22","11"],"locale":"en"}"#,
};

pub static V0_26: Profile = Profile {
  key: KeyShape::Exact(62),
  burn_shortkey_len: 8,
  api_v2: true,
  v2_shapes: V2Shapes::Otto,
  generate: Generate {
    max_length: Some(128),
    ..SYMBOLS_ON
  },
  size: SizeRule::MaxBytes(10_000),
  passphrase_len: Some((4, 128)),
  burn_consumed_v2: BurnConsumedV2::Success200,
  recent_v1: Some(RecentOrder::OldestFirst),
  recent_v2: RecentOrder::NewestFirst,
  receipt_renewed: false,
  intended_status: true,
  content_language: false,
  rate_window: 1200.0,
  ttl_doubled: false,
  generate_marks_viewed: false,
  v1_share_domain: true,
  v1_key_sanitised: true,
  marks_expired: true,
  recent_30_days: true,
  extid_login: true,
  limiter_per_ip: true,
  v1_authcheck: true,
  v1_receipt_routes: true,
  v2_authcheck: false,
  v2_guest_routes: true,
  v2_version: r#"{"success":true,"version":["0","0","0"],"locale":"en"}"#,
};

impl Generation {
  pub fn profile(self) -> &'static Profile {
    match self {
      Generation::V0_12 => &V0_12,
      Generation::V0_22 => &V0_22,
      Generation::V0_26 => &V0_26,
    }
  }
}
