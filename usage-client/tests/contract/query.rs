//! Query serialization: where Prism cannot tell, the OpenAPI text decides.

use super::*;

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
