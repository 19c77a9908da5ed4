//! The clock and timers a call's deadline and retry waits run on: tokio's where there is a tokio
//! runtime (the addon), the host's `setTimeout` and `Date.now()` in WebAssembly (crates/wasm),
//! where there is no runtime and `std::time::Instant` does not exist.

#[cfg(not(target_arch = "wasm32"))]
pub use tokio::time::{sleep, timeout_at, Instant};

#[cfg(target_arch = "wasm32")]
pub use host::{sleep, timeout_at, Instant};

#[cfg(target_arch = "wasm32")]
mod host {
  use std::future::Future;
  use std::ops::Add;
  use std::time::Duration;

  use js_sys::{Function, Reflect};
  use wasm_bindgen::{JsCast, JsValue};

  /// Milliseconds on the host's clock.
  #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
  pub struct Instant(f64);

  impl Instant {
    pub fn now() -> Self {
      Instant(js_sys::Date::now())
    }

    fn until(self) -> Duration {
      Duration::from_secs_f64(((self.0 - js_sys::Date::now()) / 1000.0).max(0.0))
    }
  }

  impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
      Instant(self.0 + d.as_secs_f64() * 1000.0)
    }
  }

  /// The host's global function `name` (`setTimeout`, `clearTimeout`: every host has them).
  fn global(name: &str) -> Option<Function> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name))
      .ok()?
      .dyn_into()
      .ok()
  }

  /// A `setTimeout` whose timer is cleared when the wait is dropped (a call that ended sooner).
  struct Timer(JsValue);

  impl Drop for Timer {
    fn drop(&mut self) {
      if let Some(clear) = global("clearTimeout") {
        let _ = clear.call1(&JsValue::UNDEFINED, &self.0);
      }
    }
  }

  pub async fn sleep(d: Duration) {
    let Some(set) = global("setTimeout") else {
      return;
    };
    let mut timer = Timer(JsValue::UNDEFINED);
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
      let ms = JsValue::from_f64(d.as_secs_f64() * 1000.0);
      timer.0 = set
        .call2(&JsValue::UNDEFINED, &resolve, &ms)
        .unwrap_or(JsValue::UNDEFINED);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    drop(timer);
  }

  /// The deadline passed first.
  #[derive(Debug)]
  pub struct Elapsed;

  pub async fn timeout_at<F: Future>(deadline: Instant, f: F) -> Result<F::Output, Elapsed> {
    tokio::select! {
      biased;
      out = f => Ok(out),
      _ = sleep(deadline.until()) => Err(Elapsed),
    }
  }
}
