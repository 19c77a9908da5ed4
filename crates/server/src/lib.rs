//! A faithful, in-memory OneTimeSecret server for tests, demos and benchmarks.
//!
//! Public surface (stable: the napi layer in `src/testing.rs` and the client's tests depend on it):
//! [`Server`], [`ServerOptions`], [`Generation`], [`Fault`] / [`FaultKind`], [`MAX_BODY`] and
//! [`transcript`]. The behaviour is what the real servers did in the transcripts under
//! `__test__/fixtures/ots-observed/` (replayed by `tests/transcripts.rs`); what differs between
//! generations is data, one `Profile` per generation in `profile.rs`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

mod app;
mod auth;
mod clock;
mod create;
mod faults;
mod generate;
mod http;
mod keys;
mod limits;
mod profile;
mod replies;
mod reply;
mod router;
mod store;
pub mod transcript;
mod v1;
mod v2;

pub use faults::{Fault, FaultKind};
pub use http::MAX_BODY;
pub use profile::Generation;

/// Options for [`Server::start`] (`startServer()`'s options object, checked in `src/testing.rs`).
/// Not `#[non_exhaustive]`: callers write it as a literal ending in `..ServerOptions::default()`,
/// which keeps working when a field is added.
#[derive(Debug, Clone)]
pub struct ServerOptions {
  /// The release to imitate.
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
    Server::start_with(options.generation.profile(), options).await
  }

  /// [`Server::start`] with any profile (a test can try a generation before it has a name).
  pub(crate) async fn start_with(
    profile: &'static profile::Profile,
    options: ServerOptions,
  ) -> std::io::Result<Server> {
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
    let shared = Arc::new(app::Shared::new(
      options.generation,
      profile,
      username,
      api_key,
    ));
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
  /// The address it listens on (127.0.0.1).
  pub fn addr(&self) -> SocketAddr {
    self.addr
  }
  /// `http://127.0.0.1:<port>`
  pub fn url(&self) -> String {
    format!("http://{}", self.addr())
  }
  /// The account's email (HTTP Basic user name).
  pub fn username(&self) -> String {
    self.shared.username.clone()
  }
  /// The account's API token.
  pub fn api_key(&self) -> String {
    self.shared.api_key.clone()
  }
  /// The generation it imitates.
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
    app::lock(&self.shared.store).force_sweep(now);
  }
  /// Requests received per route pattern (`"POST /api/v1/secret/:key"`), including faulted ones.
  pub fn request_counts(&self) -> BTreeMap<String, u64> {
    app::lock(&self.shared.counts)
      .iter()
      .map(|(k, v)| (k.clone(), *v))
      .collect()
  }
  /// Adds a fault; the most recently added one that matches a request applies.
  pub fn set_fault(&self, fault: Fault) {
    self.shared.faults.set(fault)
  }
  /// Removes every fault.
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
  fn generation_names_round_trip() {
    for g in Generation::ALL {
      assert_eq!(Generation::from_name(g.name()), Some(g));
    }
    assert_eq!(Generation::from_name("v9"), None);
  }
}
