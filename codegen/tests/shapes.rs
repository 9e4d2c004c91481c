//! Rules on the shape of the model, checked over every real document we have (`../shared/specs`
//! and `../shared/corpus` beside the checkout; skipped when absent) and our fixtures.
//!
//! A struct without fields accepts any object and nothing else: it may only come from a schema
//! that describes an object (`type: object`, an `allOf` of objects) and lists no properties. A
//! string, a nullable union or a tuple lowered to one would reject every value it stands for.

use std::path::{Path, PathBuf};

use codegen::model::TypeKind;
use serde_json::Value;

/// A directory as a [`codegen::Source`].
struct Dir(PathBuf);

impl codegen::Source for Dir {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }
}

const ROOTS: &[&str] = &["openapi.yaml", "openapi.yml", "openapi.json"];

/// The documents under `dir` as `cargo xtask corpus` finds them: a folder with an `openapi.*`
/// file is one multi-file document; any other YAML or JSON file with a top-level `openapi` or
/// `swagger` key is one.
fn documents(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Some(root) = ROOTS.iter().map(|f| dir.join(f)).find(|p| p.is_file()) {
        out.push(root);
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            documents(&path, out);
        } else if path.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let head: String = text.lines().filter(|l| !l.starts_with([' ', '\t'])).take(400).collect();
            if head.contains("openapi") || head.contains("swagger") {
                out.push(path);
            }
        }
    }
}

fn all_documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["../../shared/specs", "../../shared/corpus", "tests/fixtures"] {
        documents(&root.join(dir), &mut out);
    }
    out
}

/// Keys that describe no kind of value.
fn is_annotation(key: &str) -> bool {
    key.starts_with("x-")
        || matches!(
            key,
            "description"
                | "title"
                | "example"
                | "examples"
                | "deprecated"
                | "readOnly"
                | "writeOnly"
                | "nullable"
                | "default"
                | "externalDocs"
                | "discriminator"
                | "xml"
        )
}

/// Whether `schema` (in the loaded document `raw`) describes an object and nothing else.
fn is_object_schema(raw: &Value, schema: &Value, depth: usize) -> bool {
    let Some(object) = schema.as_object() else { return false };
    if depth > 16 {
        return true;
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let target = reference.strip_prefix('#').and_then(|p| raw.pointer(p));
        return target.is_some_and(|t| is_object_schema(raw, t, depth + 1));
    }
    if object.contains_key("enum") || object.contains_key("oneOf") || object.contains_key("anyOf") {
        return false;
    }
    match object.get("type") {
        Some(Value::String(t)) => return t == "object",
        Some(_) => return false,
        None => {}
    }
    if ["properties", "additionalProperties", "required"].iter().any(|k| object.contains_key(*k)) {
        return true;
    }
    let Some(Value::Array(members)) = object.get("allOf") else { return false };
    let annotation_only = |m: &Value| m.as_object().is_some_and(|o| o.keys().all(|k| is_annotation(k)));
    let typed: Vec<&Value> = members.iter().filter(|m| !annotation_only(m)).collect();
    !typed.is_empty() && typed.iter().all(|m| is_object_schema(raw, m, depth + 1))
}

#[test]
fn a_struct_without_fields_comes_only_from_an_object_schema_without_properties() {
    let documents = all_documents();
    let mut empty = 0;
    let mut failures = Vec::new();
    for path in &documents {
        let (dir, file) = (path.parent().expect("a directory"), path.file_name().expect("a file").to_string_lossy());
        let lowered = codegen::load(&file, &Dir(dir.to_path_buf()))
            .and_then(|doc| codegen::lower::lower(&doc).map(|(api, _)| (doc, api)));
        let (doc, api) = match lowered {
            Ok(lowered) => lowered,
            Err(e) => {
                failures.push(format!("{}: does not lower: {e}", path.display()));
                continue;
            }
        };
        for def in &api.types {
            let TypeKind::Struct(s) = &def.kind else { continue };
            if !s.fields.is_empty() || s.additional.is_some() {
                continue;
            }
            empty += 1;
            let schema = doc.raw.pointer(&def.pointer).unwrap_or(&Value::Null);
            if !is_object_schema(&doc.raw, schema, 0) {
                failures.push(format!("{}: {} {}", path.display(), doc.original(&def.pointer), schema));
            }
        }
    }
    eprintln!("{} documents, {empty} structs without fields", documents.len());
    assert!(failures.is_empty(), "structs without fields from schemas that are not objects:\n{}", failures.join("\n"));
}
