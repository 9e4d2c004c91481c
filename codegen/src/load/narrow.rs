//! Error narrowing: when the typed form fails to deserialize, find the deepest object that fails
//! on its own, so the error names the place a maintainer must fix rather than the whole document.

use crate::error::push_pointer;

/// The kinds of object whose errors openapiv3's `#[serde(flatten)]` fields hide from
/// serde_path_to_error: below one of them, the reported path stops.
#[derive(Clone, Copy)]
pub(super) enum Node {
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
pub(super) fn narrow(raw: &serde_json::Value, pointer: String, node: Node) -> Option<(String, String)> {
    use openapiv3 as o;
    use serde_json::Value;
    fn attempt<T: serde::de::DeserializeOwned>(value: &Value, pointer: &str) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value).err().map(|e| {
            let mut at = pointer.to_owned();
            at.push_str(&path_to_pointer(e.path()));
            (at, plain(&e.into_inner().to_string()))
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

pub(super) fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
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

/// A serde message in plain words: what was found and what belongs there, without the Rust type
/// names serde reports (`expected internally tagged enum Parameter`, `struct Info`, `u64`).
pub(crate) fn plain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("found {} where {} belongs", found_text(found), expected_text(expected));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("{} is not allowed here: expected {}", found_text(found), expected_text(expected));
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return match rest.split_once(", expected ") {
            Some((value, expected)) => format!("unknown value {value}: expected {expected}"),
            None => format!("unknown value {rest}"),
        };
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("the required field {field} is missing");
    }
    if let Some(field) = message.strip_prefix("duplicate field ") {
        return format!("the field {field} is given twice");
    }
    if let Some(kind) = message.strip_prefix("data did not match any variant of untagged enum ") {
        return match kind {
            "ReferenceOr" => "neither a valid object here nor a `$ref`".to_owned(),
            kind => format!("not {} here", article(&words(kind))),
        };
    }
    message.to_owned()
}

/// What serde found: `integer `1`` → `the number 1`.
fn found_text(found: &str) -> String {
    let value = |prefix: &str| found.strip_prefix(prefix).map(|v| v.trim_matches('`').to_owned());
    if let Some(v) = value("integer ").or_else(|| value("floating point ")) {
        return format!("the number {v}");
    }
    if let Some(v) = value("string ") {
        return format!("the text {v}");
    }
    if let Some(v) = value("boolean ") {
        return format!("`{v}`");
    }
    match found {
        "map" => "an object".to_owned(),
        "sequence" => "a list".to_owned(),
        "unit value" | "null" => "null".to_owned(),
        other => other.to_owned(),
    }
}

/// What serde expected: `internally tagged enum Parameter` → `a parameter object`.
fn expected_text(expected: &str) -> String {
    let kind = ["internally tagged enum ", "adjacently tagged enum ", "untagged enum ", "enum ", "struct "]
        .iter()
        .find_map(|prefix| expected.strip_prefix(prefix));
    if let Some(kind) = kind {
        return match kind {
            "ReferenceOr" => "an object or a `$ref`".to_owned(),
            kind => format!("{} object", article(&words(kind))),
        };
    }
    match expected {
        "a sequence" => "a list".to_owned(),
        "a map" => "an object".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a borrowed string" => "a string".to_owned(),
        other => other.to_owned(),
    }
}

/// `PathItem` → `path item`.
fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn serde_messages_read_as_plain_words() {
        for (serde, plain_words) in [
            (
                "invalid type: integer `1`, expected internally tagged enum Parameter",
                "found the number 1 where a parameter object belongs",
            ),
            (
                "invalid type: string \"abc\", expected a JSON number",
                "found the text \"abc\" where a JSON number belongs",
            ),
            ("invalid type: sequence, expected struct PathItem", "found a list where a path item object belongs"),
            ("invalid type: map, expected a string", "found an object where a string belongs"),
            (
                "invalid value: integer `-1`, expected u64",
                "the number -1 is not allowed here: expected a whole number, 0 or more",
            ),
            ("missing field `in`", "the required field `in` is missing"),
            (
                "unknown variant `body`, expected one of `query`, `header`",
                "unknown value `body`: expected one of `query`, `header`",
            ),
            ("data did not match any variant of untagged enum ReferenceOr", "neither a valid object here nor a `$ref`"),
        ] {
            assert_eq!(plain(serde), plain_words, "{serde}");
        }
    }
}
