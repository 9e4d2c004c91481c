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
