//! Which operations page, and how ([`Pagination`]).
//!
//! In order: the operation's `x-codegen: {pagination: false | {…}}` (off, or a style stated in the
//! shape of `x-speakeasy-pagination`), then `x-speakeasy-pagination`, then Datadog's
//! `x-pagination` (`declared.rs`); a document that states nothing is read from its shapes
//! (`infer.rs`), with a warning naming the operation and the style chosen, unless inference is
//! off (`Options::infer_pagination`, the document's `x-codegen: {infer-pagination: false}`).

mod declared;
mod infer;

use serde_json::Value;

use crate::error::{push_pointer, Warning};
use crate::model::*;

/// The state one operation's decision needs.
pub(super) struct Cx<'a> {
    pub op: &'a Operation,
    pub types: &'a [TypeDef],
    /// The whole document after normalization (for extensions and parameter defaults).
    pub raw: &'a Value,
    pub infer: bool,
    pub warnings: &'a mut Vec<Warning>,
}

/// How `op` pages, if it does.
pub(super) fn pagination(cx: Cx<'_>) -> Option<Pagination> {
    let op = cx.op;
    let raw_op = cx.raw.pointer(&op.pointer);
    let extension = |name: &str| raw_op.and_then(|o| o.get(name));
    let codegen = extension(crate::extension::EXTENSION).and_then(|c| c.get("pagination"));
    let declared = match codegen {
        Some(Value::Bool(false)) => return None,
        Some(value) => Some((crate::extension::EXTENSION, value, "/x-codegen/pagination")),
        None => match (extension(declared::SPEAKEASY), extension(declared::DATADOG)) {
            (Some(value), _) => Some((declared::SPEAKEASY, value, "/x-speakeasy-pagination")),
            (None, Some(value)) => Some((declared::DATADOG, value, "/x-pagination")),
            (None, None) => None,
        },
    };
    let page = Page::of(op, cx.types);
    if let Some((name, value, at)) = declared {
        let pointer = format!("{}{at}", op.pointer);
        let result = match &page {
            Some(page) => declared::read(&cx, page, name, value, &pointer),
            None => Err("the operation has no single JSON success body to read pages from".to_owned()),
        };
        match result.and_then(|p| check_body(op, p)) {
            Ok(pagination) => return Some(pagination),
            Err(message) => {
                let message = format!("`{name}`: {message}; generated without paging");
                cx.warnings.push(Warning { pointer, message });
                return None;
            }
        }
    }
    // Reads (GET, QUERY) and searches (POST, whose body is sent again for each page).
    if !cx.infer || !matches!(op.method, Method::Get | Method::Post | Method::Query) {
        return None;
    }
    let page = page?;
    match infer::infer(&cx, &page).and_then(|found| found.map(|p| check_body(op, p)).transpose()) {
        Ok(Some(pagination)) => {
            let message = format!(
                "pages by {} (inferred from its parameters and response; state it with \
                 `x-speakeasy-pagination`, or turn it off with `x-codegen: {{pagination: false}}`)",
                describe(op, cx.types, &pagination)
            );
            cx.warnings.push(Warning { pointer: op.pointer.clone(), message });
            Some(pagination)
        }
        Ok(None) => None,
        Err(reason) => {
            cx.warnings.push(Warning { pointer: op.pointer.clone(), message: format!("{LEFT_OUT}{reason}") });
            None
        }
    }
}

/// A list operation (see [`list_operations`]) and whether it pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListOperation {
    /// `GET /path`.
    pub endpoint: String,
    /// JSON pointer of the operation object ([`Operation::pointer`]).
    pub pointer: String,
    /// The style it pages by (with its parameters and fields), or `None`.
    pub paged: Option<String>,
    /// Why it does not page, when it does not.
    pub reason: Option<String>,
}

/// Every list operation of a lowered API: an operation that pages, or whose success body is an
/// array or an object holding one and that takes or returns a page marker; with its style, or
/// the reason it was left out (from `warnings`, the lowering's).
pub fn list_operations(api: &Api, warnings: &[Warning], raw: &Value) -> Vec<ListOperation> {
    let mut found = Vec::new();
    for op in &api.operations {
        let page = Page::of(op, &api.types);
        let list = op.pagination.is_some() || page.as_ref().is_some_and(|page| infer::is_list(op, page));
        if !list {
            continue;
        }
        let paged = pagination_signature(&api.types, op);
        let reason = match paged {
            Some(_) => None,
            None => Some(reason(op, page.is_some(), warnings, raw)),
        };
        let endpoint = format!("{} {}", op.method.as_str(), op.path);
        found.push(ListOperation { endpoint, pointer: op.pointer.clone(), paged, reason });
    }
    found
}

/// Why a list operation does not page.
fn reason(op: &Operation, page: bool, warnings: &[Warning], raw: &Value) -> String {
    let said = warnings.iter().find(|w| {
        (w.pointer == op.pointer || w.pointer.starts_with(&format!("{}/x-", op.pointer)))
            && (w.message.starts_with(LEFT_OUT) || w.message.contains("generated without paging"))
    });
    if let Some(warning) = said {
        return warning.message.trim_start_matches(LEFT_OUT).to_owned();
    }
    let off =
        raw.pointer(&op.pointer).and_then(|o| o.get(crate::extension::EXTENSION)).and_then(|c| c.get("pagination"));
    if off == Some(&Value::Bool(false)) {
        return "switched off by `x-codegen: {pagination: false}`".to_owned();
    }
    if !page {
        return "its successes carry different bodies, or none in JSON".to_owned();
    }
    if !matches!(op.method, Method::Get | Method::Post | Method::Query) {
        return format!(
            "a {} (inference reads GET, POST and QUERY operations; state it with `x-speakeasy-pagination`)",
            op.method.as_str()
        );
    }
    "pagination inference is off".to_owned()
}

/// How warnings about list operations that look paginated but are generated without paging begin
/// (`list_operations` reads them back).
pub const LEFT_OUT: &str = "looks paginated but is generated without paging: ";

/// Every page is a request of its own; a multipart body is the caller's form, sent once.
fn check_body(op: &Operation, pagination: Pagination) -> Result<Pagination, String> {
    if op.body.as_ref().and_then(RequestBody::sent).is_some_and(|c| c.kind() == MediaKind::Multipart) {
        return Err("a multipart body cannot be sent again for each page".to_owned());
    }
    Ok(pagination)
}

/// The style in words, with the parameters and fields it uses, for the inference warning.
fn describe(op: &Operation, types: &[TypeDef], pagination: &Pagination) -> String {
    let mut with = op.clone();
    with.pagination = Some(pagination.clone());
    pagination_signature(types, &with).unwrap_or_default()
}

/// A success body pages are read from: JSON, the same for every 2xx status, an array or a struct
/// holding one.
pub(super) struct Page<'a> {
    pub types: &'a [TypeDef],
    /// The body's struct, when it is one (else the body is an array).
    pub structure: Option<(TypeId, &'a Struct)>,
    /// The item type, when the body is an array.
    pub body_item: Option<&'a TypeRef>,
}

impl<'a> Page<'a> {
    fn of(op: &'a Operation, types: &'a [TypeDef]) -> Option<Self> {
        if op.success_bodies_differ() {
            return None;
        }
        let body = op.successes().flat_map(|r| &r.content).find(|c| c.kind() == MediaKind::Json)?;
        let ty = body.ty.as_ref()?;
        // A nullable body decodes as an `Option` of the page, which paging does not read.
        if nullable(ty, types) {
            return None;
        }
        if let Some(structure) = structure(ty, types) {
            return Some(Page { types, structure: Some(structure), body_item: None });
        }
        array_item(ty, types).map(|item| Page { types, structure: None, body_item: Some(item) })
    }

    /// The path to the field named `names` (wire names, exactly), from the body's struct.
    pub fn path(&self, names: &[&str]) -> Option<FieldPath> {
        let (mut holder, mut fields) = self.structure?;
        let mut path = Vec::new();
        for (step, name) in names.iter().enumerate() {
            let index = fields.fields.iter().position(|f| f.name == *name)?;
            path.push((holder, index));
            if step + 1 < names.len() {
                (holder, fields) = structure(&fields.fields[index].ty, self.types)?;
            }
        }
        Some(path)
    }

    /// The field a path ends at.
    pub fn field(&self, path: &FieldPath) -> Option<&'a Field> {
        let (holder, index) = path.last()?;
        match &self.types.get(holder.0)?.kind {
            TypeKind::Struct(s) => s.fields.get(*index),
            _ => None,
        }
    }

    /// The first field, at the top or one struct down, whose normalized name is in `names` and
    /// whose type `fits`; top-level fields first, each level in `names` order.
    pub fn find(&self, names: &[&str], fits: impl Fn(&TypeRef) -> bool) -> Option<FieldPath> {
        let (holder, top) = self.structure?;
        let pick = |holder: TypeId, s: &Struct| {
            names.iter().find_map(|name| {
                s.fields.iter().position(|f| normalized(&f.name) == *name && fits(&f.ty)).map(|index| (holder, index))
            })
        };
        if let Some(step) = pick(holder, top) {
            return Some(vec![step]);
        }
        top.fields.iter().enumerate().find_map(|(index, f)| {
            let (inner, s) = structure(&f.ty, self.types)?;
            pick(inner, s).map(|step| vec![(holder, index), step])
        })
    }

    /// The items array: the body itself, the field marked `x-paginated-items: true`, the only
    /// array, or among several the one with a usual name (`data`, `items`, `results`, …).
    pub fn items(&self) -> Result<FieldPath, String> {
        let Some((holder, s)) = self.structure else { return Ok(Vec::new()) };
        let arrays: Vec<usize> =
            (0..s.fields.len()).filter(|&i| array_item(&s.fields[i].ty, self.types).is_some()).collect();
        if let Some(&marked) = arrays.iter().find(|&&i| s.fields[i].paginated_items) {
            return Ok(vec![(holder, marked)]);
        }
        if let [only] = arrays.as_slice() {
            return Ok(vec![(holder, *only)]);
        }
        const USUAL: &[&str] = &["data", "items", "results", "list", "entries", "records", "values", "elements"];
        USUAL
            .iter()
            .find_map(|name| arrays.iter().find(|&&i| normalized(&s.fields[i].name) == *name))
            .map(|&i| vec![(holder, i)])
            .ok_or_else(|| match arrays.is_empty() {
                true => "the body holds no items array".to_owned(),
                false => "the body holds several arrays and none is marked `x-paginated-items: true`".to_owned(),
            })
    }

    /// The type of one item.
    pub fn item_type(&self, items: &FieldPath) -> Option<&'a TypeRef> {
        match items.is_empty() {
            true => self.body_item,
            false => array_item(&self.field(items)?.ty, self.types),
        }
    }
}

/// Whether `ty` is nullable, through aliases.
fn nullable<'a>(mut ty: &'a TypeRef, types: &'a [TypeDef]) -> bool {
    for _ in 0..=types.len() {
        match ty {
            TypeRef::Nullable(_) => return true,
            TypeRef::Named(id) => match types.get(id.0).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// `ty` without aliases and `Nullable`.
pub(super) fn resolve<'a>(mut ty: &'a TypeRef, types: &'a [TypeDef]) -> &'a TypeRef {
    for _ in 0..=types.len() {
        match ty {
            TypeRef::Nullable(inner) => ty = inner,
            TypeRef::Named(id) => match types.get(id.0).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

/// The struct `ty` names, through aliases and `Nullable`.
pub(super) fn structure<'a>(ty: &'a TypeRef, types: &'a [TypeDef]) -> Option<(TypeId, &'a Struct)> {
    match resolve(ty, types) {
        TypeRef::Named(id) => match &types.get(id.0)?.kind {
            TypeKind::Struct(s) => Some((*id, s)),
            _ => None,
        },
        _ => None,
    }
}

/// The item type when `ty` is an array (the declared type of `Vec<T>`, aliases followed).
pub(super) fn array_item<'a>(ty: &'a TypeRef, types: &'a [TypeDef]) -> Option<&'a TypeRef> {
    match resolve(ty, types) {
        TypeRef::Array(item) => Some(item),
        _ => None,
    }
}

/// The primitive `ty` is, through aliases.
pub(super) fn primitive(ty: &TypeRef, types: &[TypeDef]) -> Option<Primitive> {
    match resolve(ty, types) {
        TypeRef::Primitive(p) => Some(*p),
        _ => None,
    }
}

/// Whether `ty` is text.
pub(super) fn is_text(ty: &TypeRef, types: &[TypeDef]) -> bool {
    primitive(ty, types) == Some(Primitive::String)
}

/// Whether `ty` is an integer.
pub(super) fn is_integer(ty: &TypeRef, types: &[TypeDef]) -> bool {
    matches!(primitive(ty, types), Some(Primitive::I32 | Primitive::I64))
}

/// Whether a position can be read from and written as `ty`: text, an integer or a UUID.
pub(super) fn is_position(ty: &TypeRef, types: &[TypeDef]) -> bool {
    matches!(primitive(ty, types), Some(Primitive::String | Primitive::I32 | Primitive::I64 | Primitive::Uuid))
}

/// A name compared without case, `_`, `-` and `.`: `next_page` and `nextPage` are `nextpage`.
pub(super) fn normalized(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '_' | '-' | '.' | ' ')).flat_map(char::to_lowercase).collect()
}

/// The first page number: the `page` parameter's `default`, else its `minimum`, else 1.
pub(super) fn first_page(raw: &Value, param: &Parameter) -> i64 {
    let at = raw.pointer(&param.pointer);
    let schema = at.and_then(|p| p.get("schema")).or(at);
    let number = |key: &str| schema.and_then(|s| s.get(key)).and_then(Value::as_i64);
    number("default").or_else(|| number("minimum")).unwrap_or(1)
}

/// `pointer` + `/key`.
pub(super) fn at(pointer: &str, key: &str) -> String {
    push_pointer(pointer, key)
}
