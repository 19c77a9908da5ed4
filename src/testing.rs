//! `startServer()` for `onetimesecret-api/testing`: the embedded OTS server in the addon's runtime.
//! Options are checked here, field by field, so that a bad one is an `InputError` naming it
//! (`generation: expected one of "v0.12", "v0.22", "v0.26", got "v9"`), the same wording as the
//! client's options, never a serde message.

use std::sync::Arc;

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::Env;
use napi_derive::napi;
use ots_core::Error;
use ots_server::{Fault, FaultKind, Generation, Server, ServerOptions};
use serde_json::Value;

use crate::options::table as t;
use crate::options::{number_arg, string_arg, thrown, type_name, Bad, Bag, Range, Res};
const SECONDS: Range = Range {
  min: 0.0,
  min_inclusive: true,
  max: 9.0e15,
  whole: true,
  expected: "a whole number of seconds >= 0",
};
const LIMIT: Range = Range {
  min: 0.0,
  min_inclusive: true,
  max: u32::MAX as f64,
  whole: true,
  expected: "a whole number of requests >= 0, or null",
};

/// The server's options, read with the client's option readers (one rule set, one wording).
fn server_options(v: Unknown<'_>) -> Res<ServerOptions> {
  let mut options = ServerOptions::default();
  let b = Bag::new(v, "options", t::SERVER)?;
  let names: Vec<&str> = Generation::ALL.iter().map(|g| g.name()).collect();
  if let Some(name) = b.choice(&t::SERVER_GENERATION, &names)? {
    // `choice` only returns one of the names.
    options.generation = Generation::from_name(&name).unwrap_or_default();
  }
  if let Some(port) = b.integer(&t::SERVER_PORT)? {
    options.port = port as u16;
  }
  if let Some(u) = b.string(&t::SERVER_USERNAME)? {
    options.username = u;
  }
  if let Some(k) = b.string(&t::SERVER_API_KEY)? {
    options.api_key = k;
  }
  Ok(options)
}

fn is_nullish(v: &Unknown<'_>) -> Res<bool> {
  Ok(matches!(type_name(v)?, "undefined" | "null"))
}

#[napi]
pub struct EmbeddedServer {
  inner: Arc<Server>,
}

/// Starts a server; rejects with an `InputError` naming the option that is wrong (or the port
/// that could not be listened on).
#[napi(
  ts_args_type = "options?: import('./testing').ServerOptions",
  ts_return_type = "Promise<EmbeddedServer>"
)]
pub fn start_server<'env>(
  env: &'env Env,
  options: Unknown,
) -> napi::Result<PromiseRaw<'env, EmbeddedServer>> {
  let options = server_options(options).map_err(|b| thrown(env, b))?;
  let port = options.port;
  env.spawn_future_with_callback(
    async move { Ok(Server::start(options).await.map_err(|e| e.to_string())) },
    move |env, started| match started {
      Ok(server) => Ok(EmbeddedServer {
        inner: Arc::new(server),
      }),
      Err(reason) => Err(thrown(
        env,
        Bad::Input(Error::input(format!(
          "port: could not listen on 127.0.0.1:{port} ({reason})"
        ))),
      )),
    },
  )
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

  #[napi(getter, ts_return_type = "import('./testing').Generation")]
  pub fn generation(&self) -> &'static str {
    self.inner.generation().name()
  }

  /// Adds an account and returns its API token.
  #[napi(ts_args_type = "email: string, token?: string | null")]
  pub fn add_account(&self, env: Env, email: Unknown, token: Unknown) -> napi::Result<String> {
    let checked = || -> Res<(String, Option<String>)> {
      let email = string_arg(email, "email")?;
      let token = if is_nullish(&token)? {
        None
      } else {
        Some(string_arg(token, "token")?)
      };
      Ok((email, token))
    };
    let (email, token) = checked().map_err(|b| thrown(&env, b))?;
    Ok(self.inner.add_account(&email, token.as_deref()))
  }

  #[napi(ts_args_type = "seconds: number")]
  pub fn advance_clock(&self, env: Env, seconds: Unknown) -> napi::Result<()> {
    let s = number_arg(seconds, "seconds", &SECONDS).map_err(|b| thrown(&env, b))?;
    self.inner.advance_clock(s as u64);
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
  pub fn set_fault(&self, env: Env, fault: Value) -> napi::Result<()> {
    let fault = parse_fault(fault).map_err(|msg| thrown(&env, Bad::Input(Error::input(msg))))?;
    self.inner.set_fault(fault);
    Ok(())
  }

  #[napi]
  pub fn clear_faults(&self) {
    self.inner.clear_faults();
  }

  /// Rate limiting on (`limit` requests per window and client) or off (`null`).
  #[napi(ts_args_type = "limit?: number | null")]
  pub fn set_rate_limit(&self, env: Env, limit: Unknown) -> napi::Result<()> {
    let checked = || -> Res<Option<u32>> {
      if is_nullish(&limit)? {
        return Ok(None);
      }
      Ok(Some(number_arg(limit, "limit", &LIMIT)? as u32))
    };
    let limit = checked().map_err(|b| thrown(&env, b))?;
    self.inner.set_rate_limit(limit);
    Ok(())
  }

  #[napi]
  pub async fn close(&self) -> napi::Result<()> {
    self.inner.close().await;
    Ok(())
  }
}

/// A fault from its JS object: the `kind` is checked against the list first, so that the message
/// names it; the fields of a known kind are then read by serde, whose wording stays out.
fn parse_fault(v: Value) -> Result<Fault, String> {
  let kinds = FaultKind::NAMES
    .iter()
    .map(|k| format!("{k:?}"))
    .collect::<Vec<_>>()
    .join(", ");
  let kind = match v.get("kind") {
    Some(Value::String(k)) if FaultKind::NAMES.contains(&k.as_str()) => k.clone(),
    Some(Value::String(k)) => {
      return Err(format!("fault.kind: expected one of {kinds}, got {k:?}"))
    }
    Some(_) => {
      return Err(format!(
        "fault.kind: expected one of {kinds}, got another type"
      ))
    }
    None if v.is_object() => {
      return Err(format!("fault.kind: expected one of {kinds}, got nothing"))
    }
    None => return Err("fault: expected an object".into()),
  };
  serde_json::from_value(v).map_err(|_| {
    format!(
      "fault: the fields of kind {kind:?} are wrong (see Fault in testing.d.ts: route?: string, times?: \
       whole number, and per kind ms / status / bytes: whole numbers, html: boolean, retryAfter: whole number)"
    )
  })
}
