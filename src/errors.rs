//! Errors cross to JS as data, not as instances: an `Error` whose `code` is the kind's stable code
//! (`error-kinds.json`), whose `message` is the message, and whose `otsDetails` holds the rest
//! (`status`, `serverMessage`, `cause` as text, the keys of a secret a failed call created, the
//! envelope; `thrown`: what a hostile option getter threw). The JS skin (`index.js`,
//! `testing.js`) turns it into an instance of its own copy's classes from `errors.js`, so the
//! error belongs to the realm and the copy of the package that made the call (Jest and Vitest
//! sandboxes, `jest.isolateModules`); nothing here depends on which copy loaded the addon.
//!
//! It is an `Error`, not a plain object, because napi throws only `Error`s as they are (any other
//! value would be replaced by a new `Error` built from its text); code that loads the binding
//! without the skin still gets a message and a `code`.
//!
//! Rust names no class: the test below checks that every `ErrorKind` has a row in
//! `error-kinds.json` and every row but the base class has an `ErrorKind`.

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, Status};

/// The error for `err`, as napi throws or rejects with it.
pub fn to_js(env: &Env, err: ots_core::Error) -> napi::Error {
  to_js_caused_by(env, err, None)
}

/// Like [`to_js`], with a JS value (an exception thrown while an argument was read) that becomes
/// the JS error's `cause` as it is.
pub fn to_js_caused_by(env: &Env, err: ots_core::Error, cause: Option<Unknown<'_>>) -> napi::Error {
  match build(env, &err, cause) {
    Ok(e) => e,
    // The environment could not make the objects (it is shutting down): still a clear error.
    Err(_) => napi::Error::new(
      Status::GenericFailure,
      format!("{}: {}", err.kind.code(), err.message),
    ),
  }
}

fn build(
  env: &Env,
  err: &ots_core::Error,
  cause: Option<Unknown<'_>>,
) -> napi::Result<napi::Error> {
  let mut obj = env.create_error(napi::Error::new(
    Status::GenericFailure,
    err.message.clone(),
  ))?;
  obj.set_named_property("code", err.kind.code())?;
  let mut d = Object::from_unknown(env.to_js_value(&err.js_details())?)?;
  if let Some(cause) = cause {
    d.set_named_property("thrown", cause)?;
  }
  obj.set_named_property("otsDetails", d)?;
  Ok(napi::Error::from(obj.to_unknown()))
}

#[cfg(test)]
mod tests {
  use ots_core::ErrorKind;
  use serde_json::Value;

  #[test]
  fn every_error_kind_has_a_row_in_the_table_and_every_row_a_kind() {
    let table: Value = serde_json::from_str(include_str!("../error-kinds.json")).unwrap();
    let rows = table.as_array().unwrap();
    let code = |r: &Value| r["code"].as_str().unwrap().to_owned();
    for kind in ErrorKind::ALL {
      assert!(
        rows.iter().any(|r| code(r) == kind.code()),
        "{kind:?} ({}) has no row in error-kinds.json",
        kind.code()
      );
    }
    for row in rows.iter().filter(|r| !r["parent"].is_null()) {
      assert!(
        ErrorKind::ALL.iter().any(|k| k.code() == code(row)),
        "error-kinds.json row {} has no ots_core::ErrorKind",
        code(row)
      );
    }
  }
}
