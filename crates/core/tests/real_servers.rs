//! What real servers answered (transcripts v0.22.11-more and v0.26.6-more, recorded against the
//! releases), served byte for byte by a loopback responder, and what the client makes of it.

mod support;

use ots_core::wire::{CreateOptions, ShareParams};
use ots_core::{ApiVersion, CallOptions, Client, ErrorKind};
use serde_json::json;
use support::*;
use zeroize::Zeroizing;

const JSON: &str = "application/json; charset=utf-8";
const KEY: &str = "7r1pbzhzjomcdm9xlbbiz88uzlq5f79";

fn client_for(url: &str, version: ApiVersion) -> Client {
  Client::new(config(
    url,
    version,
    "tester@example.com",
    "token-marker-22",
  ))
  .unwrap()
}

/// v0.22.11-more #19 and #22: API v2 burn of a secret already read, or already burned.
#[tokio::test]
async fn v0_22_v2_burn_of_a_read_secret_is_unknown() {
  let (url, asked) = responder(vec![(
    "POST /api/v2/receipt/7r1pbzhzjomcdm9xlbbiz88uzlq5f79/burn",
    Recorded {
      status: "500 Internal Server Error",
      content_type: JSON,
      headers: "Server: thin\r\n",
      body: r#"{"shrimp":"4pz63ap01hax0f7nfyyfddyd48qzc6i0lpthbmlbhzlra46ay6","message":"Secret could not be burned.","success":false}"#,
    },
  )])
  .await;
  let c = client_for(&url, ApiVersion::V2);
  let e = c
    .burn(KEY, None, &CallOptions::default())
    .await
    .unwrap_err();
  assert_eq!(e.kind, ErrorKind::UnknownSecret, "{e:?}");
  assert_eq!(e.message, "Unknown secret");
  assert_eq!(e.status, Some(500));
  assert_eq!(
    e.server_message.as_deref(),
    Some("Secret could not be burned.")
  );
  assert_eq!(asked.lock().unwrap().len(), 1, "a burn is never repeated");
}

const V1_RECENT_BROKEN: Recorded = Recorded {
  status: "404 Not Found",
  content_type: JSON,
  headers: "Server: thin\r\n",
  body: r#"{"shrimp":"4pz63ap01hax0f7nfyyfddyd48qzc6i0lpthbmlbhzlra46ay6","message":"An unexpected error occurred :["}"#,
};

/// Two records of v0.22.11-more #23 (`GET /api/v2/receipt/recent`), a new one and a received one,
/// in their recorded envelope.
const V2_RECENT: &str = r#"{"success":true,"custid":"tester@example.com","count":2,"records":[{"identifier":"2t2c8cyag6vxgejgcn30kwrx45bgf45","key":"2t2c8cyag6vxgejgcn30kwrx45bgf45","custid":"tester@example.com","state":"new","secret_shortkey":"3nlqew","secret_ttl":"3600","metadata_ttl":"7200","lifespan":"7200","share_domain":"","created":"1795947494","updated":"1795947494","shared":"","received":"","burned":"","viewed":"","recipients":"","memo":null,"shortkey":"2t2c8cya","show_recipients":false,"is_viewed":false,"is_received":false,"is_burned":false,"is_expired":false,"is_orphaned":false,"is_destroyed":false,"is_truncated":false,"has_passphrase":false},{"identifier":"3ias0m21jyjrfjf69rpj6pfzwvbf6c7","key":"3ias0m21jyjrfjf69rpj6pfzwvbf6c7","custid":"tester@example.com","state":"received","secret_shortkey":"5l67so","secret_ttl":"604800","metadata_ttl":"1209600","lifespan":"1209600","share_domain":"","created":"1795947494","updated":"1795947494","shared":"","received":"1795947494","burned":"","viewed":"","recipients":"","memo":null,"shortkey":"3ias0m21","show_recipients":false,"is_viewed":false,"is_received":true,"is_burned":false,"is_expired":false,"is_orphaned":false,"is_destroyed":true,"is_truncated":false,"has_passphrase":false}]}"#;

/// v0.22.11-more #8: the v1 route is broken; the v2 list is asked once and answered in the v1
/// shape (fields, types and order of v1 `recent` on v0.12.1-more #8 and v0.26.6-more #8).
#[tokio::test]
async fn v0_22_v1_recent_falls_back_to_the_v2_list_in_the_v1_shape() {
  let (url, asked) = responder(vec![
    ("GET /api/v1/private/recent", V1_RECENT_BROKEN),
    (
      "GET /api/v2/receipt/recent",
      Recorded {
        status: "200 OK",
        content_type: JSON,
        headers: "Server: thin\r\n",
        body: V2_RECENT,
      },
    ),
  ])
  .await;
  let c = client_for(&url, ApiVersion::V1);
  let list =
    serde_json::to_value(c.recent_metadata(&CallOptions::default()).await.unwrap()).unwrap();
  assert_eq!(
    list,
    json!([
      {"custid":"tester@example.com","metadata_key":"2t2c8cyag6vxgejgcn30kwrx45bgf45","ttl":3600,
       "metadata_ttl":7200,"secret_ttl":3600,"state":"new","updated":1795947494,"created":1795947494,
       "recipient":[],"share_domain":""},
      {"custid":"tester@example.com","metadata_key":"3ias0m21jyjrfjf69rpj6pfzwvbf6c7","ttl":604800,
       "metadata_ttl":1209600,"state":"received","updated":1795947494,"created":1795947494,
       "received":1795947494,"recipient":[],"share_domain":""}
    ])
  );
  let order: Vec<&str> = list[1]
    .as_object()
    .unwrap()
    .keys()
    .map(String::as_str)
    .collect();
  assert_eq!(
    order,
    [
      "custid",
      "metadata_key",
      "ttl",
      "metadata_ttl",
      "state",
      "updated",
      "created",
      "received",
      "recipient",
      "share_domain"
    ]
  );
  assert_eq!(
    *asked.lock().unwrap(),
    ["GET /api/v1/private/recent", "GET /api/v2/receipt/recent"]
  );
}

#[tokio::test]
async fn recent_is_unsupported_only_when_neither_api_lists() {
  let (url, asked) = responder(vec![("GET /api/v1/private/recent", V1_RECENT_BROKEN)]).await;
  let c = client_for(&url, ApiVersion::V1);
  let e = c
    .recent_metadata(&CallOptions::default())
    .await
    .unwrap_err();
  assert_eq!(e.kind, ErrorKind::Unsupported, "{e:?}");
  assert_eq!(asked.lock().unwrap().len(), 2);
}

/// The same calling code works on the embedded v0.22, whose v1 `recent` is broken as the real one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_recent_works_on_the_embedded_v0_22() {
  let s = server(ots_server::Generation::V0_22).await;
  let c = client(&s, ApiVersion::V1);
  let call = CallOptions::default();
  let params = ShareParams {
    secret: Zeroizing::new("s".into()),
    options: CreateOptions::default(),
  };
  let shared = c.share(params, &call).await.unwrap();
  let list = serde_json::to_value(c.recent_metadata(&call).await.unwrap()).unwrap();
  assert_eq!(
    list[0]["metadata_key"].as_str(),
    shared.metadata_key.as_deref()
  );
  assert_eq!(list[0]["state"], "new");
  assert!(list[0].get("secret_key").is_none() && list[0].get("raw_state").is_none());
  assert_eq!(count(&s, "GET /api/v2/receipt/recent"), 1);
  s.close().await;
}

/// The fallback runs under the call's one deadline, and a timeout there is reported as one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recent_fallback_keeps_the_call_deadline() {
  let s = server(ots_server::Generation::V0_22).await;
  let c = client(&s, ApiVersion::V1);
  fault(
    &s,
    "GET /api/v2/receipt/recent",
    None,
    ots_server::FaultKind::DelayHeaders { ms: 3_000 },
  );
  let e = c.recent_metadata(&within(800)).await.unwrap_err();
  assert_eq!(e.kind, ErrorKind::Timeout, "{e:?}");
  assert_eq!(count(&s, "GET /api/v1/private/recent"), 1);
  assert_eq!(count(&s, "GET /api/v2/receipt/recent"), 1);
  s.close().await;
}

/// v0.26.6-more #12 (v1) and #23 (v2): a secret over the server's limit reads the same on both.
#[tokio::test]
async fn oversized_secrets_read_the_same_on_v1_and_v2() {
  let (url, _) = responder(vec![
    (
      "POST /api/v1/share",
      Recorded {
        status: "404 Not Found",
        content_type: JSON,
        headers: "x-ots-intended-status: 400\r\n",
        body: r#"{"message":"Secret value exceeds the maximum size of 10000 bytes"}"#,
      },
    ),
    (
      "POST /api/v2/secret/conceal",
      Recorded {
        status: "422 Unprocessable Content",
        content_type: "application/json",
        headers: "x-request-id: 23ygrq78q0sjn\r\n",
        body: r#"{"error":"Secret content must be no more than 10000 bytes long","field":"secret","request_id":"23ygrq78q0sjn"}"#,
      },
    ),
  ])
  .await;
  let mut seen = Vec::new();
  for (version, route, status) in [
    (ApiVersion::V1, "/api/v1/share", 404),
    (ApiVersion::V2, "/api/v2/secret/conceal", 422),
  ] {
    let c = client_for(&url, version);
    let params = ShareParams {
      secret: Zeroizing::new("0123456789".repeat(5_000)),
      options: CreateOptions::default(),
    };
    let e = c.share(params, &CallOptions::default()).await.unwrap_err();
    assert_eq!((e.kind, e.status), (ErrorKind::Api, Some(status)), "{e:?}");
    assert_eq!(
      e.message,
      format!(
        "url=\"{url}{route}\", status={status}, message=\"Secret value exceeds the maximum size of 10000 bytes\""
      )
    );
    seen.push(e.server_message.clone().unwrap_or_default());
  }
  // The server's own words stay in serverMessage.
  assert_eq!(
    seen,
    [
      "Secret value exceeds the maximum size of 10000 bytes",
      "Secret content must be no more than 10000 bytes long"
    ]
  );
}
