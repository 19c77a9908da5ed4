//! API v2: v0.22 (controller era: `success`/`shrimp`/`custid` wrappers, string-typed
//! retrievals, 422/403/404/429 errors) and v0.26 (Otto era: raw `success_data`, ADR-013 errors,
//! 401 on bad credentials, passphrase lockout with `Retry-After`).

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::app::{float, int, lock, opt_int, sint, Caller, Ctx, Reply, JSON, JSON_UTF8};
use crate::generate::{self, Asked, Refusal};
use crate::keys;
use crate::limits;
use crate::profile::BurnConsumedV2;
use crate::profile::V2Shapes::{self, *};
use crate::router::Route;
use crate::store::{RState, ReceiptRec, SecretRec};
use crate::Generation;

mod receipts;
mod records;
mod secrets;

use receipts::{burn, receipt, recent};
use secrets::{create, preview, reveal, secret_status};

/// Which era's answer shapes this generation's v2 has (`Profile::v2_shapes`).
fn shapes(g: Generation) -> V2Shapes {
  g.profile().v2_shapes
}

fn ctype(g: Generation) -> &'static str {
  match shapes(g) {
    Otto => JSON,
    _ => JSON_UTF8,
  }
}

fn reply(ctx: &Ctx, status: u16, v: &Value) -> Reply {
  Reply::json(status, ctype(ctx.gen), v)
}

fn request_id() -> String {
  keys::token(13)
}

/// Router miss inside `/api/v2`: v0.22 `{"error":"Not Found"}`, v0.26 adds `error_type`.
pub fn not_found(g: Generation) -> Reply {
  match shapes(g) {
    Otto => Reply::raw(
      404,
      JSON,
      br#"{"error":"Not Found","error_type":"NotFound"}"#,
    ),
    _ => Reply::raw(404, JSON, br#"{"error":"Not Found"}"#),
  }
}

/// Authentication failure: v0.22 403 `{"message":"Not authorized"}`; v0.26 Otto's 401.
fn unauthorized(ctx: &Ctx, code: &'static str) -> Reply {
  match shapes(ctx.gen) {
    Otto => {
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
  match shapes(ctx.gen) {
    Otto => {
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
  match shapes(ctx.gen) {
    Otto => reply(
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
  match shapes(ctx.gen) {
    Otto => reply(
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
    return match shapes(g) {
      Otto => Reply::raw(
        200,
        JSON,
        br#"{"success":true,"status":"nominal","locale":"en"}"#,
      ),
      _ => Reply::raw(200, JSON_UTF8, br#"{"status":"nominal","locale":"en"}"#),
    };
  }
  match (&caller, shapes(g)) {
    // v0.26.3+: presented-but-invalid credentials fail closed with 401.
    (Caller::Invalid(code), _) => return unauthorized(ctx, code),
    (Caller::Anonymous, Otto) if matches!(route, Route::V2Recent | Route::V2Version) => {
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

/// A reveal's or burn's `passphrase` (empty counts as none) and `continue: true`.
fn passphrase_and_continue(ctx: &Ctx) -> (Option<Zeroizing<String>>, bool) {
  let given = ctx
    .top("passphrase")
    .filter(|p| !p.is_empty())
    .map(Zeroizing::new);
  (given, ctx.top("continue").as_deref() == Some("true"))
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
