//! Removing a call's own secrets from the text of its error. The server is not trusted: its error
//! messages may echo the request (the body, the decoded `Authorization` header, the path), and
//! that text becomes `message`, `serverMessage` and `cause`. Before an error leaves a call, every
//! form in which the call's secret, passphrase, keys, username and token could come back is
//! replaced by [`MARK`]:
//!
//! - as given, and as sent: form-encoded (`+` for a space, `%XX` in either case), percent-encoded
//!   (`%20`), JSON-escaped (as serde_json writes it, and ASCII-only with `\uXXXX` and `\/` as other
//!   servers write it), HTML-escaped;
//! - the `Authorization` header's `username:token`, and its base64 (standard and URL-safe, padded
//!   or not);
//! - where a message was cut to a bounded length, the start of one of those forms left just before
//!   the cut (`…`).
//!
//! A value shorter than [`SHORT`] characters is replaced only where it stands as a word of its own
//! (letters and digits on neither side): `Unknown secret` stays readable when the passphrase is
//! `e`. Errors only: the scrubber is built when a call fails, its copies of the values are wiped.

use base64::Engine;
use zeroize::Zeroizing;

use super::Error;

/// What a removed value reads as.
pub const MARK: &str = "[redacted]";

/// Values shorter than this (in characters) are replaced only as whole words.
pub const SHORT: usize = 4;

/// The shortest start of a form, cut off by a bound, that is still removed.
const SHORTEST_CUT: usize = 4;

/// The forms to remove from an error's text.
#[derive(Default)]
pub struct Scrub {
  /// Longest first, so a form that contains another is replaced whole.
  forms: Vec<Form>,
}

struct Form {
  text: Zeroizing<String>,
  whole_word: bool,
}

impl Scrub {
  pub fn new() -> Self {
    Scrub::default()
  }

  /// No value to remove.
  pub fn is_empty(&self) -> bool {
    self.forms.is_empty()
  }

  fn add(&mut self, text: String, whole_word: bool) {
    let text = Zeroizing::new(text);
    if text.is_empty() || self.forms.iter().any(|f| *f.text == *text) {
      return;
    }
    self.forms.push(Form { text, whole_word });
  }

  /// `value` and every encoding of it a server may send back.
  pub fn value(&mut self, value: &str) {
    if value.is_empty() {
      return;
    }
    let short = value.chars().count() < SHORT;
    for form in encodings(value) {
      self.add(form, short);
    }
  }

  /// The username and token, and the `Authorization: Basic` header made of them.
  pub fn credentials(&mut self, username: &str, token: &str) {
    self.value(username);
    self.value(token);
    let pair = Zeroizing::new(format!("{username}:{token}"));
    self.value(&pair);
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    for engine in [STANDARD, URL_SAFE] {
      self.add(engine.encode(pair.as_bytes()), false);
    }
    for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
      self.add(engine.encode(pair.as_bytes()), false);
    }
  }

  /// The key in a request's `path`, where its `route` has `:key`.
  pub fn request_key(&mut self, route: &str, path: &str) {
    let Some(at) = route.find(":key") else {
      return;
    };
    let tail = &route[at + ":key".len()..];
    if let Some(key) = path
      .get(at..)
      .and_then(|rest| rest.strip_suffix(tail))
      .filter(|k| !k.is_empty())
    {
      self.value(key);
    }
  }

  /// The string values of a request body's `secret` and `passphrase` fields: form fields, or
  /// anywhere in a JSON body (API v2 nests them in `{"secret": {...}}`).
  pub fn body(&mut self, content_type: &str, bytes: &[u8]) {
    if content_type.starts_with("application/x-www-form-urlencoded") {
      for (k, v) in form_urlencoded::parse(bytes) {
        let v = Zeroizing::new(v.into_owned());
        if is_sensitive_field(&k) {
          self.value(&v);
        }
      }
    } else if content_type.starts_with("application/json") {
      if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        self.json(&v, false);
        wipe_json(v);
      }
    }
  }

  fn json(&mut self, v: &serde_json::Value, sensitive: bool) {
    match v {
      serde_json::Value::String(s) if sensitive => self.value(s),
      serde_json::Value::Object(m) => {
        for (k, v) in m {
          self.json(v, is_sensitive_field(k));
        }
      }
      serde_json::Value::Array(a) => a.iter().for_each(|v| self.json(v, sensitive)),
      _ => {}
    }
  }

  /// `text` with every form removed.
  pub fn text(&self, text: &str) -> String {
    let mut forms: Vec<&Form> = self.forms.iter().collect();
    forms.sort_by_key(|f| std::cmp::Reverse(f.text.len()));
    let mut out = text.to_owned();
    for f in &forms {
      out = replace(&out, &f.text, f.whole_word);
    }
    cut_starts(&out, &forms)
  }

  /// `e` with every form removed from its message, server message and cause. The keys of a secret
  /// the call created (`created`) are the caller's by design and stay.
  pub fn error(&self, mut e: Error) -> Error {
    if self.is_empty() {
      return e;
    }
    e.message = self.text(&e.message);
    e.server_message = e.server_message.map(|m| self.text(&m));
    e.cause = e.cause.map(|c| self.text(&c));
    e
  }
}

fn is_sensitive_field(name: &str) -> bool {
  matches!(name, "secret" | "passphrase")
}

/// Overwrites the strings of a parsed JSON body before it is dropped.
fn wipe_json(v: serde_json::Value) {
  use zeroize::Zeroize;
  match v {
    serde_json::Value::String(mut s) => s.zeroize(),
    serde_json::Value::Object(m) => m.into_iter().for_each(|(mut k, v)| {
      k.zeroize();
      wipe_json(v)
    }),
    serde_json::Value::Array(a) => a.into_iter().for_each(wipe_json),
    _ => {}
  }
}

/// `value` as given and in each encoding a server may echo it in.
fn encodings(value: &str) -> Vec<String> {
  let mut out = vec![value.to_owned()];
  let form: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
  out.push(form.clone());
  out.push(lower_hex_escapes(&form));
  for keep in [&b"-._~"[..], &b"-_.!~*'()"[..]] {
    let pct = percent_encode(value, keep);
    out.push(lower_hex_escapes(&pct));
    out.push(pct);
  }
  if let Ok(json) = serde_json::to_string(value) {
    out.push(json[1..json.len() - 1].to_owned());
  }
  let ascii = json_ascii(value);
  for hex in [ascii.clone(), lower_hex_escapes_u(&ascii)] {
    out.push(hex.replace('/', "\\/"));
    out.push(hex);
  }
  out.push(html_escape(value));
  out
}

/// Every byte but ASCII letters, digits and `keep` as `%XX`: `-._~` is RFC 3986's unreserved set,
/// `-_.!~*'()` what JavaScript's `encodeURIComponent` leaves.
fn percent_encode(value: &str, keep: &[u8]) -> String {
  let mut out = String::with_capacity(value.len() * 3);
  for b in value.bytes() {
    if b.is_ascii_alphanumeric() || keep.contains(&b) {
      out.push(b as char);
    } else {
      out.push_str(&format!("%{b:02X}"));
    }
  }
  out
}

/// `%2F` -> `%2f`.
fn lower_hex_escapes(s: &str) -> String {
  let mut out = String::with_capacity(s.len());
  let mut after_percent = 0;
  for c in s.chars() {
    if c == '%' {
      after_percent = 2;
      out.push(c);
    } else if after_percent > 0 {
      after_percent -= 1;
      out.push(c.to_ascii_lowercase());
    } else {
      out.push(c);
    }
  }
  out
}

/// `\u00E9` -> `\u00e9`.
fn lower_hex_escapes_u(s: &str) -> String {
  let mut out = String::with_capacity(s.len());
  let mut rest = s;
  while let Some(at) = rest.find("\\u") {
    out.push_str(&rest[..at]);
    let hex_end = (at + 6).min(rest.len());
    out.push_str(&rest[at..hex_end].to_ascii_lowercase());
    rest = &rest[hex_end..];
  }
  out.push_str(rest);
  out
}

/// JSON string content with every non-ASCII character as `\uXXXX` (UTF-16, upper-case hex).
fn json_ascii(value: &str) -> String {
  let mut out = String::with_capacity(value.len());
  for c in value.chars() {
    match c {
      '"' => out.push_str("\\\""),
      '\\' => out.push_str("\\\\"),
      '\n' => out.push_str("\\n"),
      '\r' => out.push_str("\\r"),
      '\t' => out.push_str("\\t"),
      '\u{8}' => out.push_str("\\b"),
      '\u{c}' => out.push_str("\\f"),
      c if (c as u32) < 0x20 || !c.is_ascii() => {
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
          out.push_str(&format!("\\u{u:04X}"));
        }
      }
      c => out.push(c),
    }
  }
  out
}

fn html_escape(value: &str) -> String {
  let mut out = String::with_capacity(value.len());
  for c in value.chars() {
    match c {
      '&' => out.push_str("&amp;"),
      '<' => out.push_str("&lt;"),
      '>' => out.push_str("&gt;"),
      '"' => out.push_str("&quot;"),
      '\'' => out.push_str("&#39;"),
      c => out.push(c),
    }
  }
  out
}

fn is_word(c: char) -> bool {
  c.is_alphanumeric()
}

/// `text` with `form` replaced by [`MARK`]; only where it stands alone with `whole_word`.
fn replace(text: &str, form: &str, whole_word: bool) -> String {
  if !whole_word {
    return text.replace(form, MARK);
  }
  let mut out = String::with_capacity(text.len());
  let mut rest = text;
  let mut before: Option<char> = None;
  while let Some(at) = rest.find(form) {
    let prev = rest[..at].chars().next_back().or(before);
    let next = rest[at + form.len()..].chars().next();
    let alone = !prev.is_some_and(is_word) && !next.is_some_and(is_word);
    out.push_str(&rest[..at]);
    out.push_str(if alone { MARK } else { form });
    // What precedes the next match in the original text ends with this form.
    before = form.chars().next_back();
    rest = &rest[at + form.len()..];
  }
  out.push_str(rest);
  out
}

/// Where a bound cut a text (`…`), the start of a form left just before the cut is removed too.
fn cut_starts(text: &str, forms: &[&Form]) -> String {
  if !text.contains('…') {
    return text.to_owned();
  }
  let mut out = String::with_capacity(text.len());
  let mut rest = text;
  while let Some(at) = rest.find('…') {
    let head = &rest[..at];
    let cut = forms
      .iter()
      .filter(|f| !f.whole_word)
      .filter_map(|f| longest_start_at_end(head, &f.text))
      .max()
      .unwrap_or(0);
    out.push_str(&head[..head.len() - cut]);
    if cut > 0 {
      out.push_str(MARK);
    }
    out.push('…');
    rest = &rest[at + '…'.len_utf8()..];
  }
  out.push_str(rest);
  out
}

/// The length in bytes of the longest start of `form` (at least [`SHORTEST_CUT`] characters)
/// that `head` ends with.
fn longest_start_at_end(head: &str, form: &str) -> Option<usize> {
  form
    .char_indices()
    .map(|(i, c)| i + c.len_utf8())
    .filter(|&n| form[..n].chars().count() >= SHORTEST_CUT)
    .filter(|&n| head.ends_with(&form[..n]))
    .max()
}

#[cfg(test)]
mod tests {
  use super::*;

  fn scrub_of(values: &[&str]) -> Scrub {
    let mut s = Scrub::new();
    values.iter().for_each(|v| s.value(v));
    s
  }

  #[test]
  fn every_encoding_of_a_value_is_removed() {
    let v = "hunter2 é/\"x+&y";
    let s = scrub_of(&[v]);
    for form in encodings(v) {
      let text = format!("echo: {form}!");
      assert_eq!(s.text(&text), format!("echo: {MARK}!"), "{form}");
    }
    assert_eq!(
      s.text("secret=hunter2+%C3%A9%2F%22x%2B%26y&ttl=5"),
      format!("secret={MARK}&ttl=5")
    );
    assert_eq!(
      s.text(r#"{"secret":"hunter2 \u00e9\/\"x+&y"}"#),
      format!(r#"{{"secret":"{MARK}"}}"#)
    );
  }

  #[test]
  fn the_basic_header_is_removed_decoded_and_encoded() {
    let mut s = Scrub::new();
    s.credentials("me@example.com", "tok3n-secret");
    let b64 = base64::engine::general_purpose::STANDARD.encode("me@example.com:tok3n-secret");
    let text = format!("auth me@example.com:tok3n-secret header Basic {b64} user me%40example.com");
    let out = s.text(&text);
    assert!(
      !out.contains("tok3n") && !out.contains("example.com") && !out.contains(&b64),
      "{out}"
    );
    assert!(!out.contains(&b64[..20]), "{out}");
  }

  #[test]
  fn short_values_go_only_where_they_stand_alone() {
    let s = scrub_of(&["e", "pw"]);
    assert_eq!(s.text("Unknown secret"), "Unknown secret");
    assert_eq!(
      s.text("bad passphrase: pw"),
      format!("bad passphrase: {MARK}")
    );
    assert_eq!(s.text("pw=pw&e"), format!("{MARK}={MARK}&{MARK}"));
  }

  #[test]
  fn the_start_of_a_value_cut_by_a_bound_is_removed() {
    let s = scrub_of(&["correct horse battery staple"]);
    let bounded = crate::error::bounded("message: correct horse batt", 25);
    assert_eq!(bounded, "message: correct horse ba…");
    assert_eq!(s.text(&bounded), format!("message: {MARK}…"));
    assert_eq!(s.text("a cut … elsewhere"), "a cut … elsewhere");
  }

  #[test]
  fn the_key_is_read_from_the_path_by_its_route() {
    let mut s = Scrub::new();
    s.request_key(
      "/api/v2/secret/:key/reveal",
      "/api/v2/secret/abcdef123/reveal",
    );
    s.request_key("/api/v1/status", "/api/v1/status");
    assert_eq!(s.text("gone: abcdef123"), format!("gone: {MARK}"));
    assert_eq!(
      s.forms.len(),
      encodings("abcdef123")
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len()
    );
  }

  #[test]
  fn body_fields_are_found_in_forms_and_json() {
    let mut s = Scrub::new();
    s.body(
      "application/x-www-form-urlencoded",
      b"secret=a+b%2Fc&passphrase=p%C3%A9pw&ttl=3600",
    );
    s.body(
      "application/json",
      br#"{"secret":{"secret":"json secret","passphrase":"json pass","ttl":3600},"continue":true}"#,
    );
    let out = s.text("a b/c pépw json secret json pass 3600");
    assert_eq!(out, format!("{MARK} {MARK} {MARK} {MARK} 3600"));
  }

  #[test]
  fn errors_lose_the_values_in_message_server_message_and_cause() {
    let s = scrub_of(&["hunter22"]);
    let mut e = Error::new(super::super::ErrorKind::Api, "said hunter22").with_cause("hunter22");
    e.server_message = Some("hunter22!".into());
    let e = s.error(e);
    assert_eq!(e.message, format!("said {MARK}"));
    assert_eq!(e.cause.as_deref(), Some(MARK));
    assert_eq!(e.server_message.unwrap(), format!("{MARK}!"));
  }
}
