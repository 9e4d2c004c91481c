//! Typed multipart bodies: for an operation whose multipart body has an object schema
//! ([`Api::multipart_parts`]), `{Operation}Parts` in `types.rs`, a struct of the schema's
//! properties in which `format: binary` properties (and arrays of them) are file parts
//! (`runtime::FilePart`, streamed from a file) and the rest keep their types; its `into_form`
//! writes a part per property through `runtime::Multipart`, with the document's `encoding`
//! (`contentType`; the part headers it lists are named in the field's rustdoc, set on the file
//! part). The schema's `additionalProperties` have no part.

use proc_macro2::TokenStream;
use quote::quote;

use super::cx::{ident, Cx};
use super::docs::{doc, spec_text};
use super::rust_type::argument;
use crate::model::*;
use crate::names::OperationNames;

/// What a property of a parts struct holds.
#[derive(Clone, Copy)]
enum Held {
    File,
    Files,
    Value,
}

/// `{Operation}Parts` and its `new`, `with_*` and `into_form`, or nothing when the operation has
/// no typed multipart body.
pub(super) fn parts_def(cx: &Cx, op: &Operation, names: &OperationNames) -> TokenStream {
    let (Some(name), Some(id)) = (&names.parts, cx.api.multipart_parts(op)) else { return TokenStream::new() };
    let TypeKind::Struct(s) = &cx.api.type_def(id).kind else { return TokenStream::new() };
    let Some(content) = op.body.as_ref().and_then(RequestBody::sent) else { return TokenStream::new() };
    let runtime = &cx.runtime;
    let name = ident(name);
    let members = &cx.names.members[id.0];
    let method = names.method.trim_start_matches("r#");
    let docs = doc(&format!(
        "The parts of the multipart body of [`Client::{method}`](super::Client::{method}): a part per \
         property set, a file part ([`FilePart`](runtime::FilePart), read as it is sent) for each \
         binary one, arrays as repeated parts, objects as JSON parts."
    ));
    let mut fields = Vec::new();
    let mut arguments = Vec::new();
    let mut initializers = Vec::new();
    let mut setters = Vec::new();
    let mut writes = Vec::new();
    let mut conversions = Vec::new();
    for (field, rust_name) in s.fields.iter().zip(members) {
        let field_ident = ident(rust_name);
        let wire = &field.name;
        let (inner, nullable) = match &field.ty {
            TypeRef::Nullable(inner) => (inner.as_ref(), true),
            other => (other, false),
        };
        let held = match cx.api.resolved(inner) {
            TypeRef::Primitive(Primitive::Binary) => Held::File,
            TypeRef::Array(item) if matches!(cx.api.resolved(item), TypeRef::Primitive(Primitive::Binary)) => {
                Held::Files
            }
            _ => Held::Value,
        };
        let (ty, (argument, convert)) = match held {
            Held::File => (quote!(#runtime::FilePart), (quote!(impl Into<#runtime::FilePart>), quote!(.into()))),
            Held::Files => (quote!(Vec<#runtime::FilePart>), (quote!(Vec<#runtime::FilePart>), quote!())),
            Held::Value => {
                let ty = cx.rust_type(inner, &quote!());
                (ty.clone(), argument(inner, ty, false))
            }
        };
        let encoding = content.encoding.iter().find(|e| &e.property == wire);
        let content_type = match encoding.and_then(|e| e.content_type.as_deref()) {
            Some(media) => quote!(Some(#media)),
            None => quote!(None),
        };
        let mut text = field.description.as_deref().map(spec_text).unwrap_or_default();
        if let Some(e) = encoding.filter(|e| !e.headers.is_empty()) {
            let headers: Vec<String> = e.headers.iter().map(|h| super::docs::code(h)).collect();
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!(
                "The API documents part headers {}: set them with [`FilePart::header`](runtime::FilePart::header).",
                headers.join(", "),
            ));
        }
        let field_docs = doc(&text);
        let optional = !field.required || nullable;
        let write = match (held, optional) {
            (Held::File, false) => quote!(form.file(#wire, self.#field_ident, #content_type).await?;),
            (Held::File, true) => quote! {
                if let Some(part) = self.#field_ident {
                    form.file(#wire, part, #content_type).await?;
                }
            },
            (Held::Files, false) => quote! {
                for part in self.#field_ident {
                    form.file(#wire, part, #content_type).await?;
                }
            },
            (Held::Files, true) => quote! {
                for part in self.#field_ident.into_iter().flatten() {
                    form.file(#wire, part, #content_type).await?;
                }
            },
            (Held::Value, _) => quote!(form.value(#wire, &self.#field_ident, #content_type)?;),
        };
        writes.push(write);
        // From the schema's own struct: bytes become file parts, boxes are opened.
        let boxed = matches!(held, Held::Value) && cx.boxing.needs_box(id, inner);
        conversions.push(match (held, boxed, optional) {
            (Held::File, _, false) => quote!(#field_ident: value.#field_ident.into(),),
            (Held::File, _, true) => quote!(#field_ident: value.#field_ident.map(Into::into),),
            (Held::Files, _, false) => quote!(#field_ident: value.#field_ident.into_iter().map(Into::into).collect(),),
            (Held::Files, _, true) => {
                quote!(#field_ident: value.#field_ident.map(|parts| parts.into_iter().map(Into::into).collect()),)
            }
            (Held::Value, true, false) => quote!(#field_ident: *value.#field_ident,),
            (Held::Value, true, true) => quote!(#field_ident: value.#field_ident.map(|boxed| *boxed),),
            (Held::Value, false, _) => quote!(#field_ident: value.#field_ident,),
        });
        if field.required {
            let (held_ty, argument, convert) =
                if nullable { (quote!(Option<#ty>), quote!(Option<#ty>), quote!()) } else { (ty, argument, convert) };
            arguments.push(quote!(#field_ident: #argument));
            initializers.push(quote!(#field_ident: #field_ident #convert,));
            fields.push(quote!(#field_docs pub #field_ident: #held_ty,));
        } else {
            let setter = ident(&format!("with_{}", rust_name.trim_start_matches("r#").trim_matches('_')));
            let setter_docs = doc(&super::docs::setter_doc(wire, field.description.as_deref()));
            setters.push(quote! {
                #setter_docs
                pub fn #setter(mut self, value: #argument) -> Self {
                    self.#field_ident = Some(value #convert);
                    self
                }
            });
            initializers.push(quote!(#field_ident: None,));
            fields.push(quote!(#field_docs pub #field_ident: Option<#ty>,));
        }
    }
    let new_docs = doc("The parts with the required properties; set the others with the `with_*` methods.");
    let form_docs = doc("The multipart form, a part per property set (files are opened here: one that cannot be \
         opened fails the request before anything is sent).");
    let many = super::lints::many_arguments(arguments.len());
    let schema = cx.type_ident(id);
    let from_docs = doc("The parts of a value of the body's schema, held in memory (its bytes become file parts).");
    let default = s.fields.iter().all(|f| !f.required).then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Clone, Debug, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #new_docs
            #many
            pub fn new(#(#arguments),*) -> Self {
                Self { #(#initializers)* }
            }

            #(#setters)*

            #form_docs
            pub(crate) async fn into_form<E>(self) -> Result<reqwest::multipart::Form, #runtime::Error<E>> {
                let mut form = #runtime::Multipart::new();
                #(#writes)*
                Ok(form.finish())
            }
        }

        impl From<#schema> for #name {
            #from_docs
            fn from(value: #schema) -> Self {
                Self { #(#conversions)* }
            }
        }
    }
}
