//! Stage 3: decides every Rust name, once, for the whole [`Api`]. Rendering only reads [`Names`].
//!
//! The rules (also in ARCHITECTURE.md):
//! - types and enum variants are UpperCamelCase, fields, methods and parameters snake_case, both
//!   computed by `heck` from the document's name, after every character that is not ASCII
//!   alphanumeric becomes a word break (`_links` → `links`, `a-b` → `a_b`); a name that would
//!   start with a digit gets a prefix (`Type`, `Value`, `_`), and a snake_case name of digits
//!   only the placeholder (`42` → `param_42`, not `_42`); an empty name becomes a placeholder
//!   (`Type`, `Value`, `field`);
//! - Rust keywords become raw identifiers (`r#type`); `self`, `super`, `crate` and `Self`, which
//!   cannot be raw, get a trailing underscore;
//! - within one scope (the `types` module, a struct, an enum, the client's methods, a builder) a
//!   name already taken gets the smallest numeric suffix from 2 that makes it unique (`links`,
//!   `links2`); who keeps the plain name is settled by stable keys (a member whose wire name is the
//!   Rust name, then wire names; operation and schema pointers), never by document order. Names
//!   the generated code itself uses in that scope are taken before the document's; they live in
//!   [`crate::reserved`], which the renderer reads too.
//! - inline schemas are named by the words of where they sit: `{Schema}{Property}` for a property,
//!   `{…}Item` for array items, `{Operation}Body`, `{Operation}Response`, `{Operation}{Status}Response`;
//! - each operation's error enum is `{Operation}Error`, its success enum `{Operation}Response`.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::model::*;
use crate::reserved::{BUILDER_MEMBERS, BUILDER_MODULE, CLIENT_ITEMS, MOCK_MODULE, TYPES_MODULE, UNKNOWN_VARIANT};

/// Every Rust name of one API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    /// By [`TypeId`].
    pub types: Vec<String>,
    /// By [`TypeId`]: struct field names (in field order, then the map of additional properties
    /// when the struct has one), or enum and union variant names (in document order, then the
    /// catch-all variant); empty for aliases.
    pub members: Vec<Vec<String>>,
    /// By operation index.
    pub operations: Vec<OperationNames>,
    /// The placeholders of the first server URL (`{datacenter}`), in order of appearance, with
    /// the names of the `Client::server_url` parameters that fill them.
    pub server_variables: Vec<(String, String)>,
    /// The security schemes operations use, in document order, with the names of the `Client`
    /// methods that give their credentials (`with_api_key`; none for mutual TLS, whose
    /// certificate goes to the builder).
    pub security_schemes: Vec<(String, String)>,
}

/// The Rust names that one operation's generated items use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationNames {
    /// The method on `Client`.
    pub method: String,
    /// The builder type in the `builder` module.
    pub builder: String,
    /// By parameter index.
    pub parameters: Vec<String>,
    /// The builder's body setter, when the operation has a body.
    pub body: String,
    /// By parameter index, for optional parameters: the setter that takes an `Option`
    /// (`maybe_limit`), named after the others so it renames none of them.
    pub maybe: Vec<Option<String>>,
    /// `{Operation}Error`, when the operation documents error responses: its documented failures.
    pub error_enum: Option<StatusEnum>,
    /// `{Operation}Response`, when the 2xx responses carry different bodies: what a call returns.
    pub success_enum: Option<StatusEnum>,
    /// `{Operation}Parts`, when the body is multipart with an object schema
    /// ([`Api::multipart_parts`]): the typed parts the builder takes.
    pub parts: Option<String>,
}

/// An enum with one variant per documented status of one operation (its failures, or its
/// successes when they differ).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEnum {
    /// The enum's name in the `types` module.
    pub name: String,
    /// Statuses and variant names, in document order.
    pub variants: Vec<(Status, String)>,
}

/// Who claims a name in the `types` module, in the order collisions are settled: component
/// schemas before inline ones before the enums generated for operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Claimant {
    Component,
    Inline,
    Operation,
}

/// Decides all names of `api`.
pub fn names(api: &Api) -> Names {
    let mut operations = operation_names(api);
    let mut type_claims: Vec<((Claimant, &str, u8), String)> = api
        .types
        .iter()
        .map(|def| match &def.name {
            TypeName::Component(name) => ((Claimant::Component, def.pointer.as_str(), 0), pascal(name, "Type")),
            TypeName::Inline(words) => ((Claimant::Inline, def.pointer.as_str(), 0), pascal(&words.join(" "), "Type")),
        })
        .collect();
    for (op, names) in api.operations.iter().zip(&operations) {
        // `Self_` (the builder of an operation called `self`) gives `SelfError`.
        let builder = names.builder.trim_end_matches('_');
        if op.failures().next().is_some() {
            type_claims.push(((Claimant::Operation, &op.pointer, 0), format!("{builder}Error")));
        }
        if op.success_bodies_differ() {
            type_claims.push(((Claimant::Operation, &op.pointer, 1), format!("{builder}Response")));
        }
        if api.multipart_parts(op).is_some() {
            type_claims.push(((Claimant::Operation, &op.pointer, 2), format!("{builder}Parts")));
        }
    }
    let mut taken = Scope::new(TYPES_MODULE).take_all(type_claims).into_iter();
    let types: Vec<String> = taken.by_ref().take(api.types.len()).collect();
    for (op, names) in api.operations.iter().zip(operations.iter_mut()) {
        if op.failures().next().is_some() {
            let variants = status_variants(op.failures());
            names.error_enum = taken.next().map(|name| StatusEnum { name, variants });
        }
        if op.success_bodies_differ() {
            let variants = status_variants(op.successes());
            names.success_enum = taken.next().map(|name| StatusEnum { name, variants });
        }
        if api.multipart_parts(op).is_some() {
            names.parts = taken.next();
        }
    }

    let mut members: Vec<Vec<String>> = api.types.iter().map(|def| member_names(&def.kind)).collect();
    // Union variants are named after their types: `CloudAgent(CloudAgent)`, `String(String)`.
    for (i, def) in api.types.iter().enumerate() {
        if let TypeKind::Union(union) = &def.kind {
            let mut scope = Scope::new(&[UNKNOWN_VARIANT]);
            let mut variants: Vec<String> =
                union.variants.iter().map(|v| scope.take(variant_name(v, &types))).collect();
            variants.push(UNKNOWN_VARIANT.to_owned());
            members[i] = variants;
        }
    }

    let mut server_variables: Vec<(String, String)> = Vec::new();
    for placeholder in api.servers.first().map_or(Vec::new(), |s| placeholders(&s.url).collect()) {
        if !server_variables.iter().any(|(p, _)| p == placeholder) {
            server_variables.push((placeholder.to_owned(), snake(placeholder, "variable")));
        }
    }
    let claims = server_variables.iter().map(|(p, name)| (p.clone(), name.clone())).collect();
    for ((_, name), unique) in server_variables.iter_mut().zip(Scope::new(&[]).take_all(claims)) {
        *name = unique;
    }

    // `Client`'s scope: its own items and the operations' methods come first, so a scheme added
    // to a document renames no operation.
    let mut client = Scope::new(CLIENT_ITEMS);
    operations.iter().for_each(|op| client.reserve(&op.method));
    let with: Vec<&SecurityScheme> =
        api.used_security_schemes().filter(|s| s.kind != SecurityKind::MutualTls).collect();
    let method = |s: &SecurityScheme| {
        format!("with_{}", snake(&s.name, "credential").trim_start_matches("r#").trim_matches('_'))
    };
    let methods = client.take_all(with.iter().map(|s| (s.name.clone(), method(s))).collect());
    let security_schemes = with.iter().map(|s| s.name.clone()).zip(methods).collect();

    Names { types, members, operations, server_variables, security_schemes }
}

/// The `Client` method, builder and parameter names of every operation; methods and builders
/// settle collisions by the operations' pointers, parameters by their names and locations.
fn operation_names(api: &Api) -> Vec<OperationNames> {
    let by_pointer = |base: fn(&str) -> String| -> Vec<(&str, String)> {
        api.operations.iter().map(|op| (op.pointer.as_str(), base(&op.word()))).collect()
    };
    let methods = Scope::new(CLIENT_ITEMS).take_all(by_pointer(|word| snake(word, "operation")));
    // The `mock` module names a marker type after each builder, beside names of its own.
    let builders =
        Scope::new(&[BUILDER_MODULE, MOCK_MODULE].concat()).take_all(by_pointer(|word| pascal(word, "Operation")));
    api.operations
        .iter()
        .zip(methods.into_iter().zip(builders))
        .map(|(op, (method, builder))| {
            let mut scope = Scope::new(BUILDER_MEMBERS);
            let claims = op
                .parameters
                .iter()
                .map(|p| {
                    let (key, name) = claim(&p.name, snake(&p.name, "param"));
                    ((key, p.location.as_str()), name)
                })
                .collect();
            let parameters = scope.take_all(claims);
            let body = scope.take("body".to_owned());
            let maybe = op
                .parameters
                .iter()
                .zip(&parameters)
                .map(|(p, name)| {
                    let plain = name.trim_start_matches("r#").trim_matches('_');
                    (!p.required).then(|| scope.take(format!("maybe_{plain}")))
                })
                .collect();
            OperationNames {
                method,
                builder,
                parameters,
                body,
                maybe,
                error_enum: None,
                success_enum: None,
                parts: None,
            }
        })
        .collect()
}

/// Field names of a struct (by wire name, then `additional_properties` for the map of the rest),
/// or variant names of an enum (by value, then the catch-all); unions are named once every type
/// has its name.
fn member_names(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Struct(s) => {
            let mut scope = Scope::new(&[]);
            let claims = s.fields.iter().map(|f| claim(&f.name, snake(&f.name, "field"))).collect();
            let mut fields = scope.take_all(claims);
            if s.additional.is_some() {
                fields.push(scope.take("additional_properties".to_owned()));
            }
            fields
        }
        TypeKind::Enum(values) => {
            let claims = values.iter().map(|v| claim(v, pascal(v, "Value"))).collect();
            let mut variants = Scope::new(&[UNKNOWN_VARIANT]).take_all(claims);
            variants.push(UNKNOWN_VARIANT.to_owned());
            variants
        }
        TypeKind::IntEnum(values) => {
            let claims = values
                .iter()
                .map(|v| (*v, if *v < 0 { format!("ValueMinus{}", v.unsigned_abs()) } else { format!("Value{v}") }))
                .collect();
            let mut variants = Scope::new(&[UNKNOWN_VARIANT]).take_all(claims);
            variants.push(UNKNOWN_VARIANT.to_owned());
            variants
        }
        TypeKind::Union(_) | TypeKind::Alias(_) | TypeKind::Tuple(_) => Vec::new(),
    }
}

/// A claim on `name` by the member the document calls `wire`, keyed so that a member whose name
/// is its wire name verbatim (`type` for "type", not for "Type") wins the name, and among the
/// rest the wire name decides.
fn claim(wire: &str, name: String) -> ((bool, &str), String) {
    let verbatim = name.trim_start_matches("r#").trim_end_matches('_') == wire;
    ((!verbatim, wire), name)
}

/// One variant per status, named by [`status_variant`].
fn status_variants<'r>(responses: impl Iterator<Item = &'r Response>) -> Vec<(Status, String)> {
    let mut scope = Scope::new(&[]);
    responses.map(|r| (r.status, scope.take(status_variant(r.status)))).collect()
}

/// The name of a union variant holding `ty`.
fn variant_name(ty: &TypeRef, types: &[String]) -> String {
    match ty {
        TypeRef::Named(id) => types[id.0].clone(),
        TypeRef::Primitive(p) => match p {
            Primitive::String => "String",
            Primitive::Boolean => "Boolean",
            Primitive::I32 | Primitive::I64 => "Integer",
            Primitive::F32 | Primitive::F64 => "Number",
            Primitive::DateTime => "DateTime",
            Primitive::Date => "Date",
            Primitive::Uuid => "Uuid",
            Primitive::Binary => "Bytes",
        }
        .to_owned(),
        TypeRef::Array(_) => "Array".to_owned(),
        TypeRef::Map(_) => "Object".to_owned(),
        TypeRef::Any => "Value".to_owned(),
        TypeRef::Nullable(inner) => variant_name(inner, types),
    }
}

/// A variant name for a status: the reason phrase of well-known codes, `Status{code}` otherwise.
pub fn status_variant(status: Status) -> String {
    let known = match status {
        Status::Default => "Other",
        Status::Range(r) => return format!("Status{r}xx"),
        Status::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
    };
    known.to_owned()
}

/// Names given in one scope, each unique.
struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    fn new(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|s| s.to_string()).collect() }
    }

    /// Names for many claimants at once, in the claimants' order. A name two claimants want goes to
    /// the one whose key sorts first (keys are stable, such as document pointers or wire names),
    /// so what a document adds renames nothing that existed unless the newcomer sorts first among
    /// those that want its name; document order plays no part.
    fn take_all<K: Ord>(&mut self, claims: Vec<(K, String)>) -> Vec<String> {
        let mut order: Vec<usize> = (0..claims.len()).collect();
        order.sort_by(|&a, &b| claims[a].0.cmp(&claims[b].0));
        let mut names = vec![String::new(); claims.len()];
        for i in order {
            names[i] = self.take(claims[i].1.clone());
        }
        names
    }

    /// Takes `name` as it is (it was given in this scope before).
    fn reserve(&mut self, name: &str) {
        self.taken.insert(name.trim_start_matches("r#").to_owned());
    }

    fn take(&mut self, base: String) -> String {
        // Raw identifiers share their namespace with the plain ones: `r#type` and `type` clash.
        let key = |s: &str| s.trim_start_matches("r#").to_owned();
        if self.taken.insert(key(&base)) {
            return base;
        }
        let plain = base.trim_start_matches("r#").trim_end_matches('_');
        (2..)
            .map(|n| format!("{plain}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields an unused name")
    }
}

/// An UpperCamelCase identifier from any text.
pub fn pascal(text: &str, placeholder: &str) -> String {
    let ascii: String = text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let mut name = ascii.to_upper_camel_case();
    if name.is_empty() {
        name = placeholder.to_owned();
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{placeholder}{name}");
    }
    escape_keyword(name)
}

/// A snake_case identifier from any text.
pub fn snake(text: &str, placeholder: &str) -> String {
    let ascii: String = text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let mut name = ascii.to_snake_case();
    if name.is_empty() {
        name = placeholder.to_owned();
    } else if name.chars().all(|c| c.is_ascii_digit() || c == '_') {
        // `_42` says nothing (clippy's `just_underscores_and_digits`): `param_42`.
        name = format!("{placeholder}_{name}");
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    escape_keyword(name)
}

fn escape_keyword(name: String) -> String {
    const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for",
        "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
        "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_from_awkward_text() {
        assert_eq!(snake("enterpriseUnitsUsed", "f"), "enterprise_units_used");
        assert_eq!(snake("_links", "f"), "links");
        assert_eq!(snake("type", "f"), "r#type");
        assert_eq!(snake("self", "f"), "self_");
        assert_eq!(snake("2fa", "f"), "_2fa");
        assert_eq!(snake("42", "param"), "param_42");
        assert_eq!(snake("1.5", "field"), "field_1_5");
        assert_eq!(snake("ünïcode", "f"), "n_code");
        assert_eq!(snake("---", "f"), "f");
        assert_eq!(pascal("enterprise-agent", "Value"), "EnterpriseAgent");
        assert_eq!(pascal("5xx", "Value"), "Value5xx");
        assert_eq!(pascal("", "Value"), "Value");
        assert_eq!(pascal("Self", "Type"), "Self_");
    }

    #[test]
    fn collisions_get_numeric_suffixes_in_order() {
        let mut scope = Scope::new(&["Unknown"]);
        assert_eq!(scope.take(pascal("unknown", "V")), "Unknown2");
        assert_eq!(scope.take(pascal("links", "V")), "Links");
        assert_eq!(scope.take(pascal("_links", "V")), "Links2");
        let mut fields = Scope::new(&[]);
        assert_eq!(fields.take(snake("type", "f")), "r#type");
        assert_eq!(fields.take(snake("Type", "f")), "type2");
    }

    #[test]
    fn who_keeps_a_name_does_not_depend_on_document_order() {
        let fields = |wire: &[&'static str]| {
            let claims = wire.iter().map(|w| claim(w, snake(w, "field"))).collect();
            let names = Scope::new(&[]).take_all(claims);
            let mut pairs: Vec<(&str, String)> = wire.iter().copied().zip(names).collect();
            pairs.sort();
            pairs
        };
        let expected = vec![
            ("Type", "type2".to_owned()),
            ("_links", "links2".to_owned()),
            ("links", "links".to_owned()),
            ("type", "r#type".to_owned()),
        ];
        assert_eq!(fields(&["_links", "links", "Type", "type"]), expected);
        assert_eq!(fields(&["type", "Type", "links", "_links"]), expected);
        // A newcomer that only converts to a taken name does not take it from the verbatim one.
        assert_eq!(fields(&["links"]), vec![("links", "links".to_owned())]);
        assert_eq!(fields(&["links", "Links"]), vec![("Links", "links2".to_owned()), ("links", "links".to_owned())]);
    }
}
