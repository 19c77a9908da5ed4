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

use crate::secret_buf::wipe_json;

#[cfg(feature = "napi")]
use napi_derive::napi;

/// Writes out a model from its one field list: `name "name" [as "TS type"]: Type`. Each field is
/// named `name` in JSON (serde) and in TypeScript (napi-rs's `js_name`, which would otherwise be
/// camelCase; `src/answer_names.rs` checks the two agree), and is left out of the JSON when
/// absent; `extra` follows the named fields. `Debug` names the model, never its fields (they hold
/// keys and secrets). Docs are written `#[doc = "..."]`: a `///` comment reaches napi-rs through
/// a macro as a raw string, which it would copy into binding.d.ts with its `r"`.
macro_rules! model {
  (
    $(#[$meta:meta])*
    pub struct $name:ident {
      $($(#[$field_meta:meta])* $field:ident $js:literal $(as $ts:literal)?: $ty:ty,)*
    }
  ) => {
    $(#[$meta])*
    #[cfg_attr(feature = "napi", napi(object, object_to_js = false, object_from_js = false))]
    #[derive(Default, Serialize)]
    #[non_exhaustive]
    pub struct $name {
      $(
        $(#[$field_meta])*
        #[cfg_attr(feature = "napi", napi(js_name = $js $(, ts_type = $ts)?))]
        #[serde(skip_serializing_if = "Absent::is_absent")]
        pub $field: $ty,
      )*
      /// What the server sent besides the named fields (and named fields of another type).
      #[cfg_attr(feature = "napi", napi(skip))]
      #[serde(flatten)]
      pub extra: Extra,
    }

    impl std::fmt::Debug for $name {
      fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(concat!(stringify!($name), " { .. }"))
      }
    }
  };
}

/// A field that is left out of the JSON: an absent `Option`; a required field never is.
pub trait Absent {
  /// Whether the field is left out of the JSON.
  fn is_absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
  fn is_absent(&self) -> bool {
    self.is_none()
  }
}

impl Absent for String {
  fn is_absent(&self) -> bool {
    false
  }
}

/// The fields a model does not name, and named fields sent with another type, as the server sent
/// them (serialised inline, after the named fields). Wiped when dropped: they may hold keys.
#[derive(Default, Serialize)]
#[serde(transparent)]
pub struct Extra(pub Map<String, Value>);

impl Extra {
  /// Keeps `value` under `field`, as sent.
  pub fn insert(&mut self, field: &str, value: Value) {
    self.0.insert(field.to_owned(), value);
  }

  /// The value kept under `field`.
  pub fn get(&self, field: &str) -> Option<&Value> {
    self.0.get(field)
  }

  /// Nothing kept.
  pub fn is_empty(&self) -> bool {
    self.0.is_empty()
  }
}

impl Drop for Extra {
  fn drop(&mut self) {
    self.0.values_mut().for_each(wipe_json);
  }
}

impl std::fmt::Debug for Extra {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("Extra { .. }")
  }
}

/// The server's whole answer (API v2 with the client's `raw` option). Wiped when dropped.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Raw(pub Value);

impl Drop for Raw {
  fn drop(&mut self) {
    wipe_json(&mut self.0);
  }
}

model! {
  #[doc = " A receipt: the answer to `share` and `generate`, `retrieveMetadata`, an item of"]
  #[doc = " `recentMetadata`, and a burn's `state`. API v1's receipt hash; API v2 records are reshaped"]
  #[doc = " to it (`wire::v2`)."]
  pub struct Receipt {
    #[doc = " `<url>/secret/<secret_key>` (on the secret's `share_domain` when it has one)."]
    share_link "share_link": Option<String>,
    #[doc = " The owner: the account's username, or `anon`."]
    custid "custid": Option<String>,
    #[doc = " The receipt's key: `retrieveMetadata` and `burn` take it."]
    metadata_key "metadata_key": Option<String>,
    #[doc = " The secret's key: `retrieveSecret` takes it."]
    secret_key "secret_key": Option<String>,
    #[doc = " Seconds."]
    ttl "ttl" as "number": Option<Number>,
    #[doc = " Seconds the receipt lives."]
    metadata_ttl "metadata_ttl" as "number": Option<Number>,
    #[doc = " Seconds the secret has left."]
    secret_ttl "secret_ttl" as "number": Option<Number>,
    #[doc = " In API v1's words (`new`, `viewed`, `received`, `burned`, ...)."]
    state "state": Option<String>,
    #[doc = " Unix seconds."]
    updated "updated" as "number": Option<Number>,
    #[doc = " Unix seconds."]
    created "created" as "number": Option<Number>,
    #[doc = " Unix seconds: when the secret was read."]
    received "received" as "number": Option<Number>,
    #[doc = " Obscured addresses (`a***@e***.com`)."]
    recipient "recipient": Option<Vec<String>>,
    #[doc = " The custom domain the secret was created on (`share_link` is on it)."]
    share_domain "share_domain": Option<String>,
    #[doc = " Whether a passphrase is needed to read the secret."]
    passphrase_required "passphrase_required": Option<bool>,
    #[doc = " A generated secret's value (`generate`; API v2 `retrieveMetadata` on the creator's first view)."]
    #[serde(serialize_with = "secret")]
    value "value" as "string": Option<Zeroizing<String>>,
    #[doc = " API v2: the server's own state name."]
    raw_state "raw_state": Option<String>,
    #[doc = " API v2 with the client's `raw` option: the server's whole answer."]
    raw "raw" as "unknown": Option<Raw>,
  }
}

impl Drop for Receipt {
  fn drop(&mut self) {
    self.share_link.zeroize();
    self.metadata_key.zeroize();
    self.secret_key.zeroize();
  }
}

model! {
  #[doc = " The answer to `retrieveSecret`."]
  pub struct RevealedSecret {
    #[doc = " The secret; for an end-to-end encrypted secret read without its key, the envelope."]
    #[serde(serialize_with = "secret")]
    value "value" as "string": Option<Zeroizing<String>>,
    #[doc = " The secret's key: `retrieveSecret` takes it."]
    secret_key "secret_key": Option<String>,
    #[doc = " `true` when the secret was end-to-end encrypted (decrypted, or the envelope)."]
    encrypted "encrypted" as "true": Option<bool>,
    #[doc = " API v2 with the client's `raw` option: the server's answer, without the secret."]
    raw "raw" as "unknown": Option<Raw>,
  }
}

impl Drop for RevealedSecret {
  fn drop(&mut self) {
    self.secret_key.zeroize();
  }
}

model! {
  #[doc = " The answer to `burn`."]
  pub struct BurnResult {
    #[doc = " The receipt, `state: \"burned\"` (with `raw_state` when the server said otherwise)."]
    state "state": Option<Receipt>,
    #[doc = " The burned secret's short id."]
    secret_shortkey "secret_shortkey": Option<String>,
    #[doc = " API v2 with the client's `raw` option: the server's whole answer."]
    raw "raw" as "unknown": Option<Raw>,
  }
}

model! {
  #[doc = " The answer to `secretStatus` (API v2): the secret's state without revealing it."]
  pub struct SecretStatus {
    #[doc = " In API v1's words; `unknown` when the server named none."]
    state "state": String,
    #[doc = " The server's own state name."]
    raw_state "raw_state": String,
    #[doc = " Whether a passphrase is needed to read the secret."]
    passphrase_required "passphrase_required": Option<bool>,
    #[doc = " Seconds the secret has left."]
    secret_ttl "secret_ttl" as "number": Option<Number>,
    #[doc = " With the client's `raw` option: the server's whole answer."]
    raw "raw" as "unknown": Option<Raw>,
  }
}

/// The answer to `serverInfo`: not the server's, so no `extra`.
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
#[non_exhaustive]
pub struct ServerInfo {
  #[cfg_attr(
    feature = "napi",
    napi(js_name = "status", ts_type = "'nominal' | 'offline'")
  )]
  /// `nominal` when the server answered its status call so, else `offline`.
  pub status: &'static str,
  /// `"0.22.11"` where `/api/v2/version` answers, else null.
  #[cfg_attr(feature = "napi", napi(js_name = "version"))]
  pub version: Option<String>,
  #[cfg_attr(
    feature = "napi",
    napi(js_name = "apiVersions", ts_type = "Array<'v1' | 'v2'>")
  )]
  #[serde(rename = "apiVersions")]
  /// The API versions the server answers (`v1`, and `v2` where it has it).
  pub api_versions: Vec<&'static str>,
}

impl std::fmt::Debug for ServerInfo {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("ServerInfo { .. }")
  }
}

fn secret<S: serde::Serializer>(
  value: &Option<Zeroizing<String>>,
  s: S,
) -> Result<S::Ok, S::Error> {
  match value {
    Some(v) => s.serialize_str(v),
    None => s.serialize_none(),
  }
}
