//! `codegen::diff`: one fixture pair per rule (`tests/diff/rules/<rule>.{old,new}.yaml`), the
//! ThousandEyes 2023 → 7.0.85 change as restated in `tests/diff/{2023,7.0.85}/`, the vendor's own
//! documents when `../shared/reference/` is present, and robustness (no panics, determinism, names
//! that exist in the generated code).

use std::path::{Path, PathBuf};

use codegen::diff::{self, GroupKind, Report, Severity, Which};
use codegen::Document;
use Severity::{Breaking, NonBreaking};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn load(path: &Path) -> Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    codegen::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn compare(old: &Path, new: &Path, module: &str) -> Report {
    diff::diff(&load(old), &load(new), module).unwrap_or_else(|e| panic!("{}: {e}", new.display()))
}

/// The report for one rule's fixture pair, in module `rules`.
fn rule(name: &str) -> Report {
    let rules = dir().join("rules");
    compare(&rules.join(format!("{name}.old.yaml")), &rules.join(format!("{name}.new.yaml")), "rules")
}

/// Severity, rule and Rust item of every change that is not documentation.
fn findings(report: &Report) -> Vec<(Severity, String, String)> {
    report
        .groups
        .iter()
        .flat_map(|g| &g.changes)
        .map(|c| (c.severity, c.rule.to_owned(), c.rust_item.clone()))
        .collect()
}

fn expect(report: &Report, expected: &[(Severity, &str, &str)]) {
    let expected: Vec<(Severity, String, String)> =
        expected.iter().map(|(s, r, i)| (*s, (*r).to_owned(), (*i).to_owned())).collect();
    assert_eq!(findings(report), expected, "{}", report.to_markdown());
}

fn message<'r>(report: &'r Report, rule: &str, item: &str) -> &'r str {
    report
        .changes()
        .find(|c| c.rule == rule && c.rust_item == item)
        .map(|c| c.message.as_str())
        .unwrap_or_else(|| panic!("no {rule} on {item}:\n{}", report.to_markdown()))
}

// ----- one fixture pair per rule -----

#[test]
fn operation_removed_is_breaking() {
    let report = rule("operation-removed");
    expect(&report, &[(Breaking, "operation-removed", "rules::Client::delete_item")]);
    assert!(message(&report, "operation-removed", "rules::Client::delete_item").contains("DELETE /v1/items/{id}"));
}

#[test]
fn operation_added_is_not_breaking() {
    expect(&rule("operation-added"), &[(NonBreaking, "operation-added", "rules::Client::delete_item")]);
}

#[test]
fn a_security_requirement_is_breaking_when_a_client_that_met_it_no_longer_does() {
    let report = rule("operation-security-changed");
    expect(
        &report,
        &[
            (Breaking, "operation-security-changed", "rules::Client::list_items"),
            (NonBreaking, "operation-security-changed", "rules::Client::create_item"),
        ],
    );
    assert_eq!(
        message(&report, "operation-security-changed", "rules::Client::list_items"),
        "needs credentials for `key` and `login` (was `key`)"
    );
    assert_eq!(
        message(&report, "operation-security-changed", "rules::Client::create_item"),
        "needs credentials for `key`, or `token` (was `token`)"
    );
}

#[test]
fn operation_id_changed_renames_the_method() {
    let report = rule("operation-id-changed");
    expect(&report, &[(Breaking, "operation-renamed", "rules::Client::get_items")]);
    let text = message(&report, "operation-renamed", "rules::Client::get_items");
    assert!(text.contains("`Client::list_items` is now `Client::get_items`"), "{text}");
    assert!(text.contains("builder `ListItems` is now `GetItems`"), "{text}");
}

#[test]
fn parameter_removed_is_breaking() {
    expect(&rule("parameter-removed"), &[(Breaking, "parameter-removed", "rules::builder::ListItems::limit")]);
}

#[test]
fn pagination_changed_is_breaking() {
    let report = rule("pagination-changed");
    expect(
        &report,
        &[
            (Breaking, "parameter-removed", "rules::builder::ListItems::cursor"),
            (Breaking, "pagination-changed", "rules::builder::ListItems::stream"),
            (NonBreaking, "parameter-added", "rules::builder::ListItems::page_token"),
            (Breaking, "field-removed", "rules::types::ItemPage::next_cursor"),
            (NonBreaking, "field-added", "rules::types::ItemPage::next_page_token"),
        ],
    );
    let text = message(&report, "pagination-changed", "rules::builder::ListItems::stream");
    assert!(text.contains("parameter `page_token`") && text.contains("was cursor, parameter `cursor`"), "{text}");
}

#[test]
fn parameter_made_required_is_breaking() {
    let report = rule("parameter-made-required");
    expect(&report, &[(Breaking, "parameter-made-required", "rules::Client::list_items")]);
    assert!(message(&report, "parameter-made-required", "rules::Client::list_items")
        .contains("an argument of `Client::list_items`"));
}

#[test]
fn parameter_type_changed_is_breaking() {
    let report = rule("parameter-type-changed");
    expect(&report, &[(Breaking, "parameter-type-changed", "rules::builder::ListItems::limit")]);
    assert!(message(&report, "parameter-type-changed", "rules::builder::ListItems::limit")
        .contains("type `i32` → `String`"));
}

#[test]
fn optional_parameter_added_is_not_breaking() {
    expect(&rule("parameter-added"), &[(NonBreaking, "parameter-added", "rules::builder::ListItems::sort")]);
}

#[test]
fn required_parameter_added_is_breaking() {
    let report = rule("parameter-added-required");
    expect(&report, &[(Breaking, "parameter-added-required", "rules::Client::list_items")]);
    assert!(message(&report, "parameter-added-required", "rules::Client::list_items").contains("`x_tenant: String`"));
}

#[test]
fn new_required_request_field_is_breaking() {
    let report = rule("field-added-required");
    expect(&report, &[(Breaking, "field-added-required", "rules::types::NewItem::owner")]);
    let text = message(&report, "field-added-required", "rules::types::NewItem::owner");
    assert!(text.contains("`NewItem::new` takes it; requests must set it"), "{text}");
    assert_eq!(report.bump(), diff::Bump::Major);
}

#[test]
fn new_required_response_field_is_breaking_for_the_constructor() {
    let report = rule("field-added-required-response");
    expect(&report, &[(Breaking, "field-added-required", "rules::types::Item::owner")]);
    let text = message(&report, "field-added-required", "rules::types::Item::owner");
    assert!(text.contains("`Item::new` takes it") && !text.contains("requests"), "{text}");
}

#[test]
fn reordered_required_fields_reorder_the_constructor() {
    let report = rule("constructor-reordered");
    expect(&report, &[(Breaking, "constructor-reordered", "rules::types::Item::new")]);
    let text = message(&report, "constructor-reordered", "rules::types::Item::new");
    assert!(text.contains("`new(name, id)` (was `new(id, name)`)"), "{text}");
}

#[test]
fn optional_field_added_is_not_breaking() {
    let report = rule("field-added");
    expect(&report, &[(NonBreaking, "field-added", "rules::types::Item::size")]);
    assert!(message(&report, "field-added", "rules::types::Item::size").contains("`Option<i64>`"));
    assert_eq!(report.bump(), diff::Bump::Minor);
    assert!(report.to_markdown().contains("Version bump of the generated crate: **a minor release"));
    assert_eq!(report.to_json()["bump"], "minor");
}

#[test]
fn response_field_removed_is_breaking() {
    expect(&rule("field-removed"), &[(Breaking, "field-removed", "rules::types::Item::name")]);
}

#[test]
fn response_field_type_changed_is_breaking() {
    let report = rule("field-type-changed");
    expect(&report, &[(Breaking, "field-type-changed", "rules::types::Item::name")]);
    let text = message(&report, "field-type-changed", "rules::types::Item::name");
    assert!(text.contains("type `Option<i64>` (was `Option<String>`)"), "{text}");
}

#[test]
fn enum_value_removed_from_a_request_type_is_breaking() {
    let report = rule("enum-value-removed");
    expect(&report, &[(Breaking, "enum-value-removed", "rules::types::Color::Green")]);
    assert!(
        message(&report, "enum-value-removed", "rules::types::Color::Green").contains("requests can no longer send it")
    );
}

#[test]
fn enum_value_added_is_not_breaking() {
    let report = rule("enum-value-added");
    expect(&report, &[(NonBreaking, "enum-value-added", "rules::types::Color::Blue")]);
    assert!(message(&report, "enum-value-added", "rules::types::Color::Blue").contains("`Unknown`"));
}

#[test]
fn success_status_changed_is_breaking() {
    let report = rule("success-status-changed");
    expect(&report, &[(Breaking, "success-status-changed", "rules::builder::CreateItem::send")]);
    assert!(message(&report, "success-status-changed", "rules::builder::CreateItem::send").contains("`201` → `200`"));
}

#[test]
fn success_media_type_dropped_is_breaking() {
    let report = rule("success-media-type-removed");
    expect(&report, &[(Breaking, "success-media-type-removed", "rules::builder::ListItems::send")]);
    assert!(message(&report, "success-media-type-removed", "rules::builder::ListItems::send").contains("`text/csv`"));
}

#[test]
fn error_body_changed_is_breaking() {
    let report = rule("error-body-changed");
    expect(
        &report,
        &[
            (Breaking, "error-body-changed", "rules::types::ListItemsError::BadRequest"),
            (NonBreaking, "type-added", "rules::types::ValidationError"),
        ],
    );
    let text = message(&report, "error-body-changed", "rules::types::ListItemsError::BadRequest");
    assert!(text.contains("now `types::ValidationError` (was `types::Error`)"), "{text}");
}

#[test]
fn a_component_renamed_with_the_same_structure_is_a_rename() {
    let report = rule("type-renamed");
    expect(&report, &[(Breaking, "type-renamed", "rules::types::Thing")]);
    let group = report.groups.iter().find(|g| g.kind == GroupKind::Schema).expect("a schema group");
    assert_eq!(group.title, "`Thing` (was `Item`)");
    assert!(message(&report, "type-renamed", "rules::types::Thing")
        .contains("`rules::types::Item` is now `rules::types::Thing`"));
}

#[test]
fn moving_the_base_path_into_the_server_url_changes_nothing() {
    let report = rule("base-path-moved");
    assert!(report.is_empty(), "{}", report.to_markdown());
    assert!(report.to_markdown().contains("No changes for users of the generated client."));
}

#[test]
fn documentation_changes_are_counted_and_collapsed() {
    let report = rule("docs-only");
    expect(&report, &[]);
    let mut docs: Vec<(&str, &str, &str)> =
        report.docs.iter().map(|c| (c.rule, c.rust_item.as_str(), c.message.as_str())).collect();
    docs.sort();
    let mut expected = vec![
        ("description-changed", "rules::Client::list_items", "description added"),
        ("description-changed", "rules::types::Item::name", "description added"),
        ("example-changed", "rules::builder::CreateItem::send", "`201` response `application/json` example changed"),
        ("example-changed", "rules::builder::ListItems::limit", "parameter `limit` example changed"),
        ("summary-changed", "rules::Client::list_items", "summary changed"),
    ];
    expected.sort();
    assert_eq!(docs, expected, "{}", report.to_markdown());
    assert_eq!(report.summary, diff::Summary { breaking: 0, non_breaking: 0, docs: 5 });
    let markdown = report.to_markdown();
    assert!(markdown.contains("| 0 | 0 | 5 |"), "{markdown}");
    assert!(
        markdown.contains("<details>\n<summary>Documentation: 5 changes (descriptions, summaries, examples)</summary>"),
        "{markdown}"
    );
    assert!(markdown.contains("- `Client::list_items`: summary changed"), "{markdown}");
}

// ----- more rules, beyond the list -----

#[test]
fn request_body_made_optional_is_breaking() {
    let report = rule("request-body-made-optional");
    expect(&report, &[(Breaking, "request-body-made-optional", "rules::builder::CreateItem::body")]);
    assert!(message(&report, "request-body-made-optional", "rules::builder::CreateItem::body")
        .contains("a setter instead of an argument of `Client::create_item`"));
}

#[test]
fn a_field_made_required_changes_its_rust_type() {
    let report = rule("field-required-changed");
    expect(&report, &[(Breaking, "field-required-changed", "rules::types::Item::name")]);
    assert!(message(&report, "field-required-changed", "rules::types::Item::name")
        .contains("now required: `String` (was `Option<String>`)"));
}

#[test]
fn a_first_documented_error_changes_the_error_type() {
    let report = rule("error-status-added");
    expect(
        &report,
        &[
            (Breaking, "error-type-changed", "rules::builder::ListItems::send"),
            (NonBreaking, "error-status-added", "rules::types::ListItemsError::NotFound"),
        ],
    );
    assert!(message(&report, "error-type-changed", "rules::builder::ListItems::send")
        .contains("`Error<()>` is now `Error<types::ListItemsError>`"));
}

#[test]
fn integer_enums_and_unions_gain_variants() {
    expect(
        &rule("integer-enum-and-union"),
        &[
            (NonBreaking, "enum-value-added", "rules::types::Priority::Value3"),
            (NonBreaking, "union-variant-added", "rules::types::Shape::Triangle"),
            (NonBreaking, "type-added", "rules::types::Triangle"),
        ],
    );
}

#[test]
fn another_host_is_reported_on_the_default_base_url() {
    let report = rule("server-changed");
    expect(&report, &[(NonBreaking, "server-changed", "rules::Client::DEFAULT_BASE_URL")]);
    assert!(message(&report, "server-changed", "rules::Client::DEFAULT_BASE_URL")
        .contains("`https://eu.api.example.com` (was `https://api.example.com`)"));
}

// ----- what the server refuses: constraints, enums, defaults, encodings -----

#[test]
fn request_constraints_tightened_are_breaking() {
    let report = rule("constraint-tightened");
    expect(
        &report,
        &[
            (Breaking, "constraint-tightened", "rules::builder::ListItems::limit"),
            (Breaking, "constraint-tightened", "rules::builder::ListItems::q"),
            (Breaking, "constraint-tightened", "rules::types::NewItem::name"),
            (Breaking, "constraint-tightened", "rules::types::NewItem::size"),
            (Breaking, "constraint-tightened", "rules::types::NewItem::tags"),
        ],
    );
    // 3.1's numeric `exclusiveMaximum: 50` is a tighter bound than `maximum: 100`.
    assert!(message(&report, "constraint-tightened", "rules::builder::ListItems::limit")
        .starts_with("parameter `limit`: `maximum` 50, exclusive (was 100): the server may refuse"));
    assert!(message(&report, "constraint-tightened", "rules::builder::ListItems::q")
        .contains("`pattern` `^[a-z]+$` (was none)"));
    assert!(
        message(&report, "constraint-tightened", "rules::types::NewItem::name").contains("`maxLength` 64 (was none)")
    );
    assert!(message(&report, "constraint-tightened", "rules::types::NewItem::size").contains("`minimum` 1 (was 0)"));
    assert!(message(&report, "constraint-tightened", "rules::types::NewItem::tags").contains("`maxItems` 5 (was 10)"));
    assert_eq!(report.bump(), diff::Bump::Major);
}

#[test]
fn request_constraints_loosened_are_additions() {
    let report = rule("constraint-loosened");
    expect(
        &report,
        &[
            (NonBreaking, "constraint-loosened", "rules::builder::ListItems::limit"),
            (NonBreaking, "constraint-loosened", "rules::builder::ListItems::q"),
            (NonBreaking, "constraint-loosened", "rules::types::NewItem::name"),
            (NonBreaking, "constraint-loosened", "rules::types::NewItem::tags"),
        ],
    );
    assert_eq!(report.bump(), diff::Bump::Minor);
    assert!(
        message(&report, "constraint-loosened", "rules::types::NewItem::name").contains("`maxLength` none (was 64)")
    );
}

#[test]
fn a_parameter_default_changed_is_breaking_behaviour() {
    let report = rule("parameter-default-changed");
    expect(&report, &[(Breaking, "default-changed", "rules::builder::ListItems::limit")]);
    let text = message(&report, "default-changed", "rules::builder::ListItems::limit");
    assert!(text.contains("default `50` (was `20`): requests that leave it out get another behaviour"), "{text}");
}

#[test]
fn a_request_value_that_becomes_an_enum_or_loses_values_is_breaking() {
    let report = rule("enum-restricted");
    expect(
        &report,
        &[
            // A number enum has no Rust enum: the constraint rule sees it.
            (Breaking, "enum-restricted", "rules::types::NewItem::size"),
            // A string enum is a Rust enum: its type changes, its variants go.
            (Breaking, "field-type-changed", "rules::types::NewItem::kind"),
            (Breaking, "enum-value-removed", "rules::types::ListItemsQ::All"),
            (NonBreaking, "type-added", "rules::types::NewItemKind"),
        ],
    );
    assert!(
        message(&report, "enum-restricted", "rules::types::NewItem::size").contains("now only the values `1`, `2.5`")
    );
    assert!(message(&report, "field-type-changed", "rules::types::NewItem::kind")
        .contains("requests can only send its values"));
}

#[test]
fn a_content_encoding_changed_is_breaking_both_ways() {
    let report = rule("content-encoding-changed");
    expect(
        &report,
        &[
            // Item is only received.
            (Breaking, "content-encoding-changed", "rules::types::Item::data"),
            (Breaking, "content-encoding-changed", "rules::types::NewItem::name"),
        ],
    );
    assert!(message(&report, "content-encoding-changed", "rules::types::Item::data").contains(
        "`contentEncoding` `base64` (was `quoted-printable`): the bytes responses bring are encoded differently"
    ));
    assert!(message(&report, "content-encoding-changed", "rules::types::NewItem::name")
        .contains("the bytes requests send are encoded differently"));
}

#[test]
fn a_response_array_gaining_prefix_items_is_a_tuple() {
    let report = rule("prefix-items-added");
    expect(
        &report,
        &[
            (Breaking, "field-type-changed", "rules::types::Item::point"),
            (NonBreaking, "type-added", "rules::types::ItemPoint"),
        ],
    );
    assert!(message(&report, "field-type-changed", "rules::types::Item::point")
        .contains("type `Option<types::ItemPoint>` (was `Option<Vec<f64>>`)"));
}

#[test]
fn conditions_added_to_a_request_schema_are_breaking() {
    let report = rule("conditional-constraint-added");
    expect(
        &report,
        &[
            (Breaking, "conditional-constraint-added", "rules::types::NewItem::tags"),
            (Breaking, "conditional-constraint-added", "rules::types::NewItem"),
            (Breaking, "conditional-constraint-added", "rules::types::NewItem"),
            (Breaking, "conditional-constraint-added", "rules::types::NewItem"),
        ],
    );
    let texts: Vec<&str> =
        report.changes().filter(|c| c.rust_item == "rules::types::NewItem").map(|c| c.message.as_str()).collect();
    for keyword in ["`if` added", "`then` added", "`dependentRequired` added"] {
        assert!(texts.iter().any(|t| t.contains(keyword)), "{keyword}: {texts:?}");
    }
    // Taking them away loosens what requests may send: additions only.
    let (old, new) = (
        load(&dir().join("rules/conditional-constraint-added.new.yaml")),
        load(&dir().join("rules/conditional-constraint-added.old.yaml")),
    );
    let back = diff::diff(&old, &new, "rules").expect("diff");
    assert!(back.changes().all(|c| c.severity != Breaking), "{}", back.to_markdown());
}

#[test]
fn a_discriminator_added_to_a_union_only_requests_send_is_not_breaking() {
    let report = rule("union-discriminator-added-request");
    expect(&report, &[(NonBreaking, "union-discriminator-changed", "rules::types::Shape")]);
    assert_eq!(report.bump(), diff::Bump::Minor);
}

#[test]
fn a_nullable_field_made_required_moves_it_into_the_constructor_of_a_type_requests_send() {
    let report = rule("nullable-field-made-required");
    expect(
        &report,
        &[
            // Item is only received: its nullable required fields are set with setters, so its API stays.
            (NonBreaking, "field-required-changed", "rules::types::Item::owner"),
            (Breaking, "field-required-changed", "rules::types::NewItem::owner"),
        ],
    );
    let text = message(&report, "field-required-changed", "rules::types::NewItem::owner");
    assert!(text.contains("(still `Option<String>`): `NewItem::new` takes it and `with_owner` disappears"), "{text}");
    let change = report.changes().find(|c| c.rust_item == "rules::types::NewItem::owner").expect("change");
    assert_eq!(change.was, ["rules::types::NewItem::with_owner"]);
    let text = message(&report, "field-required-changed", "rules::types::Item::owner");
    assert!(text.contains("set with `with_owner`): only responses carry `Item`, so its API stays"), "{text}");
}

#[test]
fn a_nullable_required_field_added_to_a_received_type_is_an_addition() {
    let report = rule("field-added-nullable-required-response");
    expect(&report, &[(NonBreaking, "field-added", "rules::types::Item::owner")]);
    assert_eq!(report.bump(), diff::Bump::Minor);
}

#[test]
fn a_received_type_that_requests_start_sending_takes_its_nullable_fields_in_new() {
    let report = rule("received-type-now-sent");
    expect(
        &report,
        &[
            (NonBreaking, "operation-added", "rules::Client::replace_item"),
            (Breaking, "field-required-changed", "rules::types::Item::owner"),
        ],
    );
    let text = message(&report, "field-required-changed", "rules::types::Item::owner");
    assert!(text.contains("`Item::new` takes it and `with_owner` disappears (requests now send the type)"), "{text}");
}

// ----- ThousandEyes 2023 → 7.0.85 (restated fixtures) -----

fn thousandeyes() -> Report {
    compare(&dir().join("2023/thousandeyes.yaml"), &dir().join("7.0.85/thousandeyes.yaml"), "thousandeyes")
}

const QUOTA_POSTS: [&str; 4] = [
    "AssignOrganizationsQuotas",
    "UnassignOrganizationsQuotas",
    "AssignOrganizationsAccountGroupsQuotas",
    "UnassignOrganizationsAccountGroupsQuotas",
];

#[test]
fn thousandeyes_2023_to_7_0_85() {
    let report = thousandeyes();
    let markdown = report.to_markdown();
    let has = |severity: Severity, rule: &str, item: &str| {
        let found =
            report.changes().filter(|c| c.severity == severity && c.rule == rule && c.rust_item == item).count();
        assert_eq!(found, 1, "expected one {severity:?} {rule} on {item}:\n{markdown}");
    };

    // The two new operations.
    has(NonBreaking, "operation-added", "thousandeyes::Client::get_tests_units_usage");
    has(NonBreaking, "operation-added", "thousandeyes::Client::get_enterprise_agents_units_usage");
    // `aid` removed from the four quota POSTs.
    for builder in QUOTA_POSTS {
        has(Breaking, "parameter-removed", &format!("thousandeyes::builder::{builder}::aid"));
    }
    // The assign calls answer 200 instead of 201.
    for builder in ["AssignOrganizationsQuotas", "AssignOrganizationsAccountGroupsQuotas"] {
        let item = format!("thousandeyes::builder::{builder}::send");
        has(Breaking, "success-status-changed", &item);
        assert!(message(&report, "success-status-changed", &item).contains("`201` → `200`"));
    }
    // The unassign calls' 204 no longer declares a JSON body: `send` returns `()`.
    for builder in ["UnassignOrganizationsQuotas", "UnassignOrganizationsAccountGroupsQuotas"] {
        let item = format!("thousandeyes::builder::{builder}::send");
        has(Breaking, "success-media-type-removed", &item);
        assert!(message(&report, "success-media-type-removed", &item).contains("`ResponseValue<()>`"));
    }
    // The 400 body changes from Error to ValidationError, in the error enum of each operation that
    // both versions have.
    has(Breaking, "error-body-changed", "thousandeyes::types::GetUsageError::BadRequest");
    assert!(message(&report, "error-body-changed", "thousandeyes::types::GetQuotasError::BadRequest")
        .contains("now `types::ValidationError` (was `types::Error`)"));
    // Added fields.
    for field in [
        "connected_devices_units_used",
        "connected_devices_units_projected",
        "connected_devices_units_next_billing_period",
        "allocations",
    ] {
        has(NonBreaking, "field-added", &format!("thousandeyes::types::UsageDetails::{field}"));
    }
    has(NonBreaking, "field-added", "thousandeyes::types::UsageQuota::device_agents_included");
    // The removed `vagentId`, named as the old client spells it.
    has(Breaking, "field-removed", "thousandeyes::types::EnterpriseAgentUnitsInner::vagent_id");
    // Renames, not removals plus additions.
    for (old, new, schema) in [
        ("UsageUsage", "UsageDetails", "`UsageDetails` (was `Usage_usage`)"),
        ("UsageUsageQuota", "UsageQuota", "`UsageQuota` (was `Usage_usage_quota`)"),
        ("GetUsage200Response", "Usage", "`Usage` (was `getUsage_200_response`)"),
        ("TestsInner", "TestUsage", "`TestUsage` (was `Tests_inner`)"),
        ("Expand", "ExpandUsageOptions", "`ExpandUsageOptions` (was `Expand`)"),
    ] {
        let item = format!("thousandeyes::types::{new}");
        has(Breaking, "type-renamed", &item);
        assert!(message(&report, "type-renamed", &item).contains(&format!("`thousandeyes::types::{old}` is now")));
        assert!(report.groups.iter().any(|g| g.title == schema), "no group {schema}:\n{markdown}");
        assert!(
            !report.changes().any(|c| c.rust_item == format!("thousandeyes::types::{old}")),
            "{old} reported apart from its rename"
        );
        assert!(!report.changes().any(|c| c.rule == "type-added" && c.rust_item == item), "{new} reported as new");
    }
    // Nothing for `/v7` moving from the paths into the server URL.
    for rule in ["operation-removed", "operation-moved", "server-changed", "default-base-url-removed"] {
        assert!(!report.changes().any(|c| c.rule == rule), "{rule}:\n{markdown}");
    }
    assert!(!report.groups.iter().any(|g| g.title.starts_with("`GET /v7/usage`")), "{markdown}");
    assert!(!report.groups.iter().any(|g| g.title.starts_with("`GET /v7/quotas`")), "{markdown}");

    // The whole report, pinned: a change of any rule shows up here.
    // 34 breaking: the 400 body change is one per operation that both versions have (6), each in
    // that operation's own error enum.
    assert_eq!(report.summary, diff::Summary { breaking: 34, non_breaking: 16, docs: 20 }, "{markdown}");
    assert!(markdown.contains("| 34 | 16 | 20 |"));
    assert!(markdown.contains("#### `POST /v7/quotas/assign` (`assignOrganizationsQuotas`)\n\n- `builder::AssignOrganizationsQuotas::aid`: query parameter `aid` removed\n"), "{markdown}");
}

#[test]
fn thousandeyes_report_as_json() {
    let report = thousandeyes();
    let json = report.to_json();
    let text = serde_json::to_string(&json).expect("serializes");
    let back: serde_json::Value = serde_json::from_str(&text).expect("parses");
    assert_eq!(back["module"], "thousandeyes");
    assert_eq!(back["summary"]["breaking"], 34);
    assert_eq!(back["old"]["version"], "7.0.0");
    assert_eq!(back["new"]["version"], "7.0.85");
    let changes: Vec<&serde_json::Value> = back["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["changes"].as_array().expect("changes"))
        .collect();
    let removed_aid = changes
        .iter()
        .find(|c| c["rust_item"] == "thousandeyes::builder::AssignOrganizationsQuotas::aid")
        .expect("aid removal");
    assert_eq!(removed_aid["severity"], "breaking");
    assert_eq!(removed_aid["rule"], "parameter-removed");
    assert_eq!(removed_aid["old_pointer"], "/paths/~1v7~1quotas~1assign/post/parameters/0");
    assert!(removed_aid.get("new_pointer").is_none());
    assert_eq!(back["docs"].as_array().expect("docs").len(), 20);
    assert!(back["groups"].as_array().expect("groups").iter().any(|g| g["kind"] == "error-bodies"));
}

// ----- every Rust item a change names exists in the generated code -----

fn generated(doc: &Document) -> (String, String, String) {
    let options = codegen::Options::module("spec.yaml", "test");
    let output = codegen::generate(doc, &options).expect("generates");
    let file =
        |name: &str| output.files.iter().find(|f| f.path == name).map(|f| f.contents.clone()).unwrap_or_default();
    (file("types.rs"), file("client.rs"), file("builder.rs"))
}

/// The text from the line starting with `start` to the closing brace at column 0.
fn block<'t>(text: &'t str, start: &str) -> Option<&'t str> {
    let at = text.match_indices(start).map(|(i, _)| i).find(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')?;
    let rest = &text[at..];
    Some(&rest[..rest.find("\n}\n").map_or(rest.len(), |end| end + 2)])
}

fn item_exists(item: &str, (types, client, builder): &(String, String, String)) -> bool {
    let parts: Vec<&str> = item.split("::").collect();
    let word = |text: &str, name: &str| {
        text.match_indices(name).any(|(i, _)| {
            let before = text[..i].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let after = text[i + name.len()..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            before && after
        })
    };
    match parts.as_slice() {
        [_module] => true,
        [_, "types", ty] => ["struct", "enum", "type"].iter().any(|k| word(types, &format!("pub {k} {ty}"))),
        [_, "types", ty, member] => {
            ["pub struct", "pub enum"]
                .iter()
                .filter_map(|k| block(types, &format!("{k} {ty} ")))
                .any(|b| word(b, member))
                || block(types, &format!("impl {ty} ")).is_some_and(|b| word(b, &format!("fn {member}")))
        }
        [_, "Client"] => word(client, "pub struct Client"),
        [_, "Client", member] => word(client, &format!("fn {member}")) || word(client, &format!("const {member}")),
        [_, "builder", b, member] => {
            block(builder, &format!("impl<'a> {b}<'a>")).is_some_and(|b| word(b, &format!("fn {member}")))
        }
        _ => false,
    }
}

fn names_exist(old: &Document, new: &Document, report: &Report) {
    let (old_code, new_code) = (generated(old), generated(new));
    for change in report.changes() {
        let in_old = change.rule.ends_with("-removed")
            && !matches!(change.rule, "success-media-type-removed" | "default-removed");
        let code = if in_old { &old_code } else { &new_code };
        let item = match change.rust_item.split_once("::") {
            Some((_, local)) => format!("m::{local}"),
            None => continue, // the module itself
        };
        assert!(
            item_exists(&item, code),
            "{} ({}) names an item the {} generated code lacks",
            change.rust_item,
            change.rule,
            if in_old { "old" } else { "new" }
        );
    }
}

#[test]
fn every_named_item_exists_in_the_generated_code() {
    let (old, new) = (load(&dir().join("2023/thousandeyes.yaml")), load(&dir().join("7.0.85/thousandeyes.yaml")));
    let report = diff::diff(&old, &new, "thousandeyes").expect("diff");
    names_exist(&old, &new, &report);
    let mut rules: Vec<String> = std::fs::read_dir(dir().join("rules"))
        .expect("rules")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".old.yaml").map(str::to_owned))
        .collect();
    rules.sort();
    assert!(rules.len() >= 25, "{rules:?}");
    for name in rules {
        let (old, new) =
            (load(&dir().join(format!("rules/{name}.old.yaml"))), load(&dir().join(format!("rules/{name}.new.yaml"))));
        let report = diff::diff(&old, &new, "rules").expect("diff");
        names_exist(&old, &new, &report);
    }
}

// ----- the vendor's own documents -----

#[test]
fn vendor_reference_documents() {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    let (old, new) = (
        reference.join("thousandeyes-usage-quotas-2023.yaml"),
        reference.join("thousandeyes-usage-quotas-7.0.85.yaml"),
    );
    if !old.exists() || !new.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} and {} are required when CI is set",
            old.display(),
            new.display()
        );
        eprintln!("note: {} not found; skipping the comparison of the vendor's documents", reference.display());
        return;
    }
    let report = compare(&old, &new, "thousandeyes");
    let markdown = report.to_markdown();
    let has = |rule: &str, item: &str| {
        assert!(report.changes().any(|c| c.rule == rule && c.rust_item == item), "no {rule} on {item}:\n{markdown}");
    };
    has("operation-added", "thousandeyes::Client::get_tests_units_usage");
    has("operation-added", "thousandeyes::Client::get_enterprise_agents_units_usage");
    for builder in QUOTA_POSTS {
        has("parameter-removed", &format!("thousandeyes::builder::{builder}::aid"));
    }
    has("success-status-changed", "thousandeyes::builder::AssignOrganizationsQuotas::send");
    has("success-status-changed", "thousandeyes::builder::AssignOrganizationsAccountGroupsQuotas::send");
    // The vendor prefixes every component with `Usage_API_`.
    has("error-body-changed", "thousandeyes::types::GetUsageError::BadRequest");
    assert!(message(&report, "error-body-changed", "thousandeyes::types::GetUsageError::BadRequest")
        .contains("now `types::UsageApiValidationError` (was `types::Error`)"));
    has("field-added", "thousandeyes::types::UsageApiUsageQuota::device_agents_included");
    has("field-added", "thousandeyes::types::UsageApiUsageDetails::allocations");
    has("field-added", "thousandeyes::types::UsageApiUsageDetails::connected_devices_units_used");
    has("field-removed", "thousandeyes::types::EnterpriseAgentUnitsInner::vagent_id");
    has("type-renamed", "thousandeyes::types::UsageApiUsageDetails");
    assert!(report.groups.iter().any(|g| g.title == "`Usage_API_UsageDetails` (was `Usage_usage`)"), "{markdown}");
    assert!(
        !report.changes().any(|c| matches!(c.rule, "operation-removed" | "operation-moved" | "server-changed")),
        "{markdown}"
    );
}

// ----- robustness -----

fn specs_and_fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in [
        root.join("../spec"),
        root.join("tests/fixtures"),
        root.join("tests/diff/2023"),
        root.join("tests/diff/7.0.85"),
        root.join("tests/diff/rules"),
    ] {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

#[test]
fn a_document_compared_with_itself_has_no_changes() {
    for path in specs_and_fixtures() {
        let doc = load(&path);
        let Ok(report) = diff::diff(&doc, &doc, "m") else { continue };
        assert!(report.is_empty(), "{}:\n{}", path.display(), report.to_markdown());
    }
}

#[test]
fn any_two_documents_compare_without_panicking_and_deterministically() {
    let docs: Vec<(PathBuf, Document)> = specs_and_fixtures().into_iter().map(|p| (p.clone(), load(&p))).collect();
    let empty = diff::empty_document("nothing");
    for (old_path, old) in docs.iter().step_by(3) {
        for (_, new) in &docs {
            let (Ok(first), Ok(second)) = (diff::diff(old, new, "m"), diff::diff(old, new, "m")) else { continue };
            assert_eq!(first, second, "{}", old_path.display());
            assert_eq!(first.to_markdown(), second.to_markdown());
            assert!(
                first.summary.breaking + first.summary.non_breaking + first.summary.docs == first.changes().count()
            );
        }
        if let Ok(report) = diff::diff(old, &empty, "m") {
            assert!(
                report.changes().filter(|c| c.rule == "operation-removed").count()
                    == report.changes().filter(|c| c.rule.starts_with("operation-")).count()
            );
        }
    }
}

#[test]
fn a_new_spec_is_all_additions_and_a_removed_one_all_removals() {
    let spec = load(&dir().join("7.0.85/thousandeyes.yaml"));
    let empty = diff::empty_document("thousandeyes");
    let added = diff::diff(&empty, &spec, "thousandeyes").expect("diff");
    assert_eq!(added.summary.breaking, 0, "{}", added.to_markdown());
    assert_eq!(added.changes().filter(|c| c.rule == "operation-added").count(), 8);
    let removed = diff::diff(&spec, &empty, "thousandeyes").expect("diff");
    assert_eq!(removed.summary.non_breaking, 0, "{}", removed.to_markdown());
    assert_eq!(removed.changes().filter(|c| c.rule == "operation-removed").count(), 8);
}

#[test]
fn a_document_that_does_not_lower_is_named() {
    let good = load(&dir().join("rules/field-added.old.yaml"));
    let bad = codegen::parse(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
    )
    .expect("parses");
    let err = diff::diff(&good, &bad, "m").expect_err("the new document has a dangling $ref");
    assert_eq!(err.which, Which::New);
    assert!(err.to_string().starts_with("new document: "), "{err}");
    assert!(err.to_string().contains("#/components/schemas/Missing"), "{err}");
    let err = diff::diff(&bad, &good, "m").expect_err("the old one");
    assert_eq!(err.which, Which::Old);
}

#[test]
fn odd_names_stay_readable_in_markdown() {
    let old = codegen::parse("openapi: 3.0.3\ninfo: {title: 'A <b>|title', version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get`a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  x: {type: string}\n").expect("parses");
    let new = codegen::parse("openapi: 3.0.3\ninfo: {title: 'A <b>|title', version: '2'}\npaths:\n  /a:\n    get:\n      operationId: get`a\n      parameters: [{name: q, in: query, schema: {type: string}}]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  x: {type: string}\n                  'we`ird': {type: string}\n").expect("parses");
    let report = diff::diff(&old, &new, "m").expect("diff");
    let markdown = report.to_markdown();
    assert!(markdown.contains("A \\<b\\>\\|title 1 → A \\<b\\>\\|title 2"), "{markdown}");
    assert!(markdown.contains("new optional field `` we`ird ``"), "{markdown}");
    assert!(markdown.contains("#### `GET /a` (`` get`a ``)"), "{markdown}");
}
