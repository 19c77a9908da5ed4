//! The OTS wire format, all in one place: which route each call uses, how its parameters are encoded,
//! and how each answer (success or error) becomes a result. Nothing here does I/O, so every rule is a
//! plain unit test. The transcripts under `__test__/fixtures/ots-observed/` show what each
//! generation really sends.

pub(crate) mod lenient;
pub(crate) mod v1;
pub(crate) mod v2;

#[cfg(test)]
mod fields_tests;
#[cfg(test)]
mod parser_props_tests;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::answers::Receipt;
use crate::error::{bounded, Error, ErrorKind, Result};
use crate::secret_buf::SecretBuf;

/// The calls a client makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Op {
  Status,
  Share,
  Generate,
  RetrieveSecret,
  RetrieveMetadata,
  Burn,
  RecentMetadata,
  /// API v2 `GET /secret/:id/status` (no side effects).
  SecretStatus,
  /// API v2 `GET /version`.
  Version,
}

impl Op {
  /// Calls that create or consume a secret: never retried once the request may have reached the
  /// server (a retried share duplicates a secret; a retried reveal after a lost answer loses it).
  pub fn is_destructive(self) -> bool {
    matches!(
      self,
      Op::Share | Op::Generate | Op::RetrieveSecret | Op::Burn
    )
  }

  pub fn name(self) -> &'static str {
    match self {
      Op::Status => "status",
      Op::Share => "share",
      Op::Generate => "generate",
      Op::RetrieveSecret => "retrieveSecret",
      Op::RetrieveMetadata => "retrieveMetadata",
      Op::Burn => "burn",
      Op::RecentMetadata => "recentMetadata",
      Op::SecretStatus => "secretStatus",
      Op::Version => "version",
    }
  }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
  Get,
  Post,
}

/// A request body that is wiped from memory when the last reference to it goes away: it may hold
/// a secret or a passphrase.
#[derive(Debug, Clone)]
pub(crate) struct Body {
  pub content_type: &'static str,
  pub bytes: Bytes,
}

impl Body {
  pub fn form(bytes: SecretBuf) -> Self {
    Body {
      content_type: "application/x-www-form-urlencoded",
      bytes: bytes.into_bytes(),
    }
  }
  pub fn json(bytes: SecretBuf) -> Self {
    Body {
      content_type: "application/json",
      bytes: bytes.into_bytes(),
    }
  }
}

/// When a request may be sent again after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
  /// It creates and consumes nothing: retried on connection failures, 429 and 503.
  Safe,
  /// It may create or consume a secret: retried only when the connection was never made.
  BeforeSending,
  /// Never: the one chance to do something (v2 `generate`'s receipt read shows the value once).
  Never,
}

/// Turns the answer to a request into the call's result `T`, or into the error it stands for (`Op`
/// names the call in messages).
pub(crate) type Parser<T> = fn(Op, &Context<'_>, &RawResponse) -> Result<T>;

/// A request and the parser of its answer: each request says what its answer becomes, so a call
/// never chooses a parser by API version.
pub(crate) struct Request<T> {
  pub spec: RequestSpec,
  pub parse: Parser<T>,
}

impl<T> Request<T> {
  /// This request is never sent twice.
  pub fn never_retried(mut self) -> Self {
    self.spec.retry = Retry::Never;
    self
  }
}

/// One HTTP request, relative to the server's base URL.
#[derive(Debug, Clone)]
pub(crate) struct RequestSpec {
  pub op: Op,
  pub method: Method,
  /// The route with `:key` in place of the key (`/api/v1/secret/:key`): what messages show, since
  /// a key is the capability to read a secret or burn it.
  pub route: &'static str,
  /// The route with the key filled in: what is sent.
  pub path: String,
  pub body: Option<Body>,
  pub retry: Retry,
}

impl RequestSpec {
  /// `route` with `:key` replaced by `key` (already validated: base36, so it needs no escaping).
  pub fn new(
    op: Op,
    method: Method,
    route: &'static str,
    key: Option<&str>,
    body: Option<Body>,
  ) -> Self {
    let path = match key {
      Some(k) => route.replace(":key", k),
      None => route.to_owned(),
    };
    let retry = if op.is_destructive() {
      Retry::BeforeSending
    } else {
      Retry::Safe
    };
    RequestSpec {
      op,
      method,
      route,
      path,
      body,
      retry,
    }
  }

  /// This request, with the parser of its answer.
  pub fn parsed_by<T>(self, parse: Parser<T>) -> Request<T> {
    Request { spec: self, parse }
  }
}

/// What came back, as the transport read it.
pub(crate) struct RawResponse {
  pub status: u16,
  pub content_type: Option<String>,
  pub intended_status: Option<u16>,
  pub retry_after: Option<u64>,
  /// Wiped when dropped: a reveal's body holds the secret.
  pub body: SecretBuf,
  /// The URL of the route, for 2.1.1's error messages: `:key` stands for the key, and it never
  /// has credentials in it.
  pub url: String,
}

impl RawResponse {
  pub fn is_json(&self) -> bool {
    self
      .content_type
      .as_deref()
      .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
  }

  /// The body as JSON when the server said it is JSON; otherwise an error naming what came instead.
  pub fn json(&self) -> Result<Value> {
    if !self.is_json() {
      return Err(self.not_json());
    }
    serde_json::from_slice(&self.body).map_err(|e| self.invalid_json(e))
  }

  /// The body read straight into `T` when the server said it is JSON. Invalid JSON is reported as
  /// [`RawResponse::json`] reports it; valid JSON that `T` cannot take is `unexpected_shape(op)`.
  pub fn read<'a, T: Deserialize<'a>>(&'a self, op: Op) -> Result<T> {
    if !self.is_json() {
      return Err(self.not_json());
    }
    serde_json::from_slice(&self.body).map_err(|e| {
      if !e.is_data() {
        return self.invalid_json(e);
      }
      // The shape was wrong before the text was read to its end: say so only if it is JSON.
      match serde_json::from_slice::<serde::de::IgnoredAny>(&self.body) {
        Err(syntax) => self.invalid_json(syntax),
        Ok(_) => self.unexpected_shape(op),
      }
    })
  }

  fn invalid_json(&self, e: serde_json::Error) -> Error {
    Error::new(
      ErrorKind::InvalidResponse,
      format!(
        "The server sent invalid JSON (status {}): {}",
        self.status, e
      ),
    )
    .with_status(self.status)
  }

  /// JSON, but not the answer `op` expects (of either API version).
  pub fn unexpected_shape(&self, op: Op) -> Error {
    Error::new(
      ErrorKind::InvalidResponse,
      format!(
        "The server's answer to {} has an unexpected shape (status {})",
        op.name(),
        self.status
      ),
    )
    .with_status(self.status)
  }

  pub fn not_json(&self) -> Error {
    let ct = self.content_type.as_deref().unwrap_or("no content type");
    Error::new(
      ErrorKind::InvalidResponse,
      format!(
        "Expected JSON from the server but got {} (status {}); is the URL an OneTimeSecret server, or is a proxy in the way?",
        bounded(ct, 80),
        self.status
      ),
    )
    .with_status(self.status)
  }

  /// A 5xx answer as an `InternalServer` error. A 500 reads exactly as 2.1.1 wrote it, whatever the
  /// body; any other 5xx that is not JSON (a proxy's HTML 502/504 page) also names the content type,
  /// so the caller can tell a proxy failure from an OTS one.
  pub fn server_failure(&self, message: Option<&str>) -> Error {
    let text = message.unwrap_or(self.reason());
    let described = if self.status != 500 && !self.is_json() {
      let ct = self.content_type.as_deref().unwrap_or("no content type");
      format!(
        "{} (the answer was {}, not JSON: is a proxy in the way?)",
        self.describe(text),
        bounded(ct, 80)
      )
    } else {
      self.describe(text)
    };
    Error::new(ErrorKind::InternalServer, described).with_status(self.status)
  }

  /// 2.1.1's `url="<url>", status=<n>, message="<text>"`.
  pub fn describe(&self, message: &str) -> String {
    format!(
      "url=\"{}\", status={}, message=\"{}\"",
      self.url,
      self.status,
      bounded(message, 300)
    )
  }

  pub fn reason(&self) -> &'static str {
    http::StatusCode::from_u16(self.status)
      .ok()
      .and_then(|s| s.canonical_reason())
      .unwrap_or("Unknown")
  }
}

/// Parameters of `share`.
#[derive(Default)]
pub struct ShareParams {
  /// The secret to share (wiped when dropped).
  pub secret: Zeroizing<String>,
  /// What `share` and `generate` have in common.
  pub options: CreateOptions,
}

/// Options shared by `share` and `generate`.
#[derive(Default)]
pub struct CreateOptions {
  /// The passphrase the reader must give (wiped when dropped).
  pub passphrase: Option<Zeroizing<String>>,
  /// Seconds the secret lives.
  pub ttl: Option<u64>,
  /// An email address the server notifies (where it sends mail).
  pub recipient: Option<String>,
  /// The custom domain the link is on.
  pub share_domain: Option<String>,
  /// `generate` only, servers that support it (v0.24+).
  pub length: Option<u32>,
  /// What a generated secret is made of (servers that support it, v0.24+).
  pub character_sets: Option<CharacterSets>,
}

#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
/// The `character_sets` of `generate`: which kinds of character the server may use.
pub struct CharacterSets {
  /// A-Z.
  pub uppercase: Option<bool>,
  /// a-z.
  pub lowercase: Option<bool>,
  /// 0-9.
  pub numbers: Option<bool>,
  /// Punctuation.
  pub symbols: Option<bool>,
  /// Leave out look-alikes (`0`/`O`, `1`/`l`, ...).
  pub exclude_ambiguous: Option<bool>,
}

impl CharacterSets {
  /// The options that are set, by their wire names, in the order the server lists them.
  pub fn fields(&self) -> impl Iterator<Item = (&'static str, bool)> {
    [
      ("uppercase", self.uppercase),
      ("lowercase", self.lowercase),
      ("numbers", self.numbers),
      ("symbols", self.symbols),
      ("exclude_ambiguous", self.exclude_ambiguous),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
  }
}

/// Everything a response parser needs besides the response.
pub(crate) struct Context<'a> {
  /// The base URL the user gave, without a trailing slash, for `share_link`.
  pub base_url: &'a str,
  /// The account's username, to fill `custid` where v2 reports an owner id instead (v0.24+).
  pub username: Option<&'a str>,
  /// Keep the server's v2 answer as `raw` in the result (the client's `raw` option).
  pub include_raw: bool,
}

/// `share_link` = `<origin>/secret/<secret_key>` (2.1.1's `{share_link, ...response}`), replacing
/// one the server sent. The link's origin is the client's, never one the server chose: the
/// configured `url`, or `https://<share_domain>` when the answer's `share_domain` is a bare host
/// name ([`is_bare_host`]: no scheme, port, path or credentials), as the server's own links are for
/// a custom domain. Anything else in `share_domain` (`https://attacker.example`, `javascript://...`)
/// is ignored and the link is on the `url`. `share` and `generate` then put the link on the
/// `shareDomain` the caller asked for, and an end-to-end share on the `url` unless the caller asked
/// (`Client::share`, `e2e::calls::share`). Without a secret key, no link.
pub(crate) fn add_share_link(ctx: &Context<'_>, receipt: &mut Receipt) {
  let origin = match receipt.share_domain.as_deref().filter(|d| is_bare_host(d)) {
    Some(d) => format!("https://{d}"),
    None => ctx.base_url.to_owned(),
  };
  set_share_link(receipt, &origin);
}

/// Puts `share_link` on `origin` (a configured `url`, or `https://` and a bare host name).
pub(crate) fn set_share_link(receipt: &mut Receipt, origin: &str) {
  let Some(key) = receipt.secret_key.as_deref().filter(|k| !k.is_empty()) else {
    return;
  };
  let link = format!("{}/secret/{key}", origin.trim_end_matches('/'));
  if let Some(mut old) = receipt.share_link.replace(link) {
    zeroize::Zeroize::zeroize(&mut old);
  }
  if !receipt.extra.is_empty() {
    receipt.extra.0.shift_remove("share_link");
  }
}

/// A host name and nothing else (`secrets.example.com`): dot-separated labels of ASCII letters,
/// digits and inner hyphens, as DNS has them. No scheme, port, path, userinfo or whitespace, so
/// `https://` + it is a link on that host and no other.
pub(crate) fn is_bare_host(d: &str) -> bool {
  d.len() <= 253
    && !d.is_empty()
    && d.split('.').all(|label| {
      (1..=63).contains(&label.len())
        && label
          .bytes()
          .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
    })
}

/// Percent-encodes form fields into a buffer of exactly the right size (it is never reallocated,
/// so no unwiped copy is left behind), wiped on drop.
pub(crate) fn form_encode<'a>(fields: &[(&'a str, &'a str)]) -> SecretBuf {
  let escaped = |s: &'a str| form_urlencoded::byte_serialize(s.as_bytes());
  let len: usize = fields
    .iter()
    .map(|(k, v)| escaped(k).chain(escaped(v)).map(str::len).sum::<usize>() + 1)
    .sum::<usize>()
    + fields.len().saturating_sub(1);
  let mut out = SecretBuf::with_capacity(len);
  for (i, (k, v)) in fields.iter().enumerate() {
    if i > 0 {
      out.push(b'&');
    }
    escaped(k).for_each(|c| out.extend_from_slice(c.as_bytes()));
    out.push(b'=');
    escaped(v).for_each(|c| out.extend_from_slice(c.as_bytes()));
  }
  debug_assert_eq!(out.len(), out.capacity());
  out
}

/// A server's refusal of a secret over its size limit, in one wording for v1 and v2 (v1's own, so
/// v1 reads as 2.1.1 showed it): v0.26 answers v1 with "Secret value exceeds the maximum size of
/// 10000 bytes" and v2 with "Secret content must be no more than 10000 bytes long" (transcript
/// v0.26.6-more #12 and #23). `None` for any other message.
pub(crate) fn size_limit_message(message: &str) -> Option<String> {
  let m = message.to_ascii_lowercase();
  if !(m.contains("bytes") && (m.contains("maximum size") || m.contains("no more than"))) {
    return None;
  }
  let digits: String = m
    .chars()
    .skip_while(|c| !c.is_ascii_digit())
    .take_while(char::is_ascii_digit)
    .collect();
  let limit: u64 = digits.parse().ok()?;
  Some(format!(
    "Secret value exceeds the maximum size of {limit} bytes"
  ))
}

/// Rate-limit texts of every generation: "Apologies dear citizen! ..." (<= v0.10),
/// "Cripes! You have been rate limited." (v0.11-v0.23), "Rate limit exceeded. Please try again later."
/// (v0.24.3+), and the v2 passphrase lockout "Too many incorrect passphrase attempts...".
pub(crate) fn is_rate_limit_message(message: &str) -> bool {
  let m = message.to_ascii_lowercase();
  m.contains("rate limited") || m.contains("rate limit exceeded") || m.contains("too many")
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  #[test]
  fn share_link_goes_first_and_only_with_a_secret_key() {
    let ctx = Context {
      base_url: "https://ots.example",
      username: None,
      include_raw: false,
    };
    let mut rec: Receipt =
      serde_json::from_value(json!({"custid":"a","secret_key":"abc","ttl":1})).unwrap();
    add_share_link(&ctx, &mut rec);
    let out = serde_json::to_value(&rec).unwrap();
    assert_eq!(
      out.as_object().unwrap().keys().next().unwrap(),
      "share_link"
    );
    assert_eq!(out["share_link"], "https://ots.example/secret/abc");
    let mut rec: Receipt =
      serde_json::from_value(json!({"custid":"a","state":"received"})).unwrap();
    add_share_link(&ctx, &mut rec);
    assert!(rec.share_link.is_none());
  }

  /// The server does not choose where a link points: only a bare host name is taken from it.
  #[test]
  fn share_links_are_on_the_url_or_a_bare_host_name() {
    let ctx = Context {
      base_url: "http://127.0.0.1:7143/ots",
      username: None,
      include_raw: false,
    };
    let link = |domain: Value| {
      let mut rec: Receipt =
        serde_json::from_value(json!({"secret_key":"abc","share_domain":domain})).unwrap();
      add_share_link(&ctx, &mut rec);
      rec.share_link.clone().unwrap()
    };
    assert_eq!(
      link(json!("links.example.com")),
      "https://links.example.com/secret/abc"
    );
    for hostile in [
      "https://attacker.example",
      "javascript://%0aalert(document.domain)//",
      "data://text/html,<script>alert(1)</script>",
      "attacker.example:8443",
      "user@attacker.example",
      "attacker.example/path",
      "attacker.example?x",
      "attacker.example#x",
      " attacker.example",
      "-bad.example",
      "a..example",
      "",
      "http://127.0.0.1:7144",
    ] {
      assert_eq!(
        link(json!(hostile)),
        "http://127.0.0.1:7143/ots/secret/abc",
        "{hostile:?}"
      );
    }
    assert_eq!(link(Value::Null), "http://127.0.0.1:7143/ots/secret/abc");
    assert!(is_bare_host(&format!("{}.example", "a".repeat(63))));
    assert!(!is_bare_host(&format!("{}.example", "a".repeat(64))));
  }

  #[test]
  fn form_encoding_escapes_everything_reserved() {
    let body = form_encode(&[("secret", "a b&c=d+é\u{0}"), ("ttl", "60"), ("=", "=")]);
    assert_eq!(
      body.as_str(),
      Some("secret=a+b%26c%3Dd%2B%C3%A9%00&ttl=60&%3D=%3D")
    );
    assert_eq!(body.len(), body.capacity());
    assert!(form_encode(&[]).is_empty());
  }

  #[test]
  fn size_limits_read_the_same_on_v1_and_v2() {
    let expected = Some("Secret value exceeds the maximum size of 10000 bytes".to_owned());
    assert_eq!(
      size_limit_message("Secret value exceeds the maximum size of 10000 bytes"),
      expected
    );
    assert_eq!(
      size_limit_message("Secret content must be no more than 10000 bytes long"),
      expected
    );
    assert_eq!(
      size_limit_message("You did not provide anything to share"),
      None
    );
  }

  #[test]
  fn rate_limit_texts_of_every_generation() {
    for m in [
      "Apologies dear citizen! You have been rate limited. Consider upgrading or try again in a few minutes.",
      "Apologies dear citizen! You have been rate limited.",
      "Cripes! You have been rate limited.",
      "Rate limit exceeded. Please try again later.",
    ] {
      assert!(is_rate_limit_message(m), "{m}");
    }
    assert!(!is_rate_limit_message("Unknown secret"));
  }
}
