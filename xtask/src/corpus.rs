//! `cargo xtask corpus DIR [--out OUT]`: generates a crate for every OpenAPI document under DIR with
//! `cargo xtask generate`'s code path, then `cargo check`s each one with warnings as errors, in one
//! shared target directory so dependencies build once.

use std::fs;
use std::path::{Path, PathBuf};

/// One document's outcome.
#[derive(Debug)]
pub struct Outcome {
    pub spec: PathBuf,
    pub crate_name: String,
    pub warnings: usize,
    /// `None` when it generated and compiled cleanly; otherwise what went wrong.
    pub failure: Option<String>,
}

/// The crate name for a document: its file stem (the directory's name for a multi-file
/// document's `openapi.yaml`), lowercased, other characters as `-`.
pub fn crate_name(spec: &Path) -> String {
    let mut stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    if stem == "openapi" {
        stem = spec.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str()).unwrap_or(stem);
    }
    let name: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("api-{name}")
    }
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
    if let Some(root) = crate::codegen::ROOT_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file()) {
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

pub fn run(root: &Path, dir: &Path, out: &Path) -> Result<Vec<Outcome>, String> {
    let specs = spec_files(dir)?;
    if specs.is_empty() {
        return Err(format!("{}: no OpenAPI or Swagger documents", dir.display()));
    }
    let target = out.join("target");
    let mut outcomes = Vec::new();
    for spec in specs {
        let crate_name = crate_name(&spec);
        let crate_dir = out.join(&crate_name);
        let mut outcome = Outcome { spec: spec.clone(), crate_name: crate_name.clone(), warnings: 0, failure: None };
        match crate::generate::generate(root, &spec, &crate_dir, &crate_name) {
            Err(e) => outcome.failure = Some(format!("generate: {e}")),
            Ok(done) => {
                outcome.warnings = done.warnings.len();
                for warning in &done.warnings {
                    eprintln!("{warning}");
                }
                pin_versions(root, &crate_dir);
                eprintln!("checking {crate_name}");
                let status = cargo_in(&crate_dir, &target, &["check", "--quiet", "--all-targets"])
                    .status()
                    .map_err(|e| format!("cannot run cargo: {e}"))?;
                if !status.success() {
                    outcome.failure = Some("cargo check failed (see above)".into());
                }
            }
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}
