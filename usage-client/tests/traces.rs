//! What the client records through `tracing`, read by a capturing subscriber layer: one `request`
//! span per call with its operation, method, path, attempts, status and duration; events for
//! retries and rate-limit waits; and never a token or a query value, whatever happens.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;
use usage_client::runtime::{RetryPolicy, StreamExt};
use usage_client::thousandeyes::Client;
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-3f9a1c77-secret";
const AID: &str = "aid-value-41b2";
const CURSOR: &str = "cursor-value-77d0";

/// A closed span or an event, with its fields as text.
#[derive(Clone, Debug)]
struct Captured {
    kind: &'static str,
    name: String,
    /// The span an event happened in.
    parent: Option<String>,
    level: String,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

impl Capture {
    fn all(&self) -> Vec<Captured> {
        self.0.lock().expect("capture lock").clone()
    }

    fn spans(&self) -> Vec<Captured> {
        self.all().into_iter().filter(|c| c.kind == "span").collect()
    }

    fn events(&self, message: &str) -> Vec<Captured> {
        self.all()
            .into_iter()
            .filter(|c| c.kind == "event" && c.fields.get("message").map(String::as_str) == Some(message))
            .collect()
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// Every span's fields as recorded, kept in the span until it closes.
struct SpanFields(BTreeMap<String, String>);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(SpanFields(fields)) = span.extensions_mut().get_mut::<SpanFields>() {
                values.record(&mut Fields(fields));
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let parent = ctx.event_span(event).map(|span| span.name().to_owned());
        let level = event.metadata().level().to_string();
        let name = event.metadata().name().to_owned();
        self.0.lock().expect("capture lock").push(Captured { kind: "event", name, parent, level, fields });
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            let fields = span.extensions().get::<SpanFields>().map(|f| f.0.clone()).unwrap_or_default();
            let level = span.metadata().level().to_string();
            let captured = Captured { kind: "span", name: span.name().to_owned(), parent: None, level, fields };
            self.0.lock().expect("capture lock").push(captured);
        }
    }
}

/// A capturing subscriber, the default on this thread until the guard drops (the tests run on one
/// thread).
fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    (capture.clone(), tracing::subscriber::set_default(subscriber))
}

/// No captured name or value holds the token or a query value.
fn assert_nothing_private(captured: &[Captured]) {
    let text = format!("{captured:?}");
    for secret in [TOKEN, AID, CURSOR, "cursor=", "aid="] {
        assert!(!text.contains(secret), "`{secret}` was recorded: {text}");
    }
}

fn page(ids: std::ops::Range<usize>, next: Option<String>) -> serde_json::Value {
    let mut body =
        json!({"breakdowns": ids.map(|i| json!({"testId": i.to_string()})).collect::<Vec<_>>(), "_links": {}});
    if let Some(href) = next {
        body["_links"]["next"] = json!({"href": href});
    }
    body
}

fn hal(body: &serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/hal+json")
}

#[tokio::test]
async fn each_request_is_a_span_with_its_attempts_status_and_duration_and_retries_are_events() {
    let server = MockServer::start().await;
    let next = format!("{}/usage/units/tests?aid={AID}&cursor={CURSOR}", server.uri());
    // The first page fails once with 503, then arrives; the second page arrives at once.
    Mock::given(method("GET"))
        .and(path("/usage/units/tests"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/usage/units/tests"))
        .and(query_param_is_missing("cursor"))
        .respond_with(hal(&page(0..2, Some(next))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/usage/units/tests"))
        .and(query_param("cursor", CURSOR))
        .respond_with(hal(&page(2..3, None)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("client");

    let (capture, guard) = capture();
    let rows: Vec<_> = client.get_tests_units_usage().aid(AID).stream().collect().await;
    drop(guard);

    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(Result::is_ok), "{rows:?}");
    let spans = capture.spans();
    assert_eq!(spans.len(), 2, "one span per page request: {spans:#?}");
    for span in &spans {
        assert_eq!(span.name, "request");
        assert_eq!(span.level, "INFO");
        assert_eq!(span.fields["operation"], "getTestsUnitsUsage");
        assert_eq!(span.fields["method"], "GET");
        assert_eq!(span.fields["path"], "/usage/units/tests");
        assert_eq!(span.fields["status"], "200");
        let duration: u64 = span.fields["duration_ms"].parse().expect("a number of milliseconds");
        assert!(duration < 10_000, "{duration}");
    }
    assert_eq!(spans[0].fields["attempt"], "2", "the first page took two attempts");
    assert_eq!(spans[1].fields["attempt"], "1");
    let retries = capture.events("retrying request");
    assert_eq!(retries.len(), 1, "{retries:#?}");
    assert_eq!(retries[0].level, "WARN");
    assert_eq!(retries[0].parent.as_deref(), Some("request"));
    assert_eq!(retries[0].fields["reason"], "503 Service Unavailable");
    let responses = capture.events("response");
    let statuses: Vec<&str> = responses.iter().map(|e| e.fields["status"].as_str()).collect();
    assert_eq!(statuses, ["503", "200", "200"], "an event per attempt");
    assert!(responses.iter().all(|e| e.level == "DEBUG" && e.parent.as_deref() == Some("request")));
    assert_nothing_private(&capture.all());
}

#[tokio::test]
async fn a_wait_for_a_rate_limit_reset_is_an_event_of_the_waiting_request() {
    let server = MockServer::start().await;
    // A whole second at least one second ahead: the second request must wait for it.
    let reset = Utc::now().timestamp() + 2;
    Mock::given(any())
        .respond_with(
            hal(&json!({"quotas": []}))
                .insert_header("X-Organization-Rate-Limit-Remaining", "0")
                .insert_header("X-Organization-Rate-Limit-Reset", reset.to_string().as_str()),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).bearer_token(TOKEN).build().expect("client");

    let (capture, guard) = capture();
    client.get_quotas().send().await.expect("first");
    client.get_quotas().send().await.expect("second, after the reset");
    drop(guard);

    let waits = capture.events("waiting for the rate-limit window to reset");
    assert_eq!(waits.len(), 1, "{:#?}", capture.all());
    assert_eq!(waits[0].level, "INFO");
    assert_eq!(waits[0].parent.as_deref(), Some("request"));
    let wait: u64 = waits[0].fields["wait_ms"].parse().expect("milliseconds");
    assert!((900..=2_000).contains(&wait), "{wait}");
    assert!(waits[0].fields["buckets"].contains("X-Organization-Rate-Limit"), "{:?}", waits[0].fields);
    assert_nothing_private(&capture.all());
}

#[tokio::test]
async fn failures_without_a_response_are_recorded_without_the_url() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .expect("client");

    let (capture, guard) = capture();
    let error = client.get_usage().aid(AID).send().await.expect_err("nothing listens");
    drop(guard);

    assert_eq!(error.attempts(), 3);
    let failures = capture.events("no response");
    assert_eq!(failures.len(), 3, "{:#?}", capture.all());
    assert!(failures.iter().all(|e| e.fields["failure"] == "connection failed"), "{failures:#?}");
    let spans = capture.spans();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].fields["attempt"], "3");
    assert!(!spans[0].fields.contains_key("status"), "no response, no status: {:?}", spans[0].fields);
    assert_nothing_private(&capture.all());
}
