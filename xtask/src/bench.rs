//! `cargo xtask bench`: how fast the generator is, what its output costs to compile, and how fast
//! the client is at run time. Prints Markdown tables; BENCHMARKS.md says how to read them.
//!
//! Timings are wall-clock medians of several runs with min–max beside them. Nothing here asserts a
//! timing: the numbers are for people.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use crate::corpus::spec_files;
use crate::synthetic;

/// What to run and how often (`cli::Bench`).
#[derive(Clone, Debug)]
pub struct Config {
    /// Runs per in-process generation measurement.
    pub runs: usize,
    /// Runs per whole-process and per compile measurement.
    pub process_runs: usize,
    /// Sections to run: `generate`, `compile`, `client`.
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

/// Median, minimum and maximum of some durations.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
}

impl Stats {
    pub fn of(samples: &[Duration]) -> Stats {
        let mut sorted = samples.to_vec();
        sorted.sort();
        let n = sorted.len();
        let median = if n == 0 {
            Duration::ZERO
        } else if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        };
        Stats {
            median,
            min: sorted.first().copied().unwrap_or_default(),
            max: sorted.last().copied().unwrap_or_default(),
        }
    }

    /// `12.3 ms (11.9–13.0)`, in the unit that suits the median.
    pub fn show(&self) -> String {
        let (scale, unit) = unit_of(self.median);
        let v = |d: Duration| d.as_secs_f64() * scale;
        format!(
            "{:.*} {unit} ({:.*}–{:.*})",
            digits(v(self.median)),
            v(self.median),
            digits(v(self.min)),
            v(self.min),
            digits(v(self.max)),
            v(self.max)
        )
    }
}

fn unit_of(d: Duration) -> (f64, &'static str) {
    if d >= Duration::from_secs(1) {
        (1.0, "s")
    } else if d >= Duration::from_millis(1) {
        (1e3, "ms")
    } else {
        (1e6, "µs")
    }
}

fn digits(v: f64) -> usize {
    if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    }
}

/// Runs `f` once to warm up, then `runs` times, timing each run.
fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T, String>) -> Result<Stats, String> {
    f()?;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed());
    }
    Ok(Stats::of(&samples))
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
        report.push_str(&generation(root, &work, &specs, config)?);
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
        report.push_str(&compile(root, &work, &targets, config)?);
    }
    if wants("client") {
        report.push_str(&client(root, config)?);
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

fn options(source: &str) -> codegen::Options {
    codegen::Options::standalone(source, "bench").command("cargo xtask bench")
}

/// Stage by stage in this process, then the whole `cargo xtask generate` process.
fn generation(root: &Path, work: &Path, specs: &[PathBuf], config: &Config) -> Result<String, String> {
    let runs = if config.quick { 1 } else { config.runs };
    let process_runs = if config.quick { 1 } else { config.process_runs.max(config.runs / 2) };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Generation\n\nIn this process, {runs} runs after one warm-up; median (min–max). `lower` resolves \
         every `$ref` into our model, `names` decides every Rust name, `tokens` builds the token streams, \
         `format` parses them with syn and prints them with prettyplease. `process` is the whole `xtask \
         generate` command as a child process ({process_runs} runs): read, generate, write the crate.\n"
    );
    let _ = writeln!(
        out,
        "| document | ops | types | out lines | load | lower | names | tokens | format | total | process |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut against = Vec::new();
    let mut progenitor_rows = Vec::new();
    for spec in specs {
        let shown = spec.file_name().unwrap_or_default().to_string_lossy().into_owned();
        eprintln!("bench: generating {shown}");
        let text = fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let options = options(&shown);
        let fail = |e: codegen::Error| format!("{shown}: {e}");
        let doc = codegen::parse(&text).map_err(fail)?;
        let (api, _) = codegen::lower::lower(&doc).map_err(fail)?;
        let names = codegen::names::names(&api);
        let tokens = codegen::render::tokens(&api, &names, &options).map_err(fail)?;
        let files = codegen::render::format_files(tokens.clone(), &options).map_err(fail)?;
        let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();

        let load = time(runs, || codegen::parse(&text).map_err(fail))?;
        let lower = time(runs, || codegen::lower::lower(&doc).map_err(fail))?;
        let naming = time(runs, || Ok(codegen::names::names(&api)))?;
        let render = time(runs, || codegen::render::tokens(&api, &names, &options).map_err(fail))?;
        let format = time(runs, || codegen::render::format_files(tokens.clone(), &options).map_err(fail))?;
        let total = time(runs, || {
            let doc = codegen::parse(&text).map_err(fail)?;
            codegen::generate(&doc, &options).map_err(fail)
        })?;
        let out_dir = work.join("generate").join(&shown);
        let process = time(process_runs, || {
            let status = Command::new(&exe)
                .args(["generate", "--spec"])
                .arg(spec)
                .arg("--out")
                .arg(&out_dir)
                .args(["--name", "bench-generated"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .current_dir(root)
                .status()
                .map_err(|e| format!("{}: {e}", exe.display()))?;
            status.success().then_some(()).ok_or_else(|| format!("xtask generate {shown} failed"))
        })?;
        let _ = writeln!(
            out,
            "| {shown} | {} | {} | {lines} | {} | {} | {} | {} | {} | {} | {} |",
            api.operations.len(),
            api.types.len(),
            load.show(),
            lower.show(),
            naming.show(),
            render.show(),
            format.show(),
            total.show(),
            process.show()
        );
        if config.openapi_generator && spec == specs.last().unwrap_or(spec) {
            let theirs = work.join("openapi-generator-generate").join(&shown);
            match openapi_generator(spec, &theirs, process_runs) {
                Ok(stats) => against.push((shown.clone(), process, stats)),
                Err(e) => eprintln!("bench: no openapi-generator generation for {shown}: {e}"),
            }
        }
        if config.progenitor {
            let theirs = work.join("progenitor-generate").join(&shown);
            progenitor_rows.push((shown.clone(), process, progenitor(spec, &theirs, process_runs)));
        }
    }
    if !against.is_empty() {
        let _ = writeln!(
            out,
            "\nThe same document through openapi-generator's `rust` generator (whole process, JVM start \
             included), measured in the same run:\n\n| document | ours | openapi-generator | ours ÷ theirs |\n| --- | ---: | ---: | ---: |"
        );
        for (shown, ours, theirs) in against {
            let ratio = ours.median.as_secs_f64() / theirs.median.as_secs_f64().max(f64::EPSILON);
            let _ = writeln!(out, "| {shown} | {} | {} | {ratio:.3} |", ours.show(), theirs.show());
        }
    }
    if !progenitor_rows.is_empty() {
        let _ = writeln!(
            out,
            "\nThe same documents through progenitor's `cargo progenitor` {PROGENITOR} (whole process), measured \
             in the same run:\n\n| document | ours | progenitor | ours ÷ theirs |\n| --- | ---: | ---: | ---: |"
        );
        for (shown, ours, theirs) in progenitor_rows {
            match theirs {
                Ok(theirs) => {
                    let ratio = ours.median.as_secs_f64() / theirs.median.as_secs_f64().max(f64::EPSILON);
                    let _ = writeln!(out, "| {shown} | {} | {} | {ratio:.3} |", ours.show(), theirs.show());
                }
                Err(e) => {
                    let _ = writeln!(out, "| {shown} | {} | does not generate: {e} | |", ours.show());
                }
            }
        }
    }
    out.push('\n');
    Ok(out)
}

/// Lines and items of a generated crate's sources (the copied runtime not counted).
struct Size {
    lines: usize,
    code_lines: usize,
    items: usize,
    bytes: usize,
}

fn size_of(dir: &Path, skip: &[&str]) -> Result<Size, String> {
    let mut size = Size { lines: 0, code_lines: 0, items: 0, bytes: 0 };
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if skip.contains(&name.as_str()) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".rs") {
                let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                size.bytes += text.len();
                size.lines += text.lines().count();
                size.code_lines +=
                    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")).count();
                let file = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                size.items += count_items(&file.items);
            }
        }
    }
    Ok(size)
}

/// Items, counting those inside `impl` blocks and inline modules (each method is one).
fn count_items(items: &[syn::Item]) -> usize {
    items
        .iter()
        .map(|item| match item {
            syn::Item::Impl(block) => 1 + block.items.len(),
            syn::Item::Trait(block) => 1 + block.items.len(),
            syn::Item::Mod(module) => 1 + module.content.as_ref().map_or(0, |(_, items)| count_items(items)),
            _ => 1,
        })
        .sum()
}

/// `cargo check` and `cargo build` (dev profile) of generated crates, dependencies already built:
/// the cost of the generated code itself.
fn compile(root: &Path, work: &Path, targets: &[Target], config: &Config) -> Result<String, String> {
    let runs = if config.quick { 1 } else { config.process_runs.min(5) };
    let target = work.join("target");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Compile cost of generated code\n\nA standalone crate per document (`xtask generate`), in one \
         target directory whose dependencies are built first. Each run touches `src/lib.rs` and times \
         `cargo check` / `cargo build` (dev profile, not incremental: what compiling the crate costs, \
         not what re-checking an unchanged one costs) of the crate alone: {runs} runs after a warm-up. \
         Lines and items count the generated sources, not the runtime copied beside them.\n"
    );
    let _ = writeln!(out, "| crate | generator | ops | lines | code lines | items | cargo check | cargo build |");
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut cold_rows = Vec::new();
    let mut ratios = Vec::new();
    let mut progenitor_ratios = Vec::new();
    for t in targets {
        let shown = t.label();
        let name = t.crate_name();
        let dir = work.join("crates").join(&name);
        eprintln!("bench: compiling {name}");
        crate::generate::generate_selected(root, &t.spec, &dir, &name, &t.selection)?;
        let lock = root.join("Cargo.lock");
        if lock.exists() {
            let _ = fs::copy(&lock, dir.join("Cargo.lock"));
        }
        let operations =
            fs::read_to_string(dir.join("src/client.rs")).map_or(0, |c| c.matches(") -> builder::").count());
        let mut row = |generator: &str, dir: &Path, skip: &[&str]| -> Result<Stats, String> {
            let size = size_of(&dir.join("src"), skip)?;
            let (check, build) = compile_times(dir, &target, runs)?;
            let _ = writeln!(
                out,
                "| {name} ({shown}) | {generator} | {operations} | {} | {} | {} | {} | {} |",
                size.lines,
                size.code_lines,
                size.items,
                check.show(),
                build.show()
            );
            if config.cold {
                cold_rows.push((format!("{name} ({generator})"), cold_check(dir, &work.join("cold"))?));
            }
            Ok(check)
        };
        let ours = row("ours", &dir, &["runtime"])?;
        if config.openapi_generator && t.selection.is_all() {
            let theirs = work.join("openapi-generator").join(&name);
            let outcome = openapi_generator(&t.spec, &theirs, runs).and_then(|generate| {
                row(&format!("openapi-generator `rust` ({} to generate)", generate.show()), &theirs, &[])
            });
            match outcome {
                Ok(check) => ratios.push((shown.clone(), ours, check)),
                Err(e) => eprintln!("bench: no openapi-generator row for {name}: {e}"),
            }
        }
        if config.progenitor && t.selection.is_all() {
            let theirs = work.join("progenitor").join(&name);
            match progenitor(&t.spec, &theirs, runs) {
                Ok(generate) => {
                    match row(&format!("progenitor {PROGENITOR} ({} to generate)", generate.show()), &theirs, &[]) {
                        Ok(check) => progenitor_ratios.push((shown.clone(), ours, check)),
                        // What it generated does not compile: the first error says why.
                        Err(e) => {
                            let first = e.lines().find(|l| l.starts_with("error")).unwrap_or("cargo check failed");
                            let _ = writeln!(
                                out,
                                "| {name} ({shown}) | progenitor {PROGENITOR}: does not compile (`{first}`) | | | | | | |"
                            );
                        }
                    }
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "| {name} ({shown}) | progenitor {PROGENITOR}: does not generate ({e}) | | | | | | |"
                    );
                }
            }
        }
    }
    for (shown, ours, theirs) in ratios {
        let ratio = ours.median.as_secs_f64() / theirs.median.as_secs_f64().max(f64::EPSILON);
        let _ = writeln!(out, "\n`cargo check`, ours ÷ openapi-generator's, {shown}: **{ratio:.2}**");
    }
    for (shown, ours, theirs) in progenitor_ratios {
        let ratio = ours.median.as_secs_f64() / theirs.median.as_secs_f64().max(f64::EPSILON);
        let _ = writeln!(out, "\n`cargo check`, ours ÷ progenitor's, {shown}: **{ratio:.2}**");
    }
    let _ = writeln!(out, "\nSize of each crate's `target/` is not counted; `{}` holds them.\n", target.display());
    if !cold_rows.is_empty() {
        let _ = writeln!(out, "Cold `cargo check` (empty target directory, dependencies included), one run each:\n");
        let _ = writeln!(out, "| crate | cold cargo check |\n| --- | ---: |");
        for (name, d) in cold_rows {
            let _ = writeln!(out, "| {name} | {:.1} s |", d.as_secs_f64());
        }
        out.push('\n');
    }
    Ok(out)
}

fn cargo_in(dir: &Path, target: &Path, subcommand: &str) -> Result<(), String> {
    let output = crate::cargo()
        .args([subcommand, "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("cargo {subcommand} in {} failed:\n{}", dir.display(), String::from_utf8_lossy(&output.stderr)))
    }
}

fn compile_times(dir: &Path, target: &Path, runs: usize) -> Result<(Stats, Stats), String> {
    let lib = dir.join("src/lib.rs");
    let touch = || -> Result<(), String> {
        let file = fs::OpenOptions::new().append(true).open(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
        file.set_modified(SystemTime::now()).map_err(|e| format!("{}: {e}", lib.display()))
    };
    let check = time(runs, || {
        touch()?;
        cargo_in(dir, target, "check")
    })?;
    let build = time(runs, || {
        touch()?;
        cargo_in(dir, target, "build")
    })?;
    Ok((check, build))
}

fn cold_check(dir: &Path, target: &Path) -> Result<Duration, String> {
    let _ = fs::remove_dir_all(target);
    let start = Instant::now();
    cargo_in(dir, target, "check")?;
    let elapsed = start.elapsed();
    let _ = fs::remove_dir_all(target);
    Ok(elapsed)
}

/// openapi-generator's `rust` generator (reqwest library) on the same document, when installed.
fn openapi_generator(spec: &Path, out: &Path, runs: usize) -> Result<Stats, String> {
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
fn progenitor(spec: &Path, out: &Path, runs: usize) -> Result<Stats, String> {
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

/// The client benchmarks live in `usage-client/benches/client.rs` (they need the generated
/// types) and `usage-client/benches/streams.rs` (streams of items and uploads); this runs them in
/// release without TLS, which loopback does not need.
fn client(root: &Path, config: &Config) -> Result<String, String> {
    let mut report = String::new();
    for bench in ["client", "streams"] {
        eprintln!("bench: {bench} (cargo bench -p usage-client --bench {bench})");
        let mut command = crate::cargo();
        command.args(["bench", "--quiet", "-p", "usage-client", "--no-default-features", "--features", "thousandeyes"]);
        command.args(["--bench", bench, "--"]);
        if config.quick {
            command.arg("--quick");
        }
        let output = command.current_dir(root).output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !output.status.success() {
            return Err(format!("the {bench} benchmark failed:\n{}", String::from_utf8_lossy(&output.stderr)));
        }
        report.push_str(&String::from_utf8_lossy(&output.stdout));
        report.push('\n');
    }
    Ok(report)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_take_the_middle_and_the_extremes() {
        let ms = |v: &[u64]| v.iter().map(|&m| Duration::from_millis(m)).collect::<Vec<_>>();
        let odd = Stats::of(&ms(&[30, 10, 20]));
        assert_eq!(
            (odd.median, odd.min, odd.max),
            (Duration::from_millis(20), Duration::from_millis(10), Duration::from_millis(30))
        );
        let even = Stats::of(&ms(&[40, 10, 20, 30]));
        assert_eq!(even.median, Duration::from_millis(25));
        assert_eq!(Stats::of(&ms(&[1500, 1500, 2250])).show(), "1.50 s (1.50–2.25)");
        assert_eq!(Stats::of(&ms(&[12, 11, 13])).show(), "12.0 ms (11.0–13.0)");
        assert_eq!(Stats::of(&[Duration::from_micros(350)]).show(), "350 µs (350–350)");
    }
}
