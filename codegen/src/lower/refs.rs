//! Following `$ref`s within the document.

use std::collections::HashSet;

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use super::{Lowerer, SCHEMAS};
use crate::error::{push_pointer, Error};
use crate::load::Document;
use crate::model::TypeRef;
use crate::pointer;

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
    let token = pointer::percent_decode(token);
    Some(token.replace("~1", "/").replace("~0", "~"))
}

impl<'a> Lowerer<'a> {
    /// The type a schema `$ref` stands for: a component by name, any other schema by the pointer
    /// where it is defined (lowered once, named by that place).
    pub(super) fn ref_use(&mut self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        if let Some(id) = component_name(reference, SCHEMAS).and_then(|n| self.components.get(n.as_str()).copied()) {
            // A nullable component that is declared (a struct, an enum, a union) is nullable
            // where it is used; one that is an alias holds its `Option` already.
            let doc: &'a OpenAPI = self.doc;
            let name = component_name(reference, SCHEMAS).unwrap_or_default();
            let nullable = match doc.components.as_ref().and_then(|c| c.schemas.get(&name)) {
                Some(ReferenceOr::Item(schema)) => {
                    schema.schema_data.nullable && self.declares(schema, &push_pointer("/components/schemas", &name))
                }
                _ => false,
            };
            return Ok(if nullable { TypeRef::Nullable(Box::new(TypeRef::Named(id))) } else { TypeRef::Named(id) });
        }
        let target =
            reference.strip_prefix('#').and_then(pointer::canonical).ok_or_else(|| unresolved(reference, pointer))?;
        if let Some(ty) = self.lowered.get(&target) {
            return Ok(ty.clone());
        }
        let source: &'a Document = self.source;
        let schema = source.pointer_schemas.get(&target).ok_or_else(|| unresolved(reference, pointer))?;
        let words = self.words_for(&target);
        if !self.lowering.insert(target.clone()) {
            // Met again inside itself: a schema is given a type there and then, as an inline one
            // holding itself is (`Lowerer::schema_use`); only a `$ref` that leads back to itself
            // through other `$ref`s has no meaning.
            return match schema {
                ReferenceOr::Item(_) => self.use_of(schema, &target, &words),
                ReferenceOr::Reference { .. } => Err(Error::invalid(
                    pointer,
                    format!("$ref cycle through '{reference}': references that only name each other"),
                )),
            };
        }
        let ty = self.use_of(schema, &target, &words);
        self.lowering.remove(&target);
        ty
    }

    /// The schema a `$ref` names, for merging (`allOf`), with its pointer and naming words.
    pub(super) fn schema_target(
        &self,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'a Schema, String, Vec<String>), Error> {
        let source: &'a Document = self.source;
        let mut seen = HashSet::new();
        let mut current = reference.to_owned();
        loop {
            if !seen.insert(current.clone()) {
                return Err(Error::invalid(pointer, format!("$ref cycle through '{reference}'")));
            }
            let named = component_name(&current, SCHEMAS).filter(|n| self.components.contains_key(n.as_str()));
            let (schema, at, words) = match named {
                Some(name) => {
                    let schema = source.openapi.components.as_ref().and_then(|c| c.schemas.get(&name));
                    (schema, push_pointer("/components/schemas", &name), vec![name])
                }
                None => {
                    let at = current.strip_prefix('#').and_then(pointer::canonical).unwrap_or_default();
                    let words = self.words_for(&at);
                    (source.pointer_schemas.get(&at), at, words)
                }
            };
            match schema.ok_or_else(|| unresolved(reference, pointer))? {
                ReferenceOr::Item(schema) => return Ok((schema, at, words)),
                ReferenceOr::Reference { reference } => current = reference.clone(),
            }
        }
    }

    /// The naming words of the place a pointer names, as an inline schema there would get them:
    /// `/components/schemas/Tag/properties/owner` → `Tag`, `owner`;
    /// `/paths/~1a/get/responses/200/content/application~1json/schema` → `{operation}`, `Response`.
    pub(super) fn words_for(&self, at: &str) -> Vec<String> {
        let tokens = pointer::tokens(at).unwrap_or_default();
        let raw = &self.source.raw;
        let mut words = Vec::new();
        let mut i = 0;
        match tokens.first().map(String::as_str) {
            Some("components") if tokens.len() >= 3 => {
                words.push(tokens[2].clone());
                i = 3;
            }
            Some("paths") if tokens.len() >= 3 => {
                let op = raw.pointer(&push_pointer(&push_pointer("/paths", &tokens[1]), &tokens[2]));
                let id = op.and_then(|o| o.get("operationId")).and_then(serde_json::Value::as_str);
                words.push(id.map_or_else(|| format!("{} {}", tokens[2].to_lowercase(), tokens[1]), str::to_owned));
                i = 3;
            }
            _ => {}
        }
        while i < tokens.len() {
            let next = tokens.get(i + 1);
            let prefix = || tokens[..=i + 1].iter().fold(String::new(), |p, t| push_pointer(&p, t));
            match (tokens[i].as_str(), next) {
                ("properties" | "patternProperties" | "$defs" | "definitions" | "headers", Some(name)) => {
                    words.push(name.clone());
                    i += 1;
                }
                ("oneOf" | "anyOf", Some(n)) => {
                    words.push(format!("Variant{}", n.parse::<usize>().unwrap_or(0) + 1));
                    i += 1;
                }
                ("allOf", Some(n)) => {
                    words.push(format!("Part{}", n.parse::<usize>().unwrap_or(0) + 1));
                    i += 1;
                }
                ("responses", Some(status)) => {
                    words.push(if status.starts_with('2') {
                        "Response".to_owned()
                    } else {
                        format!("{status} Response")
                    });
                    i += 1;
                }
                ("parameters", Some(_)) => {
                    let name = raw.pointer(&prefix()).and_then(|p| p.get("name")).and_then(serde_json::Value::as_str);
                    words.push(name.unwrap_or("Parameter").to_owned());
                    i += 1;
                }
                ("content", Some(_)) => i += 1,
                ("items", _) => words.push("Item".to_owned()),
                ("additionalProperties", _) => words.push("Value".to_owned()),
                ("requestBody", _) => words.push("Body".to_owned()),
                _ => {}
            }
            i += 1;
        }
        if words.is_empty() {
            words.push("Schema".to_owned());
        }
        words
    }
}
