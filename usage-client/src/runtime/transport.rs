//! Building clients and sending requests: [`ClientBuilder`], [`Transport`], [`RawResponse`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, USER_AGENT as USER_AGENT_HEADER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{error_chain, excerpt, ErrorResponse};
use super::retry::{judge_failure, judge_status, RetryEvent, RetryPolicy, Verdict};
use super::{Error, OperationInfo, ResponseValue};

/// The `User-Agent` of requests, unless [`ClientBuilder::user_agent`] says otherwise: this
/// crate's name and version (`usage-client/0.1.0`).
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// An HTTP client with the crate's defaults: our `User-Agent`, a 10 s connect timeout and a
/// 60 s timeout per request.
pub fn default_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        // Building fails only when the TLS backend cannot initialise; the plain client then
        // reports the same problem on the first request instead of here.
        .unwrap_or_default()
}

type RetryObserver = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No base URL was given and the API document names no absolute server URL.
    MissingBaseUrl,
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl(String),
    /// The user agent cannot be an HTTP header value.
    InvalidUserAgent(String),
    /// `from_env` found no token in the named variable.
    MissingToken(&'static str),
    /// The HTTP client could not be built (for example, the TLS backend failed to start).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingBaseUrl => write!(f, "no base URL: set one with `base_url`"),
            ConfigError::InvalidBaseUrl(url) => write!(f, "`{url}` is not an absolute http(s) URL"),
            ConfigError::InvalidUserAgent(agent) => write!(f, "{agent:?} cannot be a User-Agent header"),
            ConfigError::MissingToken(variable) => write!(f, "the environment variable {variable} is not set"),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {}", error_chain(e)),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Configures a generated `Client`: base URL, token, timeouts, retries, user agent, or an HTTP
/// client of your own. Start one with the generated `Client::builder()`.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C> {
    make: fn(Transport) -> C,
    base_url: Option<String>,
    token: Option<String>,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    on_retry: Option<RetryObserver>,
}

impl<C> ClientBuilder<C> {
    /// For generated code: `make` wraps the transport in the API's `Client`.
    #[doc(hidden)]
    pub fn new(default_base_url: Option<&str>, make: fn(Transport) -> C) -> Self {
        ClientBuilder {
            make,
            base_url: default_base_url.map(str::to_owned),
            token: None,
            connect_timeout: CONNECT_TIMEOUT,
            timeout: None,
            retry: RetryPolicy::default(),
            user_agent: None,
            http: None,
            on_retry: None,
        }
    }

    /// The server URL, e.g. `https://api.thousandeyes.com/v7` (a trailing `/` is ignored).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends `Authorization: Bearer <token>` with operations that require authentication.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// How long to wait for a connection (default 10 s). Applies to the HTTP client the builder
    /// makes; one passed to [`ClientBuilder::http_client`] keeps its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How to retry (default: [`RetryPolicy::default`]; [`RetryPolicy::disabled`] for none).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (default `usage-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends through this HTTP client (proxies, TLS roots, pools as you set them). Its own
    /// `User-Agent` and timeouts stay unless `user_agent` or `timeout` are set here too.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Called before each wait between attempts; for progress displays. Retries are also logged
    /// through `tracing` at `warn` level.
    pub fn on_retry(mut self, observer: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(Arc::new(observer));
        self
    }

    /// Reads the token from `token_variable` (required) and the base URL from `base_url_variable`
    /// when that is set and not empty.
    #[doc(hidden)]
    pub fn from_env(
        mut self,
        token_variable: &'static str,
        base_url_variable: &'static str,
    ) -> Result<Self, ConfigError> {
        let token = std::env::var(token_variable).ok().filter(|t| !t.trim().is_empty());
        self.token = Some(token.ok_or(ConfigError::MissingToken(token_variable))?);
        if let Some(url) = std::env::var(base_url_variable).ok().filter(|u| !u.trim().is_empty()) {
            self.base_url = Some(url);
        }
        Ok(self)
    }

    pub fn build(self) -> Result<C, ConfigError> {
        let base_url = self.base_url.ok_or(ConfigError::MissingBaseUrl)?;
        let parsed = reqwest::Url::parse(&base_url).map_err(|_| ConfigError::InvalidBaseUrl(base_url.clone()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(ConfigError::InvalidBaseUrl(base_url));
        }
        let user_agent = match &self.user_agent {
            Some(ua) => Some(HeaderValue::from_str(ua).map_err(|_| ConfigError::InvalidUserAgent(ua.clone()))?),
            None => None,
        };
        let (http, per_request_timeout, per_request_agent) = match self.http {
            Some(http) => (http, self.timeout, user_agent),
            None => {
                let http = reqwest::Client::builder()
                    .user_agent(user_agent.unwrap_or_else(|| HeaderValue::from_static(USER_AGENT)))
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout.unwrap_or(REQUEST_TIMEOUT))
                    .build()
                    .map_err(ConfigError::Http)?;
                (http, None, None)
            }
        };
        let mut transport = Transport::new(base_url, http);
        transport.retry = self.retry;
        transport.timeout = per_request_timeout;
        transport.user_agent = per_request_agent;
        transport.on_retry = self.on_retry;
        if let Some(token) = self.token {
            transport.set_bearer_token(token);
        }
        Ok((self.make)(transport))
    }
}

/// Sends requests for a generated client: base URL, credentials, retry policy, HTTP client.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    /// `base_url` parsed once, for resolving `next` links; `None` when it does not parse.
    base: Option<reqwest::Url>,
    token: Option<Token>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    user_agent: Option<HeaderValue>,
    on_retry: Option<RetryObserver>,
}

/// The `Authorization` value, or the fact that the token given cannot be one.
#[derive(Clone)]
enum Token {
    Valid(HeaderValue),
    Invalid,
}

impl Transport {
    /// A transport for `base_url` with the default retry policy; a trailing `/` is dropped so
    /// paths can be appended.
    pub fn new(base_url: String, http: reqwest::Client) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        Transport {
            http,
            base: reqwest::Url::parse(&base_url).ok(),
            base_url,
            token: None,
            retry: RetryPolicy::default(),
            timeout: None,
            user_agent: None,
            on_retry: None,
        }
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
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

    /// The URL a `next` link names, resolved against the base URL. Only links to the base URL's
    /// own origin are followed, so credentials never go to a host the caller did not choose.
    pub fn next_url<E>(&self, href: &str) -> Result<reqwest::Url, Error<E>> {
        let base = match &self.base {
            Some(base) => base,
            None => return Err(Error::InvalidRequest(format!("the base URL `{}` is not a URL", self.base_url))),
        };
        let url =
            base.join(href).map_err(|e| Error::Pagination(format!("the next link `{href}` is not a URL: {e}")))?;
        if url.origin() != base.origin() {
            return Err(Error::Pagination(format!(
                "the next link `{href}` leaves {}; not following it with the client's credentials",
                base.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }

    /// Sends one request, retrying as the policy allows, and reads the whole final response.
    ///
    /// Generic only in name: the work is done by one non-generic function, so a crate with many
    /// error types compiles the retry loop once, not once per operation's error type.
    pub async fn execute<E>(
        &self,
        request: reqwest::RequestBuilder,
        info: &OperationInfo,
    ) -> Result<RawResponse, Error<E>> {
        self.execute_raw(request, info).await.map_err(Failure::into_error)
    }

    async fn execute_raw(
        &self,
        request: reqwest::RequestBuilder,
        info: &OperationInfo,
    ) -> Result<RawResponse, Failure> {
        let mut request = request.build().map_err(|e| Failure::InvalidRequest(error_chain(&e)))?;
        self.prepare(&mut request, info)?;
        let method = request.method().clone();
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let spare = (attempt < self.retry.attempts()).then(|| request.try_clone()).flatten();
            let outcome = self.http.execute(request).await;
            let verdict = match &outcome {
                Ok(response) => judge_status(&method, response.status(), response.headers()),
                Err(error) => judge_failure(&method, error),
            };
            let server_wait = match &verdict {
                Verdict::Retry { server_wait, .. } => *server_wait,
                Verdict::Done => None,
            };
            if let (Verdict::Retry { reason, .. }, Some(next)) = (&verdict, spare) {
                let wait = server_wait.unwrap_or_else(|| self.retry.backoff(attempt));
                if started.elapsed() + wait <= self.retry.budget() {
                    let event = RetryEvent { operation_id: info.operation_id, attempt, wait, reason: reason.clone() };
                    tracing::warn!(
                        operation = info.operation_id,
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        reason = %reason,
                        "retrying request"
                    );
                    if let Some(observer) = &self.on_retry {
                        observer(&event);
                    }
                    tokio::time::sleep(wait).await;
                    request = next;
                    attempt += 1;
                    continue;
                }
            }
            let mut response = outcome.map_err(|source| Failure::Communication { source, attempts: attempt })?;
            let url = response.url().clone();
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body =
                read_body(response).await.map_err(|source| Failure::Communication { source, attempts: attempt })?;
            return Ok(RawResponse { url, status, headers, body, attempts: attempt, retry_after: server_wait });
        }
    }

    fn prepare(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), Failure> {
        if info.authenticated {
            match &self.token {
                Some(Token::Valid(value)) => {
                    request.headers_mut().insert(AUTHORIZATION, value.clone());
                }
                Some(Token::Invalid) => {
                    return Err(Failure::InvalidRequest(
                        "the bearer token contains characters not allowed in an HTTP header".into(),
                    ));
                }
                None => {}
            }
        }
        if let Some(agent) = &self.user_agent {
            request.headers_mut().insert(USER_AGENT_HEADER, agent.clone());
        }
        if let (Some(timeout), None) = (self.timeout, request.timeout()) {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Reads a whole body into one buffer. `reqwest::Response::bytes` holds every received chunk and
/// then copies them into a new buffer, twice the body at its peak; here each chunk is copied into a
/// buffer sized from `Content-Length` and dropped, so the peak is the body plus one chunk. A body
/// that arrives in one chunk is returned as it is.
async fn read_body(mut response: reqwest::Response) -> Result<Bytes, reqwest::Error> {
    /// An announced length is trusted up to this much; past it the buffer grows as data comes.
    const MAX_PREALLOCATION: u64 = 64 << 20;
    let announced = response.content_length().unwrap_or(0).min(MAX_PREALLOCATION) as usize;
    let Some(first) = response.chunk().await? else { return Ok(Bytes::new()) };
    let Some(second) = response.chunk().await? else { return Ok(first) };
    let mut body = Vec::with_capacity(announced.max(first.len() + second.len()));
    body.extend_from_slice(&first);
    drop(first);
    body.extend_from_slice(&second);
    drop(second);
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// Why no response came back: the part of [`Error`] that does not depend on an operation's error
/// type.
enum Failure {
    InvalidRequest(String),
    Communication { source: reqwest::Error, attempts: u32 },
}

impl Failure {
    fn into_error<E>(self) -> Error<E> {
        match self {
            Failure::InvalidRequest(message) => Error::InvalidRequest(message),
            Failure::Communication { source, attempts } => Error::Communication { source, attempts },
        }
    }
}

/// A response read in full: what the transport returns before the operation decodes it, and
/// what an [`Error`] keeps when decoding was not possible.
#[derive(Clone)]
pub struct RawResponse {
    url: reqwest::Url,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
    retry_after: Option<Duration>,
}

impl RawResponse {
    /// The URL the response came from (after redirects).
    pub fn url(&self) -> &reqwest::Url {
        &self.url
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

    /// Attempts made for this response, from 1.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The wait the server asked for (`Retry-After` or a rate-limit reset), as of receipt.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The body as JSON text: an empty body (a 204 that declares a JSON type, say) reads as
    /// `null`, which the types that allow nothing (`()`, `Option`, `serde_json::Value`) accept.
    fn json_text(&self) -> &[u8] {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        }
    }

    /// Decodes a JSON body (any `application/json` or `+json` media type).
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        self.json_into(|value| value)
    }

    /// A text body; bytes that are not UTF-8 are replaced, never rejected.
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        self.text_into(|text| text)
    }

    pub fn bytes(self) -> ResponseValue<Bytes> {
        self.bytes_into(|bytes| bytes)
    }

    /// A response without a body (204, for example).
    pub fn empty(self) -> ResponseValue<()> {
        self.empty_into(())
    }

    /// A JSON body decoded and wrapped in a variant of the operation's response enum.
    pub fn json_into<T: DeserializeOwned, U, E>(
        self,
        variant: impl FnOnce(T) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        match serde_json::from_slice(self.json_text()) {
            Ok(value) => Ok(ResponseValue::new(variant(value), self.status, self.headers)),
            Err(source) => Err(self.invalid(source)),
        }
    }

    pub fn text_into<U, E>(self, variant: impl FnOnce(String) -> U) -> Result<ResponseValue<U>, Error<E>> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Ok(ResponseValue::new(variant(text), self.status, self.headers))
    }

    pub fn bytes_into<U>(self, variant: impl FnOnce(Bytes) -> U) -> ResponseValue<U> {
        ResponseValue::new(variant(self.body), self.status, self.headers)
    }

    pub fn empty_into<U>(self, value: U) -> ResponseValue<U> {
        ResponseValue::new(value, self.status, self.headers)
    }

    /// A documented error status with a JSON body, decoded into the operation's error enum.
    pub fn error_json<T: DeserializeOwned, E>(self, variant: impl FnOnce(T) -> E) -> Error<E> {
        match serde_json::from_slice(self.json_text()) {
            Ok(value) => Error::ErrorResponse(Box::new(ErrorResponse::new(variant(value), self))),
            Err(source) => self.invalid(source),
        }
    }

    pub fn error_text<E>(self, variant: impl FnOnce(String) -> E) -> Error<E> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Error::ErrorResponse(Box::new(ErrorResponse::new(variant(text), self)))
    }

    pub fn error_bytes<E>(self, variant: impl FnOnce(Vec<u8>) -> E) -> Error<E> {
        let bytes = self.body.to_vec();
        Error::ErrorResponse(Box::new(ErrorResponse::new(variant(bytes), self)))
    }

    /// A documented error status without a body.
    pub fn error_empty<E>(self, value: E) -> Error<E> {
        Error::ErrorResponse(Box::new(ErrorResponse::new(value, self)))
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
            .field("url", &self.url.as_str())
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body_excerpt())
            .field("attempts", &self.attempts)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let mut transport = Transport::new("http://127.0.0.1:1/".into(), reqwest::Client::new());
        transport.set_bearer_token("s3cret-token".into());
        let shown = format!("{transport:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert_eq!(transport.base_url(), "http://127.0.0.1:1");
    }

    #[test]
    fn next_links_stay_on_the_base_origin() {
        let transport = Transport::new("http://127.0.0.1:8080/v7".into(), reqwest::Client::new());
        let same = transport.next_url::<()>("http://127.0.0.1:8080/v7/usage?cursor=a%2Fb").expect("same origin");
        assert_eq!(same.as_str(), "http://127.0.0.1:8080/v7/usage?cursor=a%2Fb");
        let relative = transport.next_url::<()>("/v7/usage?cursor=x").expect("relative");
        assert_eq!(relative.as_str(), "http://127.0.0.1:8080/v7/usage?cursor=x");
        assert!(matches!(transport.next_url::<()>("https://elsewhere.test/v7/usage"), Err(Error::Pagination(_))));
        assert!(matches!(transport.next_url::<()>("http://127.0.0.1:9090/v7/usage"), Err(Error::Pagination(_))));
    }

    fn raw(status: u16, body: &'static str) -> RawResponse {
        RawResponse {
            url: reqwest::Url::parse("http://127.0.0.1/x").expect("url"),
            status: StatusCode::from_u16(status).expect("status"),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
            attempts: 1,
            retry_after: None,
        }
    }

    #[test]
    fn an_empty_json_body_reads_as_null() {
        let value = raw(204, "").json::<serde_json::Value, ()>().expect("null");
        assert_eq!(*value, serde_json::Value::Null);
        raw(200, " \n").json::<(), ()>().expect("unit");
        assert!(raw(200, "").json::<std::collections::BTreeMap<String, i64>, ()>().is_err(), "an object needs a body");
    }

    #[test]
    fn builders_check_the_base_url() {
        let make = |t: Transport| t;
        assert!(matches!(ClientBuilder::new(None, make).build(), Err(ConfigError::MissingBaseUrl)));
        assert!(matches!(ClientBuilder::new(Some("ftp://x"), make).build(), Err(ConfigError::InvalidBaseUrl(_))));
        assert!(matches!(ClientBuilder::new(Some("not a url"), make).build(), Err(ConfigError::InvalidBaseUrl(_))));
        let transport = ClientBuilder::new(Some("https://api.example.test/v7/"), make).build().expect("valid");
        assert_eq!(transport.base_url(), "https://api.example.test/v7");
    }
}
