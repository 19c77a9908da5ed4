//! Lists of records (`recent`): matched by id, ordered by rule.

use serde_json::Value;

use super::json_prefix::Partial;
use super::mapping::{is_id, Ctx};

/// How a list's records are compared one by one (`compare.rs` passes its own comparison).
pub(super) type Element = fn(&mut Ctx, &Partial, &Value, &str);

/// The id of a listed record (`metadata_key` / `identifier`).
pub(super) fn record_id(v: &Value) -> Option<&str> {
  v.get("metadata_key")
    .or_else(|| v.get("identifier"))
    .and_then(Value::as_str)
}

/// A list without the records the recording's server held before the transcript started.
pub(super) fn known_records(cx: &Ctx, list: &[Value]) -> Vec<Value> {
  list
    .iter()
    .filter(|v| record_id(v).is_none_or(|id| !is_id(id) || cx.map.get(id).is_some()))
    .cloned()
    .collect()
}

/// A list of records with ids (`recent`): each live record is compared with the recorded one of
/// the same id, and the live order must follow the recorded order's rule. The real servers sort
/// by creation time, and records created in the same second by id; a replay creates in one second
/// what the recording spread over several, so the rule, not the sequence, is what can be compared.
/// Returns false when `rec` is not such a list.
pub(super) fn records(
  cx: &mut Ctx,
  rec: &[&Partial],
  live: &[Value],
  path: &str,
  complete: bool,
  element: Element,
) -> bool {
  // What each recorded record shows whole (a cut one: its complete members).
  let shown: Vec<Value> = rec.iter().map(|p| shown(p)).collect();
  let ids: Option<Vec<String>> = shown
    .iter()
    .map(|v| {
      record_id(v)
        .and_then(|id| cx.map.get(id))
        .map(str::to_string)
    })
    .collect();
  let Some(ids) = ids.filter(|ids| !ids.is_empty()) else {
    return false;
  };
  let live_ids: Vec<&str> = live.iter().filter_map(record_id).collect();
  let mut sorted_rec = ids.clone();
  let mut sorted_live: Vec<String> = live_ids.iter().map(|s| s.to_string()).collect();
  sorted_rec.sort();
  sorted_live.sort();
  let listed = if complete {
    sorted_rec == sorted_live
  } else {
    sorted_rec.iter().all(|id| sorted_live.contains(id))
  };
  if !listed {
    cx.errs.push(format!(
      "{path}: records {ids:?} recorded (live ids), {live_ids:?} live"
    ));
    return true;
  }
  for (i, r) in rec.iter().enumerate() {
    if let Some(l) = live.iter().find(|l| record_id(l) == Some(ids[i].as_str())) {
      element(cx, r, l, &format!("{path}[{i}]"));
    }
  }
  let rec_order = order(&shown);
  let live_order = order(live);
  // A recorded direction that holds for every pair must hold live too.
  let agree = |r: Option<Option<bool>>, l: Option<Option<bool>>| match (r, l) {
    (Some(Some(r)), Some(l)) => l == Some(r),
    _ => true,
  };
  if !agree(rec_order.0, live_order.0) || !agree(rec_order.1, live_order.1) {
    cx.errs.push(format!(
      "{path}: order (by time ascending?, then by id ascending?) {rec_order:?} recorded, {live_order:?} live"
    ));
  }
  true
}

/// The complete part of a possibly cut value.
pub(super) fn shown(p: &Partial) -> Value {
  match p {
    Partial::Done(v) => v.clone(),
    Partial::Obj(members) => Value::Object(
      members
        .iter()
        .filter_map(|(k, v)| match v {
          Partial::Done(v) => Some((k.clone(), v.clone())),
          _ => None,
        })
        .collect(),
    ),
    _ => Value::Null,
  }
}

/// Creation time of a listed record (the order's first key).
pub(super) fn created(v: &Value) -> f64 {
  match v.get("created") {
    Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
    Some(Value::String(s)) => s.parse().unwrap_or(0.0),
    _ => 0.0,
  }
}

/// How a list is sorted: (by creation time ascending?, records of the same time by id
/// ascending?). `None`: no pair shows it; `Some(None)`: pairs disagree.
pub(super) type Order = (Option<Option<bool>>, Option<Option<bool>>);

pub(super) fn order(list: &[Value]) -> Order {
  let mut by_time: Option<Option<bool>> = None;
  let mut by_id: Option<Option<bool>> = None;
  let (mut time_pairs, mut id_pairs) = (0, 0);
  let note = |slot: &mut Option<Option<bool>>, asc: bool| {
    *slot = match *slot {
      None => Some(Some(asc)),
      Some(Some(prev)) if prev == asc => Some(Some(asc)),
      _ => Some(None),
    };
  };
  for w in list.windows(2) {
    let (t0, t1) = (created(&w[0]), created(&w[1]));
    if t0 != t1 {
      time_pairs += 1;
      note(&mut by_time, t0 < t1);
    } else {
      id_pairs += 1;
      note(&mut by_id, record_id(&w[0]) < record_id(&w[1]));
    }
  }
  // One pair in agreement by chance is a coin toss: a rule needs two.
  let shown = |slot: Option<Option<bool>>, pairs: usize| match slot {
    Some(Some(_)) if pairs < 2 => None,
    other => other,
  };
  (shown(by_time, time_pairs), shown(by_id, id_pairs))
}
