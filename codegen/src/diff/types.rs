//! Rules about types: added, removed, renamed; struct fields, enum values, union members, aliases.

use std::collections::{HashMap, HashSet};

use crate::model::*;

use super::constraints::Carried;
use super::markdown::code;
use super::report::{change, Change, GroupKind, Severity};
use super::side::{strip_nullable, Side};
use super::Severity::{Breaking, NonBreaking};
use super::{Cx, Which};

/// A type present in both versions: on each side its id and its declaration (the fields of a
/// struct, the values of an enum, the members of a union), and whether requests send it and
/// responses bring it (on either side).
#[derive(Clone, Copy)]
struct TypePair<'d, T: ?Sized> {
    old: (TypeId, &'d T),
    new: (TypeId, &'d T),
    carried: Carried,
}

impl Cx<'_> {
    pub(super) fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let mut pairs: Vec<(TypeId, TypeId)> = self.old_to_new.iter().map(|(&o, &n)| (o, n)).collect();
        pairs.sort_by_key(|&(_, n)| n);
        for (o, n) in pairs {
            let changes = self.type_pair(o, n);
            let (old_name, new_name) = (old.schema_name(o), new.schema_name(n));
            let title = if old_name == new_name {
                code(&new_name)
            } else {
                format!("{} (was {})", code(&new_name), code(&old_name))
            };
            self.push_group(GroupKind::Schema, title, changes);
        }
        let old_names: HashSet<&str> = (0..old.api.types.len()).map(|k| old.type_name(TypeId(k))).collect();
        let new_names: HashSet<&str> = (0..new.api.types.len()).map(|k| new.type_name(TypeId(k))).collect();
        let mut added = Vec::new();
        for n in (0..new.api.types.len()).map(TypeId) {
            if self.new_to_old.contains_key(&n) {
                continue;
            }
            let used = new.used(n);
            if !used && old_names.contains(new.type_name(n)) {
                continue;
            }
            let note = if used { "" } else { "; no operation uses it" };
            added.push(
                change(
                    NonBreaking,
                    "type-added",
                    new.type_path(n),
                    format!("new {} for schema {}{note}", kind_word(new.def(n)), code(&new.schema_name(n))),
                )
                .at(None, new.def(n).map(|d| d.pointer.as_str())),
            );
        }
        let mut removed = Vec::new();
        for o in (0..old.api.types.len()).map(TypeId) {
            if self.old_to_new.contains_key(&o) {
                continue;
            }
            let used = old.used(o);
            if !used && new_names.contains(old.type_name(o)) {
                continue;
            }
            let note = if used { "" } else { " (no operation used it)" };
            removed.push(
                change(
                    Breaking,
                    "type-removed",
                    old.type_path(o),
                    format!("{} for schema {} removed{note}", kind_word(old.def(o)), code(&old.schema_name(o))),
                )
                .at(old.def(o).map(|d| d.pointer.as_str()), None),
            );
        }
        self.push_group(GroupKind::AddedTypes, "New types".to_owned(), added);
        self.push_group(GroupKind::RemovedTypes, "Removed types".to_owned(), removed);
    }

    fn type_pair(&mut self, o: TypeId, n: TypeId) -> Vec<Change> {
        let (old, new) = (self.old, self.new);
        let (Some(a), Some(b)) = (old.def(o), new.def(n)) else { return Vec::new() };
        let mut changes = Vec::new();
        let path = new.type_path(n);
        let at = |c: Change| c.at(Some(&a.pointer), Some(&b.pointer));
        if old.type_name(o) != new.type_name(n) {
            changes.push(at(change(
                Breaking,
                "type-renamed",
                path.clone(),
                format!("renamed: `{}` is now `{}`", old.type_path(o), path),
            )
            .was([old.type_path(o)])));
        }
        let carried = Carried::from_uses(old.uses.get(o) | new.uses.get(n));
        match (&a.kind, &b.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                self.fields(TypePair { old: (o, x), new: (n, y), carried }, &mut changes)
            }
            (TypeKind::Enum(x), TypeKind::Enum(y)) => {
                self.enum_values(TypePair { old: (o, x), new: (n, y), carried }, &mut changes)
            }
            (TypeKind::IntEnum(x), TypeKind::IntEnum(y)) => {
                let (x, y): (Vec<String>, Vec<String>) =
                    (x.iter().map(i64::to_string).collect(), y.iter().map(i64::to_string).collect());
                self.enum_values(TypePair { old: (o, &x), new: (n, &y), carried }, &mut changes);
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => {
                self.union(TypePair { old: (o, x), new: (n, y), carried }, &mut changes)
            }
            (TypeKind::Tuple(x), TypeKind::Tuple(y)) => {
                let canon = |which, t: &Tuple| t.types().map(|ty| self.canon(which, ty)).collect::<Vec<_>>();
                if canon(Which::Old, x) != canon(Which::New, y) || x.rest.is_some() != y.rest.is_some() {
                    changes.push(at(change(
                        Breaking,
                        "type-changed",
                        path.clone(),
                        "the items of the tuple changed".to_owned(),
                    )));
                }
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) => {
                if self.canon(Which::Old, x) != self.canon(Which::New, y) {
                    changes.push(at(change(
                        Breaking,
                        "type-changed",
                        path.clone(),
                        format!("now `{}` (was `{}`)", new.rust(y), old.rust(x)),
                    )));
                }
            }
            // Different kinds (listing the old side's kinds makes a new kind a compile error here).
            (
                TypeKind::Struct(_)
                | TypeKind::Enum(_)
                | TypeKind::IntEnum(_)
                | TypeKind::Union(_)
                | TypeKind::Tuple(_)
                | TypeKind::Alias(_),
                _,
            ) => changes.push(at(change(
                Breaking,
                "type-kind-changed",
                path.clone(),
                format!("now {} (was {})", kind_word(Some(b)), kind_word(Some(a))),
            ))),
        }
        if std::mem::discriminant(&a.kind) == std::mem::discriminant(&b.kind) {
            self.type_constraints(&path, (a, b), carried, &mut changes);
        }
        if a.deprecated != b.deprecated {
            let message = if b.deprecated { "deprecated" } else { "no longer deprecated" };
            changes.push(at(change(NonBreaking, "type-deprecated", path.clone(), message)));
        }
        self.doc_text(
            &path,
            "description",
            (a.description.as_deref(), b.description.as_deref()),
            (&a.pointer, &b.pointer),
        );
        self.doc_examples(&path, "schema", Some(a.pointer.clone()), Some(b.pointer.clone()));
        changes
    }

    /// The values of a string or integer enum: added ones are new variants, removed ones disappear.
    fn enum_values(&mut self, pair: TypePair<'_, [String]>, changes: &mut Vec<Change>) {
        let TypePair { old: (o, x), new: (n, y), carried } = pair;
        let (old, new) = (self.old, self.new);
        let path = new.type_path(n);
        let pointers = (old.def(o).map(|d| d.pointer.clone()), new.def(n).map(|d| d.pointer.clone()));
        let at = |c: Change| c.at(pointers.0.as_deref(), pointers.1.as_deref());
        // Values by position, so that large enums (time zones, country codes) compare in linear time.
        let old_at: HashMap<&str, usize> = x.iter().enumerate().rev().map(|(m, v)| (v.as_str(), m)).collect();
        let new_values: HashSet<&str> = y.iter().map(String::as_str).collect();
        // A value that only changed its spelling keeps its variant (`OFF` → `off`, both `Off`): the
        // first old value gone whose variant has the new value's name.
        let mut gone_by_variant: HashMap<&str, usize> = HashMap::new();
        for (m, value) in x.iter().enumerate().rev() {
            if !new_values.contains(value.as_str()) {
                gone_by_variant.insert(old.member(o, m), m);
            }
        }
        let respelled = |k: usize| {
            if old_at.contains_key(y[k].as_str()) {
                return None;
            }
            gone_by_variant.get(new.member(n, k)).copied()
        };
        let kept: HashSet<usize> = (0..y.len()).filter_map(respelled).collect();
        for (k, value) in y.iter().enumerate() {
            let variant = format!("{path}::{}", new.member(n, k));
            match old_at.get(value.as_str()).copied() {
                None => match respelled(k) {
                    Some(m) => {
                        let note = if carried.sent { "; requests now send the new spelling" } else { "" };
                        changes.push(at(change(
                            Breaking,
                            "enum-value-changed",
                            variant,
                            format!(
                                "variant `{}` is now the value {} (was {}): the old value decodes as `Unknown`{note}",
                                new.member(n, k),
                                code(value),
                                code(&x[m])
                            ),
                        )))
                    }
                    None => changes.push(at(change(
                        NonBreaking,
                        "enum-value-added",
                        variant,
                        format!("value {} added (it decoded as `Unknown` before)", code(value)),
                    ))),
                },
                Some(m) if old.member(o, m) != new.member(n, k) => changes.push(at(change(
                    Breaking,
                    "enum-variant-renamed",
                    variant,
                    format!("value {}: variant `{}` is now `{}`", code(value), old.member(o, m), new.member(n, k)),
                )
                .was([format!("{}::{}", old.type_path(o), old.member(o, m))]))),
                Some(_) => {}
            }
        }
        for (m, value) in x.iter().enumerate() {
            if !new_values.contains(value.as_str()) && !kept.contains(&m) {
                let note = if carried.sent { "; requests can no longer send it" } else { "" };
                changes.push(at(change(
                    Breaking,
                    "enum-value-removed",
                    format!("{}::{}", old.type_path(o), old.member(o, m)),
                    format!("value {} removed: the variant disappears{note}", code(value)),
                )));
            }
        }
    }

    /// The member types of a `oneOf`/`anyOf`, matched by type.
    fn union(&mut self, pair: TypePair<'_, Union>, changes: &mut Vec<Change>) {
        let TypePair { old: (o, x), new: (n, y), carried } = pair;
        let (old, new) = (self.old, self.new);
        let path = new.type_path(n);
        let pointers = (old.def(o).map(|d| d.pointer.clone()), new.def(n).map(|d| d.pointer.clone()));
        let at = |c: Change| c.at(pointers.0.as_deref(), pointers.1.as_deref());
        let old_canon: Vec<String> = x.variants.iter().map(|t| self.canon(Which::Old, t)).collect();
        let new_canon: Vec<String> = y.variants.iter().map(|t| self.canon(Which::New, t)).collect();
        // One old member per new one: the same type under the same variant name first, then the
        // same type under another name (two members may have one type: `string` and an alias of it).
        let mut matched: Vec<Option<usize>> = vec![None; y.variants.len()];
        let mut used = vec![false; x.variants.len()];
        for same_name in [true, false] {
            for k in 0..y.variants.len() {
                if matched[k].is_some() {
                    continue;
                }
                let fits = |m: usize| {
                    !used[m] && old_canon[m] == new_canon[k] && (!same_name || old.member(o, m) == new.member(n, k))
                };
                if let Some(m) = (0..x.variants.len()).find(|&m| fits(m)) {
                    used[m] = true;
                    matched[k] = Some(m);
                }
            }
        }
        for (k, ty) in y.variants.iter().enumerate() {
            let variant = format!("{path}::{}", new.member(n, k));
            match matched[k] {
                None => changes.push(at(change(
                    NonBreaking,
                    "union-variant-added",
                    variant,
                    format!("new member `{}` (it decoded as `Unknown` before)", new.rust(ty)),
                ))),
                Some(m) if old.member(o, m) != new.member(n, k) => changes.push(at(change(
                    Breaking,
                    "union-variant-renamed",
                    variant,
                    format!("member `{}`: variant `{}` is now `{}`", new.rust(ty), old.member(o, m), new.member(n, k)),
                )
                .was([format!("{}::{}", old.type_path(o), old.member(o, m))]))),
                Some(_) => {}
            }
        }
        for (m, ty) in x.variants.iter().enumerate() {
            if !used[m] {
                let note = if carried.sent { "; requests can no longer send it" } else { "" };
                changes.push(at(change(
                    Breaking,
                    "union-variant-removed",
                    format!("{}::{}", old.type_path(o), old.member(o, m)),
                    format!("member `{}` removed: the variant disappears{note}", old.rust(ty)),
                )));
            }
        }
        let property = |u: &Union| u.discriminator.as_ref().map(|d| d.property.clone());
        if property(x) != property(y) {
            let show = |p: Option<String>| p.map_or_else(|| "none".to_owned(), |p| code(&p));
            // The discriminator decides how a value is decoded; what requests send is the member's
            // own JSON either way, so a union only requests carry keeps its API and its bytes.
            let (severity, note) = if carried.received {
                (Breaking, ": responses decode by it")
            } else {
                (NonBreaking, ": only requests carry it, and they send the same JSON")
            };
            changes.push(at(change(
                severity,
                "union-discriminator-changed",
                path.clone(),
                format!("discriminator {} (was {}){note}", show(property(y)), show(property(x))),
            )));
        }
    }

    fn fields(&mut self, pair: TypePair<'_, Struct>, changes: &mut Vec<Change>) {
        let TypePair { old: (o, x), new: (n, y), carried } = pair;
        let (old, new) = (self.old, self.new);
        let path = new.type_path(n);
        // A struct only responses carry takes its nullable required fields through setters.
        let (old_received, new_received) = (old.uses.received_only(o), new.uses.received_only(n));
        for (k, field) in y.fields.iter().enumerate() {
            let item = format!("{path}::{}", new.member(n, k));
            let name = code(&field.name);
            let Some(m) = x.fields.iter().position(|f| f.name == field.name) else {
                let ty = new.field_rust(field);
                let c = if field.required && !field.in_constructor(new_received) {
                    let message = format!("new field {name} (`{ty}`), always in responses (`null` when unknown)");
                    change(NonBreaking, "field-added", item, message)
                } else if field.required {
                    let note = if carried.sent { "; requests must set it" } else { "" };
                    change(
                        Breaking,
                        "field-added-required",
                        item,
                        format!("new required field {name} (`{ty}`): `{}::new` takes it{note}", new.type_name(n)),
                    )
                } else {
                    change(NonBreaking, "field-added", item, format!("new optional field {name} (`{ty}`)"))
                };
                changes.push(c.at(None, Some(&field.pointer)));
                continue;
            };
            let before = &x.fields[m];
            let at = |c: Change| c.at(Some(&before.pointer), Some(&field.pointer));
            if old.member(o, m) != new.member(n, k) {
                changes.push(at(change(
                    Breaking,
                    "field-renamed",
                    item.clone(),
                    format!("field {name}: Rust name `{}` → `{}`", old.member(o, m), new.member(n, k)),
                )
                .was([format!("{}::{}", old.type_path(o), old.member(o, m))])));
            }
            if self.field_canon(Which::Old, before) != self.field_canon(Which::New, field) {
                let (was, now) = (old.field_rust(before), new.field_rust(field));
                let same_inner = self.canon(Which::Old, strip_nullable(&before.ty))
                    == self.canon(Which::New, strip_nullable(&field.ty));
                let c = if same_inner && before.required != field.required {
                    let what = if field.required { "now required" } else { "now optional" };
                    let note = if field.required && carried.sent { "; requests must set it" } else { "" };
                    change(
                        Breaking,
                        "field-required-changed",
                        item.clone(),
                        format!("field {name} is {what}: `{now}` (was `{was}`){note}"),
                    )
                } else {
                    let resolved = new.api.resolved(strip_nullable(&field.ty));
                    let to_enum = matches!(resolved, TypeRef::Named(id) if matches!(new.def(*id).map(|d| &d.kind), Some(TypeKind::Enum(_) | TypeKind::IntEnum(_))));
                    let note = if to_enum && carried.sent { "; requests can only send its values" } else { "" };
                    change(
                        Breaking,
                        "field-type-changed",
                        item.clone(),
                        format!("field {name}: type `{now}` (was `{was}`){note}"),
                    )
                };
                changes.push(at(c));
            } else if before.required != field.required
                || before.in_constructor(old_received) != field.in_constructor(new_received)
            {
                // The type is `Option<T>` either way (a nullable field); the constructor may move.
                let (setter, owner) = (format!("with_{}", new.member(n, k)), new.type_name(n));
                let now = new.field_rust(field);
                let what = if field.required { "now required" } else { "now optional" };
                let c = match (before.in_constructor(old_received), field.in_constructor(new_received)) {
                    (false, true) => {
                        let why = if before.required { "requests now send the type" } else { what };
                        let note = if carried.sent { "; requests must set it" } else { "" };
                        let message = format!(
                            "field {name} (still `{now}`): `{owner}::new` takes it and `{setter}` disappears ({why}){note}"
                        );
                        let old_setter = format!("{}::with_{}", old.type_path(o), old.member(o, m));
                        change(Breaking, "field-required-changed", item.clone(), message).was([old_setter])
                    }
                    (true, false) => {
                        let why = if field.required { "only responses carry the type now" } else { what };
                        let message = format!(
                            "field {name} (still `{now}`): `{owner}::new` no longer takes it, `{setter}` sets it ({why})"
                        );
                        change(Breaking, "field-required-changed", item.clone(), message)
                    }
                    _ => {
                        let message = format!(
                            "field {name} is {what} (still `{now}`, set with `{setter}`): only responses carry `{owner}`, so its API stays"
                        );
                        change(NonBreaking, "field-required-changed", item.clone(), message)
                    }
                };
                changes.push(at(c));
            }
            if self.field_canon(Which::Old, before) == self.field_canon(Which::New, field) {
                self.field_constraints(&item, (before, field), carried, changes);
            }
            if before.deprecated != field.deprecated {
                let message = if field.deprecated {
                    format!("field {name} deprecated")
                } else {
                    format!("field {name} no longer deprecated")
                };
                changes.push(at(change(NonBreaking, "field-deprecated", item.clone(), message)));
            }
            self.doc_text(
                &item,
                "description",
                (before.description.as_deref(), field.description.as_deref()),
                (&before.pointer, &field.pointer),
            );
            if before.read_only != field.read_only || before.write_only != field.write_only {
                self.docs.push(at(change(
                    Severity::Docs,
                    "access-changed",
                    item.clone(),
                    format!(
                        "readOnly/writeOnly now `{}`/`{}` (was `{}`/`{}`)",
                        field.read_only, field.write_only, before.read_only, before.write_only
                    ),
                )));
            }
            self.doc_examples(
                &item,
                &format!("field {name}"),
                Some(before.pointer.clone()),
                Some(field.pointer.clone()),
            );
        }
        for (m, field) in x.fields.iter().enumerate() {
            if !y.fields.iter().any(|f| f.name == field.name) {
                changes.push(
                    change(
                        Breaking,
                        "field-removed",
                        format!("{}::{}", old.type_path(o), old.member(o, m)),
                        format!("field {} removed", code(&field.name)),
                    )
                    .at(Some(&field.pointer), None),
                );
            }
        }
        // `new` takes the required fields in document order: the ones required on both sides must
        // keep their order, or arguments of one type would silently swap.
        let required = |(s, received): (&Struct, bool), (other, other_received): (&Struct, bool)| -> Vec<String> {
            let kept = |f: &Field| other.fields.iter().any(|g| g.name == f.name && g.in_constructor(other_received));
            s.fields.iter().filter(|f| f.in_constructor(received) && kept(f)).map(|f| f.name.clone()).collect()
        };
        let (was, now) =
            (required((x, old_received), (y, new_received)), required((y, new_received), (x, old_received)));
        if was != now {
            changes.push(change(
                Breaking,
                "constructor-reordered",
                format!("{path}::new"),
                format!("required fields in a new order: `new({})` (was `new({})`)", now.join(", "), was.join(", ")),
            ));
        }
        let extra = |side: &Side, id: TypeId, s: &Struct| side.member(id, s.fields.len()).to_owned();
        match (&x.additional, &y.additional) {
            (None, Some(t)) => changes.push(change(
                NonBreaking,
                "additional-properties-added",
                format!("{path}::{}", extra(new, n, y)),
                format!("now keeps properties it does not list (`{}`)", new.rust(&TypeRef::Map(Box::new(t.clone())))),
            )),
            (Some(_), None) => changes.push(change(
                Breaking,
                "additional-properties-removed",
                format!("{}::{}", old.type_path(o), extra(old, o, x)),
                "no longer keeps properties it does not list",
            )),
            (Some(s), Some(t)) if self.canon(Which::Old, s) != self.canon(Which::New, t) => changes.push(change(
                Breaking,
                "additional-properties-changed",
                format!("{path}::{}", extra(new, n, y)),
                format!("unlisted properties are now `{}` (were `{}`)", new.rust(t), old.rust(s)),
            )),
            _ => {}
        }
        let defaults = |s: &Struct, received: bool| s.fields.iter().all(|f| !f.in_constructor(received));
        match (defaults(x, old_received), defaults(y, new_received)) {
            (true, false) => changes.push(change(
                Breaking,
                "default-removed",
                path.clone(),
                "no longer implements `Default` (a field became required)",
            )),
            (false, true) => changes.push(change(
                NonBreaking,
                "default-added",
                path.clone(),
                "now implements `Default` (every field is optional)",
            )),
            _ => {}
        }
    }
}

fn kind_word(def: Option<&TypeDef>) -> &'static str {
    match def.map(|d| &d.kind) {
        Some(TypeKind::Struct(_)) => "struct",
        Some(TypeKind::Enum(_) | TypeKind::IntEnum(_)) => "enum",
        Some(TypeKind::Union(_)) => "enum of alternatives",
        Some(TypeKind::Tuple(_)) => "tuple struct",
        Some(TypeKind::Alias(_)) => "type alias",
        None => "type",
    }
}
