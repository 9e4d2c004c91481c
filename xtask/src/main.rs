//! `cargo xtask <command>`; see `cargo xtask help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::cli::{self, Command};
use xtask::regen;

mod contract;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cli::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let root = workspace_root();
    let result = match cli.command {
        Some(Command::Codegen { check: false }) => run_codegen(&root),
        Some(Command::Codegen { check: true }) => run_check(&root),
        Some(Command::Contract) => contract::run(&root),
        Some(Command::Readme) => xtask::readme::check(&root),
        Some(Command::Conform(args)) => run_conform(&root, args.config(&root)),
        Some(Command::Diff(args)) => return xtask::diff::main(&root, &args),
        Some(Command::Generate(args)) => run_generate(&root, args),
        Some(Command::Bench(args)) => return run_bench(&root, args.into()),
        Some(Command::SemverRecord { only }) => {
            xtask::semver::record(&root, &only.iter().map(String::as_str).collect::<Vec<_>>())
        }
        Some(Command::Corpus(args)) => run_corpus(&root, args),
        Some(Command::PaginationReport { docs }) => {
            xtask::pagination_report::run(&docs).map(|counts| print!("{}", xtask::pagination_report::report(&counts)))
        }
        Some(Command::FuzzCompile(args)) => run_fuzz_compile(&root, args.config(&root)),
        None => {
            print!("{}", cli::command().render_help());
            Ok(())
        }
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
    let done = regen::write(root)?;
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

fn run_generate(root: &Path, args: cli::Generate) -> Result<(), String> {
    let cli::Generate { spec, out, name, selection, ref_map, no_infer_pagination } = args;
    let selection = selection.selection();
    let infer_pagination = !no_infer_pagination;
    let options = codegen::Options::standalone("", &name).select(selection).infer_pagination(infer_pagination);
    let done = xtask::generate::generate_with(root, &spec, &out, &name, &options, &ref_map)?;
    for warning in &done.warnings {
        eprintln!("{warning}");
    }
    println!("wrote {} files to {}", done.files.len(), out.display());
    Ok(())
}

/// Benchmarks mean nothing in a debug build: unless `--quick` (a check that the harness works),
/// a debug xtask runs its release build instead.
fn run_bench(root: &Path, config: xtask::bench::Config) -> ExitCode {
    if cfg!(debug_assertions) && !config.quick {
        eprintln!("bench: building xtask in release");
        let status = xtask::cargo()
            .args(["run", "--quiet", "--release", "--package", "xtask", "--"])
            .args(std::env::args_os().skip(1))
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

fn run_corpus(root: &Path, args: cli::Corpus) -> Result<(), String> {
    let cli::Corpus { dirs, out, max_size } = args;
    let out = out.unwrap_or_else(|| root.join("target/corpus"));
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

fn run_conform(root: &Path, config: xtask::conform::Config) -> Result<(), String> {
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
        xtask::files::write_atomically(path, &format!("{text}\n"))?;
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

fn run_fuzz_compile(root: &Path, config: xtask::fuzz_compile::Config) -> Result<(), String> {
    let report = xtask::fuzz_compile::run(root, &config)?;
    print!("{}", report.render(&config));
    if report.passed() {
        Ok(())
    } else {
        Err("the compile fuzzer found generated code that does not compile cleanly (see above)".into())
    }
}

fn run_check(root: &Path) -> Result<(), String> {
    let drift = regen::check(root)?;
    if drift.is_empty() {
        println!("generated code is up to date with spec/");
        Ok(())
    } else {
        Err(regen::report(&drift))
    }
}
