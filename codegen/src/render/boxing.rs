//! The `Box` decisions of generated code, an analysis of the whole API made once before rendering
//! (as typify's `cycles.rs`): [`Boxing`], which `Cx` holds. A value is boxed for
//! one of two reasons:
//! - a field or variant whose type leads back to its owner by direct containment (not through
//!   `Vec` or maps) would make a type of infinite size: the strongly connected components of
//!   that graph ([`cycle_groups`]) say which;
//! - an enum whose largest variant is much larger than the others makes every value that large,
//!   which clippy's `large_enum_variant` flags: the estimated sizes of the types say which
//!   variants to box ([`boxed_variants`]). The estimate follows Rust's layout on 64-bit targets:
//!   sizes and alignments of the types generated code uses, `Option` free where the type has a
//!   niche, struct fields reordered without padding between them.

use crate::model::*;

/// Clippy flags an enum whose largest variant is more than 200 bytes larger than the next; these
/// are estimates (within a few words of the real sizes), so a variant is boxed from a smaller
/// difference on.
const LARGE: usize = 160;

/// Where generated code boxes, for one API: computed by [`Boxing::of`] before rendering, read by
/// every rendering thread.
pub(crate) struct Boxing {
    /// By [`TypeId`]: the strongly connected component of the type in the graph of direct
    /// containment (fields and variants, not through `Vec` or maps); see [`Boxing::needs_box`].
    cycles: Vec<usize>,
    /// By [`TypeId`]: the estimated layout of the type.
    named: Vec<Layout>,
}

impl Boxing {
    /// The cycles of `api`'s types and the estimated layout of each.
    pub(crate) fn of(api: &Api) -> Self {
        let cycles = cycle_groups(api);
        let mut estimate = Estimate { api, cycles: &cycles, named: vec![None; api.types.len()] };
        for id in 0..api.types.len() {
            estimate.named_layout(TypeId(id));
        }
        let named = estimate.named.into_iter().map(|layout| layout.unwrap_or(Layout::POINTER)).collect();
        Boxing { cycles, named }
    }

    /// Whether `owner` holding `ty` directly would make a type of infinite size: `ty` leads back
    /// to `owner`. Such fields and variants are boxed.
    pub(crate) fn needs_box(&self, owner: TypeId, ty: &TypeRef) -> bool {
        needs_box(&self.cycles, owner, ty)
    }

    /// The estimated layout of a value of `ty`.
    pub(crate) fn layout(&self, ty: &TypeRef) -> Layout {
        layout(ty, &mut |id| self.named[id.0])
    }

    /// The estimated layout of a value of `ty` held by `owner` (boxed where it closes a cycle).
    fn layout_in(&self, owner: TypeId, ty: &TypeRef) -> Layout {
        if self.needs_box(owner, ty) {
            Layout::POINTER
        } else {
            self.layout(ty)
        }
    }

    /// The payload sizes of a union's variants as declared in `owner`: each alternative (boxed
    /// where it closes a cycle), then the catch-all `Unknown(serde_json::Value)`.
    pub(crate) fn union_payloads(&self, owner: TypeId, union: &Union) -> Vec<Option<usize>> {
        union_payloads(union, |ty| self.layout_in(owner, ty))
    }
}

/// Size, alignment, and whether a value has invalid bit patterns `Option` can use (a niche).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub size: usize,
    align: usize,
    niche: bool,
}

impl Layout {
    const fn new(size: usize, align: usize, niche: bool) -> Self {
        Layout { size, align, niche }
    }

    /// `Box<T>`, `String`, `Vec<T>`: a pointer and maybe two words, never null.
    const POINTER: Layout = Layout::new(8, 8, true);
    const VEC: Layout = Layout::new(24, 8, true);
    /// `serde_json::Value` with `preserve_order`.
    const VALUE: Layout = Layout::new(72, 8, true);

    fn option(self) -> Layout {
        if self.niche {
            self
        } else {
            Layout::new(round_up(self.size + self.align, self.align), self.align, true)
        }
    }
}

fn round_up(size: usize, align: usize) -> usize {
    size.div_ceil(align) * align
}

/// The estimated layout of a value of `ty`, the named types' layouts given by `named`.
fn layout(ty: &TypeRef, named: &mut dyn FnMut(TypeId) -> Layout) -> Layout {
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::String | Primitive::Binary => Layout::VEC,
            Primitive::Boolean => Layout::new(1, 1, true),
            Primitive::I32 | Primitive::F32 => Layout::new(4, 4, false),
            Primitive::I64 | Primitive::F64 => Layout::new(8, 8, false),
            Primitive::DateTime => Layout::new(12, 4, true),
            Primitive::Date => Layout::new(4, 4, true),
            Primitive::Uuid => Layout::new(16, 1, false),
        },
        // `BTreeMap` is three words; `Option<BTreeMap>` four.
        TypeRef::Array(_) | TypeRef::Map(_) => Layout::VEC,
        TypeRef::Any => Layout::VALUE,
        TypeRef::Nullable(inner) if matches!(**inner, TypeRef::Map(_)) => Layout::new(32, 8, true),
        TypeRef::Nullable(inner) => layout(inner, named).option(),
        TypeRef::Named(id) => named(*id),
    }
}

/// The payload sizes of a union's variants, each alternative's layout as `held` gives it, then
/// the catch-all `Unknown(serde_json::Value)`.
fn union_payloads(union: &Union, mut held: impl FnMut(&TypeRef) -> Layout) -> Vec<Option<usize>> {
    let mut payloads: Vec<Option<usize>> = union.variants.iter().map(|ty| Some(held(ty).size)).collect();
    payloads.push(Some(Layout::VALUE.size));
    payloads
}

/// The layouts of the named types while [`Boxing::of`] computes them, each once.
struct Estimate<'a> {
    api: &'a Api,
    cycles: &'a [usize],
    named: Vec<Option<Layout>>,
}

impl Estimate<'_> {
    fn layout_in(&mut self, owner: TypeId, ty: &TypeRef) -> Layout {
        if needs_box(self.cycles, owner, ty) {
            Layout::POINTER
        } else {
            layout(ty, &mut |id| self.named_layout(id))
        }
    }

    fn named_layout(&mut self, id: TypeId) -> Layout {
        if let Some(known) = self.named[id.0] {
            return known;
        }
        // While it is computed, a type that meets itself counts as a pointer (it is boxed there).
        self.named[id.0] = Some(Layout::POINTER);
        let api = self.api;
        let layout = match &api.type_def(id).kind {
            TypeKind::Struct(s) => {
                let mut fields: Vec<Layout> = s
                    .fields
                    .iter()
                    .map(|f| {
                        let held = self.layout_in(id, &f.ty);
                        if f.required {
                            held
                        } else {
                            held.option()
                        }
                    })
                    .collect();
                if s.additional.is_some() {
                    fields.push(Layout::VEC);
                }
                let align = fields.iter().map(|f| f.align).max().unwrap_or(1);
                let size = round_up(fields.iter().map(|f| f.size).sum(), align);
                Layout::new(size, align, fields.iter().any(|f| f.niche))
            }
            TypeKind::Enum(_) => Layout::VEC,
            TypeKind::IntEnum(_) => Layout::new(16, 8, true),
            TypeKind::Union(union) => {
                // As declared: the variants `boxed_variants` boxes count as pointers.
                let payloads = union_payloads(union, |ty| self.layout_in(id, ty));
                let boxed = boxed_variants(&payloads);
                let largest = payloads
                    .iter()
                    .zip(boxed)
                    .map(|(payload, boxed)| if boxed { Layout::POINTER.size } else { payload.unwrap_or(0) })
                    .max()
                    .unwrap_or(0);
                Layout::new(largest + 8, 8, true)
            }
            TypeKind::Tuple(tuple) => {
                let mut items: Vec<Layout> = tuple.items.iter().map(|ty| self.layout_in(id, ty)).collect();
                if tuple.rest.is_some() {
                    items.push(Layout::VEC);
                }
                let align = items.iter().map(|f| f.align).max().unwrap_or(1);
                let size = round_up(items.iter().map(|f| f.size).sum(), align);
                Layout::new(size, align, items.iter().any(|f| f.niche))
            }
            TypeKind::Alias(target) => layout(target, &mut |t| self.named_layout(t)),
        };
        self.named[id.0] = Some(layout);
        layout
    }
}

/// Which variants of an enum to box, from their payloads' sizes (`None`: a unit variant): while
/// the largest unboxed variant is much larger than every other, it is boxed.
pub(crate) fn boxed_variants(payloads: &[Option<usize>]) -> Vec<bool> {
    let mut sizes: Vec<usize> = payloads.iter().map(|p| p.unwrap_or(0)).collect();
    let mut boxed = vec![false; sizes.len()];
    // One variant is as large as the enum must be anyway.
    if sizes.len() < 2 {
        return boxed;
    }
    while let Some(largest) = (0..sizes.len()).max_by_key(|&i| (sizes[i], std::cmp::Reverse(i))) {
        let next = (0..sizes.len()).filter(|&i| i != largest).map(|i| sizes[i]).max().unwrap_or(0);
        if boxed[largest] || sizes[largest] <= next + LARGE {
            break;
        }
        boxed[largest] = true;
        sizes[largest] = Layout::POINTER.size;
    }
    boxed
}

/// Whether `owner` holding `ty` directly closes a cycle: `ty` leads back to `owner`.
fn needs_box(cycles: &[usize], owner: TypeId, ty: &TypeRef) -> bool {
    match direct_target(ty) {
        Some(target) => cycles[target.0] == cycles[owner.0],
        None => false,
    }
}

/// The named type a field or variant of type `ty` holds inline (not behind a `Vec` or a map).
fn direct_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

/// Strongly connected components (Tarjan) of the direct-containment graph, by type. Two types in
/// one component hold each other; a field whose target is its owner is a self-edge.
fn cycle_groups(api: &Api) -> Vec<usize> {
    let edges: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|def| {
            let held: Vec<&TypeRef> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union(u) => u.variants.iter().collect(),
                TypeKind::Tuple(t) => t.items.iter().collect(),
                TypeKind::Alias(target) => vec![target],
                TypeKind::Enum(_) | TypeKind::IntEnum(_) => Vec::new(),
            };
            held.into_iter().filter_map(direct_target).map(|id| id.0).collect()
        })
        .collect();
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut components = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // Iterative depth-first search: (node, next edge to follow).
        let mut work = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::boxed_variants;

    #[test]
    fn only_a_variant_much_larger_than_the_others_is_boxed() {
        assert_eq!(boxed_variants(&[Some(400), None, Some(24)]), vec![true, false, false]);
        assert_eq!(boxed_variants(&[Some(400), Some(380)]), vec![false, false]);
        assert_eq!(boxed_variants(&[Some(150), None]), vec![false, false]);
        // Two large ones next to a small one: the larger is boxed, then the other.
        assert_eq!(boxed_variants(&[Some(600), Some(300), Some(8)]), vec![true, true, false]);
        assert_eq!(boxed_variants(&[]), Vec::<bool>::new());
        assert_eq!(boxed_variants(&[Some(900)]), vec![false]);
    }
}
