//! OpenAPI 3.0 schemas → JSON Schema (draft-07 vocabulary, what ajv reads), for the independent
//! validator of examples and arguments (`tools/prism/validate-examples.js`).
//!
//! The generator's loader has already normalized 3.1, 3.2 and Swagger 2.0 documents to the 3.0
//! form (`Document::raw`), so one conversion covers all. It rewrites the whole document in
//! place, every object that may be a schema, and leaves values alone (`example`, `examples`,
//! `enum`, `default`, `const`, `x-…` extensions are data, never walked):
//! - `nullable: true` → `"null"` added to `type` (and to `enum` when there is one: 3.0.3 says
//!   an enum of a nullable schema must list `null`, and documents rarely do); without a `type`
//!   (a `$ref`, an `allOf`…) the schema becomes `anyOf: [schema, {type: "null"}]`;
//! - boolean `exclusiveMinimum`/`exclusiveMaximum` → the numeric form (the bound moves there);
//! - `$ref` siblings are dropped (3.0 ignores them), after `nullable` is read;
//! - `$ref`s stay as they are: the validator loads the whole document under one id and resolves
//!   `#/…` pointers in it.

use serde_json::{Map, Value};

/// Keywords whose values are data, not schemas.
const DATA: &[&str] = &["example", "examples", "enum", "default", "const"];
/// Keywords whose values are maps from names to schemas (a property may be called `default`).
const NAMED: &[&str] = &["properties", "patternProperties", "schemas", "definitions", "$defs"];

/// The document (or any part of it) with every schema in JSON Schema's vocabulary.
pub fn convert(value: &Value) -> Value {
    let mut value = value.clone();
    walk(&mut value);
    value
}

fn walk(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(walk),
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if DATA.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                if NAMED.contains(&key.as_str()) {
                    if let Value::Object(named) = child {
                        named.values_mut().for_each(walk);
                        continue;
                    }
                }
                walk(child);
            }
            if let Some(replacement) = schema(map) {
                *value = replacement;
            }
        }
        _ => {}
    }
}

/// Rewrites one object's own keywords; returns a replacement when it must be wrapped.
fn schema(map: &mut Map<String, Value>) -> Option<Value> {
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        match map.get(exclusive) {
            Some(Value::Bool(true)) => {
                if let Some(limit) = map.remove(bound).filter(Value::is_number) {
                    map.insert(exclusive.to_owned(), limit);
                } else {
                    map.remove(exclusive);
                }
            }
            Some(Value::Bool(false)) => {
                map.remove(exclusive);
            }
            _ => {}
        }
    }
    let nullable = match map.get("nullable") {
        Some(Value::Bool(b)) => {
            let b = *b;
            map.remove("nullable");
            b
        }
        _ => false,
    };
    if map.contains_key("$ref") && map.len() > 1 {
        map.retain(|k, _| k == "$ref");
    }
    if !nullable {
        return None;
    }
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            map.insert("type".to_owned(), Value::Array(vec![Value::String(t), "null".into()]));
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            None
        }
        Some(Value::Array(types)) => {
            if !types.contains(&Value::from("null")) {
                types.push("null".into());
            }
            None
        }
        _ => {
            let inner = Value::Object(std::mem::take(map));
            Some(serde_json::json!({ "anyOf": [inner, { "type": "null" }] }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_becomes_a_type_list_or_an_alternative() {
        let doc = json!({ "components": { "schemas": {
            "A": { "type": "string", "nullable": true, "enum": ["a", "b"] },
            "B": { "$ref": "#/components/schemas/A", "nullable": true, "description": "kept by 3.0? no" },
            "C": { "allOf": [{ "$ref": "#/components/schemas/A" }], "nullable": true },
            "D": { "type": "integer", "nullable": false },
        }}});
        let out = convert(&doc);
        let s = &out["components"]["schemas"];
        assert_eq!(s["A"], json!({ "type": ["string", "null"], "enum": ["a", "b", null] }));
        assert_eq!(s["B"], json!({ "anyOf": [{ "$ref": "#/components/schemas/A" }, { "type": "null" }] }));
        assert_eq!(
            s["C"],
            json!({ "anyOf": [{ "allOf": [{ "$ref": "#/components/schemas/A" }] }, { "type": "null" }] })
        );
        assert_eq!(s["D"], json!({ "type": "integer" }));
    }

    #[test]
    fn boolean_exclusive_bounds_take_the_numeric_form() {
        let out = convert(&json!({
            "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": false
        }));
        assert_eq!(out, json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 10 }));
    }

    #[test]
    fn values_are_left_alone_and_properties_named_like_keywords_are_schemas() {
        let doc = json!({
            "type": "object",
            "example": { "nullable": true, "type": "string" },
            "default": { "exclusiveMinimum": true },
            "x-vendor": { "nullable": true, "type": "string" },
            "properties": {
                "default": { "type": "string", "nullable": true },
                "example": { "type": "array", "items": { "type": "integer", "nullable": true } },
            },
        });
        let out = convert(&doc);
        assert_eq!(out["example"], doc["example"]);
        assert_eq!(out["default"], doc["default"]);
        assert_eq!(out["x-vendor"], doc["x-vendor"]);
        assert_eq!(out["properties"]["default"], json!({ "type": ["string", "null"] }));
        assert_eq!(out["properties"]["example"]["items"], json!({ "type": ["integer", "null"] }));
    }

    #[test]
    fn ref_siblings_are_dropped() {
        let out = convert(&json!({ "$ref": "#/components/schemas/A", "description": "d", "example": 1 }));
        assert_eq!(out, json!({ "$ref": "#/components/schemas/A" }));
    }
}
