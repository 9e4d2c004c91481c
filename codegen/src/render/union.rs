//! `oneOf`/`anyOf`: an enum with a variant per alternative and `Unknown(serde_json::Value)`.
//!
//! With a discriminator, the tag property picks the variant, and encoding writes the tag when the
//! alternative does not (a member that does not declare the property would otherwise be sent
//! without it, and no longer decode as itself).
//!
//! Without one, decoding takes the best match, not merely the first alternative that decodes:
//! an alternative that matches exactly (a known enum value, an object whose every property it
//! knows, a number, a date…) wins at once, in document order; otherwise, of those that decode
//! loosely (an enum's `Unknown`, a plain string, an object with properties it does not know, any
//! value), the one that knows the most properties, the first on a tie. The value is read once
//! into a `serde_json::Value` (as serde's `untagged` buffers it too), and most values stop at
//! the first alternative.
//!
//! A union whose alternatives lead back to it through unions alone (`A: oneOf [B, …]`,
//! `B: oneOf [A, …]`) decodes under `runtime::decode_once`: trying itself again on the same value
//! fails that alternative instead of recursing without end.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::boxing::boxed_variants;
use super::cx::{ident, Cx};
use super::rust_type::held_type;
use crate::model::*;
use crate::reserved::UNKNOWN_VARIANT;

/// The union's declaration, and its serde impls: `Deserialize` always, `Serialize` when it writes
/// the tag (it is derived, untagged, otherwise).
pub(super) fn union_def(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    docs: TokenStream,
    union: &Union,
    variants: &[String],
) -> (TokenStream, TokenStream) {
    let known: Vec<_> = variants.iter().take(union.variants.len()).map(String::as_str).map(ident).collect();
    let unknown = ident(variants.last().map_or(UNKNOWN_VARIANT, String::as_str));
    let large = boxed_variants(&cx.boxing.union_payloads(id, union));
    let held: Vec<_> = union
        .variants
        .iter()
        .zip(&large)
        .map(|(ty, large)| {
            let held = held_type(cx, id, ty);
            if *large {
                quote!(Box<#held>)
            } else {
                held
            }
        })
        .collect();
    let unknown_docs = match union.discriminator {
        Some(_) => " A value whose tag this version of the client does not know, kept as received.",
        None => " A value that matches none of the alternatives, kept as received.",
    };
    let declaration = |serialize: bool| {
        let (derives, untagged) = match serialize {
            true => (quote!(Clone, Debug, PartialEq, serde::Serialize), quote!(#[serde(untagged)])),
            false => (quote!(Clone, Debug, PartialEq), quote!()),
        };
        quote! {
            #docs
            #[derive(#derives)]
            #untagged
            #[non_exhaustive]
            pub enum #name {
                #(#known(#held),)*
                #[doc = #unknown_docs]
                #unknown(serde_json::Value),
            }
        }
    };
    let Some(discriminator) = &union.discriminator else {
        let declared = declaration(true);
        // How many `Box`es hold each alternative: one for a large variant, one that closes a cycle.
        let boxes: Vec<usize> = union
            .variants
            .iter()
            .zip(&large)
            .map(|(ty, large)| usize::from(*large) + usize::from(cx.boxing.needs_box(id, ty)))
            .collect();
        let decode = best_match(cx, id, name, union, &known, &held, &boxes, &unknown);
        return (declared, decode);
    };
    let tagged = tag_writes(cx, name, union, discriminator, &known, &unknown);
    let property = &discriminator.property;
    let arms = discriminator.tags.iter().map(|(tag, index)| {
        let variant = &known[*index];
        quote!(Some(#tag) => serde_json::from_value(value).map(Self::#variant),)
    });
    let fallback = match discriminator.default {
        Some(index) => {
            let variant = &known[index];
            quote!(_ => serde_json::from_value(value).map(Self::#variant),)
        }
        None => quote!(_ => return Ok(Self::#unknown(value)),),
    };
    let decode = guarded(
        cx,
        id,
        quote! {
            let decoded = match value.get(#property).and_then(serde_json::Value::as_str) {
                #(#arms)*
                #fallback
            };
            decoded.map_err(serde::de::Error::custom)
        },
    );
    let declared = declaration(tagged.is_none());
    let serde = quote! {
        #tagged

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #decode
            }
        }
    };
    (declared, serde)
}

/// `body` (which reads `value` and evaluates to the `deserialize` result) guarded by
/// `runtime::decode_once` when the union `id` holds itself through its alternatives: only then
/// could decoding try it on the same value without end.
fn guarded(cx: &Cx, id: TypeId, body: TokenStream) -> TokenStream {
    if !holds_itself(cx, id) {
        return body;
    }
    let runtime = &cx.runtime;
    quote!(#runtime::decode_once(std::any::type_name::<Self>(), value, |value| { #body }))
}

/// Whether an alternative of the union `id` leads back to it without a property or an item in
/// between: through unions, aliases and `Option`s alone.
fn holds_itself(cx: &Cx, id: TypeId) -> bool {
    let alternatives = |of: TypeId| -> Vec<TypeId> {
        let TypeKind::Union(union) = &cx.api.type_def(of).kind else { return Vec::new() };
        union
            .variants
            .iter()
            .filter_map(|ty| {
                let mut ty = cx.api.resolved(ty);
                while let TypeRef::Nullable(inner) = ty {
                    ty = cx.api.resolved(inner);
                }
                match ty {
                    TypeRef::Named(next) => Some(*next),
                    _ => None,
                }
            })
            .collect()
    };
    let mut seen = vec![false; cx.api.types.len()];
    let mut stack = alternatives(id);
    while let Some(next) = stack.pop() {
        if next == id {
            return true;
        }
        if !std::mem::replace(&mut seen[next.0], true) {
            stack.extend(alternatives(next));
        }
    }
    false
}

/// `Serialize` for a union with a discriminator, when some alternative has a tag and may be
/// encoded without it (it does not declare the property as required): such a value is encoded,
/// then given its tag when it lacks one. `None` when no alternative needs that (derived).
fn tag_writes(
    cx: &Cx,
    name: &Ident,
    union: &Union,
    discriminator: &Discriminator,
    known: &[Ident],
    unknown: &Ident,
) -> Option<TokenStream> {
    if !writes_serialize(cx, union) {
        return None;
    }
    let arms: Vec<TokenStream> = known
        .iter()
        .enumerate()
        .map(|(index, variant)| match written_tag(cx, union, discriminator, index) {
            Some(tag) => quote!(Self::#variant(value) => (#tag, serde_json::to_value(value)),),
            None => quote!(Self::#variant(value) => return value.serialize(serializer),),
        })
        .collect();
    let property = &discriminator.property;
    Some(quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #(#arms)*
                    Self::#unknown(value) => return value.serialize(serializer),
                };
                let mut value = value.map_err(serde::ser::Error::custom)?;
                if let serde_json::Value::Object(map) = &mut value {
                    map.entry(#property).or_insert_with(|| serde_json::Value::from(tag));
                }
                value.serialize(serializer)
            }
        }
    })
}

/// Whether the union has a written-out `Serialize` ([`tag_writes`]): it has a discriminator and
/// some alternative whose tag encoding may leave out.
pub(super) fn writes_serialize(cx: &Cx, union: &Union) -> bool {
    union.discriminator.as_ref().is_some_and(|discriminator| {
        (0..union.variants.len()).any(|index| written_tag(cx, union, discriminator, index).is_some())
    })
}

/// The tag that encoding writes for the alternative `index`: its tag, when it has one and does not
/// carry the property itself.
fn written_tag<'u>(cx: &Cx, union: &'u Union, discriminator: &'u Discriminator, index: usize) -> Option<&'u str> {
    let tag = discriminator.tags.iter().find(|(_, i)| *i == index).map(|(tag, _)| tag.as_str())?;
    (!writes_property(cx, &union.variants[index], &discriminator.property)).then_some(tag)
}

/// Whether values of `ty` always carry the property `property` when encoded: a struct that
/// declares it required.
fn writes_property(cx: &Cx, ty: &TypeRef, property: &str) -> bool {
    match cx.api.resolved(ty) {
        TypeRef::Named(id) => match &cx.api.type_def(*id).kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.name == property && f.required),
            _ => false,
        },
        _ => false,
    }
}

/// How an alternative's decoded value tells how well it matched.
enum Fit {
    /// Decoding is the match: numbers, booleans, dates, arrays, tuples.
    Exact,
    /// An enum or union: exact unless it decoded as its `Unknown` variant (`unknown`, a path).
    Known { unknown: TokenStream, nullable: bool },
    /// A struct without a map for other properties: exact when it knows every property of the
    /// object (`keys`, wire names) and the object's value of each string enum property is one it
    /// lists (`enums`: wire name, values), else as good as the number of properties it knows.
    Keys { keys: Vec<String>, enums: Vec<(String, Vec<String>)> },
    /// It accepts every value of its JSON type: a plain string, a map, any value, a struct that
    /// keeps unknown properties.
    Loose,
}

fn fit(cx: &Cx, ty: &TypeRef) -> Fit {
    let mut ty = ty;
    let mut nullable = false;
    for _ in 0..=cx.api.types.len() {
        match ty {
            TypeRef::Nullable(inner) => {
                nullable = true;
                ty = inner;
            }
            TypeRef::Named(id) => match &cx.api.type_def(*id).kind {
                TypeKind::Alias(target) => ty = target,
                TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::Union(_) => {
                    let name = ident(&cx.names.types[id.0]);
                    let variant = ident(cx.names.members[id.0].last().map_or(UNKNOWN_VARIANT, String::as_str));
                    return Fit::Known { unknown: quote!(#name::#variant), nullable };
                }
                TypeKind::Struct(s) if s.additional.is_some() || s.fields.is_empty() => {
                    return if s.fields.iter().any(|f| f.required) { Fit::Exact } else { Fit::Loose };
                }
                TypeKind::Struct(s) => {
                    let keys = s.fields.iter().map(|f| f.name.clone()).collect();
                    let enums = s
                        .fields
                        .iter()
                        .filter_map(|f| Some((f.name.clone(), enum_values(cx, &f.ty)?.to_vec())))
                        .collect();
                    return Fit::Keys { keys, enums };
                }
                TypeKind::Tuple(_) => return Fit::Exact,
            },
            TypeRef::Primitive(Primitive::String | Primitive::Binary) | TypeRef::Map(_) | TypeRef::Any => {
                return Fit::Loose
            }
            TypeRef::Primitive(_) | TypeRef::Array(_) => return Fit::Exact,
        }
    }
    Fit::Loose
}

/// The values of a string enum `ty` is (through aliases and `Option`), when it lists any.
fn enum_values<'c>(cx: &'c Cx, ty: &'c TypeRef) -> Option<&'c [String]> {
    let mut ty = cx.api.resolved(ty);
    while let TypeRef::Nullable(inner) = ty {
        ty = cx.api.resolved(inner);
    }
    match ty {
        TypeRef::Named(id) => match &cx.api.type_def(*id).kind {
            TypeKind::Enum(values) if !values.is_empty() => Some(values),
            _ => None,
        },
        _ => None,
    }
}

/// `Deserialize` for a union without a discriminator: see the module's documentation.
#[allow(clippy::too_many_arguments)]
fn best_match(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    union: &Union,
    known: &[Ident],
    held: &[TokenStream],
    boxes: &[usize],
    unknown: &Ident,
) -> TokenStream {
    let mut fits: Vec<Fit> = union.variants.iter().map(|ty| fit(cx, ty)).collect();
    // The last alternative, with no loose match before it, is the best match whenever it decodes.
    if let Some((last, before)) = fits.split_last_mut() {
        if before.iter().all(|f| matches!(f, Fit::Exact)) {
            *last = Fit::Exact;
        }
    }
    let candidates = fits.iter().any(|f| !matches!(f, Fit::Exact));
    let keyed: Vec<usize> =
        fits.iter().enumerate().filter(|(_, f)| matches!(f, Fit::Keys { .. })).map(|(i, _)| i).collect();
    let tries = fits.iter().enumerate().zip(known).zip(held).zip(boxes).map(|((((i, fit), variant), held), boxes)| {
        let body = match fit {
            Fit::Exact => quote!(return Ok(Self::#variant(decoded));),
            Fit::Known { unknown, nullable } => {
                let derefs = (0..*boxes).map(|_| quote!(*));
                let access = quote!(#(#derefs)* decoded);
                let pattern = if *nullable { quote!(Some(#unknown(_))) } else { quote!(#unknown(_)) };
                quote! {
                    if !matches!(#access, #pattern) {
                        return Ok(Self::#variant(decoded));
                    }
                    if best.is_none() {
                        best = Some(Self::#variant(decoded));
                    }
                }
            }
            Fit::Keys { keys, enums } => {
                // Against a loose match, any known property counts; against an earlier partial
                // match, more of them.
                let (earlier, later) = (keyed.iter().any(|k| *k < i), keyed.iter().any(|k| *k > i));
                let better = if earlier { quote!(known > score) } else { quote!(known > 0) };
                let keep = later.then(|| quote!(score = known;));
                // A property whose value the struct's enum does not list (a `type: {enum: [a]}`
                // that tells alternatives apart) makes it a loose match at best.
                let listed = enums.iter().map(|(key, values)| {
                    quote! {
                        value
                            .get(#key)
                            .and_then(serde_json::Value::as_str)
                            .is_none_or(|listed| matches!(listed, #(#values)|*))
                    }
                });
                let check = (!enums.is_empty()).then(|| {
                    quote! {
                        if !(#(#listed)&&*) {
                            if best.is_none() {
                                best = Some(Self::#variant(decoded));
                            }
                        } else
                    }
                });
                quote! {
                    let properties = value.as_object().map_or(0, serde_json::Map::len);
                    let known = value
                        .as_object()
                        .map_or(0, |object| object.keys().filter(|key| matches!(key.as_str(), #(#keys)|*)).count());
                    #check if known == properties {
                        return Ok(Self::#variant(decoded));
                    } else if best.is_none() || #better {
                        #keep
                        best = Some(Self::#variant(decoded));
                    }
                }
            }
            Fit::Loose => quote! {
                if best.is_none() {
                    best = Some(Self::#variant(decoded));
                }
            },
        };
        quote! {
            if let Ok(decoded) = <#held>::deserialize(&value) {
                #body
            }
        }
    });
    let best = candidates.then(|| quote!(let mut best = None;));
    let score = (keyed.len() > 1).then(|| quote!(let mut score = 0;));
    let result = if candidates { quote!(best.unwrap_or(Self::#unknown(value))) } else { quote!(Self::#unknown(value)) };
    let decode = guarded(
        cx,
        id,
        quote! {
            #best
            #score
            #(#tries)*
            Ok(#result)
        },
    );
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #decode
            }
        }
    }
}
