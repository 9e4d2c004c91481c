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
//!   are joined is covered by the wiremock tests in `thousandeyes/` and `acronis.rs`);
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

#[path = "../support/thousandeyes_errors.rs"]
mod thousandeyes_errors;
use thousandeyes_errors::ErrorBody;

mod acronis_suite;
mod query;
mod thousandeyes_suite;

const TOKEN: &str = "contract-test-token";
/// The documents the clients were generated from.
const TE_SPEC: &str = include_str!("../../../spec/thousandeyes.yaml");
const AC_SPEC: &str = include_str!("../../../spec/acronis.yaml");
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

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("typed values serialize")
}
