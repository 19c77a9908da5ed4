//! The value of a `generate` request, per generation (`Profile::generate`).

use serde_json::Value;
use zeroize::Zeroizing;

use crate::keys::{self, CharacterSets};
use crate::limits::ruby_to_i;
use crate::profile::{Profile, SizeRule};

/// Why no value was made.
pub enum Refusal {
  /// A form error with this message (`length` over the generation's maximum).
  TooLong(String),
  /// `length` of 0 or less: the real server's `strand` raises, and the request ends in a 500.
  ServerError,
}

/// Makes the password: `length` as sent (v1 form or v2 `secret[length]`), when the generation
/// honours it, else 12; `sets` as sent on v2.
pub fn value(
  profile: &Profile,
  length: Option<&str>,
  honour_length: bool,
  sets: CharacterSets,
  authenticated: bool,
) -> Result<Zeroizing<String>, Refusal> {
  let len = match length.filter(|_| honour_length) {
    Some(raw) => ruby_to_i(raw),
    None => 12,
  };
  if len <= 0 {
    return Err(Refusal::ServerError);
  }
  if let Some(max) = profile.generate.max_length {
    if len > max {
      return Err(Refusal::TooLong(format!(
        "Generated password length must be no more than {max} characters"
      )));
    }
  }
  // Without a maximum, the real server makes the value and then cuts it to the size limit.
  let cap = match profile.size {
    SizeRule::Truncate { anonymous, account } => {
      if authenticated {
        account
      } else {
        anonymous
      }
    }
    SizeRule::MaxBytes(n) => n,
  };
  let len = (len as usize).min(cap);
  Ok(Zeroizing::new(keys::generated_value(
    profile.generate.alphabet,
    len,
    sets,
  )))
}

/// v2 `character_sets`: a set is off only when sent as JSON `false` or `null` (Ruby truthiness:
/// the string "false" of a form field leaves it on, as v0.22.11 and v0.26.6 `-more` #3 show).
pub fn character_sets(sent: Option<&Value>) -> CharacterSets {
  let mut sets = CharacterSets::default();
  let Some(Value::Object(m)) = sent else {
    return sets;
  };
  let on = |name: &str| !matches!(m.get(name), Some(Value::Bool(false) | Value::Null));
  sets.uppercase = on("uppercase");
  sets.lowercase = on("lowercase");
  sets.numbers = on("numbers");
  sets.symbols = on("symbols");
  sets
}
