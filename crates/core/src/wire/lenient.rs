//! Reading servers' answers leniently, straight into the typed models: numbers may come as strings
//! (v0.22's v2 answers, the v0.10 docs), a field of another type than expected is kept as sent (in
//! the model's `extra`) rather than failing the answer, and a nested object that is something else
//! reads as absent. Hand-written visitors, not `#[serde(flatten)]`, which would buffer every field
//! through serde's intermediate content first.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use zeroize::Zeroizing;

use crate::answers::{BurnResult, Extra, Receipt, RevealedSecret};

/// A field's value as the expected type, or as sent when it is something else.
pub type Sent<T> = std::result::Result<T, Value>;

pub fn text(v: Value) -> Sent<String> {
  match v {
    Value::String(s) => Ok(s),
    v => Err(v),
  }
}

pub fn secret(v: Value) -> Sent<Zeroizing<String>> {
  text(v).map(Zeroizing::new)
}

pub fn flag(v: Value) -> Sent<bool> {
  match v {
    Value::Bool(b) => Ok(b),
    v => Err(v),
  }
}

/// A number, or a string holding one (an integer, else a finite float); anything else as sent.
pub fn number(v: Value) -> Sent<Number> {
  match v {
    Value::Number(n) => Ok(n),
    Value::String(s) => match s.parse::<i64>() {
      Ok(i) => Ok(i.into()),
      Err(_) => s
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .ok_or(Value::String(s)),
    },
    v => Err(v),
  }
}

/// A list of strings; a list with anything else in it is kept as sent.
pub fn strings(v: Value) -> Sent<Vec<String>> {
  match v {
    Value::Array(items) if items.iter().all(Value::is_string) => Ok(
      items
        .into_iter()
        .filter_map(|i| match i {
          Value::String(s) => Some(s),
          _ => None,
        })
        .collect(),
    ),
    v => Err(v),
  }
}

/// A number, or a string holding one, as a whole number (fractions are floored); else `None`.
pub fn whole_number(v: &Value) -> Option<i64> {
  let f = match v {
    Value::Number(n) => match n.as_i64() {
      Some(i) => return Some(i),
      None => n.as_f64()?,
    },
    Value::String(s) => match s.trim().parse::<i64>() {
      Ok(i) => return Some(i),
      Err(_) => s.trim().parse::<f64>().ok()?,
    },
    _ => return None,
  };
  f.is_finite().then(|| f.floor() as i64)
}

/// Sets a named field from what was sent: the typed value into `slot`, anything else into `extra`
/// under the field's name. A repeated key counts once, the last one (as a JSON object reads).
pub fn put<T>(slot: &mut Option<T>, extra: &mut Extra, field: &str, sent: Sent<T>) {
  match sent {
    Ok(v) => {
      *slot = Some(v);
      if !extra.is_empty() {
        extra.0.shift_remove(field);
      }
    }
    Err(v) => {
      *slot = None;
      extra.insert(field, v);
    }
  }
}

/// An object key, borrowed from the answer when it has no escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
      type Value = Name<'de>;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
      }
      fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Borrowed(s)))
      }
      fn visit_str<E>(self, s: &str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(s.to_owned())))
      }
      fn visit_string<E>(self, s: String) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(s)))
      }
    }
    d.deserialize_str(V)
  }
}

/// The visits of a lenient visitor for scalars: each reads as `$none`.
macro_rules! absent {
  ($none:expr) => {
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
      Ok($none)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
      Ok($none)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
      Ok($none)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
      Ok($none)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
      Ok($none)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
      Ok($none)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
      Ok($none)
    }
  };
}

/// An object read as `T`; anything else (null, a string, a list, ...) reads as `None`.
pub struct Obj<T>(pub Option<T>);

impl<T> Default for Obj<T> {
  fn default() -> Self {
    Obj(None)
  }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
      type Value = Obj<T>;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
      }
      fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|t| Obj(Some(t)))
      }
      fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Obj<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Obj(None))
      }
      absent!(Obj(None));
    }
    d.deserialize_any(V(PhantomData))
  }
}

/// A list of objects read as `T`s (items that are not objects left out); anything else as `None`.
pub struct Objs<T>(pub Option<Vec<T>>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Objs<T> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
      type Value = Objs<T>;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
      }
      fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Objs<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(Obj(item)) = seq.next_element::<Obj<T>>()? {
          items.extend(item);
        }
        Ok(Objs(Some(items)))
      }
      fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Objs<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Objs(None))
      }
      absent!(Objs(None));
    }
    d.deserialize_any(V(PhantomData))
  }
}

/// A field that is present, even as JSON `null` (which `Option` would read as absent): with
/// `#[serde(default, deserialize_with = "some")]`, `None` only when the field is absent.
pub fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
  T::deserialize(d).map(Some)
}

/// API v1's receipt hash: the named fields typed (numbers leniently), everything else as sent.
impl<'de> Deserialize<'de> for Receipt {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
      type Value = Receipt;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a receipt object")
      }
      fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Receipt, A::Error> {
        let mut r = Receipt::default();
        while let Some(Name(name)) = map.next_key::<Name>()? {
          let v: Value = map.next_value()?;
          let x = &mut r.extra;
          match name.as_ref() {
            "share_link" => put(&mut r.share_link, x, &name, text(v)),
            "custid" => put(&mut r.custid, x, &name, text(v)),
            "metadata_key" => put(&mut r.metadata_key, x, &name, text(v)),
            "secret_key" => put(&mut r.secret_key, x, &name, text(v)),
            "ttl" => put(&mut r.ttl, x, &name, number(v)),
            "metadata_ttl" => put(&mut r.metadata_ttl, x, &name, number(v)),
            "secret_ttl" => put(&mut r.secret_ttl, x, &name, number(v)),
            "state" => put(&mut r.state, x, &name, text(v)),
            "updated" => put(&mut r.updated, x, &name, number(v)),
            "created" => put(&mut r.created, x, &name, number(v)),
            "received" => put(&mut r.received, x, &name, number(v)),
            "recipient" => put(&mut r.recipient, x, &name, strings(v)),
            "share_domain" => put(&mut r.share_domain, x, &name, text(v)),
            "passphrase_required" => put(&mut r.passphrase_required, x, &name, flag(v)),
            "value" => put(&mut r.value, x, &name, secret(v)),
            "raw_state" => put(&mut r.raw_state, x, &name, text(v)),
            // Numbers too, when a server sends them (the v0.10 docs), though the model does not name them.
            "receipt_ttl" | "burned" => {
              x.insert(&name, number(v).map_or_else(|v| v, Value::Number))
            }
            _ => x.insert(&name, v),
          }
        }
        Ok(r)
      }
    }
    d.deserialize_map(V)
  }
}

/// API v1's answer to a reveal: `value` and `secret_key`, everything else as sent.
impl<'de> Deserialize<'de> for RevealedSecret {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
      type Value = RevealedSecret;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a secret object")
      }
      fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RevealedSecret, A::Error> {
        let mut r = RevealedSecret::default();
        while let Some(Name(name)) = map.next_key::<Name>()? {
          let v: Value = map.next_value()?;
          let x = &mut r.extra;
          match name.as_ref() {
            "value" => put(&mut r.value, x, &name, secret(v)),
            "secret_key" => put(&mut r.secret_key, x, &name, text(v)),
            _ => x.insert(&name, v),
          }
        }
        Ok(r)
      }
    }
    d.deserialize_map(V)
  }
}

/// API v1's answer to a burn: the receipt under `state`, `secret_shortkey`, everything else as sent.
impl<'de> Deserialize<'de> for BurnResult {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
      type Value = BurnResult;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a burn object")
      }
      fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BurnResult, A::Error> {
        let mut r = BurnResult::default();
        while let Some(Name(name)) = map.next_key::<Name>()? {
          let x = &mut r.extra;
          match name.as_ref() {
            "state" => {
              let v: Value = map.next_value()?;
              let sent = match v {
                Value::Object(_) => Receipt::deserialize(v).map_err(serde::de::Error::custom)?,
                v => {
                  put(&mut r.state, x, &name, Err(v));
                  continue;
                }
              };
              put(&mut r.state, x, &name, Ok(sent));
            }
            "secret_shortkey" => {
              let v: Value = map.next_value()?;
              put(&mut r.secret_shortkey, x, &name, text(v));
            }
            _ => x.insert(&name, map.next_value()?),
          }
        }
        Ok(r)
      }
    }
    d.deserialize_map(V)
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  #[test]
  fn numbers_as_strings_become_numbers() {
    assert_eq!(number(json!("3600")), Ok(3600.into()));
    assert!(number(json!("1795714792.69139")).unwrap().is_f64());
    assert_eq!(number(json!("abc")), Err(json!("abc")));
    assert_eq!(number(json!(null)), Err(json!(null)));
  }

  #[test]
  fn fields_of_another_type_are_kept_as_sent() {
    let r: Receipt = serde_json::from_value(json!({
      "ttl": "abc", "recipient": ["a", 1], "custid": "c", "other": {"x": 1}, "burned": "12"
    }))
    .unwrap();
    assert_eq!((r.ttl.as_ref(), r.recipient.as_ref()), (None, None));
    assert_eq!(r.custid.as_deref(), Some("c"));
    let extra = serde_json::to_value(&r.extra).unwrap();
    assert_eq!(
      extra,
      json!({"ttl": "abc", "recipient": ["a", 1], "other": {"x": 1}, "burned": 12})
    );
  }

  #[test]
  fn objects_and_lists_leniently() {
    let o: Obj<Receipt> = serde_json::from_str("[1]").unwrap();
    assert!(o.0.is_none());
    let l: Objs<Receipt> = serde_json::from_str(r#"[{"custid":"a"}, 3, null]"#).unwrap();
    assert_eq!(l.0.map(|l| l.len()), Some(1));
  }
}
