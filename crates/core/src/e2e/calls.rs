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
use crate::wire::ShareParams;

/// `share(secret, { encrypt: true })`: seals the secret, shares the envelope, and puts the key in
/// the fragment of `share_link`. Everything else in the answer is the server's, as for a plain share.
pub async fn share(
  client: &Client,
  mut params: ShareParams,
  call: &CallOptions,
) -> Result<Receipt> {
  let sealed = seal(&params.secret)?;
  // The plaintext's buffer is wiped as it is replaced.
  params.secret = Zeroizing::new(sealed.envelope);
  let mut answer = client.share(params, call).await?;
  match &mut answer.share_link {
    Some(link) => {
      link.push('#');
      link.push_str(&sealed.key.to_fragment());
      Ok(answer)
    }
    None => Err(Error::new(
      ErrorKind::InvalidResponse,
      "The server's answer to share has no share_link to carry the decryption key",
    )),
  }
}

/// `retrieveSecret(linkOrKey)`: reveals the secret; when the link has a key in its fragment and the
/// secret is an envelope, opens it (`value` is the plaintext, `encrypted: true`). An envelope without
/// a key comes back as it is, with `encrypted: true`; an envelope that does not open rejects with a
/// `DecryptionError` that carries it. Either way the revealed secret, gone from the server, is kept.
pub async fn retrieve_secret(
  client: &Client,
  link_or_key: &str,
  passphrase: Option<Zeroizing<String>>,
  call: &CallOptions,
) -> Result<RevealedSecret> {
  let (key, root) = split_link_or_key(link_or_key)?;
  let mut answer = client.retrieve_secret(key, passphrase, call).await?;
  let Some(value) = &mut answer.value else {
    return Ok(answer);
  };
  if !is_envelope(value) {
    return Ok(answer);
  }
  if let Some(root) = root {
    match open(value, &root) {
      Ok(plaintext) => {
        let mut envelope = std::mem::replace(&mut **value, String::from(plaintext.as_str()));
        envelope.zeroize();
      }
      Err(failure) => return Err(decryption_error(failure, value)),
    }
  }
  answer.encrypted = Some(true);
  Ok(answer)
}

/// The secret key and, when the fragment has one, the decryption key of a link or key. Checked
/// before anything is sent (a bad fragment must not cost the secret); the `InputError` is
/// [`invalid_key`]'s, given the input without its fragment.
pub fn split_link_or_key(link_or_key: &str) -> Result<(&str, Option<RootKey>)> {
  let parsed = parse_link(link_or_key);
  let key = parsed
    .key
    .filter(|k| is_valid_key(k))
    .ok_or_else(|| invalid_key(parsed.display))?;
  let root = parsed.fragment.map(RootKey::from_fragment).transpose()?;
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
