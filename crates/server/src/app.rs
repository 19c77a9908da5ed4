//! Shared server state, the request context handed to the route handlers, and small helpers
//! (replies, auth, rate limiting) used by both API versions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use bytes::Bytes;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::faults::Faults;
use crate::keys;
use crate::store::Store;
use crate::Generation;

pub const JSON_UTF8: &str = "application/json; charset=utf-8";
pub const JSON: &str = "application/json";
pub const TEXT: &str = "text/plain";

/// What a handler answers. Turned into a hyper response (and maybe mangled by a fault) in `http.rs`.
#[derive(Debug, Clone)]
pub struct Reply {
  pub status: u16,
  pub ctype: &'static str,
  pub headers: Vec<(&'static str, String)>,
  pub body: Bytes,
}

impl Reply {
  pub fn json(status: u16, ctype: &'static str, v: &Value) -> Reply {
    let body = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    Reply {
      status,
      ctype,
      headers: Vec::new(),
      body: Bytes::from(body),
    }
  }
  pub fn raw(status: u16, ctype: &'static str, body: &'static [u8]) -> Reply {
    Reply {
      status,
      ctype,
      headers: Vec::new(),
      body: Bytes::from_static(body),
    }
  }
  pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
    self.headers.push((name, value.into()));
    self
  }
}

pub struct Account {
  pub email: String,
  pub token: Zeroizing<String>,
  pub owner_id: String,
  pub extid: String,
  /// v0.17-v0.23 CSRF token echoed as `shrimp` in action and error bodies (one per session).
  pub shrimp: String,
  pub created: f64,
}

/// Rate limiting mode (`Server::set_rate_limit`).
pub const RATE_DEFAULT: u8 = 0;
pub const RATE_OFF: u8 = 1;
pub const RATE_LIMIT: u8 = 2;

pub struct Shared {
  pub generation: Generation,
  pub clock: Clock,
  pub store: Mutex<Store>,
  pub accounts: RwLock<HashMap<String, Account>>,
  pub username: String,
  pub api_key: String,
  pub counts: Mutex<HashMap<String, u64>>,
  pub faults: Faults,
  pub rate_mode: AtomicU8,
  pub rate_limit: AtomicU32,
  limiter: Mutex<HashMap<String, (f64, u32)>>,
}

/// Locks a mutex, recovering from poisoning (a panic elsewhere must not take the server down).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
  m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
  pub fn new(generation: Generation, username: String, api_key: String) -> Shared {
    let sh = Shared {
      generation,
      clock: Clock::new(),
      store: Mutex::new(Store {
        renew_on_change: generation.profile().receipt_renewed,
        ..Store::default()
      }),
      accounts: RwLock::new(HashMap::new()),
      username: username.clone(),
      api_key: api_key.clone(),
      counts: Mutex::new(HashMap::new()),
      faults: Faults::default(),
      rate_mode: AtomicU8::new(RATE_DEFAULT),
      rate_limit: AtomicU32::new(0),
      limiter: Mutex::new(HashMap::new()),
    };
    sh.add_account(&username, Some(&api_key));
    sh
  }

  pub fn add_account(&self, email: &str, token: Option<&str>) -> String {
    let token = match token {
      Some(t) if !t.is_empty() => t.to_string(),
      _ => keys::token(40),
    };
    let acct = Account {
      email: email.to_string(),
      token: Zeroizing::new(token.clone()),
      owner_id: keys::owner_id(),
      extid: format!("ur{}", keys::token(22)),
      shrimp: keys::token(50),
      created: self.clock.now(),
    };
    let mut accounts = self.accounts.write().unwrap_or_else(|e| e.into_inner());
    accounts.insert(email.to_string(), acct);
    token
  }

  pub fn count(&self, pattern: &str) {
    let mut c = lock(&self.counts);
    match c.get_mut(pattern) {
      Some(n) => *n += 1,
      None => {
        c.insert(pattern.to_string(), 1);
      }
    }
  }

  /// Counts one `event` for `client` in a fixed window; `Some(retry_after)` once the count exceeds `limit`.
  pub fn limit_hit(
    &self,
    client: &str,
    event: &str,
    limit: u32,
    window: f64,
    now: f64,
  ) -> Option<u64> {
    let mut l = lock(&self.limiter);
    let key = format!("{client}|{event}");
    let entry = l.entry(key).or_insert((now, 0));
    if now - entry.0 >= window {
      *entry = (now, 0);
    }
    entry.1 = entry.1.saturating_add(1);
    if entry.1 > limit {
      Some(((entry.0 + window) - now).ceil().max(1.0) as u64)
    } else {
      None
    }
  }

  pub fn clear_limiter(&self) {
    lock(&self.limiter).clear();
  }

  pub fn rate_mode(&self) -> u8 {
    self.rate_mode.load(Ordering::Relaxed)
  }
}

/// Flat request parameters (query string, form body, or on v0.26 v1 a flattened JSON object).
/// Values are wiped when the request is done.
#[derive(Default)]
pub struct Params(pub Vec<(String, Zeroizing<String>)>);

impl Params {
  pub fn get(&self, name: &str) -> Option<&str> {
    self
      .0
      .iter()
      .find(|(k, _)| k == name)
      .map(|(_, v)| v.as_str())
  }
  pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    self
      .0
      .iter()
      .filter(move |(k, _)| k == name)
      .map(|(_, v)| v.as_str())
  }
  pub fn push(&mut self, k: String, v: String) {
    self.0.push((k, Zeroizing::new(v)));
  }
}

/// The Authorization header as received.
pub enum AuthHeader {
  None,
  Basic(String, Zeroizing<String>),
  /// Present but unusable: reason code for the v0.26 v2 401 body.
  Bad(&'static str),
}

/// Who the caller is after checking credentials.
pub enum Caller {
  Anonymous,
  Account {
    email: String,
    owner_id: String,
    shrimp: String,
  },
  /// Credentials were sent and are wrong (never downgraded to anonymous in v1).
  Invalid(&'static str),
}

impl Caller {
  pub fn email(&self) -> Option<&str> {
    match self {
      Caller::Account { email, .. } => Some(email),
      _ => None,
    }
  }
  pub fn is_auth(&self) -> bool {
    matches!(self, Caller::Account { .. })
  }
}

pub struct Ctx<'a> {
  pub sh: &'a Shared,
  pub gen: Generation,
  pub now: f64,
  /// The id from the path (`:key` / `:id`), percent-decoded.
  pub key: String,
  pub params: Params,
  pub json: Option<Value>,
  pub auth: AuthHeader,
  /// `http://host[:port]` as the client addressed us (links are built from it, like the real server).
  pub base: String,
  pub client_ip: String,
}

impl Ctx<'_> {
  pub fn caller(&self) -> Caller {
    match &self.auth {
      AuthHeader::None => Caller::Anonymous,
      AuthHeader::Bad(r) => Caller::Invalid(r),
      AuthHeader::Basic(user, token) => {
        if user.is_empty() || token.is_empty() {
          return Caller::Invalid("CREDENTIALS_FORMAT_INVALID");
        }
        let accounts = self.sh.accounts.read().unwrap_or_else(|e| e.into_inner());
        let found = accounts.get(user.as_str()).or_else(|| {
          // v0.24+: the customer extid works as the username too.
          if self.gen.profile().extid_login {
            accounts.values().find(|a| a.extid == *user)
          } else {
            None
          }
        });
        match found {
          Some(a) if crate::store::ct_eq(a.token.as_bytes(), token.as_bytes()) => Caller::Account {
            email: a.email.clone(),
            owner_id: a.owner_id.clone(),
            shrimp: a.shrimp.clone(),
          },
          _ => Caller::Invalid("CREDENTIALS_INVALID"),
        }
      }
    }
  }

  /// The client key of the <= v0.23 limiter (IP + custid).
  pub fn limiter_client(&self, caller: &Caller) -> String {
    format!("{}:{}", self.client_ip, caller.email().unwrap_or("anon"))
  }

  /// Window of the rate limiter.
  pub fn window(&self) -> f64 {
    self.gen.profile().rate_window
  }

  /// General (opt-in) rate limiting: `Some(retry_after)` when `set_rate_limit(Some(n))` is on and the
  /// caller exceeded `n` requests of this event in the window.
  pub fn general_limit(&self, caller: &Caller, event: &str) -> Option<u64> {
    if self.sh.rate_mode() != RATE_LIMIT {
      return None;
    }
    let n = self.sh.rate_limit.load(Ordering::Relaxed);
    let client = if self.gen.profile().limiter_per_ip {
      self.client_ip.clone()
    } else {
      self.limiter_client(caller)
    };
    self
      .sh
      .limit_hit(&client, event, n, self.window(), self.now)
  }

  /// The <= v0.23 `failed_passphrase` limiter (5 per window per IP+custid): counts one failure and
  /// says whether the caller is now over the limit. Off when rate limiting is switched off.
  pub fn failed_passphrase(&self, caller: &Caller) -> bool {
    if self.sh.rate_mode() == RATE_OFF {
      return false;
    }
    let limit = match self.sh.rate_mode() {
      RATE_LIMIT => self.sh.rate_limit.load(Ordering::Relaxed).min(5),
      _ => 5,
    };
    self
      .sh
      .limit_hit(
        &self.limiter_client(caller),
        "failed_passphrase",
        limit,
        self.window(),
        self.now,
      )
      .is_some()
  }

  pub fn shrimp(&self, caller: &Caller) -> String {
    match caller {
      Caller::Account { shrimp, .. } => shrimp.clone(),
      _ => keys::token(50),
    }
  }

  /// A v2 field: nested under `secret` (JSON `{"secret":{..}}` or form `secret[name]=`), as v0.19+ takes it.
  pub fn nested(&self, name: &str) -> Option<String> {
    if let Some(Value::Object(top)) = &self.json {
      if let Some(Value::Object(inner)) = top.get("secret") {
        if let Some(v) = inner.get(name) {
          return scalar(v);
        }
      }
    }
    let form_key = format!("secret[{name}]");
    self.params.get(&form_key).map(str::to_string)
  }

  /// A top-level v2 field (`passphrase`, `continue`), JSON body first, then form/query.
  pub fn top(&self, name: &str) -> Option<String> {
    if let Some(Value::Object(top)) = &self.json {
      if let Some(v) = top.get(name) {
        return scalar(v);
      }
    }
    self.params.get(name).map(str::to_string)
  }
}

/// A JSON scalar as the string Rack would have seen.
pub fn scalar(v: &Value) -> Option<String> {
  match v {
    Value::String(s) => Some(s.clone()),
    Value::Number(n) => Some(n.to_string()),
    Value::Bool(b) => Some(b.to_string()),
    Value::Null => None,
    Value::Array(_) | Value::Object(_) => None,
  }
}

/// Unix seconds as an integer JSON value.
pub fn int(t: f64) -> Value {
  Value::from(t.floor() as i64)
}

/// Unix seconds as a float JSON value (v0.26 v2 `created`/`updated`).
pub fn float(t: f64) -> Value {
  serde_json::Number::from_f64((t * 1e6).round() / 1e6)
    .map(Value::Number)
    .unwrap_or(Value::Null)
}

/// Integer rendered as a string (Familia v1 stored everything as strings: v0.22 v2 retrievals).
pub fn sint(t: f64) -> Value {
  Value::String((t.floor() as i64).to_string())
}

/// `Some(t)` as an int, `None` as null.
pub fn opt_int(t: Option<f64>) -> Value {
  t.map(int).unwrap_or(Value::Null)
}
