//! Fake servers for the tests of code that uses a generated client (feature `mock`).
//!
//! Each generated API module has a `mock` module with a `MockServer` (one method per operation,
//! as on its `Client`) and one marker type per operation that says, from the API document, what
//! the operation answers: its path and method, its success type and status, its documented errors
//! and their statuses, the rate-limit headers its responses carry, and how it pages. What is the
//! same for every API lives here: [`MockServer`] (a server on 127.0.0.1, with every request it
//! received), [`Mock`] (what one operation answers, primed with typed values) and
//! [`ReceivedRequest`].
//!
//! A request no primed answer matches gets `404 Not Found` with a problem-details body
//! (`application/problem+json`) that names its method and path.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::Value;
use wiremock::{Mock as Stub, MockServer as Server, Request, ResponseTemplate};

use super::framing::Framing;
use super::rate_limit::RateLimit;

/// A fake server on 127.0.0.1, started by a generated `MockServer::new` (which dereferences to
/// this). It records every request it receives.
pub struct MockServer {
    server: Server,
    uri: String,
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let server = Server::start().await;
        let uri = server.uri();
        // Tried after every primed answer.
        Stub::given(|_: &Request| true)
            .respond_with(|request: &Request| {
                let detail = format!("nothing is primed for {} {}", request.method, request.url.path());
                let body = serde_json::json!({"title": "Not Found", "status": 404, "detail": detail});
                ResponseTemplate::new(404).set_body_raw(body.to_string(), "application/problem+json")
            })
            .with_priority(u8::MAX)
            .named("nothing primed")
            .mount(&server)
            .await;
        MockServer { server, uri }
    }

    /// `http://127.0.0.1:<port>`: the base URL of a client that talks to this server.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Every request received so far, in order.
    pub async fn requests(&self) -> Vec<ReceivedRequest> {
        self.received().await.iter().map(ReceivedRequest::from).collect()
    }

    /// Panics, naming the operation, when a primed answer with [`Mock::expect`] was not requested
    /// as often as expected. Also checked when the server is dropped.
    pub async fn verify(&self) {
        self.server.verify().await;
    }

    /// Forgets every primed answer and every request received.
    pub async fn reset(&self) {
        self.server.reset().await;
    }

    async fn received(&self) -> Vec<Request> {
        // Recording is on for servers started by `Server::start`.
        self.server.received_requests().await.unwrap_or_default()
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("uri", &self.uri).finish_non_exhaustive()
    }
}

/// What the API document says about one operation's requests and answers; implemented by the
/// marker types of the generated `mock` modules.
pub trait Operation {
    /// What a success carries: the body type, `()` when there is none, or the operation's enum of
    /// successes.
    type Success;
    /// The operationId (or method and path), for messages.
    const OPERATION_ID: &'static str;
    /// `GET`, `POST`, …
    const METHOD: &'static str;
    /// The path template relative to the base URL, e.g. `/reports/{id}`.
    const PATH: &'static str;
    /// The documented rate-limit header prefixes, as in `OperationInfo::rate_limits`.
    const RATE_LIMITS: &'static [&'static str];
    /// The response for a success: the documented status, media type and body.
    fn success(value: Self::Success) -> Reply;
}

/// An operation that documents error responses.
pub trait Fails: Operation {
    /// The operation's enum of documented errors.
    type Error;
    /// The response for a documented error: its status, media type and body.
    fn failure(error: Self::Error) -> Reply;
}

/// An operation that pages; its success is the page.
pub trait Paginated: Operation<Success: Serialize> {
    /// The wire names leading from a page to its `next` link's `href` (`_links`, `next`, `href`),
    /// or to its next cursor.
    const NEXT_HREF: &'static [&'static str];
    /// The parameter that carries the position (`cursor`).
    const CURSOR: &'static str;
    /// How the pages follow one another.
    const PAGING: Paging = Paging::BodyLink;
    /// The wire names leading from a page to its items (empty: the page is the array).
    const ITEMS: &'static [&'static str] = &[];
    /// The items' id field, for [`Paging::ItemId`].
    const ID: &'static str = "id";
}

/// How a fake server links the pages it was given ([`Mock::pages`]), by the operation's style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// A link in the body at `NEXT_HREF`: the request's URL with `CURSOR=mock-page-N`.
    BodyLink,
    /// A `Link: <…>; rel="next"` header with the same URL.
    LinkHeader,
    /// `mock-page-N` in the body at `NEXT_HREF`, sent back as `CURSOR`.
    Cursor,
    /// The last item's `ID`, sent back as `CURSOR`.
    ItemId,
    /// `CURSOR` counts the items before the page.
    Offset,
    /// `CURSOR` numbers the pages from `first`.
    PageNumber {
        /// The number of the first page.
        first: i64,
    },
}

/// One response of the fake server.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    status: u16,
    media_type: Option<&'static str>,
    body: Vec<u8>,
}

impl Reply {
    /// A JSON body (any `+json` media type).
    pub fn json(status: u16, media_type: &'static str, value: &impl Serialize) -> Self {
        // The generated types serialize without failing (their maps have string keys).
        let body = serde_json::to_vec(value).unwrap_or_default();
        Reply { status, media_type: Some(media_type), body }
    }

    /// A text or binary body, sent as it is.
    pub fn bytes(status: u16, media_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Reply { status, media_type: Some(media_type), body: body.into() }
    }

    /// A sequence of JSON items framed as `framing` says: a line each for JSON Lines, an RS before
    /// each for JSON text sequences.
    pub fn json_items<T: Serialize>(status: u16, media_type: &'static str, framing: Framing, items: &[T]) -> Self {
        let mut body = Vec::new();
        for item in items {
            if framing == Framing::JsonSeq {
                body.push(0x1e);
            }
            body.extend(serde_json::to_vec(item).unwrap_or_default());
            body.push(b'\n');
        }
        Reply { status, media_type: Some(media_type), body }
    }

    /// Server-sent events, one for each value, its `data` the value as JSON.
    pub fn events<T: Serialize>(status: u16, media_type: &'static str, data: &[T]) -> Self {
        let text: Vec<String> = data.iter().map(|d| serde_json::to_string(d).unwrap_or_default()).collect();
        Reply::text_events(status, media_type, &text)
    }

    /// Server-sent events, one for each text, as its `data` (a line each of a text's lines).
    pub fn text_events(status: u16, media_type: &'static str, data: &[String]) -> Self {
        let mut body = String::new();
        for text in data {
            for line in text.split('\n') {
                body.push_str("data: ");
                body.push_str(line);
                body.push('\n');
            }
            body.push('\n');
        }
        Reply { status, media_type: Some(media_type), body: body.into_bytes() }
    }

    /// No body.
    pub fn empty(status: u16) -> Self {
        Reply { status, media_type: None, body: Vec::new() }
    }

    fn template(&self, headers: &[(String, String)]) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.status);
        if let Some(media_type) = self.media_type {
            template = template.set_body_raw(self.body.clone(), media_type);
        }
        for (name, value) in headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        template
    }
}

/// What one operation answers, primed with typed values: started by a generated `MockServer`'s
/// method of the same name as the `Client`'s. Narrow it down with [`Mock::query_param`], add
/// headers, limit or expect the number of requests, then give the answer ([`Mock::respond`],
/// `fail`, `pages`, [`Mock::reply`]).
///
/// Answers are tried in the order they were primed, so a [`Mock::times`]-limited answer primed
/// first (a `429`, say) is given before the one primed after it.
#[must_use = "a mock answers nothing until `respond`, `fail`, `pages` or `reply` is awaited"]
pub struct Mock<'s, K> {
    server: &'s MockServer,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    times: Option<u64>,
    expect: Option<u64>,
    operation: PhantomData<fn() -> K>,
}

impl<'s, K: Operation> Mock<'s, K> {
    /// For generated code: the mock of operation `K` on `server`.
    #[doc(hidden)]
    pub fn new(server: &'s MockServer) -> Self {
        Mock { server, headers: Vec::new(), query: Vec::new(), times: None, expect: None, operation: PhantomData }
    }

    /// A header on every answer.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The rate-limit headers the operation documents (`{prefix}-Limit`, `-Remaining` and
    /// `-Reset`, the reset in seconds since the epoch), for each bucket it counts against, on
    /// every answer. Nothing for an operation whose responses document none.
    pub fn rate_limit(mut self, state: RateLimit) -> Self {
        for prefix in K::RATE_LIMITS {
            let parts = [
                ("Limit", state.limit.map(|n| n.to_string())),
                ("Remaining", state.remaining.map(|n| n.to_string())),
                ("Reset", state.reset.map(|at| at.timestamp().to_string())),
            ];
            for (part, value) in parts {
                if let Some(value) = value {
                    self.headers.push((format!("{prefix}-{part}"), value));
                }
            }
        }
        self
    }

    /// Answers only requests whose query has `name` with this value (decoded).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Answers at most `n` requests; later ones go to answers primed after this one.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Expects exactly `n` requests to get this answer: [`MockServer::verify`] and dropping the
    /// server panic otherwise.
    pub fn expect(mut self, n: u64) -> Self {
        self.expect = Some(n);
        self
    }

    /// Answers with a success: the documented status and media type, and `value` as the body.
    pub async fn respond(self, value: K::Success) {
        let reply = K::success(value);
        self.reply(reply).await;
    }

    /// Answers with `reply` as it is: for what the document does not describe (a body that does
    /// not decode, an undocumented status).
    pub async fn reply(self, reply: Reply) {
        let headers = self.headers.clone();
        self.mount(move |_: &Request| reply.template(&headers)).await;
    }

    /// The requests received so far that this operation's method and path match, whichever
    /// answer they got.
    pub async fn requests(&self) -> Vec<ReceivedRequest> {
        let template = template(K::PATH);
        let received = self.server.received().await;
        received
            .iter()
            .filter(|request| request.method.as_str() == K::METHOD && path_matches(&template, request.url.path()))
            .map(ReceivedRequest::from)
            .collect()
    }

    async fn mount(self, respond: impl wiremock::Respond + 'static) {
        let template = template(K::PATH);
        let query = self.query;
        let matches = move |request: &Request| {
            request.method.as_str() == K::METHOD
                && path_matches(&template, request.url.path())
                && query.iter().all(|(name, value)| request.url.query_pairs().any(|(n, v)| n == *name && v == *value))
        };
        let mut stub = Stub::given(matches).respond_with(respond).named(K::OPERATION_ID);
        if let Some(n) = self.times {
            stub = stub.up_to_n_times(n);
        }
        if let Some(n) = self.expect {
            stub = stub.expect(n);
        }
        stub.mount(&self.server.server).await;
    }
}

impl<K: Fails> Mock<'_, K> {
    /// Answers with a documented error: its status and media type, and the variant's value as the
    /// body.
    pub async fn fail(self, error: K::Error) {
        let reply = K::failure(error);
        self.reply(reply).await;
    }
}

impl<K: Paginated> Mock<'_, K> {
    /// Answers with `pages` in order, linked the way the operation pages: the request without a
    /// position gets the first page; its link, cursor, last item id, offset or page number leads
    /// to the second, and so on. The last page has no link or cursor; a position after it (an
    /// offset, page number or id past the end) gets a page without items. Requests with other
    /// query parameters keep them in their links, so several sequences (one per
    /// [`Mock::query_param`] value) can be primed side by side.
    pub async fn pages(self, pages: Vec<K::Success>) {
        let pages: Vec<(Reply, Value)> = pages
            .into_iter()
            .map(|page| {
                let value = serde_json::to_value(&page).unwrap_or(Value::Null);
                (K::success(page), value)
            })
            .collect();
        let headers = self.headers.clone();
        let base = self.server.uri.clone();
        let style = Style { paging: K::PAGING, next: K::NEXT_HREF, position: K::CURSOR, items: K::ITEMS, id: K::ID };
        self.mount(move |request: &Request| page_at(&pages, request, &base, &headers, style)).await;
    }
}

/// The position in `mock-page-N` cursors.
const PAGE_PREFIX: &str = "mock-page-";

/// What [`page_at`] needs of a [`Paginated`] operation.
#[derive(Clone, Copy)]
struct Style {
    paging: Paging,
    next: &'static [&'static str],
    position: &'static str,
    items: &'static [&'static str],
    id: &'static str,
}

fn page_at(
    pages: &[(Reply, Value)],
    request: &Request,
    base: &str,
    headers: &[(String, String)],
    style: Style,
) -> ResponseTemplate {
    let position =
        request.url.query_pairs().find(|(name, _)| name == style.position).map(|(_, value)| value.into_owned());
    let Some(index) = index_of(pages, position.as_deref(), style) else { return ResponseTemplate::new(404) };
    let Some((reply, value)) = pages.get(index) else {
        // Past the last page: the first page without its items.
        let Some((reply, value)) = pages.first() else { return ResponseTemplate::new(404) };
        let mut empty = value.clone();
        set_at(&mut empty, style.items, Some(Value::Array(Vec::new())));
        let body = serde_json::to_vec(&empty).unwrap_or_default();
        return Reply { body, ..reply.clone() }.template(headers);
    };
    let mut page = value.clone();
    let mut headers = headers.to_vec();
    let more = index + 1 < pages.len();
    let token = format!("{PAGE_PREFIX}{}", index + 1);
    // The request's own path and query (the server sees `localhost` as its host), on this server.
    let link = || {
        let mut url = request.url.clone();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(n, _)| n != style.position)
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut().clear().extend_pairs(kept).append_pair(style.position, &token);
        format!("{base}{}?{}", url.path(), url.query().unwrap_or_default())
    };
    match style.paging {
        Paging::BodyLink if more => set_at(&mut page, style.next, Some(Value::String(link()))),
        // Without a next page, a HAL link object (`next: {href}`) goes whole.
        Paging::BodyLink => match style.next.split_last() {
            Some((&"href", link)) if !link.is_empty() => set_at(&mut page, link, None),
            _ => set_at(&mut page, style.next, None),
        },
        Paging::Cursor => set_at(&mut page, style.next, more.then(|| Value::String(token.clone()))),
        Paging::LinkHeader if more => headers.push(("Link".to_owned(), format!("<{}>; rel=\"next\"", link()))),
        Paging::LinkHeader | Paging::ItemId | Paging::Offset | Paging::PageNumber { .. } => {}
    }
    let body = serde_json::to_vec(&page).unwrap_or_default();
    Reply { body, ..reply.clone() }.template(&headers)
}

/// Which page a request asks for (`pages.len()`: past the last one); `None` for a position no
/// page has.
fn index_of(pages: &[(Reply, Value)], position: Option<&str>, style: Style) -> Option<usize> {
    let Some(position) = position else { return Some(0) };
    let items = |value: &Value| {
        let at = style.items.iter().try_fold(value, |value, key| value.get(key));
        at.and_then(Value::as_array).map_or(0, Vec::len)
    };
    match style.paging {
        Paging::BodyLink | Paging::LinkHeader | Paging::Cursor => {
            position.strip_prefix(PAGE_PREFIX)?.parse::<usize>().ok().filter(|&i| i < pages.len())
        }
        Paging::ItemId => pages
            .iter()
            .position(|(_, value)| {
                let list = style.items.iter().try_fold(value, |value, key| value.get(key)).and_then(Value::as_array);
                let last = list.and_then(|list| list.last()).and_then(|item| item.get(style.id));
                last.is_some_and(|id| id.as_str().map_or_else(|| id.to_string(), str::to_owned) == position)
            })
            .map(|i| i + 1),
        Paging::Offset => {
            let offset: usize = position.parse().ok()?;
            let mut start = 0;
            for (index, (_, value)) in pages.iter().enumerate() {
                if start == offset {
                    return Some(index);
                }
                start += items(value);
            }
            (offset >= start).then_some(pages.len())
        }
        Paging::PageNumber { first } => {
            let number: i64 = position.parse().ok()?;
            usize::try_from(number.checked_sub(first)?).ok().map(|i| i.min(pages.len()))
        }
    }
}

/// Writes `value` at `path` (`_links`, `next`, `href`), making the objects on the way; `None`
/// removes the last key (`_links.next`). An empty path replaces the page itself.
fn set_at(page: &mut Value, path: &[&str], value: Option<Value>) {
    let Some((last, holders)) = path.split_last() else {
        if let Some(value) = value {
            *page = value;
        }
        return;
    };
    let holder =
        holders.iter().try_fold(page, |value, key| object(value).map(|o| o.entry(*key).or_insert(Value::Null)));
    let Some(holder) = holder.and_then(object) else { return };
    match value {
        Some(value) => {
            holder.insert((*last).to_owned(), value);
        }
        None => {
            holder.remove(*last);
        }
    }
}

/// `value` as an object, made one when it is `null`.
fn object(value: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
    if value.is_null() {
        *value = Value::Object(serde_json::Map::new());
    }
    value.as_object_mut()
}

/// A path template split into segments, each a list of literal text and placeholders.
type Template = Vec<Vec<Option<String>>>;

fn template(path: &str) -> Template {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| {
            let mut parts = Vec::new();
            let mut rest = segment;
            while let Some(start) = rest.find('{') {
                let Some(length) = rest[start..].find('}') else { break };
                if start > 0 {
                    parts.push(Some(rest[..start].to_owned()));
                }
                parts.push(None);
                rest = &rest[start + length + 1..];
            }
            if !rest.is_empty() {
                parts.push(Some(rest.to_owned()));
            }
            parts
        })
        .collect()
}

/// Whether a request path fits the template: segment by segment, literal text as written and each
/// placeholder standing for at least one character.
fn path_matches(template: &Template, path: &str) -> bool {
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(percent_decode).collect();
    segments.len() == template.len() && template.iter().zip(&segments).all(|(parts, segment)| fits(parts, segment))
}

fn fits(parts: &[Option<String>], text: &str) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Some(literal), rest)) => text.strip_prefix(literal.as_str()).is_some_and(|tail| fits(rest, tail)),
        Some((None, rest)) => (1..=text.len()).filter(|&n| text.is_char_boundary(n)).any(|n| fits(rest, &text[n..])),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request the fake server received.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedRequest {
    method: String,
    url: reqwest::Url,
    headers: HashMap<String, Vec<String>>,
    body: Vec<u8>,
}

impl From<&Request> for ReceivedRequest {
    fn from(request: &Request) -> Self {
        let mut headers: HashMap<String, Vec<String>> = HashMap::new();
        for (name, value) in &request.headers {
            headers
                .entry(name.as_str().to_owned())
                .or_default()
                .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
        ReceivedRequest {
            method: request.method.as_str().to_owned(),
            url: request.url.clone(),
            headers,
            body: request.body.clone(),
        }
    }
}

impl ReceivedRequest {
    /// The HTTP method, upper case as sent (`GET`, `POST`).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path as sent (percent-encoded), e.g. `/usage/units/tests`.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The first value of query parameter `name`, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        self.url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
    }

    /// Every value of query parameter `name`, decoded, in order.
    pub fn query_all(&self, name: &str) -> Vec<String> {
        self.url.query_pairs().filter(|(n, _)| n == name).map(|(_, v)| v.into_owned()).collect()
    }

    /// The query string as sent, without the `?`.
    pub fn raw_query(&self) -> Option<&str> {
        self.url.query()
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).and_then(|values| values.first()).map(String::as_str)
    }

    /// The body's bytes as sent (empty for a request without a body).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body decoded from JSON: `request.json::<types::QuotasAssignRequest>()`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_paths_segment_by_segment() {
        let t = template("/reports/{report_id}/stored/{id}.{format}");
        assert!(path_matches(&t, "/reports/7/stored/a.csv"));
        assert!(path_matches(&t, "/reports/a%2Fb/stored/x.y.json"), "a placeholder may hold an encoded `/`");
        assert!(!path_matches(&t, "/reports/7/stored/a"));
        assert!(!path_matches(&t, "/reports//stored/a.csv"), "a placeholder is never empty");
        assert!(!path_matches(&t, "/reports/7/stored/a.csv/more"));
        assert!(path_matches(&template("/usage"), "/usage"));
        assert!(!path_matches(&template("/usage"), "/usage/units/tests"));
        assert!(path_matches(&template("/"), "/"));
    }
}
