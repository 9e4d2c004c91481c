//! Rate-limit state, and how clients are built (user agent, token, environment).

use super::*;

// ---------------------------------------------------------------------------------------------
// 12. Rate-limit state
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limit_state_is_readable_from_successes_and_errors() {
    let reset = Utc::now().timestamp() + 30;
    let reset_at = DateTime::<Utc>::from_timestamp(reset, 0).expect("valid");
    let server = MockServer::start().await;
    serve_in_order(
        &server,
        vec![
            quotas_ok()
                .insert_header("X-Organization-Rate-Limit-Limit", "240")
                .insert_header("X-Organization-Rate-Limit-Remaining", "239")
                .insert_header("X-Organization-Rate-Limit-Reset", reset.to_string().as_str()),
            too_many_requests()
                .insert_header("X-Organization-Rate-Limit-Limit", "240")
                .insert_header("X-Organization-Rate-Limit-Remaining", "0")
                .insert_header("X-Organization-Rate-Limit-Reset", reset.to_string().as_str()),
        ],
    )
    .await;
    let (client, _) = observed_client(&server.uri(), RetryPolicy::disabled());

    let quotas = client.get_quotas().send().await.expect("200");
    assert_eq!(quotas.rate_limit(), Some(RateLimit { limit: Some(240), remaining: Some(239), reset: Some(reset_at) }));

    let error = client.get_quotas().send().await.expect_err("429");
    assert_eq!(error.rate_limit(), Some(RateLimit { limit: Some(240), remaining: Some(0), reset: Some(reset_at) }));
    let wait = error.retry_after().expect("the reset is the wait");
    // The wait is measured when the response arrives: up to 30 s, less whatever time passed since
    // `reset` was computed (seconds on a loaded machine).
    assert!(wait > Duration::from_secs(20) && wait <= Duration::from_secs(30), "{wait:?}");
    let shown = format!("(retry after {}s)", wait.as_secs_f64().ceil() as u64);
    assert!(error.to_string().ends_with(&shown), "{error}");

    // Without the headers there is no state.
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok()]).await;
    let plain = observed_client(&server.uri(), RetryPolicy::disabled()).0;
    assert_eq!(plain.get_quotas().send().await.expect("200").rate_limit(), None);
}

// ---------------------------------------------------------------------------------------------
// 13. Building clients
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_default_user_agent_names_the_crate_and_its_version_and_can_be_replaced() {
    let expected_default = concat!("usage-client/", env!("CARGO_PKG_VERSION"));
    assert_eq!(usage_client::runtime::USER_AGENT, expected_default);
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok()]).await;

    Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .expect("client")
        .get_quotas()
        .send()
        .await
        .expect("200");
    Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .user_agent("x/1")
        .build()
        .expect("client")
        .get_quotas()
        .send()
        .await
        .expect("200");
    let own = reqwest::Client::builder().user_agent("own/2").build().expect("HTTP client");
    Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .http_client(own.clone())
        .build()
        .expect("client")
        .get_quotas()
        .send()
        .await
        .expect("200");
    Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .http_client(own)
        .user_agent("x/1")
        .build()
        .expect("client")
        .get_quotas()
        .send()
        .await
        .expect("200");
    Client::new(server.uri()).with_bearer_token("t").get_quotas().send().await.expect("200");

    let received = requests(&server).await;
    let agents: Vec<Vec<&str>> = received.iter().map(|r| header_values(r, "user-agent")).collect();
    assert_eq!(
        agents,
        [vec![expected_default], vec!["x/1"], vec!["own/2"], vec!["x/1"], vec![expected_default]],
        "default; replaced; the caller's client's own; replaced on the caller's client; Client::new"
    );

    let bad = Client::builder().user_agent("bad\nagent").build();
    assert!(matches!(bad, Err(ConfigError::InvalidUserAgent(_))), "a user agent with a newline is refused");
}

#[tokio::test]
async fn debug_output_never_shows_the_token() {
    let server = MockServer::start().await;
    let client = observed_client(&server.uri(), fast_retries()).0;
    let old_style = Client::new(server.uri()).with_bearer_token(TOKEN);

    for shown in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{old_style:?}"),
        format!("{:?}", client.get_tests_units_usage().cursor("c")),
        format!("{:?}", client.assign_organizations_quotas().body(quotas_assign_request())),
    ] {
        assert!(!shown.contains(TOKEN), "the token leaks: {shown}");
        assert!(!shown.contains(&TOKEN[..8]), "part of the token leaks: {shown}");
        assert!(shown.contains("<redacted>"), "the token's presence is shown redacted: {shown}");
    }
    assert_eq!(request_count(&server).await, 0);
}

/// Environment variables are global to the process, so everything about `from_env` is one test.
#[tokio::test]
async fn from_env_reads_the_token_and_base_url_and_requires_the_token() {
    const TOKEN_VAR: &str = "THOUSANDEYES_TOKEN";
    const URL_VAR: &str = "THOUSANDEYES_BASE_URL";
    let saved = (std::env::var_os(TOKEN_VAR), std::env::var_os(URL_VAR));
    let server = MockServer::start().await;
    serve_in_order(&server, vec![quotas_ok()]).await;

    std::env::set_var(TOKEN_VAR, "env-token-123");
    std::env::set_var(URL_VAR, server.uri());
    let from_env = Client::from_env();

    std::env::set_var(URL_VAR, "");
    let empty_url = Client::from_env();

    std::env::remove_var(URL_VAR);
    let no_url = Client::from_env();

    std::env::set_var(TOKEN_VAR, "   ");
    let blank_token = Client::from_env();

    std::env::remove_var(TOKEN_VAR);
    std::env::set_var(URL_VAR, server.uri());
    let no_token = Client::from_env();

    for (name, value) in [(TOKEN_VAR, saved.0), (URL_VAR, saved.1)] {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }

    let client = from_env.expect("token and base URL set");
    assert_eq!(client.base_url(), server.uri());
    client.get_quotas().send().await.expect("200");
    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(header_values(&received[0], "authorization"), ["Bearer env-token-123"]);
    assert!(!format!("{client:?}").contains("env-token-123"));

    assert_eq!(empty_url.expect("an empty base URL variable is ignored").base_url(), Client::DEFAULT_BASE_URL);
    assert_eq!(no_url.expect("the base URL is optional").base_url(), Client::DEFAULT_BASE_URL);
    match (blank_token, no_token) {
        (Err(ConfigError::MissingCredentials(blank)), Err(ConfigError::MissingCredentials(unset))) => {
            assert_eq!(blank, ["THOUSANDEYES_TOKEN"]);
            assert_eq!(unset, ["THOUSANDEYES_TOKEN"]);
        }
        other => panic!("expected ConfigError::MissingCredentials twice, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 1, "nothing sent without a token");
}

#[test]
fn a_builder_without_a_base_url_uses_the_documented_server() {
    let client = Client::builder().build().expect("the document names a server");
    assert_eq!(client.base_url(), Client::DEFAULT_BASE_URL);
    assert_eq!(Client::DEFAULT_BASE_URL, "https://api.thousandeyes.com/v7");
    let trailing = Client::builder().base_url("http://127.0.0.1:9/v7/").build().expect("valid");
    assert_eq!(trailing.base_url(), "http://127.0.0.1:9/v7", "a trailing slash is dropped");
    assert!(matches!(Client::builder().base_url("ftp://127.0.0.1/").build(), Err(ConfigError::InvalidBaseUrl(_))));
    assert!(matches!(Client::builder().base_url("not a url").build(), Err(ConfigError::InvalidBaseUrl(_))));
}

#[tokio::test]
async fn a_body_that_arrives_in_many_chunks_is_read_whole() {
    let body = serde_json::to_vec(&quotas_body()).expect("JSON");
    let thirds: Vec<Vec<u8>> = body.chunks(body.len() / 3 + 1).map(<[u8]>::to_vec).collect();
    assert_eq!(thirds.len(), 3);

    // Content-Length, the body in three writes.
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let base = serve_in_pieces(head, thirds.clone()).await;
    let client = Client::builder().base_url(base).bearer_token("t").build().expect("client");
    let quotas = client.get_quotas().send().await.expect("200").into_inner();
    assert_eq!(serde_json::to_value(&quotas).expect("JSON"), quotas_body());

    // Chunked transfer encoding, no length announced.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    let mut pieces: Vec<Vec<u8>> = thirds
        .iter()
        .map(|third| [format!("{:x}\r\n", third.len()).into_bytes(), third.clone(), b"\r\n".to_vec()].concat())
        .collect();
    pieces.push(b"0\r\n\r\n".to_vec());
    let base = serve_in_pieces(head.to_owned(), pieces).await;
    let client = Client::builder().base_url(base).bearer_token("t").build().expect("client");
    let response = client.get_quotas().send().await.expect("200");
    assert_eq!(serde_json::to_value(response.into_inner()).expect("JSON"), quotas_body());

    // A body cut short of its announced length is a communication error, not a truncated value.
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let base = serve_in_pieces(head, thirds[..2].to_vec()).await;
    let client = Client::builder()
        .base_url(base)
        .bearer_token("t")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let error = client.get_quotas().send().await.expect_err("cut short");
    assert!(matches!(error, Error::Communication { .. }), "{error:?}");
}
