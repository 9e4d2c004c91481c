//! What every rendering function reads: [`Cx`], the API, its names and options with what is
//! derived from them once; and the identifiers they spell.

use proc_macro2::{Ident, Span};
use quote::format_ident;

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
    /// [`Options::runtime_path`], parsed.
    pub runtime: syn::Path,
    /// Where generated code boxes (cycles, large variants), decided before rendering.
    pub boxing: &'a Boxing,
    /// How operations use each type: a struct only responses carry takes its nullable required
    /// fields through setters ([`crate::model::Field::in_constructor`]).
    pub uses: crate::model::Uses,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(api: &'a Api, names: &'a Names, options: &'a Options, boxing: &'a Boxing) -> Result<Self, Error> {
        let runtime = syn::parse_str(&options.runtime_path)
            .map_err(|e| Error::Internal { message: format!("runtime path `{}`: {e}", options.runtime_path) })?;
        let uses = crate::model::Uses::of(api);
        Ok(Cx { api, names, options, runtime, boxing, uses })
    }

    pub fn type_ident(&self, id: TypeId) -> Ident {
        ident(&self.names.types[id.0])
    }

    /// Follows aliases to the type that is declared: [`Api::resolved`].
    pub fn resolved<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        self.api.resolved(ty)
    }
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
