//! The request model: one operation as its `Client` method, its request builder and its mock
//! render it ([`Request`]), with what they ask of its parameters, body and responses. `client.rs`,
//! `builder.rs`, `mock.rs`, `paginate.rs` and `streams.rs` read it.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::cx::{ident, internal, Cx};
use super::rust_type::mentions_named;
use crate::error::Error;
use crate::model::*;
use crate::names::OperationNames;

/// One operation, as its `Client` method and its request builder render it.
pub(super) struct Request<'a> {
    pub(super) cx: &'a Cx<'a>,
    pub(super) op: &'a Operation,
    pub(super) names: &'a OperationNames,
    /// Required parameters (client method arguments), then optional ones (setters).
    pub(super) required: Vec<(usize, &'a Parameter)>,
    pub(super) optional: Vec<(usize, &'a Parameter)>,
    pub(super) body: Option<(&'a RequestBody, &'a Content)>,
    pub(super) uses_types: bool,
}

impl<'a> Request<'a> {
    pub(super) fn new(cx: &'a Cx<'a>, op: &'a Operation, names: &'a OperationNames) -> Result<Self, Error> {
        let (required, optional) = op.parameters.iter().enumerate().partition(|(_, p)| p.required);
        let body = match &op.body {
            Some(body) => Some((body, body_content(op, body)?)),
            None => None,
        };
        let mut uses_types = names.error_enum.is_some();
        let mut note = |ty: &TypeRef| uses_types |= mentions_named(ty);
        op.parameters.iter().for_each(|p| note(&p.ty));
        if let Some((_, Content { ty: Some(ty), .. })) = body {
            note(ty);
        }
        for content in op.successes().filter_map(Response::body) {
            content.ty.iter().for_each(&mut note);
            cx.api.stream_item(content).iter().for_each(&mut note);
        }
        uses_types |= names.success_enum.is_some();
        Ok(Request { cx, op, names, required, optional, body, uses_types })
    }

    pub(super) fn builder_ident(&self) -> Ident {
        ident(&self.names.builder)
    }

    pub(super) fn param_ident(&self, index: usize) -> Ident {
        ident(&self.names.parameters[index])
    }

    pub(super) fn param_type(&self, p: &Parameter) -> TokenStream {
        self.cx.rust_type(&p.ty, &quote!(types::))
    }

    /// What the builder holds for a required parameter: `Option<T>` when it is nullable (`None`
    /// leaves it out), else `T`.
    pub(super) fn field_type(&self, p: &Parameter) -> TokenStream {
        let ty = self.param_type(p);
        if p.may_be_absent() {
            quote!(Option<#ty>)
        } else {
            ty
        }
    }

    pub(super) fn body_type(&self) -> Option<TokenStream> {
        let (_, content) = self.body?;
        Some(match content.kind() {
            MediaKind::Json | MediaKind::FormUrlEncoded => match &content.ty {
                Some(ty) => self.cx.rust_type(ty, &quote!(types::)),
                None => quote!(serde_json::Value),
            },
            MediaKind::Text => quote!(String),
            // In memory, from a file or from a stream; sent without being held whole.
            MediaKind::Binary => {
                let runtime = &self.cx.runtime;
                quote!(#runtime::Upload)
            }
            // Typed parts when the schema names them, else a form the caller fills.
            MediaKind::Multipart => match &self.names.parts {
                Some(parts) => {
                    let parts = ident(parts);
                    quote!(types::#parts)
                }
                None => quote!(reqwest::multipart::Form),
            },
        })
    }

    /// The argument type of the body's client method argument or setter, and the conversion
    /// applied to the argument: binary bodies take anything that is an `Upload`.
    pub(super) fn body_argument(&self) -> Option<(TokenStream, TokenStream)> {
        let ty = self.body_type()?;
        Some(match self.body.map(|(_, c)| c.kind()) {
            Some(MediaKind::Binary) => (quote!(impl Into<#ty>), quote!(.into())),
            _ => (ty, quote!()),
        })
    }

    pub(super) fn body_required(&self) -> bool {
        self.body.is_some_and(|(b, _)| b.required)
    }

    pub(super) fn endpoint(&self) -> String {
        super::docs::code(&format!("{} {}", self.op.method.as_str(), self.op.path))
    }

    /// The argument type of a setter, and the conversion applied to the argument.
    pub(super) fn setter_type(&self, p: &Parameter) -> (TokenStream, TokenStream) {
        if p.required && p.may_be_absent() {
            return (self.field_type(p), quote!());
        }
        super::rust_type::argument(&p.ty, self.param_type(p), false)
    }

    /// Whether the success body is binary and handed out as a stream rather than read: one body
    /// type for every 2xx status, neither JSON nor text nor a sequence of items, on an operation
    /// that does not page.
    pub(super) fn streamed(&self) -> bool {
        let binary = success(self.op).is_some_and(|c| !matches!(c.kind(), MediaKind::Json | MediaKind::Text));
        binary && self.names.success_enum.is_none() && self.op.pagination.is_none() && self.items().is_none()
    }
}

/// The content a successful call decodes when every 2xx response carries the same body (see
/// [`Operation::success_bodies_differ`] for the other case). An operation that documents no 2xx
/// response at all succeeds with its `default` response's body.
pub(super) fn success(op: &Operation) -> Option<&Content> {
    if op.successes().next().is_none() {
        return default_response(op).and_then(Response::body);
    }
    op.successes().find_map(Response::body)
}

/// The `default` response, when the operation documents one.
pub(super) fn default_response(op: &Operation) -> Option<&Response> {
    op.responses.iter().find(|r| r.status == Status::Default)
}

/// The body the builder sends ([`RequestBody::sent`]; lowering rejects a body without content).
fn body_content<'a>(op: &Operation, body: &'a RequestBody) -> Result<&'a Content, Error> {
    body.sent().ok_or_else(|| internal(format!("{}: a request body without content", op.pointer)))
}
