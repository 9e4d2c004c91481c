//! The real world's deviations from OpenAPI, each read the way its author meant, with a warning
//! naming the pointer (never a silent change):
//!
//! - a number outside what a keyword holds (`minimum: -9223372036854776000`, an i64 bound printed
//!   as a float) → clamped to the range;
//! - enum values of the wrong type under a typed enum (`true` under `type: string` → `"true"`);
//! - `$ref` with sibling keywords: in 3.0 `description` (and `nullable`) are kept, others dropped;
//!   in 3.1 and later they are merged (`allOf: [$ref]` beside them);
//! - an operation without `responses` → none documented;
//! - a response without `description` (3.2 makes it optional; real tools omit it) → an empty one;
//! - `items` given as a list (draft 4's tuple form) → `prefixItems`, or the one schema it holds;
//! - a callback given as a `$ref` to `#/components/callbacks/…` → that callback (3.0's types have
//!   no reference there);
//! - `responses: null` → none documented; a parameter with neither `schema` nor `content` → any
//!   value (`schema: {}`); `info` without `version` → an empty one; an OAuth 2.0 flow without
//!   `scopes` → none.

use serde_json::{Map, Number, Value};

use super::walk::for_each_schema;
use crate::error::{push_pointer, Warning};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

pub(super) fn fix(raw: &mut Value, is_30: bool, warnings: &mut Vec<Warning>) {
    let mut warn = |pointer: String, message: String| warnings.push(Warning { pointer, message });
    for_each_schema(raw, &mut |schema, pointer| {
        ref_siblings(schema, pointer, is_30, &mut warn);
        numbers(schema, pointer, &mut warn);
        enum_values(schema, pointer, &mut warn);
    });
    let callbacks = raw.pointer("/components/callbacks").cloned().unwrap_or(Value::Null);
    if let Some(Value::Object(paths)) = raw.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let item_pointer = push_pointer("/paths", path);
            let mut operations: Vec<(String, &mut Value)> = Vec::new();
            for (key, op) in item.iter_mut() {
                if METHODS.contains(&key.as_str()) {
                    operations.push((push_pointer(&item_pointer, key), op));
                } else if key == "additionalOperations" {
                    if let Value::Object(ops) = op {
                        let at = push_pointer(&item_pointer, key);
                        operations.extend(ops.iter_mut().map(|(m, op)| (push_pointer(&at, m), op)));
                    }
                }
            }
            for (pointer, op) in operations {
                if let Value::Object(op) = op {
                    if op.get("responses").is_some_and(Value::is_null) {
                        op.remove("responses");
                    }
                    if let Some(Value::Array(parameters)) = op.get_mut("parameters") {
                        untyped_parameters(parameters, &push_pointer(&pointer, "parameters"), &mut warn);
                    }
                    if !op.contains_key("responses") {
                        op.insert("responses".into(), Value::Object(Map::new()));
                        warn(
                            pointer.clone(),
                            "operation without `responses`: generated with no documented response".into(),
                        );
                    }
                    if let Some(Value::Object(responses)) = op.get_mut("responses") {
                        described(responses, &push_pointer(&pointer, "responses"), &mut warn);
                    }
                    if let Some(Value::Object(own)) = op.get_mut("callbacks") {
                        callback_refs(own, &callbacks, &push_pointer(&pointer, "callbacks"), &mut warn);
                    }
                }
            }
        }
    }
    if let Some(Value::Object(responses)) = raw.pointer_mut("/components/responses") {
        described(responses, "/components/responses", &mut warn);
    }
    if let Some(Value::Object(parameters)) = raw.pointer_mut("/components/parameters") {
        for (name, parameter) in parameters.iter_mut() {
            untyped_parameter(parameter, &push_pointer("/components/parameters", name), &mut warn);
        }
    }
    if let Some(Value::Object(paths)) = raw.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
                let at = push_pointer(&push_pointer("/paths", path), "parameters");
                untyped_parameters(parameters, &at, &mut warn);
            }
        }
    }
    if let Some(Value::Object(info)) = raw.get_mut("info") {
        if !info.contains_key("version") {
            info.insert("version".into(), Value::String(String::new()));
            warn("/info".into(), "`info` without `version`: read as an empty one".into());
        }
    }
    if let Some(Value::Object(schemes)) = raw.pointer_mut("/components/securitySchemes") {
        for (name, scheme) in schemes.iter_mut() {
            let Some(Value::Object(flows)) = scheme.get_mut("flows") else { continue };
            for (flow, details) in flows.iter_mut() {
                if let Value::Object(details) = details {
                    if !details.contains_key("scopes") {
                        details.insert("scopes".into(), Value::Object(Map::new()));
                        let at = push_pointer(
                            &push_pointer(&push_pointer("/components/securitySchemes", name), "flows"),
                            flow,
                        );
                        warn(at, "an OAuth 2.0 flow without `scopes`: read as none".into());
                    }
                }
            }
        }
    }
}

fn untyped_parameters(parameters: &mut [Value], pointer: &str, warn: &mut dyn FnMut(String, String)) {
    for (i, parameter) in parameters.iter_mut().enumerate() {
        untyped_parameter(parameter, &push_pointer(pointer, &i.to_string()), warn);
    }
}

/// A parameter with neither `schema` nor `content` takes any value (`schema: {}`).
fn untyped_parameter(parameter: &mut Value, pointer: &str, warn: &mut dyn FnMut(String, String)) {
    let Value::Object(parameter) = parameter else { return };
    if parameter.contains_key("$ref") || parameter.contains_key("schema") || parameter.contains_key("content") {
        return;
    }
    parameter.insert("schema".into(), Value::Object(Map::new()));
    warn(pointer.to_owned(), "a parameter with neither `schema` nor `content`: read as any value".into());
}

/// Callbacks of an operation given as `$ref`s to `components/callbacks` replaced by what they name;
/// one that names nothing there is left out.
fn callback_refs(
    own: &mut Map<String, Value>,
    components: &Value,
    pointer: &str,
    warn: &mut dyn FnMut(String, String),
) {
    own.retain(|name, callback| {
        let Some(reference) = callback.get("$ref").and_then(Value::as_str) else { return true };
        let at = push_pointer(pointer, name);
        let target = reference
            .strip_prefix("#/components/callbacks/")
            .map(|n| n.replace("~1", "/").replace("~0", "~"))
            .and_then(|n| components.get(n.as_str()).cloned());
        match target {
            Some(target) => {
                *callback = target;
                true
            }
            None => {
                warn(
                    at,
                    format!("a callback `$ref` to {reference}, which names no callback of the document: left out"),
                );
                false
            }
        }
    });
}

/// Responses of a `responses` map (or `components/responses`) without a `description` get an
/// empty one.
fn described(responses: &mut Map<String, Value>, pointer: &str, warn: &mut dyn FnMut(String, String)) {
    for (key, response) in responses.iter_mut() {
        let Value::Object(response) = response else { continue };
        if !response.contains_key("description") && !response.contains_key("$ref") {
            response.insert("description".into(), Value::String(String::new()));
            warn(push_pointer(pointer, key), "a response without `description`: read as an empty one".into());
        }
    }
}

/// Draft 4 tuples as 2020-12 writes them, in every schema (of a 3.x document before the 3.1
/// normalization, so what the tuple holds is normalized too; see [`tuple_items`]).
pub(super) fn tuples(raw: &mut Value, warnings: &mut Vec<Warning>) {
    let mut warn = |pointer: String, message: String| warnings.push(Warning { pointer, message });
    for_each_schema(raw, &mut |schema, pointer| tuple_items(schema, pointer, &mut warn));
}

/// `items: [A, B]` (draft 4's tuple form, seen in 2.0 documents) as 2020-12 says it:
/// `prefixItems: [A, B]`; a list of one schema is that schema (`items: [A]` is how many authors
/// write "an array of A").
fn tuple_items(schema: &mut Map<String, Value>, pointer: &str, warn: &mut dyn FnMut(String, String)) {
    let Some(Value::Array(list)) = schema.get("items") else { return };
    let at = push_pointer(pointer, "items");
    match list.as_slice() {
        [one] => {
            let one = one.clone();
            schema.insert("items".into(), one);
            warn(at, "`items` as a list of one schema: read as that schema".into());
        }
        _ => {
            let Some(list) = schema.remove("items") else { return };
            schema.entry("prefixItems").or_insert(list);
            warn(at, "`items` as a list (a draft 4 tuple): read as `prefixItems`".into());
        }
    }
}

/// Keys that only annotate: kept beside a `$ref` even in 3.0, where siblings are otherwise ignored.
const KEPT_IN_30: &[&str] = &["description", "nullable"];

fn ref_siblings(schema: &mut Map<String, Value>, pointer: &str, is_30: bool, warn: &mut dyn FnMut(String, String)) {
    if !schema.contains_key("$ref") || schema.len() == 1 {
        return;
    }
    let siblings: Vec<String> = schema.keys().filter(|k| *k != "$ref" && !k.starts_with("x-")).cloned().collect();
    if siblings.is_empty() {
        return;
    }
    if is_30 {
        let dropped: Vec<&String> = siblings.iter().filter(|k| !KEPT_IN_30.contains(&k.as_str())).collect();
        if !dropped.is_empty() {
            let list: Vec<String> = dropped.iter().map(|k| format!("`{k}`")).collect();
            warn(pointer.to_owned(), format!("{} beside `$ref` ignored (OpenAPI 3.0)", list.join(", ")));
            for key in dropped.into_iter().cloned().collect::<Vec<_>>() {
                schema.remove(&key);
            }
        }
    }
    let only_description = schema.keys().all(|k| k == "$ref" || k == "description" || k.starts_with("x-"));
    // A component that only re-describes another stays an alias of it.
    let is_component = pointer.matches('/').count() == 3 && pointer.starts_with("/components/schemas/");
    if is_component && only_description {
        return;
    }
    if let Some(reference) = schema.remove("$ref") {
        let mut member = Map::new();
        member.insert("$ref".into(), reference);
        let mut members = vec![Value::Object(member)];
        if let Some(Value::Array(existing)) = schema.remove("allOf") {
            members.extend(existing);
        }
        schema.insert("allOf".into(), Value::Array(members));
    }
}

/// Keywords whose values openapiv3 reads as integers: bounds of integer schemas, and counts.
fn numbers(schema: &mut Map<String, Value>, pointer: &str, warn: &mut dyn FnMut(String, String)) {
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    let bounds: &[&str] = if integer { &["minimum", "maximum", "multipleOf"] } else { &[] };
    const COUNTS: &[&str] = &["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];
    for key in bounds.iter().chain(COUNTS) {
        let count = COUNTS.contains(key);
        let Some(Value::Number(n)) = schema.get(*key) else { continue };
        let fits = if count { n.as_u64().is_some() } else { n.as_i64().is_some() };
        if fits {
            continue;
        }
        let f = n.as_f64().unwrap_or(0.0);
        // `as` saturates: the clamp to the keyword's range.
        let (fixed, range) =
            if count { (Number::from(f.max(0.0) as u64), "0..u64") } else { (Number::from(f as i64), "the i64 range") };
        warn(push_pointer(pointer, key), format!("`{key}: {n}` is not an integer in {range}: read as {fixed}"));
        schema.insert((*key).to_owned(), Value::Number(fixed));
    }
}

fn enum_values(schema: &mut Map<String, Value>, pointer: &str, warn: &mut dyn FnMut(String, String)) {
    let Some(typ) = schema.get("type").and_then(Value::as_str).map(str::to_owned) else { return };
    let Some(Value::Array(values)) = schema.get_mut("enum") else { return };
    let at = push_pointer(pointer, "enum");
    let mut kept = Vec::with_capacity(values.len());
    for (i, value) in std::mem::take(values).into_iter().enumerate() {
        let fixed = match (typ.as_str(), &value) {
            (_, Value::Null) => Some(value.clone()),
            ("string", Value::String(_)) => Some(value.clone()),
            ("string", Value::Bool(_) | Value::Number(_)) => Some(Value::String(value.to_string())),
            ("integer", Value::Number(n)) if n.is_i64() => Some(value.clone()),
            ("integer", Value::Number(n)) => {
                n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| Value::from(f as i64))
            }
            ("integer", Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
            ("number", Value::Number(_)) => Some(value.clone()),
            ("number", Value::String(s)) => s.trim().parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number),
            ("boolean", Value::Bool(_)) => Some(value.clone()),
            ("boolean", Value::String(s)) => s.trim().parse::<bool>().ok().map(Value::Bool),
            (_, _) if !matches!(typ.as_str(), "string" | "integer" | "number" | "boolean") => Some(value.clone()),
            _ => None,
        };
        let item = push_pointer(&at, &i.to_string());
        match fixed {
            Some(fixed) if fixed == value => kept.push(fixed),
            Some(fixed) => {
                warn(item, format!("enum value {value} under `type: {typ}`: read as {fixed}"));
                kept.push(fixed);
            }
            None => warn(item, format!("enum value {value} under `type: {typ}` has no {typ} form: left out")),
        }
    }
    *values = kept;
}
