//! What the generator can express: the checks made once the whole API is lowered, so that every
//! document the renderer receives can be rendered. A document that fails one is rejected here,
//! by `cargo xtask diff` as by `generate`, with the pointer of what cannot be generated.

use crate::error::{Error, Warning};
use crate::model::*;

/// Fails on the first construct of `api` the renderer has no Rust for; warns where the document
/// leaves the encoding to the generator.
pub(super) fn expressible(api: &Api, warnings: &mut Vec<Warning>) -> Result<(), Error> {
    for op in &api.operations {
        for p in &op.parameters {
            parameter(api, p)?;
        }
        if let Some(content) = op.body.as_ref().and_then(RequestBody::sent) {
            form_body(api, content, warnings);
        }
    }
    Ok(())
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

/// Every style applies to every kind of value (the runtime's `params` writes them all), but raw
/// bytes have no text form in a URL or a header.
fn parameter(api: &Api, p: &Parameter) -> Result<(), Error> {
    if mentions_binary(api, &p.ty) {
        return Err(Error::unsupported(&p.pointer, "a binary parameter"));
    }
    Ok(())
}

/// Whether a value of `ty` holds raw bytes (`format: binary`) directly or in its items.
fn mentions_binary(api: &Api, ty: &TypeRef) -> bool {
    match api.resolved(ty) {
        TypeRef::Primitive(Primitive::Binary) => true,
        TypeRef::Array(item) | TypeRef::Nullable(item) => mentions_binary(api, item),
        TypeRef::Primitive(_) | TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any => false,
    }
}
