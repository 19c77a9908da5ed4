//! The numeric ranges options and arguments accept, and how a value outside one is refused.

use crate::error::Error;

/// What an option accepts: bounds, whether it must be whole, and how messages say so.
pub struct Range {
  pub min: f64,
  /// `min` itself is allowed.
  pub min_inclusive: bool,
  pub max: f64,
  pub whole: bool,
  /// For messages: `a number of milliseconds > 0`.
  pub expected: &'static str,
}

impl Range {
  pub fn check(&self, label: &str, n: f64) -> Result<(), Error> {
    let low = if self.min_inclusive {
      n >= self.min
    } else {
      n > self.min
    };
    if !low || n.is_nan() || (self.whole && n.fract() != 0.0) {
      return Err(invalid(label, self.expected, &js_number(n)));
    }
    if n > self.max {
      // A range whose wording already names its ceiling ("from 0 to 10") is not told it twice.
      let max = js_number(self.max);
      let expected = match self.expected.ends_with(&max) {
        true => self.expected.to_owned(),
        false => format!("{} (at most {max})", self.expected),
      };
      return Err(invalid(label, &expected, &js_number(n)));
    }
    Ok(())
  }
}

/// Timeouts: more than 0 ms, at most what a JS timer takes (2^31 - 1 ms, about 24.8 days).
pub const TIMEOUT: Range = Range {
  min: 0.0,
  min_inclusive: false,
  max: 2_147_483_647.0,
  whole: false,
  expected: "a number of milliseconds > 0",
};
/// Retry backoff base and cap: 0 ms allowed (retry at once).
pub const DELAY: Range = Range {
  min: 0.0,
  min_inclusive: true,
  max: 2_147_483_647.0,
  whole: false,
  expected: "a number of milliseconds >= 0",
};
pub const RETRIES: Range = Range {
  min: 0.0,
  min_inclusive: true,
  max: 10.0,
  whole: true,
  expected: "an integer from 0 to 10",
};
/// Seconds, at most ten years: well past any server's ceiling (servers clamp, never reject).
pub const TTL: Range = Range {
  min: 0.0,
  min_inclusive: false,
  max: 315_360_000.0,
  whole: true,
  expected: "an integer number of seconds > 0",
};
pub const LENGTH: Range = Range {
  min: 1.0,
  min_inclusive: true,
  max: 1024.0,
  whole: true,
  expected: "an integer from 1 to 1024",
};
pub const BYTES: Range = Range {
  min: 0.0,
  min_inclusive: false,
  max: 1024.0 * 1024.0 * 1024.0,
  whole: true,
  expected: "an integer number of bytes > 0",
};
/// `startServer`'s port.
pub const PORT: Range = Range {
  min: 0.0,
  min_inclusive: true,
  max: 65535.0,
  whole: true,
  expected: "a whole number from 0 (any free port) to 65535",
};

/// `<option>: expected <what>, got <what was given>`.
pub fn invalid(option: &str, expected: &str, got: &str) -> Error {
  Error::input(format!("{option}: expected {expected}, got {got}"))
}

/// A number as JS prints it (`1e21`, `NaN`, `-Infinity`, `3`, `0.5`).
pub fn js_number(n: f64) -> String {
  if n.is_nan() {
    "NaN".into()
  } else if n.is_infinite() {
    if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
  } else if n.fract() == 0.0 && n.abs() < 1e21 {
    format!("{}", n as i128)
  } else {
    format!("{n}")
  }
}
