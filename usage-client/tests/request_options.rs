//! Per-request control and the hardened runtime, on the golden client of
//! `codegen/tests/fixtures/operations.yaml` against servers on 127.0.0.1: per-request timeouts,
//! headers, retry policies and deadlines; hooks that sign requests; default headers; timeouts that
//! let a flowing download run; which POSTs are retried; path values that would change the
//! endpoint; downloads that leave planted links alone.

/// Generated code reaches its runtime as `crate::runtime`.
mod runtime {
    pub use usage_client::runtime::*;
}

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/operations/mod.rs"]
mod operations;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use operations::types::CreateItemBody;
use operations::Client;
use usage_client::runtime::{ConfigError, Error, Hook, OperationInfo, RequestOptions, ResponseHead, RetryPolicy};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/base", server.uri()))
        .bearer_token("t")
        .retry_policy(fast_retries())
        .build()
        .expect("client")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(1)).max_delay(Duration::from_millis(5))
}

async fn slow_note(server: &MockServer, delay: Duration) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("the note").set_delay(delay))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_request_timeout_shorter_than_the_clients_cuts_that_request_only() {
    let server = MockServer::start().await;
    slow_note(&server, Duration::from_millis(600)).await;
    let client = Client::builder()
        .base_url(format!("{}/base", server.uri()))
        .bearer_token("t")
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");

    let started = Instant::now();
    let short = RequestOptions::new().timeout(Duration::from_millis(150));
    let error = client.get_note("n", 1, "r").with_options(short).send().await.expect_err("cut");
    assert!(matches!(&error, Error::Communication { source, .. } if source.is_timeout()), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(550), "{:?}", started.elapsed());
    client.get_note("n", 1, "r").send().await.expect("the client's own 5 s are enough");
}

#[tokio::test]
async fn a_request_timeout_longer_than_the_clients_lets_that_request_finish() {
    let server = MockServer::start().await;
    slow_note(&server, Duration::from_millis(400)).await;
    let client = Client::builder()
        .base_url(format!("{}/base", server.uri()))
        .bearer_token("t")
        .timeout(Duration::from_millis(150))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");

    let error = client.get_note("n", 1, "r").send().await.expect_err("the client's 150 ms");
    assert!(matches!(&error, Error::Communication { source, .. } if source.is_timeout()), "{error:?}");
    let long = RequestOptions::new().timeout(Duration::from_secs(3));
    let note = client.get_note("n", 1, "r").with_options(long).send().await.expect("3 s are enough");
    assert_eq!(note.into_inner(), "the note");
}

#[tokio::test]
async fn a_deadline_bounds_every_attempt_and_wait_together() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let patient = RetryPolicy::default().max_attempts(50).base_delay(Duration::from_millis(100));
    let options = RequestOptions::new().retry_policy(patient).deadline(Duration::from_millis(400));

    let started = Instant::now();
    let error = client(&server).get_note("n", 1, "r").with_options(options).send().await.expect_err("deadline");
    assert!(matches!(error, Error::Timeout { deadline } if deadline == Duration::from_millis(400)), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(900), "{:?}", started.elapsed());
    assert_eq!(error.to_string(), "the operation's deadline of 400ms passed");
}

#[tokio::test]
async fn a_request_header_is_sent_and_replaces_the_clients_default() {
    let server = MockServer::start().await;
    slow_note(&server, Duration::ZERO).await;
    let client = Client::builder()
        .base_url(format!("{}/base", server.uri()))
        .bearer_token("t")
        .default_header("X-Team", "billing")
        .default_header("X-Run", "default")
        .build()
        .expect("client");

    let options = RequestOptions::new().header("X-Run", "run-42").header("X-Trace-Id", "abc");
    client.get_note("n", 1, "r").with_options(options).send().await.expect("200");
    client.get_note("n", 1, "r").send().await.expect("200");

    let received = server.received_requests().await.expect("recorded");
    let value = |i: usize, name: &str| received[i].headers.get(name).map(|v| v.to_str().expect("text").to_owned());
    assert_eq!(value(0, "x-team").as_deref(), Some("billing"));
    assert_eq!(value(0, "x-run").as_deref(), Some("run-42"));
    assert_eq!(value(0, "x-trace-id").as_deref(), Some("abc"));
    assert_eq!(value(1, "x-run").as_deref(), Some("default"));
    assert_eq!(value(1, "x-trace-id"), None, "options belong to one request");

    let bad = RequestOptions::new().header("X-Bad", "line\nbreak");
    let error = client.get_note("n", 1, "r").with_options(bad).send().await.expect_err("not a header");
    assert!(matches!(&error, Error::InvalidRequest(why) if why.contains("X-Bad")), "{error:?}");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2, "nothing sent");
    let refused = Client::builder().base_url(server.uri()).default_header("Bad Name", "x").build();
    assert!(matches!(refused, Err(ConfigError::InvalidHeader(_))), "{refused:?}");
}

/// Signs each request with a digest of its method, path and body, as request-signing schemes
/// do, and counts the responses it sees.
struct Signer {
    responses: Arc<AtomicUsize>,
}

fn signature(method: &str, path: &str, body: &[u8]) -> String {
    let mut sum: u64 = 14_695_981_039_346_656_037;
    for byte in method.bytes().chain(path.bytes()).chain(body.iter().copied()) {
        sum = (sum ^ u64::from(byte)).wrapping_mul(1_099_511_628_211);
    }
    format!("{sum:016x}")
}

impl Hook for Signer {
    fn before_send(&self, request: &mut reqwest::Request, operation: &OperationInfo) -> Result<(), String> {
        let body = request.body().and_then(|b| b.as_bytes()).unwrap_or_default().to_vec();
        let signed = signature(request.method().as_str(), request.url().path(), &body);
        request.headers_mut().insert("x-signature", signed.parse().map_err(|_| "not a header".to_owned())?);
        request.headers_mut().insert("x-operation", operation.operation_id.parse().expect("a header value"));
        Ok(())
    }

    fn after_response(&self, response: &ResponseHead<'_>, operation: &OperationInfo) {
        assert_eq!(operation.operation_id, "createItem");
        assert_eq!(response.status, 201);
        self.responses.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_hook_signs_every_request_and_sees_every_response() {
    let server = MockServer::start().await;
    let body = br#"{"name":"n"}"#;
    Mock::given(method("POST"))
        .and(path("/base/items"))
        .and(header("x-signature", signature("POST", "/base/items", body).as_str()))
        .and(header("x-operation", "createItem"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "i-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let responses = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url(format!("{}/base", server.uri()))
        .bearer_token("t")
        .hook(Signer { responses: responses.clone() })
        .build()
        .expect("client");
    let created = client.create_item(CreateItemBody::new("n")).send().await.expect("201 for a signed request");
    assert_eq!(created.id.as_deref(), Some("i-1"));
    assert_eq!(responses.load(Ordering::SeqCst), 1);
}

/// Serves one response whose body arrives in `pieces` with `pause` between them.
async fn serve_slowly(head: String, pieces: usize, pause: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.expect("read");
            request.extend_from_slice(&buffer[..n]);
        }
        socket.write_all(head.as_bytes()).await.expect("head");
        for _ in 0..pieces {
            tokio::time::sleep(pause).await;
            socket.write_all(&[b'x'; 1000]).await.expect("piece");
            socket.flush().await.expect("flush");
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_download_that_keeps_arriving_is_not_cut_by_the_read_timeout() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 8000\r\n\r\n";
    let base = serve_slowly(head.to_owned(), 8, Duration::from_millis(150)).await;
    let client = Client::builder()
        .base_url(base)
        .bearer_token("t")
        .read_timeout(Duration::from_millis(400))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let dir = std::env::temp_dir().join(format!("usage-client-slow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let target = dir.join("report.bin");

    let started = Instant::now();
    let written = client.upload(b"in".to_vec()).save_to(&target).await.expect("saved");
    assert_eq!(written.into_inner(), 8000);
    assert!(started.elapsed() > Duration::from_millis(1_000), "longer than the read timeout, in all");

    // A pause longer than the read timeout is cut.
    let base = serve_slowly(head.to_owned(), 2, Duration::from_millis(700)).await;
    let client = Client::builder()
        .base_url(base)
        .bearer_token("t")
        .read_timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let error = client.upload(b"in".to_vec()).save_to(&dir.join("cut.bin")).await.expect_err("idle");
    assert!(matches!(&error, Error::Communication { source, .. } if source.is_timeout()), "{error:?}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn a_client_of_your_own_refuses_timeouts_it_cannot_carry() {
    let own = reqwest::Client::new();
    let refused = Client::builder()
        .base_url("http://127.0.0.1:1")
        .http_client(own.clone())
        .read_timeout(Duration::from_secs(1))
        .build();
    assert!(matches!(refused, Err(ConfigError::HttpClientSetting("read_timeout"))), "{refused:?}");
    let refused = Client::builder()
        .base_url("http://127.0.0.1:1")
        .http_client(own.clone())
        .connect_timeout(Duration::from_secs(1))
        .build();
    assert!(matches!(refused, Err(ConfigError::HttpClientSetting("connect_timeout"))), "{refused:?}");
    let kept =
        Client::builder().base_url("http://127.0.0.1:1").http_client(own).timeout(Duration::from_secs(1)).build();
    assert!(kept.is_ok(), "the attempt timeout goes on each request");
}

async fn failing_posts(server: &MockServer) {
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(server).await;
}

async fn posts(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recorded").into_iter().filter(|r| r.method.as_str() == "POST").collect()
}

#[tokio::test]
async fn a_post_is_retried_only_when_idempotent_by_key_or_by_the_callers_word() {
    let server = MockServer::start().await;
    failing_posts(&server).await;
    let client = client(&server);

    // The document declares `Idempotency-Key`: the client sends one, the same on every attempt.
    client.create_item(CreateItemBody::new("a")).send().await.expect_err("503");
    let sent = posts(&server).await;
    assert_eq!(sent.len(), 3, "a POST with its idempotency key is retried");
    let keys: Vec<_> = sent.iter().map(|r| r.headers["idempotency-key"].to_str().expect("text").to_owned()).collect();
    assert_eq!(keys[0].len(), 32);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");

    // A key of the caller's is kept.
    server.reset().await;
    failing_posts(&server).await;
    client.create_item(CreateItemBody::new("a")).idempotency_key("mine").send().await.expect_err("503");
    let sent = posts(&server).await;
    assert!(sent.iter().all(|r| r.headers["idempotency-key"] == "mine"));

    // 500 is not retried unless the policy adds it.
    server.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    client.create_item(CreateItemBody::new("a")).send().await.expect_err("500");
    assert_eq!(posts(&server).await.len(), 1);
    let wider = RequestOptions::new().retry_policy(fast_retries().retry_status(500));
    client.create_item(CreateItemBody::new("a")).with_options(wider).send().await.expect_err("500");
    assert_eq!(posts(&server).await.len(), 1 + 3);
}

#[tokio::test]
async fn path_values_that_would_change_the_endpoint_never_reach_the_server() {
    let server = MockServer::start().await;
    slow_note(&server, Duration::ZERO).await;
    let client = client(&server);
    for value in ["", ".", "..", "%2e%2e", "%2E", ".%2e", "%2e."] {
        let error = client.get_note(value, 1, "r").send().await.expect_err("refused");
        let Error::InvalidRequest(why) = &error else { panic!("{value:?}: {error:?}") };
        assert!(why.contains("`noteId`") || why.contains("`itemId`"), "{why}");
    }
    assert!(server.received_requests().await.expect("recorded").is_empty());
    client.get_note("...", 1, "r").send().await.expect("three dots are a name");
}

#[cfg(unix)]
#[tokio::test]
async fn a_download_leaves_links_planted_beside_its_target_untouched() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/octet-stream")
                .set_body_bytes(b"fresh".to_vec()),
        )
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("usage-client-links-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, b"precious").expect("victim");
    // Links at the names a predictable scheme would use, and at the target itself.
    for n in 0..4 {
        let planted = dir.join(format!(".report.bin.{}-{n}.part", std::process::id()));
        std::os::unix::fs::symlink(&victim, planted).expect("plant");
    }
    let target = dir.join("report.bin");
    std::os::unix::fs::symlink(&victim, &target).expect("plant at the target");

    client(&server).upload(b"in".to_vec()).save_to(&target).await.expect("saved");

    assert_eq!(std::fs::read(&victim).expect("victim"), b"precious", "the link's target is untouched");
    assert!(!std::fs::symlink_metadata(&target).expect("target").file_type().is_symlink(), "replaced, not followed");
    assert_eq!(std::fs::read(&target).expect("target"), b"fresh");
    let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(left.len(), 2 + 4, "no temporary file left: {left:?}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn optional_parameters_also_take_an_option() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/base/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let from_config: Option<Vec<i64>> = Some(vec![7]);
    client(&server).search(vec!["a".into()]).maybe_ids(from_config).maybe_fields(None).send().await.expect("200");
    // `None` after a value clears it.
    client(&server).search(vec!["a".into()]).ids(vec![1]).maybe_ids(None).send().await.expect("200");
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(received[0].url.query(), Some("tag=a&ids=7"));
    assert_eq!(received[1].url.query(), Some("tag=a"));
}
