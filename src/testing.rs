//! `startServer()` for `onetimesecret-api/testing`: the embedded OTS server in the addon's runtime.

use std::sync::Arc;

use napi::bindgen_prelude::{Error, Result, Status};
use napi_derive::napi;
use ots_server::{Fault, Server, ServerOptions};
use serde_json::Value;

#[napi]
pub struct EmbeddedServer {
  inner: Arc<Server>,
}

fn invalid(what: &str, e: impl std::fmt::Display) -> Error {
  Error::new(Status::InvalidArg, format!("Invalid {what}: {e}"))
}

#[napi(ts_args_type = "options?: import('./testing').ServerOptions")]
pub async fn start_server(options: Option<Value>) -> Result<EmbeddedServer> {
  let options: ServerOptions = match options {
    None | Some(Value::Null) => ServerOptions::default(),
    Some(v) => serde_json::from_value(v).map_err(|e| invalid("server options", e))?,
  };
  let server = Server::start(options).await.map_err(|e| {
    Error::new(
      Status::GenericFailure,
      format!("Could not start the server: {e}"),
    )
  })?;
  Ok(EmbeddedServer {
    inner: Arc::new(server),
  })
}

#[napi]
impl EmbeddedServer {
  #[napi(getter)]
  pub fn url(&self) -> String {
    self.inner.url()
  }

  #[napi(getter)]
  pub fn port(&self) -> u32 {
    self.inner.addr().port() as u32
  }

  #[napi(getter)]
  pub fn username(&self) -> String {
    self.inner.username()
  }

  #[napi(getter)]
  pub fn api_key(&self) -> String {
    self.inner.api_key()
  }

  #[napi(getter)]
  pub fn generation(&self) -> &'static str {
    match self.inner.generation() {
      ots_server::Generation::V0_12 => "v0.12",
      ots_server::Generation::V0_22 => "v0.22",
      ots_server::Generation::V0_26 => "v0.26",
    }
  }

  /// Adds an account and returns its API token.
  #[napi]
  pub fn add_account(&self, email: String, token: Option<String>) -> String {
    self.inner.add_account(&email, token.as_deref())
  }

  #[napi]
  pub fn advance_clock(&self, seconds: f64) -> Result<()> {
    if !seconds.is_finite() || seconds < 0.0 {
      return Err(invalid("seconds", "expected a non-negative number"));
    }
    self.inner.advance_clock(seconds as u64);
    Ok(())
  }

  #[napi(ts_return_type = "Record<string, number>")]
  pub fn request_counts(&self) -> Value {
    Value::Object(
      self
        .inner
        .request_counts()
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect(),
    )
  }

  /// Requests received on `route` (e.g. `"POST /api/v1/secret/:key"`), or on every route.
  #[napi]
  pub fn request_count(&self, route: Option<String>) -> f64 {
    let counts = self.inner.request_counts();
    match route {
      Some(r) => counts.get(&r).copied().unwrap_or(0) as f64,
      None => counts.values().sum::<u64>() as f64,
    }
  }

  #[napi(ts_args_type = "fault: import('./testing').Fault")]
  pub fn set_fault(&self, fault: Value) -> Result<()> {
    let fault: Fault = serde_json::from_value(fault).map_err(|e| invalid("fault", e))?;
    self.inner.set_fault(fault);
    Ok(())
  }

  #[napi]
  pub fn clear_faults(&self) {
    self.inner.clear_faults();
  }

  /// Rate limiting on (`limit` requests per window and client) or off (`null`).
  #[napi]
  pub fn set_rate_limit(&self, limit: Option<u32>) {
    self.inner.set_rate_limit(limit);
  }

  #[napi]
  pub async fn close(&self) -> Result<()> {
    self.inner.close().await;
    Ok(())
  }
}
