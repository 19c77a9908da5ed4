//! Shared by the integration tests: clients for the embedded server, and a raw loopback responder
//! that serves recorded bytes (a real server's answers, copied from a transcript).

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ots_core::config::Credentials;
use ots_core::{ApiVersion, CallOptions, Client, ClientConfig};
use ots_server::{Fault, FaultKind, Generation, Server, ServerOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zeroize::Zeroizing;

pub async fn server(generation: Generation) -> Server {
  Server::start(ServerOptions {
    generation,
    ..Default::default()
  })
  .await
  .expect("embedded server starts")
}

pub fn config(url: &str, version: ApiVersion, user: &str, token: &str) -> ClientConfig {
  ClientConfig {
    base_url: url.to_owned(),
    api_version: version,
    credentials: Some(Credentials {
      username: user.to_owned(),
      token: Zeroizing::new(token.to_owned()),
    }),
    ..Default::default()
  }
}

pub fn client(s: &Server, version: ApiVersion) -> Client {
  Client::new(config(&s.url(), version, &s.username(), &s.api_key())).expect("client")
}

pub fn fault(s: &Server, route: &str, times: Option<u32>, kind: FaultKind) {
  s.set_fault(Fault {
    route: Some(route.to_owned()),
    times,
    kind,
  });
}

pub fn count(s: &Server, route: &str) -> u64 {
  s.request_counts().get(route).copied().unwrap_or(0)
}

pub fn within(ms: u64) -> CallOptions {
  CallOptions {
    timeout: Some(Duration::from_millis(ms)),
    ..Default::default()
  }
}

/// One recorded answer: status line, content type, extra headers, body.
#[derive(Clone)]
pub struct Recorded {
  pub status: &'static str,
  pub content_type: &'static str,
  pub headers: &'static str,
  pub body: &'static str,
}

/// Serves `answers` by `"METHOD /path"` (a path ending in `*` matches by prefix) on 127.0.0.1;
/// anything else gets a 404 "Not Found" as text. Returns the base URL and what was asked, in order.
pub async fn responder(
  answers: Vec<(&'static str, Recorded)>,
) -> (String, Arc<Mutex<Vec<String>>>) {
  let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
  let url = format!("http://{}", listener.local_addr().unwrap());
  let asked = Arc::new(Mutex::new(Vec::new()));
  let log = asked.clone();
  let answers: HashMap<_, _> = answers.into_iter().collect();
  tokio::spawn(async move {
    while let Ok((mut sock, _)) = listener.accept().await {
      let answers = answers.clone();
      let log = log.clone();
      tokio::spawn(async move {
        let Some(request_line) = read_request(&mut sock).await else {
          return;
        };
        let mut parts = request_line.split(' ');
        let line = format!(
          "{} {}",
          parts.next().unwrap_or(""),
          parts.next().unwrap_or("")
        );
        log.lock().unwrap().push(line.clone());
        let found = answers.get(line.as_str()).cloned().or_else(|| {
          answers
            .iter()
            .find(|(k, _)| k.ends_with('*') && line.starts_with(k.trim_end_matches('*')))
            .map(|(_, v)| v.clone())
        });
        let r = found.unwrap_or(Recorded {
          status: "404 Not Found",
          content_type: "text/plain",
          headers: "",
          body: "Not Found",
        });
        let head = format!(
          "HTTP/1.1 {}\r\nContent-Type: {}\r\n{}Content-Length: {}\r\nConnection: close\r\n\r\n",
          r.status,
          r.content_type,
          r.headers,
          r.body.len()
        );
        let _ = sock.write_all(head.as_bytes()).await;
        let _ = sock.write_all(r.body.as_bytes()).await;
        let _ = sock.shutdown().await;
      });
    }
  });
  (url, asked)
}

/// Reads one request (headers and a Content-Length body); returns its request line.
async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<String> {
  let mut buf = Vec::new();
  let mut chunk = [0u8; 4096];
  let header_end = loop {
    let n = sock.read(&mut chunk).await.ok()?;
    if n == 0 {
      return None;
    }
    buf.extend_from_slice(&chunk[..n]);
    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
      break i + 4;
    }
  };
  let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
  let length: usize = head
    .lines()
    .find_map(|l| {
      let (k, v) = l.split_once(':')?;
      k.eq_ignore_ascii_case("content-length")
        .then(|| v.trim().parse().ok())?
    })
    .unwrap_or(0);
  while buf.len() < header_end + length {
    let n = sock.read(&mut chunk).await.ok()?;
    if n == 0 {
      break;
    }
    buf.extend_from_slice(&chunk[..n]);
  }
  head.lines().next().map(str::to_owned)
}
