//! What goes on the wire: method, path, headers and query parameters of every operation.

use super::*;

#[tokio::test]
async fn every_operation_sends_its_method_path_bearer_token_and_accept_header() {
    for op in Op::ALL {
        let server = MockServer::start().await;
        respond_with(&server, op.success()).await;

        let (status, _) = op.send(&client(&server)).await.unwrap_or_else(|e| panic!("{op:?}: {e}"));
        assert_eq!(status, if op.returns_no_content() { 204 } else { 200 }, "{op:?}: status");

        let request = only_request(&server).await;
        assert_request_envelope(&request, op, "");
        // Nothing optional was set, so there is no query at all (not even a bare `?`).
        assert_eq!(request.url.query(), None, "{op:?}: query of a request without parameters");
        match op.request_body() {
            Some(expected) => assert_eq!(json_body(&request), expected, "{op:?}: body"),
            None => assert!(request.body.is_empty(), "{op:?}: body"),
        }
    }
}

#[tokio::test]
async fn base_urls_with_a_path_prefix_or_trailing_slash_are_joined_with_operation_paths() {
    for op in Op::ALL {
        for (suffix, prefix) in [("/v7", "/v7"), ("/v7/", "/v7"), ("/", ""), ("/api/v7//", "/api/v7")] {
            let server = MockServer::start().await;
            respond_with(&server, op.success()).await;
            let client = Client::new(format!("{}{suffix}", server.uri())).with_bearer_token(TOKEN);
            assert_eq!(
                client.base_url(),
                format!("{}{prefix}", server.uri()),
                "base URL {suffix:?} is kept without trailing '/'"
            );

            op.send(&client).await.unwrap_or_else(|e| panic!("{op:?} with base URL suffix {suffix:?}: {e}"));

            let request = only_request(&server).await;
            assert_request_envelope(&request, op, prefix);
        }
    }
}

#[tokio::test]
async fn without_a_token_nothing_is_sent_and_the_error_names_the_scheme() {
    let server = MockServer::start().await;
    respond_with(&server, Op::GetQuotas.success()).await;

    let error = Client::new(server.uri()).get_quotas().send().await.expect_err("no credentials");

    let Error::Authentication(why) = &error else { panic!("expected Error::Authentication, got {error:?}") };
    assert_eq!(why.message(), "operation `getQuotas` needs credentials for `BearerAuth`; the client has none of them");
    assert!(server.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn a_token_that_cannot_be_a_header_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    respond_with(&server, Op::GetQuotas.success()).await;
    let client = Client::new(server.uri()).with_bearer_token("abc\r\nX-Injected: yes");

    for op in Op::ALL {
        let error = op.send(&client).await.expect_err("the token is rejected");
        match &error {
            Error::InvalidRequest(message) => assert!(message.contains("bearer token"), "{op:?}: {message}"),
            other => panic!("{op:?}: expected Error::InvalidRequest, got {other:?}"),
        }
        assert_eq!(error.status(), None);
        let shown = error.to_string();
        assert_one_line(&shown);
        assert!(shown.starts_with("invalid request: "), "{shown}");
        assert!(!shown.contains("abc"), "the token must not be shown: {shown}");
    }
    assert_eq!(server.received_requests().await.expect("recording").len(), 0, "nothing may reach the server");
}

// ---------------------------------------------------------------------------------------------
// Query parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_usage_sends_aid_and_expand_as_one_comma_separated_value() {
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&usage_body())).await;

    client(&server)
        .get_usage()
        .aid("1234")
        .expand(vec![ExpandUsageOptions::Test, ExpandUsageOptions::EnterpriseAgent])
        .send()
        .await
        .expect("usage report");

    let request = only_request(&server).await;
    assert_request_envelope(&request, Op::GetUsage, "");
    // `form` with `explode: false` (RFC 6570): the separating comma is written as a comma.
    assert_eq!(request.url.query(), Some("aid=1234&expand=test,enterprise-agent"));
    assert_eq!(query_pairs(&request), pairs(&[("aid", "1234"), ("expand", "test,enterprise-agent")]));
}

#[tokio::test]
async fn get_usage_expand_with_one_value_every_known_value_and_an_unknown_value() {
    let all_known = vec![
        ExpandUsageOptions::Test,
        ExpandUsageOptions::EnterpriseAgent,
        ExpandUsageOptions::EnterpriseAgentUnit,
        ExpandUsageOptions::EndpointAgent,
        ExpandUsageOptions::EndpointAgentEssential,
        ExpandUsageOptions::EndpointAgentEmbedded,
    ];
    let cases = [
        (vec![ExpandUsageOptions::Test], "test"),
        (
            all_known,
            "test,enterprise-agent,enterprise-agent-unit,endpoint-agent,endpoint-agent-essential,endpoint-agent-embedded",
        ),
        (vec![ExpandUsageOptions::Unknown("new-thing".into()), ExpandUsageOptions::Test], "new-thing,test"),
    ];
    for (expand, expected) in cases {
        let server = MockServer::start().await;
        respond_with(&server, hal_json(&usage_body())).await;

        client(&server).get_usage().expand(expand.clone()).send().await.expect("usage report");

        let request = only_request(&server).await;
        assert_eq!(query_pairs(&request), pairs(&[("expand", expected)]), "expand {expand:?}");
        assert_eq!(
            request.url.query().map(str::to_owned),
            Some(format!("expand={expected}")),
            "raw query of expand {expand:?}"
        );
    }
}

#[tokio::test]
async fn get_tests_units_usage_sends_dates_in_utc_with_z_and_the_cursor_verbatim() {
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&tests_usage_body())).await;
    // The end arrives in another offset; the client sends it converted to UTC.
    let end = FixedOffset::east_opt(2 * 3600)
        .expect("valid offset")
        .with_ymd_and_hms(2022, 7, 19, 0, 0, 54)
        .single()
        .expect("unambiguous local time")
        .to_utc();
    let cursor = "a/b+c=d?e&f%g h#i";

    client(&server)
        .get_tests_units_usage()
        .aid("1234")
        .start_date(Utc.with_ymd_and_hms(2022, 7, 17, 22, 0, 54).single().expect("valid date"))
        .end_date(end)
        .cursor(cursor)
        .send()
        .await
        .expect("tests usage");

    let request = only_request(&server).await;
    assert_request_envelope(&request, Op::GetTestsUnitsUsage, "");
    assert_eq!(
        query_pairs(&request),
        pairs(&[
            ("aid", "1234"),
            ("startDate", "2022-07-17T22:00:54Z"),
            ("endDate", "2022-07-18T22:00:54Z"),
            ("cursor", cursor),
        ])
    );
    // RFC 6570 form expansion: ':' and every reserved character of the cursor are
    // percent-encoded, a space is %20.
    assert_eq!(
        request.url.query(),
        Some(
            "aid=1234&startDate=2022-07-17T22%3A00%3A54Z&endDate=2022-07-18T22%3A00%3A54Z\
             &cursor=a%2Fb%2Bc%3Dd%3Fe%26f%25g%20h%23i"
        )
    );
}

#[tokio::test]
async fn get_enterprise_agents_units_usage_sends_dates_and_cursor_and_only_what_was_set() {
    let cursor = "eyJhZ2VudCI6Ijc4OSJ9==/+?&%";
    let cases: [(Option<&str>, Option<&str>, Option<&str>); 4] = [
        (Some("2022-07-17T22:00:54Z"), Some("2022-07-18T22:00:54Z"), Some(cursor)),
        (Some("2022-07-17T22:00:54Z"), None, None),
        (None, Some("2022-07-18T22:00:54.250Z"), None),
        (None, None, Some(cursor)),
    ];
    for (start, end, page) in cases {
        let server = MockServer::start().await;
        respond_with(&server, hal_json(&enterprise_agents_usage_body())).await;

        let client = client(&server);
        let mut builder = client.get_enterprise_agents_units_usage();
        if let Some(start) = start {
            builder = builder.start_date(utc(start));
        }
        if let Some(end) = end {
            builder = builder.end_date(utc(end));
        }
        if let Some(page) = page {
            builder = builder.cursor(page);
        }
        builder.send().await.expect("enterprise agents usage");

        let request = only_request(&server).await;
        assert_request_envelope(&request, Op::GetEnterpriseAgentsUnitsUsage, "");
        let expected: Vec<(&str, &str)> = [("startDate", start), ("endDate", end), ("cursor", page)]
            .into_iter()
            .filter_map(|(name, value)| value.map(|value| (name, value)))
            .collect();
        assert_eq!(query_pairs(&request), pairs(&expected), "case {start:?} {end:?} {page:?}");
    }
}

#[tokio::test]
async fn get_tests_units_usage_leaves_unset_parameters_out() {
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&tests_usage_body())).await;

    client(&server).get_tests_units_usage().cursor("only-the-cursor").send().await.expect("tests usage");

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("cursor=only-the-cursor"));
}
