//! Property tests: whatever a server (or something pretending to be one) answers, the response
//! parsers return `Ok` or an `Err` and never panic. Arbitrary bytes, statuses, content types and
//! headers go into the parser of every request of both API versions, under every call's name, and
//! into the two `error` mappers.

use super::{v1, v2, Context, CreateOptions, Op, RawResponse, Request, ShareParams};
use crate::SecretBuf;
use proptest::prelude::*;

/// Every request's parser on `resp`, its result dropped.
fn parse_all(op: Op, ctx: &Context<'_>, resp: &RawResponse) {
  fn run<T>(r: Request<T>, op: Op, ctx: &Context<'_>, resp: &RawResponse) {
    let _ = (r.parse)(op, ctx, resp);
  }
  let (share, create, key) = (ShareParams::default(), CreateOptions::default(), "k");
  run(v1::status(), op, ctx, resp);
  run(v1::share(&share), op, ctx, resp);
  run(v1::generate(&create), op, ctx, resp);
  run(v1::retrieve_secret(key, None), op, ctx, resp);
  run(v1::retrieve_metadata(key), op, ctx, resp);
  run(v1::burn(key, None), op, ctx, resp);
  run(v1::recent(), op, ctx, resp);
  run(v2::status(), op, ctx, resp);
  run(v2::version(), op, ctx, resp);
  run(v2::conceal(&share), op, ctx, resp);
  run(v2::generate(&create), op, ctx, resp);
  run(v2::reveal(key, None), op, ctx, resp);
  run(v2::receipt(key), op, ctx, resp);
  run(v2::burn(key, None), op, ctx, resp);
  run(v2::recent(), op, ctx, resp);
  run(v2::secret_status(key), op, ctx, resp);
}

const OPS: [Op; 9] = [
  Op::Status,
  Op::Share,
  Op::Generate,
  Op::RetrieveSecret,
  Op::RetrieveMetadata,
  Op::Burn,
  Op::RecentMetadata,
  Op::SecretStatus,
  Op::Version,
];

fn op() -> impl Strategy<Value = Op> {
  (0..OPS.len()).prop_map(|i| OPS[i])
}

fn content_type() -> impl Strategy<Value = Option<String>> {
  prop_oneof![
    Just(None),
    Just(Some("application/json".to_owned())),
    Just(Some("application/json; charset=utf-8".to_owned())),
    Just(Some("text/html".to_owned())),
    Just(Some("APPLICATION/JSON".to_owned())),
    any::<String>().prop_map(Some),
  ]
}

fn status() -> impl Strategy<Value = u16> {
  prop_oneof![
    Just(200u16),
    Just(201),
    Just(302),
    Just(400),
    Just(401),
    Just(403),
    Just(404),
    Just(422),
    Just(429),
    Just(500),
    Just(502),
    Just(503),
    any::<u16>(),
  ]
}

/// JSON-shaped noise: the interesting inputs are *almost* OTS answers.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
  use serde_json::Value;
  let leaf = prop_oneof![
    Just(Value::Null),
    any::<bool>().prop_map(Value::Bool),
    any::<i64>().prop_map(Value::from),
    any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
    any::<String>().prop_map(Value::String),
    prop_oneof![
      Just("nominal"),
      Just("offline"),
      Just("new"),
      Just("received"),
      Just("burned"),
      Just("viewed"),
      Just("Unknown secret"),
      Just("Not authorized"),
      Just("You have been rate limited."),
      Just("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"),
    ]
    .prop_map(|s| Value::String(s.into())),
  ];
  leaf.prop_recursive(4, 64, 8, |inner| {
    let keys = prop_oneof![
      Just("status".to_owned()),
      Just("message".to_owned()),
      Just("record".to_owned()),
      Just("details".to_owned()),
      Just("secret_key".to_owned()),
      Just("metadata_key".to_owned()),
      Just("value".to_owned()),
      Just("state".to_owned()),
      Just("ttl".to_owned()),
      Just("success".to_owned()),
      Just("receipt".to_owned()),
      Just("secret".to_owned()),
      Just("metadata".to_owned()),
      Just("retry_after".to_owned()),
      Just("custid".to_owned()),
      Just("version".to_owned()),
      Just("identifier".to_owned()),
      any::<String>(),
    ];
    prop_oneof![
      prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
      prop::collection::vec((keys, inner), 0..8)
        .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
    ]
  })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
  prop_oneof![
    prop::collection::vec(any::<u8>(), 0..512),
    json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
    // Valid JSON cut anywhere.
    (json_value(), any::<prop::sample::Index>()).prop_map(|(v, i)| {
      let mut b = serde_json::to_vec(&v).unwrap();
      let cut = i.index(b.len() + 1);
      b.truncate(cut);
      b
    }),
    // Valid JSON with a byte flipped.
    (json_value(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(v, i, x)| {
      let mut b = serde_json::to_vec(&v).unwrap();
      if !b.is_empty() {
        let at = i.index(b.len());
        b[at] = x;
      }
      b
    }),
  ]
}

/// The parts of a response (RawResponse itself is not Debug: its body may hold a secret).
type Parts = (u16, Option<String>, Option<u16>, Option<u64>, Vec<u8>);

fn response() -> impl Strategy<Value = Parts> {
  (
    status(),
    content_type(),
    proptest::option::of(any::<u16>()),
    proptest::option::of(any::<u64>()),
    body(),
  )
}

fn build((status, content_type, intended_status, retry_after, body): Parts) -> RawResponse {
  RawResponse {
    status,
    content_type,
    intended_status,
    retry_after,
    body: SecretBuf::copy_of(&body),
    url: "http://127.0.0.1:1/api/v1/status".into(),
  }
}

fn contexts() -> [Context<'static>; 2] {
  [
    Context {
      base_url: "http://127.0.0.1:1",
      username: Some("tester@example.com"),
      include_raw: true,
    },
    Context {
      base_url: "https://onetimesecret.com",
      username: None,
      include_raw: false,
    },
  ]
}

proptest! {
  #![proptest_config(ProptestConfig {
    cases: std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(2000),
    failure_persistence: None,
    ..ProptestConfig::default()
  })]

  #[test]
  fn parsers_never_panic(op in op(), parts in response()) {
    let resp = build(parts);
    for ctx in contexts() {
      parse_all(op, &ctx, &resp);
    }
    let e1 = v1::error(op, &resp);
    let e2 = v2::error(op, &resp);
    // An error mapper always produces an error with a message.
    prop_assert!(!e1.message.is_empty());
    prop_assert!(!e2.message.is_empty());
  }

  #[test]
  fn success_status_with_json_never_panics(op in op(), v in json_value()) {
    let resp = RawResponse {
      status: 200,
      content_type: Some("application/json".into()),
      intended_status: None,
      retry_after: None,
      body: SecretBuf::copy_of(&serde_json::to_vec(&v).unwrap()),
      url: "http://127.0.0.1:1/api/v2/status".into(),
    };
    for ctx in contexts() {
      parse_all(op, &ctx, &resp);
    }
  }
}
