//! OneTimeSecret client core: plain Rust, usable and tested without Node.
//!
//! - [`Client`]: the calls, as async functions that return the typed models of [`answers`]; each
//!   call's requests go through one reqwest client (timeouts, cancellation, safe retries).
//! - [`answers`]: the results (with the `napi` feature, also declared to TypeScript by napi-rs).
//! - [`wire`]: what the calls take ([`wire::ShareParams`], [`wire::CreateOptions`]); the routes,
//!   encodings and answer parsing of API v1 and v2 stay inside the crate (no I/O there).
//! - [`config`]: a client's settings; [`error`]: the one error type and its kinds.
//! - [`tls`]: which certificates a client trusts (`ca`); [`key`]: what a secret or receipt key
//!   may look like; [`e2e`]: end-to-end encryption.
//! - [`secret_buf`]: the one wiping buffer type for anything that may hold a secret.
//! - `rt`: the clock and timers: tokio's, or the host's in WebAssembly (`crates/wasm`), where the
//!   host's fetch, TLS and `crypto.getRandomValues` stand in for hyper, rustls and the OS.
//!
//! The consumers are the napi-rs addon (the repository's `src/`) and this crate's tests; what they
//! do not use is `pub(crate)`.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod answers;
mod client;
pub mod config;
pub mod e2e;
pub mod error;
pub mod key;
// Each option is documented by its own `doc` field, which README prints; rustdoc lines would repeat it.
#[allow(missing_docs)]
pub mod options_table;
mod rt;
pub mod secret_buf;
#[cfg_attr(target_arch = "wasm32", path = "tls_by_host.rs")]
pub mod tls;
mod transport;
pub mod wire;

pub use client::{CallOptions, Client};
pub use config::{ApiVersion, ClientConfig, Region, RetryPolicy};
pub use error::{CreatedSecret, Error, ErrorKind, Result};
pub use secret_buf::SecretBuf;
pub use tokio_util::sync::CancellationToken;
