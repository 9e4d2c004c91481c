//! Estimated sizes of generated types, to box the variants of an enum that clippy's
//! `large_enum_variant` would call large (one variant much larger than all others makes every
//! value of the enum that large). The estimate follows Rust's layout on 64-bit targets: sizes and
//! alignments of the types generated code uses, `Option` free where the type has a niche, struct
//! fields reordered without padding between them.

use std::cell::RefCell;

use crate::model::*;

/// Clippy flags an enum whose largest variant is more than 200 bytes larger than the next; these
/// are estimates (within a few words of the real sizes), so a variant is boxed from a smaller
/// difference on.
const LARGE: usize = 160;

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

/// The layouts of the named types, computed once each.
#[derive(Default)]
pub(crate) struct Sizes {
    named: RefCell<Vec<Option<Layout>>>,
}

impl super::Cx<'_> {
    /// The estimated layout of a value of `ty` held by `owner` (boxed where it closes a cycle).
    pub(crate) fn layout_in(&self, owner: TypeId, ty: &TypeRef) -> Layout {
        if self.needs_box(owner, ty) {
            Layout::POINTER
        } else {
            self.layout(ty)
        }
    }

    /// The estimated layout of a value of `ty`.
    pub(crate) fn layout(&self, ty: &TypeRef) -> Layout {
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
            TypeRef::Nullable(inner) => self.layout(inner).option(),
            TypeRef::Named(id) => self.named_layout(*id),
        }
    }

    fn named_layout(&self, id: TypeId) -> Layout {
        if let Some(Some(known)) = self.sizes.named.borrow().get(id.0) {
            return *known;
        }
        {
            let mut named = self.sizes.named.borrow_mut();
            if named.len() < self.api.types.len() {
                named.resize(self.api.types.len(), None);
            }
            // While it is computed, a type that meets itself counts as a pointer (it is boxed there).
            named[id.0] = Some(Layout::POINTER);
        }
        let layout = match &self.api.type_def(id).kind {
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
                let payloads = self.union_payloads(id, union);
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
            TypeKind::Alias(target) => self.layout(target),
        };
        self.sizes.named.borrow_mut()[id.0] = Some(layout);
        layout
    }
}

impl super::Cx<'_> {
    /// The payload sizes of a union's variants as declared in `owner`: each alternative (boxed
    /// where it closes a cycle), then the catch-all `Unknown(serde_json::Value)`.
    pub(crate) fn union_payloads(&self, owner: TypeId, union: &Union) -> Vec<Option<usize>> {
        let mut payloads: Vec<Option<usize>> =
            union.variants.iter().map(|ty| Some(self.layout_in(owner, ty).size)).collect();
        payloads.push(Some(Layout::VALUE.size));
        payloads
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
