//! Responses a client cannot take as they are: bodies that do not decode (the error names the JSON
//! path of the value that failed and shows the body around it) and bodies larger than the client
//! reads whole (a typed error, the status and headers kept, nothing more read).

#[path = "support/raw_server.rs"]
mod raw_server;

use raw_server::serve_in_pieces;
use serde_json::json;
use usage_client::runtime::{RetryPolicy, StreamExt, DEFAULT_MAX_BODY_SIZE};
use usage_client::thousandeyes::types::GetQuotasError;
use usage_client::thousandeyes::Client;
use usage_client::Error;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serving(status: u16, media_type: &str, body: impl Into<Vec<u8>>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_raw(body.into(), media_type))
        .mount(&server)
        .await;
    server
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .bearer_token("t")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

/// A page of 2,000 rows whose row 1042 has `cloudUnitsUsed` as a string.
fn page_with_a_bad_row() -> String {
    let rows: Vec<serde_json::Value> = (0..2_000)
        .map(|i| {
            let units = if i == 1042 { json!("12") } else { json!(i) };
            json!({"testId": i.to_string(), "testName": format!("test {i}"), "cloudUnitsUsed": units})
        })
        .collect();
    json!({"breakdowns": rows, "_links": {}}).to_string()
}

#[tokio::test]
async fn a_value_that_does_not_decode_is_named_by_its_json_path_with_the_body_around_it() {
    let body = page_with_a_bad_row();
    let server = serving(200, "application/hal+json", body.clone()).await;

    let error = client(&server.uri()).get_tests_units_usage().send().await.expect_err("row 1042 is broken");

    let Error::InvalidResponsePayload { response, source } = &error else { panic!("{error:?}") };
    assert_eq!(source.path(), "breakdowns[1042].cloudUnitsUsed");
    assert_eq!(source.to_string(), r#"breakdowns[1042].cloudUnitsUsed: invalid type: string "12", expected i64"#);
    assert!(body[..source.offset()].ends_with(r#""cloudUnitsUsed":"12""#), "the offset is just past the value");
    assert_eq!(response.body().len(), body.len(), "the body is kept whole");
    let near = response.body_excerpt_at(source.offset());
    assert!(near.contains(r#""testName":"test 1042","cloudUnitsUsed":"12""#), "{near}");
    let shown = error.to_string();
    assert!(
        shown.starts_with(
            r#"200 OK: the response body does not match the documented schema: breakdowns[1042].cloudUnitsUsed: invalid type: string "12", expected i64 (line 1, column "#
        ),
        "{shown}"
    );
    assert!(shown.contains(&format!("; body near there: {near}")), "{shown}");
    assert!(shown.len() < 600, "one line of reasonable length: {} bytes", shown.len());
}

#[tokio::test]
async fn documented_error_bodies_that_do_not_decode_say_where_too() {
    let server = serving(429, "application/problem+json", r#"{"title": "Too Many Requests", "status": "429"}"#).await;

    let error = client(&server.uri()).get_quotas().send().await.expect_err("429");

    let Error::InvalidResponsePayload { response, source } = &error else { panic!("{error:?}") };
    assert_eq!(response.status(), 429);
    assert_eq!(source.path(), "status");
    assert!(error.to_string().starts_with("429 Too Many Requests: the response body does not match the documented schema: status: invalid type: string \"429\""), "{error}");
}

/// A head announcing `length` bytes, then `body`.
fn head(length: Option<usize>) -> String {
    match length {
        Some(length) => format!("HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\nx-request-id: r-7\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"),
        None => "HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\nx-request-id: r-7\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_owned(),
    }
}

fn limited(base: &str, limit: u64) -> Client {
    Client::builder()
        .base_url(base)
        .bearer_token("t")
        .max_body_size(limit)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

#[tokio::test]
async fn an_announced_length_over_the_limit_fails_before_reading() {
    // A gibibyte announced, nothing sent: a client that read on would fail on the cut-off body.
    let base = serve_in_pieces(head(Some(1 << 30)), Vec::new()).await;

    let error = limited(&base, 1 << 20).get_quotas().send().await.expect_err("too large");

    let Error::BodyTooLarge { response, limit } = &error else { panic!("{error:?}") };
    assert_eq!(*limit, 1 << 20);
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "r-7", "the headers are kept");
    assert!(response.body().is_empty());
    assert_eq!(error.status(), Some(reqwest::StatusCode::OK));
    assert_eq!(
        error.to_string(),
        "200 OK: the response body is larger than the 1 MiB the client reads whole (Content-Length 1073741824); \
         reading stopped (see `ClientBuilder::max_body_size`)"
    );
}

#[tokio::test]
async fn a_body_without_a_length_stops_being_read_at_the_limit() {
    let chunk = |n: usize| [format!("{n:x}\r\n").into_bytes(), vec![b' '; n], b"\r\n".to_vec()].concat();
    let pieces = vec![chunk(1_000), chunk(1_000), chunk(1_000), b"0\r\n\r\n".to_vec()];
    let base = serve_in_pieces(head(None), pieces).await;

    let error = limited(&base, 2_500).get_quotas().send().await.expect_err("3,000 bytes is too many");

    let Error::BodyTooLarge { response, limit } = &error else { panic!("{error:?}") };
    assert_eq!(*limit, 2_500);
    assert_eq!(response.body().len(), 512, "the start is kept for the excerpt");
    assert!(error.to_string().contains("larger than the 2500 bytes"), "{error}");
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_the_default_limit_is_256_mib() {
    let body = json!({"quotas": []}).to_string();
    let pieces = vec![body.as_bytes()[..5].to_vec(), body.as_bytes()[5..].to_vec()];
    let base = serve_in_pieces(head(Some(body.len())), pieces).await;
    let quotas = limited(&base, body.len() as u64).get_quotas().send().await.expect("exactly the limit");
    assert_eq!(quotas.quotas.as_ref().map(Vec::len), Some(0));
    assert_eq!(DEFAULT_MAX_BODY_SIZE, 256 << 20);
}

#[tokio::test]
async fn error_bodies_are_limited_too() {
    let problem = json!({"title": "Too Many Requests", "detail": "x".repeat(4_000)}).to_string();
    let server = serving(429, "application/problem+json", problem).await;
    let error = limited(&server.uri(), 1_000).get_quotas().send().await.expect_err("too large");
    assert!(matches!(&error, Error::BodyTooLarge { .. }), "{error:?}");
    assert_eq!(error.status(), Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
    let body: Option<&GetQuotasError> = error.error_body();
    assert!(body.is_none(), "nothing is decoded from a body not read");

    // Streamed pages are read page by page, each within the limit.
    let server =
        serving(200, "application/hal+json", json!({"breakdowns": [{"testId": "1"}], "_links": {}}).to_string()).await;
    let rows: Vec<_> = limited(&server.uri(), 1_000).get_tests_units_usage().stream().collect().await;
    assert!(matches!(rows.as_slice(), [Ok(_)]), "{rows:?}");
}
