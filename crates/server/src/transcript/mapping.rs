//! What a replay learns as it goes (recorded ids -> live ones) and what counts as an id.

/// Recorded ids and values -> live ones, learned as the replay goes.
#[derive(Default)]
pub struct Mapping {
  /// Receipts the recording's server held before the transcript started.
  pub prior: u64,
  pub(super) pairs: Vec<(String, String)>,
  /// Recorded ids seen in answers to `generate` requests.
  pub(super) generated: Vec<String>,
}

impl Mapping {
  /// The live form of a recorded text (request paths and bodies, links): every known recorded id
  /// replaced by its live counterpart.
  pub fn apply(&self, recorded: &str) -> String {
    let mut out = recorded.to_string();
    for (r, l) in &self.pairs {
      if out.contains(r.as_str()) {
        out = out.replace(r.as_str(), l);
      }
    }
    out
  }

  pub(super) fn get(&self, recorded: &str) -> Option<&str> {
    self
      .pairs
      .iter()
      .find(|(r, _)| r == recorded)
      .map(|(_, l)| l.as_str())
  }

  pub(super) fn learn(&mut self, recorded: &str, live: &str) {
    if self.get(recorded).is_none() {
      self.pairs.push((recorded.to_string(), live.to_string()));
      // Longest first, so that no id is replaced inside a longer one.
      self.pairs.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
    }
  }
}

/// One comparison in progress.
pub(super) struct Ctx<'a> {
  pub(super) map: &'a mut Mapping,
  /// This exchange's answer carries a generated password.
  pub(super) generated: bool,
  /// This exchange is a `generate` request (ids it shows belong to a generated secret).
  pub(super) generating: bool,
  pub(super) errs: Vec<String>,
}

pub(super) fn alphabet36(s: &str) -> bool {
  s.bytes()
    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// A random id: a key (36-alphabet, 20+ characters) or a UUID.
pub(super) fn is_id(s: &str) -> bool {
  (s.len() >= 20 && alphabet36(s)) || is_uuid(s)
}

pub(super) fn is_uuid(s: &str) -> bool {
  let parts: Vec<&str> = s.split('-').collect();
  parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
    && parts
      .iter()
      .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The same kind of id: same alphabet and length (v0.12's keys are SHA-1s in base 36, 30 or 31
/// characters long depending on leading zeros).
pub(super) fn same_kind(r: &str, l: &str) -> bool {
  if is_uuid(r) {
    return is_uuid(l);
  }
  let lengths_ok = r.len() == l.len()
    || (r.len().abs_diff(l.len()) == 1 && r.len().min(l.len()) >= 30 && r.len().max(l.len()) == 31);
  alphabet36(l) && lengths_ok
}
