//! The calls' results as typed models, one per kind of answer. Field names are the JSON names
//! callers see (2.1.1's snake_case): serde writes them, and with the `napi` feature napi-rs declares
//! each model as a TypeScript interface in binding.d.ts from the same fields (no conversion code: the
//! addon hands results to JS as JSON text). A field is absent when the server did not send it; a
//! field the server sent with another type than the model's, and every field the model does not
//! name, is kept as sent in `extra`, so nothing the server said is lost (2.1.1 returned the server's
//! whole object). Strings that may be a key or a secret are wiped when a model is dropped.

use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Number, Value};
use zeroize::{Zeroize, Zeroizing};

use self::read::{flag, number, secret, strings, text};

use crate::secret_buf::wipe_json;

#[cfg(feature = "napi")]
use napi_derive::napi;

pub(crate) mod read;

/// Writes out a model from its one field list, one line per field:
/// `name "json_name" [as "TS type"]: Type = source`, where `source` is `v1(reader)` (API v1
/// answers are read into it by `reader`, and the v2 parsers fill it too), `v2` (only the v2
/// parsers fill it) or `client` (the client sets it). From the list come:
/// - the struct, each field named `json_name` in JSON (serde's `rename`) and in TypeScript
///   (napi-rs's `js_name`, which would otherwise be camelCase; `src/answer_names.rs` checks that
///   the two agree with binding.d.ts), left out of the JSON when absent, then `extra`;
/// - `FIELDS`, the list as data, which `wire/fields_tests.rs` checks against what the v1 and v2
///   parsers fill (a field that neither fills fails there);
/// - the API v1 reader (`Deserialize`): each key sent goes to its field through the field's
///   reader, under the one leniency rule of `read.rs`, and every other key into `extra` as sent
///   (`numbers in extra` names keys kept there as numbers when they hold one).
///
/// `Debug` names the model, never its fields (they hold keys and secrets). Docs are written
/// `#[doc = "..."]`: a `///` comment reaches napi-rs through a macro as a raw string, which it
/// would copy into binding.d.ts with its `r"`.
macro_rules! model {
  (@source v1) => { Source::V1 };
  (@source v2) => { Source::V2 };
  (@source client) => { Source::Client };
  (
    $(#[$meta:meta])*
    pub struct $name:ident {
      $(
        $(#[$field_meta:meta])*
        $field:ident $js:literal $(as $ts:literal)?: $ty:ty = $source:ident $(($read:path))?,
      )*
    }
    $(numbers in extra: $($number:literal),+;)?
  ) => {
    $(#[$meta])*
    #[cfg_attr(feature = "napi", napi(object, object_to_js = false, object_from_js = false))]
    #[derive(Default, Serialize)]
    #[non_exhaustive]
    pub struct $name {
      $(
        $(#[$field_meta])*
        #[cfg_attr(feature = "napi", napi(js_name = $js $(, ts_type = $ts)?))]
        #[serde(rename = $js, skip_serializing_if = "Absent::is_absent")]
        pub $field: $ty,
      )*
      /// What the server sent besides the named fields (and named fields of another type).
      #[cfg_attr(feature = "napi", napi(skip))]
      #[serde(flatten)]
      pub extra: Extra,
    }

    impl Model for $name {
      const FIELDS: &'static [Field] = &[$(Field { name: $js, source: model!(@source $source) }),*];

      fn read_v1(&mut self, name: &str, value: Value) {
        $($(
          if name == $js {
            return read::put(&mut self.$field, &mut self.extra.0, name, $read(value));
          }
        )?)*
        $($(
          if name == $number {
            let kept = read::number(value).map_or_else(|v| v, Value::Number);
            return self.extra.insert(name, kept);
          }
        )+)?
        self.extra.insert(name, value)
      }

      fn extra(&self) -> &Extra {
        &self.extra
      }
    }

    impl<'de> Deserialize<'de> for $name {
      fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(V1Reader::<$name>(PhantomData))
      }
    }

    impl std::fmt::Debug for $name {
      fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(concat!(stringify!($name), " { .. }"))
      }
    }
  };
}

/// Where a field's value comes from (see [`model!`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
  /// API v1 answers, by the field's reader; the v2 parsers fill it too.
  V1,
  /// The v2 parsers only.
  V2,
  /// The client.
  Client,
}

/// One entry of a model's field list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field {
  /// The JSON and TypeScript name.
  pub(crate) name: &'static str,
  pub(crate) source: Source,
}

/// What [`model!`] writes for each model besides the struct.
pub(crate) trait Model: Default {
  /// The field list, in order.
  #[allow(dead_code)] // Read by the tests that check the parsers against it.
  const FIELDS: &'static [Field];
  /// Takes `value`, sent under `name` in an API v1 answer.
  fn read_v1(&mut self, name: &str, value: Value);
  /// The fields kept as sent.
  #[allow(dead_code)]
  fn extra(&self) -> &Extra;
}

/// An API v1 answer's object read into the model `T`, key by key (no intermediate buffering of
/// every field, as `#[serde(flatten)]` would do).
struct V1Reader<T>(PhantomData<T>);

impl<'de, T: Model> Visitor<'de> for V1Reader<T> {
  type Value = T;
  fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
    f.write_str("an object")
  }
  fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
    let mut model = T::default();
    while let Some(read::Name(name)) = map.next_key::<read::Name>()? {
      let value: Value = map.next_value()?;
      model.read_v1(&name, value);
    }
    Ok(model)
  }
}

/// A receipt object (API v1 burn's `state`); anything else as sent.
fn receipt(v: Value) -> read::Sent<Receipt> {
  match v {
    // Reading an object into a model cannot fail: every value is taken as sent.
    Value::Object(_) => Ok(Receipt::deserialize(v).unwrap_or_default()),
    v => Err(v),
  }
}

/// A field that is left out of the JSON: an absent `Option`; a required field never is.
pub(crate) trait Absent {
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
pub struct Extra(pub(crate) Map<String, Value>);

impl Extra {
  /// Keeps `value` under `field`, as sent.
  pub(crate) fn insert(&mut self, field: &str, value: Value) {
    self.0.insert(field.to_owned(), value);
  }

  /// The value kept under `field`.
  pub(crate) fn get(&self, field: &str) -> Option<&Value> {
    self.0.get(field)
  }

  /// Nothing kept.
  pub(crate) fn is_empty(&self) -> bool {
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
    share_link "share_link": Option<String> = v1(text),
    #[doc = " Added in 3.0, `encrypt: true` only: `share_link` without its `#key`, to send by one"]
    #[doc = " channel while `decryption_key` goes by another (docs/E2E.md)."]
    share_link_without_key "share_link_without_key": Option<String> = client,
    #[doc = " Added in 3.0, `encrypt: true` only: the decryption key alone (43 base64url characters)."]
    #[serde(serialize_with = "serialize_secret")]
    decryption_key "decryption_key" as "string": Option<Zeroizing<String>> = client,
    #[doc = " The owner: the account's username, or `anon`."]
    custid "custid": Option<String> = v1(text),
    #[doc = " The receipt's key: `retrieveMetadata` and `burn` take it."]
    metadata_key "metadata_key": Option<String> = v1(text),
    #[doc = " The secret's key: `retrieveSecret` takes it."]
    secret_key "secret_key": Option<String> = v1(text),
    #[doc = " Seconds."]
    ttl "ttl" as "number": Option<Number> = v1(number),
    #[doc = " Seconds the receipt lives."]
    metadata_ttl "metadata_ttl" as "number": Option<Number> = v1(number),
    #[doc = " Seconds the secret has left."]
    secret_ttl "secret_ttl" as "number": Option<Number> = v1(number),
    #[doc = " In API v1's words (`new`, `viewed`, `received`, `burned`, ...)."]
    state "state": Option<String> = v1(text),
    #[doc = " Unix seconds."]
    updated "updated" as "number": Option<Number> = v1(number),
    #[doc = " Unix seconds."]
    created "created" as "number": Option<Number> = v1(number),
    #[doc = " Unix seconds: when the secret was read."]
    received "received" as "number": Option<Number> = v1(number),
    #[doc = " Obscured addresses (`a***@e***.com`)."]
    recipient "recipient": Option<Vec<String>> = v1(strings),
    #[doc = " The custom domain the secret was created on (`share_link` is on it)."]
    share_domain "share_domain": Option<String> = v1(text),
    #[doc = " Whether a passphrase is needed to read the secret."]
    passphrase_required "passphrase_required": Option<bool> = v1(flag),
    #[doc = " A generated secret's value (`generate`; API v2 `retrieveMetadata` on the creator's first view)."]
    #[serde(serialize_with = "serialize_secret")]
    value "value" as "string": Option<Zeroizing<String>> = v1(secret),
    #[doc = " API v2: the server's own state name."]
    raw_state "raw_state": Option<String> = v1(text),
    #[doc = " API v2 with the client's `raw` option: the server's whole answer."]
    raw "raw" as "unknown": Option<Raw> = v2,
  }
  // Numbers too, when a server sends them (the v0.10 docs), though the model does not name them.
  numbers in extra: "receipt_ttl", "burned";
}

impl Drop for Receipt {
  fn drop(&mut self) {
    self.share_link.zeroize();
    self.share_link_without_key.zeroize();
    self.metadata_key.zeroize();
    self.secret_key.zeroize();
  }
}

model! {
  #[doc = " The answer to `retrieveSecret`."]
  pub struct RevealedSecret {
    #[doc = " The secret; for an end-to-end encrypted secret read without its key, the envelope."]
    #[serde(serialize_with = "serialize_secret")]
    value "value" as "string": Option<Zeroizing<String>> = v1(secret),
    #[doc = " The secret's key: `retrieveSecret` takes it."]
    secret_key "secret_key": Option<String> = v1(text),
    #[doc = " `true` when the secret was end-to-end encrypted (decrypted, or the envelope)."]
    encrypted "encrypted" as "true": Option<bool> = client,
    #[doc = " API v2 with the client's `raw` option: the server's answer, without the secret."]
    raw "raw" as "unknown": Option<Raw> = v2,
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
    state "state": Option<Receipt> = v1(receipt),
    #[doc = " The burned secret's short id."]
    secret_shortkey "secret_shortkey": Option<String> = v1(text),
    #[doc = " API v2 with the client's `raw` option: the server's whole answer."]
    raw "raw" as "unknown": Option<Raw> = v2,
  }
}

model! {
  #[doc = " The answer to `secretStatus` (API v2): the secret's state without revealing it."]
  pub struct SecretStatus {
    #[doc = " In API v1's words; `unknown` when the server named none."]
    state "state": String = v2,
    #[doc = " The server's own state name."]
    raw_state "raw_state": String = v2,
    #[doc = " Whether a passphrase is needed to read the secret."]
    passphrase_required "passphrase_required": Option<bool> = v2,
    #[doc = " Seconds the secret has left."]
    secret_ttl "secret_ttl" as "number": Option<Number> = v2,
    #[doc = " With the client's `raw` option: the server's whole answer."]
    raw "raw" as "unknown": Option<Raw> = v2,
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

fn serialize_secret<S: serde::Serializer>(
  value: &Option<Zeroizing<String>>,
  s: S,
) -> Result<S::Ok, S::Error> {
  match value {
    Some(v) => s.serialize_str(v),
    None => s.serialize_none(),
  }
}
