//! The HTTP/1.1 layer (hyper 1, keep-alive): accept loop, request parsing, body limits, fault
//! injection, and turning a [`Reply`] into a response. Nothing is logged, ever.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use zeroize::Zeroizing;

use crate::app::{Ctx, Params, Shared};
use crate::auth::AuthHeader;
use crate::faults::FaultKind;
use crate::profile::Profile;
use crate::reply::{Reply, JSON, JSON_UTF8};
use crate::router::{self, Route};
use crate::{v1, v2};

/// Request bodies above this are refused without being read. 4 MiB is Rack's
/// `QueryParser` bytesize limit; the real servers answer an over-limit form body with a 500
/// (transcripts: v0.12.1 #29 `text/plain` "Server error"; v0.22.11 #29 `{"error":"Internal Server Error"}`),
/// while a 2 MB body still goes through (#27), so we answer the same way.
pub const MAX_BODY: usize = 4 * 1024 * 1024;

pub(crate) enum RespBody {
  Full(Option<Bytes>),
  Chan(mpsc::Receiver<Result<Bytes, io::Error>>),
}

impl Body for RespBody {
  type Data = Bytes;
  type Error = io::Error;

  fn poll_frame(
    self: Pin<&mut Self>,
    cx: &mut Context<'_>,
  ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
    match self.get_mut() {
      RespBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
      RespBody::Chan(rx) => rx.poll_recv(cx).map(|o| o.map(|r| r.map(Frame::data))),
    }
  }

  fn is_end_stream(&self) -> bool {
    matches!(self, RespBody::Full(None))
  }

  fn size_hint(&self) -> SizeHint {
    match self {
      RespBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
      RespBody::Full(None) => SizeHint::with_exact(0),
      RespBody::Chan(_) => SizeHint::default(),
    }
  }
}

pub(crate) async fn serve(
  listener: TcpListener,
  sh: Arc<Shared>,
  token: CancellationToken,
  tracker: TaskTracker,
) {
  loop {
    let accepted = tokio::select! {
      _ = token.cancelled() => break,
      a = listener.accept() => a,
    };
    let (stream, peer) = match accepted {
      Ok(x) => x,
      Err(_) => {
        // e.g. EMFILE: back off instead of spinning.
        tokio::time::sleep(Duration::from_millis(10)).await;
        continue;
      }
    };
    let _ = stream.set_nodelay(true);
    let sh = sh.clone();
    let token = token.clone();
    tracker.spawn(async move {
      let io = TokioIo::new(stream);
      let svc = service_fn(move |req| {
        let sh = sh.clone();
        async move { handle(sh, req, peer).await }
      });
      let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, svc);
      tokio::select! {
        _ = conn => {}
        // Dropping the connection future closes the socket.
        _ = token.cancelled() => {}
      }
    });
  }
}

fn header_str<'a>(parts: &'a http::request::Parts, name: &str) -> Option<&'a str> {
  parts.headers.get(name).and_then(|v| v.to_str().ok())
}

fn parse_auth(parts: &http::request::Parts) -> AuthHeader {
  use base64::Engine;
  let Some(v) = parts.headers.get(http::header::AUTHORIZATION) else {
    return AuthHeader::None;
  };
  let Ok(v) = v.to_str() else {
    return AuthHeader::Bad("AUTH_TYPE_INVALID");
  };
  let mut it = v.trim().splitn(2, ' ');
  let scheme = it.next().unwrap_or("");
  if !scheme.eq_ignore_ascii_case("basic") {
    return AuthHeader::Bad("AUTH_TYPE_INVALID");
  }
  let Ok(decoded) =
    base64::engine::general_purpose::STANDARD.decode(it.next().unwrap_or("").trim())
  else {
    return AuthHeader::Bad("CREDENTIALS_FORMAT_INVALID");
  };
  let decoded = Zeroizing::new(decoded);
  let Ok(s) = std::str::from_utf8(&decoded) else {
    return AuthHeader::Bad("CREDENTIALS_FORMAT_INVALID");
  };
  match s.split_once(':') {
    Some((u, p)) => AuthHeader::Basic(u.to_string(), Zeroizing::new(p.to_string())),
    None => AuthHeader::Bad("CREDENTIALS_FORMAT_INVALID"),
  }
}

enum BodyError {
  TooLarge,
  Io,
}

/// Bodies over [`MAX_BODY`] are still drained (discarded) up to this size so the client reads our
/// answer instead of a connection reset; beyond it we answer at once and the connection closes.
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

async fn read_body(
  parts: &http::request::Parts,
  mut body: Incoming,
) -> Result<Zeroizing<Vec<u8>>, BodyError> {
  let declared = header_str(parts, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
  if declared.is_some_and(|len| len > DRAIN_LIMIT) {
    return Err(BodyError::TooLarge);
  }
  let mut buf = Zeroizing::new(Vec::new());
  if body.is_end_stream() {
    return Ok(buf);
  }
  let mut total: u64 = 0;
  let mut too_large = declared.is_some_and(|len| len > MAX_BODY as u64);
  while let Some(frame) = body.frame().await {
    let frame = frame.map_err(|_| BodyError::Io)?;
    if let Ok(data) = frame.into_data() {
      total += data.len() as u64;
      if total > MAX_BODY as u64 {
        too_large = true;
      }
      if too_large {
        if !buf.is_empty() {
          *buf = Vec::new();
        }
        if total > DRAIN_LIMIT {
          break;
        }
      } else {
        buf.extend_from_slice(&data);
      }
    }
  }
  if too_large {
    Err(BodyError::TooLarge)
  } else {
    Ok(buf)
  }
}

/// The generation's answer to a request that failed inside the server (the real ones answer an
/// over-limit body this way): the v2 style's on a v2 route, else the era's.
fn server_error(profile: &Profile, v2: bool) -> Reply {
  match profile.v2 {
    Some(style) if v2 => style.server_error(),
    _ => profile.replies.server_error.reply(),
  }
}

fn is_v1(r: Route) -> bool {
  matches!(
    r,
    Route::V1Status
      | Route::V1Authcheck
      | Route::V1Share
      | Route::V1Create
      | Route::V1Generate
      | Route::V1Secret
      | Route::V1Receipt
      | Route::V1Recent
      | Route::V1Burn
  )
}

async fn handle(
  sh: Arc<Shared>,
  req: Request<Incoming>,
  peer: SocketAddr,
) -> Result<Response<RespBody>, io::Error> {
  let (parts, body) = req.into_parts();
  let (pattern, id) = router::pattern(parts.method.as_str(), parts.uri.path());
  sh.count(&pattern);
  let profile = sh.profile;
  let route = router::route(profile, &pattern);
  let v2 = pattern
    .split(' ')
    .nth(1)
    .is_some_and(|p| p.starts_with("/api/v2/"));
  let fault = sh.faults.take(&pattern);
  match &fault {
    Some(FaultKind::CloseBeforeResponse) => {
      return Err(io::Error::other("injected fault: close before response"))
    }
    Some(FaultKind::Status { status, html }) => return Ok(respond(status_fault(*status, *html))),
    Some(FaultKind::RateLimited { retry_after }) => {
      return Ok(respond(rate_fault(profile, v2, retry_after.unwrap_or(60))))
    }
    Some(FaultKind::DelayHeaders { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
    _ => {}
  }

  let reply = match read_body(&parts, body).await {
    Err(BodyError::Io) => return Err(io::Error::other("request body")),
    Err(BodyError::TooLarge) => server_error(profile, v2),
    Ok(bytes) => {
      if let Route::NotFound { v2 } = route {
        match profile.v2 {
          Some(style) if v2 => style.not_found(),
          _ => profile.replies.not_found.reply(),
        }
      } else {
        let ctx = build_ctx(&sh, &parts, &bytes, id, peer, route);
        if is_v1(route) {
          v1::handle(&ctx, route)
        } else {
          v2::handle(&ctx, route)
        }
      }
    }
  };
  Ok(apply_fault(reply, fault))
}

fn build_ctx<'a>(
  sh: &'a Shared,
  parts: &http::request::Parts,
  body: &[u8],
  id: Option<String>,
  peer: SocketAddr,
  route: Route,
) -> Ctx<'a> {
  let mut params = Params::default();
  if let Some(q) = parts.uri.query() {
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
      params.push(k.into_owned(), v.into_owned());
    }
  }
  let ctype = header_str(parts, "content-type")
    .unwrap_or("")
    .to_ascii_lowercase();
  let mut json = None;
  if !body.is_empty() {
    if ctype.starts_with("application/json") {
      let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
      if is_v1(route) {
        if sh.profile.v1_json_body {
          if let Some(serde_json::Value::Object(m)) = &parsed {
            for (k, v) in m {
              match v {
                serde_json::Value::Array(a) => {
                  for item in a {
                    if let Some(s) = crate::app::scalar(item) {
                      params.push(k.clone(), s);
                    }
                  }
                }
                other => {
                  if let Some(s) = crate::app::scalar(other) {
                    params.push(k.clone(), s);
                  }
                }
              }
            }
          }
        }
      } else {
        json = parsed;
      }
    } else if ctype.is_empty() || ctype.starts_with("application/x-www-form-urlencoded") {
      for (k, v) in form_urlencoded::parse(body) {
        params.push(k.into_owned(), v.into_owned());
      }
    }
  }
  let host = header_str(parts, "host")
    .filter(|h| !h.is_empty() && h.is_ascii())
    .map(str::to_string);
  let base = format!(
    "http://{}",
    host.unwrap_or_else(|| format!("127.0.0.1:{}", peer.port()))
  );
  Ctx {
    sh,
    profile: sh.profile,
    now: sh.clock.now(),
    key: id.unwrap_or_default(),
    params,
    json,
    auth: parse_auth(parts),
    base,
    client_ip: peer.ip().to_string(),
  }
}

fn respond(reply: Reply) -> Response<RespBody> {
  let mut b = Response::builder()
    .status(reply.status)
    .header("content-type", reply.ctype);
  for (k, v) in &reply.headers {
    b = b.header(*k, v.as_str());
  }
  b.body(RespBody::Full(Some(reply.body)))
    .unwrap_or_else(|_| {
      let mut r = Response::new(RespBody::Full(Some(Bytes::from_static(b"Server error"))));
      *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
      r
    })
}

fn status_text(status: u16) -> &'static str {
  http::StatusCode::from_u16(status)
    .ok()
    .and_then(|s| s.canonical_reason())
    .unwrap_or("Error")
}

/// A proxy-style error page (HTML) or a bare JSON error, without touching the application.
fn status_fault(status: u16, html: bool) -> Reply {
  let status = if (100..=999).contains(&status) {
    status
  } else {
    500
  };
  let reason = status_text(status);
  if html {
    let page = format!(
      "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    Reply {
      status,
      ctype: "text/html",
      headers: Vec::new(),
      body: Bytes::from(page),
    }
  } else {
    Reply {
      status,
      ctype: JSON,
      headers: Vec::new(),
      body: Bytes::from(format!("{{\"error\":\"{reason}\"}}")),
    }
  }
}

/// An injected `rateLimited` (a limiter in front of the application, not the application's own):
/// on a v2 route the v2 style's error body where it has one, else a plain `message`.
fn rate_fault(profile: &Profile, v2: bool, retry_after: u64) -> Reply {
  let body = profile
    .v2
    .filter(|_| v2)
    .and_then(|style| style.rate_fault(retry_after))
    .unwrap_or_else(|| {
      "{\"message\":\"Rate limit exceeded. Please try again later.\"}".to_string()
    });
  Reply {
    status: 429,
    ctype: JSON_UTF8,
    headers: vec![("retry-after", retry_after.to_string())],
    body: Bytes::from(body),
  }
}

fn streamed(reply: &Reply, ctype: &str, len: usize) -> http::response::Builder {
  let mut b = Response::builder()
    .status(reply.status)
    .header("content-type", ctype)
    .header("content-length", len);
  for (k, v) in &reply.headers {
    b = b.header(*k, v.as_str());
  }
  b
}

fn apply_fault(reply: Reply, fault: Option<FaultKind>) -> Response<RespBody> {
  let Some(fault) = fault else {
    return respond(reply);
  };
  match fault {
    FaultKind::DelayBody { ms } => {
      let b = streamed(&reply, reply.ctype, reply.body.len());
      let (tx, rx) = mpsc::channel(2);
      let body = reply.body.clone();
      tokio::spawn(async move {
        let half = body.len() / 2;
        let _ = tx.send(Ok(body.slice(..half))).await;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        let _ = tx.send(Ok(body.slice(half..))).await;
      });
      b.body(RespBody::Chan(rx))
        .unwrap_or_else(|_| respond(reply))
    }
    FaultKind::CloseMidBody => {
      let b = streamed(&reply, reply.ctype, reply.body.len().max(2));
      let (tx, rx) = mpsc::channel(2);
      let body = reply.body.clone();
      tokio::spawn(async move {
        let half = body.len() / 2;
        let _ = tx.send(Ok(body.slice(..half))).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        let _ = tx
          .send(Err(io::Error::other("injected fault: close mid body")))
          .await;
      });
      b.body(RespBody::Chan(rx))
        .unwrap_or_else(|_| respond(reply))
    }
    FaultKind::TruncatedJson => {
      let cut = (reply.body.len() / 2).max(1).min(reply.body.len());
      let body = reply.body.slice(..cut);
      respond(Reply { body, ..reply })
    }
    FaultKind::InvalidJson => respond(Reply {
      body: Bytes::from_static(b"{\"status\":\"nominal\",,\"locale\":}"),
      ..reply
    }),
    FaultKind::InvalidUtf8 => respond(Reply {
      body: Bytes::from_static(b"{\"message\":\"\xff\xfe\xfd\"}"),
      ..reply
    }),
    FaultKind::WrongContentType => respond(Reply {
      ctype: "text/html; charset=utf-8",
      ..reply
    }),
    FaultKind::HugeBody { bytes } => {
      let total = bytes.max(14);
      let b = streamed(&reply, reply.ctype, total);
      let (tx, rx) = mpsc::channel(4);
      tokio::spawn(async move {
        let head = b"{\"value\":\"";
        let tail = b"\"}";
        let _ = tx.send(Ok(Bytes::from_static(head))).await;
        let mut left = total - head.len() - tail.len();
        let chunk = Bytes::from(vec![b'A'; 64 * 1024]);
        while left > 0 {
          let n = left.min(chunk.len());
          if tx.send(Ok(chunk.slice(..n))).await.is_err() {
            return;
          }
          left -= n;
        }
        let _ = tx.send(Ok(Bytes::from_static(tail))).await;
      });
      b.body(RespBody::Chan(rx))
        .unwrap_or_else(|_| respond(reply))
    }
    // Handled before the application ran.
    FaultKind::DelayHeaders { .. }
    | FaultKind::CloseBeforeResponse
    | FaultKind::Status { .. }
    | FaultKind::RateLimited { .. } => respond(reply),
  }
}
