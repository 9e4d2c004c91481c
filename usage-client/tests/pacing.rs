//! Pacing by the documented rate-limit headers, against servers on 127.0.0.1: several tasks paging
//! at once on one client (and its clones) share the organization's budget instead of colliding on
//! `429`s; waits stay within the retry budget; pacing can be turned off.
//!
//! The figures of each run (429s, wall time) are printed; `cargo test -p usage-client --test pacing
//! -- --nocapture` shows them.

#[allow(dead_code)]
#[path = "support/rate_limited.rs"]
mod rate_limited;

use std::time::{Duration, Instant};

use chrono::Utc;
use usage_client::runtime::{Pacing, RetryPolicy, StreamExt};
use usage_client::thousandeyes::types::UnitsByTests;
use usage_client::thousandeyes::Client;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pacing-test-token";
const GROUPS: [&str; 4] = ["1001", "1002", "1003", "1004"];
const PAGES: usize = 3;
const ROWS: usize = 25;
/// The organization's limit: 5 requests per 2-second window.
const LIMIT: usize = 5;
const WINDOW_SECS: u64 = 2;

fn client(base_url: &str, pacing: Pacing) -> Client {
    Client::builder().base_url(base_url).bearer_token(TOKEN).pacing(pacing).build().expect("a valid client")
}

/// Pages every group at once, each in a task of its own on a clone of `client`; the rows of each
/// group, or its error.
async fn page_groups_concurrently(client: &Client) -> Vec<Result<Vec<UnitsByTests>, String>> {
    let tasks: Vec<_> = GROUPS
        .iter()
        .map(|aid| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut rows = Vec::new();
                let mut stream = client.get_tests_units_usage().aid(*aid).stream();
                while let Some(row) = stream.next().await {
                    rows.push(row.map_err(|e| e.to_string())?);
                }
                Ok(rows)
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("the task ends"));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_groups_paged_at_once_under_5_per_2s_all_arrive_with_at_most_one_429_each() {
    let server = rate_limited::start(&GROUPS, PAGES, ROWS, LIMIT, WINDOW_SECS).await;
    let client = client(&server.uri(), Pacing::default());

    let started = Instant::now();
    let results = tokio::time::timeout(Duration::from_secs(60), page_groups_concurrently(&client))
        .await
        .expect("done within a minute");
    let took = started.elapsed();

    for (aid, result) in GROUPS.iter().zip(&results) {
        let rows = result.as_ref().unwrap_or_else(|e| panic!("group {aid}: {e}"));
        let ids: Vec<String> = rows.iter().map(|r| r.test_id.clone().expect("testId")).collect();
        let expected: Vec<String> = (0..PAGES).flat_map(|p| (0..ROWS).map(move |n| format!("{aid}-{p}-{n}"))).collect();
        assert_eq!(ids, expected, "group {aid}: every row once, in order");
    }
    let tally = server.tally();
    eprintln!(
        "paced: {} pages served, 429s by group {:?} ({} in all), {:.2}s wall time, requests per window {:?}",
        tally.served.values().sum::<usize>(),
        tally.refused,
        tally.total_refused(),
        took.as_secs_f64(),
        tally.per_window.values().collect::<Vec<_>>()
    );
    for aid in GROUPS {
        assert_eq!(tally.served.get(aid), Some(&PAGES), "group {aid}: each page served once");
        let refused = tally.refused.get(aid).copied().unwrap_or(0);
        assert!(refused <= 1, "group {aid} ran into {refused} 429s: {tally:?}");
    }
    assert!(tally.per_window.values().all(|n| *n <= LIMIT), "{tally:?}");
    // 12 pages at 5 a window take three windows: at least two resets waited for.
    let windows = tally.per_window.len();
    assert!(windows >= 3, "{windows} windows: {tally:?}");
    assert!(took >= Duration::from_secs(2), "two resets cannot pass in {took:?}");
}

/// The same run without pacing: the tasks learn of the limit only from `429`s. Only the
/// collision is asserted (how many 429s depends on timing); the figures are printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pacing_the_same_run_collides_on_429s() {
    let server = rate_limited::start(&GROUPS, PAGES, ROWS, LIMIT, WINDOW_SECS).await;
    let client = client(&server.uri(), Pacing::disabled());

    let started = Instant::now();
    let results = tokio::time::timeout(Duration::from_secs(60), page_groups_concurrently(&client))
        .await
        .expect("done within a minute");
    let took = started.elapsed();

    let tally = server.tally();
    let failed = results.iter().filter(|r| r.is_err()).count();
    eprintln!(
        "unpaced: 429s by group {:?} ({} in all), {failed} group(s) gave up, {:.2}s wall time",
        tally.refused,
        tally.total_refused(),
        took.as_secs_f64()
    );
    // Twelve requests go out within milliseconds: two windows at most take ten of them.
    assert!(tally.total_refused() >= 2, "{tally:?}");
}

/// A server whose first answer says nothing is left until a reset `reset_in` seconds ahead.
async fn exhausted_server(reset_in: i64) -> (MockServer, i64) {
    let server = MockServer::start().await;
    let reset = Utc::now().timestamp() + reset_in;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Organization-Rate-Limit-Limit", "5")
                .insert_header("X-Organization-Rate-Limit-Remaining", "0")
                .insert_header("X-Organization-Rate-Limit-Reset", reset.to_string().as_str())
                .set_body_raw(r#"{"quotas": []}"#, "application/hal+json"),
        )
        .mount(&server)
        .await;
    (server, reset)
}

#[tokio::test]
async fn a_request_waits_for_the_reset_when_nothing_is_left() {
    // A whole second at least one second ahead.
    let (server, reset) = exhausted_server(2).await;
    let client = client(&server.uri(), Pacing::default());
    client.get_quotas().send().await.expect("first");
    let started = Instant::now();
    client.clone().get_quotas().send().await.expect("second");
    let arrivals: Vec<_> = server.received_requests().await.expect("recorded");
    assert_eq!(arrivals.len(), 2);
    assert!(Utc::now().timestamp() >= reset, "the clone's request waited for the reset");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited <= Duration::from_millis(2_100), "{waited:?}");
}

#[tokio::test]
async fn no_pacing_wait_outlasts_the_retry_budget() {
    let (server, _) = exhausted_server(30).await;
    let policy = RetryPolicy::default().max_elapsed(Duration::from_millis(500));
    let client =
        Client::builder().base_url(server.uri()).bearer_token(TOKEN).retry_policy(policy).build().expect("client");
    client.get_quotas().send().await.expect("first");
    let started = Instant::now();
    client.get_quotas().send().await.expect("the server answers the second at once");
    assert!(started.elapsed() < Duration::from_millis(400), "a reset 30 s away does not fit a 0.5 s budget");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
}

#[tokio::test]
async fn pacing_can_be_turned_off() {
    let (server, _) = exhausted_server(30).await;
    let client = client(&server.uri(), Pacing::disabled());
    let started = Instant::now();
    for _ in 0..3 {
        client.get_quotas().send().await.expect("answered");
    }
    assert!(started.elapsed() < Duration::from_secs(1), "no waiting: {:?}", started.elapsed());
    assert_eq!(server.received_requests().await.expect("recorded").len(), 3);
}

#[tokio::test]
async fn operations_without_documented_buckets_are_not_paced() {
    // Acronis documents no rate-limit headers: the same exhausted state changes nothing.
    let (server, _) = exhausted_server(30).await;
    let acronis =
        usage_client::acronis::Client::builder().base_url(server.uri()).bearer_token(TOKEN).build().expect("client");
    let started = Instant::now();
    for _ in 0..3 {
        let _ = acronis.get_report(uuid::Uuid::nil()).send().await;
    }
    assert!(started.elapsed() < Duration::from_secs(1), "no waiting: {:?}", started.elapsed());
    assert_eq!(server.received_requests().await.expect("recorded").len(), 3);
}
