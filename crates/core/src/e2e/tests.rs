use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

use super::cipher::{NONCE_LEN_BYTES, TAG_LEN};
use super::envelope::{self, HEADER, VERSION_TAG};
use super::limits::{envelope_len, max_plaintext_bytes, max_plaintext_for, SERVER_LIMITS};
use super::*;
use crate::error::ErrorKind;

const KEY_A: [u8; 32] = [7; 32];

fn vectors() -> Value {
  serde_json::from_str(include_str!("vectors.json")).unwrap()
}

fn fixed_nonce() -> [u8; NONCE_LEN_BYTES] {
  let hex = vectors()["nonce_hex"].as_str().unwrap().to_owned();
  std::array::from_fn(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
}

fn sealed(plaintext: &str) -> (String, RootKey) {
  let s = seal(plaintext).unwrap();
  (s.envelope, s.key)
}

/// Replaces the payload line of an envelope with `f(payload bytes)`, re-encoded.
fn with_payload(env: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
  let (head, body) = env.split_once('\n').unwrap();
  let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
  f(&mut bytes);
  format!("{head}\n{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[test]
fn known_answers_from_an_independent_implementation() {
  let nonce = fixed_nonce();
  for v in vectors()["vectors"].as_array().unwrap() {
    let key = RootKey::from_fragment(v["fragment"].as_str().unwrap()).unwrap();
    let plaintext = v["plaintext"].as_str().unwrap();
    let made = envelope::encode(&key, nonce, plaintext.as_bytes()).unwrap();
    assert_eq!(made, v["envelope"].as_str().unwrap(), "{plaintext:?}");
    assert_eq!(&*open(&made, &key).unwrap(), plaintext);
    assert_eq!(&*key.to_fragment(), v["fragment"].as_str().unwrap());
  }
}

#[test]
fn round_trip_with_fresh_keys_and_nonces() {
  let (a, key_a) = sealed("hello");
  let (b, key_b) = sealed("hello");
  assert_ne!(a, b, "a fresh nonce and key per secret");
  assert_ne!(*key_a.to_fragment(), *key_b.to_fragment());
  assert_eq!(key_a.to_fragment().len(), cipher::FRAGMENT_LEN);
  assert!(a.starts_with(&format!("{HEADER}\n")));
  assert!(a.is_ascii() && !a.contains(['=', '+']));
  assert_eq!(&*open(&a, &key_a).unwrap(), "hello");
  assert!(!a.contains("hello"));
}

#[test]
fn wrong_key_fails() {
  let (env, _) = sealed("top secret");
  let err = open(&env, &RootKey::from_bytes(KEY_A)).unwrap_err();
  assert_eq!(err, DecryptionFailure::WrongKeyOrAltered);
}

#[test]
fn every_altered_byte_fails() {
  let (env, key) = sealed("tamper with me");
  let len = URL_SAFE_NO_PAD
    .decode(env.split_once('\n').unwrap().1)
    .unwrap()
    .len();
  for i in 0..len {
    let bad = with_payload(&env, |p| p[i] ^= 0x01);
    assert_eq!(
      open(&bad, &key).unwrap_err(),
      DecryptionFailure::WrongKeyOrAltered,
      "byte {i}"
    );
  }
}

#[test]
fn truncation_fails() {
  let (env, key) = sealed("cut me short");
  let len = URL_SAFE_NO_PAD
    .decode(env.split_once('\n').unwrap().1)
    .unwrap()
    .len();
  for keep in 0..len {
    let bad = with_payload(&env, |p| p.truncate(keep));
    let expected = if keep < NONCE_LEN_BYTES + TAG_LEN {
      DecryptionFailure::Damaged
    } else {
      DecryptionFailure::WrongKeyOrAltered
    };
    assert_eq!(open(&bad, &key).unwrap_err(), expected, "kept {keep}");
  }
  // Cut inside the text: no payload line at all, or base64 that cannot be.
  assert_eq!(open(HEADER, &key).unwrap_err(), DecryptionFailure::Damaged);
  let odd = &env[..HEADER.len() + 2];
  assert_eq!(open(odd, &key).unwrap_err(), DecryptionFailure::Damaged);
}

#[test]
fn the_version_is_bound_and_unknown_versions_are_named() {
  let (env, key) = sealed("versioned");
  let relabelled = env.replacen(VERSION_TAG, "ots-e2e/2", 1);
  assert_eq!(
    open(&relabelled, &key).unwrap_err(),
    DecryptionFailure::UnknownVersion("ots-e2e/2".into())
  );
  // The same bytes sealed with another first line do not open as version 1.
  let other = cipher::seal(&key, fixed_nonce(), b"ots-e2e/2", b"versioned");
  let forged = format!("{HEADER}\n{}", URL_SAFE_NO_PAD.encode(other));
  assert_eq!(
    open(&forged, &key).unwrap_err(),
    DecryptionFailure::WrongKeyOrAltered
  );
  let weird = open("ots-e2e/<script>\nAAAA", &key).unwrap_err();
  assert_eq!(
    weird,
    DecryptionFailure::UnknownVersion("ots-e2e/?script?".into())
  );
  assert_eq!(
    open("just a secret", &key).unwrap_err(),
    DecryptionFailure::NotAnEnvelope
  );
}

/// The whole first line is the associated data: a server that rewrites the instructions in it, or
/// relabels the version, makes the envelope fail to open rather than show altered text as received.
#[test]
fn the_whole_first_line_is_authenticated() {
  let (env, key) = sealed("first line");
  for altered in [
    env.replacen(
      "open it with its key",
      "send your key to attacker.example",
      1,
    ),
    env.replacen("encrypted secret:", "encrypted secret: ", 1),
    env.replacen('\n', " extra\n", 1),
  ] {
    assert_ne!(altered, env);
    assert_eq!(
      open(&altered, &key).unwrap_err(),
      DecryptionFailure::WrongKeyOrAltered,
      "{altered}"
    );
  }
  assert_eq!(
    &*open(&env.replacen('\n', "\r\n", 1), &key).unwrap(),
    "first line"
  );
}

/// docs/E2E.md "Padding": every plaintext of up to 63 bytes gives the same envelope length (a
/// 4-digit and a 6-digit PIN cannot be told apart), and lengths grow by bucket only.
#[test]
fn short_plaintexts_give_envelopes_of_one_length() {
  let len = |n: usize| seal(&"7".repeat(n)).unwrap().envelope.len();
  let short = len(1);
  for n in 0..64 {
    assert_eq!(len(n), short, "{n} bytes");
  }
  assert_eq!(len(4), len(6));
  assert!(len(64) > short);
  assert_eq!(len(64), len(127));
  assert!(len(128) > len(127));
  assert_eq!(short, envelope_len(0));
}

#[test]
fn wrapped_and_padded_envelopes_open() {
  let (env, key) = sealed("wrapped by a mail client");
  let (head, body) = env.split_once('\n').unwrap();
  let wrapped: Vec<String> = body
    .as_bytes()
    .chunks(20)
    .map(|c| String::from_utf8_lossy(c).into())
    .collect();
  let text = format!("\r\n  {head}\r\n{}\r\n", wrapped.join("\r\n"));
  assert_eq!(&*open(&text, &key).unwrap(), "wrapped by a mail client");
  assert!(is_envelope(&text));
  assert!(!is_envelope("hello"));
}

#[test]
fn non_text_content_is_refused() {
  let key = RootKey::from_bytes(KEY_A);
  let env = envelope::encode(&key, fixed_nonce(), &[0xff, 0xfe]).unwrap();
  assert_eq!(open(&env, &key).unwrap_err(), DecryptionFailure::NotText);
}

#[test]
fn messages_name_neither_key_nor_plaintext() {
  let (env, key) = sealed("PLAINTEXT-MARKER");
  let fragment = key.to_fragment();
  let failures = [
    open(&env, &RootKey::from_bytes(KEY_A)).unwrap_err(),
    open(&env.replacen(VERSION_TAG, "ots-e2e/9", 1), &key).unwrap_err(),
    open(HEADER, &key).unwrap_err(),
  ];
  for f in failures {
    let text = format!("{f} {f:?}");
    assert!(
      !text.contains("PLAINTEXT") && !text.contains(&*fragment),
      "{text}"
    );
  }
  assert_eq!(format!("{key:?}"), "RootKey(<redacted>)");
  let bad =
    key_from_link_or_fragment(&format!("https://h/secret/abc#{}x", &*fragment)).unwrap_err();
  assert_eq!(bad.kind, ErrorKind::Input);
  assert!(!bad.message.contains(&fragment[..20]), "{}", bad.message);
}

#[test]
fn keys_from_links_and_fragments() {
  let key = RootKey::from_bytes(KEY_A);
  let f = key.to_fragment();
  for input in [
    format!("https://ots.example/secret/abcdefghijklmnopqrstu#{}", &*f),
    format!("#{}", &*f),
    f.to_string(),
    format!(" {} \n", &*f),
  ] {
    let got = key_from_link_or_fragment(&input).unwrap();
    assert_eq!(*got.to_fragment(), *f, "{input}");
  }
  for bad in [
    "https://ots.example/secret/abcdefghijklmnopqrstu",
    "https://ots.example/secret/abcdefghijklmnopqrstu#",
    "#short",
    "#AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
    "#AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyB", // non-canonical last character
    "#AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eH+A",
  ] {
    let err = key_from_link_or_fragment(bad).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Input, "{bad}");
  }
}

#[test]
fn links_split_into_key_and_fragment() {
  let p = parse_link("https://ots.example/secret/abcdefghijklmnopqrstu#KEY");
  assert_eq!(p.key, Some("abcdefghijklmnopqrstu"));
  assert_eq!(p.fragment, Some("KEY"));
  assert_eq!(
    p.display,
    "https://ots.example/secret/abcdefghijklmnopqrstu"
  );
  assert_eq!(
    parse_link("abcdefghijklmnopqrstu").key,
    Some("abcdefghijklmnopqrstu")
  );
  assert_eq!(parse_link("abcdefghijklmnopqrstu").fragment, None);
  assert_eq!(parse_link("abcdefghijklmnopqrstu#F").fragment, Some("F"));
  assert_eq!(
    parse_link("http://h/secret/abcdefghijklmnopqrstu/?x=1").key,
    Some("abcdefghijklmnopqrstu")
  );
  assert_eq!(
    parse_link("http://h/private/abcdefghijklmnopqrstu#F").key,
    None
  );
  assert_eq!(parse_link("http://h/secret/#F").key, None);
  assert_eq!(parse_link("http://h/secret/a#").fragment, None);
}

#[test]
fn size_rule_fits_the_smallest_server_limit_exactly() {
  let smallest = SERVER_LIMITS.iter().map(|l| l.max_secret).min().unwrap();
  assert_eq!(smallest, 10_000);
  let max = max_plaintext_bytes();
  assert_eq!(max, max_plaintext_for(smallest));
  assert!(envelope_len(max) <= smallest && envelope_len(max + 1) > smallest);
  for n in [0, 1, 2, 3, 100, max - 1, max] {
    let env = envelope::encode(&RootKey::from_bytes(KEY_A), fixed_nonce(), &vec![b'a'; n]).unwrap();
    assert_eq!(env.len(), envelope_len(n), "{n}");
  }
  assert!(seal(&"a".repeat(max)).unwrap().envelope.len() <= smallest);
  let err = seal(&"a".repeat(max + 1)).unwrap_err();
  assert_eq!(err.kind, ErrorKind::Input);
  assert!(
    err
      .message
      .starts_with(&format!("secret: expected at most {max} bytes")),
    "{}",
    err.message
  );
  // UTF-8 bytes count, not characters.
  assert!(seal(&"é".repeat(max / 2 + 1)).is_err());
}

#[test]
fn the_documented_maximum() {
  // docs/E2E.md and README state this number.
  assert_eq!(max_plaintext_bytes(), 7167);
  let e2e_md = include_str!("../../../../docs/E2E.md");
  let readme = include_str!("../../../../README.md");
  assert!(e2e_md.contains("**7,167 bytes of UTF-8**"));
  assert!(readme.contains("At most 7,167 bytes of UTF-8"));
}

/// docs/E2E.md's size table is `SERVER_LIMITS`, row for row.
#[test]
fn the_documented_size_table_is_server_limits() {
  let e2e_md = include_str!("../../../../docs/E2E.md");
  let table = e2e_md
    .split("| generations | limit on the stored secret | over the limit |")
    .nth(1)
    .expect("docs/E2E.md has the size table");
  let rows: Vec<Vec<String>> = table
    .lines()
    .skip(2)
    .take_while(|l| l.starts_with('|'))
    .map(|l| {
      l.trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect()
    })
    .collect();
  assert_eq!(rows.len(), SERVER_LIMITS.len());
  for (row, limit) in rows.iter().zip(SERVER_LIMITS) {
    let unit = if limit.generations.starts_with("v0.26") {
      "bytes"
    } else {
      "characters"
    };
    let plain = limit.max_secret.to_string();
    let digits: String = plain
      .chars()
      .enumerate()
      .flat_map(|(i, c)| {
        let comma = i > 0 && (plain.len() - i) % 3 == 0;
        comma.then_some(',').into_iter().chain([c])
      })
      .collect();
    let over = if limit.refused {
      "refused"
    } else {
      "truncated"
    };
    assert_eq!(
      row,
      &[
        limit.generations.to_owned(),
        format!("{digits} {unit}"),
        over.to_owned()
      ]
    );
  }
}
