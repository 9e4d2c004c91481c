//! What kind of JSON value a schema describes, as far as choosing a Rust declaration needs it:
//! whether an `allOf` merges objects (a struct) or restates one non-object type (that type), and
//! whether a component is declared (so a use of it carries its `nullable`).

use openapiv3::{ReferenceOr, Schema, SchemaKind};

use super::schema::{is_false, View};
use super::{refs::component_name, Lowerer, SCHEMAS};
use crate::error::{push_pointer, Error};
use crate::model::{Tuple, TypeRef};

/// The kind of value a schema (or `allOf` member) describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// An object: `type: object`, properties, `required`, `additionalProperties`, or an `allOf`
    /// with an object member.
    Object,
    /// Something else: another `type`, an `enum`, alternatives, `items`, a `format`.
    Other,
    /// Nothing that decides a kind: annotations, `nullable`, constraints.
    Neutral,
}

/// `$ref` chains longer than this are not followed here (lowering reports real cycles).
const DEPTH: usize = 16;

impl<'a> Lowerer<'a> {
    /// The schema a `$ref` names (a component or a schema at a pointer), following chains.
    pub(super) fn ref_target(&self, reference: &str) -> Option<&'a Schema> {
        let mut reference = reference.to_owned();
        for _ in 0..DEPTH {
            let source: &'a crate::load::Document = self.source;
            let found = match component_name(&reference, SCHEMAS) {
                Some(name) => source.openapi.components.as_ref().and_then(|c| c.schemas.get(&name)),
                None => reference
                    .strip_prefix('#')
                    .and_then(crate::pointer::canonical)
                    .and_then(|at| source.pointer_schemas.get(&at)),
            }?;
            match found {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference: next } => reference = next.clone(),
            }
        }
        None
    }

    fn member_shape(&self, member: &'a ReferenceOr<Schema>, depth: usize) -> Shape {
        match member {
            ReferenceOr::Item(schema) => self.shape(schema, depth),
            ReferenceOr::Reference { reference } if depth < DEPTH => {
                self.ref_target(reference).map_or(Shape::Object, |schema| self.shape(schema, depth + 1))
            }
            ReferenceOr::Reference { .. } => Shape::Object,
        }
    }

    fn shape(&self, schema: &'a Schema, depth: usize) -> Shape {
        if matches!(schema.schema_kind, SchemaKind::Not { .. }) {
            return Shape::Other;
        }
        let view = View::of(schema);
        match view.typ {
            Some("object") => return Shape::Object,
            Some(_) => return Shape::Other,
            None => {}
        }
        if view.properties.is_some_and(|p| !p.is_empty()) || !view.required.is_empty() || view.additional.is_some() {
            return Shape::Object;
        }
        if !view.enumeration.is_empty()
            || !view.one_of.is_empty()
            || !view.any_of.is_empty()
            || view.items.is_some()
            || view.format.is_some()
        {
            return Shape::Other;
        }
        let mut shape = Shape::Neutral;
        for member in view.all_of {
            match self.member_shape(member, depth + 1) {
                Shape::Object => return Shape::Object,
                Shape::Other => shape = Shape::Other,
                Shape::Neutral => {}
            }
        }
        shape
    }

    /// An `allOf` that restates a type that is not an object: the member that gives the type
    /// (the first such member), and whether another member adds `nullable`. `None` when the
    /// schema has its own properties, or any member describes an object: those merge into a
    /// struct.
    pub(super) fn non_object_all_of(&self, view: &View<'a>) -> Option<(usize, &'a ReferenceOr<Schema>, bool)> {
        if view.all_of.is_empty()
            || view.typ.is_some()
            || view.properties.is_some_and(|p| !p.is_empty())
            || view.additional.is_some()
            || !view.one_of.is_empty()
            || !view.any_of.is_empty()
        {
            return None;
        }
        let mut chosen = None;
        let mut nullable = false;
        for (i, member) in view.all_of.iter().enumerate() {
            match self.member_shape(member, 0) {
                Shape::Object => return None,
                Shape::Other if chosen.is_none() => chosen = Some((i, member)),
                Shape::Other => {}
                Shape::Neutral => nullable |= matches!(member, ReferenceOr::Item(s) if s.schema_data.nullable),
            }
        }
        chosen.map(|(i, member)| (i, member, nullable))
    }

    /// Whether [`Lowerer::declaration`] gives `schema` a declaration of its own (a struct, an
    /// enum, a union, a tuple) rather than an alias of another type.
    pub(super) fn declares(&self, schema: &'a Schema, pointer: &str) -> bool {
        let view = View::of(schema);
        if view.is_tuple() && self.source.prefix_items.contains_key(pointer) {
            return true;
        }
        if view.is_struct() {
            return self.non_object_all_of(&view).is_none();
        }
        let listed: Vec<&serde_json::Value> = view.enumeration.iter().filter(|v| !v.is_null()).collect();
        let strings = !listed.is_empty() && listed.iter().all(|v| v.is_string());
        let integers = !listed.is_empty() && listed.iter().all(|v| v.is_i64());
        match view.typ {
            Some("string") if !view.enumeration.is_empty() => return true,
            Some("integer") if integers => return true,
            None if strings || integers => return true,
            _ => {}
        }
        !view.one_of.is_empty() || !view.any_of.is_empty()
    }

    /// `prefixItems` (with `items` for what follows them): a tuple.
    pub(super) fn tuple(
        &mut self,
        prefix: &'a [ReferenceOr<Schema>],
        view: &View<'a>,
        pointer: &str,
        words: &[String],
    ) -> Result<Tuple, Error> {
        let mut items = Vec::new();
        for (i, item) in prefix.iter().enumerate() {
            let at = push_pointer(&push_pointer(pointer, "prefixItems"), &i.to_string());
            let mut item_words = words.to_vec();
            item_words.push(format!("Item{}", i + 1));
            items.push(self.use_of(item, &at, &item_words)?);
        }
        let rest = match view.items {
            None => Some(TypeRef::Any),
            Some(ReferenceOr::Item(rest)) if is_false(rest) => None,
            Some(rest) => {
                let mut rest_words = words.to_vec();
                rest_words.push("Item".to_owned());
                Some(self.boxed_use(rest, &push_pointer(pointer, "items"), &rest_words)?)
            }
        };
        Ok(Tuple { items, rest })
    }
}
