//! Clippy's `type_complexity` for generated items. A schema nested deep in arrays, maps and
//! `nullable` (`Option<Vec<Vec<Option<i64>>>>`) is spelled in full wherever it is held; clippy
//! scores the spelling (10 per type for each level it is nested, over 250 is too complex) and would
//! have it named. The name is the document's to give, so the items holding such a type get the
//! allowance instead, computed here with clippy's own scoring: structs (fields), enums (variants)
//! and functions (arguments and a return type that is not opaque).

/// Clippy's default `type-complexity-threshold`.
const THRESHOLD: usize = 250;

/// Adds `#[allow(clippy::type_complexity)]` to each item of `file` that clippy would flag.
pub(crate) fn allow_where_complex(file: &mut syn::File) {
    for item in &mut file.items {
        match item {
            syn::Item::Struct(s) if s.fields.iter().any(|f| complex(&f.ty)) => s.attrs.push(allowance()),
            syn::Item::Enum(e) if e.variants.iter().flat_map(|v| &v.fields).any(|f| complex(&f.ty)) => {
                e.attrs.push(allowance())
            }
            syn::Item::Fn(f) if signature_is_complex(&f.sig) => f.attrs.push(allowance()),
            syn::Item::Impl(block) => {
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(f) = member {
                        if signature_is_complex(&f.sig) {
                            f.attrs.push(allowance());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn allowance() -> syn::Attribute {
    syn::parse_quote!(#[allow(clippy::type_complexity)])
}

fn complex(ty: &syn::Type) -> bool {
    score(ty, 1) > THRESHOLD
}

/// Arguments and the return type, each scored alone; an `async fn`'s return type and `impl Trait`
/// are opaque to the lint.
fn signature_is_complex(sig: &syn::Signature) -> bool {
    let arguments = sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(typed) => complex(&typed.ty),
        syn::FnArg::Receiver(_) => false,
    });
    let output = match &sig.output {
        syn::ReturnType::Type(_, ty) if sig.asyncness.is_none() => complex(ty),
        _ => false,
    };
    arguments || output
}

/// Clippy's score of a type nested `nest` deep: paths, tuples, slices and arrays count 10 per
/// level and nest what they hold one level deeper; references count 1; `impl Trait` (a generic
/// parameter in argument position) counts as the path it stands for.
fn score(ty: &syn::Type, nest: usize) -> usize {
    match ty {
        syn::Type::Path(path) => {
            let held: usize = path
                .path
                .segments
                .iter()
                .filter_map(|segment| match &segment.arguments {
                    syn::PathArguments::AngleBracketed(args) => Some(args),
                    _ => None,
                })
                .flat_map(|args| &args.args)
                .map(|arg| match arg {
                    syn::GenericArgument::Type(ty) => score(ty, nest + 1),
                    syn::GenericArgument::AssocType(assoc) => score(&assoc.ty, nest + 1),
                    _ => 0,
                })
                .sum();
            10 * nest + held + path.qself.as_ref().map_or(0, |q| score(&q.ty, nest + 1))
        }
        syn::Type::Tuple(tuple) => 10 * nest + tuple.elems.iter().map(|t| score(t, nest + 1)).sum::<usize>(),
        syn::Type::Slice(slice) => 10 * nest + score(&slice.elem, nest + 1),
        syn::Type::Array(array) => 10 * nest + score(&array.elem, nest + 1),
        syn::Type::Reference(reference) => 1 + score(&reference.elem, nest),
        syn::Type::Ptr(pointer) => 1 + score(&pointer.elem, nest),
        syn::Type::ImplTrait(_) => 10 * nest,
        syn::Type::Paren(inner) => score(&inner.elem, nest),
        syn::Type::Group(inner) => score(&inner.elem, nest),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::{complex, score};

    fn ty(text: &str) -> syn::Type {
        syn::parse_str(text).expect("a type")
    }

    #[test]
    fn types_score_as_clippy_scores_them() {
        assert_eq!(score(&ty("i64"), 1), 10);
        assert_eq!(score(&ty("Option<Vec<i64>>"), 1), 60);
        assert_eq!(score(&ty("std::collections::BTreeMap<String, Vec<i64>>"), 1), 10 + 20 + 20 + 30);
        assert_eq!(score(&ty("(Vec<u8>, &'a str)"), 1), 10 + 20 + 30 + 1 + 20);
        // The type the compile fuzzer found: 280.
        assert!(complex(&ty("Option<Vec<Vec<Option<Vec<Option<i64>>>>>>")));
        assert!(!complex(&ty("Option<Vec<Vec<Option<Vec<i64>>>>>")));
    }
}
