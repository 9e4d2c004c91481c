//! Documented answers: the GET operations' bodies, the POST operations' request and response
//! bodies, and the one enum.

use super::*;

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
