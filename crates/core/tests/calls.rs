//! The calls over real HTTP against the embedded server: no key, secret, passphrase or token in
//! any error; one deadline per call; retries; v2 `generate`'s one receipt read; network messages.
//! Assertions are on outcomes and request counters, never on elapsed time.

mod support;

use ots_core::wire::{CreateOptions, ShareParams};
use ots_core::{ApiVersion, CallOptions, Client, ErrorKind};
use ots_server::{FaultKind, Generation};
use serde_json::Value;
use support::*;
use zeroize::Zeroizing;

const SECRET: &str = "marker-secret-7d1f0c";
const PASSPHRASE: &str = "marker-passphrase-93ab";

fn share_params() -> ShareParams {
  ShareParams {
    secret: Zeroizing::new(SECRET.into()),
    options: CreateOptions {
      passphrase: Some(Zeroizing::new(PASSPHRASE.into())),
      ..Default::default()
    },
  }
}

/// A result as the JSON callers get.
fn json<T: serde::Serialize>(answer: T) -> Value {
  serde_json::to_value(answer).unwrap()
}

fn text(v: &Value, field: &str) -> String {
  v[field].as_str().unwrap_or_default().to_owned()
}

/// Every error path that names a URL, on each API: the route with `:key`, never the key, and
/// nothing secret anywhere in the error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_routes_never_keys_or_secrets() {
  for (generation, version) in [
    (Generation::V0_26, ApiVersion::V1),
    (Generation::V0_26, ApiVersion::V2),
    (Generation::V0_22, ApiVersion::V2),
  ] {
    let s = server(generation).await;
    let c = client(&s, version);
    let call = CallOptions::default();
    let shared = json(c.share(share_params(), &call).await.unwrap());
    let (secret_key, metadata_key) = (text(&shared, "secret_key"), text(&shared, "metadata_key"));
    assert!(!secret_key.is_empty() && !metadata_key.is_empty());
    let v2 = version == ApiVersion::V2;
    let routes: Vec<(&str, &str)> = if v2 {
      vec![
        (
          "POST /api/v2/secret/:id/reveal",
          "/api/v2/secret/:key/reveal",
        ),
        ("GET /api/v2/receipt/:id", "/api/v2/receipt/:key"),
        ("POST /api/v2/receipt/:id/burn", "/api/v2/receipt/:key/burn"),
        (
          "GET /api/v2/secret/:id/status",
          "/api/v2/secret/:key/status",
        ),
      ]
    } else {
      vec![
        ("POST /api/v1/secret/:key", "/api/v1/secret/:key"),
        ("POST /api/v1/private/:key", "/api/v1/private/:key"),
        (
          "POST /api/v1/private/:key/burn",
          "/api/v1/private/:key/burn",
        ),
      ]
    };
    for (server_route, shown) in routes {
      for kind in [
        FaultKind::Status {
          status: 500,
          html: false,
        },
        FaultKind::Status {
          status: 502,
          html: true,
        },
      ] {
        fault(&s, server_route, Some(1), kind);
        let pass = || Some(Zeroizing::new(PASSPHRASE.to_owned()));
        let err = match server_route {
          r if r.contains("reveal") || r == "POST /api/v1/secret/:key" => c
            .retrieve_secret(&secret_key, pass(), &call)
            .await
            .map(json),
          r if r.ends_with("burn") => c.burn(&metadata_key, pass(), &call).await.map(json),
          r if r.ends_with("status") => c.secret_status(&secret_key, &call).await.map(json),
          _ => c.retrieve_metadata(&metadata_key, &call).await.map(json),
        }
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::InternalServer, "{err:?}");
        let expected = format!("url=\"{}{shown}\"", s.url());
        assert!(err.message.starts_with(&expected), "{}", err.message);
        let all = format!("{err:?}");
        for leak in [
          secret_key.as_str(),
          metadata_key.as_str(),
          SECRET,
          PASSPHRASE,
          &s.api_key(),
        ] {
          assert!(!all.contains(leak), "{leak} in {all}");
        }
      }
    }
    // The secret was never revealed or burned by the faulted calls: it still reads once.
    let got = json(
      c.retrieve_secret(&secret_key, Some(Zeroizing::new(PASSPHRASE.into())), &call)
        .await
        .unwrap(),
    );
    assert_eq!(text(&got, "value"), SECRET);
    s.close().await;
  }
}

/// Server answers with a message (404 on v1, 4xx on v2) name the route too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_name_routes() {
  let s = server(Generation::V0_26).await;
  let c = client(&s, ApiVersion::V1);
  let unknown = "a".repeat(62);
  let e = c
    .retrieve_secret(&unknown, None, &CallOptions::default())
    .await
    .unwrap_err();
  assert_eq!(e.kind, ErrorKind::UnknownSecret);
  assert!(!format!("{e:?}").contains(&unknown), "{e:?}");
  s.close().await;
}

/// `serverInfo` makes three requests; before, each had its own deadline and a 600 ms call
/// resolved after 1,200 ms. Every request here takes 400 ms: the call cannot complete in 600.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_deadline_bounds_every_request_of_a_call() {
  let s = server(Generation::V0_26).await;
  let c = client(&s, ApiVersion::V1);
  assert!(c.server_info(&within(5_000)).await.is_ok());
  s.set_fault(ots_server::Fault {
    route: None,
    times: None,
    kind: FaultKind::DelayHeaders { ms: 400 },
  });
  let e = c.server_info(&within(600)).await.unwrap_err();
  assert_eq!(e.kind, ErrorKind::Timeout, "{e:?}");
  s.close().await;
}

/// A retry wait that would pass the deadline is not started: the answer that asked for the wait
/// is reported, after exactly one request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_retry_wait_past_the_deadline() {
  let s = server(Generation::V0_26).await;
  let c = client(&s, ApiVersion::V1);
  fault(
    &s,
    "GET /api/v1/status",
    None,
    FaultKind::RateLimited {
      retry_after: Some(60),
    },
  );
  let e = c.status(&within(5_000)).await.unwrap_err();
  assert_eq!((e.kind, e.retry_after), (ErrorKind::RateLimited, Some(60)));
  assert_eq!(count(&s, "GET /api/v1/status"), 1);
  s.clear_faults();
  // Within the deadline a safe call is retried.
  fault(
    &s,
    "GET /api/v1/status",
    Some(1),
    FaultKind::Status {
      status: 503,
      html: false,
    },
  );
  assert!(c.status(&within(10_000)).await.unwrap());
  assert_eq!(count(&s, "GET /api/v1/status"), 3);
  s.close().await;
}

/// A reveal whose answer was lost is never sent again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reveal_is_never_repeated() {
  let s = server(Generation::V0_26).await;
  let c = client(&s, ApiVersion::V1);
  let call = CallOptions::default();
  let shared = json(c.share(share_params(), &call).await.unwrap());
  fault(
    &s,
    "POST /api/v1/secret/:key",
    Some(1),
    FaultKind::CloseMidBody,
  );
  let pass = Some(Zeroizing::new(PASSPHRASE.into()));
  let e = c
    .retrieve_secret(&text(&shared, "secret_key"), pass, &call)
    .await
    .unwrap_err();
  assert_eq!(e.kind, ErrorKind::Network, "{e:?}");
  assert_eq!(count(&s, "POST /api/v1/secret/:key"), 1);
  s.close().await;
}

async fn generate_v2(c: &Client, call: &CallOptions) -> ots_core::Result<Value> {
  c.generate(CreateOptions::default(), call).await.map(json)
}

/// v2 `generate` on v0.26 reads the value from the receipt once; if that read fails it never
/// resolves without the value, and hands back the keys so the secret can be burned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_generate_reads_its_value_once_or_fails_with_the_keys() {
  const RECEIPT: &str = "GET /api/v2/receipt/:id";
  let s = server(Generation::V0_26).await;
  let c = client(&s, ApiVersion::V2);
  let ok = generate_v2(&c, &CallOptions::default()).await.unwrap();
  assert!(!text(&ok, "value").is_empty(), "{ok}");
  assert_eq!(count(&s, RECEIPT), 1);

  let failures = [
    (
      FaultKind::Status {
        status: 503,
        html: false,
      },
      ErrorKind::InternalServer,
      5_000,
    ),
    (FaultKind::CloseMidBody, ErrorKind::Network, 5_000),
    (
      FaultKind::DelayHeaders { ms: 3_000 },
      ErrorKind::Timeout,
      1_000,
    ),
  ];
  for (kind, expected, timeout) in failures {
    let before = count(&s, RECEIPT);
    fault(&s, RECEIPT, Some(5), kind);
    let e = generate_v2(&c, &within(timeout)).await.unwrap_err();
    s.clear_faults();
    assert_eq!(e.kind, expected, "{e:?}");
    assert!(
      e.message.contains("value could not be read"),
      "{}",
      e.message
    );
    // Exactly one receipt read: a 503 is not retried here, unlike any other receipt read.
    assert_eq!(count(&s, RECEIPT), before + 1);
    let created = e.created.clone().expect("the keys of the generated secret");
    assert!(created.secret_key.is_some());
    let burned = json(
      c.burn(&created.metadata_key, None, &CallOptions::default())
        .await
        .unwrap(),
    );
    assert_eq!(burned["state"]["state"], "burned");
  }
  s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_errors_say_host_and_reason() {
  let c = Client::new(config(
    "http://127.0.0.1:1",
    ApiVersion::V1,
    "u@example.com",
    "token-marker-1",
  ))
  .unwrap();
  let e = c.status(&CallOptions::default()).await.unwrap_err();
  assert_eq!(e.kind, ErrorKind::Network);
  assert_eq!(
    e.message,
    "Network request failed: connection refused at 127.0.0.1:1"
  );
  assert!(e.cause.is_some());
  assert!(!format!("{e:?}").contains("token-marker-1"));

  // Through a proxy that refuses: both named, the proxy's credentials never.
  let mut cfg = config(
    "http://127.0.0.1:7",
    ApiVersion::V1,
    "u@example.com",
    "token-marker-1",
  );
  cfg.proxy = Some("http://proxyuser:proxy-secret-9@127.0.0.1:1".into());
  let c = Client::new(cfg).unwrap();
  let e = c.status(&CallOptions::default()).await.unwrap_err();
  assert_eq!(
    e.message,
    "Network request failed: connection refused at 127.0.0.1:7 through the proxy 127.0.0.1:1"
  );
  assert!(!format!("{e:?}").contains("proxy-secret-9"), "{e:?}");
}
