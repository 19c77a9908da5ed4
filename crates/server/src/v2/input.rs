//! What v2 requests send: fields nested under `secret` (JSON or form), a reveal's or burn's
//! `passphrase` and `continue`.

use serde_json::Value;
use zeroize::Zeroizing;

use crate::app::Ctx;

/// A reveal's or burn's `passphrase` (empty counts as none) and `continue: true`.
pub(crate) fn passphrase_and_continue(ctx: &Ctx) -> (Option<Zeroizing<String>>, bool) {
  let given = ctx
    .top("passphrase")
    .filter(|p| !p.is_empty())
    .map(Zeroizing::new);
  (given, ctx.top("continue").as_deref() == Some("true"))
}

/// A JSON value under `secret` (`{"secret":{"character_sets":{..}}}`).
pub(crate) fn nested_json<'a>(ctx: &'a Ctx, name: &str) -> Option<&'a Value> {
  ctx.json.as_ref()?.get("secret")?.get(name)
}

/// `secret[recipient]`: one address or a list, JSON or form.
pub(crate) fn recipients(ctx: &Ctx) -> Vec<String> {
  if let Some(Value::Object(top)) = &ctx.json {
    if let Some(Value::Object(inner)) = top.get("secret") {
      match inner.get("recipient") {
        Some(Value::String(s)) if !s.is_empty() => return vec![s.clone()],
        Some(Value::Array(a)) => {
          return a
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
        }
        _ => {}
      }
    }
  }
  ctx
    .params
    .get_all("secret[recipient]")
    .chain(ctx.params.get_all("secret[recipient][]"))
    .filter(|s| !s.is_empty())
    .map(str::to_string)
    .collect()
}
