//! How many requests a second the server answers (a measurement, not a check that runs in
//! `npm test`: it is `#[ignore]`d).

use std::time::{Duration, Instant};

use ots_server::{Server, ServerOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Throughput of `GET /api/v1/status` over keep-alive connections. Run with
/// `cargo test -p ots-server --release --test throughput -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
  let server_rt = tokio::runtime::Builder::new_multi_thread()
    .worker_threads(1)
    .enable_all()
    .build()
    .unwrap();
  let server = server_rt
    .block_on(Server::start(ServerOptions::default()))
    .unwrap();
  let addr = server.addr();
  let client_rt = tokio::runtime::Builder::new_multi_thread()
    .worker_threads(1)
    .enable_all()
    .build()
    .unwrap();
  let secs = 3.0;
  // Requests in flight per connection (1 = plain keep-alive, no pipelining).
  let depth: usize = std::env::var("OTS_BENCH_DEPTH")
    .ok()
    .and_then(|v| v.parse().ok())
    .unwrap_or(1);
  let total: u64 = client_rt.block_on(async move {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let tasks: Vec<_> = (0..16)
      .map(|_| {
        tokio::spawn(async move {
          let mut s = TcpStream::connect(addr).await.unwrap();
          s.set_nodelay(true).unwrap();
          let req = b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
          let mut buf = vec![0u8; 16 * 1024];
          let mut n = 0u64;
          while Instant::now() < deadline {
            let mut batch = Vec::new();
            for _ in 0..depth {
              batch.extend_from_slice(req);
            }
            s.write_all(&batch).await.unwrap();
            let mut seen = 0;
            while seen < depth {
              let k = s.read(&mut buf).await.unwrap();
              assert!(k > 0);
              seen += buf[..k]
                .windows(12)
                .filter(|w| w == b"HTTP/1.1 200")
                .count();
            }
            n += depth as u64;
          }
          n
        })
      })
      .collect();
    let mut t = 0;
    for h in tasks {
      t += h.await.unwrap();
    }
    t
  });
  let rps = total as f64 / secs;
  eprintln!("GET /api/v1/status: {total} requests in {secs}s = {rps:.0} req/s (16 connections, depth {depth})");
  server_rt.block_on(server.close());
  assert!(rps > 20_000.0, "{rps:.0} req/s");
}
