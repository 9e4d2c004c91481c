//! The generated fake servers (`thousandeyes::mock`, `acronis::mock`, feature `mock`) as a user's
//! tests would use them: typed answers, page sequences, documented errors, rate-limit headers, and
//! checks of what was requested.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures_util::FutureExt;
use usage_client::runtime::mock::Reply;
use usage_client::runtime::{RateLimit, RateLimitExt, RetryPolicy, StreamExt};
use usage_client::thousandeyes::mock::MockServer;
use usage_client::thousandeyes::types::*;
use usage_client::thousandeyes::Client;
use usage_client::{acronis, Error};

fn row(id: &str) -> UnitsByTests {
    UnitsByTests::new().with_test_id(id).with_test_name(format!("test {id}")).with_cloud_units_used(7)
}

fn page(ids: &[&str]) -> TestsUsage {
    TestsUsage::new().with_breakdowns(ids.iter().map(|id| row(id)).collect())
}

fn problem(title: &str) -> usage_client::thousandeyes::types::Error {
    usage_client::thousandeyes::types::Error::new().with_title(title).with_status(429)
}

fn fast(server: &MockServer) -> Client {
    server.builder().retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5))).build().expect("client")
}

#[tokio::test]
async fn a_typed_answer_arrives_as_it_was_primed_and_the_request_is_recorded() {
    let server = MockServer::new().await;
    let usage =
        Usage::new().with_usage(UsageDetails::new().with_cloud_units_used(1_200).with_enterprise_units_used(300));
    server.get_usage().respond(usage.clone()).await;

    let client = Client::from(&server);
    let got = client.get_usage().aid("1234").expand(vec![ExpandUsageOptions::Test]).send().await.expect("200");

    assert_eq!(*got, usage);
    assert_eq!(got.status(), 200);
    let requests = server.get_usage().requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method(), "GET");
    assert_eq!(requests[0].path(), "/usage");
    assert_eq!(requests[0].query("aid").as_deref(), Some("1234"));
    assert_eq!(requests[0].query("expand").as_deref(), Some("test"));
    assert_eq!(requests[0].header("Authorization"), Some("Bearer mock-token"));
    assert!(server.get_quotas().requests().await.is_empty(), "other operations saw nothing");
    assert_eq!(server.requests().await.len(), 1);
}

#[tokio::test]
async fn page_sequences_are_linked_by_the_server_and_kept_apart_by_query() {
    let server = MockServer::new().await;
    server
        .get_tests_units_usage()
        .query_param("aid", "1")
        .pages(vec![page(&["a1", "a2"]), page(&["a3"]), page(&["a4"])])
        .await;
    server.get_tests_units_usage().query_param("aid", "2").pages(vec![page(&["b1"]), page(&["b2"])]).await;
    let client = Client::from(&server);

    let (first, second) = futures_util::join!(
        client.get_tests_units_usage().aid("1").stream().collect::<Vec<_>>(),
        client.get_tests_units_usage().aid("2").stream().collect::<Vec<_>>(),
    );

    let ids = |rows: Vec<Result<UnitsByTests, _>>| -> Vec<String> {
        rows.into_iter().map(|r| r.expect("a row").test_id.expect("an id")).collect()
    };
    assert_eq!(ids(first), ["a1", "a2", "a3", "a4"]);
    assert_eq!(ids(second), ["b1", "b2"]);
    let requests = server.get_tests_units_usage().requests().await;
    assert_eq!(requests.len(), 5, "three pages and two");
    let cursors: Vec<Option<String>> =
        requests.iter().filter(|r| r.query("aid").as_deref() == Some("1")).map(|r| r.query("cursor")).collect();
    assert_eq!(cursors.len(), 3);
    assert_eq!(cursors[0], None, "the first page is the request as built");
    assert!(cursors[1..].iter().all(Option::is_some), "later pages follow the links: {cursors:?}");
}

#[tokio::test]
async fn documented_errors_come_back_typed_and_a_limited_answer_gives_way_to_the_next() {
    let server = MockServer::new().await;
    server.get_quotas().times(1).fail(GetQuotasError::TooManyRequests(problem("Too Many Requests"))).await;
    server.get_quotas().respond(Quotas::new().with_quotas(Vec::new())).await;
    server.get_usage().fail(GetUsageError::Forbidden(problem("no billing permission"))).await;
    let client = fast(&server);

    let quotas = client.get_quotas().send().await.expect("the retry after the 429 succeeds");
    assert_eq!(quotas.quotas.as_deref(), Some(&[][..]));
    assert_eq!(server.get_quotas().requests().await.len(), 2);

    let error = client.get_usage().send().await.expect_err("403");
    assert_eq!(error.status(), Some(reqwest::StatusCode::FORBIDDEN));
    match error.error_body() {
        Some(GetUsageError::Forbidden(body)) => assert_eq!(body.title.as_deref(), Some("no billing permission")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_headers_are_the_documented_ones_and_the_client_paces_by_them() {
    let server = MockServer::new().await;
    let reset = Utc.timestamp_opt(Utc::now().timestamp() + 1, 0).single().expect("a moment");
    let state = RateLimit { limit: Some(240), remaining: Some(0), reset: Some(reset) };
    server.get_quotas().rate_limit(state).respond(Quotas::new()).await;
    let client = Client::from(&server);

    let first = client.get_quotas().send().await.expect("200");
    assert_eq!(first.rate_limit(), Some(state));
    assert_eq!(first.headers()["x-organization-rate-limit-limit"], "240");
    client.get_quotas().send().await.expect("200, once the window reset");
    assert!(Utc::now() >= reset, "the second request waited for the reset the first answer announced");
}

#[tokio::test]
async fn request_bodies_decode_into_their_types_and_empty_successes_answer_with_their_status() {
    let server = MockServer::new().await;
    let assigned = QuotasAssignResponse::new().with_organizations(vec![OrganizationQuota::new(500).with_org_id("9")]);
    server.assign_organizations_quotas().respond(assigned.clone()).await;
    server.unassign_organizations_quotas().expect(1).respond(()).await;
    let client = Client::from(&server);

    let request = QuotasAssignRequest::new().with_organizations(vec![OrganizationQuota::new(500).with_org_id("9")]);
    let answer = client.assign_organizations_quotas().body(request.clone()).send().await.expect("200");
    assert_eq!(*answer, assigned);
    let unassigned = client.unassign_organizations_quotas().send().await.expect("204");
    assert_eq!(unassigned.status(), 204);

    let sent = server.assign_organizations_quotas().requests().await;
    assert_eq!(sent[0].json::<QuotasAssignRequest>().expect("the body the client sent"), request);
    server.verify().await;
}

#[tokio::test]
async fn unmet_expectations_fail_verification() {
    let server = MockServer::new().await;
    server.get_usage().expect(2).respond(Usage::new()).await;
    Client::from(&server).get_usage().send().await.expect("200");

    let verified = std::panic::AssertUnwindSafe(server.verify()).catch_unwind().await;
    assert!(verified.is_err(), "one request of the two expected");
    server.reset().await;
}

#[tokio::test]
async fn raw_replies_cover_what_the_document_does_not() {
    let server = MockServer::new().await;
    server
        .get_usage()
        .reply(Reply::bytes(200, "application/hal+json", r#"{"usage": {"cloudUnitsUsed": "many"}}"#))
        .await;
    let error = Client::from(&server).get_usage().send().await.expect_err("not a number");
    let Error::InvalidResponsePayload { source, .. } = &error else { panic!("{error:?}") };
    assert_eq!(source.path(), "usage.cloudUnitsUsed");

    // Nothing primed: 404 with a problem body that says so.
    let error = Client::from(&server).get_quotas().send().await.expect_err("nothing primed");
    assert_eq!(error.status(), Some(reqwest::StatusCode::NOT_FOUND));
    match error.error_body() {
        Some(GetQuotasError::NotFound(body)) => {
            assert_eq!(body.detail.as_deref(), Some("nothing is primed for GET /quotas"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn other_apis_get_theirs_path_parameters_and_binary_bodies_included() {
    let server = acronis::mock::MockServer::new().await;
    let (report, stored) = (uuid::Uuid::from_u128(7), uuid::Uuid::from_u128(8));
    server.download_stored_report().respond(b"id,units\n1,2\n".to_vec()).await;
    server
        .get_report()
        .fail(acronis::types::GetReportError::Other(
            acronis::types::Error::new().with_error(acronis::types::ErrorDetails::new().with_message("gone")),
        ))
        .await;
    let client = acronis::Client::from(&server);

    let mut stream = client.download_stored_report(report, stored).send().await.expect("200").into_inner();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.expect("a chunk"));
    }
    assert_eq!(body, b"id,units\n1,2\n");
    let requests = server.download_stored_report().requests().await;
    assert_eq!(requests[0].path(), format!("/reports/{report}/stored/{stored}"));

    let error = client.get_report(report).send().await.expect_err("documented as default");
    assert_eq!(error.status(), Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR));
    assert!(matches!(error.error_body(), Some(acronis::types::GetReportError::Other(_))), "{error:?}");
}
