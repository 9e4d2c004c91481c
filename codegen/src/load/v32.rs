//! OpenAPI 3.2 → the 3.0 form `lower` reads (after [`super::v31`], since 3.2's schemas are 3.1's).
//!
//! Mapped: the `query` method and `additionalOperations` (into [`super::ExtraOperation`]s),
//! `in: querystring` (a `form` exploded query object), `itemSchema` of sequential media types
//! (into [`super::Document::item_schemas`]), `discriminator.defaultMapping` (kept as the
//! `x-default-mapping` extension lower reads), `style: cookie` (as `form`), references to
//! `components/mediaTypes` (inlined). `$self` is read by [`super::bundle`]. The rest of 3.2
//! (tag hierarchies, `dataValue` examples, `itemEncoding`, …) means nothing to a client and is
//! ignored; what the typed form would drop silently gets a warning.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value};

use super::ExtraOperation;
use crate::error::{push_pointer, Error, Warning};

/// What the 3.0 types have no place for, taken out of the document.
#[derive(Default)]
pub(super) struct Extra {
    /// (path, method, pointer, operation).
    operations: Vec<(String, String, String, Value)>,
    /// (media type pointer, item schema).
    item_schemas: Vec<(String, Value)>,
}

impl Extra {
    /// Every value taken out of the document: its `$ref`s count as the document's.
    pub(super) fn values(&self) -> impl Iterator<Item = &Value> {
        self.operations.iter().map(|(_, _, _, op)| op).chain(self.item_schemas.iter().map(|(_, schema)| schema))
    }

    pub(super) fn operations(&self) -> Result<IndexMap<String, Vec<ExtraOperation>>, Error> {
        let mut out: IndexMap<String, Vec<ExtraOperation>> = IndexMap::new();
        for (path, method, pointer, value) in &self.operations {
            let operation = serde_path_to_error::deserialize::<_, openapiv3::Operation>(value).map_err(|e| {
                let at = format!("{pointer}{}", super::narrow::path_to_pointer(e.path()));
                super::narrow::narrow(value, pointer.clone(), super::narrow::Node::Operation).map_or_else(
                    || Error::invalid(&at, super::narrow::plain(&e.inner().to_string())),
                    |(p, m)| Error::Invalid { pointer: p, message: m },
                )
            })?;
            out.entry(path.clone()).or_default().push(ExtraOperation {
                method: method.clone(),
                operation,
                pointer: pointer.clone(),
            });
        }
        Ok(out)
    }

    pub(super) fn item_schemas(&self) -> Result<IndexMap<String, ReferenceOr<Schema>>, Error> {
        let mut out = IndexMap::new();
        for (pointer, value) in &self.item_schemas {
            let at = push_pointer(pointer, "itemSchema");
            let schema = serde_path_to_error::deserialize::<_, ReferenceOr<Schema>>(value).map_err(|e| {
                super::narrow::narrow(value, at.clone(), super::narrow::Node::Schema).map_or_else(
                    || Error::invalid(&at, super::narrow::plain(&e.inner().to_string())),
                    |(p, m)| Error::Invalid { pointer: p, message: m },
                )
            })?;
            out.insert(pointer.clone(), schema);
        }
        Ok(out)
    }
}

pub(super) fn normalize(raw: &mut Value, warnings: &mut Vec<Warning>) -> Extra {
    let mut extra = Extra::default();
    let media_types = raw.pointer("/components/mediaTypes").cloned();
    if let Some(Value::Object(paths)) = raw.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let item_pointer = push_pointer("/paths", path);
            if let Some(op) = item.remove("query") {
                extra.operations.push((path.clone(), "QUERY".into(), push_pointer(&item_pointer, "query"), op));
            }
            if let Some(Value::Object(ops)) = item.remove("additionalOperations") {
                let at = push_pointer(&item_pointer, "additionalOperations");
                for (method, op) in ops {
                    let pointer = push_pointer(&at, &method);
                    extra.operations.push((path.clone(), method, pointer, op));
                }
            }
        }
    }
    let mut cx = Walk { extra: &mut extra, warnings, media_types: media_types.as_ref() };
    cx.walk(raw, "");
    // The 3.2 operations were taken out before the walk; walk them on their own.
    let mut operations = std::mem::take(&mut cx.extra.operations);
    for (_, _, pointer, op) in &mut operations {
        cx.walk(op, pointer);
    }
    cx.extra.operations = operations;
    super::walk::for_each_schema(raw, &mut |schema, _| {
        if let Some(Value::Object(discriminator)) = schema.get_mut("discriminator") {
            if let Some(default) = discriminator.remove("defaultMapping") {
                discriminator.insert("x-default-mapping".into(), default);
            }
        }
    });
    extra
}

struct Walk<'x> {
    extra: &'x mut Extra,
    warnings: &'x mut Vec<Warning>,
    media_types: Option<&'x Value>,
}

impl Walk<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.to_owned(), message: message.into() });
    }

    /// Non-schema positions only: schemas are [`super::walk::for_each_schema`]'s.
    fn walk(&mut self, value: &mut Value, pointer: &str) {
        match value {
            Value::Object(map) => {
                if map.get("in").and_then(Value::as_str).is_some() && map.contains_key("name") {
                    self.parameter(map, pointer);
                }
                for (key, child) in map.iter_mut() {
                    let at = push_pointer(pointer, key);
                    match key.as_str() {
                        "schema" | "itemSchema" | "example" | "examples" => {}
                        "schemas" if pointer == "/components" => {}
                        "content" => self.content(child, &at),
                        _ => self.walk(child, &at),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.walk(item, &push_pointer(pointer, &i.to_string()));
                }
            }
            _ => {}
        }
    }

    fn parameter(&mut self, param: &mut Map<String, Value>, pointer: &str) {
        match param.get("in").and_then(Value::as_str) {
            Some("querystring") => {
                param.insert("in".into(), Value::String("query".into()));
                param.insert("style".into(), Value::String("form".into()));
                param.insert("explode".into(), Value::Bool(true));
                let content = param.remove("content");
                let media = content.as_ref().and_then(Value::as_object).and_then(|c| c.iter().next());
                match media {
                    Some((media_type, media)) => {
                        if media_type != "application/x-www-form-urlencoded" {
                            self.warn(
                                pointer,
                                format!("`in: querystring` as `{media_type}`: sent as form fields of the query"),
                            );
                        }
                        let schema = media.get("schema").cloned().unwrap_or_else(|| Value::Object(Map::new()));
                        param.insert("schema".into(), schema);
                    }
                    None => {
                        self.warn(pointer, "`in: querystring` without `content`: a free-form query object");
                        param.insert("schema".into(), serde_json::json!({"type": "object"}));
                    }
                }
            }
            Some("cookie") if param.get("style").and_then(Value::as_str) == Some("cookie") => {
                self.warn(&push_pointer(pointer, "style"), "`style: cookie`: sent as `form`");
                param.insert("style".into(), Value::String("form".into()));
            }
            _ => {}
        }
    }

    fn content(&mut self, content: &mut Value, pointer: &str) {
        let Value::Object(content) = content else { return };
        for (media_type, media) in content.iter_mut() {
            let at = push_pointer(pointer, media_type);
            if let Some(reference) = media.get("$ref").and_then(Value::as_str) {
                let target = reference
                    .strip_prefix("#/components/mediaTypes/")
                    .and_then(|name| self.media_types.and_then(|m| m.get(name)))
                    .cloned();
                match target {
                    Some(target) => *media = target,
                    None => self.warn(&at, format!("media type reference `{reference}` not found: ignored")),
                }
            }
            let Value::Object(object) = media else { continue };
            if let Some(mut item) = object.remove("itemSchema") {
                if media_type.starts_with("text/event-stream") {
                    event_data_content(&mut item);
                }
                self.extra.item_schemas.push((at.clone(), item));
            }
            for key in ["itemEncoding", "prefixEncoding"] {
                if object.remove(key).is_some() {
                    self.warn(&push_pointer(&at, key), format!("`{key}` is not used by the generated client"));
                }
            }
            if let Some(Value::Object(encoding)) = object.get_mut("encoding") {
                for (name, e) in encoding.iter_mut() {
                    self.walk(e, &push_pointer(&push_pointer(&at, "encoding"), name));
                }
            }
        }
    }
}

/// An event stream's item that describes the event's `data` as a JSON document in a string
/// (`data: {type: string, contentMediaType: application/json, contentSchema: S}`, as OpenAPI 3.2's
/// examples do): `data` becomes `S`, the type the client decodes each event's data into.
fn event_data_content(item: &mut Value) {
    let Some(data) = item.pointer_mut("/properties/data") else { return };
    let json = data
        .get("contentMediaType")
        .and_then(Value::as_str)
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
    if let (true, Some(schema)) = (json, data.get("contentSchema").cloned()) {
        *data = schema;
    }
}
