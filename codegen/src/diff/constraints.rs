//! Rules about what a schema allows beyond its Rust type: bounds, lengths, counts, patterns,
//! enum values no Rust enum carries, conditional subschemas (`if`/`then`/`else`, `contains`,
//! `dependentRequired`, `dependentSchemas`), `prefixItems`, defaults, and how a string's content
//! is encoded (`contentEncoding`, `contentMediaType`, `contentSchema`).
//!
//! The lowered model keeps the Rust shape only, so these are read from the raw document (after
//! loading, in its 3.0 form: a 3.1 numeric `exclusiveMaximum` is a `maximum` with
//! `exclusiveMaximum: true`) at the place each use points to: a parameter, a request body, a
//! struct field, a type's own schema. A place whose Rust type changed is left to the type rules;
//! a place whose type is a declared type is compared where that type is declared, once.
//!
//! Severity is the server's: a value a request could send yesterday and the server refuses today
//! is breaking (a constraint tightened on what requests send), a loosened one is an addition; a
//! `default` of what requests send changed or removed is breaking (callers that leave the value out
//! get another behaviour), added an addition. Constraints on what responses carry change nothing
//! the client checks, except the encoding of a string's content, which changes the bytes on either
//! side.

use serde_json::{Map, Value};

use crate::error::push_pointer;
use crate::model::{Field, Parameter, TypeDef, TypeKind, TypeRef, Uses};

use super::markdown::code;
use super::report::{change, Change};
use super::side::{strip_nullable, Side};
use super::Cx;
use super::Severity::{Breaking, NonBreaking};

/// Who carries the values a place holds: requests send them, responses bring them.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Carried {
    pub(super) sent: bool,
    pub(super) received: bool,
}

impl Carried {
    /// From [`Uses`] bits (of both sides, or-ed).
    pub(super) fn from_uses(uses: u8) -> Carried {
        Carried { sent: uses & Uses::SENT != 0, received: uses & !Uses::SENT != 0 }
    }
}

/// One place to compare: the Rust item that holds it, a few words for people (`parameter
/// `limit``), and the schema on each side.
pub(super) struct Place<'v> {
    pub(super) item: String,
    pub(super) what: String,
    pub(super) carried: Carried,
    pub(super) old: Option<&'v Map<String, Value>>,
    pub(super) new: Option<&'v Map<String, Value>>,
    pub(super) scope: Scope,
    pub(super) pointers: (Option<String>, Option<String>),
}

/// Which keywords a place holds.
#[derive(Clone, Copy, Debug)]
pub(super) enum Scope {
    /// A use (parameter, body, field) of a type declared elsewhere: only its `default`.
    Default,
    /// A use whose schema is its own: everything.
    Use,
    /// A declared type's own schema: everything but `default` (the uses hold theirs), and `enum`
    /// only when no Rust enum carries the values (the type rules compare variants).
    Declaration { typed_enum: bool },
}

impl Scope {
    /// The scope of a use of `ty`.
    pub(super) fn of_use(ty: &TypeRef) -> Scope {
        match strip_nullable(ty) {
            TypeRef::Named(_) => Scope::Default,
            _ => Scope::Use,
        }
    }
}

/// The bounds: keyword, whether it is an upper bound, the boolean keyword making it exclusive.
const BOUNDS: [(&str, bool, Option<&str>); 10] = [
    ("maximum", true, Some("exclusiveMaximum")),
    ("minimum", false, Some("exclusiveMinimum")),
    ("maxLength", true, None),
    ("minLength", false, None),
    ("maxItems", true, None),
    ("minItems", false, None),
    ("maxProperties", true, None),
    ("minProperties", false, None),
    ("maxContains", true, None),
    ("minContains", false, None),
];

/// Subschemas that add conditions to a value.
const CONDITIONAL: [&str; 7] = ["if", "then", "else", "contains", "dependentRequired", "dependentSchemas", "not"];

/// How a string's content is encoded.
const CONTENT: [&str; 3] = ["contentEncoding", "contentMediaType", "contentSchema"];

/// What one difference does to the values a place accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Fewer values: requests that were accepted may be refused.
    Tightened,
    /// More values.
    Loosened,
}

impl Cx<'_> {
    /// Compares the schemas of one place and pushes a change per difference that matters for who
    /// carries its values.
    pub(super) fn constraints(&mut self, place: Place<'_>, changes: &mut Vec<Change>) {
        let (Some(old), Some(new)) = (place.old, place.new) else { return };
        let mut found = Vec::new();
        compare(old, new, "", place.scope, &mut found);
        let at = |c: Change| c.at(place.pointers.0.as_deref(), place.pointers.1.as_deref());
        let Carried { sent, received } = place.carried;
        let bytes = match (sent, received) {
            (true, true) => "the bytes sent and received",
            (true, false) => "the bytes requests send",
            (false, true) => "the bytes responses bring",
            (false, false) => return,
        };
        for Finding { rule, effect, text } in found {
            let what = &place.what;
            let c = match (rule, effect) {
                (Rule::Content, _) => change(
                    Breaking,
                    "content-encoding-changed",
                    &place.item,
                    format!("{what}: {text}: {bytes} are encoded differently"),
                ),
                _ if !sent => continue,
                (Rule::Default, Effect::Tightened) => change(
                    Breaking,
                    "default-changed",
                    &place.item,
                    format!("{what}: {text}: requests that leave it out get another behaviour"),
                ),
                (Rule::Default, Effect::Loosened) => {
                    change(NonBreaking, "default-changed", &place.item, format!("{what}: {text}"))
                }
                (rule, Effect::Tightened) => change(
                    Breaking,
                    rule.tightened(),
                    &place.item,
                    format!("{what}: {text}: the server may refuse requests it accepted"),
                ),
                (rule, Effect::Loosened) => {
                    change(NonBreaking, rule.loosened(), &place.item, format!("{what}: {text}"))
                }
            };
            changes.push(at(c));
        }
    }
}

/// The places: a parameter, a request body, a field, a declared type.
impl Cx<'_> {
    /// A parameter's schema; `item` is its setter or the method taking it.
    pub(super) fn parameter_constraints(
        &mut self,
        item: &str,
        (p, q): (&Parameter, &Parameter),
        changes: &mut Vec<Change>,
    ) {
        let (x, y) = (self.old.parameter_schema(&p.pointer), self.new.parameter_schema(&q.pointer));
        let place = Place {
            item: item.to_owned(),
            what: format!("parameter {}", code(&q.name)),
            carried: Carried { sent: true, received: false },
            old: x.as_ref().map(|x| x.1),
            new: y.as_ref().map(|y| y.1),
            scope: Scope::of_use(&q.ty),
            pointers: (x.map(|x| x.0), y.map(|y| y.0)),
        };
        self.constraints(place, changes);
    }

    /// The schema of a request body's media type (`old_at`, `new_at`: the media type objects).
    pub(super) fn body_constraints(
        &mut self,
        item: &str,
        ty: &TypeRef,
        (old_at, new_at): (Option<String>, Option<String>),
        changes: &mut Vec<Change>,
    ) {
        let schema = |at: Option<String>| at.map(|at| push_pointer(&at, "schema"));
        let (old_at, new_at) = (schema(old_at), schema(new_at));
        let place = Place {
            item: item.to_owned(),
            what: "request body".to_owned(),
            carried: Carried { sent: true, received: false },
            old: old_at.as_deref().and_then(|p| self.old.raw_object(p)),
            new: new_at.as_deref().and_then(|p| self.new.raw_object(p)),
            scope: Scope::of_use(ty),
            pointers: (old_at, new_at),
        };
        self.constraints(place, changes);
    }

    /// A struct field's property schema.
    pub(super) fn field_constraints(
        &mut self,
        item: &str,
        (before, field): (&Field, &Field),
        carried: Carried,
        changes: &mut Vec<Change>,
    ) {
        let place = Place {
            item: item.to_owned(),
            what: format!("field {}", code(&field.name)),
            carried,
            old: self.old.raw_object(&before.pointer),
            new: self.new.raw_object(&field.pointer),
            scope: Scope::of_use(&field.ty),
            pointers: (Some(before.pointer.clone()), Some(field.pointer.clone())),
        };
        self.constraints(place, changes);
    }

    /// A declared type's own schema (its bounds, an object's conditions).
    pub(super) fn type_constraints(
        &mut self,
        item: &str,
        (a, b): (&TypeDef, &TypeDef),
        carried: Carried,
        changes: &mut Vec<Change>,
    ) {
        let typed_enum = matches!(b.kind, TypeKind::Enum(_) | TypeKind::IntEnum(_));
        let place = Place {
            item: item.to_owned(),
            what: "schema".to_owned(),
            carried,
            old: self.old.raw_object(&a.pointer),
            new: self.new.raw_object(&b.pointer),
            scope: Scope::Declaration { typed_enum },
            pointers: (Some(a.pointer.clone()), Some(b.pointer.clone())),
        };
        self.constraints(place, changes);
    }
}

impl Side<'_> {
    /// The object at a pointer of the raw document (a `$ref` there not followed: what it names is
    /// a declared type, compared where it is declared).
    pub(super) fn raw_object(&self, pointer: &str) -> Option<&Map<String, Value>> {
        self.doc.raw.pointer(pointer)?.as_object()
    }

    /// The schema of a parameter (its `schema`, or the schema of its one media type).
    pub(super) fn parameter_schema(&self, pointer: &str) -> Option<(String, &Map<String, Value>)> {
        let mut at = pointer.to_owned();
        let mut value = self.doc.raw.pointer(pointer)?;
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(target) => {
                    at = target.to_owned();
                    value = self.doc.raw.pointer(target)?;
                }
                None => break,
            }
        }
        let object = value.as_object()?;
        if let Some(schema) = object.get("schema").and_then(Value::as_object) {
            return Some((push_pointer(&at, "schema"), schema));
        }
        let (media, content) = object.get("content")?.as_object()?.iter().next()?;
        let schema = content.get("schema")?.as_object()?;
        Some((push_pointer(&push_pointer(&push_pointer(&at, "content"), media), "schema"), schema))
    }
}

/// Which rule a difference belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    Limit,
    Enum,
    Conditional,
    Content,
    Default,
}

impl Rule {
    fn tightened(self) -> &'static str {
        match self {
            Rule::Limit => "constraint-tightened",
            Rule::Enum => "enum-restricted",
            Rule::Conditional => "conditional-constraint-added",
            Rule::Content => "content-encoding-changed",
            Rule::Default => "default-changed",
        }
    }

    fn loosened(self) -> &'static str {
        match self {
            Rule::Limit => "constraint-loosened",
            Rule::Enum => "enum-relaxed",
            Rule::Conditional => "conditional-constraint-removed",
            Rule::Content => "content-encoding-changed",
            Rule::Default => "default-changed",
        }
    }
}

struct Finding {
    rule: Rule,
    effect: Effect,
    text: String,
}

/// The differences between two schemas of one place; `prefix` names nested places (`items: `).
fn compare(old: &Map<String, Value>, new: &Map<String, Value>, prefix: &str, scope: Scope, out: &mut Vec<Finding>) {
    let mut push = |rule, effect, text: String| out.push(Finding { rule, effect, text: format!("{prefix}{text}") });
    let text = |v: Option<&Value>| v.map_or_else(|| "none".to_owned(), |v| code(&compact(v)));
    if !matches!(scope, Scope::Declaration { .. }) {
        let (was, now) = (old.get("default"), new.get("default"));
        if was != now {
            let effect = if was.is_none() { Effect::Loosened } else { Effect::Tightened };
            push(Rule::Default, effect, format!("default {} (was {})", text(now), text(was)));
        }
    }
    if matches!(scope, Scope::Default) {
        return;
    }
    for (keyword, upper, exclusive) in BOUNDS {
        let (was, now) = (bound(old, keyword, exclusive), bound(new, keyword, exclusive));
        if was == now {
            continue;
        }
        let effect = match (was, now) {
            (None, Some(_)) => Effect::Tightened,
            (Some(_), None) => Effect::Loosened,
            (Some(a), Some(b)) => {
                let tighter = if upper { b.value < a.value } else { b.value > a.value };
                let stricter = a.value == b.value && b.exclusive && !a.exclusive;
                if tighter || stricter {
                    Effect::Tightened
                } else {
                    Effect::Loosened
                }
            }
            (None, None) => continue,
        };
        let show = |b: Option<Bound>| b.map_or_else(|| "none".to_owned(), |b| b.to_string());
        push(Rule::Limit, effect, format!("`{keyword}` {} (was {})", show(now), show(was)));
    }
    for keyword in ["pattern", "multipleOf"] {
        let (was, now) = (old.get(keyword), new.get(keyword));
        if was == now {
            continue;
        }
        // A multiple of the new step is still one: 10 → 5 accepts every value it did.
        let divides = match (was.and_then(Value::as_f64), now.and_then(Value::as_f64)) {
            (Some(a), Some(b)) if keyword == "multipleOf" && b != 0.0 => (a / b).fract() == 0.0,
            _ => false,
        };
        let effect = if now.is_none() || divides { Effect::Loosened } else { Effect::Tightened };
        push(Rule::Limit, effect, format!("`{keyword}` {} (was {})", text(now), text(was)));
    }
    let unique = |s: &Map<String, Value>| s.get("uniqueItems") == Some(&Value::Bool(true));
    if unique(old) != unique(new) {
        let effect = if unique(new) { Effect::Tightened } else { Effect::Loosened };
        let text = if unique(new) { "items must now be unique" } else { "items no longer need to be unique" };
        push(Rule::Limit, effect, text.to_owned());
    }
    if !matches!(scope, Scope::Declaration { typed_enum: true }) {
        enum_values(old.get("enum"), new.get("enum"), &mut push);
    }
    for keyword in CONDITIONAL.iter().chain(["prefixItems"].iter()) {
        let (was, now) = (old.get(*keyword), new.get(*keyword));
        if was == now {
            continue;
        }
        let (effect, verb) = match (was, now) {
            (None, Some(_)) => (Effect::Tightened, "added"),
            (Some(_), None) => (Effect::Loosened, "removed"),
            _ => (Effect::Tightened, "changed"),
        };
        let rule = if *keyword == "prefixItems" { Rule::Limit } else { Rule::Conditional };
        push(rule, effect, format!("`{keyword}` {verb}"));
    }
    for keyword in CONTENT {
        let (was, now) = (old.get(keyword), new.get(keyword));
        if was != now {
            push(Rule::Content, Effect::Tightened, format!("`{keyword}` {} (was {})", text(now), text(was)));
        }
    }
    // The items of an array whose items are not a declared type of their own.
    if let (Some(a), Some(b)) = (items(old), items(new)) {
        compare(a, b, &format!("{prefix}items: "), Scope::Declaration { typed_enum: false }, out);
    }
}

/// Enum values no Rust enum carries (numbers, a mix): becoming an enum or losing values restricts
/// what requests may send.
fn enum_values(old: Option<&Value>, new: Option<&Value>, push: &mut impl FnMut(Rule, Effect, String)) {
    let values = |v: Option<&Value>| v.and_then(Value::as_array).cloned();
    let list = |v: &[Value]| v.iter().map(|v| code(&compact(v))).collect::<Vec<_>>().join(", ");
    match (values(old), values(new)) {
        (None, Some(now)) => push(Rule::Enum, Effect::Tightened, format!("now only the values {}", list(&now))),
        (Some(_), None) => push(Rule::Enum, Effect::Loosened, "no longer limited to a list of values".to_owned()),
        (Some(was), Some(now)) => {
            let removed: Vec<Value> = was.iter().filter(|v| !now.contains(v)).cloned().collect();
            let added: Vec<Value> = now.iter().filter(|v| !was.contains(v)).cloned().collect();
            if !removed.is_empty() {
                push(Rule::Enum, Effect::Tightened, format!("values {} removed", list(&removed)));
            }
            if !added.is_empty() {
                push(Rule::Enum, Effect::Loosened, format!("values {} added", list(&added)));
            }
        }
        (None, None) => {}
    }
}

/// `items`, when it is a schema of its own place (not a `$ref`, an object, an enum or a union,
/// which are declared types).
fn items(schema: &Map<String, Value>) -> Option<&Map<String, Value>> {
    let items = schema.get("items")?.as_object()?;
    let declared = ["$ref", "properties", "enum", "oneOf", "anyOf", "allOf"].iter().any(|k| items.contains_key(*k))
        || items.get("type").and_then(Value::as_str) == Some("object");
    (!declared).then_some(items)
}

#[derive(Clone, Copy, PartialEq)]
struct Bound {
    value: f64,
    exclusive: bool,
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.value)?;
        if self.exclusive {
            f.write_str(", exclusive")?;
        }
        Ok(())
    }
}

/// A bound as written: `maximum` with the boolean `exclusiveMaximum`, or a numeric
/// `exclusiveMaximum` left as 3.1 writes it; a lower count of 0 is no bound.
fn bound(schema: &Map<String, Value>, keyword: &str, exclusive: Option<&str>) -> Option<Bound> {
    let flag = exclusive.and_then(|k| schema.get(k));
    let inclusive = schema
        .get(keyword)
        .and_then(Value::as_f64)
        .map(|value| Bound { value, exclusive: flag == Some(&Value::Bool(true)) });
    let numeric = flag.and_then(Value::as_f64).map(|value| Bound { value, exclusive: true });
    let upper = keyword.starts_with("max");
    let found = match (inclusive, numeric) {
        (Some(a), Some(b)) => {
            let b_tighter = if upper { b.value <= a.value } else { b.value >= a.value };
            Some(if b_tighter { b } else { a })
        }
        (a, b) => a.or(b),
    };
    let count = exclusive.is_none();
    found.filter(|b| !(count && !upper && b.value == 0.0))
}

/// A JSON value on one line, short.
fn compact(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}
