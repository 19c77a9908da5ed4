//! The e2e calls against the embedded server: what the server stores, what a link opens, the size
//! rule at the v0.26 limit, and that a bad fragment consumes nothing.

use ots_server::{Generation, Server, ServerOptions};
use serde_json::Value;
use zeroize::Zeroizing;

use super::*;
use crate::config::Credentials;
use crate::e2e::limits::max_plaintext_bytes;
use crate::{ApiVersion, ClientConfig};

async fn setup(generation: Generation, version: ApiVersion) -> (Server, Client) {
  let server = Server::start(ServerOptions {
    generation,
    ..Default::default()
  })
  .await
  .unwrap();
  let client = Client::new(ClientConfig {
    base_url: server.url(),
    api_version: version,
    credentials: Some(Credentials {
      username: server.username(),
      token: Zeroizing::new(server.api_key()),
    }),
    ..Default::default()
  })
  .unwrap();
  (server, client)
}

fn params(secret: &str) -> ShareParams {
  ShareParams {
    secret: Zeroizing::new(secret.to_owned()),
    options: Default::default(),
  }
}

/// A result as the JSON callers get.
fn json<T: serde::Serialize>(answer: T) -> Value {
  serde_json::to_value(answer).unwrap()
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
  v[field]
    .as_str()
    .unwrap_or_else(|| panic!("{field} in {v}"))
}

fn reveals(server: &Server) -> u64 {
  let counts = server.request_counts();
  counts
    .iter()
    .filter(|(route, _)| route.contains("secret/:key"))
    .map(|(_, n)| n)
    .sum()
}

#[tokio::test]
async fn the_server_stores_an_envelope_and_the_link_opens_it() {
  let call = CallOptions::default();
  for (generation, version) in [
    (Generation::V0_12, ApiVersion::V1),
    (Generation::V0_22, ApiVersion::V2),
    (Generation::V0_26, ApiVersion::V1),
  ] {
    let (server, client) = setup(generation, version).await;
    let shared = json(
      share(&client, params("pâté 🔑 launch code"), &call)
        .await
        .unwrap(),
    );
    let link = text(&shared, "share_link");
    let (without, fragment) = link.split_once('#').unwrap();
    assert!(without.ends_with(text(&shared, "secret_key")), "{link}");
    assert_eq!(fragment.len(), 43);
    // The two-channel form: the link without its key, and the key alone.
    assert_eq!(text(&shared, "share_link_without_key"), without);
    assert_eq!(text(&shared, "decryption_key"), fragment);
    let opened = json(
      retrieve_secret(&client, link, None, None, &call)
        .await
        .unwrap(),
    );
    assert_eq!(
      text(&opened, "value"),
      "pâté 🔑 launch code",
      "{generation:?}"
    );
    assert_eq!(opened["encrypted"], Value::Bool(true));

    // Without the fragment, the same kind of secret comes back as the envelope the server kept.
    let shared = json(share(&client, params("second"), &call).await.unwrap());
    let kept = json(
      retrieve_secret(&client, text(&shared, "secret_key"), None, None, &call)
        .await
        .unwrap(),
    );
    let envelope = text(&kept, "value");
    assert!(
      envelope.starts_with("ots-e2e/1 ") && !envelope.contains("second"),
      "{envelope}"
    );
    assert_eq!(kept["encrypted"], Value::Bool(true));
    let link = text(&shared, "share_link");
    assert_eq!(&*decrypt(envelope, link).unwrap(), "second");

    // The key given apart from the link opens it too.
    let shared = json(share(&client, params("third"), &call).await.unwrap());
    let opened = json(
      retrieve_secret(
        &client,
        text(&shared, "share_link_without_key"),
        Some(text(&shared, "decryption_key")),
        None,
        &call,
      )
      .await
      .unwrap(),
    );
    assert_eq!(text(&opened, "value"), "third");
    server.close().await;
  }
}

#[tokio::test]
async fn the_largest_plaintext_fits_v0_26_and_one_byte_more_is_refused_unsent() {
  let (server, client) = setup(Generation::V0_26, ApiVersion::V2).await;
  let call = CallOptions::default();
  let max = max_plaintext_bytes();
  let shared = json(
    share(&client, params(&"a".repeat(max)), &call)
      .await
      .unwrap(),
  );
  let opened = json(
    retrieve_secret(&client, text(&shared, "share_link"), None, None, &call)
      .await
      .unwrap(),
  );
  assert_eq!(text(&opened, "value").len(), max);
  let before = server.request_counts().values().sum::<u64>();
  let err = share(&client, params(&"a".repeat(max + 1)), &call)
    .await
    .unwrap_err();
  assert_eq!(err.kind, ErrorKind::Input);
  assert_eq!(
    server.request_counts().values().sum::<u64>(),
    before,
    "nothing was sent"
  );
  server.close().await;
}

#[tokio::test]
async fn a_bad_fragment_consumes_nothing_and_a_wrong_key_keeps_the_envelope() {
  let (server, client) = setup(Generation::V0_26, ApiVersion::V1).await;
  let call = CallOptions::default();
  let shared = json(share(&client, params("keep me"), &call).await.unwrap());
  let link = text(&shared, "share_link").to_owned();
  let (base, fragment) = link.split_once('#').unwrap();

  let err = retrieve_secret(
    &client,
    &format!("{base}#{}", &fragment[1..]),
    None,
    None,
    &call,
  )
  .await
  .unwrap_err();
  assert_eq!(err.kind, ErrorKind::Input);
  assert!(!err.message.contains(&fragment[1..]), "{}", err.message);
  assert_eq!(reveals(&server), 0, "the secret was not revealed");

  let wrong = RootKey::from_bytes([9; 32]).to_fragment();
  let err = retrieve_secret(&client, &format!("{base}#{}", &*wrong), None, None, &call)
    .await
    .unwrap_err();
  assert_eq!(err.kind, ErrorKind::Decryption);
  assert_eq!(
    err.message,
    "Decryption failed: wrong key, or the envelope was altered"
  );
  let envelope = err.envelope.clone().expect("the envelope is kept").0;
  assert_eq!(&*decrypt(&envelope, &link).unwrap(), "keep me");
  assert!(!format!("{err:?}").contains(fragment));

  let err = retrieve_secret(
    &client,
    "https://x.example/private/abcdefghijklmnopqrstu#k",
    None,
    None,
    &call,
  )
  .await
  .unwrap_err();
  assert_eq!(
    err.message,
    // A link holds a key: it is described, never echoed (crate::key).
    "Invalid key provided: a string of 47 characters with characters other than letters and digits"
  );
  server.close().await;
}

#[tokio::test]
async fn plain_secrets_read_through_a_link_are_untouched() {
  let (server, client) = setup(Generation::V0_22, ApiVersion::V1).await;
  let call = CallOptions::default();
  let shared = json(client.share(params("plain"), &call).await.unwrap());
  let got = json(
    retrieve_secret(&client, text(&shared, "share_link"), None, None, &call)
      .await
      .unwrap(),
  );
  assert_eq!(text(&got, "value"), "plain");
  assert!(got.get("encrypted").is_none());
  server.close().await;
}

/// docs/E2E.md "No downgrade": with a key, a plain secret (what a server that did not keep the
/// envelope sends) is a `DecryptionError` carrying the text, never a value; with the key given
/// separately too, and with no value at all.
#[tokio::test]
async fn with_a_key_anything_but_an_envelope_is_a_decryption_error() {
  let (server, client) = setup(Generation::V0_26, ApiVersion::V2).await;
  let call = CallOptions::default();
  let fragment = RootKey::from_bytes([3; 32]).to_fragment();
  for separate in [false, true] {
    let shared = json(
      client
        .share(params("chosen by the server"), &call)
        .await
        .unwrap(),
    );
    let link = text(&shared, "share_link");
    let (input, key) = if separate {
      (link.to_owned(), Some(fragment.as_str()))
    } else {
      (format!("{link}#{}", &*fragment), None)
    };
    let err = retrieve_secret(&client, &input, key, None, &call)
      .await
      .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Decryption, "{}", err.message);
    assert!(!err.message.contains("chosen"), "{}", err.message);
    assert_eq!(
      err.envelope.map(|e| e.0).as_deref(),
      Some("chosen by the server")
    );
  }
  server.close().await;
}

#[test]
fn a_key_in_the_link_and_a_separate_key_must_agree() {
  let key = "abcdefghijklmnopqrstu";
  let a = RootKey::from_bytes([1; 32]).to_fragment();
  let b = RootKey::from_bytes([2; 32]).to_fragment();
  let link = format!("https://h.example/secret/{key}#{}", &*a);
  let (k, root) = split_link_or_key(&link, Some(&a)).unwrap();
  assert_eq!(k, key);
  assert_eq!(root.unwrap().to_fragment().as_str(), a.as_str());
  let (_, root) = split_link_or_key(key, Some(&format!("#{}", &*b))).unwrap();
  assert_eq!(root.unwrap().to_fragment().as_str(), b.as_str());
  let err = split_link_or_key(&link, Some(&b)).unwrap_err();
  assert_eq!(err.kind, ErrorKind::Input);
  assert!(!err.message.contains(a.as_str()) && !err.message.contains(b.as_str()));
  assert!(split_link_or_key(key, Some("short")).is_err());
}

#[test]
fn decrypt_errors_carry_envelopes_only() {
  let sealed = seal("x").unwrap();
  let err = decrypt(
    &sealed.envelope,
    &RootKey::from_bytes([1; 32]).to_fragment(),
  )
  .unwrap_err();
  assert_eq!(err.envelope.map(|e| e.0), Some(sealed.envelope));
  let err = decrypt("a plaintext by mistake", &sealed.key.to_fragment()).unwrap_err();
  assert_eq!(err.kind, ErrorKind::Decryption);
  assert_eq!(err.envelope, None);
}
