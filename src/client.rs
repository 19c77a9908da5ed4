//! `NativeClient`: the native half of `OneTimeSecretApi`: its configuration, getters and the one
//! call path every call takes (`run`, then `settle::spawn`). The calls themselves are `calls.rs`.
//! Arguments arrive as the typed values of `options/` (a bad one throws an `InputError`, which
//! the JS skin turns into a rejection).

use std::future::Future;
use std::sync::Arc;

use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::Env;
use napi_derive::napi;
use ots_core::config::{normalise_base_url, ApiVersion, ClientConfig, Credentials, Region};
use ots_core::{Client, Error};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::options::{self, Bad, ClientOptions, Res};
use crate::settle::{self, JsPromise};

#[napi]
pub struct NativeClient {
  inner: Arc<Client>,
}

fn credentials(username: &Unknown<'_>, password: &Unknown<'_>) -> Res<Option<Credentials>> {
  let types = (
    options::type_name(username).map_err(|_| Bad::Threw("username".into()))?,
    options::type_name(password).map_err(|_| Bad::Threw("password".into()))?,
  );
  match types {
    // Only `OneTimeSecretApi.anonymous()` passes null for both.
    ("null", "null") => Ok(None),
    ("string", "string") => {
      let user = String::from_unknown(*username)?;
      let token = Zeroizing::new(String::from_unknown(*password)?);
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
      Ok(Some(Credentials {
        username: user,
        token,
      }))
    }
    _ => Err(Error::input("No username or password provided: both must be strings").into()),
  }
}

fn config(credentials: Option<Credentials>, o: Option<ClientOptions>) -> Res<ClientConfig> {
  let mut cfg = ClientConfig {
    credentials,
    ..ClientConfig::default()
  };
  let Some(o) = o else {
    return Ok(cfg);
  };
  cfg.base_url = match (o.url, o.region) {
    (Some(_), Some(_)) => return Err(Error::input("Give either url or region, not both").into()),
    (Some(u), None) => normalise_base_url(&u)?,
    (None, Some(r)) => Region::parse(&r)?.url().to_owned(),
    (None, None) => cfg.base_url,
  };
  if let Some(v) = o.api_version {
    cfg.api_version = ApiVersion::parse(&v)?;
  }
  cfg.timeout = o.timeout.unwrap_or(cfg.timeout);
  cfg.connect_timeout = o.connect_timeout;
  if let Some(n) = o.retries {
    cfg.retry.max_retries = n as u32;
  }
  cfg.retry.base_delay = o.retry_delay.unwrap_or(cfg.retry.base_delay);
  cfg.retry.max_delay = o.max_retry_delay.unwrap_or(cfg.retry.max_delay);
  cfg.ca = o.ca.unwrap_or_default();
  cfg.proxy = o.proxy;
  cfg.share_domain = o.share_domain;
  cfg.include_raw = o.raw.unwrap_or(false);
  if let Some(n) = o.max_response_bytes {
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
    #[napi(ts_arg_type = "string | null")] username: Unknown,
    #[napi(ts_arg_type = "string | null")] password: Unknown,
    options: Option<ClientOptions>,
  ) -> napi::Result<Self> {
    let cfg = credentials(&username, &password)
      .and_then(|c| config(c, options))
      .map_err(|b| options::thrown(&env, b))?;
    let inner = Client::new(cfg).map_err(|e| crate::errors::to_js(&env, e))?;
    Ok(NativeClient {
      inner: Arc::new(inner),
    })
  }

  #[napi(getter)]
  pub fn url(&self) -> String {
    self.inner.base_url().to_owned()
  }

  #[napi(getter, ts_return_type = "'v1' | 'v2'")]
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
}

impl NativeClient {
  /// The one call path: runs the core call `f` makes on the runtime and settles its Promise with
  /// the call's typed answer (`ots_core::answers`, which wipe themselves when dropped).
  pub(crate) fn run<'env, F, Fut, T>(&self, env: &'env Env, f: F) -> napi::Result<JsPromise<'env>>
  where
    F: FnOnce(Arc<Client>) -> Fut,
    Fut: Future<Output = ots_core::Result<T>> + Send + 'static,
    T: Serialize + Send + 'static,
  {
    settle::spawn(env, f(self.inner.clone()))
  }
}
