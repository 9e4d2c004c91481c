//! The paging methods of a paginated operation's builder: `send`, `pages`, `stream` and
//! `fetch_page` (which both `send` and `pages` use). A body link is followed by the runtime's
//! `pages`; every other style gives the runtime's `paginate` a `turn` closure that reads a page
//! and says what follows it (`runtime::Turn`).

use proc_macro2::TokenStream;
use quote::quote;

use super::cx::{ident, internal};
use super::docs::{code, doc};
use super::request::Request;
use crate::error::Error;
use crate::model::*;

/// What `send` already built, which the paging methods share.
pub(super) struct Sent {
    /// Everything up to `let response = …`.
    pub prelude: TokenStream,
    /// `Result<ResponseValue<Ok>, Error<Err>>`.
    pub result: TokenStream,
    pub ok_ty: TokenStream,
    pub err_ty: TokenStream,
    /// The match arms on the status.
    pub arms: Vec<TokenStream>,
}

pub(super) fn methods(
    request: &Request,
    runtime: &syn::Path,
    pagination: &Pagination,
    sent: Sent,
) -> Result<TokenStream, Error> {
    let Sent { prelude, result, ok_ty, err_ty, arms } = sent;
    let cx = request.cx;
    let docs = doc(&format!("Sends the request: {}.", request.endpoint()));
    let (item_ty, take_items) = items(request, pagination)?;
    // Where a page keeps its items: a field, or the page itself when the body is the list.
    let items_at = match pagination.items.is_empty() {
        true => String::new(),
        false => format!(" (`{}`)", path_text(&cx.api.types, &pagination.items)),
    };
    let (pages_docs, pages_call) = match &pagination.style {
        PageStyle::BodyLink { link, .. } => {
            let (page, _) = *link.first().ok_or_else(|| internal("an empty link path"))?;
            let page_ty = ident(&cx.names.types[page.0]);
            let link = body_link(request, link)?;
            let shown = path_text(
                &cx.api.types,
                &match &pagination.style {
                    PageStyle::BodyLink { link, .. } => link.clone(),
                    _ => Vec::new(),
                },
            );
            let shown = shown.strip_suffix(".href").unwrap_or(&shown).to_owned();
            let docs = doc(&format!(
                "Every page, from the one this builder describes to the last, following each page's \
                 `{shown}` link as the server wrote it. Each page is fetched when the stream is \
                 polled for it, with the client's retries; a `next` link seen twice ends the stream \
                 with [`Error::Pagination`](runtime::Error::Pagination)."
            ));
            (docs, quote!(#runtime::pages(self, Self::fetch_page, |page: &types::#page_ty| #link)))
        }
        style => {
            let turn = turn(request, runtime, pagination, style, &ok_ty)?;
            let docs = doc(&format!(
                "Every page, from the one this builder describes to the last, {}. Each page is a \
                 request of its own, fetched when the stream is polled for it (`.take(n)` fetches at \
                 most `n`), with the client's retries and pacing; a position given twice, or a page \
                 that repeats the one before, ends the stream with [`Error::Pagination`](runtime::Error::Pagination).",
                how(request, pagination),
            ));
            (docs, quote!(#runtime::paginate(self, Self::fetch_page, #turn)))
        }
    };
    let stream_docs = doc(&format!(
        "Every item{items_at} of every page, in order; see [`{}::pages`](Self::pages). \
         One page is held in memory at a time.",
        request.names.builder
    ));
    let fetch_docs = doc("Fetches the first page (`next` is `None`) or the page a `next` link names, with the URL \
         it came from.");
    Ok(quote! {
        #docs
        pub async fn send(self) -> #result {
            self.fetch_page(None).await.map(|(page, _)| page)
        }

        #pages_docs
        pub fn pages(self) -> impl #runtime::Stream<Item = #result> + Unpin + Send + 'a {
            #pages_call
        }

        #stream_docs
        pub fn stream(self) -> impl #runtime::Stream<Item = Result<#item_ty, #runtime::Error<#err_ty>>> + Unpin + Send + 'a {
            #runtime::items(self.pages(), |page: #ok_ty| #take_items)
        }

        #fetch_docs
        async fn fetch_page(
            self,
            next: Option<String>,
        ) -> Result<(#runtime::ResponseValue<#ok_ty>, reqwest::Url), #runtime::Error<#err_ty>> {
            #prelude
            let url = response.url().clone();
            let page = match response.status().as_u16() {
                #(#arms)*
            };
            page.map(|page| (page, url))
        }
    })
}

/// The item type and the expression that moves the items out of an owned `page`.
fn items(request: &Request, pagination: &Pagination) -> Result<(TokenStream, TokenStream), Error> {
    let cx = request.cx;
    let array = match pagination.items.last() {
        None => super::request::success(request.op)
            .and_then(|c| c.ty.as_ref())
            .ok_or_else(|| internal("a page without a body"))?,
        Some(step) => &field(cx, *step)?.ty,
    };
    let item = match cx.resolved(array) {
        TypeRef::Array(item) => item,
        TypeRef::Nullable(inner) => match cx.resolved(inner) {
            TypeRef::Array(item) => item,
            _ => return Err(internal("page items that are not an array")),
        },
        _ => return Err(internal("page items that are not an array")),
    };
    let item_ty = cx.rust_type(item, &quote!(types::));
    // Each step moves a field out; an optional one makes the rest an `Option`.
    let mut take = quote!(page);
    let mut optional = false;
    for &step in &pagination.items {
        let f = field(cx, step)?;
        let name = member(request, step);
        take = match (optional, present(f)) {
            (false, _) => quote!(#take.#name),
            (true, true) => quote!(#take.map(|value| value.#name)),
            (true, false) => quote!(#take.and_then(|value| value.#name)),
        };
        optional |= !present(f);
    }
    if optional {
        take = quote!(#take.unwrap_or_default());
    }
    Ok((item_ty, take))
}

/// The legacy link expression: an `Option<&str>` from `page` to the link's text.
fn body_link(request: &Request, link: &FieldPath) -> Result<TokenStream, Error> {
    let mut expr = quote!(page);
    let last = link.len().saturating_sub(1);
    for (step, &(holder, index)) in link.iter().enumerate() {
        let field = field(request.cx, (holder, index))?;
        let name = member(request, (holder, index));
        let present = present(field);
        if step == 0 {
            expr = if present { quote!(Some(&page.#name)) } else { quote!(page.#name.as_ref()) };
            if step == last {
                expr = if present { quote!(Some(page.#name.as_str())) } else { quote!(page.#name.as_deref()) };
            }
            continue;
        }
        expr = match (step == last, present) {
            (false, true) => quote!(#expr.map(|value| &value.#name)),
            (false, false) => quote!(#expr.and_then(|value| value.#name.as_ref())),
            (true, true) => quote!(#expr.map(|value| value.#name.as_str())),
            (true, false) => quote!(#expr.and_then(|value| value.#name.as_deref())),
        };
    }
    Ok(expr)
}

/// An `Option<&T>` of the field at `path` from `start` (a reference to a struct).
fn borrowed(request: &Request, start: TokenStream, path: &FieldPath) -> Result<TokenStream, Error> {
    let mut expr = TokenStream::new();
    for (step, &at) in path.iter().enumerate() {
        let present = present(field(request.cx, at)?);
        let name = member(request, at);
        expr = match (step == 0, present) {
            (true, true) => quote!(Some(&#start.#name)),
            (true, false) => quote!(#start.#name.as_ref()),
            (false, true) => quote!(#expr.map(|value| &value.#name)),
            (false, false) => quote!(#expr.and_then(|value| value.#name.as_ref())),
        };
    }
    Ok(expr)
}

/// The `turn` closure of a style other than a body link.
fn turn(
    request: &Request,
    runtime: &syn::Path,
    pagination: &Pagination,
    style: &PageStyle,
    ok_ty: &TokenStream,
) -> Result<TokenStream, Error> {
    let cx = request.cx;
    let op = request.op;
    let body_items = pagination.items.is_empty();
    // `items`: the page's items array (`&Vec<T>`, or `Option<&Vec<T>>` inside a body).
    let items = match body_items {
        true => quote!(let items = page;),
        false => {
            let path = borrowed(request, quote!(page), &pagination.items)?;
            quote!(let items = #path;)
        }
    };
    let count = if body_items { quote!(items.len()) } else { quote!(items.map_or(0, Vec::len)) };
    let set = |index: usize| {
        let p = &op.parameters[index];
        let field = request.param_ident(index);
        let ty = request.param_type(p);
        let value = if p.may_be_absent() { quote!(Some(value)) } else { quote!(value) };
        (quote!(|builder: &mut Self, value: #ty| builder.#field = #value), field, p.may_be_absent())
    };
    let current = |index: usize| {
        let (_, field, optional) = set(index);
        if optional {
            quote!(builder.#field)
        } else {
            quote!(Some(builder.#field))
        }
    };
    let flag = |more: &Option<FieldPath>| -> Result<TokenStream, Error> {
        Ok(match more {
            Some(path) => {
                let path = borrowed(request, quote!(page), path)?;
                quote!(#path.copied())
            }
            None => quote!(None),
        })
    };
    let body = match style {
        PageStyle::BodyLink { .. } => return Err(internal("a body link has no turn")),
        PageStyle::LinkHeader => {
            return Ok(
                quote!(|_: &Self, page: &#runtime::ResponseValue<#ok_ty>| #runtime::link_header_turn(page.headers())),
            )
        }
        PageStyle::Cursor { param, next, more } => {
            let next = borrowed(request, quote!(page), next)?;
            let (set, ..) = set(*param);
            let more = flag(more)?;
            quote!(#runtime::cursor_turn(builder, #next, #more, #set))
        }
        PageStyle::ItemId { param, id, more } => {
            let last = if body_items { quote!(items.last()) } else { quote!(items.and_then(|items| items.last())) };
            let name = member(request, *id);
            let next = match present(field(cx, *id)?) {
                true => quote!(#last.map(|item| &item.#name)),
                false => quote!(#last.and_then(|item| item.#name.as_ref())),
            };
            let (set, ..) = set(*param);
            let more = flag(more)?;
            quote! {
                #items
                #runtime::cursor_turn(builder, #next, #more, #set)
            }
        }
        PageStyle::OffsetLimit { offset, .. } => {
            let (set, ..) = set(*offset);
            let current = current(*offset);
            quote! {
                #items
                #runtime::offset_turn(builder, #current, #count, #runtime::fingerprint(&items), #set)
            }
        }
        PageStyle::PageNumber { page, first, total_pages, next_page, .. } => {
            let (set, ..) = set(*page);
            let current = current(*page);
            let magnitude = proc_macro2::Literal::u64_unsuffixed(first.unsigned_abs());
            let first = if *first < 0 { quote!(-#magnitude) } else { quote!(#magnitude) };
            let total = match total_pages {
                Some(path) => {
                    let wide = primitive(cx, &field(cx, *path.last().ok_or_else(|| internal("empty path"))?)?.ty)
                        == Some(Primitive::I64);
                    let path = borrowed(request, quote!(page), path)?;
                    match wide {
                        true => quote!(#path.copied()),
                        false => quote!(#path.map(|n| i64::from(*n))),
                    }
                }
                None => quote!(None::<i64>),
            };
            let next = match next_page {
                Some(path) => {
                    let same = primitive(cx, &field(cx, *path.last().ok_or_else(|| internal("empty path"))?)?.ty)
                        == primitive(cx, &op.parameters[*page].ty);
                    let path = borrowed(request, quote!(page), path)?;
                    let ty = request.param_type(&op.parameters[*page]);
                    match same {
                        true => quote!(Some(#path.copied())),
                        false => quote!(Some(#path.and_then(|n| <#ty>::try_from(*n).ok()))),
                    }
                }
                None => quote!(None),
            };
            quote! {
                #items
                let at = #runtime::PageAt { page: #current, first: #first, total_pages: #total, next_page: #next };
                #runtime::page_turn(builder, at, #count, #runtime::fingerprint(&items), #set)
            }
        }
    };
    Ok(quote! {
        |builder: &Self, page: &#runtime::ResponseValue<#ok_ty>| {
            let page: &#ok_ty = page;
            #body
        }
    })
}

/// How the pages follow one another, for `pages`' rustdoc.
fn how(request: &Request, pagination: &Pagination) -> String {
    let types = &request.cx.api.types;
    let param = |i: usize| code(&request.op.parameters[i].name);
    let field = |path: &FieldPath| code(&path_text(types, path));
    let more =
        |more: &Option<FieldPath>| more.as_ref().map(|m| format!(", or {} is false", field(m))).unwrap_or_default();
    let size = |size: &Option<usize>| size.map(|s| format!("; {} sets the page size", param(s))).unwrap_or_default();
    match &pagination.style {
        PageStyle::BodyLink { link, .. } => format!("following each page's {} link", field(link)),
        PageStyle::LinkHeader => {
            "following each response's `Link: <…>; rel=\"next\"` header as the server wrote it".to_owned()
        }
        PageStyle::Cursor { param: p, next, more: m } => {
            format!("sending each page's {} back as {}, until it is absent or empty{}", field(next), param(*p), more(m))
        }
        PageStyle::ItemId { param: p, id, more: m } => format!(
            "sending the {} of each page's last item as {}, until a page is empty{}",
            field(&vec![*id]),
            param(*p),
            more(m)
        ),
        PageStyle::OffsetLimit { offset, limit } => format!(
            "advancing {} by the number of items received, until a page is empty{}",
            param(*offset),
            size(limit)
        ),
        PageStyle::PageNumber { page, size: s, first, total_pages, next_page } => format!(
            "counting {} up from {first}, until a page is empty{}{}{}",
            param(*page),
            total_pages.as_ref().map(|t| format!(", the last of {}", field(t))).unwrap_or_default(),
            next_page.as_ref().map(|n| format!(", or {} is absent", field(n))).unwrap_or_default(),
            size(s)
        ),
    }
}

fn field<'c>(cx: &'c super::Cx, (holder, index): (TypeId, usize)) -> Result<&'c Field, Error> {
    match &cx.api.type_def(holder).kind {
        TypeKind::Struct(s) => s.fields.get(index).ok_or_else(|| internal("a pagination field out of range")),
        _ => Err(internal("a pagination path through a non-struct")),
    }
}

fn member(request: &Request, (holder, index): (TypeId, usize)) -> proc_macro2::Ident {
    ident(&request.cx.names.members[holder.0][index])
}

/// Whether a field is always there (required and not nullable): a plain field, not an `Option`.
fn present(field: &Field) -> bool {
    field.required && !matches!(field.ty, TypeRef::Nullable(_))
}

fn primitive(cx: &super::Cx<'_>, ty: &TypeRef) -> Option<Primitive> {
    match cx.resolved(ty) {
        TypeRef::Primitive(p) => Some(*p),
        TypeRef::Nullable(inner) => primitive(cx, inner),
        _ => None,
    }
}
