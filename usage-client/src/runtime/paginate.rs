//! Paging through `_links.next`: a stream of pages, and a stream of the items in them.
//!
//! The first page is the operation's request as built; every later page is a GET of the previous
//! page's `next` link exactly as the server wrote it (its cursor is never decoded and re-encoded).
//! Paging stops when a page has no `next` link; a `next` link seen before is an
//! [`Error::Pagination`] rather than a loop. One page is held at a time.

use std::collections::HashSet;
use std::future::Future;

use futures_util::stream::{self, StreamExt, TryStreamExt};

use super::{Error, ResponseValue, Stream};

/// The pages of a paginated operation. `fetch(builder, next)` sends the first request when
/// `next` is `None` and follows the link otherwise; `next_link` reads a page's `next` link.
pub fn pages<'a, B, P, E, F, Fut>(
    builder: B,
    fetch: F,
    next_link: fn(&P) -> Option<&str>,
) -> impl Stream<Item = Result<ResponseValue<P>, Error<E>>> + Unpin + Send + 'a
where
    B: Clone + Send + 'a,
    F: Fn(B, Option<String>) -> Fut + Clone + Send + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error<E>>> + Send + 'a,
    P: Send + 'a,
    E: Send + 'a,
{
    struct State<B> {
        builder: B,
        /// `None` once the last page is in; `Some(None)` before the first.
        next: Option<Option<String>>,
        seen: HashSet<String>,
    }
    let state = State { builder, next: Some(None), seen: HashSet::new() };
    stream::try_unfold(state, move |mut state| {
        let fetch = fetch.clone();
        async move {
            let Some(link) = state.next.take() else { return Ok(None) };
            let page = fetch(state.builder.clone(), link).await?;
            if let Some(href) = next_link(&page) {
                if !state.seen.insert(href.to_owned()) {
                    return Err(Error::Pagination(format!(
                        "the server sent the next link `{href}` a second time; stopping rather than looping"
                    )));
                }
                state.next = Some(Some(href.to_owned()));
            }
            Ok(Some((page, state)))
        }
    })
    .boxed()
}

/// The items of every page, in order: `take` moves them out of each page.
pub fn items<'a, P, T, E>(
    pages: impl Stream<Item = Result<ResponseValue<P>, Error<E>>> + Send + 'a,
    take: fn(P) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + Send + 'a
where
    P: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    pages.map_ok(move |page| stream::iter(take(page.into_inner()).into_iter().map(Ok))).try_flatten().boxed()
}
