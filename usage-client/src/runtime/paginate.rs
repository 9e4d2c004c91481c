//! Paging: a stream of pages, and a stream of the items in them.
//!
//! The first page is the operation's request as built. What follows a page is the generated
//! code's to say ([`Turn`]): nothing, a link to GET (a body's `next` link or the `Link` header's
//! `rel="next"`, exactly as the server wrote it: its cursor is never decoded and re-encoded), or
//! the builder again with its position set (a cursor, the last item's id, an offset, a page
//! number). A link to a page already fetched, a position given twice, or a page that repeats the
//! one before is an [`Error::Pagination`] rather than a loop. One page is held at a time.

use std::collections::HashSet;
use std::fmt::{self, Debug, Write as _};
use std::future::Future;
use std::hash::{DefaultHasher, Hasher};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_util::stream::{self, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::Url;

use super::{Error, ResponseValue, Stream};

/// What follows a page: see [`paginate`].
#[derive(Debug)]
pub enum Turn<B> {
    /// The page was the last.
    End,
    /// GET this link next, resolved against the page's URL.
    Link(String),
    /// Send this builder next; the text names its position, which may not come twice.
    Next(B, String),
    /// Stop with [`Error::Pagination`] and this message.
    Fail(String),
}

/// The pages of a paginated operation that follows `next` links in its bodies: [`paginate`] with
/// `next_link` reading a page's link.
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
    paginate(builder, fetch, move |_: &B, page: &ResponseValue<P>| match next_link(page) {
        Some(href) => Turn::Link(href.to_owned()),
        None => Turn::End,
    })
}

/// The pages of a paginated operation. `fetch(builder, link)` sends `builder`'s request when
/// `link` is `None` and GETs the link otherwise, and returns the page with the URL it came from;
/// `turn(builder, page)` says what follows the page `builder` fetched.
///
/// A link is resolved against the URL of its page and compared with every URL fetched so far (the
/// first request's included), a position with every position so far: a repeat ends the stream
/// with [`Error::Pagination`] after the page that holds it, before anything is fetched twice.
/// Pages are fetched when the stream is polled for them, so `.take(n)` fetches at most `n`.
pub fn paginate<'a, B, P, E, F, Fut, T>(
    builder: B,
    fetch: F,
    turn: T,
) -> impl Stream<Item = Result<ResponseValue<P>, Error<E>>> + Unpin + Send + 'a
where
    B: Clone + Send + 'a,
    F: Fn(B, Option<String>) -> Fut + Clone + Send + 'a,
    Fut: Future<Output = Result<(ResponseValue<P>, Url), Error<E>>> + Send + 'a,
    P: Send + 'a,
    E: Send + 'a,
    T: Fn(&B, &ResponseValue<P>) -> Turn<B> + Send + 'a,
{
    enum Next<E> {
        First,
        Link(Url),
        Builder,
        Fail(Error<E>),
        Done,
    }
    struct State<B, E, T> {
        /// The builder of the page to fetch (its position set), or of the last one fetched.
        builder: B,
        next: Next<E>,
        seen: HashSet<String>,
        turn: T,
    }
    let state = State { builder, next: Next::First, seen: HashSet::new(), turn };
    stream::try_unfold(state, move |mut state| {
        let fetch = fetch.clone();
        async move {
            let link = match std::mem::replace(&mut state.next, Next::Done) {
                Next::Done => return Ok(None),
                Next::Fail(error) => return Err(error),
                Next::First | Next::Builder => None,
                Next::Link(url) => Some(url.to_string()),
            };
            let (page, url) = fetch(state.builder.clone(), link).await?;
            state.seen.insert(url.to_string());
            state.next = match (state.turn)(&state.builder, &page) {
                Turn::End => Next::Done,
                Turn::Fail(message) => Next::Fail(Error::Pagination(message)),
                Turn::Link(href) => match url.join(&href) {
                    Ok(next) if state.seen.contains(next.as_str()) => Next::Fail(Error::Pagination(format!(
                        "the next link `{href}` leads to a page already fetched; stopping rather than looping"
                    ))),
                    Ok(next) => Next::Link(next),
                    Err(e) => Next::Fail(Error::Pagination(format!("the next link `{href}` is not a URL: {e}"))),
                },
                Turn::Next(builder, position) => match state.seen.insert(position.clone()) {
                    true => {
                        state.builder = builder;
                        Next::Builder
                    }
                    false => {
                        Next::Fail(Error::Pagination(format!("{position} came twice; stopping rather than looping")))
                    }
                },
            };
            Ok(Some((page, state)))
        }
    })
    .boxed()
}

/// A value that names a position: sent as a parameter, read from a response.
pub trait Position: Sized {
    /// The value as text, as it names the position.
    fn position_text(&self) -> String;
    /// The value of a position read as text (a cursor field feeding another parameter type).
    fn from_position(text: &str) -> Option<Self>;
}

impl Position for String {
    fn position_text(&self) -> String {
        self.clone()
    }
    fn from_position(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

macro_rules! position_by_parse {
    ($($t:ty),*) => {$(
        impl Position for $t {
            fn position_text(&self) -> String {
                self.to_string()
            }
            fn from_position(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    )*};
}
position_by_parse!(i32, i64, uuid::Uuid);

/// What follows a page whose next position is `next` (a cursor field, the last item's id), set on
/// a copy of `builder` by `set`: the end when there is none, it is empty, or `more` says so.
pub fn cursor_turn<B: Clone, V: Position, P: Position>(
    builder: &B,
    next: Option<&V>,
    more: Option<bool>,
    set: fn(&mut B, P),
) -> Turn<B> {
    let Some(next) = next.filter(|_| more != Some(false)) else { return Turn::End };
    let text = next.position_text();
    if text.is_empty() {
        return Turn::End;
    }
    match P::from_position(&text) {
        Some(value) => {
            let mut builder = builder.clone();
            set(&mut builder, value);
            Turn::Next(builder, format!("the position `{text}`"))
        }
        None => Turn::Fail(format!("the next position `{text}` does not fit the parameter that takes it")),
    }
}

/// What follows a page of `count` items fetched at `offset` (`None`: the server's first): the
/// offset after them, or the end on an empty page. `fingerprint` (of the items) names the page,
/// so a server that ignores the offset is stopped by its repeated page.
pub fn offset_turn<B: Clone, N: Copy + Into<i64> + TryFrom<i64>>(
    builder: &B,
    offset: Option<N>,
    count: usize,
    fingerprint: u64,
    set: fn(&mut B, N),
) -> Turn<B> {
    if count == 0 {
        return Turn::End;
    }
    let start = offset.map_or(0, Into::into);
    let next = i64::try_from(count).ok().and_then(|count| start.checked_add(count)).and_then(|n| N::try_from(n).ok());
    match next {
        Some(next) => {
            let mut builder = builder.clone();
            set(&mut builder, next);
            Turn::Next(builder, format!("a page with the same items ({fingerprint:016x})"))
        }
        None => Turn::Fail(format!("the offset after {start} does not fit its parameter")),
    }
}

/// Where a page-number page stands: see [`page_turn`].
#[derive(Clone, Copy, Debug)]
pub struct PageAt<N> {
    /// The page number sent (`None`: the server's first, `first`).
    pub page: Option<N>,
    /// The number of the first page.
    pub first: i64,
    /// The number of pages, when the body says.
    pub total_pages: Option<i64>,
    /// The body's next page number, when it has the field (`Some(None)`: there is none).
    pub next_page: Option<Option<N>>,
}

/// What follows a page `at` of `count` items: the end on an empty page or at the last of
/// `total_pages`; else the body's `next_page` when it has the field (`Some(None)`: the end), or
/// the page after. `fingerprint` (of the items) names the page when the body gives no next number.
pub fn page_turn<B: Clone, N: Copy + Into<i64> + TryFrom<i64>>(
    builder: &B,
    at: PageAt<N>,
    count: usize,
    fingerprint: u64,
    set: fn(&mut B, N),
) -> Turn<B> {
    let PageAt { page, first, total_pages, next_page } = at;
    let current = page.map_or(first, Into::into);
    if count == 0 || total_pages.is_some_and(|total| current.saturating_sub(first) + 1 >= total) {
        return Turn::End;
    }
    let (next, position) = match next_page {
        Some(None) => return Turn::End,
        Some(Some(next)) => (Some(next), format!("the page number {}", next.into())),
        None => (
            current.checked_add(1).and_then(|n| N::try_from(n).ok()),
            format!("a page with the same items ({fingerprint:016x})"),
        ),
    };
    match next {
        Some(next) => {
            let mut builder = builder.clone();
            set(&mut builder, next);
            Turn::Next(builder, position)
        }
        None => Turn::Fail(format!("the page after {current} does not fit its parameter")),
    }
}

/// What follows a page whose `Link` header (RFC 8288) may have a `rel="next"` link.
pub fn link_header_turn<B>(headers: &HeaderMap) -> Turn<B> {
    match next_in_link_header(headers) {
        Some(link) => Turn::Link(link),
        None => Turn::End,
    }
}

/// The target of the `rel="next"` link among a response's `Link` headers.
pub fn next_in_link_header(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            let Some(close) = rest[open..].find('>').map(|c| open + c) else { break };
            let target = &rest[open + 1..close];
            // The link's parameters run to the next `<` (a URI cannot hold one unescaped).
            let params_end = rest[close..].find('<').map_or(rest.len(), |n| close + n);
            let params = &rest[close + 1..params_end];
            let next = params.split(';').any(|param| {
                let Some((name, value)) = param.split_once('=') else { return false };
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_end_matches(',')
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if next {
                return Some(target.to_owned());
            }
            rest = &rest[params_end..];
        }
    }
    None
}

/// A hash of `value`'s `Debug` text, written into the hasher without building the text: two pages
/// with the same items have the same fingerprint.
pub fn fingerprint(value: &impl Debug) -> u64 {
    struct Writer(DefaultHasher);
    impl fmt::Write for Writer {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut writer = Writer(DefaultHasher::new());
    // Writing into a hasher cannot fail; a `Debug` impl that fails leaves a partial hash.
    let _ = write!(writer, "{value:?}");
    writer.0.finish()
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, LINK};

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(LINK, HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    #[test]
    fn the_next_link_is_found_among_others_and_across_headers() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (
                &[r#"<https://a.test/x?page=2>; rel="next", <https://a.test/x?page=9>; rel="last""#],
                Some("https://a.test/x?page=2"),
            ),
            (
                &[r#"<https://a.test/x?page=1>; rel="prev first", <https://a.test/x?page=3>; rel=next"#],
                Some("https://a.test/x?page=3"),
            ),
            (
                &[r#"<https://a.test/x?page=1>; rel="first""#, r#"</x?page=4>; title="n, m"; REL="Next""#],
                Some("/x?page=4"),
            ),
            (&[r#"<https://a.test/x?page=1>; rel="first", <https://a.test/x?page=9>; rel="last""#], None),
            (&["garbage", "<unclosed; rel=next"], None),
            (&[], None),
        ];
        for (values, expected) in cases {
            assert_eq!(next_in_link_header(&headers(values)).as_deref(), *expected, "{values:?}");
        }
    }

    #[test]
    fn turns_end_advance_and_refuse() {
        let set_text: fn(&mut Option<String>, String) = |b, v| *b = Some(v);
        assert!(
            matches!(cursor_turn(&None, Some(&"c".to_owned()), None, set_text), Turn::Next(Some(c), _) if c == "c")
        );
        assert!(matches!(cursor_turn(&None, Some(&String::new()), None, set_text), Turn::End));
        assert!(matches!(cursor_turn(&None, Some(&"c".to_owned()), Some(false), set_text), Turn::End));
        assert!(matches!(cursor_turn::<_, String, String>(&None, None, Some(true), set_text), Turn::End));
        let set_number: fn(&mut Option<i32>, i32) = |b, v| *b = Some(v);
        assert!(matches!(cursor_turn(&None, Some(&"x".to_owned()), None, set_number), Turn::Fail(_)));
        assert!(matches!(offset_turn(&None, Some(10), 5, 0, set_number), Turn::Next(Some(15), _)));
        assert!(matches!(offset_turn(&None, None::<i32>, 0, 0, set_number), Turn::End));
        assert!(matches!(offset_turn(&None, Some(i32::MAX), 1, 0, set_number), Turn::Fail(_)));
        let at = |page, total_pages, next_page| PageAt { page, first: 1, total_pages, next_page };
        assert!(matches!(page_turn(&None, at(None, None, None), 3, 0, set_number), Turn::Next(Some(2), _)));
        assert!(matches!(page_turn(&None, at(Some(3), Some(3), None), 3, 0, set_number), Turn::End));
        assert!(matches!(page_turn(&None, at(Some(2), Some(3), None), 3, 0, set_number), Turn::Next(Some(3), _)));
        assert!(matches!(page_turn(&None, at(Some(2), None, Some(None)), 3, 0, set_number), Turn::End));
        assert!(matches!(page_turn(&None, at(Some(2), None, Some(Some(7))), 3, 0, set_number), Turn::Next(Some(7), _)));
        assert!(matches!(page_turn(&None, at(Some(2), None, None), 0, 0, set_number), Turn::End));
    }

    #[test]
    fn fingerprints_are_stable_and_tell_pages_apart() {
        assert_eq!(fingerprint(&vec!["a", "b"]), fingerprint(&vec!["a", "b"]));
        assert_ne!(fingerprint(&vec!["a", "b"]), fingerprint(&vec!["a", "c"]));
    }
}
