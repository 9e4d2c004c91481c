//! Paging through `_links.next`: a stream of pages, and a stream of the items in them.
//!
//! The first page is the operation's request as built; every later page is a GET of the previous
//! page's `next` link exactly as the server wrote it (its cursor is never decoded and re-encoded).
//! Paging stops when a page has no `next` link; a link to a page already fetched is an
//! [`Error::Pagination`] rather than a loop. One page is held at a time.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_util::stream::{self, StreamExt};
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

/// The items of every page, in order: `take` moves them out of each page. The next page is
/// fetched when the items of the one before are all taken.
pub fn items<'a, S, P, T, E>(
    pages: S,
    take: fn(P) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + Send + 'a
where
    S: Stream<Item = Result<ResponseValue<P>, Error<E>>> + Unpin + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    Items { pages, take, current: Vec::new().into_iter() }
}

/// [`items`]' stream, written out: with `try_flatten` over per-page iterators, each item went
/// through three adapters and a boxed stream, about 60 ns an item (see BENCHMARKS.md).
struct Items<S, P, T> {
    pages: S,
    take: fn(P) -> Vec<T>,
    current: std::vec::IntoIter<T>,
}

// No field is pinned: `pages` is `Unpin` and `current` is only moved out of.
impl<S: Unpin, P, T> Unpin for Items<S, P, T> {}

impl<S, P, T, E> Stream for Items<S, P, T>
where
    S: Stream<Item = Result<ResponseValue<P>, Error<E>>> + Unpin,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            // Free the spent page's buffer before the next page is read and decoded.
            this.current = Vec::new().into_iter();
            match ready!(this.pages.poll_next_unpin(cx)) {
                Some(Ok(page)) => this.current = (this.take)(page.into_inner()).into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.current.len(), None)
    }
}
