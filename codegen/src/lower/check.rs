//! What the generator can express: the checks made once the whole API is lowered, so that every
//! document the renderer receives can be rendered. A document that fails one is rejected here,
//! by `cargo xtask diff` as by `generate`, with the pointer of what cannot be generated.

use crate::error::Error;
use crate::model::*;

/// Fails on the first construct of `api` the renderer has no Rust for.
pub(super) fn expressible(api: &Api) -> Result<(), Error> {
    for op in &api.operations {
        for p in &op.parameters {
            parameter(api, p)?;
        }
    }
    Ok(())
}

fn parameter(api: &Api, p: &Parameter) -> Result<(), Error> {
    if mentions_binary(api, &p.ty) {
        return Err(Error::unsupported(&p.pointer, "a binary parameter"));
    }
    if p.location != ParamLocation::Query || api.is_object_like(&p.ty) {
        return Ok(());
    }
    let array = matches!(api.resolved(&p.ty), TypeRef::Array(_));
    match p.style {
        ParamStyle::Form | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited => Ok(()),
        style => {
            let what = if array { "an array" } else { "a scalar" };
            Err(Error::unsupported(&p.pointer, format!("query parameter style {style:?} for {what}")))
        }
    }
}

/// Whether a value of `ty` holds raw bytes (`format: binary`) directly or in its items.
fn mentions_binary(api: &Api, ty: &TypeRef) -> bool {
    match api.resolved(ty) {
        TypeRef::Primitive(Primitive::Binary) => true,
        TypeRef::Array(item) | TypeRef::Nullable(item) => mentions_binary(api, item),
        TypeRef::Primitive(_) | TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any => false,
    }
}
