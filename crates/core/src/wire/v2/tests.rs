//! The v2 wire format against answers copied from the transcripts.

use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::*;
use crate::error::ErrorKind;
use crate::wire::{Context, CreateOptions, Op, RawResponse, ShareParams};

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
/// A parser's result as the JSON callers get; the test names the request by its op.
fn parse(op: Op, ctx: &Context<'_>, resp: &RawResponse) -> crate::error::Result<Value> {
  fn json<T: serde::Serialize>(r: crate::error::Result<T>) -> crate::error::Result<Value> {
    r.map(|v| serde_json::to_value(v).unwrap())
  }
  match op {
    Op::Status => json(parse::status(op, ctx, resp)),
    Op::Version => json(parse::version(op, ctx, resp)),
    Op::Share | Op::Generate => json(parse::created(op, ctx, resp)),
    Op::RetrieveMetadata => json(parse::receipt(op, ctx, resp)),
    Op::RetrieveSecret => json(parse::revealed(op, ctx, resp)),
    Op::Burn => json(parse::burned(op, ctx, resp)),
    Op::RecentMetadata => json(parse::recent(op, ctx, resp)),
    Op::SecretStatus => json(parse::secret_status(op, ctx, resp)),
  }
}

const CTX: Context<'static> = Context {
  base_url: "http://h",
  username: Some("tester@example.com"),
  include_raw: true,
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
  let s = conceal(&p).spec;
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
  // The secret is moved out of the server's answer, not copied: the result holds it once.
  assert!(v["raw"]["record"].get("secret_value").is_none(), "{v}");
  assert_eq!(v.to_string().matches("v2 secret").count(), 1);
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

#[test]
fn receipt_fields_are_read_leniently() {
  use crate::wire::lenient::whole_number;
  for (v, n) in [
    (json!(3600), Some(3600)),
    (json!("3600"), Some(3600)),
    (json!(1795714792.69139), Some(1795714792)),
    (json!("1795714792.69139"), Some(1795714792)),
    (json!(""), None),
    (json!(null), None),
    (json!("abc"), None),
    (json!([1]), None),
  ] {
    assert_eq!(whole_number(&v), n, "{v}");
  }
  // Fields of other types are kept as sent, under their v1 names (the rule of answers/read.rs,
  // as on API v1): the answer still parses, and `""` is v0.22's "none" for a number.
  let body = r#"{"record":{"key":7,"custid":["x"],"state":"received","secret_ttl":{},"received":"","revealed":"1795714792","recipients":[1,"a***@e***.com"],"has_passphrase":"yes","share_domain":5}}"#;
  let v = parse(Op::RetrieveMetadata, &CTX, &resp(200, body)).unwrap();
  assert_eq!(v["metadata_key"], 7);
  assert_eq!(v["custid"], json!(["x"]));
  assert_eq!(v["ttl"], json!({}));
  assert!(
    v.get("secret_ttl").is_none(),
    "a read secret has no secret_ttl"
  );
  assert_eq!(v["received"], 1795714792);
  assert_eq!(v["recipient"], json!([1, "a***@e***.com"]));
  assert_eq!(v["share_domain"], 5);
  assert_eq!(v["passphrase_required"], "yes");
  assert_eq!(v["state"], "received");
  let body = r#"{"record":{"key":"k","state":3,"created":"abc","updated":null}}"#;
  let v = parse(Op::RetrieveMetadata, &CTX, &resp(200, body)).unwrap();
  assert_eq!(
    (&v["state"], &v["created"], &v["updated"]),
    (&json!(3), &json!("abc"), &Value::Null)
  );
  assert!(v.get("raw_state").is_none(), "{v}");
}

#[test]
fn raw_only_when_asked_for() {
  let quiet = Context {
    include_raw: false,
    ..CTX
  };
  let body = r#"{"record":{"key":"czkf","state":"revealed","secret_value":"v2 secret"},"details":{"show_secret":true}}"#;
  let v = parse(Op::RetrieveSecret, &quiet, &resp(200, body)).unwrap();
  assert_eq!(v["value"], "v2 secret");
  assert!(v.get("raw").is_none(), "{v}");
  let body =
    r#"{"record":{"key":"k","state":"burned","custid":"c","secret_shortid":"s"},"details":{}}"#;
  let v = parse(Op::Burn, &quiet, &resp(200, body)).unwrap();
  assert_eq!(v["state"]["state"], "burned");
  assert!(v.get("raw").is_none(), "{v}");
  let v = parse(Op::Burn, &CTX, &resp(200, body)).unwrap();
  assert!(v["raw"]["record"].is_object(), "{v}");
}
