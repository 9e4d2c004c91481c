//! `cargo xtask bench`: how fast the generator is, what its output costs to compile, and how fast
//! the client is at run time. Prints Markdown tables; BENCHMARKS.md says how to read them.
//!
//! Timings are wall-clock medians of several runs with min–max beside them. Nothing here asserts a
//! timing: the numbers are for people.
//!
//! One file per concern: this one the configuration and the order of the sections, `stats.rs` the
//! timing and its figures, `generate.rs` the generation table, `compile.rs` the compile table,
//! `others.rs` the other generators measured beside ours (openapi-generator, progenitor) and
//! `client.rs` the client benchmarks of usage-client.

mod client;
mod compile;
mod generate;
mod others;
mod stats;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use stats::Stats;

use crate::corpus::spec_files;
use crate::synthetic;

/// What to run and how often (`cli::Bench`).
#[derive(Clone, Debug)]
pub struct Config {
    /// Runs per in-process generation measurement.
    pub runs: usize,
    /// Runs per whole-process and per compile measurement.
    pub process_runs: usize,
    /// The one section to run (`generate`, `compile` or `client`); all of them when `None`.
    pub only: Option<String>,
    /// Tiny sizes and single runs, to check the harness itself works (CI).
    pub quick: bool,
    /// Also measure a cold `cargo check`/`cargo build` (empty target directory, dependencies
    /// included): minutes.
    pub cold: bool,
    /// Also generate and compile the same document with openapi-generator's Rust client, when
    /// `openapi-generator-cli` is on the PATH (`pip install openapi-generator-cli`).
    pub openapi_generator: bool,
    /// Also generate (and, where that works, compile) the same documents with progenitor's
    /// `cargo progenitor`, when `cargo-progenitor` is installed; adds the nexus document (a
    /// dropshot API, progenitor's home ground) from `../shared/corpus/` to both tables.
    pub progenitor: bool,
    /// Operations in the synthetic document.
    pub synthetic_operations: usize,
}

/// The vendor's whole v7 API, 297 operations: the real large document every table uses.
const UNIFIED: &str = "../shared/corpus/thousandeyes-7.0.85/unified.yaml";

/// An API progenitor is written for (Oxide's, described by dropshot), for `--progenitor`.
const NEXUS: &str = "../shared/corpus/public/nexus.json";

/// The version of `cargo-progenitor` the figures in BENCHMARKS.md come from.
const PROGENITOR: &str = "0.15.1";

/// A document to generate, and the operations to take from it.
struct Target {
    spec: PathBuf,
    selection: codegen::Selection,
}

impl Target {
    fn all(spec: PathBuf) -> Target {
        Target { spec, selection: codegen::Selection::default() }
    }

    /// The file name, and the selected tags when there is a selection.
    fn label(&self) -> String {
        let file = self.spec.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if self.selection.is_all() {
            file
        } else {
            format!("{file}, tags {}", self.selection.tags.join(" + "))
        }
    }

    /// A crate name for it.
    fn crate_name(&self) -> String {
        let name = crate::corpus::crate_name(&self.spec);
        if self.selection.is_all() {
            name
        } else {
            format!("{name}-{}", self.selection.tags.join("-").to_ascii_lowercase())
        }
    }
}

/// Runs the sections `config` asks for, working in `target/bench` under `root`, and returns the
/// report as Markdown (the machine first, then one table per section); `Err` names what failed.
pub fn run(root: &Path, config: &Config) -> Result<String, String> {
    let work = root.join("target/bench");
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let corpus = root.join("../shared/specs");
    let mut report = String::new();
    let _ = writeln!(report, "# cargo xtask bench\n\n{}\n", machine());
    let wants = |section: &str| config.only.as_deref().is_none_or(|only| only == section);

    // The vendor's unified document when it is beside the checkout (not in --quick: it is large);
    // otherwise a document of that size made from copies of the corpus.
    let unified = root.join(UNIFIED);
    let large = if !wants("generate") && !wants("compile") {
        None
    } else if unified.is_file() && !config.quick {
        Some(unified)
    } else {
        let sources = if corpus.is_dir() { corpus.clone() } else { root.join("spec") };
        Some(write_synthetic(&sources, &work, config)?)
    };
    let nexus = root.join(NEXUS);
    let nexus = (config.progenitor && !config.quick && nexus.is_file()).then_some(nexus);
    if wants("generate") {
        let mut specs = vec![root.join("spec/thousandeyes.yaml"), root.join("spec/acronis.yaml")];
        specs.extend(nexus.clone());
        specs.extend(large.clone());
        report.push_str(&generate::generation(root, &work, &specs, config)?);
    }
    if wants("compile") {
        let mut targets = vec![Target::all(root.join("spec/thousandeyes.yaml"))];
        targets.extend(nexus.map(Target::all));
        if let Some(large) = large {
            let usage = large.ends_with(UNIFIED.rsplit('/').next().unwrap_or_default()).then(|| Target {
                spec: large.clone(),
                selection: codegen::Selection { tags: vec!["Usage".into(), "Quotas".into()], ..Default::default() },
            });
            targets.push(Target::all(large));
            targets.extend(usage);
        }
        report.push_str(&compile::compile(root, &work, &targets, config)?);
    }
    if wants("client") {
        report.push_str(&client::client(root, config)?);
    }
    Ok(report)
}

/// Writes the synthetic document (copies of the documents in `dir`, [`synthetic::merge`]) as JSON.
fn write_synthetic(dir: &Path, work: &Path, config: &Config) -> Result<PathBuf, String> {
    let mut docs = Vec::new();
    let sources = spec_files(dir)?;
    if sources.is_empty() {
        return Err(format!("{}: no documents to build the synthetic document from", dir.display()));
    }
    for path in sources {
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc = codegen::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        docs.push((path.file_name().unwrap_or_default().to_string_lossy().into_owned(), doc.raw));
    }
    let each: usize = docs.iter().map(|(_, d)| synthetic::operation_count(d)).sum();
    let target = if config.quick { each } else { config.synthetic_operations };
    let copies = ((target as f64 / each.max(1) as f64).round() as usize).max(1);
    let merged = synthetic::merge(&docs, copies, "Synthetic corpus")?;
    let path = work.join(format!("synthetic-{}.json", copies * each));
    let text = serde_json::to_string_pretty(&merged).map_err(|e| e.to_string())?;
    crate::files::write_atomically(&path, &text)?;
    Ok(path)
}

/// The machine the numbers come from.
fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let profile = if cfg!(debug_assertions) { "debug (numbers are not representative)" } else { "release" };
    format!("Machine: {cpu}, {cores} cores; {rustc}; xtask built in {profile}.")
}
