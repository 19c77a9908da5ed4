//! The arguments JS passes to the WebAssembly client, read from JS values by the same rules and
//! with the same messages as the addon's readers (src/options/): `<option>: expected <what>, got
//! <what was given>` (an `InputError`); nothing coerced; a secret, passphrase or key never quoted.
//! Every option is read through its entry in the one options table (`ots_core::options_table`, which
//! the addon reads by too), and an options object with an own enumerable property not in its
//! list is refused before any field is read (`encrpyt: unknown option; did you mean "encrypt"?`);
//! `__test__/wasm.test.mjs` compares the two builds' messages.

use std::time::Duration;

use js_sys::{Array, Object, Reflect};
use ots_core::config::{normalise_base_url, ApiVersion, ClientConfig, Credentials, Region};
use ots_core::error::Error;
use ots_core::options_table::{self as table, invalid, Opt};
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

/// An options object being read: `undefined` or `null` is an empty one.
pub struct Bag {
  name: &'static str,
  obj: Option<Object>,
}

impl Bag {
  /// `v` as an options object called `name` in messages, taking the options in `known`: anything
  /// but a plain object is refused, and so is an own enumerable property not in `known` (a misspelt
  /// option would otherwise silently mean its default), as the addon refuses them.
  pub fn new(v: &JsValue, name: &'static str, known: &[&Opt]) -> Res<Self> {
    match type_name(v) {
      "undefined" | "null" => Ok(Bag { name, obj: None }),
      "object" => {
        let obj = Object::from(v.clone());
        let threw = |thrown| Bad::Threw(name.to_owned(), thrown);
        // Own string keys (a Proxy's `ownKeys` trap may throw), the enumerable ones as `Object.keys`.
        let keys = Reflect::own_keys(&obj).map_err(threw)?;
        let mut given = Vec::new();
        for k in keys.iter() {
          if let Some(k) = k.as_string() {
            if obj.property_is_enumerable(&JsValue::from_str(&k)) {
              given.push(k);
            }
          }
        }
        table::only(name, given.iter().map(String::as_str), known)?;
        Ok(Bag {
          name,
          obj: Some(obj),
        })
      }
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
  pub fn has(&self, opt: &Opt) -> Res<bool> {
    Ok(self.get(opt.name)?.is_some())
  }

  pub fn string(&self, opt: &Opt) -> Res<Option<String>> {
    let field = opt.name;
    match self.get(field)? {
      None => Ok(None),
      Some((v, "string")) => Ok(v.as_string()),
      Some((_, t)) => Err(invalid(&self.label(field), "a string", t).into()),
    }
  }

  pub fn secret(&self, opt: &Opt) -> Res<Option<Zeroizing<String>>> {
    Ok(self.string(opt)?.map(Zeroizing::new))
  }

  pub fn boolean(&self, opt: &Opt) -> Res<Option<bool>> {
    let field = opt.name;
    match self.get(field)? {
      None => Ok(None),
      Some((v, "boolean")) => Ok(v.as_bool()),
      Some((_, t)) => Err(invalid(&self.label(field), "a boolean", t).into()),
    }
  }

  fn number(&self, opt: &Opt) -> Res<Option<f64>> {
    let field = opt.name;
    let Some(range) = opt.range() else {
      return Err(Error::input(format!("{field}: not a number option")).into());
    };
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

  fn millis(&self, opt: &Opt) -> Res<Option<Duration>> {
    Ok(
      self
        .number(opt)?
        .map(|ms| Duration::from_micros((ms * 1000.0) as u64)),
    )
  }

  fn integer(&self, opt: &Opt) -> Res<Option<u64>> {
    Ok(self.number(opt)?.map(|n| n as u64))
  }

  fn nested(&self, opt: &'static Opt) -> Res<Option<Bag>> {
    let table::Kind::Nested(known) = opt.kind else {
      return Err(Error::input(format!("{}: not an options object", opt.name)).into());
    };
    match self.get(opt.name)? {
      None => Ok(None),
      Some((v, _)) => Bag::new(&v, opt.name, known).map(Some),
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
  let b = Bag::new(v, "options", table::CLIENT)?;
  cfg.base_url = match (b.string(&table::URL)?, b.string(&table::REGION)?) {
    (Some(_), Some(_)) => return Err(Error::input("Give either url or region, not both").into()),
    (Some(u), None) => normalise_base_url(&u)?,
    (None, Some(r)) => Region::parse(&r)?.url().to_owned(),
    (None, None) => cfg.base_url,
  };
  if let Some(v) = b.string(&table::API_VERSION)? {
    cfg.api_version = ApiVersion::parse(&v)?;
  }
  cfg.timeout = b.millis(&table::TIMEOUT)?.unwrap_or(cfg.timeout);
  cfg.connect_timeout = b.millis(&table::CONNECT_TIMEOUT)?;
  if let Some(n) = b.integer(&table::RETRIES_OPT)? {
    cfg.retry.max_retries = n as u32;
  }
  if let Some(d) = b.millis(&table::RETRY_DELAY)? {
    cfg.retry.base_delay = d;
  }
  if let Some(d) = b.millis(&table::MAX_RETRY_DELAY)? {
    cfg.retry.max_delay = d;
  }
  if b.has(&table::CA)? {
    // Any value: the core names the option and why it cannot be honoured here.
    cfg.ca = vec![Vec::new()];
  }
  if b.has(&table::PROXY)? {
    cfg.proxy = Some(String::new());
  }
  cfg.share_domain = b.string(&table::SHARE_DOMAIN)?;
  cfg.include_raw = b.boolean(&table::RAW)?.unwrap_or(false);
  if let Some(n) = b.integer(&table::MAX_RESPONSE_BYTES)? {
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
    timeout: b.millis(&table::CALL_TIMEOUT)?,
    cancel: None,
    deadline: None,
  })
}

/// `{ passphrase, timeout }` of `retrieveSecret` and `burn`.
pub fn secret_options(
  v: &JsValue,
  known: &[&Opt],
) -> Res<(Option<Zeroizing<String>>, ots_core::CallOptions)> {
  let b = Bag::new(v, "options", known)?;
  let passphrase = b.secret(&table::PASSPHRASE)?;
  Ok((passphrase, call_options(&b)?))
}

/// The options of `share` and `generate`: the core's create options, the call's, and `encrypt`.
pub fn create_options(
  v: &JsValue,
  known: &[&Opt],
) -> Res<(CreateOptions, ots_core::CallOptions, bool)> {
  let b = Bag::new(v, "options", known)?;
  let character_sets = match b.nested(&table::CHARACTER_SETS)? {
    None => None,
    Some(s) => Some(CharacterSets {
      uppercase: s.boolean(&table::UPPERCASE)?,
      lowercase: s.boolean(&table::LOWERCASE)?,
      numbers: s.boolean(&table::NUMBERS)?,
      symbols: s.boolean(&table::SYMBOLS)?,
      exclude_ambiguous: s.boolean(&table::EXCLUDE_AMBIGUOUS)?,
    }),
  };
  let create = CreateOptions {
    passphrase: b.secret(&table::PASSPHRASE)?,
    ttl: b.integer(&table::TTL)?,
    recipient: b.string(&table::RECIPIENT)?,
    share_domain: b.string(&table::CALL_SHARE_DOMAIN)?,
    length: b.integer(&table::LENGTH_OPT)?.map(|l| l as u32),
    character_sets,
  };
  let call = call_options(&b)?;
  let encrypt = b.boolean(&table::ENCRYPT)? == Some(true);
  Ok((create, call, encrypt))
}
