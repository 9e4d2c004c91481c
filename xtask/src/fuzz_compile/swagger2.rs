//! Swagger 2.0 documents for the compile fuzzer: definitions, `body` and `formData` parameters,
//! `collectionFormat`, `type: file`, `x-nullable`, host and base path.

use serde_json::{json, Map, Value};

use super::schema::Schemas;
use super::words::{any_name, Rng, DESCRIPTIONS, GENERATED, LOCALS, PLAIN};

/// A Swagger 2.0 document from schemas whose component names are chosen.
pub fn document(mut s: Schemas) -> Value {
    let mut definitions = Map::new();
    for name in s.components.clone() {
        let schema = s.component(&name);
        definitions.insert(name, schema);
    }
    if s.rng.one_in(2) {
        let names: Vec<String> = s.components.iter().take(2).cloned().collect();
        for (name, schema) in s.recursive(&names) {
            definitions.insert(name, schema);
        }
    }
    let mut paths = Map::new();
    for _ in 0..s.rng.range(2, 5) {
        let (template, placeholders) = path(&mut s.rng);
        let mut item = Map::new();
        let mut methods = vec!["get", "put", "post", "delete", "patch", "options", "head"];
        for _ in 0..s.rng.range(1, 3) {
            let method = *s.rng.pick(&methods);
            methods.retain(|m| *m != method);
            item.insert(method.into(), operation(&mut s, &placeholders));
        }
        paths.entry(template).or_insert(Value::Object(item));
    }
    let mut doc = json!({
        "swagger": "2.0",
        "info": { "title": format!("{} {}", any_name(&mut s.rng), s.rng.pick(DESCRIPTIONS)), "version": "1" },
        "paths": paths,
        "definitions": definitions,
    });
    if !s.rng.one_in(4) {
        doc["host"] = json!("api.example.test");
        doc["basePath"] = json!(*s.rng.pick(&["/v1", "/", "/a b"]));
        doc["schemes"] = json!(*s.rng.pick(&[&["https"][..], &["http", "https"][..]]));
    }
    if s.rng.one_in(2) {
        doc["produces"] = json!(["application/json"]);
        doc["consumes"] = json!(["application/json"]);
    }
    if s.rng.one_in(2) {
        let name = any_name(&mut s.rng);
        doc["securityDefinitions"] = json!({
            "basic": { "type": "basic" },
            "key": { "type": "apiKey", "in": *s.rng.pick(&["header", "query"]), "name": name },
            "oauth": { "type": "oauth2", "flow": "application", "tokenUrl": "https://auth.example.test/token",
                       "scopes": { "read": "Read." } },
        });
        doc["security"] = json!([{ *s.rng.pick(&["basic", "key", "oauth"]): [] }]);
    }
    doc
}

fn path(rng: &mut Rng) -> (String, Vec<String>) {
    let mut template = String::new();
    let mut placeholders = Vec::new();
    for _ in 0..rng.range(1, 3) {
        template.push('/');
        let name: String = any_name(rng).chars().filter(|c| !matches!(c, '{' | '}' | '/' | '?' | '#')).collect();
        if rng.one_in(2) && !name.is_empty() && !placeholders.contains(&name) {
            template.push_str(&format!("{{{name}}}"));
            placeholders.push(name);
        } else {
            template.push_str(rng.pick::<&str>(PLAIN));
        }
    }
    (template, placeholders)
}

fn operation(s: &mut Schemas, placeholders: &[String]) -> Value {
    let mut op = Map::new();
    if !s.rng.one_in(5) {
        let id = if s.rng.one_in(3) { s.rng.pick(GENERATED).to_string() } else { any_name(&mut s.rng) };
        op.insert("operationId".into(), json!(id));
    }
    if s.rng.one_in(3) {
        op.insert("description".into(), json!(*s.rng.pick(DESCRIPTIONS)));
    }
    let mut parameters: Vec<Value> = placeholders
        .iter()
        .map(|name| {
            let mut p = simple(s, false);
            p["name"] = json!(name);
            p["in"] = json!("path");
            p["required"] = json!(true);
            p
        })
        .collect();
    for _ in 0..s.rng.range(0, 4) {
        let mut p = simple(s, false);
        p["name"] = json!(if s.rng.one_in(2) { s.rng.pick(LOCALS).to_string() } else { any_name(&mut s.rng) });
        p["in"] = json!(*s.rng.pick(&["query", "header"]));
        if p["in"] == "query" && p["collectionFormat"].is_string() && s.rng.one_in(2) {
            p["collectionFormat"] = json!("multi");
        }
        if s.rng.one_in(2) {
            p["required"] = json!(true);
        }
        parameters.push(p);
    }
    match s.rng.below(4) {
        0 => parameters.push(json!({ "name": any_name(&mut s.rng), "in": "body", "required": s.rng.one_in(2),
                                     "schema": s.any(2) })),
        1 => {
            let multipart = s.rng.one_in(2);
            for _ in 0..s.rng.range(1, 3) {
                let mut p = simple(s, multipart);
                p["name"] = json!(any_name(&mut s.rng));
                p["in"] = json!("formData");
                if p["collectionFormat"].is_string() && s.rng.one_in(2) {
                    p["collectionFormat"] = json!("multi");
                }
                parameters.push(p);
            }
            let media = if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
            op.insert("consumes".into(), json!([media]));
        }
        _ => {}
    }
    op.insert("parameters".into(), json!(parameters));
    let mut responses = Map::new();
    let mut codes = vec!["200", "201", "204", "400", "404", "418", "500", "default"];
    for _ in 0..s.rng.range(1, 4) {
        let code = *s.rng.pick(&codes);
        codes.retain(|c| *c != code);
        let mut response = json!({ "description": *s.rng.pick(DESCRIPTIONS) });
        match s.rng.below(4) {
            0 => {}
            1 => response["schema"] = json!({ "type": "file" }),
            _ => response["schema"] = s.any(2),
        }
        if s.rng.one_in(4) {
            response["headers"] = json!({ any_name(&mut s.rng): { "type": "integer" } });
        }
        responses.insert(code.into(), response);
    }
    op.insert("responses".into(), Value::Object(responses));
    if s.rng.one_in(3) {
        op.insert(
            "produces".into(),
            json!(*s.rng.pick(&[&["text/plain"][..], &["application/json", "application/xml"][..]])),
        );
    }
    Value::Object(op)
}

/// A non-body parameter's type: a scalar, an enum or an array with a `collectionFormat` (a file
/// in a multipart form).
fn simple(s: &mut Schemas, multipart: bool) -> Value {
    let mut p = match s.rng.below(7) {
        0 if multipart => json!({ "type": "file" }),
        0 | 1 => json!({ "type": "string", "format": *s.rng.pick(&["date-time", "uuid", "byte"]) }),
        2 => json!({ "type": "integer", "enum": [-1, 0, 1] }),
        3 => json!({ "type": "string", "enum": [any_name(&mut s.rng), any_name(&mut s.rng)] }),
        4 => json!({
            "type": "array",
            "items": { "type": *s.rng.pick(&["string", "integer", "boolean"]) },
            // `multi` (repeated) only where a query or form can repeat a name: see the callers.
            "collectionFormat": *s.rng.pick(&["csv", "ssv", "tsv", "pipes"]),
        }),
        _ => json!({ "type": *s.rng.pick(&["string", "integer", "number", "boolean"]) }),
    };
    if s.rng.one_in(5) {
        p["x-nullable"] = json!(true);
    }
    if s.rng.one_in(4) {
        p["description"] = json!(*s.rng.pick(DESCRIPTIONS));
    }
    p
}
