//! A faithful, in-memory OneTimeSecret server for tests, demos and benchmarks.
//!
//! Public surface (stable: the napi layer in `src/testing.rs` and the client's tests depend on it).
//! The behaviour is what the real servers did in the transcripts under
//! `__test__/fixtures/ots-observed/` (replayed by `tests/transcripts.rs`); per-generation
//! differences are data in `profile.rs`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

mod app;
mod clock;
mod create;
mod faults;
mod generate;
mod http;
mod keys;
mod limits;
mod profile;
mod router;
mod store;
pub mod transcript;
mod v1;
mod v2;

pub use http::MAX_BODY;

/// Which release line of OneTimeSecret the server imitates ([`Generation::profile`] says what
/// each one does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Generation {
  /// v0.12.1 (2024-04): API v1 only, keys of up to 31 base36 characters, old messages.
  V0_12,
  /// v0.22.11 (2025-11): v1 + v2 (controller era), 31-character keys, `shrimp`, string-typed v2 fields.
  V0_22,
  /// v0.26.6 (2026-08): v1 + v2 (Otto era), 62-character keys, `X-OTS-Intended-Status`, ADR-013 errors.
  #[default]
  V0_26,
}

impl Generation {
  pub const ALL: [Generation; 3] = [Generation::V0_12, Generation::V0_22, Generation::V0_26];

  /// The name users pass (`generation: "v0.22"`, `ots serve --generation v0.22`).
  pub fn name(self) -> &'static str {
    match self {
      Generation::V0_12 => "v0.12",
      Generation::V0_22 => "v0.22",
      Generation::V0_26 => "v0.26",
    }
  }

  pub fn from_name(name: &str) -> Option<Generation> {
    Generation::ALL.into_iter().find(|g| g.name() == name)
  }
}

/// Options for [`Server::start`] (`startServer()`'s options object, checked in `src/testing.rs`).
#[derive(Debug, Clone)]
pub struct ServerOptions {
  pub generation: Generation,
  /// 0 picks a free port.
  pub port: u16,
  /// Account email used for HTTP Basic auth.
  pub username: String,
  /// API token; when empty a random one is generated.
  pub api_key: String,
}

impl Default for ServerOptions {
  fn default() -> Self {
    ServerOptions {
      generation: Generation::default(),
      port: 0,
      username: "tester@example.com".into(),
      api_key: String::new(),
    }
  }
}

/// A fault to inject, deserialised from JS (`{ kind: "closeMidBody", route: "POST /api/v1/share", times: 1 }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
  /// Route pattern as reported by request counters, e.g. `"POST /api/v1/secret/:key"`; `None` = every route.
  #[serde(default)]
  pub route: Option<String>,
  /// How many requests it applies to; `None` = until cleared.
  #[serde(default)]
  pub times: Option<u32>,
  #[serde(flatten)]
  pub kind: FaultKind,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(
  tag = "kind",
  rename_all = "camelCase",
  rename_all_fields = "camelCase"
)]
pub enum FaultKind {
  DelayHeaders {
    ms: u64,
  },
  DelayBody {
    ms: u64,
  },
  CloseBeforeResponse,
  CloseMidBody,
  Status {
    status: u16,
    #[serde(default)]
    html: bool,
  },
  TruncatedJson,
  InvalidJson,
  InvalidUtf8,
  RateLimited {
    #[serde(default)]
    retry_after: Option<u64>,
  },
  WrongContentType,
  HugeBody {
    bytes: usize,
  },
}

impl FaultKind {
  /// Every `kind` a fault can have, as JS names it (checked against the enum by a test).
  pub const NAMES: [&'static str; 11] = [
    "delayHeaders",
    "delayBody",
    "closeBeforeResponse",
    "closeMidBody",
    "status",
    "truncatedJson",
    "invalidJson",
    "invalidUtf8",
    "rateLimited",
    "wrongContentType",
    "hugeBody",
  ];
}

/// A running server. `Send + Sync`; every method but [`Server::start`] and [`Server::close`] is
/// synchronous and cheap.
pub struct Server {
  shared: Arc<app::Shared>,
  addr: SocketAddr,
  token: CancellationToken,
  tracker: TaskTracker,
  accept: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Server {
  /// Binds 127.0.0.1:`port` and serves until [`Server::close`]. Must run inside a tokio runtime.
  pub async fn start(options: ServerOptions) -> std::io::Result<Server> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    let addr = listener.local_addr()?;
    let api_key = if options.api_key.is_empty() {
      keys::token(40)
    } else {
      options.api_key.clone()
    };
    let username = if options.username.is_empty() {
      ServerOptions::default().username
    } else {
      options.username.clone()
    };
    let shared = Arc::new(app::Shared::new(options.generation, username, api_key));
    let token = CancellationToken::new();
    let tracker = TaskTracker::new();
    let handle = tokio::spawn(http::serve(
      listener,
      shared.clone(),
      token.clone(),
      tracker.clone(),
    ));
    Ok(Server {
      shared,
      addr,
      token,
      tracker,
      accept: Mutex::new(Some(handle)),
    })
  }
  pub fn addr(&self) -> SocketAddr {
    self.addr
  }
  /// `http://127.0.0.1:<port>`
  pub fn url(&self) -> String {
    format!("http://{}", self.addr())
  }
  pub fn username(&self) -> String {
    self.shared.username.clone()
  }
  pub fn api_key(&self) -> String {
    self.shared.api_key.clone()
  }
  pub fn generation(&self) -> Generation {
    self.shared.generation
  }
  /// Adds (or replaces) an account; returns its API token (generated when `token` is None).
  pub fn add_account(&self, email: &str, token: Option<&str>) -> String {
    self.shared.add_account(email, token)
  }
  /// Moves the server's clock forward; expiry happens as if that time had passed.
  pub fn advance_clock(&self, seconds: u64) {
    self.shared.clock.advance(seconds);
    let now = self.shared.clock.now();
    let mark = self.shared.generation != Generation::V0_12;
    app::lock(&self.shared.store).force_sweep(now, mark);
  }
  /// Requests received per route pattern (`"POST /api/v1/secret/:key"`), including faulted ones.
  pub fn request_counts(&self) -> BTreeMap<String, u64> {
    app::lock(&self.shared.counts)
      .iter()
      .map(|(k, v)| (k.clone(), *v))
      .collect()
  }
  pub fn set_fault(&self, fault: Fault) {
    self.shared.faults.set(fault)
  }
  pub fn clear_faults(&self) {
    self.shared.faults.clear()
  }
  /// Switches rate limiting on with `limit` requests per window per (client, event), or off with None.
  ///
  /// Before the first call the server behaves like the real one out of the box: only the passphrase
  /// brute-force limiters are active (<= v0.23 `failed_passphrase`, 5 per window per IP+custid;
  /// v0.26 lockout after 5 wrong v2 reveals, 20 overall), which the transcripts show. `Some(n)` adds
  /// a limit of `n` requests per event (create_secret, show_secret, show_metadata, burn_secret,
  /// check_status) per client and window (10 min on v0.12, 20 min later) answered with the
  /// generation's rate-limit response, and caps `failed_passphrase` at min(n, 5). `None` switches
  /// every limiter off. Each call resets the counters.
  pub fn set_rate_limit(&self, limit: Option<u32>) {
    match limit {
      Some(n) => {
        self.shared.rate_limit.store(n, Ordering::Relaxed);
        self
          .shared
          .rate_mode
          .store(app::RATE_LIMIT, Ordering::Relaxed);
      }
      None => self
        .shared
        .rate_mode
        .store(app::RATE_OFF, Ordering::Relaxed),
    }
    self.shared.clear_limiter();
  }
  /// Stops accepting, closes open connections, wipes every stored secret and frees the port.
  pub async fn close(&self) {
    self.token.cancel();
    let handle = app::lock(&self.accept).take();
    if let Some(h) = handle {
      let _ = h.await;
    }
    self.tracker.close();
    self.tracker.wait().await;
    app::lock(&self.shared.store).clear();
    self.shared.clear_limiter();
  }
}

impl Drop for Server {
  fn drop(&mut self) {
    self.token.cancel();
    if let Ok(mut s) = self.shared.store.lock() {
      s.clear();
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn assert_send_sync<T: Send + Sync>() {}

  #[test]
  fn server_is_send_sync() {
    assert_send_sync::<Server>();
  }

  #[test]
  fn every_fault_name_is_a_kind() {
    for name in FaultKind::NAMES {
      let v = serde_json::json!({"kind": name, "ms": 1, "status": 500, "bytes": 10});
      assert!(serde_json::from_value::<Fault>(v).is_ok(), "{name}");
    }
    let v = serde_json::json!({"kind": "nope"});
    assert!(serde_json::from_value::<Fault>(v).is_err());
  }

  #[test]
  fn generation_names_round_trip() {
    for g in Generation::ALL {
      assert_eq!(Generation::from_name(g.name()), Some(g));
    }
    assert_eq!(Generation::from_name("v9"), None);
  }
}
