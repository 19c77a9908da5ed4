//! API v2: JSON bodies nested under `secret`, `{record, details}` envelopes, real status codes.
//! Answers are normalised to the v1 field names (`metadata_key`, `secret_key`, `ttl`, `state` in
//! the v1 vocabulary, numbers as numbers), with the server's whole answer under `raw` and the
//! server's own state under `raw_state`, so the same calling code works on either API version.
//! Transcripts v0.22.11-api-v2 and v0.26.6-api-v1-v2 show both eras.

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::{
  coerce_number, is_rate_limit_message, size_limit_message, with_share_link, Body, Context,
  CreateOptions, Method, Op, RawResponse, RequestSpec, ShareParams,
};
use crate::error::{Error, ErrorKind, Result};
use crate::secret_buf;

/// A request; a JSON body (which may hold a secret or a passphrase) is serialised into a wiping
/// buffer, and the `Value` it came from is wiped at once.
fn spec(
  op: Op,
  method: Method,
  route: &'static str,
  key: Option<&str>,
  body: Option<Value>,
) -> RequestSpec {
  let body = body.map(|mut v| {
    // A `Value` always serialises (its keys are strings).
    let bytes = secret_buf::to_json(&v).unwrap_or_default();
    super::wipe(&mut v);
    Body::json(bytes)
  });
  RequestSpec::new(op, method, route, key, body, parse)
}

pub fn status() -> RequestSpec {
  spec(Op::Status, Method::Get, "/api/v2/status", None, None)
}

/// `GET /version` (needs auth from v0.26.5).
pub fn version() -> RequestSpec {
  spec(Op::Version, Method::Get, "/api/v2/version", None, None)
}

fn create_fields(secret: Option<&str>, o: &CreateOptions) -> Map<String, Value> {
  let mut m = Map::new();
  if let Some(s) = secret {
    m.insert("secret".into(), Value::from(s));
  }
  if let Some(t) = o.ttl {
    m.insert("ttl".into(), Value::from(t));
  }
  if let Some(p) = &o.passphrase {
    m.insert("passphrase".into(), Value::from(p.as_str()));
  }
  if let Some(r) = &o.recipient {
    m.insert("recipient".into(), Value::from(r.as_str()));
  }
  if let Some(d) = &o.share_domain {
    m.insert("share_domain".into(), Value::from(d.as_str()));
  }
  if let Some(l) = o.length {
    m.insert("length".into(), Value::from(l));
  }
  if let Some(c) = &o.character_sets {
    let sets: Map<String, Value> = c
      .fields()
      .map(|(k, v)| (k.to_owned(), Value::Bool(v)))
      .collect();
    m.insert("character_sets".into(), Value::Object(sets));
  }
  m
}

/// `POST /secret/conceal` with `{"secret": {...}}` (nested since v0.19).
pub fn conceal(params: &ShareParams) -> RequestSpec {
  let body = nested(create_fields(Some(params.secret.as_str()), &params.options));
  spec(
    Op::Share,
    Method::Post,
    "/api/v2/secret/conceal",
    None,
    Some(body),
  )
}

/// `POST /secret/generate` (v0.19+).
pub fn generate(options: &CreateOptions) -> RequestSpec {
  let body = nested(create_fields(None, options));
  spec(
    Op::Generate,
    Method::Post,
    "/api/v2/secret/generate",
    None,
    Some(body),
  )
}

/// `{"secret": fields}`, moving `fields` in: `json!` would serialise a copy and drop the original
/// (with the secret and passphrase in it) unwiped.
fn nested(fields: Map<String, Value>) -> Value {
  let mut outer = Map::with_capacity(1);
  outer.insert("secret".into(), Value::Object(fields));
  Value::Object(outer)
}

/// `{"continue": true, "passphrase": ...}`: without `continue` a reveal reveals nothing and a burn
/// answers 200 with `success: false` and burns nothing.
fn continue_body(passphrase: Option<&Zeroizing<String>>) -> Value {
  let mut body = json!({ "continue": true });
  if let Some(p) = passphrase {
    body["passphrase"] = Value::from(p.as_str());
  }
  body
}

/// `POST /secret/:key/reveal` with top-level `passphrase` and `continue: true`.
pub fn reveal(key: &str, passphrase: Option<&Zeroizing<String>>) -> RequestSpec {
  let body = continue_body(passphrase);
  spec(
    Op::RetrieveSecret,
    Method::Post,
    "/api/v2/secret/:key/reveal",
    Some(key),
    Some(body),
  )
}

/// `GET /receipt/:key` (v0.21+; `/private/:key` before).
pub fn receipt(key: &str) -> RequestSpec {
  spec(
    Op::RetrieveMetadata,
    Method::Get,
    "/api/v2/receipt/:key",
    Some(key),
    None,
  )
}

/// `POST /receipt/:key/burn` with `continue: true`.
pub fn burn(key: &str, passphrase: Option<&Zeroizing<String>>) -> RequestSpec {
  let body = continue_body(passphrase);
  spec(
    Op::Burn,
    Method::Post,
    "/api/v2/receipt/:key/burn",
    Some(key),
    Some(body),
  )
}

/// `GET /receipt/recent` (Basic auth only).
pub fn recent() -> RequestSpec {
  spec(
    Op::RecentMetadata,
    Method::Get,
    "/api/v2/receipt/recent",
    None,
    None,
  )
}

/// `GET /secret/:key/status` (v0.21+): the state without revealing.
pub fn secret_status(key: &str) -> RequestSpec {
  spec(
    Op::SecretStatus,
    Method::Get,
    "/api/v2/secret/:key/status",
    Some(key),
    None,
  )
}

/// Internal state names of every generation in the v1 vocabulary (the server's own `V1_STATE_MAP`).
pub fn map_state(state: &str) -> &str {
  match state {
    "shared" => "new",
    "previewed" => "viewed",
    "revealed" => "received",
    other => other,
  }
}

pub fn parse(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<Value> {
  if !(200..300).contains(&resp.status) {
    return Err(error(op, resp));
  }
  let raw = resp.json()?;
  let shape_error = || {
    Error::new(
      ErrorKind::InvalidResponse,
      format!(
        "The server's answer to {} has an unexpected shape (status {})",
        op.name(),
        resp.status
      ),
    )
    .with_status(resp.status)
  };
  if raw.get("success") == Some(&Value::Bool(false)) {
    // Burn without effect, or a failure reported with 200.
    return Err(match op {
      Op::Burn => Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status),
      _ => Error::new(
        ErrorKind::Api,
        resp.describe(message_of(&raw).unwrap_or("success: false")),
      )
      .with_status(resp.status),
    });
  }
  let out = match op {
    Op::Status => Value::Bool(raw.get("status").and_then(Value::as_str) == Some("nominal")),
    Op::Version => version_string(&raw).map(Value::from).unwrap_or(Value::Null),
    Op::Share | Op::Generate => {
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let receipt = record
        .get("receipt")
        .or_else(|| record.get("metadata"))
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let secret = record.get("secret").and_then(Value::as_object);
      let mut out = normalise_receipt(ctx, receipt, secret, raw.get("custid"), None);
      if let Some(v) = secret
        .and_then(|s| s.get("secret_value"))
        .filter(|v| v.is_string())
      {
        out.insert("value".into(), v.clone());
      }
      finish(ctx, out, raw)
    }
    Op::RetrieveMetadata => {
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let out = normalise_receipt(ctx, record, None, raw.get("custid"), raw.get("details"));
      finish(ctx, out, raw)
    }
    Op::RetrieveSecret => {
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let Some(value) = record
        .get("secret_value")
        .filter(|v| v.is_string())
        .cloned()
      else {
        // 200 without a value: not revealed (see `details`).
        let wrong = raw.pointer("/details/correct_passphrase") == Some(&Value::Bool(false))
          && record.get("has_passphrase") == Some(&Value::Bool(true));
        return Err(if wrong {
          Error::new(ErrorKind::IncorrectPassphrase, "Incorrect passphrase")
            .with_status(resp.status)
        } else {
          Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status)
        });
      };
      let mut out = Map::new();
      out.insert("value".into(), value);
      out.insert(
        "secret_key".into(),
        record
          .get("key")
          .or_else(|| record.get("identifier"))
          .cloned()
          .unwrap_or(Value::Null),
      );
      out.insert("raw".into(), raw);
      Value::Object(out)
    }
    Op::Burn => {
      // v0.26 answers a second burn with a bare `{"success":true}`: nothing was burned this time.
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(|| {
          Error::new(ErrorKind::UnknownSecret, "Unknown secret").with_status(resp.status)
        })?;
      let state = normalise_receipt(ctx, record, None, raw.get("custid"), None);
      let shortkey = record
        .get("secret_shortid")
        .or_else(|| record.get("secret_shortkey"))
        .cloned()
        .unwrap_or(Value::Null);
      let mut state = state;
      state.insert("state".into(), Value::from("burned"));
      json!({ "state": Value::Object(state), "secret_shortkey": shortkey, "raw": raw })
    }
    Op::RecentMetadata => {
      let records = raw
        .get("records")
        .and_then(Value::as_array)
        .ok_or_else(shape_error)?;
      let items = records
        .iter()
        .filter_map(Value::as_object)
        .map(|r| {
          let mut item = normalise_receipt(ctx, r, None, raw.get("custid"), None);
          item.shift_remove("secret_key");
          Value::Object(item)
        })
        .collect();
      Value::Array(items)
    }
    Op::SecretStatus => {
      let record = raw
        .get("record")
        .and_then(Value::as_object)
        .ok_or_else(shape_error)?;
      let raw_state = record
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
      let mut out = Map::new();
      out.insert("state".into(), Value::from(map_state(raw_state)));
      out.insert("raw_state".into(), Value::from(raw_state));
      if let Some(v) = record.get("has_passphrase") {
        out.insert("passphrase_required".into(), v.clone());
      }
      if let Some(mut v) = record.get("secret_ttl").cloned() {
        coerce_number(&mut v);
        out.insert("secret_ttl".into(), v);
      }
      out.insert("raw".into(), raw);
      Value::Object(out)
    }
  };
  Ok(out)
}

fn finish(ctx: &Context<'_>, mut out: Map<String, Value>, raw: Value) -> Value {
  out.insert("raw".into(), raw);
  Value::Object(with_share_link(ctx, out))
}

/// `["0","22","11"]` -> `"0.22.11"`.
fn version_string(raw: &Value) -> Option<String> {
  let parts = raw.get("version")?.as_array()?;
  let parts: Vec<String> = parts
    .iter()
    .map(|p| {
      p.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| p.to_string())
    })
    .collect();
  Some(parts.join("."))
}

fn number(v: Option<&Value>) -> Option<Value> {
  let mut v = v?.clone();
  coerce_number(&mut v);
  match v {
    Value::Number(n) => Some(
      n.as_f64()
        .map(|f| Value::from(f.floor() as i64))
        .unwrap_or(Value::Number(n)),
    ),
    _ => None,
  }
}

/// One v2 receipt (v0.19-v0.23 `metadata`, v0.24+ `receipt`) as a v1 receipt hash.
fn normalise_receipt(
  ctx: &Context<'_>,
  rec: &Map<String, Value>,
  secret: Option<&Map<String, Value>>,
  envelope_custid: Option<&Value>,
  details: Option<&Value>,
) -> Map<String, Value> {
  let raw_state = rec.get("state").and_then(Value::as_str).unwrap_or("new");
  let state = map_state(raw_state);
  let custid = rec
    .get("custid")
    .and_then(Value::as_str)
    .filter(|s| !s.is_empty())
    .map(str::to_owned)
    .or_else(|| match rec.get("owner_id") {
      Some(Value::String(_)) => ctx.username.map(str::to_owned),
      _ => None,
    })
    .or_else(|| {
      envelope_custid
        .and_then(Value::as_str)
        .filter(|s| s.contains('@'))
        .map(str::to_owned)
    })
    .unwrap_or_else(|| "anon".to_owned());
  let secret_key = rec
    .get("secret_identifier")
    .and_then(Value::as_str)
    .filter(|s| !s.is_empty())
    .or_else(|| {
      secret
        .and_then(|s| s.get("key").or_else(|| s.get("identifier")))
        .and_then(Value::as_str)
    })
    .or_else(|| {
      rec
        .get("share_path")
        .and_then(Value::as_str)
        .and_then(|p| p.strip_prefix("secret/"))
        .filter(|k| !k.is_empty())
    });
  let recipients: Vec<Value> = match rec.get("recipients") {
    Some(Value::String(s)) if !s.is_empty() => s.split(", ").map(Value::from).collect(),
    Some(Value::Array(a)) => a.clone(),
    _ => Vec::new(),
  };

  let mut out = Map::new();
  out.insert("custid".into(), Value::from(custid));
  out.insert(
    "metadata_key".into(),
    rec
      .get("key")
      .or_else(|| rec.get("identifier"))
      .cloned()
      .unwrap_or(Value::Null),
  );
  if let (Some(k), false) = (secret_key, state == "received") {
    out.insert("secret_key".into(), Value::from(k));
  }
  let secret_ttl = number(rec.get("secret_ttl"));
  out.insert("ttl".into(), secret_ttl.clone().unwrap_or(Value::Null));
  out.insert(
    "metadata_ttl".into(),
    number(rec.get("metadata_ttl").or_else(|| rec.get("receipt_ttl"))).unwrap_or(Value::Null),
  );
  if state != "received" {
    out.insert("secret_ttl".into(), secret_ttl.unwrap_or(Value::Null));
  }
  out.insert("state".into(), Value::from(state));
  out.insert(
    "updated".into(),
    number(rec.get("updated")).unwrap_or(Value::Null),
  );
  out.insert(
    "created".into(),
    number(rec.get("created")).unwrap_or(Value::Null),
  );
  if state == "received" {
    if let Some(r) = number(rec.get("received").or_else(|| rec.get("revealed"))) {
      out.insert("received".into(), r);
    }
  }
  out.insert("recipient".into(), Value::Array(recipients));
  out.insert(
    "share_domain".into(),
    rec
      .get("share_domain")
      .filter(|v| v.is_string())
      .cloned()
      .unwrap_or_else(|| Value::from("")),
  );
  if let Some(p) = rec.get("has_passphrase").and_then(Value::as_bool) {
    out.insert("passphrase_required".into(), Value::Bool(p));
  }
  if let Some(v) = details
    .and_then(|d| d.get("secret_value"))
    .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
  {
    out.insert("value".into(), v.clone());
  }
  out.insert("raw_state".into(), Value::from(raw_state));
  out
}

/// A v2 receipts list in the shape of API v1's `recent`: the fields v1 servers list, in their
/// order (transcripts v0.12.1-more #8 and v0.26.6-more #8), without the v2-only extras.
pub fn recent_as_v1(mut list: Value) -> Value {
  if let Value::Array(items) = &mut list {
    for item in items.iter_mut() {
      if let Value::Object(rec) = item {
        for extra in ["secret_key", "passphrase_required", "value", "raw_state"] {
          rec.shift_remove(extra);
        }
      }
    }
  }
  list
}

/// Adds the generated value read from the receipt (v0.24+ shows it only there).
pub fn merge_generated_value(mut created: Value, receipt: Option<Value>) -> Value {
  let value = receipt.as_ref().and_then(|r| r.get("value")).cloned();
  if let (Some(v), Value::Object(obj)) = (value, &mut created) {
    obj.insert("value".into(), v);
  }
  if let Some(mut r) = receipt {
    super::wipe(&mut r);
  }
  created
}

fn message_of(raw: &Value) -> Option<&str> {
  raw
    .get("error")
    .and_then(Value::as_str)
    .or_else(|| raw.get("message").and_then(Value::as_str))
}

/// A 404 that comes from the router (no such route) rather than from a secret lookup.
fn is_router_miss(body: Option<&Value>, message: Option<&str>) -> bool {
  let Some(body) = body else {
    return true;
  };
  let error_type = body.get("error_type").and_then(Value::as_str);
  match error_type {
    Some(t) => t == "NotFound",
    None => message == Some("Not Found"),
  }
}

/// v2 errors of every era mapped to the same classes as v1.
pub fn error(op: Op, resp: &RawResponse) -> Error {
  let body = if resp.is_json() {
    serde_json::from_slice::<Value>(&resp.body).ok()
  } else {
    None
  };
  let message = body.as_ref().and_then(|b| {
    // Otto's 401 puts the reason in `message` and a title in `error`.
    if resp.status == 401 {
      b.get("message")
        .and_then(Value::as_str)
        .or_else(|| message_of(b))
    } else {
      message_of(b)
    }
  });
  let retry_after = resp.retry_after.or_else(|| {
    body
      .as_ref()
      .and_then(|b| b.get("retry_after"))
      .and_then(|v| number(Some(v)))
      .and_then(|v| v.as_u64())
  });
  let secret_route = matches!(
    op,
    Op::RetrieveSecret | Op::RetrieveMetadata | Op::Burn | Op::SecretStatus
  );
  let err = match (resp.status, message) {
    // v0.22 answers the burn of a secret already read or burned with a 500 (transcript
    // v0.22.11-more #19, #22): the same fact every other generation reports as unknown.
    (500, Some("Secret could not be burned.")) if op == Op::Burn => {
      Error::new(ErrorKind::UnknownSecret, "Unknown secret")
    }
    (s, _) if s >= 500 => resp.server_failure(message),
    (401 | 403, _) => Error::new(ErrorKind::NotAuthorized, "Request not authorized"),
    (429, _) => Error::new(ErrorKind::RateLimited, "You have been rate limited."),
    (_, Some(m)) if is_rate_limit_message(m) => {
      Error::new(ErrorKind::RateLimited, "You have been rate limited.")
    }
    // A router miss is not an unknown secret: a server without API v2 (v0.12, transcript v0.12.1
    // "GET /api/v2/status": text/plain "Not Found") or a wrong base path answers every v2 route
    // this way (`{"message":"Not Found"}` v0.18-v0.20, `{"error":"Not Found"}` v0.21+,
    // `error_type: "NotFound"` v0.26+). Unknown secrets carry "Unknown secret" or `RecordNotFound`.
    (404, _) if secret_route && !is_router_miss(body.as_ref(), message) => {
      Error::new(ErrorKind::UnknownSecret, "Unknown secret")
    }
    (404, _) => Error::new(ErrorKind::NotFound, "Path not found"),
    (_, Some(m @ ("Incorrect passphrase" | "Double check that passphrase"))) => {
      Error::new(ErrorKind::IncorrectPassphrase, m)
    }
    (_, Some(m)) => {
      let text = size_limit_message(m);
      Error::new(ErrorKind::Api, resp.describe(text.as_deref().unwrap_or(m)))
    }
    (_, None) if body.is_none() => return resp.not_json(),
    (_, None) => Error::new(ErrorKind::Api, resp.describe(resp.reason())),
  };
  let err = err.with_status(resp.status).with_retry_after(retry_after);
  match message {
    Some(m) => err.with_server_message(m),
    None => err,
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn resp(status: u16, body: &str) -> RawResponse {
    RawResponse {
      status,
      content_type: Some("application/json".into()),
      intended_status: None,
      retry_after: None,
      body: crate::secret_buf::SecretBuf::copy_of(body.as_bytes()),
      url: "http://h/api/v2/x".into(),
    }
  }
  const CTX: Context<'static> = Context {
    base_url: "http://h",
    username: Some("tester@example.com"),
  };

  #[test]
  fn conceal_body_is_nested() {
    let p = ShareParams {
      secret: Zeroizing::new("s".into()),
      options: CreateOptions {
        ttl: Some(60),
        ..Default::default()
      },
    };
    let s = conceal(&p);
    let body: Value = serde_json::from_slice(&s.body.unwrap().bytes).unwrap();
    assert_eq!(body, json!({"secret":{"secret":"s","ttl":60}}));
  }

  #[test]
  fn v0_22_conceal_normalised() {
    // transcript v0.22.11-api-v2 #v2-105
    let body = r#"{"success":true,"shrimp":"x","custid":"tester@example.com","record":{"metadata":{"identifier":"58e4y7e1ivzem9i6wbn1qegik9i743l","key":"58e4y7e1ivzem9i6wbn1qegik9i743l","custid":"tester@example.com","state":"new","secret_shortkey":"5109p2","secret_ttl":3600,"metadata_ttl":7200,"lifespan":7200,"share_domain":null,"created":1795712612,"updated":1795712613,"recipients":null,"has_passphrase":true},"secret":{"identifier":"5109p2kd9z1yqt8t5ty972fyknazb9a","key":"5109p2kd9z1yqt8t5ty972fyknazb9a","state":"new","secret_ttl":3600}},"details":{"kind":"conceal"}}"#;
    let v = parse(Op::Share, &CTX, &resp(200, body)).unwrap();
    assert_eq!(
      v["share_link"],
      "http://h/secret/5109p2kd9z1yqt8t5ty972fyknazb9a"
    );
    assert_eq!(v["metadata_key"], "58e4y7e1ivzem9i6wbn1qegik9i743l");
    assert_eq!(
      (v["ttl"].as_i64(), v["metadata_ttl"].as_i64()),
      (Some(3600), Some(7200))
    );
    assert_eq!(v["passphrase_required"], true);
    assert_eq!(v["custid"], "tester@example.com");
    assert_eq!(v["recipient"], json!([]));
    assert!(v["raw"]["record"].is_object());
  }

  #[test]
  fn string_typed_fields_and_states() {
    // transcript v0.22.11-api-v2 #v2-112: numbers as strings, state "received"
    let body = r#"{"success":true,"record":{"key":"58e4y7e1ivzem9i6wbn1qegik9i743l","custid":"tester@example.com","state":"received","secret_ttl":"3600","metadata_ttl":"7200","share_domain":"","created":"1795712612","updated":"1795712614","received":"1795712614","recipients":"","has_passphrase":true,"share_path":"secret/"},"details":{"secret_value":null}}"#;
    let v = parse(Op::RetrieveMetadata, &CTX, &resp(200, body)).unwrap();
    assert_eq!(v["state"], "received");
    assert_eq!(v["received"], 1795712614);
    assert!(v.get("secret_key").is_none() && v.get("share_link").is_none());
    let body = r#"{"record":{"key":"k","state":"revealed","created":1795714792.19599,"updated":1,"recipients":"a***@e***.com, b***@e***.com"}}"#;
    let v = parse(Op::RetrieveMetadata, &CTX, &resp(200, body)).unwrap();
    assert_eq!(
      (v["state"].as_str(), v["raw_state"].as_str()),
      (Some("received"), Some("revealed"))
    );
    assert_eq!(v["created"], 1795714792);
    assert_eq!(v["recipient"], json!(["a***@e***.com", "b***@e***.com"]));
  }

  #[test]
  fn reveal_and_errors() {
    let body = r#"{"record":{"key":"czkf","state":"revealed","secret_value":"v2 secret"},"details":{"show_secret":true}}"#;
    let v = parse(Op::RetrieveSecret, &CTX, &resp(200, body)).unwrap();
    assert_eq!(
      (v["value"].as_str(), v["secret_key"].as_str()),
      (Some("v2 secret"), Some("czkf"))
    );
    let cases = [
      (
        422,
        r#"{"error":"Incorrect passphrase","request_id":"x"}"#,
        Op::RetrieveSecret,
        ErrorKind::IncorrectPassphrase,
      ),
      (
        404,
        r#"{"error_type":"RecordNotFound"}"#,
        Op::RetrieveSecret,
        ErrorKind::UnknownSecret,
      ),
      (
        404,
        r#"{"secret_key":"x","message":"Unknown secret"}"#,
        Op::RetrieveSecret,
        ErrorKind::UnknownSecret,
      ),
      (
        404,
        r#"{"error":"Not Found","error_type":"NotFound"}"#,
        Op::Status,
        ErrorKind::NotFound,
      ),
      (
        401,
        r#"{"error":"Authentication Required","message":"[CREDENTIALS_INVALID] Invalid credentials"}"#,
        Op::Share,
        ErrorKind::NotAuthorized,
      ),
      (
        403,
        r#"{"message":"Not authorized"}"#,
        Op::Share,
        ErrorKind::NotAuthorized,
      ),
      (
        429,
        r#"{"message":"Cripes! You have been rate limited.","success":false}"#,
        Op::RetrieveSecret,
        ErrorKind::RateLimited,
      ),
      (
        422,
        r#"{"error":"You did not provide anything to share","error_type":"missing","field":"secret"}"#,
        Op::Share,
        ErrorKind::Api,
      ),
      (
        503,
        r#"{"error":"x","error_type":"SecretUndecryptable"}"#,
        Op::RetrieveSecret,
        ErrorKind::InternalServer,
      ),
    ];
    for (status, body, op, kind) in cases {
      assert_eq!(error(op, &resp(status, body)).kind, kind, "{body}");
    }
    // Router misses on secret routes (no API v2 on the server) are NotFound, not UnknownSecret.
    for body in [
      r#"{"error":"Not Found","error_type":"NotFound"}"#,
      r#"{"error":"Not Found"}"#,
      r#"{"message":"Not Found"}"#,
    ] {
      assert_eq!(
        error(Op::RetrieveSecret, &resp(404, body)).kind,
        ErrorKind::NotFound,
        "{body}"
      );
    }
    let mut plain = resp(404, "Not Found");
    plain.content_type = Some("text/plain".into());
    assert_eq!(error(Op::Burn, &plain).kind, ErrorKind::NotFound);
    let mut html = resp(502, "<html>bad gateway</html>");
    html.content_type = Some("text/html".into());
    let e = error(Op::Share, &html);
    assert_eq!((e.kind, e.status), (ErrorKind::InternalServer, Some(502)));
    assert!(e.message.contains("text/html"), "{}", e.message);
    let e = error(
      Op::RetrieveSecret,
      &resp(
        429,
        r#"{"error":"Too many incorrect passphrase attempts. Please try again later.","error_type":"LimitExceeded","retry_after":1800}"#,
      ),
    );
    assert_eq!(
      (e.kind, e.retry_after),
      (ErrorKind::RateLimited, Some(1800))
    );
  }

  #[test]
  fn burn_success_false_and_bare_success_are_failures() {
    assert_eq!(
      parse(
        Op::Burn,
        &CTX,
        &resp(200, r#"{"success":false,"record":{}}"#)
      )
      .unwrap_err()
      .kind,
      ErrorKind::UnknownSecret
    );
    assert_eq!(
      parse(Op::Burn, &CTX, &resp(200, r#"{"success":true}"#))
        .unwrap_err()
        .kind,
      ErrorKind::UnknownSecret
    );
    let v = parse(
      Op::Burn,
      &CTX,
      &resp(
        200,
        r#"{"success":true,"record":{"key":"k","state":"burned","secret_shortid":"gwferal2"}}"#,
      ),
    )
    .unwrap();
    assert_eq!(
      (v["state"]["state"].as_str(), v["secret_shortkey"].as_str()),
      (Some("burned"), Some("gwferal2"))
    );
  }

  #[test]
  fn version_strings() {
    let v = parse(
      Op::Version,
      &CTX,
      &resp(200, r#"{"version":["0","22","11"],"locale":"en"}"#),
    )
    .unwrap();
    assert_eq!(v, "0.22.11");
  }
}
