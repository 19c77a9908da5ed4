//! OneTimeSecret client core: plain Rust, usable and tested without Node.
//!
//! - [`wire`]: routes, parameter encoding and answer parsing for API v1 and v2 (no I/O).
//! - [`tls`]: which certificates a client trusts (`ca`).
//! - [`transport`]: one reqwest client per [`Client`], timeouts, cancellation, safe retries.
//! - [`client`]: the calls, as async functions that return JSON values.

pub mod client;
pub mod config;
pub mod e2e;
pub mod error;
pub mod key;
pub mod tls;
pub mod transport;
pub mod wire;

pub use client::{CallOptions, Client};
pub use config::{ApiVersion, ClientConfig, Region, RetryPolicy};
pub use error::{Error, ErrorKind, Result};
pub use tokio_util::sync::CancellationToken;
