//! Broken or unsupported documents give an error that says where, and never a panic.

use codegen::Error;

fn options() -> codegen::Options {
    codegen::Options::module("spec/test.yaml", "test").command("test")
}

/// Generates, and checks on the way that `cargo xtask diff` (which lowers both documents but
/// renders nothing) refuses exactly the documents generation refuses, with the same error.
fn generate(text: &str) -> Result<codegen::Output, Error> {
    let doc = codegen::parse(text)?;
    let generated = codegen::generate(&doc, &options());
    let compared = codegen::diff::diff(&doc, &doc, "test").map(|_| ()).map_err(|e| e.error);
    assert_eq!(compared, generated.as_ref().map(|_| ()).map_err(Clone::clone), "diff and generate disagree");
    generated
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

#[test]
fn yaml_syntax_errors_name_line_and_column() {
    let err = generate("openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n").expect_err("syntax error");
    match &err {
        Error::Syntax { line, column, .. } => assert!(*line >= 3 && *column > 0, "{err}"),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(err.to_string().contains("line"), "{err}");
}

#[test]
fn json_syntax_errors_name_line_and_column() {
    let err = generate("{\n  \"openapi\": \"3.0.3\",\n  \"info\": {,}\n}").expect_err("syntax error");
    assert!(matches!(err, Error::Syntax { line: 3, .. }), "{err:?}");
}

#[test]
fn unresolvable_refs_name_the_pointer_of_the_ref() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Missing'}}\n"
    );
    let err = generate(&text).expect_err("unresolved");
    assert_eq!(
        err,
        Error::UnresolvedRef {
            pointer: "/components/schemas/A/properties/b".into(),
            reference: "#/components/schemas/Missing".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "unresolvable $ref '#/components/schemas/Missing' at /components/schemas/A/properties/b"
    );
}

#[test]
fn unresolvable_parameter_and_response_refs() {
    let text = format!(
        "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Nope'\n      responses:\n        '200': {{description: ok}}\n"
    );
    let err = generate(&text).expect_err("unresolved");
    assert_eq!(err.pointer(), Some("/paths/~1a~1{id}/get/parameters/0"));
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200': {{$ref: '#/components/responses/Gone'}}\n"
    );
    let err = generate(&text).expect_err("unresolved");
    assert_eq!(err.pointer(), Some("/paths/~1a/get/responses/200"));
}

#[test]
fn shape_errors_name_the_pointer() {
    let text = format!("{HEAD}paths:\n  /a:\n    get:\n      responses: 12\n");
    let err = generate(&text).expect_err("invalid");
    assert!(matches!(&err, Error::Invalid { pointer, .. } if pointer == "/paths/~1a/get/responses"), "{err:?}");
}

#[test]
fn shape_errors_deep_inside_flattened_objects_are_located() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  n: {{type: integer, required: 7}}\n"
    );
    let err = generate(&text).expect_err("invalid");
    let pointer = err.pointer().expect("a pointer");
    assert!(pointer.starts_with("/paths/~1a/get/responses/200/content/application~1json/schema/properties/n"), "{err}");
}

#[test]
fn a_version_number_alone_never_refuses_a_document() {
    let output = generate("openapi: 4.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n").expect("4.0 reads as 3.2");
    assert_eq!(output.warnings[0].pointer, "/openapi", "{:?}", output.warnings);
    let output = generate("swagger: '2.1'\ninfo: {title: T, version: '1'}\npaths: {}\n").expect("2.1 reads as 2.0");
    assert_eq!(output.warnings[0].pointer, "/swagger", "{:?}", output.warnings);
}

#[test]
fn a_parameter_whose_content_is_empty_is_an_error() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: query, content: {{}}}}\n      responses:\n        '204': {{description: ok}}\n"
    );
    let err = generate(&text).expect_err("a parameter whose content is empty");
    assert!(
        matches!(&err, Error::Invalid { pointer, .. } if pointer == "/paths/~1a/get/parameters/0/content"),
        "{err:?}"
    );
}

#[test]
fn ref_cycles_are_errors_not_hangs() {
    let text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - type: object\n          properties: {{x: {{type: string}}}}\n");
    let err = generate(&text).expect_err("cycle");
    assert_eq!(err.pointer(), Some("/components/schemas/A/allOf/0"), "{err}");
}

#[test]
fn fallbacks_are_warnings_with_pointers() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        list: {{type: array}}\n"
    );
    let output = generate(&text).expect("generates with a warning");
    assert_eq!(output.warnings.len(), 1);
    assert_eq!(output.warnings[0].pointer, "/components/schemas/A/properties/list");
}

/// Raw bytes have no form in a query, a path or a header: such a parameter (itself, in an array, or
/// through an alias) is sent as text, with a warning at each parameter.
#[test]
fn binary_parameters_are_sent_as_text_with_a_warning() {
    let text = format!(
        "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      operationId: getA\n      parameters:\n\
         \x20       - {{name: id, in: path, required: true, schema: {{$ref: '#/components/schemas/Blob'}}}}\n\
         \x20       - {{name: f, in: query, schema: {{type: array, items: {{type: string, format: binary}}}}}}\n\
         \x20     responses:\n        '204': {{description: ok}}\n\
         components:\n  schemas:\n    Blob: {{type: string, format: binary}}\n"
    );
    let output = generate(&text).expect("generates with warnings");
    let pointers: Vec<&str> = output.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(pointers, ["/paths/~1a~1{id}/get/parameters/0", "/paths/~1a~1{id}/get/parameters/1"]);
    assert!(output.warnings[0].message.contains("sent as text"), "{:?}", output.warnings);
    let client = &output.files.iter().find(|f| f.path == "client.rs").expect("client.rs").contents;
    assert!(client.contains("pub fn get_a(&self, id: impl Into<String>)"), "{client}");
    let builder = &output.files.iter().find(|f| f.path == "builder.rs").expect("builder.rs").contents;
    assert!(builder.contains("Vec<String>"), "{builder}");
    assert!(!builder.contains("Vec<u8>"), "{builder}");
}

#[test]
fn unquoted_status_codes_and_yaml_anchors_load() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        200: &ok\n          description: ok\n        201: *ok\n"
    );
    let output = generate(&text).expect("loads");
    let builder = output.files.iter().find(|f| f.path == "builder.rs").expect("builder.rs");
    assert!(builder.contents.contains("200 => Ok(response.empty()),"), "{}", builder.contents);
    assert!(builder.contents.contains("201 => Ok(response.empty()),"));
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "   ",
        "null",
        "[]",
        "42",
        "{}",
        "openapi: 3.0.3",
        "openapi: [",
        "\u{0}",
        "openapi: 3.0.3\ninfo: 5\npaths: 5",
        "swagger: '2.0'",
    ] {
        let _ = generate(text);
    }
}

#[test]
fn what_the_renderer_cannot_express_is_refused_while_lowering() {
    let operation = |path: &str, rest: &str| {
        format!("{HEAD}paths:\n  {path}:\n    get:\n{rest}      responses:\n        '204': {{description: ok}}\n")
    };
    let err = generate(&operation("/a/{id", "")).expect_err("unclosed placeholder");
    assert_eq!(err.pointer(), Some("/paths/~1a~1{id/get"), "{err}");
    assert!(err.to_string().contains("unclosed `{`"), "{err}");
    let text = format!(
        "{HEAD}paths:\n  /a:\n    post:\n      requestBody: {{content: {{}}}}\n      responses:\n        '204': {{description: ok}}\n"
    );
    let err = generate(&text).expect_err("a body without content");
    assert_eq!(err.pointer(), Some("/paths/~1a/post/requestBody/content"), "{err}");
}

#[test]
fn a_malformed_object_is_named_in_plain_words_not_serde_types() {
    for (rest, pointer, words) in [
        (
            "      parameters: {q: 1}\n",
            "/paths/~1a/get/parameters/q",
            "found the number 1 where a parameter object belongs",
        ),
        (
            "      parameters: [{name: q, in: query, schema: {type: integer, maximum: abc}}]\n",
            "/paths/~1a/get/parameters/0/schema",
            "found the text \"abc\" where a JSON number belongs",
        ),
        (
            "      parameters: [{name: q, in: body, schema: {type: string}}]\n",
            "/paths/~1a/get/parameters/0",
            "unknown value `body`",
        ),
    ] {
        let text =
            format!("{HEAD}paths:\n  /a:\n    get:\n{rest}      responses:\n        '204': {{description: ok}}\n");
        let err = generate(&text).expect_err("a malformed parameter");
        let message = err.to_string();
        assert!(message.contains(pointer) && message.contains(words), "{message}");
        for serde_word in ["enum", "struct", "variant", "internally tagged"] {
            assert!(!message.contains(serde_word), "{message}");
        }
    }
}
