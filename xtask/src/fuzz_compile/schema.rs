//! Schemas of the compile fuzzer's documents, in the dialect of their document: nullability,
//! `const` and `null` types are spelled as 3.0, 3.1 or Swagger 2.0 spell them.

use serde_json::{json, Map, Value};

use super::words::{any_name, scope_names, Rng, AWKWARD, DESCRIPTIONS, PLAIN};

/// Which OpenAPI version a document is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Swagger2,
    V30,
    V31,
    V32,
}

impl Dialect {
    pub fn is_31(self) -> bool {
        matches!(self, Dialect::V31 | Dialect::V32)
    }
}

/// Generates schemas for one document.
pub struct Schemas {
    pub rng: Rng,
    pub dialect: Dialect,
    /// The component schema names, chosen before any schema so that a `$ref` may name one defined
    /// later or the one being defined (recursion).
    pub components: Vec<String>,
    /// Pointers (as `$ref` fragments) of schemas inside components, for refs to JSON pointers.
    pub pointers: Vec<String>,
    /// The component being written: what its `allOf` or its whole schema must not name (both are
    /// errors, rightly; recursion is made on purpose in [`Schemas::recursive`] and by properties).
    pub current: Option<String>,
}

/// Integer enum values: negatives, zero and both ends of `i64`.
const INTEGERS: &[i64] = &[0, 1, -1, 2, -2, 7, -7, 42, -42, 100, -100, i64::MAX, i64::MIN, i64::MIN + 1];

impl Schemas {
    pub fn new(rng: Rng, dialect: Dialect) -> Self {
        Schemas { rng, dialect, components: Vec::new(), pointers: Vec::new(), current: None }
    }

    /// `#/components/schemas/{name}` (`#/definitions/…` in 2.0), escaped as a JSON pointer in a URI
    /// fragment.
    pub fn component_ref(&self, name: &str) -> Value {
        let base = if self.dialect == Dialect::Swagger2 { "#/definitions/" } else { "#/components/schemas/" };
        json!({ "$ref": format!("{base}{}", fragment(name)) })
    }

    /// A ref to another component than the one being written (for `allOf` members and aliases).
    fn other_reference(&mut self) -> Value {
        let others: Vec<String> =
            self.components.iter().filter(|c| Some(*c) != self.current.as_ref()).cloned().collect();
        if others.is_empty() {
            return self.primitive(false);
        }
        let name = self.rng.pick(&others).clone();
        self.component_ref(&name)
    }

    /// A ref to a random component, or now and then to a schema inside one.
    pub fn reference(&mut self) -> Value {
        if !self.pointers.is_empty() && self.rng.one_in(6) {
            let pointer = self.rng.pick(&self.pointers).clone();
            return json!({ "$ref": pointer });
        }
        if self.components.is_empty() {
            return self.primitive(false);
        }
        let name = self.rng.pick(&self.components).clone();
        if self.dialect == Dialect::Swagger2 && self.rng.one_in(8) {
            // Written the 3.0 way, as some tools write 2.0 documents.
            return json!({ "$ref": format!("#/components/schemas/{}", fragment(&name)) });
        }
        self.component_ref(&name)
    }

    /// Any schema, nested at most `depth` more levels.
    pub fn any(&mut self, depth: usize) -> Value {
        // 3.1's own vocabulary; other dialects draw nothing here, so their documents stay as
        // they were for a seed.
        if self.dialect.is_31() && self.rng.one_in(12) {
            return self.vocabulary31(depth);
        }
        let schema = if depth == 0 {
            match self.rng.below(10) {
                0..=4 => self.primitive(false),
                5..=7 => self.reference(),
                8 => self.string_enum(),
                _ => self.empty(),
            }
        } else {
            match self.rng.below(26) {
                0..=5 => self.primitive(false),
                6..=10 => self.reference(),
                11 | 12 => self.string_enum(),
                13 => self.integer_enum(),
                14 => self.empty(),
                15..=17 => self.array(depth - 1),
                18 => self.map(depth - 1),
                19..=21 => self.object(depth - 1),
                22 | 23 => self.union(depth - 1),
                24 => self.all_of(depth - 1),
                _ => self.deep(depth + 3),
            }
        };
        self.maybe_nullable(schema, 5)
    }

    /// What only 3.1 writes: a `prefixItems` tuple (with or without a rest), a list of types,
    /// boolean schemas, or a `const` of any type.
    fn vocabulary31(&mut self, depth: usize) -> Value {
        match self.rng.below(5) {
            0 => {
                let prefix: Vec<Value> = (0..self.rng.range(1, 4)).map(|_| self.any(depth.saturating_sub(1))).collect();
                let mut tuple = json!({ "type": "array", "prefixItems": prefix });
                match self.rng.below(3) {
                    0 => tuple["items"] = json!(false),
                    1 => tuple["items"] = self.primitive(false),
                    _ => {}
                }
                tuple
            }
            1 => {
                const LISTS: &[&[&str]] = &[
                    &["string", "integer"],
                    &["integer", "number", "null"],
                    &["boolean", "string", "null"],
                    &["object", "array"],
                ];
                let types = *self.rng.pick(LISTS);
                json!({ "type": types })
            }
            // Boolean schemas where a schema goes: callers may annotate what `any` returns, so
            // they sit inside an object.
            2 => json!({ "type": "object", "properties": { "anything": true, "forbidden": false } }),
            3 => json!({ "type": "array", "items": true }),
            _ => {
                let value =
                    self.rng.pick(&[json!("fixed"), json!(3), json!(true), json!(null), json!({ "a": 1 })]).clone();
                json!({ "const": value })
            }
        }
    }

    /// A schema fit for a parameter: no raw bytes, mostly scalars and arrays of them.
    pub fn parameter(&mut self) -> Value {
        let schema = match self.rng.below(14) {
            0..=5 => self.primitive(true),
            6 => self.string_enum(),
            7 => self.integer_enum(),
            8 => {
                let item = if self.rng.one_in(3) { self.string_enum() } else { self.primitive(true) };
                let mut array = json!({ "type": "array", "items": item });
                if self.rng.one_in(4) {
                    array = json!({ "type": "array", "items": array });
                }
                array
            }
            9 => self.object(1),
            10 => self.map(0),
            11 => self.union(0),
            12 => self.empty(),
            _ => self.reference(),
        };
        self.maybe_nullable(schema, 4)
    }

    pub fn maybe_nullable(&mut self, schema: Value, one_in: usize) -> Value {
        if self.rng.one_in(one_in) {
            self.nullable(schema)
        } else {
            schema
        }
    }

    /// The schema, allowing `null` too, as the dialect spells it.
    pub fn nullable(&mut self, schema: Value) -> Value {
        let mut schema = schema;
        match self.dialect {
            Dialect::Swagger2 => {
                if schema.get("$ref").is_some() {
                    return json!({ "allOf": [schema], "x-nullable": true });
                }
                schema["x-nullable"] = json!(true);
                schema
            }
            Dialect::V30 => {
                if schema.get("$ref").is_some() {
                    return match self.rng.below(3) {
                        // A `$ref` sibling: 3.0 ignores it, the loader keeps `nullable` with a warning.
                        0 => {
                            schema["nullable"] = json!(true);
                            schema
                        }
                        1 => json!({ "oneOf": [schema], "nullable": true }),
                        _ => json!({ "allOf": [schema], "nullable": true }),
                    };
                }
                if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
                    values.push(Value::Null);
                }
                schema["nullable"] = json!(true);
                schema
            }
            Dialect::V31 | Dialect::V32 => {
                let null_type = json!({ "type": "null" });
                if let Some(Value::String(ty)) = schema.get("type").cloned() {
                    schema["type"] = json!([ty, "null"]);
                    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
                        values.push(Value::Null);
                    }
                    return schema;
                }
                for keyword in ["oneOf", "anyOf"] {
                    if let Some(members) = schema.get_mut(keyword).and_then(Value::as_array_mut) {
                        members.push(null_type);
                        return schema;
                    }
                }
                let keyword = if self.rng.one_in(2) { "anyOf" } else { "oneOf" };
                json!({ keyword: [schema, null_type] })
            }
        }
    }

    pub fn primitive(&mut self, parameter: bool) -> Value {
        let mut schema = match self.rng.below(10) {
            0..=3 => {
                let formats =
                    ["", "date-time", "date", "uuid", "byte", "email", "uri", "password", "made-up", "binary"];
                let format = *self.rng.pick(&formats[..if parameter { 9 } else { 10 }]);
                if format.is_empty() {
                    json!({ "type": "string" })
                } else {
                    json!({ "type": "string", "format": format })
                }
            }
            4..=6 => {
                let format = *self.rng.pick(&["", "int32", "int64", "uint8"]);
                let mut schema = json!({ "type": "integer" });
                if !format.is_empty() {
                    schema["format"] = json!(format);
                }
                if self.rng.one_in(4) {
                    schema["minimum"] = json!(-5);
                    schema["maximum"] = json!(5);
                }
                schema
            }
            7 => json!({ "type": "number", "format": *self.rng.pick(&["float", "double", "decimal"]) }),
            8 => json!({ "type": "boolean" }),
            _ if self.dialect.is_31() && self.rng.one_in(3) => json!({ "type": ["string", "integer"] }),
            _ => json!({ "type": "string", "maxLength": 3 }),
        };
        self.annotate(&mut schema);
        schema
    }

    /// A description, default, example or deprecation now and then.
    fn annotate(&mut self, schema: &mut Value) {
        if self.rng.one_in(4) {
            schema["description"] = json!(*self.rng.pick(DESCRIPTIONS));
        }
        if self.rng.one_in(10) {
            schema["deprecated"] = json!(true);
        }
        if self.rng.one_in(12) {
            schema["example"] = json!("an <example> [value]");
        }
    }

    /// A string enum whose values collide after case conversion, with keywords, digits and empty
    /// text; in 3.1 a single value is sometimes `const`.
    pub fn string_enum(&mut self) -> Value {
        let count = self.rng.range(1, 6);
        let mut values: Vec<Value> = scope_names(&mut self.rng, count).into_iter().map(Value::String).collect();
        if self.rng.one_in(6) {
            values.push(json!(*self.rng.pick(AWKWARD)));
        }
        if self.rng.one_in(12) {
            // The same value twice: JSON Schema asks for unique values, documents do not always comply.
            let first = values[0].clone();
            values.push(first);
        }
        if self.dialect.is_31() && values.len() == 1 && self.rng.one_in(2) {
            return json!({ "const": values[0] });
        }
        if self.dialect.is_31() && self.rng.one_in(4) {
            return json!({ "enum": values });
        }
        json!({ "type": "string", "enum": values })
    }

    pub fn integer_enum(&mut self) -> Value {
        let count = self.rng.range(1, 5);
        let mut values: Vec<i64> = (0..count).map(|_| *self.rng.pick(INTEGERS)).collect();
        values.dedup();
        if self.rng.one_in(8) {
            values.push(values[0]);
        }
        if self.dialect.is_31() && self.rng.one_in(4) {
            return json!({ "enum": values });
        }
        json!({ "type": "integer", "enum": values })
    }

    /// `{}` and its relatives: any JSON value, a free-form object.
    pub fn empty(&mut self) -> Value {
        match self.rng.below(5) {
            0 | 1 => json!({}),
            2 => json!({ "description": *self.rng.pick(DESCRIPTIONS) }),
            3 => json!({ "type": "object" }),
            _ if self.dialect == Dialect::Swagger2 => json!({ "type": "object", "additionalProperties": true }),
            _ => json!({ "not": { "type": "string" } }),
        }
    }

    pub fn array(&mut self, depth: usize) -> Value {
        match self.rng.below(9) {
            0 => json!({ "type": "array" }),
            // `items` as a list, draft 4's tuple form: one schema, or several.
            8 => {
                let items: Vec<Value> = (0..self.rng.range(1, 3)).map(|_| self.any(depth)).collect();
                json!({ "type": "array", "items": items })
            }
            1 | 2 => {
                let inner = self.any(depth);
                json!({ "type": "array", "items": { "type": "array", "items": inner } })
            }
            _ => json!({ "type": "array", "items": self.any(depth), "minItems": 0 }),
        }
    }

    /// An object of only `additionalProperties`.
    pub fn map(&mut self, depth: usize) -> Value {
        let value = match self.rng.below(4) {
            0 => json!(true),
            1 => json!({}),
            _ => self.any(depth),
        };
        json!({ "type": "object", "additionalProperties": value })
    }

    /// An object with properties named to collide, some required (one maybe not a property),
    /// some nullable, with `additionalProperties` now and then.
    pub fn object(&mut self, depth: usize) -> Value {
        let count = self.rng.range(1, 5);
        let names = scope_names(&mut self.rng, count);
        let mut properties = Map::new();
        let mut required = Vec::new();
        for name in names {
            let mut schema = self.any(depth);
            if self.rng.one_in(8) {
                let key = *self.rng.pick(&["readOnly", "writeOnly"]);
                schema[key] = json!(true);
            }
            if self.rng.one_in(10) {
                schema["default"] = json!(null);
            }
            if self.rng.one_in(2) {
                required.push(json!(name));
            }
            properties.insert(name, schema);
        }
        if self.rng.one_in(12) {
            properties.insert(String::new(), self.primitive(false));
        }
        if self.rng.one_in(10) {
            required.push(json!("not-a-property"));
        }
        let mut object = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            object["required"] = json!(required);
        }
        if self.rng.one_in(5) {
            object["additionalProperties"] = match self.rng.below(3) {
                0 => json!(true),
                1 => json!(false),
                _ => self.any(depth.saturating_sub(1)),
            };
        }
        if self.rng.one_in(3) && self.dialect != Dialect::Swagger2 {
            object.as_object_mut().expect("object").remove("type");
        }
        self.annotate(&mut object);
        object
    }

    /// `oneOf` or `anyOf` of references, primitives, inline objects and other unions, with a
    /// discriminator when every member is a reference. 2.0 has no unions: an object instead.
    pub fn union(&mut self, depth: usize) -> Value {
        if self.dialect == Dialect::Swagger2 {
            return self.object(depth);
        }
        let keyword = if self.rng.one_in(2) { "oneOf" } else { "anyOf" };
        let count = self.rng.range(1, 4);
        let all_refs = self.rng.one_in(3) && !self.components.is_empty();
        let mut members = Vec::new();
        for _ in 0..count {
            members.push(if all_refs {
                let name = self.rng.pick(&self.components).clone();
                self.component_ref(&name)
            } else {
                match self.rng.below(6) {
                    0 | 1 => self.primitive(false),
                    2 => self.reference(),
                    3 if depth > 0 => self.object(depth - 1),
                    // A union of unions.
                    4 => self.union(depth.saturating_sub(1)),
                    _ => self.any(depth),
                }
            });
        }
        let mut union = json!({ keyword: members });
        if all_refs && self.rng.one_in(2) {
            let property = any_name(&mut self.rng);
            let mut discriminator = json!({ "propertyName": property });
            if self.rng.one_in(2) {
                let mut mapping = Map::new();
                for _ in 0..self.rng.range(1, 3) {
                    let name = self.rng.pick(&self.components).clone();
                    let target = if self.rng.one_in(3) {
                        name.clone()
                    } else {
                        self.component_ref(&name)["$ref"].as_str().unwrap_or_default().to_owned()
                    };
                    mapping.insert(any_name(&mut self.rng), json!(target));
                }
                discriminator["mapping"] = Value::Object(mapping);
            }
            if self.dialect == Dialect::V32 && self.rng.one_in(3) {
                let name = self.rng.pick(&self.components).clone();
                discriminator["defaultMapping"] = self.component_ref(&name)["$ref"].clone();
            }
            union["discriminator"] = discriminator;
        }
        if self.rng.one_in(8) {
            // Beside properties: only the alternatives are generated (a warning).
            union["properties"] = json!({ "extra": { "type": "string" } });
        }
        union
    }

    /// `allOf`: references merged with inline objects, a lone reference with annotations.
    pub fn all_of(&mut self, depth: usize) -> Value {
        let mut members = Vec::new();
        for _ in 0..self.rng.range(1, 3) {
            members.push(match self.rng.below(3) {
                0 => self.object(depth),
                _ => self.other_reference(),
            });
        }
        if self.rng.one_in(4) {
            members.push(json!({ "description": "annotation only", "example": { "a": 1 } }));
        }
        json!({ "allOf": members })
    }

    /// Inline objects, arrays and unions nested `levels` deep.
    pub fn deep(&mut self, levels: usize) -> Value {
        let mut schema = self.primitive(false);
        for _ in 0..levels {
            let name = if self.rng.one_in(2) { any_name(&mut self.rng) } else { self.rng.pick(PLAIN).to_string() };
            schema = match self.rng.below(5) {
                0 => json!({ "type": "array", "items": schema }),
                1 if self.dialect != Dialect::Swagger2 => json!({ "oneOf": [schema, { "type": "boolean" }] }),
                2 => self.maybe_nullable(json!({ "type": "object", "properties": { name: schema } }), 2),
                _ => json!({ "type": "object", "properties": { name.clone(): schema }, "required": [name] }),
            };
        }
        schema
    }

    /// The schema of the component `name`: mostly declarations (objects, enums, unions), some
    /// aliases.
    pub fn component(&mut self, name: &str) -> Value {
        self.current = Some(name.to_owned());
        let mut schema = self.component_schema();
        self.current = None;
        // JSON Schema's `definitions` inside a component (not in 2.0, whose top level has them),
        // one of them holding itself through a map.
        if self.dialect != Dialect::Swagger2 && schema.get("properties").is_some() && self.rng.one_in(8) {
            let node = format!("#/components/schemas/{}/definitions/Node", fragment(name));
            schema["definitions"] = json!({ "Node": {
                "type": "object",
                "properties": {
                    "label": { "type": "string" },
                    "children": { "type": "object", "additionalProperties": { "$ref": node } },
                },
            }});
            schema["properties"]["tree"] = json!({ "$ref": node });
        }
        schema
    }

    fn component_schema(&mut self) -> Value {
        let schema = match self.rng.below(20) {
            0..=6 => self.object(1),
            7 | 8 => self.string_enum(),
            9 => self.integer_enum(),
            10..=12 => self.union(1),
            13 | 14 => self.all_of(1),
            15 => self.array(1),
            16 => self.map(1),
            17 => self.other_reference(),
            18 => self.empty(),
            _ => self.primitive(false),
        };
        let mut schema = self.maybe_nullable(schema, 8);
        if self.rng.one_in(4) {
            schema["description"] = json!(*self.rng.pick(DESCRIPTIONS));
        }
        schema
    }

    /// Recursive components that need boxes, and some that no box can save: a node holding
    /// itself, two types holding each other, an expression union, and aliases of containers of
    /// themselves.
    pub fn recursive(&mut self, names: &[String]) -> Vec<(String, Value)> {
        let refer = |s: &Self, i: usize| s.component_ref(&names[i % names.len()]);
        let mut out = Vec::new();
        match self.rng.below(6) {
            0 => {
                let node = json!({
                    "type": "object",
                    "required": ["self", "value"],
                    "properties": {
                        "self": refer(self, 0),
                        "value": { "type": "string" },
                        "children": { "type": "array", "items": refer(self, 0) },
                        "parent": self.nullable(refer(self, 0)),
                        "index": { "type": "object", "additionalProperties": refer(self, 0) },
                    },
                });
                out.push((names[0].clone(), node));
            }
            1 => {
                out.push((
                    names[0].clone(),
                    json!({ "type": "object", "required": ["other"], "properties": { "other": refer(self, 1) } }),
                ));
                out.push((
                    names[1 % names.len()].clone(),
                    json!({ "type": "object", "required": ["other"], "properties": { "other": refer(self, 0) } }),
                ));
            }
            2 if self.dialect != Dialect::Swagger2 => {
                let keyword = if self.rng.one_in(2) { "oneOf" } else { "anyOf" };
                out.push((
                    names[0].clone(),
                    json!({ keyword: [
                        { "type": "integer" },
                        { "type": "object", "required": ["left", "right"], "properties": {
                            "left": refer(self, 0), "right": refer(self, 0), "op": { "type": "string" } } },
                        refer(self, 0),
                    ] }),
                ));
            }
            3 => out.push((names[0].clone(), json!({ "type": "array", "items": refer(self, 0) }))),
            4 => out.push((names[0].clone(), json!({ "type": "object", "additionalProperties": refer(self, 0) }))),
            _ => {
                out.push((names[0].clone(), json!({ "type": "array", "items": refer(self, 1) })));
                out.push((
                    names[1 % names.len()].clone(),
                    json!({ "type": "object", "additionalProperties": refer(self, 0) }),
                ));
            }
        }
        out
    }
}

/// A name as a JSON pointer token in a URI fragment: `~` and `/` escaped (RFC 6901), then
/// everything but unreserved characters percent-encoded (RFC 3986).
pub fn fragment(name: &str) -> String {
    let token = name.replace('~', "~0").replace('/', "~1");
    let mut out = String::new();
    for byte in token.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
