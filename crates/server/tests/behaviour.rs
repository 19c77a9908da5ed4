//! Behaviour over real HTTP that the transcripts do not exercise: one-time reads under concurrency,
//! the clock, close(), request counts, fault injection, rate limits, body limits, garbage input.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ots_server::{Fault, FaultKind, Generation, Server, ServerOptions};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Resp {
  status: u16,
  headers: Vec<(String, String)>,
  body: Vec<u8>,
}

impl Resp {
  fn header(&self, name: &str) -> Option<&str> {
    self
      .headers
      .iter()
      .find(|(k, _)| k == name)
      .map(|(_, v)| v.as_str())
  }
  fn json(&self) -> Value {
    serde_json::from_slice(&self.body).unwrap_or(Value::Null)
  }
}

/// A GET on a fresh connection, answered.
async fn get(addr: SocketAddr, path: &str, auth: Option<&str>) -> Resp {
  req(addr, "GET", path, auth, None, b"").await.unwrap()
}

/// A POST without a body on a fresh connection, answered.
async fn post(addr: SocketAddr, path: &str, auth: Option<&str>) -> Resp {
  req(addr, "POST", path, auth, None, b"").await.unwrap()
}

/// A POST of a form on a fresh connection, answered.
async fn post_form(addr: SocketAddr, path: &str, auth: Option<&str>, body: &[u8]) -> Resp {
  req(addr, "POST", path, auth, FORM, body).await.unwrap()
}

/// A POST of a JSON body on a fresh connection, answered.
async fn post_json(addr: SocketAddr, path: &str, auth: Option<&str>, body: &[u8]) -> Resp {
  req(addr, "POST", path, auth, JSONT, body).await.unwrap()
}

/// A v0.26 v1 form error: 404 meaning 400, with this message.
fn assert_v1_form_error(r: &Resp, message: &str) {
  assert_eq!(
    (r.status, r.header("x-ots-intended-status")),
    (404, Some("400"))
  );
  assert_eq!(r.json()["message"], message);
}

/// One request on a fresh connection. `Err` when the connection closed without a complete response.
async fn req(
  addr: SocketAddr,
  method: &str,
  path: &str,
  auth: Option<&str>,
  ctype: Option<&str>,
  body: &[u8],
) -> Result<Resp, String> {
  use base64::Engine;
  let mut head = format!(
    "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
    body.len()
  );
  if let Some(a) = auth {
    head.push_str(&format!(
      "Authorization: Basic {}\r\n",
      base64::engine::general_purpose::STANDARD.encode(a)
    ));
  }
  if let Some(c) = ctype {
    head.push_str(&format!("Content-Type: {c}\r\n"));
  }
  head.push_str("\r\n");
  let mut s = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
  let mut payload = head.into_bytes();
  payload.extend_from_slice(body);
  let (mut rd, mut wr) = s.split();
  let w = async {
    let _ = wr.write_all(&payload).await;
  };
  let mut raw = Vec::new();
  let r = async {
    let _ = rd.read_to_end(&mut raw).await;
  };
  tokio::join!(w, r);
  let split = raw
    .windows(4)
    .position(|w| w == b"\r\n\r\n")
    .ok_or("no response head")?;
  let headtxt = String::from_utf8_lossy(&raw[..split]).to_string();
  let body = raw[split + 4..].to_vec();
  let mut lines = headtxt.split("\r\n");
  let status = lines
    .next()
    .and_then(|l| l.split_whitespace().nth(1))
    .and_then(|s| s.parse().ok())
    .ok_or("status")?;
  let headers: Vec<(String, String)> = lines
    .filter_map(|l| l.split_once(':'))
    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
    .collect();
  if let Some(cl) = headers
    .iter()
    .find(|(k, _)| k == "content-length")
    .and_then(|(_, v)| v.parse::<usize>().ok())
  {
    if cl != body.len() {
      return Err(format!("incomplete body: {} of {cl}", body.len()));
    }
  }
  Ok(Resp {
    status,
    headers,
    body,
  })
}

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
const JSONT: Option<&str> = Some("application/json");

async fn start(g: Generation) -> Server {
  Server::start(ServerOptions {
    generation: g,
    api_key: "tok".into(),
    ..ServerOptions::default()
  })
  .await
  .unwrap()
}

const AUTH: Option<&str> = Some("tester@example.com:tok");

async fn share(s: &Server, body: &str) -> Value {
  let r = post_form(s.addr(), "/api/v1/share", AUTH, body.as_bytes()).await;
  assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
  r.json()
}

/// V0.26 claims atomically, so concurrent reads cannot both succeed (we do it on every generation).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_time_read_under_concurrent_readers() {
  for g in [Generation::V0_12, Generation::V0_22, Generation::V0_26] {
    let s = start(g).await;
    let v = share(&s, "secret=only-once&ttl=600").await;
    let key = v["secret_key"].as_str().unwrap().to_string();
    let addr = s.addr();
    let tasks: Vec<_> = (0..24)
      .map(|_| {
        let key = key.clone();
        tokio::spawn(async move {
          post(addr, &format!("/api/v1/secret/{key}"), None)
            .await
            .status
        })
      })
      .collect();
    let mut ok = 0;
    for t in tasks {
      if t.await.unwrap() == 200 {
        ok += 1;
      }
    }
    assert_eq!(ok, 1, "{g:?}");
    assert_eq!(s.request_counts()["POST /api/v1/secret/:key"], 24);
    s.close().await;
  }
}

/// A wrong passphrase does not consume the secret.
#[tokio::test]
async fn wrong_passphrase_keeps_the_secret() {
  let s = start(Generation::V0_26).await;
  let v = share(&s, "secret=pp&passphrase=right1").await;
  let key = v["secret_key"].as_str().unwrap();
  let p = format!("/api/v1/secret/{key}");
  let r = post_form(s.addr(), &p, None, b"passphrase=wrong1").await;
  assert_eq!(
    (r.status, r.json()["message"].as_str()),
    (404, Some("Unknown secret"))
  );
  let r = post_form(s.addr(), &p, None, b"passphrase=right1").await;
  assert_eq!((r.status, r.json()["value"].as_str()), (200, Some("pp")));
  s.close().await;
}

/// A receipt lives 2 x TTL and its secret turns `expired`: the clock drives expiry.
#[tokio::test]
async fn clock_drives_expiry() {
  let s = start(Generation::V0_26).await;
  let v = share(&s, "secret=soon&ttl=60").await;
  let (sk, mk) = (
    v["secret_key"].as_str().unwrap().to_string(),
    v["metadata_key"].as_str().unwrap().to_string(),
  );
  s.advance_clock(61);
  let r = post(s.addr(), &format!("/api/v1/secret/{sk}"), None).await;
  assert_eq!(r.status, 404);
  let r = get(s.addr(), &format!("/api/v1/receipt/{mk}"), AUTH).await;
  assert_eq!(
    (r.status, r.json()["state"].as_str()),
    (200, Some("expired"))
  );
  s.advance_clock(60);
  let r = get(s.addr(), &format!("/api/v1/receipt/{mk}"), AUTH).await;
  assert_eq!(r.status, 404);
  s.close().await;
}

/// close(): stops accepting, drops keep-alive connections, frees the port; several servers coexist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_frees_the_port_and_servers_coexist() {
  let a = start(Generation::V0_12).await;
  let b = start(Generation::V0_22).await;
  let c = start(Generation::V0_26).await;
  assert!(a.addr() != b.addr() && b.addr() != c.addr());
  // an idle keep-alive connection
  let mut idle = TcpStream::connect(a.addr()).await.unwrap();
  idle
    .write_all(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
    .await
    .unwrap();
  let mut buf = [0u8; 512];
  let n = idle.read(&mut buf).await.unwrap();
  assert!(n > 0);
  let port = a.addr().port();
  tokio::time::timeout(Duration::from_secs(5), a.close())
    .await
    .expect("close is prompt");
  let n = tokio::time::timeout(Duration::from_secs(2), idle.read(&mut buf))
    .await
    .expect("dropped")
    .unwrap_or(0);
  assert_eq!(n, 0, "open connection is closed");
  assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
  let again = Server::start(ServerOptions {
    port,
    ..ServerOptions::default()
  })
  .await
  .expect("port reusable");
  again.close().await;
  assert_eq!(get(b.addr(), "/api/v1/status", None).await.status, 200);
  b.close().await;
  c.close().await;
}

/// Faults apply after counting; `times` counts down; close-before-response does not run the handler.
#[tokio::test]
async fn faults() {
  let s = start(Generation::V0_26).await;
  let addr = s.addr();
  let v = share(&s, "secret=f").await;
  let key = v["secret_key"].as_str().unwrap().to_string();
  let path = format!("/api/v1/secret/{key}");
  let route = Some("POST /api/v1/secret/:key".to_string());
  s.set_fault(Fault {
    route: route.clone(),
    times: Some(1),
    kind: FaultKind::CloseBeforeResponse,
  });
  assert!(req(addr, "POST", &path, None, None, b"").await.is_err());
  assert_eq!(s.request_counts()["POST /api/v1/secret/:key"], 1);
  // not consumed by the faulted request
  s.set_fault(Fault {
    route: route.clone(),
    times: Some(1),
    kind: FaultKind::CloseMidBody,
  });
  assert!(req(addr, "POST", &path, None, None, b"").await.is_err());
  // ...but close-mid-body ran the handler: the secret is gone now.
  assert_eq!(post(addr, &path, None).await.status, 404);
  assert_eq!(s.request_counts()["POST /api/v1/secret/:key"], 3);

  let st = Some("GET /api/v1/status".to_string());
  let get = || req(addr, "GET", "/api/v1/status", None, None, b"");
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::Status {
      status: 502,
      html: true,
    },
  });
  let r = get().await.unwrap();
  assert_eq!(
    (r.status, r.header("content-type")),
    (502, Some("text/html"))
  );
  assert!(String::from_utf8_lossy(&r.body).contains("502 Bad Gateway"));
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::TruncatedJson,
  });
  let r = get().await.unwrap();
  assert!(serde_json::from_slice::<Value>(&r.body).is_err());
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::InvalidJson,
  });
  assert!(serde_json::from_slice::<Value>(&get().await.unwrap().body).is_err());
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::InvalidUtf8,
  });
  assert!(std::str::from_utf8(&get().await.unwrap().body).is_err());
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::RateLimited {
      retry_after: Some(7),
    },
  });
  let r = get().await.unwrap();
  assert_eq!((r.status, r.header("retry-after")), (429, Some("7")));
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::WrongContentType,
  });
  let r = get().await.unwrap();
  assert!(r.header("content-type").unwrap().starts_with("text/html"));
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::HugeBody { bytes: 3_000_000 },
  });
  let r = get().await.unwrap();
  assert_eq!(r.body.len(), 3_000_000);
  assert!(serde_json::from_slice::<Value>(&r.body).is_ok());
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::DelayHeaders { ms: 300 },
  });
  let t = Instant::now();
  assert_eq!(get().await.unwrap().status, 200);
  assert!(t.elapsed() >= Duration::from_millis(290));
  s.set_fault(Fault {
    route: st.clone(),
    times: Some(1),
    kind: FaultKind::DelayBody { ms: 300 },
  });
  let t = Instant::now();
  let r = get().await.unwrap();
  assert_eq!(r.json()["status"], "nominal");
  assert!(t.elapsed() >= Duration::from_millis(290));
  // every route, until cleared
  s.set_fault(Fault {
    route: None,
    times: None,
    kind: FaultKind::Status {
      status: 503,
      html: false,
    },
  });
  assert_eq!(get().await.unwrap().status, 503);
  assert_eq!(
    post_form(addr, "/api/v1/share", None, b"secret=x")
      .await
      .status,
    503
  );
  s.clear_faults();
  assert_eq!(get().await.unwrap().status, 200);
  assert_eq!(s.request_counts()["GET /api/v1/status"], 11);
  s.close().await;
}

/// Rate-limit answers per generation.
#[tokio::test]
async fn rate_limits_per_generation() {
  let s = start(Generation::V0_26).await;
  s.set_rate_limit(Some(2));
  let conceal = br#"{"secret":{"secret":"x","ttl":3600}}"#;
  for _ in 0..2 {
    assert_eq!(
      post_json(s.addr(), "/api/v2/secret/conceal", None, conceal)
        .await
        .status,
      200
    );
  }
  let r = post_json(s.addr(), "/api/v2/secret/conceal", None, conceal).await;
  assert_eq!(r.status, 429);
  let ra: u64 = r.header("retry-after").unwrap().parse().unwrap();
  assert_eq!(r.json()["retry_after"].as_u64(), Some(ra));
  assert_eq!(r.json()["error_type"], "LimitExceeded");
  // v0.24.3+ counts per IP and event, so v1 share shares the create_secret budget; start afresh.
  s.set_rate_limit(Some(2));
  for _ in 0..2 {
    share(&s, "secret=y").await;
  }
  let r = post_form(s.addr(), "/api/v1/share", AUTH, b"secret=y").await;
  assert_v1_form_error(&r, "Rate limit exceeded. Please try again later.");
  assert!(
    r.header("retry-after").is_none(),
    "v1 never sends Retry-After"
  );
  s.set_rate_limit(None);
  share(&s, "secret=y").await;
  s.close().await;

  let s = start(Generation::V0_12).await;
  s.set_rate_limit(Some(1));
  assert_eq!(
    post_form(s.addr(), "/api/v1/share", None, b"secret=a")
      .await
      .status,
    200
  );
  let r = post_form(s.addr(), "/api/v1/share", None, b"secret=a").await;
  assert_eq!(
    (r.status, r.header("content-type"), r.body.as_slice()),
    (500, Some("text/plain"), &b"Server error"[..])
  );
  s.close().await;

  let s = start(Generation::V0_22).await;
  s.set_rate_limit(Some(1));
  post_json(s.addr(), "/api/v2/secret/conceal", None, conceal).await;
  let r = post_json(s.addr(), "/api/v2/secret/conceal", None, conceal).await;
  assert_eq!(
    (r.status, r.json()["message"].as_str()),
    (429, Some("Cripes! You have been rate limited."))
  );
  s.close().await;
}

/// Size limits: v0.26 rejects over 10 000 bytes; request bodies over 4 MiB get a 500.
#[tokio::test]
async fn size_limits() {
  let s = start(Generation::V0_26).await;
  let big = format!("secret={}", "a".repeat(10_001));
  let r = post_form(s.addr(), "/api/v1/share", AUTH, big.as_bytes()).await;
  assert_v1_form_error(&r, "Secret value exceeds the maximum size of 10000 bytes");
  let body = format!(r#"{{"secret":{{"secret":"{}"}}}}"#, "a".repeat(10_001));
  let r = req(
    s.addr(),
    "POST",
    "/api/v2/secret/conceal",
    AUTH,
    JSONT,
    body.as_bytes(),
  )
  .await
  .unwrap();
  assert_eq!(
    (r.status, r.json()["field"].as_str()),
    (422, Some("secret"))
  );
  let huge = vec![b'a'; 5 * 1024 * 1024];
  let r = post_form(s.addr(), "/api/v1/share", AUTH, &huge).await;
  assert_eq!(r.status, 500);
  s.close().await;
}

/// The v0.26 generated value is not in the generate answer; the creator reads it once on the receipt.
#[tokio::test]
async fn v026_generated_value_shown_once_on_receipt() {
  let s = start(Generation::V0_26).await;
  let r = post_json(
    s.addr(),
    "/api/v2/secret/generate",
    AUTH,
    br#"{"secret":{"ttl":600}}"#,
  )
  .await;
  assert_eq!(r.status, 200);
  let mk = r.json()["record"]["receipt"]["identifier"]
    .as_str()
    .unwrap()
    .to_string();
  let path = format!("/api/v2/receipt/{mk}");
  let first = get(s.addr(), &path, AUTH).await.json();
  assert_eq!(
    first["details"]["secret_value"]
      .as_str()
      .map(|v| v.chars().count()),
    Some(12)
  );
  let second = get(s.addr(), &path, AUTH).await.json();
  assert!(second["details"]["secret_value"].is_null());
  s.close().await;
}

/// No panics and sane answers on garbage.
#[tokio::test]
async fn garbage_input() {
  let s = start(Generation::V0_26).await;
  let a = s.addr();
  for (m, p, ct, b) in [
    ("POST", "/api/v2/secret/conceal", JSONT, &b"{not json"[..]),
    ("POST", "/api/v2/secret/conceal", JSONT, &b"\"string\""[..]),
    ("POST", "/api/v1/share", FORM, &b"%%%=%zz&secret"[..]),
    ("POST", "/api/v1/secret/%ff%fe", None, &b""[..]),
    ("GET", "/api/v2/secret/%00", None, &b""[..]),
    ("DELETE", "/api/v1/share", None, &b""[..]),
    ("GET", "/", None, &b""[..]),
  ] {
    let r = req(a, m, p, None, ct, b).await.unwrap();
    assert!(r.status >= 200 && r.status < 600);
  }
  let mut raw = TcpStream::connect(a).await.unwrap();
  raw
    .write_all(b"GET /api/v1/status HTTP/1.1\r\nAuthorization: Basic !!!\r\n\r\n")
    .await
    .unwrap();
  let mut buf = vec![0u8; 1024];
  let n = raw.read(&mut buf).await.unwrap();
  assert!(String::from_utf8_lossy(&buf[..n]).contains("Not authorized"));
  let r = req(
    a,
    "GET",
    "/api/v1/status",
    Some("tester@example.com:wrong"),
    None,
    b"",
  )
  .await
  .unwrap();
  assert_eq!(
    (r.status, r.header("x-ots-intended-status")),
    (404, Some("401"))
  );
  s.close().await;
}
