//! The server's clock: real time plus an offset that [`crate::Server::advance_clock`] moves forward.
//! Expiry (secret TTL, receipt TTL = 2 x TTL, rate-limit windows, lockouts) is computed against it,
//! so advancing the clock makes things expire exactly as if that time had passed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub(crate) struct Clock {
  offset_ms: AtomicU64,
}

impl Clock {
  pub(crate) fn new() -> Clock {
    Clock::default()
  }

  /// Seconds since the Unix epoch (with fraction), shifted by the offset.
  pub(crate) fn now(&self) -> f64 {
    let real = SystemTime::now()
      .duration_since(UNIX_EPOCH)
      .map(|d| d.as_secs_f64())
      .unwrap_or(0.0);
    real + self.offset_ms.load(Ordering::Relaxed) as f64 / 1000.0
  }

  pub(crate) fn advance(&self, seconds: u64) {
    self
      .offset_ms
      .fetch_add(seconds.saturating_mul(1000), Ordering::Relaxed);
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn advance_moves_now_forward() {
    let c = Clock::new();
    let a = c.now();
    c.advance(3600);
    let b = c.now();
    assert!(b - a >= 3600.0 && b - a < 3610.0);
  }
}
