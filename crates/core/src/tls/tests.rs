//! Known answers for the verifier and the refusal messages, with certificates made by the openssl
//! CLI at test time.

use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, OtherError, RootCertStore};

use super::refusal::describe;
use super::verifier::{precise, SelfSigned, Trust, Verifier, PLAIN_HTTP_ONLY};
use super::{
  algorithms, certificates, client_config, load_extra_ca, roots, verifier, Certs, PemProblem,
};

thread_local! {
  /// How many TLS settings of each kind this thread made: `plain_http_config`, `verified`.
  pub(super) static PLAIN_HTTP_CONFIGS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
  pub(super) static VERIFIED_CONFIGS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

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
  self_signed(&[])
}

/// `openssl req -x509` for 127.0.0.1 with `extra` arguments.
fn self_signed(extra: &[&str]) -> CertificateDer<'static> {
  CertificateDer::from_pem_slice(&self_signed_pem(extra)).unwrap()
}

/// `openssl req -x509` for 127.0.0.1 with `extra` arguments, as PEM text.
fn self_signed_pem(extra: &[&str]) -> Vec<u8> {
  // Tests run in parallel: one directory each.
  static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
  let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
  let dir = std::env::temp_dir().join(format!("ots-tls-self-{}-{n}", std::process::id()));
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
    .args(extra)
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
  pem
}

#[test]
fn a_trusted_self_signed_certificate_still_has_its_dates_and_name_checked() {
  let _ = rustls::crypto::ring::default_provider().install_default();
  let cert = usual_self_signed();
  let name = ServerName::try_from("127.0.0.1").unwrap();
  let verifier = |trusted: Certs| Verifier {
    trust: Trust::Platform(
      rustls_platform_verifier::Verifier::new_with_extra_roots(
        trusted.clone(),
        Arc::new(rustls::crypto::ring::default_provider()),
      )
      .unwrap(),
      diagnosis_over(&trusted),
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

fn diagnosis_over(roots: &Certs) -> Arc<rustls::client::WebPkiServerVerifier> {
  let mut store = RootCertStore::empty();
  store.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
  store.add_parsable_certificates(roots.iter().cloned());
  rustls::client::WebPkiServerVerifier::builder_with_provider(
    Arc::new(store),
    Arc::new(rustls::crypto::ring::default_provider()),
  )
  .build()
  .unwrap()
}

#[test]
fn vague_refusals_are_made_precise_by_webpki_and_never_accepted() {
  let _ = rustls::crypto::ring::default_provider().install_default();
  let cert = usual_self_signed();
  let diagnosis = diagnosis_over(&Vec::new());
  let at = |days: u64| {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(unix_now() + days * 86_400))
  };
  let name = ServerName::try_from("127.0.0.1").unwrap();
  // As macOS reports some refusals: an OS error code, no reason rustls knows.
  let vague = || {
    cert_error(CertificateError::Other(OtherError(Arc::new(SelfSigned(
      rustls::Error::General("errSecNotTrusted".into()),
    )))))
  };
  let made = precise(vague(), &diagnosis, &cert, &[], &name, at(3));
  assert!(
    matches!(
      made,
      rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { .. })
    ),
    "{made:?}"
  );
  // A precise refusal is kept as it is.
  let kept = precise(
    cert_error(CertificateError::Revoked),
    &diagnosis,
    &cert,
    &[],
    &name,
    at(0),
  );
  assert_eq!(kept, cert_error(CertificateError::Revoked));
  // As macOS and Windows report a wrong name: without the names.
  let leaf = self_signed(&["-addext", "basicConstraints=critical,CA:FALSE"]);
  let trusting = diagnosis_over(&vec![leaf.clone()]);
  let other = ServerName::try_from("127.0.0.2").unwrap();
  let vague_name = cert_error(CertificateError::NotValidForName);
  let made = precise(vague_name, &trusting, &leaf, &[], &other, at(0));
  assert_eq!(
    describe(&made, "127.0.0.2", None),
    "certificate for 127.0.0.2 is for another name (127.0.0.1)"
  );
}

fn unix_now() -> u64 {
  std::time::SystemTime::now()
    .duration_since(std::time::UNIX_EPOCH)
    .unwrap()
    .as_secs()
}

#[test]
fn ca_text_gives_every_certificate_or_says_why_not_without_quoting_it() {
  let (one, two) = (self_signed_pem(&[]), self_signed_pem(&[]));
  let both = [one.as_slice(), b"a comment between them\n", two.as_slice()].concat();
  assert_eq!(certificates(&both).unwrap().len(), 2);
  let _ = rustls::crypto::ring::default_provider().install_default();
  assert!(client_config(&certificates(&both).unwrap()).is_ok());
  assert!(client_config(&[]).is_ok());

  let begin = "-----BEGIN CERTIFICATE-----";
  let end = "-----END CERTIFICATE-----";
  let said = |text: String| {
    let problem = certificates(text.as_bytes()).unwrap_err();
    let words = format!("a string {problem}");
    assert!(!words.contains("TOKEN"), "{words}");
    (problem, words)
  };
  assert_eq!(said("not a certificate".into()).1, "a string without one");
  assert_eq!(
    said(format!("{begin}\nTOKEN!!\n{end}\n")).1,
    "a string with a malformed PEM block (its base64 does not decode)"
  );
  // The parser's own error for these quotes the line.
  assert_eq!(
    said("-----BEGIN TOKEN\n".into()).0,
    PemProblem::Malformed("a BEGIN line that is not well formed")
  );
  assert_eq!(
    said(format!("{begin}\nTOKENAAA\n")).0,
    PemProblem::Malformed("a BEGIN line without its END line")
  );
  assert_eq!(
    said(format!("{begin}\nAAAA\n{end}\n")).1,
    "a string with a CERTIFICATE block that is not a valid certificate"
  );
  // One bad block refuses the text, good ones beside it or not.
  let mixed = [one.as_slice(), format!("{begin}\nAAAA\n{end}\n").as_bytes()].concat();
  assert_eq!(certificates(&mixed).unwrap_err(), PemProblem::Unusable);
}

/// README "Security notes": the web roots are trusted beside the OS store (so a machine without CA
/// certificates still verifies public servers), and `ca` / `NODE_EXTRA_CA_CERTS` add to them.
#[test]
fn the_web_roots_are_trusted_and_ca_adds_to_them() {
  let web = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
  assert!(web.len() > 100, "{} web roots", web.len());
  assert_eq!(roots(&Vec::new()), web.to_vec());
  let mine = usual_self_signed();
  let with_mine = roots(&vec![mine.clone()]);
  assert_eq!(with_mine.len(), web.len() + 1);
  assert_eq!(with_mine[..web.len()], web[..]);
  assert_eq!(with_mine.last(), Some(&mine));
}

/// Issue 24: a client for an `http://` url (and no `https://` proxy) sets no TLS up at all, so a
/// platform verifier that cannot start (Windows under Wine) cannot keep it from being made; an
/// `https://` url, or an `https://` proxy, does set it up.
#[test]
fn only_clients_that_may_speak_tls_set_it_up() {
  let counts = || {
    (
      super::tests::PLAIN_HTTP_CONFIGS.with(|n| n.get()),
      super::tests::VERIFIED_CONFIGS.with(|n| n.get()),
    )
  };
  // The counters are per thread: each case runs on a thread of its own, with a private `ca` so
  // that the shared settings (made once per process) are not what is counted.
  let made = |url: &str, proxy: Option<&str>| {
    let (url, proxy) = (url.to_owned(), proxy.map(str::to_owned));
    let ca = vec![usual_self_signed()];
    std::thread::spawn(move || {
      let config = crate::config::ClientConfig {
        base_url: url,
        proxy,
        ca,
        ..Default::default()
      };
      crate::transport::Transport::new(&config).expect("made");
      counts()
    })
    .join()
    .unwrap()
  };
  assert_eq!(made("http://127.0.0.1:7143", None), (1, 0));
  assert_eq!(
    made("http://127.0.0.1:7143", Some("http://127.0.0.1:3128")),
    (1, 0)
  );
  assert_eq!(
    made("http://127.0.0.1:7143", Some(" HTTPS://127.0.0.1:3128")),
    (0, 1)
  );
  assert_eq!(made("https://127.0.0.1:7143", None), (0, 1));
}

#[test]
fn a_plain_http_client_refuses_any_handshake() {
  let _ = rustls::crypto::ring::default_provider().install_default();
  let cert = usual_self_signed();
  let v = Verifier::with(Trust::PlainHttpOnly);
  let name = ServerName::try_from("127.0.0.1").unwrap();
  let e = v
    .verify_server_cert(&cert, &[], &name, &[], UnixTime::now())
    .unwrap_err();
  assert_eq!(e, rustls::Error::General(PLAIN_HTTP_ONLY.into()));
}

/// Issue 24: where the platform verifier cannot start, the client is still made; webpki verifies
/// over the bundled web roots plus `ca` (and `NODE_EXTRA_CA_CERTS`), and every refusal names why
/// the system store is not used.
#[test]
fn without_the_platform_verifier_the_bundled_roots_and_ca_are_trusted_and_refusals_say_why() {
  let _ = rustls::crypto::ring::default_provider().install_default();
  fn cannot_start(
    _: Certs,
    _: Arc<rustls::crypto::CryptoProvider>,
  ) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    // What Wine 8's certificate chain engine answers (os error -2147024809).
    Err(rustls::Error::General(
      "Invalid parameter (os error -2147024809)".into(),
    ))
  }
  let (ca_pem, leaf_pem) = ca_and_leaf();
  let ca = CertificateDer::from_pem_slice(&ca_pem).unwrap();
  let leaf = CertificateDer::from_pem_slice(&leaf_pem).unwrap();
  let name = ServerName::try_from("127.0.0.1").unwrap();

  let (trusting, problem) = verifier(vec![ca], cannot_start).expect("made without the platform");
  assert!(matches!(trusting.trust, Trust::Bundled(_)));
  let problem = problem.expect("the cause is kept");
  assert_eq!(
    problem,
    "the system certificate store is not used (the platform verifier could not start: \
     unexpected error: Invalid parameter (os error -2147024809)), so only the bundled web roots, \
     NODE_EXTRA_CA_CERTS and ca are trusted"
  );
  assert!(trusting
    .verify_server_cert(&leaf, &[], &name, &[], UnixTime::now())
    .is_ok());

  let (without_ca, _) = verifier(Vec::new(), cannot_start).unwrap();
  let refused = without_ca
    .verify_server_cert(&leaf, &[], &name, &[], UnixTime::now())
    .unwrap_err();
  assert_eq!(
    describe(&refused, "127.0.0.1", Some(&problem)),
    format!(
      "certificate for 127.0.0.1 has an unknown issuer (issuer unknown); pass the issuing CA's \
       certificate as ca or in NODE_EXTRA_CA_CERTS; {problem}"
    )
  );
}

/// A private CA and a server certificate for 127.0.0.1 it issued (PEM), made by the openssl CLI.
fn ca_and_leaf() -> (Vec<u8>, Vec<u8>) {
  let dir = std::env::temp_dir().join(format!("ots-tls-ca-{}", std::process::id()));
  std::fs::create_dir_all(&dir).unwrap();
  let run = |args: &[&str]| {
    let out = std::process::Command::new("openssl")
      .args(args)
      .current_dir(&dir)
      .output()
      .expect("the openssl CLI (installed by .ci/run)");
    assert!(
      out.status.success(),
      "{}",
      String::from_utf8_lossy(&out.stderr)
    );
  };
  let ec = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
  ];
  run(
    &[
      &["req", "-x509"],
      &ec[..],
      &[
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=ots test CA",
      ],
    ]
    .concat(),
  );
  run(
    &[
      &["req"],
      &ec[..],
      &[
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
      ],
    ]
    .concat(),
  );
  std::fs::write(dir.join("ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
  run(&[
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "ext",
  ]);
  let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
  let pair = (read("ca.pem"), read("leaf.pem"));
  std::fs::remove_dir_all(&dir).unwrap();
  pair
}
