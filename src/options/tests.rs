//! The ranges and their messages.

use super::range::*;
use super::read::js_number;

fn message(range: &Range, n: f64) -> Option<String> {
  range.check("x", n).err().map(|e| e.message)
}

#[test]
fn numbers_read_as_js_prints_them() {
  assert_eq!(js_number(0.0), "0");
  assert_eq!(js_number(-5.0), "-5");
  assert_eq!(js_number(1.5), "1.5");
  assert_eq!(js_number(f64::NAN), "NaN");
  assert_eq!(js_number(f64::NEG_INFINITY), "-Infinity");
  assert_eq!(js_number(2_147_483_647.0), "2147483647");
}

#[test]
fn ranges_refuse_what_they_do_not_take_and_say_what_they_got() {
  assert_eq!(message(&TIMEOUT, 1.0), None);
  assert_eq!(message(&TIMEOUT, 0.5), None);
  assert_eq!(
    message(&TIMEOUT, 0.0).unwrap(),
    "x: expected a number of milliseconds > 0, got 0"
  );
  assert_eq!(
    message(&TIMEOUT, f64::NAN).unwrap(),
    "x: expected a number of milliseconds > 0, got NaN"
  );
  assert_eq!(
    message(&TIMEOUT, 3e9).unwrap(),
    "x: expected a number of milliseconds > 0 (at most 2147483647), got 3000000000"
  );
  assert_eq!(message(&DELAY, 0.0), None);
  assert_eq!(message(&RETRIES, 10.0), None);
  assert_eq!(
    message(&RETRIES, 1.5).unwrap(),
    "x: expected an integer from 0 to 10, got 1.5"
  );
  assert_eq!(
    message(&TTL, 0.0).unwrap(),
    "x: expected an integer number of seconds > 0, got 0"
  );
  assert_eq!(message(&LENGTH, 1.0), None);
  assert_eq!(
    message(&BYTES, -1.0).unwrap(),
    "x: expected an integer number of bytes > 0, got -1"
  );
}
