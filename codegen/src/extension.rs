//! `x-codegen`: what a document tells this generator about itself, read by every stage that
//! honours a part of it: `load` (`ref-map`), `lower` (`pagination`, `infer-pagination`) and
//! `select` (the operations to keep).

/// The extension's key, at the top of a document and on an operation.
pub const EXTENSION: &str = "x-codegen";
