//! `tls` in WebAssembly: the host (browser, workerd) does TLS with its own trust store, so this
//! build holds no certificates and the `ca` option is refused (crates/core/src/transport.rs).

/// Never filled in this build.
pub type Certs = Vec<Vec<u8>>;
