//! API v1: flat form parameters, HTTP Basic, a flat JSON object per answer, and every error a 404
//! with `{"message": ...}` (the real status in `X-OTS-Intended-Status` from v0.24.6; transcript
//! v0.26.6-api-v1-v2).

use serde::Deserialize;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::lenient::Objs;
use super::{
  add_share_link, form_encode, is_rate_limit_message, size_limit_message, Body, Context,
  CreateOptions, Method, Op, RawResponse, Request, RequestSpec, ShareParams,
};
use crate::answers::{BurnResult, Extra, Receipt, RevealedSecret};
use crate::error::{Error, ErrorKind, Result};

fn spec(
  op: Op,
  method: Method,
  route: &'static str,
  key: Option<&str>,
  body: Option<Body>,
) -> RequestSpec {
  RequestSpec::new(op, method, route, key, body)
}

pub fn status() -> Request<bool> {
  spec(Op::Status, Method::Get, "/api/v1/status", None, None).parsed_by(nominal)
}

/// `POST /share`: `secret`, `ttl`, `passphrase`, `recipient`, `share_domain`.
pub fn share(params: &ShareParams) -> Request<Receipt> {
  let body = create_body(Some(&params.secret), &params.options);
  spec(Op::Share, Method::Post, "/api/v1/share", None, body).parsed_by(receipt)
}

/// `POST /generate`. `length` and `character_sets[...]` only reach servers that read them
/// (v0.22 and v0.26 honour `length`: transcripts v0.22.11-more, v0.26.6-more); older ones ignore
/// unknown parameters.
pub fn generate(options: &CreateOptions) -> Request<Receipt> {
  let body = create_body(None, options);
  spec(Op::Generate, Method::Post, "/api/v1/generate", None, body).parsed_by(receipt)
}

/// The form body of share and generate; `None` when there is nothing to send.
fn create_body(secret: Option<&Zeroizing<String>>, o: &CreateOptions) -> Option<Body> {
  let ttl = o.ttl.map(|t| t.to_string());
  let length = o.length.map(|l| l.to_string());
  let sets: Vec<(String, &str)> = o
    .character_sets
    .iter()
    .flat_map(|c| c.fields())
    .map(|(k, v)| {
      (
        format!("character_sets[{k}]"),
        if v { "true" } else { "false" },
      )
    })
    .collect();
  let mut fields: Vec<(&str, &str)> = Vec::with_capacity(6 + sets.len());
  if let Some(s) = secret {
    fields.push(("secret", s.as_str()));
  }
  if let Some(p) = &o.passphrase {
    fields.push(("passphrase", p.as_str()));
  }
  if let Some(t) = &ttl {
    fields.push(("ttl", t));
  }
  if let Some(r) = &o.recipient {
    fields.push(("recipient", r));
  }
  if let Some(d) = &o.share_domain {
    fields.push(("share_domain", d));
  }
  if let Some(l) = &length {
    fields.push(("length", l));
  }
  fields.extend(sets.iter().map(|(k, v)| (k.as_str(), *v)));
  (!fields.is_empty()).then(|| Body::form(form_encode(&fields)))
}

fn passphrase_body(passphrase: Option<&Zeroizing<String>>) -> Option<Body> {
  passphrase.map(|p| Body::form(form_encode(&[("passphrase", p.as_str())])))
}

/// `POST /secret/:key`. Destroys the secret on success.
pub fn retrieve_secret(
  key: &str,
  passphrase: Option<&Zeroizing<String>>,
) -> Request<RevealedSecret> {
  let body = passphrase_body(passphrase);
  spec(
    Op::RetrieveSecret,
    Method::Post,
    "/api/v1/secret/:key",
    Some(key),
    body,
  )
  .parsed_by(revealed)
}

/// `POST /private/:key`: the route every generation has, and the one 2.1.1 used.
pub fn retrieve_metadata(key: &str) -> Request<Receipt> {
  spec(
    Op::RetrieveMetadata,
    Method::Post,
    "/api/v1/private/:key",
    Some(key),
    None,
  )
  .parsed_by(receipt)
}

/// `POST /private/:key/burn` (v0.10.1+). `passphrase` is needed from v0.19 when the secret has one.
pub fn burn(key: &str, passphrase: Option<&Zeroizing<String>>) -> Request<BurnResult> {
  let body = passphrase_body(passphrase);
  spec(
    Op::Burn,
    Method::Post,
    "/api/v1/private/:key/burn",
    Some(key),
    body,
  )
  .parsed_by(burned)
}

/// `GET /private/recent` (v0.9.2+; broken on v0.21-v0.23: transcript v0.22.11-api-v1).
pub fn recent() -> Request<Vec<Receipt>> {
  spec(
    Op::RecentMetadata,
    Method::Get,
    "/api/v1/private/recent",
    None,
    None,
  )
  .parsed_by(recent_list)
}

/// A 2xx answer read as `T` (numbers old servers sent as strings are numbers: the v0.10 docs);
/// any other answer as its error.
fn read<'a, T: Deserialize<'a>>(op: Op, resp: &'a RawResponse) -> Result<T> {
  if !(200..300).contains(&resp.status) {
    return Err(error(op, resp));
  }
  resp.read(op)
}

/// A 200 whose object carries `message` (and is not a receipt) is still an error.
fn refused(op: Op, resp: &RawResponse, extra: &Extra, has_metadata_key: bool) -> Result<()> {
  if extra.get("message").is_none() || has_metadata_key || extra.get("metadata_key").is_some() {
    return Ok(());
  }
  let body = serde_json::from_slice::<Value>(&resp.body).unwrap_or(Value::Null);
  Err(error_from_json(op, resp, &body))
}

/// `GET /status`: `true` when the server says "nominal".
fn nominal(op: Op, _: &Context<'_>, resp: &RawResponse) -> Result<bool> {
  let answer: Map<String, Value> = read(op, resp)?;
  Ok(answer.get("status").and_then(Value::as_str) == Some("nominal"))
}

/// share, generate, retrieveMetadata: the server's receipt, with `share_link`.
fn receipt(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> Result<Receipt> {
  let mut r: Receipt = read(op, resp)?;
  refused(op, resp, &r.extra, r.metadata_key.is_some())?;
  add_share_link(ctx, &mut r);
  Ok(r)
}

fn revealed(op: Op, _: &Context<'_>, resp: &RawResponse) -> Result<RevealedSecret> {
  let r: RevealedSecret = read(op, resp)?;
  refused(op, resp, &r.extra, false)?;
  Ok(r)
}

fn burned(op: Op, _: &Context<'_>, resp: &RawResponse) -> Result<BurnResult> {
  let mut r: BurnResult = read(op, resp)?;
  refused(op, resp, &r.extra, false)?;
  if let Some(state) = &mut r.state {
    // v0.22.11 and v0.26.6 report the receipt as it was before the burn ("new"; transcripts
    // v0.22.11 and v0.26.6 #17). A successful burn is a burn: say so, keep the server's word.
    if let Some(reported) = state.state.take_if(|s| s != "burned") {
      state.state = Some("burned".to_owned());
      state.raw_state = Some(reported);
    }
  }
  Ok(r)
}

/// `GET /private/recent`: a list of receipts (items that are not objects are left out).
fn recent_list(op: Op, _: &Context<'_>, resp: &RawResponse) -> Result<Vec<Receipt>> {
  if let Some(list) = read::<Objs<Receipt>>(op, resp)?.0 {
    return Ok(list);
  }
  // Not a list: an object with `message` is the error it names, as for any other call.
  match serde_json::from_slice::<Value>(&resp.body) {
    Ok(body @ Value::Object(_))
      if body.get("message").is_some() && body.get("metadata_key").is_none() =>
    {
      Err(error_from_json(op, resp, &body))
    }
    _ => Err(resp.unexpected_shape(op)),
  }
}

/// Maps a v1 error answer to an error of the matching class, with 2.1.1's messages.
pub fn error(op: Op, resp: &RawResponse) -> Error {
  if resp.status >= 500 {
    // 2.1.1: `url="…", status=500, message="<status text>"`, whatever the body.
    return resp.server_failure(None);
  }
  if resp.is_json() {
    if let Ok(value) = serde_json::from_slice::<Value>(&resp.body) {
      return error_from_json(op, resp, &value);
    }
  }
  let err = match resp.status {
    // v0.12's router answers `text/plain` "Not Found" for unknown routes (transcript v0.12.1 #6).
    404 => Error::new(ErrorKind::NotFound, "Path not found"),
    401 | 403 => Error::new(ErrorKind::NotAuthorized, "Request not authorized"),
    429 => Error::new(ErrorKind::RateLimited, "You have been rate limited."),
    _ => resp.not_json(),
  };
  err
    .with_status(resp.status)
    .with_retry_after(resp.retry_after)
}

fn error_from_json(op: Op, resp: &RawResponse, value: &Value) -> Error {
  let message = value.get("message").and_then(Value::as_str);
  let router_error = value.get("error").and_then(Value::as_str);
  let err = match (message, router_error) {
    (Some(m), _) => from_message(op, resp, m).with_server_message(m),
    // Router miss: `{"error":"Not Found"}` (v0.16.2+).
    (None, Some("Not Found")) => {
      Error::new(ErrorKind::NotFound, "Path not found").with_server_message("Not Found")
    }
    (None, Some(e)) => Error::new(ErrorKind::Api, resp.describe(e)).with_server_message(e),
    (None, None) => Error::new(ErrorKind::Api, resp.describe(resp.reason())),
  };
  let mut err = err
    .with_status(resp.status)
    .with_retry_after(resp.retry_after);
  err.intended_status = resp.intended_status;
  err
}

fn from_message(op: Op, resp: &RawResponse, message: &str) -> Error {
  match message {
    "Unknown secret" => Error::new(ErrorKind::UnknownSecret, "Unknown secret"),
    // v0.24.2+: a `:key` under 20 characters.
    "Not Found" => Error::new(ErrorKind::NotFound, "Metadata not found"),
    "Not authorized" => Error::new(ErrorKind::NotAuthorized, "Request not authorized"),
    m if is_rate_limit_message(m) => Error::new(ErrorKind::RateLimited, "You have been rate limited."),
    // Burn with a wrong or missing passphrase, v0.19+.
    "Double check that passphrase" | "Incorrect passphrase" => Error::new(ErrorKind::IncorrectPassphrase, message),
    // v0.21-v0.23 cannot list recent secrets through v1 at all (transcript v0.22.11-api-v1).
    "An unexpected error occurred :[" if op == Op::RecentMetadata => Error::new(
      ErrorKind::Unsupported,
      "This server cannot list recent secrets through API v1 (a known bug of OneTimeSecret v0.21-v0.23); use apiVersion \"v2\"",
    ),
    m if resp.intended_status == Some(401) => Error::new(ErrorKind::NotAuthorized, "Request not authorized").with_cause(m.to_owned()),
    m if size_limit_message(m).is_some() => Error::new(ErrorKind::Api, resp.describe(&size_limit_message(m).unwrap_or_default())),
    m => Error::new(ErrorKind::Api, resp.describe(m)),
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  /// A result as the JSON callers get.
  fn json<T: serde::Serialize>(r: Result<T>) -> Value {
    serde_json::to_value(r.unwrap()).unwrap()
  }

  fn resp(status: u16, ct: &str, body: &str) -> RawResponse {
    RawResponse {
      status,
      content_type: Some(ct.into()),
      intended_status: None,
      retry_after: None,
      body: crate::secret_buf::SecretBuf::copy_of(body.as_bytes()),
      url: "http://127.0.0.1:1/api/v1/x".into(),
    }
  }
  const JSON: &str = "application/json; charset=utf-8";
  const CTX: Context<'static> = Context {
    base_url: "http://h",
    username: None,
    include_raw: false,
  };

  #[test]
  fn share_encodes_only_given_fields() {
    let p = ShareParams {
      secret: Zeroizing::new("a&b".into()),
      options: CreateOptions {
        ttl: Some(3600),
        passphrase: Some(Zeroizing::new("pw".into())),
        ..Default::default()
      },
    };
    let s = share(&p).spec;
    assert_eq!(s.path, "/api/v1/share");
    assert_eq!(
      &s.body.unwrap().bytes[..],
      b"secret=a%26b&passphrase=pw&ttl=3600"
    );
    assert!(generate(&CreateOptions::default()).spec.body.is_none());
  }

  #[test]
  fn status_is_a_boolean() {
    let status = |body| nominal(Op::Status, &CTX, &resp(200, JSON, body));
    assert!(status(r#"{"status":"nominal","locale":"en"}"#).unwrap());
    assert!(!status(r#"{"status":"offline"}"#).unwrap());
  }

  #[test]
  fn share_link_added_and_strings_become_numbers() {
    // The v0.10 docs example, with numbers as strings.
    let body = r#"{"custid":"USERNAME","metadata_key":"qjpjroeit8wra0ojeyhcw5pjsgwtuq7","secret_key":"153l8vbwqx5taskp92pf05uvgjefvu9","ttl":"3600","updated":"1324174006","created":"1324174006"}"#;
    let v = json(receipt(Op::Share, &CTX, &resp(200, JSON, body)));
    assert_eq!(
      v["share_link"],
      "http://h/secret/153l8vbwqx5taskp92pf05uvgjefvu9"
    );
    assert_eq!(v["ttl"], 3600);
  }

  #[test]
  fn every_v1_error_variant() {
    let cases: [(&str, ErrorKind, &str); 9] = [
      (
        r#"{"message":"Unknown secret","secret_key":"x"}"#,
        ErrorKind::UnknownSecret,
        "Unknown secret",
      ),
      (
        r#"{"message":"Not authorized"}"#,
        ErrorKind::NotAuthorized,
        "Request not authorized",
      ),
      (
        r#"{"message":"Not Found"}"#,
        ErrorKind::NotFound,
        "Metadata not found",
      ),
      (
        r#"{"error":"Not Found"}"#,
        ErrorKind::NotFound,
        "Path not found",
      ),
      (
        r#"{"message":"Apologies dear citizen! You have been rate limited."}"#,
        ErrorKind::RateLimited,
        "You have been rate limited.",
      ),
      (
        r#"{"message":"Cripes! You have been rate limited.","shrimp":"x"}"#,
        ErrorKind::RateLimited,
        "You have been rate limited.",
      ),
      (
        r#"{"message":"Rate limit exceeded. Please try again later."}"#,
        ErrorKind::RateLimited,
        "You have been rate limited.",
      ),
      (
        r#"{"message":"Double check that passphrase"}"#,
        ErrorKind::IncorrectPassphrase,
        "Double check that passphrase",
      ),
      (
        r#"{"message":"You did not provide anything to share"}"#,
        ErrorKind::Api,
        r#"url="http://127.0.0.1:1/api/v1/x", status=404, message="You did not provide anything to share""#,
      ),
    ];
    for (body, kind, message) in cases {
      let e = error(Op::Share, &resp(404, JSON, body));
      assert_eq!(
        (e.kind, e.message.as_str(), e.status),
        (kind, message, Some(404)),
        "{body}"
      );
    }
  }

  #[test]
  fn recent_on_v0_22_is_unsupported() {
    let e = error(
      Op::RecentMetadata,
      &resp(
        404,
        JSON,
        r#"{"message":"An unexpected error occurred :[","shrimp":"s"}"#,
      ),
    );
    assert_eq!(e.kind, ErrorKind::Unsupported);
    let e = error(
      Op::Share,
      &resp(
        404,
        JSON,
        r#"{"message":"An unexpected error occurred :["}"#,
      ),
    );
    assert_eq!(e.kind, ErrorKind::Api);
  }

  #[test]
  fn intended_status_401_is_not_authorized() {
    let mut r = resp(404, JSON, r#"{"message":"/api/v1/share is not available"}"#);
    r.intended_status = Some(401);
    assert_eq!(error(Op::Share, &r).kind, ErrorKind::NotAuthorized);
  }

  #[test]
  fn non_json_answers() {
    let e = error(Op::Status, &resp(404, "text/plain", "Not Found"));
    assert_eq!(
      (e.kind, e.message.as_str()),
      (ErrorKind::NotFound, "Path not found")
    );
    let e = error(Op::Share, &resp(500, "text/plain", "Server error"));
    assert_eq!(e.kind, ErrorKind::InternalServer);
    assert_eq!(
      e.message,
      r#"url="http://127.0.0.1:1/api/v1/x", status=500, message="Internal Server Error""#
    );
    let e = error(
      Op::Share,
      &resp(502, "text/html", "<html>bad gateway</html>"),
    );
    assert_eq!((e.kind, e.status), (ErrorKind::InternalServer, Some(502)));
    assert!(
      e.message.contains("status=502") && e.message.contains("text/html"),
      "{}",
      e.message
    );
    let e = error(Op::Share, &resp(500, "text/html", "<html>oops</html>"));
    assert!(
      !e.message.contains("text/html"),
      "500 keeps 2.1.1's exact message"
    );
    let e = receipt(Op::Share, &CTX, &resp(200, "text/html", "<html></html>")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidResponse);
    assert!(
      e.message.contains("text/html") && e.message.contains("200"),
      "{}",
      e.message
    );
    let e = receipt(Op::Share, &CTX, &resp(200, JSON, r#"{"custid":"#)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidResponse);
  }

  #[test]
  fn a_successful_burn_reports_burned() {
    let v = json(burned(
      Op::Burn,
      &CTX,
      &resp(
        200,
        JSON,
        r#"{"state":{"metadata_key":"m","state":"new"},"secret_shortkey":"abc"}"#,
      ),
    ));
    assert_eq!(
      (
        v["state"]["state"].as_str(),
        v["state"]["raw_state"].as_str()
      ),
      (Some("burned"), Some("new"))
    );
  }

  #[test]
  fn recent_answered_with_a_message_is_that_error() {
    let e = recent_list(
      Op::RecentMetadata,
      &CTX,
      &resp(200, JSON, r#"{"message":"Not authorized"}"#),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAuthorized);
    let e = recent_list(Op::RecentMetadata, &CTX, &resp(200, JSON, r#"{"a":1}"#)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidResponse);
    let list = recent_list(
      Op::RecentMetadata,
      &CTX,
      &resp(200, JSON, r#"[{"custid":"a"}]"#),
    );
    assert_eq!(list.unwrap().len(), 1);
  }

  #[test]
  fn received_metadata_has_no_share_link() {
    let body = r#"{"custid":"a","metadata_key":"m","ttl":60,"state":"received","received":1}"#;
    let v = json(receipt(Op::RetrieveMetadata, &CTX, &resp(200, JSON, body)));
    assert!(v.get("share_link").is_none());
  }
}
