//! The shared runtime under faults, against a local `wiremock` server (127.0.0.1 only): rate
//! limits and their waits, transient statuses, refused connections and timeouts, what is and is
//! not retried, paging through `_links.next` (repeated, odd or foreign links, broken pages, many
//! pages), rate-limit state, and how clients are built (user agent, token, environment).
//!
//! Waits are kept short (a server wait of at most ~2 s, 10 ms backoff) so the suite stays fast.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use usage_client::runtime::{ConfigError, RateLimit, RateLimitExt, RetryEvent, RetryPolicy, StreamExt, TryStreamExt};
use usage_client::thousandeyes::types::{GetQuotasError, OrganizationQuota, QuotasAssignRequest, UnitsByTests};
use usage_client::thousandeyes::Client;
use usage_client::Error;
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[path = "support/raw_server.rs"]
mod raw_server;
use raw_server::serve_in_pieces;

const TOKEN: &str = "7d0c4b1e-52aa-4f0e-9d1b-6c3e2f8a9b10";
const TESTS_PATH: &str = "/usage/units/tests";
const AGENTS_PATH: &str = "/usage/units/enterprise-agents";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The default policy with a 10 ms backoff base, so retried tests stay fast.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(10))
}

/// What an `on_retry` observer saw.
#[derive(Clone, Default)]
struct Retries(Arc<Mutex<Vec<RetryEvent>>>);

impl Retries {
    fn events(&self) -> Vec<RetryEvent> {
        self.0.lock().expect("observer lock").clone()
    }
}

/// A client for `base_url` with the test token, `policy`, and an observer of its retries.
fn observed_client(base_url: &str, policy: RetryPolicy) -> (Client, Retries) {
    let retries = Retries::default();
    let seen = retries.clone();
    let client = Client::builder()
        .base_url(base_url)
        .bearer_token(TOKEN)
        .retry_policy(policy)
        .on_retry(move |event: &RetryEvent| seen.0.lock().expect("observer lock").push(event.clone()))
        .build()
        .expect("a valid client");
    (client, retries)
}

/// A client for the mock server with the test token and fast retries.
fn client(server: &MockServer) -> Client {
    observed_client(&server.uri(), fast_retries()).0
}

/// Every request the server received, in order.
async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is enabled")
}

async fn request_count(server: &MockServer) -> usize {
    requests(server).await.len()
}

/// Serves `responses` in order, one per request, the last one for every request after that, and
/// notes when each request arrived.
struct Sequence {
    responses: Vec<ResponseTemplate>,
    served: AtomicUsize,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

impl Sequence {
    fn new(responses: Vec<ResponseTemplate>) -> (Self, Arc<Mutex<Vec<Instant>>>) {
        assert!(!responses.is_empty());
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        (Sequence { responses, served: AtomicUsize::new(0), arrivals: arrivals.clone() }, arrivals)
    }
}

impl Respond for Sequence {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        self.arrivals.lock().expect("arrivals lock").push(Instant::now());
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        self.responses[n.min(self.responses.len() - 1)].clone()
    }
}

/// Answers every request with the templates of `responses` in turn (the last one repeats).
async fn serve_in_order(server: &MockServer, responses: Vec<ResponseTemplate>) -> Arc<Mutex<Vec<Instant>>> {
    let (sequence, arrivals) = Sequence::new(responses);
    Mock::given(any()).respond_with(sequence).mount(server).await;
    arrivals
}

fn json_response(status: u16, media_type: &str, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(serde_json::to_vec(body).expect("serializable body"), media_type)
}

fn hal_json(body: &Value) -> ResponseTemplate {
    json_response(200, "application/hal+json", body)
}

fn problem(status: u16, title: &str, detail: &str) -> ResponseTemplate {
    json_response(
        status,
        "application/problem+json",
        &json!({"type": "about:blank", "title": title, "status": status, "detail": detail}),
    )
}

fn too_many_requests() -> ResponseTemplate {
    problem(429, "Too Many Requests", "Exhausted rate limit for the organization")
}

fn service_unavailable() -> ResponseTemplate {
    problem(503, "Service Unavailable", "Try again shortly")
}

/// `GET /quotas` success body.
fn quotas_body() -> Value {
    json!({"quotas": [{"organizationQuota": {"orgId": "10", "value": 22_500}}], "_links": {"self": {"href": "/v7/quotas"}}})
}

fn quotas_ok() -> ResponseTemplate {
    hal_json(&quotas_body())
}

fn quotas_assign_request() -> QuotasAssignRequest {
    QuotasAssignRequest::new().with_organizations(vec![OrganizationQuota::new(12_000).with_org_id("1234")])
}

fn quotas_assign_ok() -> ResponseTemplate {
    hal_json(&json!({"organizations": [{"orgId": "1234", "value": 12_000}]}))
}

/// One `UnitsByTests` item whose `testId` is `id`.
fn item(id: usize) -> Value {
    json!({
        "testId": id.to_string(),
        "testName": format!("test {id}"),
        "testType": "Web - HTTP Server",
        "cloudUnitsUsed": id,
        "aid": "1234",
        "accountGroupName": "Support"
    })
}

/// A `TestsUsage` page holding the items `ids`, with a `next` link when given.
fn page(ids: Range<usize>, next: Option<&str>) -> Value {
    let mut body = json!({
        "breakdowns": ids.map(item).collect::<Vec<_>>(),
        "_links": {"self": {"href": "https://api.thousandeyes.com/v7/usage/units/tests"}}
    });
    if let Some(href) = next {
        body["_links"]["next"] = json!({"href": href, "templated": false});
    }
    body
}

/// `href` for the tests endpoint on `server` with the raw query `query`.
fn tests_href(server: &MockServer, query: &str) -> String {
    format!("{}{TESTS_PATH}?{query}", server.uri())
}

/// Mounts the first page of `GET /usage/units/tests` (the request without a cursor).
async fn mount_first_page(server: &MockServer, body: &Value) {
    Mock::given(method("GET"))
        .and(path(TESTS_PATH))
        .and(query_param_is_missing("cursor"))
        .respond_with(hal_json(body))
        .mount(server)
        .await;
}

/// Mounts a page answered only when the raw query string is exactly `raw_query`.
async fn mount_page_at(server: &MockServer, raw_query: &'static str, body: &Value) {
    Mock::given(method("GET"))
        .and(path(TESTS_PATH))
        .and(move |request: &Request| request.url.query() == Some(raw_query))
        .respond_with(hal_json(body))
        .mount(server)
        .await;
}

/// The test ids of decoded items.
fn ids(items: &[UnitsByTests]) -> Vec<usize> {
    items
        .iter()
        .map(|item| item.test_id.as_deref().expect("every item has a testId").parse().expect("numeric testId"))
        .collect()
}

/// Splits stream results into the items before the first error, the error, and what followed.
fn split_at_error<T, E>(results: Vec<Result<T, Error<E>>>) -> (Vec<T>, Option<Error<E>>, usize) {
    let mut items = Vec::new();
    let mut results = results.into_iter();
    for result in results.by_ref() {
        match result {
            Ok(item) => items.push(item),
            Err(error) => return (items, Some(error), results.count()),
        }
    }
    (items, None, 0)
}

/// Collects at most `limit` results of `stream`, failing if that takes more than 10 s.
async fn collect_bounded<S, T>(stream: S, limit: usize) -> Vec<T>
where
    S: usage_client::runtime::Stream<Item = T> + Unpin,
{
    tokio::time::timeout(Duration::from_secs(10), stream.take(limit).collect::<Vec<_>>())
        .await
        .expect("the stream ends within 10 s")
}

/// A 127.0.0.1 port where nothing listens: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("bound address").port();
    drop(listener);
    port
}

/// All values of a request header, as text.
fn header_values<'a>(request: &'a Request, name: &str) -> Vec<&'a str> {
    request.headers.get_all(name).iter().map(|value| value.to_str().expect("visible ASCII header")).collect()
}

/// Sleeps until the wall clock is within the first 20 ms of a second and returns that second
/// (epoch seconds) with the instant it was read, so that a reset or date "N seconds ahead" can be
/// placed on the monotonic clock: it falls between `instant + N s - 20 ms` and `instant + N s`.
async fn start_of_a_second() -> (i64, Instant) {
    loop {
        let now = Utc::now();
        let instant = Instant::now();
        let millis = now.timestamp_subsec_millis();
        if millis < 20 {
            return (now.timestamp(), instant);
        }
        tokio::time::sleep(Duration::from_millis(u64::from(1_000 - millis.min(999)) + 2)).await;
    }
}

fn http_date(epoch_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(epoch_seconds, 0)
        .expect("valid timestamp")
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// 1. 429 with a server-named wait, then success
// ---------------------------------------------------------------------------------------------

/// Serves a 429 carrying `header`, then `GET /quotas` succeeds; checks the client waited what the
/// server asked (`expected_wait`: the range the wait must fall in) and no more. For a header that
/// names a moment (a reset time, an HTTP date), `not_before` is that moment: the retry must not
/// arrive earlier, however long the first request took on a loaded machine.
async fn assert_waits_then_succeeds(
    header: (&str, String),
    expected_wait: Range<Duration>,
    not_before: Option<Instant>,
) {
    let server = MockServer::start().await;
    let arrivals =
        serve_in_order(&server, vec![too_many_requests().insert_header(header.0, header.1.as_str()), quotas_ok()])
            .await;
    let (client, retries) = observed_client(&server.uri(), fast_retries());

    let started = Instant::now();
    let quotas = client.get_quotas().send().await.expect("the call succeeds after the wait");
    let took = started.elapsed();

    assert_eq!(quotas.status(), 200);
    assert_eq!(serde_json::to_value(&*quotas).expect("serializes"), quotas_body());
    let received = requests(&server).await;
    assert_eq!(received.len(), 2, "one 429, one retry: {received:#?}");
    for request in &received {
        assert_eq!(request.url.path(), "/quotas");
        assert_eq!(
            header_values(request, "authorization"),
            [format!("Bearer {TOKEN}").as_str()],
            "the retry is authenticated too"
        );
    }

    let events = retries.events();
    assert_eq!(events.len(), 1, "one retry event: {events:?}");
    let event = &events[0];
    assert_eq!(event.operation_id, "getQuotas");
    assert_eq!(event.attempt, 1);
    assert!(event.reason.contains("429"), "reason: {:?}", event.reason);
    assert!(
        expected_wait.contains(&event.wait),
        "{}: waited {:?}, expected within {expected_wait:?}",
        header.0,
        event.wait
    );

    let arrivals = arrivals.lock().expect("arrivals lock").clone();
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1] - arrivals[0];
    assert!(
        gap >= event.wait,
        "the retry came {gap:?} after the first request, before the announced wait {:?}",
        event.wait
    );
    if let Some(moment) = not_before {
        assert!(arrivals[1] >= moment, "the retry came {:?} before the moment the server named", moment - arrivals[1]);
    }
    assert!(gap < event.wait + Duration::from_millis(500), "no backoff on top of the server's wait: gap {gap:?}");
    assert!(took < expected_wait.end + Duration::from_secs(1), "the call took {took:?}");
}

#[tokio::test]
async fn a_429_waits_until_the_organization_rate_limit_reset_then_succeeds() {
    let (second, at) = start_of_a_second().await;
    assert_waits_then_succeeds(
        ("X-Organization-Rate-Limit-Reset", (second + 1).to_string()),
        Duration::ZERO..Duration::from_millis(1_001),
        Some(at + Duration::from_millis(980)),
    )
    .await;
}

#[tokio::test]
async fn a_429_waits_until_the_instant_test_rate_limit_reset_then_succeeds() {
    let (second, at) = start_of_a_second().await;
    assert_waits_then_succeeds(
        ("X-Instant-Test-Rate-Limit-Reset", (second + 1).to_string()),
        Duration::ZERO..Duration::from_millis(1_001),
        Some(at + Duration::from_millis(980)),
    )
    .await;
}

#[tokio::test]
async fn a_429_waits_retry_after_seconds_then_succeeds() {
    assert_waits_then_succeeds(
        ("Retry-After", "1".to_owned()),
        Duration::from_secs(1)..Duration::from_millis(1_001),
        None,
    )
    .await;
}

#[tokio::test]
async fn a_429_waits_until_a_retry_after_http_date_then_succeeds() {
    let (second, at) = start_of_a_second().await;
    assert_waits_then_succeeds(
        ("Retry-After", http_date(second + 2)),
        Duration::ZERO..Duration::from_millis(2_001),
        Some(at + Duration::from_millis(1_980)),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// 2. A transient failure in the middle of paging
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_503_on_the_second_page_is_retried_and_every_item_arrives_once_in_order() {
    let server = MockServer::start().await;
    mount_first_page(&server, &page(0..3, Some(&tests_href(&server, "cursor=p2")))).await;
    // The second page fails once, then succeeds.
    Mock::given(method("GET"))
        .and(path(TESTS_PATH))
        .and(query_param("cursor", "p2"))
        .respond_with(service_unavailable())
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(TESTS_PATH))
        .and(query_param("cursor", "p2"))
        .respond_with(hal_json(&page(3..6, Some(&tests_href(&server, "cursor=p3")))))
        .with_priority(2)
        .mount(&server)
        .await;
    mount_page_at(&server, "cursor=p3", &page(6..9, None)).await;
    let (client, retries) = observed_client(&server.uri(), fast_retries());

    let results = collect_bounded(client.get_tests_units_usage().stream(), 100).await;

    let (items, error, _) = split_at_error(results);
    assert!(error.is_none(), "the stream ends without an error, got {error:?}");
    assert_eq!(ids(&items), (0..9).collect::<Vec<_>>(), "every item once, in order");
    let queries: Vec<Option<String>> =
        requests(&server).await.iter().map(|r| r.url.query().map(str::to_owned)).collect();
    assert_eq!(
        queries,
        [None, Some("cursor=p2".to_owned()), Some("cursor=p2".to_owned()), Some("cursor=p3".to_owned())],
        "page 1, page 2 (503), page 2 again, page 3"
    );
    let events = retries.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].operation_id, "getTestsUnitsUsage");
    assert_eq!(events[0].attempt, 1);
    assert_eq!(events[0].reason, "503 Service Unavailable");
    assert!(events[0].wait <= Duration::from_millis(10), "backoff within its 10 ms ceiling: {:?}", events[0].wait);
}

// ---------------------------------------------------------------------------------------------
// 3. Rate limited for good
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_that_never_ends_gives_up_after_three_attempts() {
    let server = MockServer::start().await;
    serve_in_order(&server, vec![too_many_requests()]).await;
    let (client, retries) = observed_client(&server.uri(), fast_retries());

    let error = client.get_quotas().send().await.expect_err("always 429");

    assert!(matches!(error, Error::ErrorResponse(_)), "expected Error::ErrorResponse, got {error:?}");
    assert_eq!(error.status(), Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(error.attempts(), 3);
    assert!(
        matches!(error.error_body(), Some(GetQuotasError::TooManyRequests(body)) if body.title.as_deref() == Some("Too Many Requests"))
    );
    assert_eq!(error.retry_after(), None, "the server named no wait");
    assert_eq!(request_count(&server).await, 3, "exactly the default 3 attempts");
    let shown = error.to_string();
    assert_eq!(
        shown,
        "429 Too Many Requests: Too Many Requests: Exhausted rate limit for the organization (gave up after 3 attempts)"
    );
    let events = retries.events();
    assert_eq!(events.iter().map(|e| e.attempt).collect::<Vec<_>>(), [1, 2]);
    assert!(events.iter().all(|e| e.reason == "429 Too Many Requests"), "{events:?}");
    assert!(events[0].wait <= Duration::from_millis(10) && events[1].wait <= Duration::from_millis(20), "{events:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_is_not_waited_for() {
    let server = MockServer::start().await;
    serve_in_order(&server, vec![too_many_requests().insert_header("Retry-After", "3600")]).await;
    let (client, retries) = observed_client(&server.uri(), fast_retries());

    let started = Instant::now();
    let error = client.get_quotas().send().await.expect_err("429");
    let took = started.elapsed();

    assert!(took < Duration::from_secs(1), "returned after {took:?}: the 3600 s wait exceeds the 120 s budget");
    assert_eq!(request_count(&server).await, 1);
    assert!(retries.events().is_empty(), "no retry announced: {:?}", retries.events());
    assert_eq!(error.status(), Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    let shown = error.to_string();
    assert_eq!(
        shown,
        "429 Too Many Requests: Too Many Requests: Exhausted rate limit for the organization (retry after 3600s)"
    );

    // A smaller budget: a 2 s wait does not fit into 1 s either.
    let server = MockServer::start().await;
    serve_in_order(&server, vec![too_many_requests().insert_header("Retry-After", "2"), quotas_ok()]).await;
    let (client, _) = observed_client(&server.uri(), fast_retries().max_elapsed(Duration::from_secs(1)));
    let started = Instant::now();
    let error = client.get_quotas().send().await.expect_err("the wait does not fit the budget");
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    assert_eq!(request_count(&server).await, 1);
    assert!(error.to_string().ends_with("(retry after 2s)"), "{error}");
}

#[tokio::test]
async fn with_retries_disabled_a_429_is_sent_once() {
    let server = MockServer::start().await;
    serve_in_order(&server, vec![too_many_requests().insert_header("Retry-After", "1"), quotas_ok()]).await;
    let (client, retries) = observed_client(&server.uri(), RetryPolicy::disabled());

    let error = client.get_quotas().send().await.expect_err("no second attempt");

    assert_eq!(request_count(&server).await, 1);
    assert!(retries.events().is_empty());
    assert_eq!(error.status(), Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(error.attempts(), 1);
    assert!(!error.to_string().contains("gave up"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// 4. What is retried, by method and status
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_post_that_gets_a_503_is_not_retried() {
    let server = MockServer::start().await;
    serve_in_order(&server, vec![service_unavailable().insert_header("Retry-After", "0"), quotas_assign_ok()]).await;
    let (client, retries) = observed_client(&server.uri(), fast_retries());

    let error = client.assign_organizations_quotas().body(quotas_assign_request()).send().await.expect_err("503");

    assert_eq!(request_count(&server).await, 1, "a POST may have been processed: not sent again");
    assert!(retries.events().is_empty());
    assert!(matches!(error, Error::UnexpectedResponse(_)), "503 is not documented: {error:?}");
    assert_eq!(error.status(), Some(reqwest::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_post_that_gets_a_429_is_retried_with_the_same_body() {
    let server = MockServer::start().await;
    serve_in_order(&server, vec![too_many_requests().insert_header("Retry-After", "0"), quotas_assign_ok()]).await;
    let client = client(&server);

    let stored =
        client.assign_organizations_quotas().body(quotas_assign_request()).send().await.expect("retried after the 429");

    assert_eq!(stored.organizations.as_ref().map(Vec::len), Some(1));
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method.as_str(), "POST");
    assert_eq!(received[1].method.as_str(), "POST");
    assert_eq!(received[0].body, received[1].body, "the retry sends the same body");
    assert_eq!(
        serde_json::from_slice::<Value>(&received[1].body).expect("JSON body"),
        json!({"organizations": [{"orgId": "1234", "value": 12_000}]})
    );
}

#[tokio::test]
async fn a_get_that_gets_502_503_or_504_twice_succeeds_on_the_third_attempt() {
    for (status, reason) in [(502, "502 Bad Gateway"), (503, "503 Service Unavailable"), (504, "504 Gateway Timeout")] {
        let server = MockServer::start().await;
        let failure = problem(status, "Upstream trouble", "Try again");
        serve_in_order(&server, vec![failure.clone(), failure, quotas_ok()]).await;
        let (client, retries) = observed_client(&server.uri(), fast_retries());

        let quotas = client.get_quotas().send().await.unwrap_or_else(|e| panic!("{status} twice, then 200: {e}"));

        assert_eq!(quotas.status(), 200);
        assert_eq!(request_count(&server).await, 3, "{status}");
        let events = retries.events();
        assert_eq!(events.iter().map(|e| e.attempt).collect::<Vec<_>>(), [1, 2], "{status}: {events:?}");
        assert!(events.iter().all(|e| e.reason == reason), "{events:?}");
    }

    // Three 503s in a row: the third is the answer.
    let server = MockServer::start().await;
    serve_in_order(&server, vec![service_unavailable()]).await;
    let error = client(&server).get_quotas().send().await.expect_err("always 503");
    assert_eq!(request_count(&server).await, 3);
    assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("(gave up after 3 attempts)"), "{error}");
}

#[tokio::test]
async fn a_503_with_retry_after_on_a_get_waits_as_asked() {
    let server = MockServer::start().await;
    let arrivals =
        serve_in_order(&server, vec![service_unavailable().insert_header("Retry-After", "1"), quotas_ok()]).await;
    let (client, retries) = observed_client(&server.uri(), fast_retries());

    client.get_quotas().send().await.expect("200 after the wait");

    let events = retries.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].wait, Duration::from_secs(1), "the server's wait, not the 10 ms backoff");
    assert_eq!(events[0].reason, "503 Service Unavailable");
    let arrivals = arrivals.lock().expect("arrivals lock").clone();
    assert_eq!(arrivals.len(), 2);
    assert!(arrivals[1] - arrivals[0] >= Duration::from_secs(1), "gap {:?}", arrivals[1] - arrivals[0]);
}

#[tokio::test]
async fn a_500_or_a_404_is_never_retried() {
    for (status, title) in [(500, "Internal Server Error"), (404, "Not Found")] {
        let server = MockServer::start().await;
        serve_in_order(&server, vec![problem(status, title, "No luck")]).await;
        let (client, retries) = observed_client(&server.uri(), fast_retries());

        let error = client.get_quotas().send().await.expect_err("not retried");
        assert_eq!(request_count(&server).await, 1, "GET {status}");
        assert!(retries.events().is_empty());
        assert!(matches!(error, Error::ErrorResponse(_)), "{error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.attempts(), 1);

        let error =
            client.assign_organizations_quotas().body(quotas_assign_request()).send().await.expect_err("not retried");
        assert_eq!(request_count(&server).await, 2, "POST {status}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Nothing listening
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_get_and_then_reported() {
    let port = closed_port();
    let (client, retries) = observed_client(&format!("http://127.0.0.1:{port}"), fast_retries());

    let started = Instant::now();
    let error = client.get_quotas().send().await.expect_err("nothing listens");

    assert!(started.elapsed() < Duration::from_secs(2), "small backoff: took {:?}", started.elapsed());
    match &error {
        Error::Communication { source, attempts } => {
            assert!(source.is_connect(), "{source:?}");
            assert_eq!(*attempts, 3);
        }
        other => panic!("expected Error::Communication, got {other:?}"),
    }
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.status(), None);
    assert!(error.to_string().ends_with("(gave up after 3 attempts)"), "{error}");
    let events = retries.events();
    assert_eq!(events.iter().map(|e| e.attempt).collect::<Vec<_>>(), [1, 2]);
    assert!(events.iter().all(|e| e.reason == "connection failed"), "{events:?}");

    // A POST is not sent again, even when it surely never arrived.
    let error =
        client.assign_organizations_quotas().body(quotas_assign_request()).send().await.expect_err("nothing listens");
    assert!(matches!(error, Error::Communication { attempts: 1, .. }), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// 6. A next link the server already sent
// ---------------------------------------------------------------------------------------------

/// Page 1 links to page 2; page 2 links to page 2 again.
async fn repeating_server() -> MockServer {
    let server = MockServer::start().await;
    mount_first_page(&server, &page(0..3, Some(&tests_href(&server, "cursor=p2")))).await;
    mount_page_at(&server, "cursor=p2", &page(3..5, Some(&tests_href(&server, "cursor=p2")))).await;
    server
}

#[tokio::test]
async fn a_repeated_next_link_ends_the_item_stream_with_a_pagination_error_after_both_pages() {
    let server = repeating_server().await;
    let client = client(&server);

    let results = collect_bounded(client.get_tests_units_usage().stream(), 1_000).await;

    let requests_made = request_count(&server).await;
    assert_eq!(requests_made, 2, "page 1 and page 2, no loop");
    let (items, error, after) = split_at_error(results);
    assert!(matches!(error, Some(Error::Pagination(_))), "expected Error::Pagination, got {error:?}");
    assert_eq!(after, 0, "the stream ends after the error");
    assert_eq!(ids(&items), [0, 1, 2, 3, 4], "the items of page 1 and page 2, then the error");
}

#[tokio::test]
async fn a_repeated_next_link_ends_the_page_stream_with_a_pagination_error_after_both_pages() {
    let server = repeating_server().await;
    let client = client(&server);

    let results = collect_bounded(client.get_tests_units_usage().pages(), 1_000).await;

    assert_eq!(request_count(&server).await, 2, "page 1 and page 2, no loop");
    let (pages, error, after) = split_at_error(results);
    let error = error.expect("an error ends the stream");
    assert!(matches!(error, Error::Pagination(_)), "expected Error::Pagination, got {error:?}");
    assert!(error.to_string().contains("cursor=p2"), "the message names the link: {error}");
    assert_eq!(after, 0, "the stream ends after the error");
    let sizes: Vec<usize> = pages.iter().map(|p| p.breakdowns.as_ref().map_or(0, Vec::len)).collect();
    assert_eq!(sizes, [3, 2], "page 1 and page 2, then the error");
}

#[tokio::test]
async fn a_next_link_back_to_the_first_page_ends_paging_without_repeating_items() {
    let server = MockServer::start().await;
    let first_page_url = format!("{}{TESTS_PATH}", server.uri());
    mount_first_page(&server, &page(0..3, Some(&tests_href(&server, "cursor=p2")))).await;
    mount_page_at(&server, "cursor=p2", &page(3..5, Some(&first_page_url))).await;
    let client = client(&server);

    let results = collect_bounded(client.get_tests_units_usage().stream(), 1_000).await;

    let requests_made = request_count(&server).await;
    assert!((2..=3).contains(&requests_made), "bounded: {requests_made} requests");
    let (items, error, after) = split_at_error(results);
    assert!(matches!(error, Some(Error::Pagination(_))), "expected Error::Pagination, got {error:?}");
    assert_eq!(after, 0, "the stream ends after the error");
    assert_eq!(ids(&items), [0, 1, 2, 3, 4], "every item once: page 1 is not served twice");
}

// ---------------------------------------------------------------------------------------------
// 7. Cursors as the server wrote them; links to elsewhere
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn next_links_are_followed_byte_for_byte_whatever_their_cursor_holds() {
    // `/ + = ? & %` and `é`, percent-encoded; a literal `+`; lowercase escapes; a relative link.
    const RESERVED: &str = "cursor=a%2Fb%2Bc%3Dd%3Fe%26f%25g%C3%A9";
    const PLUS: &str = "cursor=x+y&aid=1234";
    const LOWERCASE: &str = "cursor=%2f%c3%a9~";
    const RELATIVE: &str = "cursor=rel%20ative";
    let server = MockServer::start().await;
    mount_first_page(&server, &page(0..2, Some(&tests_href(&server, RESERVED)))).await;
    mount_page_at(&server, RESERVED, &page(2..4, Some(&tests_href(&server, PLUS)))).await;
    mount_page_at(&server, PLUS, &page(4..6, Some(&tests_href(&server, LOWERCASE)))).await;
    mount_page_at(&server, LOWERCASE, &page(6..8, Some(&format!("{TESTS_PATH}?{RELATIVE}")))).await;
    mount_page_at(&server, RELATIVE, &page(8..10, None)).await;
    let client = client(&server);

    let results = collect_bounded(client.get_tests_units_usage().stream(), 100).await;

    let received = requests(&server).await;
    let queries: Vec<Option<&str>> = received.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries,
        [None, Some(RESERVED), Some(PLUS), Some(LOWERCASE), Some(RELATIVE)],
        "raw query strings as the links had them"
    );
    assert!(received.iter().all(|r| r.url.path() == TESTS_PATH));
    let decoded: Vec<String> = received[1].url.query_pairs().map(|(_, v)| v.into_owned()).collect();
    assert_eq!(decoded, ["a/b+c=d?e&f%gé"]);
    let (items, error, _) = split_at_error(results);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&items), (0..10).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(hal_json(&page(100..102, None))).mount(&elsewhere).await;
    let port = reqwest::Url::parse(&elsewhere.uri()).expect("URL").port().expect("port");

    let server = MockServer::start().await;
    let own_port = reqwest::Url::parse(&server.uri()).expect("URL").port().expect("port");
    let foreign = [
        format!("{}{TESTS_PATH}?cursor=p2", elsewhere.uri()),
        format!("http://127.0.0.2:{port}{TESTS_PATH}?cursor=p2"),
        format!("http://localhost:{own_port}{TESTS_PATH}?cursor=p2"),
        format!("https://127.0.0.1:{own_port}{TESTS_PATH}?cursor=p2"),
        format!("//127.0.0.2:{port}{TESTS_PATH}?cursor=p2"),
    ];
    for href in &foreign {
        server.reset().await;
        mount_first_page(&server, &page(0..2, Some(href))).await;
        let client = client(&server);

        let results = collect_bounded(client.get_tests_units_usage().stream(), 100).await;

        let (items, error, after) = split_at_error(results);
        assert_eq!(ids(&items), [0, 1], "{href}: page 1's items arrive");
        assert!(matches!(error, Some(Error::Pagination(_))), "{href}: expected Error::Pagination, got {error:?}");
        assert_eq!(after, 0);
        assert_eq!(request_count(&server).await, 1, "{href}: only page 1 was requested");
        assert_eq!(request_count(&elsewhere).await, 0, "{href}: nothing was sent to the other origin");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. A broken page
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_json_on_the_first_page_is_an_invalid_payload_with_status_and_excerpt() {
    const BROKEN: &str = r#"{"breakdowns": [{"testId": "1", "testName": "half a page"}, {"testId": "#;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(BROKEN, "application/hal+json"))
        .mount(&server)
        .await;
    let client = client(&server);

    let results = collect_bounded(client.get_tests_units_usage().stream(), 100).await;

    assert_eq!(results.len(), 1, "one error, then the stream ends");
    let error = results.into_iter().next().expect("one result").expect_err("broken JSON");
    match &error {
        Error::InvalidResponsePayload { response, source } => {
            assert_eq!(response.status(), 200);
            assert_eq!(response.body().as_ref(), BROKEN.as_bytes(), "the body is kept whole");
            assert!(source.json_error().is_eof(), "{source:?}");
            assert_eq!(source.path(), "breakdowns[1].testId", "where the body broke off");
            assert_eq!(source.offset(), BROKEN.len());
        }
        other => panic!("expected Error::InvalidResponsePayload, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(shown.starts_with("200 OK: "), "{shown}");
    assert!(
        shown.contains(r#"{"breakdowns": [{"testId": "1", "testName": "half a page"}"#),
        "an excerpt of the body: {shown}"
    );
    assert_eq!(request_count(&server).await, 1, "a bad body is not retried");
}

// ---------------------------------------------------------------------------------------------
// 9. A slow server
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_slow_server_times_out_promptly() {
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok().set_delay(Duration::from_secs(2))]).await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client");

    let started = Instant::now();
    let error = client.get_quotas().send().await.expect_err("too slow");
    let took = started.elapsed();

    assert!(took < Duration::from_millis(1_000), "gave up after {took:?}, expected ~200 ms");
    match &error {
        Error::Communication { source, attempts } => {
            assert!(source.is_timeout(), "{source:?}");
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected Error::Communication, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 1);

    // The same timeout on a caller's own HTTP client (which has none) applies per request.
    let client = Client::builder()
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client");
    let started = Instant::now();
    let error = client.get_quotas().send().await.expect_err("too slow");
    assert!(started.elapsed() < Duration::from_millis(1_000), "gave up after {:?}", started.elapsed());
    assert!(matches!(&error, Error::Communication { source, .. } if source.is_timeout()), "{error:?}");
}

#[tokio::test]
async fn timeouts_of_a_get_are_retried() {
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok().set_delay(Duration::from_secs(2))]).await;
    let retries = Retries::default();
    let seen = retries.clone();
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries())
        .on_retry(move |event: &RetryEvent| seen.0.lock().expect("observer lock").push(event.clone()))
        .build()
        .expect("a valid client");

    let started = Instant::now();
    let error = client.get_quotas().send().await.expect_err("too slow every time");

    assert!(
        started.elapsed() < Duration::from_millis(1_500),
        "3 × 200 ms and a little backoff, took {:?}",
        started.elapsed()
    );
    assert!(matches!(&error, Error::Communication { source, attempts: 3 } if source.is_timeout()), "{error:?}");
    assert_eq!(request_count(&server).await, 3);
    let events = retries.events();
    assert!(events.len() == 2 && events.iter().all(|e| e.reason == "timed out"), "{events:?}");
}

// ---------------------------------------------------------------------------------------------
// 10. Fields and values the document does not know
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_fields_and_values_pass_through_pages() {
    let server = MockServer::start().await;
    let mut first = page(0..2, Some(&tests_href(&server, "cursor=p2")));
    let mut second = page(2..4, None);
    for body in [&mut first, &mut second] {
        body["pageInfo"] = json!({"total": 4});
        body["_links"]["self"]["method"] = json!("GET");
        for item in body["breakdowns"].as_array_mut().expect("breakdowns") {
            item["carbonUnits"] = json!({"used": 1.5, "unit": "kg"});
            item["testType"] = json!("Quantum Entanglement");
            item["tier"] = json!("PLATINUM_PLUS");
        }
    }
    second["_links"]["next"] = Value::Null;
    mount_first_page(&server, &first).await;
    mount_page_at(&server, "cursor=p2", &second).await;

    let agents = json!({
        "breakdowns": [
            {"aid": "1234", "agentId": "1", "agentName": "a", "agentKind": "virtual-appliance", "enterpriseUnitsUsed": 5},
            {"aid": "1234", "agentId": "2", "agentName": "b", "enterpriseUnitsUsed": 7, "labels": ["x"]}
        ],
        "_links": {"self": {"href": "/v7/usage/units/enterprise-agents", "newRel": true}},
        "schemaVersion": 99
    });
    Mock::given(method("GET")).and(path(AGENTS_PATH)).respond_with(hal_json(&agents)).mount(&server).await;
    let client = client(&server);

    let items: Vec<UnitsByTests> =
        tokio::time::timeout(Duration::from_secs(10), client.get_tests_units_usage().stream().try_collect())
            .await
            .expect("within 10 s")
            .expect("unknown fields and values decode");
    assert_eq!(ids(&items), [0, 1, 2, 3]);
    assert!(
        items.iter().all(|i| i.test_type.as_deref() == Some("Quantum Entanglement")),
        "unknown values kept as received"
    );
    assert_eq!(items[3].cloud_units_used, Some(3));
    assert_eq!(items[3].account_group_name.as_deref(), Some("Support"));

    let agents: Vec<_> = client.get_enterprise_agents_units_usage().stream().try_collect().await.expect("decodes");
    assert_eq!(agents.iter().map(|a| a.agent_id.as_deref()).collect::<Vec<_>>(), [Some("1"), Some("2")]);
    assert_eq!(agents[1].enterprise_units_used, Some(7));
    assert_eq!(request_count(&server).await, 3);
}

// ---------------------------------------------------------------------------------------------
// 11. Many pages
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ten_thousand_items_stream_once_each_in_order() {
    const TOTAL: usize = 10_500;
    const PER_PAGE: usize = 1_000;
    let server = MockServer::start().await;
    let base = server.uri();
    let responder = move |request: &Request| {
        let offset = match request.url.query_pairs().find(|(name, _)| name == "cursor") {
            Some((_, cursor)) => {
                cursor.strip_prefix("offset:").and_then(|n| n.parse().ok()).expect("a cursor this server made")
            }
            None => 0,
        };
        let end = (offset + PER_PAGE).min(TOTAL);
        let next = (end < TOTAL).then(|| format!("{base}{TESTS_PATH}?cursor=offset%3A{end}"));
        hal_json(&page(offset..end, next.as_deref()))
    };
    Mock::given(method("GET")).and(path(TESTS_PATH)).respond_with(responder).mount(&server).await;
    let client = client(&server);

    let items: Vec<UnitsByTests> =
        tokio::time::timeout(Duration::from_secs(30), client.get_tests_units_usage().stream().try_collect())
            .await
            .expect("within 30 s")
            .expect("every page decodes");
    assert_eq!(items.len(), TOTAL);
    assert!(ids(&items).into_iter().eq(0..TOTAL), "ids 0..10499, each once, in order");
    assert_eq!(request_count(&server).await, 11, "10 full pages and a partial one");

    let pages: Vec<_> = client.get_tests_units_usage().pages().try_collect().await.expect("every page decodes");
    assert_eq!(pages.len(), 11);
    let sizes: Vec<usize> = pages.iter().map(|p| p.breakdowns.as_ref().map_or(0, Vec::len)).collect();
    assert_eq!(sizes, [[PER_PAGE; 10].as_slice(), &[500]].concat());
    assert!(pages.iter().all(|p| p.status() == 200));
    assert_eq!(request_count(&server).await, 22);
}

// ---------------------------------------------------------------------------------------------
// 12. Rate-limit state
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limit_state_is_readable_from_successes_and_errors() {
    let reset = Utc::now().timestamp() + 30;
    let reset_at = DateTime::<Utc>::from_timestamp(reset, 0).expect("valid");
    let server = MockServer::start().await;
    serve_in_order(
        &server,
        vec![
            quotas_ok()
                .insert_header("X-Organization-Rate-Limit-Limit", "240")
                .insert_header("X-Organization-Rate-Limit-Remaining", "239")
                .insert_header("X-Organization-Rate-Limit-Reset", reset.to_string().as_str()),
            too_many_requests()
                .insert_header("X-Organization-Rate-Limit-Limit", "240")
                .insert_header("X-Organization-Rate-Limit-Remaining", "0")
                .insert_header("X-Organization-Rate-Limit-Reset", reset.to_string().as_str()),
        ],
    )
    .await;
    let (client, _) = observed_client(&server.uri(), RetryPolicy::disabled());

    let quotas = client.get_quotas().send().await.expect("200");
    assert_eq!(quotas.rate_limit(), Some(RateLimit { limit: Some(240), remaining: Some(239), reset: Some(reset_at) }));

    let error = client.get_quotas().send().await.expect_err("429");
    assert_eq!(error.rate_limit(), Some(RateLimit { limit: Some(240), remaining: Some(0), reset: Some(reset_at) }));
    let wait = error.retry_after().expect("the reset is the wait");
    // The wait is measured when the response arrives: up to 30 s, less whatever time passed since
    // `reset` was computed (seconds on a loaded machine).
    assert!(wait > Duration::from_secs(20) && wait <= Duration::from_secs(30), "{wait:?}");
    let shown = format!("(retry after {}s)", wait.as_secs_f64().ceil() as u64);
    assert!(error.to_string().ends_with(&shown), "{error}");

    // Without the headers there is no state.
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok()]).await;
    let plain = observed_client(&server.uri(), RetryPolicy::disabled()).0;
    assert_eq!(plain.get_quotas().send().await.expect("200").rate_limit(), None);
}

// ---------------------------------------------------------------------------------------------
// 13. Building clients
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_default_user_agent_names_the_crate_and_its_version_and_can_be_replaced() {
    let expected_default = concat!("usage-client/", env!("CARGO_PKG_VERSION"));
    assert_eq!(usage_client::runtime::USER_AGENT, expected_default);
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok()]).await;

    Client::builder().base_url(server.uri()).build().expect("client").get_quotas().send().await.expect("200");
    Client::builder()
        .base_url(server.uri())
        .user_agent("x/1")
        .build()
        .expect("client")
        .get_quotas()
        .send()
        .await
        .expect("200");
    let own = reqwest::Client::builder().user_agent("own/2").build().expect("HTTP client");
    Client::builder()
        .base_url(server.uri())
        .http_client(own.clone())
        .build()
        .expect("client")
        .get_quotas()
        .send()
        .await
        .expect("200");
    Client::builder()
        .base_url(server.uri())
        .http_client(own)
        .user_agent("x/1")
        .build()
        .expect("client")
        .get_quotas()
        .send()
        .await
        .expect("200");
    Client::new(server.uri()).get_quotas().send().await.expect("200");

    let received = requests(&server).await;
    let agents: Vec<Vec<&str>> = received.iter().map(|r| header_values(r, "user-agent")).collect();
    assert_eq!(
        agents,
        [vec![expected_default], vec!["x/1"], vec!["own/2"], vec!["x/1"], vec![expected_default]],
        "default; replaced; the caller's client's own; replaced on the caller's client; Client::new"
    );

    let bad = Client::builder().user_agent("bad\nagent").build();
    assert!(matches!(bad, Err(ConfigError::InvalidUserAgent(_))), "a user agent with a newline is refused");
}

#[tokio::test]
async fn debug_output_never_shows_the_token() {
    let server = MockServer::start().await;
    let client = observed_client(&server.uri(), fast_retries()).0;
    let old_style = Client::new(server.uri()).with_bearer_token(TOKEN);

    for shown in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{old_style:?}"),
        format!("{:?}", client.get_tests_units_usage().cursor("c")),
        format!("{:?}", client.assign_organizations_quotas().body(quotas_assign_request())),
    ] {
        assert!(!shown.contains(TOKEN), "the token leaks: {shown}");
        assert!(!shown.contains(&TOKEN[..8]), "part of the token leaks: {shown}");
        assert!(shown.contains("<redacted>"), "the token's presence is shown redacted: {shown}");
    }
    assert_eq!(request_count(&server).await, 0);
}

/// Environment variables are global to the process, so everything about `from_env` is one test.
#[tokio::test]
async fn from_env_reads_the_token_and_base_url_and_requires_the_token() {
    const TOKEN_VAR: &str = "THOUSANDEYES_TOKEN";
    const URL_VAR: &str = "THOUSANDEYES_BASE_URL";
    let saved = (std::env::var_os(TOKEN_VAR), std::env::var_os(URL_VAR));
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok()]).await;

    std::env::set_var(TOKEN_VAR, "env-token-123");
    std::env::set_var(URL_VAR, server.uri());
    let from_env = Client::from_env();

    std::env::set_var(URL_VAR, "");
    let empty_url = Client::from_env();

    std::env::remove_var(URL_VAR);
    let no_url = Client::from_env();

    std::env::set_var(TOKEN_VAR, "   ");
    let blank_token = Client::from_env();

    std::env::remove_var(TOKEN_VAR);
    std::env::set_var(URL_VAR, server.uri());
    let no_token = Client::from_env();

    for (name, value) in [(TOKEN_VAR, saved.0), (URL_VAR, saved.1)] {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }

    let client = from_env.expect("token and base URL set");
    assert_eq!(client.base_url(), server.uri());
    client.get_quotas().send().await.expect("200");
    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(header_values(&received[0], "authorization"), ["Bearer env-token-123"]);
    assert!(!format!("{client:?}").contains("env-token-123"));

    assert_eq!(empty_url.expect("an empty base URL variable is ignored").base_url(), Client::DEFAULT_BASE_URL);
    assert_eq!(no_url.expect("the base URL is optional").base_url(), Client::DEFAULT_BASE_URL);
    assert!(matches!(blank_token, Err(ConfigError::MissingToken("THOUSANDEYES_TOKEN"))), "{:?}", blank_token.err());
    match no_token {
        Err(ConfigError::MissingToken(variable)) => assert_eq!(variable, "THOUSANDEYES_TOKEN"),
        Err(other) => panic!("expected ConfigError::MissingToken, got {other:?}"),
        Ok(client) => panic!("expected ConfigError::MissingToken, got a client {client:?}"),
    }
    assert_eq!(request_count(&server).await, 1, "nothing sent without a token");
}

#[test]
fn a_builder_without_a_base_url_uses_the_documented_server() {
    let client = Client::builder().build().expect("the document names a server");
    assert_eq!(client.base_url(), Client::DEFAULT_BASE_URL);
    assert_eq!(Client::DEFAULT_BASE_URL, "https://api.thousandeyes.com/v7");
    let trailing = Client::builder().base_url("http://127.0.0.1:9/v7/").build().expect("valid");
    assert_eq!(trailing.base_url(), "http://127.0.0.1:9/v7", "a trailing slash is dropped");
    assert!(matches!(Client::builder().base_url("ftp://127.0.0.1/").build(), Err(ConfigError::InvalidBaseUrl(_))));
    assert!(matches!(Client::builder().base_url("not a url").build(), Err(ConfigError::InvalidBaseUrl(_))));
}

#[tokio::test]
async fn a_body_that_arrives_in_many_chunks_is_read_whole() {
    let body = serde_json::to_vec(&quotas_body()).expect("JSON");
    let thirds: Vec<Vec<u8>> = body.chunks(body.len() / 3 + 1).map(<[u8]>::to_vec).collect();
    assert_eq!(thirds.len(), 3);

    // Content-Length, the body in three writes.
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let base = serve_in_pieces(head, thirds.clone()).await;
    let client = Client::builder().base_url(base).build().expect("client");
    let quotas = client.get_quotas().send().await.expect("200").into_inner();
    assert_eq!(serde_json::to_value(&quotas).expect("JSON"), quotas_body());

    // Chunked transfer encoding, no length announced.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    let mut pieces: Vec<Vec<u8>> = thirds
        .iter()
        .map(|third| [format!("{:x}\r\n", third.len()).into_bytes(), third.clone(), b"\r\n".to_vec()].concat())
        .collect();
    pieces.push(b"0\r\n\r\n".to_vec());
    let base = serve_in_pieces(head.to_owned(), pieces).await;
    let client = Client::builder().base_url(base).build().expect("client");
    let response = client.get_quotas().send().await.expect("200");
    assert_eq!(serde_json::to_value(response.into_inner()).expect("JSON"), quotas_body());

    // A body cut short of its announced length is a communication error, not a truncated value.
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let base = serve_in_pieces(head, thirds[..2].to_vec()).await;
    let client = Client::builder().base_url(base).retry_policy(RetryPolicy::disabled()).build().expect("client");
    let error = client.get_quotas().send().await.expect_err("cut short");
    assert!(matches!(error, Error::Communication { .. }), "{error:?}");
}
