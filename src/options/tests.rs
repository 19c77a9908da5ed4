//! The ranges and their messages.

use super::range::*;
use ots_core::options_table::js_number;

fn message(range: &Range, n: f64) -> Option<String> {
  range.check("x", n).err().map(|e| e.message)
}

#[test]
fn numbers_read_as_js_prints_them() {
  assert_eq!(js_number(0.0), "0");
  assert_eq!(js_number(-5.0), "-5");
  assert_eq!(js_number(1.5), "1.5");
  assert_eq!(js_number(f64::NAN), "NaN");
  assert_eq!(js_number(f64::NEG_INFINITY), "-Infinity");
  assert_eq!(js_number(2_147_483_647.0), "2147483647");
}

#[test]
fn ranges_refuse_what_they_do_not_take_and_say_what_they_got() {
  assert_eq!(message(&TIMEOUT, 1.0), None);
  assert_eq!(message(&TIMEOUT, 0.5), None);
  assert_eq!(
    message(&TIMEOUT, 0.0).unwrap(),
    "x: expected a number of milliseconds > 0, got 0"
  );
  assert_eq!(
    message(&TIMEOUT, f64::NAN).unwrap(),
    "x: expected a number of milliseconds > 0, got NaN"
  );
  assert_eq!(
    message(&TIMEOUT, 3e9).unwrap(),
    "x: expected a number of milliseconds > 0 (at most 2147483647), got 3000000000"
  );
  assert_eq!(message(&DELAY, 0.0), None);
  assert_eq!(message(&RETRIES, 10.0), None);
  assert_eq!(
    message(&RETRIES, 1.5).unwrap(),
    "x: expected an integer from 0 to 10, got 1.5"
  );
  assert_eq!(
    message(&TTL, 0.0).unwrap(),
    "x: expected an integer number of seconds > 0, got 0"
  );
  assert_eq!(message(&LENGTH, 1.0), None);
  assert_eq!(
    message(&BYTES, -1.0).unwrap(),
    "x: expected an integer number of bytes > 0, got -1"
  );
}

mod table {
  use std::collections::BTreeSet;

  use ots_core::config::{ApiVersion, ClientConfig};

  use super::super::bag::closest;
  use super::super::table::*;

  fn names(list: &[&Opt]) -> BTreeSet<String> {
    list.iter().map(|o| o.name.to_owned()).collect()
  }

  fn native(list: &[&Opt]) -> BTreeSet<String> {
    list
      .iter()
      .filter(|o| o.native())
      .map(|o| o.name.to_owned())
      .collect()
  }

  /// The body of `export interface <name> ... {` .. `}` and the interfaces it extends.
  fn interface<'t>(text: &'t str, name: &str) -> (&'t str, Vec<&'t str>) {
    let head = format!("export interface {name} ");
    let start = text
      .find(&head)
      .unwrap_or_else(|| panic!("no interface {name}"));
    let rest = &text[start + head.len()..];
    let open = rest.find('{').unwrap();
    let extends = rest[..open]
      .trim()
      .strip_prefix("extends")
      .map(|e| e.split(',').map(str::trim).collect())
      .unwrap_or_default();
    let body = &rest[open + 1..];
    (&body[..body.find("\n}").unwrap()], extends)
  }

  /// The fields an interface declares at `indent`, with those of the interfaces it extends.
  fn fields(text: &str, name: &str) -> BTreeSet<String> {
    let (body, extends) = interface(text, name);
    let mut out: BTreeSet<String> = body
      .lines()
      .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
      .filter_map(|l| l.trim().split_once("?:").map(|(n, _)| n.to_owned()))
      .collect();
    for parent in extends {
      out.extend(fields(text, parent));
    }
    out
  }

  /// The names of an inline object type `name?: { a?: ...; b?: ... }` or its multi-line form.
  fn inline_fields(text: &str, iface: &str, name: &str) -> BTreeSet<String> {
    let (body, _) = interface(text, iface);
    let at = body.find(&format!("{name}?: {{")).unwrap();
    let inner = &body[at..];
    let inner = &inner[inner.find('{').unwrap() + 1..inner.find('}').unwrap()];
    inner
      .split([';', '\n'])
      .filter_map(|f| f.trim().split_once("?:").map(|(n, _)| n.to_owned()))
      .collect()
  }

  /// README's constructor options table is the table's `CLIENT` list, row for row.
  #[test]
  fn readme_states_the_constructor_options_as_the_table_does() {
    let readme = include_str!("../../README.md");
    let table = readme_table();
    assert!(
      readme.contains(&table),
      "README's options table differs from crates/core/src/options_table/; it should read:\n{table}"
    );
  }

  /// The defaults the table states are what the napi layer starts from.
  #[test]
  fn the_table_defaults_are_the_client_defaults() {
    let c = ClientConfig::default();
    let shown = |o: &Opt| o.default.shown();
    assert_eq!(shown(&URL), format!("`{}`", c.base_url));
    assert_eq!(c.api_version, ApiVersion::V1);
    assert_eq!(shown(&API_VERSION), "`\"v1\"`");
    assert_eq!(shown(&TIMEOUT), format!("`{}`", c.timeout.as_millis()));
    assert_eq!(shown(&RETRIES_OPT), format!("`{}`", c.retry.max_retries));
    assert_eq!(
      shown(&RETRY_DELAY),
      format!("`{}`", c.retry.base_delay.as_millis())
    );
    assert_eq!(
      shown(&MAX_RETRY_DELAY),
      format!("`{}`", c.retry.max_delay.as_millis())
    );
    assert_eq!(c.max_response_bytes % (1 << 20), 0);
    assert_eq!(
      shown(&MAX_RESPONSE_BYTES),
      format!("{} MiB", c.max_response_bytes >> 20)
    );
    assert_eq!(shown(&RAW), format!("`{}`", c.include_raw));
    assert!(c.connect_timeout.is_none() && c.proxy.is_none() && c.share_domain.is_none());
  }

  /// binding.d.ts (napi-rs, from the structs the readers fill) declares what each list reads.
  #[test]
  fn binding_d_ts_declares_what_the_native_readers_read() {
    let d = include_str!("../../binding.d.ts");
    assert_eq!(fields(d, "ClientOptions"), native(CLIENT));
    assert_eq!(fields(d, "CallOptions"), native(CALL));
    assert_eq!(fields(d, "RevealOptions"), native(RETRIEVE_SECRET));
    assert_eq!(fields(d, "SecretOptions"), native(BURN));
    assert_eq!(fields(d, "ShareArgs"), native(SHARE));
    assert_eq!(fields(d, "GenerateArgs"), native(GENERATE));
    assert_eq!(
      inline_fields(d, "GenerateArgs", "characterSets"),
      names(CHARACTER_SETS_OPTIONS)
    );
  }

  /// index.d.ts (hand-written, 2.1.1's names) declares exactly each list, `signal` and `port` too.
  #[test]
  fn index_d_ts_declares_every_option_of_each_list() {
    let d = include_str!("../../index.d.ts");
    assert_eq!(fields(d, "ApiOptions"), names(CLIENT));
    assert_eq!(fields(d, "CallOptions"), names(CALL));
    assert_eq!(fields(d, "ApiOptionsShare"), names(SHARE));
    assert_eq!(fields(d, "ApiOptionsGenerate"), names(GENERATE));
    assert_eq!(
      fields(d, "ApiOptionsRetrieveSecret"),
      names(RETRIEVE_SECRET)
    );
    assert_eq!(fields(d, "ApiOptionsBurn"), names(BURN));
    assert_eq!(
      inline_fields(d, "ApiOptionsGenerate", "characterSets"),
      names(CHARACTER_SETS_OPTIONS)
    );
  }

  /// The doc comment above `name?:` in an interface's body.
  fn field_doc(text: &str, iface: &str, name: &str) -> String {
    let (body, _) = interface(text, iface);
    let lines: Vec<&str> = body.lines().collect();
    let at = lines
      .iter()
      .position(|l| l.starts_with(&format!("  {name}?:")))
      .unwrap_or_else(|| panic!("{iface} has no {name}"));
    let mut doc = Vec::new();
    for l in lines[..at].iter().rev() {
      let l = l.trim();
      if !(l.starts_with("/**") || l.starts_with('*')) {
        break;
      }
      doc.push(l);
      if l.starts_with("/**") {
        break;
      }
    }
    doc.reverse();
    doc.join(" ")
  }

  /// index.d.ts's doc comments state the constructor's defaults as the table does.
  #[test]
  fn index_d_ts_states_the_table_defaults() {
    let d = include_str!("../../index.d.ts");
    for o in CLIENT {
      let Some(value) = o.default.bare() else {
        continue;
      };
      let doc = field_doc(d, "ApiOptions", o.name);
      assert!(
        doc.contains(&format!("Default {value}")) || doc.contains(&format!("Default `{value}`")),
        "index.d.ts ApiOptions.{}: its doc should say Default {value}: {doc}",
        o.name
      );
    }
  }

  /// Every call has a list, and each list names an option once.
  #[test]
  fn every_list_names_each_option_once() {
    for (call, list) in CALLS
      .iter()
      .chain([&("constructor", CLIENT), &("server", SERVER)])
    {
      assert_eq!(names(list).len(), list.len(), "{call}");
    }
    assert_eq!(CALLS.len(), 9);
  }

  #[test]
  fn a_misspelt_name_finds_the_one_meant() {
    let share: Vec<&str> = SHARE.iter().map(|o| o.name).collect();
    let client: Vec<&str> = CLIENT.iter().map(|o| o.name).collect();
    assert_eq!(closest("encrpyt", &share), Some("encrypt"));
    assert_eq!(closest("Encrypt", &share), Some("encrypt"));
    assert_eq!(closest("pasphrase", &share), Some("passphrase"));
    assert_eq!(closest("passPhrase", &share), Some("passphrase"));
    assert_eq!(closest("tiemout", &client), Some("timeout"));
    assert_eq!(closest("share_domain", &share), Some("shareDomain"));
    assert_eq!(closest("apiversion", &client), Some("apiVersion"));
    assert_eq!(closest("colour", &share), None);
    assert_eq!(closest("x", &client), None);
  }

  #[test]
  fn the_json_table_lists_every_call() {
    let v: serde_json::Value = serde_json::from_str(&option_table()).unwrap();
    assert_eq!(v["calls"].as_object().unwrap().len(), CALLS.len());
    assert_eq!(v["constructor"][0]["name"], "url");
    assert_eq!(v["constructor"][3]["default"], 30000);
  }
}
