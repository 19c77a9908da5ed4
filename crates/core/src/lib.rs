//! OneTimeSecret client core: plain Rust, usable and tested without Node.
//!
//! - [`wire`]: routes, parameter encoding and answer parsing for API v1 and v2 (no I/O).
//! - [`tls`]: which certificates a client trusts (`ca`).
//! - [`transport`]: one reqwest client per [`Client`], timeouts, cancellation, safe retries.
//! - [`client`]: the calls, as async functions that return the typed models of [`answers`].
//! - [`answers`]: the results (with the `napi` feature, also declared to TypeScript by napi-rs).
//! - [`secret_buf`]: the one wiping buffer type for anything that may hold a secret.

pub mod answers;
pub mod client;
pub mod config;
pub mod e2e;
pub mod error;
pub mod key;
pub mod secret_buf;
pub mod tls;
pub mod transport;
pub mod wire;

pub use client::{CallOptions, Client};
pub use config::{ApiVersion, ClientConfig, Region, RetryPolicy};
pub use error::{CreatedSecret, Error, ErrorKind, Result};
pub use secret_buf::SecretBuf;
pub use tokio_util::sync::CancellationToken;
