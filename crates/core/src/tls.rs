//! TLS set-up: which certificates a client trusts.

use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};

/// TLS settings: rustls (ring) with the platform verifier, which trusts the OS store, plus the web
/// roots (so a machine without CA certificates still verifies), plus a private `ca` if given.
/// Building them reads the OS store and parses every root: milliseconds that every
/// `new OneTimeSecretApi()` would pay, so clients without a private `ca` share one built once.
pub fn client_config(ca_pem: Option<&[u8]>) -> Result<rustls::ClientConfig> {
  // ring is the only provider compiled in; installing it twice is harmless.
  let _ = rustls::crypto::ring::default_provider().install_default();
  static SHARED: OnceLock<std::result::Result<rustls::ClientConfig, String>> = OnceLock::new();
  match ca_pem {
    None => SHARED
      .get_or_init(|| build_tls(Vec::new()).map_err(|e| e.cause.unwrap_or(e.message)))
      .clone()
      .map_err(|cause| Error::input("Could not set up TLS").with_cause(cause)),
    Some(pem) => {
      use rustls::pki_types::pem::PemObject;
      let certs = rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
          Error::input("Invalid ca: expected PEM certificates").with_cause(e.to_string())
        })?;
      if certs.is_empty() {
        return Err(Error::input("Invalid ca: no PEM certificate found"));
      }
      build_tls(certs)
    }
  }
}

fn build_tls(
  extra: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Result<rustls::ClientConfig> {
  let provider = Arc::new(rustls::crypto::ring::default_provider());
  let mut roots: Vec<_> = webpki_root_certs::TLS_SERVER_ROOT_CERTS.to_vec();
  roots.extend(extra);
  let fail = |e: rustls::Error| Error::input("Could not set up TLS").with_cause(e.to_string());
  let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
    .map_err(fail)?;
  Ok(
    rustls::ClientConfig::builder_with_provider(provider)
      .with_safe_default_protocol_versions()
      .map_err(fail)?
      .dangerous()
      .with_custom_certificate_verifier(Arc::new(verifier))
      .with_no_client_auth(),
  )
}
