//! The napi-rs layer: converts JS values to `ots_core` calls, hands answers (as JSON text) and
//! errors (as data) back for the JS skin to make in its own realm, and wraps the embedded server.
//! No HTTP, wire format or error mapping lives here; calls run through napi-rs's own async
//! machinery (`settle.rs`).
#![deny(clippy::all)]

#[cfg(test)]
mod answer_names;
mod calls;
mod cancel;
mod client;
mod e2e;
mod errors;
mod options;
mod settle;
mod testing;

pub use cancel::CancelToken;
pub use client::NativeClient;
pub use e2e::decrypt;
pub use testing::{start_server, EmbeddedServer};

// Rust allocations in the addon go to mimalloc: with glibc malloc, tokio's worker threads
// fragment memory under many concurrent connections and RSS creeps up (measured by
// `npm run stress`); mimalloc returns freed pages. node-rs does the same in every addon.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
