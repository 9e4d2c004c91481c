//! Facts of the intermediate model that the golden files show only indirectly.

use codegen::model::{Primitive, TypeKind, TypeRef};

fn lower(text: &str) -> codegen::model::Api {
    codegen::lower::lower(&codegen::parse(text).expect("parses")).expect("lowers").0
}

#[test]
fn an_allof_member_that_only_redescribes_a_property_keeps_its_type() {
    let api = lower(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      properties:\n        aid: {type: string}\n    Row:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            aid: {description: Owner of the row.}\n            extra: {type: integer}\n",
    );
    let row = api
        .types
        .iter()
        .find(|t| matches!(&t.name, codegen::model::TypeName::Component(n) if n == "Row"))
        .expect("Row");
    let TypeKind::Struct(row) = &row.kind else { panic!("a struct") };
    let aid = row.fields.iter().find(|f| f.name == "aid").expect("aid");
    assert_eq!(aid.ty, TypeRef::Primitive(Primitive::String), "the type from Base stays");
    assert_eq!(aid.description.as_deref(), Some("Owner of the row."), "the description is refined");
    assert_eq!(row.fields.len(), 2);
}

#[test]
fn an_allof_member_that_retypes_a_property_wins() {
    let api = lower(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      properties:\n        n: {type: string}\n    Row:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            n: {type: integer, format: int32}\n",
    );
    let TypeKind::Struct(row) = &api.types[1].kind else { panic!("a struct") };
    assert_eq!(row.fields[0].ty, TypeRef::Primitive(Primitive::I32));
}

#[test]
fn nullable_and_content_parameters_and_undefined_form_nesting() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/parameters.yaml"))
        .expect("fixture");
    let (api, warnings) = codegen::lower::lower(&codegen::parse(&text).expect("parses")).expect("lowers");
    let op = &api.operations[0];
    let param = |name: &str| op.parameters.iter().find(|p| p.name == name).expect("parameter");
    let (query, request) = (param("query"), param("request"));
    assert_eq!(query.ty, TypeRef::Primitive(Primitive::String), "nullability is not a second Option");
    assert!(query.nullable && query.may_be_absent());
    assert!(request.required && request.nullable && request.may_be_absent(), "required but nullable");
    assert!(!param("id").may_be_absent());
    assert_eq!(param("where").content_type.as_deref(), Some("application/json"));
    // The form body's `metadata` (a map) and `items` (objects) have no `encoding`: OpenAPI leaves
    // them undefined. `tags` are scalars and `preferences` has an encoding.
    let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        ["/components/schemas/CustomerForm/properties/metadata", "/components/schemas/CustomerForm/properties/items"]
    );
}

/// The model facts behind codegen/tests/fixtures/adversarial.yaml (what the compile fuzzer found),
/// with the warnings that say what was approximated.
#[test]
fn constructs_the_compile_fuzzer_found_lower_to_a_finite_model_with_warnings() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/adversarial.yaml"))
        .expect("fixture");
    let (api, warnings) = codegen::lower::lower(&codegen::parse(&text).expect("parses")).expect("lowers");
    let component = |name: &str| {
        api.types
            .iter()
            .position(|t| matches!(&t.name, codegen::model::TypeName::Component(n) if n == name))
            .map(codegen::model::TypeId)
            .expect("component")
    };
    let warned = |pointer: &str, words: &str| {
        warnings.iter().any(|w| w.pointer == pointer && w.message.contains(words))
            || panic!("no warning at {pointer} saying {words:?}: {warnings:#?}")
    };
    // A property merging its owner back in is one type that holds itself.
    let TypeKind::Struct(node) = &api.type_def(component("Node")).kind else { panic!("a struct") };
    let TypeRef::Named(child) = node.fields[0].ty else { panic!("a named type") };
    let TypeKind::Struct(child_struct) = &api.type_def(child).kind else { panic!("a struct") };
    let names: Vec<&str> = child_struct.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["child", "depth"]);
    assert_eq!(child_struct.fields[0].ty, TypeRef::Named(child), "the merged `child` is the type itself");
    // Schemas holding only themselves are any JSON value.
    for name in ["List", "Tree"] {
        assert_eq!(api.type_def(component(name)).kind, TypeKind::Alias(TypeRef::Any), "{name}");
        warned(&format!("/components/schemas/{name}"), "holds only itself");
    }
    // Values listed twice are one variant.
    assert_eq!(api.type_def(component("Kind")).kind, TypeKind::Enum(vec!["a".into(), "err".into(), "Err".into()]));
    assert_eq!(api.type_def(component("Level")).kind, TypeKind::IntEnum(vec![-1, 0, i64::MAX]));
    warned("/components/schemas/Kind/enum/2", "listed before");
    warned("/components/schemas/Level/enum/2", "listed before");
    // A page whose request has a multipart body is not paged.
    let upload = api.operations.iter().find(|o| o.operation_id.as_deref() == Some("upload")).expect("upload");
    assert!(upload.pagination.is_none());
    warned("/paths/~1upload/post", "multipart body");
}

#[test]
fn a_31_response_header_called_value_is_normalized_like_any_other() {
    let api = lower(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          headers:\n            value:\n              schema: {type: [integer, 'null']}\n            example:\n              schema: {type: [string, 'null']}\n",
    );
    let headers = &api.operations[0].responses[0].headers;
    assert_eq!(headers[0].ty, TypeRef::Nullable(Box::new(TypeRef::Primitive(Primitive::I64))));
    assert_eq!(headers[1].ty, TypeRef::Nullable(Box::new(TypeRef::Primitive(Primitive::String))));
}

#[test]
fn pointer_refs_inside_32_item_schemas_and_extra_operations_resolve() {
    let api = lower(
        "openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream:\n              itemSchema:\n                oneOf:\n                  - $ref: '#/components/schemas/Event/allOf/0'\n                  - {type: integer}\n    query:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Event/allOf/1'}\n      responses:\n        '204': {description: done}\ncomponents:\n  schemas:\n    Event:\n      allOf:\n        - {type: object, properties: {id: {type: string}}}\n        - {type: object, properties: {at: {type: string}}}\n",
    );
    let item = api.operations[0].responses[0].content[0].item.as_ref().expect("an item type");
    let TypeRef::Named(union) = item else { panic!("a union") };
    let TypeKind::Union(union) = &api.type_def(*union).kind else { panic!("a union") };
    let TypeRef::Named(part) = union.variants[0] else { panic!("a named type") };
    assert_eq!(api.type_def(part).pointer, "/components/schemas/Event/allOf/0");
    let body = api.operations[1].body.as_ref().and_then(|b| b.content[0].ty.clone()).expect("a body");
    let TypeRef::Named(part) = body else { panic!("a named type") };
    assert_eq!(api.type_def(part).pointer, "/components/schemas/Event/allOf/1");
}

#[test]
fn swagger2_properties_called_ref_or_example_keep_their_references() {
    let api = lower(
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\ndefinitions:\n  Leaf: {type: object, properties: {a: {type: string}}}\n  Tree:\n    type: object\n    properties:\n      $ref:\n        type: object\n        properties:\n          leaf: {$ref: '#/definitions/Leaf'}\n      example: {$ref: '#/definitions/Leaf'}\n",
    );
    let TypeKind::Struct(tree) = &api.types[1].kind else { panic!("a struct") };
    assert_eq!(tree.fields[1].name, "example");
    assert_eq!(tree.fields[1].ty, TypeRef::Named(codegen::model::TypeId(0)));
    let TypeRef::Named(inner) = tree.fields[0].ty else { panic!("an inline struct") };
    let TypeKind::Struct(inner) = &api.type_def(inner).kind else { panic!("a struct") };
    assert_eq!(inner.fields[0].ty, TypeRef::Named(codegen::model::TypeId(0)));
}

/// 3.1's `{type: "null"}` alternatives become `nullable`, which moves the others; refs written
/// against the document follow them, and errors still name the places the document wrote.
#[test]
fn refs_into_31_unions_follow_their_members_when_null_is_dropped() {
    let document = |lone_b: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Pick/oneOf/2'}}\n        '201':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Lone/anyOf/1'}}\ncomponents:\n  schemas:\n    Pick:\n      oneOf:\n        - {{type: 'null'}}\n        - {{type: string}}\n        - {{type: object, properties: {{a: {{type: string}}}}}}\n    Lone:\n      anyOf:\n        - {{type: 'null'}}\n        - {{type: object, properties: {{b: {{type: {lone_b}}}}}}}\n"
        )
    };
    let api = lower(&document("integer"));
    let field = |status: usize| {
        let ty = api.operations[0].responses[status].content[0].ty.clone().expect("a body");
        let TypeRef::Named(id) = ty else { panic!("a named type: {ty:?}") };
        let TypeKind::Struct(s) = &api.type_def(id).kind else { panic!("a struct") };
        s.fields[0].name.clone()
    };
    assert_eq!((field(0), field(1)), ("a".to_owned(), "b".to_owned()));
    let err = codegen::generate(
        &codegen::parse(&document("frobnicate")).expect("parses"),
        &codegen::Options::module("t.yaml", "t"),
    )
    .expect_err("an unknown type");
    assert_eq!(err.pointer(), Some("/components/schemas/Lone/anyOf/1/properties/b/type"), "{err}");
}

#[test]
fn a_mapping_by_bare_component_name_may_name_any_component() {
    let api = lower(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    a/b~c%d: {type: object, properties: {k: {type: string}}}\n    Pet:\n      oneOf: [{$ref: '#/components/schemas/a~1b~0c%25d'}]\n      discriminator: {propertyName: k, mapping: {cat: 'a/b~c%d'}}\n",
    );
    let TypeKind::Union(pet) = &api.types[1].kind else { panic!("a union: {:?}", api.types[1].kind) };
    let tags = &pet.discriminator.as_ref().expect("a discriminator").tags;
    assert_eq!(tags[0], ("cat".to_owned(), 0));
}

#[test]
fn deviations_real_documents_have_are_read_with_a_warning_naming_each_place() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/deviations.yaml"))
        .expect("fixture");
    let doc = codegen::parse(&text).expect("parses");
    let (api, lowering) = codegen::lower::lower(&doc).expect("lowers");
    let warnings: Vec<_> = doc.warnings.iter().chain(&lowering).collect();
    let op = "/paths/~1folders~1{folderId}~1files~1{fileName}/get";
    let found: Vec<(String, &str)> =
        warnings.iter().map(|w| (w.pointer.replace(op, "OP"), w.message.split(':').next().unwrap_or(""))).collect();
    let expected = [
        ("OP/responses/200".to_owned(), "a response without `description`"),
        ("OP/responses/404".to_owned(), "a response without `description`"),
        ("OP/parameters/0/required".to_owned(), "a path parameter that is not required"),
        ("OP".to_owned(), "path template names `{fileName}`, which no path parameter declares"),
        (
            "OP/parameters/1".to_owned(),
            "path parameter `version` is not in the path `/folders/{folderId}/files/{fileName}`",
        ),
        ("/components/schemas/Folder/properties/span/items".to_owned(), "`items` as a list of one schema"),
        ("/components/schemas/Folder".to_owned(), "requires `owner`, which no property declares"),
    ];
    for (pointer, start) in &expected {
        assert!(found.iter().any(|(p, m)| p == pointer && m.starts_with(start)), "{pointer}: {start}\n{found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");

    // The template decides: both placeholders are required path parameters, `version` is gone.
    let params: Vec<(&str, bool)> =
        api.operations[0].parameters.iter().map(|p| (p.name.as_str(), p.required)).collect();
    assert_eq!(params, [("folderId", true), ("fileName", true)]);
    // A schema under a component's `definitions`, holding itself through a map, is one struct.
    let node = api
        .types
        .iter()
        .find(|t| t.pointer == "/components/schemas/Folder/definitions/Node")
        .expect("the nested definition is a type");
    let TypeKind::Struct(node) = &node.kind else { panic!("a struct: {:?}", node.kind) };
    assert_eq!(node.fields.len(), 2);
    // A required name no property declares is a required field that takes any value.
    let folder = api.types.iter().find(|t| t.pointer == "/components/schemas/Folder").expect("Folder");
    let TypeKind::Struct(folder) = &folder.kind else { panic!("a struct: {:?}", folder.kind) };
    let owner = folder.fields.iter().find(|f| f.name == "owner").expect("an `owner` field");
    assert!(owner.required);
    assert_eq!(owner.ty, TypeRef::Any);
}

#[test]
fn a_swagger_2_document_may_write_its_refs_the_3_0_way() {
    let text = "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          schema: {$ref: '#/components/schemas/A'}\ndefinitions:\n  A: {type: object, properties: {x: {type: string}}}\n";
    let output = codegen::generate(&codegen::parse(text).expect("parses"), &codegen::Options::module("t.yaml", "t"))
        .expect("generates");
    let warning = output.warnings.iter().find(|w| w.message.contains("3.0-style")).expect("a warning");
    assert_eq!(warning.pointer, "/paths/~1a/get/responses/200/schema");
    let types = output.files.iter().find(|f| f.path == "types.rs").expect("types.rs");
    assert!(types.contents.contains("pub struct A {"), "{}", types.contents);
}

#[test]
fn a_callback_or_a_security_scheme_given_as_a_ref_is_followed() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nsecurity: [{alias: []}]\npaths:\n  /a:\n    post:\n      callbacks:\n        done: {$ref: '#/components/callbacks/Done'}\n        lost: {$ref: '#/components/callbacks/Nowhere'}\n      responses: {'204': {description: ok}}\ncomponents:\n  callbacks:\n    Done:\n      '{$request.body#/url}':\n        post:\n          responses: {'204': {description: ok}}\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n    alias: {$ref: '#/components/securitySchemes/key'}\n";
    let doc = codegen::parse(text).expect("parses");
    let (api, _) = codegen::lower::lower(&doc).expect("lowers");
    let warnings = &doc.warnings;
    let alias = api.security_schemes.iter().find(|s| s.name == "alias").expect("the alias is a scheme");
    assert!(matches!(&alias.kind, codegen::model::SecurityKind::ApiKey { name, .. } if name == "X-Key"));
    assert_eq!(api.operations[0].security[0][0].scheme, "alias");
    let lost =
        warnings.iter().find(|w| w.pointer == "/paths/~1a/post/callbacks/lost").expect("a warning for the lost one");
    assert!(lost.message.contains("names no callback"), "{}", lost.message);
}

/// A 3.0 document that writes `{type: "null"}` alternatives is read as `nullable`, with a warning
/// at each list; an `allOf` around a type that is not an object is that type.
#[test]
fn null_alternatives_in_30_and_allof_around_a_type_are_the_type() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/nulls30.yaml")).expect("fixture");
    let doc = codegen::parse(&text).expect("parses");
    let (api, warnings) = codegen::lower::lower(&doc).expect("lowers");
    let reading = api
        .types
        .iter()
        .find(|t| matches!(&t.name, codegen::model::TypeName::Component(n) if n == "Reading"))
        .expect("Reading");
    let TypeKind::Struct(reading) = &reading.kind else { panic!("a struct") };
    let ty = |name: &str| &reading.fields.iter().find(|f| f.name == name).expect("field").ty;
    let TypeRef::Nullable(unit) = ty("unit") else { panic!("unit is nullable: {:?}", ty("unit")) };
    assert!(matches!(api.resolved(unit), TypeRef::Named(id) if matches!(api.type_def(*id).kind, TypeKind::Enum(_))));
    assert_eq!(ty("value"), &TypeRef::Nullable(Box::new(TypeRef::Primitive(Primitive::F64))));
    assert_eq!(ty("sensor"), &TypeRef::Primitive(Primitive::Uuid));
    assert!(matches!(ty("place"), TypeRef::Nullable(place) if matches!(**place, TypeRef::Named(_))));
    let mut pointers: Vec<String> = doc.warnings.iter().chain(&warnings).map(|w| doc.original(&w.pointer)).collect();
    pointers.sort();
    assert_eq!(
        pointers,
        [
            "/components/schemas/Reading/properties/unit/oneOf",
            "/components/schemas/Reading/properties/value/anyOf",
            "/paths/~1readings/get/parameters/0/schema/oneOf"
        ]
    );
    assert!(!api.types.iter().any(|t| matches!(&t.kind, TypeKind::Struct(s) if s.fields.is_empty())));
}

/// 3.1's vocabulary: tuples from `prefixItems`, unions from `type` lists, `false` reported.
#[test]
fn prefix_items_type_lists_and_boolean_schemas() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vocabulary31.yaml"))
        .expect("fixture");
    let doc = codegen::parse(&text).expect("parses");
    let (api, warnings) = codegen::lower::lower(&doc).expect("lowers");
    let kind = |name: &str| {
        &api.types
            .iter()
            .find(|t| matches!(&t.name, codegen::model::TypeName::Component(n) if n == name))
            .expect("component")
            .kind
    };
    let TypeKind::Tuple(point) = kind("Point") else { panic!("Point is a tuple") };
    assert_eq!(point.items, [TypeRef::Primitive(Primitive::F64), TypeRef::Primitive(Primitive::F64)]);
    assert_eq!(point.rest, None, "`items: false`");
    let TypeKind::Tuple(loose) = kind("Loose") else { panic!("Loose is a tuple") };
    assert_eq!(loose.rest, Some(TypeRef::Any), "no `items`: anything may follow");
    let TypeKind::Struct(shapes) = kind("Shapes") else { panic!("a struct") };
    let field = |name: &str| &shapes.fields.iter().find(|f| f.name == name).expect("field").ty;
    let TypeRef::Named(id) = field("id") else { panic!("id is a declared union") };
    let TypeKind::Union(id) = &api.type_def(*id).kind else { panic!("a union") };
    assert_eq!(id.variants, [TypeRef::Primitive(Primitive::String), TypeRef::Primitive(Primitive::I64)]);
    assert_eq!(field("answer"), &TypeRef::Primitive(Primitive::Boolean));
    assert_eq!(field("anything"), &TypeRef::Any);
    let all: Vec<(String, &str)> =
        doc.warnings.iter().chain(&warnings).map(|w| (doc.original(&w.pointer), w.message.as_str())).collect();
    let falses: Vec<&String> = all.iter().filter(|(_, m)| m.contains("`false`")).map(|(p, _)| p).collect();
    assert_eq!(falses, ["/components/schemas/Shapes/properties/never"], "`items: false` of a tuple is no warning");
    assert!(!all.iter().any(|(_, m)| m.contains("several types")), "{all:?}");
    let apart: Vec<&String> = all.iter().filter(|(_, m)| m.contains("cannot be told apart")).map(|(p, _)| p).collect();
    assert_eq!(apart, ["/components/schemas/Twins"], "Contact's alternatives can be told apart");
}

#[test]
fn media_types_are_json_by_their_essence_text_json_included() {
    use codegen::model::MediaKind;
    for json in [
        "application/json",
        "application/json; charset=utf-8",
        "text/json",
        "application/problem+json",
        "APPLICATION/JSON",
    ] {
        assert_eq!(MediaKind::of(json), MediaKind::Json, "{json}");
    }
    assert_eq!(MediaKind::of("text/plain"), MediaKind::Text);
    assert_eq!(MediaKind::of("text/csv"), MediaKind::Text);
    assert_eq!(MediaKind::of("application/octet-stream"), MediaKind::Binary);
}
