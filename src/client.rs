//! `NativeClient`: the native half of `OneTimeSecretApi`. Each method converts its arguments, starts
//! the core call on the tokio runtime and returns a Promise; results and errors become JS values on
//! the JS thread when the call settles. Methods never throw for bad input: the Promise rejects.

use std::future::Future;
use std::sync::Arc;

use napi::bindgen_prelude::{Function, JsObjectValue, JsValue, Object, PromiseRaw, Unknown};
use napi::JsString;
use napi::{Env, ValueType};
use napi_derive::napi;
use ots_core::config::{
  normalise_base_url, ApiVersion, ClientConfig, Credentials, Region, RetryPolicy,
};
use ots_core::wire::ShareParams;
use ots_core::{CallOptions, Client, Error};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::cancel::CancelToken;
use crate::convert::{self, Bad, Res};
use crate::errors;

type JsPromise<'env> = PromiseRaw<'env, Unknown<'env>>;

#[napi]
pub struct NativeClient {
  inner: Arc<Client>,
}

fn fail(env: &Env, bad: Bad) -> napi::Error {
  match bad {
    Bad::Input(e) => errors::to_js(env, e),
    Bad::Js(e) => e,
  }
}

/// Runs `fut` on the runtime; settles on the JS thread.
///
/// The answer is serialised to JSON text on the runtime thread (and the parsed answer wiped), and
/// the JS thread turns it into a value with one `JSON.parse` call. Building the object through napi
/// instead costs one napi call per key and value on the JS thread, which was the largest single
/// cost of a call there (bench/RESULTS.md).
fn spawn<'env, F>(env: &'env Env, fut: F) -> napi::Result<JsPromise<'env>>
where
  F: Future<Output = ots_core::Result<Value>> + Send + 'static,
{
  crate::batch_settle::spawn_future_with_callback(
    env,
    async move { Ok(fut.await.map(to_json_text)) },
    |env, result| match result {
      Ok(text) => json_parse(env, &text),
      Err(e) => Err(errors::to_js(env, e)),
    },
  )
}

/// `value` as JSON text, wiped when dropped; `value` is wiped too. The buffer wipes what it leaves
/// behind whenever it grows, so no unwiped copy of a secret stays in freed memory.
fn to_json_text(mut value: Value) -> Zeroizing<String> {
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
  // A `Value` always serialises (its keys are strings).
  let _ = serde_json::to_writer(&mut buf, &value);
  ots_core::client::wipe(&mut value);
  // serde_json writes UTF-8 only; the bytes move into the String without a copy.
  Zeroizing::new(String::from_utf8(std::mem::take(&mut *buf.0)).unwrap_or_default())
}

/// `JSON.parse(text)` of this environment.
fn json_parse<'env>(env: &'env Env, text: &str) -> napi::Result<Unknown<'env>> {
  let json: Object = env.get_global()?.get_named_property("JSON")?;
  let parse: Function<JsString, Unknown> = json.get_named_property("parse")?;
  let arg = env.create_string(text)?;
  let parsed = parse.apply(json, arg)?;
  // SAFETY: the value was just created in this environment's current scope.
  Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), parsed.raw()) })
}

/// A Promise that rejects with `bad` (input errors reject; they are never thrown).
fn reject<'env>(env: &'env Env, bad: Bad) -> napi::Result<JsPromise<'env>> {
  match bad {
    Bad::Input(e) => spawn(env, async move { Err(e) }),
    Bad::Js(e) => Err(e),
  }
}

fn call_options(o: Option<&Object<'_>>, cancel: Option<&CancelToken>) -> Res<CallOptions> {
  Ok(CallOptions {
    timeout: convert::opt_duration_ms(o, "timeout")?,
    cancel: cancel.map(|c| c.token.clone()),
  })
}

fn config(
  username: &Unknown<'_>,
  password: &Unknown<'_>,
  options: &Unknown<'_>,
) -> Res<ClientConfig> {
  let mut cfg = ClientConfig::default();
  let (ut, pt) = (username.get_type()?, password.get_type()?);
  cfg.credentials = match (ut, pt) {
    // Only `OneTimeSecretApi.anonymous()` passes null for both.
    (ValueType::Null, ValueType::Null) => None,
    (ValueType::String, ValueType::String) => {
      let user = unsafe { username.cast::<String>() }?;
      let token = Zeroizing::new(unsafe { password.cast::<String>() }?);
      if user.is_empty() || token.is_empty() {
        return Err(Error::input("No username or password provided").into());
      }
      if user.contains(':') || user.chars().chain(token.chars()).any(char::is_control) {
        return Err(
          Error::input(
            "Invalid username or password: no ':' in the username and no control characters",
          )
          .into(),
        );
      }
      Some(Credentials {
        username: user,
        token,
      })
    }
    _ => return Err(Error::input("No username or password provided: both must be strings").into()),
  };
  let o = convert::options(options, "options")?;
  let o = o.as_ref();
  let url = convert::opt_string(o, "url")?;
  let region = convert::opt_string(o, "region")?;
  cfg.base_url = match (url, region) {
    (Some(_), Some(_)) => return Err(Error::input("Give either url or region, not both").into()),
    (Some(u), None) => normalise_base_url(&u)?,
    (None, Some(r)) => Region::parse(&r)?.url().to_owned(),
    (None, None) => cfg.base_url,
  };
  if let Some(v) = convert::opt_string(o, "apiVersion")? {
    cfg.api_version = ApiVersion::parse(&v)?;
  }
  if let Some(t) = convert::opt_duration_ms(o, "timeout")? {
    cfg.timeout = t;
  }
  cfg.connect_timeout = convert::opt_duration_ms(o, "connectTimeout")?;
  if let Some(n) = convert::opt_number(o, "retries", 10.0)? {
    cfg.retry = RetryPolicy {
      max_retries: n as u32,
      ..RetryPolicy::default()
    };
  }
  if let Some(ms) = convert::opt_duration_ms(o, "retryDelay")? {
    cfg.retry.base_delay = ms;
  }
  if let Some(ms) = convert::opt_duration_ms(o, "maxRetryDelay")? {
    cfg.retry.max_delay = ms;
  }
  cfg.ca_pem = convert::opt_string(o, "ca")?.map(String::into_bytes);
  cfg.proxy = convert::opt_string(o, "proxy")?;
  cfg.share_domain = convert::opt_string(o, "shareDomain")?;
  if let Some(n) = convert::opt_number(o, "maxResponseBytes", 1024.0 * 1024.0 * 1024.0)? {
    cfg.max_response_bytes = n as usize;
  }
  Ok(cfg)
}

#[napi]
impl NativeClient {
  /// Throws an `InputError` for a bad configuration (the one place that throws: a constructor).
  #[napi(constructor)]
  pub fn new(
    env: Env,
    username: Unknown,
    password: Unknown,
    options: Unknown,
  ) -> napi::Result<Self> {
    let cfg = config(&username, &password, &options).map_err(|b| fail(&env, b))?;
    let inner = Client::new(cfg).map_err(|e| errors::to_js(&env, e))?;
    Ok(NativeClient {
      inner: Arc::new(inner),
    })
  }

  #[napi(getter)]
  pub fn url(&self) -> String {
    self.inner.base_url().to_owned()
  }

  #[napi(getter)]
  pub fn api_version(&self) -> &'static str {
    match self.inner.api_version() {
      ApiVersion::V1 => "v1",
      ApiVersion::V2 => "v2",
    }
  }

  #[napi(getter)]
  pub fn anonymous(&self) -> bool {
    self.inner.is_anonymous()
  }

  #[napi(ts_return_type = "Promise<boolean>")]
  pub fn status<'env>(
    &self,
    env: &'env Env,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    self.call(
      env,
      || call_only(&options, cancel),
      |c, call| async move { c.status(&call).await },
    )
  }

  #[napi(ts_return_type = "Promise<any>")]
  pub fn share<'env>(
    &self,
    env: &'env Env,
    secret: Unknown,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    let args = || {
      let secret = convert::secret(&secret)?;
      let o = convert::options(&options, "options")?;
      let options = convert::create_options(o.as_ref())?;
      Ok((
        ShareParams { secret, options },
        call_options(o.as_ref(), cancel)?,
      ))
    };
    self.call(env, args, |c, (params, call)| async move {
      c.share(params, &call).await
    })
  }

  #[napi(ts_return_type = "Promise<any>")]
  pub fn generate<'env>(
    &self,
    env: &'env Env,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    let args = || {
      let o = convert::options(&options, "options")?;
      Ok((
        convert::create_options(o.as_ref())?,
        call_options(o.as_ref(), cancel)?,
      ))
    };
    self.call(env, args, |c, (opts, call)| async move {
      c.generate(opts, &call).await
    })
  }

  #[napi(ts_return_type = "Promise<any>")]
  pub fn retrieve_secret<'env>(
    &self,
    env: &'env Env,
    key: Unknown,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    self.call(
      env,
      || key_and_passphrase(&key, &options, cancel),
      |c, (key, passphrase, call)| async move { c.retrieve_secret(&key, passphrase, &call).await },
    )
  }

  #[napi(ts_return_type = "Promise<any>")]
  pub fn retrieve_metadata<'env>(
    &self,
    env: &'env Env,
    key: Unknown,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    self.call(
      env,
      || Ok((convert::key(&key)?, call_only(&options, cancel)?)),
      |c, (key, call)| async move { c.retrieve_metadata(&key, &call).await },
    )
  }

  #[napi(ts_return_type = "Promise<any>")]
  pub fn burn<'env>(
    &self,
    env: &'env Env,
    key: Unknown,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    self.call(
      env,
      || key_and_passphrase(&key, &options, cancel),
      |c, (key, passphrase, call)| async move { c.burn(&key, passphrase, &call).await },
    )
  }

  #[napi(ts_return_type = "Promise<any[]>")]
  pub fn recent_metadata<'env>(
    &self,
    env: &'env Env,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    self.call(
      env,
      || call_only(&options, cancel),
      |c, call| async move { c.recent_metadata(&call).await },
    )
  }

  #[napi(ts_return_type = "Promise<any>")]
  pub fn secret_status<'env>(
    &self,
    env: &'env Env,
    key: Unknown,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    self.call(
      env,
      || Ok((convert::key(&key)?, call_only(&options, cancel)?)),
      |c, (key, call)| async move { c.secret_status(&key, &call).await },
    )
  }

  #[napi(ts_return_type = "Promise<any>")]
  pub fn server_info<'env>(
    &self,
    env: &'env Env,
    options: Unknown,
    cancel: Option<&CancelToken>,
  ) -> napi::Result<JsPromise<'env>> {
    self.call(
      env,
      || call_only(&options, cancel),
      |c, call| async move { c.server_info(&call).await },
    )
  }
}

impl NativeClient {
  /// Converts the arguments with `args` (on the JS thread), then runs `run` on the runtime. Bad
  /// arguments reject the returned Promise; they are never thrown.
  fn call<'env, A, Fut>(
    &self,
    env: &'env Env,
    args: impl FnOnce() -> Res<A>,
    run: impl FnOnce(Arc<Client>, A) -> Fut,
  ) -> napi::Result<JsPromise<'env>>
  where
    Fut: Future<Output = ots_core::Result<Value>> + Send + 'static,
  {
    match args() {
      Ok(a) => spawn(env, run(self.inner.clone(), a)),
      Err(b) => reject(env, b),
    }
  }
}

/// The last argument of calls that take nothing else: `{ signal, timeout }`.
fn call_only(options: &Unknown<'_>, cancel: Option<&CancelToken>) -> Res<CallOptions> {
  let o = convert::options(options, "options")?;
  call_options(o.as_ref(), cancel)
}

/// `(key, { passphrase, signal, timeout })` of `retrieveSecret` and `burn`.
fn key_and_passphrase(
  key: &Unknown<'_>,
  options: &Unknown<'_>,
  cancel: Option<&CancelToken>,
) -> Res<(String, Option<Zeroizing<String>>, CallOptions)> {
  let key = convert::key(key)?;
  let o = convert::options(options, "options")?;
  let passphrase = convert::opt_secret_string(o.as_ref(), "passphrase")?;
  Ok((key, passphrase, call_options(o.as_ref(), cancel)?))
}
