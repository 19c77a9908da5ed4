//! Reading one JS value: the failure type and how it is thrown, what a message says of a value,
//! and positional arguments.

use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::{sys, Env, JsValue, ValueType};
use ots_core::error::Error;

use super::Range;
use crate::errors;

/// A failed conversion: our own input error, or a JS exception already pending (a getter that
/// threw), which must propagate untouched.
pub enum Bad {
  Input(Error),
  Js(napi::Error),
  /// Reading the named option threw (a getter, a revoked Proxy): the exception is still pending.
  Threw(String),
}

impl From<napi::Error> for Bad {
  fn from(e: napi::Error) -> Self {
    Bad::Js(e)
  }
}

impl From<Error> for Bad {
  fn from(e: Error) -> Self {
    Bad::Input(e)
  }
}

pub type Res<T> = std::result::Result<T, Bad>;

/// `bad` as the error napi throws: input errors become instances of the JS error classes, and so
/// does an exception thrown while an option was read (it becomes the `InputError`'s `cause`), so
/// every error is a `OneTimeSecretError`.
pub fn thrown(env: &Env, bad: Bad) -> napi::Error {
  match bad {
    Bad::Input(e) => errors::to_js(env, e),
    Bad::Js(e) => e,
    Bad::Threw(option) => {
      let err = Error::input(format!("{option}: reading it threw (see cause)"));
      errors::to_js_caused_by(env, err, take_exception(env))
    }
  }
}

/// Takes the pending JS exception off the environment, if there is one.
fn take_exception<'env>(env: &'env Env) -> Option<Unknown<'env>> {
  let mut raw = std::ptr::null_mut();
  // SAFETY: called on the JS thread that owns `env`; napi-rs has no safe wrapper for this call.
  // It clears the exception and writes its value (undefined when none was pending) to `raw`.
  let status = unsafe { sys::napi_get_and_clear_last_exception(env.raw(), &mut raw) };
  if status != sys::Status::napi_ok || raw.is_null() {
    return None;
  }
  // SAFETY: `raw` was just produced by napi for this environment's current scope.
  Some(unsafe { Unknown::from_raw_unchecked(env.raw(), raw) })
}

/// The `InputError` for an option that does not fit (the core's, shared with the WebAssembly build).
pub use ots_core::options_table::invalid;

/// The JS type of `v` as a message names it (`typeof`, with `null` and `array` told apart).
pub fn type_name(v: &Unknown<'_>) -> napi::Result<&'static str> {
  Ok(match v.get_type()? {
    ValueType::Undefined => "undefined",
    ValueType::Null => "null",
    ValueType::Boolean => "boolean",
    ValueType::Number => "number",
    ValueType::String => "string",
    ValueType::Symbol => "symbol",
    ValueType::Object if v.is_array()? => "array",
    ValueType::Object => "object",
    ValueType::Function => "function",
    ValueType::BigInt => "bigint",
    _ => "an unknown type",
  })
}

pub use ots_core::error::shown;

/// A positional number argument (`seconds`, `limit`) checked against `range`.
pub fn number_arg(v: Unknown<'_>, label: &str, range: &Range) -> Res<f64> {
  let t = type_name(&v)?;
  if t != "number" {
    return Err(invalid(label, range.expected, t).into());
  }
  let n = f64::from_unknown(v)?;
  range.check(label, n)?;
  Ok(n)
}

/// A positional string argument (`email`).
pub fn string_arg(v: Unknown<'_>, label: &str) -> Res<String> {
  match type_name(&v)? {
    "string" => Ok(String::from_unknown(v)?),
    t => Err(invalid(label, "a string", t).into()),
  }
}

pub(super) fn is_nullish(v: &Unknown<'_>) -> napi::Result<bool> {
  Ok(matches!(
    v.get_type()?,
    ValueType::Undefined | ValueType::Null
  ))
}

/// Implements napi's `FromNapiValue` for an argument type with our own reader, so a bad value
/// throws our `InputError` instead of napi's conversion message. With a TS type, also the traits
/// napi needs to declare an argument of a type that is not a `#[napi]` one.
macro_rules! from_js {
  ($ty:ty, |$v:ident| $read:expr) => {
    impl ::napi::bindgen_prelude::FromNapiValue for $ty {
      // SAFETY: napi's trait declares this unsafe; napi-rs calls it on the JS thread with a value of
      // `env`'s current scope, which is all `Unknown::from_napi_value` below needs.
      unsafe fn from_napi_value(
        env: ::napi::sys::napi_env,
        raw: ::napi::sys::napi_value,
      ) -> ::napi::Result<Self> {
        type Value<'v> = ::napi::bindgen_prelude::Unknown<'v>;
        let read = |$v: Value<'_>| -> $crate::options::Res<Self> { $read };
        read(Value::from_napi_value(env, raw)?)
          .map_err(|bad| $crate::options::thrown(&::napi::Env::from_raw(env), bad))
      }
    }
  };
  ($ty:ty as $ts:literal, |$v:ident| $read:expr) => {
    $crate::options::read::from_js!($ty, |$v| $read);
    impl ::napi::bindgen_prelude::TypeName for $ty {
      fn type_name() -> &'static str {
        $ts
      }
      fn value_type() -> ::napi::ValueType {
        ::napi::ValueType::Unknown
      }
    }
    impl ::napi::bindgen_prelude::ValidateNapiValue for $ty {}
  };
}

pub(crate) use from_js;
