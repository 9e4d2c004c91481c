//! Which operations page through `_links.next`.

use crate::error::Warning;
use crate::model::*;

/// Whether `op` pages through `_links.next` (see [`Pagination`]): its JSON success body is a struct
/// with `_links.next.href` (a string) and an items array, and it takes a `cursor` query parameter.
pub(super) fn pagination(op: &Operation, types: &[TypeDef], warnings: &mut Vec<Warning>) -> Option<Pagination> {
    let cursor = op.parameters.iter().position(|p| p.location == ParamLocation::Query && p.name == "cursor")?;
    if op.success_bodies_differ() {
        return None;
    }
    let body = op.successes().flat_map(|r| &r.content).find(|c| c.kind() == MediaKind::Json)?;
    let structure = |ty: &TypeRef| -> Option<(TypeId, &Struct)> {
        let mut ty = ty;
        for _ in 0..=types.len() {
            match ty {
                TypeRef::Nullable(inner) => ty = inner,
                TypeRef::Named(id) => match &types[id.0].kind {
                    TypeKind::Alias(target) => ty = target,
                    TypeKind::Struct(s) => return Some((*id, s)),
                    TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::Union(_) | TypeKind::Tuple(_) => return None,
                },
                _ => return None,
            }
        }
        None
    };
    let (page, page_struct) = structure(body.ty.as_ref()?)?;
    let mut next_href = Vec::new();
    let (mut holder, mut fields) = (page, page_struct);
    for name in ["_links", "next"] {
        let index = fields.fields.iter().position(|f| f.name == name)?;
        next_href.push((holder, index));
        (holder, fields) = structure(&fields.fields[index].ty)?;
    }
    let href = fields.fields.iter().position(|f| f.name == "href")?;
    if !matches!(&fields.fields[href].ty, TypeRef::Primitive(Primitive::String)) {
        return None;
    }
    next_href.push((holder, href));
    let is_array = |f: &Field| {
        matches!(f.ty, TypeRef::Array(_)) || matches!(&f.ty, TypeRef::Nullable(t) if matches!(**t, TypeRef::Array(_)))
    };
    let marked = page_struct.fields.iter().position(|f| f.paginated_items && is_array(f));
    let items = marked.or_else(|| {
        let arrays: Vec<usize> = (0..page_struct.fields.len()).filter(|&i| is_array(&page_struct.fields[i])).collect();
        match arrays.as_slice() {
            [only] => Some(*only),
            _ => {
                warnings.push(Warning {
                    pointer: op.pointer.clone(),
                    message: "has `_links.next` and `cursor` but no single items array (mark one with \
                              `x-paginated-items: true`); generated without paging"
                        .to_owned(),
                });
                None
            }
        }
    })?;
    // Every page is a request of its own; a multipart body is the caller's form, sent once.
    if op.body.as_ref().and_then(RequestBody::sent).is_some_and(|c| c.kind() == MediaKind::Multipart) {
        warnings.push(Warning {
            pointer: op.pointer.clone(),
            message: "has `cursor` and a multipart body, which cannot be sent again for each page; generated \
                      without paging"
                .to_owned(),
        });
        return None;
    }
    Some(Pagination { page, next_href, items, cursor })
}
