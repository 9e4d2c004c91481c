//! Errors and warnings of the generator. Every one that concerns the document names the place in it
//! as a JSON pointer (RFC 6901), so a maintainer can jump straight to the offending construct.

use std::fmt;

/// Why a document could not be turned into code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The text is not well-formed YAML or JSON.
    Syntax {
        /// The line of the fault, from 1; 0 when the parser gave no position.
        line: usize,
        /// The column of the fault, from 1; 0 when the parser gave no position.
        column: usize,
        /// The parser's explanation, without the position it would repeat.
        message: String,
    },
    /// The text parses, but the value at `pointer` is not what OpenAPI allows there.
    Invalid {
        /// JSON pointer of the offending value, in the original document's terms once
        /// [`crate::generate`] returns it.
        pointer: String,
        /// What is wrong there, for a person.
        message: String,
    },
    /// A `$ref` at `pointer` names something the document does not contain.
    UnresolvedRef {
        /// JSON pointer of the place holding the `$ref`.
        pointer: String,
        /// The `$ref` value, as written.
        reference: String,
    },
    /// The construct at `pointer` is valid OpenAPI that this generator does not handle.
    Unsupported {
        /// JSON pointer of the construct.
        pointer: String,
        /// What is not handled, for a person.
        message: String,
    },
    /// A bug in the generator, not in the document: tokens that are not valid Rust, a type
    /// left unlowered, or a panic caught at the library's edge.
    Internal {
        /// What went wrong inside the generator (for a caught panic, its message).
        message: String,
    },
}

impl Error {
    /// The JSON pointer of the offending place, when the error concerns one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::Invalid { pointer, .. }
            | Error::UnresolvedRef { pointer, .. }
            | Error::Unsupported { pointer, .. } => Some(pointer),
            Error::Syntax { .. } | Error::Internal { .. } => None,
        }
    }

    pub(crate) fn unsupported(pointer: &str, message: impl Into<String>) -> Self {
        Error::Unsupported { pointer: pointer.to_owned(), message: message.into() }
    }

    pub(crate) fn invalid(pointer: &str, message: impl Into<String>) -> Self {
        Error::Invalid { pointer: pointer.to_owned(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Syntax { line, column, message } => {
                write!(f, "syntax error at line {line}, column {column}: {message}")
            }
            Error::Invalid { pointer, message } => write!(f, "invalid document at {pointer}: {message}"),
            Error::UnresolvedRef { pointer, reference } => {
                write!(f, "unresolvable $ref '{reference}' at {pointer}")
            }
            Error::Unsupported { pointer, message } => write!(f, "unsupported at {pointer}: {message}"),
            Error::Internal { message } => write!(f, "internal generator error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Something the generator handled with a documented fallback; worth a maintainer's look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// JSON pointer of the place the fallback concerns (empty for the whole document); in the
    /// original document's terms in [`crate::Output::warnings`].
    pub pointer: String,
    /// What was found and what was done instead, for a person.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning at {}: {}", self.pointer, self.message)
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` as RFC 6901 requires.
pub fn push_pointer(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Runs `f`, turning a panic into [`Error::Internal`].
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Error::Internal { message: format!("the generator panicked: {message}") })
    })
}
