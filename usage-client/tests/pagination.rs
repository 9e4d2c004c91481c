//! Every paging style of `codegen/tests/fixtures/pagination.yaml` (stated by an extension and
//! inferred) through its golden client against servers on 127.0.0.1: three or more pages to the
//! last, an empty page, and a position repeated by the server (a cursor, a link, a page that
//! ignores its offset or number), which ends the stream with `Error::Pagination` instead of a loop.

/// Generated code reaches its runtime as `crate::runtime`.
mod runtime {
    pub use usage_client::runtime::*;
}

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/pagination/mod.rs"]
mod paging;

use paging::types::Item;
use paging::Client;
use serde_json::{json, Value};
use usage_client::runtime::{Error, RetryPolicy, Stream, StreamExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::disabled()).build().expect("client")
}

fn items(ids: &[&str]) -> Value {
    ids.iter().map(|id| json!({"id": id, "name": format!("item {id}")})).collect()
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn query(request: &Request, name: &str) -> Option<String> {
    request.url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
}

/// Answers GET `route` with `answer(request)`.
async fn serve(
    server: &MockServer,
    route: &str,
    answer: impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static,
) {
    Mock::given(method("GET")).and(path(route)).respond_with(answer).mount(server).await;
}

/// The value of `name` in each request received, in order.
async fn sent(server: &MockServer, name: &str) -> Vec<Option<String>> {
    server.received_requests().await.expect("recorded").iter().map(|r| query(r, name)).collect()
}

/// The ids streamed, and the error that ended the stream, if one did.
async fn drain<E: std::fmt::Debug>(
    mut stream: impl Stream<Item = Result<Item, Error<E>>> + Unpin,
) -> (Vec<String>, Option<Error<E>>) {
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => ids.push(item.id),
            Err(error) => return (ids, Some(error)),
        }
    }
    (ids, None)
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn assert_repeat<E: std::fmt::Debug>(error: Option<Error<E>>) {
    assert!(matches!(error, Some(Error::Pagination(_))), "expected Error::Pagination, got {error:?}");
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| (!v.is_empty()).then(|| (*v).to_owned())).collect()
}

// ----- next link in the body -----

#[tokio::test]
async fn body_link_pages_to_the_last_and_stops_on_a_repeated_link() {
    let server = MockServer::start().await;
    let base = server.uri();
    serve(&server, "/inferred/next-url", move |r| {
        let (list, next): (&[&str], Option<&str>) = match query(r, "at").as_deref() {
            None => (&["a", "b"], Some("2")),
            Some("2") => (&["c"], Some("3")),
            Some("3") => (&["d", "e"], None),
            // `loop`: links back to the page that holds it.
            _ => (&["x"], Some("loop")),
        };
        ok(json!({"results": items(list), "next_page_url": next.map(|n| format!("{base}/inferred/next-url?at={n}"))}))
    })
    .await;
    let (got, error) = drain(client(&server).inferred_next_url().stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["a", "b", "c", "d", "e"]), true));
    assert_eq!(sent(&server, "at").await, some(&["", "2", "3"]));

    // The declared style: a relative link at `meta.following_url`; an empty page without a link ends.
    let server = MockServer::start().await;
    serve(&server, "/declared/url", |r| match query(r, "at").as_deref() {
        None => ok(json!({"values": items(&["a"]), "meta": {"following_url": "url?at=1"}})),
        Some("1") => ok(json!({"values": items(&["b"]), "meta": {"following_url": "url?at=2"}})),
        Some("2") => ok(json!({"values": items(&["c"]), "meta": {"following_url": "url?at=2"}})),
        _ => ok(json!({"values": []})),
    })
    .await;
    let (got, error) = drain(client(&server).declared_url().stream()).await;
    assert_eq!(got, ids(&["a", "b", "c"]));
    assert_repeat(error);
    assert_eq!(sent(&server, "at").await, some(&["", "1", "2"]));

    let server = MockServer::start().await;
    serve(&server, "/declared/url", |_| ok(json!({"values": [], "meta": {}}))).await;
    let (got, error) = drain(client(&server).declared_url().stream()).await;
    assert!(got.is_empty() && error.is_none());
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[tokio::test]
async fn hal_links_page_and_the_fake_server_writes_them() {
    use paging::mock::MockServer as Fake;
    use paging::types::{InferredBodyLinkResponse, InferredBodyLinkResponseLinks};
    let fake = Fake::new().await;
    let page = |list: &[&str]| {
        let items = list.iter().map(|id| Item::new(*id)).collect();
        InferredBodyLinkResponse::new(InferredBodyLinkResponseLinks::new()).with_results(items)
    };
    fake.inferred_body_link().pages(vec![page(&["a", "b"]), page(&["c"]), page(&[]), page(&["d"])]).await;
    let (got, error) = drain(Client::from(&fake).inferred_body_link().stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["a", "b", "c", "d"]), true));
    assert_eq!(fake.inferred_body_link().requests().await.len(), 4);
}

// ----- RFC 8288 `Link` header -----

#[tokio::test]
async fn link_header_pages_to_the_last_and_stops_on_a_repeated_link() {
    let server = MockServer::start().await;
    let base = server.uri();
    serve(&server, "/inferred/link-header", move |r| {
        let page: u32 = query(r, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let link = |n: u32, rel: &str| format!("<{base}/inferred/link-header?page={n}&per_page=2>; rel=\"{rel}\"");
        let body = items(&[&format!("p{page}a"), &format!("p{page}b")]);
        let header = match page {
            1 => format!("{}, {}", link(2, "next"), link(3, "last")),
            2 => format!("{}, {}", link(1, "prev first"), link(3, "next")),
            _ => link(1, "first"),
        };
        ok(body).insert_header("Link", header.as_str())
    })
    .await;
    let (got, error) = drain(client(&server).inferred_link_header().per_page(2).stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["p1a", "p1b", "p2a", "p2b", "p3a", "p3b"]), true));
    assert_eq!(sent(&server, "page").await, some(&["", "2", "3"]));
    assert_eq!(sent(&server, "per_page").await, some(&["2", "2", "2"]));

    // Declared by `x-speakeasy-pagination` (`nextUrl: $response.header.Link`): a relative link
    // back to the first page is refused; an empty page without a link ends.
    let server = MockServer::start().await;
    serve(&server, "/declared/link-header", |r| match query(r, "n").as_deref() {
        None => ok(items(&["a"])).insert_header("Link", "<link-header?n=1>; rel=next"),
        Some("1") => ok(items(&["b"])).insert_header("Link", "<link-header?n=2>; rel=\"next\""),
        Some("2") => ok(items(&["c"])).insert_header("Link", "<link-header>; rel=\"next\""),
        _ => ok(json!([])),
    })
    .await;
    let (got, error) = drain(client(&server).declared_link_header().stream()).await;
    assert_eq!(got, ids(&["a", "b", "c"]));
    assert_repeat(error);

    let server = MockServer::start().await;
    serve(&server, "/declared/link-header", |_| ok(json!([]))).await;
    let (got, error) = drain(client(&server).declared_link_header().stream()).await;
    assert!(got.is_empty() && error.is_none());
}

// ----- cursor -----

#[tokio::test]
async fn cursor_pages_to_the_last_empty_page_and_repeated_cursor() {
    let server = MockServer::start().await;
    serve(&server, "/inferred/cursor", |r| match query(r, "cursor").as_deref() {
        None => ok(json!({"data": items(&["a", "b"]), "next_cursor": "c1", "has_more": true})),
        Some("c1") => ok(json!({"data": items(&["c", "d"]), "next_cursor": "c2", "has_more": true})),
        // The last page still names a cursor; `has_more: false` ends.
        Some("c2") => ok(json!({"data": items(&["e"]), "next_cursor": "c3", "has_more": false})),
        _ => ok(json!({"data": items(&["never"])})),
    })
    .await;
    let (got, error) = drain(client(&server).inferred_cursor().limit(2).stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["a", "b", "c", "d", "e"]), true));
    assert_eq!(sent(&server, "cursor").await, some(&["", "c1", "c2"]));
    assert_eq!(sent(&server, "limit").await, some(&["2", "2", "2"]));

    let server = MockServer::start().await;
    serve(&server, "/inferred/cursor", |_| ok(json!({"data": [], "next_cursor": null}))).await;
    let (got, error) = drain(client(&server).inferred_cursor().stream()).await;
    assert!(got.is_empty() && error.is_none());
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);

    // Declared: `after_token` ← `paging.following`; the server hands out `t1` twice.
    let server = MockServer::start().await;
    serve(&server, "/declared/cursor", |r| match query(r, "after_token").as_deref() {
        None => ok(json!({"entries": items(&["a"]), "paging": {"following": "t1"}})),
        Some("t1") => ok(json!({"entries": items(&["b"]), "paging": {"following": "t2"}})),
        _ => ok(json!({"entries": items(&["c"]), "paging": {"following": "t1"}, "has_more": true})),
    })
    .await;
    let (got, error) = drain(client(&server).declared_cursor().rows(1).stream()).await;
    assert_eq!(got, ids(&["a", "b", "c"]));
    assert_repeat(error);
    assert_eq!(sent(&server, "after_token").await, some(&["", "t1", "t2"]));
}

// ----- last item id -----

#[tokio::test]
async fn item_id_pages_to_the_last_empty_page_and_repeated_page() {
    let server = MockServer::start().await;
    serve(&server, "/inferred/item-id", |r| match query(r, "starting_after").as_deref() {
        None => ok(json!({"data": items(&["a", "b"]), "has_more": true})),
        Some("b") => ok(json!({"data": items(&["c", "d"]), "has_more": true})),
        Some("d") => ok(json!({"data": items(&["e"]), "has_more": false})),
        _ => ok(json!({"data": items(&["never"]), "has_more": false})),
    })
    .await;
    let (got, error) = drain(client(&server).inferred_item_id().limit(2).stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["a", "b", "c", "d", "e"]), true));
    assert_eq!(sent(&server, "starting_after").await, some(&["", "b", "d"]));

    // An empty page ends even when `has_more` says otherwise.
    let server = MockServer::start().await;
    serve(&server, "/inferred/item-id", |_| ok(json!({"data": [], "has_more": true}))).await;
    let (got, error) = drain(client(&server).inferred_item_id().stream()).await;
    assert!(got.is_empty() && error.is_none());

    // Declared (`$.found[-1].id`, no flag): an empty page ends; a server that ignores `from_id`
    // repeats the last id.
    let server = MockServer::start().await;
    serve(&server, "/declared/item-id", |r| match query(r, "from_id").as_deref() {
        None => ok(json!({"found": items(&["a"])})),
        Some("a") => ok(json!({"found": items(&["b"])})),
        Some("b") => ok(json!({"found": items(&["c"])})),
        _ => ok(json!({"found": []})),
    })
    .await;
    let (got, error) = drain(client(&server).declared_item_id().stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["a", "b", "c"]), true));
    assert_eq!(sent(&server, "from_id").await, some(&["", "a", "b", "c"]));

    let server = MockServer::start().await;
    serve(&server, "/declared/item-id", |_| ok(json!({"found": items(&["same"])}))).await;
    let (got, error) = drain(client(&server).declared_item_id().stream()).await;
    assert_eq!(got, ids(&["same", "same"]));
    assert_repeat(error);
}

// ----- offset and limit -----

#[tokio::test]
async fn offset_pages_until_an_empty_page_and_stops_on_a_repeated_page() {
    let all = ["a", "b", "c", "d", "e", "f", "g"];
    let server = MockServer::start().await;
    serve(&server, "/inferred/offset", move |r| {
        let offset: usize = query(r, "offset").and_then(|o| o.parse().ok()).unwrap_or(0);
        let limit: usize = query(r, "limit").and_then(|l| l.parse().ok()).unwrap_or(100);
        ok(items(&all[offset.min(all.len())..(offset + limit).min(all.len())]))
    })
    .await;
    let (got, error) = drain(client(&server).inferred_offset().limit(3).stream()).await;
    assert_eq!((got, error.is_none()), (ids(&all), true));
    assert_eq!(sent(&server, "offset").await, some(&["", "3", "6", "7"]));

    // Declared by Datadog's `x-pagination` (`skip_rows`, `count`, `rows`); a server that ignores
    // the offset answers the same page again.
    let server = MockServer::start().await;
    serve(&server, "/declared/offset", |_| ok(json!({"rows": items(&["a", "b"])}))).await;
    let (got, error) = drain(client(&server).declared_offset().count(2).stream()).await;
    assert_eq!(got, ids(&["a", "b", "a", "b"]));
    assert_repeat(error);
    assert_eq!(sent(&server, "skip_rows").await, some(&["", "2"]));

    let server = MockServer::start().await;
    serve(&server, "/declared/offset", |_| ok(json!({"rows": []}))).await;
    let (got, error) = drain(client(&server).declared_offset().skip_rows(40).stream()).await;
    assert!(got.is_empty() && error.is_none());
    assert_eq!(sent(&server, "skip_rows").await, some(&["40"]));
}

// ----- page number -----

#[tokio::test]
async fn page_number_pages_to_the_last_and_stops_on_a_repeated_page() {
    // `meta.next_page` and `meta.total_pages`.
    let server = MockServer::start().await;
    serve(&server, "/inferred/page", |r| {
        let page: i64 = query(r, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let next = if page < 4 { json!(page + 1) } else { Value::Null };
        ok(json!({"items": items(&[&format!("p{page}")]), "meta": {"next_page": next, "total_pages": 4}}))
    })
    .await;
    let (got, error) = drain(client(&server).inferred_page().per_page(1).stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["p1", "p2", "p3", "p4"]), true));
    assert_eq!(sent(&server, "page").await, some(&["", "2", "3", "4"]));

    // The body's `next_page` given twice.
    let server = MockServer::start().await;
    serve(&server, "/inferred/page", |r| {
        let page = query(r, "page").unwrap_or_default();
        ok(json!({"items": items(&[&format!("p{page}")]), "meta": {"next_page": 2}}))
    })
    .await;
    let (got, error) = drain(client(&server).inferred_page().stream()).await;
    assert_eq!(got, ids(&["p", "p2"]));
    assert_repeat(error);

    // Counted from the parameter's default, 0, to an empty page.
    let server = MockServer::start().await;
    serve(&server, "/inferred/page-from-zero", |r| {
        let page: usize = query(r, "pageNumber").and_then(|p| p.parse().ok()).unwrap_or(0);
        let list = ["a", "b", "c"].get(page).map_or_else(Vec::new, |id| vec![*id]);
        ok(json!({"values": items(&list)}))
    })
    .await;
    let (got, error) = drain(client(&server).inferred_page_from_zero().page_size(1).stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["a", "b", "c"]), true));
    assert_eq!(sent(&server, "pageNumber").await, some(&["", "1", "2", "3"]));

    // Declared (`p`, `meta.pages_total`); a server that ignores `p` repeats its page.
    let server = MockServer::start().await;
    serve(&server, "/declared/page", |r| {
        let page = query(r, "p").unwrap_or_else(|| "1".to_owned());
        ok(json!({"data": items(&[&format!("p{page}")]), "meta": {"pages_total": 3}}))
    })
    .await;
    let (got, error) = drain(client(&server).declared_page().stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["p1", "p2", "p3"]), true));

    let server = MockServer::start().await;
    serve(&server, "/declared/page", |_| ok(json!({"data": items(&["same"]), "meta": {"pages_total": 9}}))).await;
    let (got, error) = drain(client(&server).declared_page().size(1).stream()).await;
    assert_eq!(got, ids(&["same", "same"]));
    assert_repeat(error);

    let server = MockServer::start().await;
    serve(&server, "/declared/page", |_| ok(json!({"data": [], "meta": {"pages_total": 9}}))).await;
    let (got, error) = drain(client(&server).declared_page().stream()).await;
    assert!(got.is_empty() && error.is_none());
}

// ----- overrides and limits -----

#[tokio::test]
async fn an_override_pages_by_what_it_states_and_take_bounds_the_requests() {
    let server = MockServer::start().await;
    serve(&server, "/declared/override", |r| {
        let start: usize = query(r, "start").and_then(|s| s.parse().ok()).unwrap_or(0);
        let all = ["a", "b", "c", "d", "e"];
        ok(items(&all[start.min(5)..(start + 2).min(5)]))
    })
    .await;
    let (got, error) = drain(client(&server).declared_override().stream()).await;
    assert_eq!((got, error.is_none()), (ids(&["a", "b", "c", "d", "e"]), true));
    assert_eq!(sent(&server, "start").await, some(&["", "2", "4", "5"]));
    assert!(sent(&server, "page").await.iter().all(Option::is_none));

    // `pages().take(2)` sends two requests, whatever the server has.
    let server = MockServer::start().await;
    serve(&server, "/inferred/cursor", |r| {
        let n: u32 = query(r, "cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
        ok(json!({"data": items(&[&n.to_string()]), "next_cursor": (n + 1).to_string()}))
    })
    .await;
    let pages: Vec<_> = client(&server).inferred_cursor().pages().take(2).collect().await;
    assert_eq!(pages.len(), 2);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
    let first: Vec<String> =
        client(&server).inferred_cursor().stream().take(3).map(|i| i.expect("item").id).collect().await;
    assert_eq!(first, ids(&["0", "1", "2"]));
}

// ----- the generated fake server pages every style -----

#[tokio::test]
async fn the_fake_server_links_pages_in_every_style() {
    use paging::mock::MockServer as Fake;
    use paging::types::*;
    let list = |ids: &[&str]| -> Vec<Item> { ids.iter().map(|id| Item::new(*id)).collect() };
    let chunks: [&[&str]; 3] = [&["a", "b"], &["c"], &["d", "e"]];
    let all = ids(&["a", "b", "c", "d", "e"]);
    let fake = Fake::new().await;
    let client = Client::from(&fake);

    fake.declared_url().pages(chunks.iter().map(|c| DeclaredUrlResponse::new().with_values(list(c))).collect()).await;
    assert_eq!(drain(client.declared_url().stream()).await.0, all);

    fake.inferred_link_header().pages(chunks.iter().map(|c| list(c)).collect()).await;
    assert_eq!(drain(client.inferred_link_header().stream()).await.0, all);

    fake.inferred_cursor().pages(chunks.iter().map(|c| CursorPage::new(list(c))).collect()).await;
    assert_eq!(drain(client.inferred_cursor().stream()).await.0, all);

    fake.declared_cursor().pages(chunks.iter().map(|c| DeclaredCursorResponse::new(list(c))).collect()).await;
    assert_eq!(drain(client.declared_cursor().stream()).await.0, all);

    let last = chunks.len() - 1;
    let pages = chunks.iter().enumerate().map(|(i, c)| InferredItemIdResponse::new(list(c), i < last)).collect();
    fake.inferred_item_id().pages(pages).await;
    assert_eq!(drain(client.inferred_item_id().stream()).await.0, all);

    fake.declared_item_id()
        .pages(chunks.iter().map(|c| DeclaredItemIdResponse::new().with_found(list(c))).collect())
        .await;
    assert_eq!(drain(client.declared_item_id().stream()).await.0, all);

    fake.inferred_offset().pages(chunks.iter().map(|c| list(c)).collect()).await;
    assert_eq!(drain(client.inferred_offset().stream()).await.0, all);
    let offsets: Vec<Option<String>> =
        fake.inferred_offset().requests().await.iter().map(|r| r.query("offset")).collect();
    assert_eq!(offsets, some(&["", "2", "3", "5"]));

    let meta = DeclaredPageResponseMeta::new(3);
    fake.declared_page().pages(chunks.iter().map(|c| DeclaredPageResponse::new(list(c), meta.clone())).collect()).await;
    assert_eq!(drain(client.declared_page().stream()).await.0, all);

    let pages = chunks.iter().map(|c| InferredPageFromZeroResponse::new().with_values(list(c))).collect();
    fake.inferred_page_from_zero().pages(pages).await;
    assert_eq!(drain(client.inferred_page_from_zero().stream()).await.0, all);
    let numbers: Vec<Option<String>> =
        fake.inferred_page_from_zero().requests().await.iter().map(|r| r.query("pageNumber")).collect();
    assert_eq!(numbers, some(&["", "1", "2", "3"]));
}
