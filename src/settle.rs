//! Settling calls in batches. napi-rs's own future-to-Promise bridge creates a threadsafe function,
//! a `uv_async_t` and a cleanup hook for every call, and wakes the event loop once per call. Here
//! each environment has one threadsafe function: a finished call pushes its outcome onto a queue,
//! the first push into an empty queue schedules one drain on the JS thread, and the drain hands
//! every outcome queued by then to `index.js` in one call, which settles the Promises it created.
//! The threadsafe function is weak (it never keeps Node alive); `index.js` keeps the event loop
//! alive while it has calls in flight.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{FnArgs, Function, ToNapiValue, Unknown};
use napi::sys;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::errors::details;

/// What a finished call hands over: the answer as JSON text, or the error.
pub(crate) enum Outcome {
  Ok(Zeroizing<String>),
  Err(ots_core::Error),
}

type Queue = Arc<Mutex<Vec<(u32, Outcome)>>>;

/// `drain(ids, oks, payloads, messages, details)`: for an answer, `payload` is its JSON text; for an
/// error, `payload` is the class name and `messages`/`details` complete it.
pub type DrainArgs = FnArgs<(Vec<u32>, Vec<bool>, Vec<WipedText>, Vec<String>, Vec<Value>)>;

pub(crate) struct Settler {
  queue: Queue,
  tsfn: ThreadsafeFunction<(), Unknown<'static>, DrainArgs, napi::Status, false, true>,
}

impl Settler {
  pub(crate) fn new(drain: &Function<'_, DrainArgs, Unknown<'static>>) -> napi::Result<Self> {
    let queue: Queue = Arc::default();
    let taken = queue.clone();
    let tsfn = drain
      .build_threadsafe_function::<()>()
      .callee_handled::<false>()
      .weak::<true>()
      .build_callback(move |_ctx| {
        let batch = std::mem::take(&mut *taken.lock().unwrap_or_else(|p| p.into_inner()));
        let n = batch.len();
        let (mut ids, mut oks, mut payloads, mut messages, mut infos) = (
          Vec::with_capacity(n),
          Vec::with_capacity(n),
          Vec::with_capacity(n),
          Vec::with_capacity(n),
          Vec::with_capacity(n),
        );
        for (id, outcome) in batch {
          ids.push(id);
          match outcome {
            Outcome::Ok(text) => {
              oks.push(true);
              payloads.push(WipedText(text));
              messages.push(String::new());
              infos.push(Value::Null);
            }
            Outcome::Err(e) => {
              oks.push(false);
              payloads.push(WipedText(Zeroizing::new(e.kind.class_name().to_owned())));
              infos.push(details(&e));
              messages.push(e.message);
            }
          }
        }
        Ok(FnArgs::from((ids, oks, payloads, messages, infos)))
      })?;
    Ok(Settler { queue, tsfn })
  }

  /// Queues `outcome` for call `id`; the first outcome into an empty queue schedules a drain.
  pub(crate) fn push(&self, id: u32, outcome: Outcome) {
    let was_empty = {
      let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
      let was_empty = q.is_empty();
      q.push((id, outcome));
      was_empty
    };
    if was_empty {
      // Closing means the environment is being torn down (a worker ending): nobody is waiting.
      let _ = self.tsfn.call((), ThreadsafeFunctionCallMode::NonBlocking);
    }
  }
}

/// A JS string made from text that may hold a secret; the Rust copy is wiped once V8 has its own.
pub struct WipedText(Zeroizing<String>);

impl ToNapiValue for WipedText {
  unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
    unsafe { <&str as ToNapiValue>::to_napi_value(env, val.0.as_str()) }
  }
}
