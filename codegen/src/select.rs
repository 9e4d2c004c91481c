//! Between naming and rendering, optionally: only some operations, and only the types they reach,
//! each with the name a full generation gives it (names are decided over the whole API first), so a
//! selection never renames anything and two selections of one document agree where they overlap.
//!
//! Operations are chosen by tag, operationId or path prefix (any criterion selects); a document
//! may carry its own selection at the top level:
//!
//! ```yaml
//! x-codegen:
//!   select:
//!     tags: [Usage, Quotas]
//!     operations: [getUsage]
//!     paths: [/usage]
//! ```

use serde_json::Value;

use crate::error::{push_pointer, Error};
use crate::extension::EXTENSION;
use crate::load::Document;
use crate::model::*;
use crate::names::Names;

type Matches = fn(&Operation, &String) -> bool;

/// Which operations to generate; empty selects every operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Operations with one of these tags.
    pub tags: Vec<String>,
    /// Operations with one of these operationIds.
    pub operations: Vec<String>,
    /// Operations whose path, as the document writes it (relative to the server URL), starts with
    /// one of these.
    pub paths: Vec<String>,
}

impl Selection {
    /// Whether every operation is selected.
    pub fn is_all(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty() && self.paths.is_empty()
    }

    /// Whether `op` is generated: every operation when the selection is empty, else one that
    /// meets any criterion.
    pub fn selects(&self, op: &Operation) -> bool {
        self.is_all() || self.criteria().iter().any(|(_, values, matches)| values.iter().any(|v| matches(op, v)))
    }

    /// Each kind of criterion: its name, its values, and whether an operation matches a value.
    fn criteria(&self) -> [(&'static str, &Vec<String>, Matches); 3] {
        [
            ("tag", &self.tags, |op, tag| op.tags.contains(tag)),
            ("operationId", &self.operations, |op, id| op.operation_id.as_ref() == Some(id)),
            ("path prefix", &self.paths, |op, prefix| op.path.starts_with(prefix.as_str())),
        ]
    }

    /// Both selections' criteria.
    pub fn and(mut self, other: &Selection) -> Selection {
        for (mine, theirs) in
            [(&mut self.tags, &other.tags), (&mut self.operations, &other.operations), (&mut self.paths, &other.paths)]
        {
            mine.extend(theirs.iter().filter(|t| !mine.contains(t)).cloned().collect::<Vec<_>>());
        }
        self
    }

    /// The selection a document asks for in [`EXTENSION`]; empty when it asks for none.
    pub fn from_document(doc: &Document) -> Result<Selection, Error> {
        let Some(extension) = doc.raw.get(EXTENSION) else { return Ok(Selection::default()) };
        let at = push_pointer("", EXTENSION);
        let Some(select) = extension.get("select") else { return Ok(Selection::default()) };
        let at = push_pointer(&at, "select");
        let Value::Object(map) = select else { return Err(Error::invalid(&at, "expected an object")) };
        let mut selection = Selection::default();
        for (key, value) in map {
            let list = match key.as_str() {
                "tags" => &mut selection.tags,
                "operations" => &mut selection.operations,
                "paths" => &mut selection.paths,
                other => {
                    return Err(Error::invalid(
                        &push_pointer(&at, other),
                        "unknown key: a selection has `tags`, `operations` and `paths`",
                    ))
                }
            };
            let here = push_pointer(&at, key);
            let Value::Array(items) = value else { return Err(Error::invalid(&here, "expected a list of strings")) };
            for (i, item) in items.iter().enumerate() {
                let text = item
                    .as_str()
                    .ok_or_else(|| Error::invalid(&push_pointer(&here, &i.to_string()), "expected a string"))?;
                list.push(text.to_owned());
            }
        }
        Ok(selection)
    }
}

/// An error when a criterion of `selection` selects no operation of `api`, so that a misspelt tag
/// does not silently generate less.
pub fn check(api: &Api, selection: &Selection) -> Result<(), Error> {
    for (what, values, matches) in selection.criteria() {
        if let Some(unmatched) = values.iter().find(|v| !api.operations.iter().any(|op| matches(op, v))) {
            return Err(Error::invalid("/paths", format!("the selection's {what} `{unmatched}` selects no operation")));
        }
    }
    Ok(())
}

/// The selected operations of `api` and the types they reach, with their names from `names`
/// (decided over the whole of `api`).
pub fn select(api: &Api, names: &Names, selection: &Selection) -> (Api, Names) {
    if selection.is_all() {
        return (api.clone(), names.clone());
    }
    let kept_ops: Vec<usize> = (0..api.operations.len()).filter(|&i| selection.selects(&api.operations[i])).collect();

    // Every type the kept operations reach, through fields, members and aliases.
    let mut reached = vec![false; api.types.len()];
    let mut stack: Vec<TypeId> = Vec::new();
    for &i in &kept_ops {
        for_each_ref(&api.operations[i], &mut |ty| named_in(ty, &mut stack));
        if let Some(p) = &api.operations[i].pagination {
            let mut style = p.style.clone();
            let paths = style.paths_mut().into_iter().map(|path| &*path).chain([&p.items]);
            stack.extend(paths.flatten().map(|(holder, _)| *holder));
        }
    }
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        match &api.types[id.0].kind {
            TypeKind::Struct(s) => {
                for ty in s.fields.iter().map(|f| &f.ty).chain(&s.additional) {
                    named_in(ty, &mut stack);
                }
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|ty| named_in(ty, &mut stack)),
            TypeKind::Tuple(t) => t.types().for_each(|ty| named_in(ty, &mut stack)),
            TypeKind::Alias(ty) => named_in(ty, &mut stack),
            TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
        }
    }

    let mut new_id = vec![None; api.types.len()];
    let mut kept_types = Vec::new();
    for (i, _) in reached.iter().enumerate().filter(|(_, r)| **r) {
        new_id[i] = Some(TypeId(kept_types.len()));
        kept_types.push(i);
    }
    let map = |id: TypeId| new_id[id.0].unwrap_or(id);
    let mut out = Api {
        operations: kept_ops.iter().map(|&i| api.operations[i].clone()).collect(),
        types: kept_types.iter().map(|&i| api.types[i].clone()).collect(),
        ..api.clone()
    };
    for op in &mut out.operations {
        for_each_ref_mut(op, &mut |ty| remap(ty, &map));
        if let Some(p) = &mut op.pagination {
            for path in p.style.paths_mut().into_iter().chain([&mut p.items]) {
                for (id, _) in path {
                    *id = map(*id);
                }
            }
            if let PageStyle::ItemId { id: (holder, _), .. } = &mut p.style {
                *holder = map(*holder);
            }
        }
    }
    for def in &mut out.types {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|f| remap(&mut f.ty, &map));
                if let Some(ty) = &mut s.additional {
                    remap(ty, &map);
                }
            }
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|ty| remap(ty, &map)),
            TypeKind::Tuple(t) => t.types_mut().for_each(|ty| remap(ty, &map)),
            TypeKind::Alias(ty) => remap(ty, &map),
            TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
        }
    }
    let names = Names {
        types: kept_types.iter().map(|&i| names.types[i].clone()).collect(),
        members: kept_types.iter().map(|&i| names.members[i].clone()).collect(),
        operations: kept_ops.iter().map(|&i| names.operations[i].clone()).collect(),
        server_variables: names.server_variables.clone(),
        security_schemes: names
            .security_schemes
            .iter()
            .filter(|(scheme, _)| out.used_security_schemes().any(|used| used.name == *scheme))
            .cloned()
            .collect(),
    };
    (out, names)
}

/// Every type use of an operation: parameters, bodies (and their items), response bodies, headers.
fn for_each_ref(op: &Operation, f: &mut impl FnMut(&TypeRef)) {
    op.parameters.iter().for_each(|p| f(&p.ty));
    let contents = op.body.iter().flat_map(|b| &b.content).chain(op.responses.iter().flat_map(|r| &r.content));
    for content in contents {
        content.ty.iter().chain(&content.item).for_each(&mut *f);
    }
    op.responses.iter().flat_map(|r| &r.headers).for_each(|h| f(&h.ty));
}

/// [`for_each_ref`], to change them.
fn for_each_ref_mut(op: &mut Operation, f: &mut impl FnMut(&mut TypeRef)) {
    op.parameters.iter_mut().for_each(|p| f(&mut p.ty));
    let bodies = op.body.iter_mut().flat_map(|b| &mut b.content);
    for content in bodies.chain(op.responses.iter_mut().flat_map(|r| &mut r.content)) {
        content.ty.iter_mut().chain(&mut content.item).for_each(&mut *f);
    }
    op.responses.iter_mut().flat_map(|r| &mut r.headers).for_each(|h| f(&mut h.ty));
}

/// Pushes the named types `ty` mentions.
fn named_in(ty: &TypeRef, stack: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => stack.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => named_in(inner, stack),
        TypeRef::Primitive(_) | TypeRef::Any => {}
    }
}

fn remap(ty: &mut TypeRef, map: &impl Fn(TypeId) -> TypeId) {
    match ty {
        TypeRef::Named(id) => *id = map(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => remap(inner, map),
        TypeRef::Primitive(_) | TypeRef::Any => {}
    }
}
