//! How a paginated operation pages: its style, where its items are, and how the style is known.

use super::{Operation, TypeDef, TypeId, TypeKind};

/// A paginated operation: how one page leads to the next, and where a page's items are. Decided in
/// lowering (`lower/pagination/`): stated by the document (`x-speakeasy-pagination`, Datadog's
/// `x-pagination`, `x-codegen: {pagination: …}`) or inferred from its shapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// How a page leads to the next, and when paging stops.
    pub style: PageStyle,
    /// The fields from the success body to its items array; empty when the body is the array.
    pub items: FieldPath,
    /// How the style is known.
    pub origin: PaginationOrigin,
}

/// Fields leading from a value into nested structs: each step is the struct holding the field and
/// the field's index in it.
pub type FieldPath = Vec<(TypeId, usize)>;

/// How a page names the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// A link in the body (a string field at `link`, e.g. `_links.next.href`, `meta.next_page_url`),
    /// fetched with GET as written. `cursor` is the query parameter the link carries, when the
    /// document names one (the fake server writes its links with it).
    BodyLink {
        /// The string field of the success body that holds the next page's URL.
        link: FieldPath,
        /// The cursor parameter the link carries, by index into [`Operation::parameters`].
        cursor: Option<usize>,
    },
    /// An RFC 8288 `Link: <…>; rel="next"` response header.
    LinkHeader,
    /// A response field (`next`) fed back as the parameter `param`; paging ends when it is absent,
    /// empty or `null`, or when the flag `more` (e.g. `has_more`) is false.
    Cursor {
        /// The parameter the cursor is sent back in, by index into [`Operation::parameters`].
        param: usize,
        /// The field of the success body that holds the next page's cursor.
        next: FieldPath,
        /// The boolean field that says whether another page follows, when the body has one.
        more: Option<FieldPath>,
    },
    /// The parameter `param` (`starting_after`, `after`) takes the id of the page's last item (field
    /// `id` of the item struct); paging ends on an empty page or when `more` is false.
    ItemId {
        /// The parameter that takes the last item's id, by index into [`Operation::parameters`].
        param: usize,
        /// The item struct and the index of its id field.
        id: (TypeId, usize),
        /// The boolean field that says whether another page follows, when the body has one.
        more: Option<FieldPath>,
    },
    /// The parameter `offset` advances by the number of items received; `limit` is the page size.
    /// An empty page ends.
    OffsetLimit {
        /// The integer parameter that counts items skipped, by index into
        /// [`Operation::parameters`].
        offset: usize,
        /// The page size parameter, when the operation takes one (same indexing).
        limit: Option<usize>,
    },
    /// The parameter `page` counts pages from `first`; `size` is the page size. An empty page ends,
    /// and so does the last of `total_pages`, or a missing `next_page` when the body has one.
    PageNumber {
        /// The integer page number parameter, by index into [`Operation::parameters`].
        page: usize,
        /// The page size parameter, when the operation takes one (same indexing).
        size: Option<usize>,
        /// The number of the first page: the `page` parameter's `default`, else its `minimum`,
        /// else 1.
        first: i64,
        /// The field of the success body that holds the number of pages, when known.
        total_pages: Option<FieldPath>,
        /// The field of the success body that holds the next page's number, when the body has
        /// one; paging stops on a page without it.
        next_page: Option<FieldPath>,
    },
}

/// Where a [`Pagination`] comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaginationOrigin {
    /// A document extension, by name (`x-speakeasy-pagination`, `x-pagination`, `x-codegen`).
    Declared(String),
    /// Inferred from parameter and field names (see `lower/pagination/infer.rs`).
    Inferred,
}

impl PageStyle {
    /// The style's name, as warnings and `cargo xtask diff` say it.
    pub fn kind(&self) -> &'static str {
        match self {
            PageStyle::BodyLink { .. } => "next link in the body",
            PageStyle::LinkHeader => "next link in the `Link` header",
            PageStyle::Cursor { .. } => "cursor",
            PageStyle::ItemId { .. } => "last item id",
            PageStyle::OffsetLimit { .. } => "offset and limit",
            PageStyle::PageNumber { .. } => "page number",
        }
    }

    /// Every parameter the style writes or reads, by index.
    pub fn parameters(&self) -> Vec<usize> {
        match self {
            PageStyle::BodyLink { cursor, .. } => cursor.iter().copied().collect(),
            PageStyle::LinkHeader => Vec::new(),
            PageStyle::Cursor { param, .. } | PageStyle::ItemId { param, .. } => vec![*param],
            PageStyle::OffsetLimit { offset, limit } => std::iter::once(*offset).chain(*limit).collect(),
            PageStyle::PageNumber { page, size, .. } => std::iter::once(*page).chain(*size).collect(),
        }
    }

    /// Every field path the style reads (for renumbering types).
    pub fn paths_mut(&mut self) -> Vec<&mut FieldPath> {
        match self {
            PageStyle::BodyLink { link, .. } => vec![link],
            PageStyle::LinkHeader | PageStyle::OffsetLimit { .. } => Vec::new(),
            PageStyle::Cursor { next, more, .. } => std::iter::once(next).chain(more.as_mut()).collect(),
            PageStyle::ItemId { more, .. } => more.iter_mut().collect(),
            PageStyle::PageNumber { total_pages, next_page, .. } => {
                total_pages.iter_mut().chain(next_page.iter_mut()).collect()
            }
        }
    }
}

/// The wire names of a field path, joined by `.` (`meta.next_page`).
pub fn path_text(types: &[TypeDef], path: &FieldPath) -> String {
    let names: Vec<&str> = path
        .iter()
        .filter_map(|(holder, index)| match &types.get(holder.0)?.kind {
            TypeKind::Struct(s) => s.fields.get(*index).map(|f| f.name.as_str()),
            _ => None,
        })
        .collect();
    names.join(".")
}

/// What a paginated operation's `stream()` relies on, in wire terms: the style, its parameters and
/// the fields it reads. Two versions that differ here page differently.
pub fn pagination_signature(types: &[TypeDef], op: &Operation) -> Option<String> {
    let p = op.pagination.as_ref()?;
    let param = |i: usize| op.parameters.get(i).map_or("?", |p| p.name.as_str()).to_owned();
    let mut parts = vec![p.style.kind().to_owned()];
    parts.extend(p.style.parameters().into_iter().map(|i| format!("parameter `{}`", param(i))));
    let mut style = p.style.clone();
    for path in style.paths_mut() {
        parts.push(format!("field `{}`", path_text(types, path)));
    }
    if let PageStyle::ItemId { id, .. } = &p.style {
        parts.push(format!("item field `{}`", path_text(types, &vec![*id])));
    }
    if !p.items.is_empty() {
        parts.push(format!("items `{}`", path_text(types, &p.items)));
    }
    Some(parts.join(", "))
}
