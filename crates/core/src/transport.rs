//! HTTP: one reqwest client (one connection pool) per API client, the Authorization header computed
//! once, the call's one deadline and its cancellation token raced against every request and every
//! retry wait (dropping the request future closes its socket), bounded answer bodies read into
//! buffers that are wiped, and retries that never repeat a call that may have created or consumed
//! a secret.

use std::time::Duration;

use crate::config::{ClientConfig, RetryPolicy};
#[cfg(not(target_arch = "wasm32"))]
use crate::error::redact_userinfo;
use crate::error::{bounded, Error, ErrorKind, Result};
use crate::rt::Instant;
use crate::secret_buf::SecretBuf;
use crate::wire::{Body, Method, RawResponse, RequestSpec, Retry};
use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use tokio_util::sync::CancellationToken;

mod redirect;

/// Per-call settings.
#[derive(Debug, Default, Clone)]
pub struct CallOptions {
  /// Overrides the client's timeout for this call.
  pub timeout: Option<Duration>,
  /// Cancels the call: the request in flight is dropped (its socket closed) and the call fails
  /// with an `AbortError`.
  pub cancel: Option<CancellationToken>,
  /// When the whole call must be over: computed once when the call starts ([`Client`] does it on
  /// entry), then shared by every request and retry wait of the call.
  ///
  /// [`Client`]: crate::Client
  pub deadline: Option<Instant>,
}

impl CallOptions {
  /// These options with the call's deadline fixed (`timeout`, or else `default`, from now),
  /// unless it already is.
  pub fn started(&self, default: Duration) -> CallOptions {
    let mut call = self.clone();
    if call.deadline.is_none() {
      call.deadline = Some(Instant::now() + self.budget(default));
    }
    call
  }

  fn budget(&self, default: Duration) -> Duration {
    self.timeout.unwrap_or(default)
  }
}

pub struct Transport {
  http: reqwest::Client,
  base_url: String,
  /// `base_url` parsed once: each request's URL is a clone with its path set, which skips parsing
  /// (and IDNA-mapping) the host again on every call.
  base: reqwest::Url,
  auth: Option<HeaderValue>,
  timeout: Duration,
  retry: RetryPolicy,
  max_body: usize,
  /// Where network errors happen: the server's `host:port`, and the `proxy` option's (never its
  /// credentials) when one is set.
  authority: String,
}

impl std::fmt::Debug for Transport {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Transport")
      .field("base_url", &self.base_url)
      .field("authenticated", &self.auth.is_some())
      .finish()
  }
}

impl Transport {
  pub fn new(config: &ClientConfig) -> Result<Self> {
    let base = reqwest::Url::parse(&config.base_url)
      .map_err(|e| Error::input(format!("Invalid url: {e}")))?;
    #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
    let mut authority = host_port(&base).unwrap_or_else(|| "the server".to_owned());
    // Redirects are followed here, not by reqwest, because whether one may be depends on the call
    // (`attempt`): reqwest's policy sees only the URL. (In WebAssembly the host's fetch follows
    // them itself; `attempt` refuses an answer from another origin.)
    #[cfg(not(target_arch = "wasm32"))]
    let redirect = reqwest::redirect::Policy::none();

    let auth = config
      .credentials
      .as_ref()
      .map(|c| basic_auth(&c.username, &c.token));
    // The headers every request carries, set once: reqwest adds them to each request.
    let mut headers = http::HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(auth) = &auth {
      headers.insert(AUTHORIZATION, auth.clone());
    }
    // A client whose requests are all plain HTTP sets no TLS up: nothing about the machine's
    // certificates (or a platform verifier that cannot start) can keep it from being made.
    #[cfg(not(target_arch = "wasm32"))]
    let proxy_over_tls = config.proxy.as_deref().is_some_and(|p| {
      p.trim()
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("https:"))
    });
    #[cfg(not(target_arch = "wasm32"))]
    let tls = if base.scheme() == "http" && !proxy_over_tls {
      crate::tls::plain_http_config()?
    } else {
      crate::tls::client_config(&config.ca)?
    };
    let builder = reqwest::Client::builder()
      .user_agent(config.user_agent.as_str())
      .default_headers(headers);
    // In WebAssembly the host's fetch connects, follows redirects and does TLS (`attempt` checks
    // where an answer came from); what only a socket of our own can do is refused there.
    #[cfg(target_arch = "wasm32")]
    refuse_on_host(config)?;
    #[cfg(not(target_arch = "wasm32"))]
    let mut builder = builder
      .redirect(redirect)
      .referer(false)
      .tcp_nodelay(true)
      .http1_only()
      // reqwest's own retries are for HTTP/2 refusals only, which an HTTP/1 client never gets,
      // but its retry layer copies every request's headers in case: this one never retries and
      // copies nothing (`send` does the retrying that is safe).
      .retry(reqwest::retry::never().max_retries_per_request(0))
      .pool_idle_timeout(Duration::from_secs(30))
      .tls_backend_preconfigured(tls);
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(t) = config.connect_timeout {
      builder = builder.connect_timeout(t);
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(proxy) = &config.proxy {
      // The proxy URL may carry credentials: messages show it with them masked.
      let shown = bounded(&redact_userinfo(proxy), 100);
      let parsed = reqwest::Url::parse(proxy.trim())
        .map_err(|e| Error::input(format!("Invalid proxy {shown:?}: {e}")))?;
      if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::input(format!(
          "Invalid proxy {shown:?}: use http:// or https:// and a host"
        )));
      }
      if let Some(through) = host_port(&parsed) {
        authority = format!("{authority} through the proxy {through}");
      }
      let p = reqwest::Proxy::all(parsed)
        .map_err(|_| Error::input(format!("Invalid proxy {shown:?}")))?;
      builder = builder.proxy(p);
    }
    let http = builder
      .build()
      .map_err(|e| Error::input("Could not set up the HTTP client").with_cause(chain(&e)))?;

    Ok(Transport {
      http,
      base_url: config.base_url.clone(),
      base,
      auth,
      timeout: config.timeout,
      retry: config.retry,
      max_body: config.max_response_bytes,
      authority,
    })
  }

  pub fn base_url(&self) -> &str {
    &self.base_url
  }

  pub fn is_authenticated(&self) -> bool {
    self.auth.is_some()
  }

  /// The client's default timeout, for [`CallOptions::started`].
  pub fn timeout(&self) -> Duration {
    self.timeout
  }

  /// Sends `req`, retrying where that is safe, within the call's deadline and until cancelled.
  pub async fn send(&self, req: &RequestSpec, call: &CallOptions) -> Result<RawResponse> {
    let budget = call.budget(self.timeout);
    let deadline = call.deadline.unwrap_or_else(|| Instant::now() + budget);
    let cancel = call.cancel.as_ref();
    if cancel.is_some_and(CancellationToken::is_cancelled) {
      return Err(Error::aborted());
    }
    let mut attempt = 0u32;
    loop {
      let outcome = tokio::select! {
        biased;
        _ = cancelled(cancel) => return Err(Error::aborted()),
        r = crate::rt::timeout_at(deadline, self.attempt(req)) => match r {
          Err(_) => return Err(Error::timeout(budget)),
          Ok(r) => r,
        },
      };
      let wait = match &outcome {
        Ok(resp) if self.may_retry_status(req, resp, attempt) => Some(
          resp
            .retry_after
            .map(Duration::from_secs)
            .unwrap_or_else(|| self.retry.backoff(attempt)),
        ),
        Err(failure) if self.may_retry_failure(req, failure, attempt) => {
          Some(self.retry.backoff(attempt))
        }
        _ => None,
      };
      let Some(wait) = wait else {
        return outcome.map_err(|f| f.error);
      };
      if Instant::now() + wait >= deadline {
        // Waiting would overrun the deadline: report what we have rather than a timeout.
        return outcome.map_err(|f| f.error);
      }
      tokio::select! {
        biased;
        _ = cancelled(cancel) => return Err(Error::aborted()),
        _ = crate::rt::sleep(wait) => {}
      }
      attempt += 1;
    }
  }

  fn may_retry_status(&self, req: &RequestSpec, resp: &RawResponse, attempt: u32) -> bool {
    // The request reached the server: only calls that create and consume nothing may be repeated.
    attempt < self.retry.max_retries && req.retry == Retry::Safe && matches!(resp.status, 429 | 503)
  }

  fn may_retry_failure(&self, req: &RequestSpec, failure: &Failure, attempt: u32) -> bool {
    attempt < self.retry.max_retries
      && failure.retryable
      && match req.retry {
        Retry::Safe => true,
        Retry::BeforeSending => failure.before_sending,
        Retry::Never => false,
      }
  }

  /// The URL of `base_url` + `path`: the parsed base with its path extended (paths are built from
  /// fixed routes and validated keys, so they never carry a query or a fragment).
  fn request_url(&self, path: &str) -> reqwest::Url {
    let mut u = self.base.clone();
    let joined = format!("{}{}", self.base.path().trim_end_matches('/'), path);
    u.set_path(&joined);
    u
  }

  /// The request for `url` (the first hop, or a redirect's target): `method` and `body` are the
  /// spec's unless a redirect changed them.
  fn build(
    &self,
    method: reqwest::Method,
    url: reqwest::Url,
    body: Option<&Body>,
  ) -> reqwest::Request {
    let post = method == reqwest::Method::POST;
    // Built in place rather than through a RequestBuilder, whose every step moves the whole
    // request; Accept and Authorization are the client's default headers.
    let mut request = reqwest::Request::new(method, url);
    match body {
      Some(body) => {
        request
          .headers_mut()
          .insert(CONTENT_TYPE, HeaderValue::from_static(body.content_type));
        *request.body_mut() = Some(body.bytes.clone().into());
      }
      // Some servers (Rack) want a length on an empty POST.
      None if post => {
        request
          .headers_mut()
          .insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
      }
      None => {}
    }
    request
  }

  /// Sends `req` once, following redirects only where [`redirect::may_follow`] allows: never for
  /// a call that creates or consumes a secret (a second POST of a reveal could be the one that
  /// consumes it, and the user should fix the `url` rather than rely on the hop), and only to the
  /// same origin for the others (credentials never travel elsewhere, nor from https to http).
  async fn attempt(&self, req: &RequestSpec) -> std::result::Result<RawResponse, Failure> {
    let mut method = match req.method {
      Method::Get => reqwest::Method::GET,
      Method::Post => reqwest::Method::POST,
    };
    let mut url = self.request_url(&req.path);
    let mut body = req.body.as_ref();
    let fail = |e| Failure::from_reqwest(e, &self.authority);
    let mut hops = 0;
    #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
    let mut resp = loop {
      let resp = self
        .http
        .execute(self.build(method.clone(), url.clone(), body))
        .await
        .map_err(fail)?;
      let Some(target) = redirect::target(&resp, &url) else {
        break resp;
      };
      let status = resp.status().as_u16();
      drop(resp);
      if let Err(why) = redirect::may_follow(req.op, &self.base, &target, hops) {
        return Err(Failure::after_sending(redirect::refused(
          req, status, &target, why,
        )));
      }
      hops += 1;
      // What browsers and reqwest do: 303, and 301/302 after a POST, continue as a GET.
      if status == 303 || (matches!(status, 301 | 302) && method == reqwest::Method::POST) {
        method = reqwest::Method::GET;
        body = None;
      }
      url = target;
    };
    // The host's fetch follows redirects itself: an answer from another origin is refused.
    #[cfg(target_arch = "wasm32")]
    if resp.url().origin() != self.base.origin() {
      return Err(Failure::after_sending(
        Error::new(
          ErrorKind::Network,
          format!(
            "Network request failed: redirect refused at {}",
            self.authority
          ),
        )
        .with_cause("redirect refused: the answer came from another origin"),
      ));
    }

    let status = resp.status().as_u16();
    let headers = resp.headers();
    let content_type = headers
      .get(CONTENT_TYPE)
      .and_then(|v| v.to_str().ok())
      .map(str::to_owned);
    let intended_status = headers
      .get("x-ots-intended-status")
      .and_then(|v| v.to_str().ok())
      .and_then(|v| v.trim().parse().ok());
    let retry_after = headers
      .get(RETRY_AFTER)
      .and_then(|v| v.to_str().ok())
      .and_then(|v| v.trim().parse().ok());
    if resp
      .content_length()
      .is_some_and(|n| n as usize > self.max_body)
    {
      return Err(Failure::after_sending(too_large(self.max_body, status)));
    }

    #[cfg(target_arch = "wasm32")]
    let body = {
      // The host hands the whole answer over at once (its fetch buffers it).
      let all = resp.bytes().await.map_err(fail)?;
      if all.len() > self.max_body {
        wipe_chunks(vec![all]);
        return Err(Failure::after_sending(too_large(self.max_body, status)));
      }
      let body = SecretBuf::copy_of(&all);
      wipe_chunks(vec![all]);
      body
    };
    // Sized by Content-Length when there is one, so it is never reallocated; otherwise it wipes
    // each block it outgrows.
    #[cfg(not(target_arch = "wasm32"))]
    let mut body =
      SecretBuf::with_capacity(resp.content_length().unwrap_or(0).min(1 << 20) as usize);
    // hyper's chunks are slices of its read buffer, which the response's header values share:
    // the chunks are kept until the response is dropped, so that they may be the last references
    // and can be wiped (see `wipe_chunks`).
    #[cfg(not(target_arch = "wasm32"))]
    let mut chunks = Vec::new();
    #[cfg(not(target_arch = "wasm32"))]
    while let Some(chunk) = resp.chunk().await.map_err(fail)? {
      if body.len() + chunk.len() > self.max_body {
        drop(resp);
        wipe_chunks(chunks);
        return Err(Failure::after_sending(too_large(self.max_body, status)));
      }
      body.extend_from_slice(&chunk);
      chunks.push(chunk);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
      drop(resp);
      wipe_chunks(chunks);
    }
    Ok(RawResponse {
      status,
      content_type,
      intended_status,
      retry_after,
      body,
      url: format!("{}{}", self.base_url, req.route),
    })
  }
}

/// Resolves when `token` is cancelled; never, for a call without one (no token is made for it).
async fn cancelled(token: Option<&CancellationToken>) {
  match token {
    Some(t) => t.cancelled().await,
    None => std::future::pending().await,
  }
}

/// The options that need a socket or a TLS stack of our own, refused by name in WebAssembly.
#[cfg(target_arch = "wasm32")]
fn refuse_on_host(config: &ClientConfig) -> Result<()> {
  let refused = [
    (config.proxy.is_some(), "proxy"),
    (!config.ca.is_empty(), "ca"),
    (config.connect_timeout.is_some(), "connectTimeout"),
  ];
  match refused.into_iter().find(|(given, _)| *given) {
    Some((_, option)) => Err(Error::new(
      ErrorKind::Unsupported,
      format!(
        "{option}: not available in the WebAssembly build (the host's fetch connects and does TLS)"
      ),
    )),
    None => Ok(()),
  }
}

fn too_large(max: usize, status: u16) -> Error {
  Error::new(
    ErrorKind::InvalidResponse,
    format!("The server's answer is larger than {max} bytes; refused"),
  )
  .with_status(status)
}

/// A failed attempt, whether the request certainly never left this machine, and whether trying
/// again could help (a connection failure may be transient; an oversized answer or a refused
/// redirect will be the same next time).
struct Failure {
  error: Error,
  before_sending: bool,
  retryable: bool,
}

impl Failure {
  /// A complete answer that cannot be used: never retried.
  fn after_sending(error: Error) -> Self {
    Failure {
      error,
      before_sending: false,
      retryable: false,
    }
  }

  /// `authority` is the server's `host:port`, named in the message with the reason.
  fn from_reqwest(e: reqwest::Error, authority: &str) -> Self {
    let before_sending = is_connect(&e);
    #[cfg(not(target_arch = "wasm32"))]
    let tls_refusal = crate::tls::refusal(&e);
    #[cfg(target_arch = "wasm32")]
    let tls_refusal: Option<String> = None;
    // A refused certificate or a failed TLS handshake will fail the same way next time.
    let retryable = !(e.is_redirect() || e.is_builder() || tls_refusal.is_some());
    let error = if let Some(why) = tls_refusal {
      Error::new(ErrorKind::Network, format!("Network request failed: {why}")).with_cause(chain(&e))
    } else if e.is_timeout() {
      Error::new(ErrorKind::Timeout, "Request timed out").with_cause(chain(&e))
    } else if e.is_redirect() {
      Error::new(
        ErrorKind::Network,
        format!("Network request failed: redirect refused at {authority}"),
      )
      .with_cause(format!("redirect refused: {}", chain(&e)))
    } else {
      Error::new(
        ErrorKind::Network,
        format!("Network request failed: {} at {authority}", reason(&e)),
      )
      .with_cause(chain(&e))
    };
    Failure {
      error,
      before_sending,
      retryable,
    }
  }
}

/// Whether the connection was never made. The host's fetch does not tell (a `TypeError` either
/// way), so in WebAssembly a failed request may have been sent: never retried when that matters.
fn is_connect(e: &reqwest::Error) -> bool {
  #[cfg(not(target_arch = "wasm32"))]
  return e.is_connect();
  #[cfg(target_arch = "wasm32")]
  {
    let _ = e;
    false
  }
}

/// The error and its sources, without the URL (which may hold a secret key).
fn chain(e: &reqwest::Error) -> String {
  use std::error::Error as _;
  let mut out = String::new();
  let mut source: Option<&dyn std::error::Error> = e.source();
  let top = match e {
    e if is_connect(e) => "could not connect",
    e if e.is_body() => "the connection failed while reading the answer",
    e if e.is_request() => "the request failed",
    e if e.is_timeout() => "timed out",
    _ => "HTTP error",
  };
  out.push_str(top);
  while let Some(s) = source {
    let text = s.to_string();
    if !out.ends_with(&text) {
      out.push_str(": ");
      out.push_str(&bounded(&text, 200));
    }
    source = s.source();
  }
  out
}

/// What went wrong, in a few words, from the error and its sources.
fn reason(e: &reqwest::Error) -> &'static str {
  use std::error::Error as _;
  let mut source: Option<&dyn std::error::Error> = e.source();
  while let Some(s) = source {
    if let Some(io) = s.downcast_ref::<std::io::Error>() {
      use std::io::ErrorKind as K;
      match io.kind() {
        K::ConnectionRefused => return "connection refused",
        K::ConnectionReset => return "connection reset",
        K::ConnectionAborted => return "connection aborted",
        K::TimedOut => return "connection timed out",
        K::UnexpectedEof | K::BrokenPipe => return "connection closed",
        _ => {}
      }
    }
    #[cfg(not(target_arch = "wasm32"))]
    if s.downcast_ref::<rustls::Error>().is_some() {
      return "TLS handshake failed";
    }
    let text = s.to_string();
    if text.contains("dns error") || text.contains("failed to lookup address") {
      return "host name not resolved";
    }
    if text.contains("connection closed before message completed") {
      return "connection closed before the answer";
    }
    source = s.source();
  }
  match e {
    e if e.is_body() || e.is_decode() => "connection failed while reading the answer",
    e if is_connect(e) => "could not connect",
    _ => "request failed",
  }
}

/// The `Authorization: Basic` header, built in buffers of exactly the right size (never
/// reallocated, wiped on drop) and marked sensitive.
fn basic_auth(username: &str, token: &str) -> HeaderValue {
  use base64::engine::general_purpose::STANDARD;
  let mut raw = SecretBuf::with_capacity(username.len() + 1 + token.len());
  raw.extend_from_slice(username.as_bytes());
  raw.push(b':');
  raw.extend_from_slice(token.as_bytes());
  let encoded = base64::encoded_len(raw.len(), true).unwrap_or(0);
  let mut header = SecretBuf::with_capacity(6 + encoded);
  header.extend_from_slice(b"Basic ");
  let written = STANDARD
    .encode_slice(&*raw, header.extend_zeroed(encoded))
    .unwrap_or(0);
  debug_assert_eq!(written, encoded);
  let mut value =
    HeaderValue::from_maybe_shared(header.into_bytes()).expect("base64 is a valid header value");
  value.set_sensitive(true);
  value
}

/// Wipes each chunk of an answer this code holds the last reference to, before it is freed. A
/// chunk whose buffer hyper still uses (a kept-alive connection's read buffer) cannot be written
/// to and is left to hyper: README "Security notes" says so, and `tests/wiping.rs` tells these
/// blocks apart.
fn wipe_chunks(chunks: Vec<Bytes>) {
  for chunk in chunks {
    if let Ok(mut owned) = chunk.try_into_mut() {
      zeroize::Zeroize::zeroize(&mut owned[..]);
    }
  }
}

/// `host:port` of a URL, for network error messages.
fn host_port(url: &reqwest::Url) -> Option<String> {
  let host = url.host_str()?;
  Some(match url.port_or_known_default() {
    Some(port) => format!("{host}:{port}"),
    None => host.to_owned(),
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  /// README "Security notes": the header is marked sensitive, so hyper and reqwest never print it.
  #[test]
  fn the_authorization_header_is_marked_sensitive() {
    let value = basic_auth("me@example.com", "tok3n");
    assert!(value.is_sensitive());
    assert_eq!(format!("{value:?}"), "Sensitive");
    assert_eq!(value.as_bytes(), b"Basic bWVAZXhhbXBsZS5jb206dG9rM24=");
  }

  #[test]
  fn proxy_credentials_are_masked() {
    assert_eq!(redact_userinfo("http://u:tok3n@[bad"), "http://***@[bad");
    assert_eq!(
      redact_userinfo("http://u:p@w@host:1/x@y"),
      "http://***@host:1/x@y"
    );
    assert_eq!(redact_userinfo("not a url tok3n"), "not a url tok3n");
    assert_eq!(redact_userinfo("u:tok3n@host"), "***@host");
    let cfg = ClientConfig {
      proxy: Some("http://u:tok3n@[bad".into()),
      ..ClientConfig::default()
    };
    let err = Transport::new(&cfg).unwrap_err();
    assert!(!err.message.contains("tok3n"), "{}", err.message);
    assert!(!format!("{:?}", err.cause).contains("tok3n"));
    let cfg = ClientConfig {
      proxy: Some("ftp://u:tok3n@host".into()),
      ..ClientConfig::default()
    };
    let err = Transport::new(&cfg).unwrap_err();
    assert!(!err.message.contains("tok3n"), "{}", err.message);
  }
}
