//! What every generated API module shares: the transport that sends requests, the response and
//! error types, and the few helpers generated code calls. Hand-written, and the same for every API;
//! generated modules reach it as `crate::runtime`.
//!
//! Success values are progenitor-client's [`ResponseValue`] (body, status and headers). Errors are
//! our own [`Error`], which keeps status, headers and the raw body of every response that did not
//! decode, where progenitor-client's keeps only the bytes.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

pub use progenitor_client::{encode_path, ResponseValue};

/// The `User-Agent` of requests made through [`default_http_client`].
pub const USER_AGENT: &str = concat!("usage-client/", env!("CARGO_PKG_VERSION"));

/// How much of an undecodable body an error's `Display` shows.
const EXCERPT_BYTES: usize = 512;

/// Identifies the operation a request belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operationId from the document.
    pub operation_id: &'static str,
    /// Whether the operation requires credentials.
    pub authenticated: bool,
}

/// An HTTP client with the crate's defaults: our `User-Agent`, a 10 s connect timeout and a
/// 60 s timeout per request.
pub fn default_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(60))
        .build()
        // Building fails only when the TLS backend cannot initialise; the plain client then
        // reports the same problem on the first request instead of here.
        .unwrap_or_default()
}

/// Sends requests for a generated client: base URL, credentials and the HTTP client.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    token: Option<Token>,
}

/// The `Authorization` value, or the fact that the token given cannot be one.
#[derive(Clone)]
enum Token {
    Valid(HeaderValue),
    Invalid,
}

impl Transport {
    /// A transport for `base_url`; a trailing `/` is dropped so paths can be appended.
    pub fn new(base_url: String, http: reqwest::Client) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        Transport { http, base_url, token: None }
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets the bearer token sent with authenticated operations. A token that cannot be a header
    /// value (a newline, say) is kept out of requests, and every authenticated request fails with
    /// [`Error::InvalidRequest`] saying so.
    pub fn set_bearer_token(&mut self, token: String) {
        self.token = Some(match HeaderValue::from_str(&format!("Bearer {token}")) {
            Ok(mut value) => {
                value.set_sensitive(true);
                Token::Valid(value)
            }
            Err(_) => Token::Invalid,
        });
    }

    /// Sends one request and reads the whole response.
    pub async fn execute<E>(&self, request: reqwest::RequestBuilder, info: &OperationInfo) -> Result<RawResponse, Error<E>> {
        let mut request = request.build().map_err(|e| Error::InvalidRequest(error_chain(&e)))?;
        if info.authenticated {
            match &self.token {
                Some(Token::Valid(value)) => {
                    request.headers_mut().insert(AUTHORIZATION, value.clone());
                }
                Some(Token::Invalid) => {
                    return Err(Error::InvalidRequest("the bearer token contains characters not allowed in an HTTP header".into()));
                }
                None => {}
            }
        }
        let mut response = self.http.execute(request).await.map_err(Error::Communication)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(Error::Communication)?;
        Ok(RawResponse { status, headers, body })
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// A response read in full: what the transport returns before the operation decodes it, and
/// what an [`Error`] keeps when decoding was not possible.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        RawResponse { status, headers, body }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The start of the body as text: at most 512 bytes, cut at a character boundary.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.body)
    }

    /// Decodes a JSON body (any `application/json` or `+json` media type).
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(ResponseValue::new(value, self.status, self.headers)),
            Err(source) => Err(self.invalid(source)),
        }
    }

    /// A text body; bytes that are not UTF-8 are replaced, never rejected.
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Ok(ResponseValue::new(text, self.status, self.headers))
    }

    pub fn bytes(self) -> ResponseValue<Bytes> {
        ResponseValue::new(self.body, self.status, self.headers)
    }

    /// A response without a body (204, for example).
    pub fn empty(self) -> ResponseValue<()> {
        ResponseValue::new((), self.status, self.headers)
    }

    /// A documented error status with a JSON body, decoded into the operation's error enum.
    pub fn error_json<T: DeserializeOwned, E>(self, variant: impl FnOnce(T) -> E) -> Error<E> {
        match serde_json::from_slice(&self.body) {
            Ok(value) => Error::ErrorResponse(Box::new(ResponseValue::new(variant(value), self.status, self.headers))),
            Err(source) => self.invalid(source),
        }
    }

    pub fn error_text<E>(self, variant: impl FnOnce(String) -> E) -> Error<E> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Error::ErrorResponse(Box::new(ResponseValue::new(variant(text), self.status, self.headers)))
    }

    pub fn error_bytes<E>(self, variant: impl FnOnce(Vec<u8>) -> E) -> Error<E> {
        let bytes = self.body.to_vec();
        Error::ErrorResponse(Box::new(ResponseValue::new(variant(bytes), self.status, self.headers)))
    }

    /// A documented error status without a body.
    pub fn error_empty<E>(self, value: E) -> Error<E> {
        Error::ErrorResponse(Box::new(ResponseValue::new(value, self.status, self.headers)))
    }

    /// A status the operation does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedResponse(Box::new(self))
    }

    fn invalid<E>(self, source: serde_json::Error) -> Error<E> {
        Error::InvalidResponsePayload { response: Box::new(self), source }
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body_excerpt())
            .finish()
    }
}

/// Why an operation failed. `E` is the operation's enum of documented error bodies.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request could not be built (for example, a header value with a newline).
    InvalidRequest(String),
    /// No complete response arrived: connection refused or reset, a timeout, a broken body.
    Communication(reqwest::Error),
    /// The server answered with an error status the API documents; the body decoded into `E`.
    ErrorResponse(Box<ResponseValue<E>>),
    /// The server answered with a documented status, but the body does not decode into the
    /// documented type. The response is kept whole.
    InvalidResponsePayload { response: Box<RawResponse>, source: serde_json::Error },
    /// The server answered with a status the API does not document for this operation.
    UnexpectedResponse(Box<RawResponse>),
}

impl<E> Error<E> {
    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidRequest(_) => None,
            Error::Communication(e) => e.status(),
            Error::ErrorResponse(response) => Some(response.status()),
            Error::InvalidResponsePayload { response, .. } | Error::UnexpectedResponse(response) => Some(response.status),
        }
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::InvalidRequest(_) | Error::Communication(_) => None,
            Error::ErrorResponse(response) => Some(response.headers()),
            Error::InvalidResponsePayload { response, .. } | Error::UnexpectedResponse(response) => Some(&response.headers),
        }
    }

    /// The raw response, when its body did not decode or its status was not documented.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            Error::InvalidResponsePayload { response, .. } | Error::UnexpectedResponse(response) => Some(response),
            _ => None,
        }
    }

    /// The documented error body, when the server sent one.
    pub fn error_body(&self) -> Option<&E> {
        match self {
            Error::ErrorResponse(response) => Some(response.as_ref().as_ref()),
            _ => None,
        }
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]);
    let mut text = text.trim_end_matches('\u{FFFD}').to_owned();
    if body.len() > EXCERPT_BYTES {
        text.push('…');
    }
    text
}

/// Text for a one-line message: line breaks and other control characters become spaces, runs of
/// spaces collapse.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(|c| if c.is_control() { ' ' } else { c }) {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// An error and its sources on one line: reqwest's own message names only the outermost layer.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Communication(e) => write!(f, "request failed: {}", error_chain(e)),
            Error::ErrorResponse(response) => write!(f, "{}: the server reported an error", status_line(response.status())),
            Error::InvalidResponsePayload { response, source } => write!(
                f,
                "{}: the response body does not match the documented schema ({source}); body: {}",
                status_line(response.status),
                one_line(&response.body_excerpt())
            ),
            Error::UnexpectedResponse(response) => write!(
                f,
                "{}: a status this operation does not document; body: {}",
                status_line(response.status),
                one_line(&response.body_excerpt())
            ),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => f.debug_tuple("InvalidRequest").field(message).finish(),
            Error::Communication(e) => f.debug_tuple("Communication").field(e).finish(),
            Error::ErrorResponse(response) => f.debug_tuple("ErrorResponse").field(response).finish(),
            Error::InvalidResponsePayload { response, source } => f
                .debug_struct("InvalidResponsePayload")
                .field("response", response)
                .field("source", source)
                .finish(),
            Error::UnexpectedResponse(response) => f.debug_tuple("UnexpectedResponse").field(response).finish(),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Communication(e) => Some(e),
            Error::InvalidResponsePayload { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A date-time as RFC 3339 in UTC with a `Z`, fractional seconds only when there are some.
pub fn format_date_time(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Joins parameter values with `separator` (`,` for `form` with `explode: false`).
pub fn join(values: impl Iterator<Item = String>, separator: &str) -> String {
    let mut out = String::new();
    for (i, value) in values.enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_rfc3339_utc_with_z() {
        let t = chrono::DateTime::parse_from_rfc3339("2022-07-17T22:00:54+00:00").expect("valid").to_utc();
        assert_eq!(format_date_time(&t), "2022-07-17T22:00:54Z");
        let t = chrono::DateTime::parse_from_rfc3339("2022-07-18T00:00:54.250+02:00").expect("valid").to_utc();
        assert_eq!(format_date_time(&t), "2022-07-17T22:00:54.250Z");
    }

    #[test]
    fn excerpts_are_bounded_and_cut_on_characters() {
        assert_eq!(excerpt(b"short"), "short");
        let long = "é".repeat(400);
        let cut = excerpt(long.as_bytes());
        assert!(cut.ends_with('…'));
        assert_eq!(cut.chars().filter(|c| *c == 'é').count(), 256);
    }

    #[test]
    fn debug_never_shows_the_token() {
        let mut transport = Transport::new("http://127.0.0.1:1/".into(), reqwest::Client::new());
        transport.set_bearer_token("s3cret-token".into());
        let shown = format!("{transport:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert_eq!(transport.base_url(), "http://127.0.0.1:1");
    }
}
