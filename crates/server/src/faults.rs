//! Fault injection (`Server::set_fault`). Faults are matched after the request has been counted.
//! The most recently set matching fault wins; `times` counts down and the fault disappears at 0.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::{Fault, FaultKind};

struct Slot {
  route: Option<String>,
  remaining: Option<u32>,
  kind: FaultKind,
}

/// The faults set on a server. `active` lets requests skip the lock when there are none.
#[derive(Default)]
pub struct Faults {
  slots: Mutex<Vec<Slot>>,
  active: AtomicBool,
}

impl Faults {
  fn slots(&self) -> MutexGuard<'_, Vec<Slot>> {
    // A panic elsewhere must not take fault injection down with it.
    self.slots.lock().unwrap_or_else(|e| e.into_inner())
  }

  pub fn set(&self, fault: Fault) {
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

  pub fn clear(&self) {
    let mut f = self.slots();
    f.clear();
    self.active.store(false, Ordering::Release);
  }

  /// The fault to apply to a request on `pattern`, consuming one use of it.
  pub fn take(&self, pattern: &str) -> Option<FaultKind> {
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
