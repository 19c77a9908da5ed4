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
//! the roots and adds one rule webpki lacks (see [`Verifier`]). No cryptography is written here.

use std::error::Error as StdError;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};

use crate::error::{Error, Result};

/// Node's variable: a PEM file of extra trusted certificates, read once per process.
pub const EXTRA_CA_VAR: &str = "NODE_EXTRA_CA_CERTS";
/// Node's variable: `0` turns certificate verification off for the whole process.
pub const REJECT_UNAUTHORIZED_VAR: &str = "NODE_TLS_REJECT_UNAUTHORIZED";

type Certs = Vec<CertificateDer<'static>>;

/// The TLS settings for a client with the private `ca` PEM, if any.
///
/// Building them reads the OS store and parses every root: milliseconds that every
/// `new OneTimeSecretApi()` would pay, so clients without a private `ca` share one built once.
pub fn client_config(ca_pem: Option<&[u8]>) -> Result<rustls::ClientConfig> {
  // ring is the only provider compiled in; installing it twice is harmless.
  let _ = rustls::crypto::ring::default_provider().install_default();
  let ca = ca_pem.map(parse_ca).transpose()?;
  // Node reads this variable on every connection; a client's TLS settings are fixed when it is
  // made, so it is read here (the JS skin warns at the same moment).
  if std::env::var_os(REJECT_UNAUTHORIZED_VAR).is_some_and(|v| v == "0") {
    return build(Arc::new(Verifier::unverified()));
  }
  static SHARED: OnceLock<std::result::Result<rustls::ClientConfig, String>> = OnceLock::new();
  match ca {
    None => SHARED
      .get_or_init(|| verified(Vec::new()).map_err(|e| e.cause.unwrap_or(e.message)))
      .clone()
      .map_err(|cause| Error::input("Could not set up TLS").with_cause(cause)),
    Some(certs) => verified(certs),
  }
}

fn parse_ca(pem: &[u8]) -> Result<Certs> {
  let certs = CertificateDer::pem_slice_iter(pem)
    .collect::<std::result::Result<Certs, _>>()
    .map_err(|e| Error::input("Invalid ca: expected PEM certificates").with_cause(e.to_string()))?;
  if certs.is_empty() {
    return Err(Error::input("Invalid ca: no PEM certificate found"));
  }
  Ok(certs)
}

fn algorithms() -> WebPkiSupportedAlgorithms {
  rustls::crypto::ring::default_provider().signature_verification_algorithms
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
  let provider = Arc::new(rustls::crypto::ring::default_provider());
  let mut trusted = extra_ca().certs.clone();
  trusted.extend(ca);
  let mut roots: Certs = webpki_root_certs::TLS_SERVER_ROOT_CERTS.to_vec();
  roots.extend(trusted.iter().cloned());
  let platform = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
    .map_err(setup_failed)?;
  build(Arc::new(Verifier {
    platform: Some(platform),
    trusted,
    algs: algorithms(),
  }))
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
  let certs: Certs = CertificateDer::pem_slice_iter(&pem)
    .filter_map(std::result::Result::ok)
    .filter(|c| RootCertStore::empty().add(c.clone()).is_ok())
    .collect();
  if certs.is_empty() {
    return failed("it holds no usable PEM certificate".into());
  }
  ExtraCa {
    certs,
    problem: None,
  }
}

/// rustls' platform verifier, plus the rule of OpenSSL (and so of Node): a server certificate that
/// is byte for byte one of the trusted certificates (`ca`, `NODE_EXTRA_CA_CERTS`) and signed by
/// itself is trusted, its validity period and host name still checked. webpki refuses such a
/// certificate when it is marked `CA:TRUE` (as `openssl req -x509` marks it) with
/// `CaUsedAsEndEntity`; every other certificate gets rustls' verification unchanged.
///
/// Without a platform verifier (`NODE_TLS_REJECT_UNAUTHORIZED=0`) any certificate is accepted, as
/// Node's `https` accepts it. The handshake signature is always checked against the certificate's
/// key (as OpenSSL does), with the provider's algorithms, as the platform verifier checks it.
#[derive(Debug)]
struct Verifier {
  platform: Option<rustls_platform_verifier::Verifier>,
  trusted: Certs,
  algs: WebPkiSupportedAlgorithms,
}

impl Verifier {
  fn unverified() -> Self {
    Verifier {
      platform: None,
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
    let Some(platform) = &self.platform else {
      return Ok(ServerCertVerified::assertion());
    };
    let refused =
      match platform.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
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
struct SelfSigned(rustls::Error);

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

fn is_ca_used_as_end_entity(e: &rustls::Error) -> bool {
  matches!(e, rustls::Error::InvalidCertificate(CertificateError::Other(o))
    if matches!(o.0.downcast_ref::<webpki::Error>(), Some(webpki::Error::CaUsedAsEndEntity)))
}

/// Why a failed request's TLS handshake failed, in plain words naming the host, or `None` when
/// the failure was not a TLS one. Certificate refusals say what to do about them.
pub fn refusal(err: &reqwest::Error) -> Option<String> {
  let tls = find_rustls_error(err)?;
  let host = err
    .url()
    .and_then(|u| u.host_str().map(str::to_owned))
    .unwrap_or_else(|| "the server".into());
  Some(describe(tls, &host, extra_ca().problem.as_deref()))
}

fn describe(tls: &rustls::Error, host: &str, extra_problem: Option<&str>) -> String {
  const HOW: &str = "pass it as ca or in NODE_EXTRA_CA_CERTS";
  let cert = match tls {
    rustls::Error::InvalidCertificate(cert) => cert,
    // What a plain HTTP server's answer to a TLS hello looks like to rustls.
    rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
      return format!(
        "{host} did not answer with TLS; if the server speaks plain HTTP, use an http:// url"
      );
    }
    _ => return format!("the TLS handshake with {host} failed ({tls})"),
  };
  let why = match cert {
    CertificateError::Other(o) if o.0.downcast_ref::<SelfSigned>().is_some() => {
      format!("is self-signed and not trusted; {HOW}")
    }
    CertificateError::UnknownIssuer => {
      "has an unknown issuer (issuer unknown); pass the issuing CA's certificate as ca or in NODE_EXTRA_CA_CERTS".into()
    }
    CertificateError::NotValidForNameContext { presented, .. } if !presented.is_empty() => {
      let names: Vec<&str> = presented.iter().map(|n| plain_name(n)).collect();
      format!("is for another name ({})", names.join(", "))
    }
    // Node falls back to the subject's CN when there is no subjectAltName; browsers stopped
    // doing so, and webpki never did: say how to make the certificate instead.
    CertificateError::NotValidForNameContext { .. } => {
      let kind = match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(_) => "IP",
        Err(_) => "DNS",
      };
      format!(
        "names no host (it has no subjectAltName); make it with -addext \"subjectAltName={kind}:{}\"",
        host.trim_matches(['[', ']'])
      )
    }
    CertificateError::NotValidForName => {
      "is for another name".into()
    }
    CertificateError::Expired | CertificateError::ExpiredContext { .. } => "has expired".into(),
    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
      "is not valid yet".into()
    }
    CertificateError::Revoked => "has been revoked".into(),
    CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
      "is not meant for a TLS server".into()
    }
    CertificateError::BadSignature => "has an invalid signature".into(),
    CertificateError::BadEncoding => "is malformed".into(),
    _ if is_ca_used_as_end_entity(tls) => "is a CA certificate, not a server certificate".into(),
    other => format!("was refused ({other:?})"),
  };
  match extra_problem {
    Some(p) => format!("certificate for {host} {why}; {p}"),
    None => format!("certificate for {host} {why}"),
  }
}

/// `DnsName("a.example")` / `IpAddress(10.0.0.1)` (rustls' rendering) -> the name itself.
fn plain_name(presented: &str) -> &str {
  for (open, close) in [("DnsName(\"", "\")"), ("IpAddress(", ")")] {
    if let Some(inner) = presented
      .strip_prefix(open)
      .and_then(|r| r.strip_suffix(close))
    {
      return inner;
    }
  }
  presented
}

/// The rustls error under a reqwest error. It travels inside `io::Error`s (tokio-rustls', then
/// hyper-rustls'), whose `source()` skips the error they wrap, so each is opened with `get_ref`.
fn find_rustls_error(err: &reqwest::Error) -> Option<&rustls::Error> {
  let mut next: Option<&(dyn StdError + 'static)> = Some(err);
  while let Some(e) = next {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
      return Some(tls);
    }
    next = match e
      .downcast_ref::<std::io::Error>()
      .and_then(|io| io.get_ref())
    {
      Some(inner) => Some(inner as &(dyn StdError + 'static)),
      None => e.source(),
    };
  }
  None
}

#[cfg(test)]
mod tests {
  use super::*;

  fn cert_error(e: CertificateError) -> rustls::Error {
    rustls::Error::InvalidCertificate(e)
  }

  #[test]
  fn refusals_say_why_and_for_which_host() {
    let say = |e: rustls::Error| describe(&e, "127.0.0.1", None);
    let self_signed = cert_error(CertificateError::Other(OtherError(Arc::new(SelfSigned(
      cert_error(CertificateError::UnknownIssuer),
    )))));
    assert_eq!(
      say(self_signed),
      "certificate for 127.0.0.1 is self-signed and not trusted; pass it as ca or in NODE_EXTRA_CA_CERTS"
    );
    assert!(say(cert_error(CertificateError::UnknownIssuer)).contains("issuer unknown"));
    assert_eq!(
      say(cert_error(CertificateError::Expired)),
      "certificate for 127.0.0.1 has expired"
    );
    assert_eq!(
      say(cert_error(CertificateError::NotValidForNameContext {
        expected: ServerName::try_from("127.0.0.1").unwrap(),
        presented: vec![
          "IpAddress(127.0.0.2)".into(),
          "DnsName(\"other.example\")".into()
        ],
      })),
      "certificate for 127.0.0.1 is for another name (127.0.0.2, other.example)"
    );
    assert_eq!(
      say(cert_error(CertificateError::NotValidForNameContext {
        expected: ServerName::try_from("127.0.0.1").unwrap(),
        presented: Vec::new(),
      })),
      "certificate for 127.0.0.1 names no host (it has no subjectAltName); make it with -addext \"subjectAltName=IP:127.0.0.1\""
    );
    let ca_as_leaf = cert_error(CertificateError::Other(OtherError(Arc::new(
      webpki::Error::CaUsedAsEndEntity,
    ))));
    assert!(say(ca_as_leaf).ends_with("is a CA certificate, not a server certificate"));
    assert!(describe(&rustls::Error::DecryptError, "h", None)
      .starts_with("the TLS handshake with h failed"));
    let not_tls = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
    assert!(describe(&not_tls, "h", None).starts_with("h did not answer with TLS"));
  }

  #[test]
  fn an_unusable_extra_ca_file_is_named_in_refusals() {
    let missing = load_extra_ca(std::path::Path::new("/nonexistent/ots-extra-ca.pem"));
    assert!(missing.certs.is_empty());
    let problem = missing.problem.expect("a missing file is a problem");
    assert!(
      problem.starts_with(
        "NODE_EXTRA_CA_CERTS (/nonexistent/ots-extra-ca.pem) was ignored: it could not be read"
      ),
      "{problem}"
    );
    let text = describe(
      &cert_error(CertificateError::UnknownIssuer),
      "h",
      Some(&problem),
    );
    assert!(text.ends_with(&problem), "{text}");

    let dir = std::env::temp_dir().join(format!("ots-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let loaded = load_extra_ca(&not_pem);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(loaded
      .problem
      .unwrap()
      .ends_with("it holds no usable PEM certificate"));
  }

  /// `openssl req -x509` for 127.0.0.1, valid for 2 days: CA:TRUE, as openssl marks it by default.
  fn usual_self_signed() -> CertificateDer<'static> {
    let dir = std::env::temp_dir().join(format!("ots-tls-self-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new("openssl")
      .args([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
      ])
      .args(["-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "2"])
      .args([
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ])
      .current_dir(&dir)
      .output()
      .expect("the openssl CLI (installed by .ci/run)");
    assert!(
      out.status.success(),
      "{}",
      String::from_utf8_lossy(&out.stderr)
    );
    let pem = std::fs::read(dir.join("c.pem")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    CertificateDer::from_pem_slice(&pem).unwrap()
  }

  #[test]
  fn a_trusted_self_signed_certificate_still_has_its_dates_and_name_checked() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cert = usual_self_signed();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let verifier = |trusted: Certs| Verifier {
      platform: Some(
        rustls_platform_verifier::Verifier::new_with_extra_roots(
          trusted.clone(),
          Arc::new(rustls::crypto::ring::default_provider()),
        )
        .unwrap(),
      ),
      trusted,
      algs: algorithms(),
    };
    let verify = |v: &Verifier, name: &ServerName<'_>, days: u64| {
      let now =
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(unix_now() + days * 86_400));
      v.verify_server_cert(&cert, &[], name, &[], now)
    };
    let trusting = verifier(vec![cert.clone()]);
    assert!(verify(&trusting, &name, 0).is_ok());
    // Three days on it has expired: webpki's order of checks (dates before CA:TRUE) is what
    // makes the CaUsedAsEndEntity exemption safe, and this is the test that pins it.
    let expired = verify(&trusting, &name, 3).unwrap_err();
    assert_eq!(
      describe(&expired, "127.0.0.1", None),
      "certificate for 127.0.0.1 has expired"
    );
    let other = ServerName::try_from("127.0.0.2").unwrap();
    let wrong = verify(&trusting, &other, 0).unwrap_err();
    assert!(
      describe(&wrong, "127.0.0.2", None).contains("is for another name"),
      "{wrong}"
    );
    let refused = verify(&verifier(Vec::new()), &name, 0).unwrap_err();
    assert!(describe(&refused, "127.0.0.1", None).contains("is self-signed and not trusted"));
  }

  fn unix_now() -> u64 {
    std::time::SystemTime::now()
      .duration_since(std::time::UNIX_EPOCH)
      .unwrap()
      .as_secs()
  }

  #[test]
  fn a_ca_that_is_not_pem_is_an_input_error() {
    let err = client_config(Some(b"not a certificate")).unwrap_err();
    assert_eq!(err.kind, crate::ErrorKind::Input);
  }
}
