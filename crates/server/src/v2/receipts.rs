//! v2 receipt routes: view, burn, recent.

use serde_json::json;
use zeroize::Zeroizing;

use super::input::passphrase_and_continue;
use super::render::{RecordUse, Render, SecretFacts, ViewFacts};
use crate::app::{lock, Ctx};
use crate::auth::Caller;
use crate::profile::{BurnConsumedV2, ReceiptView};
use crate::reply::Reply;
use crate::store::RState;

/// `GET /receipt/:id`.
pub(crate) fn view(ctx: &Ctx, style: &dyn Render, caller: &Caller) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let mut store = lock(&ctx.sh.store);
  store.sweep(now);
  let Some(r) = store.live_receipt(&key, now) else {
    return style.record_not_found(&key);
  };
  let secret_key = r.secret_key.clone();
  let before = r.state;
  let Some(r) = store.receipts.get(&key) else {
    return style.record_not_found(&key);
  };
  let secret = store.secrets.get(&secret_key).filter(|s| s.expires > now);
  // The record shows the receipt as it was before this view.
  let record = style.receipt(r, secret, RecordUse::View);
  let facts = secret.map(|s| SecretFacts {
    has_passphrase: s.has_passphrase(),
    viewed: s.viewed.is_some(),
    realttl: s.remaining(now),
  });
  let mut shown: Option<Zeroizing<String>> = None;
  match ctx.profile.receipt_view {
    ReceiptView::MarkViewed | ReceiptView::MarkViewedShowValue => {
      if before == RState::New {
        if let Some(s) = secret {
          if ctx.profile.receipt_view == ReceiptView::MarkViewedShowValue && !s.has_passphrase() {
            shown = Some(s.value.clone());
          }
          store.mark_viewed(&key, now);
        }
      }
    }
    ReceiptView::ShowGeneratedOnce => shown = store.claim_generated_value(&key, now),
  }
  let Some(r) = store.receipts.get(&key) else {
    return style.record_not_found(&key);
  };
  let facts = ViewFacts {
    receipt: r,
    secret: facts,
    shown: shown.as_ref().map(|v| v.as_str()),
    before,
    is_owner: caller.email().is_some() && r.owner.as_deref() == caller.email(),
  };
  let v = style.receipt_view(&ctx.base, record, &facts);
  drop(store);
  style.json(200, &v)
}

/// `POST /receipt/:id/burn`: needs `continue: true`.
pub(crate) fn burn(ctx: &Ctx, style: &dyn Render, caller: &Caller) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let (given, cont) = passphrase_and_continue(ctx);
  let mut store = lock(&ctx.sh.store);
  let Some(r) = store.live_receipt(&key, now) else {
    return style.record_not_found(&key);
  };
  let secret_key = r.secret_key.clone();
  let Some(s) = store.live_secret(&secret_key, now) else {
    // Already read or burned.
    return match ctx.profile.burn_consumed_v2 {
      BurnConsumedV2::Success200 => style.json(200, &json!({"success": true})),
      BurnConsumedV2::NotBurned500 => style.json(
        500,
        &json!({"shrimp": caller.shrimp(), "message": "Secret could not be burned.", "success": false}),
      ),
    };
  };
  if !s.passphrase_ok(given.as_ref().map(|p| p.as_str())) {
    let limited = ctx.wrong_passphrase(caller, s, false);
    drop(store);
    if limited {
      return style.rate_limited(ctx.window() as u64);
    }
    return style.form_error(caller, "Double check that passphrase", None, None);
  }
  let Some(r) = store.receipts.get(&key) else {
    return style.record_not_found(&key);
  };
  let has_pass = r.has_passphrase;
  let recipients = !r.recipients.is_empty();
  let record = style.burn_snapshot(&ctx.base, r);
  let burned = cont && store.burn(&key, now);
  drop(store);
  let v = style.burned(caller, record, has_pass, recipients, burned);
  style.json(200, &v)
}

/// `GET /receipt/recent` (Basic auth only).
pub(crate) fn recent(ctx: &Ctx, style: &dyn Render, caller: &Caller) -> Reply {
  let Caller::Account {
    email, owner_id, ..
  } = caller
  else {
    return style.unauthorized("AUTH_HEADER_MISSING", ctx.now);
  };
  let now = ctx.now;
  let mut store = lock(&ctx.sh.store);
  store.sweep(now);
  let mut records = Vec::new();
  let mut done = Vec::new();
  let mut pending = Vec::new();
  for r in store.recent_of(email, ctx.profile.recent_v2) {
    if ctx.profile.recent_30_days && now - r.created > 30.0 * 86400.0 {
      continue;
    }
    let secret = store.secrets.get(&r.secret_key).filter(|s| s.expires > now);
    let record = style.receipt(r, secret, RecordUse::Recent);
    if r.state.is_destroyed() {
      done.push(record.clone());
    } else {
      pending.push(record.clone());
    }
    records.push(record);
  }
  drop(store);
  let v = style.recent(email, owner_id, records, done, pending, now);
  style.json(200, &v)
}
