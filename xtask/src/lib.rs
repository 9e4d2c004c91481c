//! Project automation behind `cargo xtask`. Thin on purpose: it finds files, calls the `codegen`
//! library and writes or compares what comes back.

pub mod bench;
pub mod codegen;
pub mod corpus;
pub mod diff;
pub mod generate;
pub mod synthetic;
