//! How a struct is written to and read from JSON: a `Serialize` and a `Deserialize` impl per
//! struct, written out instead of derived. serde's derive expands to about 450 lines a struct
//! (field enums, sequence visitors, flatten buffers) where a JSON object needs 20, and that
//! expansion was most of what a large generated crate made the compiler check.
//!
//! What they do is what the derive with our attributes did: properties by their wire names, absent
//! optional fields left out (`null` read as absent), unknown properties ignored or, with
//! `additionalProperties`, kept in the map; a missing required property is serde's
//! `missing field` error, except one that takes any JSON value, which reads as `null` (nothing is
//! known of it to check); of a repeated property the last value counts, as in most JSON readers.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::cx::{ident, Cx};
use crate::model::*;

/// `Serialize` and `Deserialize` for the struct `name` of `s`, whose Rust field names are `members`.
pub(super) fn struct_impls(cx: &Cx, name: &Ident, s: &Struct, members: &[String]) -> TokenStream {
    let runtime = &cx.runtime;
    let fields: Vec<Ident> = members.iter().take(s.fields.len()).map(|m| ident(m)).collect();
    let wire: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
    let extra = s.additional.as_ref().map(|_| ident(members.last().map_or("additional_properties", String::as_str)));

    // Serialize: every required field (a nullable one as `null`), each optional one that is set.
    let writes = s.fields.iter().zip(&fields).map(|(field, member)| {
        let key = &field.name;
        if field.required {
            quote!(map.serialize_entry(#key, &self.#member)?;)
        } else {
            quote! {
                if let Some(value) = &self.#member {
                    map.serialize_entry(#key, value)?;
                }
            }
        }
    });
    let write_extra = extra.as_ref().map(|extra| {
        quote! {
            for (key, value) in &self.#extra {
                map.serialize_entry(key, value)?;
            }
        }
    });

    let serialize_body = if s.fields.is_empty() && extra.is_none() {
        quote! {
            use serde::ser::SerializeMap;
            serializer.serialize_map(Some(0))?.end()
        }
    } else {
        quote! {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(None)?;
            #(#writes)*
            #write_extra
            map.end()
        }
    };

    // Deserialize: one local per field (`field0`…, and `rest` for the map of unlisted properties,
    // so no document name can shadow what the loop uses), filled as the properties come.
    let locals: Vec<Ident> = (0..s.fields.len()).map(|i| format_ident!("field{i}")).collect();
    let reads = s.fields.iter().zip(&locals).zip(&wire).map(|((field, local), key)| {
        // `Option` fields take the value as it is (`null` → `None`); others are wrapped to tell
        // a missing property from a present one.
        let value = if holds_option(field) { quote!(map.next_value()?) } else { quote!(Some(map.next_value()?)) };
        quote!(#key => #local = #value,)
    });
    let other = match &extra {
        Some(_) => quote!(_ => {
            rest.insert(key.into_owned(), map.next_value()?);
        }),
        None => quote!(_ => {
            map.next_value::<serde::de::IgnoredAny>()?;
        }),
    };
    let inits = s.fields.iter().zip(&fields).zip(&locals).zip(&wire).map(|(((field, member), local), key)| {
        if holds_option(field) && *member == *local {
            // A property called `field0`… takes the shorthand clippy asks for.
            quote!(#member,)
        } else if holds_option(field) {
            quote!(#member: #local,)
        } else if field.ty == TypeRef::Any {
            quote!(#member: #local.unwrap_or_default(),)
        } else {
            quote!(#member: #local.ok_or_else(|| serde::de::Error::missing_field(#key))?,)
        }
    });
    let extra_local = extra.as_ref().map(|_| quote!(let mut rest = std::collections::BTreeMap::new();));
    let extra_init = extra.as_ref().map(|extra| quote!(#extra: rest,));
    let expecting = format!("an object `{name}`");
    // Local to `deserialize`; named after the type, so it never hides the type it builds.
    let visitor = format_ident!("{}Visitor", name.to_string().trim_start_matches("r#").trim_end_matches('_'));
    let body = match (&extra, s.fields.is_empty()) {
        (None, true) => quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        },
        (Some(_), true) => quote! {
            while let Some(key) = map.next_key::<#runtime::Key<'de>>()? {
                rest.insert(key.into_owned(), map.next_value()?);
            }
        },
        (_, false) => quote! {
            while let Some(key) = map.next_key::<#runtime::Key<'de>>()? {
                match key.as_str() {
                    #(#reads)*
                    #other
                }
            }
        },
    };
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize_body
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

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #(let mut #locals = None;)*
                        #extra_local
                        #body
                        Ok(#name {
                            #(#inits)*
                            #extra_init
                        })
                    }
                }

                deserializer.deserialize_map(#visitor)
            }
        }
    }
}

/// Whether the field's Rust type is an `Option`: optional, or required and nullable.
fn holds_option(field: &Field) -> bool {
    !field.required || matches!(field.ty, TypeRef::Nullable(_))
}
