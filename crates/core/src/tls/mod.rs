//! TLS: which server certificates a client trusts, and why a refused one was refused.
//!
//! Node users reach self-hosted servers three ways, and each is honoured as Node's `https` honours it:
//! - the `ca` option, including a self-signed server certificate made the usual way
//!   (`openssl req -x509`, which marks it `CA:TRUE`);
//! - `NODE_EXTRA_CA_CERTS`, a PEM file read once per process;
//! - `NODE_TLS_REJECT_UNAUTHORIZED=0`, which turns verification off (the JS skin prints Node's
//!   warning).
//!
//! Verification itself is rustls' (ring, webpki, the platform verifier); this module only chooses
//! the roots (here), adds one rule webpki lacks (`verifier.rs`) and puts a refusal into plain
//! words (`refusal.rs`). No cryptography is written here.
//!
//! Making a client never fails because the certificate machinery cannot start:
//! - a client whose requests are all plain HTTP sets nothing up ([`plain_http_config`]);
//! - where the platform verifier cannot start (seen under Wine: Windows' certificate chain engine
//!   refuses its set-up with "Invalid parameter"), certificates are verified by webpki over the
//!   bundled web roots (the Mozilla roots, which Node itself trusts by default),
//!   `NODE_EXTRA_CA_CERTS` and `ca`, and every refusal says so and names the cause.

mod pem;
mod refusal;
mod verifier;

use std::sync::{Arc, OnceLock};

use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::error::{Error, Result};
pub use pem::{certificates, Certs, PemProblem};
pub use refusal::refusal;
use verifier::{algorithms, Trust, Verifier};

/// Node's variable: a PEM file of extra trusted certificates, read once per process.
pub const EXTRA_CA_VAR: &str = "NODE_EXTRA_CA_CERTS";
/// Node's variable: `0` turns certificate verification off for the whole process.
pub const REJECT_UNAUTHORIZED_VAR: &str = "NODE_TLS_REJECT_UNAUTHORIZED";

/// The TLS settings for a client that trusts `ca` (from [`certificates`]) beside the roots.
///
/// Building them reads the OS store and parses every root: milliseconds that every
/// `new OneTimeSecretApi()` would pay, so clients without a private `ca` share one built once.
pub fn client_config(ca: &[CertificateDer<'static>]) -> Result<rustls::ClientConfig> {
  // ring is the only provider compiled in; installing it twice is harmless.
  let _ = rustls::crypto::ring::default_provider().install_default();
  // Node reads this variable on every connection; a client's TLS settings are fixed when it is
  // made, so it is read here (the JS skin warns at the same moment).
  if std::env::var_os(REJECT_UNAUTHORIZED_VAR).is_some_and(|v| v == "0") {
    return build(Arc::new(Verifier::with(Trust::Any)));
  }
  static SHARED: OnceLock<std::result::Result<rustls::ClientConfig, String>> = OnceLock::new();
  if !ca.is_empty() {
    return verified(ca.to_vec());
  }
  SHARED
    .get_or_init(|| verified(Vec::new()).map_err(|e| e.cause.unwrap_or(e.message)))
    .clone()
    .map_err(|cause| Error::input("Could not set up TLS").with_cause(cause))
}

/// The TLS settings for a client whose every request is plain HTTP (an `http://` url and no
/// `https://` proxy): no roots are read and no verifier is started, so nothing about the machine's
/// certificates can stop such a client from being made. A handshake is refused (none can happen:
/// redirects never leave the url's origin).
pub fn plain_http_config() -> Result<rustls::ClientConfig> {
  #[cfg(test)]
  tests::PLAIN_HTTP_CONFIGS.with(|n| n.set(n.get() + 1));
  build(Arc::new(Verifier::with(Trust::PlainHttpOnly)))
}

fn build(verifier: Arc<dyn ServerCertVerifier>) -> Result<rustls::ClientConfig> {
  let provider = Arc::new(rustls::crypto::ring::default_provider());
  Ok(
    rustls::ClientConfig::builder_with_provider(provider)
      .with_safe_default_protocol_versions()
      .map_err(setup_failed)?
      .dangerous()
      .with_custom_certificate_verifier(verifier)
      .with_no_client_auth(),
  )
}

fn setup_failed(e: rustls::Error) -> Error {
  Error::input("Could not set up TLS").with_cause(e.to_string())
}

/// Verification on: the OS store, the web roots (so a machine without CA certificates still
/// verifies), `NODE_EXTRA_CA_CERTS` and the private `ca` (added to the roots, as
/// `NODE_EXTRA_CA_CERTS` is; Node's `ca` replaces its roots instead).
fn verified(ca: Certs) -> Result<rustls::ClientConfig> {
  #[cfg(test)]
  tests::VERIFIED_CONFIGS.with(|n| n.set(n.get() + 1));
  let (verifier, problem) = verifier(ca, |roots, provider| {
    rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
  })?;
  if let Some(problem) = problem {
    let _ = NO_PLATFORM_VERIFIER.set(problem);
  }
  build(Arc::new(verifier))
}

/// Why the platform verifier is not used, once it could not start: every refusal says it.
static NO_PLATFORM_VERIFIER: OnceLock<String> = OnceLock::new();

fn no_platform_verifier() -> Option<&'static str> {
  NO_PLATFORM_VERIFIER.get().map(String::as_str)
}

type StartPlatform = fn(
  Certs,
  Arc<rustls::crypto::CryptoProvider>,
) -> std::result::Result<rustls_platform_verifier::Verifier, rustls::Error>;

/// The verifier over the roots, and why the platform's is not used when it could not start
/// (then webpki verifies over the same roots, without the OS store).
fn verifier(ca: Certs, start_platform: StartPlatform) -> Result<(Verifier, Option<String>)> {
  let provider = Arc::new(rustls::crypto::ring::default_provider());
  let mut trusted = extra_ca().certs.clone();
  trusted.extend(ca);
  let roots = roots(&trusted);
  let mut store = RootCertStore::empty();
  store.add_parsable_certificates(roots.iter().cloned());
  let webpki =
    rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
      .build()
      .map_err(|e| Error::input("Could not set up TLS").with_cause(e.to_string()))?;
  let (trust, problem) = match start_platform(roots, provider) {
    Ok(platform) => (Trust::Platform(platform, webpki), None),
    Err(e) => (
      Trust::Bundled(webpki),
      Some(format!(
        "the system certificate store is not used (the platform verifier could not start: {e}), \
         so only the bundled web roots, NODE_EXTRA_CA_CERTS and ca are trusted"
      )),
    ),
  };
  let verifier = Verifier {
    trust,
    trusted,
    algs: algorithms(),
  };
  Ok((verifier, problem))
}

/// The roots given to the platform verifier (which adds the OS store): the web roots, then what
/// the user trusts (`NODE_EXTRA_CA_CERTS`, `ca`).
fn roots(trusted: &Certs) -> Certs {
  let mut roots: Certs = webpki_root_certs::TLS_SERVER_ROOT_CERTS.to_vec();
  roots.extend(trusted.iter().cloned());
  roots
}

/// What `NODE_EXTRA_CA_CERTS` held when the first client was made.
#[derive(Debug, Default)]
struct ExtraCa {
  certs: Certs,
  /// Why the file gave no certificate: it is named in the message of a refused certificate. (Node
  /// itself prints `Warning: Ignoring extra certs from ...` at start-up for an unreadable file.)
  problem: Option<String>,
}

fn extra_ca() -> &'static ExtraCa {
  static EXTRA: OnceLock<ExtraCa> = OnceLock::new();
  EXTRA.get_or_init(|| match std::env::var_os(EXTRA_CA_VAR) {
    Some(path) if !path.is_empty() => load_extra_ca(std::path::Path::new(&path)),
    _ => ExtraCa::default(),
  })
}

fn load_extra_ca(path: &std::path::Path) -> ExtraCa {
  let failed = |why: String| ExtraCa {
    certs: Vec::new(),
    problem: Some(format!(
      "{EXTRA_CA_VAR} ({}) was ignored: {why}",
      path.display()
    )),
  };
  let pem = match std::fs::read(path) {
    Ok(pem) => pem,
    Err(e) => return failed(format!("it could not be read ({e})")),
  };
  // As Node does: the certificates that parse are used, and ones rustls cannot use as roots skipped.
  let certs = pem::usable_certificates(&pem);
  if certs.is_empty() {
    return failed("it holds no usable PEM certificate".into());
  }
  ExtraCa {
    certs,
    problem: None,
  }
}

#[cfg(test)]
mod tests;
