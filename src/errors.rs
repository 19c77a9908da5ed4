//! Every error reaches JS as an instance of one of the classes in `errors.js`: the classes are
//! defined once per environment (main thread, each worker) and `index.js` registers their factory
//! and its settle function with [`register_env`]. Errors of a settled call are built by `index.js`
//! from (class name, message, details) when it drains the batch (`settle.rs`); errors raised
//! synchronously (a bad configuration in the constructor) are built here through the factory.
//! Either way the object is an instance of the class, so `instanceof`, `name`, `code` and `status`
//! hold.

use std::sync::Arc;

use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, Unknown};
use napi::{Env, Status};
use napi_derive::napi;
use serde_json::{json, Map, Value};

use crate::settle::Settler;

type FactoryArgs = FnArgs<(String, String, Value)>;

/// Per environment: the error factory and the settle queue.
struct EnvState {
  factory: FunctionRef<FactoryArgs, Unknown<'static>>,
  settler: Arc<Settler>,
}

#[napi(
  ts_args_type = "factory: (className: string, message: string, details: Record<string, unknown>) => Error, drain: (ids: number[], oks: boolean[], payloads: string[], messages: string[], details: Array<Record<string, unknown> | null>) => void"
)]
pub fn register_env(
  env: Env,
  factory: Function<FactoryArgs, Unknown<'static>>,
  drain: Function<'_, crate::settle::DrainArgs, Unknown<'static>>,
) -> napi::Result<()> {
  let state = EnvState {
    factory: factory.create_ref()?,
    settler: Arc::new(Settler::new(&drain)?),
  };
  env.set_instance_data(state, (), |_| {})
}

/// This environment's settle queue.
pub(crate) fn settler(env: &Env) -> napi::Result<Arc<Settler>> {
  env
    .get_instance_data::<EnvState>()?
    .map(|s| s.settler.clone())
    .ok_or_else(|| {
      napi::Error::new(
        Status::GenericFailure,
        "onetimesecret-api: load it through index.js",
      )
    })
}

pub(crate) fn details(err: &ots_core::Error) -> Value {
  let mut d = Map::new();
  d.insert("code".into(), json!(err.code()));
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
  Value::Object(d)
}

/// The JS error object for `err`, wrapped so napi throws or rejects with it.
pub fn to_js(env: &Env, err: ots_core::Error) -> napi::Error {
  match build(env, &err) {
    Ok(e) => e,
    // No factory registered (the binding was loaded without index.js) or it threw: still a clear error.
    Err(_) => napi::Error::new(
      Status::GenericFailure,
      format!("{}: {}", err.kind.class_name(), err.message),
    ),
  }
}

fn build(env: &Env, err: &ots_core::Error) -> napi::Result<napi::Error> {
  let state = env
    .get_instance_data::<EnvState>()?
    .ok_or_else(|| napi::Error::new(Status::GenericFailure, "error classes not registered"))?;
  let f = state.factory.borrow_back(env)?;
  let obj = f.call(FnArgs::from((
    err.kind.class_name().to_owned(),
    err.message.clone(),
    details(err),
  )))?;
  Ok(napi::Error::from(obj))
}
