//! Fault injection (`Server::set_fault`). Faults are matched after the request has been counted.
//! The most recently set matching fault wins; `times` counts down and the fault disappears at 0.

use std::sync::atomic::Ordering;

use crate::app::{lock, Shared};
use crate::{Fault, FaultKind};

pub struct FaultSlot {
  pub route: Option<String>,
  pub remaining: Option<u32>,
  pub kind: FaultKind,
}

impl Shared {
  pub fn set_fault(&self, fault: Fault) {
    let mut f = lock(&self.faults);
    if fault.times == Some(0) {
      return;
    }
    f.push(FaultSlot {
      route: fault.route,
      remaining: fault.times,
      kind: fault.kind,
    });
    self.faults_active.store(true, Ordering::Release);
  }

  pub fn clear_faults(&self) {
    let mut f = lock(&self.faults);
    f.clear();
    self.faults_active.store(false, Ordering::Release);
  }

  /// The fault to apply to a request on `pattern`, consuming one use of it.
  pub fn take_fault(&self, pattern: &str) -> Option<FaultKind> {
    if !self.faults_active.load(Ordering::Acquire) {
      return None;
    }
    let mut f = lock(&self.faults);
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
      self.faults_active.store(false, Ordering::Release);
    }
    Some(kind)
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::Generation;

  #[test]
  fn faults_count_down_and_match_routes() {
    let sh = Shared::new(Generation::V0_26, "a@b.c".into(), "t".into());
    sh.set_fault(Fault {
      route: Some("POST /api/v1/share".into()),
      times: Some(2),
      kind: FaultKind::CloseBeforeResponse,
    });
    assert!(sh.take_fault("GET /api/v1/status").is_none());
    assert!(sh.take_fault("POST /api/v1/share").is_some());
    assert!(sh.take_fault("POST /api/v1/share").is_some());
    assert!(sh.take_fault("POST /api/v1/share").is_none());
    sh.set_fault(Fault {
      route: None,
      times: None,
      kind: FaultKind::InvalidJson,
    });
    assert!(matches!(
      sh.take_fault("GET /x"),
      Some(FaultKind::InvalidJson)
    ));
    assert!(sh.take_fault("GET /y").is_some());
    sh.clear_faults();
    assert!(sh.take_fault("GET /y").is_none());
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
