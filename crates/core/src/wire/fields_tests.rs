//! The models' field lists (`answers.rs`, `model!`) against the parsers: every field read from API
//! v1 answers comes out of a v1 answer typed (not in `extra`), and out of the v2 answers too; every
//! v2 field comes out of the v2 answers. A field added to a list and not filled by a parser (the
//! v2 normaliser in `v2/receipt.rs`, a request's parser in `v2/parse.rs`) fails here.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::{v1, v2, Context, CreateOptions, Op, RawResponse, Request};
use crate::answers::{BurnResult, Model, Receipt, RevealedSecret, SecretStatus, Source};
use crate::secret_buf::SecretBuf;

const CTX: Context<'static> = Context {
  base_url: "http://h",
  username: Some("a@example.com"),
  include_raw: true,
};

fn answer<T>(request: Request<T>, op: Op, body: &str) -> T {
  let resp = RawResponse {
    status: 200,
    content_type: Some("application/json".into()),
    intended_status: None,
    retry_after: None,
    body: SecretBuf::copy_of(body.as_bytes()),
    url: "http://h/x".into(),
  };
  (request.parse)(op, &CTX, &resp).unwrap_or_else(|e| panic!("{e:?}"))
}

/// The fields of `answer` that came out typed: in its JSON and not kept as sent in `extra`.
fn typed<T: Model + Serialize>(answer: &T) -> BTreeSet<&'static str> {
  let Value::Object(json) = serde_json::to_value(answer).unwrap() else {
    panic!("an object")
  };
  T::FIELDS
    .iter()
    .map(|f| f.name)
    .filter(|name| json.contains_key(*name) && answer.extra().get(name).is_none())
    .collect()
}

/// The fields of `T`'s list that come from `sources`.
fn from<T: Model>(sources: &[Source]) -> BTreeSet<&'static str> {
  T::FIELDS
    .iter()
    .filter(|f| sources.contains(&f.source))
    .map(|f| f.name)
    .collect()
}

fn missing<'a>(want: &BTreeSet<&'a str>, got: &BTreeSet<&'a str>) -> Vec<&'a str> {
  want.difference(got).copied().collect()
}

const V1_RECEIPT: &str = r#"{"share_link":"x","custid":"c","metadata_key":"m","secret_key":"s","ttl":1,"metadata_ttl":"2","secret_ttl":3,"state":"received","updated":4,"created":5,"received":6,"recipient":["a***@e***.com"],"share_domain":"d.example","passphrase_required":true,"value":"v","raw_state":"revealed"}"#;

#[test]
fn every_v1_field_is_read_from_a_v1_answer() {
  let key = "k";
  let receipt = answer(v1::retrieve_metadata(key), Op::RetrieveMetadata, V1_RECEIPT);
  let revealed = answer(
    v1::retrieve_secret(key, None),
    Op::RetrieveSecret,
    r#"{"value":"v","secret_key":"s"}"#,
  );
  let burn = format!(r#"{{"state":{V1_RECEIPT},"secret_shortkey":"k"}}"#);
  let burned = answer(v1::burn(key, None), Op::Burn, &burn);
  let v1 = [Source::V1];
  assert_eq!(missing(&from::<Receipt>(&v1), &typed(&receipt)), [""; 0]);
  assert_eq!(
    missing(
      &from::<Receipt>(&v1),
      &typed(burned.state.as_ref().unwrap())
    ),
    [""; 0]
  );
  assert_eq!(
    missing(&from::<RevealedSecret>(&v1), &typed(&revealed)),
    [""; 0]
  );
  assert_eq!(missing(&from::<BurnResult>(&v1), &typed(&burned)), [""; 0]);
}

#[test]
fn every_v1_and_v2_field_is_filled_from_v2_answers() {
  let both = [Source::V1, Source::V2];
  // A v0.26 conceal answer with a generated value, and a v0.22 receipt of a read secret.
  let created = answer(
    v2::generate(&CreateOptions::default()),
    Op::Generate,
    r#"{"success":true,"custid":"a@example.com","record":{"receipt":{"identifier":"m","secret_identifier":"s","owner_id":"o","state":"new","secret_ttl":3600,"receipt_ttl":7200,"created":1,"updated":2,"recipients":["a***@e***.com"],"share_domain":"d.example","has_passphrase":true},"secret":{"identifier":"s","secret_value":"generated"}},"details":{}}"#,
  );
  let read = answer(
    v2::receipt("k"),
    Op::RetrieveMetadata,
    r#"{"success":true,"record":{"key":"m","custid":"a@example.com","state":"received","secret_ttl":"3600","metadata_ttl":"7200","created":"1","updated":"2","received":"3","recipients":"","has_passphrase":false,"share_domain":""},"details":{}}"#,
  );
  let receipts: BTreeSet<_> = typed(&created).union(&typed(&read)).copied().collect();
  assert_eq!(missing(&from::<Receipt>(&both), &receipts), [""; 0]);

  let revealed = answer(
    v2::reveal("k", None),
    Op::RetrieveSecret,
    r#"{"success":true,"record":{"identifier":"s","secret_value":"v"},"details":{}}"#,
  );
  assert_eq!(
    missing(&from::<RevealedSecret>(&both), &typed(&revealed)),
    [""; 0]
  );

  let burned = answer(
    v2::burn("k", None),
    Op::Burn,
    r#"{"success":true,"record":{"identifier":"m","state":"burned","secret_shortid":"k"}}"#,
  );
  assert_eq!(
    missing(&from::<BurnResult>(&both), &typed(&burned)),
    [""; 0]
  );

  let status = answer(
    v2::secret_status("k"),
    Op::SecretStatus,
    r#"{"success":true,"record":{"state":"new","has_passphrase":false,"secret_ttl":5}}"#,
  );
  assert_eq!(
    missing(&from::<SecretStatus>(&both), &typed(&status)),
    [""; 0]
  );
}

#[test]
fn the_check_sees_a_field_no_parser_fills() {
  // `raw` only comes with the client's `raw` option, and v1 never fills it.
  let receipt = answer(v1::retrieve_metadata("k"), Op::RetrieveMetadata, V1_RECEIPT);
  assert_eq!(
    missing(&from::<Receipt>(&[Source::V2]), &typed(&receipt)),
    ["raw"]
  );
  // A mistyped field is kept as sent, so it does not count as read.
  let mistyped = answer(
    v1::retrieve_metadata("k"),
    Op::RetrieveMetadata,
    r#"{"metadata_key":"m","ttl":[1]}"#,
  );
  assert!(!typed(&mistyped).contains("ttl"));
  assert!(typed(&mistyped).contains("metadata_key"));
}
