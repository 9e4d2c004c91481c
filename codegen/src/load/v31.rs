//! OpenAPI 3.1 → the 3.0 form `lower` reads.

use serde_json::{Map, Value};

use super::source_map::{original, Mapping, SourceMap};
use crate::error::{push_pointer, Warning};
use crate::pointer;

/// Rewrites an OpenAPI 3.1 document into the 3.0 form this generator reads: `type: [T, "null"]`
/// → `type: T` + `nullable`, `const` → a one-value `enum`, a schema's `examples` → `example`,
/// numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` with the boolean form,
/// `{type: "null"}` alternatives of `oneOf`/`anyOf` → `nullable`. Only schema positions are
/// rewritten; examples and defaults are left as written. A `mutualTLS` security scheme, which 3.0
/// has no type for, becomes an `http` scheme marked [`MUTUAL_TLS`].
///
/// Dropping a `{type: "null"}` alternative moves the others (`oneOf/2` → `oneOf/1`, a lone one to
/// `allOf/0`): `$ref`s into them are rewritten to follow, and `source_map` maps the new places
/// back to the ones the document wrote.
pub(super) fn normalize(raw: &mut Value, source_map: &mut SourceMap, warnings: &mut Vec<Warning>) {
    if let Some(root) = raw.as_object_mut() {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    }
    mutual_tls(raw);
    let mut moved = Vec::new();
    super::walk::for_each_schema(raw, &mut |schema, pointer| normalize_schema(schema, pointer, &mut moved, warnings));
    if moved.is_empty() {
        return;
    }
    follow_moves(raw, &moved);
    source_map.push_layer(moved);
}

/// The extension that marks an `http` security scheme as 3.1's `mutualTLS` (lowering reads it).
pub(crate) const MUTUAL_TLS: &str = "x-codegen-mutual-tls";

fn mutual_tls(raw: &mut Value) {
    let schemes = raw.pointer_mut("/components/securitySchemes").and_then(Value::as_object_mut);
    for scheme in schemes.into_iter().flat_map(|s| s.values_mut()).filter_map(Value::as_object_mut) {
        if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
            scheme.insert("type".into(), "http".into());
            scheme.insert("scheme".into(), "mutualTLS".into());
            scheme.insert(MUTUAL_TLS.into(), Value::Bool(true));
        }
    }
}

/// Rewrites every local `$ref` (and discriminator mapping) into a moved schema to its new place.
fn follow_moves(value: &mut Value, moved: &[Mapping]) {
    let relocate = |reference: &mut String| {
        let Some(at) = reference.strip_prefix('#').and_then(pointer::canonical) else { return };
        let within =
            |prefix: &str| at.starts_with(prefix) && (at.len() == prefix.len() || at.as_bytes()[prefix.len()] == b'/');
        if let Some(m) = moved.iter().filter(|m| within(&m.from)).max_by_key(|m| m.from.len()) {
            // `%` is the one character a fragment must escape to be read back as written.
            *reference = format!("#{}{}", m.to, &at[m.from.len()..]).replace('%', "%25");
        }
    };
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("$ref" | "defaultMapping", Value::String(reference)) => relocate(reference),
                    ("mapping", Value::Object(mapping)) => {
                        for target in mapping.values_mut() {
                            if let Value::String(reference) = target {
                                relocate(reference);
                            }
                        }
                    }
                    (_, child) => follow_moves(child, moved),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| follow_moves(item, moved)),
        _ => {}
    }
}

fn normalize_schema(
    schema: &mut Map<String, Value>,
    pointer: &str,
    moved: &mut Vec<Mapping>,
    warnings: &mut Vec<Warning>,
) {
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        warnings.push(Warning {
            pointer: push_pointer(pointer, "nullable"),
            message: "3.0 `nullable` in a 3.1 document: read as `type: [T, \"null\"]`".into(),
        });
    }
    if let Some(value) = schema.remove("const") {
        // An untyped `const` takes its value's type: `const: true` is a boolean, `const: 1.5` a
        // number (strings and integers become enums of their type either way).
        let composed = ["allOf", "oneOf", "anyOf", "properties", "$ref"].iter().any(|k| schema.contains_key(*k));
        if !schema.contains_key("type") && !schema.contains_key("enum") && !composed {
            let typ = match &value {
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if !n.is_i64() => Some("number"),
                Value::Object(_) => Some("object"),
                Value::Array(_) => Some("array"),
                Value::Null => {
                    schema.insert("nullable".into(), Value::Bool(true));
                    None
                }
                _ => None,
            };
            if let Some(typ) = typ {
                schema.insert("type".into(), Value::String(typ.into()));
            }
        }
        schema.entry("enum").or_insert_with(|| Value::Array(vec![value]));
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
                    let named: Vec<&str> = named.iter().filter_map(|t| t.as_str()).collect();
                    super::type_lists::split(schema, pointer, &named, moved, warnings);
                }
            }
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        schema.remove("type");
        schema.insert("nullable".into(), Value::Bool(true));
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
    null_alternatives(schema, pointer, moved, None);
}

/// `{type: "null"}` alternatives of `oneOf`/`anyOf` → `nullable`, the others kept in order (a
/// lone one under `allOf`, which keeps a `$ref` usable beside `nullable`). With `warnings` (a 3.0
/// document, where `"null"` is no type), each dropped alternative is reported at its place.
fn null_alternatives(
    schema: &mut Map<String, Value>,
    pointer: &str,
    moved: &mut Vec<Mapping>,
    mut warnings: Option<&mut Vec<Warning>>,
) {
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = schema.get_mut(keyword) else { continue };
        let is_null = |m: &Value| {
            m.as_object().is_some_and(|o| {
                o.get("type").and_then(Value::as_str) == Some("null")
                    && o.keys().all(|k| matches!(k.as_str(), "type" | "description" | "title" | "nullable"))
            })
        };
        let kept: Vec<usize> = (0..members.len()).filter(|&i| !is_null(&members[i])).collect();
        if kept.len() == members.len() {
            continue;
        }
        if let Some(warnings) = warnings.as_deref_mut() {
            // At the list, not the member: the members after it move, and the source map would
            // read a member's pointer as the one that moved there.
            for i in (0..members.len()).filter(|i| !kept.contains(i)) {
                warnings.push(Warning {
                    pointer: push_pointer(pointer, keyword),
                    message: format!(
                        "alternative {i} is `{{type: \"null\"}}` in a 3.0 document (3.1's form of `nullable`): read \
                         as `nullable`"
                    ),
                });
            }
        }
        let rest: Vec<Value> = kept.iter().map(|&i| members[i].clone()).collect();
        schema.remove(keyword);
        schema.insert("nullable".into(), Value::Bool(true));
        // One alternative left is the type itself; `allOf: [it]` keeps a `$ref` usable with
        // `nullable` beside it.
        let to = if rest.len() == 1 { "allOf" } else { keyword };
        for (new, old) in kept.iter().enumerate() {
            let (from, to) = (
                push_pointer(&push_pointer(pointer, keyword), &old.to_string()),
                push_pointer(&push_pointer(pointer, to), &new.to_string()),
            );
            if from != to {
                moved.push(Mapping { file: None, from: original(moved, &from), to });
            }
        }
        schema.insert(to.into(), Value::Array(rest));
    }
}

/// 3.0 documents (and Swagger 2.0 ones, once converted) that write 3.1's `{type: "null"}`
/// alternatives, as real tools emit: read as `nullable`, with a warning at each.
pub(super) fn null_alternatives_30(raw: &mut Value, source_map: &mut SourceMap, warnings: &mut Vec<Warning>) {
    let mut moved = Vec::new();
    super::walk::for_each_schema(raw, &mut |schema, pointer| {
        null_alternatives(schema, pointer, &mut moved, Some(&mut *warnings))
    });
    if moved.is_empty() {
        return;
    }
    follow_moves(raw, &moved);
    source_map.push_layer(moved);
}
