//! What the constructor takes: the client's options object.

use std::time::Duration;

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Uint8ArraySlice, Unknown};
use napi::JsValue;
use napi_derive::napi;
use ots_core::tls::{certificates, Certs};

use super::read::{from_js, invalid, type_name, Bad, Res};
use super::table as t;
use super::Bag;

/// The constructor's options (`table::CLIENT`; `port` is accepted and ignored, as 2.1.1 did).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ClientOptions {
  pub url: Option<String>,
  pub api_version: Option<String>,
  pub region: Option<String>,
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
  #[napi(ts_type = "number")]
  pub connect_timeout: Option<Duration>,
  #[napi(ts_type = "number")]
  pub retries: Option<u64>,
  #[napi(ts_type = "number")]
  pub retry_delay: Option<Duration>,
  #[napi(ts_type = "number")]
  pub max_retry_delay: Option<Duration>,
  /// Trusted beside the roots: PEM text (a string or a Buffer), or an array of them.
  // Read into certificates by the reader below, so a bad one is named by its place (`ca[1]`).
  #[napi(ts_type = "string | Uint8Array | ReadonlyArray<string | Uint8Array>")]
  pub ca: Option<Certs>,
  pub proxy: Option<String>,
  pub share_domain: Option<String>,
  #[napi(ts_type = "number")]
  pub max_response_bytes: Option<u64>,
  pub raw: Option<bool>,
}

from_js!(ClientOptions, |v| {
  let b = Bag::new(v, "options", t::CLIENT)?;
  Ok(ClientOptions {
    url: b.string(&t::URL)?,
    api_version: b.string(&t::API_VERSION)?,
    region: b.string(&t::REGION)?,
    timeout: b.millis(&t::TIMEOUT)?,
    connect_timeout: b.millis(&t::CONNECT_TIMEOUT)?,
    retries: b.integer(&t::RETRIES_OPT)?,
    retry_delay: b.millis(&t::RETRY_DELAY)?,
    max_retry_delay: b.millis(&t::MAX_RETRY_DELAY)?,
    ca: ca(&b)?,
    proxy: b.string(&t::PROXY)?,
    share_domain: b.string(&t::SHARE_DOMAIN)?,
    max_response_bytes: b.integer(&t::MAX_RESPONSE_BYTES)?,
    raw: b.boolean(&t::RAW)?,
  })
});

/// What one PEM text may be, as Node's `tls` takes it.
const PEM_TEXT: &str = "PEM text (a string or a Buffer)";

/// `ca`: PEM text or a non-empty array of them, each holding one or more certificates. An empty
/// array is refused: Node would trust nothing at all, and adding nothing to the roots is as
/// surely a mistake (a list of files that matched none).
fn ca(b: &Bag<'_>) -> Res<Option<Certs>> {
  let Some((v, ty)) = b.get(&t::CA)? else {
    return Ok(None);
  };
  if ty != "array" {
    return pem_certificates(v, t::CA.name, &format!("{PEM_TEXT} or an array of them")).map(Some);
  }
  let list = Object::from_unknown(v)?;
  let n = list.get_array_length()?;
  if n == 0 {
    let expected = format!("{PEM_TEXT} or a non-empty array of them");
    return Err(invalid(t::CA.name, &expected, "an empty array").into());
  }
  let mut certs = Certs::new();
  for i in 0..n {
    let label = format!("{}[{i}]", t::CA.name);
    let item: Unknown<'_> = list.get_element(i).map_err(|_| Bad::Threw(label.clone()))?;
    certs.extend(pem_certificates(item, &label, PEM_TEXT)?);
  }
  Ok(Some(certs))
}

/// The certificates of one PEM text. A message says what was given and what is wrong with it,
/// never a byte of it.
fn pem_certificates(v: Unknown<'_>, label: &str, expected: &str) -> Res<Certs> {
  let (text, given) = match type_name(&v).map_err(|_| Bad::Threw(label.into()))? {
    "string" => (String::from_unknown(v)?.into_bytes(), "a string"),
    // Node's napi says a Buffer for any Uint8Array.
    "object" if v.is_typedarray()? => match Uint8ArraySlice::from_unknown(v) {
      Ok(bytes) => (bytes.to_vec(), "a Buffer"),
      Err(_) => return Err(invalid(label, expected, "another typed array").into()),
    },
    t => return Err(invalid(label, expected, t).into()),
  };
  certificates(&text).map_err(|problem| {
    let got = format!("{given} {problem}");
    invalid(
      label,
      "PEM certificates (-----BEGIN CERTIFICATE-----)",
      &got,
    )
    .into()
  })
}
