//! OpenAPI 3.1 `prefixItems`: a tuple struct, `pub struct Point(pub f64, pub f64, pub Vec<T>)`,
//! written to and read from a JSON array. Each prefix item must be present; the items after them
//! go to the last field (any value when the schema gives no `items`), or are refused when
//! `items: false`.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::cx::Cx;
use super::rust_type::{argument, held_type};
use crate::model::*;

/// The tuple struct's declaration and constructor, and its `Serialize`/`Deserialize` impls.
pub(super) fn tuple_def(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    docs: TokenStream,
    tuple: &Tuple,
) -> (TokenStream, TokenStream) {
    let count = tuple.items.len();
    let held: Vec<TokenStream> = tuple.items.iter().map(|ty| held_type(cx, id, ty)).collect();
    let rest = tuple.rest.as_ref().map(|ty| {
        let ty = cx.rust_type(ty, &quote!());
        quote!(Vec<#ty>)
    });
    let locals: Vec<Ident> = (0..count).map(|i| format_ident!("item{i}")).collect();
    let positions: Vec<Literal> = (0..count).map(Literal::usize_unsuffixed).collect();
    let (mut arguments, mut values) = (Vec::new(), Vec::new());
    for ((ty, held), local) in tuple.items.iter().zip(&held).zip(&locals) {
        let (argument, convert) = argument(ty, held.clone(), cx.boxing.needs_box(id, ty));
        arguments.push(quote!(#local: #argument));
        values.push(quote!(#local #convert));
    }
    let rest_field = rest.as_ref().map(|rest| quote!(pub #rest,));
    if let Some(rest) = &rest {
        arguments.push(quote!(rest: #rest));
        values.push(quote!(rest));
    }
    let many = super::lints::many_arguments(arguments.len());
    let last = Literal::usize_unsuffixed(count);
    let (length, write_rest, read_rest, rest_value) = match &rest {
        Some(_) => (
            quote!(#count + self.#last.len()),
            quote! {
                for item in &self.#last {
                    seq.serialize_element(item)?;
                }
            },
            quote! {
                let mut rest = Vec::new();
                while let Some(item) = seq.next_element()? {
                    rest.push(item);
                }
            },
            quote!(rest,),
        ),
        None => (
            quote!(#count),
            quote!(),
            quote! {
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::invalid_length(#count + 1, &self));
                }
            },
            quote!(),
        ),
    };
    let expecting = match &rest {
        Some(_) => format!("an array `{name}` of at least {count} items"),
        None => format!("an array `{name}` of {count} items"),
    };
    let visitor = format_ident!("{}Visitor", name.to_string().trim_start_matches("r#").trim_end_matches('_'));
    let declaration = quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub struct #name(#(pub #held,)* #rest_field);

        impl #name {
            /// A value from its items, in order.
            #many
            pub fn new(#(#arguments),*) -> Self {
                Self(#(#values),*)
            }
        }
    };
    let serde = quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let mut seq = serializer.serialize_seq(Some(#length))?;
                #(seq.serialize_element(&self.#positions)?;)*
                #write_rest
                seq.end()
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct #visitor;

                impl<'de> serde::de::Visitor<'de> for #visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<#name, A::Error> {
                        #(
                            let #locals = seq
                                .next_element()?
                                .ok_or_else(|| serde::de::Error::invalid_length(#positions, &self))?;
                        )*
                        #read_rest
                        Ok(#name(#(#locals,)* #rest_value))
                    }
                }

                deserializer.deserialize_seq(#visitor)
            }
        }
    };
    (declaration, serde)
}
