//! The shape of the hand-written code. Read from its imports: no two files of a crate import
//! each other, and the generator's stages import only backwards (`names` does not reach into
//! `render`); a path counts when code names it (`use super::x`, `crate::x::f()`), not in comments,
//! string literals or unit tests (`#[cfg(test)] mod tests`). Read from its length: no
//! hand-written source file is longer than a reader can hold.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The source directories read, one per crate.
const CRATES: [&str; 3] = ["codegen/src", "usage-client/src", "xtask/src"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the workspace").to_owned()
}

/// Every `.rs` file under `dir`, by module path (`render/cx`, `load` for `load/mod.rs`, `` for
/// `lib.rs`).
fn modules(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).expect("readable source directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(dir).expect("under dir").with_extension("");
                let relative = relative.to_string_lossy().replace('\\', "/");
                let module = match relative.as_str() {
                    "lib" | "main" => String::new(),
                    other => other.strip_suffix("/mod").unwrap_or(other).to_owned(),
                };
                out.insert(module, std::fs::read_to_string(&path).expect("readable source"));
            }
        }
    }
    out
}

/// The code of a file without comments, string and char literals, or its unit tests.
fn code_only(source: &str) -> String {
    let source = match source.find("#[cfg(test)]\nmod tests") {
        Some(at) => &source[..at],
        None => source,
    };
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            'r' if matches!(chars.get(i + 1), Some('"' | '#')) && (i == 0 || !is_ident(chars[i - 1])) => {
                // A raw string: r"…", r#"…"#.
                let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
                if chars.get(i + 1 + hashes) != Some(&'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
                let rest: String = chars[i + 2 + hashes..].iter().collect();
                let end = rest.find(&close).map_or(rest.len(), |e| e + close.len());
                i += 2 + hashes + rest[..end].chars().count();
                out.push_str("\"\"");
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            // A char literal ('a', '\n'), not a lifetime ('a).
            '\'' if chars.get(i + 2) == Some(&'\'') || chars.get(i + 1) == Some(&'\\') => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The files a module's code reaches through `crate::`, `super::` and `self::` paths, in `use`
/// trees (`use super::{a, b::{c, d}}`) and in code (`crate::x::f()`).
fn imports(module: &str, code: &str, files: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let word_start = at == 0 || !is_ident(rest[..at].chars().next_back().unwrap_or(' '));
        let end = rest[at..].find(';').map_or(rest.len(), |e| at + e);
        if word_start {
            let tree: String = rest[at + 4..end].chars().filter(|c| !c.is_whitespace()).collect();
            paths.extend(expand(&tree));
        }
        paths.extend(code_paths(&rest[..at]));
        rest = if word_start { &rest[end..] } else { &rest[at + 4..] };
    }
    paths.extend(code_paths(rest));
    let own: Vec<&str> = if module.is_empty() { vec![] } else { module.split('/').collect() };
    let mut out = BTreeSet::new();
    for path in paths {
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let (mut at, rest): (Vec<&str>, &[&str]) = match segments.first() {
            Some(&"crate") => (vec![], &segments[1..]),
            Some(&"self") => (own.clone(), &segments[1..]),
            Some(&"super") => {
                let ups = segments.iter().take_while(|s| **s == "super").count();
                (own[..own.len().saturating_sub(ups)].to_vec(), &segments[ups..])
            }
            _ => continue,
        };
        let mut target = None;
        for segment in rest {
            at.push(segment);
            let name = at.join("/");
            if files.contains_key(&name) {
                target = Some(name);
            }
        }
        if let Some(target) = target {
            if module != target && !module.starts_with(&format!("{target}/")) {
                out.insert(target);
            }
        }
    }
    out
}

/// The paths code outside `use` names: runs of identifiers and `::`.
fn code_paths(code: &str) -> Vec<String> {
    code.split(|c: char| !(is_ident(c) || c == ':')).filter(|t| t.contains("::")).map(str::to_owned).collect()
}

/// A `use` tree without whitespace, as paths: `super::{a,b::{c,d}}` → `super::a`, `super::b::c`,
/// `super::b::d`.
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else { return vec![tree.to_owned()] };
    let prefix = &tree[..open];
    let mut depth = 0;
    let mut items = Vec::new();
    let mut start = open + 1;
    for (i, c) in tree.char_indices().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    items.push(&tree[start..i]);
                    break;
                }
            }
            ',' if depth == 1 => {
                items.push(&tree[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.into_iter().filter(|i| !i.is_empty()).flat_map(expand).map(|p| format!("{prefix}{p}")).collect()
}

fn graph(root: &str) -> BTreeMap<String, BTreeSet<String>> {
    let files = modules(&workspace().join(root));
    files.iter().map(|(module, source)| (module.clone(), imports(module, &code_only(source), &files))).collect()
}

#[test]
fn no_two_files_of_a_crate_import_each_other() {
    for root in CRATES {
        let graph = graph(root);
        let mut pairs = Vec::new();
        for (a, targets) in &graph {
            for b in targets {
                if a < b && graph.get(b).is_some_and(|back| back.contains(a)) {
                    pairs.push(format!("{a} <-> {b}"));
                }
            }
        }
        assert!(pairs.is_empty(), "{root}: files that import each other: {pairs:?}");
    }
}

#[test]
fn names_does_not_reach_into_the_renderer() {
    let graph = graph("codegen/src");
    let names = &graph["names"];
    assert!(!names.iter().any(|t| t == "render" || t.starts_with("render/")), "names imports {names:?}");
}

#[test]
fn the_reader_sees_imports_through_groups_and_ignores_comments() {
    let files: BTreeMap<String, String> =
        ["", "a", "b", "b/c", "x"].iter().map(|m| ((*m).to_owned(), String::new())).collect();
    let code =
        code_only("use super::{\n    a,\n    b::{c, self},\n};\n// crate::x\nfn f() { let s = \"crate::x\"; }\n");
    assert_eq!(imports("d", &code, &files), BTreeSet::from(["a".to_owned(), "b".to_owned(), "b/c".to_owned()]));
    assert!(imports("b/c", &code_only("use super::x;"), &files).is_empty(), "a file's own parent");
}

/// Where the brief splits a file: at about 900 lines, by concern.
const MOST_LINES: usize = 900;

#[test]
fn no_hand_written_file_is_longer_than_a_reader_can_hold() {
    let mut long = Vec::new();
    for root in CRATES.iter().copied().chain(["codegen/tests", "usage-client/tests", "xtask/tests"]) {
        for (module, source) in modules(&workspace().join(root)) {
            // Generated files say so on their first line; goldens live under `codegen/tests/golden`.
            if source.starts_with("// @generated") || module.starts_with("golden/") {
                continue;
            }
            let lines = source.lines().count();
            if lines > MOST_LINES {
                long.push(format!("{root}/{module}: {lines} lines"));
            }
        }
    }
    assert!(long.is_empty(), "split by concern: {long:?}");
}
