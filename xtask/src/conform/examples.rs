//! Every `example`/`examples` value of a document with the generated type it must decode into:
//! schema examples (component and inline schemas, properties, parameter schemas), media type
//! examples (request and response bodies with a JSON media type) and parameter examples. Each is
//! labelled by its own pointer (a shared `components/examples` entry once), and carries the
//! pointer of its schema for the validator.

use codegen::model::{Api, Content, MediaKind, Primitive, TypeRef};
use serde_json::Value;

/// One example of the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Where the value is: `/components/schemas/Usage/example`, `…/examples/basic/value`.
    pub label: String,
    /// The schema it must satisfy (for the validator).
    pub schema: String,
    /// The generated type the value must decode into and encode back from.
    pub ty: TypeRef,
    /// The example as the document gives it.
    pub value: Value,
}

/// `pointer` with `$ref`s followed (the pointer of the object that is finally there).
pub fn resolve_pointer(raw: &Value, pointer: &str) -> Option<(String, Value)> {
    let mut pointer = pointer.to_owned();
    for _ in 0..32 {
        let node = raw.pointer(&pointer)?;
        match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(target) => pointer = target.to_owned(),
            None => return Some((pointer, node.clone())),
        }
    }
    None
}

/// `base/key`, escaped as a JSON pointer token.
pub fn push(base: &str, key: &str) -> String {
    format!("{base}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Every example of the document (`raw`, the loader's 3.0 form) and the type it decodes into.
pub fn collect(raw: &Value, api: &Api) -> Vec<Example> {
    let mut c = Collector { raw, api, out: Vec::new() };
    for (id, def) in api.types.iter().enumerate() {
        c.schema_example(&def.pointer, &TypeRef::Named(codegen::model::TypeId(id)));
        if let codegen::model::TypeKind::Struct(s) = &def.kind {
            for field in &s.fields {
                c.schema_example(&field.pointer, &field.ty);
            }
        }
    }
    for op in &api.operations {
        for p in &op.parameters {
            let ty = if p.nullable { TypeRef::Nullable(Box::new(p.ty.clone())) } else { p.ty.clone() };
            let Some((at, node)) = resolve_pointer(raw, &p.pointer) else { continue };
            let (holder, schema) = match node.get("content").and_then(Value::as_object).and_then(|c| c.keys().next()) {
                Some(media) => {
                    let media = push(&push(&at, "content"), media);
                    let schema = push(&media, "schema");
                    (media, schema)
                }
                None => (at.clone(), push(&at, "schema")),
            };
            c.media_examples(&holder, &schema, &ty);
            c.schema_example(&schema, &ty);
        }
        if let Some(body) = &op.body {
            if let Some((at, _)) = resolve_pointer(raw, &push(&op.pointer, "requestBody")) {
                c.contents(&at, &body.content);
            }
        }
        for response in &op.responses {
            let written = response.status.to_string();
            let found = [written.clone(), written.to_lowercase()]
                .iter()
                .find_map(|key| resolve_pointer(raw, &push(&push(&op.pointer, "responses"), key)));
            if let Some((at, _)) = found {
                c.contents(&at, &response.content);
            }
        }
    }
    c.out
}

struct Collector<'a> {
    raw: &'a Value,
    api: &'a Api,
    out: Vec<Example>,
}

impl Collector<'_> {
    fn add(&mut self, label: String, schema: String, ty: &TypeRef, value: Value) {
        // Bytes have no JSON form to decode.
        let bytes = matches!(self.api.resolved(ty), TypeRef::Primitive(Primitive::Binary));
        if bytes || self.out.iter().any(|e| e.label == label) {
            return;
        }
        self.out.push(Example { label, schema, ty: ty.clone(), value });
    }

    /// The `example` of the schema at `pointer`.
    fn schema_example(&mut self, pointer: &str, ty: &TypeRef) {
        if let Some(value) = self.raw.pointer(pointer).and_then(|s| s.get("example")) {
            self.add(push(pointer, "example"), pointer.to_owned(), ty, value.clone());
        }
    }

    /// The examples of a request body's or response's JSON media types at `at`.
    fn contents(&mut self, at: &str, content: &[Content]) {
        for c in content.iter().filter(|c| c.kind() == MediaKind::Json) {
            let Some(ty) = &c.ty else { continue };
            let media = push(&push(at, "content"), &c.media_type);
            let schema = push(&media, "schema");
            self.media_examples(&media, &schema, ty);
            self.schema_example(&schema, ty);
        }
    }

    /// `example` and each `examples` entry's `value` of the object at `holder` (a parameter or
    /// a media type), labelled by their pointers.
    fn media_examples(&mut self, holder: &str, schema: &str, ty: &TypeRef) {
        let Some(node) = self.raw.pointer(holder) else { return };
        if let Some(value) = node.get("example") {
            self.add(push(holder, "example"), schema.to_owned(), ty, value.clone());
        }
        if let Some(Value::Object(examples)) = node.get("examples") {
            for name in examples.keys() {
                if let Some((at, example)) = resolve_pointer(self.raw, &push(&push(holder, "examples"), name)) {
                    if let Some(value) = example.get("value") {
                        self.add(push(&at, "value"), schema.to_owned(), ty, value.clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_found_everywhere_with_their_types() {
        let text = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /things/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: integer }, example: 7 }
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
              examples:
                one: { $ref: "#/components/examples/One" }
components:
  examples:
    One: { value: { name: "a" } }
  schemas:
    Thing:
      type: object
      example: { name: "b" }
      properties:
        name: { type: string, example: "c" }
"##;
        let doc = codegen::parse(text).expect("parses");
        let (api, _) = codegen::lower::lower(&doc).expect("lowers");
        let found: Vec<(String, String)> =
            collect(&doc.raw, &api).into_iter().map(|e| (e.label, e.value.to_string())).collect();
        assert_eq!(
            found,
            [
                ("/components/schemas/Thing/example".to_owned(), r#"{"name":"b"}"#.to_owned()),
                ("/components/schemas/Thing/properties/name/example".to_owned(), r#""c""#.to_owned()),
                ("/paths/~1things~1{id}/parameters/0/example".to_owned(), "7".to_owned()),
                ("/components/examples/One/value".to_owned(), r#"{"name":"a"}"#.to_owned()),
            ]
        );
    }
}
