//! Shared server state, the request context handed to the route handlers, and what both API
//! versions ask of it (who the caller is, rate limiting, request fields).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use serde_json::Value;
use zeroize::Zeroizing;

use crate::auth::{AuthHeader, Caller};
use crate::clock::Clock;
use crate::faults::Faults;
use crate::keys;
use crate::limits::note_failure;
use crate::profile::{Generation, PassphraseGuard, Profile};
use crate::store::{ct_eq, SecretRec, Store};

pub(crate) struct Account {
  pub(crate) email: String,
  pub(crate) token: Zeroizing<String>,
  pub(crate) owner_id: String,
  pub(crate) extid: String,
  /// v0.17-v0.23 CSRF token echoed as `shrimp` in action and error bodies (one per session).
  pub(crate) shrimp: String,
  pub(crate) created: f64,
}

/// Rate limiting mode (`Server::set_rate_limit`).
pub(crate) const RATE_DEFAULT: u8 = 0;
pub(crate) const RATE_OFF: u8 = 1;
pub(crate) const RATE_LIMIT: u8 = 2;

pub(crate) struct Shared {
  pub(crate) generation: Generation,
  pub(crate) profile: &'static Profile,
  pub(crate) clock: Clock,
  pub(crate) store: Mutex<Store>,
  pub(crate) accounts: RwLock<HashMap<String, Account>>,
  pub(crate) username: String,
  pub(crate) api_key: String,
  pub(crate) counts: Mutex<HashMap<String, u64>>,
  pub(crate) faults: Faults,
  pub(crate) rate_mode: AtomicU8,
  pub(crate) rate_limit: AtomicU32,
  limiter: Mutex<HashMap<String, (f64, u32)>>,
}

/// Locks a mutex, recovering from poisoning (a panic elsewhere must not take the server down).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
  m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
  pub(crate) fn new(
    generation: Generation,
    profile: &'static Profile,
    username: String,
    api_key: String,
  ) -> Shared {
    let sh = Shared {
      generation,
      profile,
      clock: Clock::new(),
      store: Mutex::new(Store {
        renew_on_change: profile.receipt_renewed,
        marks_expired: profile.marks_expired,
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

  pub(crate) fn add_account(&self, email: &str, token: Option<&str>) -> String {
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

  pub(crate) fn count(&self, pattern: &str) {
    let mut c = lock(&self.counts);
    match c.get_mut(pattern) {
      Some(n) => *n += 1,
      None => {
        c.insert(pattern.to_string(), 1);
      }
    }
  }

  /// Counts one `event` for `client` in a fixed window; `Some(retry_after)` once the count exceeds `limit`.
  pub(crate) fn limit_hit(
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

  pub(crate) fn clear_limiter(&self) {
    lock(&self.limiter).clear();
  }

  pub(crate) fn rate_mode(&self) -> u8 {
    self.rate_mode.load(Ordering::Relaxed)
  }
}

/// Flat request parameters (query string, form body, or on v0.26 v1 a flattened JSON object).
/// Values are wiped when the request is done.
#[derive(Default)]
pub(crate) struct Params(pub Vec<(String, Zeroizing<String>)>);

impl Params {
  pub(crate) fn get(&self, name: &str) -> Option<&str> {
    self
      .0
      .iter()
      .find(|(k, _)| k == name)
      .map(|(_, v)| v.as_str())
  }
  pub(crate) fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    self
      .0
      .iter()
      .filter(move |(k, _)| k == name)
      .map(|(_, v)| v.as_str())
  }
  pub(crate) fn push(&mut self, k: String, v: String) {
    self.0.push((k, Zeroizing::new(v)));
  }
}

pub(crate) struct Ctx<'a> {
  pub(crate) sh: &'a Shared,
  /// What the server's generation does.
  pub(crate) profile: &'static Profile,
  pub(crate) now: f64,
  /// The id from the path (`:key` / `:id`), percent-decoded.
  pub(crate) key: String,
  pub(crate) params: Params,
  pub(crate) json: Option<Value>,
  pub(crate) auth: AuthHeader,
  /// `http://host[:port]` as the client addressed us (links are built from it, like the real server).
  pub(crate) base: String,
  pub(crate) client_ip: String,
}

impl Ctx<'_> {
  pub(crate) fn caller(&self) -> Caller {
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
          if self.profile.extid_login {
            accounts.values().find(|a| a.extid == *user)
          } else {
            None
          }
        });
        match found {
          Some(a) if ct_eq(a.token.as_bytes(), token.as_bytes()) => Caller::Account {
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
  pub(crate) fn limiter_client(&self, caller: &Caller) -> String {
    format!("{}:{}", self.client_ip, caller.email().unwrap_or("anon"))
  }

  /// Window of the rate limiter.
  pub(crate) fn window(&self) -> f64 {
    self.profile.rate_window
  }

  /// General (opt-in) rate limiting: `Some(retry_after)` when `set_rate_limit(Some(n))` is on and the
  /// caller exceeded `n` requests of this event in the window.
  pub(crate) fn general_limit(&self, caller: &Caller, event: &str) -> Option<u64> {
    if self.sh.rate_mode() != RATE_LIMIT {
      return None;
    }
    let n = self.sh.rate_limit.load(Ordering::Relaxed);
    let client = if self.profile.limiter_per_ip {
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
  pub(crate) fn failed_passphrase(&self, caller: &Caller) -> bool {
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

  /// Counts a wrong passphrase for `secret` by the generation's rule (`Profile::passphrase_guard`);
  /// true when the caller is now over the limit and gets the rate-limited answer instead.
  /// `v2_reveal`: a v2 reveal, which the per-secret rule counts in its own tier too.
  pub(crate) fn wrong_passphrase(
    &self,
    caller: &Caller,
    secret: &mut SecretRec,
    v2_reveal: bool,
  ) -> bool {
    match self.profile.passphrase_guard {
      PassphraseGuard::PerSecret => {
        if self.sh.rate_mode() != RATE_OFF {
          note_failure(secret, self.now, v2_reveal);
        }
        false
      }
      PassphraseGuard::PerCaller => self.failed_passphrase(caller),
    }
  }

  /// A v2 field: nested under `secret` (JSON `{"secret":{..}}` or form `secret[name]=`), as v0.19+ takes it.
  pub(crate) fn nested(&self, name: &str) -> Option<String> {
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
  pub(crate) fn top(&self, name: &str) -> Option<String> {
    if let Some(Value::Object(top)) = &self.json {
      if let Some(v) = top.get(name) {
        return scalar(v);
      }
    }
    self.params.get(name).map(str::to_string)
  }
}

/// A JSON scalar as the string Rack would have seen.
pub(crate) fn scalar(v: &Value) -> Option<String> {
  match v {
    Value::String(s) => Some(s.clone()),
    Value::Number(n) => Some(n.to_string()),
    Value::Bool(b) => Some(b.to_string()),
    Value::Null => None,
    Value::Array(_) | Value::Object(_) => None,
  }
}
