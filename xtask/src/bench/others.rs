//! The other generators measured beside ours: openapi-generator and progenitor.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::stats::{time, Stats};
use super::PROGENITOR;

/// openapi-generator's `rust` generator (reqwest library) on the same document, when installed.
pub(super) fn openapi_generator(spec: &Path, out: &Path, runs: usize) -> Result<Stats, String> {
    let generate = time(runs.min(3), || {
        let _ = fs::remove_dir_all(out);
        let output = Command::new("openapi-generator-cli")
            .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
            .arg(spec)
            .arg("-o")
            .arg(out)
            .args(["--additional-properties", "packageName=oag_bench"])
            .output()
            .map_err(|e| format!("openapi-generator-cli: {e} (pip install openapi-generator-cli)"))?;
        output
            .status
            .success()
            .then_some(())
            .ok_or_else(|| format!("openapi-generator-cli failed: {}", String::from_utf8_lossy(&output.stderr)))
    })?;
    own_workspace(out)?;
    Ok(generate)
}

/// Makes the crate another generator wrote a workspace of its own, like ours, so it builds inside
/// this checkout.
fn own_workspace(out: &Path) -> Result<(), String> {
    let manifest = out.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| format!("{}: {e}", manifest.display()))
}

/// progenitor's `cargo progenitor` on the same document (a crate of its own, builder interface,
/// as ours), when `cargo-progenitor` is on the PATH. A document it cannot take fails with the first
/// line of what it said (it panics on constructs it does not support).
pub(super) fn progenitor(spec: &Path, out: &Path, runs: usize) -> Result<Stats, String> {
    let generate = time(runs.min(3), || {
        let _ = fs::remove_dir_all(out);
        // The subcommand's binary itself, so cargo's start is not counted against it.
        let output = Command::new("cargo-progenitor")
            .args(["progenitor", "--interface", "builder", "--name", "progenitor-bench", "--version", "0.1.0", "-i"])
            .arg(spec)
            .arg("-o")
            .arg(out)
            .output()
            .map_err(|e| {
                format!("cargo-progenitor: {e} (cargo install cargo-progenitor --version {PROGENITOR} --locked)")
            })?;
        if output.status.success() {
            return Ok(());
        }
        let said = String::from_utf8_lossy(&output.stderr);
        let mut lines = said.lines().map(str::trim).filter(|l| !l.is_empty());
        // A panic names its place on one line and says what on the next.
        let first = lines.by_ref().find(|l| !l.starts_with("Compiling") && !l.starts_with("Finished"));
        let reason = match first {
            Some(l) if l.contains("panicked at") => lines.next().unwrap_or(l),
            Some(l) => l,
            None => "no output",
        };
        Err(format!("`{reason}`"))
    })?;
    own_workspace(out)?;
    Ok(generate)
}
