//! The napi-rs layer: converts JS values to `ots_core` calls and back, builds JS error objects, and
//! wraps the embedded server. No HTTP, wire format or error mapping lives here.
#![deny(clippy::all)]

mod cancel;
mod client;
mod convert;
mod errors;
mod testing;

pub use cancel::CancelToken;
pub use client::NativeClient;
pub use errors::register_error_factory;
pub use testing::{start_server, EmbeddedServer};
