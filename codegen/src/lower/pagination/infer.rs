//! Pagination read from a GET, POST or QUERY operation's shapes when the document states none. Names are
//! compared without case, `_` and `-` (`per_page` is `perPage`); response fields are looked for at
//! the top of the body and one object down (`meta.next_page`). The first rule that applies wins:
//!
//! 1. a `Link` header documented on a success response: [`PageStyle::LinkHeader`];
//! 2. a link in the body (`_links.next.href`, `links.next`, `next_url`, `next_page_url`,
//!    `next_link`, or `next` when no cursor parameter is taken): [`PageStyle::BodyLink`];
//! 3. a cursor parameter (`cursor`, `page_token`, `next_token`, `marker`, a string `offset` or
//!    `after`, …) and a response field with the next one (`next_cursor`, `next_page_token`,
//!    `next_offset`, `next_page`, `next`, …): [`PageStyle::Cursor`], stopped by a `has_more` flag;
//! 4. `starting_after` / `after` / `start_after` and items with an `id`: [`PageStyle::ItemId`];
//! 5. an integer `page` / `page_number` (with `per_page`, `page_size`, `limit`… as its size, and
//!    `total_pages` or an integer `next_page` in the body): [`PageStyle::PageNumber`];
//! 6. an integer `offset` / `skip` (with `limit`, `count`…): [`PageStyle::OffsetLimit`].
//!
//! An operation with a page marker (one of those parameters or fields) whose shapes fit none of
//! them is left out with a warning saying why.

use super::{first_page, is_integer, is_position, is_text, normalized, primitive, structure, Cx, Page};
use crate::model::*;

const LINK_FIELDS: &[&str] =
    &["nexturl", "nextpageurl", "nextlink", "nextpagelink", "nexthref", "nexturi", "nextpageuri"];
const CURSOR_PARAMS: &[&str] =
    &["cursor", "pagetoken", "pagecursor", "nexttoken", "nextpagetoken", "continuationtoken", "marker", "pagemarker"];
/// Parameters that are a cursor when they are text.
const TEXT_CURSOR_PARAMS: &[&str] = &["offset", "after", "next"];
const CURSOR_FIELDS: &[&str] = &[
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "nextpagecursor",
    "endcursor",
    "nextoffset",
    "nextmarker",
    "continuationtoken",
    "cursor",
    "nextpage",
    "next",
    "after",
];
const MORE_FLAGS: &[&str] = &["hasmore", "hasnext", "hasnextpage", "hasmorepages", "hasmoreitems", "more"];
const ITEM_ID_PARAMS: &[&str] = &["startingafter", "startafter", "afterid", "after"];
const PAGE_PARAMS: &[&str] = &["page", "pagenumber", "pageno", "pageindex"];
const SIZE_PARAMS: &[&str] = &["perpage", "pagesize", "limit", "size", "count", "maxresults", "top", "pagelimit"];
const OFFSET_PARAMS: &[&str] = &["offset", "skip"];
const TOTAL_PAGES: &[&str] = &["totalpages", "pagecount", "numpages", "lastpage"];

/// The pagination `cx.op`'s shapes imply; `Ok(None)` when it shows no page marker; `Err` with the
/// reason when it has one but fits no style.
pub(super) fn infer(cx: &Cx, page: &Page) -> Result<Option<Pagination>, String> {
    let (op, types) = (cx.op, cx.types);
    let param = |names: &[&str], fits: &dyn Fn(&TypeRef) -> bool| {
        names.iter().find_map(|name| {
            op.parameters.iter().position(|p| {
                p.location == ParamLocation::Query
                    && p.content_type.is_none()
                    && normalized(&p.name) == *name
                    && fits(&p.ty)
            })
        })
    };
    let text = |ty: &TypeRef| is_text(ty, types);
    let integer = |ty: &TypeRef| is_integer(ty, types);
    let position = |ty: &TypeRef| is_position(ty, types);
    let flag = |ty: &TypeRef| primitive(ty, types) == Some(Primitive::Boolean);

    let link_header = op.successes().any(|r| r.headers.iter().any(|h| h.name.eq_ignore_ascii_case("link")));
    let cursor_param = param(CURSOR_PARAMS, &position).or_else(|| param(TEXT_CURSOR_PARAMS, &text));
    // A `next` under `_links` or `links` is a link even beside a cursor parameter.
    let hal: [&[&str]; 4] =
        [&["_links", "next", "href"], &["links", "next", "href"], &["_links", "next"], &["links", "next"]];
    let hal = hal.iter().find_map(|names| page.path(names).filter(|p| page.field(p).is_some_and(|f| text(&f.ty))));
    let link_field = hal.or_else(|| page.find(LINK_FIELDS, text)).or_else(|| match cursor_param {
        None => page.find(&["next"], text),
        Some(_) => None,
    });
    let cursor_field = page.find(CURSOR_FIELDS, position);
    let item_param = param(ITEM_ID_PARAMS, &position);
    let page_param = param(PAGE_PARAMS, &integer);
    let offset_param = param(OFFSET_PARAMS, &integer);
    let next_page = page.find(&["nextpage"], integer);
    let markers = link_header
        || link_field.is_some()
        || cursor_param.is_some()
        || cursor_field.is_some()
        || item_param.is_some()
        || page_param.is_some()
        || offset_param.is_some();
    if !markers {
        return Ok(None);
    }
    let items = page.items()?;
    let more = page.find(MORE_FLAGS, flag);
    let size = param(SIZE_PARAMS, &integer);
    let style = if link_header {
        PageStyle::LinkHeader
    } else if let Some(link) = link_field {
        let cursor = op
            .parameters
            .iter()
            .position(|p| p.location == ParamLocation::Query && p.name == "cursor")
            .or(cursor_param);
        PageStyle::BodyLink { link, cursor }
    } else if let (Some(param), Some(next)) = (cursor_param.or(item_param), cursor_field.clone()) {
        PageStyle::Cursor { param, next, more }
    } else if let Some(id) = item_param.and_then(|param| last_id(page, &items).map(|id| (param, id))) {
        PageStyle::ItemId { param: id.0, id: id.1, more }
    } else if let Some(number) = page_param {
        let total_pages = page.find(TOTAL_PAGES, integer);
        let first = first_page(cx.raw, &op.parameters[number]);
        PageStyle::PageNumber { page: number, size, first, total_pages, next_page }
    } else if let Some(offset) = offset_param {
        PageStyle::OffsetLimit { offset, limit: size }
    } else {
        return Err(reason(op, cursor_param.or(item_param), cursor_field.is_some()));
    };
    Ok(Some(Pagination { style, items, origin: PaginationOrigin::Inferred }))
}

/// The items' `id` field, when they are objects with one that can be a position.
fn last_id(page: &Page, items: &FieldPath) -> Option<(TypeId, usize)> {
    let (holder, s) = structure(page.item_type(items)?, page.types)?;
    let index = s.fields.iter().position(|f| f.name == "id" && is_position(&f.ty, page.types))?;
    Some((holder, index))
}

/// Why an operation with a page marker fits no style.
fn reason(op: &Operation, param: Option<usize>, field: bool) -> String {
    match (param, field) {
        (Some(i), false) => format!(
            "takes `{}`, but its response documents no next position (a `next_cursor`, \
             `next_page_token` or `next` field, `_links.next`, a `Link` header, items with an `id`)",
            op.parameters[i].name
        ),
        _ => "its response names a next position, but it takes no parameter to send it back".to_owned(),
    }
}

/// Whether `op` looks like a list operation, whatever its method: its success body is an array
/// or an object holding one, and it takes or returns a page marker (one of the parameters or
/// fields above, a `has_more` flag, a page count, or a `Link` header).
pub(super) fn is_list(op: &Operation, page: &Page) -> bool {
    let holds_array = match page.structure {
        None => true,
        Some((_, s)) => s.fields.iter().any(|f| super::array_item(&f.ty, page.types).is_some()),
    };
    let param_names: Vec<&[&str]> = vec![CURSOR_PARAMS, TEXT_CURSOR_PARAMS, ITEM_ID_PARAMS, PAGE_PARAMS, OFFSET_PARAMS];
    let takes = op
        .parameters
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .any(|p| param_names.iter().any(|names| names.contains(&normalized(&p.name).as_str())));
    let field_names: Vec<&[&str]> = vec![LINK_FIELDS, CURSOR_FIELDS, MORE_FLAGS, TOTAL_PAGES];
    let returns = field_names.iter().any(|names| page.find(names, |_| true).is_some())
        || page.path(&["_links", "next"]).is_some()
        || page.path(&["links", "next"]).is_some()
        || op.successes().any(|r| r.headers.iter().any(|h| h.name.eq_ignore_ascii_case("link")));
    holds_array && (takes || returns)
}
