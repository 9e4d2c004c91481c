//! End-to-end tests of the generated ThousandEyes Usage and Quotas client against a local
//! `wiremock` server: what goes on the wire (method, path, headers, query, body) and how every
//! kind of answer (documented bodies, documented errors, broken bodies, undocumented statuses,
//! no answer at all) comes back to the caller.
//!
//! Response bodies are the examples of the vendor's published document
//! (`../shared/reference/thousandeyes-usage-quotas-7.0.85.yaml`), put together into whole bodies.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::{json, Value};
use usage_client::runtime::{ErrorResponse, RetryPolicy};
use usage_client::thousandeyes::types::{
    AccountGroupQuota, ExpandUsageOptions, GetTestsUnitsUsageError, OrganizationQuota, OrganizationQuotaAssignment,
    OrganizationQuotaUnassignment, OrganizationsQuotasAssign, OrganizationsQuotasUnassign, QuotasAssignRequest,
    QuotasUnassign, UnauthorizedError, ValidationError, ValidationErrorItem,
};
use usage_client::thousandeyes::Client;
use usage_client::{Error, ResponseValue};
use wiremock::matchers::any;

use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[path = "support/thousandeyes_errors.rs"]
mod thousandeyes_errors;
use thousandeyes_errors::ErrorBody;

const TOKEN: &str = "3f1c2a9e-7b4d-4e1a-9c55-0d2b8f6a1e77";
const HAL_AND_PROBLEM: &str = "application/hal+json, application/problem+json";
const PROBLEM: &str = "application/problem+json";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A client for the mock server with the test token. Retries are off: these tests are about what
/// one exchange puts on the wire and makes of the answer (`runtime_faults.rs` covers retries).
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client")
}

/// Answers every request to `server` with `template`; the tests then look at what arrived.
async fn respond_with(server: &MockServer, template: ResponseTemplate) {
    Mock::given(any()).respond_with(template).mount(server).await;
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is enabled");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
    requests.remove(0)
}

/// A response with a JSON body and the given media type.
fn json_response(status: u16, media_type: &str, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(serde_json::to_vec(body).expect("serializable body"), media_type)
}

fn hal_json(body: &Value) -> ResponseTemplate {
    json_response(200, "application/hal+json", body)
}

fn problem_json(status: u16, body: &Value) -> ResponseTemplate {
    json_response(status, PROBLEM, body)
}

/// All values of a request header, as text.
fn header_values<'a>(request: &'a Request, name: &str) -> Vec<&'a str> {
    request.headers.get_all(name).iter().map(|value| value.to_str().expect("header value is visible ASCII")).collect()
}

/// The query of a request, decoded, in order.
fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

/// The request body as JSON.
fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body)
        .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {:?}", String::from_utf8_lossy(&request.body)))
}

/// Fails when `value` holds a `null` anywhere: unset optional fields must be left out.
fn assert_no_nulls(value: &Value, at: &str) {
    match value {
        Value::Null => panic!("null at {at:?} in a request body"),
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, item)| assert_no_nulls(item, &format!("{at}/{i}")))
        }
        Value::Object(fields) => {
            fields.iter().for_each(|(name, field)| assert_no_nulls(field, &format!("{at}/{name}")))
        }
        _ => {}
    }
}

/// Adds a field the document does not define to the object at `pointer` in `value`.
fn add_unknown_field(value: &mut Value, pointer: &str, name: &str, field: Value) {
    value
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer:?}"))
        .insert(name.to_owned(), field);
}

/// A decoded value written back as JSON, to compare with the body it was decoded from.
fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("decoded values serialize")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid RFC 3339 date-time").to_utc()
}

/// A 127.0.0.1 port where nothing listens: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("bound address").port();
    drop(listener);
    port
}

/// Fails unless `text` is a single line.
fn assert_one_line(text: &str) {
    assert!(!text.contains(['\n', '\r']), "Display spans several lines: {text:?}");
    assert!(!text.trim().is_empty(), "Display is empty");
}

/// The documented error body an operation failed with; panics on any other kind of error.
fn documented_error(error: Error<ErrorBody>) -> ErrorResponse<ErrorBody> {
    match error {
        Error::ErrorResponse(response) => *response,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The eight operations
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    GetUsage,
    GetTestsUnitsUsage,
    GetEnterpriseAgentsUnitsUsage,
    GetQuotas,
    AssignOrganizationsQuotas,
    UnassignOrganizationsQuotas,
    AssignOrganizationsAccountGroupsQuotas,
    UnassignOrganizationsAccountGroupsQuotas,
}

impl Op {
    const ALL: [Op; 8] = [
        Op::GetUsage,
        Op::GetTestsUnitsUsage,
        Op::GetEnterpriseAgentsUnitsUsage,
        Op::GetQuotas,
        Op::AssignOrganizationsQuotas,
        Op::UnassignOrganizationsQuotas,
        Op::AssignOrganizationsAccountGroupsQuotas,
        Op::UnassignOrganizationsAccountGroupsQuotas,
    ];

    fn method(self) -> &'static str {
        match self {
            Op::GetUsage | Op::GetTestsUnitsUsage | Op::GetEnterpriseAgentsUnitsUsage | Op::GetQuotas => "GET",
            _ => "POST",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Op::GetUsage => "/usage",
            Op::GetTestsUnitsUsage => "/usage/units/tests",
            Op::GetEnterpriseAgentsUnitsUsage => "/usage/units/enterprise-agents",
            Op::GetQuotas => "/quotas",
            Op::AssignOrganizationsQuotas => "/quotas/assign",
            Op::UnassignOrganizationsQuotas => "/quotas/unassign",
            Op::AssignOrganizationsAccountGroupsQuotas => "/quotas/account-groups/assign",
            Op::UnassignOrganizationsAccountGroupsQuotas => "/quotas/account-groups/unassign",
        }
    }

    /// The `Accept` value the document implies: the media types of the operation's responses.
    fn accept(self) -> &'static str {
        if self.returns_no_content() {
            PROBLEM
        } else {
            HAL_AND_PROBLEM
        }
    }

    fn returns_no_content(self) -> bool {
        matches!(self, Op::UnassignOrganizationsQuotas | Op::UnassignOrganizationsAccountGroupsQuotas)
    }

    /// A successful answer of the operation.
    fn success(self) -> ResponseTemplate {
        match self {
            Op::GetUsage => hal_json(&usage_body()),
            Op::GetTestsUnitsUsage => hal_json(&tests_usage_body()),
            Op::GetEnterpriseAgentsUnitsUsage => hal_json(&enterprise_agents_usage_body()),
            Op::GetQuotas => hal_json(&quotas_body()),
            Op::AssignOrganizationsQuotas => hal_json(&quotas_assign_response_body()),
            Op::AssignOrganizationsAccountGroupsQuotas => hal_json(&account_group_quotas_assign_json()),
            Op::UnassignOrganizationsQuotas | Op::UnassignOrganizationsAccountGroupsQuotas => {
                ResponseTemplate::new(204)
            }
        }
    }

    /// The JSON body [`Op::send`] sends, if any.
    fn request_body(self) -> Option<Value> {
        match self {
            Op::AssignOrganizationsQuotas => Some(quotas_assign_request_json()),
            Op::UnassignOrganizationsQuotas => Some(quotas_unassign_json()),
            Op::AssignOrganizationsAccountGroupsQuotas => Some(account_group_quotas_assign_json()),
            Op::UnassignOrganizationsAccountGroupsQuotas => Some(account_group_quotas_unassign_json()),
            _ => None,
        }
    }

    /// Sends the operation without optional query parameters and, for the POSTs, with the sample
    /// body; a success comes back as its status and its value written as JSON (`null` for `()`).
    async fn send(self, client: &Client) -> Result<(StatusCode, Value), Error<ErrorBody>> {
        fn ok<T: Serialize, E: Into<ErrorBody>>(
            result: Result<ResponseValue<T>, Error<E>>,
        ) -> Result<(StatusCode, Value), Error<ErrorBody>> {
            result.map(|response| (response.status(), to_json(&*response))).map_err(|e| e.map_body(E::into))
        }
        match self {
            Op::GetUsage => ok(client.get_usage().send().await),
            Op::GetTestsUnitsUsage => ok(client.get_tests_units_usage().send().await),
            Op::GetEnterpriseAgentsUnitsUsage => ok(client.get_enterprise_agents_units_usage().send().await),
            Op::GetQuotas => ok(client.get_quotas().send().await),
            Op::AssignOrganizationsQuotas => {
                ok(client.assign_organizations_quotas().body(quotas_assign_request()).send().await)
            }
            Op::UnassignOrganizationsQuotas => {
                ok(client.unassign_organizations_quotas().body(quotas_unassign()).send().await)
            }
            Op::AssignOrganizationsAccountGroupsQuotas => {
                ok(client.assign_organizations_account_groups_quotas().body(account_group_quotas_assign()).send().await)
            }
            Op::UnassignOrganizationsAccountGroupsQuotas => ok(client
                .unassign_organizations_account_groups_quotas()
                .body(account_group_quotas_unassign())
                .send()
                .await),
        }
    }
}

/// Method, path and headers every request of `op` must have.
fn assert_request_envelope(request: &Request, op: Op, path_prefix: &str) {
    assert_eq!(request.method.as_str(), op.method(), "{op:?}: method");
    assert_eq!(request.url.path(), format!("{path_prefix}{}", op.path()), "{op:?}: path");
    assert_eq!(header_values(request, "authorization"), [format!("Bearer {TOKEN}")], "{op:?}: Authorization");
    assert_eq!(header_values(request, "accept"), [op.accept()], "{op:?}: Accept");
    assert_eq!(header_values(request, "user-agent"), [usage_client::runtime::USER_AGENT], "{op:?}: User-Agent");
    if op.method() == "POST" {
        assert_eq!(header_values(request, "content-type"), ["application/json"], "{op:?}: Content-Type");
    } else {
        assert!(request.body.is_empty(), "{op:?}: a GET carries no body");
        assert!(header_values(request, "content-type").is_empty(), "{op:?}: a GET has no Content-Type");
    }
}

// ---------------------------------------------------------------------------------------------
// Sample bodies (the reference's examples)
// ---------------------------------------------------------------------------------------------

/// `GET /usage?expand=...`: the `Usage` report with every expansion.
fn usage_body() -> Value {
    json!({
        "usage": {
            "quota": {
                "monthStart": "2020-01-05T08:00:00Z",
                "monthEnd": "2020-02-05T08:00:00Z",
                "cloudUnitsIncluded": 4_320_000_000_i64,
                "deviceAgentsIncluded": 100,
                "endpointAgentsIncluded": 200,
                "endpointAgentsEssentialsIncluded": 10,
                "endpointAgentsEmbeddedIncluded": 10,
                "enterpriseAgentsIncluded": 25
            },
            "cloudUnitsUsed": 8_500_489,
            "cloudUnitsProjected": 20_993_812,
            "cloudUnitsNextBillingPeriod": 25_123_456,
            "enterpriseUnitsUsed": 79_640_902,
            "enterpriseUnitsProjected": 108_016_317,
            "enterpriseUnitsNextBillingPeriod": 0,
            "connectedDevicesUnitsUsed": 79_640_902,
            "connectedDevicesUnitsProjected": 108_016_317,
            "connectedDevicesUnitsNextBillingPeriod": 0,
            "endpointAgentsUsed": 42,
            "endpointAgentsEssentialsUsed": 5,
            "endpointAgentsEmbeddedUsed": 5,
            "enterpriseAgentsUsed": 58,
            "enterpriseAgentUnits": [
                {"aid": "1234", "agentId": "123456", "accountGroupName": "Support", "agentName": "TEVA-test-agent",
                 "enterpriseUnitsUsed": 599_878, "enterpriseUnitsProjected": 597_808},
                {"aid": "315", "agentId": "789", "accountGroupName": "Documentation", "agentName": "lab-physical-appliance-1",
                 "enterpriseUnitsUsed": 597_123, "enterpriseUnitsProjected": 597_808}
            ],
            "tests": [
                {"aid": "1234", "testId": "1158", "accountGroupName": "Documentation", "testName": "https://app.thousandeyes.com",
                 "testType": "Web-Page Load", "cloudUnitsUsed": 14_050, "cloudUnitsProjected": 340_674},
                {"aid": "12345", "testId": "1159", "accountGroupName": "Documentation", "testName": "https://support.thousandeyes.com",
                 "testType": "Web - HTTP Server", "cloudUnitsUsed": 64_390, "cloudUnitsProjected": 164_457}
            ],
            "endpointAgents": [
                {"aid": "1234", "accountGroupName": "Support", "endpointAgentsUsed": 22},
                {"aid": "12345", "accountGroupName": "Documentation", "endpointAgentsUsed": 14}
            ],
            "endpointAgentsEssentials": [
                {"aid": "1234", "accountGroupName": "Support", "endpointAgentsEssentialsUsed": 2},
                {"aid": "12345", "accountGroupName": "Documentation", "endpointAgentsEssentialsUsed": 3}
            ],
            "endpointAgentsEmbedded": [
                {"aid": "1234", "accountGroupName": "Support", "endpointAgentsEmbeddedUsed": 2},
                {"aid": "12345", "accountGroupName": "Documentation", "endpointAgentsEmbeddedUsed": 3}
            ],
            "enterpriseAgents": [
                {"aid": "1234", "accountGroupName": "Support", "enterpriseAgentsUsed": 7},
                {"aid": "12345", "accountGroupName": "Documentation", "enterpriseAgentsUsed": 1}
            ],
            "allocations": {
                "used": 1000,
                "projected": 1000,
                "allocations": [{"productName": "Some Product Name", "allocatedUnits": 600}]
            }
        },
        "_links": {"self": {"href": "https://api.thousandeyes.com/v7/usage?aid=1234&expand=test,enterprise-agent"}}
    })
}

/// The opaque cursor of the second page of `/usage/units/tests`, as in the `next` link below.
const NEXT_CURSOR: &str = "eyJvZmZzZXQiOjEwMH0=/+x";

/// `GET /usage/units/tests`: the reference's breakdowns, with pagination links.
fn tests_usage_body() -> Value {
    json!({
        "breakdowns": [
            {"testId": "1158", "testName": "https://app.thousandeyes.com", "testType": "Web-Page Load",
             "enterpriseUnitsUsed": 14_050, "enterpriseUnitsProjected": 340_674, "cloudUnitsUsed": 10_000,
             "cloudUnitsProjected": 12_000, "aid": "1234", "accountGroupName": "Support"},
            {"testId": "1221", "testName": "https://app.thousandeyes.com", "testType": "Web - HTTP Server",
             "enterpriseUnitsUsed": 194_051, "enterpriseUnitsProjected": 30_622, "cloudUnitsUsed": 12_000,
             "cloudUnitsProjected": 13_000, "aid": "1234", "accountGroupName": "Support", "isInstantTest": false}
        ],
        "_links": {
            "self": {"href": "https://api.thousandeyes.com/v7/usage/units/tests?aid=1234", "templated": false},
            "next": {
                "href": "https://api.thousandeyes.com/v7/usage/units/tests?aid=1234&cursor=eyJvZmZzZXQiOjEwMH0%3D%2F%2Bx",
                "templated": false,
                "type": "application/hal+json",
                "title": "Next page"
            }
        }
    })
}

/// `GET /usage/units/enterprise-agents`.
fn enterprise_agents_usage_body() -> Value {
    json!({
        "breakdowns": [
            {"aid": "1234", "agentId": "123456", "accountGroupName": "Support", "agentName": "TEVA-test-agent",
             "enterpriseUnitsUsed": 599_878, "enterpriseUnitsProjected": 597_808},
            {"aid": "315", "agentId": "789", "accountGroupName": "Documentation", "agentName": "lab-physical-appliance-1",
             "enterpriseUnitsUsed": 597_123, "enterpriseUnitsProjected": 597_808}
        ],
        "_links": {"self": {"href": "https://api.thousandeyes.com/v7/usage/units/enterprise-agents"}}
    })
}

/// `GET /quotas`.
fn quotas_body() -> Value {
    json!({
        "quotas": [
            {
                "organizationQuota": {"orgId": "10", "value": 22_500},
                "accountGroupQuotas": [{"value": 12_000, "aid": "1234"}, {"value": 10_000, "aid": "12345"}]
            },
            {"organizationQuota": {"orgId": "11", "value": 5_000}}
        ],
        "_links": {"self": {"href": "https://api.thousandeyes.com/v7/quotas"}}
    })
}

/// `POST /quotas/assign` request: the reference's example, one entry without `orgId`.
fn quotas_assign_request() -> QuotasAssignRequest {
    QuotasAssignRequest::new()
        .with_organizations(vec![OrganizationQuota::new(12_000), OrganizationQuota::new(10_000).with_org_id("1234")])
}

fn quotas_assign_request_json() -> Value {
    json!({"organizations": [{"value": 12_000}, {"orgId": "1234", "value": 10_000}]})
}

/// `POST /quotas/assign` response.
fn quotas_assign_response_body() -> Value {
    json!({"organizations": [{"orgId": "1234", "value": 12_000}, {"orgId": "12345", "value": 10_000}]})
}

/// `POST /quotas/unassign` request.
fn quotas_unassign() -> QuotasUnassign {
    QuotasUnassign::new().with_organizations(vec!["1234".into(), "12345".into()])
}

fn quotas_unassign_json() -> Value {
    json!({"organizations": ["1234", "12345"]})
}

/// `POST /quotas/account-groups/assign` request (and, as stored, its response).
fn account_group_quotas_assign() -> OrganizationsQuotasAssign {
    OrganizationsQuotasAssign::new().with_organizations(vec![
        OrganizationQuotaAssignment::new().with_org_id("1234").with_account_groups(vec![
            AccountGroupQuota::new().with_value(12_000).with_aid("1234"),
            AccountGroupQuota::new().with_value(10_000).with_aid("12345"),
        ]),
        // No orgId: the caller's own organization.
        OrganizationQuotaAssignment::new()
            .with_account_groups(vec![AccountGroupQuota::new().with_value(500).with_aid("777")]),
    ])
}

fn account_group_quotas_assign_json() -> Value {
    json!({
        "organizations": [
            {"orgId": "1234", "accountGroups": [{"value": 12_000, "aid": "1234"}, {"value": 10_000, "aid": "12345"}]},
            {"accountGroups": [{"value": 500, "aid": "777"}]}
        ]
    })
}

/// `POST /quotas/account-groups/unassign` request.
fn account_group_quotas_unassign() -> OrganizationsQuotasUnassign {
    OrganizationsQuotasUnassign::new().with_organizations(vec![
        OrganizationQuotaUnassignment::new()
            .with_org_id("1234")
            .with_account_groups(vec!["1234".into(), "12345".into()]),
        OrganizationQuotaUnassignment::new().with_org_id("5678").with_account_groups(vec!["777".into()]),
    ])
}

fn account_group_quotas_unassign_json() -> Value {
    json!({
        "organizations": [
            {"orgId": "1234", "accountGroups": ["1234", "12345"]},
            {"orgId": "5678", "accountGroups": ["777"]}
        ]
    })
}

/// The reference's 400 example.
fn validation_error_body() -> Value {
    json!({
        "type": "about:blank",
        "title": "Request validation failed. There are invalid or missing fields",
        "status": 400,
        "detail": "Your request object contains invalid fields.",
        "instance": "/v7",
        "errors": [
            {"code": "AM-5432", "field": "firstName", "message": "firstName cannot have fancy characters"},
            {"code": "DASH-5622", "field": "password", "message": "Password cannot be blank"}
        ]
    })
}

/// The reference's 404 example.
fn not_found_body() -> Value {
    json!({
        "type": "about:blank",
        "title": "URI Resource Not Found",
        "status": 404,
        "detail": "Details explaining if the 404 error is related to an invalid URI or a wrong ID",
        "instance": "/v7"
    })
}

fn too_many_requests_body() -> Value {
    json!({
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "Exhausted rate limit for the organization",
        "instance": "/v7/usage"
    })
}

// ---------------------------------------------------------------------------------------------
// Requests: method, path, headers
// ---------------------------------------------------------------------------------------------

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
async fn without_a_token_no_authorization_header_is_sent() {
    let server = MockServer::start().await;
    respond_with(&server, Op::GetQuotas.success()).await;

    Client::new(server.uri()).get_quotas().send().await.expect("the mock answers 200");

    let request = only_request(&server).await;
    assert!(header_values(&request, "authorization").is_empty(), "{:?}", request.headers);
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

// ---------------------------------------------------------------------------------------------
// Responses of the GET operations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_usage_decodes_the_expanded_report_and_ignores_unknown_fields() {
    let expected = usage_body();
    let mut wire = expected.clone();
    add_unknown_field(&mut wire, "", "billingModel", json!("metered"));
    add_unknown_field(&mut wire, "/usage", "currency", json!({"code": "USD", "rates": [1, 2]}));
    add_unknown_field(&mut wire, "/usage/quota", "connectedDevicesIncluded", json!(null));
    add_unknown_field(&mut wire, "/usage/tests/0", "labels", json!(["prod", {"id": 7}]));
    add_unknown_field(&mut wire, "/usage/enterpriseAgentUnits/1", "shared", json!(true));
    add_unknown_field(&mut wire, "/usage/allocations/allocations/0", "productId", json!(99));
    add_unknown_field(&mut wire, "/_links/self", "method", json!("GET"));
    add_unknown_field(&mut wire, "/_links", "docs", json!({"href": "https://docs.thousandeyes.com"}));

    let server = MockServer::start().await;
    respond_with(&server, hal_json(&wire).insert_header("x-organization-rate-limit-remaining", "239")).await;

    let response = client(&server)
        .get_usage()
        .expand(vec![ExpandUsageOptions::Test, ExpandUsageOptions::EnterpriseAgent])
        .send()
        .await
        .expect("usage report with unknown fields decodes");

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/hal+json");
    assert_eq!(response.headers()["x-organization-rate-limit-remaining"], "239");
    // Every documented field survives, under its documented name; the unknown ones are dropped.
    assert_eq!(to_json(&*response), expected);

    let usage = response.into_inner();
    let details = usage.usage.as_ref().expect("usage details");
    let quota = details.quota.as_ref().expect("quota");
    assert_eq!(quota.month_start, Some(utc("2020-01-05T08:00:00Z")));
    assert_eq!(quota.month_end, Some(utc("2020-02-05T08:00:00Z")));
    assert_eq!(quota.cloud_units_included, Some(4_320_000_000), "beyond i32");
    assert_eq!(details.cloud_units_used, Some(8_500_489));
    assert_eq!(details.enterprise_units_next_billing_period, Some(0));
    let tests = details.tests.as_ref().expect("expanded tests");
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[1].test_name.as_deref(), Some("https://support.thousandeyes.com"));
    assert_eq!(tests[1].cloud_units_projected, Some(164_457));
    let agents = details.enterprise_agents.as_ref().expect("expanded enterprise agents");
    assert_eq!(agents[0].account_group_name.as_deref(), Some("Support"));
    assert_eq!(agents[0].enterprise_agents_used, Some(7));
    let units = details.enterprise_agent_units.as_ref().expect("enterprise agent units");
    assert_eq!(units[1].agent_name.as_deref(), Some("lab-physical-appliance-1"));
    let allocations = details.allocations.as_ref().expect("allocations");
    assert_eq!(allocations.allocations.as_ref().expect("per product")[0].allocated_units, Some(600));
    let link = usage.links.as_ref().and_then(|links| links.self_.as_ref()).expect("self link");
    assert_eq!(link.href, "https://api.thousandeyes.com/v7/usage?aid=1234&expand=test,enterprise-agent");
}

#[tokio::test]
async fn get_usage_decodes_a_report_without_expansions() {
    let body =
        json!({"usage": {"cloudUnitsUsed": 1, "enterpriseUnitsUsed": 0}, "_links": {"self": {"href": "/v7/usage"}}});
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&body)).await;

    let usage = client(&server).get_usage().send().await.expect("usage report");

    let details = usage.usage.as_ref().expect("usage details");
    assert_eq!(details.cloud_units_used, Some(1));
    assert_eq!(details.tests, None);
    assert_eq!(details.quota, None);
    assert_eq!(to_json(&*usage), body);
}

#[tokio::test]
async fn get_tests_units_usage_decodes_breakdowns_and_its_next_link_leads_to_the_next_page() {
    let mut first_page = tests_usage_body();
    add_unknown_field(&mut first_page, "/breakdowns/0", "agentCount", json!(3));
    add_unknown_field(&mut first_page, "/_links/next", "method", json!("GET"));
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&first_page)).await;
    let client = client(&server);

    let page = client.get_tests_units_usage().aid("1234").send().await.expect("first page");

    assert_eq!(page.status(), 200);
    assert_eq!(to_json(&*page), tests_usage_body(), "documented fields survive, unknown ones are dropped");
    let breakdowns = page.breakdowns.as_ref().expect("breakdowns");
    assert_eq!(breakdowns.len(), 2);
    assert_eq!(breakdowns[0].test_id.as_deref(), Some("1158"));
    assert_eq!(breakdowns[0].enterprise_units_used, Some(14_050));
    assert_eq!(breakdowns[0].is_instant_test, None);
    assert_eq!(breakdowns[1].test_type.as_deref(), Some("Web - HTTP Server"));
    assert_eq!(breakdowns[1].cloud_units_projected, Some(13_000));
    assert_eq!(breakdowns[1].is_instant_test, Some(false));
    let links = page.links.as_ref().expect("pagination links");
    assert_eq!(links.previous, None);
    let next = links.next.as_ref().expect("a next link");
    assert_eq!(next.templated, Some(false));
    assert_eq!(next.title.as_deref(), Some("Next page"));

    // Follow the next link: its cursor goes back unchanged.
    let next_url = reqwest::Url::parse(&next.href).expect("next href is a URL");
    let cursor = next_url
        .query_pairs()
        .find(|(name, _)| name == "cursor")
        .map(|(_, value)| value.into_owned())
        .expect("next link carries a cursor");
    assert_eq!(cursor, NEXT_CURSOR);
    client.get_tests_units_usage().aid("1234").cursor(cursor).send().await.expect("second page");

    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 2);
    assert_eq!(query_pairs(&requests[1]), pairs(&[("aid", "1234"), ("cursor", NEXT_CURSOR)]));
    assert_eq!(requests[1].url.query(), next_url.query(), "the same encoding as the server's own link");
}

#[tokio::test]
async fn get_enterprise_agents_units_usage_decodes_breakdowns() {
    let mut wire = enterprise_agents_usage_body();
    add_unknown_field(&mut wire, "/breakdowns/1", "agentType", json!("physical-appliance"));
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&wire)).await;

    let page = client(&server).get_enterprise_agents_units_usage().send().await.expect("enterprise agents usage");

    assert_eq!(page.status(), 200);
    assert_eq!(to_json(&*page), enterprise_agents_usage_body());
    let breakdowns = page.breakdowns.as_ref().expect("breakdowns");
    assert_eq!(breakdowns[0].agent_id.as_deref(), Some("123456"));
    assert_eq!(breakdowns[0].enterprise_units_used, Some(599_878));
    assert_eq!(breakdowns[1].aid.as_deref(), Some("315"));
    assert_eq!(breakdowns[1].enterprise_units_projected, Some(597_808));
    assert_eq!(page.links.as_ref().and_then(|links| links.next.as_ref()), None, "last page");
}

#[tokio::test]
async fn get_quotas_decodes_organization_and_account_group_quotas() {
    let mut wire = quotas_body();
    add_unknown_field(&mut wire, "/quotas/0/organizationQuota", "currency", json!("units"));
    add_unknown_field(&mut wire, "/quotas/0", "organizationName", json!("Acme"));
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&wire)).await;

    let quotas = client(&server).get_quotas().send().await.expect("quotas");

    assert_eq!(to_json(&*quotas), quotas_body());
    let list = quotas.quotas.as_ref().expect("quotas");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].organization_quota, Some(OrganizationQuota::new(22_500).with_org_id("10")));
    assert_eq!(
        list[0].account_group_quotas.as_deref(),
        Some(
            &[
                AccountGroupQuota::new().with_value(12_000).with_aid("1234"),
                AccountGroupQuota::new().with_value(10_000).with_aid("12345"),
            ][..]
        )
    );
    assert_eq!(list[1].account_group_quotas, None);
}

// ---------------------------------------------------------------------------------------------
// The POST operations: request bodies and responses
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn assign_organizations_quotas_sends_the_quotas_and_decodes_the_stored_ones() {
    let mut wire = quotas_assign_response_body();
    add_unknown_field(&mut wire, "/organizations/0", "previousValue", json!(9_000));
    add_unknown_field(&mut wire, "", "_links", json!({"self": {"href": "/v7/quotas"}}));
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&wire)).await;

    let stored = client(&server)
        .assign_organizations_quotas()
        .body(quotas_assign_request())
        .send()
        .await
        .expect("stored quotas");

    let request = only_request(&server).await;
    assert_request_envelope(&request, Op::AssignOrganizationsQuotas, "");
    assert_eq!(request.url.query(), None);
    let body = json_body(&request);
    assert_no_nulls(&body, "");
    assert_eq!(body, quotas_assign_request_json(), "camelCase names, no orgId for the caller's own organization");

    assert_eq!(stored.status(), 200);
    assert_eq!(
        stored.organizations.as_deref(),
        Some(
            &[OrganizationQuota::new(12_000).with_org_id("1234"), OrganizationQuota::new(10_000).with_org_id("12345"),]
                [..]
        )
    );
}

#[tokio::test]
async fn organization_quota_without_its_required_value_is_an_invalid_payload() {
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&json!({"organizations": [{"orgId": "1234"}]}))).await;

    let error = client(&server)
        .assign_organizations_quotas()
        .body(quotas_assign_request())
        .send()
        .await
        .expect_err("`value` is required by the document");

    match &error {
        Error::InvalidResponsePayload { response, source } => {
            assert_eq!(response.status(), 200);
            assert!(source.to_string().contains("value"), "{source}");
        }
        other => panic!("expected Error::InvalidResponsePayload, got {other:?}"),
    }
}

#[tokio::test]
async fn unassign_organizations_quotas_sends_the_ids_and_returns_unit_on_204() {
    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(204).insert_header("x-request-id", "4d2c")).await;

    let response =
        client(&server).unassign_organizations_quotas().body(quotas_unassign()).send().await.expect("204 is success");

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()["x-request-id"], "4d2c");
    let () = response.into_inner();

    let request = only_request(&server).await;
    assert_request_envelope(&request, Op::UnassignOrganizationsQuotas, "");
    assert_eq!(json_body(&request), quotas_unassign_json());
}

#[tokio::test]
async fn assign_organizations_account_groups_quotas_sends_and_decodes_quotas_by_organization() {
    let mut wire = account_group_quotas_assign_json();
    add_unknown_field(&mut wire, "/organizations/0/accountGroups/1", "accountGroupName", json!("Documentation"));
    add_unknown_field(&mut wire, "/organizations/1", "orgName", json!("Acme"));
    let server = MockServer::start().await;
    respond_with(&server, hal_json(&wire)).await;

    let stored = client(&server)
        .assign_organizations_account_groups_quotas()
        .body(account_group_quotas_assign())
        .send()
        .await
        .expect("stored account group quotas");

    let request = only_request(&server).await;
    assert_request_envelope(&request, Op::AssignOrganizationsAccountGroupsQuotas, "");
    let body = json_body(&request);
    assert_no_nulls(&body, "");
    assert_eq!(body, account_group_quotas_assign_json());

    assert_eq!(stored.status(), 200);
    assert_eq!(stored.into_inner(), account_group_quotas_assign());
}

#[tokio::test]
async fn unassign_organizations_account_groups_quotas_sends_the_groups_and_returns_unit_on_204() {
    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(204)).await;

    let response = client(&server)
        .unassign_organizations_account_groups_quotas()
        .body(account_group_quotas_unassign())
        .send()
        .await
        .expect("204 is success");

    assert_eq!(response.status(), 204);
    let () = response.into_inner();

    let request = only_request(&server).await;
    assert_request_envelope(&request, Op::UnassignOrganizationsAccountGroupsQuotas, "");
    let body = json_body(&request);
    assert_no_nulls(&body, "");
    assert_eq!(body, account_group_quotas_unassign_json());
}

#[tokio::test]
async fn unset_optional_fields_of_request_bodies_are_left_out() {
    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(204)).await;

    client(&server)
        .unassign_organizations_account_groups_quotas()
        .body(
            OrganizationsQuotasUnassign::new()
                .with_organizations(vec![OrganizationQuotaUnassignment::new().with_org_id("1234")]),
        )
        .send()
        .await
        .expect("204 is success");

    assert_eq!(json_body(&only_request(&server).await), json!({"organizations": [{"orgId": "1234"}]}));
}

// ---------------------------------------------------------------------------------------------
// The one enum
// ---------------------------------------------------------------------------------------------

#[test]
fn expand_usage_options_round_trip_known_and_unknown_values() {
    let known = [
        (ExpandUsageOptions::Test, "test"),
        (ExpandUsageOptions::EnterpriseAgent, "enterprise-agent"),
        (ExpandUsageOptions::EnterpriseAgentUnit, "enterprise-agent-unit"),
        (ExpandUsageOptions::EndpointAgent, "endpoint-agent"),
        (ExpandUsageOptions::EndpointAgentEssential, "endpoint-agent-essential"),
        (ExpandUsageOptions::EndpointAgentEmbedded, "endpoint-agent-embedded"),
    ];
    for (value, wire) in known {
        let json = format!("\"{wire}\"");
        assert_eq!(serde_json::from_str::<ExpandUsageOptions>(&json).expect("known value"), value);
        assert_eq!(serde_json::to_string(&value).expect("serializes"), json);
        assert_eq!(value.as_str(), wire);
        assert_eq!(value.to_string(), wire);
        assert_eq!(wire.parse::<ExpandUsageOptions>(), Ok(value.clone()));
        assert_eq!(ExpandUsageOptions::from(wire.to_owned()), value);
    }

    let unknown = serde_json::from_str::<ExpandUsageOptions>("\"new-thing\"").expect("unknown values are kept");
    assert_eq!(unknown, ExpandUsageOptions::Unknown("new-thing".into()));
    assert_eq!(serde_json::to_string(&unknown).expect("serializes"), "\"new-thing\"");
    assert_eq!(unknown.to_string(), "new-thing");

    // Values are matched exactly: another case is another value.
    assert_eq!(ExpandUsageOptions::from("Test"), ExpandUsageOptions::Unknown("Test".into()));
    // Not a string at all is an error, not an unknown value.
    assert!(serde_json::from_str::<ExpandUsageOptions>("42").is_err());
    // In a list, as the `expand` parameter holds them.
    let list: Vec<ExpandUsageOptions> = serde_json::from_str(r#"["test","new-thing"]"#).expect("list");
    assert_eq!(list, [ExpandUsageOptions::Test, ExpandUsageOptions::Unknown("new-thing".into())]);
}

// ---------------------------------------------------------------------------------------------
// Documented errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn bad_request_decodes_the_validation_error_for_every_operation() {
    for op in Op::ALL {
        let server = MockServer::start().await;
        respond_with(&server, problem_json(400, &validation_error_body())).await;

        let error = op.send(&client(&server)).await.expect_err("400 is an error");

        assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST), "{op:?}");
        let shown = error.to_string();
        assert_one_line(&shown);
        assert!(shown.contains("400"), "{op:?}: {shown}");
        let response = documented_error(error);
        assert_eq!(response.status(), 400);
        assert_eq!(response.headers()["content-type"], PROBLEM);
        let ErrorBody::BadRequest(problem) = response.into_body() else {
            panic!("{op:?}: expected ErrorBody::BadRequest");
        };
        assert_eq!(
            problem,
            ValidationError::new()
                .with_type("about:blank")
                .with_title("Request validation failed. There are invalid or missing fields")
                .with_status(400)
                .with_detail("Your request object contains invalid fields.")
                .with_instance("/v7")
                .with_errors(vec![
                    ValidationErrorItem::new()
                        .with_code("AM-5432")
                        .with_field("firstName")
                        .with_message("firstName cannot have fancy characters"),
                    ValidationErrorItem::new()
                        .with_code("DASH-5622")
                        .with_field("password")
                        .with_message("Password cannot be blank"),
                ]),
            "{op:?}"
        );
    }
}

#[tokio::test]
async fn bad_request_with_null_errors_and_extra_fields_still_decodes() {
    let server = MockServer::start().await;
    let body = json!({"title": "Invalid date range", "status": 400, "errors": null, "traceId": "a1b2"});
    respond_with(&server, problem_json(400, &body)).await;

    let error = client(&server).get_tests_units_usage().send().await.expect_err("400 is an error");

    match error.error_body() {
        Some(GetTestsUnitsUsageError::BadRequest(problem)) => {
            assert_eq!(problem.title.as_deref(), Some("Invalid date range"));
            assert_eq!(problem.errors, None, "`errors` is nullable");
        }
        other => panic!("expected GetTestsUnitsUsageError::BadRequest, got {other:?} from {error:?}"),
    }
}

#[tokio::test]
async fn unauthorized_decodes_the_oauth_style_body_for_every_operation() {
    for op in Op::ALL {
        let server = MockServer::start().await;
        let body = json!({"error": "invalid_token", "error_description": "Invalid access token"});
        respond_with(
            &server,
            problem_json(401, &body).insert_header("www-authenticate", "Bearer error=\"invalid_token\""),
        )
        .await;

        let error = op.send(&client(&server)).await.expect_err("401 is an error");

        assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED), "{op:?}");
        assert_eq!(
            error.headers().expect("a response arrived")["www-authenticate"],
            "Bearer error=\"invalid_token\"",
            "{op:?}"
        );
        assert!(error.to_string().contains("401"), "{op:?}: {error}");
        assert_eq!(
            error.error_body(),
            Some(&ErrorBody::Unauthorized(
                UnauthorizedError::new().with_error("invalid_token").with_error_description("Invalid access token")
            )),
            "{op:?}"
        );
    }
}

#[tokio::test]
async fn not_found_and_too_many_requests_decode_problem_details_with_status_and_headers() {
    for op in Op::ALL {
        // 404
        let server = MockServer::start().await;
        respond_with(&server, problem_json(404, &not_found_body())).await;
        let error = op.send(&client(&server)).await.expect_err("404 is an error");
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND), "{op:?}");
        assert!(error.to_string().contains("404"), "{op:?}: {error}");
        match documented_error(error).into_body() {
            ErrorBody::NotFound(problem) => {
                assert_eq!(to_json(&problem), not_found_body(), "{op:?}");
                assert_eq!(problem.status, Some(404));
                assert_eq!(problem.title.as_deref(), Some("URI Resource Not Found"));
            }
            other => panic!("{op:?}: expected ErrorBody::NotFound, got {other:?}"),
        }

        // 429, with the rate-limit headers ThousandEyes sends
        let server = MockServer::start().await;
        respond_with(
            &server,
            problem_json(429, &too_many_requests_body())
                .insert_header("x-organization-rate-limit-limit", "240")
                .insert_header("x-organization-rate-limit-remaining", "0")
                .insert_header("x-organization-rate-limit-reset", "1658181654"),
        )
        .await;
        let error = op.send(&client(&server)).await.expect_err("429 is an error");
        assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS), "{op:?}");
        let headers = error.headers().expect("a response arrived");
        assert_eq!(headers["x-organization-rate-limit-reset"], "1658181654", "{op:?}");
        assert_eq!(headers["x-organization-rate-limit-remaining"], "0", "{op:?}");
        let shown = error.to_string();
        assert_one_line(&shown);
        assert!(shown.contains("429"), "{op:?}: {shown}");
        match error.error_body() {
            Some(ErrorBody::TooManyRequests(problem)) => {
                assert_eq!(to_json(problem), too_many_requests_body(), "{op:?}");
            }
            other => panic!("{op:?}: expected ErrorBody::TooManyRequests, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn forbidden_and_internal_server_error_decode_problem_details() {
    let forbidden = json!({"type": "about:blank", "title": "Forbidden", "status": 403,
                           "detail": "Missing permission: View Billing", "instance": "/v7/usage"});
    let internal = json!({"type": "about:blank", "title": "Internal server error", "status": 500,
                          "detail": "Optional detail about the internal error message.", "instance": "/v7"});
    for op in Op::ALL {
        let server = MockServer::start().await;
        respond_with(&server, problem_json(403, &forbidden)).await;
        let error = op.send(&client(&server)).await.expect_err("403 is an error");
        assert_eq!(error.status(), Some(StatusCode::FORBIDDEN), "{op:?}");
        match error.error_body() {
            Some(ErrorBody::Forbidden(problem)) => assert_eq!(to_json(problem), forbidden, "{op:?}"),
            other => panic!("{op:?}: expected ErrorBody::Forbidden, got {other:?}"),
        }

        let server = MockServer::start().await;
        respond_with(&server, problem_json(500, &internal)).await;
        let error = op.send(&client(&server)).await.expect_err("500 is an error");
        assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR), "{op:?}");
        match error.error_body() {
            Some(ErrorBody::InternalServerError(problem)) => assert_eq!(to_json(problem), internal, "{op:?}"),
            other => panic!("{op:?}: expected ErrorBody::InternalServerError, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies that do not decode, statuses nobody documented, no answer at all
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_json_on_success_is_an_invalid_payload_that_keeps_the_response() {
    let malformed = r#"{"usage": {"cloudUnitsUsed": 8500489, "quota": {"monthStart": "2020-01-05T08:"#;
    for op in Op::ALL.into_iter().filter(|op| !op.returns_no_content()) {
        let server = MockServer::start().await;
        respond_with(
            &server,
            ResponseTemplate::new(200)
                .set_body_raw(malformed, "application/hal+json")
                .insert_header("x-request-id", "req-77"),
        )
        .await;

        let error = op.send(&client(&server)).await.expect_err("truncated JSON does not decode");

        assert_eq!(error.status(), Some(StatusCode::OK), "{op:?}");
        assert_eq!(error.headers().expect("a response arrived")["x-request-id"], "req-77", "{op:?}");
        assert!(error.error_body().is_none());
        let raw = error.raw_response().expect("the raw response is kept");
        assert_eq!(raw.body().as_ref(), malformed.as_bytes(), "{op:?}: the whole body is kept");
        assert_eq!(raw.body_excerpt(), malformed);
        assert!(std::error::Error::source(&error).is_some(), "{op:?}: the JSON error is the source");
        let shown = error.to_string();
        assert_one_line(&shown);
        assert!(shown.starts_with("200 OK: "), "{op:?}: {shown}");
        assert!(shown.contains(r#"{"usage": {"cloudUnitsUsed": 8500489"#), "{op:?}: body excerpt in {shown}");
        assert!(
            matches!(error, Error::InvalidResponsePayload { .. }),
            "{op:?}: expected Error::InvalidResponsePayload, got {error:?}"
        );
    }
}

#[tokio::test]
async fn a_documented_error_status_with_a_non_json_body_is_an_invalid_payload() {
    let html = "<html><head><title>502</title></head><body>upstream failed</body></html>";
    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(500).set_body_raw(html, "text/html")).await;

    let error = client(&server).get_quotas().send().await.expect_err("500 is an error");

    match &error {
        Error::InvalidResponsePayload { response, .. } => {
            assert_eq!(response.status(), 500);
            assert_eq!(response.headers()["content-type"], "text/html");
            assert_eq!(response.body().as_ref(), html.as_bytes());
        }
        other => panic!("expected Error::InvalidResponsePayload, got {other:?}"),
    }
    let shown = error.to_string();
    assert_one_line(&shown);
    assert!(shown.starts_with("500 Internal Server Error: "), "{shown}");
    assert!(shown.contains("upstream failed"), "{shown}");
}

#[tokio::test]
async fn undocumented_statuses_are_unexpected_responses_that_keep_status_headers_and_body() {
    for op in Op::ALL {
        // The Display shows what the body says: a JSON body's message, or a text body itself.
        for (status, body, reason, said) in [
            (418, r#"{"message":"I'm a teapot"}"#, "418 I'm a teapot", "I'm a teapot"),
            (
                503,
                "Service Unavailable: maintenance until 02:00 UTC",
                "503 Service Unavailable",
                "maintenance until 02:00 UTC",
            ),
        ] {
            let server = MockServer::start().await;
            respond_with(
                &server,
                ResponseTemplate::new(status).set_body_raw(body, "text/plain").insert_header("retry-after", "120"),
            )
            .await;

            let error = op.send(&client(&server)).await.expect_err("an undocumented status is an error");

            let raw = match &error {
                Error::UnexpectedResponse(raw) => raw,
                other => panic!("{op:?} {status}: expected Error::UnexpectedResponse, got {other:?}"),
            };
            assert_eq!(raw.status(), status, "{op:?}");
            assert_eq!(raw.body().as_ref(), body.as_bytes(), "{op:?}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{op:?}");
            assert_eq!(error.headers().expect("a response arrived")["retry-after"], "120", "{op:?}");
            assert!(error.error_body().is_none());
            let shown = error.to_string();
            assert_one_line(&shown);
            assert!(shown.starts_with(reason), "{op:?}: {shown}");
            assert!(shown.contains(said), "{op:?}: body in {shown}");
        }
    }
}

#[tokio::test]
async fn a_success_status_the_operation_does_not_document_is_unexpected() {
    // The unassign operations document 204 only; the JSON operations 200 only.
    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(204)).await;
    let error = client(&server).get_quotas().send().await.expect_err("204 is not documented for getQuotas");
    assert!(matches!(&error, Error::UnexpectedResponse(raw) if raw.status() == 204), "{error:?}");
}

#[tokio::test]
async fn long_bodies_are_cut_in_the_display_but_kept_whole() {
    let body = "x".repeat(2_000);
    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(503).set_body_raw(body.clone(), "text/plain")).await;

    let error = client(&server).get_usage().send().await.expect_err("503 is an error");

    assert_eq!(error.raw_response().expect("raw response").body().len(), 2_000);
    let shown = error.to_string();
    assert_one_line(&shown);
    assert!(shown.ends_with('…'), "{shown}");
    assert!(shown.len() < 700, "the Display shows an excerpt, not {} bytes", shown.len());
}

#[tokio::test]
async fn error_display_stays_on_one_line_when_the_body_has_line_breaks() {
    // What a load balancer in front of the API sends, and what a pretty-printing server sends.
    let html =
        "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n</body>\r\n</html>\r\n";
    let pretty = "{\n  \"usage\": {\n    \"cloudUnitsUsed\": \"many\"\n  }\n}\n";

    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(503).set_body_raw(html, "text/html")).await;
    let unexpected = client(&server).get_usage().send().await.expect_err("503 is an error");
    assert!(matches!(unexpected, Error::UnexpectedResponse(_)), "{unexpected:?}");

    let server = MockServer::start().await;
    respond_with(&server, ResponseTemplate::new(200).set_body_raw(pretty, "application/hal+json")).await;
    let invalid = client(&server).get_usage().send().await.expect_err("a string is no integer");
    assert!(matches!(invalid, Error::InvalidResponsePayload { .. }), "{invalid:?}");

    for (error, status) in [(unexpected, "503"), (invalid, "200")] {
        let shown = error.to_string();
        assert!(shown.contains(status), "{shown}");
        assert_one_line(&shown);
    }
}

#[tokio::test]
async fn connection_refused_is_a_communication_error_for_every_operation() {
    let port = closed_port();
    let client = Client::new(format!("http://127.0.0.1:{port}")).with_bearer_token(TOKEN);

    for op in Op::ALL {
        let error = op.send(&client).await.expect_err("nothing listens on the port");

        match &error {
            Error::Communication { source, .. } => assert!(source.is_connect(), "{op:?}: {source:?}"),
            other => panic!("{op:?}: expected Error::Communication, got {other:?}"),
        }
        assert_eq!(error.status(), None);
        assert!(error.headers().is_none());
        assert!(error.raw_response().is_none());
        assert!(std::error::Error::source(&error).is_some());
        let shown = error.to_string();
        assert_one_line(&shown);
        assert!(shown.starts_with("request failed: "), "{op:?}: {shown}");
        assert!(shown.contains(&format!("127.0.0.1:{port}")), "{op:?}: the address is named in {shown}");
        assert!(!shown.contains(TOKEN), "{op:?}: the token must not be shown: {shown}");
    }
}
