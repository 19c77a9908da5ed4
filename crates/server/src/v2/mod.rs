//! API v2: the routes, the authentication gate and the rate limiter; the secret routes are in
//! `secrets.rs`, the receipt routes in `receipts.rs`, and the shapes of the answers are the
//! profile's [`Render`] (`controller.rs` for v0.19-v0.23, `otto.rs` for v0.24+).

use serde_json::json;

use crate::app::{lock, Ctx};
use crate::auth::Caller;
use crate::reply::{sint, Reply};
use crate::router::Route;

pub(crate) mod controller;
mod input;
pub(crate) mod otto;
mod receipts;
pub(crate) mod render;
mod secrets;

use render::Render;

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

pub(crate) fn handle(ctx: &Ctx, route: Route) -> Reply {
  let Some(style) = ctx.profile.v2 else {
    return ctx.profile.replies.not_found.reply();
  };
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
    return style.status();
  }
  let needs_auth = match route {
    Route::V2Recent | Route::V2Authcheck => true,
    Route::V2Version => ctx.profile.v2_version_needs_auth,
    _ => false,
  };
  match &caller {
    // Presented-but-invalid credentials fail closed (v0.26.3+: 401).
    Caller::Invalid(code) => return style.unauthorized(code, ctx.now),
    Caller::Anonymous if needs_auth => return style.unauthorized("AUTH_HEADER_MISSING", ctx.now),
    _ => {}
  }
  if let Some(retry) = ctx.general_limit(&caller, event(route)) {
    return style.rate_limited(retry);
  }
  match route {
    Route::V2Version => Reply::raw(200, style.ctype(), ctx.profile.v2_version.as_bytes()),
    Route::V2Authcheck => authcheck(ctx, style, &caller),
    Route::V2Conceal { .. } => secrets::create(ctx, style, &caller, false),
    Route::V2Generate { .. } => secrets::create(ctx, style, &caller, true),
    Route::V2Secret { .. } => {
      if ctx.top("continue").as_deref() == Some("true") {
        secrets::reveal(ctx, style, &caller, true)
      } else {
        secrets::preview(ctx, style, &caller)
      }
    }
    Route::V2Reveal { .. } => secrets::reveal(ctx, style, &caller, false),
    Route::V2SecretStatus => secrets::status(ctx, style),
    Route::V2Receipt { .. } => receipts::view(ctx, style, &caller),
    Route::V2Burn { .. } => receipts::burn(ctx, style, &caller),
    Route::V2Recent => receipts::recent(ctx, style, &caller),
    _ => style.not_found(),
  }
}

/// `GET /api/v2/authcheck` (v0.22 only: `Profile::v2_authcheck`).
fn authcheck(ctx: &Ctx, style: &dyn Render, caller: &Caller) -> Reply {
  let Some(email) = caller.email() else {
    return style.unauthorized("AUTH_HEADER_MISSING", ctx.now);
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
  style.json(200, &v)
}
