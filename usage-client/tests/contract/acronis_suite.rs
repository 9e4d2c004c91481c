//! Acronis: every operation and its argument variants, and the tests that run them.

use super::*;

const AC_ACCEPT: &str = "application/json";
/// Statuses asked of the `default` response (any failure).
const AC_ERRORS: [u16; 5] = [400, 401, 403, 404, 500];
const REPORT_ID: &str = "20dffb36-d77b-45c6-b2fa-39276e98d5fc";

const STORED_ID: &str = "af5946c3-7e5b-4480-8835-518efe1c3522";
const TENANT_ID: &str = "ede9f834-70b3-476c-83d9-736f9f8c7dae";

#[derive(Clone, Copy, Debug)]
enum AcOp {
    /// `issueToken`, with HTTP Basic credentials of its own
    IssueToken,
    /// `listTenantReports`
    ListTenant,
    /// `createReport`
    Create,
    /// `getReport`
    Get,
    /// `updateReport`
    Update,
    /// `deleteReport`
    Delete,
    /// `listStoredReports`
    ListStored,
    /// `downloadStoredReport`: a binary body, compared as bytes
    Download,
}

/// A client with the token request's Basic credentials (scheme `ClientBasic`), which the client
/// sends with that operation alone.
fn ac_token_client(base: &str, prefer: Option<&str>) -> acronis::Client {
    ac_client(base, prefer).with_client_basic("client", "secret")
}

/// The report of the usage-report guide: every field set.
fn full_report() -> ac::ReportCreate {
    ac::ReportCreate::new(
        ac::ReportParameters::new(
            ac::ReportKind::UsageSummary,
            uuid("ede9f834-70b3-476c-83d9-736f9f8c7dae"),
            ac::ReportLevel::Accounts,
        )
        .with_period(ac::ReportPeriod::new().with_start(day("2017-05-01")).with_end(day("2017-05-07")))
        .with_formats(vec![ac::ReportFormat::Csv, ac::ReportFormat::Html]),
        ac::ReportSchedule::new(ac::ScheduleType::Once),
        ac::ResultAction::Send,
    )
    .with_recipients(vec![uuid("ca451758-b48a-45d9-9ae6-8f1059f67619"), uuid("ab00e527-219b-481b-b01b-311b5be0ed3c")])
    .with_generation_date(day("2017-05-08"))
}

/// Only what the schema requires.
fn minimal_report() -> ac::ReportCreate {
    ac::ReportCreate::new(
        ac::ReportParameters::new(
            ac::ReportKind::UsageSummary,
            uuid("ede9f834-70b3-476c-83d9-736f9f8c7dae"),
            ac::ReportLevel::Accounts,
        ),
        ac::ReportSchedule::new(ac::ScheduleType::Once),
        ac::ResultAction::Send,
    )
}

impl AcOp {
    const ALL: [AcOp; 8] = [
        AcOp::IssueToken,
        AcOp::ListTenant,
        AcOp::Create,
        AcOp::Get,
        AcOp::Update,
        AcOp::Delete,
        AcOp::ListStored,
        AcOp::Download,
    ];

    fn route(self) -> (Method, String, u16) {
        match self {
            AcOp::IssueToken => (Method::POST, "/idp/token".into(), 200),
            AcOp::ListTenant => (Method::GET, format!("/tenants/{TENANT_ID}/reports"), 200),
            AcOp::Create => (Method::POST, "/reports".into(), 200),
            AcOp::Get => (Method::GET, format!("/reports/{REPORT_ID}"), 200),
            AcOp::Update => (Method::PUT, format!("/reports/{REPORT_ID}"), 200),
            AcOp::Delete => (Method::DELETE, format!("/reports/{REPORT_ID}?version=1"), 204),
            AcOp::ListStored => (Method::GET, format!("/reports/{REPORT_ID}/stored"), 200),
            AcOp::Download => (Method::GET, format!("/reports/{REPORT_ID}/stored/{STORED_ID}"), 200),
        }
    }

    fn variants(self) -> usize {
        match self {
            AcOp::Create => 4,
            AcOp::Get | AcOp::Update => 2,
            AcOp::Delete => 3,
            AcOp::IssueToken | AcOp::ListTenant | AcOp::ListStored | AcOp::Download => 1,
        }
    }

    /// The client a call of this operation goes through.
    fn client(self, base: &str, prefer: Option<&str>) -> acronis::Client {
        match self {
            AcOp::IssueToken => ac_token_client(base, prefer),
            _ => ac_client(base, prefer),
        }
    }

    async fn call(self, client: &acronis::Client, variant: usize) -> Result<Answer, Error<AcErrorBody>> {
        match self {
            AcOp::IssueToken => {
                let form = ac::TokenRequest::new(ac::TokenRequestGrantType::ClientCredentials);
                answer(client.issue_token(form).send().await)
            }
            AcOp::ListTenant => answer(client.list_tenant_reports(uuid(TENANT_ID)).send().await),
            AcOp::Update => {
                let change = match variant {
                    0 => ac::ReportUpdate::new()
                        .with_recipients(vec![uuid("ca451758-b48a-45d9-9ae6-8f1059f67619")])
                        .with_parameters(
                            ac::ReportParametersUpdate::new()
                                .with_kind(ac::ReportKind::UsageCurrent)
                                .with_level(ac::ReportLevel::DirectPartners),
                        ),
                    _ => ac::ReportUpdate::new().with_schedule(ac::ReportScheduleUpdate::new().with_enabled(false)),
                };
                answer(client.update_report(uuid(REPORT_ID), change).send().await)
            }
            AcOp::ListStored => answer(client.list_stored_reports(uuid(REPORT_ID)).send().await),
            AcOp::Download => {
                let response = client
                    .download_stored_report(uuid(REPORT_ID), uuid(STORED_ID))
                    .send()
                    .await
                    .map_err(|e| e.map_body(AcErrorBody::from))?;
                let status = response.status();
                let headers = response.headers().clone();
                let mut body = Vec::new();
                let mut chunks = response.into_inner();
                while let Some(chunk) = chunks.next().await {
                    body.extend_from_slice(&chunk.unwrap_or_else(|e| panic!("the download broke off: {e}")));
                }
                Ok(Answer { status, headers, body: Value::String(String::from_utf8_lossy(&body).into_owned()) })
            }
            AcOp::Create => {
                let body = match variant {
                    0 => full_report(),
                    1 => minimal_report(),
                    2 => {
                        let mut report = minimal_report();
                        report.schedule = ac::ReportSchedule::new(ac::ScheduleType::Once).with_enabled(false);
                        report
                    }
                    _ => {
                        let mut report = full_report();
                        report.recipients = Some(vec![uuid("ca451758-b48a-45d9-9ae6-8f1059f67619")]);
                        report.parameters.period = Some(ac::ReportPeriod::new().with_start(day("2024-02-01")));
                        report.parameters.formats = Some(vec![ac::ReportFormat::Html]);
                        report.generation_date = None;
                        report
                    }
                };
                answer(client.create_report(body).send().await)
            }
            AcOp::Get => {
                let id = if variant == 0 { uuid(REPORT_ID) } else { Uuid::nil() };
                answer(client.get_report(id).send().await)
            }
            AcOp::Delete => {
                let (id, version) = match variant {
                    0 => (uuid(REPORT_ID), 1),
                    1 => (uuid("ab00e527-219b-481b-b01b-311b5be0ed3c"), 0),
                    _ => (uuid(REPORT_ID), 4_294_967_296),
                };
                answer(client.delete_report(id, version).send().await)
            }
        }
    }

    /// The same request sent by hand, its body as JSON; `None` for the operations whose request
    /// or answer is not JSON (compared by `call` alone).
    async fn raw(self, raw: &Raw, base: &str, prefer: Option<&str>) -> Option<(StatusCode, Value)> {
        let (method, path, _) = self.route();
        let body = match self {
            AcOp::IssueToken | AcOp::Download => return None,
            AcOp::Create => Some(serde_json::to_value(full_report()).expect("serializes")),
            AcOp::Update => {
                Some(serde_json::json!({"parameters": {"kind": "usage_current", "level": "direct_partners"},
                "recipients": ["ca451758-b48a-45d9-9ae6-8f1059f67619"]}))
            }
            _ => None,
        };
        Some(raw_body(raw, base, method, &path, AC_ACCEPT, body.as_ref(), prefer).await)
    }
}

/// The documented errors of any Acronis operation: each documents the platform's error object for
/// every failure (the generated crate gives each operation its own enum).
#[derive(Clone, Debug)]
enum AcErrorBody {
    Other(ac::Error),
}

macro_rules! acronis_errors {
    ($($operation:ident),* $(,)?) => {$(
        impl From<ac::$operation> for AcErrorBody {
            fn from(error: ac::$operation) -> Self {
                match error {
                    ac::$operation::Other(body) => AcErrorBody::Other(body),
                    other => panic!("a status the document does not give every operation: {other:?}"),
                }
            }
        }
    )*};
}

acronis_errors!(
    IssueTokenError,
    ListTenantReportsError,
    CreateReportError,
    GetReportError,
    UpdateReportError,
    DeleteReportError,
    ListStoredReportsError,
    DownloadStoredReportError,
);

/// Every Acronis operation describes its error object alike; `GetReportError`'s stands for all.
impl Documented for AcErrorBody {
    fn description(&self) -> &'static str {
        let AcErrorBody::Other(body) = self.clone();
        ac::GetReportError::Other(body).description()
    }
}

fn ac_error(body: &AcErrorBody) -> Value {
    match body {
        AcErrorBody::Other(v) => to_json(v),
    }
}

// ---------------------------------------------------------------------------------------------
// Acronis tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_generated_acronis_operation_is_exercised() {
    let generated = operations_in(include_str!("../../src/acronis/client.rs"));
    assert_eq!(generated, AcOp::ALL.len(), "add the new operations to AcOp");
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn acronis_static_every_operation_and_argument_is_accepted_and_decodes() {
    let base = prism("acronis").static_url;
    let declared = declared_properties(AC_SPEC);
    let raw = Raw::new();
    for op in AcOp::ALL {
        let client = op.client(&base, None);
        let (_, _, status) = op.route();
        for variant in 0..op.variants() {
            let what = format!("{op:?} variant {variant} (static)");
            let answer = expect_success(&what, op.call(&client, variant).await, status);
            let Some((raw_status, raw)) = op.raw(&raw, &base, None).await else { continue };
            assert_eq!(raw_status, answer.status, "{what}: raw status");
            if matches!(op, AcOp::Update) && variant > 0 {
                continue; // the raw request sends variant 0's body
            }
            agree(&answer.body, &raw, &declared)
                .unwrap_or_else(|e| panic!("{what}: decoded and raw bodies differ:\n    {e}"));
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn acronis_static_example_decodes_to_the_documented_values() {
    let client = ac_client(&prism("acronis").static_url, None);
    let report = client.create_report(full_report()).send().await.expect("createReport");
    assert_eq!(report.id, uuid(REPORT_ID));
    assert_eq!(report.version, 1);
    assert_eq!(report.schedule.enabled, Some(true));
    assert_eq!(report.parameters.formats, Some(vec![ac::ReportFormat::Csv, ac::ReportFormat::Html]));
    assert_eq!(report.parameters.period.as_ref().and_then(|p| p.end), Some(day("2017-05-07")));
    let deleted = client.delete_report(report.id, report.version).send().await.expect("deleteReport");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn acronis_documented_errors_decode() {
    let prism = prism("acronis");
    let declared = declared_properties(AC_SPEC);
    for (mode, base, status, prefer) in error_preferences(&prism, &AC_ERRORS) {
        for op in AcOp::ALL {
            let client = op.client(base, Some(&prefer));
            let what = format!("{op:?} with Prefer: {prefer} ({mode})");
            let (body, raw) = expect_documented_error(&what, op.call(&client, 0).await, status);
            agree(&ac_error(&body), &parse_body(raw.body()), &declared)
                .unwrap_or_else(|e| panic!("{what}: decoded and raw bodies differ:\n    {e}"));
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn acronis_dynamic_bodies_decode_without_loss() {
    let base = prism("acronis").dynamic_url;
    let declared = declared_properties(AC_SPEC);
    let raw = Raw::new();
    for i in 0..requests_per_operation() {
        let prefer = format!("seed=contract-{i}");
        for op in AcOp::ALL {
            let client = op.client(&base, Some(&prefer));
            let (_, _, status) = op.route();
            let variant = if matches!(op, AcOp::Update) { 0 } else { i % op.variants() };
            let what = format!("{op:?} variant {variant} (dynamic, Prefer: {prefer})");
            let answer = expect_success(&what, op.call(&client, variant).await, status);
            let Some((_, raw)) = op.raw(&raw, &base, Some(&prefer)).await else { continue };
            agree(&answer.body, &raw, &declared)
                .unwrap_or_else(|e| panic!("{what}: decoded and raw bodies differ:\n    {e}"));
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn acronis_prism_refuses_what_the_spec_forbids() {
    let base = prism("acronis").static_url;

    // Without a token the client sends nothing: the document requires one.
    let anonymous = acronis::Client::builder()
        .base_url(&base)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client");
    let refused = anonymous.get_report(uuid(REPORT_ID)).send().await.expect_err("no token");
    assert!(
        matches!(&refused, Error::Authentication(why) if why.message().contains("`ClientCredentials`")),
        "{refused:?}"
    );

    // A kind the document does not list: sent unchanged, refused (422: the spec has no 4xx of
    // its own, so Prism answers with `default`).
    let client = ac_client(&base, None);
    let mut report = full_report();
    report.parameters.kind = ac::ReportKind::Unknown("weekly_digest".into());
    let (status, found) = expect_rejection(
        "createReport with kind=weekly_digest",
        answer::<_, _, AcErrorBody>(client.create_report(report).send().await),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{found}");
    assert!(found.contains("kind"), "{found}");
}
