//! Settling calls in batches: one threadsafe function per environment, shared by every call.
//!
//! napi-rs's `spawn_future_with_callback` creates a threadsafe function per call (a `uv_async_t`,
//! an env cleanup hook, a finalizer) and wakes the event loop once per settle. Here each
//! environment (main thread, each worker) has one: a finished call goes onto a queue, the first
//! one into an empty queue wakes the JS thread, and one drain settles everything queued by then.
//! The Promise is napi's own (`napi_create_promise`); the threadsafe function is referenced only
//! while calls are in flight, so it keeps Node alive exactly as long as a pending call does.
//! Measured in bench/ANALYSIS.md.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::future::Future;
use std::ptr;
use std::rc::Rc;
use std::sync::{Arc, Mutex, RwLock};

use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};
use napi::{check_status, sys, Env};

/// Turns a call's outcome into the value its Promise resolves with (or the error it rejects
/// with), on the JS thread.
type Settle = Box<dyn FnOnce(&Env) -> napi::Result<sys::napi_value> + Send>;

struct Done {
  deferred: sys::napi_deferred,
  settle: Settle,
}

// SAFETY: a `napi_deferred` is an opaque handle; it is only ever used on its environment's JS
// thread (in `drain`), never on the runtime thread that carries it there.
unsafe impl Send for Done {}

/// What runtime threads and the JS thread share for one environment.
struct Shared {
  queue: Mutex<Vec<Done>>,
  /// `None` once the environment is torn down: the threadsafe function is gone then, and a call
  /// that finishes later is dropped (there is no Promise left to settle).
  tsfn: RwLock<Option<SendTsfn>>,
}

#[derive(Clone, Copy)]
struct SendTsfn(sys::napi_threadsafe_function);
// SAFETY: napi_call_threadsafe_function may be called from any thread while the function lives;
// `Shared::tsfn` is cleared (under its write lock) before it is destroyed.
unsafe impl Send for SendTsfn {}
unsafe impl Sync for SendTsfn {}

impl Shared {
  fn push(&self, done: Done) {
    let was_empty = {
      let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
      q.push(done);
      q.len() == 1
    };
    // The first call into an empty queue schedules a drain; the drain takes the whole queue, so
    // later ones ride along. A call that finds the queue non-empty is certain to be drained.
    if was_empty {
      let tsfn = self.tsfn.read().unwrap_or_else(|p| p.into_inner());
      if let Some(t) = *tsfn {
        // SAFETY: the function is alive while `tsfn` is Some and we hold the read lock.
        unsafe {
          sys::napi_call_threadsafe_function(
            t.0,
            ptr::null_mut(),
            sys::ThreadsafeFunctionCallMode::nonblocking,
          )
        };
      }
    }
  }

  fn close(&self) {
    *self.tsfn.write().unwrap_or_else(|p| p.into_inner()) = None;
    // Nothing can be settled any more; the queued outcomes (wiped buffers) are dropped here.
    drop(std::mem::take(
      &mut *self.queue.lock().unwrap_or_else(|p| p.into_inner()),
    ));
  }
}

/// The JS-thread side of one environment.
struct Local {
  env: sys::napi_env,
  tsfn: sys::napi_threadsafe_function,
  shared: Arc<Shared>,
  in_flight: Cell<usize>,
}

thread_local! {
  // One environment per JS thread at a time (Node runs each worker on its own thread).
  static LOCAL: RefCell<Option<Rc<Local>>> = const { RefCell::new(None) };
}

fn local(env: &Env) -> napi::Result<Rc<Local>> {
  if let Some(l) = LOCAL.with(|l| l.borrow().clone()) {
    if l.env == env.raw() {
      return Ok(l);
    }
  }
  let raw = env.raw();
  let shared = Arc::new(Shared {
    queue: Mutex::new(Vec::new()),
    tsfn: RwLock::new(None),
  });
  let mut name = ptr::null_mut();
  check_status!(unsafe {
    sys::napi_create_string_utf8(raw, c"onetimesecret-api settle".as_ptr(), 24, &mut name)
  })?;
  let context = Arc::into_raw(shared.clone()) as *mut c_void;
  let mut tsfn = ptr::null_mut();
  let status = unsafe {
    sys::napi_create_threadsafe_function(
      raw,
      ptr::null_mut(),
      ptr::null_mut(),
      name,
      0,
      1,
      ptr::null_mut(),
      Some(finalize),
      context,
      Some(drain),
      &mut tsfn,
    )
  };
  if status != sys::Status::napi_ok {
    // SAFETY: the function was not created, so nothing else owns this reference.
    drop(unsafe { Arc::from_raw(context as *const Shared) });
    check_status!(status)?;
  }
  // Unreferenced until a call is in flight: an idle client does not keep Node alive.
  check_status!(unsafe { sys::napi_unref_threadsafe_function(raw, tsfn) })?;
  *shared.tsfn.write().unwrap_or_else(|p| p.into_inner()) = Some(SendTsfn(tsfn));
  // Registered after the threadsafe function's own hook, so it runs first (hooks run in reverse):
  // runtime threads stop calling the function before Node destroys it.
  check_status!(unsafe { sys::napi_add_env_cleanup_hook(raw, Some(env_teardown), context) })?;
  let l = Rc::new(Local {
    env: raw,
    tsfn,
    shared,
    in_flight: Cell::new(0),
  });
  LOCAL.with(|slot| *slot.borrow_mut() = Some(l.clone()));
  Ok(l)
}

/// Runs `fut` on the runtime and returns a Promise that settles, on the JS thread, with what
/// `callback` makes of its output: a drop-in for napi-rs's `Env::spawn_future_with_callback`.
pub fn spawn_future_with_callback<'env, T, V, F, R>(
  env: &'env Env,
  fut: F,
  callback: R,
) -> napi::Result<PromiseRaw<'env, V>>
where
  T: Send + 'static,
  V: ToNapiValue,
  F: Future<Output = napi::Result<T>> + Send + 'static,
  R: FnOnce(&'env Env, T) -> napi::Result<V> + Send + 'static,
{
  let local = local(env)?;
  let mut deferred = ptr::null_mut();
  let mut promise = ptr::null_mut();
  check_status!(unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) })?;
  if local.in_flight.get() == 0 {
    check_status!(unsafe { sys::napi_ref_threadsafe_function(env.raw(), local.tsfn) })?;
  }
  local.in_flight.set(local.in_flight.get() + 1);
  let ticket = Ticket {
    deferred,
    shared: local.shared.clone(),
  };
  // A call's future holds the whole call's state (kilobytes). Boxed once here, every later move
  // (into the task, and each change of the task's stage, which copies the whole stage) moves a
  // pointer: callgrind counted those copies at about a quarter of a call's instructions.
  let fut = Box::pin(fut);
  crate::submit::submit(async move {
    let out = fut.await;
    ticket.finish(Box::new(move |env: &Env| {
      // SAFETY: as in napi-rs's own `spawn_future_with_callback`: the callback runs on the JS
      // thread of the environment it was created for, and its value is converted at once.
      let env = unsafe { std::mem::transmute::<&Env, &'env Env>(env) };
      let v = callback(env, out?)?;
      unsafe { V::to_napi_value(env.raw(), v) }
    }));
  });
  Ok(PromiseRaw::new(env.raw(), promise))
}

/// A call's claim on its Promise. If the future never finishes (it panicked, or the runtime shut
/// down), dropping the ticket rejects the Promise instead of leaving it pending forever.
struct Ticket {
  deferred: sys::napi_deferred,
  shared: Arc<Shared>,
}

// SAFETY: see `Done`.
unsafe impl Send for Ticket {}

impl Ticket {
  fn finish(self, settle: Settle) {
    let this = std::mem::ManuallyDrop::new(self);
    // SAFETY: `this` is never used or dropped again.
    let shared = unsafe { ptr::read(&this.shared) };
    shared.push(Done {
      deferred: this.deferred,
      settle,
    });
  }
}

impl Drop for Ticket {
  fn drop(&mut self) {
    self.shared.push(Done {
      deferred: self.deferred,
      settle: Box::new(|_| {
        Err(napi::Error::new(
          napi::Status::GenericFailure,
          "onetimesecret-api: internal error: the call ended without an answer",
        ))
      }),
    });
  }
}

/// The threadsafe function's callback, on the JS thread: settles everything queued.
unsafe extern "C" fn drain(
  env: sys::napi_env,
  _js_callback: sys::napi_value,
  context: *mut c_void,
  _data: *mut c_void,
) {
  if env.is_null() {
    // The environment is being torn down: there is nothing to settle.
    return;
  }
  // SAFETY: `context` is the `Shared` this function was created with; it lives until `finalize`.
  let shared = unsafe { &*(context as *const Shared) };
  let batch = std::mem::take(&mut *shared.queue.lock().unwrap_or_else(|p| p.into_inner()));
  let n = batch.len();
  let js = Env::from_raw(env);
  for done in batch {
    let mut scope = ptr::null_mut();
    unsafe { sys::napi_open_handle_scope(env, &mut scope) };
    let result = (done.settle)(&js);
    unsafe {
      match result {
        Ok(v) => sys::napi_resolve_deferred(env, done.deferred, v),
        Err(e) => match ToNapiValue::to_napi_value(env, e) {
          Ok(v) => sys::napi_reject_deferred(env, done.deferred, v),
          Err(_) => {
            let mut msg = ptr::null_mut();
            let mut err = ptr::null_mut();
            sys::napi_create_string_utf8(env, c"Rejection failed".as_ptr(), 16, &mut msg);
            sys::napi_create_error(env, ptr::null_mut(), msg, &mut err);
            sys::napi_reject_deferred(env, done.deferred, err)
          }
        },
      };
      sys::napi_close_handle_scope(env, scope);
    }
  }
  LOCAL.with(|l| {
    if let Some(l) = l.borrow().as_ref().filter(|l| l.env == env) {
      let left = l.in_flight.get().saturating_sub(n);
      l.in_flight.set(left);
      if left == 0 {
        unsafe { sys::napi_unref_threadsafe_function(env, l.tsfn) };
      }
    }
  });
}

unsafe extern "C" fn env_teardown(context: *mut c_void) {
  // SAFETY: as in `drain`.
  let shared = unsafe { &*(context as *const Shared) };
  shared.close();
  LOCAL.with(|l| {
    let mut l = l.borrow_mut();
    if l
      .as_ref()
      .is_some_and(|l| ptr::eq(Arc::as_ptr(&l.shared), shared))
    {
      *l = None;
    }
  });
}

unsafe extern "C" fn finalize(_env: sys::napi_env, _data: *mut c_void, context: *mut c_void) {
  // SAFETY: the reference taken in `local`; the function is gone, so this is the last use.
  let shared = unsafe { Arc::from_raw(context as *const Shared) };
  shared.close();
}
