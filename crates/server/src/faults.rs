//! Fault injection (`Server::set_fault`). Faults are matched after the request has been counted.
//! The most recently set matching fault wins; `times` counts down and the fault disappears at 0.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::Deserialize;

/// A fault to inject, deserialised from JS (`{ kind: "closeMidBody", route: "POST /api/v1/share", times: 1 }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
  /// Route pattern as reported by request counters, e.g. `"POST /api/v1/secret/:key"`; `None` = every route.
  #[serde(default)]
  pub route: Option<String>,
  /// How many requests it applies to; `None` = until cleared.
  #[serde(default)]
  pub times: Option<u32>,
  /// What it does.
  #[serde(flatten)]
  pub kind: FaultKind,
}

/// What a fault does to the requests it matches. Faults that stand in for the application
/// (`closeBeforeResponse`, `status`, `rateLimited`) answer before the request's body is read and
/// change nothing on the server; the others spoil the real answer after the handler ran (so a
/// faulted reveal still consumes the secret, as a connection lost on the way back would).
#[derive(Debug, Clone, Deserialize)]
#[serde(
  tag = "kind",
  rename_all = "camelCase",
  rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum FaultKind {
  /// Waits `ms` milliseconds before handling the request (and so before the response headers).
  DelayHeaders {
    /// Milliseconds.
    ms: u64,
  },
  /// Sends the headers and half the body, waits `ms` milliseconds, then sends the rest.
  DelayBody {
    /// Milliseconds.
    ms: u64,
  },
  /// Closes the connection without answering.
  CloseBeforeResponse,
  /// Sends the headers and half the body, then closes the connection.
  CloseMidBody,
  /// Answers `status` as a proxy would: an nginx-style HTML page, or `{"error":"<reason>"}`.
  Status {
    /// The HTTP status (outside 100..=999: 500).
    status: u16,
    /// An HTML page instead of JSON.
    #[serde(default)]
    html: bool,
  },
  /// The real answer cut in half.
  TruncatedJson,
  /// A body that is not JSON, with the real status and headers.
  InvalidJson,
  /// A body that is not UTF-8.
  InvalidUtf8,
  /// 429 with `Retry-After` (60 s unless given), worded as the generation words it.
  RateLimited {
    /// Seconds for `Retry-After`.
    #[serde(default)]
    retry_after: Option<u64>,
  },
  /// The real body labelled `text/html`.
  WrongContentType,
  /// A JSON body of `bytes` bytes (at least 14), streamed.
  HugeBody {
    /// The body's size.
    bytes: usize,
  },
}

impl FaultKind {
  /// Every `kind` a fault can have, as JS names it (checked against the enum by a test).
  pub const NAMES: [&'static str; 11] = [
    "delayHeaders",
    "delayBody",
    "closeBeforeResponse",
    "closeMidBody",
    "status",
    "truncatedJson",
    "invalidJson",
    "invalidUtf8",
    "rateLimited",
    "wrongContentType",
    "hugeBody",
  ];
}

struct Slot {
  route: Option<String>,
  remaining: Option<u32>,
  kind: FaultKind,
}

/// The faults set on a server. `active` lets requests skip the lock when there are none.
#[derive(Default)]
pub(crate) struct Faults {
  slots: Mutex<Vec<Slot>>,
  active: AtomicBool,
}

impl Faults {
  fn slots(&self) -> MutexGuard<'_, Vec<Slot>> {
    // A panic elsewhere must not take fault injection down with it.
    self.slots.lock().unwrap_or_else(|e| e.into_inner())
  }

  pub(crate) fn set(&self, fault: Fault) {
    if fault.times == Some(0) {
      return;
    }
    let mut f = self.slots();
    f.push(Slot {
      route: fault.route,
      remaining: fault.times,
      kind: fault.kind,
    });
    self.active.store(true, Ordering::Release);
  }

  pub(crate) fn clear(&self) {
    let mut f = self.slots();
    f.clear();
    self.active.store(false, Ordering::Release);
  }

  /// The fault to apply to a request on `pattern`, consuming one use of it.
  pub(crate) fn take(&self, pattern: &str) -> Option<FaultKind> {
    if !self.active.load(Ordering::Acquire) {
      return None;
    }
    let mut f = self.slots();
    let idx = f
      .iter()
      .rposition(|s| s.route.as_deref().is_none_or(|r| r == pattern))?;
    let slot = &mut f[idx];
    let kind = slot.kind.clone();
    if let Some(n) = slot.remaining.as_mut() {
      *n = n.saturating_sub(1);
      if *n == 0 {
        f.remove(idx);
      }
    }
    if f.is_empty() {
      self.active.store(false, Ordering::Release);
    }
    Some(kind)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn faults_count_down_and_match_routes() {
    let sh = Faults::default();
    sh.set(Fault {
      route: Some("POST /api/v1/share".into()),
      times: Some(2),
      kind: FaultKind::CloseBeforeResponse,
    });
    assert!(sh.take("GET /api/v1/status").is_none());
    assert!(sh.take("POST /api/v1/share").is_some());
    assert!(sh.take("POST /api/v1/share").is_some());
    assert!(sh.take("POST /api/v1/share").is_none());
    sh.set(Fault {
      route: None,
      times: None,
      kind: FaultKind::InvalidJson,
    });
    assert!(matches!(sh.take("GET /x"), Some(FaultKind::InvalidJson)));
    assert!(sh.take("GET /y").is_some());
    sh.clear();
    assert!(sh.take("GET /y").is_none());
  }

  #[test]
  fn every_fault_name_is_a_kind() {
    for name in FaultKind::NAMES {
      let v = serde_json::json!({"kind": name, "ms": 1, "status": 500, "bytes": 10});
      assert!(serde_json::from_value::<Fault>(v).is_ok(), "{name}");
    }
    let v = serde_json::json!({"kind": "nope"});
    assert!(serde_json::from_value::<Fault>(v).is_err());
  }

  #[test]
  fn fault_json_shape() {
    let f: Fault =
      serde_json::from_str(r#"{"kind":"closeMidBody","route":"POST /api/v1/share","times":1}"#)
        .unwrap();
    assert!(matches!(f.kind, FaultKind::CloseMidBody));
    let f: Fault = serde_json::from_str(r#"{"kind":"rateLimited","retryAfter":5}"#).unwrap();
    assert!(matches!(
      f.kind,
      FaultKind::RateLimited {
        retry_after: Some(5)
      }
    ));
    let f: Fault = serde_json::from_str(r#"{"kind":"status","status":503,"html":true}"#).unwrap();
    assert!(matches!(
      f.kind,
      FaultKind::Status {
        status: 503,
        html: true
      }
    ));
    let f: Fault = serde_json::from_str(r#"{"kind":"hugeBody","bytes":100}"#).unwrap();
    assert!(matches!(f.kind, FaultKind::HugeBody { bytes: 100 }));
  }
}
