//! A rate-limited ThousandEyes server on 127.0.0.1 for tests: `GET /usage/units/tests` pages for
//! several account groups (`aid`), under an organization limit of `limit` requests per fixed
//! window of `window_secs` seconds (windows start at multiples of `window_secs` since the epoch,
//! as a server that announces whole-second resets would keep them). Every answer carries
//! `X-Organization-Rate-Limit-{Limit,Remaining,Reset}`; a request over the limit gets `429` with
//! a problem body. The server counts, by account group, what it served and refused.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TESTS_PATH: &str = "/usage/units/tests";

/// What the server saw, by account group.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Pages served, by `aid`.
    pub served: BTreeMap<String, usize>,
    /// Requests refused with `429`, by `aid`.
    pub refused: BTreeMap<String, usize>,
    /// Requests served in each window, by window number.
    pub per_window: BTreeMap<u64, usize>,
}

impl Tally {
    pub fn total_refused(&self) -> usize {
        self.refused.values().sum()
    }
}

struct Limiter {
    base: String,
    limit: usize,
    window_secs: u64,
    /// Rows of each page, by `aid`.
    pages: BTreeMap<String, Vec<Vec<Value>>>,
    state: Arc<Mutex<Window>>,
}

/// The tally, the current window's number and the requests served in it.
#[derive(Default)]
struct Window {
    tally: Tally,
    number: u64,
    used: usize,
}

impl Respond for Limiter {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after the epoch").as_secs();
        let window = now / self.window_secs;
        let reset = (window + 1) * self.window_secs;
        let query: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        let aid = query.get("aid").cloned().unwrap_or_default();
        let mut state = self.state.lock().expect("limiter lock");
        let Window { tally, number, used } = &mut *state;
        if *number != window {
            *number = window;
            *used = 0;
        }
        let limited = |template: ResponseTemplate, remaining: usize| {
            template
                .insert_header("X-Organization-Rate-Limit-Limit", self.limit.to_string().as_str())
                .insert_header("X-Organization-Rate-Limit-Remaining", remaining.to_string().as_str())
                .insert_header("X-Organization-Rate-Limit-Reset", reset.to_string().as_str())
        };
        if *used >= self.limit {
            *tally.refused.entry(aid).or_default() += 1;
            let body = json!({"type": "about:blank", "title": "Too Many Requests", "status": 429,
                "detail": "Exhausted rate limit for the organization"});
            return limited(ResponseTemplate::new(429).set_body_raw(body.to_string(), "application/problem+json"), 0);
        }
        *used += 1;
        *tally.per_window.entry(window).or_default() += 1;
        *tally.served.entry(aid.clone()).or_default() += 1;
        let pages = self.pages.get(&aid).map(Vec::as_slice).unwrap_or_default();
        let index: usize =
            query.get("cursor").and_then(|c| c.strip_prefix('p')).and_then(|n| n.parse().ok()).unwrap_or(0);
        let rows = pages.get(index).cloned().unwrap_or_default();
        let mut body = json!({"breakdowns": rows, "_links": {"self": {"href": format!("{}{TESTS_PATH}", self.base)}}});
        if index + 1 < pages.len() {
            let next = format!("{}{TESTS_PATH}?aid={aid}&cursor=p{}", self.base, index + 1);
            body["_links"]["next"] = json!({"href": next});
        }
        limited(ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/hal+json"), self.limit - *used)
    }
}

/// One row of account group `aid`, page `page`, position `n`.
pub fn row(aid: &str, page: usize, n: usize) -> Value {
    json!({
        "testId": format!("{aid}-{page}-{n}"),
        "testName": format!("test {n} of group {aid}, page {page}"),
        "testType": "Web - HTTP Server",
        "aid": aid,
        "accountGroupName": format!("Group {aid}"),
        "isInstantTest": false,
        "cloudUnitsUsed": n,
        "enterpriseUnitsUsed": page,
    })
}

/// The running server and what it saw.
pub struct Limited {
    pub server: MockServer,
    state: Arc<Mutex<Window>>,
}

impl Limited {
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// What the server saw so far.
    pub fn tally(&self) -> Tally {
        self.state.lock().expect("limiter lock").tally.clone()
    }
}

/// Starts the server with `pages_each` pages of `rows_each` rows for each of `aids`.
pub async fn start(aids: &[&str], pages_each: usize, rows_each: usize, limit: usize, window_secs: u64) -> Limited {
    let server = MockServer::start().await;
    let pages = aids
        .iter()
        .map(|aid| {
            let pages = (0..pages_each).map(|p| (0..rows_each).map(|n| row(aid, p, n)).collect()).collect();
            ((*aid).to_owned(), pages)
        })
        .collect();
    let state = Arc::new(Mutex::new(Window::default()));
    let limiter = Limiter { base: server.uri(), limit, window_secs, pages, state: state.clone() };
    Mock::given(method("GET")).and(path(TESTS_PATH)).respond_with(limiter).mount(&server).await;
    Limited { server, state }
}
