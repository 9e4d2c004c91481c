//! `cargo xtask corpus DIR [--out OUT]`: generates a crate for every OpenAPI document under DIR with
//! `cargo xtask generate`'s code path, then `cargo check`s each one with warnings as errors (with its
//! `mock` feature, so the fake server is checked too), in one shared target directory so
//! dependencies build once.

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

pub fn run(root: &Path, dir: &Path, out: &Path) -> Result<Vec<Outcome>, String> {
    let specs = spec_files(dir)?;
    if specs.is_empty() {
        return Err(format!("{}: no OpenAPI or Swagger documents", dir.display()));
    }
    let target = out.join("target");
    let lock = root.join("Cargo.lock");
    let mut outcomes = Vec::new();
    let names = unique_crate_names(&specs);
    for (spec, crate_name) in specs.into_iter().zip(names) {
        let crate_dir = out.join(&crate_name);
        let mut outcome = Outcome { spec: spec.clone(), crate_name: crate_name.clone(), warnings: 0, failure: None };
        match crate::generate::generate(root, &spec, &crate_dir, &crate_name) {
            Err(e) => outcome.failure = Some(format!("generate: {e}")),
            Ok(done) => {
                outcome.warnings = done.warnings.len();
                for warning in &done.warnings {
                    eprintln!("{warning}");
                }
                // The workspace's lock file pins the versions our own tests run with.
                if lock.exists() {
                    let _ = fs::copy(&lock, crate_dir.join("Cargo.lock"));
                }
                eprintln!("checking {crate_name}");
                let status = crate::cargo()
                    .args(["check", "--quiet", "--all-targets", "--features", "mock"])
                    .current_dir(&crate_dir)
                    .env("CARGO_TARGET_DIR", &target)
                    .env("RUSTFLAGS", "-D warnings")
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
