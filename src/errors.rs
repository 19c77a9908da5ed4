//! Every error reaches JS as an instance of one of the classes in `errors.js`: the classes are
//! defined once per environment (main thread, each worker) and `index.js` hands their factory to
//! [`register_error_factory`]. Instances are built on the JS thread when a call settles, and napi
//! rejects (or throws) with exactly that object, so `instanceof`, `name`, `code` and `status` hold.
//!
//! Rust names no class: it passes the kind's stable `code`, and `errors.js` picks the class with
//! that code from `error-kinds.json`, the one table of error kinds (the test below checks that every
//! `ErrorKind` has a row and every row but the base class has an `ErrorKind`).

use napi::bindgen_prelude::{
  FnArgs, FromNapiValue, Function, FunctionRef, JsObjectValue, Object, Unknown,
};
use napi::{Env, Status};
use napi::{Property, PropertyAttributes};
use napi_derive::napi;
use serde_json::{json, Map, Value};

type FactoryArgs = FnArgs<(String, String, Value)>;

struct ErrorFactory(FunctionRef<FactoryArgs, Unknown<'static>>);

#[napi(
  ts_args_type = "factory: (code: string, message: string, details: Record<string, unknown>) => Error"
)]
pub fn register_error_factory(
  env: Env,
  factory: Function<FactoryArgs, Unknown<'static>>,
) -> napi::Result<()> {
  let reference = factory.create_ref()?;
  env.set_instance_data(ErrorFactory(reference), (), |_| {})
}

fn details(err: &ots_core::Error) -> Value {
  // No `code` here: it is the factory's first argument, and each JS class carries its own.
  let mut d = Map::new();
  if let Some(s) = err.status {
    d.insert("status".into(), json!(s));
  }
  if let Some(s) = err.intended_status {
    d.insert("intendedStatus".into(), json!(s));
  }
  if let Some(m) = &err.server_message {
    d.insert("serverMessage".into(), json!(m));
  }
  if let Some(r) = err.retry_after {
    d.insert("retryAfter".into(), json!(r));
  }
  if let Some(c) = &err.cause {
    d.insert("cause".into(), json!(c));
  }
  // v2 `generate` that created a secret but could not read its value: the caller's own keys, so
  // it can burn the secret.
  if let Some(c) = &err.created {
    d.insert("metadata_key".into(), json!(c.metadata_key));
    if let Some(k) = &c.secret_key {
      d.insert("secret_key".into(), json!(k));
    }
  }
  if let Some(e) = &err.envelope {
    d.insert("envelope".into(), json!(e.0));
  }
  Value::Object(d)
}

/// The JS error object for `err`, wrapped so napi throws or rejects with it.
pub fn to_js(env: &Env, err: ots_core::Error) -> napi::Error {
  to_js_caused_by(env, err, None)
}

/// Like [`to_js`], with a JS value as the error's `cause` (an exception thrown while an argument
/// was read), defined as `Error` defines it: own, non-enumerable.
pub fn to_js_caused_by(env: &Env, err: ots_core::Error, cause: Option<Unknown<'_>>) -> napi::Error {
  match build(env, &err, cause) {
    Ok(e) => e,
    // No factory registered (the binding was loaded without index.js) or it threw: still a clear error.
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
  let factory = env
    .get_instance_data::<ErrorFactory>()?
    .ok_or_else(|| napi::Error::new(Status::GenericFailure, "error classes not registered"))?;
  let f = factory.0.borrow_back(env)?;
  let obj = f.call(FnArgs::from((
    err.kind.code().to_owned(),
    err.message.clone(),
    details(err),
  )))?;
  if let Some(cause) = cause {
    let mut o = Object::from_unknown(obj)?;
    o.define_properties(&[Property::new()
      .with_utf8_name("cause")?
      .with_value(&cause)
      .with_property_attributes(PropertyAttributes::Writable | PropertyAttributes::Configurable)])?;
  }
  Ok(napi::Error::from(obj))
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
