//! v2 secret routes: conceal / generate, preview, reveal, status.

use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::input::{nested_json, passphrase_and_continue, recipients};
use super::render::Render;
use crate::app::{lock, Ctx, RATE_OFF};
use crate::auth::Caller;
use crate::create::new_pair;
use crate::generate::{self, Asked, Refusal};
use crate::keys;
use crate::limits;
use crate::profile::Preview;
use crate::reply::Reply;

/// `POST /secret/conceal` and `/secret/generate`.
pub(crate) fn create(ctx: &Ctx, style: &dyn Render, caller: &Caller, generate: bool) -> Reply {
  let authed = caller.is_auth();
  let profile = ctx.profile;
  let length = ctx.nested("length");
  let asked = if generate {
    Asked::Generate {
      length: length.as_deref(),
      honour_length: true,
      sets: generate::character_sets(nested_json(ctx, "character_sets")),
    }
  } else {
    Asked::Text(ctx.nested("secret"))
  };
  let (value, truncated) = match generate::secret_value(profile, asked, authed) {
    Ok(v) => v,
    Err(Refusal::Empty) => {
      let msg = "You did not provide anything to share";
      return style.form_error(caller, msg, Some("missing"), Some("secret"));
    }
    Err(Refusal::TooLong(msg)) => return style.form_error(caller, &msg, None, Some("length")),
    Err(Refusal::ServerError) => return style.server_error(),
    Err(Refusal::TooBig(n)) => {
      let msg = format!("Secret content must be no more than {n} bytes long");
      return style.form_error(caller, &msg, None, Some("secret"));
    }
  };
  let passphrase = ctx
    .nested("passphrase")
    .filter(|p| !p.is_empty())
    .map(Zeroizing::new);
  if let Some(p) = &passphrase {
    if let Some(msg) = limits::passphrase_error(profile.passphrase_len, p) {
      return style.form_error(caller, &msg, None, Some("passphrase"));
    }
  }
  let recipients = recipients(ctx);
  if !recipients.is_empty() {
    if !authed {
      return style.account_required(caller);
    }
    if let Some(bad) = recipients.iter().find(|r| !keys::valid_email(r)) {
      let msg = format!("Undeliverable email address: {bad}");
      return style.form_error(caller, &msg, None, Some("recipient"));
    }
  }
  let raw_ttl = ctx.nested("ttl");
  let Ok(ttl) = limits::ttl(&profile.ttl_v2, raw_ttl.as_deref(), authed) else {
    return style.entitlement_required(caller);
  };
  let (secret, mut receipt) = new_pair(
    ctx,
    caller,
    value,
    passphrase.as_ref().map(|p| p.as_str()),
    ttl,
    generate,
    recipients.clone(),
    truncated,
  );
  let safe: Vec<String> = recipients.iter().map(|r| keys::obscure_email(r)).collect();
  let details =
    json!({"kind": receipt.kind.as_str(), "recipient": recipients, "recipient_safe": safe});
  let v = style.created(caller, &receipt, &secret, details);
  receipt.memo_stored = true;
  lock(&ctx.sh.store).insert(secret, receipt);
  style.json(200, &v)
}

fn display_lines(v: &str) -> u64 {
  let n = ((80 + v.chars().count()) / 80) as u64 + v.matches('\n').count() as u64 + 3;
  n.min(30)
}

fn one_liner(v: &str) -> Value {
  if v.is_empty() {
    Value::Null
  } else {
    json!(!v.contains('\n'))
  }
}

/// A secret's details before it is revealed.
fn unrevealed_details(cont: bool, is_owner: bool, correct_passphrase: bool) -> Value {
  json!({"continue": cont, "is_owner": is_owner, "show_secret": false, "correct_passphrase": correct_passphrase,
         "display_lines": 4, "one_liner": null})
}

/// `GET /secret/:id` without `continue`: a preview that does not consume.
pub(crate) fn preview(ctx: &Ctx, style: &dyn Render, caller: &Caller) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let mut store = lock(&ctx.sh.store);
  let Some(s) = store.live_secret(&key, now) else {
    return style.record_not_found(&key);
  };
  let receipt_key = s.receipt_key.clone();
  if ctx.profile.v2_preview == Preview::MarksSecret {
    s.viewed.get_or_insert(now);
    s.updated = now;
  }
  let record = style.preview_record(s);
  let mut is_owner = false;
  if ctx.profile.v2_preview == Preview::MarksReceipt {
    if let Some(r) = store.receipts.get_mut(&receipt_key) {
      r.previewed_at.get_or_insert(now);
      r.viewed_at.get_or_insert(now);
      r.view_count += 1;
      r.first_access.get_or_insert(now);
      r.last_access = Some(now);
      is_owner = caller.email().is_some() && r.owner.as_deref() == caller.email();
    }
  }
  drop(store);
  let v = style.answer(record, unrevealed_details(false, is_owner, false));
  style.json(200, &v)
}

/// `POST /secret/:id/reveal` (and `GET /secret/:id?continue=true`).
pub(crate) fn reveal(ctx: &Ctx, style: &dyn Render, caller: &Caller, via_get: bool) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let (given, cont) = passphrase_and_continue(ctx);
  let mut store = lock(&ctx.sh.store);
  let Some(s) = store.live_secret(&key, now) else {
    return style.record_not_found(&key);
  };
  if now < s.v2_locked_until && ctx.sh.rate_mode() != RATE_OFF {
    let retry = (s.v2_locked_until - now).ceil() as u64;
    return style.lockout(retry);
  }
  let correct = s.passphrase_ok(given.as_ref().map(|p| p.as_str()));
  if !correct {
    if via_get {
      let record = style.secret_record(s);
      drop(store);
      let details = unrevealed_details(cont, false, false);
      return style.json(200, &json!({"record": record, "details": details}));
    }
    let limited = ctx.wrong_passphrase(caller, s, true);
    drop(store);
    if limited {
      return style.rate_limited(ctx.window() as u64);
    }
    return style.incorrect_passphrase(caller);
  }
  // `correct_passphrase`: a passphrase was needed and given (a secret without one says false).
  let correct_passphrase = s.has_passphrase();
  if !cont {
    let record = style.secret_record(s);
    drop(store);
    let details = unrevealed_details(false, false, correct_passphrase);
    return style.json(200, &style.unrevealed(record, details));
  }
  let Some(taken) = store.take_secret(&key, now) else {
    return style.record_not_found(&key);
  };
  let mut is_owner = false;
  if let Some(r) = store.receipts.get_mut(&taken.receipt_key) {
    r.view_count += 1;
    r.first_access.get_or_insert(now);
    r.last_access = Some(now);
    is_owner = caller.email().is_some() && r.owner.as_deref() == caller.email();
  }
  drop(store);
  let value = taken.value.as_str();
  let details = json!({"continue": true, "is_owner": is_owner, "show_secret": true, "correct_passphrase": correct_passphrase,
                       "display_lines": display_lines(value), "one_liner": one_liner(value)});
  let mut record = style.revealed_record(&taken);
  if let Value::Object(m) = &mut record {
    m.insert("secret_value".into(), json!(value));
  }
  style.json(200, &style.answer(record, details))
}

/// `GET /secret/:id/status` (v0.21+).
pub(crate) fn status(ctx: &Ctx, style: &dyn Render) -> Reply {
  let now = ctx.now;
  let mut store = lock(&ctx.sh.store);
  let v = style.secret_status(store.live_secret(&ctx.key, now).as_deref(), now);
  drop(store);
  style.json(200, &v)
}
