//! No module of `ots-core` depends, directly or through others, on a module that depends on it.
//!
//! A module depends on another when its code names it: a `use` of it or of an item in it, or a
//! `crate::`/`super::` path to it. A parent's `pub use child::Item` is the parent's public face,
//! not a use by its code, and does not count; a `use` of a child's item in the parent's code does.
//! Test code (`tests.rs`, `*_tests.rs`, `#[cfg(test)] mod … { … }`) is left out: it may use
//! anything. The graph is read from the source text (comments and string literals removed), so
//! this test needs no tool beyond cargo.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

/// Every non-test source file under `dir` as (its module path, its text).
fn modules(dir: &Path) -> Vec<(Module, String)> {
  fn walk(dir: &Path, prefix: &[String], out: &mut Vec<(Module, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
      .unwrap()
      .map(|e| e.unwrap().path())
      .collect();
    entries.sort();
    for path in entries {
      let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
      if path.is_dir() {
        walk(&path, &[prefix, &[name]].concat(), out);
      } else if path.extension().is_some_and(|e| e == "rs") {
        if name == "tests" || name.ends_with("_tests") {
          continue;
        }
        let module = match name.as_str() {
          "lib" | "mod" => prefix.to_vec(),
          _ => [prefix, &[name]].concat(),
        };
        out.push((module, std::fs::read_to_string(&path).unwrap()));
      }
    }
  }
  let mut out = Vec::new();
  walk(dir, &[], &mut out);
  out
}

/// The code of a file: comments gone, string and char literals emptied, test modules cut out.
fn code(src: &str) -> String {
  let b = src.as_bytes();
  let mut out = String::with_capacity(src.len());
  let mut i = 0;
  while i < b.len() {
    match b[i] {
      b'/' if b.get(i + 1) == Some(&b'/') => {
        while i < b.len() && b[i] != b'\n' {
          i += 1;
        }
      }
      b'/' if b.get(i + 1) == Some(&b'*') => {
        let end = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
        i = end;
      }
      b'r'
        if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
          && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
      {
        let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
        if b.get(i + 1 + hashes) != Some(&b'"') {
          out.push('r');
          i += 1;
          continue;
        }
        let close = format!("\"{}", "#".repeat(hashes));
        let start = i + 2 + hashes;
        i = src[start..]
          .find(&close)
          .map_or(b.len(), |e| start + e + close.len());
        out.push_str("\"\"");
      }
      b'"' => {
        i += 1;
        while i < b.len() && b[i] != b'"' {
          i += if b[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
        out.push_str("\"\"");
      }
      // A char literal ('x', '\n', '\u{..}'), not a lifetime ('a).
      b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
        i += 1;
        while i < b.len() && b[i] != b'\'' {
          i += if b[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
        out.push_str("' '");
      }
      _ => {
        let c = src[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
      }
    }
  }
  cut_test_modules(&out)
}

fn cut_test_modules(code: &str) -> String {
  let mut out = code.to_owned();
  while let Some(at) = out.find("#[cfg(test)]") {
    let rest = &out[at + "#[cfg(test)]".len()..];
    let trimmed = rest.trim_start();
    let skipped = rest.len() - trimmed.len();
    let Some(after_mod) = trimmed.strip_prefix("mod ") else {
      // `#[cfg(test)]` on something else: keep it, but do not look at it again.
      out.replace_range(at..at + "#[cfg(test)]".len(), "");
      continue;
    };
    let header = after_mod.find(['{', ';']).unwrap_or(after_mod.len());
    let start = at + "#[cfg(test)]".len() + skipped + 4 + header;
    if !out[start..].starts_with('{') {
      out.replace_range(at..start + 1, "");
      continue;
    }
    let mut depth = 0;
    let mut end = out.len();
    for (k, c) in out[start..].char_indices() {
      match c {
        '{' => depth += 1,
        '}' => {
          depth -= 1;
          if depth == 0 {
            end = start + k + 1;
            break;
          }
        }
        _ => {}
      }
    }
    out.replace_range(at..end, "");
  }
  out
}

/// `a::{b, c::{d, e as f}, self}` as `a::b`, `a::c::d`, `a::c::e`, `a`.
fn expand(tree: &str) -> Vec<String> {
  let tree = tree.trim();
  let Some(open) = tree.find('{') else {
    let path = tree.split(" as ").next().unwrap().trim();
    return vec![path.trim_end_matches("::self").to_owned()];
  };
  let head = &tree[..open];
  let body = &tree[open + 1..tree.rfind('}').unwrap()];
  let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
  for c in body.chars() {
    match c {
      '{' => depth += 1,
      '}' => depth -= 1,
      ',' if depth == 0 => {
        parts.push(std::mem::take(&mut current));
        continue;
      }
      _ => {}
    }
    current.push(c);
  }
  parts.push(current);
  parts
    .iter()
    .filter(|p| !p.trim().is_empty())
    .flat_map(|p| match p.trim() {
      "self" => vec![head.trim_end_matches("::").to_owned()],
      p => expand(&format!("{head}{p}")),
    })
    .collect()
}

/// The module a path in `from` names (the deepest module on the path), if it is one of `known`.
fn resolve(from: &Module, path: &str, known: &BTreeSet<Module>) -> Option<Module> {
  let segments: Vec<&str> = path
    .split("::")
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect();
  let (mut module, rest): (Module, &[&str]) = match segments.first()? {
    &"crate" => (Vec::new(), &segments[1..]),
    &"self" => (from.clone(), &segments[1..]),
    &"super" => {
      let ups = segments.iter().take_while(|s| **s == "super").count();
      (
        from[..from.len().saturating_sub(ups)].to_vec(),
        &segments[ups..],
      )
    }
    first if known.contains(&[from.as_slice(), &[first.to_string()]].concat()) => {
      (from.clone(), &segments[..])
    }
    _ => return None,
  };
  for s in rest {
    let deeper = [module.as_slice(), &[s.to_string()]].concat();
    if !known.contains(&deeper) {
      break;
    }
    module = deeper;
  }
  Some(module)
}

fn is_ident(c: char) -> bool {
  c.is_ascii_alphanumeric() || c == '_'
}

/// Which modules each module's code depends on.
fn dependencies(files: &[(Module, String)]) -> BTreeMap<Module, BTreeSet<Module>> {
  let known: BTreeSet<Module> = files.iter().map(|(m, _)| m.clone()).collect();
  let mut graph = BTreeMap::new();
  for (module, src) in files {
    let mut code = code(src);
    let mut deps = BTreeSet::new();
    // `use` declarations, then removed so that their paths are not read twice.
    let mut at = 0;
    while let Some(found) = code[at..].find("use ") {
      let start = at + found;
      let before = code[..start].trim_end();
      if code[..start].ends_with(is_ident) {
        at = start + 4;
        continue;
      }
      let end = start + code[start..].find(';').unwrap();
      let facade = before.ends_with("pub") || before.ends_with(')') && before.contains("pub(");
      for path in expand(&code[start + 4..end]) {
        let Some(target) = resolve(module, &path, &known) else {
          continue;
        };
        let child = target.len() == module.len() + 1 && target.starts_with(module);
        if !(facade && child) {
          deps.insert(target);
        }
      }
      // `;` in its place, so that a `pub` before it is not read as the next one's.
      code.replace_range(start..end + 1, ";");
      at = start + 1;
    }
    // Paths in the code: `crate::x::y`, `super::x`.
    for root in ["crate::", "super::"] {
      let mut at = 0;
      while let Some(found) = code[at..].find(root) {
        let start = at + found;
        at = start + root.len();
        if code[..start].ends_with(is_ident) {
          continue;
        }
        let len = code[start..]
          .find(|c: char| !(is_ident(c) || c == ':'))
          .unwrap_or(code.len() - start);
        if let Some(target) = resolve(module, &code[start..start + len], &known) {
          deps.insert(target);
        }
      }
    }
    deps.remove(module);
    graph.insert(module.clone(), deps);
  }
  graph
}

/// Each cycle as the modules on it, `a -> b -> a`.
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
  let name = |m: &Module| {
    if m.is_empty() {
      "crate".to_owned()
    } else {
      m.join("::")
    }
  };
  let mut found = Vec::new();
  let mut seen: BTreeSet<Module> = BTreeSet::new();
  for start in graph.keys() {
    if seen.contains(start) {
      continue;
    }
    // A shortest way back to `start`, breadth first.
    let mut came_from: BTreeMap<Module, Module> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    let mut back = None;
    while let Some(m) = queue.pop_front() {
      for next in graph.get(&m).into_iter().flatten() {
        if next == start {
          back = Some(m.clone());
          break;
        }
        if !came_from.contains_key(next) {
          came_from.insert(next.clone(), m.clone());
          queue.push_back(next.clone());
        }
      }
      if back.is_some() {
        break;
      }
    }
    if let Some(mut m) = back {
      let mut path = vec![start.clone()];
      let mut on_it = vec![m.clone()];
      while &m != start {
        m = came_from[&m].clone();
        if &m != start {
          on_it.push(m.clone());
        }
      }
      on_it.reverse();
      path.extend(on_it);
      path.push(start.clone());
      seen.extend(path.iter().cloned());
      found.push(path.iter().map(name).collect::<Vec<_>>().join(" -> "));
    }
  }
  found
}

#[test]
fn the_core_has_no_module_cycle() {
  let files = modules(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
  assert!(files.len() > 20, "read the sources: {} files", files.len());
  let graph = dependencies(&files);
  // The graph is the one the code has: spot checks.
  let deps = |m: &str| &graph[&m.split("::").map(str::to_owned).collect::<Module>()];
  assert!(deps("client").contains(&vec!["wire".to_owned(), "v1".to_owned()]));
  assert!(deps("wire::v2::parse").contains(&vec!["answers".to_owned()]));
  assert_eq!(cycles(&graph), Vec::<String>::new());
}

#[test]
fn the_check_finds_cycles_and_reads_code_only() {
  let m = |s: &str| s.split("::").map(str::to_owned).collect::<Module>();
  let files = vec![
    (vec![], "pub mod a;\npub mod b;\npub mod c;".to_owned()),
    (
      m("a"),
      "use crate::b::X;\n// crate::c in a comment\nconst S: &str = \"crate::c\";".to_owned(),
    ),
    (m("b"), "pub struct X;\nfn f() { super::a::g() }".to_owned()),
    (
      m("c"),
      "mod d;\npub use d::Y;\n#[cfg(test)]\nmod tests {\n  use crate::a;\n}".to_owned(),
    ),
    (m("c::d"), "use super::Z;".to_owned()),
  ];
  let graph = dependencies(&files);
  assert_eq!(graph[&m("a")], BTreeSet::from([m("b")]));
  assert_eq!(graph[&m("c")], BTreeSet::new());
  assert_eq!(graph[&m("c::d")], BTreeSet::from([m("c")]));
  assert_eq!(cycles(&graph), ["a -> b -> a"]);
  assert_eq!(
    expand("a::{b, c::{d, e as f}, self}"),
    ["a::b", "a::c::d", "a::c::e", "a"]
  );
}
