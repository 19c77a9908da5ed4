//! v2 secret routes: conceal / generate, preview, reveal, status.

use super::records::*;
use super::*;
use crate::create::new_pair;
use crate::limits::note_failure;

/// `POST /secret/conceal` and `/secret/generate`.
pub(super) fn create(ctx: &Ctx, caller: &Caller, generate: bool) -> Reply {
  let g = ctx.gen;
  let authed = caller.is_auth();
  let profile = g.profile();
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
      return form_error(ctx, caller, msg, Some("missing"), Some("secret"));
    }
    Err(Refusal::TooLong(msg)) => return form_error(ctx, caller, &msg, None, Some("length")),
    Err(Refusal::ServerError) => return crate::http::server_error(g, true),
    Err(Refusal::TooBig(n)) => {
      let msg = format!("Secret content must be no more than {n} bytes long");
      return form_error(ctx, caller, &msg, None, Some("secret"));
    }
  };
  let passphrase = ctx
    .nested("passphrase")
    .filter(|p| !p.is_empty())
    .map(Zeroizing::new);
  if let Some(p) = &passphrase {
    if let Some(msg) = limits::passphrase_error(g, p) {
      return form_error(ctx, caller, &msg, None, Some("passphrase"));
    }
  }
  let recipients = recipients_of(ctx);
  if !recipients.is_empty() {
    if !authed {
      return match shapes(g) {
        Otto => reply(
          ctx,
          401,
          &json!({"error": "An account is required to send emails.", "error_type": "Unauthorized", "request_id": request_id()}),
        ),
        _ => form_error(
          ctx,
          caller,
          "An account is required to send emails.",
          None,
          None,
        ),
      };
    }
    if let Some(bad) = recipients.iter().find(|r| !keys::valid_email(r)) {
      return form_error(
        ctx,
        caller,
        &format!("Undeliverable email address: {bad}"),
        None,
        Some("recipient"),
      );
    }
  }
  let raw_ttl = ctx.nested("ttl");
  let ttl = match shapes(g) {
    Otto => match limits::ttl_v2_026(raw_ttl.as_deref(), authed) {
      Ok(t) => t,
      Err(()) => {
        return reply(
          ctx,
          403,
          &json!({"error": "Your plan does not include extended expiration times", "error_type": "EntitlementRequired",
                  "entitlement": "extended_default_expiration", "current_plan": "free", "upgrade_to": "identity_plus_v1",
                  "request_id": request_id()}),
        )
      }
    },
    _ => limits::ttl_v1(g, raw_ttl.as_deref(), authed),
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
  let v = match shapes(g) {
    Otto => {
      let r = receipt26(&receipt, Some(&secret), RecMode::Create);
      json!({"success": true,
             "record": {"receipt": r, "metadata": r, "secret": secret26(&secret, None), "share_domain": null},
             "details": details})
    }
    _ => json!({"success": true, "shrimp": ctx.shrimp(caller),
                "custid": caller.email().unwrap_or("anon"),
                "record": {"metadata": meta22(&receipt, false),
                           "secret": secret22(&secret, Typing::Native), "share_domain": null},
                "details": details}),
  };
  receipt.memo_stored = true;
  lock(&ctx.sh.store).insert(secret, receipt);
  reply(ctx, 200, &v)
}

pub(super) fn display_lines(v: &str) -> u64 {
  let n = ((80 + v.chars().count()) / 80) as u64 + v.matches('\n').count() as u64 + 3;
  n.min(30)
}

pub(super) fn one_liner(v: &str) -> Value {
  if v.is_empty() {
    Value::Null
  } else {
    json!(!v.contains('\n'))
  }
}

/// `GET /secret/:id` without `continue`: a preview that does not consume.
pub(super) fn preview(ctx: &Ctx, caller: &Caller) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let mut store = lock(&ctx.sh.store);
  let Some(s) = store.live_secret(&key, now) else {
    return record_not_found(ctx, &key);
  };
  let mut is_owner = false;
  let v = match shapes(ctx.gen) {
    Otto => {
      let rk = s.receipt_key.clone();
      let rec = secret26(s, None);
      if let Some(r) = store.receipts.get_mut(&rk) {
        // A preview is what v0.26 records as `previewed` (`api-v1-v2` #34, #39).
        r.previewed_at.get_or_insert(now);
        r.viewed_at.get_or_insert(now);
        r.view_count += 1;
        r.first_access.get_or_insert(now);
        r.last_access = Some(now);
        is_owner = caller.email().is_some() && r.owner.as_deref() == caller.email();
      }
      json!({"record": rec, "details": {"continue": false, "is_owner": is_owner, "show_secret": false,
              "correct_passphrase": false, "display_lines": 4, "one_liner": null}})
    }
    _ => {
      // v0.22: the preview moves the secret to `viewed` (transcript v2-107).
      s.viewed.get_or_insert(now);
      s.updated = now;
      let rec = secret22(s, Typing::Preview);
      json!({"success": true, "record": rec, "details": {"continue": false, "is_owner": false, "show_secret": false,
              "correct_passphrase": false, "display_lines": 4, "one_liner": null}})
    }
  };
  drop(store);
  reply(ctx, 200, &v)
}

/// `POST /secret/:id/reveal` (and `GET /secret/:id?continue=true`).
pub(super) fn reveal(ctx: &Ctx, caller: &Caller, via_get: bool) -> Reply {
  let g = ctx.gen;
  let now = ctx.now;
  let key = ctx.key.clone();
  let (given, cont) = passphrase_and_continue(ctx);
  let mut store = lock(&ctx.sh.store);
  let Some(s) = store.live_secret(&key, now) else {
    return record_not_found(ctx, &key);
  };
  if shapes(g) == Otto && now < s.v2_locked_until && ctx.sh.rate_mode() != crate::app::RATE_OFF {
    let retry = (s.v2_locked_until - now).ceil() as u64;
    return lockout(ctx, retry);
  }
  let correct = s.passphrase_ok(given.as_ref().map(|p| p.as_str()));
  if !correct {
    if via_get {
      let rec = if shapes(g) == Otto {
        secret26(s, None)
      } else {
        secret22(s, Typing::Strings)
      };
      drop(store);
      let details = json!({"continue": cont, "is_owner": false, "show_secret": false, "correct_passphrase": false,
                           "display_lines": 4, "one_liner": null});
      return reply(ctx, 200, &json!({"record": rec, "details": details}));
    }
    match shapes(g) {
      Otto => {
        if ctx.sh.rate_mode() != crate::app::RATE_OFF {
          note_failure(s, now, true);
        }
        drop(store);
        return reply(
          ctx,
          422,
          &json!({"error": "Incorrect passphrase", "request_id": request_id()}),
        );
      }
      _ => {
        drop(store);
        if ctx.failed_passphrase(caller) {
          return rate_limited(ctx, 1200);
        }
        return form_error(ctx, caller, "Incorrect passphrase", None, None);
      }
    }
  }
  // `correct_passphrase`: a passphrase was needed and given (a secret without one says false).
  let correct_passphrase = s.has_passphrase();
  if !cont {
    let rec = if shapes(g) == Otto {
      secret26(s, None)
    } else {
      secret22(s, Typing::Strings)
    };
    drop(store);
    let mut v = json!({"record": rec, "details": {"continue": false, "is_owner": false, "show_secret": false,
                        "correct_passphrase": correct_passphrase, "display_lines": 4, "one_liner": null}});
    if shapes(g) == Controller {
      if let Value::Object(m) = &mut v {
        m.insert("success".into(), json!(true));
      }
    }
    return reply(ctx, 200, &v);
  }
  let Some(taken) = store.take_secret(&key, now) else {
    return record_not_found(ctx, &key);
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
  let v = match shapes(g) {
    Otto => {
      let mut rec = secret26(&taken, Some(RState::Received));
      if let Value::Object(m) = &mut rec {
        m.insert("secret_value".into(), json!(value));
      }
      json!({"record": rec, "details": details})
    }
    _ => {
      let mut rec = secret22_with(&taken, Typing::Strings, "received");
      if let Value::Object(m) = &mut rec {
        m.insert("secret_value".into(), json!(value));
      }
      json!({"success": true, "record": rec, "details": details})
    }
  };
  reply(ctx, 200, &v)
}

/// `GET /secret/:id/status` (v0.21+).
pub(super) fn secret_status(ctx: &Ctx) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let mut store = lock(&ctx.sh.store);
  let v = match store.live_secret(&key, now) {
    None => match shapes(ctx.gen) {
      Otto => json!({"record": {"state": "unknown"}}),
      _ => json!({"success": true, "record": {"state": "unknown"}}),
    },
    Some(s) => match shapes(ctx.gen) {
      Otto => {
        json!({"record": secret26(s, None), "details": {"current_expiration": s.remaining(now)}})
      }
      _ => {
        json!({"success": true, "record": secret22(s, Typing::Strings), "details": {"realttl": s.remaining(now)}})
      }
    },
  };
  drop(store);
  reply(ctx, 200, &v)
}
