//! Compiles the generator's golden outputs (`codegen/tests/golden/`) against this crate's runtime,
//! then runs the constructs the ThousandEyes spec does not use against a server on 127.0.0.1.

/// Generated code reaches its runtime as `crate::runtime`.
mod runtime {
    pub use usage_client::runtime::*;
}

// Each golden module is a library's public API compiled into this test binary, where whatever the
// tests below do not call counts as dead code. Every other warning still fails `clippy -D warnings`.
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/adversarial/mod.rs"]
mod adversarial;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/bodies/mod.rs"]
mod bodies;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/composition/mod.rs"]
mod composition;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/deviations/mod.rs"]
mod deviations;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/models/mod.rs"]
mod models;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/names/mod.rs"]
mod names;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/nulls30/mod.rs"]
mod nulls30;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/openapi31/mod.rs"]
mod openapi31;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/openapi32/mod.rs"]
mod openapi32;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/operations/mod.rs"]
mod operations;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/parameters/mod.rs"]
mod parameters;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/streams/mod.rs"]
mod streams;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/swagger2/mod.rs"]
mod swagger2;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/vocabulary31/mod.rs"]
mod vocabulary31;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/webhooks/mod.rs"]
mod webhooks;

/// Values decoded, encoded and decoded again.
#[path = "golden_compile/round_trip.rs"]
mod round_trip;
#[path = "support/stream_server.rs"]
mod stream_server;
/// Streams of items and uploads against a server that sends slowly.
#[path = "golden_compile/streams.rs"]
mod stream_tests;

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn pairs(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_and_headers_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/base/items/a%2Fb%20c/notes/42"))
        .and(header("X-Request-Id", "req-1"))
        .and(header("X-Trace", "on"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("plain words", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    let client = operations::Client::new(format!("{}/base", server.uri())).with_bearer_token("t");
    let note = client
        .get_note("a/b c", 42, "req-1")
        .x_trace("on")
        .verbose(operations::types::GetNoteVerbose::Full)
        .send()
        .await
        .expect("200");
    assert_eq!(note.into_inner(), "plain words");
    let received = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(pairs(received), vec![("verbose".to_owned(), "full".to_owned())]);
}

#[tokio::test]
async fn an_error_status_without_a_body_is_a_unit_variant() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let client = operations::Client::new(format!("{}/base", server.uri())).with_bearer_token("t");
    let err = client.get_note("x", 1, "r").send().await.expect_err("404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(matches!(err.error_body(), Some(operations::types::GetNoteError::NotFound)), "{err:?}");
}

#[tokio::test]
async fn array_query_parameters_follow_style_and_explode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/base/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "1"}, {"id": "2", "new": true}])))
        .mount(&server)
        .await;
    let since = chrono::DateTime::parse_from_rfc3339("2024-02-29T23:59:59+01:00").expect("date-time").to_utc();
    let on = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).expect("date");
    let found = operations::Client::new(format!("{}/base", server.uri()))
        .with_bearer_token("t")
        .search(vec!["a b".into(), "c,d".into()])
        .fields(vec!["x".into(), "y".into()])
        .ids(vec![1, 2, 3])
        .since(since)
        .on(on)
        .send()
        .await
        .expect("200");
    assert_eq!(found.iter().map(|f| f.id.as_deref()).collect::<Vec<_>>(), vec![Some("1"), Some("2")]);
    let received = &server.received_requests().await.expect("recorded")[0];
    let expected: Vec<(String, String)> = [
        ("tag", "a b"),
        ("tag", "c,d"),
        ("fields", "x,y"),
        ("ids", "1|2|3"),
        ("since", "2024-02-29T22:59:59Z"),
        ("on", "2024-03-01"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(pairs(received), expected);
}

#[tokio::test]
async fn default_and_range_responses_decode_into_the_error_enum() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503).set_body_raw(r#"{"title":"down","status":503}"#, "application/problem+json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(json!({"name": "n"})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"title": "bad name"})))
        .mount(&server)
        .await;
    let client = operations::Client::new(format!("{}/base", server.uri())).with_bearer_token("t");
    let err = client.search(vec![]).send().await.expect_err("503");
    match err.error_body() {
        Some(operations::types::SearchError::Other(problem)) => assert_eq!(problem.title.as_deref(), Some("down")),
        other => panic!("{other:?}"),
    }
    let body = operations::types::CreateItemBody { name: "n".into() };
    let err = client.create_item(body).send().await.expect_err("422");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    match err.error_body() {
        Some(operations::types::CreateItemError::Status4xx(problem)) => {
            assert_eq!(problem.title.as_deref(), Some("bad name"))
        }
        other => panic!("{other:?}"),
    }
}

/// What the compile fuzzer found (codegen/tests/fixtures/adversarial.yaml): an exact status
/// beside its range, large bodies boxed, names made of digits and operator names.
#[tokio::test]
async fn exact_statuses_beside_ranges_and_boxed_bodies_decode() {
    use adversarial::types::{SelfError, SelfResponse};
    let server = MockServer::start().await;
    let big = json!({"a": "x", "l": "y"});
    for (status, sub) in [(200, "ok"), (201, "text"), (403, "forbidden"), (404, "missing")] {
        let response = match status {
            200 | 403 => ResponseTemplate::new(status).set_body_json(&big),
            201 => ResponseTemplate::new(status).set_body_raw("two hundred and one", "text/plain"),
            _ => ResponseTemplate::new(status),
        };
        Mock::given(method("GET"))
            .and(path("/self"))
            .and(wiremock::matchers::query_param("sub", sub))
            .and(wiremock::matchers::query_param("42", "n"))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    let client = adversarial::Client::new(server.uri()).with_1st_place("k");
    let call = |sub: &'static str| client.self_().param_42("n").sub(sub).send();
    match call("ok").await.expect("200").into_inner() {
        SelfResponse::Ok(big) => assert_eq!((big.a.as_deref(), big.l.as_deref()), (Some("x"), Some("y"))),
        other => panic!("{other:?}"),
    }
    let text = call("text").await.expect("201").into_inner();
    assert_eq!(text, SelfResponse::Status2xx("two hundred and one".into()));
    let err = call("forbidden").await.expect_err("403");
    assert!(matches!(err.error_body(), Some(SelfError::Status4xx(big)) if big.a.as_deref() == Some("x")), "{err:?}");
    let err = call("missing").await.expect_err("404");
    assert_eq!(err.error_body(), Some(&SelfError::NotFound));
}

#[tokio::test]
#[allow(deprecated)]
async fn optional_bodies_custom_json_media_types_and_unauthenticated_operations() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/base/items"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = operations::Client::new(format!("{}/base", server.uri())).with_bearer_token("t");
    let done = client.delete_items().send().await.expect("204");
    assert_eq!(done.status().as_u16(), 204);
    let body = operations::types::DeleteItemsBody { all: Some(true) };
    client.delete_items().body(body).send().await.expect("204");
    let received = server.received_requests().await.expect("recorded");
    assert!(received[0].body.is_empty(), "no body when none is set");
    assert!(received[0].headers.get("content-type").is_none());
    assert_eq!(
        received[1].headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/merge-patch+json"[..])
    );
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&received[1].body).expect("json"), json!({"all": true}));
    // `security: []`: the token stays home.
    assert!(received.iter().all(|r| r.headers.get("authorization").is_none()));
}

#[tokio::test]
async fn binary_bodies_go_out_as_bytes_and_come_back_as_a_stream() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/base/upload"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(|request: &Request| ResponseTemplate::new(200).set_body_bytes(request.body.clone()))
        .mount(&server)
        .await;
    let client = operations::Client::new(format!("{}/base", server.uri())).with_bearer_token("t");
    let stored = client.upload(vec![0, 159, 146, 150]).send().await.expect("200");
    let chunks: Vec<_> = usage_client::runtime::StreamExt::collect(stored.into_inner()).await;
    let body: Vec<u8> = chunks.into_iter().flat_map(|chunk| chunk.expect("a chunk").to_vec()).collect();
    assert_eq!(body, [0, 159, 146, 150]);
    let dir = std::env::temp_dir().join(format!("golden-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let saved = client.upload(vec![1, 2, 3]).save_to(dir.join("echo.bin")).await.expect("saved");
    assert_eq!(*saved, 3);
    assert_eq!(std::fs::read(dir.join("echo.bin")).expect("the file"), [1, 2, 3]);
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[tokio::test]
async fn models_decode_merge_and_reencode() {
    let server = MockServer::start().await;
    let page = json!({
        "items": [{
            "id": "r1", "kind": "beta-two", "createdAt": "2024-01-02T03:04:05Z", "day": "2024-01-02",
            "ratio": 0.5, "matrix": [[1, 2], [3]], "extra": {"any": ["thing"]}, "status": "archived",
            "note": null, "ref": "6f1c4c2e-8a4e-4b7a-9a51-2b1b6f0e6a11", "unknownField": 1
        }],
        "_links": {"next": null},
        "summary": {"total": 1, "byKind": {"beta-two": 1}}
    });
    Mock::given(path("/records")).respond_with(ResponseTemplate::new(200).set_body_json(&page)).mount(&server).await;
    let client = models::Client::new(server.uri());
    let page = client.list_records().send().await.expect("200").into_inner();
    let record = &page.items[0];
    assert_eq!(record.id, "r1");
    assert_eq!(record.kind, models::types::Kind::BetaTwo);
    assert_eq!(record.status, Some(models::types::RecordStatus::Unknown("archived".into())));
    assert_eq!(record.matrix, Some(vec![vec![1, 2], vec![3]]));
    assert_eq!(record.note, None);
    assert_eq!(page.summary.as_ref().and_then(|s| s.total), Some(1));
    let again = serde_json::to_value(record).expect("serializes");
    assert_eq!(again["status"], "archived", "unknown values go back out unchanged");
    assert_eq!(again["kind"], "beta-two");
    assert!(again.get("secret").is_none(), "unset optional fields are omitted, not null");
    assert!(again.get("unknownField").is_none(), "unknown fields are dropped");
    assert_eq!(models::Client::DEFAULT_BASE_URL, "https://models.example.test/api");

    let open: models::types::Open = serde_json::from_value(json!({"name": "n", "x": 1})).expect("open object");
    assert_eq!(open.additional_properties.get("x"), Some(&json!(1)));
    assert_eq!(serde_json::to_value(&open).expect("serializes"), json!({"name": "n", "x": 1}));
}

#[tokio::test]
async fn colliding_and_awkward_names_stay_distinct() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/self/a%20b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_links": "1", "links": "2", "type": "3", "Type": "4", "self": "5", "2fa": "6", "ünïcode": "7"
        })))
        .mount(&server)
        .await;
    let client = names::Client::new(server.uri());
    let thing = client
        .get_self_type("a b")
        .self_("me")
        ._2fa(names::types::Mode::from("a_b"))
        .send()
        .await
        .expect("200")
        .into_inner();
    // A property whose name is already the Rust name keeps it (`links`, `type`); the one that
    // only converts to it gets the suffix (`_links`, `Type`).
    assert_eq!(
        [&thing.links2, &thing.links, &thing.r#type, &thing.type2, &thing.self_, &thing._2fa, &thing.n_code]
            .map(|v| v.as_deref()),
        [Some("1"), Some("2"), Some("3"), Some("4"), Some("5"), Some("6"), Some("7")]
    );
    let received = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(pairs(received), vec![("self".to_owned(), "me".to_owned()), ("2fa".to_owned(), "a_b".to_owned())]);
    assert_eq!(names::types::Mode::from("a_b"), names::types::Mode::AB2);
    // `Unknown` is the catch-all's: the value spelled so takes the first suffix, `unknown` the next.
    assert_eq!(names::types::Mode::from("Unknown"), names::types::Mode::Unknown2);
    assert_eq!(names::types::Mode::from("unknown"), names::types::Mode::Unknown3);
    assert_eq!(names::types::Mode::from("other"), names::types::Mode::Unknown("other".into()));
    // Two operationIds that differ only by case get two methods.
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("GET")).and(path("/dns")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    client.create_dns_server_test().send().await.expect("GET");
    client.create_dns_server_test2().send().await.expect("POST");
    client.new2().send().await.expect_err("no mock for /new");
    // Operations and parameters named like the client's and the builders' own items keep those
    // items intact and get a suffix themselves.
    Mock::given(method("PUT")).and(path("/builder")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    client.server_url2().stream2("s").client2("c").send().await.expect("PUT /builder");
    let received = server.received_requests().await.expect("recorded");
    let put = received.iter().find(|r| r.method.as_str() == "PUT").expect("sent");
    assert_eq!(pairs(put), vec![("stream".to_owned(), "s".to_owned()), ("client".to_owned(), "c".to_owned())]);
    let built = names::Client::builder().base_url(server.uri()).build().expect("Client::builder is the client's");
    built.builder2().send().await.expect_err("no mock for GET /builder");
    assert_eq!(names::types::From2::from("a"), names::types::From2::A);
}

#[tokio::test]
async fn unions_enums_and_recursive_types_decode() {
    use composition::types::{Level, NodeId, Shape};
    let server = MockServer::start().await;
    let shapes = json!([
        {"kind": "round", "radius": 2.5},
        {"kind": "Square", "side": 3},
        {"kind": "Polygon", "points": [[0, 0], [1, 0], [0, 1]]},
        {"kind": "hexagon", "side": 1},
        {"kind": "round"}
    ]);
    Mock::given(path("/v1/shapes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&shapes))
        .mount(&server)
        .await;
    let client = composition::Client::new(format!("{}/v1", server.uri()));
    let err = client.list_shapes("s").send().await.expect_err("a round shape without its radius");
    assert!(err.to_string().contains("radius"), "the variant's own error is kept: {err}");

    // Numbers are `f64`: written with a fraction so that they round-trip byte for byte.
    let shapes = json!([
        {"kind": "round", "radius": 2.5},
        {"kind": "Square", "side": 3.0},
        {"kind": "Polygon", "points": [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]},
        {"kind": "hexagon", "side": 1}
    ]);
    server.reset().await;
    Mock::given(path("/v1/shapes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&shapes))
        .mount(&server)
        .await;
    let found = client.list_shapes("s").send().await.expect("200").into_inner();
    assert!(matches!(&found[0], Shape::Circle(c) if c.radius == 2.5), "mapping `round` → Circle");
    assert!(matches!(&found[1], Shape::Square(s) if s.side == 3.0), "mapping by bare name");
    assert!(matches!(&found[2], Shape::Polygon(p) if p.points.len() == 3), "implicit tag: the component name");
    assert!(matches!(&found[3], Shape::Unknown(v) if v["kind"] == "hexagon"), "unknown tags are kept");
    assert_eq!(serde_json::to_value(&found).expect("serializes"), shapes, "and everything goes back out unchanged");

    assert_eq!(serde_json::from_value::<NodeId>(json!(7)).expect("integer"), NodeId::Integer(7));
    assert_eq!(serde_json::from_value::<NodeId>(json!("root")).expect("string"), NodeId::String("root".into()));
    assert!(matches!(serde_json::from_value::<NodeId>(json!([1])).expect("anything else"), NodeId::Unknown(_)));
    assert_eq!(serde_json::from_value::<Level>(json!(-1)).expect("level"), Level::ValueMinus1);
    assert_eq!(serde_json::from_value::<Level>(json!(9)).expect("level"), Level::Unknown(9));
    assert_eq!(serde_json::to_value(Level::Unknown(9)).expect("level"), json!(9));

    let tree = json!({"name": "a", "parent": {"name": "root"}, "children": [{"name": "b", "level": 2}],
                      "owner": {"favourite": {"name": "c"}, "backup": null}});
    server.reset().await;
    Mock::given(path("/v1/nodes/a%20b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&tree))
        .mount(&server)
        .await;
    #[allow(deprecated)]
    let node = client.get_node(NodeId::String("a b".into())).send().await.expect("200").into_inner();
    assert_eq!(node.parent.as_ref().map(|p| p.name.as_str()), Some("root"));
    assert_eq!(node.children.as_ref().map(|c| c[0].level), Some(Some(Level::Value2)));
    assert_eq!(node.owner.as_ref().and_then(|o| o.favourite.as_ref()).map(|n| n.name.as_str()), Some("c"));
}

#[tokio::test]
async fn object_query_parameters_and_cookies() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/shapes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = composition::Client::new(
        composition::Client::server_url("ignored", "v1").replace("https://ignored.example.test", &server.uri()),
    );
    client
        .list_shapes("s 1")
        .theme("dark")
        .filter(composition::types::Filter { color: Some("red".into()), size: None })
        .window(composition::types::Window { from: chrono::NaiveDate::from_ymd_opt(2024, 1, 1), to: None })
        .level(composition::types::Level::Value3)
        .state(composition::types::State::Closed)
        .send()
        .await
        .expect("200");
    let received = &server.received_requests().await.expect("recorded")[0];
    // In document order; values encoded per RFC 6570.
    let expected: Vec<(String, String)> =
        [("filter[color]", "red"), ("from", "2024-01-01"), ("level", "3"), ("state", "closed")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(pairs(received), expected);
    assert_eq!(received.headers.get("cookie").map(|v| v.as_bytes()), Some(&b"session=s%201; theme=dark"[..]));
    assert_eq!(composition::Client::server_url("us", "v2"), "https://us.example.test/v2");
}

#[tokio::test]
async fn an_openapi_31_document_reads_as_its_30_form() {
    use openapi31::types::{ReadingUnit, SensorId};
    let server = MockServer::start().await;
    let readings = json!([
        {"value": 21.5, "unit": "celsius", "sensor": {"id": 7}, "note": null, "tags": ["indoor"]},
        {"value": null, "unit": "kelvin", "sensor": null, "note": "offline"}
    ]);
    Mock::given(path("/readings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&readings))
        .mount(&server)
        .await;
    let found = openapi31::Client::new(server.uri()).list_readings().min(0.5).send().await.expect("200").into_inner();
    assert_eq!(found[0].value, Some(21.5));
    assert_eq!(found[0].unit, ReadingUnit::Celsius, "`const` is a one-value enum");
    assert_eq!(found[0].sensor.as_ref().and_then(|s| s.id), Some(SensorId::Value7));
    assert_eq!(found[1].value, None, "`type: [number, \"null\"]` is nullable");
    assert_eq!(found[1].unit, ReadingUnit::Unknown("kelvin".into()));
    assert!(found[1].sensor.is_none(), "`anyOf` with `type: null` is nullable");
    let received = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(pairs(received), vec![("min".to_owned(), "0.5".to_owned())]);
}

#[tokio::test]
async fn several_success_bodies_form_text_and_multipart() {
    use bodies::types::{SubmitJobBody, SubmitJobResponse};
    let server = MockServer::start().await;
    let client = bodies::Client::new(server.uri());
    let job = || SubmitJobBody { name: "build docs".into(), priority: Some(2) };

    let answers = [
        (ResponseTemplate::new(201).set_body_json(json!({"id": "j1"})), "created"),
        (ResponseTemplate::new(200).set_body_raw("already built", "text/plain"), "ok"),
        (ResponseTemplate::new(204), "no content"),
    ];
    for (answer, what) in answers {
        server.reset().await;
        Mock::given(method("POST"))
            .and(path("/jobs"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let response = client.submit_job(job()).send().await.expect(what);
        match (what, response.into_inner()) {
            ("created", SubmitJobResponse::Created(job)) => assert_eq!(job.id, "j1"),
            ("ok", SubmitJobResponse::Ok(text)) => assert_eq!(text, "already built"),
            ("no content", SubmitJobResponse::NoContent) => {}
            (what, other) => panic!("{what}: {other:?}"),
        }
        let sent = &server.received_requests().await.expect("recorded")[0];
        assert_eq!(String::from_utf8_lossy(&sent.body), "name=build%20docs&priority=2");
    }

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("no job j9", "text/plain"))
        .mount(&server)
        .await;
    let err = client.get_log("j9").send().await.expect_err("404");
    assert_eq!(err.error_body(), Some(&bodies::types::GetLogError::NotFound("no job j9".into())));
    // The log is offered as text and as HTML; the client reads text, and asks only for it.
    let sent = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(sent.headers.get("accept").and_then(|v| v.to_str().ok()), Some("text/plain"));

    server.reset().await;
    Mock::given(method("PUT"))
        .and(path("/jobs/j1/artifact"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let parts = bodies::types::UploadArtifactParts::new()
        .with_file(usage_client::runtime::FilePart::new(b"PK\x03\x04".to_vec()).file_name("a.zip"));
    client.upload_artifact("j1", parts).send().await.expect("204");
    let sent = &server.received_requests().await.expect("recorded")[0];
    let content_type = sent.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    assert!(String::from_utf8_lossy(&sent.body).contains("filename=\"a.zip\""));

    server.reset().await;
    Mock::given(method("POST")).and(path("/notes")).respond_with(ResponseTemplate::new(202)).mount(&server).await;
    client.add_note().body("remember".into()).send().await.expect("2xx through `default`");
    server.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let err = client.add_note().send().await.expect_err("500");
    assert_eq!(err.error_body(), Some(&bodies::types::AddNoteError::Other));
}

#[tokio::test]
async fn every_parameter_style_and_location_on_the_wire() {
    use parameters::types::{CustomerForm, CustomerFormItemsItem, CustomerFormPreferences, Filter, FilterCreated};
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = parameters::Client::new(server.uri());
    let matrix = parameters::types::GetThingMatrix { x: Some(1), y: Some("z".into()) };
    client
        .get_thing(7, vec!["a b".into(), "c".into()], matrix, None)
        .url("u")
        .query("q")
        .filter(Filter { status: Some("active".into()), created: Some(FilterCreated { gte: Some(1), lte: None }) })
        .expand(vec!["customer".into(), "items".into()])
        .r#where([("a".to_owned(), 1)].into())
        .response(vec![1, 2])
        .info("i")
        .send()
        .await
        .expect("204");
    let form = CustomerForm {
        email: "a@b.c".into(),
        metadata: Some([("plan".to_owned(), "pro".to_owned())].into()),
        items: Some(vec![CustomerFormItemsItem { price: Some("p1".into()), quantity: Some(2) }]),
        tags: Some(vec!["x".into(), "y".into()]),
        preferences: Some(CustomerFormPreferences { language: Some("en".into()) }),
    };
    client.create_customer(form).send().await.expect("204");
    let received = server.received_requests().await.expect("recorded");
    let get = &received[0];
    // A repeated placeholder is written twice; `label` and `matrix` carry their prefixes; the
    // nullable required `request` is left out as `None`; names such as `url` and `query` are the
    // parameters', not the generated code's.
    assert_eq!(get.url.path(), "/things/7/.a%20b.c/;matrix=x,1,y,z/7");
    assert_eq!(
        get.url.query(),
        Some(
            "url=u&query=q&filter[status]=active&filter[created][gte]=1&expand[0]=customer&expand[1]=items\
             &where=%7B%22a%22%3A1%7D"
        )
    );
    assert_eq!(get.headers["response"], "1,2");
    assert_eq!(get.headers["cookie"], "info=i");
    let post = &received[1];
    assert_eq!(post.headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8_lossy(&post.body),
        // `tags` is encoded `explode: false`, so its items share one name, comma-separated.
        "email=a%40b.c&metadata[plan]=pro&items[0][price]=p1&items[0][quantity]=2&tags=x,y\
         &preferences=%7B%22language%22%3A%22en%22%7D"
    );
}

#[tokio::test]
async fn swagger2_collection_formats_and_bodies_reach_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/accounts/a1/invoices"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Total-Count", "1")
                .set_body_json(json!([{"id": "6f1c1e36-3c3a-4d3e-9d7e-1f2e3d4c5b6a", "total": 2.5, "memo": null}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/accounts/a1/notes"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = swagger2::Client::new(format!("{}/v2", server.uri())).with_key("k-1");
    let invoices = client
        .list_invoices("a1")
        .status(vec![swagger2::types::ListInvoicesStatusItem::Draft, swagger2::types::ListInvoicesStatusItem::Paid])
        .tags(vec!["x".to_owned(), "y".to_owned()])
        .send()
        .await
        .expect("200")
        .into_inner();
    assert_eq!(invoices[0].total, 2.5);
    assert_eq!(invoices[0].memo, None);
    client.add_note("a1", swagger2::types::AddNoteBody { text: "hi there".to_owned() }).send().await.expect("204");
    let received = server.received_requests().await.expect("recorded");
    // `collectionFormat: multi` repeats the name; the default `csv` joins with a comma.
    assert_eq!(received[0].url.query(), Some("status=draft&status=paid&tags=x,y"));
    assert_eq!(String::from_utf8_lossy(&received[1].body), "text=hi%20there");
    // The document's one scheme, an API key header, on every request; no bearer token.
    for request in &received {
        assert_eq!(request.headers["x-api-key"], "k-1");
        assert!(!request.headers.contains_key("authorization"));
    }
}

#[tokio::test]
async fn openapi32_query_and_custom_methods_and_the_default_mapping() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/events"))
        .and(body_json(json!({"meter": "calls"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"meter": "calls", "value": 3.0}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PURGE"))
        .and(path("/events"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = openapi32::Client::new(server.uri());
    let body = openapi32::types::Search { meter: Some("calls".to_owned()) };
    let events = client.search_events(body).send().await.expect("200").into_inner();
    assert_eq!(events[0].meter, "calls");
    client.purge_events().send().await.expect("204");
    // A tag the mapping does not name decodes as the `defaultMapping` schema, not as unknown.
    let alert: openapi32::types::Alert =
        serde_json::from_value(json!({"kind": "new-kind", "message": "m"})).expect("default mapping");
    assert!(matches!(alert, openapi32::types::Alert::Generic(ref g) if g.message.as_deref() == Some("m")), "{alert:?}");
}

#[tokio::test]
async fn a_fake_server_whose_operation_is_called_like_it_keeps_both_names_and_the_documented_headers() {
    use usage_client::runtime::{RateLimit, RateLimitExt};
    let server = names::mock::MockServer::new().await;
    let state =
        RateLimit { limit: None, remaining: Some(3), reset: chrono::DateTime::from_timestamp(4_000_000_000, 0) };
    // The marker type is `MockServer2`: `MockServer` is the server's.
    let primed: usage_client::runtime::mock::Mock<'_, names::mock::MockServer2> =
        server.mock_server().rate_limit(state);
    primed.times(1).fail(names::types::MockServer2Error::TooManyRequests).await;
    server.mock_server().rate_limit(state).respond(()).await;
    let client =
        server.builder().retry_policy(usage_client::runtime::RetryPolicy::disabled()).build().expect("a client");

    let error = client.mock_server().send().await.expect_err("429, with retries disabled");
    assert_eq!(error.status(), Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
    let done = client.mock_server().send().await.expect("204");
    assert_eq!(done.status(), 204);
    // Both documented spellings of the family become one bucket, `X-RateLimit`.
    assert_eq!(done.headers()["x-ratelimit-remaining"], "3");
    assert_eq!(done.rate_limit(), Some(state));
    assert_eq!(server.mock_server().requests().await.len(), 2);
}

#[tokio::test]
async fn deviations_read_as_their_authors_meant_reach_the_wire() {
    let server = MockServer::start().await;
    let body = json!({"name": "root", "owner": {"id": 7}, "span": ["a"], "tree": {"label": "top", "children": {"x": {"label": "leaf"}}}});
    Mock::given(method("GET"))
        .and(path("/folders/f-1/files/a%20b.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
        .mount(&server)
        .await;
    // `folderId` (declared optional) and `fileName` (not declared) are both required arguments.
    let folder =
        deviations::Client::new(server.uri()).get_file("f-1", "a b.txt").send().await.expect("200").into_inner();
    let tree = folder.tree.as_ref().expect("tree");
    assert_eq!(tree.children.as_ref().and_then(|c| c["x"].label.as_deref()), Some("leaf"));
    assert_eq!(serde_json::to_value(&folder).expect("JSON"), body, "decodes and encodes back");
    // `owner` is required but no property declares it: any value, and an absent one reads as `null`.
    assert_eq!(folder.owner, json!({"id": 7}));
    let bare: deviations::types::Folder = serde_json::from_value(json!({"name": "x"})).expect("decodes");
    assert_eq!(bare.owner, serde_json::Value::Null);
    let error = deviations::Client::new(server.uri()).get_file("..", "x").send().await.expect_err("a dot segment");
    assert!(error.to_string().contains("`folderId`"), "{error}");
}

#[test]
fn unions_whose_alternatives_hold_each_other_decode_without_looping() {
    use composition::types::{Expression, Group};
    let decode = |value: serde_json::Value| serde_json::from_value::<Expression>(value).expect("decodes");
    assert_eq!(decode(json!("total")), Expression::String("total".into()));
    // Only `Group` has integers: reached through it, where it tries `Expression` again and stops.
    assert_eq!(decode(json!(7)), Expression::Group(Box::new(Group::Integer(7))));
    // Neither has booleans: kept, and no stack overflow on the way.
    assert_eq!(decode(json!(true)), Expression::Group(Box::new(Group::Unknown(json!(true)))));
    let group: Group = serde_json::from_value(json!("name")).expect("decodes");
    assert_eq!(group, Group::Expression(Box::new(Expression::String("name".into()))));
}

#[test]
fn a_discriminator_mapping_to_a_pointer_inside_an_operation_tags_that_member() {
    use deviations::types::{GetShapeResponse, GetShapeResponseShape};
    let circle = json!({"shape": {"kind": "circle", "radius": 2.5}});
    let decoded: GetShapeResponse = serde_json::from_value(circle.clone()).expect("decodes");
    let Some(GetShapeResponseShape::GetShapeResponseShapeCircle(shape)) = &decoded.shape else {
        panic!("the member the mapping points into: {decoded:?}")
    };
    assert_eq!(shape.radius, 2.5);
    assert_eq!(serde_json::to_value(&decoded).expect("JSON"), circle);
    let square: GetShapeResponse =
        serde_json::from_value(json!({"shape": {"kind": "square", "side": 1.0}})).expect("decodes");
    assert!(matches!(square.shape, Some(GetShapeResponseShape::Square(_))), "{square:?}");
}

#[test]
fn a_document_of_webhooks_only_gives_a_client_and_its_types() {
    // Nothing to call, but the payload types are there to decode what the webhooks deliver.
    let event: webhooks::types::UsageEvent =
        serde_json::from_value(json!({"meter": "calls", "value": 2.5})).expect("decodes");
    assert_eq!(event.meter, "calls");
    assert_eq!(webhooks::Client::new("http://127.0.0.1:1").base_url(), "http://127.0.0.1:1");
}
