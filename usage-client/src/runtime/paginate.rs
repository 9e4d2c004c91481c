//! Paging through `_links.next`: a stream of pages, and a stream of the items in them.
//!
//! The first page is the operation's request as built; every later page is a GET of the previous
//! page's `next` link exactly as the server wrote it (its cursor is never decoded and re-encoded).
//! Paging stops when a page has no `next` link; a link to a page already fetched is an
//! [`Error::Pagination`] rather than a loop. One page is held at a time.

use std::collections::HashSet;
use std::future::Future;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use reqwest::Url;

use super::{Error, ResponseValue, Stream};

/// The pages of a paginated operation. `fetch(builder, next)` sends the first request when
/// `next` is `None` and follows the link otherwise, and returns the page with the URL it came
/// from; `next_link` reads a page's `next` link.
///
/// A `next` link is resolved against the URL of its page and compared with every URL fetched so
/// far (the first request's included): a repeat ends the stream with [`Error::Pagination`] after
/// the page that holds it, before anything is fetched twice.
pub fn pages<'a, B, P, E, F, Fut>(
    builder: B,
    fetch: F,
    next_link: fn(&P) -> Option<&str>,
) -> impl Stream<Item = Result<ResponseValue<P>, Error<E>>> + Unpin + Send + 'a
where
    B: Clone + Send + 'a,
    F: Fn(B, Option<String>) -> Fut + Clone + Send + 'a,
    Fut: Future<Output = Result<(ResponseValue<P>, Url), Error<E>>> + Send + 'a,
    P: Send + 'a,
    E: Send + 'a,
{
    enum Next<E> {
        First,
        Link(Url),
        Fail(Error<E>),
        Done,
    }
    struct State<B, E> {
        builder: B,
        next: Next<E>,
        fetched: HashSet<String>,
    }
    let state = State { builder, next: Next::First, fetched: HashSet::new() };
    stream::try_unfold(state, move |mut state| {
        let fetch = fetch.clone();
        async move {
            let link = match std::mem::replace(&mut state.next, Next::Done) {
                Next::Done => return Ok(None),
                Next::Fail(error) => return Err(error),
                Next::First => None,
                Next::Link(url) => Some(url.to_string()),
            };
            let (page, url) = fetch(state.builder.clone(), link).await?;
            state.fetched.insert(url.to_string());
            if let Some(href) = next_link(&page) {
                state.next = match url.join(href) {
                    Ok(next) if state.fetched.contains(next.as_str()) => Next::Fail(Error::Pagination(format!(
                        "the next link `{href}` leads to a page already fetched; stopping rather than looping"
                    ))),
                    Ok(next) => Next::Link(next),
                    Err(e) => Next::Fail(Error::Pagination(format!("the next link `{href}` is not a URL: {e}"))),
                };
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
