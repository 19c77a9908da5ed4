//! v2 receipt routes: view, burn, recent.

use super::records::*;
use super::*;
use crate::limits::note_failure;

/// `GET /receipt/:id`.
pub(super) fn receipt(ctx: &Ctx, caller: &Caller) -> Reply {
  let g = ctx.gen;
  let now = ctx.now;
  let key = ctx.key.clone();
  let mut store = lock(&ctx.sh.store);
  store.sweep(now, true);
  let Some(r) = store.live_receipt(&key, now) else {
    return record_not_found(ctx, &key);
  };
  let secret_key = r.secret_key.clone();
  let pre = r.state;
  let secret_info = store
    .secrets
    .get(&secret_key)
    .filter(|s| s.expires > now)
    .map(|s| {
      (
        s.has_passphrase(),
        s.value.clone(),
        s.remaining(now),
        if s.viewed.is_some() { "viewed" } else { "new" },
      )
    });
  // Which value (if any) this view reveals to the creator.
  let mut shown: Option<Zeroizing<String>> = None;
  let mut before: Option<Value> = None;
  match shapes(g) {
    Controller => {
      // The first view shows the receipt as it was, then marks it viewed.
      if pre == RState::New {
        if let Some((has_pass, value, _, _)) = &secret_info {
          if !has_pass {
            shown = Some(value.clone());
          }
          before = store.receipts.get(&key).map(|r| meta22(r, true));
          store.mark_viewed(&key, now);
        }
      }
    }
    _ => shown = store.claim_generated_value(&key, now),
  }
  let Some(r) = store.receipts.get(&key) else {
    return record_not_found(ctx, &key);
  };
  let alive = secret_info.is_some();
  let secret_state = secret_info
    .as_ref()
    .map(|(_, _, _, st)| json!(st))
    .unwrap_or(Value::Null);
  let realttl = secret_info
    .as_ref()
    .map(|(_, _, t, _)| json!(t))
    .unwrap_or(Value::Null);
  let shown_str = shown.as_ref().map(|v| v.as_str());
  let v = match shapes(g) {
    Otto => {
      let secret = store.secrets.get(&secret_key).filter(|s| s.expires > now);
      let mut rec = receipt26(r, secret, RecMode::Get);
      if let Value::Object(m) = &mut rec {
        add_links(
          ctx,
          m,
          r,
          alive,
          Some(if alive { json!("new") } else { Value::Null }),
          None,
        );
      }
      // The v0.26.6 rules (apps/api/v2/logic/secrets/show_receipt.rb), as data in, booleans out.
      let has_pass = alive && r.has_passphrase;
      let consumed = !matches!(r.state, RState::New | RState::Expired);
      let show_secret = alive && !has_pass && !consumed;
      let destroyed = matches!(
        r.state,
        RState::Received | RState::Burned | RState::Orphaned
      );
      let owner = caller.email().is_some() && r.owner.as_deref() == caller.email();
      let show_receipt = r.state != RState::Viewed || owner;
      json!({"record": rec, "details": {
        "type": "record", "display_lines": 4, "no_cache": true, "secret_realttl": realttl, "view_count": r.view_count,
        "first_access": r.first_access.map(float).unwrap_or(Value::Null),
        "last_access": r.last_access.map(float).unwrap_or(Value::Null),
        "has_passphrase": has_pass, "can_decrypt": alive && !has_pass, "secret_value": shown_str,
        "show_secret": show_secret, "show_secret_link": !destroyed && show_secret && r.recipients.is_empty(),
        "show_receipt_link": r.state == RState::New, "show_receipt": show_receipt,
        "show_recipients": show_receipt && !r.recipients.is_empty()}})
    }
    _ => {
      let mut rec = before.unwrap_or_else(|| meta22(r, true));
      if let Value::Object(m) = &mut rec {
        if shown.is_some() {
          m.insert("secret_key".into(), json!(secret_key));
        }
        add_links(ctx, m, r, alive, Some(secret_state), None);
      }
      let (maxviews, has_maxviews, has_pass, can_decrypt, truncated) = match &secret_info {
        Some((hp, _, _, _)) => (json!(1), json!(false), json!(hp), json!(!hp), json!(false)),
        None => (
          Value::Null,
          Value::Null,
          Value::Null,
          Value::Null,
          Value::Null,
        ),
      };
      json!({"success": true, "record": rec, "details": {
        "type": "record", "display_lines": 4, "no_cache": true, "secret_realttl": realttl, "maxviews": maxviews,
        "has_maxviews": has_maxviews, "view_count": null, "has_passphrase": has_pass, "can_decrypt": can_decrypt,
        "secret_value": shown_str, "is_truncated": truncated, "show_secret": shown.is_some(), "show_secret_link": alive,
        "show_metadata_link": alive && pre == RState::New, "show_metadata": true,
        "show_recipients": !r.recipients.is_empty()}})
    }
  };
  drop(store);
  reply(ctx, 200, &v)
}

/// `POST /receipt/:id/burn`: needs `continue: true`.
pub(super) fn burn(ctx: &Ctx, caller: &Caller) -> Reply {
  let g = ctx.gen;
  let now = ctx.now;
  let key = ctx.key.clone();
  let (given, cont) = passphrase_and_continue(ctx);
  let mut store = lock(&ctx.sh.store);
  let Some(r) = store.live_receipt(&key, now) else {
    return record_not_found(ctx, &key);
  };
  let secret_key = r.secret_key.clone();
  let Some(s) = store.live_secret(&secret_key, now) else {
    // Already read or burned.
    return match g.profile().burn_consumed_v2 {
      BurnConsumedV2::Success200 => reply(ctx, 200, &json!({"success": true})),
      BurnConsumedV2::NotBurned500 => reply(
        ctx,
        500,
        &json!({"shrimp": ctx.shrimp(caller), "message": "Secret could not be burned.", "success": false}),
      ),
    };
  };
  if !s.passphrase_ok(given.as_ref().map(|p| p.as_str())) {
    if shapes(g) == Otto {
      if ctx.sh.rate_mode() != crate::app::RATE_OFF {
        note_failure(s, now, false);
      }
      drop(store);
      return form_error(ctx, caller, "Double check that passphrase", None, None);
    }
    drop(store);
    if ctx.failed_passphrase(caller) {
      return rate_limited(ctx, 1200);
    }
    return form_error(ctx, caller, "Double check that passphrase", None, None);
  }
  // Snapshot before burning (v0.26 reports the pre-burn receipt, transcript v0.26 #41).
  let snapshot = |ctx: &Ctx, r: &ReceiptRec| -> Value {
    match shapes(g) {
      Otto => {
        let mut rec = receipt26(r, None, RecMode::Burn);
        if let Value::Object(m) = &mut rec {
          add_links(ctx, m, r, true, None, Some(BURNED_EXPIRY));
        }
        rec
      }
      _ => {
        let mut rec = meta22(r, true);
        if let Value::Object(m) = &mut rec {
          add_links(ctx, m, r, true, None, Some(BURNED_EXPIRY));
        }
        rec
      }
    }
  };
  let Some(r) = store.receipts.get(&key) else {
    return record_not_found(ctx, &key);
  };
  let has_pass = r.has_passphrase;
  let recips = !r.recipients.is_empty();
  let rec = snapshot(ctx, r);
  let burned = cont && store.burn(&key, now);
  drop(store);
  let details = match shapes(g) {
    Otto => {
      json!({"type": "record", "title": "Secret burned", "display_lines": 0, "display_feedback": false,
                    "no_cache": true, "view_count": 0, "has_passphrase": has_pass, "can_decrypt": false,
                    "show_secret": false, "show_secret_link": false, "show_receipt_link": false, "show_receipt": true,
                    "show_recipients": recips, "is_orphaned": false})
    }
    _ => {
      json!({"type": "record", "title": "Secret burned", "display_lines": 0, "display_feedback": false,
                "no_cache": true, "maxviews": 0, "has_maxviews": false, "view_count": 0,
                "has_passphrase": has_pass, "can_decrypt": false, "is_truncated": false, "show_secret": false,
                "show_secret_link": false, "show_metadata_link": false, "show_metadata": true,
                "show_recipients": recips, "is_orphaned": false})
    }
  };
  let v = match shapes(g) {
    Otto => json!({"success": burned, "record": rec, "details": details}),
    _ => {
      json!({"success": burned, "shrimp": ctx.shrimp(caller), "custid": caller.email().unwrap_or("anon"),
                "record": rec, "details": details})
    }
  };
  reply(ctx, 200, &v)
}

/// `GET /receipt/recent` (Basic auth only; 30-day window on v0.26).
pub(super) fn recent(ctx: &Ctx, caller: &Caller) -> Reply {
  let Caller::Account {
    email, owner_id, ..
  } = caller
  else {
    return unauthorized(ctx, "AUTH_HEADER_MISSING");
  };
  let g = ctx.gen;
  let now = ctx.now;
  let mut store = lock(&ctx.sh.store);
  store.sweep(now, true);
  let mut records = Vec::new();
  let mut done = Vec::new();
  let mut pending = Vec::new();
  for r in store.recent_of(email, g.profile().recent_v2) {
    if shapes(g) == Otto && now - r.created > 30.0 * 86400.0 {
      continue;
    }
    let secret = store.secrets.get(&r.secret_key).filter(|s| s.expires > now);
    let rec = match shapes(g) {
      Otto => receipt26(r, secret, RecMode::Recent),
      _ => meta22(r, true),
    };
    if r.state.is_destroyed() {
      done.push(rec.clone());
    } else {
      pending.push(rec.clone());
    }
    records.push(rec);
  }
  drop(store);
  let count = records.len();
  let since = int(now - 30.0 * 86400.0);
  let v = match shapes(g) {
    Otto => json!({"success": true, "custid": owner_id, "count": count, "records": records,
                    "details": {"type": "list", "scope": null, "scope_label": null, "since": since, "now": int(now),
                                "has_items": count > 0, "revealed_receipts": done, "pending_receipts": pending}}),
    _ => json!({"success": true, "custid": email, "count": count, "records": records,
                "details": {"type": "list", "since": since, "now": int(now), "has_items": count > 0,
                            "received": done, "notreceived": pending}}),
  };
  reply(ctx, 200, &v)
}
