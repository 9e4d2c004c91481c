//! Adversarial OpenAPI documents, deterministic from a seed: OpenAPI 3.0, 3.1 and 3.2 here,
//! Swagger 2.0 in [`super::swagger2`]. Every document is valid enough to parse; most are meant to
//! generate, and every one that generates must compile without a warning.

use serde_json::{json, Map, Value};

use super::schema::{fragment, Dialect, Schemas};
use super::words::{any_name, case_family, scope_names, Rng, DESCRIPTIONS, GENERATED, LOCALS, PLAIN};

/// The document of case `index` of the run seeded with `seed`.
pub fn document(seed: u64, index: usize) -> Value {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let dialect = match rng.below(20) {
        0..=2 => Dialect::Swagger2,
        3..=10 => Dialect::V30,
        11..=16 => Dialect::V31,
        _ => Dialect::V32,
    };
    let mut schemas = Schemas::new(rng, dialect);
    let count = schemas.rng.range(2, 7);
    schemas.components = scope_names(&mut schemas.rng, count);
    if dialect == Dialect::Swagger2 {
        super::swagger2::document(schemas)
    } else {
        Openapi3 { s: schemas, paths: Map::new(), components: Map::new() }.document()
    }
}

/// The parts of one OpenAPI 3.x document while it is written.
struct Openapi3 {
    s: Schemas,
    paths: Map<String, Value>,
    /// `components` besides `schemas`: parameters, responses, request bodies, security schemes.
    components: Map<String, Value>,
}

/// Methods of a path item; 3.2 adds `query` (and `additionalOperations`).
const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "options", "head", "trace"];

impl Openapi3 {
    fn document(mut self) -> Value {
        let version = match self.s.dialect {
            Dialect::V30 => *self.s.rng.pick(&["3.0.0", "3.0.3", "3.0.4"]),
            Dialect::V31 => *self.s.rng.pick(&["3.1.0", "3.1.1"]),
            _ => "3.2.0",
        };
        let schemas = self.component_schemas();
        self.s.pointers = schema_pointers(&schemas);
        // Sometimes 3.1's webhooks alone: payload types and no operation to call.
        let webhooks_only = self.s.dialect.is_31() && self.s.rng.one_in(10);
        if !webhooks_only {
            for _ in 0..self.s.rng.range(2, 5) {
                self.path_item();
            }
        }
        let mut doc = json!({
            "openapi": version,
            "info": self.info(),
            "paths": self.paths,
        });
        if webhooks_only {
            let mut webhooks = Map::new();
            for name in scope_names(&mut self.s.rng, 2) {
                let body = self.s.reference();
                webhooks.insert(
                    name,
                    json!({ "post": {
                        "requestBody": { "content": { "application/json": { "schema": body } } },
                        "responses": { "200": { "description": "Received." } },
                    }}),
                );
            }
            doc["webhooks"] = Value::Object(webhooks);
        }
        if let Some(servers) = self.servers() {
            doc["servers"] = servers;
        }
        let mut components = self.components;
        components.insert("schemas".into(), Value::Object(schemas));
        if self.s.rng.one_in(2) {
            let (schemes, security) = security(&mut self.s.rng, self.s.dialect);
            components.insert("securitySchemes".into(), schemes);
            doc["security"] = security;
        }
        doc["components"] = Value::Object(components);
        doc
    }

    fn info(&mut self) -> Value {
        let mut info = json!({
            "title": format!("{} API {}", any_name(&mut self.s.rng), self.s.rng.pick(DESCRIPTIONS)),
            "version": *self.s.rng.pick(&["1.0", "", "v2 \"beta\"", "2024-01-01"]),
        });
        if self.s.rng.one_in(2) {
            info["description"] = json!(*self.s.rng.pick(DESCRIPTIONS));
        }
        info
    }

    fn component_schemas(&mut self) -> Map<String, Value> {
        let names = self.s.components.clone();
        let mut schemas = Map::new();
        for name in &names {
            let schema = self.s.component(name);
            schemas.insert(name.clone(), schema);
        }
        if self.s.rng.one_in(2) {
            let start = self.s.rng.below(names.len());
            let chosen: Vec<String> = names.iter().cycle().skip(start).take(2).cloned().collect();
            for (name, schema) in self.s.recursive(&chosen) {
                schemas.insert(name, schema);
            }
        }
        schemas
    }

    /// One path with one to three operations, sometimes with parameters at the path level.
    fn path_item(&mut self) {
        let rng = &mut self.s.rng;
        let mut template = String::new();
        let mut placeholders = Vec::new();
        for _ in 0..rng.range(1, 4) {
            template.push('/');
            if rng.one_in(3) {
                let name = path_safe(any_name(rng));
                if !name.is_empty() && !placeholders.contains(&name) {
                    template.push_str(&format!("{{{name}}}"));
                    placeholders.push(name);
                    continue;
                }
            }
            template.push_str(&path_safe(rng.pick(PLAIN).to_string()));
        }
        // The same name in the path, the query, a header and a cookie.
        let everywhere = rng.one_in(4).then(|| rng.pick(LOCALS).to_string()).filter(|n| !placeholders.contains(n));
        if let Some(name) = &everywhere {
            template.push_str(&format!("/{{{name}}}"));
            placeholders.push(name.clone());
        }
        while self.paths.contains_key(&template) {
            template.push_str("/again");
        }
        let mut item = Map::new();
        let mut shared = Vec::new();
        if self.s.rng.one_in(4) {
            for name in &placeholders {
                shared.push(self.path_parameter(name));
            }
            shared.push(self.parameter(None));
            item.insert("parameters".into(), json!(shared));
        }
        let mut methods: Vec<&str> = METHODS.to_vec();
        if self.s.dialect == Dialect::V32 {
            methods.push("query");
        }
        for _ in 0..self.s.rng.range(1, 3) {
            let method = *self.s.rng.pick(&methods);
            methods.retain(|m| *m != method);
            let op = self.operation(&placeholders, !shared.is_empty(), everywhere.as_deref());
            item.insert(method.into(), op);
        }
        if self.s.dialect == Dialect::V32 && self.s.rng.one_in(4) {
            let op = self.operation(&placeholders, !shared.is_empty(), None);
            item.insert("additionalOperations".into(), json!({ "LINK": op }));
        }
        self.paths.insert(template, Value::Object(item));
    }

    fn operation(&mut self, placeholders: &[String], shared: bool, everywhere: Option<&str>) -> Value {
        let mut op = Map::new();
        let rng = &mut self.s.rng;
        if !rng.one_in(5) {
            let id = match rng.below(4) {
                0 => rng.pick(GENERATED).to_string(),
                1 => {
                    let family = case_family(rng);
                    rng.pick(&family).clone()
                }
                _ => any_name(rng),
            };
            op.insert("operationId".into(), json!(id));
        }
        if rng.one_in(3) {
            op.insert("summary".into(), json!(*rng.pick(DESCRIPTIONS)));
        }
        if rng.one_in(3) {
            op.insert("description".into(), json!(*rng.pick(DESCRIPTIONS)));
        }
        if rng.one_in(8) {
            op.insert("deprecated".into(), json!(true));
        }
        if rng.one_in(6) {
            op.insert("security".into(), json!([]));
        }
        let mut parameters = Vec::new();
        if !shared {
            for name in placeholders {
                // Now and then a placeholder nobody declares: read as a string parameter.
                if !self.s.rng.one_in(12) {
                    parameters.push(self.path_parameter(name));
                }
            }
            if self.s.rng.one_in(12) {
                // A declared path parameter the template does not name: left out.
                let extra = format!("{}Unused", path_safe(any_name(&mut self.s.rng)));
                if !placeholders.contains(&extra) {
                    parameters.push(self.path_parameter(&extra));
                }
            }
        }
        if let Some(name) = everywhere {
            for location in ["query", "header", "cookie"] {
                let mut p = self.parameter(Some(location));
                p["name"] = json!(name);
                parameters.push(p);
            }
        }
        for _ in 0..self.s.rng.range(0, 4) {
            parameters.push(self.parameter(None));
        }
        // Half of the paginated operations page by another style than the HAL link (`paging`).
        let paginated = self.s.rng.one_in(6);
        let mut paging = None;
        if paginated {
            match self.s.rng.one_in(2) {
                true => paging = Some(self.paging(&mut parameters, &mut op)),
                false => parameters.push(json!({ "name": "cursor", "in": "query", "schema": { "type": "string" } })),
            }
        }
        if !parameters.is_empty() {
            op.insert("parameters".into(), json!(parameters));
        }
        if self.s.rng.one_in(2) {
            op.insert("requestBody".into(), self.request_body());
        }
        let responses = match paging {
            Some(page) => json!({ "200": page }),
            None => self.responses(paginated),
        };
        op.insert("responses".into(), responses);
        if self.s.rng.one_in(8) {
            // A callback given as a reference, which 3.0's types do not allow.
            let callback =
                json!({ "{$request.body#/url}": { "post": { "responses": { "204": { "description": "ok" } } } } });
            self.components.insert("callbacks".into(), json!({ "Notified": callback }));
            op.insert("callbacks".into(), json!({ "notified": { "$ref": "#/components/callbacks/Notified" } }));
        }
        Value::Object(op)
    }

    fn path_parameter(&mut self, name: &str) -> Value {
        // Real documents declare some path parameters optional; they are read as required.
        let required = !self.s.rng.one_in(10);
        let mut p = json!({ "name": name, "in": "path", "required": required, "schema": self.s.parameter() });
        if self.s.rng.one_in(3) {
            p["style"] = json!(*self.s.rng.pick(&["simple", "label", "matrix"]));
        }
        if self.s.rng.one_in(3) {
            p["explode"] = json!(self.s.rng.one_in(2));
        }
        p
    }

    /// A query, header or cookie parameter named like generated locals and keywords, in any
    /// style, by schema or by `content`; now and then through `components/parameters`.
    fn parameter(&mut self, location: Option<&str>) -> Value {
        let rng = &mut self.s.rng;
        let location = location.unwrap_or_else(|| *rng.pick(&["query", "query", "header", "cookie"]));
        let name = if rng.one_in(2) { rng.pick(LOCALS).to_string() } else { any_name(rng) };
        let mut p = json!({ "name": name, "in": location });
        if rng.one_in(2) {
            p["required"] = json!(true);
        }
        if rng.one_in(6) {
            p["deprecated"] = json!(true);
        }
        if rng.one_in(4) {
            p["description"] = json!(*rng.pick(DESCRIPTIONS));
        }
        if self.s.rng.one_in(7) {
            let media =
                *self.s.rng.pick(&["application/json", "application/json", "application/vnd.x+json", "text/plain"]);
            let mut content = Map::new();
            content.insert(media.into(), json!({ "schema": self.s.parameter() }));
            if self.s.rng.one_in(5) {
                content.insert("application/xml".into(), json!({ "schema": { "type": "string" } }));
            }
            p["content"] = Value::Object(content);
        } else {
            p["schema"] = self.s.parameter();
            let styles: &[&str] = match location {
                "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                "header" => &["simple"],
                _ => &["form"],
            };
            if self.s.rng.one_in(2) {
                p["style"] = json!(*self.s.rng.pick(styles));
            }
            if self.s.rng.one_in(3) {
                p["explode"] = json!(self.s.rng.one_in(2));
            }
            if location == "query" && self.s.rng.one_in(8) {
                p["allowReserved"] = json!(true);
            }
        }
        if self.s.rng.one_in(8) {
            let key = format!("{}{}", any_name(&mut self.s.rng), self.components.len());
            let entry = self.components.entry("parameters").or_insert_with(|| json!({}));
            entry[&key] = p;
            return json!({ "$ref": format!("#/components/parameters/{}", fragment(&key)) });
        }
        p
    }

    fn request_body(&mut self) -> Value {
        let mut content = Map::new();
        for _ in 0..self.s.rng.range(1, 2) {
            let (media_type, schema) = match self.s.rng.below(10) {
                0..=3 => (
                    *self.s.rng.pick(&["application/json", "application/merge-patch+json; charset=utf-8"]),
                    Some(self.s.any(2)),
                ),
                4 => ("text/plain", Some(json!({ "type": "string" }))),
                5 => ("application/octet-stream", Some(json!({ "type": "string", "format": "binary" }))),
                6 | 7 => {
                    let form = self.form_schema();
                    let mut media = json!({ "schema": form });
                    if self.s.rng.one_in(2) {
                        media["encoding"] = self.encoding(&media["schema"]);
                    }
                    content.insert("application/x-www-form-urlencoded".into(), media);
                    continue;
                }
                8 => {
                    let mut media = json!({ "schema": {
                        "type": "object",
                        "properties": { "file": { "type": "string", "format": "binary" }, "meta": self.s.any(1) },
                    } });
                    if self.s.rng.one_in(2) {
                        media["encoding"] = json!({ "meta": { "contentType": "application/json" } });
                    }
                    content.insert("multipart/form-data".into(), media);
                    continue;
                }
                _ => (*self.s.rng.pick(&["application/xml", "*/*", "text/csv"]), None),
            };
            let mut media = json!({});
            if let Some(schema) = schema {
                media["schema"] = schema;
            }
            content.insert(media_type.into(), media);
        }
        let mut body = json!({ "content": content });
        if self.s.rng.one_in(2) {
            body["required"] = json!(true);
        }
        if self.s.rng.one_in(3) {
            body["description"] = json!(*self.s.rng.pick(DESCRIPTIONS));
        }
        if self.s.rng.one_in(8) {
            let key = format!("{}{}", any_name(&mut self.s.rng), self.components.len());
            let entry = self.components.entry("requestBodies").or_insert_with(|| json!({}));
            entry[&key] = body;
            return json!({ "$ref": format!("#/components/requestBodies/{}", fragment(&key)) });
        }
        body
    }

    /// A form body's object: scalars, arrays, nested objects and arrays of them, maps.
    fn form_schema(&mut self) -> Value {
        if self.s.rng.one_in(5) {
            return self.s.reference();
        }
        let count = self.s.rng.range(1, 6);
        let mut properties = Map::new();
        for name in scope_names(&mut self.s.rng, count) {
            let schema = match self.s.rng.below(6) {
                0 | 1 => self.s.primitive(true),
                2 => json!({ "type": "array", "items": self.s.primitive(true) }),
                3 => self.s.object(1),
                4 => json!({ "type": "array", "items": self.s.object(0) }),
                _ => self.s.map(0),
            };
            let schema = self.s.maybe_nullable(schema, 5);
            properties.insert(name, schema);
        }
        json!({ "type": "object", "properties": properties })
    }

    /// `encoding` entries for some of a form's properties (and one for a property it lacks).
    fn encoding(&mut self, schema: &Value) -> Value {
        let mut encoding = Map::new();
        let names: Vec<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        for name in names.into_iter().chain(["missing".to_owned()]) {
            if self.s.rng.one_in(2) {
                continue;
            }
            let entry = match self.s.rng.below(3) {
                0 => json!({ "contentType": "application/json" }),
                1 => json!({ "style": *self.s.rng.pick(&["form", "spaceDelimited", "pipeDelimited", "deepObject"]) }),
                _ => json!({ "style": "form", "explode": self.s.rng.one_in(2) }),
            };
            encoding.insert(name, entry);
        }
        Value::Object(encoding)
    }

    /// Success statuses with differing bodies, many error statuses, ranges and `default`.
    fn responses(&mut self, paginated: bool) -> Value {
        let mut responses = Map::new();
        if paginated {
            responses.insert(
                "200".into(),
                json!({ "description": "A page.", "content": {
                "application/json": { "schema": self.page() } } }),
            );
        } else if !self.s.rng.one_in(10) {
            let mut codes = vec!["200", "201", "202", "203", "204", "206", "2XX"];
            for _ in 0..self.s.rng.range(1, 3) {
                let code = *self.s.rng.pick(&codes);
                codes.retain(|c| *c != code);
                let response = self.response(code == "204");
                responses.insert(code.into(), response);
            }
        }
        let mut codes = vec![
            "400", "401", "403", "404", "409", "418", "422", "429", "500", "502", "503", "4XX", "5XX", "default",
            "301", "304", "499", "599",
        ];
        for _ in 0..self.s.rng.range(0, 5) {
            let code = *self.s.rng.pick(&codes);
            codes.retain(|c| *c != code);
            let response = self.response(false);
            responses.insert(code.into(), response);
        }
        if responses.is_empty() {
            responses.insert("default".into(), json!({ "description": "" }));
        }
        Value::Object(responses)
    }

    fn response(&mut self, empty: bool) -> Value {
        let description = if self.s.rng.one_in(10) { "" } else { *self.s.rng.pick(DESCRIPTIONS) };
        let mut response = json!({ "description": description });
        if self.s.rng.one_in(12) {
            // As real tools write them: read as an empty description.
            response.as_object_mut().map(|r| r.remove("description"));
        }
        if !empty && !self.s.rng.one_in(5) {
            let mut content = Map::new();
            for _ in 0..self.s.rng.range(1, 2) {
                let (media_type, schema) = match self.s.rng.below(10) {
                    0..=4 => (
                        *self.s.rng.pick(&["application/json", "application/hal+json", "application/problem+json"]),
                        Some(self.s.any(2)),
                    ),
                    5 => ("text/plain", Some(json!({ "type": "string" }))),
                    6 => ("application/octet-stream", Some(json!({ "type": "string", "format": "binary" }))),
                    7 if self.s.dialect == Dialect::V32 => {
                        let item = self.s.any(1);
                        content.insert("text/event-stream".into(), json!({ "itemSchema": item }));
                        continue;
                    }
                    7 => ("application/x-ndjson", Some(self.s.any(1))),
                    8 => ("text/csv", None),
                    _ => ("application/json", None),
                };
                let mut media = json!({});
                if let Some(schema) = schema {
                    media["schema"] = schema;
                }
                content.insert(media_type.into(), media);
            }
            response["content"] = Value::Object(content);
        }
        if self.s.rng.one_in(4) {
            let mut headers = Map::new();
            for name in scope_names(&mut self.s.rng, 2) {
                headers.insert(name, json!({ "schema": self.s.parameter(), "description": "A header." }));
            }
            response["headers"] = Value::Object(headers);
        }
        if self.s.rng.one_in(10) {
            let key = format!("{}{}", any_name(&mut self.s.rng), self.components.len());
            let entry = self.components.entry("responses").or_insert_with(|| json!({}));
            entry[&key] = response;
            return json!({ "$ref": format!("#/components/responses/{}", fragment(&key)) });
        }
        response
    }

    /// The parameters, extension and success response of an operation that pages by any style but
    /// the HAL link: a `Link` header, a cursor, the last item's id, an offset or a page number,
    /// inferred from the usual names or stated by `x-speakeasy-pagination` with parameters and
    /// fields named like anything.
    fn paging(&mut self, parameters: &mut Vec<Value>, op: &mut Map<String, Value>) -> Value {
        let declared = self.s.rng.one_in(2);
        let mut name = |usual: &str| if declared { any_name(&mut self.s.rng) } else { usual.to_owned() };
        let (cursor, next, flag) = (name("cursor"), name("next_cursor"), name("has_more"));
        let (item_id, offset, number) = (name("starting_after"), name("offset"), name("page"));
        let items = if self.s.rng.one_in(2) { any_name(&mut self.s.rng) } else { "data".to_owned() };
        let integer = match self.s.rng.one_in(2) {
            true => json!({ "type": "integer" }),
            false => json!({ "type": "integer", "format": "int32" }),
        };
        let text = json!({ "type": "string" });
        let style = self.s.rng.below(5);
        let item = match style {
            2 => json!({ "type": "object", "required": ["id"], "properties": {
                "id": { "type": "string" }, "value": self.s.any(1) } }),
            _ => self.s.any(1),
        };
        let list = self.s.maybe_nullable(json!({ "type": "array", "items": item }), 4);
        let mut properties = Map::new();
        properties.insert(items.clone(), list);
        let mut page = json!({ "type": "object", "properties": properties });
        if self.s.rng.one_in(3) {
            page["required"] = json!([items]);
        }
        let param = |name: &str, schema: &Value| json!({ "name": name, "in": "query", "schema": schema });
        let results = format!("$.{items}");
        let (stated, headers) = match style {
            0 => {
                parameters.push(param(&number, &integer));
                let item = page["properties"][&items]["items"].clone();
                page = json!({ "type": "array", "items": item });
                let stated = json!({ "type": "url", "outputs": { "nextUrl": "$response.header.Link" } });
                (stated, Some(json!({ "Link": { "schema": { "type": "string" } } })))
            }
            1 => {
                parameters.push(param(&cursor, &text));
                page["properties"][&next] = json!({ "type": "string", "nullable": true });
                page["properties"][&flag] = json!({ "type": "boolean" });
                let outputs =
                    json!({ "nextCursor": format!("$.{next}"), "hasMore": format!("$.{flag}"), "results": results });
                (json!({ "type": "cursor", "inputs": [input(&cursor, "cursor")], "outputs": outputs }), None)
            }
            2 => {
                parameters.push(param(&item_id, &text));
                let outputs = json!({ "nextCursor": format!("$.{items}[-1].id"), "results": results });
                (json!({ "type": "cursor", "inputs": [input(&item_id, "cursor")], "outputs": outputs }), None)
            }
            3 => {
                parameters.push(param(&offset, &integer));
                parameters.push(param("limit", &integer));
                let inputs = [input(&offset, "offset"), input("limit", "limit")];
                (json!({ "type": "offsetLimit", "inputs": inputs, "outputs": { "results": results } }), None)
            }
            _ => {
                parameters.push(param(&number, &integer));
                page["properties"]["meta"] = json!({ "type": "object", "properties": {
                    "total_pages": integer, "next_page": { "type": "integer", "nullable": true } } });
                let outputs = json!({ "numPages": "$.meta.total_pages", "results": results });
                (json!({ "type": "offsetLimit", "inputs": [input(&number, "page")], "outputs": outputs }), None)
            }
        };
        if declared {
            op.insert("x-speakeasy-pagination".into(), stated);
        }
        let mut response = json!({ "description": "A page.", "content": { "application/json": { "schema": page } } });
        if let Some(headers) = headers {
            response["headers"] = headers;
        }
        response
    }

    /// A page of a paginated operation: items (named anything) and `_links.next.href`.
    fn page(&mut self) -> Value {
        let items = if self.s.rng.one_in(2) { any_name(&mut self.s.rng) } else { "items".to_owned() };
        let mut page = json!({ "type": "object", "properties": {
            "_links": { "type": "object", "properties": {
                "next": { "type": "object", "properties": { "href": { "type": "string" } } },
                "self": { "type": "object", "properties": { "href": { "type": "string" } } } } },
        } });
        let item = self.s.any(1);
        page["properties"][&items] = self.s.maybe_nullable(json!({ "type": "array", "items": item }), 4);
        if self.s.rng.one_in(3) {
            page["properties"]["other"] = json!({ "type": "array", "items": { "type": "string" } });
            page["properties"][&items]["x-paginated-items"] = json!(true);
        }
        if self.s.rng.one_in(2) {
            page["required"] = json!(["_links", items]);
        }
        page
    }

    /// None, a fixed URL, a relative one, or one with variables named like anything.
    fn servers(&mut self) -> Option<Value> {
        let rng = &mut self.s.rng;
        Some(match rng.below(6) {
            0 => return None,
            1 => json!([{ "url": "https://api.example.test/v1/" }]),
            2 => json!([{ "url": "/relative/base" }, { "url": "https://other.example.test" }]),
            3 => json!([{ "url": "https://{unclosed.example.test" }]),
            _ => {
                let mut url = "https://".to_owned();
                let mut variables = Map::new();
                for (i, name) in scope_names(rng, 3).into_iter().enumerate() {
                    let name = path_safe(name);
                    url.push_str(&format!("{{{name}}}{}", [".example.test/", "/v", "-"][i % 3]));
                    let mut variable = json!({ "default": "x" });
                    if rng.one_in(2) {
                        variable["enum"] = json!(["x", "y\"z"]);
                    }
                    if rng.one_in(2) {
                        variable["description"] = json!(*rng.pick(DESCRIPTIONS));
                    }
                    if !rng.one_in(5) {
                        variables.insert(name, variable);
                    }
                }
                json!([{ "url": url, "variables": variables }])
            }
        })
    }
}

/// Security schemes of every kind (their names drawn like any other: keywords, generated names,
/// names of `Client`'s methods), with a requirement naming some of them: alternatives, several
/// schemes together, or none.
pub fn security(rng: &mut Rng, dialect: Dialect) -> (Value, Value) {
    let mut schemes = Map::new();
    let name = |rng: &mut Rng, fixed: &str| if rng.one_in(2) { any_name(rng) } else { fixed.to_owned() };
    let bearer = name(rng, "bearer");
    schemes.insert(bearer.clone(), json!({ "type": "http", "scheme": "bearer" }));
    let basic = name(rng, "basic");
    schemes.insert(basic.clone(), json!({ "type": "http", "scheme": "basic" }));
    let location = *rng.pick(&["header", "query", "cookie"]);
    let key = name(rng, "key");
    schemes.insert(key.clone(), json!({ "type": "apiKey", "in": location, "name": any_name(rng) }));
    schemes.insert("token".into(), json!({ "type": "http", "scheme": *rng.pick(&["Token", "Digest", "HOBA"]) }));
    if rng.one_in(2) {
        let token_url = *rng.pick(&["/oauth/token", "https://auth.example.test/token", "token"]);
        schemes.insert(
            "oauth".into(),
            json!({ "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": token_url, "scopes": { "read": "Read." } } } }),
        );
    }
    if dialect != Dialect::V30 && rng.one_in(3) {
        schemes.insert("mtls".into(), json!({ "type": "mutualTLS" }));
    }
    if rng.one_in(4) {
        // A scheme given as a reference to another.
        schemes.insert(
            "alias".into(),
            json!({ "$ref": format!("#/components/securitySchemes/{}", key.replace('~', "~0").replace('/', "~1")) }),
        );
    }
    let requirement = match rng.below(5) {
        0 => json!([{ basic.clone(): [] }]),
        1 => json!([{ bearer.clone(): [] }, { key.clone(): [] }]),
        2 => json!([{ key.clone(): [], basic.clone(): [] }, { "token": [] }]),
        3 if schemes.contains_key("oauth") => json!([{ "oauth": ["read"] }, {}]),
        _ => json!([{}]),
    };
    (Value::Object(schemes), requirement)
}

/// A name that can sit in a path template or server URL: no `{`, `}` or `/`.
fn path_safe(name: String) -> String {
    name.chars().filter(|c| !matches!(c, '{' | '}' | '/' | '?' | '#')).collect()
}

/// The `$ref` fragments of schemas inside components (properties, items, members), for refs to
/// JSON pointers.
fn schema_pointers(schemas: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, schema) in schemas {
        let base = format!("#/components/schemas/{}", fragment(name));
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            out.extend(properties.keys().map(|p| format!("{base}/properties/{}", fragment(p))));
        }
        // Draft 4's tuple form is a list, which no `$ref` may name.
        if schema.get("items").is_some_and(|items| !items.is_array()) {
            out.push(format!("{base}/items"));
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            // Not 3.1's `{type: "null"}` alternatives: they become `nullable`, and are no schema.
            let members = schema.get(keyword).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let schemas = members.iter().enumerate().filter(|(_, m)| **m != json!({ "type": "null" }));
            out.extend(schemas.map(|(i, _)| format!("{base}/{keyword}/{i}")));
        }
    }
    out
}

/// An input of `x-speakeasy-pagination`: the parameter `name` in the role `role`.
fn input(name: &str, role: &str) -> Value {
    json!({ "name": name, "in": "parameters", "type": role })
}
