//! The names JS sees in an answer (serde writes them from `ots_core::answers`) are the names
//! binding.d.ts declares (napi-rs reads them from the same structs' `js_name`s): each model, filled
//! in completely, is serialised and its keys compared with its interface's fields, both ways.

use ots_core::answers::{BurnResult, Raw, Receipt, RevealedSecret, SecretStatus, ServerInfo};
use serde::Serialize;
use zeroize::Zeroizing;

const BINDING_D_TS: &str = include_str!("../binding.d.ts");

/// The fields of `export interface <name>` in binding.d.ts, in their order.
fn declared(name: &str) -> Vec<String> {
  let head = format!("export interface {name} {{\n");
  let start = BINDING_D_TS
    .find(&head)
    .unwrap_or_else(|| panic!("binding.d.ts declares {name}"))
    + head.len();
  let body = &BINDING_D_TS[start..];
  let body = &body[..body.find("\n}").expect("the interface ends")];
  body
    .lines()
    .map(str::trim)
    .filter(|l| !(l.starts_with("/*") || l.starts_with('*')))
    .map(|l| l.split(['?', ':']).next().unwrap_or_default().to_owned())
    .collect()
}

/// The JSON keys of `answer`, in their order.
fn serialised<T: Serialize>(answer: &T) -> Vec<String> {
  match serde_json::to_value(answer).unwrap() {
    serde_json::Value::Object(fields) => fields.keys().cloned().collect(),
    other => panic!("an object, not {other}"),
  }
}

fn text() -> Option<String> {
  Some("x".to_owned())
}

fn full_receipt() -> Receipt {
  let mut r = Receipt::default();
  r.share_link = text();
  r.share_link_without_key = text();
  r.decryption_key = Some(Zeroizing::new("x".to_owned()));
  r.custid = text();
  r.metadata_key = text();
  r.secret_key = text();
  r.ttl = Some(1.into());
  r.metadata_ttl = Some(1.into());
  r.secret_ttl = Some(1.into());
  r.state = text();
  r.updated = Some(1.into());
  r.created = Some(1.into());
  r.received = Some(1.into());
  r.recipient = Some(vec![]);
  r.share_domain = text();
  r.passphrase_required = Some(true);
  r.value = Some(Zeroizing::new("x".to_owned()));
  r.raw_state = text();
  r.raw = Some(Raw(serde_json::Value::Null));
  r
}

#[test]
fn json_names_are_the_declared_names() {
  let mut revealed = RevealedSecret::default();
  revealed.value = Some(Zeroizing::new("x".to_owned()));
  revealed.secret_key = text();
  revealed.raw = Some(Raw(serde_json::Value::Null));
  revealed.encrypted = Some(true);

  let mut burned = BurnResult::default();
  burned.state = Some(full_receipt());
  burned.secret_shortkey = text();
  burned.raw = Some(Raw(serde_json::Value::Null));

  let mut status = SecretStatus::default();
  status.passphrase_required = Some(true);
  status.secret_ttl = Some(1.into());
  status.raw = Some(Raw(serde_json::Value::Null));

  let info = ServerInfo::default();

  for (name, keys) in [
    ("Receipt", serialised(&full_receipt())),
    ("RevealedSecret", serialised(&revealed)),
    ("BurnResult", serialised(&burned)),
    ("SecretStatus", serialised(&status)),
    ("ServerInfo", serialised(&info)),
  ] {
    assert_eq!(keys, declared(name), "{name}: JSON keys vs binding.d.ts");
  }
}

#[test]
fn the_check_reads_binding_d_ts() {
  assert_eq!(declared("ServerInfo"), ["status", "version", "apiVersions"]);
}
