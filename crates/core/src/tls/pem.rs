//! Certificates from PEM text: the `ca` option (refused when it gives none) and
//! `NODE_EXTRA_CA_CERTS` (what parses is used, as Node does).

use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

/// Certificates as DER, as rustls takes them.
pub type Certs = Vec<CertificateDer<'static>>;

/// Why PEM text gave no certificate to trust. Its words quote nothing of the text, which may have
/// been pasted from anywhere (a token included): the parser's own errors quote the bad line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemProblem {
  /// No `-----BEGIN CERTIFICATE-----` block at all.
  NoCertificate,
  /// A block that is not well-formed PEM: what is wrong with it.
  Malformed(&'static str),
  /// A well-formed block whose contents are not a certificate rustls can trust.
  Unusable,
}

impl std::fmt::Display for PemProblem {
  /// As the end of a message's `got <what>`: `a string` + ` without one`.
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match self {
      PemProblem::NoCertificate => f.write_str("without one"),
      PemProblem::Malformed(why) => write!(f, "with a malformed PEM block ({why})"),
      PemProblem::Unusable => {
        f.write_str("with a CERTIFICATE block that is not a valid certificate")
      }
    }
  }
}

/// Every certificate in `text`, each checked to be usable as a trusted root; one bad block
/// refuses the whole text, so a typo is not silently dropped from what `ca` trusts.
pub fn certificates(text: &[u8]) -> Result<Certs, PemProblem> {
  let certs = CertificateDer::pem_slice_iter(text)
    .map(|c| match c {
      Ok(c) if usable(&c) => Ok(c),
      Ok(_) => Err(PemProblem::Unusable),
      Err(e) => Err(PemProblem::Malformed(malformed(&e))),
    })
    .collect::<Result<Certs, _>>()?;
  if certs.is_empty() {
    return Err(PemProblem::NoCertificate);
  }
  Ok(certs)
}

/// The certificates of `text` that can be trusted, the rest skipped (`NODE_EXTRA_CA_CERTS`).
pub(super) fn usable_certificates(text: &[u8]) -> Certs {
  CertificateDer::pem_slice_iter(text)
    .filter_map(Result::ok)
    .filter(usable)
    .collect()
}

fn usable(cert: &CertificateDer<'static>) -> bool {
  RootCertStore::empty().add(cert.clone()).is_ok()
}

fn malformed(e: &pem::Error) -> &'static str {
  match e {
    pem::Error::MissingSectionEnd { .. } => "a BEGIN line without its END line",
    pem::Error::IllegalSectionStart { .. } => "a BEGIN line that is not well formed",
    pem::Error::Base64Decode(_) => "its base64 does not decode",
    pem::Error::SectionTooLarge => "a block over 256 MB",
    _ => "it does not parse",
  }
}
