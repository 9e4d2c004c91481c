//! The `types` module: one declaration per named type, plus the enums of error bodies; and the
//! `serde_impls` module beside it, the `Serialize`/`Deserialize` impls written out for those types
//! (`wire.rs`, `union.rs`, `tuple.rs`, and the enums' here), so `types.rs` reads as the types.

use proc_macro2::TokenStream;
use quote::quote;

use super::boxing::boxed_variants;
use super::cx::{ident, mentions_runtime, Cx};
use super::docs::{doc, inner_doc, labelled, spec_line, spec_text};
use super::rust_type::{argument, held_type};
use crate::error::Error;
use crate::model::*;
use crate::reserved::UNKNOWN_VARIANT;

/// `types.rs` and `serde_impls.rs` whole: the one for the types, the other for their written-out
/// `Serialize`/`Deserialize` impls, in the same order.
pub(super) fn render(cx: &Cx) -> Result<(TokenStream, TokenStream), Error> {
    let (types, impls) = type_items(cx, 0..cx.api.types.len());
    let operations = operation_items(cx, 0..cx.api.operations.len());
    // The operations' enums name it whenever there are any, so they are asked first.
    let types_name_runtime = mentions_runtime(&operations) || mentions_runtime(&types);
    let (header, serde_header) = (header(cx, types_name_runtime), serde_header(cx, mentions_runtime(&impls)));
    Ok((
        quote! {
            #header
            #types
            #operations
        },
        quote! {
            #serde_header
            #impls
        },
    ))
}

/// The doc of `types.rs`, and the runtime's `use` when its code names the runtime
/// (`names_runtime`, found after its pieces are rendered). Its types name serde only in derives
/// (`serde::Serialize`), so it imports nothing else.
pub(super) fn header(cx: &Cx, names_runtime: bool) -> TokenStream {
    let docs = inner_doc(&format!("Data types of the {}: the bodies it sends and receives.", spec_line(&cx.api.title)));
    let import = cx.runtime_import(names_runtime);
    quote! {
        #docs
        #import
    }
}

/// Whether the module has a `serde_impls.rs`: every type but an alias has its impls written out.
pub(super) fn has_serde_impls(api: &Api) -> bool {
    api.types.iter().any(|t| !matches!(t.kind, TypeKind::Alias(_)))
}

/// The doc and imports of `serde_impls.rs` (empty when the module has none): the types by a glob
/// of `super::types`, where no name can clash with serde's (`reserved::TYPES_MODULE`), and
/// `Serialize` only when some impl names it (a union without a discriminator derives it), and the
/// runtime when the impls name it (`names_runtime`).
pub(super) fn serde_header(cx: &Cx, names_runtime: bool) -> TokenStream {
    if !has_serde_impls(cx.api) {
        return TokenStream::new();
    }
    let docs = inner_doc(&format!(
        "How the data types of the {} are written to and read from JSON: the `Serialize` and \
         `Deserialize` impls written out for the types in `types.rs`, in the same order.",
        spec_line(&cx.api.title)
    ));
    let writes = cx.api.types.iter().any(|t| match &t.kind {
        TypeKind::Alias(_) => false,
        TypeKind::Union(union) => super::union::writes_serialize(cx, union),
        _ => true,
    });
    let traits = if writes {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    } else {
        quote!(
            use serde::Deserialize;
        )
    };
    let import = cx.runtime_import(names_runtime);
    quote! {
        #docs
        #import
        #traits
        use super::types::*;
    }
}

/// The declarations of the types in `range`, in order, and their serde impls, in the same order.
pub(super) fn type_items(cx: &Cx, range: std::ops::Range<usize>) -> (TokenStream, TokenStream) {
    let (mut types, mut impls) = (TokenStream::new(), TokenStream::new());
    for i in range {
        let (declaration, serde) = type_def(cx, TypeId(i), &cx.api.types[i]);
        types.extend(declaration);
        impls.extend(serde);
    }
    (types, impls)
}

/// The error and success enums and the multipart parts of the operations in `range`, in order.
pub(super) fn operation_items(cx: &Cx, range: std::ops::Range<usize>) -> TokenStream {
    let mut items = TokenStream::new();
    for (op, names) in cx.api.operations[range.clone()].iter().zip(&cx.names.operations[range]) {
        if let Some(errors) = &names.error_enum {
            items.extend(error_enum_def(cx, op, names, errors));
        }
        if let Some(success) = &names.success_enum {
            items.extend(success_enum_def(cx, op, names, success));
        }
        items.extend(super::multipart::parts_def(cx, op, names));
    }
    items
}

/// A type's declaration (with its docs, constructor and setters) and its serde impls (none for an
/// alias).
fn type_def(cx: &Cx, id: TypeId, def: &TypeDef) -> (TokenStream, TokenStream) {
    let name = cx.type_ident(id);
    let mut text = def.description.as_deref().map(spec_text).unwrap_or_default();
    if def.deprecated {
        text.push_str("\n\nDeprecated by the API.");
    }
    let docs = doc(&text);
    let members = &cx.names.members[id.0];
    match &def.kind {
        TypeKind::Struct(s) => struct_def(cx, id, &name, docs, s, members),
        TypeKind::Enum(values) => enum_def(&name, docs, values, members),
        TypeKind::IntEnum(values) => int_enum_def(&name, docs, values, members),
        TypeKind::Union(union) => super::union::union_def(cx, id, &name, docs, union, members),
        TypeKind::Tuple(tuple) => super::tuple::tuple_def(cx, id, &name, docs, tuple),
        TypeKind::Alias(target) => {
            // Lowering left no alias that holds itself (`lower/aliases.rs`).
            let target = cx.rust_type(target, &quote!());
            let declaration = quote! {
                #docs
                pub type #name = #target;
            };
            (declaration, TokenStream::new())
        }
    }
}

/// What a field's docs say it is: its own description, or else (a `$ref` with no description
/// beside it, which OpenAPI 3.0 would ignore anyway) the first paragraph of the description of
/// the type it names, so that every field of a documented type is documented.
fn field_description<'a>(cx: &'a Cx, field: &'a Field) -> Option<&'a str> {
    if let Some(own) = field.description.as_deref().filter(|d| !d.trim().is_empty()) {
        return Some(own);
    }
    let mut ty = &field.ty;
    loop {
        match ty {
            TypeRef::Nullable(inner) => ty = inner,
            TypeRef::Named(id) => {
                let def = cx.api.type_def(*id);
                if let Some(text) = def.description.as_deref().filter(|d| !d.trim().is_empty()) {
                    return text.trim().split("\n\n").next();
                }
                match &def.kind {
                    TypeKind::Alias(target) => ty = target,
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

fn struct_def(
    cx: &Cx,
    id: TypeId,
    name: &proc_macro2::Ident,
    docs: TokenStream,
    s: &Struct,
    members: &[String],
) -> (TokenStream, TokenStream) {
    let mut fields = Vec::new();
    // `new`'s arguments (the required fields) and the `with_*` setters (the optional ones, and the
    // nullable required ones of a struct only responses carry).
    let received_only = cx.uses.received_only(id);
    let mut arguments = Vec::new();
    let mut initializers = Vec::new();
    let mut setters = Vec::new();
    for (field, rust_name) in s.fields.iter().zip(members) {
        let field_ident = ident(rust_name);
        let description = field_description(cx, field);
        let mut text = description.map(spec_text).unwrap_or_default();
        let mut note = |line: &str| {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(line);
        };
        if field.read_only {
            note("Set by the server; ignored in requests.");
        }
        if field.write_only {
            note("Sent in requests; never returned by the server.");
        }
        if field.deprecated {
            note("Deprecated by the API.");
        }
        if let Some(default) = &field.default {
            note(&format!("Default: `{default}`."));
        }
        let in_constructor = field.in_constructor(received_only);
        if field.required && !in_constructor {
            note("Always in responses, `null` when unknown; `None` (sent as `null`) until set.");
        }
        let field_docs = doc(&text);
        let wire = &field.name;
        let ty = if in_constructor {
            let held = match &field.ty {
                TypeRef::Nullable(inner) => {
                    let inner = held_type(cx, id, inner);
                    quote!(Option<#inner>)
                }
                other => held_type(cx, id, other),
            };
            let (argument, convert) = match &field.ty {
                TypeRef::Nullable(_) => (held.clone(), quote!()),
                ty => argument(ty, held.clone(), cx.boxing.needs_box(id, ty)),
            };
            arguments.push(quote!(#field_ident: #argument));
            initializers.push(if convert.is_empty() {
                quote!(#field_ident,)
            } else {
                quote!(#field_ident: #field_ident #convert,)
            });
            held
        } else {
            let inner = match &field.ty {
                TypeRef::Nullable(inner) => inner.as_ref(),
                other => other,
            };
            let (argument, convert) = argument(inner, held_type(cx, id, inner), cx.boxing.needs_box(id, inner));
            let inner = held_type(cx, id, inner);
            // `with_type` for `r#type`, `with_self` for `self_`, `with_2fa` for `_2fa`.
            let setter = ident(&format!("with_{}", rust_name.trim_start_matches("r#").trim_matches('_')));
            let setter_docs = doc(&super::docs::setter_doc(wire, description));
            setters.push(quote! {
                #setter_docs
                pub fn #setter(mut self, value: #argument) -> Self {
                    self.#field_ident = Some(value #convert);
                    self
                }
            });
            initializers.push(quote!(#field_ident: None,));
            quote!(Option<#inner>)
        };
        fields.push(quote! {
            #field_docs
            pub #field_ident: #ty,
        });
    }
    if let Some(additional) = &s.additional {
        let field_ident = ident(members.last().map_or("additional_properties", String::as_str));
        let value = cx.rust_type(additional, &quote!());
        fields.push(quote! {
            /// Properties the schema does not list by name.
            pub #field_ident: std::collections::BTreeMap<String, #value>,
        });
        initializers.push(quote!(#field_ident: std::collections::BTreeMap::new(),));
    }
    // `Default` only where it invents nothing: every field may be absent.
    let all_optional = s.fields.iter().all(|f| !f.in_constructor(received_only));
    let default = all_optional.then(|| quote!(Default,));
    let set_later = s.fields.iter().any(|f| f.required && !f.in_constructor(received_only));
    let new_docs = doc(match (arguments.is_empty(), set_later) {
        (true, false) => {
            "An empty value: every field absent (the same as `Default`). Set fields with the `with_*` methods."
        }
        (true, true) => {
            "An empty value: nullable required fields `None`, the others absent (the same as `Default`). Set fields with the `with_*` methods."
        }
        (false, false) => {
            "A value with the required fields; the optional ones start absent (set them with the `with_*` methods)."
        }
        (false, true) => {
            "A value with the required fields that cannot be null; the nullable ones start as `None`, the optional ones absent (set them with the `with_*` methods)."
        }
    });
    let many = super::lints::many_arguments(arguments.len());
    let wire_impls = super::wire::struct_impls(cx, name, s, members);
    let declaration = quote! {
        #docs
        #[derive(Clone, Debug, #default PartialEq)]
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
        }
    };
    (declaration, wire_impls)
}

fn enum_def(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    values: &[String],
    variants: &[String],
) -> (TokenStream, TokenStream) {
    let known: Vec<_> = variants.iter().take(values.len()).map(String::as_str).map(ident).collect();
    let unknown = ident(variants.last().map_or(UNKNOWN_VARIANT, String::as_str));
    let variant_docs = values.iter().map(|v| doc(&super::docs::code(v)));
    let value_docs =
        " A value this version of the client does not know, kept as received so that it is sent back unchanged.";
    let by_value = compared_by_value(name, "as_str");
    let declaration = quote! {
        #docs
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #variant_docs
                #known,
            )*
            #[doc = #value_docs]
            #unknown(String),
        }

        #by_value

        impl #name {
            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#known => #values,)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#known,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#values => Self::#known,)*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            // Not `Self::Err`: a variant named `Err` would make that ambiguous.
            fn from_str(value: &str) -> Result<Self, std::convert::Infallible> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    let serde = quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
    (declaration, serde)
}

/// Equality, hashing and order of an enum by its wire value (what the method `key` returns):
/// `Unknown("x")` equals the variant for `"x"`, and the order does not depend on where the
/// document lists a value, so a value added in a later version reorders nothing.
fn compared_by_value(name: &proc_macro2::Ident, key: &str) -> TokenStream {
    let key = ident(key);
    quote! {
        impl std::cmp::PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.#key() == other.#key()
            }
        }

        impl std::cmp::Eq for #name {}

        impl std::hash::Hash for #name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.#key().hash(state);
            }
        }

        impl std::cmp::PartialOrd for #name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl std::cmp::Ord for #name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                std::cmp::Ord::cmp(&self.#key(), &other.#key())
            }
        }
    }
}

fn int_enum_def(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    values: &[i64],
    variants: &[String],
) -> (TokenStream, TokenStream) {
    let known: Vec<_> = variants.iter().take(values.len()).map(String::as_str).map(ident).collect();
    let unknown = ident(variants.last().map_or(UNKNOWN_VARIANT, String::as_str));
    let literals: Vec<_> = values.iter().map(|v| proc_macro2::Literal::i64_unsuffixed(*v)).collect();
    let variant_docs = values.iter().map(|v| doc(&format!("`{v}`")));
    let by_value = compared_by_value(name, "value");
    let declaration = quote! {
        #docs
        #[derive(Clone, Copy, Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #variant_docs
                #known,
            )*
            /// A value this version of the client does not know, kept as received.
            #unknown(i64),
        }

        #by_value

        impl #name {
            /// The value as it is written on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #(Self::#known => #literals,)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#literals => Self::#known,)*
                    other => Self::#unknown(other),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }
    };
    let serde = quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                i64::deserialize(deserializer).map(Self::from)
            }
        }
    };
    (declaration, serde)
}

/// `{Operation}Response`: what a call whose 2xx responses differ returns, by status.
fn success_enum_def(
    cx: &Cx,
    op: &Operation,
    names: &crate::names::OperationNames,
    success: &crate::names::StatusEnum,
) -> TokenStream {
    let name = ident(&success.name);
    let method = names.method.trim_start_matches("r#");
    let docs = doc(&format!(
        "What [`Client::{method}`](super::Client::{method}) returns, by status: its 2xx responses carry \
         different bodies."
    ));
    let payloads: Vec<Option<usize>> =
        op.successes().map(|r| r.body().map(|content| cx.boxing.layout(&content.decoded()).size)).collect();
    let large = boxed_variants(&payloads);
    let variants = op.successes().zip(&success.variants).zip(large).map(|((r, (status, variant)), large)| {
        let variant = ident(variant);
        let docs = doc(&labelled(&format!("`{status}`"), &r.description));
        match r.body() {
            Some(content) => {
                let ty = super::rust_type::body_type(cx, content, &quote!());
                let ty = if large { quote!(Box<#ty>) } else { ty };
                quote!(#docs #variant(#ty),)
            }
            None => quote!(#docs #variant,),
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn error_enum_def(
    cx: &Cx,
    op: &Operation,
    names: &crate::names::OperationNames,
    error_enum: &crate::names::StatusEnum,
) -> TokenStream {
    let name = ident(&error_enum.name);
    let mut variants = Vec::new();
    let mut descriptions = Vec::new();
    let payloads: Vec<Option<usize>> =
        op.failures().map(|r| r.decoded().map(|ty| cx.boxing.layout(&ty).size)).collect();
    let large = boxed_variants(&payloads);
    for (((status, variant), response), large) in error_enum.variants.iter().zip(op.failures()).zip(large) {
        let variant = ident(variant);
        let status_text = match status {
            Status::Default => "Any other status".to_owned(),
            documented => format!("`{documented}`"),
        };
        let docs = doc(&labelled(&status_text, &response.description));
        let description = response.description.trim();
        match response.decoded() {
            Some(ty) => {
                let ty = cx.rust_type(&ty, &quote!());
                let ty = if large { quote!(Box<#ty>) } else { ty };
                variants.push(quote!(#docs #variant(#ty),));
                descriptions.push(quote!(Self::#variant(_) => #description,));
            }
            None => {
                variants.push(quote!(#docs #variant,));
                descriptions.push(quote!(Self::#variant => #description,));
            }
        }
    }
    let method = names.method.trim_start_matches("r#");
    let docs = doc(&format!(
        "The error bodies documented for [`Client::{method}`](super::Client::{method}), by status. The status, headers and raw body are on \
         the [`ErrorResponse`](runtime::ErrorResponse) that holds this value."
    ));
    let runtime = &cx.runtime;
    // Decoding by status: exact codes first, then ranges, then `default` (or "undocumented").
    let mut exact = Vec::new();
    let mut ranges = Vec::new();
    let mut fallback = quote!(response.unexpected());
    let exact_codes: Vec<u16> = error_enum
        .variants
        .iter()
        .filter_map(|(status, _)| match status {
            Status::Code(c) => Some(*c),
            _ => None,
        })
        .collect();
    for ((status, variant), response) in error_enum.variants.iter().zip(op.failures()) {
        let variant = ident(variant);
        let value = match (response.decoded(), response.body().map(Content::kind)) {
            (None, _) => quote!(response.error_empty(Self::#variant)),
            (Some(_), Some(MediaKind::Json)) => quote!(response.error_json(Self::#variant)),
            (Some(_), Some(MediaKind::Text)) => quote!(response.error_text(Self::#variant)),
            (Some(_), _) => quote!(response.error_bytes(Self::#variant)),
        };
        match status {
            Status::Code(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(*c);
                exact.push(quote!(#c => #value,));
            }
            Status::Range(d) => {
                if let Some(pattern) = super::lints::range_pattern(*d, &exact_codes) {
                    ranges.push(quote!(#pattern => #value,));
                }
            }
            Status::Default => fallback = value,
        }
    }
    // Only `default`: no status to tell apart.
    let dispatch = if exact.is_empty() && ranges.is_empty() {
        fallback
    } else {
        quote! {
            match response.status().as_u16() {
                #(#exact)*
                #(#ranges)*
                _ => #fallback,
            }
        }
    };
    let decode_docs = doc("Decodes a response that is not a documented success: a documented error status into its \
         variant, any other status into [`Error::UnexpectedResponse`](runtime::Error::UnexpectedResponse).");
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            #decode_docs
            pub(crate) fn from_response(response: #runtime::RawResponse) -> #runtime::Error<Self> {
                #dispatch
            }
        }

        impl #runtime::Documented for #name {
            fn description(&self) -> &'static str {
                match self {
                    #(#descriptions)*
                }
            }
        }
    }
}
