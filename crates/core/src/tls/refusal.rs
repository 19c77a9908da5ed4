//! Why a TLS handshake failed, in plain words that name the host and say what to do.

use std::error::Error as StdError;

use rustls::CertificateError;

use super::verifier::{is_ca_used_as_end_entity, SelfSigned};
use super::{extra_ca, no_platform_verifier};

/// Why a failed request's TLS handshake failed, in plain words naming the host, or `None` when
/// the failure was not a TLS one. Certificate refusals say what to do about them.
pub fn refusal(err: &reqwest::Error) -> Option<String> {
  let tls = find_rustls_error(err)?;
  let host = err
    .url()
    .and_then(|u| u.host_str().map(str::to_owned))
    .unwrap_or_else(|| "the server".into());
  let notes: Vec<&str> = [extra_ca().problem.as_deref(), no_platform_verifier()]
    .into_iter()
    .flatten()
    .collect();
  let notes = (!notes.is_empty()).then(|| notes.join("; "));
  Some(describe(tls, &host, notes.as_deref()))
}

pub(super) fn describe(tls: &rustls::Error, host: &str, extra_problem: Option<&str>) -> String {
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
