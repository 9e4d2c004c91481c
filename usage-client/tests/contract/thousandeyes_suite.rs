//! ThousandEyes: every operation and its argument variants, and the tests that run them.

use super::*;

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
    let generated = operations_in(include_str!("../../src/thousandeyes/client.rs"));
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

    // No token: the spec requires BearerAuth, and the client sends nothing without it. Prism
    // answers a request without one (sent here by hand) with the documented 401.
    let anonymous = thousandeyes::Client::builder()
        .base_url(&base)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client");
    let refused = anonymous.get_quotas().send().await.expect_err("no token");
    assert!(matches!(&refused, Error::Authentication(why) if why.message().contains("`BearerAuth`")), "{refused:?}");
    let by_hand = reqwest::get(format!("{base}/quotas")).await.expect("Prism answers");
    assert_eq!(by_hand.status(), StatusCode::UNAUTHORIZED);

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
