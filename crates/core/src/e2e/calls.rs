//! The calls with end-to-end encryption, on top of [`Client`]: the server sees only envelopes, and
//! the key goes from [`share`]'s link to [`retrieve_secret`] in the fragment, never in a request.

use zeroize::{Zeroize, Zeroizing};

use super::{
  is_envelope, key_from_link_or_fragment, open, parse_link, seal, DecryptionFailure, RootKey,
};
use crate::answers::{Receipt, RevealedSecret};
use crate::client::{CallOptions, Client};
use crate::error::{Envelope, Error, ErrorKind, Result};
use crate::key::{invalid_key, is_valid_key};
use crate::wire::{set_share_link, ShareParams};

/// `share(secret, { encrypt: true })`: seals the secret, shares the envelope, and puts the key in
/// the fragment of `share_link`; also gives the link without the key (`share_link_without_key`) and
/// the key alone (`decryption_key`), to send by two channels. Everything else in the answer is the
/// server's, as for a plain share.
pub async fn share(
  client: &Client,
  mut params: ShareParams,
  call: &CallOptions,
) -> Result<Receipt> {
  let sealed = seal(&params.secret)?;
  // The plaintext's buffer is wiped as it is replaced.
  params.secret = Zeroizing::new(sealed.envelope);
  let asked = client.requested_share_domain(&params.options).is_some();
  let mut answer = client.share(params, call).await?;
  if !asked {
    // The link carries the key: on the `url`, never on a domain only the server named.
    set_share_link(&mut answer, client.base_url());
  }
  match &mut answer.share_link {
    Some(link) => {
      let fragment = sealed.key.to_fragment();
      answer.share_link_without_key = Some(link.clone());
      link.push('#');
      link.push_str(&fragment);
      answer.decryption_key = Some(fragment);
      Ok(answer)
    }
    None => Err(Error::new(
      ErrorKind::InvalidResponse,
      "The server's answer to share has no share_link to carry the decryption key",
    )),
  }
}

/// `retrieveSecret(linkOrKey)`: reveals the secret; when the caller gave a key (the link's fragment,
/// or `key`), the secret must be an envelope that opens with it: anything else the server sends
/// (plain text, nothing, an envelope that does not open) is a `DecryptionError` carrying what came,
/// never a resolved value, so a server cannot downgrade a sealed secret. Without a key an envelope
/// comes back as it is, with `encrypted: true`, and a plain secret as always. Either way the
/// revealed secret, gone from the server, is kept.
pub async fn retrieve_secret(
  client: &Client,
  link_or_key: &str,
  separate_key: Option<&str>,
  passphrase: Option<Zeroizing<String>>,
  call: &CallOptions,
) -> Result<RevealedSecret> {
  let (key, root) = split_link_or_key(link_or_key, separate_key)?;
  // What the server sent may echo the call's own secrets: kept to remove them from a
  // DecryptionError's `envelope` (the text of any other error is scrubbed by the client).
  let echoed = passphrase.clone();
  let mut answer = client.retrieve_secret(key, passphrase, call).await?;
  let Some(root) = root else {
    if answer.value.as_deref().is_some_and(|v| is_envelope(v)) {
      answer.encrypted = Some(true);
    }
    return Ok(answer);
  };
  let scrub = || {
    let mut scrub = client.credentials_scrub();
    scrub.value(key);
    if let Some(p) = &echoed {
      scrub.value(p);
    }
    scrub
  };
  let Some(value) = answer.value.as_mut().filter(|v| !v.is_empty()) else {
    return Err(Error::new(
      ErrorKind::Decryption,
      "Decryption failed: the server's answer has no secret to decrypt (a key was given, so an envelope was expected)",
    ));
  };
  if !is_envelope(value) {
    return Err(downgraded(&scrub().text(value)));
  }
  match open(value, &root) {
    Ok(plaintext) => {
      let mut envelope = std::mem::replace(&mut **value, String::from(plaintext.as_str()));
      envelope.zeroize();
    }
    Err(failure) => return Err(decryption_error(failure, &scrub().text(value))),
  }
  answer.encrypted = Some(true);
  Ok(answer)
}

/// A key was given but the server sent text that is not an envelope: it did not keep what was
/// sealed (or is lying). The text is carried in `envelope` (the secret is gone from the server;
/// nothing is lost), the message says only how long it is.
fn downgraded(text: &str) -> Error {
  let mut err = Error::new(
    ErrorKind::Decryption,
    format!(
      "Decryption failed: a key was given but the server sent {} characters that are not an end-to-end encrypted envelope (not what was sealed; the text is in the error's envelope)",
      text.chars().count()
    ),
  );
  err.envelope = Some(Box::new(Envelope(text.to_owned())));
  err
}

/// The secret key and, when the caller gave one (in the link's fragment, or `separate_key`), the
/// decryption key. Checked before anything is sent (a bad key must not cost the secret); the
/// `InputError` is [`invalid_key`]'s, given the input without its fragment. A key both in the link
/// and separately must be the same key.
pub fn split_link_or_key<'a>(
  link_or_key: &'a str,
  separate_key: Option<&str>,
) -> Result<(&'a str, Option<RootKey>)> {
  let parsed = parse_link(link_or_key);
  let key = parsed
    .key
    .filter(|k| is_valid_key(k))
    .ok_or_else(|| invalid_key(parsed.display))?;
  let in_link = parsed.fragment.map(RootKey::from_fragment).transpose()?;
  let separate = separate_key
    .map(|k| RootKey::from_fragment(k.strip_prefix('#').unwrap_or(k)))
    .transpose()?;
  let root = match (in_link, separate) {
    (Some(a), Some(b)) if *a.to_fragment() != *b.to_fragment() => {
      return Err(Error::input(
        "key: the link's #fragment holds another decryption key; give one of them",
      ))
    }
    (a, b) => a.or(b),
  };
  Ok((key, root))
}

/// `OneTimeSecretApi.decrypt(envelope, linkOrFragment)`: opens an envelope kept from an earlier reveal.
pub fn decrypt(envelope: &str, link_or_fragment: &str) -> Result<Zeroizing<String>> {
  let key = key_from_link_or_fragment(link_or_fragment)?;
  open(envelope, &key).map_err(|failure| decryption_error(failure, envelope))
}

/// A `DecryptionError` carrying the envelope, so nothing is lost; text that is not an envelope
/// (perhaps a plaintext passed by mistake) is not carried.
fn decryption_error(failure: DecryptionFailure, text: &str) -> Error {
  let mut err = Error::new(ErrorKind::Decryption, failure.to_string());
  if is_envelope(text) {
    err.envelope = Some(Box::new(Envelope(text.trim().to_owned())));
  }
  err
}

#[cfg(test)]
#[path = "calls_tests.rs"]
mod tests;
