//! Aliases that hold themselves: `List: {type: array, items: {$ref: List}}`, a map of itself, two
//! aliases that refer to each other. No Rust type alias can name itself, and nothing a client
//! does with such a value needs more than its JSON, so each alias on such a cycle becomes
//! `serde_json::Value`, with a warning. Every later stage then sees a finite model.

use std::collections::HashSet;

use crate::error::Warning;
use crate::model::*;

/// Rewrites every alias that reaches itself through aliases, arrays, maps and `nullable` (no
/// declared type in between) to an alias of any JSON value.
pub(super) fn break_cycles(types: &mut [TypeDef], warnings: &mut Vec<Warning>) {
    let cyclic: Vec<usize> = (0..types.len()).filter(|&i| reaches_itself(types, TypeId(i))).collect();
    for i in cyclic {
        types[i].kind = TypeKind::Alias(TypeRef::Any);
        warnings.push(Warning {
            pointer: types[i].pointer.clone(),
            message: "a schema that holds only itself (through arrays, maps or references): generated as \
                      `serde_json::Value`"
                .to_owned(),
        });
    }
}

fn reaches_itself(types: &[TypeDef], start: TypeId) -> bool {
    let TypeKind::Alias(target) = &types[start.0].kind else { return false };
    let mut seen = HashSet::new();
    let mut work = vec![target];
    while let Some(ty) = work.pop() {
        match ty {
            TypeRef::Named(id) if *id == start => return true,
            TypeRef::Named(id) => {
                if let TypeKind::Alias(next) = &types[id.0].kind {
                    if seen.insert(*id) {
                        work.push(next);
                    }
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => work.push(inner),
            TypeRef::Primitive(_) | TypeRef::Any => {}
        }
    }
    false
}
