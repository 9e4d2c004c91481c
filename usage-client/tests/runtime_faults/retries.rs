//! Retries: 429s with a server-named wait, transient failures while paging, rate limits that
//! do not end, what is retried by method and status, and nothing listening.

use super::*;

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

    // A POST whose connection never opened surely never arrived: it is sent again, unless the
    // policy says not to.
    let error =
        client.assign_organizations_quotas().body(quotas_assign_request()).send().await.expect_err("nothing listens");
    assert!(matches!(error, Error::Communication { attempts: 3, .. }), "{error:?}");
    let (client, _) = observed_client(&format!("http://127.0.0.1:{port}"), fast_retries().retry_unsent(false));
    let error =
        client.assign_organizations_quotas().body(quotas_assign_request()).send().await.expect_err("nothing listens");
    assert!(matches!(error, Error::Communication { attempts: 1, .. }), "{error:?}");
}

#[tokio::test]
async fn a_post_marked_idempotent_by_the_caller_is_retried_after_a_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let (client, _) = observed_client(&server.uri(), fast_retries());
    let options = usage_client::runtime::RequestOptions::new().idempotent();
    let request = client.assign_organizations_quotas().body(quotas_assign_request()).with_options(options);
    request.send().await.expect_err("503 every time");
    assert_eq!(request_count(&server).await, 3);
}
