//! Schemas: component and inline schemas → [`TypeDef`]s and [`TypeRef`]s, `allOf` merged.

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use super::refs::component_name;
use super::{Lowerer, SCHEMAS};
use crate::error::{push_pointer, Error};
use crate::model::*;

impl<'a> Lowerer<'a> {
    pub(super) fn component(
        &mut self,
        name: &str,
        schema: &'a ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<TypeDef, Error> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.ref_use(reference, pointer)?;
                return Ok(TypeDef {
                    name: TypeName::Component(name.to_owned()),
                    description: None,
                    deprecated: false,
                    pointer: pointer.to_owned(),
                    kind: TypeKind::Alias(target),
                });
            }
            ReferenceOr::Item(schema) => schema,
        };
        let words = vec![name.to_owned()];
        let kind = match self.declaration(schema, pointer, &words)? {
            Some(kind) => kind,
            None => TypeKind::Alias(self.schema_use(schema, pointer, &words)?),
        };
        Ok(TypeDef {
            name: TypeName::Component(name.to_owned()),
            description: schema.schema_data.description.clone(),
            deprecated: schema.schema_data.deprecated,
            pointer: pointer.to_owned(),
            kind,
        })
    }

    /// The declaration a schema needs, if it needs one of its own (an object or a string enum).
    fn declaration(&mut self, schema: &'a Schema, pointer: &str, words: &[String]) -> Result<Option<TypeKind>, Error> {
        let view = View::of(schema);
        let source: &'a crate::load::Document = self.source;
        if let Some(prefix) = source.prefix_items.get(pointer).filter(|_| view.is_tuple()) {
            return Ok(Some(TypeKind::Tuple(self.tuple(prefix, &view, pointer, words)?)));
        }
        if view.is_struct() && self.non_object_all_of(&view).is_none() {
            return Ok(Some(TypeKind::Struct(self.structure(&view, pointer, words)?)));
        }
        // An `enum` without a `type` (as 3.1's `const` often is) takes the type of its values.
        let listed: Vec<&serde_json::Value> = view.enumeration.iter().filter(|v| !v.is_null()).collect();
        let untyped_strings = view.typ.is_none() && !listed.is_empty() && listed.iter().all(|v| v.is_string());
        let untyped_integers = view.typ.is_none() && !listed.is_empty() && listed.iter().all(|v| v.is_i64());
        if (view.typ == Some("string") || untyped_strings) && !view.enumeration.is_empty() {
            let mut values = Vec::new();
            for (i, value) in view.enumeration.iter().enumerate() {
                match value {
                    serde_json::Value::String(s) if values.contains(s) => self.repeated(pointer, i, value),
                    serde_json::Value::String(s) => values.push(s.clone()),
                    // `nullable` enums list null; the nullability is carried by the use site.
                    serde_json::Value::Null => {}
                    other => {
                        let at = push_pointer(&push_pointer(pointer, "enum"), &i.to_string());
                        return Err(Error::invalid(&at, format!("string enum value {other}")));
                    }
                }
            }
            return Ok(Some(TypeKind::Enum(values)));
        }
        if (view.typ == Some("integer") || untyped_integers) && !view.enumeration.is_empty() {
            let integers: Vec<i64> = view.enumeration.iter().filter_map(serde_json::Value::as_i64).collect();
            if integers.len() == view.enumeration.iter().filter(|v| !v.is_null()).count() {
                let mut values = Vec::new();
                for (i, value) in view.enumeration.iter().enumerate() {
                    match value.as_i64() {
                        Some(v) if values.contains(&v) => self.repeated(pointer, i, value),
                        Some(v) => values.push(v),
                        None => {}
                    }
                }
                return Ok(Some(TypeKind::IntEnum(values)));
            }
        }
        if !view.one_of.is_empty() || !view.any_of.is_empty() {
            return self.union(schema, &view, pointer, words).map(Some);
        }
        Ok(None)
    }

    /// An `enum` value listed twice: one variant matches it.
    fn repeated(&mut self, pointer: &str, index: usize, value: &serde_json::Value) {
        let at = push_pointer(&push_pointer(pointer, "enum"), &index.to_string());
        self.warn(&at, format!("enum value {value} is listed before: one variant stands for both"));
    }

    /// `oneOf`/`anyOf` (the first, when a schema has both), with its discriminator.
    fn union(
        &mut self,
        schema: &'a Schema,
        view: &View<'a>,
        pointer: &str,
        words: &[String],
    ) -> Result<TypeKind, Error> {
        let (keyword, members) = if view.one_of.is_empty() { ("anyOf", view.any_of) } else { ("oneOf", view.one_of) };
        if !view.all_of.is_empty() || view.properties.is_some_and(|p| !p.is_empty()) {
            self.warn(
                pointer,
                format!("`{keyword}` beside `allOf` or `properties`: only the `{keyword}` alternatives are generated"),
            );
        }
        // An inline member that a discriminator mapping names by its pointer takes the tag as its
        // name (`…Circle` rather than `…Variant1`).
        let mapped: Vec<(String, &str)> = schema
            .schema_data
            .discriminator
            .iter()
            .flat_map(|d| &d.mapping)
            .filter_map(|(tag, target)| {
                Some((mapping_ref(target).strip_prefix('#').and_then(crate::pointer::canonical)?, tag.as_str()))
            })
            .collect();
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = push_pointer(&push_pointer(pointer, keyword), &i.to_string());
            let mut member_words = words.to_vec();
            match mapped.iter().find(|(target, _)| *target == at) {
                Some((_, tag)) if matches!(member, ReferenceOr::Item(_)) => member_words.push((*tag).to_owned()),
                _ => member_words.push(format!("Variant{}", i + 1)),
            }
            variants.push(self.use_of(member, &at, &member_words)?);
        }
        let discriminator = match &schema.schema_data.discriminator {
            None => None,
            Some(d) => {
                let at = push_pointer(pointer, "discriminator");
                let mut tags = Vec::new();
                for (value, reference) in &d.mapping {
                    let reference = mapping_ref(reference);
                    let target = self.ref_use(&reference, &push_pointer(&push_pointer(&at, "mapping"), value))?;
                    let index = variants.iter().position(|v| *v == target);
                    match index {
                        Some(index) => tags.push((value.clone(), index)),
                        None => self
                            .warn(&at, format!("mapping `{value}` names a schema that is not one of the alternatives")),
                    }
                }
                // Without a mapping entry, a member named by a component (a `$ref`, or an `allOf`
                // around one with only annotations beside it, as a `$ref` with a sibling `title`
                // becomes) is tagged with the component's name.
                for (index, member) in members.iter().enumerate() {
                    if let Some(name) = member_component(member) {
                        if !tags.iter().any(|(_, i)| *i == index) && !tags.iter().any(|(v, _)| *v == name) {
                            tags.push((name, index));
                        }
                    }
                }
                let default = match d.extensions.get("x-default-mapping").and_then(serde_json::Value::as_str) {
                    None => None,
                    Some(reference) => {
                        let reference = mapping_ref(reference);
                        let target = self.ref_use(&reference, &push_pointer(&at, "defaultMapping"))?;
                        let index = variants.iter().position(|v| *v == target);
                        if index.is_none() {
                            self.warn(
                                &at,
                                "`defaultMapping` names a schema that is not one of the alternatives: ignored",
                            );
                        }
                        index
                    }
                };
                if tags.is_empty() && default.is_none() {
                    self.warn(
                        &at,
                        "a discriminator that gives no alternative a tag (no mapping, no alternative named by a \
                         component): decoded by best match instead",
                    );
                    None
                } else {
                    Some(Discriminator { property: d.property_name.clone(), tags, default })
                }
            }
        };
        Ok(TypeKind::Union(Union { variants, discriminator }))
    }

    /// The type of a use of a schema (a property, an array item, a parameter, a body).
    /// Lowered once per definition pointer: a schema met again (merged by `allOf`, shared by
    /// operations, reached by a `$ref` to its pointer) is the same type.
    ///
    /// A schema met again while it is being lowered holds itself: a property that merges its
    /// owner back in through `allOf` lowers the owner's properties, itself among them. Its type
    /// gets an id there and then, and the schema's lowering fills that id in (a declaration, or
    /// an alias of what it turns out to be).
    pub(super) fn schema_use(&mut self, schema: &'a Schema, pointer: &str, words: &[String]) -> Result<TypeRef, Error> {
        let nullable = |ty: TypeRef| match ty {
            TypeRef::Nullable(_) => ty,
            ty if schema.schema_data.nullable => TypeRef::Nullable(Box::new(ty)),
            ty => ty,
        };
        if let Some(ty) = self.lowered.get(pointer) {
            return Ok(ty.clone());
        }
        if let Some(reserved) = self.in_progress.get(pointer) {
            let id = match reserved {
                Some(id) => *id,
                None => {
                    let id = TypeId(self.types.len());
                    self.types.push(None);
                    self.in_progress.insert(pointer.to_owned(), Some(id));
                    id
                }
            };
            return Ok(nullable(TypeRef::Named(id)));
        }
        self.in_progress.insert(pointer.to_owned(), None);
        let ty = self.schema_use_inner(schema, pointer, words);
        let reserved = self.in_progress.remove(pointer).flatten();
        let ty = match (ty?, reserved) {
            (TypeRef::Named(id), Some(reserved)) if id == reserved => TypeRef::Named(id),
            (ty, Some(reserved)) => {
                self.types[reserved.0] = Some(self.type_def(words, schema, pointer, TypeKind::Alias(ty)));
                TypeRef::Named(reserved)
            }
            (ty, None) => ty,
        };
        let ty = nullable(ty);
        self.lowered.insert(pointer.to_owned(), ty.clone());
        Ok(ty)
    }

    fn schema_use_inner(&mut self, schema: &'a Schema, pointer: &str, words: &[String]) -> Result<TypeRef, Error> {
        if is_false(schema) {
            // Rust has types without values, but a field or variant of one could never be
            // built or decoded: a server that sends one anyway is better read than refused.
            self.warn(pointer, "a `false` schema (`not: {}`) accepts no value: generated as serde_json::Value");
        }
        let view = View::of(schema);
        // `allOf: [$ref]`, maybe beside members that only annotate (`{example: …}`), is a common
        // way to attach a description or example to a reference.
        let members: Vec<(usize, &ReferenceOr<Schema>)> =
            view.all_of.iter().enumerate().filter(|(_, m)| !is_annotation_only(m)).collect();
        if let [(i, ReferenceOr::Reference { reference })] = members.as_slice() {
            if view.properties.is_none_or(|p| p.is_empty()) && view.typ.is_none_or(|t| t == "object") {
                let at = push_pointer(&push_pointer(pointer, "allOf"), &i.to_string());
                return self.ref_use(reference, &at);
            }
        }
        // An `allOf` whose members are not objects (`allOf: [{type: string, enum: […]}]`, what a
        // 3.1 `oneOf: [T, {type: "null"}]` becomes) is the type of its member, not a struct.
        if let Some((i, member, nullable)) = self.non_object_all_of(&view) {
            let at = push_pointer(&push_pointer(pointer, "allOf"), &i.to_string());
            let ty = self.use_of(member, &at, words)?;
            return Ok(match ty {
                TypeRef::Nullable(_) => ty,
                ty if nullable => TypeRef::Nullable(Box::new(ty)),
                ty => ty,
            });
        }
        // `oneOf: [$ref]` alone, like `allOf: [$ref]`, is the reference itself.
        if let ([ReferenceOr::Reference { reference }], []) | ([], [ReferenceOr::Reference { reference }]) =
            (view.one_of, view.any_of)
        {
            if view.typ.is_none() && view.properties.is_none_or(|p| p.is_empty()) {
                let keyword = if view.one_of.is_empty() { "anyOf/0" } else { "oneOf/0" };
                return self.ref_use(reference, &push_pointer(pointer, keyword));
            }
        }
        if let Some(kind) = self.declaration(schema, pointer, words)? {
            return Ok(self.inline(words, schema, pointer, kind));
        }
        Ok(match view.typ {
            Some("string") => TypeRef::Primitive(match view.format {
                Some("date-time") => Primitive::DateTime,
                Some("date") => Primitive::Date,
                Some("uuid") => Primitive::Uuid,
                Some("binary") => Primitive::Binary,
                _ => Primitive::String,
            }),
            Some("integer") => TypeRef::Primitive(match view.format {
                Some("int32") => Primitive::I32,
                _ => Primitive::I64,
            }),
            Some("number") => TypeRef::Primitive(match view.format {
                Some("float") => Primitive::F32,
                _ => Primitive::F64,
            }),
            Some("boolean") => TypeRef::Primitive(Primitive::Boolean),
            Some("array") => match view.items {
                Some(items) => {
                    let mut item_words = words.to_vec();
                    item_words.push("Item".to_owned());
                    TypeRef::Array(Box::new(self.boxed_use(items, &push_pointer(pointer, "items"), &item_words)?))
                }
                None => {
                    self.warn(pointer, "array without `items`: generated as Vec<serde_json::Value>");
                    TypeRef::Array(Box::new(TypeRef::Any))
                }
            },
            Some("object") | None if view.additional.is_some() => self.map(view.additional, pointer, words)?,
            Some("object") => TypeRef::Map(Box::new(TypeRef::Any)),
            Some(other) if !matches!(other, "null") => {
                return Err(Error::invalid(&push_pointer(pointer, "type"), format!("unknown type `{other}`")))
            }
            _ => TypeRef::Any,
        })
    }

    fn map(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
        words: &[String],
    ) -> Result<TypeRef, Error> {
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let mut value_words = words.to_vec();
                value_words.push("Value".to_owned());
                self.use_of(schema, &push_pointer(pointer, "additionalProperties"), &value_words)?
            }
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    /// The type declared for an inline schema: in the slot reserved for it when it holds itself
    /// (see [`Lowerer::schema_use`]), else a new one.
    fn inline(&mut self, words: &[String], schema: &Schema, pointer: &str, kind: TypeKind) -> TypeRef {
        let def = self.type_def(words, schema, pointer, kind);
        if let Some(Some(id)) = self.in_progress.get(pointer) {
            self.types[id.0] = Some(def);
            return TypeRef::Named(*id);
        }
        self.types.push(Some(def));
        TypeRef::Named(TypeId(self.types.len() - 1))
    }

    fn type_def(&self, words: &[String], schema: &Schema, pointer: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: TypeName::Inline(words.to_vec()),
            description: schema.schema_data.description.clone(),
            deprecated: schema.schema_data.deprecated,
            pointer: pointer.to_owned(),
            kind,
        }
    }

    pub(super) fn use_of(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        pointer: &str,
        words: &[String],
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_use(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_use(schema, pointer, words),
        }
    }

    pub(super) fn boxed_use(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        pointer: &str,
        words: &[String],
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_use(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_use(schema, pointer, words),
        }
    }

    fn structure(&mut self, view: &View<'a>, pointer: &str, words: &[String]) -> Result<Struct, Error> {
        let mut fields: Vec<Field> = Vec::new();
        let mut required: HashSet<&str> = HashSet::new();
        let mut additional = None;
        let mut visiting = HashSet::new();
        self.collect_fields(view, pointer, words, &mut fields, &mut required, &mut additional, &mut visiting)?;
        for field in &mut fields {
            field.required = required.contains(field.name.as_str());
        }
        // A required name no property declares still has to be sent: any value (or the
        // `additionalProperties` type) satisfies it, so it is a field of that type. Names in a
        // deterministic order: `required` is a set.
        let mut undeclared: Vec<&str> =
            required.iter().copied().filter(|name| fields.iter().all(|f| f.name != *name)).collect();
        undeclared.sort_unstable();
        for name in undeclared {
            let field_pointer = push_pointer(&push_pointer(pointer, "properties"), name);
            self.warn(
                pointer,
                format!(
                    "requires `{name}`, which no property declares; generated as a field that takes {}",
                    if additional.is_some() { "an `additionalProperties` value" } else { "any JSON value" }
                ),
            );
            fields.push(Field {
                name: name.to_owned(),
                ty: additional.clone().unwrap_or(TypeRef::Any),
                required: true,
                description: Some("Required by the document, which does not describe it.".to_owned()),
                deprecated: false,
                read_only: false,
                write_only: false,
                paginated_items: false,
                default: None,
                pointer: field_pointer,
            });
        }
        Ok(Struct { fields, additional })
    }

    /// Gathers the properties of a schema and of its `allOf` members, members first, in order.
    #[allow(clippy::too_many_arguments)]
    fn collect_fields(
        &mut self,
        view: &View<'a>,
        pointer: &str,
        words: &[String],
        fields: &mut Vec<Field>,
        required: &mut HashSet<&'a str>,
        additional: &mut Option<TypeRef>,
        visiting: &mut HashSet<String>,
    ) -> Result<(), Error> {
        for (i, member) in view.all_of.iter().enumerate() {
            let member_pointer = push_pointer(&push_pointer(pointer, "allOf"), &i.to_string());
            match member {
                ReferenceOr::Reference { reference } => {
                    let (schema, target, member_words) = self.schema_target(reference, &member_pointer)?;
                    if !visiting.insert(target.clone()) {
                        return Err(Error::invalid(
                            &member_pointer,
                            format!("`allOf` includes itself through '{reference}'"),
                        ));
                    }
                    self.collect_fields(
                        &View::of(schema),
                        &target,
                        &member_words,
                        fields,
                        required,
                        additional,
                        visiting,
                    )?;
                    visiting.remove(&target);
                }
                ReferenceOr::Item(schema) => {
                    self.collect_fields(
                        &View::of(schema),
                        &member_pointer,
                        words,
                        fields,
                        required,
                        additional,
                        visiting,
                    )?;
                }
            }
        }
        required.extend(view.required.iter().map(String::as_str));
        if let Some(properties) = view.properties {
            for (name, schema) in properties {
                let field_pointer = push_pointer(&push_pointer(pointer, "properties"), name);
                let mut field_words = words.to_vec();
                field_words.push(name.clone());
                let ty = self.boxed_use(schema, &field_pointer, &field_words)?;
                let data = match schema {
                    ReferenceOr::Item(schema) => Some(&schema.schema_data),
                    ReferenceOr::Reference { .. } => None,
                };
                let field = Field {
                    name: name.clone(),
                    ty,
                    required: false,
                    description: data.and_then(|d| d.description.clone()),
                    deprecated: data.is_some_and(|d| d.deprecated),
                    read_only: data.is_some_and(|d| d.read_only),
                    write_only: data.is_some_and(|d| d.write_only),
                    paginated_items: data
                        .and_then(|d| d.extensions.get("x-paginated-items"))
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false),
                    default: data.and_then(|d| d.default.clone()),
                    pointer: field_pointer,
                };
                match fields.iter_mut().find(|f| f.name == *name) {
                    // A member that only re-describes a property refines it; it does not retype it.
                    Some(existing) if matches!(schema, ReferenceOr::Item(s) if schema_is_annotation_only(s)) => {
                        if field.description.is_some() {
                            existing.description = field.description;
                        }
                        existing.deprecated |= field.deprecated;
                    }
                    Some(existing) => *existing = field,
                    None => fields.push(field),
                }
            }
        }
        match view.additional {
            Some(AdditionalProperties::Any(false)) | None => {}
            Some(extra) => *additional = Some(self.map(Some(extra), pointer, words)?.element()),
        }
        Ok(())
    }
}

impl TypeRef {
    /// The value type of a map; itself otherwise.
    pub(super) fn element(self) -> TypeRef {
        match self {
            TypeRef::Map(value) => *value,
            other => other,
        }
    }
}

/// A discriminator's `mapping` (or `defaultMapping`) value as a `$ref`: it is one already, or a
/// bare component name, which may hold `/`, `~` or `%` (`a/b` → `#/components/schemas/a~1b`).
fn mapping_ref(value: &str) -> String {
    if value.starts_with('#') {
        return value.to_owned();
    }
    let token = value.replace('~', "~0").replace('/', "~1").replace('%', "%25");
    format!("{SCHEMAS}{token}")
}

/// `false`, or `not: {}` (what the loader makes of `false`): a schema no value satisfies.
pub(super) fn is_false(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Not { not } if matches!(&**not, ReferenceOr::Item(s) if schema_is_annotation_only(s)))
}

/// A member of `allOf` that constrains nothing: only annotations such as `description` or
/// `example`.
/// The component a union member names: a `$ref` to one, or an `allOf` of one `$ref` with only
/// annotations beside it.
fn member_component(member: &ReferenceOr<Schema>) -> Option<String> {
    match member {
        ReferenceOr::Reference { reference } => component_name(reference, SCHEMAS),
        ReferenceOr::Item(schema) => {
            let view = View::of(schema);
            let refs: Vec<&String> = view
                .all_of
                .iter()
                .filter(|m| !is_annotation_only(m))
                .map(|m| match m {
                    ReferenceOr::Reference { reference } => Some(reference),
                    ReferenceOr::Item(_) => None,
                })
                .collect::<Option<_>>()?;
            let plain = view.typ.is_none_or(|t| t == "object") && view.properties.is_none_or(|p| p.is_empty());
            match refs.as_slice() {
                [reference] if plain && view.one_of.is_empty() && view.any_of.is_empty() => {
                    component_name(reference, SCHEMAS)
                }
                _ => None,
            }
        }
    }
}

pub(super) fn is_annotation_only(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if schema_is_annotation_only(schema))
}

pub(super) fn schema_is_annotation_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.additional_properties.is_none()
                && any.enumeration.is_empty()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && any.format.is_none()
                && !schema.schema_data.nullable
        }
        _ => false,
    }
}

/// One shape for every schema, whether openapiv3 parsed it as a typed schema or as `AnySchema`.
pub(super) struct View<'a> {
    pub(super) typ: Option<&'a str>,
    pub(super) format: Option<&'a str>,
    pub(super) enumeration: Vec<serde_json::Value>,
    pub(super) properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub(super) required: &'a [String],
    pub(super) additional: Option<&'a AdditionalProperties>,
    pub(super) items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub(super) all_of: &'a [ReferenceOr<Schema>],
    pub(super) one_of: &'a [ReferenceOr<Schema>],
    pub(super) any_of: &'a [ReferenceOr<Schema>],
}

impl<'a> View<'a> {
    pub(super) fn of(schema: &'a Schema) -> View<'a> {
        let mut view = View {
            typ: None,
            format: None,
            enumeration: Vec::new(),
            properties: None,
            required: &[],
            additional: None,
            items: None,
            all_of: &[],
            one_of: &[],
            any_of: &[],
        };
        fn format<T>(f: &VariantOrUnknownOrEmpty<T>, known: impl Fn(&T) -> &'static str) -> Option<&str> {
            match f {
                VariantOrUnknownOrEmpty::Item(item) => Some(known(item)),
                VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
                VariantOrUnknownOrEmpty::Empty => None,
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.typ = Some("string");
                view.format = format(&s.format, |f| match f {
                    openapiv3::StringFormat::Date => "date",
                    openapiv3::StringFormat::DateTime => "date-time",
                    openapiv3::StringFormat::Password => "password",
                    openapiv3::StringFormat::Byte => "byte",
                    openapiv3::StringFormat::Binary => "binary",
                });
                view.enumeration = s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(serde_json::Value::Null, serde_json::Value::String))
                    .collect();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.typ = Some("integer");
                view.format = format(&i.format, |f| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                });
                view.enumeration =
                    i.enumeration.iter().map(|v| v.map_or(serde_json::Value::Null, serde_json::Value::from)).collect();
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.typ = Some("number");
                view.format = format(&n.format, |f| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                });
            }
            SchemaKind::Type(Type::Boolean(_)) => view.typ = Some("boolean"),
            SchemaKind::Type(Type::Object(o)) => {
                view.typ = Some("object");
                view.properties = Some(&o.properties);
                view.required = &o.required;
                view.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.typ = Some("array");
                view.items = a.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.as_deref();
                view.enumeration = any.enumeration.clone();
                view.properties = Some(&any.properties).filter(|p| !p.is_empty());
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.all_of = &any.all_of;
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
            }
        }
        view
    }

    /// An array, or a schema that says nothing else, may hold `prefixItems`.
    pub(super) fn is_tuple(&self) -> bool {
        matches!(self.typ, None | Some("array"))
            && self.properties.is_none_or(|p| p.is_empty())
            && self.all_of.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
    }

    /// Objects with properties, and `allOf` compositions, become structs.
    pub(super) fn is_struct(&self) -> bool {
        let has_properties = self.properties.is_some_and(|p| !p.is_empty());
        let merges = !self.all_of.is_empty() && self.one_of.is_empty() && self.any_of.is_empty();
        matches!(self.typ, None | Some("object")) && (has_properties || merges)
    }
}
