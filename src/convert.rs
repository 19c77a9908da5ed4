//! JS values in, core types out. Any value may arrive (the methods are called from plain JS):
//! wrong types become an `InputError` that names the argument, never a panic or a crash.

use std::time::Duration;

use napi::bindgen_prelude::JsObjectValue;
use napi::bindgen_prelude::{Object, Unknown};
use napi::{JsValue, ValueType};
use ots_core::error::Error;
use ots_core::wire::{CharacterSets, CreateOptions};
use zeroize::Zeroizing;

/// A conversion failure: either our own input error, or a JS exception already pending (a getter
/// that threw), which must propagate untouched.
pub enum Bad {
  Input(Error),
  Js(napi::Error),
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

fn kind(v: &Unknown<'_>) -> Res<ValueType> {
  Ok(v.get_type()?)
}

fn is_nullish(t: ValueType) -> bool {
  matches!(t, ValueType::Undefined | ValueType::Null)
}

/// How a value reads in a message, as JS template literals would show it (2.1.1 interpolated raw
/// values); objects are not stringified, so nothing they hold is echoed.
pub fn display(v: &Unknown<'_>) -> String {
  match v.get_type() {
    Ok(ValueType::Undefined) => "undefined".into(),
    Ok(ValueType::Null) => "null".into(),
    Ok(ValueType::String) => string(v).unwrap_or_default(),
    Ok(ValueType::Number) => unsafe { v.cast::<f64>() }
      .map(fmt_number)
      .unwrap_or_default(),
    Ok(ValueType::Boolean) => unsafe { v.cast::<bool>() }
      .map(|b| b.to_string())
      .unwrap_or_default(),
    Ok(t) => format!("[{}]", type_name(t)),
    Err(_) => "[unknown]".into(),
  }
}

fn fmt_number(n: f64) -> String {
  if n.fract() == 0.0 && n.abs() < 1e15 {
    format!("{}", n as i64)
  } else {
    format!("{n}")
  }
}

fn type_name(t: ValueType) -> &'static str {
  match t {
    ValueType::Undefined => "undefined",
    ValueType::Null => "null",
    ValueType::Boolean => "boolean",
    ValueType::Number => "number",
    ValueType::String => "string",
    ValueType::Symbol => "symbol",
    ValueType::Object => "object",
    ValueType::Function => "function",
    ValueType::External => "external",
    ValueType::BigInt => "bigint",
    _ => "unknown",
  }
}

fn string(v: &Unknown<'_>) -> napi::Result<String> {
  unsafe { v.cast::<String>() }
}

/// A required string (the secret): wiped when dropped.
pub fn secret(v: &Unknown<'_>) -> Res<Zeroizing<String>> {
  match kind(v)? {
    ValueType::String => Ok(Zeroizing::new(string(v)?)),
    ValueType::Undefined => Err(Error::input("No secret provided").into()),
    t => Err(
      Error::input(format!(
        "Invalid secret: expected a string, got {}",
        type_name(t)
      ))
      .into(),
    ),
  }
}

/// A key argument. 2.1.1 wording: `Invalid key provided: <key>`.
pub fn key(v: &Unknown<'_>) -> Res<String> {
  let shown = display(v);
  match kind(v)? {
    ValueType::String => {
      let k = string(v)?;
      ots_core::key::validate_key(Some(&k), &shown)?;
      Ok(k)
    }
    _ => Err(ots_core::key::invalid_key(&shown).into()),
  }
}

/// An options bag: undefined or null means none; anything else but a plain object is refused.
pub fn options<'a>(v: &Unknown<'a>, what: &str) -> Res<Option<Object<'a>>> {
  match kind(v)? {
    t if is_nullish(t) => Ok(None),
    ValueType::Object if !v.is_array()? => Ok(Some(unsafe { v.cast::<Object>() }?)),
    t => Err(
      Error::input(format!(
        "Invalid {what}: expected an object, got {}",
        type_name(t)
      ))
      .into(),
    ),
  }
}

fn field<'a>(o: &Object<'a>, name: &str) -> Res<Option<Unknown<'a>>> {
  let v: Unknown<'a> = o.get_named_property(name)?;
  Ok(if is_nullish(kind(&v)?) { None } else { Some(v) })
}

pub fn opt_string(o: Option<&Object<'_>>, name: &str) -> Res<Option<String>> {
  let Some(v) = (match o {
    Some(o) => field(o, name)?,
    None => None,
  }) else {
    return Ok(None);
  };
  match kind(&v)? {
    ValueType::String => Ok(Some(string(&v)?)),
    t => Err(
      Error::input(format!(
        "Invalid {name}: expected a string, got {}",
        type_name(t)
      ))
      .into(),
    ),
  }
}

pub fn opt_secret_string(o: Option<&Object<'_>>, name: &str) -> Res<Option<Zeroizing<String>>> {
  Ok(opt_string(o, name)?.map(Zeroizing::new))
}

/// A non-negative number (numeric strings accepted, as 2.1.1 sent `String(ttl)` on the wire).
pub fn opt_number(o: Option<&Object<'_>>, name: &str, max: f64) -> Res<Option<f64>> {
  let Some(v) = (match o {
    Some(o) => field(o, name)?,
    None => None,
  }) else {
    return Ok(None);
  };
  let n = match kind(&v)? {
    ValueType::Number => unsafe { v.cast::<f64>() }?,
    ValueType::String => string(&v)?.trim().parse::<f64>().unwrap_or(f64::NAN),
    t => {
      return Err(
        Error::input(format!(
          "Invalid {name}: expected a number, got {}",
          type_name(t)
        ))
        .into(),
      )
    }
  };
  if !n.is_finite() || n < 0.0 || n > max {
    return Err(
      Error::input(format!(
        "Invalid {name}: expected a number from 0 to {max}, got {}",
        fmt_number(n)
      ))
      .into(),
    );
  }
  Ok(Some(n))
}

pub fn opt_bool(o: Option<&Object<'_>>, name: &str) -> Res<Option<bool>> {
  let Some(v) = (match o {
    Some(o) => field(o, name)?,
    None => None,
  }) else {
    return Ok(None);
  };
  match kind(&v)? {
    ValueType::Boolean => Ok(Some(unsafe { v.cast::<bool>() }?)),
    t => Err(
      Error::input(format!(
        "Invalid {name}: expected a boolean, got {}",
        type_name(t)
      ))
      .into(),
    ),
  }
}

/// Milliseconds, for `timeout` options.
pub fn opt_duration_ms(o: Option<&Object<'_>>, name: &str) -> Res<Option<Duration>> {
  Ok(
    opt_number(o, name, 24.0 * 3600.0 * 1000.0)?
      .map(|ms| Duration::from_micros((ms * 1000.0) as u64)),
  )
}

/// TTL in seconds: at most ten years, well past any server's ceiling (servers clamp, ots-api.md §3.7).
const MAX_TTL: f64 = 10.0 * 365.0 * 86400.0;

pub fn create_options(o: Option<&Object<'_>>) -> Res<CreateOptions> {
  let character_sets = match o.map(|o| field(o, "characterSets")).transpose()?.flatten() {
    None => None,
    Some(v) => {
      let sets = options(&v, "characterSets")?;
      let s = sets.as_ref();
      Some(CharacterSets {
        uppercase: opt_bool(s, "uppercase")?,
        lowercase: opt_bool(s, "lowercase")?,
        numbers: opt_bool(s, "numbers")?,
        symbols: opt_bool(s, "symbols")?,
        exclude_ambiguous: opt_bool(s, "excludeAmbiguous")?,
      })
    }
  };
  Ok(CreateOptions {
    passphrase: opt_secret_string(o, "passphrase")?,
    ttl: opt_number(o, "ttl", MAX_TTL)?.map(|t| t as u64),
    recipient: opt_string(o, "recipient")?,
    share_domain: opt_string(o, "shareDomain")?,
    length: opt_number(o, "length", 1024.0)?.map(|l| l as u32),
    character_sets,
  })
}
