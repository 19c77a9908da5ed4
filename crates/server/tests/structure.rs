//! The crate's shape, checked on its source: a generation is named only in `profile.rs`, no two
//! modules use each other (directly or round a longer loop), no source file is over 600 lines.
//! Test modules (`#[cfg(test)]` to the end of a file) are left out of the first two checks:
//! tests may name a generation, and may use their parent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
  PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
  let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
    .unwrap()
    .map(|e| e.unwrap().path())
    .collect();
  entries.sort();
  for p in entries {
    if p.is_dir() {
      rust_files(&p, out);
    } else if p.extension().is_some_and(|e| e == "rs") {
      out.push(p);
    }
  }
}

/// Every file of `src/` with its module path (`["v2", "render"]`; the crate root is `[]`).
fn modules() -> Vec<(Vec<String>, String)> {
  let src = crate_dir().join("src");
  let mut files = Vec::new();
  rust_files(&src, &mut files);
  files
    .into_iter()
    .map(|f| {
      let rel = f.strip_prefix(&src).unwrap().with_extension("");
      let mut path: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
      if matches!(path.last().map(String::as_str), Some("lib" | "mod")) {
        path.pop();
      }
      (path, std::fs::read_to_string(&f).unwrap())
    })
    .collect()
}

/// The code of a file without its test module, comments, and string and character literals
/// (each replaced by a space, lines kept).
fn code(text: &str) -> String {
  let text = match text.find("#[cfg(test)]\nmod tests") {
    Some(i) => &text[..i],
    None => text,
  };
  let b = text.as_bytes();
  let mut out = String::with_capacity(text.len());
  let mut i = 0;
  while i < b.len() {
    let rest = &text[i..];
    if rest.starts_with("//") {
      let end = rest.find('\n').unwrap_or(rest.len());
      i += end;
    } else if rest.starts_with("/*") {
      let end = rest.find("*/").map(|e| e + 2).unwrap_or(rest.len());
      out.extend(rest[..end].chars().filter(|c| *c == '\n'));
      i += end;
    } else if let Some(hashes) = raw_string_start(rest) {
      let close = format!("\"{}", "#".repeat(hashes));
      let open_len = 2 + hashes;
      let end = rest[open_len..]
        .find(&close)
        .map(|e| open_len + e + close.len())
        .unwrap_or(rest.len());
      out.extend(rest[..end].chars().filter(|c| *c == '\n'));
      out.push(' ');
      i += end;
    } else if b[i] == b'"' {
      let mut j = i + 1;
      while j < b.len() && b[j] != b'"' {
        j += if b[j] == b'\\' { 2 } else { 1 };
      }
      out.extend(text[i..j.min(b.len())].chars().filter(|c| *c == '\n'));
      out.push(' ');
      i = j + 1;
    } else if b[i] == b'\'' && char_literal_len(rest).is_some() {
      i += char_literal_len(rest).unwrap();
      out.push(' ');
    } else {
      let c = rest.chars().next().unwrap();
      out.push(c);
      i += c.len_utf8();
    }
  }
  out
}

/// `r"…"`, `r#"…"#`, `br"…"`: the number of `#`.
fn raw_string_start(s: &str) -> Option<usize> {
  let s = s.strip_prefix('b').unwrap_or(s);
  let s = s.strip_prefix('r')?;
  let hashes = s.bytes().take_while(|b| *b == b'#').count();
  (s.as_bytes().get(hashes) == Some(&b'"')).then_some(hashes)
}

/// `'x'`, `'\n'`, `'\''`, `'\u{..}'` (not a lifetime): its length in bytes.
fn char_literal_len(s: &str) -> Option<usize> {
  let b = s.as_bytes();
  if b.get(1) == Some(&b'\\') {
    let close = s[2..].find('\'')? + 2;
    return Some(close + 1);
  }
  let c = s[1..].chars().next()?;
  let after = 1 + c.len_utf8();
  (b.get(after) == Some(&b'\'')).then_some(after + 1)
}

fn is_ident(c: char) -> bool {
  c.is_ascii_alphanumeric() || c == '_'
}

/// The identifiers `text` uses as whole words.
fn words(text: &str) -> Vec<&str> {
  text
    .split(|c: char| !is_ident(c))
    .filter(|w| !w.is_empty())
    .collect()
}

/// The names of the generations: the variants of `enum Generation` in `profile.rs`.
fn generation_names(profile: &str) -> Vec<String> {
  let start = profile
    .find("pub enum Generation {")
    .expect("enum Generation in profile.rs");
  let body = &profile[start..];
  let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
  code(body)
    .lines()
    .map(|l| l.trim().trim_end_matches(',').trim())
    .filter(|l| !l.is_empty() && !l.starts_with('#') && l.chars().all(is_ident))
    .map(str::to_string)
    .collect()
}

#[test]
fn only_the_profile_names_a_generation() {
  let mods = modules();
  let profile = &mods
    .iter()
    .find(|(p, _)| p == &["profile"])
    .expect("src/profile.rs")
    .1;
  let names = generation_names(profile);
  assert!(names.len() >= 3, "{names:?}");
  // A release-named item (`meta22`, `receipt26`, `Strand012`): letters, then a generation's
  // number (the digits after the variant's last `_`, with or without a leading 0).
  let numbers: Vec<&str> = names
    .iter()
    .filter_map(|g| g.rsplit_once('_').map(|(_, n)| n))
    .collect();
  let release_named = |w: &str| {
    numbers.iter().any(|n| {
      [n.to_string(), format!("0{n}")].iter().any(|suffix| {
        w.strip_suffix(suffix.as_str())
          .and_then(|head| head.chars().last())
          .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
      })
    })
  };
  let mut hits = Vec::new();
  for (path, text) in &mods {
    if path == &["profile"] {
      continue;
    }
    for (n, line) in code(text).lines().enumerate() {
      if words(line)
        .iter()
        .any(|w| names.iter().any(|g| g == w) || release_named(w))
      {
        hits.push(format!(
          "{}: line {}: {}",
          path.join("::"),
          n + 1,
          line.trim()
        ));
      }
    }
  }
  assert!(
    hits.is_empty(),
    "generations ({names:?}) named outside profile.rs, or items named after one (add a profile \
     field, or name the item by what it does):\n{}",
    hits.join("\n")
  );
}

/// Where a path used in module `at` leads: the longest known module it starts with. `crate::`,
/// `super::` and `self::` are resolved; a first segment naming a child module of `at` (declared by
/// `mod x;`) is relative to `at`.
fn target(at: &[String], segments: &[&str], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
  let mut path: Vec<String> = match segments.first()? {
    &"crate" => Vec::new(),
    &"super" | &"self" => {
      let mut p = at.to_vec();
      for s in segments
        .iter()
        .take_while(|s| matches!(**s, "super" | "self"))
      {
        if *s == "super" {
          p.pop();
        }
      }
      p
    }
    first => {
      let mut child = at.to_vec();
      child.push(first.to_string());
      if !known.contains(&child) {
        return None;
      }
      at.to_vec()
    }
  };
  let mut best = path.clone();
  for s in segments
    .iter()
    .skip_while(|s| matches!(**s, "crate" | "super" | "self"))
  {
    path.push(s.to_string());
    if known.contains(&path) {
      best = path.clone();
    } else {
      break;
    }
  }
  Some(best)
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
  let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
  fn go(prefix: &[String], t: &str, out: &mut Vec<Vec<String>>) {
    match t.find('{') {
      None => {
        let mut p = prefix.to_vec();
        p.extend(
          t.split("::")
            .filter(|s| !s.is_empty())
            .map(|s| s.split(" as ").next().unwrap_or(s).to_string()),
        );
        out.push(p);
      }
      Some(open) => {
        let mut p = prefix.to_vec();
        p.extend(
          t[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        );
        let inner = &t[open + 1..t.rfind('}').unwrap_or(t.len())];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
          match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
              go(&p, &inner[start..i], out);
              start = i + 1;
            }
            _ => {}
          }
        }
        if start < inner.len() {
          go(&p, &inner[start..], out);
        }
      }
    }
  }
  let mut out = Vec::new();
  go(&[], &tree, &mut out);
  out
}

/// Module -> the modules it uses (through `use` and through paths in its code).
fn uses() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
  let mods = modules();
  let known: BTreeSet<Vec<String>> = mods.iter().map(|(p, _)| p.clone()).collect();
  let mut graph = BTreeMap::new();
  for (at, text) in &mods {
    let code = code(text);
    let mut paths: Vec<Vec<String>> = Vec::new();
    // `use` trees.
    for stmt in code.split(';') {
      let at_use = stmt
        .match_indices("use ")
        .filter(|(i, _)| !stmt[..*i].chars().next_back().is_some_and(is_ident))
        .last();
      if let Some((i, _)) = at_use {
        paths.extend(expand(&stmt[i + 4..]));
      }
    }
    // Paths in code: `a::b::c` runs.
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
      if is_ident(chars[i]) && (i == 0 || !is_ident(chars[i - 1])) {
        let mut segs = Vec::new();
        let mut j = i;
        loop {
          let s = j;
          while j < chars.len() && is_ident(chars[j]) {
            j += 1;
          }
          segs.push(chars[s..j].iter().collect::<String>());
          if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
            j += 2;
            if !chars.get(j).is_some_and(|c| is_ident(*c)) {
              break;
            }
          } else {
            break;
          }
        }
        if segs.len() > 1 {
          paths.push(segs);
        }
        i = j.max(i + 1);
      } else {
        i += 1;
      }
    }
    let edges: BTreeSet<Vec<String>> = paths
      .iter()
      .filter_map(|p| {
        target(
          at,
          &p.iter().map(String::as_str).collect::<Vec<_>>(),
          &known,
        )
      })
      .filter(|t| t != at)
      .collect();
    graph.insert(at.clone(), edges);
  }
  graph
}

/// A cycle of the graph, if it has one.
fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
  fn visit(
    n: &Vec<String>,
    graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    state: &mut BTreeMap<Vec<String>, u8>,
    stack: &mut Vec<Vec<String>>,
  ) -> Option<Vec<String>> {
    state.insert(n.clone(), 1);
    stack.push(n.clone());
    for m in graph.get(n).into_iter().flatten() {
      match state.get(m).copied().unwrap_or(0) {
        1 => {
          let from = stack.iter().position(|s| s == m).unwrap();
          let mut cycle: Vec<String> = stack[from..].iter().map(|p| name(p)).collect();
          cycle.push(name(m));
          return Some(cycle);
        }
        0 => {
          if let Some(c) = visit(m, graph, state, stack) {
            return Some(c);
          }
        }
        _ => {}
      }
    }
    stack.pop();
    state.insert(n.clone(), 2);
    None
  }
  let mut state = BTreeMap::new();
  for n in graph.keys() {
    if state.get(n).copied().unwrap_or(0) == 0 {
      if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
        return Some(c);
      }
    }
  }
  None
}

fn name(path: &[String]) -> String {
  if path.is_empty() {
    "crate".into()
  } else {
    path.join("::")
  }
}

#[test]
fn no_module_cycles() {
  let graph = uses();
  // The check sees edges: these are known uses.
  let edge = |from: &[&str], to: &[&str]| {
    let from: Vec<String> = from.iter().map(|s| s.to_string()).collect();
    let to: Vec<String> = to.iter().map(|s| s.to_string()).collect();
    graph.get(&from).is_some_and(|e| e.contains(&to))
  };
  assert!(edge(&["http"], &["v1"]));
  assert!(edge(&["v2"], &["v2", "secrets"]));
  assert!(edge(&["v2", "secrets"], &["v2", "render"]));
  assert!(edge(&["profile"], &["v2", "otto"]));
  assert!(edge(&["transcript", "compare"], &["transcript", "lists"]));
  assert!(edge(&[], &["profile"]));
  if let Some(cycle) = find_cycle(&graph) {
    panic!("module cycle: {}", cycle.join(" -> "));
  }
}

#[test]
fn the_cycle_finder_finds_cycles() {
  let m = |s: &str| vec![s.to_string()];
  let mut g = BTreeMap::new();
  g.insert(m("a"), BTreeSet::from([m("b")]));
  g.insert(m("b"), BTreeSet::from([m("c")]));
  g.insert(m("c"), BTreeSet::from([m("a")]));
  assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);
  g.insert(m("c"), BTreeSet::new());
  assert_eq!(find_cycle(&g), None);
  // Uses through `super::*` and relative child paths are edges.
  let known: BTreeSet<Vec<String>> = [vec![], m("v2"), vec!["v2".into(), "render".into()]]
    .into_iter()
    .collect();
  assert_eq!(
    target(&["v2".into(), "render".into()], &["super", "*"], &known),
    Some(m("v2"))
  );
  assert_eq!(
    target(&m("v2"), &["render", "Render"], &known),
    Some(vec!["v2".into(), "render".into()])
  );
  assert_eq!(
    expand("crate::{a, b::{c, d}}"),
    [
      vec!["crate", "a"],
      vec!["crate", "b", "c"],
      vec!["crate", "b", "d"]
    ]
  );
}

#[test]
fn no_source_file_over_600_lines() {
  let mut files = Vec::new();
  rust_files(&crate_dir().join("src"), &mut files);
  rust_files(&crate_dir().join("tests"), &mut files);
  let long: Vec<String> = files
    .iter()
    .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
    .filter(|(_, n)| *n > 600)
    .map(|(f, n)| format!("{}: {n} lines", f.display()))
    .collect();
  assert!(long.is_empty(), "{long:?}");
}
