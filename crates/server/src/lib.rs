//! A faithful, in-memory OneTimeSecret server for tests, demos and benchmarks.
//!
//! Public surface (stable: the napi layer in `src/testing.rs` and the client's tests depend on it).
//! The behaviour follows `ots-api.md` (kept next to the repository as `../shared/ots-api.md`) and
//! the real transcripts copied into `__test__/fixtures/ots-observed/`.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::Deserialize;

/// Which release line of OneTimeSecret the server imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum Generation {
  /// v0.12.1 (2024-04): API v1 only, keys of up to 31 base36 characters, old messages.
  #[serde(rename = "v0.12")]
  V0_12,
  /// v0.22.11 (2025-11): v1 + v2 (controller era), 31-character keys, `shrimp`, string-typed v2 fields.
  #[serde(rename = "v0.22")]
  V0_22,
  /// v0.26.6 (2026-08): v1 + v2 (Otto era), 62-character keys, `X-OTS-Intended-Status`, ADR-013 errors.
  #[default]
  #[serde(rename = "v0.26")]
  V0_26,
}

/// Options for [`Server::start`]. Deserialised from the JS options object (camelCase).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
    ServerOptions { generation: Generation::default(), port: 0, username: "tester@example.com".into(), api_key: String::new() }
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
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FaultKind {
  DelayHeaders { ms: u64 },
  DelayBody { ms: u64 },
  CloseBeforeResponse,
  CloseMidBody,
  Status { status: u16, #[serde(default)] html: bool },
  TruncatedJson,
  InvalidJson,
  InvalidUtf8,
  RateLimited { #[serde(default)] retry_after: Option<u64> },
  WrongContentType,
  HugeBody { bytes: usize },
}

pub struct Server {
  // filled in by the implementation
}

impl Server {
  /// Binds 127.0.0.1:`port` and serves until [`Server::close`]. Must run inside a tokio runtime.
  pub async fn start(_options: ServerOptions) -> std::io::Result<Server> {
    todo!()
  }
  pub fn addr(&self) -> SocketAddr {
    todo!()
  }
  /// `http://127.0.0.1:<port>`
  pub fn url(&self) -> String {
    format!("http://{}", self.addr())
  }
  pub fn username(&self) -> String {
    todo!()
  }
  pub fn api_key(&self) -> String {
    todo!()
  }
  pub fn generation(&self) -> Generation {
    todo!()
  }
  /// Adds (or replaces) an account; returns its API token (generated when `token` is None).
  pub fn add_account(&self, _email: &str, _token: Option<&str>) -> String {
    todo!()
  }
  /// Moves the server's clock forward; expiry happens as if that time had passed.
  pub fn advance_clock(&self, _seconds: u64) {
    todo!()
  }
  /// Requests received per route pattern (`"POST /api/v1/secret/:key"`), including faulted ones.
  pub fn request_counts(&self) -> BTreeMap<String, u64> {
    todo!()
  }
  pub fn set_fault(&self, _fault: Fault) {
    todo!()
  }
  pub fn clear_faults(&self) {
    todo!()
  }
  /// Switches rate limiting on with `limit` requests per window per (client, event), or off with None.
  pub fn set_rate_limit(&self, _limit: Option<u32>) {
    todo!()
  }
  /// Stops accepting, closes open connections, wipes every stored secret and frees the port.
  pub async fn close(&self) {
    todo!()
  }
}
