//! `cargo xtask <command>`; see `cargo xtask help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::codegen;

mod contract;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen           regenerate usage-client/src/<name>/ from every spec/<name>.yaml
  codegen --check   write nothing; fail with a diff when generated code is stale
  diff [OLD NEW]    API changes for users of the client (see `cargo xtask diff --help`)
  contract          run the generated clients against Prism mock servers of spec/ (installs Prism)
  readme            check that the README's Rust examples compile in a new crate that has only
                    the dependencies the README lists
  conform DOC... [--out OUT] [--max-size BYTES] [--report FILE] [--no-fail]
          [--floor FILE] [--record-floor FILE]
                    generate a crate and a harness for every document (files, folders with
                    openapi.yaml, directories searched like corpus), call every operation
                    through the typed client against Prism (static and dynamic) and round-trip
                    every example the validator (ajv) accepts; --report writes the detail as
                    JSON, --no-fail exits zero whatever the verdicts, --floor fails only
                    where a document falls below the counts recorded by --record-floor
                    (OUT: target/conform)
  generate --spec PATH --out DIR --name CRATE [--tag T]... [--operation ID]... [--path PREFIX]...
           [--ref-map URL=DIR]... [--no-infer-pagination]
                    write a standalone client crate for any OpenAPI document; with --tag,
                    --operation or --path, only the operations they select (any of them)
                    and the types those reach, named as in the full crate; --ref-map reads
                    remote $refs under URL from local copies in DIR (nothing is fetched);
                    --no-infer-pagination pages only operations the document says page
  pagination-report DOC...
                    per document (files, folders with openapi.yaml, directories searched like
                    corpus): the list operations found, those that page, and every one left out
                    with its reason
  bench [--only generate|compile|client] [--runs N] [--process-runs N] [--operations N]
        [--cold] [--openapi-generator] [--progenitor] [--quick]
                    generation speed, compile cost of generated code and client throughput,
                    as Markdown tables (builds itself in release first; see BENCHMARKS.md)
  semver-record [NAME...]
                    record what cargo-semver-checks says of each recorded pair of spec versions
                    (codegen/tests/diff/semver/; needs cargo-semver-checks installed)
  corpus DIR... [--out OUT] [--max-size BYTES]
                    generate a crate for every document under each DIR and `cargo check`
                    them, warnings as errors (OUT defaults to target/corpus); --max-size
                    leaves out larger documents (a bounded share of a large corpus)
  fuzz-compile [--cases N] [--seed S] [--out DIR]
                    generate N adversarial documents (default 40, seed 1) into one crate and
                    check, clippy and document it with warnings as errors (DIR defaults to
                    target/fuzz-compile; each document is saved there as doc_N.json)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(&root),
        ["codegen", "--check"] => run_check(&root),
        ["contract"] => contract::run(&root),
        ["readme"] => xtask::readme::check(&root),
        ["conform", rest @ ..] => run_conform(&root, rest),
        ["diff", rest @ ..] => return xtask::diff::main(&root, rest),
        ["generate", rest @ ..] => run_generate(&root, rest),
        ["bench", rest @ ..] => return run_bench(&root, rest),
        ["semver-record", only @ ..] => xtask::semver::record(&root, only),
        ["corpus", rest @ ..] => run_corpus(&root, rest),
        ["pagination-report", docs @ ..] if !docs.is_empty() => {
            let paths: Vec<PathBuf> = docs.iter().map(PathBuf::from).collect();
            xtask::pagination_report::run(&paths).map(|counts| print!("{}", xtask::pagination_report::report(&counts)))
        }
        ["fuzz-compile", rest @ ..] => run_fuzz_compile(&root, rest),
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown arguments: {}\n\n{USAGE}", args.join(" "))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly in the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn run_codegen(root: &Path) -> Result<(), String> {
    let done = codegen::write(root)?;
    for warning in &done.warnings {
        eprintln!("{warning}");
    }
    for path in &done.written {
        println!("wrote {}", path.display());
    }
    for path in &done.removed {
        println!("removed {}", path.display());
    }
    println!("{} file(s) written, {} removed, {} unchanged", done.written.len(), done.removed.len(), done.unchanged);
    Ok(())
}

fn run_generate(root: &Path, args: &[&str]) -> Result<(), String> {
    let (mut spec, mut out, mut name) = (None, None, None);
    let mut selection = ::codegen::Selection::default();
    let mut ref_map = Vec::new();
    let mut infer_pagination = true;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        if *flag == "--no-infer-pagination" {
            infer_pagination = false;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?;
        if xtask::selection_flag(&mut selection, flag, value) {
            continue;
        }
        match *flag {
            "--ref-map" => ref_map.push(xtask::source::ref_map_flag(value)?),
            "--spec" => spec = Some(PathBuf::from(value)),
            "--out" => out = Some(PathBuf::from(value)),
            "--name" => name = Some(value.to_string()),
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    let (Some(spec), Some(out), Some(name)) = (spec, out, name) else {
        return Err(format!("generate needs --spec, --out and --name\n\n{USAGE}"));
    };
    let options = ::codegen::Options::standalone("", &name).select(selection).infer_pagination(infer_pagination);
    let done = xtask::generate::generate_with(root, &spec, &out, &name, &options, &ref_map)?;
    for warning in &done.warnings {
        eprintln!("{warning}");
    }
    println!("wrote {} files to {}", done.files.len(), out.display());
    Ok(())
}

/// Benchmarks mean nothing in a debug build: unless `--quick` (a check that the harness works),
/// a debug xtask runs its release build instead.
fn run_bench(root: &Path, args: &[&str]) -> ExitCode {
    let config = match xtask::bench::parse_args(args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    if cfg!(debug_assertions) && !config.quick {
        eprintln!("bench: building xtask in release");
        let status = xtask::cargo()
            .args(["run", "--quiet", "--release", "--package", "xtask", "--", "bench"])
            .args(args)
            .current_dir(root)
            .status();
        return match status {
            Ok(status) if status.success() => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: cannot run cargo: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match xtask::bench::run(root, &config) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_corpus(root: &Path, args: &[&str]) -> Result<(), String> {
    let (mut dirs, mut out, mut max_size) = (Vec::new(), root.join("target/corpus"), None);
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        let mut value = |flag: &str| args.next().copied().ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"));
        match arg {
            "--out" => out = PathBuf::from(value(arg)?),
            "--max-size" => {
                let bytes = value(arg)?;
                max_size = Some(bytes.parse::<u64>().map_err(|_| format!("--max-size {bytes}: expected bytes"))?);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n\n{USAGE}")),
            dir => dirs.push(PathBuf::from(dir)),
        }
    }
    if dirs.is_empty() {
        return Err(format!("corpus needs a directory\n\n{USAGE}"));
    }
    let outcomes = xtask::corpus::run(root, &dirs, &out, max_size)?;
    println!("\n| document | crate | warnings | result |\n| --- | --- | --- | --- |");
    for o in &outcomes {
        let file = o.spec.display().to_string();
        let result = match (&o.failure, o.skipped) {
            (_, true) => "left out (--max-size)",
            (Some(failure), _) => failure.as_str(),
            (None, false) => "compiles and documents, no warnings",
        };
        println!("| {file} | {} | {} | {result} |", o.crate_name, o.warnings);
    }
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    let checked = outcomes.iter().filter(|o| !o.skipped).count();
    let skipped = outcomes.len() - checked;
    let left_out = if skipped > 0 { format!(" ({skipped} left out by --max-size)") } else { String::new() };
    if failed == 0 {
        println!("\n{checked} of {checked} documents generate crates that compile and document cleanly{left_out}");
        Ok(())
    } else {
        Err(format!("{failed} of {checked} documents failed{left_out}"))
    }
}

fn run_conform(root: &Path, args: &[&str]) -> Result<(), String> {
    let config = xtask::conform::parse_args(root, args).map_err(|e| format!("{e}\n\n{USAGE}"))?;
    let documents = xtask::conform::run(root, &config)?;
    println!();
    for document in &documents {
        println!("{}", document.line());
        for detail in document.details(10) {
            println!("{detail}");
        }
    }
    println!("{}", xtask::conform::report::breakdown(&documents));
    println!("{}", xtask::conform::report::summary(&documents));
    if let Some(path) = &config.record_floor {
        let text =
            serde_json::to_string_pretty(&xtask::conform::floor::record(&documents)).map_err(|e| e.to_string())?;
        xtask::codegen::write_atomically(path, &format!("{text}\n"))?;
    }
    if let Some(path) = &config.floor {
        let below = xtask::conform::floor::check(&documents, &xtask::conform::floor::read(path)?);
        return match below.as_slice() {
            [] => Ok(()),
            _ => Err(format!("below the floor of {}:\n  {}", path.display(), below.join("\n  "))),
        };
    }
    let failed = documents.iter().filter(|d| !d.skipped && !d.passed()).count();
    if failed == 0 || config.no_fail {
        Ok(())
    } else {
        Err(format!("{failed} document(s) have operations or valid examples that do not conform (see above)"))
    }
}

fn run_fuzz_compile(root: &Path, args: &[&str]) -> Result<(), String> {
    let config = xtask::fuzz_compile::parse_args(root, args).map_err(|e| format!("{e}\n\n{USAGE}"))?;
    let report = xtask::fuzz_compile::run(root, &config)?;
    print!("{}", report.render(&config));
    if report.passed() {
        Ok(())
    } else {
        Err("the compile fuzzer found generated code that does not compile cleanly (see above)".into())
    }
}

fn run_check(root: &Path) -> Result<(), String> {
    let drift = codegen::check(root)?;
    if drift.is_empty() {
        println!("generated code is up to date with spec/");
        Ok(())
    } else {
        Err(codegen::report(&drift))
    }
}
