//! Pairing the two sides: operations, parameters, responses and media types by position in the
//! document, and types by where they are used (renames included).

use std::collections::{HashMap, HashSet, VecDeque};

use indexmap::IndexMap;

use crate::model::*;

use super::side::{strip_nullable, Side};
use super::{Cx, Which};

/// Pairs items of two lists: each pass pairs what is still unpaired, in order, an old item with
/// the first unpaired new one of the same key (no key: no partner in that pass). Keys are hashed,
/// so a pass costs linear time however long the lists (thousands of operations). The result lists
/// the new items in order (with their old partner, if any), then the old items left unpaired.
pub(super) type Pass<'p, T> = &'p dyn Fn(&T) -> Option<String>;

pub(super) fn pair_up<T>(old: &[T], new: &[T], passes: &[Pass<'_, T>]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut old_to_new: Vec<Option<usize>> = vec![None; old.len()];
    let mut new_to_old: Vec<Option<usize>> = vec![None; new.len()];
    for pass in passes {
        let mut waiting: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (j, b) in new.iter().enumerate() {
            if new_to_old[j].is_none() {
                if let Some(key) = pass(b) {
                    waiting.entry(key).or_default().push_back(j);
                }
            }
        }
        for (i, a) in old.iter().enumerate() {
            if old_to_new[i].is_some() {
                continue;
            }
            if let Some(j) = pass(a).and_then(|key| waiting.get_mut(&key)).and_then(VecDeque::pop_front) {
                old_to_new[i] = Some(j);
                new_to_old[j] = Some(i);
            }
        }
    }
    let mut pairs: Vec<(Option<usize>, Option<usize>)> =
        new_to_old.iter().enumerate().map(|(j, i)| (*i, Some(j))).collect();
    pairs.extend(old_to_new.iter().enumerate().filter(|(_, j)| j.is_none()).map(|(i, _)| (Some(i), None)));
    pairs
}

/// Responses paired by status; a single success status that changed is paired with its successor.
pub(super) fn response_pairs<'r>(
    old: &'r Operation,
    new: &'r Operation,
) -> Vec<(Option<&'r Response>, Option<&'r Response>)> {
    let mut pairs = pair_up(&old.responses, &new.responses, &[&|r: &Response| Some(r.status.to_string())]);
    let lone = |pairs: &[(Option<usize>, Option<usize>)], old_side: bool| -> Vec<usize> {
        pairs
            .iter()
            .enumerate()
            .filter(|(_, (o, n))| {
                let (mine, theirs, list) = if old_side { (o, n, &old.responses) } else { (n, o, &new.responses) };
                theirs.is_none() && mine.is_some_and(|i| list[i].status.is_success())
            })
            .map(|(k, _)| k)
            .collect()
    };
    let (old_lone, new_lone) = (lone(&pairs, true), lone(&pairs, false));
    if let ([o], [n]) = (old_lone.as_slice(), new_lone.as_slice()) {
        let old_index = pairs[*o].0;
        pairs[*n].0 = old_index;
        pairs.remove(*o);
    }
    pairs
        .into_iter()
        .map(|(o, n)| (o.and_then(|i| old.responses.get(i)), n.and_then(|j| new.responses.get(j))))
        .collect()
}

/// Media types paired by name; for walking types, leftovers also by kind.
pub(super) fn content_pairs<'c>(
    old: &'c [Content],
    new: &'c [Content],
    by_kind: bool,
) -> Vec<(Option<&'c Content>, Option<&'c Content>)> {
    let same = |c: &Content| Some(c.media_type.clone());
    let kind = |c: &Content| Some(format!("{:?}", c.kind()));
    let passes: Vec<Pass<'_, Content>> = if by_kind { vec![&same, &kind] } else { vec![&same] };
    pair_up(old, new, &passes)
        .into_iter()
        .map(|(o, n)| (o.and_then(|i| old.get(i)), n.and_then(|j| new.get(j))))
        .collect()
}

/// Parameters paired by location and name, then by name.
pub(super) fn param_pairs(a: &Operation, b: &Operation) -> Vec<(Option<usize>, Option<usize>)> {
    pair_up(
        &a.parameters,
        &b.parameters,
        &[&|p: &Parameter| Some(format!("{} {}", p.location.as_str(), p.name)), &|p: &Parameter| Some(p.name.clone())],
    )
}

impl Cx<'_> {
    pub(super) fn match_types(&mut self, operations: &[(Option<usize>, Option<usize>)]) {
        let (old, new) = (self.old, self.new);
        let mut walker = Walker { old, new, seen: IndexMap::new(), visited: HashSet::new() };
        for &(o, n) in operations {
            let (Some(o), Some(n)) = (o, n) else { continue };
            let (Some(a), Some(b)) = (old.api.operations.get(o), new.api.operations.get(n)) else { continue };
            for (i, j) in param_pairs(a, b) {
                if let (Some(i), Some(j)) = (i, j) {
                    walker.walk(&a.parameters[i].ty, &b.parameters[j].ty);
                }
            }
            if let (Some(x), Some(y)) = (&a.body, &b.body) {
                walker.contents(&x.content, &y.content);
            }
            for (x, y) in response_pairs(a, b) {
                if let (Some(x), Some(y)) = (x, y) {
                    walker.contents(&x.content, &y.content);
                }
            }
        }
        let seen = walker.seen;
        let pair = |cx: &mut Cx, o: TypeId, n: TypeId| {
            if !cx.old_to_new.contains_key(&o) && !cx.new_to_old.contains_key(&n) {
                cx.old_to_new.insert(o, n);
                cx.new_to_old.insert(n, o);
            }
        };
        // 1. Types that operations use on both sides and that keep their Rust name.
        let new_by_name: HashMap<&str, TypeId> =
            (0..new.api.types.len()).map(TypeId).map(|id| (new.type_name(id), id)).collect();
        for o in (0..old.api.types.len()).map(TypeId) {
            if let Some(&n) = new_by_name.get(old.type_name(o)) {
                if old.used(o) && new.used(n) {
                    pair(self, o, n);
                }
            }
        }
        // 2. Types found at the same places: the most frequent, most similar pair first.
        let mut candidates: Vec<((TypeId, TypeId), usize, f64, usize)> = seen
            .iter()
            .enumerate()
            .map(|(order, (&(o, n), &count))| ((o, n), count, self.similarity(o, n), order))
            .collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.3.cmp(&b.3)));
        for ((o, n), _, similarity, _) in candidates {
            if similarity >= 0.5 {
                pair(self, o, n);
            }
        }
        // 3. What is left, by Rust name (types no operation uses on one side or both).
        for o in (0..old.api.types.len()).map(TypeId) {
            if let Some(&n) = new_by_name.get(old.type_name(o)) {
                pair(self, o, n);
            }
        }
    }

    /// How alike two type declarations are, from 0 to 1: shared field names or enum values.
    pub(super) fn similarity(&self, o: TypeId, n: TypeId) -> f64 {
        let (Some(a), Some(b)) = (self.old.def(o), self.new.def(n)) else { return 0.0 };
        match (&a.kind, &b.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                jaccard(x.fields.iter().map(|f| f.name.as_str()), y.fields.iter().map(|f| f.name.as_str()))
            }
            (TypeKind::Enum(x), TypeKind::Enum(y)) => {
                jaccard(x.iter().map(String::as_str), y.iter().map(String::as_str))
            }
            (TypeKind::IntEnum(x), TypeKind::IntEnum(y)) => {
                let (x, y): (Vec<String>, Vec<String>) =
                    (x.iter().map(i64::to_string).collect(), y.iter().map(i64::to_string).collect());
                jaccard(x.iter().map(String::as_str), y.iter().map(String::as_str))
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => {
                let (x, y): (Vec<String>, Vec<String>) =
                    (x.variants.iter().map(skeleton).collect(), y.variants.iter().map(skeleton).collect());
                jaccard(x.iter().map(String::as_str), y.iter().map(String::as_str))
            }
            (TypeKind::Tuple(x), TypeKind::Tuple(y)) => {
                let (x, y): (Vec<String>, Vec<String>) =
                    (x.types().map(skeleton).collect(), y.types().map(skeleton).collect());
                jaccard(x.iter().map(String::as_str), y.iter().map(String::as_str))
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) if skeleton(x) == skeleton(y) => 1.0,
            (TypeKind::Alias(_), TypeKind::Alias(_)) => 0.0,
            // Different kinds (listing the old side's kinds makes a new kind a compile error here).
            (
                TypeKind::Struct(_)
                | TypeKind::Enum(_)
                | TypeKind::IntEnum(_)
                | TypeKind::Union(_)
                | TypeKind::Tuple(_)
                | TypeKind::Alias(_),
                _,
            ) => 0.0,
        }
    }

    /// A use of a type as a comparable string: aliases followed; declared types of the old side
    /// named by their counterpart on the new side.
    pub(super) fn canon(&self, which: Which, ty: &TypeRef) -> String {
        let side = self.side(which);
        match side.api.resolved(ty) {
            TypeRef::Named(id) => match which {
                Which::New => format!("#{}", id.0),
                Which::Old => match self.old_to_new.get(id) {
                    Some(n) => format!("#{}", n.0),
                    None => format!("old#{}", id.0),
                },
            },
            TypeRef::Array(item) => format!("[{}]", self.canon(which, item)),
            TypeRef::Map(value) => format!("{{{}}}", self.canon(which, value)),
            TypeRef::Nullable(inner) => format!("?{}", self.canon(which, inner)),
            TypeRef::Primitive(p) => format!("Primitive({p:?})"),
            TypeRef::Any => "Any".to_owned(),
        }
    }

    /// A struct field's Rust type, comparable: `?T` when it is an `Option`.
    pub(super) fn field_canon(&self, which: Which, field: &Field) -> String {
        if field.required {
            self.canon(which, &field.ty)
        } else {
            format!("?{}", self.canon(which, strip_nullable(&field.ty)))
        }
    }
}

pub(super) fn jaccard<'s>(a: impl Iterator<Item = &'s str>, b: impl Iterator<Item = &'s str>) -> f64 {
    let (a, b): (HashSet<&str>, HashSet<&str>) = (a.collect(), b.collect());
    let union = a.union(&b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// The shape of a type use with named types left anonymous, for comparing two aliases.
pub(super) fn skeleton(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(_) => "N".to_owned(),
        TypeRef::Array(item) => format!("[{}]", skeleton(item)),
        TypeRef::Map(value) => format!("{{{}}}", skeleton(value)),
        TypeRef::Nullable(inner) => format!("?{}", skeleton(inner)),
        TypeRef::Primitive(p) => format!("Primitive({p:?})"),
        TypeRef::Any => "Any".to_owned(),
    }
}

/// Walks matched places of the two APIs side by side and counts the pairs of named types found at
/// the same place.
struct Walker<'a> {
    old: &'a Side<'a>,
    new: &'a Side<'a>,
    seen: IndexMap<(TypeId, TypeId), usize>,
    visited: HashSet<(TypeId, TypeId)>,
}

impl Walker<'_> {
    pub(super) fn contents(&mut self, old: &[Content], new: &[Content]) {
        for (x, y) in content_pairs(old, new, true) {
            if let (Some(Content { ty: Some(a), .. }), Some(Content { ty: Some(b), .. })) = (x, y) {
                self.walk(a, b);
            }
        }
    }

    pub(super) fn walk(&mut self, old: &TypeRef, new: &TypeRef) {
        match (old, new) {
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                *self.seen.entry((*a, *b)).or_insert(0) += 1;
                if !self.visited.insert((*a, *b)) {
                    return;
                }
                let (Some(x), Some(y)) = (self.old.def(*a), self.new.def(*b)) else { return };
                match (&x.kind, &y.kind) {
                    (TypeKind::Struct(s), TypeKind::Struct(t)) => {
                        for field in &s.fields {
                            if let Some(other) = t.fields.iter().find(|f| f.name == field.name) {
                                self.walk(&field.ty, &other.ty);
                            }
                        }
                        if let (Some(p), Some(q)) = (&s.additional, &t.additional) {
                            self.walk(p, q);
                        }
                    }
                    (TypeKind::Union(s), TypeKind::Union(t)) => {
                        for (p, q) in s.variants.iter().zip(&t.variants) {
                            self.walk(p, q);
                        }
                    }
                    (TypeKind::Alias(p), TypeKind::Alias(q)) => self.walk(p, q),
                    (TypeKind::Alias(p), _) => self.walk(p, new),
                    (_, TypeKind::Alias(q)) => self.walk(old, q),
                    _ => {}
                }
            }
            (TypeRef::Named(a), _) => {
                if let Some(TypeKind::Alias(p)) = self.old.def(*a).map(|d| &d.kind) {
                    if self.visited.insert((*a, TypeId(usize::MAX))) {
                        self.walk(p, new);
                        self.visited.remove(&(*a, TypeId(usize::MAX)));
                    }
                }
            }
            (_, TypeRef::Named(b)) => {
                if let Some(TypeKind::Alias(q)) = self.new.def(*b).map(|d| &d.kind) {
                    if self.visited.insert((TypeId(usize::MAX), *b)) {
                        self.walk(old, q);
                        self.visited.remove(&(TypeId(usize::MAX), *b));
                    }
                }
            }
            (TypeRef::Array(p), TypeRef::Array(q))
            | (TypeRef::Map(p), TypeRef::Map(q))
            | (TypeRef::Nullable(p), TypeRef::Nullable(q)) => self.walk(p, q),
            (TypeRef::Nullable(p), _) => self.walk(p, new),
            (_, TypeRef::Nullable(q)) => self.walk(old, q),
            _ => {}
        }
    }
}
