//! The load stage end to end: multi-file documents (and their bundled twin), Swagger 2.0 and
//! OpenAPI 3.2 pointers in errors and warnings, `$ref`s to any JSON pointer, and the leniency
//! fixes, each with the pointer it must name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Files in memory, as a [`codegen::Source`].
struct Files(HashMap<String, String>);

impl codegen::Source for Files {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0.get(path).cloned().ok_or_else(|| format!("no file {path}"))
    }
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multifile")
}

/// Every file of the multi-file fixture, by its path relative to the fixture's directory.
fn multifile() -> HashMap<String, String> {
    fn walk(dir: &Path, base: &Path, out: &mut HashMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let relative = path.strip_prefix(base).expect("under base").to_string_lossy().replace('\\', "/");
                out.insert(relative, std::fs::read_to_string(&path).expect("readable"));
            }
        }
    }
    let mut out = HashMap::new();
    walk(&fixture_dir(), &fixture_dir(), &mut out);
    out
}

fn options() -> codegen::Options {
    codegen::Options::module("spec/shop/openapi.yaml", "shop")
}

fn generate_files(files: HashMap<String, String>) -> Result<codegen::Output, codegen::Error> {
    let doc = codegen::load("openapi.yaml", &Files(files))?;
    codegen::generate(&doc, &options())
}

fn generate(text: &str) -> Result<codegen::Output, codegen::Error> {
    codegen::generate(&codegen::parse(text)?, &options())
}

#[test]
fn a_split_document_and_its_bundled_twin_give_the_same_client_byte_for_byte() {
    let split = generate_files(multifile()).expect("the split document generates");
    let bundled = generate(&multifile()["bundled.yaml"]).expect("the bundled twin generates");
    assert_eq!(split.files.len(), bundled.files.len());
    for (a, b) in split.files.iter().zip(&bundled.files) {
        assert_eq!(a.path, b.path);
        assert!(
            a.contents == b.contents,
            "{} differs:\n{}",
            a.path,
            similar::TextDiff::from_lines(&b.contents, &a.contents).unified_diff()
        );
    }
    let types = &split.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents;
    for name in ["pub struct Customer", "pub struct Order", "pub struct Address", "pub enum Status"] {
        assert!(types.contains(name), "{name} in\n{types}");
    }
}

#[test]
fn errors_in_another_file_name_that_file_and_its_pointer() {
    let mut files = multifile();
    files.insert("schemas/Address.yaml".into(), "type: object\nproperties:\n  street: {type: [1]}\n".into());
    let err = generate_files(files).expect_err("a broken schema file");
    let pointer = err.pointer().expect("a pointer").to_owned();
    assert!(pointer.starts_with("schemas/Address.yaml#/properties/street"), "{err}");
}

#[test]
fn remote_refs_and_refs_leaving_the_root_directory_are_errors_naming_the_pointer() {
    let mut files = multifile();
    files.insert("schemas/Address.yaml".into(), "$ref: 'https://example.com/address.yaml'\n".into());
    let err = generate_files(files).expect_err("remote");
    assert_eq!(err.pointer(), Some("schemas/Address.yaml#/$ref"), "{err}");
    let mut files = multifile();
    files.insert("schemas/Address.yaml".into(), "$ref: '../../secret.yaml'\n".into());
    let err = generate_files(files).expect_err("outside");
    assert!(err.to_string().contains("leaves the root document's directory"), "{err}");
    assert_eq!(err.pointer(), Some("schemas/Address.yaml#/$ref"), "{err}");
}

#[test]
fn a_cycle_of_inlined_objects_is_an_error_naming_the_pointer() {
    let mut files = multifile();
    files.insert("paths/common-responses.yaml".into(), "NotFound:\n  $ref: '#/NotFound'\n".into());
    let err = generate_files(files).expect_err("cycle");
    assert_eq!(err.pointer(), Some("paths/common-responses.yaml#/NotFound/$ref"), "{err}");
}

#[test]
fn a_single_document_parse_refuses_refs_to_other_files_with_the_pointer() {
    let err = generate(&multifile()["openapi.yaml"]).expect_err("no source");
    assert_eq!(err.pointer(), Some("/components/schemas/$ref"), "{err}");
}

const HEAD_20: &str = "swagger: '2.0'\ninfo: {title: T, version: '1'}\n";

#[test]
fn swagger2_errors_and_warnings_name_the_2_0_pointer() {
    let text = format!("{HEAD_20}paths: {{}}\ndefinitions:\n  Foo:\n    type: object\n    properties:\n      list: {{type: array}}\n      x: {{type: string, maxLength: [1]}}\n");
    let err = generate(&text).expect_err("invalid");
    assert!(err.pointer().is_some_and(|p| p.starts_with("/definitions/Foo/properties/x")), "{err}");
    let text = format!("{HEAD_20}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: query, type: array}}\n      responses:\n        '200': {{description: ok, schema: {{type: array}}}}\ndefinitions:\n  Foo:\n    type: object\n    properties:\n      list: {{type: array}}\n");
    let output = generate(&text).expect("generates with warnings");
    let pointers: Vec<&str> = output.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert!(pointers.contains(&"/definitions/Foo/properties/list"), "{pointers:?}");
    assert!(pointers.contains(&"/paths/~1a/get/parameters/0"), "{pointers:?}");
    assert!(pointers.contains(&"/paths/~1a/get/responses/200/schema"), "{pointers:?}");
}

const HEAD_30: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

#[test]
fn refs_to_any_json_pointer_resolve_and_are_lowered_once() {
    let text = format!(
        "{HEAD_30}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  mode: {{type: string, enum: [x, y]}}\n  /b:\n    get:\n      operationId: getB\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/paths/~1a/get/responses/200/content/application~1json/schema'}}\ncomponents:\n  schemas:\n    Tag:\n      allOf:\n        - type: object\n          properties:\n            label: {{type: string}}\n    Holder:\n      type: object\n      properties:\n        tag: {{$ref: '#/components/schemas/Tag/allOf/0'}}\n        mode: {{$ref: '#/paths/~1a/get/responses/200/content/application~1json/schema/properties/mode'}}\n"
    );
    let output = generate(&text).expect("pointer refs resolve");
    let types = &output.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents;
    assert!(types.contains("pub struct TagPart1"), "{types}");
    assert!(types.contains("pub tag: Option<TagPart1>"), "{types}");
    assert!(types.contains("pub mode: Option<GetAResponseMode>"), "{types}");
    // One type for the response schema, however many places reach it.
    assert_eq!(types.matches("pub struct GetAResponse ").count(), 1, "{types}");
    assert!(!types.contains("GetAResponse2"), "{types}");
    let err = generate(&format!("{HEAD_30}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/A/properties/c'}}\n")).expect_err("dangling");
    assert_eq!(err.pointer(), Some("/components/schemas/A/properties/b"), "{err}");
}

#[test]
fn all_of_merging_a_component_reuses_its_inline_types() {
    let text = format!("{HEAD_30}paths: {{}}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      properties:\n        kind: {{type: string, enum: [a, b]}}\n    Child:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            extra: {{type: string}}\n    Other:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n");
    let output = generate(&text).expect("generates");
    let types = &output.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents;
    assert_eq!(types.matches("pub enum BaseKind").count(), 1, "{types}");
    assert!(!types.contains("BaseKind2"), "{types}");
}

#[test]
fn leniency_reads_the_real_worlds_deviations_with_warnings() {
    let text = format!(
        "{HEAD_30}paths:\n  /a:\n    get:\n      operationId: getA\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        n: {{type: integer, minimum: -9223372036854776000, maximum: 1.0e30}}\n        flag: {{type: string, enum: [true, 'no']}}\n        b: {{$ref: '#/components/schemas/B', description: The B of an A., readOnly: true}}\n    B:\n      type: object\n      properties:\n        x: {{type: string}}\n"
    );
    let output = generate(&text).expect("lenient");
    let pointers: Vec<&str> = output.warnings.iter().map(|w| w.pointer.as_str()).collect();
    for expected in [
        "/components/schemas/A/properties/n/minimum",
        "/components/schemas/A/properties/n/maximum",
        "/components/schemas/A/properties/flag/enum/0",
        "/components/schemas/A/properties/b",
        "/paths/~1a/get",
    ] {
        assert!(pointers.contains(&expected), "{expected} in {pointers:?}");
    }
    let types = &output.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents;
    assert!(types.contains("\"true\""), "{types}");
    assert!(types.contains("The B of an A."), "{types}");
}

#[test]
fn openapi_32_constructs_are_mapped() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi32.yaml"))
        .expect("fixture");
    let doc = codegen::parse(&text).expect("3.2 parses");
    let (api, warnings) = codegen::lower::lower(&doc).expect("lowers");
    let methods: Vec<&str> = api.operations.iter().map(|o| o.method.as_str()).collect();
    assert_eq!(methods, ["QUERY", "PURGE", "GET", "GET"]);
    let usage = api.operations.iter().find(|o| o.operation_id.as_deref() == Some("getUsage")).expect("getUsage");
    let content = &usage.responses[0].content[0];
    assert_eq!(content.media_type, "application/jsonl");
    assert!(matches!(content.item, Some(codegen::model::TypeRef::Named(_))), "{content:?}");
    // Streamed item by item now: nothing to warn about.
    assert_eq!(content.sequence(), Some(codegen::model::Sequence::JsonLines));
    assert_eq!(api.stream_item(content), content.item);
    assert!(warnings.iter().all(|w| !w.pointer.starts_with("/paths/~1usage/get/responses")), "{warnings:?}");
    let filter = &usage.parameters[0];
    assert_eq!(
        (filter.location, filter.style, filter.explode),
        (codegen::model::ParamLocation::Query, codegen::model::ParamStyle::Form, true)
    );
}

#[test]
fn refs_inside_example_values_and_extensions_are_data() {
    let mut files = multifile();
    let root = files["openapi.yaml"].replace(
        "components:\n",
        "x-links: {$ref: 'https://example.com/x'}\ncomponents:\n  examples:\n    One:\n      value: {members: [{$ref: 'https://example.com/users/1'}]}\n",
    );
    files.insert("openapi.yaml".into(), root);
    generate_files(files).expect("a $ref inside data is not followed");
}

/// Header names such as `X-Rate-Limit` or `value` and a property called `example` are names,
/// not extensions or example data: the files their `$ref`s name are bundled like any other.
#[test]
fn refs_under_names_that_look_like_keywords_reach_other_files() {
    let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          headers:\n            X-Rate-Limit: {schema: {$ref: './schemas/Count.yaml'}}\n            value: {schema: {$ref: './schemas/Count.yaml'}}\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  example: {$ref: './schemas/Count.yaml'}\n";
    let files: HashMap<String, String> = [
        ("openapi.yaml".to_owned(), root.to_owned()),
        ("schemas/Count.yaml".to_owned(), "type: integer\nformat: int32\n".to_owned()),
    ]
    .into();
    let doc = codegen::load("openapi.yaml", &Files(files)).expect("loads");
    let (api, _) = codegen::lower::lower(&doc).expect("lowers");
    let response = &api.operations[0].responses[0];
    let count = codegen::model::TypeRef::Named(codegen::model::TypeId(0));
    assert_eq!(response.headers.iter().map(|h| h.ty.clone()).collect::<Vec<_>>(), vec![count.clone(), count.clone()]);
    let Some(codegen::model::TypeRef::Named(body)) = &response.content[0].ty else { panic!("a named body") };
    let codegen::model::TypeKind::Struct(body) = &api.type_def(*body).kind else { panic!("a struct") };
    assert_eq!(body.fields[0].ty, count);
}

#[test]
fn a_map_of_properties_given_as_a_ref_to_another_file_is_read_as_that_map() {
    let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Owner:\n      type: object\n      properties: {$ref: './owner-props.yaml'}\n";
    let props = "name: {type: string}\npet: {$ref: './pet.yaml'}\n";
    let pet = "type: object\nproperties:\n  kind: {type: string}\n";
    let files: HashMap<String, String> = [("openapi.yaml", root), ("owner-props.yaml", props), ("pet.yaml", pet)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let output = generate_files(files).expect("generates");
    let warning = output.warnings.iter().find(|w| w.message.contains("given as a $ref")).expect("a warning");
    assert_eq!(warning.pointer, "/components/schemas/Owner");
    let types = &output.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents;
    // The map's own refs resolve against its file: `pet.yaml` becomes a component.
    assert!(types.contains("pub name: Option<String>") && types.contains("pub pet: Option<Pet>"), "{types}");
    assert!(types.contains("pub struct Pet {"), "{types}");
}

#[test]
fn remote_refs_read_local_copies_a_ref_map_names_and_say_how_to_give_one_otherwise() {
    let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'https://schemas.example.test/v1/pet.yaml'}\n";
    let pet = "type: object\nproperties:\n  owner: {$ref: './owner.yaml'}\n";
    let owner = "type: object\nproperties:\n  name: {type: string}\n";
    let files = |root: &str| -> HashMap<String, String> {
        [("openapi.yaml", root), ("mirror/v1/pet.yaml", pet), ("mirror/v1/owner.yaml", owner)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    };

    let refused = codegen::load("openapi.yaml", &Files(files(root))).expect_err("nothing is fetched");
    let message = refused.to_string();
    assert!(message.contains("--ref-map https://schemas.example.test/v1/=DIR"), "{message}");
    assert_eq!(refused.pointer(), Some("/paths/~1pets/get/responses/200/content/application~1json/schema/$ref"));

    let map = [("https://schemas.example.test/v1/".to_owned(), "mirror/v1".to_owned())];
    let doc = codegen::load_mapped("openapi.yaml", &Files(files(root)), &map).expect("read from the copy");
    let output = codegen::generate(&doc, &options()).expect("generates");
    let types = &output.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents;
    assert!(types.contains("pub struct Pet {") && types.contains("pub struct Owner {"), "{types}");

    // The document may carry the map itself, relative to its own directory.
    let carried = format!("x-codegen:\n  ref-map:\n    'https://schemas.example.test/v1/': mirror/v1\n{root}");
    let doc = codegen::load("openapi.yaml", &Files(files(&carried))).expect("read from the copy");
    let again = codegen::generate(&doc, &options()).expect("generates");
    assert_eq!(again.files, output.files);
}

#[test]
fn documents_other_tools_read_are_read_here_with_a_warning_each() {
    let text = "openapi: 3.0.3\ninfo: {title: T}\npaths:\n  /a:\n    parameters:\n      - {name: shared, in: query}\n    get:\n      parameters:\n        - {name: q, in: query}\n      responses: null\n  /b:\n    get:\n      security: [{o: [read]}]\n      responses:\n        '204': {description: ok}\ncomponents:\n  securitySchemes:\n    o:\n      type: oauth2\n      flows:\n        clientCredentials: {tokenUrl: /t}\n";
    let output = generate(text).expect("generates");
    let pointers: Vec<&str> = output.warnings.iter().map(|w| w.pointer.as_str()).collect();
    for expected in [
        "/paths/~1a/parameters/0",
        "/paths/~1a/get/parameters/0",
        "/paths/~1a/get",
        "/info",
        "/components/securitySchemes/o/flows/clientCredentials",
    ] {
        assert!(pointers.contains(&expected), "{expected} in {pointers:?}");
    }
    let builder = &output.files.iter().find(|f| f.path == "builder.rs").expect("builder.rs").contents;
    assert!(builder.contains("pub fn q(mut self, value: serde_json::Value)"), "{builder}");

    // `cargo xtask diff` reads them through the same loader: two such versions compare, and an
    // undeclared or optional path parameter and a response without a description are read too.
    let old = codegen::parse(text).expect("parses");
    let more = text.replace(
        "  /b:\n",
        "  /c/{id}:\n    get:\n      parameters: [{name: id, in: path, schema: {type: string}}]\n      responses:\n        '200': {content: {application/json: {schema: {type: string}}}}\n  /d/{x}:\n    get:\n      responses: null\n  /b:\n",
    );
    let new = codegen::parse(&more).expect("parses");
    let report = codegen::diff::diff(&old, &new, "t").expect("compares");
    let added: Vec<&str> =
        report.changes().filter(|c| c.rule == "operation-added").map(|c| c.rust_item.as_str()).collect();
    assert_eq!(added, ["t::Client::get_c_id", "t::Client::get_d_x"], "{}", report.to_markdown());
    assert_eq!(report.summary.breaking, 0, "{}", report.to_markdown());
}

/// A `$ref` into a schema of another file (its property, its item) points into the component that
/// schema becomes, as the bundled document's ref does: one type, not a copy.
#[test]
fn a_ref_inside_a_schema_of_another_file_is_the_same_type_as_when_bundled() {
    let root = |target: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{target}Main'}}\n        '201':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{target}Main/properties/link'}}\n"
        )
    };
    let main = "Main:\n  type: object\n  properties:\n    link:\n      type: object\n      properties:\n        href: {type: string}\n";
    let split = Files(HashMap::from([
        ("root.yaml".to_owned(), root("schemas.yaml#/")),
        ("schemas.yaml".to_owned(), main.to_owned()),
    ]));
    let bundled = format!("{}components:\n  schemas:\n{}", root("#/components/schemas/"), indent(main, 4));
    let options = codegen::Options::module("root.yaml", "t");
    let from_files =
        codegen::generate(&codegen::load("root.yaml", &split).expect("loads"), &options).expect("generates");
    let whole = codegen::generate(&codegen::parse(&bundled).expect("parses"), &options).expect("generates");
    let types = |o: &codegen::Output| o.files.iter().find(|f| f.path == "types.rs").expect("types.rs").contents.clone();
    assert_eq!(types(&from_files), types(&whole));
    assert_eq!(types(&whole).matches("pub struct").count(), 2, "{}", types(&whole));
}

fn indent(text: &str, by: usize) -> String {
    text.lines().map(|l| format!("{}{l}\n", " ".repeat(by))).collect()
}
