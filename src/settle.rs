//! How a call's result reaches JS: the core's answer is serialised to JSON text on the runtime
//! thread, in a buffer that wipes what it leaves behind, and the JS thread makes one `JSON.parse`
//! call. Building the object through napi instead costs one napi call per key and value on the JS
//! thread, which was the largest single cost of a call there (bench/ANALYSIS.md).

use std::future::Future;

use napi::bindgen_prelude::{Function, JsObjectValue, Object, PromiseRaw, Unknown};
use napi::{Env, JsString};
use ots_core::SecretBuf;
use serde::Serialize;

use crate::errors;

pub type JsPromise<'env> = PromiseRaw<'env, Unknown<'env>>;

/// Runs `fut` on the runtime and returns its Promise; settles on the JS thread with the result as
/// a JS value, or rejects with the JS error for the core's error.
pub fn spawn<'env, T, F>(env: &'env Env, fut: F) -> napi::Result<JsPromise<'env>>
where
  T: Serialize + Send + 'static,
  F: Future<Output = ots_core::Result<T>> + Send + 'static,
{
  // One threadsafe function per environment instead of napi-rs's one per call (batch_settle.rs).
  crate::batch_settle::spawn_future_with_callback(
    env,
    async move { Ok(fut.await.map(|v| to_json_text(&v))) },
    |env, result| match result {
      // serde_json writes UTF-8 only.
      Ok(text) => json_parse(env, text.as_str().unwrap_or("null")),
      Err(e) => Err(errors::to_js(env, e)),
    },
  )
}

/// `value` as JSON text in the core's wiping buffer (`ots_core::SecretBuf`: it wipes every block
/// it outgrows, and itself on drop), so no unwiped copy of a secret stays in freed memory.
fn to_json_text<T: Serialize>(value: &T) -> SecretBuf {
  // Serialising the core's answers cannot fail (string keys, finite numbers); if it ever did, JS
  // would get `null`, never a panic.
  ots_core::secret_buf::to_json(value).unwrap_or_else(|_| SecretBuf::copy_of(b"null"))
}

/// `JSON.parse(text)` of this environment.
fn json_parse<'env>(env: &'env Env, text: &str) -> napi::Result<Unknown<'env>> {
  let json: Object<'env> = env.get_global()?.get_named_property("JSON")?;
  let parse: Function<'env, JsString, Unknown<'env>> = json.get_named_property("parse")?;
  parse.apply(json, env.create_string(text)?)
}
