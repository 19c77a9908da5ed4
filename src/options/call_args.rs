//! What the calls take: the secret, a key or link, and each call's options object.

use std::time::Duration;

use napi_derive::napi;
use ots_core::error::Error;
use ots_core::wire::{CharacterSets as CoreCharacterSets, CreateOptions};
use zeroize::Zeroizing;

use super::read::{from_js, invalid, type_name, Bad};
use super::table as t;
use super::Bag;

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
    ots_core::e2e::calls::split_link_or_key(&s, None)?;
    Ok(LinkOrKey(s))
  }
  "undefined" => Err(ots_core::key::invalid_key("undefined").into()),
  "null" => Err(ots_core::key::invalid_key("null").into()),
  t => Err(ots_core::key::invalid_key(&format!("[{t}]")).into()),
});

/// `{ timeout }` of every call but those below (`table::CALL`; the JS skin handles `signal`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CallOptions {
  /// Milliseconds for this call, instead of the client's `timeout`.
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
}

impl CallOptions {
  /// The core's per-call options, with the call's cancel token.
  pub fn to_core(
    this: Option<&Self>,
    cancel: Option<&crate::cancel::CancelToken>,
  ) -> ots_core::CallOptions {
    call(this.and_then(|o| o.timeout), cancel)
  }
}

fn call(
  timeout: Option<Duration>,
  cancel: Option<&crate::cancel::CancelToken>,
) -> ots_core::CallOptions {
  ots_core::CallOptions {
    timeout,
    cancel: cancel.map(|c| c.token.clone()),
    // The core fixes the call's deadline when the call starts.
    deadline: None,
  }
}

from_js!(CallOptions, |v| {
  let b = Bag::new(v, "options", t::CALL)?;
  Ok(CallOptions {
    timeout: b.millis(&t::CALL_TIMEOUT)?,
  })
});

/// `{ passphrase, timeout }` of `burn` (`table::BURN`).
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
      None => (None, call(None, cancel)),
      Some(o) => (o.passphrase, call(o.timeout, cancel)),
    }
  }
}

from_js!(SecretOptions, |v| {
  let b = Bag::new(v, "options", t::BURN)?;
  Ok(SecretOptions {
    passphrase: b.secret(&t::PASSPHRASE)?,
    timeout: b.millis(&t::CALL_TIMEOUT)?,
  })
});

/// `{ passphrase, key, timeout }` of `retrieveSecret` (`table::RETRIEVE_SECRET`): `key` is an
/// end-to-end decryption key given apart from the link (wiped when dropped, never quoted).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RevealOptions {
  #[napi(ts_type = "string")]
  pub passphrase: Option<Zeroizing<String>>,
  #[napi(ts_type = "string")]
  pub key: Option<Zeroizing<String>>,
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
}

impl RevealOptions {
  /// The passphrase, the decryption key and the core's per-call options.
  pub fn split(
    this: Option<Self>,
    cancel: Option<&crate::cancel::CancelToken>,
  ) -> (
    Option<Zeroizing<String>>,
    Option<Zeroizing<String>>,
    ots_core::CallOptions,
  ) {
    match this {
      None => (None, None, call(None, cancel)),
      Some(o) => (o.passphrase, o.key, call(o.timeout, cancel)),
    }
  }
}

from_js!(RevealOptions, |v| {
  let b = Bag::new(v, "options", t::RETRIEVE_SECRET)?;
  Ok(RevealOptions {
    passphrase: b.secret(&t::PASSPHRASE)?,
    key: b.secret(&t::DECRYPTION_KEY)?,
    timeout: b.millis(&t::CALL_TIMEOUT)?,
  })
});

/// The options of `share` (`table::SHARE`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ShareArgs {
  #[napi(ts_type = "string")]
  pub passphrase: Option<Zeroizing<String>>,
  /// Seconds.
  #[napi(ts_type = "number")]
  pub ttl: Option<u64>,
  pub recipient: Option<String>,
  pub share_domain: Option<String>,
  #[napi(ts_type = "number")]
  pub timeout: Option<Duration>,
  /// End-to-end encryption (docs/E2E.md).
  pub encrypt: Option<bool>,
}

/// The options of `generate` (`table::GENERATE`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct GenerateArgs {
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
  /// Refused when `true`: the server makes the value, so it sees it.
  pub encrypt: Option<bool>,
}

from_js!(ShareArgs, |v| {
  let b = Bag::new(v, "options", t::SHARE)?;
  Ok(ShareArgs {
    passphrase: b.secret(&t::PASSPHRASE)?,
    ttl: b.integer(&t::TTL)?,
    recipient: b.string(&t::RECIPIENT)?,
    share_domain: b.string(&t::CALL_SHARE_DOMAIN)?,
    timeout: b.millis(&t::CALL_TIMEOUT)?,
    encrypt: b.boolean(&t::ENCRYPT)?,
  })
});

from_js!(GenerateArgs, |v| {
  let b = Bag::new(v, "options", t::GENERATE)?;
  let character_sets = match b.nested(&t::CHARACTER_SETS)? {
    None => None,
    Some(s) => Some(CoreCharacterSets {
      uppercase: s.boolean(&t::UPPERCASE)?,
      lowercase: s.boolean(&t::LOWERCASE)?,
      numbers: s.boolean(&t::NUMBERS)?,
      symbols: s.boolean(&t::SYMBOLS)?,
      exclude_ambiguous: s.boolean(&t::EXCLUDE_AMBIGUOUS)?,
    }),
  };
  Ok(GenerateArgs {
    passphrase: b.secret(&t::PASSPHRASE)?,
    ttl: b.integer(&t::TTL)?,
    recipient: b.string(&t::RECIPIENT)?,
    share_domain: b.string(&t::CALL_SHARE_DOMAIN)?,
    length: b.integer(&t::LENGTH_OPT)?,
    character_sets,
    timeout: b.millis(&t::CALL_TIMEOUT)?,
    encrypt: b.boolean(&t::ENCRYPT)?,
  })
});

impl ShareArgs {
  /// The core's create options and the per-call options.
  pub fn split(
    this: Option<Self>,
    cancel: Option<&crate::cancel::CancelToken>,
  ) -> (CreateOptions, ots_core::CallOptions) {
    let Some(a) = this else {
      return (CreateOptions::default(), call(None, cancel));
    };
    let create = CreateOptions {
      passphrase: a.passphrase,
      ttl: a.ttl,
      recipient: a.recipient,
      share_domain: a.share_domain,
      ..CreateOptions::default()
    };
    (create, call(a.timeout, cancel))
  }
}

impl GenerateArgs {
  /// The core's create options and the per-call options.
  pub fn split(
    this: Option<Self>,
    cancel: Option<&crate::cancel::CancelToken>,
  ) -> (CreateOptions, ots_core::CallOptions) {
    let Some(a) = this else {
      return (CreateOptions::default(), call(None, cancel));
    };
    let create = CreateOptions {
      passphrase: a.passphrase,
      ttl: a.ttl,
      recipient: a.recipient,
      share_domain: a.share_domain,
      length: a.length.map(|l| l as u32),
      character_sets: a.character_sets,
    };
    (create, call(a.timeout, cancel))
  }
}
