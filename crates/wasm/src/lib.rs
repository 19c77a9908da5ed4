//! The WebAssembly build of the client (browsers, extensions, workerd and other edge runtimes):
//! the same core as the addon (wire code, answers, error mapping, end-to-end format), over the
//! host's `fetch` (reqwest's wasm backend) instead of hyper, tokio and rustls. `wasm/index.js` is
//! its JS skin, shaped as `index.js` is for the addon; this file is the `NativeClient` of
//! `src/client.rs` and `src/calls.rs` for it.
//!
//! Answers reach JS as `JSON.parse` of the core's JSON text (the addon's `settle.rs` does the
//! same); errors cross as the addon's do (an `Error` with `code` and `otsDetails`), and the skin's
//! `errors.fromNative` makes them the same classes, found by `code` in `error-kinds.json`.
//!
//! Built only for wasm32 (`npm run build:wasm`; `npm run test:rust` runs clippy on it there); on
//! other targets the crate is empty.

#![cfg(target_arch = "wasm32")]

mod options;

use std::future::Future;
use std::rc::Rc;

use js_sys::JSON;
use ots_core::config::ApiVersion;
use ots_core::e2e::calls as e2e;
use ots_core::wire::ShareParams;
use ots_core::{CancellationToken, Client, Error, ErrorKind, SecretBuf};
use wasm_bindgen::prelude::*;

use options::{Bad, Bag, Res};
use ots_core::options_table as table;

/// The error as data, as the addon hands it over (src/errors.rs): an `Error` with the kind's
/// `code`, the message, and `otsDetails` (`thrown`: what a getter threw); the skin's
/// `errors.fromNative` makes it an instance of its classes.
fn to_js(err: &Error, thrown: Option<JsValue>) -> JsValue {
  let e = js_sys::Error::new(&err.message);
  let details =
    JSON::parse(&err.js_details().to_string()).unwrap_or_else(|_| js_sys::Object::new().into());
  if let Some(thrown) = thrown {
    let _ = js_sys::Reflect::set(&details, &"thrown".into(), &thrown);
  }
  let _ = js_sys::Reflect::set(&e, &"code".into(), &err.kind.code().into());
  let _ = js_sys::Reflect::set(&e, &"otsDetails".into(), &details);
  e.into()
}

fn thrown(bad: Bad) -> JsValue {
  match bad {
    Bad::Input(e) => to_js(&e, None),
    Bad::Threw(option, cause) => to_js(
      &Error::input(format!("{option}: reading it threw (see cause)")),
      Some(cause),
    ),
  }
}

/// A call's cancellation, cancelled by the skin when the call's `AbortSignal` fires. `share()`
/// and friends take a `handle()` of it (the same token), so the skin keeps the original.
#[wasm_bindgen]
pub struct CancelToken(CancellationToken);

#[wasm_bindgen]
impl CancelToken {
  #[wasm_bindgen(constructor)]
  pub fn new() -> CancelToken {
    CancelToken(CancellationToken::new())
  }

  pub fn cancel(&self) {
    self.0.cancel();
  }

  pub fn handle(&self) -> CancelToken {
    CancelToken(self.0.clone())
  }
}

impl Default for CancelToken {
  fn default() -> Self {
    Self::new()
  }
}

/// `OneTimeSecretApi`'s client in this build.
#[wasm_bindgen]
pub struct WasmClient {
  inner: Rc<Client>,
}

/// Runs a call: its Promise settles with `JSON.parse` of the answer, or rejects with the error
/// error (as data: `to_js`).
fn run<F, T>(fut: F) -> js_sys::Promise
where
  F: Future<Output = ots_core::Result<T>> + 'static,
  T: serde::Serialize,
{
  wasm_bindgen_futures::future_to_promise(async move {
    match fut.await {
      Ok(answer) => {
        let text =
          ots_core::secret_buf::to_json(&answer).unwrap_or_else(|_| SecretBuf::copy_of(b"null"));
        JSON::parse(std::str::from_utf8(&text).unwrap_or("null"))
      }
      Err(e) => Err(to_js(&e, None)),
    }
  })
}

fn with_cancel(
  mut call: ots_core::CallOptions,
  cancel: Option<CancelToken>,
) -> ots_core::CallOptions {
  call.cancel = cancel.map(|c| c.0);
  call
}

#[wasm_bindgen]
impl WasmClient {
  /// Throws an `InputError` (or `UnsupportedError` for what this build cannot do).
  #[wasm_bindgen(constructor)]
  pub fn new(
    username: JsValue,
    password: JsValue,
    options: JsValue,
  ) -> Result<WasmClient, JsValue> {
    let cfg = options::credentials(&username, &password)
      .and_then(|c| options::config(c, &options))
      .map_err(thrown)?;
    let inner = Client::new(cfg).map_err(|e| to_js(&e, None))?;
    Ok(WasmClient {
      inner: Rc::new(inner),
    })
  }

  #[wasm_bindgen(getter)]
  pub fn url(&self) -> String {
    self.inner.base_url().to_owned()
  }

  #[wasm_bindgen(getter, js_name = apiVersion)]
  pub fn api_version(&self) -> String {
    match self.inner.api_version() {
      ApiVersion::V1 => "v1",
      ApiVersion::V2 => "v2",
    }
    .into()
  }

  #[wasm_bindgen(getter)]
  pub fn anonymous(&self) -> bool {
    self.inner.is_anonymous()
  }

  pub fn status(
    &self,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let call = with_cancel(
      options::call_options(&Bag::new(&options, "options", table::CALL).map_err(thrown)?)
        .map_err(thrown)?,
      cancel,
    );
    let c = self.inner.clone();
    Ok(run(async move { c.status(&call).await }))
  }

  pub fn share(
    &self,
    secret: JsValue,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let secret = options::secret(&secret).map_err(thrown)?;
    let (create, call, encrypt) =
      options::create_options(&options, table::SHARE).map_err(thrown)?;
    let call = with_cancel(call, cancel);
    let params = ShareParams {
      secret,
      options: create,
    };
    let c = self.inner.clone();
    Ok(run(async move {
      if encrypt {
        e2e::share(&c, params, &call).await
      } else {
        c.share(params, &call).await
      }
    }))
  }

  pub fn generate(
    &self,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let (create, call, encrypt) =
      options::create_options(&options, table::GENERATE).map_err(thrown)?;
    let call = with_cancel(call, cancel);
    let c = self.inner.clone();
    Ok(run(async move {
      if encrypt {
        let why = "the server makes the value, so it sees it";
        return Err(Error::input(format!(
          "encrypt: not available for generate ({why})"
        )));
      }
      c.generate(create, &call).await
    }))
  }

  #[wasm_bindgen(js_name = retrieveSecret)]
  pub fn retrieve_secret(
    &self,
    link_or_key: JsValue,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let link = options::link_or_key(&link_or_key).map_err(thrown)?;
    let (passphrase, call) =
      options::secret_options(&options, table::RETRIEVE_SECRET).map_err(thrown)?;
    let call = with_cancel(call, cancel);
    let c = self.inner.clone();
    Ok(run(async move {
      e2e::retrieve_secret(&c, &link, None, passphrase, &call).await
    }))
  }

  #[wasm_bindgen(js_name = retrieveMetadata)]
  pub fn retrieve_metadata(
    &self,
    key: JsValue,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let key = options::key(&key).map_err(thrown)?;
    let call = with_cancel(
      options::call_options(&Bag::new(&options, "options", table::CALL).map_err(thrown)?)
        .map_err(thrown)?,
      cancel,
    );
    let c = self.inner.clone();
    Ok(run(async move { c.retrieve_metadata(&key, &call).await }))
  }

  pub fn burn(
    &self,
    key: JsValue,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let key = options::key(&key).map_err(thrown)?;
    let (passphrase, call) = options::secret_options(&options, table::BURN).map_err(thrown)?;
    let call = with_cancel(call, cancel);
    let c = self.inner.clone();
    Ok(run(async move { c.burn(&key, passphrase, &call).await }))
  }

  #[wasm_bindgen(js_name = recentMetadata)]
  pub fn recent_metadata(
    &self,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let call = with_cancel(
      options::call_options(&Bag::new(&options, "options", table::CALL).map_err(thrown)?)
        .map_err(thrown)?,
      cancel,
    );
    let c = self.inner.clone();
    Ok(run(async move { c.recent_metadata(&call).await }))
  }

  #[wasm_bindgen(js_name = secretStatus)]
  pub fn secret_status(
    &self,
    key: JsValue,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let key = options::key(&key).map_err(thrown)?;
    let call = with_cancel(
      options::call_options(&Bag::new(&options, "options", table::CALL).map_err(thrown)?)
        .map_err(thrown)?,
      cancel,
    );
    let c = self.inner.clone();
    Ok(run(async move { c.secret_status(&key, &call).await }))
  }

  #[wasm_bindgen(js_name = serverInfo)]
  pub fn server_info(
    &self,
    options: JsValue,
    cancel: Option<CancelToken>,
  ) -> Result<js_sys::Promise, JsValue> {
    let call = with_cancel(
      options::call_options(&Bag::new(&options, "options", table::CALL).map_err(thrown)?)
        .map_err(thrown)?,
      cancel,
    );
    let c = self.inner.clone();
    Ok(run(async move { c.server_info(&call).await }))
  }
}

/// `OneTimeSecretApi.decrypt(envelope, linkOrFragment)`: local, nothing is sent.
#[wasm_bindgen]
pub fn decrypt(envelope: JsValue, link_or_fragment: JsValue) -> Result<String, JsValue> {
  let opened = (|| -> Res<zeroize::Zeroizing<String>> {
    let envelope = options::text(&envelope, "envelope")?;
    let link = options::text(&link_or_fragment, "linkOrFragment")?;
    Ok(e2e::decrypt(&envelope, &link)?)
  })();
  match opened {
    Ok(plaintext) => Ok(plaintext.as_str().to_owned()),
    Err(bad) => Err(thrown(bad)),
  }
}

/// An `UnsupportedError` for what this build cannot do (the embedded server, for one).
#[wasm_bindgen(js_name = unsupported)]
pub fn unsupported(message: String) -> JsValue {
  to_js(&Error::new(ErrorKind::Unsupported, message), None)
}
