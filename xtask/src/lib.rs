//! Project automation behind `cargo xtask` (its command grammar: [`cli`]). Thin on purpose: it
//! finds files, calls the `codegen` library and writes or compares what comes back.

pub mod bench;
pub mod cli;
pub mod conform;
pub mod corpus;
pub mod diff;
pub mod files;
pub mod fuzz_compile;
pub mod generate;
pub mod pagination_report;
pub mod prism;
pub mod readme;
pub mod regen;
pub mod semver;
pub mod source;
pub mod synthetic;

/// `cargo`, as the one running this xtask names it (`$CARGO`), else from `PATH`.
pub fn cargo() -> std::process::Command {
    std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
