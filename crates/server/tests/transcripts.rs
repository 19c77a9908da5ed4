//! Replays every real-server transcript in `__test__/fixtures/ots-observed/` against the embedded
//! server of the same generation, over real HTTP, and compares each answer with the recorded one
//! by value (`ots_server::transcript::compare` says how). Nothing is skipped.

use ots_server::transcript::{self, compare, Exchange, Live, Mapping};
use ots_server::{Server, ServerOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The replays: files recorded on one server instance run on one embedded server, in order
/// (v0.22.11's v2 exchanges follow its v1 ones and depend on them, e.g. rate limiter state).
const RUNS: &[&[&str]] = &[
  &["v0.12.1-api-v1.md"],
  &["v0.12.1-more.md"],
  &["v0.22.11-api-v1.md", "v0.22.11-api-v2.md"],
  &["v0.22.11-more.md"],
  &["v0.26.6-api-v1-v2.md"],
  &["v0.26.6-more.md"],
];

async fn send(addr: std::net::SocketAddr, ex: &Exchange, path: &str, body: &[u8]) -> Live {
  use base64::Engine;
  let mut req = format!(
    "{} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n",
    ex.request.method
  );
  if let Some(u) = &ex.request.user {
    req.push_str(&format!(
      "Authorization: Basic {}\r\n",
      base64::engine::general_purpose::STANDARD.encode(u)
    ));
  }
  for (k, v) in &ex.request.headers {
    req.push_str(&format!("{k}: {v}\r\n"));
  }
  if !body.is_empty() || ex.request.method == "POST" {
    req.push_str(&format!("Content-Length: {}\r\n", body.len()));
  }
  req.push_str("\r\n");
  let stream = TcpStream::connect(addr).await.expect("connect");
  let (mut rd, mut wr) = stream.into_split();
  let mut payload = req.into_bytes();
  payload.extend_from_slice(body);
  let writer = tokio::spawn(async move {
    let _ = wr.write_all(&payload).await;
    wr
  });
  let mut raw = Vec::new();
  let _ = rd.read_to_end(&mut raw).await;
  let _ = writer.await;
  let split = raw
    .windows(4)
    .position(|w| w == b"\r\n\r\n")
    .expect("response head");
  let head = String::from_utf8_lossy(&raw[..split]).to_string();
  let body = raw[split + 4..].to_vec();
  let mut lines = head.split("\r\n");
  let status = lines
    .next()
    .and_then(|l| l.split_whitespace().nth(1))
    .and_then(|s| s.parse().ok())
    .expect("status");
  let headers: Vec<(String, String)> = lines
    .filter_map(|l| l.split_once(':'))
    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
    .collect();
  let live = Live {
    status,
    headers,
    body,
  };
  if let Some(cl) = live.header("content-length") {
    assert_eq!(cl.parse::<usize>().ok(), Some(live.body.len()));
  }
  live
}

/// Replays `files` on one fresh server; returns (exchanges compared, differences).
async fn replay(files: &[&str]) -> (usize, Vec<String>) {
  let mut all = Vec::new();
  for f in files {
    all.extend(transcript::load(f).expect("transcript"));
  }
  let server = Server::start(ServerOptions {
    generation: transcript::generation_of(files[0]),
    port: 0,
    username: "tester@example.com".into(),
    api_key: transcript::account_token(&all).expect("token"),
  })
  .await
  .expect("start");
  let addr = server.addr();
  let origin = server.url();
  let mut map = Mapping::default();
  map.prior = transcript::prior_records(&all);
  let mut failures = Vec::new();
  for ex in &all {
    let path = map.apply(&ex.request.path);
    let body = if ex.request.body.len() > 100_000 {
      ex.request.body.clone()
    } else {
      map
        .apply(&String::from_utf8_lossy(&ex.request.body))
        .into_bytes()
    };
    let live = send(addr, ex, &path, &body).await;
    let errs = compare(ex, &live, &origin, &mut map);
    if !errs.is_empty() {
      failures.push(format!(
        "{} #{} {} ({}):\n    {}",
        ex.file,
        ex.id,
        ex.request.method,
        ex.title,
        errs.join("\n    ")
      ));
    }
  }
  server.close().await;
  (all.len(), failures)
}

#[test]
fn every_transcript_file_is_replayed() {
  let mut listed: Vec<String> = RUNS
    .iter()
    .flat_map(|r| r.iter().map(|f| f.to_string()))
    .collect();
  listed.sort();
  assert_eq!(listed, transcript::files());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_exchange_gets_the_recorded_answer() {
  let mut report = Vec::new();
  let mut total = 0;
  for run in RUNS {
    let (n, failures) = replay(run).await;
    total += n;
    report.extend(failures);
  }
  assert!(
    report.is_empty(),
    "{} of {total} exchange(s) differ:\n{}",
    report.len(),
    report.join("\n")
  );
  eprintln!("{total} exchanges replayed, all equal");
}
