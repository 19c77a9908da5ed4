//! A recorded exchange: the request (rebuilt from its curl command line) and the answer.

use crate::profile::Generation;

/// A recorded request.
#[derive(Debug, Clone)]
pub struct Request {
  /// `GET` or `POST`.
  pub method: String,
  /// Path and query, as recorded (keys are the recording's own).
  pub path: String,
  /// Request headers the command line set (a form body gets its content type).
  pub headers: Vec<(String, String)>,
  /// The body sent (`-d` / `--data-*`, files read, elided values rebuilt).
  pub body: Vec<u8>,
  /// `user:token` of `-u`.
  pub user: Option<String>,
  /// `http://host:port` the recording addressed (links in its answers start with it).
  pub origin: String,
}

/// One recorded request and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
  /// The transcript file it comes from.
  pub file: String,
  /// The exchange's number in its file (`"12"`, `"v2-105"`).
  pub id: String,
  /// The heading's text after the number.
  pub title: String,
  /// What was sent.
  pub request: Request,
  /// The status answered.
  pub status: u16,
  /// Lower-cased names.
  pub resp_headers: Vec<(String, String)>,
  /// The body text as recorded (a prefix when `truncated`).
  pub resp_body: String,
  /// The recording kept only a prefix of the body.
  pub truncated: bool,
  /// The recorded body's full size, when the transcript says it.
  pub resp_bytes: Option<usize>,
  /// `(value length: N)`: the length of the revealed value the recording elided.
  pub value_len: Option<usize>,
}

impl Exchange {
  /// The recorded response header `name` (lower case).
  pub fn resp_header(&self, name: &str) -> Option<&str> {
    header(&self.resp_headers, name)
  }

  /// The generation of the release that answered (from the file name).
  pub fn generation(&self) -> Generation {
    generation_of(&self.file)
  }

  /// The recorded answer as raw HTTP/1.1 bytes (`Connection: close`), for serving it to a client.
  /// Truncated recordings are not servable: `None`.
  pub fn raw_response(&self) -> Option<Vec<u8>> {
    if self.truncated {
      return None;
    }
    let mut out = format!("HTTP/1.1 {} Recorded\r\n", self.status);
    for (k, v) in &self.resp_headers {
      if !matches!(
        k.as_str(),
        "content-length" | "connection" | "transfer-encoding"
      ) {
        out.push_str(&format!("{k}: {v}\r\n"));
      }
    }
    out.push_str(&format!(
      "content-length: {}\r\nconnection: close\r\n\r\n",
      self.resp_body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(self.resp_body.as_bytes());
    Some(bytes)
  }
}

/// The value of header `name` (lower case) in a list of lower-cased names.
pub(super) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
  headers
    .iter()
    .find(|(k, _)| k == name)
    .map(|(_, v)| v.as_str())
}

/// The generation a transcript file records (`v0.12.1-…` -> v0.12; the newest when no name fits).
pub fn generation_of(file: &str) -> Generation {
  Generation::ALL
    .into_iter()
    .find(|g| file.starts_with(&format!("{}.", g.name())))
    .unwrap_or_default()
}
