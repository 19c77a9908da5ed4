//! What each generation does, as data: one [`Profile`] per release the server imitates. This is the
//! only module that names a generation; handlers read the profile's fields (`tests/structure.rs`
//! fails on a generation name anywhere else). Every value is what the transcripts in
//! `__test__/fixtures/ots-observed/` show (or, where they are silent, the release's source).
//!
//! The building blocks a profile picks from live with the code that uses them (key shapes in
//! `keys.rs`, size and TTL rules in `limits.rs`, list orders in `store.rs`, era texts in
//! `replies.rs`, v2 answer styles in `v2/`); the policies that only a profile chooses are here.

use crate::keys::{Alphabet, KeyShape};
use crate::limits::{SizeRule, TtlRule, DAY};
use crate::replies::{self, Replies};
use crate::store::RecentOrder;
use crate::v2::controller::Controller;
use crate::v2::otto::Otto;
use crate::v2::render::Render;

/// Which release line of OneTimeSecret the server imitates ([`Generation::profile`] says what
/// each one does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Generation {
  /// v0.12.1 (2024-04): API v1 only, keys of up to 31 base36 characters, old messages.
  V0_12,
  /// v0.22.11 (2025-11): v1 + v2 (controller era), 31-character keys, `shrimp`, string-typed v2 fields.
  V0_22,
  /// v0.26.6 (2026-08): v1 + v2 (Otto era), 62-character keys, `X-OTS-Intended-Status`, ADR-013 errors.
  #[default]
  V0_26,
}

impl Generation {
  /// Every generation, oldest first.
  pub const ALL: [Generation; 3] = [Generation::V0_12, Generation::V0_22, Generation::V0_26];

  /// The name users pass (`generation: "v0.22"`, `ots serve --generation v0.22`).
  pub fn name(self) -> &'static str {
    self.profile().name
  }

  /// The generation of that name, if there is one.
  pub fn from_name(name: &str) -> Option<Generation> {
    Generation::ALL.into_iter().find(|g| g.name() == name)
  }

  pub(crate) fn profile(self) -> &'static Profile {
    match self {
      Generation::V0_12 => &V0_12,
      Generation::V0_22 => &V0_22,
      Generation::V0_26 => &V0_26,
    }
  }
}

/// `generate`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Generate {
  pub(crate) alphabet: Alphabet,
  /// v1 `length` honoured (v0.22.11 / v0.26.6 `-more` #2: 20 asked, 20 made).
  pub(crate) v1_length: bool,
  /// Longest `length` accepted; above it a form error naming the limit.
  pub(crate) max_length: Option<i64>,
}

/// The v2 answer to burning a secret that was already read or burned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BurnConsumedV2 {
  /// 500 `{"shrimp":…,"message":"Secret could not be burned.","success":false}` (v0.22.11
  /// `-more` #19, #22).
  NotBurned500,
  /// 200 `{"success":true}` (v0.26.6 `-more` #18, #21).
  Success200,
}

/// What the creator's view of a receipt does (v1 `private/:key`, v2 `receipt/:id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReceiptView {
  /// The first view of a new receipt whose secret is alive marks it viewed; v1 answers with the
  /// state before the view (<= v0.18: v0.12.1 `api-v1` #7-#9).
  MarkViewed,
  /// As `MarkViewed`, and that first view shows the value of a secret without a passphrase
  /// (v0.18-v0.25: v0.22.11 `api-v1` #7, `api-v2` #v2-105).
  MarkViewedShowValue,
  /// The state stays; a generated value is shown once, within 60 s of its creation (v0.24+:
  /// v0.26.6 `-more` #14, #15).
  ShowGeneratedOnce,
}

/// What a wrong passphrase costs the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PassphraseGuard {
  /// The `failed_passphrase` limiter: 5 per window per IP + custid, then the generation's rate
  /// limited answer (<= v0.23).
  PerCaller,
  /// Counted on the secret: 5 wrong v2 reveals lock v2 reveals, 20 of any kind lock the secret,
  /// for 30 minutes (v0.24.6+, `limits::note_failure`).
  PerSecret,
}

/// What a v2 preview (`GET /secret/:id` without `continue`) marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preview {
  /// The secret turns `viewed` (v0.22.11 `api-v2` #v2-107).
  MarksSecret,
  /// The receipt records the preview (`previewed`, a view and an access: v0.26.6 `api-v1-v2` #34, #39).
  MarksReceipt,
}

/// Whose `custid` a v1 receipt shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Custid {
  /// The receipt's owner (`anon` for an anonymous one).
  Owner,
  /// The caller's, whoever owns the receipt (v0.26.6 `api-v1-v2` #7).
  Caller,
}

/// One release's behaviour. Adding a generation is one more `static` of this type (and a variant
/// of [`Generation`] naming it); a renderer in `v2/` only if its v2 answers have new shapes.
#[derive(Debug)]
pub(crate) struct Profile {
  /// The name users pass (`"v0.22"`).
  pub(crate) name: &'static str,
  pub(crate) key: KeyShape,
  /// Characters of the secret key in a v1 burn answer's `secret_shortkey`.
  pub(crate) burn_shortkey_len: usize,
  /// The style of v2 answers; `None`: no API v2 (every `/api/v2` path is the v1 router's 404).
  pub(crate) v2: Option<&'static dyn Render>,
  /// The era's fixed v1 and server-level answers.
  pub(crate) replies: &'static Replies,
  pub(crate) generate: Generate,
  pub(crate) size: SizeRule,
  /// Passphrase length limits (min, max), if any.
  pub(crate) passphrase_len: Option<(usize, usize)>,
  pub(crate) passphrase_guard: PassphraseGuard,
  /// TTL of a v1 secret, and of a v2 one.
  pub(crate) ttl_v1: TtlRule,
  pub(crate) ttl_v2: TtlRule,
  pub(crate) receipt_view: ReceiptView,
  pub(crate) burn_consumed_v2: BurnConsumedV2,
  /// v1 `private/recent`'s order; `None`: it always answers 404 "An unexpected error occurred :["
  /// (v0.22.11 `api-v1` and `-more` #8).
  pub(crate) recent_v1: Option<RecentOrder>,
  pub(crate) recent_v2: RecentOrder,
  /// A receipt lives 2 x TTL from its last state change, not from its creation (v0.12.1 `api-v1`
  /// #34-#38: `metadata_ttl` back at 7200 after a view or a read).
  pub(crate) receipt_renewed: bool,
  /// v1 errors carry `X-OTS-Intended-Status` (v0.24+).
  pub(crate) intended_status: bool,
  /// thin sends `Content-Language: en` on v1 JSON answers.
  pub(crate) content_language: bool,
  /// The rate limiter's window in seconds.
  pub(crate) rate_window: f64,
  /// v1 `ttl` is twice the secret's TTL, and `recent` lists it as `secret_ttl` too (v0.12.1:
  /// `ttl=3600` gives `"ttl":7200`; `-more` #8); later releases list `secret_ttl: null`.
  pub(crate) ttl_doubled: bool,
  /// A v1 `generate` leaves its receipt `viewed` (the creator saw the value: v0.12.1 and v0.22.11
  /// `-more` #8 / #23).
  pub(crate) generate_marks_viewed: bool,
  /// v1 answers carry `share_domain` (v0.17+).
  pub(crate) v1_share_domain: bool,
  /// v1 receipts also carry the v0.24+ names (`identifier`, `secret_identifier`, `receipt_ttl`,
  /// `receipt_url`, `metadata_url`, …) beside the old ones (v0.26.6 `api-v1-v2` #3).
  pub(crate) v1_receipt_aliases: bool,
  pub(crate) v1_custid: Custid,
  /// A v1 burn answers with the receipt as it was before the burn (state `new`: v0.22.11 and
  /// v0.26.6 `api-v1` #31), not as burned (v0.12.1 #31).
  pub(crate) v1_burn_snapshot: bool,
  /// v1 reads JSON request bodies (Rack::JSONBodyParser, v0.24+); older ones ignore them
  /// (v0.12.1 / v0.22.11 `api-v1` #15).
  pub(crate) v1_json_body: bool,
  /// v1 `/create` works like `/share`; v0.22.11's answers "Incorrect payload format" whatever is
  /// sent (`api-v1` #14).
  pub(crate) v1_create: bool,
  /// v1 path keys are cleaned to `[a-zA-Z0-9_-]` and under 20 characters are 404 "Not Found"
  /// (v0.24.2+).
  pub(crate) v1_key_sanitised: bool,
  pub(crate) v2_preview: Preview,
  /// v2 `version` needs credentials (v0.26.6 `api-v1-v2` #30).
  pub(crate) v2_version_needs_auth: bool,
  /// Receipts whose secret expired unread turn `expired` (v0.19+); older ones just go.
  pub(crate) marks_expired: bool,
  /// `recent` lists only receipts of the last 30 days (v0.26).
  pub(crate) recent_30_days: bool,
  /// The customer's `extid` works as the username (v0.24+).
  pub(crate) extid_login: bool,
  /// The opt-in rate limiter counts per IP (v0.24.3+), not per IP and account.
  pub(crate) limiter_per_ip: bool,
  /// Routes present: v1 `authcheck` (v0.17+), v1 `receipt/…` aliases (v0.24+), v2 `authcheck`
  /// (v0.22 only), v2 guest routes (v0.23.2+).
  pub(crate) v1_authcheck: bool,
  pub(crate) v1_receipt_routes: bool,
  pub(crate) v2_authcheck: bool,
  pub(crate) v2_guest_routes: bool,
  /// `GET /api/v2/version` (v0.26.6 run from source reports 0.0.0: `v0.26.6-api-v1-v2.md` #30).
  pub(crate) v2_version: &'static str,
}

const SYMBOLS_ON: Generate = Generate {
  alphabet: Alphabet::CharacterSets,
  v1_length: true,
  max_length: None,
};

/// v0.12: omitted or not positive gives the plan's maximum, under a minute gives 5 minutes
/// (`v0.12.1-api-v1.md` #20-#26).
const PLAN_TTL_OLD: TtlRule = TtlRule {
  missing: None,
  not_positive: None,
  floor: (60, 300),
  anonymous_max: 7 * DAY,
  account_max: 14 * DAY,
  account_refused_above: None,
};

/// v0.22: omitted gives 7 days; anything sent is raised to a minute (`v0.22.11-api-v1.md`
/// #20-#23: `-1`, `abc`, `0`, `30` all give 60).
const PLAN_TTL: TtlRule = TtlRule {
  missing: Some(7 * DAY),
  not_positive: Some(60),
  floor: (60, 60),
  ..PLAN_TTL_OLD
};

/// v0.24+: omitted or not positive gives 7 days, at least a minute, at most 30 days (7 anonymous).
const TTL_30_DAYS: TtlRule = TtlRule {
  missing: Some(7 * DAY),
  not_positive: Some(7 * DAY),
  floor: (60, 60),
  anonymous_max: 7 * DAY,
  account_max: 30 * DAY,
  account_refused_above: None,
};

pub(crate) static V0_12: Profile = Profile {
  name: "v0.12",
  key: KeyShape::Sha1Base36,
  burn_shortkey_len: 6,
  v2: None,
  replies: &replies::CLASSIC,
  generate: Generate {
    alphabet: Alphabet::ValidCharsSafe,
    v1_length: false,
    max_length: None,
  },
  size: SizeRule::Truncate {
    anonymous: 1_000_000,
    account: 1_000_000,
  },
  passphrase_len: None,
  passphrase_guard: PassphraseGuard::PerCaller,
  ttl_v1: PLAN_TTL_OLD,
  ttl_v2: PLAN_TTL_OLD,
  receipt_view: ReceiptView::MarkViewed,
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
  v1_receipt_aliases: false,
  v1_custid: Custid::Owner,
  v1_burn_snapshot: false,
  v1_json_body: false,
  v1_create: true,
  v1_key_sanitised: false,
  v2_preview: Preview::MarksSecret,
  v2_version_needs_auth: false,
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

pub(crate) static V0_22: Profile = Profile {
  name: "v0.22",
  key: KeyShape::Exact(31),
  burn_shortkey_len: 6,
  v2: Some(&Controller),
  replies: &replies::CONTROLLER,
  generate: SYMBOLS_ON,
  size: SizeRule::Truncate {
    anonymous: 100_000,
    account: 1_000_000,
  },
  passphrase_len: Some((8, 128)),
  passphrase_guard: PassphraseGuard::PerCaller,
  ttl_v1: PLAN_TTL,
  // v2 shares v1's plan logic.
  ttl_v2: PLAN_TTL,
  receipt_view: ReceiptView::MarkViewedShowValue,
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
  v1_receipt_aliases: false,
  v1_custid: Custid::Owner,
  v1_burn_snapshot: true,
  v1_json_body: false,
  v1_create: false,
  v1_key_sanitised: false,
  v2_preview: Preview::MarksSecret,
  v2_version_needs_auth: false,
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

pub(crate) static V0_26: Profile = Profile {
  name: "v0.26",
  key: KeyShape::Exact(62),
  burn_shortkey_len: 8,
  v2: Some(&Otto),
  replies: &replies::OTTO,
  generate: Generate {
    max_length: Some(128),
    ..SYMBOLS_ON
  },
  size: SizeRule::MaxBytes(10_000),
  passphrase_len: Some((4, 128)),
  passphrase_guard: PassphraseGuard::PerSecret,
  ttl_v1: TTL_30_DAYS,
  // A free plan lacks `extended_default_expiration`: above 14 days is refused, not clamped.
  ttl_v2: TtlRule {
    account_refused_above: Some(14 * DAY),
    ..TTL_30_DAYS
  },
  receipt_view: ReceiptView::ShowGeneratedOnce,
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
  v1_receipt_aliases: true,
  v1_custid: Custid::Caller,
  v1_burn_snapshot: true,
  v1_json_body: true,
  v1_create: true,
  v1_key_sanitised: true,
  v2_preview: Preview::MarksReceipt,
  v2_version_needs_auth: true,
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

#[cfg(test)]
mod tests {
  use super::*;
  use crate::router::{route, Route};
  use crate::{Server, ServerOptions};
  use tokio::io::{AsyncReadExt, AsyncWriteExt};

  /// The worked example of docs/DESIGN.md ("Adding a generation"): answers like v0.26, without
  /// v1's `receipt/…` routes and without `recent`'s 30-day window.
  static EXAMPLE: Profile = Profile {
    name: "v0.24",
    v1_receipt_routes: false,
    recent_30_days: false,
    ..V0_26
  };

  /// One request on a fresh connection: (status, body).
  async fn send(server: &Server, head: &str, body: &str) -> (u16, serde_json::Value) {
    let mut s = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let auth = base64::Engine::encode(
      &base64::engine::general_purpose::STANDARD,
      format!("{}:{}", server.username(), server.api_key()),
    );
    let req = format!(
      "{head} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nConnection: close\r\n\
       Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
      body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or_default())
  }

  #[tokio::test]
  async fn a_generation_is_one_profile() {
    let receipt_route = "GET /api/v1/receipt/:key";
    assert_eq!(route(&V0_26, receipt_route), Route::V1Receipt);
    assert_eq!(
      route(&EXAMPLE, receipt_route),
      Route::NotFound { v2: false }
    );

    let server = Server::start_with(&EXAMPLE, ServerOptions::default())
      .await
      .unwrap();
    let (status, shared) = send(&server, "POST /api/v1/share", "secret=hello").await;
    assert_eq!(status, 200, "{shared}");
    let key = shared["metadata_key"].as_str().unwrap().to_string();
    assert_eq!(key.len(), 62, "v0.26's key shape");
    let (status, _) = send(&server, &format!("GET /api/v1/receipt/{key}"), "").await;
    assert_eq!(status, 404, "no v1 receipt/… route");
    let (status, viewed) = send(&server, &format!("GET /api/v1/private/{key}"), "").await;
    assert_eq!(
      (status, &viewed["identifier"]),
      (200, &shared["metadata_key"])
    );
    // v2 answers in v0.26's style (`record.receipt`), without writing one line of it.
    let (status, made) = send(&server, "POST /api/v2/secret/conceal", "secret[secret]=x").await;
    assert_eq!(status, 200, "{made}");
    assert!(
      made["record"]["receipt"]["identifier"].is_string(),
      "{made}"
    );
    // A receipt made 31 days ago (its secret lived 30 days, the receipt lives 60) is listed:
    // no 30-day window, where v0.26 has one.
    for (profile, listed) in [(&EXAMPLE, true), (&V0_26, false)] {
      let server = Server::start_with(profile, ServerOptions::default())
        .await
        .unwrap();
      let (_, old) = send(&server, "POST /api/v1/share", "secret=old&ttl=2592000").await;
      server.advance_clock(31 * 86_400);
      let (status, recent) = send(&server, "GET /api/v2/receipt/recent", "").await;
      assert_eq!(status, 200, "{recent}");
      let ids: Vec<&str> = recent["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["identifier"].as_str())
        .collect();
      let old = old["metadata_key"].as_str().unwrap();
      assert_eq!(ids.contains(&old), listed, "{}: {recent}", profile.name);
      server.close().await;
    }
    server.close().await;
  }
}
