//! The generator: an OpenAPI document (3.0; 3.1, 3.2 and Swagger 2.0 normalized to 3.0; one file or
//! several) in, the Rust source of a typed async client out.
//!
//! The pipeline reads top to bottom, one module per stage, each testable alone:
//!
//! 1. [`load`](mod@load): text → [`load::Document`] (YAML or JSON; syntax errors with line and column);
//! 2. [`lower`]: document → [`model::Api`], our own model with every `$ref` resolved;
//! 3. [`names`]: model → [`names::Names`], every Rust identifier decided once;
//! 4. [`select`] (when some operations are asked for): the selected operations and the types
//!    they reach, names unchanged;
//! 5. [`render`]: model + names → formatted source files.
//!
//! [`generate`] runs stages 2–5. Nothing here reads or writes files: callers (the `xtask`) do.
//!
//! Beside the stages: [`options`] holds what a generation is asked ([`Options`]) and answers
//! ([`Output`]), [`error`] its errors and warnings, [`reserved`] the names generated code itself
//! uses (read by [`names`] and [`render`] alike). This file is only the crate's front door.

pub mod diff;
pub mod error;
pub mod extension;
pub mod load;
pub mod lower;
pub mod model;
pub mod names;
pub mod options;
pub mod pointer;
pub mod render;
pub mod reserved;
pub mod select;

pub use error::{Error, Warning};
pub use load::{load, load_mapped, parse, Document, Source};
pub use options::{GeneratedFile, Options, Output, GENERATED_MARKER};
pub use select::Selection;

/// Generates the Rust module of one API.
///
/// Never panics: a panic inside the generator (a bug) is caught and returned as
/// [`Error::Internal`].
pub fn generate(doc: &Document, options: &Options) -> Result<Output, Error> {
    error::guard(|| {
        let (api, mut warnings) =
            lower::lower_with(doc, options.infer_pagination).map_err(|e| doc.original_error(e))?;
        warnings.splice(0..0, doc.warnings.iter().cloned());
        // Pointers name the original document: the Swagger 2.0 place, the file of a multi-file one.
        for warning in &mut warnings {
            warning.pointer = doc.original(&warning.pointer);
        }
        let names = names::names(&api);
        let selection = Selection::from_document(doc)?.and(&options.select);
        select::check(&api, &selection)?;
        let (api, names) = select::select(&api, &names, &selection);
        let files = render::render(&api, &names, options).map_err(|e| doc.original_error(e))?;
        Ok(Output { files, warnings })
    })
}
