//! The API v2 requests: routes and JSON bodies.

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::parse;
use crate::answers::{BurnResult, Receipt, RevealedSecret, SecretStatus};
use crate::secret_buf;
use crate::wire::{Body, CreateOptions, Method, Op, Request, RequestSpec, ShareParams};

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
    crate::secret_buf::wipe_json(&mut v);
    Body::json(bytes)
  });
  RequestSpec::new(op, method, route, key, body)
}

pub fn status() -> Request<bool> {
  spec(Op::Status, Method::Get, "/api/v2/status", None, None).parsed_by(parse::status)
}

/// `GET /version` (needs auth from v0.26.5).
pub fn version() -> Request<Option<String>> {
  spec(Op::Version, Method::Get, "/api/v2/version", None, None).parsed_by(parse::version)
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
pub fn conceal(params: &ShareParams) -> Request<Receipt> {
  let body = nested(create_fields(Some(params.secret.as_str()), &params.options));
  spec(
    Op::Share,
    Method::Post,
    "/api/v2/secret/conceal",
    None,
    Some(body),
  )
  .parsed_by(parse::created)
}

/// `POST /secret/generate` (v0.19+).
pub fn generate(options: &CreateOptions) -> Request<Receipt> {
  let body = nested(create_fields(None, options));
  spec(
    Op::Generate,
    Method::Post,
    "/api/v2/secret/generate",
    None,
    Some(body),
  )
  .parsed_by(parse::created)
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
pub fn reveal(key: &str, passphrase: Option<&Zeroizing<String>>) -> Request<RevealedSecret> {
  let body = continue_body(passphrase);
  spec(
    Op::RetrieveSecret,
    Method::Post,
    "/api/v2/secret/:key/reveal",
    Some(key),
    Some(body),
  )
  .parsed_by(parse::revealed)
}

/// `GET /receipt/:key` (v0.21+; `/private/:key` before).
pub fn receipt(key: &str) -> Request<Receipt> {
  spec(
    Op::RetrieveMetadata,
    Method::Get,
    "/api/v2/receipt/:key",
    Some(key),
    None,
  )
  .parsed_by(parse::receipt)
}

/// `POST /receipt/:key/burn` with `continue: true`.
pub fn burn(key: &str, passphrase: Option<&Zeroizing<String>>) -> Request<BurnResult> {
  let body = continue_body(passphrase);
  spec(
    Op::Burn,
    Method::Post,
    "/api/v2/receipt/:key/burn",
    Some(key),
    Some(body),
  )
  .parsed_by(parse::burned)
}

/// `GET /receipt/recent` (Basic auth only).
pub fn recent() -> Request<Vec<Receipt>> {
  spec(
    Op::RecentMetadata,
    Method::Get,
    "/api/v2/receipt/recent",
    None,
    None,
  )
  .parsed_by(parse::recent)
}

/// `GET /secret/:key/status` (v0.21+): the state without revealing.
pub fn secret_status(key: &str) -> Request<SecretStatus> {
  spec(
    Op::SecretStatus,
    Method::Get,
    "/api/v2/secret/:key/status",
    Some(key),
    None,
  )
  .parsed_by(parse::secret_status)
}
