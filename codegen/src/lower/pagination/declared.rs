//! Pagination a document states.
//!
//! `x-speakeasy-pagination` (and `x-codegen: {pagination: …}`, which takes the same shape):
//!
//! ```yaml
//! x-speakeasy-pagination:
//!   type: cursor              # cursor | offsetLimit | url
//!   inputs:                   # parameters of the operation (`in: parameters`)
//!     - {name: starting_after, in: parameters, type: cursor}   # cursor | offset | page | limit
//!   outputs:                  # JSONPath-like paths into the success body
//!     nextCursor: $.next_cursor      # `$.data[-1].id`: the last item's id
//!     results: $.data
//!     hasMore: $.has_more             # ours: a flag that ends paging when false
//!     numPages: $.meta.total_pages    # offsetLimit with a page input
//!     nextUrl: $.links.next           # url; `$response.header.Link`: the RFC 8288 header
//! ```
//!
//! Datadog's `x-pagination`: `limitParam`, `pageOffsetParam` (offset), `pageParam` (page number),
//! `cursorParam` with `cursorPath`, `resultsPath` (dotted field names).

use serde_json::Value;

use super::{at, first_page, is_integer, is_position, is_text, normalized, Cx, Page};
use crate::model::*;

pub(super) const SPEAKEASY: &str = "x-speakeasy-pagination";
pub(super) const DATADOG: &str = "x-pagination";

/// The pagination `value` (extension `name`, at `pointer`) states; an error says what is wrong.
pub(super) fn read(cx: &Cx, page: &Page, name: &str, value: &Value, pointer: &str) -> Result<Pagination, String> {
    let origin = PaginationOrigin::Declared(name.to_owned());
    let (style, items) = match name {
        DATADOG => datadog(cx, page, value)?,
        _ => speakeasy(cx, page, value, pointer)?,
    };
    let items = match items {
        Some(items) => items,
        None => page.items()?,
    };
    if page.item_type(&items).is_none() {
        return Err("the results path does not lead to an array".to_owned());
    }
    Ok(Pagination { style, items, origin })
}

type Read = (PageStyle, Option<FieldPath>);

fn speakeasy(cx: &Cx, page: &Page, value: &Value, pointer: &str) -> Result<Read, String> {
    let Value::Object(map) = value else { return Err("expected an object (or `false`)".to_owned()) };
    let kind = map.get("type").and_then(Value::as_str).ok_or("`type` (cursor, offsetLimit, url) is missing")?;
    let mut inputs: Vec<(String, usize)> = Vec::new();
    for (i, input) in map.get("inputs").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let here = at(&at(pointer, "inputs"), &i.to_string());
        let name = input.get("name").and_then(Value::as_str).ok_or(format!("{here}: `name` is missing"))?;
        let role = input.get("type").and_then(Value::as_str).ok_or(format!("{here}: `type` is missing"))?;
        if input.get("in").and_then(Value::as_str).is_some_and(|w| w != "parameters") {
            return Err(format!("{here}: only parameters can carry a position (`in: parameters`)"));
        }
        inputs.push((role.to_owned(), parameter(cx, name)?));
    }
    let input = |role: &str| inputs.iter().find(|(r, _)| r == role).map(|(_, i)| *i);
    let outputs = map.get("outputs");
    let output = |key: &str| outputs.and_then(|o| o.get(key)).and_then(Value::as_str);
    let results = output("results").map(|p| json_path(page, p)).transpose()?;
    let flag = output("hasMore").map(|p| json_path(page, p)).transpose()?;
    let style = match kind {
        "cursor" => {
            let param = input("cursor").ok_or("a cursor needs an input of `type: cursor`")?;
            let next = output("nextCursor").ok_or("a cursor needs `outputs.nextCursor`")?;
            if let Some((items_at, id_at)) = next.split_once("[-1]") {
                let items = json_path(page, items_at)?;
                let id = item_field(page, &items, id_at.trim_start_matches('.'))?;
                position_param(cx, param)?;
                return Ok((PageStyle::ItemId { param, id, more: flag }, Some(items)));
            }
            let next = json_path(page, next)?;
            position_field(page, &next)?;
            position_param(cx, param)?;
            PageStyle::Cursor { param, next, more: flag }
        }
        "offsetLimit" => match (input("offset"), input("page")) {
            (Some(offset), _) => {
                integer_param(cx, offset)?;
                PageStyle::OffsetLimit { offset, limit: input("limit") }
            }
            (None, Some(number)) => {
                integer_param(cx, number)?;
                let total_pages = output("numPages").map(|p| json_path(page, p)).transpose()?;
                let first = first_page(cx.raw, &cx.op.parameters[number]);
                PageStyle::PageNumber { page: number, size: input("limit"), first, total_pages, next_page: None }
            }
            (None, None) => return Err("`offsetLimit` needs an input of `type: offset` or `type: page`".to_owned()),
        },
        "url" => {
            let next = output("nextUrl").ok_or("a `url` style needs `outputs.nextUrl`")?;
            if normalized(next).starts_with("$responseheader") {
                PageStyle::LinkHeader
            } else {
                let link = json_path(page, next)?;
                if !page.field(&link).is_some_and(|f| is_text(&f.ty, page.types)) {
                    return Err(format!("`{next}` is not a string field"));
                }
                PageStyle::BodyLink { link, cursor: input("cursor") }
            }
        }
        other => return Err(format!("unknown `type: {other}` (cursor, offsetLimit, url)")),
    };
    Ok((style, results))
}

fn datadog(cx: &Cx, page: &Page, value: &Value) -> Result<Read, String> {
    let Value::Object(map) = value else { return Err("expected an object".to_owned()) };
    let text = |key: &str| map.get(key).and_then(Value::as_str);
    let param = |key: &str| text(key).map(|name| parameter(cx, name)).transpose();
    let dotted = |key: &str| text(key).map(|path| page.path(&path.split('.').collect::<Vec<_>>()).ok_or(path));
    let items = match dotted("resultsPath") {
        Some(Ok(items)) => Some(items),
        Some(Err(path)) => return Err(format!("`resultsPath: {path}` names no field of the body")),
        None => None,
    };
    let limit = param("limitParam")?;
    let style = if let Some(offset) = param("pageOffsetParam")? {
        integer_param(cx, offset)?;
        PageStyle::OffsetLimit { offset, limit }
    } else if let Some(number) = param("pageParam")? {
        integer_param(cx, number)?;
        let first = first_page(cx.raw, &cx.op.parameters[number]);
        PageStyle::PageNumber { page: number, size: limit, first, total_pages: None, next_page: None }
    } else if let Some(cursor) = param("cursorParam")? {
        let next = match dotted("cursorPath") {
            Some(Ok(next)) => next,
            Some(Err(path)) => return Err(format!("`cursorPath: {path}` names no field of the body")),
            None => return Err("`cursorParam` needs `cursorPath`".to_owned()),
        };
        position_field(page, &next)?;
        position_param(cx, cursor)?;
        PageStyle::Cursor { param: cursor, next, more: None }
    } else {
        return Err("names no `pageOffsetParam`, `pageParam` or `cursorParam`".to_owned());
    };
    Ok((style, items))
}

/// The index of the parameter `name` (not in the path).
fn parameter(cx: &Cx, name: &str) -> Result<usize, String> {
    cx.op
        .parameters
        .iter()
        .position(|p| p.name == name && p.location != ParamLocation::Path)
        .ok_or(format!("the operation has no query, header or cookie parameter `{name}`"))
}

fn integer_param(cx: &Cx, index: usize) -> Result<(), String> {
    let p = &cx.op.parameters[index];
    match is_integer(&p.ty, cx.types) && p.content_type.is_none() {
        true => Ok(()),
        false => Err(format!("the parameter `{}` is not an integer", p.name)),
    }
}

fn position_param(cx: &Cx, index: usize) -> Result<(), String> {
    let p = &cx.op.parameters[index];
    match is_position(&p.ty, cx.types) && p.content_type.is_none() {
        true => Ok(()),
        false => Err(format!("the parameter `{}` is not a string, an integer or a UUID", p.name)),
    }
}

fn position_field(page: &Page, path: &FieldPath) -> Result<(), String> {
    match page.field(path) {
        Some(f) if is_position(&f.ty, page.types) => Ok(()),
        Some(f) => Err(format!("the field `{}` is not a string, an integer or a UUID", f.name)),
        None => Err("a position field is missing".to_owned()),
    }
}

/// The field `name` of the items' struct (the last item's id).
fn item_field(page: &Page, items: &FieldPath, name: &str) -> Result<(TypeId, usize), String> {
    let item = page.item_type(items);
    let (holder, s) = item.and_then(|t| super::structure(t, page.types)).ok_or("the items are not objects")?;
    let index = s.fields.iter().position(|f| f.name == name).ok_or(format!("the items have no field `{name}`"))?;
    match is_position(&s.fields[index].ty, page.types) {
        true => Ok((holder, index)),
        false => Err(format!("the items' `{name}` is not a string, an integer or a UUID")),
    }
}

/// `$.a.b` → the path to field `b` of field `a` of the body; `$` → the body itself.
fn json_path(page: &Page, path: &str) -> Result<FieldPath, String> {
    let rest = path.trim().strip_prefix('$').ok_or(format!("`{path}` does not start with `$`"))?;
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = rest.strip_prefix('.').unwrap_or(rest).split('.').collect();
    page.path(&names).ok_or(format!("`{path}` names no field of the success body"))
}
