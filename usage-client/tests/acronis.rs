//! The generated Acronis usage-report client against a local server: the exact JSON it sends,
//! decoding of the documented answer, deletion by version, values the client does not know yet,
//! and error bodies.

use serde_json::{json, Value};
use usage_client::acronis::types::{
    DeleteReportError, Report, ReportCreate, ReportFormat, ReportKind, ReportLevel, ReportParameters, ReportPeriod,
    ReportSchedule, ResultAction, ScheduleType,
};
use usage_client::acronis::Client;
use usage_client::runtime::RetryPolicy;
use usage_client::Error;
use uuid::Uuid;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "ede9f834-70b3-476c-83d9-736f9f8c7dae";
const RECIPIENTS: [&str; 2] = ["ca451758-b48a-45d9-9ae6-8f1059f67619", "ab00e527-219b-481b-b01b-311b5be0ed3c"];
const REPORT_ID: &str = "20dffb36-d77b-45c6-b2fa-39276e98d5fc";

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("a UUID")
}

fn date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

/// The client for `server`, its base URL ending in `/api/2` as the data center's does.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/2", server.uri()))
        .bearer_token("acronis-token")
        .retry_policy(RetryPolicy::default().base_delay(std::time::Duration::from_millis(5)))
        .build()
        .expect("a valid client")
}

/// The report of the usage-report guide: a one-time `usage_summary` at level `accounts`.
fn guide_report() -> ReportCreate {
    ReportCreate::new(
        ReportParameters::new(ReportKind::UsageSummary, uuid(TENANT), ReportLevel::Accounts)
            .with_period(ReportPeriod::new().with_start(date("2017-05-01")).with_end(date("2017-05-07")))
            .with_formats(vec![ReportFormat::Csv, ReportFormat::Html]),
        ReportSchedule::new(ScheduleType::Once),
        ResultAction::Send,
    )
    .with_recipients(RECIPIENTS.map(uuid).to_vec())
    .with_generation_date(date("2017-05-08"))
}

/// The answer the guide shows for that report.
fn guide_answer() -> Value {
    json!({
        "generation_date": "2017-05-08",
        "id": REPORT_ID,
        "parameters": {
            "formats": ["csv", "html"], "kind": "usage_summary", "level": "accounts",
            "period": {"end": "2017-05-07", "start": "2017-05-01"}, "tenant_id": TENANT
        },
        "recipients": RECIPIENTS,
        "result_action": "send",
        "schedule": {"enabled": true, "type": "once"},
        "version": 1
    })
}

#[tokio::test]
async fn create_sends_exactly_the_documented_json_and_decodes_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/2/reports"))
        .and(header("authorization", "Bearer acronis-token"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(guide_answer()))
        .expect(1)
        .mount(&server)
        .await;

    let created = client(&server).create_report(guide_report()).send().await.expect("200");

    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.expect("recorded")[0].body).expect("JSON");
    assert_eq!(
        sent,
        json!({
            "recipients": RECIPIENTS,
            "parameters": {
                "kind": "usage_summary", "tenant_id": TENANT, "level": "accounts",
                "period": {"start": "2017-05-01", "end": "2017-05-07"}, "formats": ["csv", "html"]
            },
            "schedule": {"type": "once"},
            "generation_date": "2017-05-08",
            "result_action": "send"
        }),
        "dates as YYYY-MM-DD, UUIDs hyphenated, enums as their strings, and no nulls"
    );
    assert_eq!(created.id, uuid(REPORT_ID));
    assert_eq!(created.version, 1);
    assert_eq!(created.schedule.enabled, Some(true));
    assert_eq!(created.parameters.formats, Some(vec![ReportFormat::Csv, ReportFormat::Html]));
    assert_eq!(created.parameters.period.as_ref().and_then(|p| p.end), Some(date("2017-05-07")));
    assert_eq!(serde_json::to_value(&*created).expect("serializes"), guide_answer(), "the answer round-trips");
}

#[tokio::test]
async fn unset_optional_fields_are_left_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(guide_answer()))
        .mount(&server)
        .await;
    let mut report = guide_report();
    report.recipients = None;
    report.generation_date = None;
    report.parameters.period = None;
    report.parameters.formats = None;
    client(&server).create_report(report).send().await.expect("200");
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.expect("recorded")[0].body).expect("JSON");
    assert_eq!(
        sent,
        json!({
            "parameters": {"kind": "usage_summary", "tenant_id": TENANT, "level": "accounts"},
            "schedule": {"type": "once"},
            "result_action": "send"
        })
    );
}

#[tokio::test]
async fn get_reads_a_report_with_values_this_client_does_not_know() {
    let server = MockServer::start().await;
    let mut answer = guide_answer();
    answer["parameters"]["kind"] = json!("usage_monthly");
    answer["parameters"]["level"] = json!("partners");
    answer["parameters"]["formats"] = json!(["csv", "json_v2"]);
    answer["schedule"]["type"] = json!("monthly");
    answer["result_action"] = json!("archive");
    answer["created_by"] = json!("someone new");
    Mock::given(method("GET"))
        .and(path(format!("/api/2/reports/{REPORT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let report: Report = client(&server).get_report(uuid(REPORT_ID)).send().await.expect("200").into_inner();

    assert_eq!(report.parameters.kind, ReportKind::Unknown("usage_monthly".into()));
    assert_eq!(report.parameters.level, ReportLevel::Unknown("partners".into()));
    assert_eq!(report.parameters.formats, Some(vec![ReportFormat::Csv, ReportFormat::Unknown("json_v2".into())]));
    assert_eq!(report.schedule.r#type, ScheduleType::Unknown("monthly".into()));
    assert_eq!(report.result_action, ResultAction::Unknown("archive".into()));
    let again = serde_json::to_value(&report).expect("serializes");
    assert_eq!(again["parameters"]["level"], "partners", "unknown values go back unchanged");
    assert_eq!(again["result_action"], "archive");
}

#[tokio::test]
async fn delete_sends_the_version_and_answers_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api/2/reports/{REPORT_ID}")))
        .and(query_param("version", "1"))
        .and(header("authorization", "Bearer acronis-token"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let deleted = client(&server).delete_report(uuid(REPORT_ID), 1).send().await.expect("204");
    assert_eq!(deleted.status().as_u16(), 204);
    let query = server.received_requests().await.expect("recorded")[0].url.query().map(str::to_owned);
    assert_eq!(query.as_deref(), Some("version=1"));
}

#[tokio::test]
async fn error_objects_are_kept_whole_and_read_for_the_message() {
    let server = MockServer::start().await;
    let body = json!({"error": {"code": 409, "message": "Version mismatch: the report is at version 2", "details": {"current": 2}}});
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(409).set_body_json(&body)).mount(&server).await;

    let err = client(&server).delete_report(uuid(REPORT_ID), 1).send().await.expect_err("409");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    let Some(DeleteReportError::Other(object)) = err.error_body() else { panic!("the default response: {err:?}") };
    let details = object.error.as_ref().expect("the error object");
    assert_eq!(details.code, Some(json!(409)));
    assert_eq!(details.message.as_deref(), Some("Version mismatch: the report is at version 2"));
    assert_eq!(details.details.as_ref().and_then(|d| d.get("current")), Some(&json!(2)));
    let raw: Value = serde_json::from_slice(err.raw_response().expect("a response").body()).expect("JSON");
    assert_eq!(raw, body);
    assert_eq!(err.to_string(), "409 Conflict: Version mismatch: the report is at version 2");
}

#[tokio::test]
async fn a_non_json_error_keeps_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("<html><body>Bad gateway</body></html>", "text/html"))
        .mount(&server)
        .await;
    let err = client(&server).get_report(uuid(REPORT_ID)).send().await.expect_err("502");
    assert!(matches!(err, Error::InvalidResponsePayload { .. }), "{err:?}");
    assert_eq!(err.attempts(), 3, "502 on a GET is retried");
    let shown = err.to_string();
    assert!(shown.starts_with("502 Bad Gateway:") && shown.contains("Bad gateway"), "{shown}");
}

#[tokio::test]
async fn creating_is_not_retried_after_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let err = client(&server).create_report(guide_report()).send().await.expect_err("503");
    assert_eq!(err.attempts(), 1, "a POST may have created the report: never sent twice");
}

#[test]
fn the_data_center_fills_the_server_url() {
    assert_eq!(Client::server_url("eu2-cloud.example"), "https://eu2-cloud.example/api/2");
    let client = Client::builder().base_url(Client::server_url("dc.example")).build().expect("valid");
    assert_eq!(client.base_url(), "https://dc.example/api/2");
    assert!(Client::builder().build().is_err(), "no fixed server URL: the caller must give one");
}

#[tokio::test]
async fn from_env_reads_the_acronis_variables() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer from-env"))
        .respond_with(ResponseTemplate::new(200).set_body_json(guide_answer()))
        .expect(1)
        .mount(&server)
        .await;
    // This is the only test in this binary that touches these variables.
    std::env::remove_var("ACRONIS_TOKEN");
    assert!(Client::from_env().is_err(), "the token is required");
    std::env::set_var("ACRONIS_TOKEN", "from-env");
    std::env::set_var("ACRONIS_BASE_URL", format!("{}/api/2", server.uri()));
    let client = Client::from_env().expect("configured");
    std::env::remove_var("ACRONIS_TOKEN");
    std::env::remove_var("ACRONIS_BASE_URL");
    client.get_report(uuid(REPORT_ID)).send().await.expect("200");
}
