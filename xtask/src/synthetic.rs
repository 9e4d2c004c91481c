//! A large OpenAPI document made of real ones, for benchmarks: `copies` copies of every input
//! document side by side, each copy's paths, operation ids, components and security schemes
//! prefixed so nothing collides. The vendor's unified 300-operation specs are not in the corpus;
//! this gives a document of that size whose every part is real API text.

use serde_json::{Map, Value};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// How many operations a document (as a JSON value) declares.
pub fn operation_count(doc: &Value) -> usize {
    doc.get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| paths.values().map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count()).sum())
}

/// Merges `copies` copies of `docs` (name, document) into one OpenAPI 3.0 document titled `title`.
/// Copy `k` of document `i` lives under the path prefix `/c{k}/d{i}` and its names under the
/// prefix `C{k}D{i}`.
pub fn merge(docs: &[(String, Value)], copies: usize, title: &str) -> Result<Value, String> {
    let mut paths = Map::new();
    let mut components: Map<String, Value> = Map::new();
    for k in 0..copies {
        for (i, (name, doc)) in docs.iter().enumerate() {
            let version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default();
            if !version.starts_with("3.0") {
                return Err(format!("{name}: OpenAPI {version:?}; the synthetic document merges 3.0 documents only"));
            }
            let prefix = format!("C{k}D{i}");
            let mut doc = doc.clone();
            rename_refs(&mut doc, &prefix);
            for (path, mut item) in doc.get("paths").and_then(Value::as_object).cloned().unwrap_or_default() {
                if let Some(item) = item.as_object_mut() {
                    for method in METHODS {
                        if let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) {
                            if let Some(Value::String(id)) = op.get_mut("operationId") {
                                *id = format!("{prefix}_{id}");
                            }
                            if let Some(security) = op.get_mut("security") {
                                rename_security(security, &prefix);
                            }
                        }
                    }
                }
                paths.insert(format!("/c{k}/d{i}{path}"), item);
            }
            for (kind, members) in doc.pointer("/components").and_then(Value::as_object).cloned().unwrap_or_default() {
                let Value::Object(members) = members else { continue };
                let merged = components.entry(kind).or_insert_with(|| Value::Object(Map::new()));
                let Some(merged) = merged.as_object_mut() else { continue };
                for (member, value) in members {
                    merged.insert(format!("{prefix}{member}"), value);
                }
            }
        }
    }
    let mut out = Map::new();
    out.insert("openapi".into(), "3.0.3".into());
    out.insert("info".into(), serde_json::json!({ "title": title, "version": "1.0.0" }));
    out.insert("servers".into(), serde_json::json!([{ "url": "https://api.example.invalid" }]));
    out.insert("paths".into(), Value::Object(paths));
    out.insert("components".into(), Value::Object(components));
    Ok(Value::Object(out))
}

/// Points every `#/components/<kind>/<name>` reference (and discriminator mapping) at the
/// prefixed name. The prefix is alphanumeric, so it needs no JSON-pointer escaping.
fn rename_refs(value: &mut Value, prefix: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => *target = renamed(target, prefix),
                    ("mapping", Value::Object(mapping)) => {
                        for target in mapping.values_mut() {
                            if let Value::String(target) = target {
                                *target = if target.starts_with("#/") {
                                    renamed(target, prefix)
                                } else {
                                    format!("{prefix}{target}")
                                };
                            }
                        }
                    }
                    (_, child) => rename_refs(child, prefix),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_refs(item, prefix)),
        _ => {}
    }
}

fn renamed(reference: &str, prefix: &str) -> String {
    let Some(rest) = reference.strip_prefix("#/components/") else { return reference.to_owned() };
    match rest.split_once('/') {
        Some((kind, name)) => format!("#/components/{kind}/{prefix}{name}"),
        None => reference.to_owned(),
    }
}

/// Security requirements name schemes by key, not by reference.
fn rename_security(security: &mut Value, prefix: &str) {
    if let Value::Array(requirements) = security {
        for requirement in requirements {
            if let Value::Object(schemes) = requirement {
                *schemes = std::mem::take(schemes).into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)).collect();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> (String, Value) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        (name.to_owned(), codegen::parse(&text).unwrap().raw)
    }

    #[test]
    fn copies_of_real_specs_merge_into_one_that_generates() {
        let docs = vec![spec("thousandeyes.yaml"), spec("acronis.yaml")];
        let each: usize = docs.iter().map(|(_, d)| operation_count(d)).sum();
        assert_eq!(each, 8 + 8);
        let merged = merge(&docs, 3, "Synthetic").unwrap();
        assert_eq!(operation_count(&merged), 3 * each);
        // Every reference points at a component that exists.
        let text = merged.to_string();
        for reference in text.split("\"$ref\":\"").skip(1).map(|r| &r[..r.find('"').unwrap()]) {
            assert!(merged.pointer(&reference[1..]).is_some(), "dangling {reference}");
        }
        let doc = codegen::load::from_value(merged).unwrap();
        let options = codegen::Options::standalone("synthetic.json", "synthetic");
        let output = codegen::generate(&doc, &options).unwrap();
        let client = &output.files.iter().find(|f| f.path == "client.rs").unwrap().contents;
        let fns: Vec<&str> = client.lines().filter(|l| l.contains("pub fn ") && l.contains("get_report")).collect();
        assert!(client.contains("pub fn c2d1_get_report("), "operation ids are prefixed per copy: {fns:?}");
        let types = &output.files.iter().find(|f| f.path == "types.rs").unwrap().contents;
        let structs: Vec<&str> = types.lines().filter(|l| l.contains("TestsUsage")).collect();
        assert!(types.contains("pub struct C1d0TestsUsage "), "component names are prefixed per copy: {structs:?}");
    }

    #[test]
    fn only_openapi_30_documents_merge() {
        let doc = serde_json::json!({ "openapi": "3.1.0", "paths": {} });
        let error = merge(&[("x.json".into(), doc)], 1, "Synthetic").unwrap_err();
        assert!(error.contains("x.json"), "{error}");
    }
}
