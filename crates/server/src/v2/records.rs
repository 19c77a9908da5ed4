//! The records v2 answers carry: v0.22's metadata and secret (numbers, or strings as read back),
//! v0.26's receipt and secret, and the link fields of receipt views.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Typing {
  /// As created (ints).
  Native,
  /// As loaded back from Redis by Familia v1 (strings), except `updated` just written by a preview.
  Preview,
  Strings,
}

/// v0.22 secret record.
pub(super) fn secret22(s: &SecretRec, t: Typing) -> Value {
  let state = if s.viewed.is_some() { "viewed" } else { "new" };
  secret22_with(s, t, state)
}

pub(super) fn secret22_with(s: &SecretRec, t: Typing, state: &str) -> Value {
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

/// The recipients, obscured, as one comma-separated string (how v2 records carry them).
fn recipients_joined(r: &ReceiptRec) -> String {
  r.recipients
    .iter()
    .map(|e| keys::obscure_email(e))
    .collect::<Vec<_>>()
    .join(", ")
}

/// v0.22 metadata record (`strings`: as read back on retrievals).
pub(super) fn meta22(r: &ReceiptRec, strings: bool) -> Value {
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
  let recipients = recipients_joined(r);
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

/// v0.26 secret record.
pub(super) fn secret26(s: &SecretRec, state: Option<RState>) -> Value {
  let st = state.unwrap_or(RState::New);
  json!({"identifier": s.key, "key": s.key, "shortid": s.key.chars().take(8).collect::<String>(),
         "state": st.modern(), "lifespan": s.ttl, "secret_ttl": s.ttl, "has_passphrase": s.has_passphrase(),
         "verification": false, "created": float(s.created), "updated": float(s.updated),
         "is_previewed": st == RState::Viewed, "is_revealed": st == RState::Received,
         "is_viewed": st == RState::Viewed, "is_received": st == RState::Received})
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum RecMode {
  Create,
  Get,
  Burn,
  Recent,
}

/// v0.26 receipt record.
pub(super) fn receipt26(r: &ReceiptRec, secret: Option<&SecretRec>, mode: RecMode) -> Value {
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
  let recipients = recipients_joined(r);
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

pub(super) fn natural(ttl: u64) -> String {
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
pub(super) const BURNED_EXPIRY: u64 = 14 * 86_400;

/// Link fields added to receipt GET/burn records.
pub(super) fn add_links(
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
  let prefix = if shapes(g) == Otto {
    "receipt"
  } else {
    "private"
  };
  if let Some(ss) = with_secret_state {
    m.insert("secret_state".into(), ss);
  }
  let ttl = expiry.unwrap_or(r.ttl);
  m.insert("natural_expiration".into(), json!(natural(ttl)));
  m.insert("expiration".into(), int(r.created + ttl as f64));
  m.insert(
    "expiration_in_seconds".into(),
    if shapes(g) == Otto || expiry.is_some() {
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
  if shapes(g) == Otto {
    m.insert("receipt_path".into(), json!(format!("receipt/{}", r.key)));
  }
  m.insert("metadata_path".into(), json!(format!("{prefix}/{}", r.key)));
  m.insert(
    "share_url".into(),
    json!(format!("{}/secret/{sk}", ctx.base)),
  );
  if shapes(g) == Otto {
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
