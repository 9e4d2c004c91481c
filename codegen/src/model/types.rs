//! The model's types: how an API's values are shaped (named types, their fields, unions and
//! tuples, the uses that point at them), and which operations send or receive each.

use super::Api;

/// Index into [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A use of a type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A type declared in [`Api::types`], by its id.
    Named(TypeId),
    /// A scalar, chosen by the schema's `type` and `format`.
    Primitive(Primitive),
    /// A JSON array whose items all have this type.
    Array(Box<TypeRef>),
    /// A JSON object used as a map from string keys to values of this type.
    Map(Box<TypeRef>),
    /// Any JSON value.
    Any,
    /// The value may also be JSON `null`.
    Nullable(Box<TypeRef>),
}

/// The scalar types, chosen by a schema's `type` and `format`. An unknown format is read as
/// the plain type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `type: string` with a format not listed here, or none.
    String,
    /// `type: boolean`.
    Boolean,
    /// `type: integer` with `format: int32`.
    I32,
    /// `type: integer` with any other format, or none: 64 bits.
    I64,
    /// `type: number` with `format: float`.
    F32,
    /// `type: number` with any other format (`double`, or none).
    F64,
    /// `format: date-time`: an RFC 3339 timestamp.
    DateTime,
    /// `format: date`: an RFC 3339 full date (`2024-05-01`).
    Date,
    /// `format: uuid`.
    Uuid,
    /// `format: binary` strings: raw bytes.
    Binary,
}

/// Where a named type's name comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeName {
    /// The key under `components/schemas`.
    Component(String),
    /// An inline schema, named by the words of the place where it sits, outermost first,
    /// e.g. `["Usage", "links"]` for the object under `Usage.properties._links`.
    Inline(Vec<String>),
}

/// A type with a name of its own: a component schema, or an inline schema that needs a
/// declaration of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Where the name comes from; [`crate::names`] turns it into the Rust name.
    pub name: TypeName,
    /// The schema's `description`: the generated type's docs.
    pub description: Option<String>,
    /// `deprecated: true`: the generated type's docs say the API deprecates it.
    pub deprecated: bool,
    /// JSON pointer of the schema object.
    pub pointer: String,
    /// What the schema declares.
    pub kind: TypeKind,
}

/// What a named type is, and so which kind of Rust item it becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with properties or `additionalProperties`.
    Struct(Struct),
    /// A string enum; it stays open to values the document does not list.
    Enum(Vec<String>),
    /// An integer enum; open like string enums.
    IntEnum(Vec<i64>),
    /// `oneOf` or `anyOf`: a value of one of several types, open to values that match none.
    Union(Union),
    /// Another name for a type that needs no declaration of its own (an array, a primitive...).
    Alias(TypeRef),
    /// OpenAPI 3.1 `prefixItems`: a JSON array whose first items each have a type of their own.
    Tuple(Tuple),
}

/// An array with `prefixItems`: a fixed list of typed items, then maybe more.
#[derive(Clone, Debug, PartialEq)]
pub struct Tuple {
    /// The types of the first items, in order (`prefixItems`); each must be present.
    pub items: Vec<TypeRef>,
    /// The type of the items after them (`items`); `None` when none may follow (`items: false`).
    /// Without `items`, any value may follow: [`TypeRef::Any`].
    pub rest: Option<TypeRef>,
}

impl Tuple {
    /// Every type the tuple holds: its items, then the type of the rest.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        self.items.iter().chain(&self.rest)
    }

    /// [`Tuple::types`], mutable (to renumber the types they name).
    pub fn types_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        self.items.iter_mut().chain(&mut self.rest)
    }
}

/// The members of a `oneOf` or `anyOf`, and how a value tells which one it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// The member types, in document order.
    pub variants: Vec<TypeRef>,
    /// `discriminator`: the property whose value names the member.
    pub discriminator: Option<Discriminator>,
}

/// A union's `discriminator`: the property whose value names a member, and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discriminator {
    /// The property name on the wire.
    pub property: String,
    /// Tag values and the index of the variant each selects: the `mapping` entries, then for
    /// every member that is a component schema not named by the mapping, its component name.
    pub tags: Vec<(String, usize)>,
    /// OpenAPI 3.2 `defaultMapping`: the variant a value whose tag is missing or unknown decodes as.
    pub default: Option<usize>,
}

/// An object schema's properties, its `allOf` members merged in.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Properties in document order; `allOf` members merged in member order.
    pub fields: Vec<Field>,
    /// The type of properties not listed, when `additionalProperties` allows them.
    pub additional: Option<TypeRef>,
}

/// One property of a [`Struct`].
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The property name on the wire.
    pub name: String,
    /// The property's type; [`TypeRef::Nullable`] when its schema allows `null`.
    pub ty: TypeRef,
    /// Whether a `required` list names the property (the schema's own or an `allOf` member's).
    pub required: bool,
    /// `description`, when given; an `allOf` member that only re-describes the property
    /// replaces it.
    pub description: Option<String>,
    /// `deprecated: true`: the generated field's docs say the API deprecates it.
    pub deprecated: bool,
    /// `readOnly: true`: the server sets it. Only the field's docs say so; a value that is set is
    /// still sent.
    pub read_only: bool,
    /// `writeOnly: true`: the server never returns it. Only the field's docs say so.
    pub write_only: bool,
    /// `x-paginated-items: true`: this array holds a page's items.
    pub paginated_items: bool,
    /// The schema's `default`, shown in the documentation.
    pub default: Option<serde_json::Value>,
    /// JSON pointer of the property's schema, under `properties` of the schema (or `allOf` member)
    /// that declares it.
    pub pointer: String,
}

impl Field {
    /// Whether `new` takes this field as an argument: a required field, except a nullable one of a
    /// type only responses carry ([`Uses::received_only`]), which starts as `None` (it is sent as
    /// `null`, a valid value) and is set with its `with_` setter like an optional one. So a vendor
    /// making a nullable response field required changes nothing in the Rust API.
    pub fn in_constructor(&self, received_only: bool) -> bool {
        self.required && !(received_only && matches!(self.ty, TypeRef::Nullable(_)))
    }
}

/// How operations use each type, by [`TypeId`]: bits [`Uses::SENT`] (a parameter or request body
/// reaches it), [`Uses::RECEIVED`] (a success body), [`Uses::ERROR`] (an error body); 0 when no
/// operation reaches it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uses(Vec<u8>);

impl Uses {
    /// The bit for a type a parameter or a request body reaches.
    pub const SENT: u8 = 1;
    /// The bit for a type a success response's body reaches.
    pub const RECEIVED: u8 = 2;
    /// The bit for a type the body of a response that is not a success reaches (`default`
    /// included).
    pub const ERROR: u8 = 4;

    /// Every type's uses, through fields, members, items and aliases.
    pub fn of(api: &Api) -> Uses {
        let mut uses = vec![0; api.types.len()];
        for op in &api.operations {
            for p in &op.parameters {
                mark(api, &mut uses, &p.ty, Uses::SENT);
            }
            for ty in op.body.iter().flat_map(|b| &b.content).filter_map(|c| c.ty.as_ref()) {
                mark(api, &mut uses, ty, Uses::SENT);
            }
            for r in &op.responses {
                let bit = if r.status.is_success() { Uses::RECEIVED } else { Uses::ERROR };
                for ty in r.content.iter().filter_map(|c| c.ty.as_ref()) {
                    mark(api, &mut uses, ty, bit);
                }
            }
        }
        Uses(uses)
    }

    /// The bits of `id`, any of [`Uses::SENT`], [`Uses::RECEIVED`] and [`Uses::ERROR`]; 0 for an
    /// id no operation reaches or one out of range.
    pub fn get(&self, id: TypeId) -> u8 {
        self.0.get(id.0).copied().unwrap_or(0)
    }

    /// Responses carry the type and no request sends it.
    pub fn received_only(&self, id: TypeId) -> bool {
        let uses = self.get(id);
        uses != 0 && uses & Uses::SENT == 0
    }
}

/// Marks `ty` and every type it reaches with `bit`.
fn mark(api: &Api, uses: &mut [u8], ty: &TypeRef, bit: u8) {
    match ty {
        TypeRef::Named(id) => {
            let Some(slot) = uses.get_mut(id.0) else { return };
            if *slot & bit != 0 {
                return;
            }
            *slot |= bit;
            match api.types.get(id.0).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => {
                    for ty in s.fields.iter().map(|f| &f.ty).chain(&s.additional) {
                        mark(api, uses, ty, bit);
                    }
                }
                Some(TypeKind::Alias(target)) => mark(api, uses, target, bit),
                Some(TypeKind::Union(union)) => union.variants.iter().for_each(|v| mark(api, uses, v, bit)),
                Some(TypeKind::Tuple(tuple)) => tuple.types().for_each(|t| mark(api, uses, t, bit)),
                Some(TypeKind::Enum(_) | TypeKind::IntEnum(_)) | None => {}
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => mark(api, uses, inner, bit),
        TypeRef::Primitive(_) | TypeRef::Any => {}
    }
}
