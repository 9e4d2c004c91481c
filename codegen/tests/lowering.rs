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
