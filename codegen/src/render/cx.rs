//! What every rendering function reads: [`Cx`], the API, its names and options with what is
//! derived from them once; and the identifiers they spell.

use proc_macro2::{Ident, Spacing, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};

use super::boxing::Boxing;
use crate::error::Error;
use crate::model::*;
use crate::names::Names;
use crate::options::Options;

/// What every rendering function reads.
pub(crate) struct Cx<'a> {
    pub api: &'a Api,
    pub names: &'a Names,
    pub options: &'a Options,
    /// How generated code names the runtime: `runtime`, which [`Cx::runtime_import`] brings into
    /// scope, so that every file writes `runtime::Error` and none spells the full path.
    pub runtime: syn::Path,
    /// The `use` that names [`Options::runtime_path`] `runtime` (none when it is that already).
    import: TokenStream,
    /// Where generated code boxes (cycles, large variants), decided before rendering.
    pub boxing: &'a Boxing,
    /// How operations use each type: a struct only responses carry takes its nullable required
    /// fields through setters ([`crate::model::Field::in_constructor`]).
    pub uses: crate::model::Uses,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(api: &'a Api, names: &'a Names, options: &'a Options, boxing: &'a Boxing) -> Result<Self, Error> {
        let full: syn::Path = syn::parse_str(&options.runtime_path)
            .map_err(|e| Error::Internal { message: format!("runtime path `{}`: {e}", options.runtime_path) })?;
        let import = match full.segments.last() {
            _ if full.is_ident("runtime") => TokenStream::new(),
            Some(last) if last.ident == "runtime" => quote!(use #full;),
            _ => quote!(use #full as runtime;),
        };
        let uses = crate::model::Uses::of(api);
        Ok(Cx { api, names, options, runtime: syn::parse_quote!(runtime), import, boxing, uses })
    }

    /// The `use` of the runtime for a file whose code names it (`used`), else nothing, which keeps
    /// a file free of an unused import: `client.rs`, `builder.rs` and `mock.rs` always name it;
    /// `types.rs` and `serde_impls.rs` are asked after their pieces ([`mentions_runtime`]).
    pub fn runtime_import(&self, used: bool) -> TokenStream {
        if used {
            self.import.clone()
        } else {
            TokenStream::new()
        }
    }

    pub fn type_ident(&self, id: TypeId) -> Ident {
        ident(&self.names.types[id.0])
    }

    /// Follows aliases to the type that is declared: [`Api::resolved`].
    pub fn resolved<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        self.api.resolved(ty)
    }
}

/// Whether code names the runtime: a path that starts `runtime::` (a field or variable named
/// `runtime` is followed by one colon, or none).
pub(crate) fn mentions_runtime(tokens: &TokenStream) -> bool {
    let mut tokens = tokens.clone().into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Group(group) if mentions_runtime(&group.stream()) => return true,
            TokenTree::Ident(name) if name == "runtime" => {
                if let Some(TokenTree::Punct(colon)) = tokens.peek() {
                    if colon.as_char() == ':' && colon.spacing() == Spacing::Joint {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// An identifier; raw identifiers (`r#type`) included.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// A generator bug: what the renderer met that lowering should have ruled out or shaped.
pub(crate) fn internal(message: impl Into<String>) -> Error {
    Error::Internal { message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::mentions_runtime;
    use quote::quote;

    #[test]
    fn a_path_into_the_runtime_is_a_mention_and_a_field_of_that_name_is_not() {
        assert!(mentions_runtime(&quote!(
            fn f() -> Result<(), runtime::Error<()>> {
                todo!()
            }
        )));
        assert!(!mentions_runtime(&quote!(
            struct S {
                runtime: u8,
            }
            fn f(s: S) -> u8 {
                s.runtime
            }
        )));
        assert!(!mentions_runtime(&quote!(let runtime = 1;)));
    }
}
