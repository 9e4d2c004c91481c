//! Never a panic, on any input: every document we have (our specs, the fixtures, and the shared
//! corpus of real specs when it is beside the checkout) is mutated at random, with a fixed seed,
//! and run through the whole generator. Each input must end in output or in an `Error` that is not
//! `Internal` (the generator turns its own panics into `Internal`). Mutated documents that load are
//! also compared with their original both ways by `codegen::diff`, with constraint keywords of any
//! type sprinkled in: no panic.
//!
//! `FUZZ_CASES=N` sets the mutated inputs per document (default 12); run many in release:
//! `FUZZ_CASES=400 cargo test --release -p codegen --test fuzz -- --nocapture`.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let mut found = Vec::new();
    for dir in [root.join("spec"), root.join("codegen/tests/fixtures"), root.join("../shared/specs")] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            found.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")),
            );
        }
    }
    found.sort();
    found
}

/// A path from the root to some node, chosen by a random walk that stops at each level with
/// probability 1/4.
fn random_path(value: &Value, rng: &mut Rng) -> Vec<Value> {
    let mut path = Vec::new();
    let mut node = value;
    loop {
        if rng.below(4) == 0 && !path.is_empty() {
            return path;
        }
        match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).expect("in range").clone();
                node = &map[&key];
                path.push(Value::String(key));
            }
            Value::Array(items) if !items.is_empty() => {
                let index = rng.below(items.len());
                node = &items[index];
                path.push(json!(index));
            }
            _ => return path,
        }
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    let mut node = value;
    for step in path {
        node = match step {
            Value::String(key) => &mut node[key.as_str()],
            Value::Number(i) => &mut node[i.as_u64().unwrap_or(0) as usize],
            _ => unreachable!("paths hold keys and indices"),
        };
    }
    node
}

const WORDS: &[&str] = &[
    "",
    "type",
    "self",
    "Self",
    "crate",
    "r#type",
    "2fa",
    "ünïcode",
    "a b",
    "-",
    "_links",
    "links",
    "Unknown",
    "null",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "#/components/schemas/Missing",
    "#/paths/x",
    "{id}",
    "/x/{y}",
    "application/json",
    "text/plain",
    "multipart/form-data",
    "form",
    "deepObject",
    "header",
];

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.below(1000) as i64 - 500),
        3 => json!(1e300),
        4 => json!(-0.5),
        5 => json!(u64::MAX),
        _ => json!(*rng.pick(WORDS)),
    }
}

/// One random change; returns a description for the failure report.
fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let path = random_path(doc, rng);
    let shown = path.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("/");
    let donor_path = random_path(doc, rng);
    let donor = node_mut(doc, &donor_path).clone();
    let node = node_mut(doc, &path);
    match rng.below(9) {
        0 => {
            if let Value::Object(map) = node {
                if let Some(key) = map.keys().nth(rng.below(map.len().max(1))).cloned() {
                    map.remove(&key);
                    return format!("remove {shown}/{key}");
                }
            }
            *node = Value::Null;
            format!("null at {shown}")
        }
        1 => {
            *node = random_scalar(rng);
            format!("scalar {node} at {shown}")
        }
        2 => {
            *node = if rng.below(2) == 0 { json!({}) } else { json!([]) };
            format!("empty container at {shown}")
        }
        3 => {
            *node = donor;
            format!("copy of another node at {shown}")
        }
        4 => {
            let target = *rng.pick(&["#/components/schemas/Missing", "#/components/schemas/", "#", "x", "#/paths"]);
            *node = json!({ "$ref": target });
            format!("$ref {target} at {shown}")
        }
        5 => {
            if let Value::Object(map) = node {
                if let Some(key) = map.keys().nth(rng.below(map.len().max(1))).cloned() {
                    let value = map.remove(&key).unwrap_or(Value::Null);
                    let new_key = rng.pick(WORDS).to_string();
                    map.insert(new_key.clone(), value);
                    return format!("rename {shown}/{key} to {new_key:?}");
                }
            }
            format!("nothing to rename at {shown}")
        }
        6 => {
            let ty = *rng.pick(&["string", "integer", "number", "boolean", "array", "object", "null", "weird"]);
            if let Value::Object(map) = node {
                map.insert("type".into(), json!(ty));
            }
            format!("type {ty} at {shown}")
        }
        7 => {
            let keyword =
                *rng.pick(&["oneOf", "anyOf", "allOf", "enum", "items", "additionalProperties", "discriminator"]);
            if let Value::Object(map) = node {
                map.insert(keyword.into(), json!([donor, {"$ref": "#/components/schemas/Missing"}, {"type": "null"}]));
            }
            format!("{keyword} at {shown}")
        }
        _ => {
            if let Value::Array(items) = node {
                items.reverse();
                items.push(donor);
            }
            format!("reorder and grow the array at {shown}")
        }
    }
}

#[test]
fn mutated_documents_never_panic() {
    let cases: usize = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(12);
    let options = codegen::Options::module("fuzz.yaml", "fuzz");
    // Keep the report readable: panics are reported through `Error::Internal`, not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let (mut ran, mut generated, mut rejected) = (0usize, 0usize, 0usize);
    let documents = inputs();
    assert!(documents.len() >= 5, "inputs: {documents:?}");
    for (n, path) in documents.iter().enumerate() {
        let text = std::fs::read_to_string(path).expect("readable input");
        // The document as written (Swagger 2.0, 3.0, 3.1, 3.2): mutations reach the converters too.
        codegen::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let base = codegen::load::parse_text(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in 0..cases {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((n as u64) << 32 | case as u64));
            let mut doc = base.clone();
            let changes: Vec<String> = (0..1 + rng.below(4)).map(|_| mutate(&mut doc, &mut rng)).collect();
            ran += 1;
            let result = codegen::load::from_value(doc).and_then(|d| codegen::generate(&d, &options));
            match result {
                Ok(_) => generated += 1,
                Err(codegen::Error::Internal { message }) => failures.push(format!(
                    "{} case {case}: {message}\n    after: {}",
                    path.display(),
                    changes.join("; ")
                )),
                Err(_) => rejected += 1,
            }
        }
    }
    let _ = std::panic::take_hook();
    eprintln!(
        "fuzz: {ran} mutated documents: {generated} generated, {rejected} rejected with an error, {} internal errors",
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {ran} inputs hit a generator bug:\n{}", failures.len(), failures.join("\n"));
}

/// The keywords `cargo xtask diff` reads from the raw document beside what lowering reads.
const CONSTRAINTS: &[&str] = &[
    "maximum",
    "exclusiveMaximum",
    "minLength",
    "maxItems",
    "pattern",
    "multipleOf",
    "enum",
    "default",
    "if",
    "contains",
    "dependentRequired",
    "contentEncoding",
    "prefixItems",
    "uniqueItems",
];

#[test]
fn mutated_documents_compare_without_panicking() {
    let cases: usize = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(12) / 2;
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut compared = 0usize;
    for (n, path) in inputs().iter().enumerate() {
        let text = std::fs::read_to_string(path).expect("readable input");
        let base = codegen::load::parse_text(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Ok(original) = codegen::load::from_value(base.clone()) else { continue };
        for case in 0..cases {
            let mut rng = Rng(0xA076_1D64_78BD_642F ^ ((n as u64) << 32 | case as u64));
            let mut doc = base.clone();
            let mut changes: Vec<String> = (0..1 + rng.below(3)).map(|_| mutate(&mut doc, &mut rng)).collect();
            // Constraint keywords with values of any type, where the diff reads them.
            for _ in 0..1 + rng.below(4) {
                let at = random_path(&doc, &mut rng);
                let keyword = *rng.pick(CONSTRAINTS);
                let value = match rng.below(3) {
                    0 => random_scalar(&mut rng),
                    1 => json!([random_scalar(&mut rng), random_scalar(&mut rng)]),
                    _ => json!({ "type": "string", "maxLength": random_scalar(&mut rng) }),
                };
                if let Value::Object(map) = node_mut(&mut doc, &at) {
                    changes.push(format!("{keyword} = {value} at {at:?}"));
                    map.insert(keyword.into(), value);
                }
            }
            let Ok(mutated) = codegen::load::from_value(doc) else { continue };
            compared += 1;
            for (old, new) in [(&original, &mutated), (&mutated, &original)] {
                let outcome = std::panic::catch_unwind(|| {
                    codegen::diff::diff(old, new, "fuzz").map(|r| (r.to_markdown().len(), r.to_compact().len()))
                });
                if outcome.is_err() {
                    failures.push(format!(
                        "{} case {case}: the diff panicked\n    after: {}",
                        path.display(),
                        changes.join("; ")
                    ));
                }
            }
        }
    }
    let _ = std::panic::take_hook();
    eprintln!("fuzz: {compared} mutated documents compared both ways");
    assert!(compared > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Files in memory, as a [`codegen::Source`].
struct Files(std::collections::HashMap<String, String>);

impl codegen::Source for Files {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0.get(path).cloned().ok_or_else(|| format!("no file {path}"))
    }
}

#[test]
fn mutated_multi_file_documents_never_panic() {
    let cases: usize = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(12) * 4;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multifile");
    let mut files = std::collections::HashMap::new();
    for sub in ["", "schemas", "paths"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("fixture dir").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_file() {
                let name = if sub.is_empty() {
                    entry.file_name().to_string_lossy().into_owned()
                } else {
                    format!("{sub}/{}", entry.file_name().to_string_lossy())
                };
                files.insert(name, std::fs::read_to_string(&path).expect("readable"));
            }
        }
    }
    let mut names: Vec<String> = files.keys().filter(|n| n.ends_with(".yaml")).cloned().collect();
    names.sort();
    let options = codegen::Options::module("fuzz/openapi.yaml", "fuzz");
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ case as u64);
        let mut mutated = files.clone();
        let name = &names[rng.below(names.len())];
        let mut doc = codegen::load::parse_text(&files[name]).expect("fixture parses");
        let changes: Vec<String> = (0..1 + rng.below(3)).map(|_| mutate(&mut doc, &mut rng)).collect();
        mutated.insert(name.clone(), serde_json::to_string(&doc).expect("serializes"));
        let result = codegen::load("openapi.yaml", &Files(mutated)).and_then(|d| codegen::generate(&d, &options));
        if let Err(codegen::Error::Internal { message }) = result {
            failures.push(format!("{name} case {case}: {message}\n    after: {}", changes.join("; ")));
        }
    }
    let _ = std::panic::take_hook();
    assert!(failures.is_empty(), "{} of {cases} inputs hit a generator bug:\n{}", failures.len(), failures.join("\n"));
}
