//! OpenAPI 3.1 → the 3.0 form `lower` reads.

use serde_json::{Map, Value};

use crate::error::{push_pointer, Warning};

/// Rewrites an OpenAPI 3.1 document into the 3.0 form this generator reads: `type: [T, "null"]`
/// → `type: T` + `nullable`, `const` → a one-value `enum`, a schema's `examples` → `example`,
/// numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` with the boolean form,
/// `{type: "null"}` alternatives of `oneOf`/`anyOf` → `nullable`. Only schema positions are
/// rewritten; examples and defaults are left as written.
pub(super) fn normalize(raw: &mut Value, warnings: &mut Vec<Warning>) {
    if let Some(root) = raw.as_object_mut() {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    }
    super::walk::for_each_schema(raw, &mut |schema, pointer| normalize_schema(schema, pointer, warnings));
}

fn normalize_schema(schema: &mut Map<String, Value>, pointer: &str, warnings: &mut Vec<Warning>) {
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        warnings.push(Warning {
            pointer: push_pointer(pointer, "nullable"),
            message: "3.0 `nullable` in a 3.1 document: read as `type: [T, \"null\"]`".into(),
        });
    }
    if let Some(Value::Array(types)) = schema.get("type").cloned() {
        let named: Vec<&Value> = types.iter().filter(|t| t.as_str() != Some("null")).collect();
        if named.len() < types.len() {
            schema.insert("nullable".into(), Value::Bool(true));
        }
        match named.as_slice() {
            [one] => {
                schema.insert("type".into(), (*one).clone());
            }
            _ => {
                schema.remove("type");
                if named.len() > 1 {
                    warnings.push(Warning {
                        pointer: push_pointer(pointer, "type"),
                        message: "several types: generated as serde_json::Value".into(),
                    });
                }
            }
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        schema.remove("type");
        schema.insert("nullable".into(), Value::Bool(true));
    }
    if let Some(value) = schema.remove("const") {
        schema.entry("enum").or_insert_with(|| Value::Array(vec![value]));
    }
    if let Some(Value::Array(mut examples)) = schema.remove("examples") {
        if !examples.is_empty() && !schema.contains_key("example") {
            schema.insert("example".into(), examples.swap_remove(0));
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(n)) = schema.get(exclusive).cloned() {
            schema.insert(bound.into(), Value::Number(n));
            schema.insert(exclusive.into(), Value::Bool(true));
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = schema.get_mut(keyword) else { continue };
        let before = members.len();
        members.retain(|m| {
            m.get("type").and_then(Value::as_str) != Some("null") || m.as_object().is_some_and(|o| o.len() > 1)
        });
        if members.len() < before {
            let rest = std::mem::take(members);
            schema.remove(keyword);
            schema.insert("nullable".into(), Value::Bool(true));
            // One alternative left is the type itself; `allOf: [it]` keeps a `$ref` usable with
            // `nullable` beside it.
            let replacement = if rest.len() == 1 { ("allOf", rest) } else { (keyword, rest) };
            schema.insert(replacement.0.into(), Value::Array(replacement.1));
        }
    }
}
