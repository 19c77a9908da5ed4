//! The transcript files: where they are, which generation recorded each, and parsing one into
//! [`Exchange`]s.

use std::path::{Path, PathBuf};

use super::exchange::Exchange;
use super::{curl, json_prefix};

/// `__test__/fixtures/ots-observed` of this repository.
pub fn fixtures_dir() -> PathBuf {
  Path::new(env!("CARGO_MANIFEST_DIR")).join("../../__test__/fixtures/ots-observed")
}

/// Every transcript file name (`v*.md`), sorted.
pub fn files() -> Vec<String> {
  let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
    .map(|d| {
      d.filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('v') && n.ends_with(".md"))
        .collect()
    })
    .unwrap_or_default();
  names.sort();
  names
}

/// Reads and parses one transcript file of the fixtures directory.
pub fn load(file: &str) -> std::io::Result<Vec<Exchange>> {
  let text = std::fs::read_to_string(fixtures_dir().join(file))?;
  Ok(parse(file, &text))
}

/// The API token the recording's account used (the most frequent `tester@example.com:` token).
pub fn account_token(exchanges: &[Exchange]) -> Option<String> {
  let mut counts: Vec<(String, usize)> = Vec::new();
  for e in exchanges {
    let Some(t) = e
      .request
      .user
      .as_deref()
      .and_then(|u| u.strip_prefix("tester@example.com:"))
    else {
      continue;
    };
    match counts.iter_mut().find(|(k, _)| k == t) {
      Some((_, n)) => *n += 1,
      None => counts.push((t.to_string(), 1)),
    }
  }
  counts.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t)
}

/// How many receipts of the account the recording's server held before the transcript starts
/// (made while setting it up): the most that any `recent` answer lists beyond the receipts the
/// account made in earlier exchanges. A replay on a fresh server cannot list them.
pub fn prior_records(exchanges: &[Exchange]) -> u64 {
  let mut made: u64 = 0;
  let mut prior: u64 = 0;
  for e in exchanges {
    let creates = ["/share", "/generate", "/create", "/conceal"]
      .iter()
      .any(|r| e.request.path.split('?').next().unwrap_or("").ends_with(r));
    if creates && e.status == 200 && e.request.user.is_some() {
      made += 1;
    }
    if e.status != 200 || !e.request.path.contains("recent") {
      continue;
    }
    let listed = match json_prefix::parse(&e.resp_body) {
      json_prefix::Partial::Done(serde_json::Value::Array(a)) => Some(a.len() as u64),
      json_prefix::Partial::Done(v) => v.get("count").and_then(serde_json::Value::as_u64),
      json_prefix::Partial::Obj(members) => members.iter().find_map(|(k, v)| match v {
        json_prefix::Partial::Done(c) if k == "count" => c.as_u64(),
        _ => None,
      }),
      _ => None,
    };
    prior = prior.max(listed.unwrap_or(0).saturating_sub(made));
  }
  prior
}

/// Parses a transcript: `#… N. title` headings, each followed by a fenced block holding the curl
/// command line, the status line, the response headers, a blank line and the body.
pub fn parse(file: &str, text: &str) -> Vec<Exchange> {
  let lines: Vec<&str> = text.lines().collect();
  let mut out: Vec<Exchange> = Vec::new();
  let mut i = 0;
  while i < lines.len() {
    let Some((id, title)) = heading(lines[i]) else {
      i += 1;
      continue;
    };
    let mut j = i + 1;
    while j < lines.len() && !lines[j].starts_with("```") {
      j += 1;
    }
    j += 1;
    if j + 1 >= lines.len() {
      break;
    }
    let req = curl::parse(lines[j], &out);
    j += 1;
    let status: u16 = lines[j]
      .split_whitespace()
      .nth(1)
      .and_then(|s| s.parse().ok())
      .unwrap_or(0);
    j += 1;
    let mut resp_headers = Vec::new();
    while j < lines.len() && !lines[j].is_empty() && !lines[j].starts_with("```") {
      if let Some((k, v)) = lines[j].split_once(':') {
        resp_headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
      }
      j += 1;
    }
    if j < lines.len() && lines[j].is_empty() {
      j += 1;
    }
    let mut body = Vec::new();
    let mut truncated = false;
    let mut resp_bytes = None;
    while j < lines.len() && !lines[j].starts_with("```") {
      let line = lines[j];
      if let Some(rest) = line.strip_prefix("... [body truncated in transcript: ") {
        truncated = true;
        resp_bytes = rest.split_whitespace().next().and_then(|n| n.parse().ok());
      } else if let Some((prefix, n)) = elided_tail(line) {
        truncated = true;
        resp_bytes = Some(n);
        body.push(prefix);
      } else {
        body.push(line);
      }
      j += 1;
    }
    // `(value length: N)` after the fence.
    let value_len = lines
      .get(j + 1)
      .and_then(|l| l.strip_prefix("(value length: "))
      .and_then(|l| l.strip_suffix(')'))
      .and_then(|n| n.parse().ok());
    out.push(Exchange {
      file: file.to_string(),
      id,
      title,
      request: req,
      status,
      resp_headers,
      resp_body: body.join("\n"),
      truncated,
      resp_bytes,
      value_len,
    });
    i = j;
  }
  out
}

/// `### 12. title` / `##### v2-105. title` -> (id, title).
fn heading(line: &str) -> Option<(String, String)> {
  let rest = line.trim_start_matches('#');
  if rest.len() == line.len() {
    return None;
  }
  let (id, title) = rest.trim().split_once(". ")?;
  let numbered = id.chars().last().is_some_and(|c| c.is_ascii_digit()) && !id.contains(' ');
  numbered.then(|| (id.to_string(), title.to_string()))
}

/// A body line the recorder cut: `<prefix>... (N bytes)`.
fn elided_tail(line: &str) -> Option<(&str, usize)> {
  let open = line.rfind("... (")?;
  let n = line[open + 5..].strip_suffix(" bytes)")?.parse().ok()?;
  Some((&line[..open], n))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn headings_and_elisions() {
    assert_eq!(
      heading("### 12. POST /x"),
      Some(("12".into(), "POST /x".into()))
    );
    assert_eq!(
      heading("##### v2-105. GET /y"),
      Some(("v2-105".into(), "GET /y".into()))
    );
    assert_eq!(heading("## status"), None);
    assert_eq!(heading("plain. text"), None);
    assert_eq!(
      elided_tail(r#"{"a":"012... (50059 bytes)"#),
      Some((r#"{"a":"012"#, 50059))
    );
    assert_eq!(elided_tail("no tail"), None);
  }

  #[test]
  fn a_recorded_answer_serves_as_raw_http() {
    let ex = load("v0.22.11-more.md").unwrap();
    let burn = ex.iter().find(|e| e.id == "19").unwrap();
    let raw = String::from_utf8(burn.raw_response().unwrap()).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 500 "), "{head}");
    assert!(head.contains("content-type: application/json; charset=utf-8"));
    assert!(head.contains(&format!("content-length: {}", body.len())));
    assert!(body.contains("Secret could not be burned."));
    // A cut recording cannot be served whole.
    let cut = ex.iter().find(|e| e.truncated).unwrap();
    assert!(cut.raw_response().is_none());
  }

  #[test]
  fn every_file_parses_into_exchanges_with_a_status() {
    let files = files();
    assert!(files.len() >= 7, "{files:?}");
    for f in files {
      let ex = load(&f).unwrap();
      assert!(!ex.is_empty(), "{f}");
      for e in &ex {
        assert!((100..600).contains(&e.status), "{f} #{}", e.id);
      }
    }
  }
}
