//! Which redirects a call follows. A call that creates or consumes a secret (share, generate,
//! reveal, burn: [`Op::is_destructive`]) follows none: the answer is an error naming where the
//! server pointed, so the user fixes the `url`, and a reveal is never POSTed twice. The other calls
//! follow up to [`MAX_REDIRECTS`] hops on the `url`'s own origin (credentials never travel to
//! another origin, nor from https to http).

use crate::error::{bounded, Error, ErrorKind};
use crate::wire::{Op, RequestSpec};

pub const MAX_REDIRECTS: usize = 5;

/// Where a 301, 302, 303, 307 or 308 answer points (resolved against the request's URL); `None`
/// for any other answer, or a redirect without a usable `Location` (then read as any answer).
pub fn target(resp: &reqwest::Response, from: &reqwest::Url) -> Option<reqwest::Url> {
  if !matches!(resp.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
    return None;
  }
  let location = resp.headers().get(http::header::LOCATION)?.to_str().ok()?;
  from.join(location.trim()).ok()
}

/// `Ok` when the call may go on to `target` after `hops` redirects; otherwise why not.
pub fn may_follow(
  op: Op,
  base: &reqwest::Url,
  target: &reqwest::Url,
  hops: usize,
) -> Result<(), &'static str> {
  if op.is_destructive() {
    Err("share, generate, retrieveSecret and burn never follow redirects")
  } else if target.origin() != base.origin() {
    Err("it is on another origin than the url")
  } else if hops >= MAX_REDIRECTS {
    Err("too many redirects")
  } else {
    Ok(())
  }
}

/// The error for a redirect not followed: an `InvalidResponse` with the status, naming where it
/// pointed so that the `url` can be fixed.
pub fn refused(req: &RequestSpec, status: u16, target: &reqwest::Url, why: &str) -> Error {
  Error::new(
    ErrorKind::InvalidResponse,
    format!(
      "The server answered {} with a redirect ({status}) to {}, not followed: {why}; if the server moved, set url to its new address",
      req.op.name(),
      shown(req, target),
    ),
  )
  .with_status(status)
}

/// `target` as a message may show it: no credentials, no query or fragment, and the request's key
/// (a capability to read or burn the secret) replaced by `:key`; bounded.
pub fn shown(req: &RequestSpec, target: &reqwest::Url) -> String {
  let mut out = format!("{}://", target.scheme());
  if let Some(host) = target.host_str() {
    out.push_str(host);
  }
  if let Some(port) = target.port() {
    out.push_str(&format!(":{port}"));
  }
  let mut path = target.path().to_owned();
  if let Some(key) = request_key(req).filter(|k| !k.is_empty()) {
    path = path.replace(key, ":key");
  }
  out.push_str(&path);
  if target.query().is_some() {
    out.push_str("?…");
  }
  bounded(&out, 200)
}

/// The key in a request's path: what stands where its route has `:key`.
fn request_key(req: &RequestSpec) -> Option<&str> {
  let at = req.route.find(":key")?;
  let len = (req.path.len() + ":key".len()).checked_sub(req.route.len())?;
  req.path.get(at..at + len)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::wire::Method;

  fn url(s: &str) -> reqwest::Url {
    reqwest::Url::parse(s).unwrap()
  }

  #[test]
  fn destructive_calls_follow_nothing_and_others_only_their_origin() {
    let base = url("https://ots.example/base");
    let same = url("https://ots.example/moved/api");
    for op in [Op::Share, Op::Generate, Op::RetrieveSecret, Op::Burn] {
      assert!(may_follow(op, &base, &same, 0).is_err(), "{op:?}");
    }
    for op in [Op::Status, Op::RetrieveMetadata, Op::RecentMetadata] {
      assert_eq!(may_follow(op, &base, &same, 0), Ok(()));
      assert!(may_follow(op, &base, &same, MAX_REDIRECTS).is_err());
      for other in [
        "http://ots.example/x",
        "https://ots.example:8443/x",
        "https://evil.example/x",
      ] {
        assert!(may_follow(op, &base, &url(other), 0).is_err(), "{other}");
      }
    }
  }

  #[test]
  fn the_shown_target_has_no_key_credentials_or_query() {
    let key = "4emmlwilawll74n2s5mx3jyyq5rn9qo";
    let req = RequestSpec::new(
      Op::RetrieveSecret,
      Method::Post,
      "/api/v1/secret/:key",
      Some(key),
      None,
    );
    let target = url(&format!(
      "https://u:tok3n@new.example:8443/ots/api/v1/secret/{key}?passphrase=pw#frag"
    ));
    let shown = shown(&req, &target);
    assert_eq!(shown, "https://new.example:8443/ots/api/v1/secret/:key?…");
    let err = refused(&req, 307, &target, "why");
    assert_eq!(err.kind, ErrorKind::InvalidResponse);
    assert_eq!(err.status, Some(307));
    for hidden in [key, "tok3n", "pw", "frag"] {
      assert!(!err.message.contains(hidden), "{hidden} in {}", err.message);
    }
  }
}
