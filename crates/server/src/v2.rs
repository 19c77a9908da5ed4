//! API v2 (spec §4): v0.22 (controller era: `success`/`shrimp`/`custid` wrappers, string-typed
//! retrievals, 422/403/404/429 errors) and v0.26 (Otto era: raw `success_data`, ADR-013 errors,
//! 401 on bad credentials, passphrase lockout with `Retry-After`).

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::app::{float, int, lock, opt_int, sint, Caller, Ctx, Reply, JSON, JSON_UTF8};
use crate::generate::{self, Refusal};
use crate::keys;
use crate::limits;
use crate::profile::BurnConsumedV2;
use crate::router::Route;
use crate::store::{RState, ReceiptRec, SecretRec};
use crate::v1::{new_pair, note_failure};
use crate::Generation::{self, *};

fn ctype(g: Generation) -> &'static str {
  match g {
    V0_26 => JSON,
    _ => JSON_UTF8,
  }
}

fn reply(ctx: &Ctx, status: u16, v: &Value) -> Reply {
  Reply::json(status, ctype(ctx.gen), v)
}

fn request_id() -> String {
  keys::token(13)
}

/// Router miss inside `/api/v2` (§4.5): v0.22 `{"error":"Not Found"}`, v0.26 adds `error_type`.
pub fn not_found(g: Generation) -> Reply {
  match g {
    V0_26 => Reply::raw(
      404,
      JSON,
      br#"{"error":"Not Found","error_type":"NotFound"}"#,
    ),
    _ => Reply::raw(404, JSON, br#"{"error":"Not Found"}"#),
  }
}

/// Authentication failure: v0.22 403 `{"message":"Not authorized"}`; v0.26 Otto's 401 (§4.2).
fn unauthorized(ctx: &Ctx, code: &'static str) -> Reply {
  match ctx.gen {
    V0_26 => {
      let msg = match code {
        "AUTH_HEADER_MISSING" => "[AUTH_HEADER_MISSING] No authorization header",
        "AUTH_TYPE_INVALID" => "[AUTH_TYPE_INVALID] Invalid authorization type",
        "CREDENTIALS_FORMAT_INVALID" => "[CREDENTIALS_FORMAT_INVALID] Invalid credentials format",
        _ => "[CREDENTIALS_INVALID] Invalid credentials",
      };
      reply(
        ctx,
        401,
        &json!({"error": "Authentication Required", "message": msg, "timestamp": int(ctx.now)}),
      )
    }
    _ => reply(ctx, 403, &json!({"message": "Not authorized"})),
  }
}

/// 422 form error. v0.22: `{"shrimp","message","success":false}`; v0.26: ADR-013 with optional
/// `error_type` and `field`.
fn form_error(
  ctx: &Ctx,
  caller: &Caller,
  msg: &str,
  error_type: Option<&str>,
  field: Option<&str>,
) -> Reply {
  match ctx.gen {
    V0_26 => {
      let mut m = Map::new();
      m.insert("error".into(), json!(msg));
      if let Some(t) = error_type {
        m.insert("error_type".into(), json!(t));
      }
      if let Some(f) = field {
        m.insert("field".into(), json!(f));
      }
      m.insert("request_id".into(), json!(request_id()));
      reply(ctx, 422, &Value::Object(m))
    }
    _ => reply(
      ctx,
      422,
      &json!({"shrimp": ctx.shrimp(caller), "message": msg, "success": false}),
    ),
  }
}

fn record_not_found(ctx: &Ctx, key: &str) -> Reply {
  match ctx.gen {
    V0_26 => reply(
      ctx,
      404,
      &json!({"error_type": "RecordNotFound", "request_id": request_id()}),
    ),
    _ => reply(
      ctx,
      404,
      &json!({"secret_key": key, "message": "Unknown secret"}),
    ),
  }
}

fn rate_limited(ctx: &Ctx, retry_after: u64) -> Reply {
  match ctx.gen {
    V0_26 => reply(
      ctx,
      429,
      &json!({"error": "Rate limit exceeded. Please try again later.", "error_type": "LimitExceeded",
              "retry_after": retry_after, "request_id": request_id()}),
    )
    .header("retry-after", retry_after.to_string()),
    _ => reply(ctx, 429, &json!({"message": "Cripes! You have been rate limited.", "success": false})),
  }
}

fn lockout(ctx: &Ctx, retry_after: u64) -> Reply {
  reply(
    ctx,
    429,
    &json!({"error": "Too many incorrect passphrase attempts. Please try again later.", "error_type": "LimitExceeded",
            "retry_after": retry_after, "max_attempts": 5, "request_id": request_id()}),
  )
  .header("retry-after", retry_after.to_string())
}

fn event(route: Route) -> &'static str {
  match route {
    Route::V2Status | Route::V2Version | Route::V2Authcheck => "check_status",
    Route::V2Conceal { .. } | Route::V2Generate { .. } => "create_secret",
    Route::V2Secret { .. } | Route::V2Reveal { .. } | Route::V2SecretStatus => "show_secret",
    Route::V2Receipt { .. } | Route::V2Recent => "show_metadata",
    Route::V2Burn { .. } => "burn_secret",
    _ => "other",
  }
}

pub fn handle(ctx: &Ctx, route: Route) -> Reply {
  let g = ctx.gen;
  let guest = matches!(
    route,
    Route::V2Conceal { guest: true }
      | Route::V2Generate { guest: true }
      | Route::V2Secret { guest: true }
      | Route::V2Reveal { guest: true }
      | Route::V2Receipt { guest: true }
      | Route::V2Burn { guest: true }
  );
  let caller = if guest {
    Caller::Anonymous
  } else {
    ctx.caller()
  };
  if route == Route::V2Status {
    return match g {
      V0_26 => Reply::raw(
        200,
        JSON,
        br#"{"success":true,"status":"nominal","locale":"en"}"#,
      ),
      _ => Reply::raw(200, JSON_UTF8, br#"{"status":"nominal","locale":"en"}"#),
    };
  }
  match (&caller, g) {
    // v0.26.3+: presented-but-invalid credentials fail closed with 401 (§4.2).
    (Caller::Invalid(code), _) => return unauthorized(ctx, code),
    (Caller::Anonymous, V0_26) if matches!(route, Route::V2Recent | Route::V2Version) => {
      return unauthorized(ctx, "AUTH_HEADER_MISSING")
    }
    (Caller::Anonymous, _) if matches!(route, Route::V2Recent | Route::V2Authcheck) => {
      return unauthorized(ctx, "AUTH_HEADER_MISSING")
    }
    _ => {}
  }
  if let Some(retry) = ctx.general_limit(&caller, event(route)) {
    return rate_limited(ctx, retry);
  }
  match route {
    Route::V2Version => Reply::raw(200, ctype(g), g.profile().v2_version.as_bytes()),
    Route::V2Authcheck => authcheck(ctx, &caller),
    Route::V2Conceal { .. } => create(ctx, &caller, false),
    Route::V2Generate { .. } => create(ctx, &caller, true),
    Route::V2Secret { .. } => {
      if ctx.top("continue").as_deref() == Some("true") {
        reveal(ctx, &caller, true)
      } else {
        preview(ctx, &caller)
      }
    }
    Route::V2Reveal { .. } => reveal(ctx, &caller, false),
    Route::V2SecretStatus => secret_status(ctx),
    Route::V2Receipt { .. } => receipt(ctx, &caller),
    Route::V2Burn { .. } => burn(ctx, &caller),
    Route::V2Recent => recent(ctx, &caller),
    _ => not_found(g),
  }
}

fn authcheck(ctx: &Ctx, caller: &Caller) -> Reply {
  let Some(email) = caller.email() else {
    return unauthorized(ctx, "AUTH_HEADER_MISSING");
  };
  let created = {
    let accounts = ctx.sh.accounts.read().unwrap_or_else(|e| e.into_inner());
    accounts.get(email).map(|a| a.created).unwrap_or(ctx.now)
  };
  let counters = lock(&ctx.sh.store)
    .counters
    .get(email)
    .copied()
    .unwrap_or_default();
  let v = json!({
    "record": {
      "identifier": email, "custid": email, "email": email, "role": "customer", "verified": "true",
      "last_login": "", "locale": "", "updated": sint(created), "created": sint(created),
      "stripe_customer_id": "", "stripe_subscription_id": "", "stripe_checkout_email": "",
      "plan": {"identifier": "basic", "planid": "basic", "price": 0, "discount": 0,
               "options": {"ttl": 1209600.0, "size": 1000000, "api": true, "name": "Basic Plan", "email": true,
                           "custom_domains": false, "dark_mode": true}},
      "secrets_created": counters.created.to_string(), "secrets_burned": counters.burned.to_string(),
      "secrets_shared": counters.shared.to_string(), "emails_sent": "0", "active": true
    },
    "details": {"authenticated": true}
  });
  reply(ctx, 200, &v)
}

/// A JSON value under `secret` (`{"secret":{"character_sets":{..}}}`).
fn nested_json<'a>(ctx: &'a Ctx, name: &str) -> Option<&'a Value> {
  ctx.json.as_ref()?.get("secret")?.get(name)
}

fn recipients_of(ctx: &Ctx) -> Vec<String> {
  if let Some(Value::Object(top)) = &ctx.json {
    if let Some(Value::Object(inner)) = top.get("secret") {
      match inner.get("recipient") {
        Some(Value::String(s)) if !s.is_empty() => return vec![s.clone()],
        Some(Value::Array(a)) => {
          return a
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
        }
        _ => {}
      }
    }
  }
  ctx
    .params
    .get_all("secret[recipient]")
    .chain(ctx.params.get_all("secret[recipient][]"))
    .filter(|s| !s.is_empty())
    .map(str::to_string)
    .collect()
}

/// `POST /secret/conceal` and `/secret/generate` (§4.3, §4.4).
fn create(ctx: &Ctx, caller: &Caller, generate: bool) -> Reply {
  let g = ctx.gen;
  let authed = caller.is_auth();
  let profile = g.profile();
  let mut value: Zeroizing<String> = if generate {
    let sets = generate::character_sets(nested_json(ctx, "character_sets"));
    match generate::value(profile, ctx.nested("length").as_deref(), true, sets, authed) {
      Ok(v) => v,
      Err(Refusal::TooLong(msg)) => return form_error(ctx, caller, &msg, None, Some("length")),
      Err(Refusal::ServerError) => return crate::http::server_error(g, true),
    }
  } else {
    match ctx.nested("secret") {
      Some(s) if !s.is_empty() => Zeroizing::new(s),
      _ => {
        return form_error(
          ctx,
          caller,
          "You did not provide anything to share",
          Some("missing"),
          Some("secret"),
        )
      }
    }
  };
  let truncated = match limits::apply_size(profile.size, &mut value, authed) {
    Ok(cut) => cut,
    Err(n) => {
      return form_error(
        ctx,
        caller,
        &format!("Secret content must be no more than {n} bytes long"),
        None,
        Some("secret"),
      )
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
      return match g {
        V0_26 => reply(
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
  let ttl = match g {
    V0_26 => match limits::ttl_v2_026(raw_ttl.as_deref(), authed) {
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
  let v = match g {
    V0_26 => {
      let r = receipt26(ctx, &receipt, Some(&secret), RecMode::Create);
      json!({"success": true,
             "record": {"receipt": r, "metadata": r, "secret": secret26(&secret, None), "share_domain": null},
             "details": details})
    }
    _ => json!({"success": true, "shrimp": ctx.shrimp(caller),
                "custid": caller.email().unwrap_or("anon"),
                "record": {"metadata": meta22(ctx, &receipt, Some(&secret), false),
                           "secret": secret22(&secret, Typing::Native), "share_domain": null},
                "details": details}),
  };
  receipt.memo_stored = true;
  lock(&ctx.sh.store).insert(secret, receipt);
  reply(ctx, 200, &v)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Typing {
  /// As created (ints).
  Native,
  /// As loaded back from Redis by Familia v1 (strings), except `updated` just written by a preview.
  Preview,
  Strings,
}

/// v0.22 secret record.
fn secret22(s: &SecretRec, t: Typing) -> Value {
  let state = if s.viewed.is_some() { "viewed" } else { "new" };
  secret22_with(s, t, state)
}

fn secret22_with(s: &SecretRec, t: Typing, state: &str) -> Value {
  let n = |v: f64| if t == Typing::Native { int(v) } else { sint(v) };
  let updated = if t == Typing::Strings {
    sint(s.updated)
  } else {
    int(s.updated)
  };
  json!({"identifier": s.key, "key": s.key, "state": state, "secret_ttl": n(s.ttl as f64), "lifespan": n(s.ttl as f64),
         "shortkey": s.key.chars().take(8).collect::<String>(), "has_passphrase": s.has_passphrase(), "verification": false,
         "is_truncated": s.truncated, "created": n(s.created), "updated": updated})
}

/// v0.22 metadata record (`strings`: as read back on retrievals).
fn meta22(ctx: &Ctx, r: &ReceiptRec, _secret: Option<&SecretRec>, strings: bool) -> Value {
  let state = r.state;
  let n = |v: f64| if strings { sint(v) } else { int(v) };
  let o = |v: Option<f64>| match (v, strings) {
    (Some(t), true) => sint(t),
    (Some(t), false) => int(t),
    (None, true) => json!(""),
    (None, false) => Value::Null,
  };
  let s_or_null = |s: String| {
    if strings {
      json!(s)
    } else if s.is_empty() {
      Value::Null
    } else {
      json!(s)
    }
  };
  let recipients = r
    .recipients
    .iter()
    .map(|e| keys::obscure_email(e))
    .collect::<Vec<_>>()
    .join(", ");
  let _ = ctx;
  json!({
    "identifier": r.key, "key": r.key, "custid": r.owner.clone().unwrap_or_else(|| "anon".into()),
    "state": state.legacy(), "secret_shortkey": r.secret_shortkey(6),
    "secret_ttl": n(r.ttl as f64), "metadata_ttl": n(2.0 * r.ttl as f64), "lifespan": n(2.0 * r.ttl as f64),
    "share_domain": s_or_null(String::new()), "created": n(r.created), "updated": n(r.updated),
    "shared": o(None), "received": o(r.received_at), "burned": o(r.burned_at), "viewed": o(r.viewed_at),
    "recipients": s_or_null(recipients),
    // Familia stores `memo` only for receipts made through v2; v1's read back as nil.
    "memo": if strings && r.memo_stored { json!("") } else { Value::Null },
    "shortkey": r.key.chars().take(8).collect::<String>(), "show_recipients": !r.recipients.is_empty(),
    "is_viewed": state == RState::Viewed, "is_received": state == RState::Received, "is_burned": state == RState::Burned,
    "is_expired": state == RState::Expired, "is_orphaned": state == RState::Orphaned,
    "is_destroyed": state.is_destroyed(),
    "is_truncated": r.truncated, "has_passphrase": r.has_passphrase
  })
}

/// v0.26 secret record (§4.4 "Secret record").
fn secret26(s: &SecretRec, state: Option<RState>) -> Value {
  let st = state.unwrap_or(RState::New);
  json!({"identifier": s.key, "key": s.key, "shortid": s.key.chars().take(8).collect::<String>(),
         "state": st.modern(), "lifespan": s.ttl, "secret_ttl": s.ttl, "has_passphrase": s.has_passphrase(),
         "verification": false, "created": float(s.created), "updated": float(s.updated),
         "is_previewed": st == RState::Viewed, "is_revealed": st == RState::Received,
         "is_viewed": st == RState::Viewed, "is_received": st == RState::Received})
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RecMode {
  Create,
  Get,
  Burn,
  Recent,
}

/// v0.26 receipt record (§4.4 "Receipt record").
fn receipt26(ctx: &Ctx, r: &ReceiptRec, secret: Option<&SecretRec>, mode: RecMode) -> Value {
  let _ = ctx;
  let st = r.state;
  let mut m = Map::new();
  m.insert("identifier".into(), json!(r.key));
  m.insert("key".into(), json!(r.key));
  m.insert("custid".into(), Value::Null);
  m.insert("owner_id".into(), json!(r.owner_id));
  m.insert("state".into(), json!(st.modern()));
  m.insert("secret_shortid".into(), json!(r.secret_shortkey(8)));
  match mode {
    RecMode::Create | RecMode::Burn => {
      m.insert("secret_identifier".into(), json!(r.secret_key));
    }
    RecMode::Get => {
      if secret.is_some() {
        m.insert("secret_identifier".into(), json!(r.secret_key));
      }
    }
    RecMode::Recent => {
      m.insert(
        "secret_identifier".into(),
        json!(if secret.is_some() {
          r.secret_key.as_str()
        } else {
          ""
        }),
      );
    }
  }
  for k in ["secret_ttl", "metadata_ttl", "receipt_ttl", "lifespan"] {
    m.insert(k.into(), json!(r.ttl));
  }
  m.insert("share_domain".into(), Value::Null);
  m.insert("created".into(), float(r.created));
  m.insert("updated".into(), float(r.updated));
  m.insert("shared".into(), Value::Null);
  let recipients = r
    .recipients
    .iter()
    .map(|e| keys::obscure_email(e))
    .collect::<Vec<_>>()
    .join(", ");
  m.insert("recipients".into(), json!(recipients));
  m.insert("recipient_name".into(), Value::Null);
  m.insert("memo".into(), Value::Null);
  m.insert(
    "shortid".into(),
    json!(r.key.chars().take(8).collect::<String>()),
  );
  m.insert("show_recipients".into(), json!(!r.recipients.is_empty()));
  m.insert("previewed".into(), opt_int(r.previewed_at));
  m.insert("revealed".into(), opt_int(r.received_at));
  m.insert("is_previewed".into(), json!(r.previewed_at.is_some()));
  m.insert("viewed".into(), opt_int(r.viewed_at));
  m.insert("received".into(), opt_int(r.received_at));
  m.insert("burned".into(), opt_int(r.burned_at));
  m.insert("is_viewed".into(), json!(r.viewed_at.is_some()));
  m.insert("is_received".into(), json!(st == RState::Received));
  m.insert("is_revealed".into(), json!(st == RState::Received));
  m.insert("is_burned".into(), json!(st == RState::Burned));
  m.insert("is_expired".into(), json!(st == RState::Expired));
  m.insert("is_orphaned".into(), json!(st == RState::Orphaned));
  m.insert("is_destroyed".into(), json!(st.is_destroyed()));
  m.insert("has_passphrase".into(), json!(r.has_passphrase));
  m.insert("kind".into(), json!(r.kind.as_str()));
  m.insert("source".into(), json!("standard"));
  Value::Object(m)
}

fn natural(ttl: u64) -> String {
  if ttl.is_multiple_of(86400) {
    let d = ttl / 86400;
    format!("{d} {}", if d == 1 { "day" } else { "days" })
  } else if ttl.is_multiple_of(3600) {
    let h = ttl / 3600;
    if h == 1 {
      "60 minutes".into()
    } else {
      format!("{h} hours")
    }
  } else {
    let m = ttl.div_ceil(60);
    format!("{m} {}", if m == 1 { "minute" } else { "minutes" })
  }
}

/// A burned receipt reports the default 14-day expiry, whatever its TTL was (v0.22.11 `-more`
/// #21, v0.26.6 `api-v1-v2` #41: "14 days", 1209600).
const BURNED_EXPIRY: u64 = 14 * 86_400;

/// Link fields added to receipt GET/burn records.
fn add_links(
  ctx: &Ctx,
  m: &mut Map<String, Value>,
  r: &ReceiptRec,
  secret_alive: bool,
  with_secret_state: Option<Value>,
  expiry: Option<u64>,
) {
  let g = ctx.gen;
  let sk = if secret_alive {
    r.secret_key.as_str()
  } else {
    ""
  };
  let prefix = if g == V0_26 { "receipt" } else { "private" };
  if let Some(ss) = with_secret_state {
    m.insert("secret_state".into(), ss);
  }
  let ttl = expiry.unwrap_or(r.ttl);
  m.insert("natural_expiration".into(), json!(natural(ttl)));
  m.insert("expiration".into(), int(r.created + ttl as f64));
  m.insert(
    "expiration_in_seconds".into(),
    if g == V0_26 || expiry.is_some() {
      json!(ttl)
    } else {
      json!(ttl.to_string())
    },
  );
  m.insert("share_path".into(), json!(format!("secret/{sk}")));
  m.insert(
    "burn_path".into(),
    json!(format!("{prefix}/{}/burn", r.key)),
  );
  if g == V0_26 {
    m.insert("receipt_path".into(), json!(format!("receipt/{}", r.key)));
  }
  m.insert("metadata_path".into(), json!(format!("{prefix}/{}", r.key)));
  m.insert(
    "share_url".into(),
    json!(format!("{}/secret/{sk}", ctx.base)),
  );
  if g == V0_26 {
    m.insert(
      "receipt_url".into(),
      json!(format!("{}/receipt/{}", ctx.base, r.key)),
    );
  }
  m.insert(
    "metadata_url".into(),
    json!(format!("{}/{prefix}/{}", ctx.base, r.key)),
  );
  m.insert(
    "burn_url".into(),
    json!(format!("{}/{prefix}/{}/burn", ctx.base, r.key)),
  );
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

/// `GET /secret/:id` without `continue`: a preview that does not consume (§4.3).
fn preview(ctx: &Ctx, caller: &Caller) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let mut store = lock(&ctx.sh.store);
  let Some(s) = store.live_secret(&key, now) else {
    return record_not_found(ctx, &key);
  };
  let mut is_owner = false;
  let v = match ctx.gen {
    V0_26 => {
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

/// `POST /secret/:id/reveal` (and `GET /secret/:id?continue=true`), §4.3-§4.5.
fn reveal(ctx: &Ctx, caller: &Caller, via_get: bool) -> Reply {
  let g = ctx.gen;
  let now = ctx.now;
  let key = ctx.key.clone();
  let given = ctx
    .top("passphrase")
    .filter(|p| !p.is_empty())
    .map(Zeroizing::new);
  let cont = ctx.top("continue").as_deref() == Some("true");
  let mut store = lock(&ctx.sh.store);
  let Some(s) = store.live_secret(&key, now) else {
    return record_not_found(ctx, &key);
  };
  if g == V0_26 && now < s.v2_locked_until && ctx.sh.rate_mode() != crate::app::RATE_OFF {
    let retry = (s.v2_locked_until - now).ceil() as u64;
    return lockout(ctx, retry);
  }
  let correct = s.passphrase_ok(given.as_ref().map(|p| p.as_str()));
  if !correct {
    if via_get {
      let rec = if g == V0_26 {
        secret26(s, None)
      } else {
        secret22(s, Typing::Strings)
      };
      drop(store);
      let details = json!({"continue": cont, "is_owner": false, "show_secret": false, "correct_passphrase": false,
                           "display_lines": 4, "one_liner": null});
      return reply(ctx, 200, &json!({"record": rec, "details": details}));
    }
    match g {
      V0_26 => {
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
    let rec = if g == V0_26 {
      secret26(s, None)
    } else {
      secret22(s, Typing::Strings)
    };
    drop(store);
    let mut v = json!({"record": rec, "details": {"continue": false, "is_owner": false, "show_secret": false,
                        "correct_passphrase": correct_passphrase, "display_lines": 4, "one_liner": null}});
    if g == V0_22 {
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
  let v = match g {
    V0_26 => {
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
fn secret_status(ctx: &Ctx) -> Reply {
  let now = ctx.now;
  let key = ctx.key.clone();
  let mut store = lock(&ctx.sh.store);
  let v = match store.live_secret(&key, now) {
    None => match ctx.gen {
      V0_26 => json!({"record": {"state": "unknown"}}),
      _ => json!({"success": true, "record": {"state": "unknown"}}),
    },
    Some(s) => match ctx.gen {
      V0_26 => {
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

/// `GET /receipt/:id` (§4.4).
fn receipt(ctx: &Ctx, caller: &Caller) -> Reply {
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
  let gen_value = r.generated_value.clone();
  let created = r.created;
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
  match g {
    V0_22 => {
      // The first view shows the receipt as it was, then marks it viewed.
      if pre == RState::New {
        if let Some((has_pass, value, _, _)) = &secret_info {
          if !has_pass {
            shown = Some(value.clone());
          }
          before = store.receipts.get(&key).map(|r| meta22(ctx, r, None, true));
          store.mark_viewed(&key, now);
        }
      }
    }
    _ => {
      if secret_info.is_some() && gen_value.is_some() && now - created <= 60.0 {
        shown = gen_value;
        if let Some(r) = store.receipts.get_mut(&key) {
          r.generated_value = None;
        }
      }
    }
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
  let v = match g {
    V0_26 => {
      let secret = store.secrets.get(&secret_key).filter(|s| s.expires > now);
      let mut rec = receipt26(ctx, r, secret, RecMode::Get);
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
      let mut rec = before.unwrap_or_else(|| meta22(ctx, r, None, true));
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

/// `POST /receipt/:id/burn` (§4.3, §4.4): needs `continue: true`.
fn burn(ctx: &Ctx, caller: &Caller) -> Reply {
  let g = ctx.gen;
  let now = ctx.now;
  let key = ctx.key.clone();
  let given = ctx
    .top("passphrase")
    .filter(|p| !p.is_empty())
    .map(Zeroizing::new);
  let cont = ctx.top("continue").as_deref() == Some("true");
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
    if g == V0_26 {
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
    match g {
      V0_26 => {
        let mut rec = receipt26(ctx, r, None, RecMode::Burn);
        if let Value::Object(m) = &mut rec {
          add_links(ctx, m, r, true, None, Some(BURNED_EXPIRY));
        }
        rec
      }
      _ => {
        let mut rec = meta22(ctx, r, None, true);
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
  let details = match g {
    V0_26 => {
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
  let v = match g {
    V0_26 => json!({"success": burned, "record": rec, "details": details}),
    _ => {
      json!({"success": burned, "shrimp": ctx.shrimp(caller), "custid": caller.email().unwrap_or("anon"),
                "record": rec, "details": details})
    }
  };
  reply(ctx, 200, &v)
}

/// `GET /receipt/recent` (Basic auth only, §4.4 "Recent"; 30-day window on v0.26).
fn recent(ctx: &Ctx, caller: &Caller) -> Reply {
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
    if g == V0_26 && now - r.created > 30.0 * 86400.0 {
      continue;
    }
    let secret = store.secrets.get(&r.secret_key).filter(|s| s.expires > now);
    let rec = match g {
      V0_26 => receipt26(ctx, r, secret, RecMode::Recent),
      _ => meta22(ctx, r, secret, true),
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
  let v = match g {
    V0_26 => json!({"success": true, "custid": owner_id, "count": count, "records": records,
                    "details": {"type": "list", "scope": null, "scope_label": null, "since": since, "now": int(now),
                                "has_items": count > 0, "revealed_receipts": done, "pending_receipts": pending}}),
    _ => json!({"success": true, "custid": email, "count": count, "records": records,
                "details": {"type": "list", "since": since, "now": int(now), "has_items": count > 0,
                            "received": done, "notreceived": pending}}),
  };
  reply(ctx, 200, &v)
}
