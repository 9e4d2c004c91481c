//! Golden tests: each fixture in `tests/fixtures/` generates exactly the files under
//! `tests/golden/<fixture>/`. After an intended change to the output, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test -p codegen --test golden` and review the diff.
//! usage-client's `golden_compile` test compiles these files and runs them against a local server.

use std::fs;
use std::path::{Path, PathBuf};

const COMMAND: &str = "UPDATE_GOLDEN=1 cargo test -p codegen --test golden";

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = fs::read_dir(tests_dir().join("fixtures"))
        .expect("tests/fixtures exists")
        .map(|e| e.expect("readable fixture entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .map(|p| (p.file_stem().and_then(|s| s.to_str()).expect("UTF-8 fixture name").to_owned(), p))
        .collect();
    found.sort();
    assert!(found.len() >= 3, "expected the fixtures, found {found:?}");
    found
}

fn generate(name: &str, path: &Path) -> codegen::Output {
    let text = fs::read_to_string(path).expect("readable fixture");
    let doc = codegen::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let source = format!("codegen/tests/fixtures/{}", path.file_name().and_then(|f| f.to_str()).unwrap_or_default());
    let options = codegen::Options::module(source, name).command(COMMAND);
    codegen::generate(&doc, &options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn fixtures_generate_their_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for (name, path) in fixtures() {
        let output = generate(&name, &path);
        let dir = tests_dir().join("golden").join(&name);
        for file in &output.files {
            let golden = dir.join(&file.path);
            let expected = fs::read_to_string(&golden).unwrap_or_default();
            if expected != file.contents {
                if update {
                    fs::create_dir_all(&dir).expect("create golden dir");
                    fs::write(&golden, &file.contents).expect("write golden file");
                } else {
                    let diff = similar::TextDiff::from_lines(&expected, &file.contents)
                        .unified_diff()
                        .context_radius(2)
                        .header("golden", "generated")
                        .to_string();
                    stale.push(format!(
                        "{}:\n{}",
                        golden.display(),
                        diff.lines().take(40).collect::<Vec<_>>().join("\n")
                    ));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated code differs from the golden files (run `{COMMAND}` if intended):\n{}",
        stale.join("\n\n")
    );
}

#[test]
fn generation_is_deterministic() {
    for (name, path) in fixtures() {
        let first = generate(&name, &path);
        let second = generate(&name, &path);
        assert_eq!(first, second, "{name}: two runs differ");
    }
}

#[test]
fn every_file_starts_with_the_generated_header() {
    for (name, path) in fixtures() {
        for file in generate(&name, &path).files {
            let first = file.contents.lines().next().unwrap_or_default();
            assert!(first.starts_with(codegen::GENERATED_MARKER), "{name}/{}: {first}", file.path);
            assert!(first.contains("Do not edit"), "{name}/{}: {first}", file.path);
            assert!(first.contains(&format!("codegen/tests/fixtures/{name}.yaml")), "{first}");
        }
    }
}

/// Facts about the output that a golden diff would show but a reviewer might miss.
#[test]
fn models_follow_the_schema_rules() {
    let (name, path) = fixtures().into_iter().find(|(n, _)| n == "models").expect("models fixture");
    let output = generate(&name, &path);
    let types = &output.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents;
    // Required fields are plain, optional ones `Option` and skipped when `None`.
    assert!(types.contains("pub items: Vec<Record>,"));
    assert!(types.contains("pub kind: Kind,"));
    assert!(types.contains("pub ratio: Option<f32>,"));
    assert!(types.contains("pub score: Option<f64>,"));
    assert!(types.contains("pub created_at: Option<chrono::DateTime<chrono::Utc>>,"));
    assert!(types.contains("pub day: Option<chrono::NaiveDate>,"));
    assert!(types.contains("pub r#ref: Option<uuid::Uuid>,"));
    assert!(types.contains("pub matrix: Option<Vec<Vec<i64>>>,"));
    assert!(types.contains("pub extra: Option<serde_json::Value>,"));
    assert!(types.contains("pub total: Option<i32>,"));
    assert!(types.contains("pub by_kind: Option<std::collections::BTreeMap<String, i64>>,"));
    assert!(types.contains("pub type Labels = std::collections::BTreeMap<String, String>;"));
    assert!(types.contains("pub type Ids = Vec<String>;"));
    // allOf merges the referenced schema's fields first.
    let record = &types[types.find("pub struct Record {").expect("Record")..];
    let id = record.find("pub id: String").expect("id merged from Base");
    assert!(id < record.find("pub kind: Kind").expect("kind"));
    // Inline schemas are named by where they sit.
    assert!(types.contains("pub struct RecordPageLinks {"));
    assert!(types.contains("pub struct RecordPageSummary {"));
    assert!(types.contains("pub enum RecordStatus {"));
    // Open enums, and no invented defaults.
    assert!(types.contains("Unknown(String),"));
    assert!(!types.contains("#[derive(Clone, Debug, Default, PartialEq)]\n#[non_exhaustive]\npub struct Record {"));
    assert!(types
        .contains("#[derive(Clone, Debug, Default, PartialEq)]\n#[non_exhaustive]\npub struct RecordPageSummary {"));
    // JSON by wire name, written out in `serde_impls.rs` (none in `types.rs`): absent optional
    // fields are not sent, a missing required one is an error.
    let impls = &output.files.iter().find(|f| f.path == "serde_impls.rs").expect("serde_impls.rs").contents;
    assert!(!types.contains("impl Serialize") && !types.contains("Deserialize<'de> for"), "{types}");
    assert!(impls.contains("use super::types::*;"));
    assert!(impls.contains("impl Serialize for Record {") && impls.contains("impl<'de> Deserialize<'de> for Record {"));
    assert!(impls.contains("\"kind\" => field3 = Some(map.next_value()?),"), "{impls}");
    assert!(impls.contains("serde::de::Error::missing_field(\"kind\")"));
    // Forward compatible: built from the required fields, the optional ones set one by one.
    assert!(types.contains("pub fn new(id: impl Into<String>, kind: Kind) -> Self {"), "{types}");
    assert!(types.contains("pub fn with_ratio(mut self, value: f32) -> Self {"));
    // Document prose is made safe for rustdoc.
    assert!(types.contains("\\[brackets\\]"));
    assert!(types.contains("<https://example.test/docs>"));
    // `additionalProperties: true` beside properties keeps the rest.
    assert!(types.contains("pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,"));
    assert!(impls.contains("rest.insert(key.into_owned(), map.next_value()?);"));
}

/// A document with `types` schemas (each holding the next, some with an enum) and `operations`
/// operations with documented errors: more than one piece of `types.rs` each, for rendering.
fn many_types_and_operations(types: usize, operations: usize) -> String {
    let schemas: serde_json::Map<String, serde_json::Value> = (0..types)
        .map(|i| {
            let next = serde_json::json!({"$ref": format!("#/components/schemas/T{}", (i + 1) % types)});
            let schema = serde_json::json!({"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "next": next, "kind": {"type": "string", "enum": ["a", format!("k{i}")]}}});
            (format!("T{i}"), schema)
        })
        .collect();
    let paths: serde_json::Map<String, serde_json::Value> = (0..operations)
        .map(|i| {
            let body = |schema: String| serde_json::json!({"application/json": {"schema": {"$ref": schema}}});
            let op = serde_json::json!({"get": {"operationId": format!("op{i}"), "responses": {
                "200": {"description": "ok", "content": body(format!("#/components/schemas/T{}", i % types))},
                "404": {"description": "missing", "content": body("#/components/schemas/T0".to_owned())}}}});
            (format!("/r{i}"), op)
        })
        .collect();
    serde_json::json!({"openapi": "3.0.3", "info": {"title": "Many", "version": "1"}, "paths": paths,
        "components": {"schemas": schemas}})
    .to_string()
}

/// `render` splits the work into pieces over every core; the result must be what the single-threaded stages
/// ([`codegen::render::tokens`] then [`codegen::render::format_files`]) produce, in the same order,
/// every time.
#[test]
fn threaded_rendering_matches_the_sequential_stages() {
    let specs = fixtures().into_iter().chain(
        ["thousandeyes", "acronis"]
            .map(|name| (name.to_owned(), Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../spec/{name}.yaml")))),
    );
    let texts = specs
        .map(|(name, path)| (name, fs::read_to_string(&path).expect("readable spec")))
        .chain([("many".to_owned(), many_types_and_operations(150, 120))]);
    for (name, text) in texts {
        let doc = codegen::parse(&text).expect("parses");
        let (api, _) = codegen::lower::lower(&doc).expect("lowers");
        let names = codegen::names::names(&api);
        for standalone in [false, true] {
            let options =
                codegen::Options { standalone, ..codegen::Options::module(name.clone(), "x").command("test") };
            let sequential = codegen::render::format_files(
                codegen::render::tokens(&api, &names, &options).expect("tokens"),
                &options,
            )
            .expect("formats");
            let paths: Vec<&str> = sequential.iter().map(|f| f.path.as_str()).collect();
            let root = if standalone { "lib.rs" } else { "mod.rs" };
            // `serde_impls.rs` unless every type is an alias (the `security` fixture has none).
            let serde = api.types.iter().any(|t| !matches!(t.kind, codegen::model::TypeKind::Alias(_)));
            let expected: Vec<&str> = [root, "types.rs"]
                .into_iter()
                .chain(serde.then_some("serde_impls.rs"))
                .chain(["client.rs", "builder.rs", "mock.rs"])
                .collect();
            assert_eq!(paths, expected, "{name}");
            for _ in 0..3 {
                assert_eq!(codegen::render::render(&api, &names, &options).expect("renders"), sequential, "{name}");
            }
        }
    }
}
