//! What the generator can express: the checks made once the whole API is lowered, so that every
//! document the renderer receives can be rendered. A document that fails one is rejected here,
//! by `cargo xtask diff` as by `generate`, with the pointer of what cannot be generated.

use crate::error::{Error, Warning};
use crate::model::*;

/// Fails on the first construct of `api` the renderer has no Rust for; warns where the document
/// leaves the encoding to the generator.
pub(super) fn expressible(api: &Api, warnings: &mut Vec<Warning>) -> Result<(), Error> {
    for op in &api.operations {
        if let Some(content) = op.body.as_ref().and_then(RequestBody::sent) {
            form_body(api, content, warnings);
            if content.kind() == MediaKind::Multipart && api.multipart_parts(op).is_none() {
                warnings.push(Warning {
                    pointer: format!("{}/requestBody", op.pointer),
                    message: "multipart body without an object schema of properties: the builder takes a \
                              `reqwest::multipart::Form` the caller fills"
                        .into(),
                });
            }
        }
    }
    for def in &api.types {
        if let TypeKind::Union(union) = &def.kind {
            indistinct_alternatives(api, def, union, warnings);
        }
    }
    Ok(())
}

/// Alternatives of a union without a discriminator that no value tells apart: the same type, or
/// structs with the same properties (and the same values of their string enum properties). A value then always decodes as the first (the generated
/// code takes the best match, and these match equally).
fn indistinct_alternatives(api: &Api, def: &TypeDef, union: &Union, warnings: &mut Vec<Warning>) {
    if union.discriminator.is_some() {
        return;
    }
    // What a value of the alternative looks like to the decoder: its type, or a struct's
    // property names.
    let look = |ty: &TypeRef| -> (TypeRef, Vec<String>) {
        let ty = strip_nullable(api, ty);
        match ty {
            TypeRef::Named(id) => match &api.type_def(*id).kind {
                TypeKind::Struct(s) if s.additional.is_none() => {
                    // A string enum property tells objects apart by its values.
                    let look = |f: &Field| match api.resolved(strip_nullable(api, &f.ty)) {
                        TypeRef::Named(id) => match &api.type_def(*id).kind {
                            TypeKind::Enum(values) => format!("{}={}", f.name, values.join("|")),
                            _ => f.name.clone(),
                        },
                        _ => f.name.clone(),
                    };
                    let mut names: Vec<String> = s.fields.iter().map(look).collect();
                    names.sort();
                    (TypeRef::Any, names)
                }
                _ => (ty.clone(), Vec::new()),
            },
            _ => (ty.clone(), Vec::new()),
        }
    };
    let looks: Vec<(TypeRef, Vec<String>)> = union.variants.iter().map(look).collect();
    for (j, later) in looks.iter().enumerate() {
        if let Some(i) = looks[..j].iter().position(|earlier| earlier == later) {
            warnings.push(Warning {
                pointer: def.pointer.clone(),
                message: format!(
                    "alternatives {i} and {j} cannot be told apart (the same type, or objects with the same \
                     properties): a value that matches them decodes as alternative {i}"
                ),
            });
        }
    }
}

/// Raw bytes have no text form in a URL, a header or a cookie: a parameter declared
/// `format: binary` (itself, its items, or through an alias) is sent as text, with a warning.
/// Documents that say so mean a string (a file name, an opaque token).
pub(super) fn binary_parameters_as_text(api: &mut Api, warnings: &mut Vec<Warning>) {
    let mut changed = Vec::new();
    for (o, op) in api.operations.iter().enumerate() {
        for (i, p) in op.parameters.iter().enumerate() {
            if mentions_binary(api, &p.ty) {
                changed.push((o, i, as_text(api, &p.ty)));
                warnings.push(Warning {
                    pointer: p.pointer.clone(),
                    message: "a binary parameter (`format: binary`): sent as text, since raw bytes have no \
                              form in a URL or a header"
                        .into(),
                });
            }
        }
    }
    for (o, i, ty) in changed {
        api.operations[o].parameters[i].ty = ty;
    }
}

/// `ty` with every `format: binary` in it read as a string.
fn as_text(api: &Api, ty: &TypeRef) -> TypeRef {
    match api.resolved(ty) {
        TypeRef::Primitive(Primitive::Binary) => TypeRef::Primitive(Primitive::String),
        TypeRef::Array(item) => TypeRef::Array(Box::new(as_text(api, item))),
        TypeRef::Nullable(item) => TypeRef::Nullable(Box::new(as_text(api, item))),
        _ => ty.clone(),
    }
}

/// A form body's nested properties (objects, arrays of objects or arrays) without an `encoding`:
/// OpenAPI does not say how to write them; the runtime writes them as `deepObject` does.
fn form_body(api: &Api, content: &Content, warnings: &mut Vec<Warning>) {
    if content.kind() != MediaKind::FormUrlEncoded {
        return;
    }
    let Some(TypeRef::Named(id)) = content.ty.as_ref().map(|ty| api.resolved(ty)) else { return };
    let TypeKind::Struct(s) = &api.type_def(*id).kind else { return };
    let scalar = |ty: &TypeRef| matches!(api.resolved(ty), TypeRef::Primitive(_)) || is_enum(api, ty);
    let nested = |ty: &TypeRef| match api.resolved(strip_nullable(api, ty)) {
        TypeRef::Array(item) => !scalar(strip_nullable(api, item)),
        other => !scalar(other),
    };
    for field in s.fields.iter().filter(|f| nested(&f.ty)) {
        if content.encoding.iter().all(|e| e.property != field.name) {
            warnings.push(Warning {
                pointer: field.pointer.clone(),
                message: format!(
                    "a nested value in a form body: `{}` is written as `{0}[key]=value` and `{0}[0]=value` \
                     (OpenAPI leaves this undefined; add an `encoding` entry to choose)",
                    field.name
                ),
            });
        }
    }
}

fn strip_nullable<'t>(api: &'t Api, ty: &'t TypeRef) -> &'t TypeRef {
    match api.resolved(ty) {
        TypeRef::Nullable(inner) => strip_nullable(api, inner),
        other => other,
    }
}

fn is_enum(api: &Api, ty: &TypeRef) -> bool {
    matches!(api.resolved(ty), TypeRef::Named(id) if matches!(api.type_def(*id).kind, TypeKind::Enum(_) | TypeKind::IntEnum(_)))
}

/// Whether a value of `ty` holds raw bytes (`format: binary`) directly or in its items.
fn mentions_binary(api: &Api, ty: &TypeRef) -> bool {
    match api.resolved(ty) {
        TypeRef::Primitive(Primitive::Binary) => true,
        TypeRef::Array(item) | TypeRef::Nullable(item) => mentions_binary(api, item),
        TypeRef::Primitive(_) | TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any => false,
    }
}
