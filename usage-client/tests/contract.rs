//! Contract tests: the generated clients against Prism, an independent mock server that reads the
//! same `spec/` documents and rejects requests that violate them (parameter encoding and formats,
//! bodies, required parameters, security).
//!
//! Run them with `cargo xtask contract`: it installs Prism (pinned in `tools/prism/`), starts it for
//! every spec on 127.0.0.1 (static mode, and dynamic mode with a fixed seed), and runs this file
//! with `--ignored`, naming the servers in `PRISM_<SPEC>_URL` and `PRISM_<SPEC>_DYNAMIC_URL`. A plain
//! `cargo test` lists the tests that need Prism as ignored and runs the few that do not.
//!
//! What each API's tests check, using the clients exactly as a user would:
//! - every operation with realistic arguments (optional parameters unset and set, `expand` with
//!   several values, date-times with and without fractions, every request body) is accepted by
//!   Prism: a 2xx status and no `sl-violations` header (Prism's list of what it found wrong);
//! - every answer decodes, and the decoded value, serialized again, says what the raw body says
//!   (see [`agree`]): in static mode (the spec's examples) and in dynamic mode (random bodies from
//!   the schemas, `CONTRACT_REQUESTS` per operation, default 50, each with its own fixed seed);
//! - every documented error status (asked for with `Prefer: code=N`) decodes into the operation's
//!   error enum, the right variant for the status;
//! - requests the spec forbids are refused by Prism, so the passes above mean something.
//!
//! How Prism 5.16.0 serves a document (found by reading its source and trying it):
//! - PRISM DEVIATION: it ignores the server URL's path, on purpose (its FAQ says so). OpenAPI
//!   3.0.3 appends each path to the server URL, so the API's URLs are `…/v7/usage` and
//!   `…/api/2/reports`; Prism serves `/usage` and `/reports` and answers 404 under `/v7`. The base
//!   URL of our clients is therefore Prism's root, `http://127.0.0.1:<port>` (how base URL and path
//!   are joined is covered by the wiremock tests in `thousandeyes.rs` and `acronis.rs`);
//! - `Prefer: code=400` picks the response, `Prefer: seed=s` the seed of a dynamic body; the
//!   tests send `Prefer` as a default header of the `reqwest::Client` given to the builder;
//! - with a seed, the generator is reset to it for every body, so the same seed gives the same
//!   body: the dynamic loop uses one seed per request (`contract-<i>`), and fetches the raw body
//!   again with the same seed to compare it with the decoded one.
//!
//! Where Prism and the OpenAPI 3.0.3 text part ways, the test says so at the place it matters
//! (search for `PRISM DEVIATION`, and `PRISM BEHAVIOUR` for what is allowed but surprising); where
//! our client is wrong, the test asserts the right behaviour (search for `CLIENT BUG`).

use std::collections::BTreeSet;
use std::fmt::Display;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;
use usage_client::acronis::types as ac;
use usage_client::runtime::{Documented, RawResponse, RetryPolicy, StreamExt};
use usage_client::thousandeyes::types as te;
use usage_client::{acronis, thousandeyes, Error, ResponseValue};
use uuid::Uuid;

#[path = "support/thousandeyes_errors.rs"]
mod thousandeyes_errors;
use thousandeyes_errors::ErrorBody;

const TOKEN: &str = "contract-test-token";
/// The header in which Prism lists what it found wrong with a request (or its own response).
const VIOLATIONS: &str = "sl-violations";
const PREFER: HeaderName = HeaderName::from_static("prefer");

// ---------------------------------------------------------------------------------------------
// Environment and clients
// ---------------------------------------------------------------------------------------------

/// The Prism servers `cargo xtask contract` started for one spec.
struct Prism {
    /// `prism mock --errors`: the spec's examples.
    static_url: String,
    /// `prism mock --errors --dynamic --seed …`: random bodies from the schemas.
    dynamic_url: String,
}

fn prism(spec: &str) -> Prism {
    let var = |suffix: &str| {
        let name = format!("PRISM_{}_{suffix}", spec.to_uppercase());
        std::env::var(&name).ok().filter(|url| !url.trim().is_empty()).unwrap_or_else(|| {
            panic!("{name} is not set: the contract tests need Prism; run them with `cargo xtask contract`")
        })
    };
    Prism { static_url: var("URL"), dynamic_url: var("DYNAMIC_URL") }
}

/// Requests per operation in dynamic mode (`CONTRACT_REQUESTS`, default 50).
fn requests_per_operation() -> usize {
    std::env::var("CONTRACT_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(50)
}

/// An HTTP client that sends `Prefer: <prefer>` with every request, if given.
fn http(prefer: Option<&str>) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    if let Some(prefer) = prefer {
        headers.insert(PREFER, HeaderValue::from_str(prefer).expect("a header value"));
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// Retries are off: Prism answers at once, and a `Prefer: code=429` must come back as it is.
fn te_client(base: &str, prefer: Option<&str>) -> thousandeyes::Client {
    thousandeyes::Client::builder()
        .base_url(base)
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .http_client(http(prefer))
        .build()
        .expect("a valid client")
}

fn ac_client(base: &str, prefer: Option<&str>) -> acronis::Client {
    acronis::Client::builder()
        .base_url(base)
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .http_client(http(prefer))
        .build()
        .expect("a valid client")
}

// ---------------------------------------------------------------------------------------------
// Answers and how they are judged
// ---------------------------------------------------------------------------------------------

/// What a successful call produced: status, headers and the typed body serialized again.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

/// A success as its status, headers and JSON; an error with its body in the test's own type for the
/// documented errors of every operation of the API.
fn answer<T: Serialize, E: Into<F>, F>(result: Result<ResponseValue<T>, Error<E>>) -> Result<Answer, Error<F>> {
    result.map_err(|e| e.map_body(E::into)).map(|value| {
        let status = value.status();
        let headers = value.headers().clone();
        let body = to_json(&value.into_inner());
        Answer { status, headers, body }
    })
}

fn violations(headers: &HeaderMap) -> Option<String> {
    headers.get(VIOLATIONS).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// The error as one line, with Prism's violations when it listed any.
fn explain<E>(error: &Error<E>) -> String
where
    Error<E>: Display,
{
    match error.headers().and_then(violations) {
        Some(found) => format!("{error}\n    Prism's violations: {found}"),
        None => error.to_string(),
    }
}

/// The call succeeded with `status`, and Prism found nothing wrong with the request.
fn expect_success<E>(what: &str, result: Result<Answer, Error<E>>, status: u16) -> Answer
where
    Error<E>: Display,
{
    let answer = result.unwrap_or_else(|error| panic!("{what}: {}", explain(&error)));
    if let Some(found) = violations(&answer.headers) {
        panic!("{what}: Prism answered {} but lists violations: {found}", answer.status);
    }
    assert_eq!(answer.status.as_u16(), status, "{what}: status");
    answer
}

/// The call failed with a documented error `status` whose body decoded; Prism found nothing wrong
/// with the request (the status is the one asked for with `Prefer`, not a rejection).
fn expect_documented_error<E: Clone>(what: &str, result: Result<Answer, Error<E>>, status: u16) -> (E, RawResponse)
where
    Error<E>: Display,
{
    match result {
        Err(Error::ErrorResponse(error)) => {
            if let Some(found) = violations(error.headers()) {
                panic!("{what}: Prism rejected the request ({}): {found}", error.status());
            }
            assert_eq!(error.status().as_u16(), status, "{what}: status");
            (error.body().clone(), error.raw().clone())
        }
        Err(other) => panic!("{what}: expected a documented {status} error, got {}", explain(&other)),
        Ok(answer) => panic!("{what}: expected a documented {status} error, got {} {}", answer.status, answer.body),
    }
}

/// Prism refused the request: the status and the violations it listed.
fn expect_rejection<E>(what: &str, result: Result<Answer, Error<E>>) -> (StatusCode, String) {
    match result {
        Ok(answer) => panic!("{what}: Prism accepted a request the spec forbids ({} {})", answer.status, answer.body),
        Err(error) => {
            let status = error.status().unwrap_or_else(|| panic!("{what}: no response"));
            let found =
                error.headers().and_then(violations).unwrap_or_else(|| panic!("{what}: no {VIOLATIONS} header"));
            (status, found)
        }
    }
}

/// Keys of raw bodies that the typed value may leave out, with the reason. Everything else the
/// raw body holds must come back from the typed value, equal.
///
/// PRISM BEHAVIOUR (dynamic mode, not a deviation): Prism's generator (json-schema-faker) adds
/// properties of its own invention (`"Lorem69": -70194408`, `"irure_2e7": "…"`) to objects whose
/// schema leaves `additionalProperties` unset, at the top level and in `_links`. OpenAPI 3.0.3
/// allows them (`additionalProperties` defaults to `true`), and our types ignore unknown fields by
/// design. They are told apart from documented properties by name: a dropped key that the
/// document declares anywhere ([`declared_properties`]) fails the test.
fn undeclared(key: &str, declared: &BTreeSet<String>) -> bool {
    !declared.contains(key)
}

/// Every property name a spec declares, read from the YAML text: each key directly under a
/// `properties:` mapping. Rough, but enough to tell the generator's inventions apart.
fn declared_properties(spec_text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut lines = spec_text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "properties:" {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let mut child_indent = None;
        while let Some(next) = lines.peek() {
            let trimmed = next.trim_start();
            let next_indent = next.len() - trimmed.len();
            if trimmed.is_empty() {
                lines.next();
                continue;
            }
            if next_indent <= indent {
                break;
            }
            let child = *child_indent.get_or_insert(next_indent);
            if next_indent == child {
                if let Some((key, _)) = trimmed.split_once(':') {
                    names.insert(key.trim_matches(|c| c == '\'' || c == '"').to_owned());
                }
            }
            lines.next();
        }
    }
    names
}

/// Whether the typed value, serialized again, says what the raw body says: every raw member is
/// in the typed value and equal (date-times compared as instants, UUIDs as UUIDs; `null` is the
/// same as absent), except undeclared ones ([`undeclared`]); the typed value has nothing the raw
/// body lacks.
fn agree(typed: &Value, raw: &Value, declared: &BTreeSet<String>) -> Result<(), String> {
    fn walk(path: &str, typed: &Value, raw: &Value, declared: &BTreeSet<String>, out: &mut Vec<String>) {
        match (typed, raw) {
            (Value::Object(t), Value::Object(r)) => {
                for (key, raw_value) in r {
                    let here = format!("{path}/{key}");
                    match (t.get(key), raw_value) {
                        (None | Some(Value::Null), Value::Null) => {}
                        (Some(typed_value), _) => walk(&here, typed_value, raw_value, declared, out),
                        (None, _) if undeclared(key, declared) => {}
                        (None, _) => out.push(format!("{here}: the raw body has {raw_value}, the typed value nothing")),
                    }
                }
                for key in t.keys().filter(|k| !r.contains_key(*k)) {
                    out.push(format!("{path}/{key}: the typed value has {}, the raw body nothing", t[key]));
                }
            }
            (Value::Array(t), Value::Array(r)) if t.len() == r.len() => {
                for (i, (t, r)) in t.iter().zip(r).enumerate() {
                    walk(&format!("{path}/{i}"), t, r, declared, out);
                }
            }
            (Value::String(t), Value::String(r)) if t != r => {
                let instants = DateTime::parse_from_rfc3339(t).ok().zip(DateTime::parse_from_rfc3339(r).ok());
                let uuids = Uuid::parse_str(t).ok().zip(Uuid::parse_str(r).ok());
                let same = instants.is_some_and(|(t, r)| t == r) || uuids.is_some_and(|(t, r)| t == r);
                if !same {
                    out.push(format!("{path}: typed {t:?}, raw {r:?}"));
                }
            }
            (Value::Number(t), Value::Number(r)) if t != r => {
                if t.as_f64() != r.as_f64() {
                    out.push(format!("{path}: typed {t}, raw {r}"));
                }
            }
            (t, r) if t == r => {}
            (t, r) => out.push(format!("{path}: typed {t}, raw {r}")),
        }
    }
    let mut out = Vec::new();
    walk("", typed, raw, declared, &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(out.join("\n    "))
    }
}

fn parse_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|e| panic!("Prism sent a body that is not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
    }
}

/// A plain HTTP client for fetching raw bodies, shared by a test (building one takes a while).
struct Raw(reqwest::Client);

impl Raw {
    fn new() -> Raw {
        Raw(http(None))
    }
}

/// The raw body Prism sends for `method path` (with `Prefer: prefer`), fetched without our client.
/// Prism's answer depends on the operation, the status and the seed, not on the arguments.
async fn raw_body(
    raw: &Raw,
    base: &str,
    method: Method,
    path: &str,
    accept: &str,
    body: Option<&Value>,
    prefer: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = raw
        .0
        .request(method, format!("{base}{path}"))
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(ACCEPT, accept);
    if let Some(body) = body {
        request = request.json(body);
    }
    if let Some(prefer) = prefer {
        request = request.header(PREFER, prefer);
    }
    let response = request.send().await.expect("Prism answers");
    let status = response.status();
    if let Some(found) = violations(response.headers()) {
        panic!("raw {path}: Prism lists violations: {found}");
    }
    let bytes = response.bytes().await.expect("a body");
    (status, parse_body(&bytes))
}

/// `(mode, server, status, Prefer value)` for asking each error status of both servers: the
/// static one once (the spec's example, or one built from the schema), the dynamic one with a few
/// seeds.
fn error_preferences<'a>(prism: &'a Prism, statuses: &[u16]) -> Vec<(&'static str, &'a str, u16, String)> {
    let mut out = Vec::new();
    for &status in statuses {
        out.push(("static", prism.static_url.as_str(), status, format!("code={status}")));
        for seed in ["errors-1", "errors-2", "errors-3"] {
            out.push(("dynamic", prism.dynamic_url.as_str(), status, format!("code={status}, seed={seed}")));
        }
    }
    out
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("an RFC 3339 date-time").to_utc()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("a UUID")
}

/// How many operations a generated `client.rs` has: each method's doc ends with
/// ``Sends `METHOD /path`.``
fn operations_in(client_source: &str) -> usize {
    client_source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("/// Sends `"))
        .filter(|rest| rest.split_once(" /").is_some_and(|(method, _)| method.chars().all(|c| c.is_ascii_uppercase())))
        .count()
}

// ---------------------------------------------------------------------------------------------
// ThousandEyes: every operation and its argument variants
// ---------------------------------------------------------------------------------------------

const TE_SPEC: &str = include_str!("../../spec/thousandeyes.yaml");
const TE_ACCEPT: &str = "application/hal+json, application/problem+json";
/// The error statuses every ThousandEyes operation documents.
const TE_ERRORS: [u16; 6] = [400, 401, 403, 404, 429, 500];

#[derive(Clone, Copy, Debug)]
enum TeOp {
    GetUsage,
    GetEnterpriseAgentsUnitsUsage,
    GetTestsUnitsUsage,
    GetQuotas,
    AssignOrganizationsQuotas,
    UnassignOrganizationsQuotas,
    AssignOrganizationsAccountGroupsQuotas,
    UnassignOrganizationsAccountGroupsQuotas,
}

fn all_expand() -> Vec<te::ExpandUsageOptions> {
    use te::ExpandUsageOptions::*;
    vec![Test, EnterpriseAgent, EnterpriseAgentUnit, EndpointAgent, EndpointAgentEssential, EndpointAgentEmbedded]
}

impl TeOp {
    const ALL: [TeOp; 8] = [
        TeOp::GetUsage,
        TeOp::GetEnterpriseAgentsUnitsUsage,
        TeOp::GetTestsUnitsUsage,
        TeOp::GetQuotas,
        TeOp::AssignOrganizationsQuotas,
        TeOp::UnassignOrganizationsQuotas,
        TeOp::AssignOrganizationsAccountGroupsQuotas,
        TeOp::UnassignOrganizationsAccountGroupsQuotas,
    ];

    fn route(self) -> (Method, &'static str, u16) {
        match self {
            TeOp::GetUsage => (Method::GET, "/usage", 200),
            TeOp::GetEnterpriseAgentsUnitsUsage => (Method::GET, "/usage/units/enterprise-agents", 200),
            TeOp::GetTestsUnitsUsage => (Method::GET, "/usage/units/tests", 200),
            TeOp::GetQuotas => (Method::GET, "/quotas", 200),
            TeOp::AssignOrganizationsQuotas => (Method::POST, "/quotas/assign", 200),
            TeOp::UnassignOrganizationsQuotas => (Method::POST, "/quotas/unassign", 204),
            TeOp::AssignOrganizationsAccountGroupsQuotas => (Method::POST, "/quotas/account-groups/assign", 200),
            TeOp::UnassignOrganizationsAccountGroupsQuotas => (Method::POST, "/quotas/account-groups/unassign", 204),
        }
    }

    /// How many argument variants [`TeOp::call`] knows.
    fn variants(self) -> usize {
        match self {
            TeOp::GetUsage => 6,
            TeOp::GetEnterpriseAgentsUnitsUsage => 5,
            TeOp::GetTestsUnitsUsage => 4,
            TeOp::GetQuotas => 1,
            TeOp::AssignOrganizationsQuotas => 4,
            TeOp::UnassignOrganizationsQuotas => 3,
            TeOp::AssignOrganizationsAccountGroupsQuotas => 3,
            TeOp::UnassignOrganizationsAccountGroupsQuotas => 3,
        }
    }

    /// Calls the operation with argument variant `variant` (0: every optional parameter unset).
    async fn call(self, client: &thousandeyes::Client, variant: usize) -> Result<Answer, Error<ErrorBody>> {
        use te::ExpandUsageOptions::*;
        match self {
            TeOp::GetUsage => {
                let request = client.get_usage();
                let request = match variant {
                    0 => request,
                    1 => request.aid("1234"),
                    2 => request.expand(all_expand()),
                    3 => request.aid("1234").expand(vec![Test, EnterpriseAgent]),
                    4 => request.expand(vec![EndpointAgentEmbedded]),
                    // An empty list is the same as no `expand` (nothing is sent).
                    _ => request.expand(vec![]),
                };
                answer(request.send().await)
            }
            TeOp::GetEnterpriseAgentsUnitsUsage => {
                let request = client.get_enterprise_agents_units_usage();
                let request = match variant {
                    0 => request,
                    1 => request.start_date(at("2022-07-17T22:00:54Z")).end_date(at("2022-07-18T22:00:54Z")),
                    // Fractions of a second, and an offset that becomes UTC.
                    2 => request
                        .start_date(at("2024-05-01T00:00:00.250+02:00"))
                        .end_date(at("2024-05-31T23:59:59.123456789Z")),
                    // A cursor as a server might write one: reserved characters must be encoded.
                    3 => request
                        .start_date(at("2024-05-01T00:00:00Z"))
                        .end_date(at("2024-05-31T00:00:00Z"))
                        .cursor("eyJvZmZzZXQiOjEwMH0=/+&x=1"),
                    _ => request.cursor("c2Vjb25kLXBhZ2U"),
                };
                answer(request.send().await)
            }
            TeOp::GetTestsUnitsUsage => {
                let request = client.get_tests_units_usage();
                let request = match variant {
                    0 => request,
                    1 => request.aid("1234"),
                    2 => request
                        .aid("1234")
                        .start_date(at("2022-07-17T22:00:54Z"))
                        .end_date(at("2022-07-18T22:00:54Z"))
                        .cursor("eyJvZmZzZXQiOjEwMH0="),
                    _ => request.start_date(at("2023-12-31T23:59:59.5Z")).end_date(at("2024-01-01T00:00:00Z")),
                };
                answer(request.send().await)
            }
            TeOp::GetQuotas => answer(client.get_quotas().send().await),
            TeOp::AssignOrganizationsQuotas => {
                let request = client.assign_organizations_quotas();
                let request = match variant {
                    0 => request,
                    // The spec's example: an entry without `orgId` targets the caller's organization.
                    1 => request.body(te::QuotasAssignRequest::new().with_organizations(vec![
                        te::OrganizationQuota::new(12000),
                        te::OrganizationQuota::new(10000).with_org_id("1234"),
                    ])),
                    2 => request.body(te::QuotasAssignRequest::new().with_organizations(vec![])),
                    _ => request.body(te::QuotasAssignRequest::default()),
                };
                answer(request.send().await)
            }
            TeOp::UnassignOrganizationsQuotas => {
                let request = client.unassign_organizations_quotas();
                let request = match variant {
                    0 => request,
                    1 => {
                        request.body(te::QuotasUnassign::new().with_organizations(vec!["1234".into(), "12345".into()]))
                    }
                    _ => request.body(te::QuotasUnassign::new().with_organizations(vec![])),
                };
                answer(request.send().await)
            }
            TeOp::AssignOrganizationsAccountGroupsQuotas => {
                let request = client.assign_organizations_account_groups_quotas();
                let request = match variant {
                    0 => request,
                    1 => request.body(te::OrganizationsQuotasAssign::new().with_organizations(vec![
                        te::OrganizationQuotaAssignment::new().with_org_id("1234").with_account_groups(vec![
                            te::AccountGroupQuota::new().with_value(12000).with_aid("1234"),
                            te::AccountGroupQuota::new().with_value(0).with_aid("12345"),
                        ]),
                        te::OrganizationQuotaAssignment::new().with_org_id("10").with_account_groups(vec![]),
                    ])),
                    _ => request.body(
                        te::OrganizationsQuotasAssign::new()
                            .with_organizations(vec![te::OrganizationQuotaAssignment::new()]),
                    ),
                };
                answer(request.send().await)
            }
            TeOp::UnassignOrganizationsAccountGroupsQuotas => {
                let request = client.unassign_organizations_account_groups_quotas();
                let request = match variant {
                    0 => request,
                    1 => request.body(te::OrganizationsQuotasUnassign::new().with_organizations(vec![
                            te::OrganizationQuotaUnassignment::new()
                                .with_org_id("1234")
                                .with_account_groups(vec!["1234".into(), "12345".into()]),
                            te::OrganizationQuotaUnassignment::new().with_org_id("10").with_account_groups(vec![]),
                        ])),
                    _ => request.body(
                        te::OrganizationsQuotasUnassign::new()
                            .with_organizations(vec![te::OrganizationQuotaUnassignment::new()]),
                    ),
                };
                answer(request.send().await)
            }
        }
    }

    async fn raw(self, raw: &Raw, base: &str, prefer: Option<&str>) -> (StatusCode, Value) {
        let (method, path, _) = self.route();
        raw_body(raw, base, method, path, TE_ACCEPT, None, prefer).await
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("typed values serialize")
}

/// The status a ThousandEyes error variant stands for, and its body as JSON.
fn te_error(body: &ErrorBody) -> (u16, Value) {
    match body {
        ErrorBody::BadRequest(v) => (400, to_json(v)),
        ErrorBody::Unauthorized(v) => (401, to_json(v)),
        ErrorBody::Forbidden(v) => (403, to_json(v)),
        ErrorBody::NotFound(v) => (404, to_json(v)),
        ErrorBody::TooManyRequests(v) => (429, to_json(v)),
        ErrorBody::InternalServerError(v) => (500, to_json(v)),
    }
}

// ---------------------------------------------------------------------------------------------
// ThousandEyes tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_generated_thousandeyes_operation_is_exercised() {
    let generated = operations_in(include_str!("../src/thousandeyes/client.rs"));
    assert_eq!(generated, TeOp::ALL.len(), "add the new operations to TeOp");
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn thousandeyes_static_every_operation_and_argument_is_accepted_and_decodes() {
    let base = prism("thousandeyes").static_url;
    let client = te_client(&base, None);
    let declared = declared_properties(TE_SPEC);
    let raw = Raw::new();
    for op in TeOp::ALL {
        let (_, _, status) = op.route();
        for variant in 0..op.variants() {
            let what = format!("{op:?} variant {variant} (static)");
            let answer = expect_success(&what, op.call(&client, variant).await, status);
            let (raw_status, raw) = op.raw(&raw, &base, None).await;
            assert_eq!(raw_status, answer.status, "{what}: raw status");
            agree(&answer.body, &raw, &declared)
                .unwrap_or_else(|e| panic!("{what}: decoded and raw bodies differ:\n    {e}"));
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn thousandeyes_static_examples_decode_to_the_documented_values() {
    let client = te_client(&prism("thousandeyes").static_url, None);

    let usage = client.get_usage().expand(all_expand()).send().await.expect("getUsage");
    let details = usage.usage.as_ref().expect("usage");
    let quota = details.quota.as_ref().expect("quota");
    assert_eq!(quota.month_start, Some(at("2020-01-05T08:00:00Z")));
    assert_eq!(quota.cloud_units_included, Some(4_320_000_000));
    assert_eq!(details.tests.as_ref().map(Vec::len), Some(2));
    assert_eq!(
        details.enterprise_agent_units.as_ref().expect("agent units")[1].agent_name.as_deref(),
        Some("lab-physical-appliance-1")
    );

    // Paginated operations stream their items. Prism builds the page from the property examples,
    // so its `_links.next.href` is the `Link.href` example, a production URL: the stream yields
    // the page's rows, then stops with `Error::Pagination` instead of sending the token there.
    let rows: Vec<_> = client.get_tests_units_usage().aid("1234").stream().collect().await;
    let ids: Vec<_> = rows.iter().take(2).map(|r| r.as_ref().expect("a row").test_id.as_deref()).collect();
    assert_eq!(ids, [Some("1158"), Some("1221")]);
    assert_eq!(rows.len(), 3, "two rows, then the refusal");
    let Some(Err(Error::Pagination(message))) = rows.last() else {
        panic!("expected a refused next link: {:?}", rows.last())
    };
    assert!(message.contains("https://api.thousandeyes.com/v7/link/to/resource/id"), "{message}");
    let agents: Vec<_> = client.get_enterprise_agents_units_usage().stream().collect().await;
    assert_eq!(agents.iter().filter(|r| r.is_ok()).count(), 2);
    assert!(matches!(agents.last(), Some(Err(Error::Pagination(_)))));

    let quotas = client
        .assign_organizations_quotas()
        .body(te::QuotasAssignRequest::new().with_organizations(vec![te::OrganizationQuota::new(12000)]))
        .send()
        .await
        .expect("assignOrganizationsQuotas");
    assert_eq!(
        quotas.organizations.as_deref(),
        Some(
            &[
                te::OrganizationQuota::new(12000).with_org_id("1234"),
                te::OrganizationQuota::new(10000).with_org_id("12345"),
            ][..]
        )
    );
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn thousandeyes_documented_errors_decode_into_their_variants() {
    let prism = prism("thousandeyes");
    let declared = declared_properties(TE_SPEC);
    for (mode, base, status, prefer) in error_preferences(&prism, &TE_ERRORS) {
        let client = te_client(base, Some(&prefer));
        for op in TeOp::ALL {
            let what = format!("{op:?} with Prefer: {prefer} ({mode})");
            let (body, raw) = expect_documented_error(&what, op.call(&client, op.variants() - 1).await, status);
            let (variant_status, typed) = te_error(&body);
            assert_eq!(variant_status, status, "{what}: variant {body:?}");
            agree(&typed, &parse_body(raw.body()), &declared)
                .unwrap_or_else(|e| panic!("{what}: decoded and raw bodies differ:\n    {e}"));
            if mode == "static" && status == 400 {
                // The spec's example for 400, field by field.
                let ErrorBody::BadRequest(problem) = &body else { unreachable!() };
                let codes: Vec<_> = problem.errors.iter().flatten().map(|e| e.code.as_deref()).collect();
                assert_eq!(codes, [Some("AM-5432"), Some("DASH-5622")], "{what}");
                assert_eq!(problem.instance.as_deref(), Some("/v7"), "{what}");
            }
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn thousandeyes_dynamic_bodies_decode_without_loss() {
    let base = prism("thousandeyes").dynamic_url;
    let declared = declared_properties(TE_SPEC);
    let raw = Raw::new();
    for i in 0..requests_per_operation() {
        let prefer = format!("seed=contract-{i}");
        let client = te_client(&base, Some(&prefer));
        for op in TeOp::ALL {
            let (_, _, status) = op.route();
            let variant = i % op.variants();
            let what = format!("{op:?} variant {variant} (dynamic, Prefer: {prefer})");
            let answer = expect_success(&what, op.call(&client, variant).await, status);
            let (_, raw) = op.raw(&raw, &base, Some(&prefer)).await;
            agree(&answer.body, &raw, &declared)
                .unwrap_or_else(|e| panic!("{what}: decoded and raw bodies differ:\n    {e}"));
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn thousandeyes_prism_refuses_what_the_spec_forbids() {
    let base = prism("thousandeyes").static_url;

    // No token: the spec requires BearerAuth. Prism answers with the documented 401.
    let anonymous = thousandeyes::Client::builder()
        .base_url(&base)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client");
    let result = answer::<_, _, ErrorBody>(anonymous.get_quotas().send().await);
    let (status, found) = expect_rejection("getQuotas without a token", result);
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{found}");
    let result = answer::<_, _, ErrorBody>(anonymous.get_quotas().send().await);
    assert!(matches!(result.err().and_then(|e| e.error_body().cloned()), Some(ErrorBody::Unauthorized(_))));

    // A value outside the enum: the client sends it unchanged, Prism refuses it with the 400.
    let client = te_client(&base, None);
    let result = answer::<_, _, ErrorBody>(
        client.get_usage().expand(vec![te::ExpandUsageOptions::Unknown("bogus-resource".into())]).send().await,
    );
    let (status, found) = expect_rejection("getUsage with expand=bogus-resource", result);
    assert_eq!(status, StatusCode::BAD_REQUEST, "{found}");
    assert!(found.contains("expand"), "{found}");
}

// ---------------------------------------------------------------------------------------------
// Acronis: every operation and its argument variants
// ---------------------------------------------------------------------------------------------

const AC_SPEC: &str = include_str!("../../spec/acronis.yaml");
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

/// The HTTP Basic value of the token request (`client:secret`).
const BASIC: &str = "Basic Y2xpZW50OnNlY3JldA==";

/// A client whose every request carries the token request's Basic credentials.
fn ac_token_client(base: &str, prefer: Option<&str>) -> acronis::Client {
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_static(BASIC));
    if let Some(prefer) = prefer {
        headers.insert(PREFER, HeaderValue::from_str(prefer).expect("a header value"));
    }
    let http = reqwest::Client::builder().default_headers(headers).build().expect("an HTTP client");
    acronis::Client::builder()
        .base_url(base)
        .retry_policy(RetryPolicy::disabled())
        .http_client(http)
        .build()
        .expect("a valid client")
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
                    body.extend_from_slice(&chunk.map_err(|e| panic!("the download broke off: {e}"))?);
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
    let generated = operations_in(include_str!("../src/acronis/client.rs"));
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

    let anonymous = acronis::Client::builder()
        .base_url(&base)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client");
    let (status, found) = expect_rejection(
        "getReport without a token",
        answer::<_, _, AcErrorBody>(anonymous.get_report(uuid(REPORT_ID)).send().await),
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{found}");

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

// ---------------------------------------------------------------------------------------------
// The suite itself
// ---------------------------------------------------------------------------------------------

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn every_spec_has_contract_tests() {
    let specs = std::env::var("CONTRACT_SPECS").expect("CONTRACT_SPECS is set by `cargo xtask contract`");
    let specs: BTreeSet<&str> = specs.split(',').collect();
    assert_eq!(specs, BTreeSet::from(["acronis", "thousandeyes"]), "write contract tests for the new spec");
}

#[test]
fn declared_properties_are_read_from_the_yaml() {
    let te = declared_properties(TE_SPEC);
    for name in ["_links", "cloudUnitsUsed", "accountGroups", "orgId", "self", "href", "type", "errors"] {
        assert!(te.contains(name), "{name} in {te:?}");
    }
    for not_a_property in ["description", "items", "$ref", "properties", "example", "BearerAuth"] {
        assert!(!te.contains(not_a_property), "{not_a_property}");
    }
    let ac = declared_properties(AC_SPEC);
    for name in ["recipients", "tenant_id", "result_action", "generation_date", "id", "version", "enabled"] {
        assert!(ac.contains(name), "{name} in {ac:?}");
    }
}

/// The Prism behaviour this file relies on or works around, checked so that a Prism upgrade that
/// changes it is noticed.
#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn prism_deviations_this_suite_relies_on_still_hold() {
    let base = prism("thousandeyes").static_url;
    let raw = Raw(http(None));
    let get = |path: &'static str| {
        let request = raw.0.get(format!("{base}{path}")).header(AUTHORIZATION, format!("Bearer {TOKEN}"));
        async move { request.send().await.expect("Prism answers") }
    };
    // The server URL's path is not served.
    assert_eq!(get("/v7/usage").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(get("/usage").await.status(), StatusCode::OK);
    // A percent-encoded comma splits like a literal one, `+` reads as a space: both accepted.
    for path in ["/usage?expand=test%2Centerprise-agent", "/usage?expand=test,enterprise-agent", "/usage?aid=a+b"] {
        let response = get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(violations(response.headers()).is_none(), "{path}");
    }
    // A value that really is outside the enum is refused, delimiter or not.
    let response = get("/usage?expand=test,bogus").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(violations(response.headers()).is_some());
}

// ---------------------------------------------------------------------------------------------
// Query serialization: where Prism cannot tell, the OpenAPI text decides
// ---------------------------------------------------------------------------------------------

/// PRISM DEVIATION: Prism reads the query with WHATWG `URLSearchParams`, which decodes each value
/// before Prism splits it on `,` and reads `+` as a space. So it accepts `expand=test%2Centerprise-agent`
/// as the two values `test` and `enterprise-agent`, and `aid=a+b` as `a b`. OpenAPI 3.0.3 defines
/// `style: form` as RFC 6570 form-style expansion (`{?expand}`; the spec's own example for an
/// unexploded array is `color=blue,black,brown`): the `,` between items is a literal delimiter,
/// each item is percent-encoded with only unreserved characters left as they are
/// (`allowReserved: false`), so a `%2C` is a comma inside one value and a space is `%20`, not
/// `+`. Prism cannot catch a client that gets this wrong; this test checks the wire itself.
///
/// The generated builders write the query with `runtime::Parameters`, which encodes each item and keeps
/// the delimiters (an earlier version handed joined values to reqwest's form encoding and sent
/// `expand=test%2Centerprise-agent` and `aid=a+b%2Fc`).
#[tokio::test]
async fn form_style_query_follows_rfc_6570() {
    const EXPECTED: &str = "aid=a%20b%2Fc&expand=test,enterprise-agent";
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw("{}", "application/hal+json"))
        .mount(&server)
        .await;
    let client = te_client(&server.uri(), None);
    let result = client
        .get_usage()
        .aid("a b/c")
        .expand(vec![te::ExpandUsageOptions::Test, te::ExpandUsageOptions::EnterpriseAgent])
        .send()
        .await;
    result.expect("the local server answers 200 {}");
    let requests = server.received_requests().await.expect("recording is on");
    let query = requests[0].url.query().unwrap_or_default().to_owned();
    assert_eq!(query, EXPECTED, "form-style query serialization (OpenAPI 3.0.3 `style: form`, RFC 6570)");
}
