//! API v1. Every error is HTTP 404 with `{"message": ...}`; v0.26 adds
//! `X-OTS-Intended-Status`. Shapes follow the transcripts in `__test__/fixtures/ots-observed/`.

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::app::{lock, Ctx};
use crate::auth::Caller;
use crate::create::new_pair;
use crate::generate::{self, Asked, Refusal};
use crate::keys::{self, CharacterSets};
use crate::limits;
use crate::profile::{Custid, Profile, ReceiptView};
use crate::replies::BurnRefusal;
use crate::reply::{int, Reply, JSON_UTF8};
use crate::router::Route;
use crate::store::{RState, ReceiptRec, SecretRec};

const STATUS_BODY: &[u8] = br#"{"status":"nominal","locale":"en"}"#;

fn ok(ctx: &Ctx, v: &Value) -> Reply {
  decorate(ctx.profile, Reply::json(200, JSON_UTF8, v))
}

/// v0.12 (thin) sends `Content-Language` on every JSON answer of the app.
fn decorate(profile: &Profile, r: Reply) -> Reply {
  if profile.content_language {
    r.header("content-language", "en")
  } else {
    r
  }
}

fn err_body(ctx: &Ctx, v: Value, intended: Option<&'static str>) -> Reply {
  let r = decorate(ctx.profile, Reply::json(404, JSON_UTF8, &v));
  match intended {
    Some(s) if ctx.profile.intended_status => r.header("x-ots-intended-status", s),
    _ => r,
  }
}

/// 404 `{"message":"Not authorized"}` (+ intended 401 on v0.26).
pub(crate) fn not_authorized(ctx: &Ctx) -> Reply {
  err_body(ctx, json!({"message": "Not authorized"}), Some("401"))
}

/// A `FormError`: the controller era puts `shrimp` first (transcript order); meant as a 400.
fn form_error(ctx: &Ctx, caller: &Caller, msg: &str) -> Reply {
  if ctx.profile.replies.form_error_shrimp {
    err_body(
      ctx,
      json!({"shrimp": caller.shrimp(), "message": msg}),
      None,
    )
  } else {
    err_body(ctx, json!({"message": msg}), Some("400"))
  }
}

fn unknown_secret(ctx: &Ctx, key: &str) -> Reply {
  err_body(
    ctx,
    json!({"secret_key": key, "message": "Unknown secret"}),
    None,
  )
}

/// Rate limited, in the era's words (meant as a 400 where the generation says so).
fn rate_limited(ctx: &Ctx, caller: &Caller) -> Reply {
  let replies = ctx.profile.replies;
  match replies.rate_limited_anonymous {
    Some(canned) if !caller.is_auth() => canned.reply(),
    _ => err_body(ctx, json!({"message": replies.rate_limited}), Some("400")),
  }
}

fn event(route: Route) -> &'static str {
  match route {
    Route::V1Status | Route::V1Authcheck => "check_status",
    Route::V1Share | Route::V1Create | Route::V1Generate => "create_secret",
    Route::V1Secret => "show_secret",
    Route::V1Receipt | Route::V1Recent => "show_metadata",
    Route::V1Burn => "burn_secret",
    _ => "other",
  }
}

pub(crate) fn handle(ctx: &Ctx, route: Route) -> Reply {
  let caller = ctx.caller();
  if let Caller::Invalid(_) = caller {
    return not_authorized(ctx);
  }
  if matches!(route, Route::V1Authcheck | Route::V1Recent) && !caller.is_auth() {
    return not_authorized(ctx);
  }
  if ctx.general_limit(&caller, event(route)).is_some() {
    return rate_limited(ctx, &caller);
  }
  match route {
    Route::V1Status | Route::V1Authcheck => {
      decorate(ctx.profile, Reply::raw(200, JSON_UTF8, STATUS_BODY))
    }
    Route::V1Share => share(ctx, &caller, false),
    Route::V1Create if !ctx.profile.v1_create => {
      form_error(ctx, &caller, "Incorrect payload format")
    }
    Route::V1Create => share(ctx, &caller, false),
    Route::V1Generate => share(ctx, &caller, true),
    Route::V1Secret => reveal(ctx, &caller),
    Route::V1Receipt => receipt(ctx, &caller),
    Route::V1Recent => recent(ctx, &caller),
    Route::V1Burn => burn(ctx, &caller),
    _ => ctx.profile.replies.not_found.reply(),
  }
}

/// `share` / `create` / `generate`.
fn share(ctx: &Ctx, caller: &Caller, generate: bool) -> Reply {
  let authed = caller.is_auth();
  let profile = ctx.profile;
  let asked = if generate {
    Asked::Generate {
      length: ctx.params.get("length"),
      honour_length: profile.generate.v1_length,
      // v1 reads `character_sets` from a form, where "false" is a true string.
      sets: CharacterSets::default(),
    }
  } else {
    Asked::Text(ctx.params.get("secret").map(str::to_string))
  };
  let (value, truncated) = match generate::secret_value(profile, asked, authed) {
    Ok(v) => v,
    Err(Refusal::Empty) => return form_error(ctx, caller, "You did not provide anything to share"),
    Err(Refusal::TooLong(msg)) => return form_error(ctx, caller, &msg),
    Err(Refusal::ServerError) => return profile.replies.server_error.reply(),
    Err(Refusal::TooBig(n)) => {
      let msg = format!("Secret value exceeds the maximum size of {n} bytes");
      return form_error(ctx, caller, &msg);
    }
  };
  let passphrase = ctx.params.get("passphrase").filter(|p| !p.is_empty());
  if let Some(p) = passphrase {
    if let Some(msg) = limits::passphrase_error(profile.passphrase_len, p) {
      return form_error(ctx, caller, &msg);
    }
  }
  let recipients: Vec<String> = ctx
    .params
    .get_all("recipient")
    .chain(ctx.params.get_all("recipient[]"))
    .filter(|r| !r.is_empty())
    .map(str::to_string)
    .collect();
  if !recipients.is_empty() {
    if !authed {
      let msg = if profile.replies.account_required_link {
        format!(
          "An account is required to send emails. Signup here: {}",
          ctx.base
        )
      } else {
        "An account is required to send emails.".to_string()
      };
      return form_error(ctx, caller, &msg);
    }
    if let Some(bad) = recipients.iter().find(|r| !keys::valid_email(r)) {
      return form_error(ctx, caller, &format!("Undeliverable email address: {bad}"));
    }
  }
  let Ok(ttl) = limits::ttl(&profile.ttl_v1, ctx.params.get("ttl"), authed) else {
    let msg = "Your plan does not include extended expiration times";
    return form_error(ctx, caller, msg);
  };
  let (secret, mut receipt) = new_pair(
    ctx, caller, value, passphrase, ttl, generate, recipients, truncated,
  );
  let shown_value = if generate {
    Some(secret.value.clone())
  } else {
    None
  };
  let v = receipt_hash(
    ctx,
    caller,
    &receipt,
    Some(&secret),
    Mode::Create,
    None,
    shown_value.as_ref().map(|v| v.as_str()),
  );
  if generate && profile.generate_marks_viewed {
    receipt.state = RState::Viewed;
    receipt.viewed_at = Some(ctx.now);
  }
  lock(&ctx.sh.store).insert(secret, receipt);
  ok(ctx, &v)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
  Create,
  View,
  Burn,
  Recent,
}

/// The receipt ("metadata") hash, per generation and per context (see the transcripts:
/// received receipts drop the secret fields; burned ones carry an empty `secret_key`; the burn
/// answer is a snapshot; `recent` items drop `secret_key`; v0.26 adds the additive copies).
fn receipt_hash(
  ctx: &Ctx,
  caller: &Caller,
  r: &ReceiptRec,
  secret: Option<&SecretRec>,
  mode: Mode,
  shown_state: Option<RState>,
  value: Option<&str>,
) -> Value {
  let profile = ctx.profile;
  let now = ctx.now;
  let state = shown_state.unwrap_or(r.state);
  let received = state == RState::Received;
  let gone = matches!(state, RState::Burned | RState::Expired | RState::Orphaned);
  let custid = match profile.v1_custid {
    Custid::Caller => caller.custid().to_string(),
    Custid::Owner => r.owner.clone().unwrap_or_else(|| "anon".into()),
  };
  let mut m = Map::new();
  m.insert("custid".into(), json!(custid));
  m.insert("metadata_key".into(), json!(r.key));
  let secret_key: Option<Value> = if received {
    None
  } else if gone {
    Some(json!(""))
  } else {
    Some(json!(r.secret_key))
  };
  if let Some(sk) = &secret_key {
    if mode != Mode::Recent {
      m.insert("secret_key".into(), sk.clone());
    }
  }
  let ttl = if profile.ttl_doubled {
    r.ttl * 2
  } else {
    r.ttl
  };
  m.insert("ttl".into(), json!(ttl));
  let metadata_ttl = r.remaining(now);
  m.insert("metadata_ttl".into(), json!(metadata_ttl));
  if !received {
    let doubled = profile.ttl_doubled;
    let st = match secret {
      _ if mode == Mode::Recent && doubled => json!(ttl),
      Some(_) if mode == Mode::Recent => Value::Null,
      Some(s) => json!(s.remaining(now)),
      None if doubled => json!(ttl),
      None => Value::Null,
    };
    m.insert("secret_ttl".into(), st);
  }
  let url = match mode {
    // v0.26's receipt GET builds its URLs with an empty key (transcript v0.26 #7, #14-16).
    Mode::View => format!("{}/receipt/", ctx.base),
    _ => format!("{}/receipt/{}", ctx.base, r.key),
  };
  if profile.v1_receipt_aliases {
    m.insert("metadata_url".into(), json!(url));
  }
  m.insert("state".into(), json!(state.legacy()));
  m.insert("updated".into(), int(r.updated));
  m.insert("created".into(), int(r.created));
  if received {
    m.insert("received".into(), int(r.received_at.unwrap_or(r.updated)));
  }
  let recipient: Vec<String> = r
    .recipients
    .iter()
    .map(|e| keys::obscure_email(e))
    .collect();
  m.insert("recipient".into(), json!(recipient));
  if profile.v1_share_domain {
    m.insert("share_domain".into(), json!(""));
  }
  if let Some(v) = value {
    m.insert("value".into(), json!(v));
  }
  let passphrase_required =
    matches!(mode, Mode::Create | Mode::View) && secret.is_some() && !received && !gone;
  if passphrase_required {
    m.insert("passphrase_required".into(), json!(r.has_passphrase));
  }
  if profile.v1_receipt_aliases {
    m.insert("identifier".into(), json!(r.key));
    if let Some(sk) = secret_key {
      m.insert("secret_identifier".into(), sk);
    }
    if passphrase_required {
      m.insert("has_passphrase".into(), json!(r.has_passphrase));
    }
    m.insert("recipients".into(), json!(recipient));
    m.insert("receipt_ttl".into(), json!(metadata_ttl));
    m.insert("receipt_url".into(), json!(url));
    if let Some(v) = value {
      m.insert("secret_value".into(), json!(v));
    }
  }
  Value::Object(m)
}

/// The v1 key sanitation of v0.24+: strip `[^a-zA-Z0-9_-]`; keys under 20 characters are a 404
/// `{"message":"Not Found"}` (v0.24.2+).
fn sanitised_key(ctx: &Ctx) -> Result<String, Reply> {
  let k: String = ctx
    .key
    .chars()
    .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
    .collect();
  if k.len() < 20 {
    return Err(err_body(ctx, json!({"message": "Not Found"}), None));
  }
  Ok(k)
}

fn path_key(ctx: &Ctx) -> Result<String, Reply> {
  if ctx.profile.v1_key_sanitised {
    sanitised_key(ctx)
  } else {
    Ok(ctx.key.clone())
  }
}

/// `POST /secret/:key`.
fn reveal(ctx: &Ctx, caller: &Caller) -> Reply {
  let key = match path_key(ctx) {
    Ok(k) => k,
    Err(r) => return r,
  };
  let now = ctx.now;
  let given = ctx.params.get("passphrase").filter(|p| !p.is_empty());
  let mut store = lock(&ctx.sh.store);
  let Some(secret) = store.live_secret(&key, now) else {
    return unknown_secret(ctx, &key);
  };
  if now < secret.global_locked_until {
    // The per-secret lockout seen through v1's catch-all.
    return form_error(ctx, caller, "An unexpected error occurred :[");
  }
  if !secret.passphrase_ok(given) {
    let limited = ctx.wrong_passphrase(caller, secret, false);
    drop(store);
    if limited {
      return rate_limited(ctx, caller);
    }
    return unknown_secret(ctx, &key);
  }
  let Some(taken) = store.take_secret(&key, now) else {
    return unknown_secret(ctx, &key);
  };
  drop(store);
  let v = if ctx.profile.v1_share_domain {
    json!({"value": taken.value.as_str(), "secret_key": key, "share_domain": ctx.base})
  } else {
    json!({"value": taken.value.as_str(), "secret_key": key})
  };
  ok(ctx, &v)
}

/// `GET|POST /private/:key`.
fn receipt(ctx: &Ctx, caller: &Caller) -> Reply {
  let key = match path_key(ctx) {
    Ok(k) => k,
    Err(r) => return r,
  };
  let now = ctx.now;
  let mut store = lock(&ctx.sh.store);
  store.sweep(now);
  let Some(r) = store.live_receipt(&key, now) else {
    return unknown_secret(ctx, &key);
  };
  let secret_key = r.secret_key.clone();
  let pre_state = r.state;
  let secret_exists = store
    .secrets
    .get(&secret_key)
    .map(|s| s.expires > now)
    .unwrap_or(false);
  let mut value: Option<Zeroizing<String>> = None;
  let mut shown_state = None;
  match ctx.profile.receipt_view {
    ReceiptView::MarkViewed => {
      if pre_state == RState::New && secret_exists {
        shown_state = Some(RState::New);
        store.mark_viewed(&key, now);
      }
    }
    ReceiptView::MarkViewedShowValue => {
      if pre_state == RState::New && secret_exists {
        let has_pass = store
          .secrets
          .get(&secret_key)
          .map(|s| s.has_passphrase())
          .unwrap_or(true);
        if !has_pass {
          value = store.secrets.get(&secret_key).map(|s| s.value.clone());
        }
        store.mark_viewed(&key, now);
      }
    }
    ReceiptView::ShowGeneratedOnce => value = store.claim_generated_value(&key, now),
  }
  let Some(r) = store.receipts.get(&key) else {
    return unknown_secret(ctx, &key);
  };
  let secret = store.secrets.get(&secret_key).filter(|s| s.expires > now);
  let v = receipt_hash(
    ctx,
    caller,
    r,
    secret,
    Mode::View,
    shown_state,
    value.as_ref().map(|v| v.as_str()),
  );
  drop(store);
  ok(ctx, &v)
}

/// `GET /private/recent`: newest first; broken on v0.22.
fn recent(ctx: &Ctx, caller: &Caller) -> Reply {
  let Some(order) = ctx.profile.recent_v1 else {
    return form_error(ctx, caller, "An unexpected error occurred :[");
  };
  let Some(email) = caller.email() else {
    return not_authorized(ctx);
  };
  let now = ctx.now;
  let mut store = lock(&ctx.sh.store);
  store.sweep(now);
  let mut items = Vec::new();
  for r in store.recent_of(email, order) {
    if ctx.profile.recent_30_days && now - r.created > 30.0 * 86400.0 {
      continue;
    }
    let secret = store.secrets.get(&r.secret_key).filter(|s| s.expires > now);
    items.push(receipt_hash(
      ctx,
      caller,
      r,
      secret,
      Mode::Recent,
      None,
      None,
    ));
  }
  drop(store);
  ok(ctx, &Value::Array(items))
}

/// `POST /private/:key/burn`.
fn burn(ctx: &Ctx, caller: &Caller) -> Reply {
  let key = match path_key(ctx) {
    Ok(k) => k,
    Err(r) => return r,
  };
  let now = ctx.now;
  let profile = ctx.profile;
  let given = ctx.params.get("passphrase").filter(|p| !p.is_empty());
  let mut store = lock(&ctx.sh.store);
  let Some(r) = store.live_receipt(&key, now) else {
    return unknown_secret(ctx, &key);
  };
  let secret_key = r.secret_key.clone();
  let pre_state = r.state;
  let Some(secret) = store.live_secret(&secret_key, now) else {
    return unknown_secret(ctx, &key);
  };
  if !secret.passphrase_ok(given) {
    let limited = ctx.wrong_passphrase(caller, secret, false);
    drop(store);
    if limited {
      return rate_limited(ctx, caller);
    }
    return match profile.replies.burn_wrong_passphrase {
      BurnRefusal::UnknownSecret => unknown_secret(ctx, &key),
      BurnRefusal::DoubleCheck => form_error(ctx, caller, "Double check that passphrase"),
    };
  }
  if !store.burn(&key, now) {
    return unknown_secret(ctx, &key);
  }
  let Some(r) = store.receipts.get(&key) else {
    return unknown_secret(ctx, &key);
  };
  let shown = profile.v1_burn_snapshot.then_some(pre_state);
  let state = receipt_hash(ctx, caller, r, None, Mode::Burn, shown, None);
  let short = r.secret_shortkey(profile.burn_shortkey_len);
  drop(store);
  ok(ctx, &json!({"state": state, "secret_shortkey": short}))
}
