//! `cargo xtask codegen [--check]`: every `spec/<name>.{yaml,yml,json}`, and every multi-file
//! `spec/<name>/openapi.{yaml,yml,json}`, becomes the module `usage-client/src/<name>/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::files::write_atomically;

/// Where generated modules live, relative to the workspace root.
pub const CLIENT_SRC: &str = "usage-client/src";
/// Where specs live, relative to the workspace root.
pub const SPEC_DIR: &str = "spec";
/// The command that regenerates; named in headers and in the advice of `--check`.
pub const COMMAND: &str = "cargo xtask codegen";

/// One spec and the module it becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The module name: the file stem.
    pub name: String,
    /// Relative to the workspace root, with `/` separators.
    pub path: String,
}

/// Everything the specs produce: file path (relative to the root) → contents.
#[derive(Debug, Default)]
pub struct Generated {
    /// The specs it came from, sorted by name.
    pub specs: Vec<Spec>,
    /// Every generated file, by its path relative to the workspace root.
    pub files: BTreeMap<PathBuf, String>,
    /// Fallbacks the generator took, each prefixed with its spec's path.
    pub warnings: Vec<String>,
}

/// The specs under `spec/`, sorted by name: every `spec/<name>.{yaml,yml,json}`, and every
/// multi-file document `spec/<name>/openapi.{yaml,yml,json}` (whose `$ref`s reach the other
/// files of `spec/<name>/`).
pub fn specs(root: &Path) -> Result<Vec<Spec>, String> {
    let dir = root.join(SPEC_DIR);
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut specs = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?.path();
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default().to_owned();
        let (name, relative) = if path.is_dir() {
            match ROOT_FILES.iter().find(|root| path.join(root).is_file()) {
                Some(root) => (file.clone(), format!("{file}/{root}")),
                None => continue,
            }
        } else if is_spec_path(&file) {
            (path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned(), file.clone())
        } else {
            continue;
        };
        if !is_module_name(&name) {
            return Err(format!(
                "{SPEC_DIR}/{relative}: the name `{name}` must be a Rust module name (lowercase letters, digits and `_`, \
                 starting with a letter, not `runtime` or a keyword), since it becomes `usage_client::<name>`"
            ));
        }
        if let Some(other) = specs.iter().find(|s: &&Spec| s.name == name) {
            return Err(format!("{SPEC_DIR}/{relative} and {} would both become module `{name}`", other.path));
        }
        specs.push(Spec { name, path: format!("{SPEC_DIR}/{relative}") });
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(specs)
}

/// The root file of a multi-file spec's directory.
pub const ROOT_FILES: &[&str] = &["openapi.yaml", "openapi.yml", "openapi.json"];

/// Whether a path under `spec/` is a spec: `<name>.{yaml,yml,json}` or `<name>/openapi.{…}`.
pub fn is_spec_path(relative: &str) -> bool {
    match relative.split_once('/') {
        None => [".yaml", ".yml", ".json"].iter().any(|e| relative.ends_with(e)),
        Some((_, rest)) => ROOT_FILES.contains(&rest),
    }
}

fn is_module_name(name: &str) -> bool {
    const TAKEN: &[&str] =
        &["runtime", "lib", "main", "self", "super", "crate", "type", "mod", "use", "fn", "struct", "enum"];
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !TAKEN.contains(&name)
}

/// Runs the generator over every spec. Nothing is written.
pub fn generate(root: &Path) -> Result<Generated, String> {
    let mut out = Generated { specs: specs(root)?, ..Generated::default() };
    for spec in &out.specs {
        let full = root.join(&spec.path);
        let doc = crate::source::load(&full).map_err(|e| e.replacen(&full.display().to_string(), &spec.path, 1))?;
        let options = codegen::Options::module(spec.path.clone(), &spec.name);
        let output = codegen::generate(&doc, &options).map_err(|e| format!("{}: {e}", spec.path))?;
        out.warnings.extend(output.warnings.iter().map(|w| format!("{}: {w}", spec.path)));
        for file in output.files {
            out.files.insert(Path::new(CLIENT_SRC).join(&spec.name).join(&file.path), file.contents);
        }
    }
    Ok(out)
}

/// Generated files present on disk: `usage-client/src/*/*.rs` whose first line is the marker.
pub fn existing(root: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    let mut found = BTreeMap::new();
    let src = root.join(CLIENT_SRC);
    let dirs = fs::read_dir(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    for dir in dirs.flatten() {
        if !dir.path().is_dir() {
            continue;
        }
        for file in
            fs::read_dir(dir.path()).map_err(|e| format!("cannot read {}: {e}", dir.path().display()))?.flatten()
        {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let contents = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                if is_generated(&contents) {
                    let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                    found.insert(relative, contents);
                }
            }
        }
    }
    Ok(found)
}

fn is_generated(contents: &str) -> bool {
    contents.starts_with(codegen::GENERATED_MARKER)
}

/// A way the tree differs from what the specs produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// The file differs; `diff` is a unified diff from the tree to the expected contents.
    Changed {
        /// The file, relative to the workspace root.
        path: PathBuf,
        /// What would change, as a unified diff.
        diff: String,
    },
    /// A file the specs produce is not in the tree.
    Missing {
        /// The file, relative to the workspace root.
        path: PathBuf,
    },
    /// A generated file whose spec is gone.
    Extra {
        /// The file, relative to the workspace root.
        path: PathBuf,
    },
    /// usage-client does not register a spec's module: `lib.rs` does not declare it, or
    /// `Cargo.toml` has no feature of its name.
    Unregistered {
        /// The spec's module name.
        name: String,
    },
}

/// Compares the tree with what the specs produce, writing nothing.
pub fn check(root: &Path) -> Result<Vec<Drift>, String> {
    let generated = generate(root)?;
    let mut on_disk = existing(root)?;
    let mut drift = Vec::new();
    for (path, expected) in &generated.files {
        match on_disk.remove(path) {
            Some(actual) if actual == *expected => {}
            Some(actual) => {
                drift.push(Drift::Changed { path: path.clone(), diff: unified_diff(path, &actual, expected) })
            }
            None => drift.push(Drift::Missing { path: path.clone() }),
        }
    }
    drift.extend(on_disk.into_keys().map(|path| Drift::Extra { path }));
    drift.extend(unregistered(root, &generated.specs)?.into_iter().map(|name| Drift::Unregistered { name }));
    Ok(drift)
}

/// What `write` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files created or overwritten, relative to the workspace root.
    pub written: Vec<PathBuf>,
    /// Generated files deleted because their spec is gone, relative to the workspace root.
    pub removed: Vec<PathBuf>,
    /// How many files already held what the specs produce, so were left alone.
    pub unchanged: usize,
    /// Fallbacks the generator took, each prefixed with its spec's path.
    pub warnings: Vec<String>,
}

/// Regenerates: writes changed files atomically, removes generated files whose spec is gone, and
/// never touches a file that lacks the generated header.
pub fn write(root: &Path) -> Result<Written, String> {
    let generated = generate(root)?;
    let mut on_disk = existing(root)?;
    let mut done = Written { warnings: generated.warnings, ..Written::default() };
    for (path, contents) in &generated.files {
        match on_disk.remove(path) {
            Some(actual) if actual == *contents => done.unchanged += 1,
            _ => {
                let full = root.join(path);
                if full.exists() && !is_generated(&fs::read_to_string(&full).unwrap_or_default()) {
                    return Err(format!(
                        "{}: exists without the generated header; refusing to overwrite a hand-written file",
                        path.display()
                    ));
                }
                write_atomically(&full, contents)?;
                done.written.push(path.clone());
            }
        }
    }
    for path in on_disk.into_keys() {
        let full = root.join(&path);
        fs::remove_file(&full).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(dir) = full.parent() {
            // Only succeeds when the directory is empty, which is what we want.
            let _ = fs::remove_dir(dir);
        }
        done.removed.push(path);
    }
    let missing = unregistered(root, &generated.specs)?;
    if !missing.is_empty() {
        let lines: Vec<String> = missing.iter().map(|n| format!("#[cfg(feature = \"{n}\")] pub mod {n};")).collect();
        let features: Vec<String> = missing.iter().map(|n| format!("{n} = []")).collect();
        return Err(format!(
            "generated, but usage-client does not declare the new module(s) behind a feature of their name; add to \
             {CLIENT_SRC}/lib.rs: {}; to usage-client/Cargo.toml [features]: {} (and to `default`)",
            lines.join(" "),
            features.join(", ")
        ));
    }
    Ok(done)
}

/// Spec modules that `lib.rs` does not declare with `pub mod <name>;`, or that have no feature
/// `<name>` in usage-client's manifest.
fn unregistered(root: &Path, specs: &[Spec]) -> Result<Vec<String>, String> {
    let read = |path: PathBuf| fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()));
    let lib = read(root.join(CLIENT_SRC).join("lib.rs"))?;
    let manifest = read(root.join(CLIENT_SRC).join("../Cargo.toml"))?;
    let declared: Vec<&str> =
        lib.lines().filter_map(|l| l.trim().strip_prefix("pub mod ")?.strip_suffix(';')).map(str::trim).collect();
    let features: Vec<&str> = manifest
        .lines()
        .skip_while(|l| l.trim() != "[features]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim()))
        .collect();
    Ok(specs
        .iter()
        .filter(|s| !declared.contains(&s.name.as_str()) || !features.contains(&s.name.as_str()))
        .map(|s| s.name.clone())
        .collect())
}

fn unified_diff(path: &Path, actual: &str, expected: &str) -> String {
    let shown = path.display().to_string();
    similar::TextDiff::from_lines(actual, expected)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{shown} (in the tree)"), &format!("{shown} (from its spec)"))
        .to_string()
}

/// A report of drift for a person: the first differences in full, then a count, then the fix.
pub fn report(drift: &[Drift]) -> String {
    const MAX_DIFF_LINES: usize = 60;
    const MAX_DIFFS: usize = 3;
    let mut out = String::new();
    let mut diffs_shown = 0;
    for d in drift {
        match d {
            Drift::Changed { path, diff } => {
                let _ = writeln!(out, "stale: {}", path.display());
                if diffs_shown < MAX_DIFFS {
                    diffs_shown += 1;
                    let lines: Vec<&str> = diff.lines().collect();
                    for line in lines.iter().take(MAX_DIFF_LINES) {
                        let _ = writeln!(out, "    {line}");
                    }
                    if lines.len() > MAX_DIFF_LINES {
                        let _ = writeln!(out, "    … {} more diff lines", lines.len() - MAX_DIFF_LINES);
                    }
                }
            }
            Drift::Missing { path } => {
                let _ = writeln!(out, "missing: {}", path.display());
            }
            Drift::Extra { path } => {
                let _ = writeln!(out, "no longer produced by any spec: {}", path.display());
            }
            Drift::Unregistered { name } => {
                let _ = writeln!(
                    out,
                    "usage-client does not declare `pub mod {name};` in {CLIENT_SRC}/lib.rs with a feature `{name}`"
                );
            }
        }
    }
    let _ = writeln!(out, "\nGenerated code is out of date with spec/. Run `{COMMAND}` and commit the result.");
    out
}
