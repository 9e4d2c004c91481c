//! `cargo xtask fuzz-compile [--cases N] [--seed S] [--out DIR]`: the compile fuzzer.
//!
//! Generates `N` adversarial OpenAPI documents ([`document`]: deterministic from the seed), saves
//! each as `OUT/doc_{i}.json`, generates them together into a crate (`OUT/crate_{k}`, up to
//! [`DOCUMENTS_PER_CRATE`] each: each document the module `doc_{i}`, all sharing one copy of the
//! runtime, as usage-client's modules do), then runs `cargo check`, `cargo clippy` and `cargo doc`
//! on each crate with every warning an error, in one target directory (`OUT/target`). A document the generator refuses with an error that names a
//! place in it is counted and listed; an internal error (a panic included), output that differs
//! between two generations, or any warning or error from rustc, clippy or rustdoc fails the run,
//! naming the documents at fault.

mod document;
mod files;
mod schema;
mod swagger2;
mod words;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use document::document;

use crate::corpus::{cargo_in, pin_versions};
use crate::files::write_atomically;

/// The command, as generated files name it.
const COMMAND: &str = "cargo xtask fuzz-compile";

/// What to run (`cli::FuzzCompile`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// How many documents to make (at least 1); more than [`DOCUMENTS_PER_CRATE`] makes several
    /// crates.
    pub cases: usize,
    /// What the documents are made from: the same seed and case make the same document.
    pub seed: u64,
    /// Where the documents, the crates and their shared target directory go.
    pub out: PathBuf,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// How many documents were made.
    pub cases: usize,
    /// Documents generated into the crate, by case index.
    pub generated: Vec<usize>,
    /// Documents refused with an error that names the place (case, message): not a failure.
    pub rejected: Vec<(usize, String)>,
    /// Generator bugs: internal errors, panics and output that differs between two runs (case,
    /// message).
    pub internal: Vec<(usize, String)>,
    /// Fallbacks the generator warned about, over all documents.
    pub warnings: usize,
    /// The cargo steps run, in order, until the first that failed.
    pub steps: Vec<Step>,
}

/// One cargo step over the crate.
#[derive(Debug)]
pub struct Step {
    /// The command and the crate (`cargo clippy crate_3`).
    pub name: String,
    /// Wall-clock time the step took.
    pub seconds: f64,
    /// Whether cargo succeeded and no diagnostic named a document.
    pub passed: bool,
    /// The documents named by a diagnostic, by case index, in order.
    pub culprits: Vec<usize>,
    /// Diagnostics (errors and warnings) as rustc renders them.
    pub diagnostics: Vec<String>,
}

impl Report {
    /// Whether the run is clean: no generator bug and every cargo step passed (refused
    /// documents do not count against it).
    pub fn passed(&self) -> bool {
        self.internal.is_empty() && self.steps.iter().all(|s| s.passed)
    }

    /// A summary for people: counts, refused documents, and each failure with how to reproduce it.
    pub fn render(&self, config: &Config) -> String {
        let mut out = String::new();
        let out_dir = config.out.display();
        let _ = writeln!(
            out,
            "fuzz-compile, seed {}: {} documents, {} generated into {out_dir}/crate_*, {} refused with an \
             error, {} generator warnings",
            config.seed,
            self.cases,
            self.generated.len(),
            self.rejected.len(),
            self.warnings
        );
        for (case, message) in &self.rejected {
            let _ = writeln!(out, "  refused doc_{case}.json: {message}");
        }
        for (case, message) in &self.internal {
            let _ = writeln!(out, "INTERNAL ERROR doc_{case}.json: {message}");
        }
        for step in &self.steps {
            let verdict = if step.passed { "clean" } else { "FAILED" };
            let _ = writeln!(out, "{}: {verdict} ({:.1} s)", step.name, step.seconds);
            if !step.passed {
                for diagnostic in &step.diagnostics {
                    let _ = writeln!(out, "{diagnostic}");
                }
            }
        }
        let culprits: Vec<usize> = {
            let mut all: Vec<usize> = self.internal.iter().map(|(c, _)| *c).collect();
            all.extend(self.steps.iter().flat_map(|s| s.culprits.iter().copied()));
            all.sort_unstable();
            all.dedup();
            all
        };
        if !culprits.is_empty() {
            let list: Vec<String> = culprits.iter().map(|c| format!("doc_{c}")).collect();
            let _ = writeln!(out, "\ndocuments at fault: {}", list.join(", "));
            let first = culprits[0];
            let _ = writeln!(
                out,
                "reproduce one alone: cargo xtask generate --spec {out_dir}/doc_{first}.json --out /tmp/doc_{first} \
                 --name doc-{first} && (cd /tmp/doc_{first} && cargo clippy --no-default-features -- -D warnings)"
            );
        }
        out
    }
}

/// The cargo steps over the crate, each with every warning an error (`RUSTFLAGS` and
/// `RUSTDOCFLAGS` `-D warnings`, clippy's own `-D warnings`). No TLS: it adds nothing to what is
/// checked and much to the build. The library is the crate's only target (`--all-targets` would
/// check it a second time, as a test harness).
const STEPS: [(&str, &[&str]); 3] = [
    ("cargo check", &["check", "--lib", "--no-default-features", "--message-format", "json"]),
    ("cargo clippy", &["clippy", "--lib", "--no-default-features", "--message-format", "json", "--", "-D", "warnings"]),
    ("cargo doc", &["doc", "--lib", "--no-deps", "--no-default-features", "--message-format", "json"]),
];

/// Documents per crate. rustc holds a whole crate in memory (about 1.7 GB at 40 documents, 17 GB
/// at 500), so a larger run is several crates, checked one after another.
pub const DOCUMENTS_PER_CRATE: usize = 40;

/// Generates the documents and the crates, and checks them.
pub fn run(root: &Path, config: &Config) -> Result<Report, String> {
    // Absolute: cargo runs in each crate's directory, the target directory is shared.
    let out = std::path::absolute(&config.out).map_err(|e| format!("{}: {e}", config.out.display()))?;
    // What an earlier run wrote goes; the target directory stays, to build incrementally.
    for entry in fs::read_dir(&out).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("doc_") && name.ends_with(".json") {
            let _ = fs::remove_file(entry.path());
        } else if name.starts_with("crate_") {
            let src = entry.path().join("src");
            if src.exists() {
                fs::remove_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
            }
        }
    }
    let crate_dir = |case: usize| out.join(format!("crate_{}", case / DOCUMENTS_PER_CRATE));
    let mut report = Report { cases: config.cases, ..Report::default() };
    let started = Instant::now();
    for case in 0..config.cases {
        let mut written = std::collections::BTreeMap::new();
        for (name, value) in files::files(config.seed, case) {
            let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
            write_atomically(&out.join(&name), &text)?;
            written.insert(name, text);
        }
        let file = format!("doc_{case}.json");
        let source = files::Files(written);
        let options = codegen::Options::module(file.clone(), &format!("doc_{case}")).command(COMMAND);
        let generated = codegen::load(&file, &source).and_then(|doc| codegen::generate(&doc, &options));
        // Output is a pure function of the document: a second run gives the same bytes.
        let again = codegen::load(&file, &source).and_then(|doc| codegen::generate(&doc, &options));
        if let (Ok(first), Ok(second)) = (&generated, &again) {
            if first != second {
                report.internal.push((case, "two generations of the document differ".to_owned()));
                continue;
            }
        }
        match generated {
            Ok(output) => {
                report.warnings += output.warnings.len();
                let module = crate_dir(case).join("src").join(format!("doc_{case}"));
                for generated in &output.files {
                    write_atomically(&module.join(&generated.path), &generated.contents)?;
                }
                report.generated.push(case);
            }
            Err(e @ codegen::Error::Internal { .. }) => report.internal.push((case, e.to_string())),
            Err(e) => report.rejected.push((case, e.to_string())),
        }
    }
    eprintln!("fuzz-compile: {} documents generated in {:.1} s", config.cases, started.elapsed().as_secs_f64());

    let target = out.join("target");
    for first in (0..config.cases).step_by(DOCUMENTS_PER_CRATE) {
        let cases: Vec<usize> =
            report.generated.iter().copied().filter(|c| (first..first + DOCUMENTS_PER_CRATE).contains(c)).collect();
        if cases.is_empty() {
            continue;
        }
        let dir = crate_dir(first);
        write_crate(root, config, &dir, &cases)?;
        let label = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for (name, args) in STEPS {
            let name = format!("{name} {label}");
            eprintln!("fuzz-compile: {name}");
            let mut command = cargo_in(&dir, &target, args);
            command.env("RUSTDOCFLAGS", "-D warnings");
            let step = run_step(name, command)?;
            let passed = step.passed;
            report.steps.push(step);
            // The next step would repeat what failed; the next crate has other documents.
            if !passed {
                break;
            }
        }
    }
    Ok(report)
}

/// Writes a crate: `Cargo.toml`, `src/lib.rs` (one module per generated document) and the runtime.
fn write_crate(root: &Path, config: &Config, crate_dir: &Path, cases: &[usize]) -> Result<(), String> {
    let source = format!("{COMMAND} --seed {} --cases {}", config.seed, config.cases);
    let manifest = crate::generate::manifest("fuzz-compile", "compile fuzzer's documents", &source);
    write_atomically(&crate_dir.join("Cargo.toml"), &manifest)?;
    pin_versions(root, crate_dir);
    let mut lib = format!(
        "//! Documents of `{source}`, each generated into a module (`doc_N` from `doc_N.json`).\n\n\
         pub mod runtime;\n"
    );
    for case in cases {
        let _ = write!(lib, "#[rustfmt::skip]\npub mod doc_{case};\n");
    }
    write_atomically(&crate_dir.join("src/lib.rs"), &lib)?;
    for (relative, contents) in crate::generate::runtime_files(root)? {
        write_atomically(&crate_dir.join("src").join(relative), &contents)?;
    }
    Ok(())
}

/// Runs one cargo step, reading its JSON messages for diagnostics and the documents they name.
fn run_step(name: String, mut command: std::process::Command) -> Result<Step, String> {
    let started = Instant::now();
    let output =
        command.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut step = Step {
        name,
        seconds: started.elapsed().as_secs_f64(),
        passed: output.status.success(),
        culprits: Vec::new(),
        diagnostics: Vec::new(),
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let diagnostic = &message["message"];
        let spans = diagnostic["spans"].as_array().map(Vec::as_slice).unwrap_or_default();
        if spans.is_empty() && diagnostic["level"] != "error" {
            continue;
        }
        for span in spans {
            if let Some(case) = span["file_name"].as_str().and_then(case_of) {
                if !step.culprits.contains(&case) {
                    step.culprits.push(case);
                }
            }
        }
        if let Some(rendered) = diagnostic["rendered"].as_str() {
            step.diagnostics.push(rendered.trim_end().to_owned());
        }
    }
    // A diagnostic in a generated `doc_N` file fails the step, even where cargo did not (a
    // warning rustdoc let through); one only in the copied runtime is the runtime's own checks'.
    if step.diagnostics.iter().any(|d| !d.starts_with("error: aborting")) && !step.culprits.is_empty() {
        step.passed = false;
    }
    Ok(step)
}

/// The case a generated file belongs to: `src/doc_12/types.rs` → 12.
fn case_of(file: &str) -> Option<usize> {
    let rest = &file[file.find("doc_")? + 4..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    rest[digits.len()..].starts_with(['/', '\\']).then(|| digits.parse().ok()).flatten()
}

#[cfg(test)]
mod tests;
