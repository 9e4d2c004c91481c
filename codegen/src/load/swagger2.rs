//! Swagger 2.0 → the OpenAPI 3.0 form `lower` reads. Every object that moves records where it came
//! from in the [`SourceMap`], so errors and warnings name the 2.0 pointer.
//!
//! `definitions` → `components/schemas`; parameters `in: body` → request bodies, `in: formData` →
//! a form (multipart when a parameter is a file or `consumes` says so) with one property per
//! parameter; the other parameters' type keywords → `schema`, `collectionFormat` → `style` and
//! `explode`; `consumes`/`produces` → the media types of bodies and responses; response `schema`
//! and `headers`; `securityDefinitions` → `securitySchemes`; `schemes`, `host`, `basePath` → server
//! URLs; `x-nullable` → `nullable`; `type: file` → binary strings.

use serde_json::{json, Map, Value};

use super::source_map::{Mapping, SourceMap};
use super::walk::for_each_schema;
use crate::error::{push_pointer, Warning};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];
/// The keywords of a non-body parameter (or header, or `items`) that describe its value.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

pub(super) fn convert(raw: &mut Value, map: &mut SourceMap, warnings: &mut Vec<Warning>) {
    let Value::Object(root) = std::mem::take(raw) else { return };
    let media = |key: &str| -> Vec<String> {
        root.get(key)
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let mut cx = Cx {
        mappings: Vec::new(),
        warnings,
        parameters: root.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
        consumes: media("consumes"),
        produces: media("produces"),
    };
    let mut out = Map::new();
    out.insert("openapi".into(), Value::String("3.0.3".into()));
    for (key, value) in &root {
        match key.as_str() {
            "info" | "tags" | "externalDocs" | "security" => {
                out.insert(key.clone(), value.clone());
            }
            k if k.starts_with("x-") => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    out.insert("servers".into(), Value::Array(servers(&root)));
    let mut paths = Map::new();
    if let Some(Value::Object(items)) = root.get("paths") {
        for (path, item) in items {
            let at = push_pointer("/paths", path);
            let converted = match item {
                Value::Object(item) => Value::Object(cx.path_item(item, &at)),
                other => other.clone(),
            };
            paths.insert(path.clone(), converted);
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    out.insert("components".into(), Value::Object(cx.components(&root)));
    let mut doc = Value::Object(out);
    for_each_schema(&mut doc, &mut |schema, _| schema_2(schema));
    let mut written_as_30 = Vec::new();
    rewrite_refs_in(&mut doc, false, "", &mut written_as_30);
    for pointer in written_as_30 {
        cx.warn(
            &pointer,
            "a 3.0-style `$ref` (`#/components/…`) in a Swagger 2.0 document: read as the definition it names",
        );
    }
    *raw = doc;
    map.push_layer(std::mem::take(&mut cx.mappings));
}

struct Cx<'w> {
    mappings: Vec<Mapping>,
    warnings: &'w mut Vec<Warning>,
    /// The document's `parameters`, for resolving `$ref`s to body and form parameters.
    parameters: Map<String, Value>,
    consumes: Vec<String>,
    produces: Vec<String>,
}

fn servers(root: &Map<String, Value>) -> Vec<Value> {
    let base = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let Some(host) = root.get("host").and_then(Value::as_str) else {
        return if base.is_empty() { Vec::new() } else { vec![json!({"url": base})] };
    };
    let schemes: Vec<&str> = root
        .get("schemes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .filter(|s: &Vec<&str>| !s.is_empty())
        .unwrap_or_else(|| vec!["https"]);
    schemes.iter().map(|scheme| json!({"url": format!("{scheme}://{host}{base}")})).collect()
}

impl Cx<'_> {
    fn map(&mut self, to: &str, from: &str) {
        if to != from {
            self.mappings.push(Mapping { to: to.to_owned(), file: None, from: from.to_owned() });
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.to_owned(), message: message.into() });
    }

    /// A parameter, following a `$ref` into the document's `parameters`; with the pointer it is at.
    fn resolve(&self, param: &Value, at: &str) -> (Map<String, Value>, String, Option<String>) {
        if let Some(name) = param.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/parameters/")) {
            let name =
                crate::pointer::tokens(&format!("/{name}")).and_then(|t| t.into_iter().next()).unwrap_or_default();
            if let Some(Value::Object(target)) = self.parameters.get(&name) {
                return (target.clone(), push_pointer("/parameters", &name), Some(name));
            }
        }
        (param.as_object().cloned().unwrap_or_default(), at.to_owned(), None)
    }

    fn components(&mut self, root: &Map<String, Value>) -> Map<String, Value> {
        let mut components = Map::new();
        if let Some(definitions) = root.get("definitions") {
            components.insert("schemas".into(), definitions.clone());
            self.map("/components/schemas", "/definitions");
        }
        let mut parameters = Map::new();
        let mut bodies = Map::new();
        for (name, param) in self.parameters.clone() {
            let from = push_pointer("/parameters", &name);
            let Value::Object(param) = param else { continue };
            match param.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let to = push_pointer("/components/requestBodies", &name);
                    let consumes = self.consumes.clone();
                    bodies.insert(name.clone(), self.body(&param, &to, &from, &consumes));
                }
                // Form parameters are inlined into each operation's form body.
                Some("formData") => {}
                _ => {
                    let to = push_pointer("/components/parameters", &name);
                    parameters.insert(name.clone(), self.parameter(&param, &to, &from));
                }
            }
        }
        if !parameters.is_empty() {
            components.insert("parameters".into(), Value::Object(parameters));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
        if let Some(Value::Object(responses)) = root.get("responses") {
            let mut out = Map::new();
            let produces = self.produces.clone();
            for (name, response) in responses {
                let to = push_pointer("/components/responses", name);
                let from = push_pointer("/responses", name);
                out.insert(name.clone(), self.response(response, &to, &from, &produces));
            }
            components.insert("responses".into(), Value::Object(out));
        }
        if let Some(Value::Object(schemes)) = root.get("securityDefinitions") {
            let mut out = Map::new();
            for (name, scheme) in schemes {
                let at = push_pointer("/securityDefinitions", name);
                out.insert(name.clone(), self.security_scheme(scheme, &at));
            }
            components.insert("securitySchemes".into(), Value::Object(out));
            self.map("/components/securitySchemes", "/securityDefinitions");
        }
        components
    }

    fn security_scheme(&mut self, scheme: &Value, at: &str) -> Value {
        let mut out = Map::new();
        if let Some(d) = scheme.get("description") {
            out.insert("description".into(), d.clone());
        }
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
            }
            Some("oauth2") => {
                let flow = match scheme.get("flow").and_then(Value::as_str) {
                    Some("application") => "clientCredentials",
                    Some("accessCode") => "authorizationCode",
                    Some("password") => "password",
                    _ => "implicit",
                };
                let mut details = Map::new();
                for key in ["authorizationUrl", "tokenUrl"] {
                    if let Some(v) = scheme.get(key) {
                        details.insert(key.into(), v.clone());
                    }
                }
                // 3.0 requires the URL each flow uses.
                if flow == "implicit" || flow == "authorizationCode" {
                    details.entry("authorizationUrl").or_insert_with(|| "".into());
                }
                if flow != "implicit" {
                    details.entry("tokenUrl").or_insert_with(|| "".into());
                }
                details.insert("scopes".into(), scheme.get("scopes").cloned().unwrap_or_else(|| json!({})));
                out.insert("type".into(), "oauth2".into());
                out.insert("flows".into(), json!({ flow: details }));
            }
            Some("apiKey") => {
                out.insert("type".into(), "apiKey".into());
                for key in ["name", "in"] {
                    out.insert(key.into(), scheme.get(key).cloned().unwrap_or_else(|| "".into()));
                }
            }
            other => {
                self.warn(at, format!("security scheme type {other:?}: read as an API key header"));
                out.insert("type".into(), "apiKey".into());
                out.insert("name".into(), "Authorization".into());
                out.insert("in".into(), "header".into());
            }
        }
        Value::Object(out)
    }

    fn path_item(&mut self, item: &Map<String, Value>, at: &str) -> Map<String, Value> {
        let mut out = Map::new();
        let shared: Vec<Value> = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        let shared_at = push_pointer(at, "parameters");
        let mut kept = Vec::new();
        for (j, param) in shared.iter().enumerate() {
            let from = push_pointer(&shared_at, &j.to_string());
            let (resolved, _, _) = self.resolve(param, &from);
            if matches!(resolved.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                continue;
            }
            let to = push_pointer(&shared_at, &kept.len().to_string());
            kept.push(self.parameter_or_ref(param, &to, &from));
        }
        for (key, value) in item {
            match (key.as_str(), value) {
                ("parameters", _) => {
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Array(std::mem::take(&mut kept)));
                    }
                }
                (method, Value::Object(op)) if METHODS.contains(&method) => {
                    let op_at = push_pointer(at, method);
                    out.insert(key.clone(), Value::Object(self.operation(op, &shared, &shared_at, &op_at)));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        out
    }

    fn parameter_or_ref(&mut self, param: &Value, to: &str, from: &str) -> Value {
        if param.get("$ref").is_some() {
            self.map(to, from);
            return param.clone();
        }
        match param {
            Value::Object(p) => self.parameter(p, to, from),
            other => other.clone(),
        }
    }

    fn operation(
        &mut self,
        op: &Map<String, Value>,
        shared: &[Value],
        shared_at: &str,
        at: &str,
    ) -> Map<String, Value> {
        let list = |key: &str, fallback: &[String]| -> Vec<String> {
            match op.get(key).and_then(Value::as_array) {
                Some(list) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                None => fallback.to_vec(),
            }
        };
        let consumes = list("consumes", &self.consumes);
        let produces = list("produces", &self.produces);
        let mut out = Map::new();
        let mut parameters = Vec::new();
        let mut body = None;
        let mut form: Vec<(Map<String, Value>, String)> = Vec::new();
        let own: Vec<Value> = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        let own_at = push_pointer(at, "parameters");
        // Path-level body and form parameters apply unless the operation has its own.
        let mut sources: Vec<(Value, String)> =
            own.iter().enumerate().map(|(j, p)| (p.clone(), push_pointer(&own_at, &j.to_string()))).collect();
        let own_has = |kind: &str, cx: &Cx| {
            sources.iter().any(|(p, at)| cx.resolve(p, at).0.get("in").and_then(Value::as_str) == Some(kind))
        };
        let (own_body, own_form) = (own_has("body", self), own_has("formData", self));
        for (j, p) in shared.iter().enumerate() {
            let from = push_pointer(shared_at, &j.to_string());
            match self.resolve(p, &from).0.get("in").and_then(Value::as_str) {
                Some("body") if !own_body => sources.push((p.clone(), from)),
                Some("formData") if !own_form => sources.push((p.clone(), from)),
                _ => {}
            }
        }
        for (param, from) in sources {
            let (resolved, resolved_at, name) = self.resolve(&param, &from);
            match resolved.get("in").and_then(Value::as_str) {
                Some("body") => body = Some((param, resolved, from, name)),
                Some("formData") => form.push((resolved, resolved_at)),
                _ if from.starts_with(&own_at) => {
                    let to = push_pointer(&own_at, &parameters.len().to_string());
                    parameters.push(self.parameter_or_ref(&param, &to, &from));
                }
                _ => {}
            }
        }
        for (key, value) in op {
            match key.as_str() {
                "consumes" | "produces" | "schemes" | "responses" => {}
                "parameters" => {
                    if !parameters.is_empty() {
                        out.insert(key.clone(), Value::Array(std::mem::take(&mut parameters)));
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let body_at = push_pointer(at, "requestBody");
        if let Some((param, resolved, from, name)) = body {
            match name {
                Some(name) => {
                    self.map(&body_at, &from);
                    let reference = push_pointer("#/components/requestBodies", &name);
                    let _ = param;
                    out.insert("requestBody".into(), json!({ "$ref": reference }));
                }
                None => {
                    out.insert("requestBody".into(), self.body(&resolved, &body_at, &from, &consumes));
                }
            }
        } else if !form.is_empty() {
            out.insert("requestBody".into(), self.form(&form, &body_at, &consumes));
        }
        let responses_at = push_pointer(at, "responses");
        let mut responses = Map::new();
        if let Some(Value::Object(given)) = op.get("responses") {
            for (code, response) in given {
                let r_at = push_pointer(&responses_at, code);
                let converted = if response.get("$ref").is_some() {
                    response.clone()
                } else {
                    self.response(response, &r_at, &r_at, &produces)
                };
                responses.insert(code.clone(), converted);
            }
            out.insert("responses".into(), Value::Object(responses));
        }
        out
    }

    fn parameter(&mut self, param: &Map<String, Value>, to: &str, from: &str) -> Value {
        self.map(to, from);
        self.map(&push_pointer(to, "schema"), from);
        let mut out = Map::new();
        let mut schema = Map::new();
        for (key, value) in param {
            if SCHEMA_KEYS.contains(&key.as_str()) {
                schema.insert(key.clone(), value.clone());
            } else if key != "collectionFormat" {
                out.insert(key.clone(), value.clone());
            }
        }
        items_2(&mut schema);
        let location = param.get("in").and_then(Value::as_str).unwrap_or("query");
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let format = param.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
            let (style, explode) = match (format, location) {
                ("multi", _) => ("form", true),
                ("ssv", "query") => ("spaceDelimited", false),
                ("pipes", "query") => ("pipeDelimited", false),
                ("csv", "query") => ("form", false),
                ("csv", _) => ("simple", false),
                (other, _) => {
                    let at = push_pointer(from, "collectionFormat");
                    self.warn(&at, format!("`collectionFormat: {other}` here: sent comma-separated"));
                    (if location == "query" { "form" } else { "simple" }, false)
                }
            };
            if location == "query" || location == "path" || location == "header" {
                out.insert("style".into(), style.into());
                out.insert("explode".into(), explode.into());
            }
        }
        out.insert("schema".into(), Value::Object(schema));
        Value::Object(out)
    }

    fn body(&mut self, param: &Map<String, Value>, to: &str, from: &str, consumes: &[String]) -> Value {
        self.map(to, from);
        let schema = param.get("schema").cloned().unwrap_or_else(|| json!({}));
        let media: Vec<String> = if consumes.is_empty() { vec!["application/json".into()] } else { consumes.to_vec() };
        let mut content = Map::new();
        for media_type in media {
            let at = push_pointer(&push_pointer(&push_pointer(to, "content"), &media_type), "schema");
            self.map(&at, &push_pointer(from, "schema"));
            content.insert(media_type, json!({ "schema": schema }));
        }
        let mut out = Map::new();
        if let Some(d) = param.get("description") {
            out.insert("description".into(), d.clone());
        }
        out.insert("required".into(), param.get("required").cloned().unwrap_or(Value::Bool(false)));
        out.insert("content".into(), Value::Object(content));
        Value::Object(out)
    }

    fn form(&mut self, params: &[(Map<String, Value>, String)], to: &str, consumes: &[String]) -> Value {
        let has_file = params.iter().any(|(p, _)| p.get("type").and_then(Value::as_str) == Some("file"));
        let media_type = if has_file || consumes.iter().any(|c| c.starts_with("multipart/form-data")) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let schema_at = push_pointer(&push_pointer(&push_pointer(to, "content"), media_type), "schema");
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (param, from) in params {
            let name = param.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let mut schema = Map::new();
            for (key, value) in param {
                if SCHEMA_KEYS.contains(&key.as_str()) || key == "description" {
                    schema.insert(key.clone(), value.clone());
                }
            }
            items_2(&mut schema);
            self.map(&push_pointer(&push_pointer(&schema_at, "properties"), &name), from);
            if param.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, Value::Object(schema));
        }
        if let Some((_, first)) = params.first() {
            self.map(to, first);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required.clone()));
        }
        json!({ "required": !required.is_empty(), "content": { media_type: { "schema": schema } } })
    }

    fn response(&mut self, response: &Value, to: &str, from: &str, produces: &[String]) -> Value {
        self.map(to, from);
        let Value::Object(response) = response else { return response.clone() };
        let mut out = Map::new();
        out.insert("description".into(), response.get("description").cloned().unwrap_or_else(|| "".into()));
        if let Some(Value::Object(headers)) = response.get("headers") {
            let mut converted = Map::new();
            for (name, header) in headers {
                let h_to = push_pointer(&push_pointer(to, "headers"), name);
                let h_from = push_pointer(&push_pointer(from, "headers"), name);
                self.map(&h_to, &h_from);
                self.map(&push_pointer(&h_to, "schema"), &h_from);
                let mut schema = Map::new();
                let mut header_out = Map::new();
                if let Value::Object(header) = header {
                    for (key, value) in header {
                        if SCHEMA_KEYS.contains(&key.as_str()) {
                            schema.insert(key.clone(), value.clone());
                        } else if key == "description" || key.starts_with("x-") {
                            header_out.insert(key.clone(), value.clone());
                        }
                    }
                }
                items_2(&mut schema);
                header_out.insert("schema".into(), Value::Object(schema));
                converted.insert(name.clone(), Value::Object(header_out));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        if let Some(schema) = response.get("schema") {
            let media: Vec<String> =
                if produces.is_empty() { vec!["application/json".into()] } else { produces.to_vec() };
            let examples = response.get("examples").and_then(Value::as_object);
            let mut content = Map::new();
            for media_type in media {
                let at = push_pointer(&push_pointer(&push_pointer(to, "content"), &media_type), "schema");
                self.map(&at, &push_pointer(from, "schema"));
                let mut object = Map::new();
                object.insert("schema".into(), schema.clone());
                if let Some(example) = examples.and_then(|e| e.get(&media_type)) {
                    object.insert("example".into(), example.clone());
                }
                content.insert(media_type, Value::Object(object));
            }
            out.insert("content".into(), Value::Object(content));
        }
        for (key, value) in response {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }
}

/// `items` of a 2.0 parameter or header: a schema without `collectionFormat`, maybe nested.
fn items_2(schema: &mut Map<String, Value>) {
    if let Some(Value::Object(items)) = schema.get_mut("items") {
        items.remove("collectionFormat");
        items_2(items);
    }
}

/// The 2.0 keywords of a schema that 3.0 writes otherwise.
fn schema_2(schema: &mut Map<String, Value>) {
    if let Some(nullable) = schema.remove("x-nullable") {
        schema.insert("nullable".into(), nullable);
    }
    if schema.get("type").and_then(Value::as_str) == Some("file") {
        schema.insert("type".into(), "string".into());
        schema.insert("format".into(), "binary".into());
    }
    if let Some(Value::String(property)) = schema.get("discriminator").cloned() {
        schema.insert("discriminator".into(), json!({ "propertyName": property }));
    }
}

/// Keys whose values map names the document chooses to objects: a property called `$ref` or
/// `example` is no reference and no example there.
const NAME_MAPS: &[&str] =
    &["properties", "patternProperties", "definitions", "parameters", "responses", "paths", "headers"];

/// `#/definitions/X` → `#/components/schemas/X`, and the same for `parameters` and `responses`.
/// A `$ref` already written the 3.0 way (some tools write them so in 2.0 documents) names the
/// same place once converted: its pointer goes to `written_as_30`.
fn rewrite_refs_in(value: &mut Value, keys_are_names: bool, pointer: &str, written_as_30: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let at = push_pointer(pointer, key);
                if keys_are_names {
                    rewrite_refs_in(child, false, &at, written_as_30);
                } else if let ("$ref", Value::String(reference)) = (key.as_str(), &mut *child) {
                    if reference.starts_with("#/components/") {
                        written_as_30.push(pointer.to_owned());
                    }
                    for (from, to) in [
                        ("#/definitions/", "#/components/schemas/"),
                        ("#/parameters/", "#/components/parameters/"),
                        ("#/responses/", "#/components/responses/"),
                    ] {
                        if let Some(rest) = reference.strip_prefix(from) {
                            *reference = format!("{to}{rest}");
                            break;
                        }
                    }
                } else if !matches!(key.as_str(), "example" | "examples" | "x-examples") {
                    rewrite_refs_in(child, NAME_MAPS.contains(&key.as_str()), &at, written_as_30);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                rewrite_refs_in(item, false, &push_pointer(pointer, &i.to_string()), written_as_30);
            }
        }
        _ => {}
    }
}
