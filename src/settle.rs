//! How a call's result reaches JS: the core's answer is serialised to JSON text on the runtime
//! thread, in a buffer that wipes what it leaves behind; the Promise resolves with that text as a
//! JS string, and the JS skin (`index.js`) makes one `JSON.parse` call with its own realm's `JSON`,
//! so answers and their arrays are objects of the realm that made the call (a Jest or Vitest
//! sandbox, not Node's main one). Building the object through napi instead costs one napi call
//! per key and value on the JS thread (bench/ANALYSIS.md). A failure rejects with the error as
//! data (`errors.rs`), which the skin turns into an instance of its own classes.

use std::future::Future;

use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, JsString};
use ots_core::SecretBuf;
use serde::Serialize;

use crate::errors;

/// A call's Promise: it resolves with the answer as JSON text.
pub type JsPromise<'env> = PromiseRaw<'env, JsString<'env>>;

/// Runs `fut` on napi-rs's runtime and returns its Promise, settled on the JS thread.
pub fn spawn<'env, T, F>(env: &'env Env, fut: F) -> napi::Result<JsPromise<'env>>
where
  T: Serialize + Send + 'static,
  F: Future<Output = ots_core::Result<T>> + Send + 'static,
{
  // A call's future holds the whole call's state (kilobytes): boxed once here, every later move
  // (into the task, and each change of the task's stage) moves a pointer (bench/RESULTS.md,
  // "What was changed", item 5).
  let fut = Box::pin(fut);
  env.spawn_future_with_callback(
    async move { Ok(fut.await.map(|v| to_json_text(&v))) },
    |env, result| match result {
      // serde_json writes UTF-8 only. napi copies the text into a JS string; the buffer is wiped
      // when `text` drops.
      Ok(text) => env.create_string(text.as_str().unwrap_or("null")),
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
