//! How a call's result reaches JS: the core's answer is serialised to JSON text on the runtime
//! thread, in a buffer that wipes what it leaves behind, and the JS thread makes one `JSON.parse`
//! call. Building the object through napi instead costs one napi call per key and value on the JS
//! thread, which was the largest single cost of a call there (bench/ANALYSIS.md).

use std::future::Future;

use napi::bindgen_prelude::{Function, JsObjectValue, Object, PromiseRaw, Unknown};
use napi::{Env, JsString};
use serde::Serialize;
use zeroize::Zeroizing;

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
      Ok(text) => json_parse(env, &text),
      Err(e) => Err(errors::to_js(env, e)),
    },
  )
}

/// `value` as JSON text, wiped when dropped. The buffer wipes what it leaves behind whenever it
/// grows, so no unwiped copy of a secret stays in freed memory.
fn to_json_text<T: Serialize>(value: &T) -> Zeroizing<String> {
  struct WipingBuf(Zeroizing<Vec<u8>>);
  impl std::io::Write for WipingBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
      let need = self.0.len() + b.len();
      if need > self.0.capacity() {
        let mut grown = Zeroizing::new(Vec::with_capacity(need.max(self.0.capacity() * 2)));
        grown.extend_from_slice(&self.0);
        // The old buffer is wiped when `Zeroizing` drops it.
        self.0 = grown;
      }
      self.0.extend_from_slice(b);
      Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
      Ok(())
    }
  }
  let mut buf = WipingBuf(Zeroizing::new(Vec::with_capacity(1024)));
  // Serialising the core's answers cannot fail (string keys, finite numbers); if it ever did, JS
  // would get `null`, never a panic.
  if serde_json::to_writer(&mut buf, value).is_err() {
    return Zeroizing::new("null".into());
  }
  // serde_json writes UTF-8 only; the bytes move into the String without a copy.
  Zeroizing::new(String::from_utf8(std::mem::take(&mut *buf.0)).unwrap_or_default())
}

/// `JSON.parse(text)` of this environment.
fn json_parse<'env>(env: &'env Env, text: &str) -> napi::Result<Unknown<'env>> {
  let json: Object<'env> = env.get_global()?.get_named_property("JSON")?;
  let parse: Function<'env, JsString, Unknown<'env>> = json.get_named_property("parse")?;
  parse.apply(json, env.create_string(text)?)
}
