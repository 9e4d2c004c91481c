//! The clippy allowances of generated code, each on exactly the items clippy would flag, since the
//! names and shapes they are about are the document's to give:
//! - methods named after the document whose names read as promises (`wrong_self_convention`,
//!   `should_implement_trait`: [`self_convention`]);
//! - functions taking more arguments than clippy's limit (`too_many_arguments`: [`many_arguments`]);
//! - status ranges beside exact codes, written without the codes so no arms overlap
//!   ([`range_pattern`]);
//! - types nested too deep (`type_complexity`: [`allow_where_complex`]).
//!
//! Clippy's `type_complexity` for generated items. A schema nested deep in arrays, maps and
//! `nullable` (`Option<Vec<Vec<Option<i64>>>>`) is spelled in full wherever it is held; clippy
//! scores the spelling (10 per type for each level it is nested, over 250 is too complex) and would
//! have it named. The name is the document's to give, so the items holding such a type get the
//! allowance instead, computed here with clippy's own scoring: structs (fields), enums (variants)
//! and functions (arguments and a return type that is not opaque).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// How a generated method named after the document takes `self`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// `&self`: the `Client` methods.
    Ref,
    /// `self` (of a type that is not `Copy`): the builders' setters.
    Value,
}

/// Allowances for a method whose name, taken from the document, clippy reads as a promise the
/// method does not keep; nothing otherwise. The name is the API's, so it stays, and each
/// allowance covers that one method:
/// - `wrong_self_convention`: `from_*` takes no `self`, `into_*` takes `self`, `as_*`, `is_*` and
///   `to_*` a reference, `*_mut` a `&mut self`;
/// - `should_implement_trait`: the name and shape of a std trait's method, which clippy would
///   have implemented instead (a setter `sub(self, value) -> Self` is `Sub::sub`'s shape, a
///   `Client` method `cmp(&self, x)` is `Ord::cmp`'s). `arguments` counts those besides `self`.
pub(crate) fn self_convention(name: &str, receiver: Receiver, arguments: usize) -> TokenStream {
    const OPERATORS: &[&str] = &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];
    let name = name.trim_start_matches("r#");
    let breaks = name.starts_with("from_")
        || name.ends_with("_mut")
        || match receiver {
            Receiver::Ref => name.starts_with("into_"),
            Receiver::Value => ["as_", "is_", "to_"].iter().any(|prefix| name.starts_with(prefix)),
        };
    let trait_like = arguments == 1
        && match receiver {
            Receiver::Ref => name == "cmp",
            Receiver::Value => OPERATORS.contains(&name),
        };
    let convention = breaks.then(|| quote!(#[allow(clippy::wrong_self_convention)]));
    let trait_like = trait_like.then(|| quote!(#[allow(clippy::should_implement_trait)]));
    quote!(#convention #trait_like)
}

/// Clippy's default `too-many-arguments-threshold`: a function with more arguments (`self`
/// included) is flagged.
const MAX_ARGUMENTS: usize = 7;

/// `#[allow(clippy::too_many_arguments)]` on a generated function with more than clippy's limit of
/// `count` arguments (`self` included): its limit is a style rule for hand-written calls, and a
/// schema or operation with that many required values gets them all, named.
pub(crate) fn many_arguments(count: usize) -> Option<TokenStream> {
    (count > MAX_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// The pattern of the arm for a status range (`4XX`) when arms for the exact codes in `exact`
/// come before it: the range without those codes (`400..=403 | 405..=499` beside `404`), since
/// clippy reads a code inside a later range as an overlap. `None` when nothing is left.
pub(crate) fn range_pattern(first_digit: u16, exact: &[u16]) -> Option<TokenStream> {
    let (low, high) = (first_digit * 100, first_digit * 100 + 99);
    let mut taken: Vec<u16> = exact.iter().copied().filter(|c| (low..=high).contains(c)).collect();
    taken.sort_unstable();
    taken.dedup();
    let mut parts = Vec::new();
    let mut start = low;
    for code in taken.into_iter().chain([high + 1]) {
        if code > start {
            let (first, last) = (Literal::u16_unsuffixed(start), Literal::u16_unsuffixed(code - 1));
            parts.push(if start == code - 1 { quote!(#first) } else { quote!(#first..=#last) });
        }
        start = code + 1;
    }
    (!parts.is_empty()).then(|| quote!(#(#parts)|*))
}

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

/// Where a type is written: `impl Trait` is a generic parameter in an argument, an opaque type
/// in a return type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    Held,
    Returned,
}

fn complex(ty: &syn::Type) -> bool {
    score(ty, 1, Position::Held) > THRESHOLD
}

/// Arguments and the return type, each scored alone. What an `async fn` returns is not scored
/// (clippy leaves the future it becomes alone).
fn signature_is_complex(sig: &syn::Signature) -> bool {
    let arguments = sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(typed) => complex(&typed.ty),
        syn::FnArg::Receiver(_) => false,
    });
    let output = match &sig.output {
        syn::ReturnType::Type(_, ty) if sig.asyncness.is_none() => score(ty, 1, Position::Returned) > THRESHOLD,
        _ => false,
    };
    arguments || output
}

/// Clippy's score of a type nested `nest` deep: paths, tuples, slices and arrays count 10 per
/// level and nest what they hold one level deeper; references count 1. `impl Trait` held as an
/// argument is a generic parameter (a path); returned, it counts nothing itself and its bounds'
/// type arguments count at its own level (`impl Stream<Item = Result<…>>` scores as `Result<…>`).
fn score(ty: &syn::Type, nest: usize, position: Position) -> usize {
    let score = |ty: &syn::Type, nest: usize| score(ty, nest, position);
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
                .map(|arg| arguments(arg, nest + 1, position))
                .sum();
            10 * nest + held + path.qself.as_ref().map_or(0, |q| score(&q.ty, nest + 1))
        }
        syn::Type::Tuple(tuple) => 10 * nest + tuple.elems.iter().map(|t| score(t, nest + 1)).sum::<usize>(),
        syn::Type::Slice(slice) => 10 * nest + score(&slice.elem, nest + 1),
        syn::Type::Array(array) => 10 * nest + score(&array.elem, nest + 1),
        syn::Type::Reference(reference) => 1 + score(&reference.elem, nest),
        syn::Type::Ptr(pointer) => 1 + score(&pointer.elem, nest),
        syn::Type::ImplTrait(_) if position == Position::Held => 10 * nest,
        syn::Type::ImplTrait(bounds) => bounds
            .bounds
            .iter()
            .filter_map(|bound| match bound {
                syn::TypeParamBound::Trait(bound) => Some(bound),
                _ => None,
            })
            .flat_map(|bound| &bound.path.segments)
            .filter_map(|segment| match &segment.arguments {
                syn::PathArguments::AngleBracketed(args) => Some(args),
                _ => None,
            })
            .flat_map(|args| &args.args)
            .map(|arg| arguments(arg, nest, position))
            .sum(),
        syn::Type::Paren(inner) => score(&inner.elem, nest),
        syn::Type::Group(inner) => score(&inner.elem, nest),
        _ => 0,
    }
}

/// The score of a generic argument: its type, or the type an associated type is bound to.
fn arguments(arg: &syn::GenericArgument, nest: usize, position: Position) -> usize {
    match arg {
        syn::GenericArgument::Type(ty) => score(ty, nest, position),
        syn::GenericArgument::AssocType(assoc) => score(&assoc.ty, nest, position),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::{complex, range_pattern, score, signature_is_complex, Position};

    fn ty(text: &str) -> syn::Type {
        syn::parse_str(text).expect("a type")
    }

    #[test]
    fn types_score_as_clippy_scores_them() {
        let held = |text: &str| score(&ty(text), 1, Position::Held);
        assert_eq!(held("i64"), 10);
        assert_eq!(held("Option<Vec<i64>>"), 60);
        assert_eq!(held("std::collections::BTreeMap<String, Vec<i64>>"), 10 + 20 + 20 + 30);
        assert_eq!(held("(Vec<u8>, &'a str)"), 10 + 20 + 30 + 1 + 20);
        assert_eq!(held("impl Into<Vec<Vec<Vec<Vec<Vec<Vec<i64>>>>>>>"), 10);
        let returned = "impl Stream<Item = Result<Vec<Option<Option<Vec<Vec<f64>>>>>, Error<()>>> + Unpin + Send + 'a";
        assert_eq!(score(&ty(returned), 1, Position::Returned), 10 + 20 + 30 + 40 + 50 + 60 + 70 + 20 + 30);
        let sig = |text: &str| signature_is_complex(&syn::parse_str::<syn::Signature>(text).expect("a signature"));
        assert!(sig(&format!("fn stream(self) -> {returned}")));
        assert!(!sig("async fn send(self) -> Result<Vec<Option<Option<Vec<Vec<Vec<Vec<f64>>>>>>>, Error<()>>"));
        // The type the compile fuzzer found: 280.
        assert!(complex(&ty("Option<Vec<Vec<Option<Vec<Option<i64>>>>>>")));
        assert!(!complex(&ty("Option<Vec<Vec<Option<Vec<i64>>>>>")));
    }

    #[test]
    fn status_ranges_leave_out_the_exact_codes_matched_before_them() {
        let text = |exact: &[u16]| range_pattern(4, exact).map(|p| p.to_string());
        assert_eq!(text(&[]).as_deref(), Some("400 ..= 499"));
        assert_eq!(text(&[404, 400, 200, 404]).as_deref(), Some("401 ..= 403 | 405 ..= 499"));
        assert_eq!(text(&[498, 499]).as_deref(), Some("400 ..= 497"));
        assert_eq!(text(&[401, 403]).as_deref(), Some("400 | 402 | 404 ..= 499"));
        assert_eq!(text(&(400..500).collect::<Vec<u16>>()), None);
    }
}
