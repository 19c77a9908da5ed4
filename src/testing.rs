//! `startServer()` for `onetimesecret-api/testing`: the embedded OTS server in the addon's runtime.
//! Options are checked here, field by field, so that a bad one is an `InputError` naming it
//! (`generation: expected one of "v0.12", "v0.22", "v0.26", got "v9"`), the same wording as the
//! client's options, never a serde message.

use std::sync::Arc;

use napi::bindgen_prelude::{JsObjectValue, Object, PromiseRaw, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use ots_core::Error;
use ots_server::{Fault, FaultKind, Generation, Server, ServerOptions};
use serde_json::Value;

use crate::errors;

/// A bad argument: the message of its `InputError`, or a JS exception already pending.
enum Bad {
  Input(String),
  Js(napi::Error),
}

impl From<napi::Error> for Bad {
  fn from(e: napi::Error) -> Self {
    Bad::Js(e)
  }
}

type Res<T> = std::result::Result<T, Bad>;

fn fail(env: &Env, bad: Bad) -> napi::Error {
  match bad {
    Bad::Input(msg) => errors::to_js(env, Error::input(msg)),
    Bad::Js(e) => e,
  }
}

/// What was given, for a message: a number or a short string as it is, anything else by type.
/// (Test-server options hold no secrets; long strings are still not echoed whole.)
fn given(v: &Unknown<'_>) -> Res<String> {
  let t = v.get_type()?;
  Ok(match t {
    ValueType::Number => {
      let n = unsafe { v.cast::<f64>() }?;
      if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
      } else {
        format!("{n}")
      }
    }
    ValueType::String => {
      let s = unsafe { v.cast::<String>() }?;
      if s.chars().count() <= 20 {
        format!("{s:?}")
      } else {
        format!("a string of {} characters", s.chars().count())
      }
    }
    ValueType::Object if v.is_array()? => "array".into(),
    // `string`, `object`, `bigint`, `function`, …
    t => format!("{t:?}").to_lowercase(),
  })
}

fn bad<T>(name: &str, expected: &str, v: &Unknown<'_>) -> Res<T> {
  Err(Bad::Input(format!(
    "{name}: expected {expected}, got {}",
    given(v)?
  )))
}

fn is_nullish(v: &Unknown<'_>) -> Res<bool> {
  Ok(matches!(
    v.get_type()?,
    ValueType::Undefined | ValueType::Null
  ))
}

/// A plain object (or nothing).
fn object<'a>(v: &Unknown<'a>, name: &str) -> Res<Option<Object<'a>>> {
  if is_nullish(v)? {
    return Ok(None);
  }
  if v.get_type()? == ValueType::Object && !v.is_array()? {
    return Ok(Some(unsafe { v.cast::<Object>() }?));
  }
  bad(name, "an object", v)
}

fn string(v: &Unknown<'_>, name: &str) -> Res<String> {
  if v.get_type()? == ValueType::String {
    return Ok(unsafe { v.cast::<String>() }?);
  }
  bad(name, "a string", v)
}

/// A whole number in `min..=max`.
fn whole(v: &Unknown<'_>, name: &str, min: f64, max: f64, expected: &str) -> Res<f64> {
  if v.get_type()? == ValueType::Number {
    let n = unsafe { v.cast::<f64>() }?;
    if n.is_finite() && n.fract() == 0.0 && (min..=max).contains(&n) {
      return Ok(n);
    }
  }
  bad(name, expected, v)
}

const OPTION_NAMES: [&str; 4] = ["generation", "port", "username", "apiKey"];

fn server_options(v: &Unknown<'_>) -> Res<ServerOptions> {
  let mut options = ServerOptions::default();
  let Some(o) = object(v, "options")? else {
    return Ok(options);
  };
  for key in Object::keys(&o)? {
    if !OPTION_NAMES.contains(&key.as_str()) {
      return Err(Bad::Input(format!(
        "options: unknown option {key:?} (expected {})",
        OPTION_NAMES.join(", ")
      )));
    }
  }
  let field = |name: &str| -> Res<Option<Unknown<'_>>> {
    let v: Unknown = o.get_named_property(name)?;
    Ok(if is_nullish(&v)? { None } else { Some(v) })
  };
  if let Some(v) = field("generation")? {
    let names: Vec<String> = Generation::ALL
      .iter()
      .map(|g| format!("{:?}", g.name()))
      .collect();
    let expected = format!("one of {}", names.join(", "));
    let name = match v.get_type()? {
      ValueType::String => unsafe { v.cast::<String>() }?,
      _ => return bad("generation", &expected, &v),
    };
    options.generation = match Generation::from_name(&name) {
      Some(g) => g,
      None => return bad("generation", &expected, &v),
    };
  }
  if let Some(v) = field("port")? {
    let expected = "a whole number from 0 (any free port) to 65535";
    options.port = whole(&v, "port", 0.0, 65535.0, expected)? as u16;
  }
  if let Some(v) = field("username")? {
    options.username = string(&v, "username")?;
  }
  if let Some(v) = field("apiKey")? {
    options.api_key = string(&v, "apiKey")?;
  }
  Ok(options)
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
  let options = server_options(&options).map_err(|b| fail(env, b))?;
  let port = options.port;
  env.spawn_future_with_callback(
    async move { Ok(Server::start(options).await.map_err(|e| e.to_string())) },
    move |env, started| match started {
      Ok(server) => Ok(EmbeddedServer {
        inner: Arc::new(server),
      }),
      Err(reason) => Err(fail(
        env,
        Bad::Input(format!(
          "port: could not listen on 127.0.0.1:{port} ({reason})"
        )),
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
      let email = string(&email, "email")?;
      let token = if is_nullish(&token)? {
        None
      } else {
        Some(string(&token, "token")?)
      };
      Ok((email, token))
    };
    let (email, token) = checked().map_err(|b| fail(&env, b))?;
    Ok(self.inner.add_account(&email, token.as_deref()))
  }

  #[napi(ts_args_type = "seconds: number")]
  pub fn advance_clock(&self, env: Env, seconds: Unknown) -> napi::Result<()> {
    let expected = "a whole number of seconds >= 0";
    let s = whole(&seconds, "seconds", 0.0, 9.0e15, expected).map_err(|b| fail(&env, b))?;
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
    let fault = parse_fault(fault).map_err(|msg| fail(&env, Bad::Input(msg)))?;
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
      let expected = "a whole number of requests >= 0, or null";
      Ok(Some(
        whole(&limit, "limit", 0.0, u32::MAX as f64, expected)? as u32,
      ))
    };
    let limit = checked().map_err(|b| fail(&env, b))?;
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
