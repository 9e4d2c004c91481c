//! What every rendering function reads: [`Cx`], the API, its names and options with what is
//! derived from them once; and the identifiers they spell.

use proc_macro2::{Ident, Span, TokenStream};
use quote::format_ident;

use super::rust_type::type_tokens;
use crate::error::Error;
use crate::model::*;
use crate::names::Names;
use crate::Options;

/// What every rendering function reads.
pub(crate) struct Cx<'a> {
    pub api: &'a Api,
    pub names: &'a Names,
    pub options: &'a Options,
    /// [`Options::runtime_path`], parsed.
    pub runtime: syn::Path,
    /// By [`TypeId`]: the strongly connected component of the type in the graph of direct
    /// containment (fields and variants, not through `Vec` or maps); see [`Cx::needs_box`].
    pub cycles: Vec<usize>,
    /// Estimated sizes of the named types, as `render::size` computes them.
    pub(crate) sizes: super::size::Sizes,
    /// How operations use each type: a struct only responses carry takes its nullable required
    /// fields through setters ([`crate::model::Field::in_constructor`]).
    pub uses: crate::model::Uses,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(api: &'a Api, names: &'a Names, options: &'a Options) -> Result<Self, Error> {
        let runtime = syn::parse_str(&options.runtime_path)
            .map_err(|e| Error::Internal { message: format!("runtime path `{}`: {e}", options.runtime_path) })?;
        let uses = crate::model::Uses::of(api);
        Ok(Cx { api, names, options, runtime, cycles: cycle_groups(api), sizes: super::size::Sizes::default(), uses })
    }

    /// Whether `owner` holding `ty` directly would make a type of infinite size: `ty` leads back
    /// to `owner`. Such fields and variants are boxed.
    pub fn needs_box(&self, owner: TypeId, ty: &TypeRef) -> bool {
        match direct_target(ty) {
            Some(target) => self.cycles[target.0] == self.cycles[owner.0],
            None => false,
        }
    }

    pub fn type_ident(&self, id: TypeId) -> Ident {
        ident(&self.names.types[id.0])
    }

    /// Follows aliases to the type that is declared: [`Api::resolved`].
    pub fn resolved<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        self.api.resolved(ty)
    }

    /// The Rust type of `ty`; named types are prefixed with `prefix` (e.g. `types::`).
    pub fn rust_type(&self, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
        type_tokens(self.names, ty, prefix)
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

/// The named type a field or variant of type `ty` holds inline (not behind a `Vec` or a map).
fn direct_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

/// Strongly connected components (Tarjan) of the direct-containment graph, by type. Two types in
/// one component hold each other; a field whose target is its owner is a self-edge.
fn cycle_groups(api: &Api) -> Vec<usize> {
    let edges: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|def| {
            let held: Vec<&TypeRef> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union(u) => u.variants.iter().collect(),
                TypeKind::Tuple(t) => t.items.iter().collect(),
                TypeKind::Alias(target) => vec![target],
                TypeKind::Enum(_) | TypeKind::IntEnum(_) => Vec::new(),
            };
            held.into_iter().filter_map(direct_target).map(|id| id.0).collect()
        })
        .collect();
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut components = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // Iterative depth-first search: (node, next edge to follow).
        let mut work = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}
