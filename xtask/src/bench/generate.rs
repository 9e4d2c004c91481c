//! The generation table: stage by stage in this process, then the whole `cargo xtask generate`
//! process, beside the other generators.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::others::{openapi_generator, progenitor};
use super::stats::time;
use super::{Config, PROGENITOR};

fn options(source: &str) -> codegen::Options {
    codegen::Options::standalone(source, "bench").command("cargo xtask bench")
}

/// Stage by stage in this process, then the whole `cargo xtask generate` process.
pub(super) fn generation(root: &Path, work: &Path, specs: &[PathBuf], config: &Config) -> Result<String, String> {
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
