//! An options object read field by field, each field described by its entry in the options table
//! (`table.rs`) and checked by type (and range) as it is read. An own property that is not in the
//! object's list is refused before any field is read.

use std::time::Duration;

use napi::bindgen_prelude::{
  FromNapiValue, JsObjectValue, KeyCollectionMode, KeyConversion, KeyFilter, Object, Unknown,
};
use napi::ValueType;
use zeroize::Zeroizing;

use super::read::{invalid, is_nullish, shown, type_name, Bad, Res};
use super::table::{only, Kind, Opt};

/// An options bag being read: `undefined` or `null` is an empty one.
pub struct Bag<'a> {
  name: &'static str,
  obj: Option<Object<'a>>,
}

impl<'a> Bag<'a> {
  /// `v` as an options bag called `name` in messages, taking the options in `known`; anything but
  /// a plain object is refused, and so is an object with an own enumerable property not in `known`
  /// (a misspelt option would otherwise silently mean its default). Inherited properties are not
  /// checked: they are read as any property is, as 2.1.1 read them.
  pub fn new(v: Unknown<'a>, name: &'static str, known: &[&Opt]) -> Res<Self> {
    if is_nullish(&v)? {
      return Ok(Bag { name, obj: None });
    }
    let t = type_name(&v).map_err(|_| Bad::Threw(name.into()))?;
    if t != "object" {
      return Err(invalid(name, "an object", t).into());
    }
    let bag = Bag {
      name,
      obj: Some(Object::from_unknown(v)?),
    };
    bag.only(known)?;
    Ok(bag)
  }

  fn only(&self, known: &[&Opt]) -> Res<()> {
    let Some(obj) = &self.obj else {
      return Ok(());
    };
    // Own enumerable string keys, as `Object.keys` has them (a Proxy's `ownKeys` trap may throw).
    let threw = |_| Bad::Threw(self.name.into());
    let keys = obj
      .get_all_property_names(
        KeyCollectionMode::OwnOnly,
        KeyFilter::Enumerable,
        KeyConversion::NumbersToStrings,
      )
      .map_err(threw)?;
    let mut keys_given = Vec::new();
    for i in 0..keys.get_array_length()? {
      let k: Unknown<'_> = keys.get_element(i).map_err(threw)?;
      if k.get_type()? != ValueType::String {
        continue;
      }
      keys_given.push(String::from_unknown(k)?);
    }
    only(self.name, keys_given.iter().map(String::as_str), known)?;
    Ok(())
  }

  /// The field's value and its type name, `None` when absent, `undefined` or `null`.
  pub(super) fn get(&self, opt: &Opt) -> Res<Option<(Unknown<'a>, &'static str)>> {
    let Some(obj) = &self.obj else {
      return Ok(None);
    };
    let threw = |_| Bad::Threw(self.label(opt.name));
    let v: Unknown<'a> = obj.get_named_property(opt.name).map_err(threw)?;
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

  pub fn string(&self, opt: &Opt) -> Res<Option<String>> {
    debug_assert!(matches!(opt.kind, Kind::Str | Kind::Secret), "{}", opt.name);
    let Some((v, t)) = self.get(opt)? else {
      return Ok(None);
    };
    match t {
      "string" => Ok(Some(String::from_unknown(v)?)),
      t => Err(invalid(&self.label(opt.name), "a string", t).into()),
    }
  }

  /// A string that may be a secret (a passphrase): wiped when dropped, never quoted.
  pub fn secret(&self, opt: &Opt) -> Res<Option<Zeroizing<String>>> {
    debug_assert!(matches!(opt.kind, Kind::Secret), "{}", opt.name);
    Ok(self.string(opt)?.map(Zeroizing::new))
  }

  /// One of `names`.
  pub fn choice(&self, opt: &Opt, names: &[&str]) -> Res<Option<String>> {
    let Some((v, t)) = self.get(opt)? else {
      return Ok(None);
    };
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let expected = format!("one of {}", quoted.join(", "));
    let got = match t {
      "string" => String::from_unknown(v)?,
      t => return Err(invalid(&self.label(opt.name), &expected, t).into()),
    };
    if names.contains(&got.as_str()) {
      return Ok(Some(got));
    }
    Err(invalid(&self.label(opt.name), &expected, &shown(&got)).into())
  }

  pub fn boolean(&self, opt: &Opt) -> Res<Option<bool>> {
    debug_assert!(matches!(opt.kind, Kind::Bool), "{}", opt.name);
    let Some((v, t)) = self.get(opt)? else {
      return Ok(None);
    };
    match t {
      "boolean" => Ok(Some(bool::from_unknown(v)?)),
      t => Err(invalid(&self.label(opt.name), "a boolean", t).into()),
    }
  }

  /// A number within the option's range.
  fn number(&self, opt: &Opt) -> Res<Option<f64>> {
    let Some(range) = opt.range() else {
      unreachable!("{} is not a number option", opt.name)
    };
    let Some((v, t)) = self.get(opt)? else {
      return Ok(None);
    };
    if t != "number" {
      return Err(invalid(&self.label(opt.name), range.expected, t).into());
    }
    let n = f64::from_unknown(v)?;
    range.check(&self.label(opt.name), n)?;
    Ok(Some(n))
  }

  /// Milliseconds: `timeout` and `connectTimeout` (> 0) or a retry delay (>= 0).
  pub fn millis(&self, opt: &Opt) -> Res<Option<Duration>> {
    debug_assert!(matches!(opt.kind, Kind::Millis(_)), "{}", opt.name);
    Ok(
      self
        .number(opt)?
        .map(|ms| Duration::from_micros((ms * 1000.0) as u64)),
    )
  }

  /// A whole number within the option's range (counts, seconds, bytes).
  pub fn integer(&self, opt: &Opt) -> Res<Option<u64>> {
    debug_assert!(matches!(opt.kind, Kind::Integer(_)), "{}", opt.name);
    Ok(self.number(opt)?.map(|n| n as u64))
  }

  pub fn nested(&self, opt: &'static Opt) -> Res<Option<Bag<'a>>> {
    let Kind::Nested(known) = opt.kind else {
      unreachable!("{} is not a nested option", opt.name)
    };
    match self.get(opt)? {
      None => Ok(None),
      Some((v, _)) => Bag::new(v, opt.name, known).map(Some),
    }
  }
}

#[cfg(test)]
pub(super) use ots_core::options_table::closest;
