//! Stage 1: text → [`Document`]. YAML or JSON, decided by the first significant character.
//! Syntax errors carry line and column; shape errors carry the JSON pointer of the bad value.

use serde_json::{Map, Value};

use crate::error::{push_pointer, Error, Warning};

/// A parsed OpenAPI document, with the raw JSON value kept beside the typed form.
#[derive(Clone, Debug)]
pub struct Document {
    pub openapi: openapiv3::OpenAPI,
    /// The document as read (for OpenAPI 3.1, after normalization to the 3.0 form).
    pub raw: serde_json::Value,
    /// What normalization could not carry over exactly.
    pub warnings: Vec<Warning>,
}

/// Parses an OpenAPI 3.0 or 3.1 document from YAML or JSON text. Never panics.
pub fn parse(text: &str) -> Result<Document, Error> {
    crate::guard(|| {
        let raw = if text.trim_start().starts_with('{') { parse_json(text)? } else { parse_yaml(text)? };
        from_value_inner(raw)
    })
}

/// Builds a [`Document`] from an already parsed JSON value. Never panics.
pub fn from_value(raw: serde_json::Value) -> Result<Document, Error> {
    crate::guard(|| from_value_inner(raw))
}

fn from_value_inner(mut raw: serde_json::Value) -> Result<Document, Error> {
    let mut warnings = Vec::new();
    match raw.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) if v.starts_with("3.1") => normalize_31(&mut raw, &mut warnings),
        Some(v) => {
            return Err(Error::unsupported(
                "/openapi",
                format!("OpenAPI version {v}; this generator reads 3.0.x and 3.1.x"),
            ))
        }
        None if raw.get("swagger").is_some() => {
            return Err(Error::unsupported("/swagger", "Swagger 2.0 documents; convert to OpenAPI 3.0 first"))
        }
        None => return Err(Error::invalid("", "missing the `openapi` version field")),
    }
    match serde_path_to_error::deserialize(&raw) {
        Ok(openapi) => Ok(Document { openapi, raw, warnings }),
        Err(e) => {
            let (pointer, message) = narrow(&raw, String::new(), Node::Root)
                .unwrap_or_else(|| (path_to_pointer(e.path()), e.into_inner().to_string()));
            Err(Error::Invalid { pointer, message })
        }
    }
}

/// The kinds of object whose errors openapiv3's `#[serde(flatten)]` fields hide from
/// serde_path_to_error: below one of them, the reported path stops.
#[derive(Clone, Copy)]
enum Node {
    Root,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Header,
    MediaType,
    Schema,
}

/// Finds the deepest object that fails to deserialize, by trying each one on its own, outermost
/// first. Returns its pointer (extended by whatever path serde still reports) and the message.
fn narrow(raw: &serde_json::Value, pointer: String, node: Node) -> Option<(String, String)> {
    use openapiv3 as o;
    use serde_json::Value;
    fn attempt<T: serde::de::DeserializeOwned>(value: &Value, pointer: &str) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value).err().map(|e| {
            let mut at = pointer.to_owned();
            at.push_str(&path_to_pointer(e.path()));
            (at, e.into_inner().to_string())
        })
    }
    let failure = match node {
        Node::Root => attempt::<o::OpenAPI>(raw, &pointer),
        Node::Components => attempt::<o::Components>(raw, &pointer),
        Node::PathItem => attempt::<o::ReferenceOr<o::PathItem>>(raw, &pointer),
        Node::Operation => attempt::<o::Operation>(raw, &pointer),
        Node::Parameter => attempt::<o::ReferenceOr<o::Parameter>>(raw, &pointer),
        Node::RequestBody => attempt::<o::ReferenceOr<o::RequestBody>>(raw, &pointer),
        Node::Responses => attempt::<o::Responses>(raw, &pointer),
        Node::Response => attempt::<o::ReferenceOr<o::Response>>(raw, &pointer),
        Node::Header => attempt::<o::ReferenceOr<o::Header>>(raw, &pointer),
        Node::MediaType => attempt::<o::MediaType>(raw, &pointer),
        Node::Schema => attempt::<o::ReferenceOr<o::Schema>>(raw, &pointer),
    }?;
    // This object fails; a child that fails on its own is the better place to point at.
    let Value::Object(map) = raw else { return Some(failure) };
    let each = |key: &str, child: Node| -> Vec<(String, &Value, Node)> {
        match map.get(key) {
            Some(Value::Object(entries)) => {
                entries.iter().map(|(k, v)| (push_pointer(&push_pointer(&pointer, key), k), v, child)).collect()
            }
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (push_pointer(&push_pointer(&pointer, key), &i.to_string()), v, child))
                .collect(),
            _ => Vec::new(),
        }
    };
    let one = |key: &str, child: Node| -> Vec<(String, &Value, Node)> {
        map.get(key).map(|v| (push_pointer(&pointer, key), v, child)).into_iter().collect()
    };
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let children: Vec<(String, &Value, Node)> = match node {
        Node::Root => [each("paths", Node::PathItem), one("components", Node::Components)].concat(),
        Node::Components => [
            each("schemas", Node::Schema),
            each("parameters", Node::Parameter),
            each("responses", Node::Response),
            each("requestBodies", Node::RequestBody),
            each("headers", Node::Header),
        ]
        .concat(),
        Node::PathItem => {
            let mut children = each("parameters", Node::Parameter);
            for method in METHODS {
                children.extend(one(method, Node::Operation));
            }
            children
        }
        Node::Operation => [
            each("parameters", Node::Parameter),
            one("requestBody", Node::RequestBody),
            one("responses", Node::Responses),
        ]
        .concat(),
        Node::Responses => map
            .iter()
            .filter(|(k, _)| !k.starts_with("x-"))
            .map(|(k, v)| (push_pointer(&pointer, k), v, Node::Response))
            .collect(),
        Node::Response => [each("content", Node::MediaType), each("headers", Node::Header)].concat(),
        Node::RequestBody => each("content", Node::MediaType),
        Node::Parameter | Node::Header | Node::MediaType => one("schema", Node::Schema),
        Node::Schema => [
            each("properties", Node::Schema),
            one("items", Node::Schema),
            each("allOf", Node::Schema),
            each("oneOf", Node::Schema),
            each("anyOf", Node::Schema),
            one("not", Node::Schema),
            one("additionalProperties", Node::Schema).into_iter().filter(|(_, v, _)| v.is_object()).collect(),
        ]
        .concat(),
    };
    children.into_iter().find_map(|(at, value, child)| narrow(value, at, child)).or(Some(failure))
}

/// Rewrites an OpenAPI 3.1 document into the 3.0 form this generator reads: `type: [T, "null"]`
/// → `type: T` + `nullable`, `const` → a one-value `enum`, a schema's `examples` → `example`,
/// numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` with the boolean form,
/// `{type: "null"}` alternatives of `oneOf`/`anyOf` → `nullable`. Only schema positions are
/// rewritten; examples and defaults are left as written.
fn normalize_31(raw: &mut Value, warnings: &mut Vec<Warning>) {
    if let Some(root) = raw.as_object_mut() {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    }
    walk_31(raw, "", false, warnings);
}

const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
const SCHEMA_ONES: &[&str] =
    &["items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames"];
/// Keys whose values are data, never rewritten.
const DATA: &[&str] = &["example", "examples", "default", "enum", "const", "x-examples"];

fn walk_31(value: &mut Value, pointer: &str, is_schema: bool, warnings: &mut Vec<Warning>) {
    let Value::Object(object) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter_mut().enumerate() {
                walk_31(item, &push_pointer(pointer, &i.to_string()), false, warnings);
            }
        }
        return;
    };
    if is_schema {
        normalize_schema_31(object, pointer, warnings);
    }
    for (key, child) in object.iter_mut() {
        let at = push_pointer(pointer, key);
        if is_schema {
            if SCHEMA_MAPS.contains(&key.as_str()) {
                if let Value::Object(map) = child {
                    for (name, schema) in map.iter_mut() {
                        walk_31(schema, &push_pointer(&at, name), true, warnings);
                    }
                }
            } else if SCHEMA_LISTS.contains(&key.as_str()) {
                if let Value::Array(list) = child {
                    for (i, schema) in list.iter_mut().enumerate() {
                        walk_31(schema, &push_pointer(&at, &i.to_string()), true, warnings);
                    }
                }
            } else if SCHEMA_ONES.contains(&key.as_str()) {
                walk_31(child, &at, true, warnings);
            }
        } else if key == "schema" {
            walk_31(child, &at, true, warnings);
        } else if key == "schemas" && pointer == "/components" {
            if let Value::Object(map) = child {
                for (name, schema) in map.iter_mut() {
                    walk_31(schema, &push_pointer(&at, name), true, warnings);
                }
            }
        } else if !DATA.contains(&key.as_str()) {
            walk_31(child, &at, false, warnings);
        }
    }
}

fn normalize_schema_31(schema: &mut Map<String, Value>, pointer: &str, warnings: &mut Vec<Warning>) {
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

fn parse_json(text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

fn parse_yaml(text: &str) -> Result<serde_json::Value, Error> {
    let mut value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        Error::Syntax { line, column, message: strip_position(&e.to_string()) }
    })?;
    value.apply_merge().map_err(|e| Error::invalid("", format!("YAML merge key: {e}")))?;
    yaml_to_json(value, "")
}

/// Converts YAML to JSON. Scalar mapping keys (such as an unquoted `200:`) become strings, as every
/// OpenAPI tool reads them; keys that are sequences or mappings have no JSON form and are an error.
fn yaml_to_json(value: serde_yaml::Value, pointer: &str) -> Result<serde_json::Value, Error> {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(J::Number)
                    .ok_or_else(|| Error::invalid(pointer, format!("number {f} has no JSON form")))?
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &push_pointer(pointer, &i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => return Err(Error::invalid(pointer, "a mapping key that is not a scalar")),
                };
                let child = push_pointer(pointer, &key);
                out.insert(key, yaml_to_json(v, &child)?);
            }
            J::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => push_pointer(&pointer, &index.to_string()),
            Segment::Map { key } => push_pointer(&pointer, key),
            Segment::Enum { variant } => push_pointer(&pointer, variant),
            Segment::Unknown => pointer,
        };
    }
    pointer
}

/// serde's messages end in "at line L column C"; we report those as fields instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
