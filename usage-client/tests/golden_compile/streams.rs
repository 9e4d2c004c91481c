//! The `streams` fixture's client against a server that sends items slowly and keeps the
//! connection open: JSON Lines, NDJSON and JSON text sequences decoded item by item, server-sent
//! events (multi-line data, comments, event names, ids, `retry`), resuming with `Last-Event-ID`,
//! and no retry once items have been handed out.

use std::time::{Duration, Instant};

use usage_client::runtime::{Error, RetryPolicy, StreamExt};

use super::streams::{types, Client};
use crate::stream_server::{serve, End, Script};

const PAUSE: Duration = Duration::from_millis(120);

fn client(base: &str) -> Client {
    // An attempt timeout far shorter than the streams: it must not cut them.
    Client::builder().base_url(base).timeout(Duration::from_millis(200)).build().expect("client")
}

fn record(meter: &str, value: f64) -> types::Record {
    types::Record::new(meter, value)
}

#[tokio::test]
async fn json_lines_arrive_one_by_one_while_the_connection_stays_open() {
    let lines = ["{\"meter\":\"a\",\"value\":1}\n", "{\"meter\":\"b\",", "\"value\":2}\n{\"meter\":\"c\",\"value\":3}"];
    let (base, received) = serve(vec![Script::ok("application/jsonl", PAUSE, &lines, End::Hold(PAUSE))]).await;
    let started = Instant::now();
    let response = client(&base).list_records().meter("m").send().await.expect("stream");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-stream"], "yes");
    let mut items = response.into_inner();
    let first = items.next().await.expect("an item").expect("decodes");
    assert_eq!(first, record("a", 1.0));
    let first_at = started.elapsed();
    assert!(first_at < PAUSE * 2, "the first item is handed out before the rest is sent: {first_at:?}");
    assert_eq!(items.next().await.expect("an item").expect("decodes"), record("b", 2.0));
    assert!(started.elapsed() >= PAUSE * 2, "the second item waited for its chunks");
    // The last line has no end: the connection then breaks (no final chunk), which is an error,
    // not a retry, since items were handed out.
    let last = items.next().await.expect("an item");
    match last {
        Ok(item) => {
            assert_eq!(item, record("c", 3.0));
            assert!(matches!(items.next().await, Some(Err(Error::Communication { .. }))));
        }
        Err(error) => assert!(matches!(error, Error::Communication { .. }), "{error}"),
    }
    assert!(items.next().await.is_none(), "the stream ends after the break");
    assert!(started.elapsed() > Duration::from_millis(200), "outlived the attempt timeout");
    assert_eq!(received.lock().expect("heads").len(), 1, "never sent again");
    assert!(received.lock().expect("heads")[0].starts_with("get /records?meter=m "));
}

#[tokio::test]
async fn a_malformed_item_is_an_error_with_the_response_and_the_stream_goes_on() {
    let body = ["{\"meter\":\"a\",\"value\":1}\nnot json\n{\"meter\":\"b\"}\n{\"meter\":\"c\",\"value\":3}\n"];
    let (base, _) = serve(vec![Script::ok("application/x-ndjson", Duration::ZERO, &body, End::Close)]).await;
    let mut items = client(&base).export_records().send().await.expect("stream").into_inner();
    assert_eq!(items.next().await.expect("item").expect("decodes"), record("a", 1.0));
    let Some(Err(Error::InvalidResponsePayload { response, source })) = items.next().await else {
        panic!("a decode error")
    };
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    assert_eq!(response.body_excerpt(), "not json");
    assert!(!source.to_string().is_empty());
    let Some(Err(error)) = items.next().await else { panic!("a missing field") };
    assert!(error.to_string().contains("value"), "{error}");
    assert_eq!(items.next().await.expect("item").expect("decodes"), record("c", 3.0));
    assert!(items.next().await.is_none());
    assert_eq!(items.received(), 4);
}

#[tokio::test]
async fn an_item_over_the_limit_ends_the_stream() {
    let long = format!("{{\"meter\":\"{}\",\"value\":1}}\n", "x".repeat(200));
    let body = ["{\"meter\":\"a\",\"value\":1}\n", long.as_str(), "{\"meter\":\"b\",\"value\":2}\n"];
    let (base, _) = serve(vec![Script::ok("application/jsonl", Duration::ZERO, &body, End::Close)]).await;
    let client = Client::builder().base_url(&base).max_body_size(100).build().expect("client");
    let mut items = client.list_records().send().await.expect("stream").into_inner();
    assert!(items.next().await.expect("item").is_ok());
    let Some(Err(Error::BodyTooLarge { response, limit })) = items.next().await else { panic!("too large") };
    assert_eq!(limit, 100);
    assert!(response.body_excerpt().starts_with("{\"meter\":\"xxx"));
    assert!(items.next().await.is_none(), "nothing after an item over the limit");
}

#[tokio::test]
async fn json_text_sequences_and_untyped_lines() {
    let body = ["\u{1e}{\"meter\":\"a\",\n\"value\":1}\n", "\u{1e}{\"meter\":\"b\",\"value\":2}\n"];
    let (base, _) = serve(vec![Script::ok("application/json-seq", PAUSE, &body, End::Close)]).await;
    let items: Vec<_> = client(&base).sequence_records().send().await.expect("stream").into_inner().collect().await;
    let items: Vec<types::Record> = items.into_iter().map(|i| i.expect("decodes")).collect();
    assert_eq!(items, [record("a", 1.0), record("b", 2.0)]);

    let body = ["1\n\"two\"\n{\"three\":3}\n"];
    let (base, _) = serve(vec![Script::ok("application/jsonl", Duration::ZERO, &body, End::Close)]).await;
    let mut items = client(&base).raw_records().send().await.expect("stream").into_inner();
    let mut values = Vec::new();
    while let Some(value) = items.next().await {
        values.push(value.expect("any JSON"));
    }
    assert_eq!(values, [serde_json::json!(1), serde_json::json!("two"), serde_json::json!({"three": 3})]);
}

#[tokio::test]
async fn an_error_status_decodes_as_the_documented_error() {
    let script = Script {
        status: 400,
        content_type: "application/problem+json",
        chunks: vec![(Duration::ZERO, b"{\"title\":\"bad meter\",\"status\":400}".to_vec())],
        end: End::Close,
    };
    let (base, _) = serve(vec![script]).await;
    let error = client(&base).list_records().send().await.expect_err("an error");
    let Some(types::ListRecordsError::BadRequest(problem)) = error.error_body() else { panic!("{error}") };
    assert_eq!(problem.title.as_deref(), Some("bad meter"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn a_failed_attempt_before_any_item_is_retried() {
    let unavailable = Script {
        status: 503,
        content_type: "text/plain",
        chunks: vec![(Duration::ZERO, b"busy".to_vec())],
        end: End::Close,
    };
    let lines = ["{\"meter\":\"a\",\"value\":1}\n"];
    let (base, received) =
        serve(vec![unavailable, Script::ok("application/jsonl", Duration::ZERO, &lines, End::Close)]).await;
    let response = client(&base).list_records().send().await.expect("retried");
    let items: Vec<_> = response.into_inner().collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(received.lock().expect("heads").len(), 2);
}

#[tokio::test]
async fn events_with_names_ids_comments_and_multi_line_data() {
    let chunks = [
        ": keep-alive\n\n",
        "event: alert\nid: 1\ndata: {\"level\":\n",
        "data: \"warning\"}\n\n",
        ": another comment\r\ndata: {\"level\":\"info\",\"message\":\"hi\"}\r\n\r\n",
        "retry: 5000\nevent: alert\ndata: {\"level\":\"critical\"}\nid: 2\n\n",
    ];
    let (base, _) = serve(vec![Script::ok("text/event-stream", PAUSE, &chunks, End::Close)]).await;
    let response = client(&base).watch_alerts_plain().send().await.expect("stream");
    let mut events = response.into_inner();
    let first = events.next().await.expect("event").expect("decodes");
    assert_eq!((first.event.as_str(), first.id.as_deref()), ("alert", Some("1")));
    assert_eq!(first.data, types::Alert::new(types::AlertLevel::Warning));
    let second = events.next().await.expect("event").expect("decodes");
    assert_eq!((second.event.as_str(), second.id.as_deref()), ("message", Some("1")), "the last id carries on");
    assert_eq!(second.data.message.as_deref(), Some("hi"));
    let third = events.next().await.expect("event").expect("decodes");
    assert_eq!((third.event.as_str(), third.id.as_deref()), ("alert", Some("2")));
    assert_eq!(events.retry(), Some(Duration::from_secs(5)));
    assert!(events.next().await.is_none(), "a stream the server closes is over");
    assert_eq!(events.reconnections(), 0);
}

#[tokio::test]
async fn event_data_described_by_a_content_schema_decodes_as_it() {
    let chunks = ["event: usage\ndata: {\"meter\":\"a\",\"value\":2}\n\n"];
    let (base, _) = serve(vec![Script::ok("text/event-stream", Duration::ZERO, &chunks, End::Close)]).await;
    let events: Vec<_> = client(&base).watch_usage().send().await.expect("stream").into_inner().collect().await;
    let event = events.into_iter().next().expect("an event").expect("decodes");
    assert_eq!((event.event.as_str(), event.data), ("usage", record("a", 2.0)));
}

#[tokio::test]
async fn text_events_and_event_data_that_does_not_decode() {
    let chunks = ["data: tick 1\ndata: and more\n\n", "data: tick 2\n\n"];
    let (base, _) = serve(vec![Script::ok("text/event-stream", Duration::ZERO, &chunks, End::Close)]).await;
    let events: Vec<_> = client(&base).watch_ticks().send().await.expect("stream").into_inner().collect().await;
    let data: Vec<String> = events.into_iter().map(|e| e.expect("text").data).collect();
    assert_eq!(data, ["tick 1\nand more", "tick 2"]);

    let chunks = ["data: {\"level\": 3}\n\n"];
    let (base, _) = serve(vec![Script::ok("text/event-stream", Duration::ZERO, &chunks, End::Close)]).await;
    let mut events = client(&base).watch_alerts().send().await.expect("stream").into_inner();
    let Some(Err(Error::InvalidResponsePayload { response, .. })) = events.next().await else { panic!("bad data") };
    assert_eq!(response.body_excerpt(), "{\"level\": 3}");
    assert_eq!(response.headers()["content-type"], "text/event-stream");
}

#[tokio::test]
async fn a_resumable_event_stream_reconnects_with_the_last_event_id_after_the_retry_wait() {
    let first = ["retry: 300\nid: 7\ndata: {\"level\":\"info\"}\n\n"];
    let second = ["id: 8\ndata: {\"level\":\"warning\"}\n\n"];
    let (base, received) = serve(vec![
        Script::ok("text/event-stream", Duration::ZERO, &first, End::Break),
        Script::ok("text/event-stream", Duration::ZERO, &second, End::Close),
    ])
    .await;
    // The caller's own `Last-Event-ID` starts the stream; the last id received resumes it.
    let mut events = client(&base).watch_alerts().last_event_id("3").send().await.expect("stream").into_inner();
    let one = events.next().await.expect("event").expect("decodes");
    assert_eq!(one.id.as_deref(), Some("7"));
    let broke = Instant::now();
    let two = events.next().await.expect("event").expect("decodes");
    assert!(broke.elapsed() >= Duration::from_millis(300), "waited the server's retry: {:?}", broke.elapsed());
    assert_eq!((two.id.as_deref(), &two.data.level), (Some("8"), &types::AlertLevel::Warning));
    assert!(events.next().await.is_none());
    assert_eq!(events.reconnections(), 1);
    let heads = received.lock().expect("heads").clone();
    assert_eq!(heads.len(), 2);
    assert!(heads[0].contains("\r\nlast-event-id: 3\r\n"), "{}", heads[0]);
    assert!(heads[1].contains("\r\nlast-event-id: 7\r\n"), "{}", heads[1]);
    assert_eq!(heads[1].matches("last-event-id").count(), 1, "replaced, not added: {}", heads[1]);
}

#[tokio::test]
async fn an_idle_resumable_stream_reconnects_and_gives_up_after_the_retry_attempts() {
    let quiet = || {
        Script::ok(
            "text/event-stream",
            Duration::ZERO,
            &["id: 1\ndata: {\"level\":\"info\"}\n\n"],
            End::Hold(Duration::from_secs(2)),
        )
    };
    let (base, received) = serve(vec![quiet(), quiet(), quiet(), quiet()]).await;
    let client = Client::builder()
        .base_url(&base)
        .read_timeout(Duration::from_millis(150))
        .retry_policy(RetryPolicy::default().max_attempts(2).base_delay(Duration::from_millis(10)))
        .build()
        .expect("client");
    let mut events = client.watch_alerts().send().await.expect("stream").into_inner();
    let mut ids = Vec::new();
    let mut error = None;
    while let Some(event) = events.next().await {
        match event {
            Ok(event) => ids.push(event.id),
            Err(e) => error = Some(e),
        }
    }
    // Each reconnection delivers an event, so the count of tries in a row starts again each time;
    // the fourth connection is refused by nobody listening for it.
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(ids.iter().all(|id| id.as_deref() == Some("1")));
    assert!(error.is_some(), "gives up with an error");
    assert!(received.lock().expect("heads").iter().skip(1).all(|h| h.contains("last-event-id: 1")));
}

#[tokio::test]
async fn a_stream_that_does_not_resume_is_not_sent_again_after_a_break() {
    let chunks = ["data: {\"level\":\"info\"}\n\n"];
    let (base, received) = serve(vec![
        Script::ok("text/event-stream", Duration::ZERO, &chunks, End::Break),
        Script::ok("text/event-stream", Duration::ZERO, &chunks, End::Close),
    ])
    .await;
    let mut events = client(&base).watch_alerts_plain().send().await.expect("stream").into_inner();
    assert!(events.next().await.expect("event").is_ok());
    assert!(matches!(events.next().await, Some(Err(Error::Communication { .. }))));
    assert!(events.next().await.is_none());
    assert_eq!(received.lock().expect("heads").len(), 1);
}

#[tokio::test]
async fn the_fake_server_answers_streams_with_typed_items() {
    let server = super::streams::mock::MockServer::new().await;
    server.list_records().respond(vec![record("a", 1.0), record("b", 2.0)]).await;
    server.sequence_records().respond(vec![record("c", 3.0)]).await;
    server.watch_alerts().respond(vec![types::Alert::new(types::AlertLevel::Info)]).await;
    server.watch_ticks().respond(vec!["one\ntwo".to_owned()]).await;
    let client = Client::from(&server);
    let lines: Vec<_> = client.list_records().send().await.expect("lines").into_inner().collect().await;
    assert_eq!(lines.len(), 2);
    let seq: Vec<_> = client.sequence_records().send().await.expect("seq").into_inner().collect().await;
    assert_eq!(seq.into_iter().map(|r| r.expect("record")).collect::<Vec<_>>(), [record("c", 3.0)]);
    let alerts: Vec<_> = client.watch_alerts().send().await.expect("events").into_inner().collect().await;
    assert_eq!(alerts.len(), 1);
    let ticks: Vec<_> = client.watch_ticks().send().await.expect("events").into_inner().collect().await;
    assert_eq!(ticks.into_iter().map(|t| t.expect("tick").data).collect::<Vec<_>>(), ["one\ntwo"]);
}

mod uploads {
    use std::path::PathBuf;

    use usage_client::bytes::Bytes;
    use usage_client::runtime::{Error, Upload};
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::streams::Client;

    fn scratch(name: &str, contents: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("usage-client-uploads-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let file = dir.join(name);
        std::fs::write(&file, contents).expect("scratch file");
        file
    }

    async fn stored(server: &MockServer, status: u16) {
        Mock::given(method("PUT"))
            .and(path("/uploads/report.csv"))
            .and(header("content-type", "application/octet-stream"))
            .respond_with(ResponseTemplate::new(status).set_body_json(serde_json::json!({"size": 3})))
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn bodies_from_memory_a_file_and_a_stream() {
        let server = MockServer::start().await;
        stored(&server, 201).await;
        let client = Client::new(server.uri());
        let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let file = scratch("report.csv", &contents);

        client.upload_file("report.csv", b"abc".to_vec()).send().await.expect("bytes");
        client.upload_file("report.csv", file.as_path()).send().await.expect("file");
        let chunks =
            contents.chunks(70_000).map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c))).collect::<Vec<_>>();
        let stream = Upload::stream(futures_util::stream::iter(chunks), None);
        let stored = client.upload_file("report.csv", stream).send().await.expect("stream");
        assert_eq!(stored.size, 3);

        let received = server.received_requests().await.expect("recorded");
        assert_eq!(received.len(), 3);
        assert_eq!(received[0].body, b"abc");
        assert_eq!(received[0].headers["content-length"], "3");
        assert_eq!(received[1].body, contents, "the file, whole");
        assert_eq!(received[1].headers["content-length"], contents.len().to_string().as_str());
        assert_eq!(received[2].body, contents, "the stream, whole");
        assert!(received[2].headers.get("content-length").is_none(), "a stream without a length is chunked");
    }

    #[tokio::test]
    async fn an_optional_body_and_a_missing_file() {
        let server = MockServer::start().await;
        Mock::given(method("POST")).and(path("/uploads")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        let client = Client::new(server.uri());
        client.upload_optional().send().await.expect("no body");
        client.upload_optional().body(b"xyz").send().await.expect("a body");
        let received = server.received_requests().await.expect("recorded");
        assert!(received[0].body.is_empty());
        assert_eq!(received[1].body, b"xyz");

        let missing = std::env::temp_dir().join("usage-client-no-such-upload");
        let error = client.upload_file("report.csv", missing.as_path()).send().await.expect_err("no file");
        assert!(matches!(error, Error::Io { .. }), "{error}");
        assert_eq!(server.received_requests().await.expect("recorded").len(), 2, "nothing sent");
    }

    #[tokio::test]
    async fn a_file_is_opened_again_for_each_attempt_and_a_stream_is_sent_once() {
        let server = MockServer::start().await;
        stored(&server, 503).await;
        let client = Client::new(server.uri());
        let file = scratch("retry.csv", b"contents");
        let error = client.upload_file("report.csv", file.as_path()).send().await.expect_err("unavailable");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        let received = server.received_requests().await.expect("recorded");
        assert_eq!(received.len(), 3, "PUT is idempotent: every attempt");
        assert!(received.iter().all(|r| r.body == b"contents"), "the whole file each time");

        server.reset().await;
        stored(&server, 503).await;
        let stream =
            |bytes: &'static [u8]| futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(bytes))]);
        let error =
            client.upload_file("report.csv", Upload::stream(stream(b"x"), Some(1))).send().await.expect_err("503");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(server.received_requests().await.expect("recorded").len(), 1, "a stream is sent once");

        let upload = Upload::stream(stream(b"y"), Some(1));
        let again = upload.clone();
        let _ = client.upload_file("report.csv", upload).send().await;
        let error = client.upload_file("report.csv", again).send().await.expect_err("taken");
        assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    }

    #[tokio::test]
    async fn a_redirect_that_keeps_the_body_sends_the_file_again() {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/uploads/report.csv"))
            .respond_with(ResponseTemplate::new(307).insert_header("location", "/uploads/moved.csv"))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/uploads/moved.csv"))
            .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"size": 8})))
            .mount(&server)
            .await;
        let file = scratch("moved.csv", b"contents");
        let stored = Client::new(server.uri()).upload_file("report.csv", file.as_path()).send().await.expect("moved");
        assert_eq!(stored.size, 8);
        let received = server.received_requests().await.expect("recorded");
        assert_eq!(received.len(), 2);
        assert_eq!(received[1].url.path(), "/uploads/moved.csv");
        assert_eq!(received[1].body, b"contents");
    }

    #[tokio::test]
    async fn typed_multipart_parts_with_their_encoding() {
        use super::super::streams::types::{Meta, SubmitReportParts};
        use usage_client::runtime::FilePart;

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/reports"))
            .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"size": 1})))
            .mount(&server)
            .await;
        let client = Client::new(server.uri());
        let csv = scratch("usage.csv", b"meter,value\na,1\n");
        let parts = SubmitReportParts::new("May", FilePart::file(&csv).header("X-Checksum", "c0ffee"))
            .with_pages(3)
            .with_tags(vec!["usage".into(), "monthly".into()])
            .with_meta(Meta::new().with_source("cli"))
            .with_attachments(vec![FilePart::new(b"one".to_vec()).file_name("1.txt"), FilePart::new(b"two".to_vec())]);
        // Builders with typed parts can be cloned (and sent again); file parts are reopened.
        let builder = client.submit_report(parts);
        builder.clone().send().await.expect("first");
        builder.send().await.expect("again");
        // From a value of the body's schema: bytes in memory become file parts.
        let body = super::super::streams::types::SubmitReportBody::new("June", b"in memory".to_vec());
        client.submit_report(body.into()).send().await.expect("from the schema's type");

        let received = server.received_requests().await.expect("recorded");
        assert_eq!(received.len(), 3);
        assert!(String::from_utf8_lossy(&received[2].body).contains("\r\n\r\nin memory\r\n"));
        assert!(String::from_utf8_lossy(&received[1].body).contains("meter,value\na,1\n"), "the file read again");
        let content_type = received[0].headers["content-type"].to_str().expect("ascii").to_owned();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("multipart");
        let body = String::from_utf8_lossy(&received[0].body).into_owned();
        let parts: Vec<&str> = body.split(&format!("--{boundary}")).filter(|p| p.contains("name=")).collect();
        let part = |name: &str| -> Vec<&str> {
            parts.iter().copied().filter(|p| p.contains(&format!("name=\"{name}\""))).collect()
        };
        assert!(part("title")[0].ends_with("\r\n\r\nMay\r\n"), "{:?}", part("title"));
        assert!(part("pages")[0].ends_with("\r\n\r\n3\r\n"));
        let tags = part("tags");
        assert_eq!(tags.len(), 2, "an array is repeated parts");
        assert!(tags[0].ends_with("usage\r\n") && tags[1].ends_with("monthly\r\n"));
        let meta = part("meta")[0].to_ascii_lowercase();
        assert!(meta.contains("content-type: application/json"), "{meta}");
        assert!(meta.ends_with("{\"source\":\"cli\"}\r\n"), "{meta}");
        let file = part("file")[0].to_ascii_lowercase();
        assert!(file.contains("filename=\"usage.csv\""), "{file}");
        assert!(file.contains("content-type: text/csv"), "the encoding's contentType: {file}");
        assert!(file.contains("x-checksum: c0ffee"), "{file}");
        assert!(file.ends_with("meter,value\na,1\n\r\n"), "{file}");
        let attachments = part("attachments");
        assert_eq!(attachments.len(), 2);
        assert!(attachments[0].contains("filename=\"1.txt\""));
        assert!(attachments[1].to_ascii_lowercase().contains("content-type: application/octet-stream"));
    }
}
