//! Paging: next links already sent, cursors as the server wrote them and links to elsewhere,
//! broken pages, slow servers, unknown fields and values, and many pages.

use super::*;

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
        .bearer_token("t")
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
        .bearer_token("t")
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
        .bearer_token("t")
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
