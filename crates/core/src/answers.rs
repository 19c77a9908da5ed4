//! The calls' results as typed models, one per kind of answer. Field names are the JSON names
//! callers see (2.1.1's snake_case): serde writes them, and with the `napi` feature napi-rs declares
//! each model as a TypeScript interface in binding.d.ts from the same fields (no conversion code: the
//! addon hands results to JS as JSON text). A field is absent when the server did not send it; a
//! field the server sent with another type than the model's, and every field the model does not
//! name, is kept as sent in `extra`, so nothing the server said is lost (2.1.1 returned the server's
//! whole object). Strings that may be a key or a secret are wiped when a model is dropped.

use serde::Serialize;
use serde_json::{Map, Number, Value};
use zeroize::{Zeroize, Zeroizing};

use crate::wire::wipe;

#[cfg(feature = "napi")]
use napi_derive::napi;

/// The fields a model does not name, and named fields sent with another type, as the server sent
/// them (serialised inline, after the named fields). Wiped when dropped: they may hold keys.
#[derive(Default, Serialize)]
#[serde(transparent)]
pub struct Extra(pub Map<String, Value>);

impl Extra {
  pub fn insert(&mut self, field: &str, value: Value) {
    self.0.insert(field.to_owned(), value);
  }

  pub fn get(&self, field: &str) -> Option<&Value> {
    self.0.get(field)
  }

  pub fn is_empty(&self) -> bool {
    self.0.is_empty()
  }
}

impl Drop for Extra {
  fn drop(&mut self) {
    self.0.values_mut().for_each(wipe);
  }
}

fn wipe_raw(raw: &mut Option<Value>) {
  if let Some(v) = raw {
    wipe(v);
  }
}

/// A receipt: the answer to `share` and `generate`, `retrieveMetadata`, an item of
/// `recentMetadata`, and a burn's `state`. API v1's receipt hash; API v2 records are reshaped
/// to it (`wire::v2`).
#[cfg_attr(
  feature = "napi",
  napi(object, object_to_js = false, object_from_js = false)
)]
#[derive(Default, Serialize)]
pub struct Receipt {
  /// `<url>/secret/<secret_key>` (on the secret's `share_domain` when it has one).
  #[cfg_attr(feature = "napi", napi(js_name = "share_link"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub share_link: Option<String>,
  #[cfg_attr(feature = "napi", napi(js_name = "custid"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub custid: Option<String>,
  #[cfg_attr(feature = "napi", napi(js_name = "metadata_key"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub metadata_key: Option<String>,
  #[cfg_attr(feature = "napi", napi(js_name = "secret_key"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub secret_key: Option<String>,
  /// Seconds.
  #[cfg_attr(feature = "napi", napi(js_name = "ttl", ts_type = "number"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub ttl: Option<Number>,
  #[cfg_attr(feature = "napi", napi(js_name = "metadata_ttl", ts_type = "number"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub metadata_ttl: Option<Number>,
  #[cfg_attr(feature = "napi", napi(js_name = "secret_ttl", ts_type = "number"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub secret_ttl: Option<Number>,
  /// In API v1's words (`new`, `viewed`, `received`, `burned`, ...).
  #[cfg_attr(feature = "napi", napi(js_name = "state"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub state: Option<String>,
  /// Unix seconds.
  #[cfg_attr(feature = "napi", napi(js_name = "updated", ts_type = "number"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub updated: Option<Number>,
  #[cfg_attr(feature = "napi", napi(js_name = "created", ts_type = "number"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub created: Option<Number>,
  #[cfg_attr(feature = "napi", napi(js_name = "received", ts_type = "number"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub received: Option<Number>,
  /// Obscured addresses (`a***@e***.com`).
  #[cfg_attr(feature = "napi", napi(js_name = "recipient"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub recipient: Option<Vec<String>>,
  #[cfg_attr(feature = "napi", napi(js_name = "share_domain"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub share_domain: Option<String>,
  #[cfg_attr(feature = "napi", napi(js_name = "passphrase_required"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub passphrase_required: Option<bool>,
  /// A generated secret's value (`generate`; API v2 `retrieveMetadata` on the creator's first view).
  #[cfg_attr(feature = "napi", napi(js_name = "value", ts_type = "string"))]
  #[serde(skip_serializing_if = "Option::is_none", serialize_with = "secret")]
  pub value: Option<Zeroizing<String>>,
  /// API v2: the server's own state name.
  #[cfg_attr(feature = "napi", napi(js_name = "raw_state"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub raw_state: Option<String>,
  /// API v2 with the client's `raw` option: the server's whole answer.
  #[cfg_attr(feature = "napi", napi(js_name = "raw", ts_type = "unknown"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub raw: Option<Value>,
  #[cfg_attr(feature = "napi", napi(skip))]
  #[serde(flatten)]
  pub extra: Extra,
}

impl Drop for Receipt {
  fn drop(&mut self) {
    self.share_link.zeroize();
    self.metadata_key.zeroize();
    self.secret_key.zeroize();
    wipe_raw(&mut self.raw);
  }
}

/// The answer to `retrieveSecret`.
#[cfg_attr(
  feature = "napi",
  napi(object, object_to_js = false, object_from_js = false)
)]
#[derive(Default, Serialize)]
pub struct RevealedSecret {
  /// The secret; for an end-to-end encrypted secret read without its key, the envelope.
  #[cfg_attr(feature = "napi", napi(js_name = "value", ts_type = "string"))]
  #[serde(skip_serializing_if = "Option::is_none", serialize_with = "secret")]
  pub value: Option<Zeroizing<String>>,
  #[cfg_attr(feature = "napi", napi(js_name = "secret_key"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub secret_key: Option<String>,
  #[cfg_attr(feature = "napi", napi(js_name = "raw", ts_type = "unknown"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub raw: Option<Value>,
  #[cfg_attr(feature = "napi", napi(skip))]
  #[serde(flatten)]
  pub extra: Extra,
  /// `true` when the secret was end-to-end encrypted (decrypted, or the envelope).
  #[cfg_attr(feature = "napi", napi(js_name = "encrypted", ts_type = "true"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub encrypted: Option<bool>,
}

impl Drop for RevealedSecret {
  fn drop(&mut self) {
    self.secret_key.zeroize();
    wipe_raw(&mut self.raw);
  }
}

/// The answer to `burn`.
#[cfg_attr(
  feature = "napi",
  napi(object, object_to_js = false, object_from_js = false)
)]
#[derive(Default, Serialize)]
pub struct BurnResult {
  /// The receipt, `state: "burned"` (with `raw_state` when the server said otherwise).
  #[cfg_attr(feature = "napi", napi(js_name = "state"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub state: Option<Receipt>,
  #[cfg_attr(feature = "napi", napi(js_name = "secret_shortkey"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub secret_shortkey: Option<String>,
  #[cfg_attr(feature = "napi", napi(js_name = "raw", ts_type = "unknown"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub raw: Option<Value>,
  #[cfg_attr(feature = "napi", napi(skip))]
  #[serde(flatten)]
  pub extra: Extra,
}

impl Drop for BurnResult {
  fn drop(&mut self) {
    wipe_raw(&mut self.raw);
  }
}

/// The answer to `secretStatus` (API v2): the secret's state without revealing it.
#[cfg_attr(
  feature = "napi",
  napi(object, object_to_js = false, object_from_js = false)
)]
#[derive(Default, Serialize)]
pub struct SecretStatus {
  /// In API v1's words; `unknown` when the server named none.
  #[cfg_attr(feature = "napi", napi(js_name = "state"))]
  pub state: String,
  #[cfg_attr(feature = "napi", napi(js_name = "raw_state"))]
  pub raw_state: String,
  #[cfg_attr(feature = "napi", napi(js_name = "passphrase_required"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub passphrase_required: Option<bool>,
  #[cfg_attr(feature = "napi", napi(js_name = "secret_ttl", ts_type = "number"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub secret_ttl: Option<Number>,
  /// With the client's `raw` option: the server's whole answer.
  #[cfg_attr(feature = "napi", napi(js_name = "raw", ts_type = "unknown"))]
  #[serde(skip_serializing_if = "Option::is_none")]
  pub raw: Option<Value>,
  #[cfg_attr(feature = "napi", napi(skip))]
  #[serde(flatten)]
  pub extra: Extra,
}

impl Drop for SecretStatus {
  fn drop(&mut self) {
    wipe_raw(&mut self.raw);
  }
}

/// The answer to `serverInfo`.
#[cfg_attr(
  feature = "napi",
  napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
  )
)]
#[derive(Default, Serialize)]
pub struct ServerInfo {
  #[cfg_attr(
    feature = "napi",
    napi(js_name = "status", ts_type = "'nominal' | 'offline'")
  )]
  pub status: &'static str,
  /// `"0.22.11"` where `/api/v2/version` answers, else null.
  #[cfg_attr(feature = "napi", napi(js_name = "version"))]
  pub version: Option<String>,
  #[cfg_attr(
    feature = "napi",
    napi(js_name = "apiVersions", ts_type = "Array<'v1' | 'v2'>")
  )]
  #[serde(rename = "apiVersions")]
  pub api_versions: Vec<&'static str>,
}

/// `Debug` names the model, never its fields (they hold keys and secrets).
macro_rules! opaque_debug {
  ($($model:ident),*) => {$(
    impl std::fmt::Debug for $model {
      fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(concat!(stringify!($model), " { .. }"))
      }
    }
  )*};
}
opaque_debug!(
  Receipt,
  RevealedSecret,
  BurnResult,
  SecretStatus,
  ServerInfo,
  Extra
);

fn secret<S: serde::Serializer>(
  value: &Option<Zeroizing<String>>,
  s: S,
) -> Result<S::Ok, S::Error> {
  match value {
    Some(v) => s.serialize_str(v),
    None => s.serialize_none(),
  }
}
