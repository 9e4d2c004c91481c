//! The command grammar of `cargo xtask`: every command, flag, positional argument and default,
//! declared once with clap's derive. `cargo xtask help`, `cargo xtask --help` and
//! `cargo xtask <command> --help` are printed from it; [`command`] adds the synopsis of every
//! command to the top-level help, written from the same declaration.
//!
//! The structs here only carry what was typed; the modules that run a command take their own
//! configuration (`bench::Config`, `conform::Config`, `fuzz_compile::Config`), converted here.

use std::path::{Path, PathBuf};

use clap::builder::RangedU64ValueParser;
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// Project automation for the usage-client workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", disable_version_flag = true)]
pub struct Cli {
    /// The command given; `None` when there was none, and the help is printed.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A command of `cargo xtask`, with what was typed for it; each variant's doc is its help.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Regenerate usage-client/src/NAME/ from every spec/NAME.yaml
    Codegen {
        /// Write nothing; fail with a diff when generated code is stale
        #[arg(long)]
        check: bool,
    },
    /// API changes for users of the client between two versions of a document
    ///
    /// What changed between two versions of an OpenAPI document for users of the generated client:
    /// breaking changes, additions and documentation changes, each naming the Rust item it affects.
    /// With --tag, --operation or --path, only the operations they select (and the types they
    /// reach) are compared, as `generate` does; a document's own `x-codegen: select` applies to
    /// both versions too.
    #[command(verbatim_doc_comment, after_long_help = "Exit status: 0, or 1 when --fail-on matches, 2 on errors.")]
    Diff(Diff),
    /// Run the generated clients against Prism mock servers of spec/ (installs Prism)
    Contract,
    /// Check that the README's Rust examples compile in a new crate
    ///
    /// The crate has only the dependencies the README lists.
    #[command(verbatim_doc_comment)]
    Readme,
    /// Generated clients against Prism: every operation called, valid examples round-tripped
    ///
    /// Generates a crate and a harness for every document, calls every operation through the typed
    /// client against Prism (static and dynamic) and round-trips every example the validator (ajv)
    /// accepts.
    #[command(verbatim_doc_comment)]
    Conform(Conform),
    /// Write a standalone client crate for any OpenAPI document
    ///
    /// With --tag, --operation or --path, only the operations they select (any of them) and the
    /// types those reach, named as in the full crate.
    #[command(verbatim_doc_comment)]
    Generate(Generate),
    /// Per document: the list operations, those that page, those left out and why
    ///
    /// Per document (files, folders with openapi.yaml, directories searched like corpus): the list
    /// operations found, those that page, and every one left out with its reason.
    #[command(verbatim_doc_comment)]
    PaginationReport {
        /// Documents: files, folders with openapi.yaml, or directories searched like corpus
        #[arg(value_name = "DOC", required = true)]
        docs: Vec<PathBuf>,
    },
    /// Generation speed, compile cost of generated code and client throughput
    ///
    /// Prints Markdown tables. Builds itself in release first, unless --quick; see BENCHMARKS.md.
    #[command(verbatim_doc_comment)]
    Bench(Bench),
    /// Record what cargo-semver-checks says of each recorded pair of spec versions
    ///
    /// Records go to codegen/tests/diff/semver/; needs cargo-semver-checks installed.
    #[command(verbatim_doc_comment)]
    SemverRecord {
        /// Only these pairs (default: every pair)
        #[arg(value_name = "NAME")]
        only: Vec<String>,
    },
    /// Generate a crate for every document under each DIR and check it, warnings as errors
    ///
    /// `cargo check` and `cargo doc` every crate, warnings as errors.
    #[command(verbatim_doc_comment)]
    Corpus(Corpus),
    /// Adversarial documents in one crate: check, clippy and doc with warnings as errors
    ///
    /// Each document is saved in the output directory as doc_N.json.
    #[command(verbatim_doc_comment)]
    FuzzCompile(FuzzCompile),
}

/// `--tag`, `--operation` and `--path`, each repeatable: an operation any of them matches is
/// kept. Shared by `diff` and `generate`.
#[derive(Debug, Default, Args)]
pub struct SelectionArgs {
    /// Operations with this tag
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,
    /// The operation with this operationId
    #[arg(long = "operation", value_name = "ID")]
    pub operations: Vec<String>,
    /// Operations whose path starts with PREFIX
    #[arg(long = "path", value_name = "PREFIX")]
    pub paths: Vec<String>,
}

impl SelectionArgs {
    /// The flags as the generator's selection; empty, it keeps every operation.
    pub fn selection(&self) -> codegen::Selection {
        codegen::Selection { tags: self.tags.clone(), operations: self.operations.clone(), paths: self.paths.clone() }
    }
}

/// The arguments of `cargo xtask diff`: the two versions, the format and what fails the run.
#[derive(Debug, Parser)]
#[command(name = "diff")]
pub struct Diff {
    /// A file path, or REV:path for a file in a git revision
    ///
    /// For example origin/main:spec/thousandeyes.yaml. Without OLD and NEW, every spec/ document
    /// in the working tree is compared with HEAD.
    #[arg(requires = "new", verbatim_doc_comment)]
    pub old: Option<String>,
    /// As OLD; the module name in Rust paths is NEW's file stem
    pub new: Option<String>,
    /// markdown (for a pull request), json (for tools) or compact (for CI logs)
    #[arg(long, value_name = "FORMAT", default_value = "markdown", verbatim_doc_comment)]
    pub format: Format,
    /// Also write the JSON to FILE; a Markdown report cut to fit points to it
    #[arg(long, value_name = "FILE")]
    pub full_json: Option<String>,
    /// Exit 1 when a report has a breaking change (breaking) or any change (any)
    #[arg(long, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
    /// Compare only the operations these select (and the types they reach), as `generate` does;
    /// a document's own `x-codegen: select` applies to both versions too.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `--format` of `cargo xtask diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Summary, breaking changes, rest folded; at most 60,000 characters a document.
    #[value(alias = "md")]
    Markdown,
    /// One object {old, new, report}, or an array of them without OLD NEW.
    Json,
    /// One line per change, breaking ones first.
    Compact,
}

/// `--fail-on` of `cargo xtask diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A change that breaks code written against the old client.
    Breaking,
    /// Any change at all, documentation included.
    Any,
}

/// The arguments of `cargo xtask conform`, as typed; [`Conform::config`] fills in the defaults.
#[derive(Debug, Args)]
pub struct Conform {
    /// Documents: files, folders with openapi.yaml, or directories searched like corpus
    #[arg(value_name = "DOC", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where the crates go [default: target/conform]
    #[arg(long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Leave out documents larger than this
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
    /// Write the detail as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Exit zero whatever the verdicts
    #[arg(long)]
    pub no_fail: bool,
    /// Fail only where a document falls below the counts recorded (by --record-floor) in FILE
    #[arg(long, value_name = "FILE")]
    pub floor: Option<PathBuf>,
    /// Write the counts of this run to FILE as a floor
    #[arg(long, value_name = "FILE")]
    pub record_floor: Option<PathBuf>,
}

impl Conform {
    /// The run's configuration, with `--out` defaulting to `target/conform` under `root`.
    pub fn config(self, root: &Path) -> crate::conform::Config {
        crate::conform::Config {
            inputs: self.inputs,
            out: self.out.unwrap_or_else(|| root.join("target/conform")),
            max_size: self.max_size,
            report: self.report,
            no_fail: self.no_fail,
            floor: self.floor,
            record_floor: self.record_floor,
        }
    }
}

/// The arguments of `cargo xtask generate`: the document, where the crate goes and its name,
/// and what to keep of the document.
#[derive(Debug, Args)]
pub struct Generate {
    /// The OpenAPI document
    #[arg(long, value_name = "PATH")]
    pub spec: PathBuf,
    /// Where the crate goes
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The crate's name
    #[arg(long, value_name = "CRATE")]
    pub name: String,
    /// Generate only the operations these select, and the types they reach.
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Read remote $refs under URL from local copies in DIR (nothing is fetched)
    #[arg(long, value_name = "URL=DIR", value_parser = crate::source::ref_map_flag)]
    pub ref_map: Vec<(String, PathBuf)>,
    /// Page only the operations the document says page
    #[arg(long)]
    pub no_infer_pagination: bool,
}

/// The arguments of `cargo xtask bench`: which sections, how many runs, what to compare with.
#[derive(Debug, Args)]
pub struct Bench {
    /// Run one section only
    #[arg(long, value_name = "SECTION", value_parser = ["generate", "compile", "client"])]
    pub only: Option<String>,
    /// Runs per in-process generation measurement
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub runs: usize,
    /// Runs per whole-process and per compile measurement
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub process_runs: usize,
    /// Operations in the synthetic document
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub operations: usize,
    /// Also measure a cold `cargo check`/`cargo build` (empty target directory): minutes
    #[arg(long)]
    pub cold: bool,
    /// Also generate and compile with openapi-generator's Rust client (openapi-generator-cli)
    #[arg(long)]
    pub openapi_generator: bool,
    /// Also generate and compile with progenitor (cargo-progenitor)
    #[arg(long)]
    pub progenitor: bool,
    /// Tiny sizes and single runs, to check the harness itself works (CI)
    #[arg(long)]
    pub quick: bool,
}

impl From<Bench> for crate::bench::Config {
    fn from(args: Bench) -> Self {
        crate::bench::Config {
            runs: args.runs,
            process_runs: args.process_runs,
            only: args.only,
            quick: args.quick,
            cold: args.cold,
            openapi_generator: args.openapi_generator,
            progenitor: args.progenitor,
            synthetic_operations: args.operations,
        }
    }
}

/// The arguments of `cargo xtask corpus`: where to search, where the crates go, what to skip.
#[derive(Debug, Args)]
pub struct Corpus {
    /// Directories searched for OpenAPI and Swagger documents
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where the crates go [default: target/corpus]
    #[arg(long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Leave out larger documents (a bounded share of a large corpus)
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
}

/// The arguments of `cargo xtask fuzz-compile`, as typed; [`FuzzCompile::config`] fills in the
/// defaults.
#[derive(Debug, Args)]
pub struct FuzzCompile {
    /// Documents to generate
    #[arg(long, value_name = "N", default_value_t = 40, value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    pub cases: usize,
    /// The seed the documents are made from
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Where the crates and documents go [default: target/fuzz-compile]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl FuzzCompile {
    /// The run's configuration, with `--out` defaulting to `target/fuzz-compile` under `root`.
    pub fn config(self, root: &Path) -> crate::fuzz_compile::Config {
        crate::fuzz_compile::Config {
            cases: self.cases,
            seed: self.seed,
            out: self.out.unwrap_or_else(|| root.join("target/fuzz-compile")),
        }
    }
}

/// The grammar as a clap command, with the synopsis of every command after the top-level help.
pub fn command() -> clap::Command {
    let cli = Cli::command();
    let mut synopses = String::from("Synopsis (`cargo xtask <command> --help` says more):\n");
    for sub in cli.get_subcommands() {
        synopses.push_str(&synopsis(sub));
        synopses.push('\n');
    }
    cli.after_help(synopses)
}

/// Parses `args` (the program name first) with [`command`].
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    Cli::from_arg_matches(&command().try_get_matches_from(args)?)
}

/// `  cargo xtask NAME ARG… [--flag VALUE]…`, from the command's declared arguments, broken
/// between arguments before 100 columns.
fn synopsis(sub: &clap::Command) -> String {
    let mut items = vec![format!("  cargo xtask {}", sub.get_name())];
    for arg in sub.get_arguments().filter(|a| a.get_id() != "help") {
        let value = arg.get_value_names().and_then(|names| names.first()).map(ToString::to_string);
        let value = value.unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
        let mut item = match arg.get_long() {
            Some(long) if arg.get_action().takes_values() => format!("--{long} {value}"),
            Some(long) => format!("--{long}"),
            None => value,
        };
        if !arg.is_required_set() {
            item = format!("[{item}]");
        }
        if matches!(arg.get_action(), ArgAction::Append) {
            item.push_str("...");
        }
        items.push(item);
    }
    let mut out = String::new();
    let mut column = 0;
    for item in items {
        if column + 1 + item.len() > 100 {
            out.push_str("\n        ");
            column = 8;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        column += item.chars().count();
        out.push_str(&item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        let cli = parse_from(std::iter::once("xtask").chain(args.iter().copied()))?;
        Ok(cli.command.expect("a command"))
    }

    #[test]
    fn the_grammar_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_command_is_in_the_top_level_help() {
        let help = command().render_long_help().to_string();
        for sub in Cli::command().get_subcommands() {
            assert!(help.contains(&format!("cargo xtask {}", sub.get_name())), "{help}");
        }
        assert!(help.contains("cargo xtask codegen [--check]"), "{help}");
        assert!(help.contains("cargo xtask corpus DIR... [--out OUT] [--max-size BYTES]"), "{help}");
        assert!(help.contains("[--tag T]..."), "{help}");
    }

    #[test]
    fn no_command_is_no_error() {
        assert!(parse_from(["xtask"]).expect("parses").command.is_none());
    }

    #[test]
    fn codegen_takes_check() {
        assert!(matches!(parse(&["codegen"]), Ok(Command::Codegen { check: false })));
        assert!(matches!(parse(&["codegen", "--check"]), Ok(Command::Codegen { check: true })));
        assert!(parse(&["codegen", "--force"]).is_err());
    }

    #[test]
    fn bench_arguments_are_checked() {
        let Ok(Command::Bench(args)) =
            parse(&["bench", "--runs", "7", "--only", "compile", "--quick", "--openapi-generator", "--progenitor"])
        else {
            panic!("bench parses");
        };
        let config = crate::bench::Config::from(args);
        assert_eq!(
            (config.runs, config.only.as_deref(), config.quick, config.openapi_generator, config.progenitor),
            (7, Some("compile"), true, true, true)
        );
        assert_eq!((config.process_runs, config.synthetic_operations, config.cold), (5, 300, false));
        let err = parse(&["bench", "--only", "everything"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(err.to_string().contains("compile"), "{err}");
        assert!(parse(&["bench", "--runs"]).is_err());
        assert!(parse(&["bench", "--runs", "many"]).is_err());
        assert!(parse(&["bench", "--fast"]).unwrap_err().to_string().contains("--fast"));
    }

    #[test]
    fn fuzz_compile_arguments_have_defaults_and_are_checked() {
        let root = Path::new("/repo");
        let config = |args: &[&str]| match parse(&[&["fuzz-compile"], args].concat()) {
            Ok(Command::FuzzCompile(args)) => Ok(args.config(root)),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e),
        };
        assert_eq!(
            config(&[]).unwrap(),
            crate::fuzz_compile::Config { cases: 40, seed: 1, out: root.join("target/fuzz-compile") }
        );
        assert_eq!(
            config(&["--seed", "9", "--cases", "500", "--out", "/tmp/f"]).unwrap(),
            crate::fuzz_compile::Config { cases: 500, seed: 9, out: "/tmp/f".into() }
        );
        assert!(config(&["--cases", "many"]).is_err());
        assert!(config(&["--cases"]).is_err());
        assert!(config(&["--cases", "0"]).is_err());
    }

    #[test]
    fn conform_takes_documents_and_flags() {
        let root = Path::new("/repo");
        let Ok(Command::Conform(args)) = parse(&[
            "conform",
            "spec",
            "--report",
            "r.json",
            "more",
            "--no-fail",
            "--max-size",
            "100",
            "--floor",
            "f.json",
            "--record-floor",
            "g.json",
        ]) else {
            panic!("conform parses");
        };
        let config = args.config(root);
        assert_eq!(config.inputs, [PathBuf::from("spec"), PathBuf::from("more")]);
        assert_eq!(config.out, root.join("target/conform"));
        assert_eq!(config.max_size, Some(100));
        assert_eq!(config.report, Some(PathBuf::from("r.json")));
        assert!(config.no_fail);
        assert_eq!(config.floor, Some(PathBuf::from("f.json")));
        assert_eq!(config.record_floor, Some(PathBuf::from("g.json")));
        assert!(parse(&["conform"]).is_err(), "needs a document");
        assert!(parse(&["conform", "spec", "--max-size", "big"]).is_err());
    }

    #[test]
    fn generate_needs_spec_out_and_name() {
        let Ok(Command::Generate(args)) = parse(&[
            "generate",
            "--spec",
            "a.yaml",
            "--out",
            "out",
            "--name",
            "a",
            "--tag",
            "Usage",
            "--tag",
            "Quotas",
            "--operation",
            "getX",
            "--path",
            "/x",
            "--ref-map",
            "https://example.com/=vendor",
            "--no-infer-pagination",
        ]) else {
            panic!("generate parses");
        };
        assert_eq!((args.spec, args.out, args.name.as_str()), (PathBuf::from("a.yaml"), PathBuf::from("out"), "a"));
        let selection = args.selection.selection();
        assert_eq!(
            (selection.tags, selection.operations, selection.paths),
            (vec!["Usage".to_owned(), "Quotas".to_owned()], vec!["getX".to_owned()], vec!["/x".to_owned()])
        );
        assert_eq!(args.ref_map, [("https://example.com/".to_owned(), PathBuf::from("vendor"))]);
        assert!(args.no_infer_pagination);
        assert!(parse(&["generate", "--spec", "a.yaml", "--out", "out"]).is_err(), "needs --name");
        assert!(parse(&["generate", "--spec", "a", "--out", "o", "--name", "n", "--ref-map", "x"]).is_err());
    }

    #[test]
    fn diff_takes_two_versions_or_none() {
        let Ok(Command::Diff(args)) =
            parse(&["diff", "--format", "compact", "old.yaml", "new.yaml", "--full-json", "f"])
        else {
            panic!("diff parses");
        };
        assert_eq!((args.old.as_deref(), args.new.as_deref()), (Some("old.yaml"), Some("new.yaml")));
        assert_eq!((args.format, args.full_json.as_deref(), args.fail_on), (Format::Compact, Some("f"), None));
        let Ok(Command::Diff(args)) = parse(&["diff", "--format=md", "--fail-on", "breaking"]) else {
            panic!("diff parses");
        };
        assert_eq!((args.old, args.format, args.fail_on), (None, Format::Markdown, Some(FailOn::Breaking)));
        assert!(parse(&["diff", "only-one.yaml"]).is_err());
        assert!(parse(&["diff", "a", "b", "c"]).is_err());
        assert!(parse(&["diff", "--format", "html"]).is_err());
    }

    #[test]
    fn lists_of_documents_and_names() {
        assert!(
            matches!(parse(&["corpus", "a", "--out", "o", "b"]), Ok(Command::Corpus(Corpus { dirs, out: Some(_), max_size: None })) if dirs.len() == 2)
        );
        assert!(parse(&["corpus"]).is_err());
        assert!(
            matches!(parse(&["pagination-report", "a", "b"]), Ok(Command::PaginationReport { docs }) if docs.len() == 2)
        );
        assert!(parse(&["pagination-report"]).is_err());
        assert!(matches!(parse(&["semver-record"]), Ok(Command::SemverRecord { only }) if only.is_empty()));
        assert!(
            matches!(parse(&["semver-record", "a", "b"]), Ok(Command::SemverRecord { only }) if only == ["a", "b"])
        );
        assert!(matches!(parse(&["contract"]), Ok(Command::Contract)));
        assert!(matches!(parse(&["readme"]), Ok(Command::Readme)));
    }
}
