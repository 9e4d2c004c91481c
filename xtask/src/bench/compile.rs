//! The compile table: `cargo check` and `cargo build` of generated crates, warm and cold, with
//! the size of what they compile.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use super::others::{openapi_generator, progenitor};
use super::stats::{time, Stats};
use super::{Config, Target, PROGENITOR};

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
pub(super) fn compile(root: &Path, work: &Path, targets: &[Target], config: &Config) -> Result<String, String> {
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
