//! Client configuration: validated once at construction, so each call only reads it.

use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{bounded, shown, Error, Result};

/// The hosted service, when neither `url` nor `region` is given.
pub const DEFAULT_URL: &str = "https://onetimesecret.com";
/// 2.1.1's 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Answers larger than this are refused (a v0.18-v0.23 identity plan allows 10 000 000-character
/// secrets, which arrive JSON-escaped).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// Retries of a safe request after its first attempt.
pub const DEFAULT_RETRIES: u32 = 2;
/// The backoff's base: the first retry waits up to this long.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_millis(250);
/// The longest wait between attempts.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(8);

/// The OTS API a client speaks: v1 (every generation, 2.1.1's default) or v2 (v0.19+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
  #[default]
  /// `/api/v1`.
  V1,
  /// `/api/v2`.
  V2,
}

impl ApiVersion {
  /// `"v1"` or `"v2"`; anything else is an `InputError`.
  pub fn parse(s: &str) -> Result<Self> {
    match s {
      "v1" => Ok(ApiVersion::V1),
      "v2" => Ok(ApiVersion::V2),
      other => Err(Error::input(format!(
        "Unsupported apiVersion {}: use \"v1\" or \"v2\"",
        shown(other)
      ))),
    }
  }
}

/// Hosted regions: independent deployments with their own accounts and secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Region {
  /// eu.onetimesecret.com
  Eu,
  /// us.onetimesecret.com
  Us,
  /// ca.onetimesecret.com
  Ca,
  /// nz.onetimesecret.com
  Nz,
  /// uk.onetimesecret.com
  Uk,
}

impl Region {
  /// A region by its code, in any case; anything else is an `InputError`.
  pub fn parse(s: &str) -> Result<Self> {
    match s.to_ascii_lowercase().as_str() {
      "eu" => Ok(Region::Eu),
      "us" => Ok(Region::Us),
      "ca" => Ok(Region::Ca),
      "nz" => Ok(Region::Nz),
      "uk" => Ok(Region::Uk),
      _ => Err(Error::input(format!(
        "Unknown region {}: use one of eu, us, ca, nz, uk",
        shown(s)
      ))),
    }
  }

  /// The region's base URL.
  pub fn url(self) -> &'static str {
    match self {
      Region::Eu => "https://eu.onetimesecret.com",
      Region::Us => "https://us.onetimesecret.com",
      Region::Ca => "https://ca.onetimesecret.com",
      Region::Nz => "https://nz.onetimesecret.com",
      Region::Uk => "https://uk.onetimesecret.com",
    }
  }
}

/// Retries apply only to calls that create and consume nothing, on connection failures, 429 and 503;
/// calls that create or consume a secret are retried only when the connection was never made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
  /// Retries after the first attempt.
  pub max_retries: u32,
  /// The backoff's base: the first retry waits up to this long.
  pub base_delay: Duration,
  /// The longest wait between attempts.
  pub max_delay: Duration,
}

impl Default for RetryPolicy {
  fn default() -> Self {
    RetryPolicy {
      max_retries: DEFAULT_RETRIES,
      base_delay: DEFAULT_RETRY_DELAY,
      max_delay: DEFAULT_MAX_RETRY_DELAY,
    }
  }
}

impl RetryPolicy {
  /// Full-jitter exponential backoff: a random delay in [0, min(cap, base * 2^attempt)].
  pub fn backoff(&self, attempt: u32) -> Duration {
    let exp = self
      .base_delay
      .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX));
    let ceiling = exp.min(self.max_delay);
    let frac: f64 = rand::random();
    ceiling.mul_f64(frac)
  }
}

/// The account a client authenticates as (HTTP Basic).
pub struct Credentials {
  /// The account's username (its email address).
  pub username: String,
  /// Wiped when the client is dropped.
  pub token: Zeroizing<String>,
}

impl std::fmt::Debug for Credentials {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Credentials")
      .field("username", &self.username)
      .field("token", &"[redacted]")
      .finish()
  }
}

/// A client's settings, validated before it is made.
#[derive(Debug)]
pub struct ClientConfig {
  /// Without a trailing slash; `share_link`s are built on it.
  pub base_url: String,
  /// The API version every call uses.
  pub api_version: ApiVersion,
  /// None: anonymous, no Authorization header at all.
  pub credentials: Option<Credentials>,
  /// The deadline of each call, retries included.
  pub timeout: Duration,
  /// The limit for making a connection, within the call's deadline.
  pub connect_timeout: Option<Duration>,
  /// When and how often safe requests are retried.
  pub retry: RetryPolicy,
  /// Extra trusted certificates (`ca`: a private CA, or a self-signed server certificate), added
  /// to the roots; `tls::certificates` reads them from PEM.
  pub ca: crate::tls::Certs,
  /// Proxy URL for every request; otherwise HTTP(S)_PROXY / NO_PROXY from the environment apply.
  pub proxy: Option<String>,
  /// `share_domain` sent with share and generate.
  pub share_domain: Option<String>,
  /// Answers larger than this are refused.
  pub max_response_bytes: usize,
  /// API v2 answers also carry the server's whole answer as `raw`. Off by default: the normalised
  /// fields are the contract, and a copy of the answer is one more place the data lives.
  pub include_raw: bool,
  /// The `User-Agent` header.
  pub user_agent: String,
}

impl Default for ClientConfig {
  fn default() -> Self {
    ClientConfig {
      base_url: DEFAULT_URL.into(),
      api_version: ApiVersion::V1,
      credentials: None,
      timeout: DEFAULT_TIMEOUT,
      connect_timeout: None,
      retry: RetryPolicy::default(),
      ca: Vec::new(),
      proxy: None,
      share_domain: None,
      max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
      include_raw: false,
      user_agent: concat!(
        "onetimesecret-api/",
        env!("CARGO_PKG_VERSION"),
        " (Rust core)"
      )
      .into(),
    }
  }
}

/// Checks a base URL and returns it without a trailing slash. Credentials in the URL are refused:
/// they would end up in every `share_link`.
pub fn normalise_base_url(url: &str) -> Result<String> {
  // Shown with any credentials in it masked, as `proxy` is (they are refused below, but a URL
  // that does not parse is quoted before that).
  let show = || bounded(&crate::error::redact_userinfo(url), 100);
  let parsed = reqwest::Url::parse(url.trim())
    .map_err(|e| Error::input(format!("Invalid url {:?}: {e}", show())))?;
  if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
    return Err(Error::input(format!(
      "Invalid url {:?}: use http:// or https:// and a host",
      show()
    )));
  }
  if !parsed.username().is_empty() || parsed.password().is_some() {
    return Err(Error::input(
      "Invalid url: put credentials in the username and password arguments, not in the URL",
    ));
  }
  if parsed.query().is_some() || parsed.fragment().is_some() {
    return Err(Error::input(
      "Invalid url: a base URL takes no query string or fragment",
    ));
  }
  Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn base_urls() {
    assert_eq!(
      normalise_base_url("https://onetimesecret.com/").unwrap(),
      "https://onetimesecret.com"
    );
    assert_eq!(
      normalise_base_url("http://127.0.0.1:7143").unwrap(),
      "http://127.0.0.1:7143"
    );
    assert_eq!(
      normalise_base_url("https://example.com/ots/").unwrap(),
      "https://example.com/ots"
    );
    for bad in [
      "",
      "ftp://x",
      "onetimesecret.com",
      "https://u:p@x.com",
      "https://x.com/?a=1",
    ] {
      assert!(normalise_base_url(bad).is_err(), "{bad}");
    }
  }

  /// Issue 22: a URL that does not parse is quoted with its credentials masked, as `proxy` is.
  #[test]
  fn url_messages_mask_credentials() {
    for bad in [
      "https://user:TOKEN@exa mple.com",
      "ftp://user:TOKEN@example.com",
      "user:TOKEN@example.com",
      "https://user:TOKEN@[bad",
    ] {
      let err = normalise_base_url(bad).unwrap_err();
      assert!(!err.message.contains("TOKEN"), "{}", err.message);
      assert!(err.message.starts_with("Invalid url"), "{}", err.message);
    }
    let err = normalise_base_url("https://user:TOKEN@exa mple.com").unwrap_err();
    assert!(err.message.contains("***@exa mple.com"), "{}", err.message);
  }

  /// Values echoed for `apiVersion` and `region` are short tokens or described, never long text.
  #[test]
  fn echoed_api_version_and_region_are_capped() {
    let long = "x".repeat(5000);
    let msg = ApiVersion::parse(&long).unwrap_err().message;
    assert_eq!(
      msg,
      "Unsupported apiVersion a string of 5000 characters: use \"v1\" or \"v2\""
    );
    let msg = Region::parse(&format!("eu {long}")).unwrap_err().message;
    assert_eq!(
      msg,
      "Unknown region a string of 5003 characters: use one of eu, us, ca, nz, uk"
    );
    assert_eq!(
      ApiVersion::parse("v3").unwrap_err().message,
      "Unsupported apiVersion \"v3\": use \"v1\" or \"v2\""
    );
    assert_eq!(
      Region::parse("EUx").unwrap_err().message,
      "Unknown region \"EUx\": use one of eu, us, ca, nz, uk"
    );
  }

  #[test]
  fn backoff_is_capped_and_jittered() {
    let p = RetryPolicy::default();
    for attempt in 0..40 {
      assert!(p.backoff(attempt) <= p.max_delay);
    }
  }

  #[test]
  fn debug_never_shows_the_token() {
    let c = Credentials {
      username: "u@x".into(),
      token: Zeroizing::new("tok3n".into()),
    };
    assert!(!format!("{c:?}").contains("tok3n"));
  }
}
