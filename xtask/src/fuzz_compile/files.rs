//! Documents of several files: sometimes a 3.x document's component schemas move to a file of
//! their own beside it, and every reference to them (a `$ref`, a discriminator `mapping` value)
//! is rewritten to point there, so the loader's bundling is fuzzed too.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::words::Rng;

const COMPONENTS: &str = "#/components/schemas/";

/// The files of case `index`: the root document first (`doc_{index}.json`), then any other.
pub fn files(seed: u64, index: usize) -> Vec<(String, Value)> {
    let root = format!("doc_{index}.json");
    let mut doc = super::document(seed, index);
    // A stream of its own: the document is the same whether or not it is split.
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5EED);
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).filter(|s| !s.is_empty());
    if doc.get("openapi").is_none() || schemas.is_none() || !rng.one_in(5) {
        return vec![(root, doc)];
    }
    let other = format!("doc_{index}.schemas.json");
    let Some(Value::Object(mut moved)) = doc["components"].as_object_mut().and_then(|c| c.remove("schemas")) else {
        return vec![(root, doc)];
    };
    rewrite(&mut doc, &format!("{other}#/"));
    // Its keys are names (`$ref`, `example`… are fair component names), its values schemas.
    for schema in moved.values_mut() {
        rewrite(schema, "#/");
    }
    vec![(root, doc), (other, Value::Object(moved))]
}

/// Points every reference to a component schema at `base` + the rest of its pointer.
fn rewrite(value: &mut Value, base: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                if let Some(rest) = target.strip_prefix(COMPONENTS) {
                    *target = format!("{base}{rest}");
                }
            }
            if let Some(Value::Object(mapping)) = map.get_mut("mapping").filter(|m| is_mapping(m)) {
                rewrite_mapping(mapping, base);
            }
            for (key, child) in map.iter_mut() {
                let data = matches!(key.as_str(), "example" | "examples" | "default" | "enum" | "const");
                // A `$ref` or `mapping` that is an object is a property called so.
                let reference = (key == "$ref" && child.is_string()) || (key == "mapping" && is_mapping(child));
                if !data && !reference {
                    rewrite(child, base);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite(item, base)),
        _ => {}
    }
}

/// A discriminator's `mapping`: an object of strings (not a property called `mapping`).
fn is_mapping(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.values().all(Value::is_string))
}

/// A mapping value is a reference, or a bare component name.
fn rewrite_mapping(mapping: &mut Map<String, Value>, base: &str) {
    for target in mapping.values_mut() {
        let Value::String(text) = target else { continue };
        if let Some(rest) = text.strip_prefix(COMPONENTS) {
            *text = format!("{base}{rest}");
        } else if !text.contains('#') && !text.contains('/') {
            *text = format!("{base}{}", super::schema::fragment(text));
        }
    }
}

/// The files as the loader reads them.
pub struct Files(pub BTreeMap<String, String>);

impl codegen::Source for Files {
    fn read(&self, path: &str) -> Result<String, String> {
        let path = path.strip_prefix("./").unwrap_or(path);
        self.0.get(path).cloned().ok_or_else(|| format!("no file {path}"))
    }
}
