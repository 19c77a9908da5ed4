//! `OneTimeSecretApi.decrypt(envelope, linkOrFragment)`: opens an envelope kept from an earlier
//! reveal (docs/E2E.md). Synchronous and local; the JS skin returns its result as a Promise.

use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::{Env, JsString};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::options::{self, invalid, type_name, Bad, Res};

/// A string argument, wiped when dropped (the link may hold the key), never quoted in a message.
fn text(v: Unknown<'_>, name: &str) -> Res<Zeroizing<String>> {
  match type_name(&v).map_err(|_| Bad::Threw(name.into()))? {
    "string" => Ok(Zeroizing::new(String::from_unknown(v)?)),
    t => Err(invalid(name, "a string", t).into()),
  }
}

/// The plaintext; throws `DecryptionError` (carrying the envelope) or `InputError` (a bad key).
#[napi(ts_args_type = "envelope: string, linkOrFragment: string")]
pub fn decrypt<'env>(
  env: &'env Env,
  envelope: Unknown<'env>,
  link_or_fragment: Unknown<'env>,
) -> napi::Result<JsString<'env>> {
  let opened = (|| -> Res<Zeroizing<String>> {
    let envelope = text(envelope, "envelope")?;
    let link = text(link_or_fragment, "linkOrFragment")?;
    Ok(ots_core::e2e::calls::decrypt(&envelope, &link)?)
  })();
  match opened {
    // napi copies the text into a JS string; the Rust copy is wiped when `plaintext` drops.
    Ok(plaintext) => env.create_string(&plaintext),
    Err(bad) => Err(options::thrown(env, bad)),
  }
}
