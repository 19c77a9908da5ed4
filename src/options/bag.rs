//! An options object read field by field, each field checked by type (and range) as it is read.

use std::time::Duration;

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Unknown};
use ots_core::error::Error;
use zeroize::Zeroizing;

use super::read::{invalid, is_nullish, shown, type_name, Bad, Res};
use super::Range;

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
  pub(super) fn get(&self, field: &str) -> Res<Option<(Unknown<'a>, &'static str)>> {
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
