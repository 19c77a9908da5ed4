//! The arguments JS passes to the WebAssembly client, read from JS values by the same rules and
//! with the same messages as the addon's readers (src/options/): `<option>: expected <what>, got
//! <what was given>` (an `InputError`); nothing coerced; a secret, passphrase or key never quoted.
//! The ranges are the addon's (src/options/range.rs); `__test__/wasm.test.mjs` compares the two
//! builds' messages.

use std::time::Duration;

use js_sys::{Array, Object, Reflect};
use ots_core::config::{normalise_base_url, ApiVersion, ClientConfig, Credentials, Region};
use ots_core::error::Error;
use ots_core::wire::{CharacterSets, CreateOptions};
use wasm_bindgen::JsValue;
use zeroize::Zeroizing;

/// Why an argument was refused: a typed error, or a getter that threw (carried as `cause`).
pub enum Bad {
  Input(Error),
  Threw(String, JsValue),
}

impl From<Error> for Bad {
  fn from(e: Error) -> Self {
    Bad::Input(e)
  }
}

pub type Res<T> = std::result::Result<T, Bad>;

pub fn invalid(option: &str, expected: &str, got: &str) -> Error {
  Error::input(format!("{option}: expected {expected}, got {got}"))
}

/// `typeof`, with null and arrays told apart.
pub fn type_name(v: &JsValue) -> &'static str {
  if v.is_undefined() {
    "undefined"
  } else if v.is_null() {
    "null"
  } else if v.is_string() {
    "string"
  } else if v.as_f64().is_some() {
    "number"
  } else if v.as_bool().is_some() {
    "boolean"
  } else if v.is_function() {
    "function"
  } else if v.is_symbol() {
    "symbol"
  } else if v.is_bigint() {
    "bigint"
  } else if Array::is_array(v) {
    "array"
  } else {
    "object"
  }
}

fn js_number(n: f64) -> String {
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

/// What a number option accepts.
struct Range {
  min: f64,
  min_inclusive: bool,
  max: f64,
  whole: bool,
  expected: &'static str,
}

const TIMEOUT: Range = Range {
  min: 0.0,
  min_inclusive: false,
  max: 2_147_483_647.0,
  whole: false,
  expected: "a number of milliseconds > 0",
};
const DELAY: Range = Range {
  min: 0.0,
  min_inclusive: true,
  max: 2_147_483_647.0,
  whole: false,
  expected: "a number of milliseconds >= 0",
};
const RETRIES: Range = Range {
  min: 0.0,
  min_inclusive: true,
  max: 10.0,
  whole: true,
  expected: "an integer from 0 to 10",
};
const TTL: Range = Range {
  min: 0.0,
  min_inclusive: false,
  max: 315_360_000.0,
  whole: true,
  expected: "an integer number of seconds > 0",
};
const LENGTH: Range = Range {
  min: 1.0,
  min_inclusive: true,
  max: 1024.0,
  whole: true,
  expected: "an integer from 1 to 1024",
};
const BYTES: Range = Range {
  min: 0.0,
  min_inclusive: false,
  max: 1024.0 * 1024.0 * 1024.0,
  whole: true,
  expected: "an integer number of bytes > 0",
};

impl Range {
  fn check(&self, label: &str, n: f64) -> std::result::Result<(), Error> {
    let low = if self.min_inclusive {
      n >= self.min
    } else {
      n > self.min
    };
    if !low || n.is_nan() || (self.whole && n.fract() != 0.0) {
      return Err(invalid(label, self.expected, &js_number(n)));
    }
    if n > self.max {
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

/// An options object being read: `undefined` or `null` is an empty one.
pub struct Bag {
  name: &'static str,
  obj: Option<Object>,
}

impl Bag {
  pub fn new(v: &JsValue, name: &'static str) -> Res<Self> {
    match type_name(v) {
      "undefined" | "null" => Ok(Bag { name, obj: None }),
      "object" => Ok(Bag {
        name,
        obj: Some(Object::from(v.clone())),
      }),
      t => Err(invalid(name, "an object", t).into()),
    }
  }

  fn label(&self, field: &str) -> String {
    match self.name {
      "options" => field.to_owned(),
      outer => format!("{outer}.{field}"),
    }
  }

  fn get(&self, field: &str) -> Res<Option<(JsValue, &'static str)>> {
    let Some(obj) = &self.obj else {
      return Ok(None);
    };
    let v = Reflect::get(obj, &JsValue::from_str(field))
      .map_err(|thrown| Bad::Threw(self.label(field), thrown))?;
    Ok(match type_name(&v) {
      "undefined" | "null" => None,
      t => Some((v, t)),
    })
  }

  /// Whether the caller gave this option at all (for options refused in this build).
  pub fn has(&self, field: &str) -> Res<bool> {
    Ok(self.get(field)?.is_some())
  }

  pub fn string(&self, field: &str) -> Res<Option<String>> {
    match self.get(field)? {
      None => Ok(None),
      Some((v, "string")) => Ok(v.as_string()),
      Some((_, t)) => Err(invalid(&self.label(field), "a string", t).into()),
    }
  }

  pub fn secret(&self, field: &str) -> Res<Option<Zeroizing<String>>> {
    Ok(self.string(field)?.map(Zeroizing::new))
  }

  pub fn boolean(&self, field: &str) -> Res<Option<bool>> {
    match self.get(field)? {
      None => Ok(None),
      Some((v, "boolean")) => Ok(v.as_bool()),
      Some((_, t)) => Err(invalid(&self.label(field), "a boolean", t).into()),
    }
  }

  fn number(&self, field: &str, range: &Range) -> Res<Option<f64>> {
    match self.get(field)? {
      None => Ok(None),
      Some((v, "number")) => {
        let n = v.as_f64().unwrap_or(f64::NAN);
        range.check(&self.label(field), n)?;
        Ok(Some(n))
      }
      Some((_, t)) => Err(invalid(&self.label(field), range.expected, t).into()),
    }
  }

  fn millis(&self, field: &str, range: &Range) -> Res<Option<Duration>> {
    Ok(
      self
        .number(field, range)?
        .map(|ms| Duration::from_micros((ms * 1000.0) as u64)),
    )
  }

  fn integer(&self, field: &str, range: &Range) -> Res<Option<u64>> {
    Ok(self.number(field, range)?.map(|n| n as u64))
  }

  fn nested(&self, field: &'static str) -> Res<Option<Bag>> {
    match self.get(field)? {
      None => Ok(None),
      Some((v, _)) => Bag::new(&v, field).map(Some),
    }
  }
}

/// `username` and `password`: both strings, or both null (`OneTimeSecretApi.anonymous()`).
pub fn credentials(username: &JsValue, password: &JsValue) -> Res<Option<Credentials>> {
  match (type_name(username), type_name(password)) {
    ("null", "null") => Ok(None),
    ("string", "string") => {
      let user = username.as_string().unwrap_or_default();
      let token = Zeroizing::new(password.as_string().unwrap_or_default());
      if user.is_empty() || token.is_empty() {
        return Err(Error::input("No username or password provided").into());
      }
      if user.contains(':') || user.chars().chain(token.chars()).any(char::is_control) {
        return Err(
          Error::input(
            "Invalid username or password: no ':' in the username and no control characters",
          )
          .into(),
        );
      }
      Ok(Some(Credentials {
        username: user,
        token,
      }))
    }
    _ => Err(Error::input("No username or password provided: both must be strings").into()),
  }
}

/// The constructor's options. `proxy`, `ca` and `connectTimeout` are read as the addon reads them
/// and then refused by the core (the host's fetch connects and does TLS).
pub fn config(credentials: Option<Credentials>, v: &JsValue) -> Res<ClientConfig> {
  let mut cfg = ClientConfig {
    credentials,
    ..ClientConfig::default()
  };
  let b = Bag::new(v, "options")?;
  cfg.base_url = match (b.string("url")?, b.string("region")?) {
    (Some(_), Some(_)) => return Err(Error::input("Give either url or region, not both").into()),
    (Some(u), None) => normalise_base_url(&u)?,
    (None, Some(r)) => Region::parse(&r)?.url().to_owned(),
    (None, None) => cfg.base_url,
  };
  if let Some(v) = b.string("apiVersion")? {
    cfg.api_version = ApiVersion::parse(&v)?;
  }
  cfg.timeout = b.millis("timeout", &TIMEOUT)?.unwrap_or(cfg.timeout);
  cfg.connect_timeout = b.millis("connectTimeout", &TIMEOUT)?;
  if let Some(n) = b.integer("retries", &RETRIES)? {
    cfg.retry.max_retries = n as u32;
  }
  if let Some(d) = b.millis("retryDelay", &DELAY)? {
    cfg.retry.base_delay = d;
  }
  if let Some(d) = b.millis("maxRetryDelay", &DELAY)? {
    cfg.retry.max_delay = d;
  }
  if b.has("ca")? {
    // Any value: the core names the option and why it cannot be honoured here.
    cfg.ca = vec![Vec::new()];
  }
  if b.has("proxy")? {
    cfg.proxy = Some(String::new());
  }
  cfg.share_domain = b.string("shareDomain")?;
  cfg.include_raw = b.boolean("raw")?.unwrap_or(false);
  if let Some(n) = b.integer("maxResponseBytes", &BYTES)? {
    cfg.max_response_bytes = n as usize;
  }
  Ok(cfg)
}

/// The secret to share (2.1.1: `No secret provided` when missing or empty).
pub fn secret(v: &JsValue) -> Res<Zeroizing<String>> {
  match type_name(v) {
    "undefined" | "null" => Err(Error::input("No secret provided").into()),
    "string" => {
      let s = Zeroizing::new(v.as_string().unwrap_or_default());
      if s.is_empty() {
        Err(Error::input("No secret provided").into())
      } else {
        Ok(s)
      }
    }
    t => Err(invalid("secret", "a string", t).into()),
  }
}

/// A secret or metadata key, checked before it can go into a URL.
pub fn key(v: &JsValue) -> Res<String> {
  match type_name(v) {
    "string" => {
      let k = v.as_string().unwrap_or_default();
      ots_core::key::validate_key(Some(&k), &k)?;
      Ok(k)
    }
    "undefined" => Err(ots_core::key::invalid_key("undefined").into()),
    "null" => Err(ots_core::key::invalid_key("null").into()),
    t => Err(ots_core::key::invalid_key(&format!("[{t}]")).into()),
  }
}

/// A key or a whole link (its `#fragment` may hold an end-to-end key: wiped).
pub fn link_or_key(v: &JsValue) -> Res<Zeroizing<String>> {
  match type_name(v) {
    "string" => {
      let s = Zeroizing::new(v.as_string().unwrap_or_default());
      ots_core::e2e::calls::split_link_or_key(&s, None)?;
      Ok(s)
    }
    "undefined" => Err(ots_core::key::invalid_key("undefined").into()),
    "null" => Err(ots_core::key::invalid_key("null").into()),
    t => Err(ots_core::key::invalid_key(&format!("[{t}]")).into()),
  }
}

/// A string argument of `decrypt`, wiped when dropped, never quoted.
pub fn text(v: &JsValue, name: &str) -> Res<Zeroizing<String>> {
  match type_name(v) {
    "string" => Ok(Zeroizing::new(v.as_string().unwrap_or_default())),
    t => Err(invalid(name, "a string", t).into()),
  }
}

/// `{ timeout }` of every call, as the core's per-call options (the JS skin handles `signal`).
pub fn call_options(b: &Bag) -> Res<ots_core::CallOptions> {
  Ok(ots_core::CallOptions {
    timeout: b.millis("timeout", &TIMEOUT)?,
    cancel: None,
    deadline: None,
  })
}

/// `{ passphrase, timeout }` of `retrieveSecret` and `burn`.
pub fn secret_options(v: &JsValue) -> Res<(Option<Zeroizing<String>>, ots_core::CallOptions)> {
  let b = Bag::new(v, "options")?;
  let passphrase = b.secret("passphrase")?;
  Ok((passphrase, call_options(&b)?))
}

/// The options of `share` and `generate`: the core's create options, the call's, and `encrypt`.
pub fn create_options(v: &JsValue) -> Res<(CreateOptions, ots_core::CallOptions, bool)> {
  let b = Bag::new(v, "options")?;
  let character_sets = match b.nested("characterSets")? {
    None => None,
    Some(s) => Some(CharacterSets {
      uppercase: s.boolean("uppercase")?,
      lowercase: s.boolean("lowercase")?,
      numbers: s.boolean("numbers")?,
      symbols: s.boolean("symbols")?,
      exclude_ambiguous: s.boolean("excludeAmbiguous")?,
    }),
  };
  let create = CreateOptions {
    passphrase: b.secret("passphrase")?,
    ttl: b.integer("ttl", &TTL)?,
    recipient: b.string("recipient")?,
    share_domain: b.string("shareDomain")?,
    length: b.integer("length", &LENGTH)?.map(|l| l as u32),
    character_sets,
  };
  let call = call_options(&b)?;
  let encrypt = b.boolean("encrypt")? == Some(true);
  Ok((create, call, encrypt))
}
