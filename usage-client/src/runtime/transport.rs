//! Sending requests: [`Transport`], the one place every request of every generated client passes
//! through (credentials, retries, reading the response).

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderValue, AUTHORIZATION, USER_AGENT as USER_AGENT_HEADER};

use super::error::error_chain;
use super::response::RawResponse;
use super::retry::{judge_failure, judge_status, RetryEvent, RetryObserver, RetryPolicy, Verdict};
use super::{Error, OperationInfo};

/// Sends requests for a generated client: base URL, credentials, retry policy, HTTP client.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    /// `base_url` parsed once, for resolving `next` links; `None` when it does not parse.
    base: Option<reqwest::Url>,
    token: Option<Token>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: Option<HeaderValue>,
    pub(crate) on_retry: Option<RetryObserver>,
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
}
