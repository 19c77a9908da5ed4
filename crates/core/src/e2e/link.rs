//! `retrieveSecret` and `decrypt` take a whole link as well as a key: `https://host/secret/<key>#<k>`.
//! The host of a link is not used (the client talks to its own `url`), and the fragment is only ever
//! read here, never put in a request.

/// A link or key, split. `display` is what an error may echo: the input without its fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedLink<'a> {
  /// The secret key: the input itself, or the segment after `/secret/` in a link. `None` for a link
  /// that is not a secret link (a receipt link, say).
  pub key: Option<&'a str>,
  /// The text after `#`, when there is any.
  pub fragment: Option<&'a str>,
  /// How the input may be shown in a message (the fragment left out).
  pub display: &'a str,
}

/// Splits a share link (or a bare key) into its key and its fragment.
pub fn parse_link(input: &str) -> ParsedLink<'_> {
  let (before, fragment) = match input.split_once('#') {
    Some((b, f)) => (b, Some(f).filter(|f| !f.is_empty())),
    None => (input, None),
  };
  let key = if before.contains('/') {
    let path = before.split(['?']).next().unwrap_or_default();
    path
      .rsplit_once("/secret/")
      .map(|(_, rest)| rest.trim_end_matches('/'))
      .filter(|k| !k.is_empty() && !k.contains('/'))
  } else {
    Some(before)
  };
  ParsedLink {
    key,
    fragment,
    display: before,
  }
}
