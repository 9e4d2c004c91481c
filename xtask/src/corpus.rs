//! `cargo xtask corpus DIR… [--out OUT] [--max-size BYTES]`: generates a crate for every OpenAPI
//! document under each DIR with `cargo xtask generate`'s code path, then `cargo check`s and
//! `cargo doc`s them all with rustc's and rustdoc's warnings as errors (with their `mock` feature,
//! so the fake servers are checked too) as members of one workspace under OUT: dependencies build
//! once, and the crates compile side by side on every core. `--max-size` leaves out documents larger than that
//! (all their files counted), to take a bounded share of a large corpus.

use std::fs;
use std::path::{Path, PathBuf};

/// One document's outcome.
#[derive(Debug)]
pub struct Outcome {
    /// The document, as found under the DIR it was searched in.
    pub spec: PathBuf,
    /// The crate generated for it under OUT, unique in the run.
    pub crate_name: String,
    /// How many warnings the generator gave for it (fallbacks it took; printed as they come).
    pub warnings: usize,
    /// `None` when it generated and compiled cleanly; otherwise what went wrong.
    pub failure: Option<String>,
    /// Left out by `--max-size`: not generated, not checked.
    pub skipped: bool,
}

/// The crate name for a document: its file stem (the directory's name for a multi-file
/// document's `openapi.yaml`), lowercased, other characters as `-`.
pub fn crate_name(spec: &Path) -> String {
    let mut stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    if stem == "openapi" {
        stem = spec.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str()).unwrap_or(stem);
    }
    package_name(stem)
}

/// `text` lowercased, other characters as `-`, with a prefix when it would not start with a letter.
fn package_name(text: &str) -> String {
    let name: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("api-{name}")
    }
}

/// [`crate_name`] for each document, with the folder's name in front where two documents would
/// get one name (`thousandeyes-7.0.85/unified.yaml` and `thousandeyes-7.0.100/unified.yaml`).
pub fn unique_crate_names(specs: &[PathBuf]) -> Vec<String> {
    let names: Vec<String> = specs.iter().map(|s| crate_name(s)).collect();
    specs
        .iter()
        .zip(&names)
        .map(|(spec, name)| {
            if names.iter().filter(|n| *n == name).count() == 1 {
                return name.clone();
            }
            // The folder that tells the two apart: the file's for a single file, the one above a
            // multi-file document's folder otherwise.
            let mut dir = spec.parent();
            if spec.file_stem().is_some_and(|s| s == "openapi") {
                dir = dir.and_then(Path::parent);
            }
            let folder = dir.and_then(|d| d.file_name()).map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            package_name(&format!("{folder}-{name}"))
        })
        .collect()
}

/// The OpenAPI documents under `dir`, sorted: a folder holding `openapi.yaml` (`.yml`, `.json`)
/// is one multi-file document rooted there (its other files are its parts); any other `.json`,
/// `.yaml` or `.yml` file is a document when it has a top-level `openapi` or `swagger` key.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs = Vec::new();
    collect(dir, &mut specs)?;
    specs.sort();
    Ok(specs)
}

fn collect(dir: &Path, specs: &mut Vec<PathBuf>) -> Result<(), String> {
    if let Some(root) = crate::regen::ROOT_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file()) {
        specs.push(root);
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, specs)?;
        } else if path.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml") && is_document(&path) {
            specs.push(path);
        }
    }
    Ok(())
}

/// Whether a file is an OpenAPI or Swagger document: a top-level `openapi` or `swagger` key.
fn is_document(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else { return false };
    codegen::load::parse_text(&text).is_ok_and(|v| v.get("openapi").is_some() || v.get("swagger").is_some())
}

/// Copies the workspace's lock file into a generated crate: it then builds with the versions our
/// own tests run with.
pub fn pin_versions(root: &Path, crate_dir: &Path) {
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        let _ = fs::copy(&lock, crate_dir.join("Cargo.lock"));
    }
}

/// `cargo <args>` in a generated crate, building in `target` (shared between crates, so
/// dependencies build once) with rustc's warnings as errors.
pub fn cargo_in(crate_dir: &Path, target: &Path, args: &[&str]) -> std::process::Command {
    let mut command = crate::cargo();
    command.args(args).current_dir(crate_dir).env("CARGO_TARGET_DIR", target).env("RUSTFLAGS", "-D warnings");
    command
}

/// Generates and checks every document under `dirs` no larger than `max_size` bytes.
pub fn run(root: &Path, dirs: &[PathBuf], out: &Path, max_size: Option<u64>) -> Result<Vec<Outcome>, String> {
    let mut specs = Vec::new();
    for dir in dirs {
        let found = spec_files(dir)?;
        if found.is_empty() {
            return Err(format!("{}: no OpenAPI or Swagger documents", dir.display()));
        }
        specs.extend(found);
    }
    let mut outcomes = Vec::new();
    let names = unique_crate_names(&specs);
    for (spec, crate_name) in specs.into_iter().zip(names) {
        let skipped = max_size.is_some_and(|max| document_size(&spec) > max);
        let mut outcome = Outcome { spec, crate_name, warnings: 0, failure: None, skipped };
        if !skipped {
            match crate::generate::generate(root, &outcome.spec, &out.join(&outcome.crate_name), &outcome.crate_name) {
                Err(e) => outcome.failure = Some(format!("generate: {e}")),
                Ok(done) => {
                    outcome.warnings = done.warnings.len();
                    for warning in &done.warnings {
                        eprintln!("{warning}");
                    }
                }
            }
        }
        outcomes.push(outcome);
    }
    let members: Vec<&str> =
        outcomes.iter().filter(|o| !o.skipped && o.failure.is_none()).map(|o| o.crate_name.as_str()).collect();
    if members.is_empty() {
        return Ok(outcomes);
    }
    let failed = check_workspace(root, out, &members)?;
    for outcome in &mut outcomes {
        if let Some((_, what)) = failed.iter().find(|(name, _)| *name == outcome.crate_name) {
            outcome.failure = Some(format!("{what} failed (see above)"));
        }
    }
    Ok(outcomes)
}

/// Bytes of a document: the file, or every file of a multi-file document's folder.
pub fn document_size(spec: &Path) -> u64 {
    fn tree(path: &Path) -> u64 {
        match fs::read_dir(path) {
            Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| tree(&e.path())).sum(),
            Err(_) => fs::metadata(path).map_or(0, |m| m.len()),
        }
    }
    let multi_file = spec.file_stem().is_some_and(|s| s == "openapi");
    match spec.parent() {
        Some(dir) if multi_file => tree(dir),
        _ => tree(spec),
    }
}

/// Makes `members` (crates written under `out` with `[workspace]` tables of their own) one
/// workspace, checks and documents it with warnings as errors; returns the crates that failed and
/// the step where.
fn check_workspace(root: &Path, out: &Path, members: &[&str]) -> Result<Vec<(String, &'static str)>, String> {
    for member in members {
        let manifest = out.join(member).join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
        let text = text.replace("\n[workspace]\n", "\n");
        crate::files::write_atomically(&manifest, &text)?;
        let _ = fs::remove_file(out.join(member).join("Cargo.lock"));
    }
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    let manifest = format!(
        "# Written by `cargo xtask corpus`: every generated crate, checked together.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        list.join(", ")
    );
    crate::files::write_atomically(&out.join("Cargo.toml"), &manifest)?;
    // The workspace's lock file pins the versions our own tests run with.
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        fs::copy(&lock, out.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    eprintln!("checking {} crate(s)", members.len());
    let mut failed = Vec::new();
    // rustc's warnings, then rustdoc's (documents' prose becomes every item's documentation).
    // Both steps see both flags, as `fuzz-compile`'s do: a `RUSTFLAGS` that changed between them
    // would make cargo build every dependency again for the second.
    for (what, args) in [("cargo check", ["check", "--all-targets"]), ("cargo doc", ["doc", "--no-deps"])] {
        let output = crate::cargo()
            .args(args)
            .args(["--workspace", "--features", "mock", "--keep-going", "--message-format", "short"])
            .current_dir(out)
            .env("RUSTFLAGS", "-D warnings")
            .env("RUSTDOCFLAGS", "-D warnings")
            .stdout(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        eprint!("{stderr}");
        let before = failed.len();
        for member in members {
            let broken = [format!("could not compile `{member}`"), format!("could not document `{member}`")];
            if broken.iter().any(|b| stderr.contains(b.as_str())) && !failed.iter().any(|(m, _)| m == member) {
                failed.push(((*member).to_owned(), what));
            }
        }
        if !output.status.success() && failed.len() == before {
            return Err(format!("{what} failed before reaching the generated crates (see above)"));
        }
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_documents_never_share_a_crate() {
        let specs: Vec<PathBuf> =
            ["c/te-7.0.85/unified.yaml", "c/te-7.0.100/unified.yaml", "c/lago/openapi.yaml", "c/x.json"]
                .iter()
                .map(PathBuf::from)
                .collect();
        assert_eq!(unique_crate_names(&specs), ["te-7-0-85-unified", "te-7-0-100-unified", "lago", "x"]);
    }
}
