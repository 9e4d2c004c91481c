//! Documented errors, bodies that do not decode, statuses nobody documented, and no answer at all.

use super::*;

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
