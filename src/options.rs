//! The arguments JS passes to the native client, as Rust types. napi-rs declares them in
//! binding.d.ts from these definitions; converting a JS value into them is ours, not napi's, so
//! every option is checked for type and range with one message format,
//! `<option>: expected <what>, got <what was given>` (an `InputError`), and 2.1.1's own messages
//! stay as they were. Nothing is coerced: no numeric strings, no fractional counts. A value given
//! for a secret, a passphrase or a key is never quoted in a message.

use std::time::Duration;

use napi::bindgen_prelude::{
  FromNapiValue, JsObjectValue, Object, TypeName, Unknown, ValidateNapiValue,
};
use napi::{sys, Env, JsValue, ValueType};
use napi_derive::napi;
use ots_core::error::Error;
use ots_core::wire::{CharacterSets as CoreCharacterSets, CreateOptions};
use zeroize::Zeroizing;

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

/// The `InputError` for an option that does not fit.
pub fn invalid(option: &str, expected: &str, got: &str) -> Error {
  Error::input(format!("{option}: expected {expected}, got {got}"))
}

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

/// A number as JS prints it (`1.5`, `0`, `NaN`, `-Infinity`).
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

/// A string given where no secret can be, for a message: quoted when short, else described.
pub fn shown(s: &str) -> String {
  match s.chars().count() {
    n if n <= 20 && !s.chars().any(char::is_whitespace) => format!("{s:?}"),
    n => format!("a string of {n} characters"),
  }
}

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

fn is_nullish(v: &Unknown<'_>) -> napi::Result<bool> {
  Ok(matches!(
    v.get_type()?,
    ValueType::Undefined | ValueType::Null
  ))
}

/// An options bag being read: `undefined` or `null` is an empty one.
pub struct Bag<'a> {
  name: &'static str,
  obj: Option<Object<'a>>,
}

impl<'a> Bag<'a> {
  /// `v` as an options bag called `name` in messages; anything but a plain object is refused.
  pub fn new(v: Unknown<'a>, name: &'static str) -> Res<Self> {
    if is_nullish(&v)? {
      return Ok(Bag { name, obj: None });
    }
    let t = type_name(&v).map_err(|_| Bad::Threw(name.into()))?;
    if t != "object" {
      return Err(invalid(name, "an object", t).into());
    }
    Ok(Bag {
      name,
      obj: Some(Object::from_unknown(v)?),
    })
  }

  /// The field's value and its type name, `None` when absent, `undefined` or `null`.
  fn get(&self, field: &str) -> Res<Option<(Unknown<'a>, &'static str)>> {
    let Some(obj) = &self.obj else {
      return Ok(None);
    };
    let threw = |_| Bad::Threw(self.label(field));
    let v: Unknown<'a> = obj.get_named_property(field).map_err(threw)?;
    // Telling an array from an object can throw too (a revoked Proxy).
    Ok(match type_name(&v).map_err(threw)? {
      "undefined" | "null" => None,
      t => Some((v, t)),
    })
  }

  /// The option's name in messages: `timeout`, or `characterSets.numbers` inside a nested bag.
  fn label(&self, field: &str) -> String {
    match self.name {
      "options" => field.to_owned(),
      outer => format!("{outer}.{field}"),
    }
  }

  pub fn string(&self, field: &str) -> Res<Option<String>> {
    let Some((v, t)) = self.get(field)? else {
      return Ok(None);
    };
    match t {
      "string" => Ok(Some(String::from_unknown(v)?)),
      t => Err(invalid(&self.label(field), "a string", t).into()),
    }
  }

  /// A string that may be a secret (a passphrase): wiped when dropped, never quoted.
  pub fn secret(&self, field: &str) -> Res<Option<Zeroizing<String>>> {
    Ok(self.string(field)?.map(Zeroizing::new))
  }

  /// Refuses a field not in `known` (where a misspelt option would silently mean the default).
  pub fn only(&self, known: &[&str]) -> Res<()> {
    let Some(obj) = &self.obj else {
      return Ok(());
    };
    match Object::keys(obj)?
      .into_iter()
      .find(|k| !known.contains(&k.as_str()))
    {
      None => Ok(()),
      Some(k) => Err(
        Error::input(format!(
          "{}: unknown option {} (expected {})",
          self.name,
          shown(&k),
          known.join(", ")
        ))
        .into(),
      ),
    }
  }

  /// One of `names`.
  pub fn choice(&self, field: &str, names: &[&str]) -> Res<Option<String>> {
    let Some((v, t)) = self.get(field)? else {
      return Ok(None);
    };
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let expected = format!("one of {}", quoted.join(", "));
    let got = match t {
      "string" => String::from_unknown(v)?,
      t => return Err(invalid(&self.label(field), &expected, t).into()),
    };
    if names.contains(&got.as_str()) {
      return Ok(Some(got));
    }
    Err(invalid(&self.label(field), &expected, &shown(&got)).into())
  }

  pub fn boolean(&self, field: &str) -> Res<Option<bool>> {
    let Some((v, t)) = self.get(field)? else {
      return Ok(None);
    };
    match t {
      "boolean" => Ok(Some(bool::from_unknown(v)?)),
      t => Err(invalid(&self.label(field), "a boolean", t).into()),
    }
  }

  /// A number within `range`; `expected` says what in messages.
  fn number(&self, field: &str, range: &Range) -> Res<Option<f64>> {
    let Some((v, t)) = self.get(field)? else {
      return Ok(None);
    };
    if t != "number" {
      return Err(invalid(&self.label(field), range.expected, t).into());
    }
    let n = f64::from_unknown(v)?;
    range.check(&self.label(field), n)?;
    Ok(Some(n))
  }

  /// Milliseconds: `timeout` and `connectTimeout` (> 0) or a retry delay (>= 0).
  pub fn millis(&self, field: &str, range: &Range) -> Res<Option<Duration>> {
    Ok(
      self
        .number(field, range)?
        .map(|ms| Duration::from_micros((ms * 1000.0) as u64)),
    )
  }

  /// A whole number within `range` (counts, seconds, bytes).
  pub fn integer(&self, field: &str, range: &Range) -> Res<Option<u64>> {
    Ok(self.number(field, range)?.map(|n| n as u64))
  }

  pub fn nested(&self, field: &'static str) -> Res<Option<Bag<'a>>> {
    match self.get(field)? {
      None => Ok(None),
      Some((v, _)) => Bag::new(v, field).map(Some),
    }
  }
}

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
  fn check(&self, label: &str, n: f64) -> Result<(), Error> {
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

/// Implements napi's `FromNapiValue` for an argument type with our own reader, so a bad value
/// throws our `InputError` instead of napi's conversion message. With a TS type, also the traits
/// napi needs to declare an argument of a type that is not a `#[napi]` one.
macro_rules! from_js {
  ($ty:ty, |$v:ident| $read:expr) => {
    impl FromNapiValue for $ty {
      unsafe fn from_napi_value(env: sys::napi_env, raw: sys::napi_value) -> napi::Result<Self> {
        let read = |$v: Unknown<'_>| -> Res<Self> { $read };
        read(Unknown::from_napi_value(env, raw)?).map_err(|bad| thrown(&Env::from_raw(env), bad))
      }
    }
  };
  ($ty:ty as $ts:literal, |$v:ident| $read:expr) => {
    from_js!($ty, |$v| $read);
    impl TypeName for $ty {
      fn type_name() -> &'static str {
        $ts
      }
      fn value_type() -> ValueType {
        ValueType::Unknown
      }
    }
    impl ValidateNapiValue for $ty {}
  };
}

/// The secret to share. 2.1.1: `No secret provided` when it is missing; an empty string is missing
/// too (a server would only answer an error), and nothing is sent.
pub struct Secret(pub Zeroizing<String>);

from_js!(Secret as "string", |v| match type_name(&v).map_err(|_| Bad::Threw("secret".into()))? {
  "undefined" | "null" => Err(Error::input("No secret provided").into()),
  "string" => {
    let s = Zeroizing::new(String::from_unknown(v)?);
    if s.is_empty() {
      Err(Error::input("No secret provided").into())
    } else {
      Ok(Secret(s))
    }
  }
  t => Err(invalid("secret", "a string", t).into()),
});

/// A secret or metadata key, checked before it can go into a URL. 2.1.1 wording:
/// `Invalid key provided: <key>` (the core decides what of the key may be shown).
pub struct Key(pub String);

from_js!(Key as "string", |v| match type_name(&v).map_err(|_| Bad::Threw("key".into()))? {
  "string" => {
    let k = String::from_unknown(v)?;
    ots_core::key::validate_key(Some(&k), &k)?;
    Ok(Key(k))
  }
  "undefined" => Err(ots_core::key::invalid_key("undefined").into()),
  "null" => Err(ots_core::key::invalid_key("null").into()),
  t => Err(ots_core::key::invalid_key(&format!("[{t}]")).into()),
});

/// What `retrieveSecret` takes: a key, or a whole link whose `#fragment` may hold an end-to-end key
/// (so it is wiped). Checked here, while the caller is on the stack, by the core's own rule.
pub struct LinkOrKey(pub Zeroizing<String>);

from_js!(LinkOrKey as "string", |v| match type_name(&v).map_err(|_| Bad::Threw("key".into()))? {
  "string" => {
    let s = Zeroizing::new(String::from_unknown(v)?);
    ots_core::e2e::calls::split_link_or_key(&s)?;
    Ok(LinkOrKey(s))
  }
  "undefined" => Err(ots_core::key::invalid_key("undefined").into()),
  "null" => Err(ots_core::key::invalid_key("null").into()),
  t => Err(ots_core::key::invalid_key(&format!("[{t}]")).into()),
});

/// `{ timeout }` of every call (the JS skin handles `signal`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CallOptions {
  /// Milliseconds for this call, instead of the client's `timeout`.
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
}

impl CallOptions {
  fn read(b: &Bag<'_>) -> Res<Self> {
    Ok(CallOptions {
      timeout: b.millis("timeout", &TIMEOUT)?,
    })
  }

  /// The core's per-call options, with the call's cancel token.
  pub fn to_core(
    this: Option<&Self>,
    cancel: Option<&crate::cancel::CancelToken>,
  ) -> ots_core::CallOptions {
    ots_core::CallOptions {
      timeout: this.and_then(|o| o.timeout),
      cancel: cancel.map(|c| c.token.clone()),
      // The core fixes the call's deadline when the call starts.
      deadline: None,
    }
  }
}

from_js!(CallOptions, |v| CallOptions::read(&Bag::new(v, "options")?));

/// `{ passphrase, timeout }` of `retrieveSecret` and `burn`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SecretOptions {
  #[napi(ts_type = "string")]
  pub passphrase: Option<Zeroizing<String>>,
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
}

impl SecretOptions {
  /// The passphrase and the core's per-call options.
  pub fn split(
    this: Option<Self>,
    cancel: Option<&crate::cancel::CancelToken>,
  ) -> (Option<Zeroizing<String>>, ots_core::CallOptions) {
    match this {
      None => (None, CallOptions::to_core(None, cancel)),
      Some(o) => {
        let call = CallOptions { timeout: o.timeout };
        (o.passphrase, CallOptions::to_core(Some(&call), cancel))
      }
    }
  }
}

from_js!(SecretOptions, |v| {
  let b = Bag::new(v, "options")?;
  Ok(SecretOptions {
    passphrase: b.secret("passphrase")?,
    timeout: CallOptions::read(&b)?.timeout,
  })
});

/// The options of `share` and `generate` (`length` and `characterSets` are generate's).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CreateArgs {
  #[napi(ts_type = "string")]
  pub passphrase: Option<Zeroizing<String>>,
  /// Seconds.
  #[napi(ts_type = "number")]
  pub ttl: Option<u64>,
  pub recipient: Option<String>,
  pub share_domain: Option<String>,
  #[napi(ts_type = "number")]
  pub length: Option<u64>,
  #[napi(
    ts_type = "{ uppercase?: boolean; lowercase?: boolean; numbers?: boolean; symbols?: boolean; excludeAmbiguous?: boolean }"
  )]
  pub character_sets: Option<CoreCharacterSets>,
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
  /// `share` only: end-to-end encryption (docs/E2E.md).
  pub encrypt: Option<bool>,
}

from_js!(CreateArgs, |v| {
  let b = Bag::new(v, "options")?;
  let character_sets = match b.nested("characterSets")? {
    None => None,
    Some(s) => Some(CoreCharacterSets {
      uppercase: s.boolean("uppercase")?,
      lowercase: s.boolean("lowercase")?,
      numbers: s.boolean("numbers")?,
      symbols: s.boolean("symbols")?,
      exclude_ambiguous: s.boolean("excludeAmbiguous")?,
    }),
  };
  Ok(CreateArgs {
    passphrase: b.secret("passphrase")?,
    ttl: b.integer("ttl", &TTL)?,
    recipient: b.string("recipient")?,
    share_domain: b.string("shareDomain")?,
    length: b.integer("length", &LENGTH)?,
    character_sets,
    timeout: CallOptions::read(&b)?.timeout,
    encrypt: b.boolean("encrypt")?,
  })
});

impl CreateArgs {
  /// The core's create options and the per-call options.
  pub fn split(
    this: Option<Self>,
    cancel: Option<&crate::cancel::CancelToken>,
  ) -> (CreateOptions, ots_core::CallOptions) {
    let Some(a) = this else {
      return (CreateOptions::default(), CallOptions::to_core(None, cancel));
    };
    let call = CallOptions { timeout: a.timeout };
    let create = CreateOptions {
      passphrase: a.passphrase,
      ttl: a.ttl,
      recipient: a.recipient,
      share_domain: a.share_domain,
      length: a.length.map(|l| l as u32),
      character_sets: a.character_sets,
    };
    (create, CallOptions::to_core(Some(&call), cancel))
  }
}

/// The constructor's options.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ClientOptions {
  pub url: Option<String>,
  pub api_version: Option<String>,
  pub region: Option<String>,
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
  #[napi(ts_type = "number")]
  pub connect_timeout: Option<Duration>,
  #[napi(ts_type = "number")]
  pub retries: Option<u64>,
  #[napi(ts_type = "number")]
  pub retry_delay: Option<Duration>,
  #[napi(ts_type = "number")]
  pub max_retry_delay: Option<Duration>,
  pub ca: Option<String>,
  pub proxy: Option<String>,
  pub share_domain: Option<String>,
  #[napi(ts_type = "number")]
  pub max_response_bytes: Option<u64>,
  pub raw: Option<bool>,
}

from_js!(ClientOptions, |v| {
  let b = Bag::new(v, "options")?;
  Ok(ClientOptions {
    url: b.string("url")?,
    api_version: b.string("apiVersion")?,
    region: b.string("region")?,
    timeout: b.millis("timeout", &TIMEOUT)?,
    connect_timeout: b.millis("connectTimeout", &TIMEOUT)?,
    retries: b.integer("retries", &RETRIES)?,
    retry_delay: b.millis("retryDelay", &DELAY)?,
    max_retry_delay: b.millis("maxRetryDelay", &DELAY)?,
    ca: b.string("ca")?,
    proxy: b.string("proxy")?,
    share_domain: b.string("shareDomain")?,
    max_response_bytes: b.integer("maxResponseBytes", &BYTES)?,
    raw: b.boolean("raw")?,
  })
});

#[cfg(test)]
mod tests;
