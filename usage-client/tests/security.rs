//! Security schemes on the wire: the golden client of `codegen/tests/fixtures/security.yaml` (every
//! kind of scheme, requirements of every shape) against servers on 127.0.0.1, checking the exact
//! header, query parameter or cookie each sends, which alternative a request takes, and that no
//! credential leaves its origin.

/// Generated code reaches its runtime as `crate::runtime`.
mod runtime {
    pub use usage_client::runtime::*;
}

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/security/mod.rs"]
mod security;

use security::Client;
use usage_client::runtime::{ClientAuth, ConfigError, Credential, Error, RetryPolicy};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 1, "{received:?}");
    received.remove(0)
}

fn header_of(request: &Request, name: &str) -> Option<String> {
    request.headers.get(name).map(|v| v.to_str().expect("text").to_owned())
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::disabled()).build().expect("client")
}

#[tokio::test]
async fn an_api_key_goes_in_the_header_the_document_names() {
    let server = server().await;
    client(&server).with_header_key("k-1").via_header().send().await.expect("204");
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "x-api-key").as_deref(), Some("k-1"));
    assert_eq!(header_of(&request, "authorization"), None);
}

#[tokio::test]
async fn an_api_key_goes_in_the_query_beside_the_parameters() {
    let server = server().await;
    client(&server).with_query_key("k 2/&").via_query().page(3).send().await.expect("204");
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("page=3&api_key=k+2%2F%26"));
}

#[tokio::test]
async fn an_api_key_goes_in_a_cookie_beside_cookie_parameters() {
    let server = server().await;
    let client = client(&server).with_cookie_key("c-3");
    client.via_cookie().theme("dark").send().await.expect("204");
    client.via_cookie().send().await.expect("204");
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(header_of(&received[0], "cookie").as_deref(), Some("theme=dark; session=c-3"));
    assert_eq!(header_of(&received[1], "cookie").as_deref(), Some("session=c-3"));
}

#[tokio::test]
async fn http_basic_sends_the_user_and_password_in_base64() {
    let server = server().await;
    client(&server).with_basic_auth("Aladdin", "open sesame").via_basic().send().await.expect("204");
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "authorization").as_deref(), Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
}

#[tokio::test]
async fn another_http_scheme_sends_its_name_before_the_token() {
    let server = server().await;
    client(&server).with_token_auth2("t-4").with_token_auth().send().await.expect("204");
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "authorization").as_deref(), Some("Token t-4"));
}

#[tokio::test]
async fn the_documents_requirement_applies_where_an_operation_states_none() {
    let server = server().await;
    client(&server).with_bearer_token("b-5").via_global_bearer().send().await.expect("204");
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "authorization").as_deref(), Some("Bearer b-5"));
}

#[tokio::test]
async fn a_requirement_naming_two_schemes_sends_both() {
    let server = server().await;
    client(&server).with_header_key("h").with_query_key("q").via_both_keys().send().await.expect("204");
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "x-api-key").as_deref(), Some("h"));
    assert_eq!(request.url.query(), Some("api_key=q"));

    // One of the two is not enough: nothing is sent, and the error names both.
    let error = client(&server).with_header_key("h").via_both_keys().send().await.expect_err("unmet");
    let Error::Authentication(why) = &error else { panic!("{error:?}") };
    assert_eq!(
        why.message(),
        "operation `viaBothKeys` needs credentials for `headerKey` and `queryKey`; the client has none of them"
    );
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[tokio::test]
async fn alternatives_use_the_first_the_client_can_meet() {
    let server = server().await;
    client(&server).with_bearer_token("b").via_either().send().await.expect("204");
    client(&server).with_bearer_token("b").with_basic_auth("u", "p").via_either().send().await.expect("204");
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(header_of(&received[0], "authorization").as_deref(), Some("Bearer b"));
    assert_eq!(header_of(&received[1], "authorization").as_deref(), Some("Basic dTpw"), "Basic is listed first");

    let error = client(&server).via_either().send().await.expect_err("neither");
    assert_eq!(
        error.to_string(),
        "authentication failed: operation `viaEither` needs credentials for `basicAuth`, or `bearerAuth`; the \
         client has none of these"
    );
}

#[tokio::test]
async fn security_none_sends_no_credential_and_an_empty_alternative_makes_them_optional() {
    let server = server().await;
    let full = client(&server).with_bearer_token("b").with_header_key("h").with_query_key("q");
    full.via_none().send().await.expect("204");
    full.via_optional_key().send().await.expect("204");
    client(&server).via_optional_key().send().await.expect("204 without a key");
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 3);
    for name in ["authorization", "x-api-key"] {
        assert_eq!(header_of(&received[0], name), None, "{name}");
    }
    assert_eq!(received[0].url.query(), None);
    assert_eq!(header_of(&received[1], "x-api-key").as_deref(), Some("h"));
    assert_eq!(header_of(&received[2], "x-api-key"), None);
}

#[tokio::test]
async fn openid_connect_sends_a_bearer_token_its_own_or_the_clients() {
    let server = server().await;
    client(&server).with_open_id("id-token").via_open_id().send().await.expect("204");
    client(&server).with_bearer_token("client-token").via_open_id().send().await.expect("204");
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(header_of(&received[0], "authorization").as_deref(), Some("Bearer id-token"));
    assert_eq!(header_of(&received[1], "authorization").as_deref(), Some("Bearer client-token"));
}

/// A client certificate for tests only (`tests/data/`, self-signed, made with openssl).
fn test_identity() -> Credential {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let read = |name: &str| std::fs::read(format!("{data}/{name}")).expect("test certificate");
    Credential::client_identity(read("client-cert.pem"), read("client-key.pem"))
}

#[tokio::test]
async fn mutual_tls_is_met_by_a_client_certificate_on_the_connection() {
    let server = server().await;
    let error = client(&server).via_certificate().send().await.expect_err("no certificate");
    assert!(error.to_string().contains("`mtls`"), "{error}");
    let with_certificate =
        Client::builder().base_url(server.uri()).credential("mtls", test_identity()).build().expect("a valid identity");
    // Nothing goes in the request: the certificate is for the TLS handshake (none on plain HTTP).
    with_certificate.via_certificate().send().await.expect("204");
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "authorization"), None);
    let own_client = Client::builder()
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .credential("mtls", test_identity())
        .build();
    assert!(matches!(own_client, Err(ConfigError::ClientIdentity(_))), "{own_client:?}");
}

#[tokio::test]
async fn an_alternative_naming_an_undefined_scheme_is_left_out() {
    let server = server().await;
    client(&server).with_header_key("h").via_undefined_scheme().send().await.expect("204");
    assert_eq!(header_of(&only_request(&server).await, "x-api-key").as_deref(), Some("h"));
}

#[tokio::test]
async fn oauth_client_credentials_ask_for_the_documented_scopes_with_the_secret_in_the_form_when_told() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=usage.read"))
        .and(body_string_contains("client_id=id-1"))
        .and(body_string_contains("client_secret=s3cret"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "tok", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scoped"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .client_credentials("id-1", "s3cret")
        .client_auth(ClientAuth::RequestBody)
        .build()
        .expect("client");
    client.via_o_auth().send().await.expect("204");
    let token_request = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(header_of(token_request, "authorization"), None, "the secret is in the form, not in Basic");
    assert!(!format!("{client:?}").contains("s3cret"));
}

#[tokio::test]
async fn a_redirect_to_another_origin_carries_no_credential() {
    let elsewhere = server().await;
    let origin = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/header"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/landing", elsewhere.uri())))
        .mount(&origin)
        .await;
    Mock::given(method("GET"))
        .and(path("/cookie"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/landing", elsewhere.uri())))
        .mount(&origin)
        .await;
    Mock::given(method("GET"))
        .and(path("/query"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/moved"))
        .mount(&origin)
        .await;
    Mock::given(method("GET")).and(path("/moved")).respond_with(ResponseTemplate::new(204)).mount(&origin).await;
    let client = client(&origin).with_header_key("h-secret").with_cookie_key("c-secret").with_query_key("q-secret");

    client.via_header().send().await.expect("204 from the other origin");
    client.via_cookie().send().await.expect("204 from the other origin");
    let landed = elsewhere.received_requests().await.expect("recorded");
    assert_eq!(landed.len(), 2);
    for request in &landed {
        assert_eq!(request.url.path(), "/landing");
        for name in ["x-api-key", "cookie", "authorization"] {
            assert_eq!(header_of(request, name), None, "{name} reached another origin");
        }
        assert_eq!(request.url.query(), None);
    }

    // Within the origin the credentials stay.
    client.via_query().send().await.expect("204 after a redirect within the origin");
    let moved = origin.received_requests().await.expect("recorded");
    let moved = moved.iter().find(|r| r.url.path() == "/moved").expect("followed");
    assert_eq!(moved.url.query(), Some("api_key=q-secret"), "within the origin the key goes along again");
}

#[tokio::test]
async fn an_api_key_in_the_query_is_cut_from_the_url_an_error_keeps() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500).set_body_string("boom")).mount(&server).await;
    let error = client(&server).with_query_key("q-secret").via_query().page(2).send().await.expect_err("500");
    let raw = error.raw_response().expect("a response");
    assert_eq!(raw.url().query(), Some("page=2"));
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains("q-secret"), "{shown}");
    }

    // A connection refused: reqwest's error names the URL, without the key.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let client = Client::builder().base_url(url).retry_policy(RetryPolicy::disabled()).build().expect("client");
    let error = client.with_query_key("q-secret").via_query().send().await.expect_err("refused");
    assert!(matches!(error, Error::Communication { .. }), "{error:?}");
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains("q-secret"), "{shown}");
    }
}

#[test]
fn credentials_that_do_not_fit_their_scheme_fail_the_build_by_name() {
    let built = Client::builder().credential("basicAuth", Credential::api_key("s3cret")).build();
    match built {
        Err(ConfigError::Credential(why)) => {
            assert!(why.contains("`basicAuth`") && !why.contains("s3cret"), "{why}")
        }
        other => panic!("expected ConfigError::Credential, got {other:?}"),
    }
    let unknown = Client::builder().credential("nope", Credential::token("t")).build();
    assert!(matches!(unknown, Err(ConfigError::Credential(_))), "{unknown:?}");
    let certificate = Client::builder()
        .credential("mtls", Credential::client_identity(b"not a certificate".to_vec(), b"not a key".to_vec()))
        .build();
    assert!(matches!(certificate, Err(ConfigError::ClientIdentity(_))), "{certificate:?}");
}

#[tokio::test]
async fn a_credential_given_to_a_built_client_that_cannot_be_sent_fails_the_request_that_needs_it() {
    let server = server().await;
    let client = client(&server).with_header_key("line\nbreak");
    let error = client.via_header().send().await.expect_err("not a header value");
    assert!(error.to_string().contains("`headerKey`"), "{error}");
    client.via_none().send().await.expect("operations without the scheme still work");
    assert_eq!(only_request(&server).await.url.path(), "/open");
}

#[tokio::test]
async fn the_mock_server_gives_its_clients_a_stand_in_for_every_scheme() {
    let mock = security::mock::MockServer::new().await;
    let client = Client::from(&mock);
    assert!(client.base_url().starts_with("http://127.0.0.1:"));
    assert!(!format!("{client:?}").contains("mock-api-key"));
}

/// Environment variables are global to the process: everything about `from_env` is one test.
#[tokio::test]
async fn from_env_reads_every_schemes_variables() {
    let server = server().await;
    const VARIABLES: [&str; 6] = [
        "SECURITY_BASE_URL",
        "SECURITY_HEADER_KEY",
        "SECURITY_BASIC_AUTH_USERNAME",
        "SECURITY_BASIC_AUTH_PASSWORD",
        "SECURITY_TOKEN",
        "SECURITY_CLIENT_ID",
    ];
    for variable in VARIABLES {
        std::env::remove_var(variable);
    }
    let none = Client::from_env();
    std::env::set_var("SECURITY_BASIC_AUTH_USERNAME", "u");
    let half = Client::from_env();
    std::env::set_var("SECURITY_BASIC_AUTH_PASSWORD", "p");
    std::env::set_var("SECURITY_HEADER_KEY", "h-secret");
    std::env::set_var("SECURITY_BASE_URL", server.uri());
    let both = Client::from_env();
    for variable in VARIABLES {
        std::env::remove_var(variable);
    }

    match none {
        Err(ConfigError::MissingCredentials(variables)) => {
            assert!(variables.contains(&"SECURITY_HEADER_KEY".to_owned()), "{variables:?}");
            assert!(variables.contains(&"SECURITY_BASIC_AUTH_USERNAME and SECURITY_BASIC_AUTH_PASSWORD".to_owned()));
            assert!(variables.contains(&"SECURITY_TOKEN".to_owned()));
        }
        other => panic!("expected ConfigError::MissingCredentials, got {other:?}"),
    }
    assert!(matches!(half, Err(ConfigError::MissingVariable("SECURITY_BASIC_AUTH_PASSWORD"))), "{half:?}");
    let client = both.expect("a key and a login");
    assert!(!format!("{client:?}").contains("h-secret"));
    client.via_header().send().await.expect("204");
    client.via_basic().send().await.expect("204");
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(header_of(&received[0], "x-api-key").as_deref(), Some("h-secret"));
    assert_eq!(header_of(&received[1], "authorization").as_deref(), Some("Basic dTpw"));
}

#[tokio::test]
async fn a_redirect_back_to_the_origin_after_another_carries_no_credential_either() {
    let origin = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/header"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/bounce", elsewhere.uri())))
        .mount(&origin)
        .await;
    Mock::given(method("GET"))
        .and(path("/bounce"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/landing", origin.uri())))
        .mount(&elsewhere)
        .await;
    Mock::given(method("GET")).and(path("/landing")).respond_with(ResponseTemplate::new(204)).mount(&origin).await;
    client(&origin).with_header_key("h-secret").via_header().send().await.expect("204 after two hops");
    let landed = origin.received_requests().await.expect("recorded");
    let landing = landed.iter().find(|r| r.url.path() == "/landing").expect("followed back");
    assert_eq!(header_of(landing, "x-api-key"), None, "a chain that left the origin is not trusted again");
}

#[tokio::test]
async fn a_redirect_the_operation_documents_is_handed_back_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/session"))
        .mount(&server)
        .await;
    let answer = client(&server).with_basic_auth("u", "p").via_login().send().await;
    let status = match &answer {
        Ok(response) => response.status(),
        Err(error) => error.status().expect("a response"),
    };
    assert_eq!(status, 303);
    let received = server.received_requests().await.expect("recorded");
    assert!(received.iter().all(|r| r.url.path() == "/login"), "the Location was not followed: {received:?}");
}
