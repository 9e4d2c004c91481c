//! Walking the schemas of a document, and the schemas `$ref`s reach at pointers of their own.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value};

use crate::error::push_pointer;
use crate::pointer;

/// Keys of a schema whose values are maps of schemas.
pub(super) const SCHEMA_MAPS: &[&str] =
    &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
/// Keys of a schema whose values are lists of schemas.
pub(super) const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keys of a schema whose values are one schema.
pub(super) const SCHEMA_ONES: &[&str] =
    &["items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames"];
/// Keys of a schema whose values are data, never schemas or references.
pub(super) const DATA: &[&str] = &["example", "examples", "default", "enum", "const", "x-examples"];
/// Keys of other objects whose values are data (`default` there is a response, not data;
/// `value` is an Example object's).
pub(super) const OTHER_DATA: &[&str] = &["example", "x-examples", "value"];
/// Keys of other objects whose values map names the document chooses (paths, statuses, media
/// types, header and property names) to objects; under `/components`, every section does.
const NAME_MAPS: &[&str] = &["paths", "webhooks", "headers", "responses", "content", "encoding", "links", "callbacks"];

/// Whether the value under `key` of the object at `parent` maps names to objects: its keys are
/// then never read as keywords (a header called `value` is no Example's data).
pub(super) fn is_name_map(key: &str, parent: &str) -> bool {
    parent == "/components" || NAME_MAPS.contains(&key)
}

/// Calls `f` on every schema object of a 3.x document, outermost first, with its pointer.
/// `f` may rewrite the schema; its children are walked after it returns.
pub(super) fn for_each_schema(raw: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    walk(raw, "", Node::Other, f);
}

/// What a walked value is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    Schema,
    /// A map from names to objects ([`is_name_map`]).
    Names,
    Other,
}

fn walk(value: &mut Value, pointer: &str, node: Node, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Value::Object(object) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &push_pointer(pointer, &i.to_string()), Node::Other, f);
            }
        }
        return;
    };
    let is_schema = node == Node::Schema;
    if is_schema {
        f(object, pointer);
    }
    for (key, child) in object.iter_mut() {
        let at = push_pointer(pointer, key);
        if node == Node::Names {
            walk(child, &at, Node::Other, f);
        } else if is_schema {
            if SCHEMA_MAPS.contains(&key.as_str()) {
                if let Value::Object(map) = child {
                    for (name, schema) in map.iter_mut() {
                        boolean_schema(schema);
                        walk(schema, &push_pointer(&at, name), Node::Schema, f);
                    }
                }
            } else if SCHEMA_LISTS.contains(&key.as_str()) {
                if let Value::Array(list) = child {
                    for (i, schema) in list.iter_mut().enumerate() {
                        boolean_schema(schema);
                        walk(schema, &push_pointer(&at, &i.to_string()), Node::Schema, f);
                    }
                }
            } else if SCHEMA_ONES.contains(&key.as_str()) {
                // `additionalProperties: true|false` is 3.0's own form.
                if key != "additionalProperties" {
                    boolean_schema(child);
                }
                walk(child, &at, Node::Schema, f);
            }
        } else if key == "schema" || key == "itemSchema" {
            boolean_schema(child);
            walk(child, &at, Node::Schema, f);
        } else if key == "schemas" && pointer == "/components" {
            if let Value::Object(map) = child {
                for (name, schema) in map.iter_mut() {
                    boolean_schema(schema);
                    walk(schema, &push_pointer(&at, name), Node::Schema, f);
                }
            }
        } else if is_name_map(key, pointer) {
            walk(child, &at, Node::Names, f);
        } else if !OTHER_DATA.contains(&key.as_str()) && key != "examples" {
            walk(child, &at, Node::Other, f);
        }
    }
}

/// A boolean schema (3.1, JSON Schema) as the object 3.0 reads: `true` accepts anything (`{}`),
/// `false` nothing (`{not: {}}`, which lowering reports).
fn boolean_schema(value: &mut Value) {
    if let Value::Bool(accepts) = value {
        let mut schema = Map::new();
        if !*accepts {
            schema.insert("not".into(), Value::Object(Map::new()));
        }
        *value = Value::Object(schema);
    }
}

/// Whether a local `$ref` names a component directly (`#/components/schemas/Foo`): those are
/// resolved by name, everything else by pointer.
pub(crate) fn is_component_ref(reference: &str) -> bool {
    reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(section, name)| !section.is_empty() && !name.is_empty() && !name.contains('/'))
}

/// Every schema a local `$ref` (or a discriminator mapping) reaches at a pointer that is not a
/// component, deserialized once, by its canonical pointer. The refs are those of `raw` and of the
/// values taken out of it (3.2's `itemSchema` and extra operations); the pointers are `raw`'s.
pub(super) fn pointer_schemas<'v>(
    raw: &'v Value,
    removed: impl Iterator<Item = &'v Value>,
) -> IndexMap<String, ReferenceOr<Schema>> {
    let mut out = IndexMap::new();
    let mut references = Vec::new();
    collect_refs(raw, &mut references);
    for value in removed {
        collect_refs(value, &mut references);
    }
    for reference in references {
        let Some(fragment) = reference.strip_prefix('#') else { continue };
        if is_component_ref(reference) {
            continue;
        }
        let Some(at) = pointer::canonical(fragment) else { continue };
        if out.contains_key(&at) {
            continue;
        }
        if let Some(target) = pointer::get(raw, &at) {
            if let Ok(schema) = serde_json::from_value::<ReferenceOr<Schema>>(target.clone()) {
                out.insert(at, schema);
            }
        }
    }
    out
}

fn collect_refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(s)) => out.push(s),
                    ("mapping", Value::Object(mapping)) => {
                        out.extend(mapping.values().filter_map(Value::as_str).filter(|s| s.starts_with('#')))
                    }
                    _ => collect_refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
