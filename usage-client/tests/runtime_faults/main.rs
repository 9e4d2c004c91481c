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

#[path = "../support/raw_server.rs"]
mod raw_server;
use raw_server::serve_in_pieces;

mod clients;
mod paging;
mod retries;

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
