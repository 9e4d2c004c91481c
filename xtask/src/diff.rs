//! `cargo xtask diff`: what changed between two versions of a spec, for users of the generated
//! client. Reads the files (or `git show`s them), hands them to [`codegen::diff`] and prints its
//! report; the comparison itself lives in the library.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::cli::{Diff, FailOn, Format};
use crate::regen::SPEC_DIR;

/// What to print, and whether `--fail-on` matched.
#[derive(Debug)]
pub struct Outcome {
    /// The report in the format asked for, ready for stdout.
    pub output: String,
    /// Whether a report has what `--fail-on` asks about: the command then exits 1.
    pub failed: bool,
}

/// The entry point of `cargo xtask diff`: prints the report and returns the exit status.
pub fn main(root: &Path, args: &Diff) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.to_path_buf());
    match run(root, &cwd, args) {
        Ok(outcome) => {
            print!("{}", outcome.output);
            if outcome.failed {
                eprintln!("--fail-on matched");
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs the command. File paths and `REV:path` arguments are relative to `cwd`; without them,
/// `root`'s `spec/` is compared with its `HEAD`.
pub fn run(root: &Path, cwd: &Path, args: &Diff) -> Result<Outcome, String> {
    let Diff { format, fail_on, ref full_json, .. } = *args;
    let selection = args.selection.selection();
    let comparisons = match (&args.old, &args.new) {
        (Some(old), Some(new)) => vec![Comparison {
            old: Some((old.clone(), read(cwd, old)?)),
            new: Some((new.clone(), read(cwd, new)?)),
            module: module_name(new),
        }],
        _ => working_tree(root)?,
    };
    let mut reports = Vec::new();
    for comparison in &comparisons {
        reports.push((comparison, comparison.report(&selection)?));
    }
    let failed = reports.iter().any(|(_, report)| match fail_on {
        Some(FailOn::Breaking) => report.summary.breaking > 0,
        Some(FailOn::Any) => !report.is_empty(),
        None => false,
    });
    let json = || -> Result<String, String> {
        let items: Vec<serde_json::Value> = reports
            .iter()
            .map(|(comparison, report)| {
                let (old, new) = comparison.labels();
                serde_json::json!({ "old": old, "new": new, "report": report.to_json() })
            })
            .collect();
        let value = if args.old.is_none() {
            serde_json::Value::Array(items)
        } else {
            items.into_iter().next().unwrap_or(serde_json::Value::Null)
        };
        Ok(format!("{}\n", serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?))
    };
    if let Some(file) = &full_json {
        let path = cwd.join(file);
        std::fs::write(&path, json()?).map_err(|e| format!("--full-json {file}: {e}"))?;
    }
    let pointer = full_json.as_ref().map(|file| format!("`{file}` (JSON)"));
    let output = match format {
        Format::Markdown | Format::Compact => {
            let mut out = String::new();
            for (comparison, report) in &reports {
                if !out.is_empty() && format == Format::Markdown {
                    out.push('\n');
                }
                let (old, new) = comparison.labels();
                match (&comparison.old, &comparison.new) {
                    _ if comparison.unchanged() => {
                        out.push_str(&format!("`{new}`: unchanged since `{old}`.\n"));
                        continue;
                    }
                    (None, _) => out.push_str(&format!("`{new}` is new: not in HEAD.\n")),
                    (_, None) => out.push_str(&format!("`{old}` is gone from the working tree.\n")),
                    _ => out.push_str(&format!("Comparing `{old}` with `{new}`.\n")),
                }
                if format == Format::Markdown {
                    out.push('\n');
                    out.push_str(&report.to_markdown_within(codegen::diff::MARKDOWN_LIMIT, pointer.as_deref()));
                } else {
                    out.push_str(&report.to_compact());
                }
            }
            if out.is_empty() {
                out.push_str(&format!("No documents under {SPEC_DIR}/, in the working tree or in HEAD.\n"));
            }
            out
        }
        Format::Json => json()?,
    };
    Ok(Outcome { output, failed })
}

/// Two versions of one document (loaded with every file it reaches); a side is `None` when the
/// document does not exist there.
struct Comparison {
    old: Option<(String, codegen::Document)>,
    new: Option<(String, codegen::Document)>,
    module: String,
}

impl Comparison {
    fn labels(&self) -> (String, String) {
        let label = |side: &Option<(String, codegen::Document)>| {
            side.as_ref().map_or_else(|| "(none)".to_owned(), |(l, _)| l.clone())
        };
        (label(&self.old), label(&self.new))
    }

    /// The same document once bundled, whichever files it is split into.
    fn unchanged(&self) -> bool {
        matches!((&self.old, &self.new), (Some((_, a)), Some((_, b))) if a.raw == b.raw)
    }

    fn report(&self, selection: &codegen::Selection) -> Result<codegen::diff::Report, String> {
        let side = |side: &Option<(String, codegen::Document)>| match side {
            Some((_, doc)) => doc.clone(),
            None => codegen::diff::empty_document(&self.module),
        };
        let (old, new) = (side(&self.old), side(&self.new));
        codegen::diff::diff_selected(&old, &new, &self.module, selection).map_err(|e| {
            let (old, new) = self.labels();
            let label = match e.which {
                codegen::diff::Which::Old => old,
                codegen::diff::Which::New => new,
            };
            format!("{label}: {}", e.error)
        })
    }
}

/// The module name Rust paths start with: the file stem, made an identifier (the directory's
/// name for a multi-file document's `openapi.yaml`).
fn module_name(arg: &str) -> String {
    let path = Path::new(arg.rsplit_once(':').map_or(arg, |(_, p)| p));
    let mut stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    if stem == "openapi" {
        stem = path.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str()).unwrap_or(stem);
    }
    codegen::names::snake(stem, "api")
}

/// A document with every file it reaches: a path relative to `cwd`, or `REV:path` read with
/// `git show` (each file at that revision).
fn read(cwd: &Path, arg: &str) -> Result<codegen::Document, String> {
    let path = cwd.join(arg);
    if !path.exists() {
        if let Some((rev, file)) = arg.split_once(':').filter(|(rev, file)| !rev.is_empty() && !file.is_empty()) {
            return git_load(cwd, rev, file).map_err(|e| format!("{arg}: {e}"));
        }
    }
    crate::source::load(&path).map_err(|e| e.replacen(&path.display().to_string(), arg, 1))
}

/// Loads `file` (relative to `cwd`, or `./`-prefixed) as of `rev`, every file it reaches too.
fn git_load(cwd: &Path, rev: &str, file: &str) -> Result<codegen::Document, String> {
    let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
    let source = crate::source::GitSource { root: cwd.to_path_buf(), rev: rev.to_owned(), dir: dir.to_owned() };
    codegen::load(name, &source).map_err(|e| e.to_string())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output =
        Command::new("git").arg("-C").arg(dir).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(stderr.trim().trim_start_matches("fatal: ").to_owned());
    }
    String::from_utf8(output.stdout).map_err(|_| "not UTF-8".to_owned())
}

/// Every spec in `root`'s working tree and in its `HEAD`, old side from `HEAD`.
fn working_tree(root: &Path) -> Result<Vec<Comparison>, String> {
    git(root, &["rev-parse", "--verify", "--quiet", "HEAD"])
        .map_err(|_| format!("{}: no HEAD commit to compare spec/ with", root.display()))?;
    let mut files: Vec<String> = crate::regen::specs(root)?
        .into_iter()
        .map(|s| s.path.trim_start_matches(&format!("{SPEC_DIR}/")).to_owned())
        .collect();
    let in_head: Vec<String> = git(root, &["ls-tree", "-r", "--name-only", "HEAD", &format!("{SPEC_DIR}/")])?
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{SPEC_DIR}/")).map(str::to_owned))
        .filter(|f| crate::regen::is_spec_path(f))
        .collect();
    for file in &in_head {
        if !files.contains(file) {
            files.push(file.clone());
        }
    }
    files.sort();
    let mut comparisons = Vec::new();
    for file in files {
        let relative = format!("{SPEC_DIR}/{file}");
        let old = if in_head.contains(&file) {
            let label = format!("HEAD:{relative}");
            let doc = git_load(root, "HEAD", &format!("./{relative}")).map_err(|e| format!("{label}: {e}"))?;
            Some((label, doc))
        } else {
            None
        };
        let path: PathBuf = root.join(&relative);
        let new = if path.exists() {
            let doc = crate::source::load(&path).map_err(|e| e.replacen(&path.display().to_string(), &relative, 1))?;
            Some((relative.clone(), doc))
        } else {
            None
        };
        comparisons.push(Comparison { old, new, module: module_name(&relative) });
    }
    Ok(comparisons)
}
