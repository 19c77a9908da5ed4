//! Reading the shapes around answers leniently: a nested object or a list that is something else
//! reads as absent, numbers may come as strings or fractions. (A named field of a model follows
//! the one rule of `answers/read.rs`.)

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A number, or a string holding one, as a whole number (fractions are floored); else `None`.
pub(crate) fn whole_number(v: &Value) -> Option<i64> {
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
pub(crate) struct Obj<T>(pub Option<T>);

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
pub(crate) struct Objs<T>(pub Option<Vec<T>>);

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
pub(crate) fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
  d: D,
) -> Result<Option<T>, D::Error> {
  T::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::answers::Receipt;
  use serde_json::json;

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
