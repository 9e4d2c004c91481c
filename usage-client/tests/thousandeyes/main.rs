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

#[path = "../support/thousandeyes_errors.rs"]
mod thousandeyes_errors;
use thousandeyes_errors::ErrorBody;

mod errors;
mod requests;
mod responses;

const TOKEN: &str = "3f1c2a9e-7b4d-4e1a-9c55-0d2b8f6a1e77";
const HAL_AND_PROBLEM: &str = "application/hal+json, application/problem+json";
const PROBLEM: &str = "application/problem+json";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A client for the mock server with the test token. Retries are off: these tests are about what
/// one exchange puts on the wire and makes of the answer (`runtime_faults/` covers retries).
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
