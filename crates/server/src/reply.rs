//! What a handler answers ([`Reply`]), the content types the real servers sent, and how answers
//! write times. Depends on nothing else in the crate, so every layer can build answers.

use bytes::Bytes;
use serde_json::Value;

/// `application/json; charset=utf-8` (Rack's JSON answers, v1 of every generation, v0.22's v2).
pub(crate) const JSON_UTF8: &str = "application/json; charset=utf-8";
/// `application/json` (Otto's answers and the routers' own errors).
pub(crate) const JSON: &str = "application/json";
/// `text/plain` (v0.12's bare errors).
pub(crate) const TEXT: &str = "text/plain";

/// What a handler answers. Turned into a hyper response (and maybe mangled by a fault) in `http.rs`.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
  pub(crate) status: u16,
  pub(crate) ctype: &'static str,
  pub(crate) headers: Vec<(&'static str, String)>,
  pub(crate) body: Bytes,
}

impl Reply {
  pub(crate) fn json(status: u16, ctype: &'static str, v: &Value) -> Reply {
    let body = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    Reply {
      status,
      ctype,
      headers: Vec::new(),
      body: Bytes::from(body),
    }
  }
  pub(crate) fn raw(status: u16, ctype: &'static str, body: &'static [u8]) -> Reply {
    Reply {
      status,
      ctype,
      headers: Vec::new(),
      body: Bytes::from_static(body),
    }
  }
  pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
    self.headers.push((name, value.into()));
    self
  }
}

/// A fixed answer, written as data in a profile's tables (`replies.rs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Canned {
  pub(crate) status: u16,
  pub(crate) ctype: &'static str,
  pub(crate) body: &'static [u8],
}

impl Canned {
  pub(crate) fn reply(&self) -> Reply {
    Reply::raw(self.status, self.ctype, self.body)
  }
}

/// Unix seconds as an integer JSON value.
pub(crate) fn int(t: f64) -> Value {
  Value::from(t.floor() as i64)
}

/// Unix seconds as a float JSON value (v0.26 v2 `created`/`updated`).
pub(crate) fn float(t: f64) -> Value {
  serde_json::Number::from_f64((t * 1e6).round() / 1e6)
    .map(Value::Number)
    .unwrap_or(Value::Null)
}

/// Integer rendered as a string (Familia v1 stored everything as strings: v0.22 v2 retrievals).
pub(crate) fn sint(t: f64) -> Value {
  Value::String((t.floor() as i64).to_string())
}

/// `Some(t)` as an int, `None` as null.
pub(crate) fn opt_int(t: Option<f64>) -> Value {
  t.map(int).unwrap_or(Value::Null)
}
