//! OAuth 2.0 client credentials and report downloads against servers on 127.0.0.1: one token
//! fetch reused, renewal before expiry and after a 401, one fetch for many concurrent callers, a
//! rejected client, a download cut short, and the whole report lifecycle saved to disk.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use usage_client::acronis::types::StoredReportStatus;
use usage_client::acronis::Client;
use usage_client::runtime::{token_fn, AuthError, RetryPolicy};
use usage_client::Error;
use uuid::Uuid;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const REPORT: &str = "20dffb36-d77b-45c6-b2fa-39276e98d5fc";
const STORED: &str = "af5946c3-7e5b-4480-8835-518efe1c3522";
const SECRET: &str = "s3cret-of-the-client";
/// `Basic base64("client-1:s3cret-of-the-client")`.
const BASIC: &str = "Basic Y2xpZW50LTE6czNjcmV0LW9mLXRoZS1jbGllbnQ=";

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("a UUID")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/2", server.uri()))
        .client_credentials("client-1", SECRET)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("a valid client")
}

/// A token endpoint at `/api/2/idp/token` that issues `token-1`, `token-2`, … with this lifetime
/// (after `delay`), and counts the requests.
async fn token_endpoint(server: &MockServer, expires_in: u64, delay: Duration) -> Arc<AtomicUsize> {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/api/2/idp/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_delay(delay).set_body_json(
                json!({"access_token": format!("token-{n}"), "token_type": "bearer", "expires_in": expires_in}),
            )
        })
        .mount(server)
        .await;
    issued
}

/// `GET /reports/{id}/stored` answering for `token`, and 401 for any other.
async fn stored_reports(server: &MockServer, token: &str) {
    let items = json!({"items": [{"id": STORED, "report_format": "csv", "size": 3, "status": "saved",
        "created_at": "2019-08-08T07:36:57+00:00"}]});
    Mock::given(method("GET"))
        .and(path(format!("/api/2/reports/{REPORT}/stored")))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(items))
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"code": 401, "message": "Access token is expired or invalid"}})),
        )
        .with_priority(10)
        .mount(server)
        .await;
}

fn api_calls(requests: &[Request]) -> usize {
    requests.iter().filter(|r| r.url.path().contains("/reports/")).count()
}

#[tokio::test]
async fn one_token_serves_many_requests() {
    let server = MockServer::start().await;
    let issued = token_endpoint(&server, 7200, Duration::ZERO).await;
    stored_reports(&server, "token-1").await;
    let client = client(&server);
    for _ in 0..3 {
        let stored = client.list_stored_reports(uuid(REPORT)).send().await.expect("200");
        assert_eq!(stored.items[0].status, StoredReportStatus::Saved);
    }
    let clone = client.clone();
    clone.list_stored_reports(uuid(REPORT)).send().await.expect("a clone shares the token");
    assert_eq!(issued.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_token_is_renewed_before_it_expires() {
    let server = MockServer::start().await;
    // Lifetime 1 s: renewed after 0.9 s (a tenth of the lifetime before the end).
    let issued = token_endpoint(&server, 1, Duration::ZERO).await;
    stored_reports(&server, "token-2").await;
    let client = client(&server);
    // token-1 is refused (the stub answers only token-2), renewed once: token-2 works.
    client.list_stored_reports(uuid(REPORT)).send().await.expect("renewed after the 401");
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let error = client.list_stored_reports(uuid(REPORT)).send().await.expect_err("token-3 is not token-2");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    // Expired: token-3 fetched before sending; refused; renewed once more (token-4), refused: given up.
    assert_eq!(issued.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_401_to_a_token_believed_valid_is_retried_once_with_a_new_one() {
    let server = MockServer::start().await;
    let issued = token_endpoint(&server, 7200, Duration::ZERO).await;
    stored_reports(&server, "token-2").await;
    let client = client(&server);
    let stored = client.list_stored_reports(uuid(REPORT)).send().await.expect("token-2 accepted");
    assert_eq!(stored.status().as_u16(), 200);
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(api_calls(&requests), 2, "the refused request and its one repetition");
    let auth: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path().contains("/reports/"))
        .map(|r| r.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned())
        .collect();
    assert_eq!(auth, ["Bearer token-1", "Bearer token-2"]);
    // The next call reuses token-2 without fetching.
    client.list_stored_reports(uuid(REPORT)).send().await.expect("200");
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let server = MockServer::start().await;
    let issued = token_endpoint(&server, 7200, Duration::from_millis(300)).await;
    stored_reports(&server, "token-1").await;
    let client = client(&server);
    let calls = (0..40).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_stored_reports(uuid(REPORT)).send().await.map(|r| r.status()) })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.expect("the task ran").expect("200").as_u16(), 200);
    }
    assert_eq!(issued.load(Ordering::SeqCst), 1, "one fetch for 40 callers");
}

#[tokio::test]
async fn a_rejected_client_fails_at_once_with_one_line_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/2/idp/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "invalid_client", "error_description": "Client authentication failed"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server).list_stored_reports(uuid(REPORT)).send().await.expect_err("rejected");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(error, Error::Authentication(_)), "{error:?}");
    let line = error.to_string();
    assert!(!line.contains('\n') && !line.contains(SECRET), "{line}");
    assert!(
        line.contains(
            "rejected the client credentials: 401 Unauthorized: invalid_client: Client authentication failed"
        ),
        "{line}"
    );
    assert!(!format!("{error:?}").contains(SECRET));
    assert!(!format!("{:?}", client(&server)).contains(SECRET));
    let api = server.received_requests().await.expect("recorded");
    assert_eq!(api_calls(&api), 0, "no API request without a token");
}

#[tokio::test]
async fn a_token_provider_is_asked_again_after_a_401() {
    let server = MockServer::start().await;
    stored_reports(&server, "token-2").await;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let client = Client::builder()
        .base_url(format!("{}/api/2", server.uri()))
        .token_provider(token_fn(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, AuthError>(format!("token-{n}")) }
        }))
        .build()
        .expect("a valid client");
    client.list_stored_reports(uuid(REPORT)).send().await.expect("the second token works");
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

/// A one-connection server that answers with `head` and then `body`, and closes.
async fn raw_server(head: String, body: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0u8; 4096];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&body).await;
            let _ = socket.shutdown().await;
        }
    });
    format!("http://{address}/api/2")
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("acronis-auth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[tokio::test]
async fn a_download_cut_short_is_an_error_and_leaves_no_file() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: 100000\r\nconnection: close\r\n\r\n";
    let base = raw_server(head.into(), vec![b'x'; 40_000]).await;
    let client = Client::builder().base_url(base).bearer_token("t").build().expect("a valid client");
    let dir = scratch("cut");
    let target = dir.join("report.csv");
    let error = client
        .download_stored_report(uuid(REPORT), uuid(STORED))
        .save_to(&target)
        .await
        .expect_err("the body broke off");
    assert!(matches!(error, Error::Communication { .. }), "{error:?}");
    assert!(!target.exists(), "nothing at the destination");
    assert_eq!(std::fs::read_dir(&dir).expect("the directory").count(), 0, "no temporary file left");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[tokio::test]
async fn a_failed_download_keeps_what_the_destination_held() {
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\n";
    let base = raw_server(head.into(), b"new".to_vec()).await;
    let client = Client::builder().base_url(base).bearer_token("t").build().expect("a valid client");
    let dir = scratch("keep");
    let target = dir.join("report.csv");
    std::fs::write(&target, "old").expect("written");
    client.download_stored_report(uuid(REPORT), uuid(STORED)).save_to(&target).await.expect_err("cut short");
    assert_eq!(std::fs::read_to_string(&target).expect("still there"), "old");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[tokio::test]
async fn an_error_status_of_a_download_is_decoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": 404, "message": "No such stored report"}})),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(format!("{}/api/2", server.uri())).bearer_token("t").build().expect("ok");
    let dir = scratch("404");
    let error =
        client.download_stored_report(uuid(REPORT), uuid(STORED)).save_to(dir.join("x.csv")).await.expect_err("404");
    assert_eq!(error.to_string(), "404 Not Found: No such stored report");
    assert_eq!(std::fs::read_dir(&dir).expect("the directory").count(), 0);
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[tokio::test]
async fn the_report_lifecycle_creates_polls_and_saves() {
    let server = MockServer::start().await;
    token_endpoint(&server, 7200, Duration::ZERO).await;
    let report = json!({"id": REPORT, "version": 1, "result_action": "save", "schedule": {"type": "once"},
        "parameters": {"kind": "usage_current", "tenant_id": "ede9f834-70b3-476c-83d9-736f9f8c7dae", "level": "accounts",
        "formats": ["csv_v2_0"]}});
    Mock::given(method("POST"))
        .and(path("/api/2/reports"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&report))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/2/reports/{REPORT}/stored/{STORED}")))
        .respond_with(
            ResponseTemplate::new(200).insert_header("content-type", "text/csv").set_body_bytes(b"a,b\n1,2\n".to_vec()),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let created = client
        .create_report(
            serde_json::from_value(json!({"parameters": report["parameters"], "schedule": {"type": "once"},
            "result_action": "save"}))
            .expect("a report"),
        )
        .send()
        .await
        .expect("created");
    let dir = scratch("lifecycle");
    let target = dir.join(format!("{STORED}.csv_v2_0"));
    let saved = client.download_stored_report(created.id, uuid(STORED)).save_to(&target).await.expect("saved");
    assert_eq!(*saved, 8);
    assert_eq!(std::fs::read(&target).expect("the file"), b"a,b\n1,2\n");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
