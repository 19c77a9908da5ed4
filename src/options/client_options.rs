//! What the constructor takes: the client's options object.

use std::time::Duration;

use napi_derive::napi;

use super::read::from_js;
use super::{Bag, BYTES, DELAY, RETRIES, TIMEOUT};

/// The constructor's options.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ClientOptions {
  pub url: Option<String>,
  pub api_version: Option<String>,
  pub region: Option<String>,
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
  #[napi(ts_type = "number")]
  pub connect_timeout: Option<Duration>,
  #[napi(ts_type = "number")]
  pub retries: Option<u64>,
  #[napi(ts_type = "number")]
  pub retry_delay: Option<Duration>,
  #[napi(ts_type = "number")]
  pub max_retry_delay: Option<Duration>,
  pub ca: Option<String>,
  pub proxy: Option<String>,
  pub share_domain: Option<String>,
  #[napi(ts_type = "number")]
  pub max_response_bytes: Option<u64>,
  pub raw: Option<bool>,
}

from_js!(ClientOptions, |v| {
  let b = Bag::new(v, "options")?;
  Ok(ClientOptions {
    url: b.string("url")?,
    api_version: b.string("apiVersion")?,
    region: b.string("region")?,
    timeout: b.millis("timeout", &TIMEOUT)?,
    connect_timeout: b.millis("connectTimeout", &TIMEOUT)?,
    retries: b.integer("retries", &RETRIES)?,
    retry_delay: b.millis("retryDelay", &DELAY)?,
    max_retry_delay: b.millis("maxRetryDelay", &DELAY)?,
    ca: b.string("ca")?,
    proxy: b.string("proxy")?,
    share_domain: b.string("shareDomain")?,
    max_response_bytes: b.integer("maxResponseBytes", &BYTES)?,
    raw: b.boolean("raw")?,
  })
});
