//! The value of a `generate` request, per generation (`Profile::generate`).

use serde_json::Value;
use zeroize::Zeroizing;

use crate::keys::{self, CharacterSets};
use crate::limits::ruby_to_i;
use crate::limits::SizeRule;
use crate::profile::Profile;

/// Why a secret's value was refused.
pub(crate) enum Refusal {
  /// Nothing to share.
  Empty,
  /// `generate`'s `length` over the generation's maximum: a form error with this message.
  TooLong(String),
  /// `generate`'s `length` of 0 or less: the real server's `strand` raises, and the request ends
  /// in a 500.
  ServerError,
  /// Over the generation's size limit, in bytes.
  TooBig(usize),
}

/// What a create request asks for.
pub(crate) enum Asked<'a> {
  /// `share` / `conceal`: this text.
  Text(Option<String>),
  /// `generate`: `length` as sent and honoured or not, and the character sets.
  Generate {
    length: Option<&'a str>,
    honour_length: bool,
    sets: CharacterSets,
  },
}

/// The value to store, and whether it was cut to the generation's size limit.
pub(crate) fn secret_value(
  profile: &Profile,
  asked: Asked,
  authenticated: bool,
) -> Result<(Zeroizing<String>, bool), Refusal> {
  let mut value = match asked {
    Asked::Text(Some(s)) if !s.is_empty() => Zeroizing::new(s),
    Asked::Text(_) => return Err(Refusal::Empty),
    Asked::Generate {
      length,
      honour_length,
      sets,
    } => self::value(profile, length, honour_length, sets, authenticated)?,
  };
  let cut =
    crate::limits::apply_size(profile.size, &mut value, authenticated).map_err(Refusal::TooBig)?;
  Ok((value, cut))
}

/// Makes the password: `length` as sent (v1 form or v2 `secret[length]`), when the generation
/// honours it, else 12; `sets` as sent on v2.
pub(crate) fn value(
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
pub(crate) fn character_sets(sent: Option<&Value>) -> CharacterSets {
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
