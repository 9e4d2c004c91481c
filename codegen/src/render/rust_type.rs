//! The spelling of Rust types in generated code: a [`TypeRef`] as the type a field, argument or
//! body holds (`Vec<types::Item>`, `Option<chrono::DateTime<chrono::Utc>>`), and how setters take it.

use proc_macro2::TokenStream;
use quote::quote;

use super::cx::{ident, Cx};
use crate::model::*;
use crate::names::Names;

impl Cx<'_> {
    /// The Rust type of `ty`; named types are prefixed with `prefix` (e.g. `types::`).
    pub fn rust_type(&self, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
        type_tokens(self.names, ty, prefix)
    }
}

/// The Rust type `owner` holds for `ty`, boxed when `ty` leads back to `owner`.
pub(super) fn held_type(cx: &Cx, owner: TypeId, ty: &TypeRef) -> TokenStream {
    let rust = cx.rust_type(ty, &quote!());
    if cx.boxing.needs_box(owner, ty) {
        quote!(Box<#rust>)
    } else {
        rust
    }
}

/// How a setter or constructor takes a value of `ty`, held as `held`: the argument type and the
/// conversion applied to it. Strings and boxes take `impl Into<…>` (so `&str` and an unboxed value
/// do); everything else its own type, so literals, `parse()` and `collect()` infer.
pub(crate) fn argument(ty: &TypeRef, held: TokenStream, boxed: bool) -> (TokenStream, TokenStream) {
    if boxed || matches!(ty, TypeRef::Primitive(Primitive::String)) {
        (quote!(impl Into<#held>), quote!(.into()))
    } else {
        (held, quote!())
    }
}

/// [`Cx::rust_type`], which needs only the names.
fn type_tokens(names: &Names, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&names.types[id.0]);
            quote!(#prefix #name)
        }
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Array(item) => {
            let item = type_tokens(names, item, prefix);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(names, value, prefix);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(names, inner, prefix);
            quote!(Option<#inner>)
        }
    }
}

fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String => quote!(String),
        Primitive::Boolean => quote!(bool),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::F32 => quote!(f32),
        Primitive::F64 => quote!(f64),
        Primitive::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Primitive::Date => quote!(chrono::NaiveDate),
        Primitive::Uuid => quote!(uuid::Uuid),
        Primitive::Binary => quote!(Vec<u8>),
    }
}

/// The Rust type of `ty` as text, spelled as the generated client and builders write it (outside
/// the `types` module): `Vec<types::Item>`, `Option<chrono::DateTime<chrono::Utc>>`. The same
/// code as the generated files, for tools that name types to people (`cargo xtask diff`).
pub fn rust_type_text(names: &Names, ty: &TypeRef) -> String {
    let text = type_tokens(names, ty, &quote!(types::)).to_string();
    // `Vec < types :: Item >` as people write it: no spaces, but one after each comma.
    text.split_whitespace().collect::<String>().replace(',', ", ")
}

/// The Rust type of a response body: the schema's type for JSON, `String` for text, bytes
/// otherwise.
pub(crate) fn body_type(cx: &Cx, content: &Content, prefix: &TokenStream) -> TokenStream {
    match content.kind() {
        MediaKind::Json => match &content.ty {
            Some(ty) => cx.rust_type(ty, prefix),
            None => quote!(serde_json::Value),
        },
        MediaKind::Text => quote!(String),
        MediaKind::FormUrlEncoded | MediaKind::Multipart | MediaKind::Binary => quote!(bytes::Bytes),
    }
}

/// Whether `ty` names a type of the `types` module (so a file needs `use super::types`).
pub(crate) fn mentions_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => mentions_named(inner),
        TypeRef::Primitive(_) | TypeRef::Any => false,
    }
}

#[cfg(test)]
mod tests {
    use super::rust_type_text;
    use crate::model::{Primitive, TypeId, TypeRef};
    use crate::names::Names;

    #[test]
    fn rust_type_text_is_spelled_as_in_the_client() {
        let names = Names {
            types: vec!["Item".to_owned()],
            members: Vec::new(),
            operations: Vec::new(),
            server_variables: Vec::new(),
            security_schemes: Vec::new(),
        };
        let text = |ty: TypeRef| rust_type_text(&names, &ty);
        let boxed = Box::new;
        assert_eq!(text(TypeRef::Array(boxed(TypeRef::Named(TypeId(0))))), "Vec<types::Item>");
        assert_eq!(
            text(TypeRef::Nullable(boxed(TypeRef::Primitive(Primitive::DateTime)))),
            "Option<chrono::DateTime<chrono::Utc>>"
        );
        assert_eq!(
            text(TypeRef::Map(boxed(TypeRef::Array(boxed(TypeRef::Any))))),
            "std::collections::BTreeMap<String, Vec<serde_json::Value>>"
        );
        assert_eq!(text(TypeRef::Primitive(Primitive::Binary)), "Vec<u8>");
    }
}
