//! OpenAPI 3.1 `type` lists with several types (`type: [string, integer]`) → `anyOf` with one
//! member per type, each holding the keywords that apply to it, so lowering makes a union of
//! them. `"null"` has already become `nullable`.

use serde_json::{Map, Value};

use super::source_map::{original, Mapping};
use crate::error::{push_pointer, Warning};

/// The keywords that constrain values of each type, moved from the schema to its member.
const KEYWORDS: &[(&str, &[&str])] = &[
    ("string", &["format", "minLength", "maxLength", "pattern", "contentEncoding", "contentMediaType"]),
    ("integer", &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
    ("number", &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
    ("boolean", &[]),
    (
        "array",
        &["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains"],
    ),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "minProperties",
            "maxProperties",
            "propertyNames",
            "dependentRequired",
            "dependentSchemas",
            "discriminator",
        ],
    ),
];

/// Whether an `enum` value belongs to `typ`.
fn fits(typ: &str, value: &Value) -> bool {
    match (typ, value) {
        ("string", Value::String(_)) | ("boolean", Value::Bool(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("number", Value::Number(_)) => true,
        ("array", Value::Array(_)) | ("object", Value::Object(_)) => true,
        _ => false,
    }
}

/// Rewrites `schema` (whose `type` list has been removed) into `anyOf` of one member per type
/// in `types`. An `enum` is shared out by type (an integer goes to `integer` when both `integer`
/// and `number` are listed); a type that gets no value of it is left out. Subschemas that move
/// (`properties`, `items`, …) are recorded in `moved`.
pub(super) fn split(
    schema: &mut Map<String, Value>,
    pointer: &str,
    types: &[&str],
    moved: &mut Vec<Mapping>,
    warnings: &mut Vec<Warning>,
) {
    let keyword = if !schema.contains_key("anyOf") {
        "anyOf"
    } else if !schema.contains_key("oneOf") {
        "oneOf"
    } else {
        warnings.push(Warning {
            pointer: push_pointer(pointer, "type"),
            message: "several types beside both `anyOf` and `oneOf`: generated as serde_json::Value".into(),
        });
        return;
    };
    let enumeration = match schema.remove("enum") {
        Some(Value::Array(values)) => Some(values),
        Some(other) => Some(vec![other]),
        None => None,
    };
    let mut members = Vec::new();
    let mut taken: Vec<&str> = Vec::new();
    for typ in types {
        let Some((_, keys)) = KEYWORDS.iter().find(|(t, _)| t == typ) else {
            warnings.push(Warning {
                pointer: push_pointer(pointer, "type"),
                message: format!("unknown type `{typ}` in the list: left out"),
            });
            continue;
        };
        if taken.contains(typ) {
            continue;
        }
        taken.push(typ);
        let mut member = Map::new();
        member.insert("type".into(), Value::String((*typ).into()));
        if let Some(values) = &enumeration {
            let mine: Vec<Value> = values
                .iter()
                .filter(|v| fits(typ, v))
                .filter(|v| !(*typ == "number" && types.contains(&"integer") && fits("integer", v)))
                .cloned()
                .collect();
            if mine.is_empty() {
                continue;
            }
            member.insert("enum".into(), Value::Array(mine));
        }
        members.push((member, *keys));
    }
    // Each keyword goes to every member it applies to; `$ref`s into a subschema that moves
    // (`properties`, `items`, …) follow it to the first member that holds it.
    let single = members.len() == 1;
    for key in KEYWORDS.iter().flat_map(|(_, keys)| keys.iter()) {
        let Some(value) = schema.get(*key).cloned() else { continue };
        let mut first = true;
        for (index, (member, keys)) in members.iter_mut().enumerate() {
            if !keys.contains(key) || member.contains_key(*key) {
                continue;
            }
            member.insert((*key).into(), value.clone());
            if first && !single {
                let from = push_pointer(pointer, key);
                let to = push_pointer(&push_pointer(&push_pointer(pointer, keyword), &index.to_string()), key);
                moved.push(Mapping { file: None, from: original(moved, &from), to });
            }
            first = false;
        }
        if !single {
            schema.remove(*key);
        }
    }
    match members.len() {
        0 => warnings.push(Warning {
            pointer: push_pointer(pointer, "type"),
            message: "no type of the list has a value in `enum`: generated as serde_json::Value".into(),
        }),
        // One type has values: the schema is of that type.
        1 => {
            let (member, _) = members.swap_remove(0);
            schema.extend(member);
        }
        _ => {
            let members = members.into_iter().map(|(m, _)| Value::Object(m)).collect();
            schema.insert(keyword.into(), Value::Array(members));
        }
    }
}
