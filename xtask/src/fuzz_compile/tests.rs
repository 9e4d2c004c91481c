//! The document generator: deterministic, parseable, and covering what it is meant to cover.

use std::collections::BTreeSet;

use serde_json::Value;

use super::words::{KEYWORDS, LOCALS};
use super::{case_of, document};

/// Lowercase ASCII alphanumerics only: names equal here collide after case conversion.
fn folded(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The constructs one document holds, read from its JSON.
fn constructs(doc: &Value) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    found.insert(match (doc["swagger"].as_str(), doc["openapi"].as_str()) {
        (Some(_), _) => "swagger 2.0",
        (_, Some(v)) if v.starts_with("3.0") => "openapi 3.0",
        (_, Some(v)) if v.starts_with("3.1") => "openapi 3.1",
        _ => "openapi 3.2",
    });
    let schemas = doc["components"]["schemas"].as_object().or(doc["definitions"].as_object());
    for (name, schema) in schemas.into_iter().flatten() {
        let text = schema.to_string();
        let own_ref = format!("/{}\"", super::schema::fragment(name));
        if text.contains(&own_ref) {
            found.insert("recursive type");
        }
        for (other, other_schema) in schemas.into_iter().flatten() {
            let back = format!("/{}\"", super::schema::fragment(name));
            if other != name
                && text.contains(&format!("/{}\"", super::schema::fragment(other)))
                && other_schema.to_string().contains(&back)
            {
                found.insert("mutually recursive types");
            }
        }
        if ["Option", "Result", "Default", "Unknown", "Client", "Some", "None", "Box"].contains(&name.as_str()) {
            found.insert("type named like generated code");
        }
    }
    if doc["servers"].as_array().into_iter().flatten().any(|s| s["url"].as_str().is_some_and(|u| u.contains('{'))) {
        found.insert("server variables");
    }
    let schemes = doc["components"]["securitySchemes"].as_object();
    for (_, scheme) in schemes.into_iter().flatten() {
        found.insert(match (scheme["type"].as_str(), scheme["scheme"].as_str()) {
            (Some("apiKey"), _) => "api key scheme",
            (Some("http"), Some("basic")) => "basic scheme",
            (Some("http"), Some("bearer")) => "bearer scheme",
            (Some("http"), _) => "other http scheme",
            (Some("mutualTLS"), _) => "mutual TLS scheme",
            (Some("oauth2"), _) => "oauth2 scheme",
            _ => "security scheme given as a ref",
        });
    }
    if doc["security"].as_array().into_iter().flatten().any(|r| r.as_object().is_some_and(|r| r.len() > 1)) {
        found.insert("requirement of several schemes");
    }
    let text = doc.to_string();
    if doc["swagger"].is_string() && text.contains("\"#/components/schemas/") {
        found.insert("3.0-style ref in a 2.0 document");
    }
    if text.contains("\"#/components/callbacks/") {
        found.insert("callback given as a ref");
    }
    for (_, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if method == "parameters" || method == "additionalOperations" {
                continue;
            }
            operation(op, &mut found);
        }
    }
    if doc["webhooks"].is_object() && doc["paths"].as_object().is_some_and(serde_json::Map::is_empty) {
        found.insert("webhooks only");
    }
    walk(doc, &mut found);
    found
}

fn operation(op: &Value, found: &mut BTreeSet<&'static str>) {
    if let Some(id) = op["operationId"].as_str() {
        if ["builder", "from_env", "server_url", "new", "send", "pages", "stream"].contains(&id) {
            found.insert("operation named like generated code");
        }
    }
    let parameters = op["parameters"].as_array().map(Vec::as_slice).unwrap_or_default();
    if parameters.iter().any(|p| p["in"] == "path" && p["required"] == false) {
        found.insert("optional path parameter");
    }
    if op["responses"].as_object().into_iter().flatten().any(|(_, r)| r.get("description").is_none()) {
        found.insert("response without description");
    }
    for p in parameters {
        let name = p["name"].as_str().unwrap_or_default();
        if LOCALS.contains(&name) {
            found.insert("parameter named like a local");
        }
        if p["style"] == "deepObject" {
            found.insert("deepObject parameter");
        }
        if p.get("content").is_some() {
            found.insert("content parameter");
        }
        let locations: BTreeSet<&str> =
            parameters.iter().filter(|q| q["name"].as_str() == Some(name)).filter_map(|q| q["in"].as_str()).collect();
        if locations.len() == 4 {
            found.insert("one name in path, query, header and cookie");
        }
    }
    let statuses: Vec<&String> = op["responses"].as_object().into_iter().flatten().map(|(k, _)| k).collect();
    if statuses.iter().filter(|s| s.starts_with('2')).count() >= 2 {
        found.insert("several 2xx responses");
    }
    if statuses.iter().filter(|s| !s.starts_with('2')).count() >= 4 {
        found.insert("many error statuses");
    }
    let body = op["requestBody"]["content"].as_object();
    for media in body.into_iter().flatten().map(|(m, _)| m.as_str()) {
        found.insert(match media {
            "application/octet-stream" => "binary body",
            "text/plain" => "text body",
            "application/x-www-form-urlencoded" => "form body",
            "multipart/form-data" => "multipart body",
            _ => "other body",
        });
    }
}

/// Schema constructs anywhere in the document.
fn walk(value: &Value, found: &mut BTreeSet<&'static str>) -> usize {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            return items.iter().map(|v| walk(v, found)).max().unwrap_or(0);
        }
        return 0;
    };
    if map.get("nullable") == Some(&Value::Bool(true))
        || map.get("x-nullable") == Some(&Value::Bool(true))
        || map.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "null"))
    {
        found.insert("nullable");
    }
    if let Some(properties) = map.get("properties").and_then(Value::as_object) {
        let names: Vec<&String> = properties.keys().collect();
        for name in &names {
            if KEYWORDS.contains(&name.as_str()) {
                found.insert("keyword name");
            }
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                found.insert("name starting with a digit");
            }
            if name.is_empty() {
                found.insert("empty name");
            }
            if !name.is_ascii() {
                found.insert("non-ASCII name");
            }
            if names.iter().any(|other| other != name && folded(other) == folded(name) && !folded(name).is_empty()) {
                found.insert("names colliding after case conversion");
            }
        }
        for (name, schema) in properties {
            if schema.as_object().is_some_and(|s| s.is_empty()) {
                found.insert("empty schema");
            }
            let required = map.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|r| r == name));
            let nullable =
                schema["nullable"] == true || schema["type"].as_array().is_some_and(|t| t.contains(&"null".into()));
            if required && nullable {
                found.insert("required nullable field");
            }
        }
    }
    if map.get("additionalProperties").is_some() {
        found.insert("additionalProperties");
    }
    if map.get("type") == Some(&"array".into()) && map.get("items").and_then(|i| i.get("type")) == Some(&"array".into())
    {
        found.insert("array of arrays");
    }
    if map.get("items").is_some_and(Value::is_array) {
        found.insert("tuple items");
    }
    if map.contains_key("prefixItems") {
        found.insert("prefixItems tuple");
    }
    if map.get("type").is_some_and(|t| t.as_array().is_some_and(|t| t.iter().filter(|t| *t != "null").count() > 1)) {
        found.insert("list of types");
    }
    // `true` or `false` where a schema goes (not `additionalProperties`, which 3.0 allows too).
    let schemas_in = |key: &str| -> Vec<&Value> {
        match map.get(key) {
            Some(Value::Object(m)) if key == "properties" => m.values().collect(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(other) if key == "items" => vec![other],
            _ => Vec::new(),
        }
    };
    if ["properties", "items", "prefixItems", "oneOf", "anyOf"]
        .iter()
        .flat_map(|k| schemas_in(k))
        .any(Value::is_boolean)
    {
        found.insert("boolean schema");
    }
    if map.get("definitions").is_some_and(|d| d.to_string().contains("/definitions/Node")) {
        found.insert("nested definitions holding themselves");
    }
    for keyword in ["oneOf", "anyOf"] {
        for member in map.get(keyword).and_then(Value::as_array).into_iter().flatten() {
            if member.get("oneOf").is_some() || member.get("anyOf").is_some() {
                found.insert("union of unions");
            }
            if keyword == "anyOf" && member["type"].as_str().is_some_and(|t| t != "object" && t != "array") {
                found.insert("anyOf with primitives");
            }
        }
    }
    if let Some(values) = map.get("enum").and_then(Value::as_array) {
        if values.iter().any(|v| v.as_i64().is_some_and(|i| i < 0)) {
            found.insert("integer enum with negative values");
        }
        let strings: Vec<String> = values.iter().filter_map(Value::as_str).map(folded).collect();
        if (0..strings.len()).any(|i| strings[i + 1..].contains(&strings[i])) {
            found.insert("enum values colliding after conversion");
        }
    }
    let nests = ["properties", "items", "oneOf", "anyOf", "allOf", "additionalProperties"];
    let deepest = map
        .iter()
        .map(|(key, child)| {
            let nested = walk(child, found);
            if nests.contains(&key.as_str()) {
                nested + 1
            } else {
                nested
            }
        })
        .max()
        .unwrap_or(0);
    if deepest >= 6 {
        found.insert("deep nesting");
    }
    deepest
}

#[test]
fn documents_are_deterministic_per_seed_and_case() {
    assert_eq!(document(7, 3), document(7, 3));
    assert_ne!(document(7, 3), document(8, 3));
    assert_ne!(document(7, 3), document(7, 4));
}

#[test]
fn documents_split_in_files_load_as_the_single_file_does() {
    let mut split = 0;
    for case in 0..40 {
        let files = super::files::files(1, case);
        if files.len() == 1 {
            continue;
        }
        split += 1;
        let texts = files.iter().map(|(name, value)| (name.clone(), value.to_string())).collect();
        let root = &files[0].0;
        let options = codegen::Options::module(root.clone(), "doc");
        let from_files = codegen::load(root, &super::files::Files(texts)).and_then(|d| codegen::generate(&d, &options));
        let whole = codegen::parse(&document(1, case).to_string()).and_then(|d| codegen::generate(&d, &options));
        match (from_files, whole) {
            (Ok(a), Ok(b)) => {
                let types =
                    |o: &codegen::Output| o.files.iter().find(|f| f.path == "types.rs").map(|f| f.contents.clone());
                let declarations = |text: Option<String>| {
                    text.unwrap_or_default()
                        .lines()
                        .filter(|l| l.starts_with("pub struct") || l.starts_with("pub enum"))
                        .count()
                };
                assert_eq!(declarations(types(&a)), declarations(types(&b)), "case {case}: the same types");
            }
            (Err(a), Err(_)) => assert!(!matches!(a, codegen::Error::Internal { .. }), "case {case}: {a}"),
            (a, b) => {
                // Left on disk to reproduce: `cargo xtask generate --spec DIR/doc_N.json …`.
                let dir = std::env::temp_dir().join(format!("fuzz-split-{case}"));
                let _ = std::fs::create_dir_all(&dir);
                for (name, value) in &files {
                    let _ = std::fs::write(dir.join(name), value.to_string());
                }
                panic!("case {case} (files in {}): split {:?}, whole {:?}", dir.display(), a.err(), b.err())
            }
        }
    }
    assert!(split >= 4, "{split} of 40 documents split");
}

#[test]
fn every_document_parses() {
    for case in 0..60 {
        let text = document(1, case).to_string();
        if let Err(e) = codegen::parse(&text) {
            panic!("document {case} does not parse: {e}\n{text}");
        }
    }
}

#[test]
fn documents_cover_the_adversarial_constructs() {
    let expected = [
        "swagger 2.0",
        "openapi 3.0",
        "openapi 3.1",
        "openapi 3.2",
        "keyword name",
        "type named like generated code",
        "operation named like generated code",
        "names colliding after case conversion",
        "name starting with a digit",
        "empty name",
        "non-ASCII name",
        "parameter named like a local",
        "one name in path, query, header and cookie",
        "deep nesting",
        "union of unions",
        "anyOf with primitives",
        "empty schema",
        "nullable",
        "recursive type",
        "mutually recursive types",
        "enum values colliding after conversion",
        "integer enum with negative values",
        "required nullable field",
        "additionalProperties",
        "array of arrays",
        "several 2xx responses",
        "many error statuses",
        "binary body",
        "text body",
        "form body",
        "multipart body",
        "deepObject parameter",
        "content parameter",
        "server variables",
        "api key scheme",
        "basic scheme",
        "bearer scheme",
        "other http scheme",
        "mutual TLS scheme",
        "oauth2 scheme",
        "security scheme given as a ref",
        "requirement of several schemes",
        "optional path parameter",
        "response without description",
        "3.0-style ref in a 2.0 document",
        "callback given as a ref",
        "tuple items",
        "prefixItems tuple",
        "list of types",
        "boolean schema",
        "nested definitions holding themselves",
        "webhooks only",
        "schemas in another file",
    ];
    let mut found = BTreeSet::new();
    for case in 0..40 {
        found.extend(constructs(&document(1, case)));
        if super::files::files(1, case).len() > 1 {
            found.insert("schemas in another file");
        }
    }
    let missing: Vec<&str> = expected.iter().copied().filter(|c| !found.contains(c)).collect();
    assert!(missing.is_empty(), "40 documents of seed 1 lack: {missing:?}");
}

/// The documents are aimed at code generation, not at the loader: most of them generate, and
/// none fails inside the generator.
#[test]
fn most_documents_generate() {
    let mut refused = Vec::new();
    for case in 0..40 {
        let doc = codegen::parse(&document(1, case).to_string()).expect("parses");
        match codegen::generate(&doc, &codegen::Options::module("doc.json", "doc")) {
            Ok(_) => {}
            Err(e @ codegen::Error::Internal { .. }) => panic!("document {case}: {e}"),
            Err(e) => refused.push(format!("{case}: {e}")),
        }
    }
    assert!(refused.len() <= 8, "{} of 40 documents refused:\n{}", refused.len(), refused.join("\n"));
}

#[test]
fn file_names() {
    assert_eq!(case_of("src/doc_12/types.rs"), Some(12));
    assert_eq!(case_of("/abs/crate/src/doc_3/builder.rs"), Some(3));
    assert_eq!(case_of("src/runtime/params.rs"), None);
    assert_eq!(case_of("src/doc_x/mod.rs"), None);
}
