//! The certificate verifier: rustls' platform verifier plus the one rule webpki lacks.

use std::error::Error as StdError;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};

use super::pem::Certs;

/// The signature algorithms of the one crypto provider compiled in (ring).
pub(super) fn algorithms() -> WebPkiSupportedAlgorithms {
  rustls::crypto::ring::default_provider().signature_verification_algorithms
}

/// rustls' platform verifier, plus the rule of OpenSSL (and so of Node): a server certificate that
/// is byte for byte one of the trusted certificates (`ca`, `NODE_EXTRA_CA_CERTS`) and signed by
/// itself is trusted, its validity period and host name still checked. webpki refuses such a
/// certificate when it is marked `CA:TRUE` (as `openssl req -x509` marks it) with
/// `CaUsedAsEndEntity`; every other certificate gets rustls' verification unchanged.
///
/// With `NODE_TLS_REJECT_UNAUTHORIZED=0` any certificate is accepted, as Node's `https` accepts
/// it. The handshake signature is always checked against the certificate's key (as OpenSSL does),
/// with the provider's algorithms, as the platform verifier checks it.
#[derive(Debug)]
pub(super) struct Verifier {
  pub(super) trust: Trust,
  pub(super) trusted: Certs,
  pub(super) algs: WebPkiSupportedAlgorithms,
}

/// Which certificates a verifier accepts.
#[derive(Debug)]
pub(super) enum Trust {
  /// `NODE_TLS_REJECT_UNAUTHORIZED=0`: any.
  Any,
  /// None: the client only speaks plain HTTP (an `http://` url, no `https://` proxy), so nothing
  /// was set up; a handshake cannot happen (redirects never leave the url's origin).
  PlainHttpOnly,
  /// The platform's verifier, and webpki over the same roots to say why it refused.
  Platform(
    rustls_platform_verifier::Verifier,
    Arc<WebPkiServerVerifier>,
  ),
  /// The platform verifier could not start (Wine, a broken certificate service): webpki over the
  /// bundled web roots, `NODE_EXTRA_CA_CERTS` and `ca` (the refusal message names the cause).
  Bundled(Arc<WebPkiServerVerifier>),
}

/// Why a handshake of a plain-HTTP-only client was refused (it never should be attempted).
pub(super) const PLAIN_HTTP_ONLY: &str =
  "this client was made for an http:// url, so it has no TLS set up";

impl Verifier {
  pub(super) fn with(trust: Trust) -> Self {
    Verifier {
      trust,
      trusted: Vec::new(),
      algs: algorithms(),
    }
  }

  fn verify_self_signed(
    &self,
    end_entity: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
  ) -> std::result::Result<ServerCertVerified, rustls::Error> {
    let cert = ParsedCertificate::try_from(end_entity)?;
    let mut itself = RootCertStore::empty();
    itself.add(end_entity.clone().into_owned())?;
    match verify_server_cert_signed_by_trust_anchor(&cert, &itself, &[], now, self.algs.all) {
      Ok(()) => {}
      // webpki checks the validity period before the basic constraints (rustls-webpki
      // verify_cert.rs, check_issuer_independent_properties), so this error means the
      // certificate is within its validity period; the tests pin that order with an expired one.
      Err(e) if is_ca_used_as_end_entity(&e) => {}
      Err(e) => return Err(e),
    }
    verify_server_name(&cert, server_name)?;
    Ok(ServerCertVerified::assertion())
  }
}

impl ServerCertVerifier for Verifier {
  fn verify_server_cert(
    &self,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    server_name: &ServerName<'_>,
    ocsp: &[u8],
    now: UnixTime,
  ) -> std::result::Result<ServerCertVerified, rustls::Error> {
    let (verified, diagnosis) = match &self.trust {
      Trust::Any => return Ok(ServerCertVerified::assertion()),
      Trust::PlainHttpOnly => return Err(rustls::Error::General(PLAIN_HTTP_ONLY.into())),
      Trust::Platform(platform, diagnosis) => (
        platform.verify_server_cert(end_entity, intermediates, server_name, ocsp, now),
        Some(diagnosis),
      ),
      Trust::Bundled(webpki) => (
        webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now),
        None,
      ),
    };
    let refused = match verified {
      Ok(ok) => return Ok(ok),
      Err(e) => e,
    };
    if self
      .trusted
      .iter()
      .any(|c| c.as_ref() == end_entity.as_ref())
    {
      return self.verify_self_signed(end_entity, server_name, now);
    }
    // An untrusted self-signed certificate is refused as an unknown issuer or, when it is marked
    // CA:TRUE, as a CA used as an end entity: either way what the user must hear is that it is
    // self-signed and not trusted (as Node's DEPTH_ZERO_SELF_SIGNED_CERT says).
    let refused = match diagnosis {
      Some(diagnosis) => precise(
        refused,
        diagnosis,
        end_entity,
        intermediates,
        server_name,
        now,
      ),
      None => refused,
    };
    if matches!(refused, rustls::Error::InvalidCertificate(_)) && is_self_issued(end_entity) {
      return Err(rustls::Error::InvalidCertificate(CertificateError::Other(
        OtherError(Arc::new(SelfSigned(refused))),
      )));
    }
    Err(refused)
  }

  fn verify_tls12_signature(
    &self,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
  ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
  }

  fn verify_tls13_signature(
    &self,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
  ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
  }

  fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
    self.algs.supported_schemes()
  }
}

/// An untrusted certificate whose issuer is its own subject, and what rustls said of it.
pub(super) struct SelfSigned(pub(super) rustls::Error);

/// rustls shows this error in `cause` through `Debug`: `SelfSigned(CaUsedAsEndEntity)`, not the
/// nested wrappers of the error it replaces.
impl std::fmt::Debug for SelfSigned {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match &self.0 {
      rustls::Error::InvalidCertificate(CertificateError::Other(o)) => {
        write!(f, "SelfSigned({:?})", o.0)
      }
      rustls::Error::InvalidCertificate(e) => write!(f, "SelfSigned({e:?})"),
      e => write!(f, "SelfSigned({e:?})"),
    }
  }
}

impl std::fmt::Display for SelfSigned {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "self-signed certificate, not trusted ({})", self.0)
  }
}

impl StdError for SelfSigned {}

fn is_self_issued(der: &CertificateDer<'_>) -> bool {
  webpki::EndEntityCert::try_from(der).is_ok_and(|c| c.issuer() == c.subject())
}

pub(super) fn is_ca_used_as_end_entity(e: &rustls::Error) -> bool {
  matches!(e, rustls::Error::InvalidCertificate(CertificateError::Other(o))
    if matches!(o.0.downcast_ref::<webpki::Error>(), Some(webpki::Error::CaUsedAsEndEntity)))
}

/// A vague refusal made precise. The macOS and Windows verifiers report some refusals without
/// the reason (an expired certificate as an OS error code, a wrong name without the names);
/// webpki, over the same roots, says which. It only explains a refusal: it never accepts.
pub(super) fn precise(
  refused: rustls::Error,
  diagnosis: &WebPkiServerVerifier,
  end_entity: &CertificateDer<'_>,
  intermediates: &[CertificateDer<'_>],
  server_name: &ServerName<'_>,
  now: UnixTime,
) -> rustls::Error {
  let vague = matches!(
    refused,
    rustls::Error::InvalidCertificate(
      CertificateError::Other(_)
        | CertificateError::NotValidForName
        | CertificateError::ApplicationVerificationFailure
    )
  );
  if !vague {
    return refused;
  }
  match diagnosis.verify_server_cert(end_entity, intermediates, server_name, &[], now) {
    Err(e @ rustls::Error::InvalidCertificate(_)) => e,
    _ => refused,
  }
}
