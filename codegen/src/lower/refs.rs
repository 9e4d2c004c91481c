//! Following `$ref`s within the document.

use std::collections::HashSet;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::error::{push_pointer, Error};

/// Follows a chain of `$ref`s into one section of `components`, returning the object and its pointer.
pub(super) fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    pointer: &str,
    prefix: &str,
    lookup: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    doc: &'a OpenAPI,
) -> Result<(&'a T, String), Error> {
    let mut current = item;
    let mut at = pointer.to_owned();
    let mut seen = HashSet::new();
    loop {
        match current {
            ReferenceOr::Item(item) => return Ok((item, at)),
            ReferenceOr::Reference { reference } => {
                let name = component_name(reference, prefix).ok_or_else(|| unresolved(reference, &at))?;
                if !seen.insert(name.clone()) {
                    return Err(Error::invalid(&at, format!("$ref cycle through '{reference}'")));
                }
                current =
                    doc.components.as_ref().and_then(|c| lookup(c, &name)).ok_or_else(|| unresolved(reference, &at))?;
                at = push_pointer(&format!("/{}", prefix.trim_start_matches("#/").trim_end_matches('/')), &name);
            }
        }
    }
}

pub(super) fn unresolved(reference: &str, pointer: &str) -> Error {
    Error::UnresolvedRef { pointer: pointer.to_owned(), reference: reference.to_owned() }
}

/// `#/components/schemas/A~1B` → `A/B` when the reference points into `prefix`.
pub(super) fn component_name(reference: &str, prefix: &str) -> Option<String> {
    let token = reference.strip_prefix(prefix)?;
    if token.contains('/') {
        return None;
    }
    let token = percent_decode(token);
    Some(token.replace("~1", "/").replace("~0", "~"))
}

/// `$ref` values are URI fragments; decode `%XX` escapes (e.g. `%7B` for `{`).
pub(super) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
