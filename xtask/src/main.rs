//! `cargo xtask <command>`; see `cargo xtask help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::codegen;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen           regenerate usage-client/src/<name>/ from every spec/<name>.yaml
  codegen --check   write nothing; fail with a diff when generated code is stale
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(&root),
        ["codegen", "--check"] => run_check(&root),
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

fn run_check(root: &Path) -> Result<(), String> {
    let drift = codegen::check(root)?;
    if drift.is_empty() {
        println!("generated code is up to date with spec/");
        Ok(())
    } else {
        Err(codegen::report(&drift))
    }
}
