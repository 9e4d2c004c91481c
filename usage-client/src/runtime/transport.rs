//! Sending requests: [`Transport`], the one place every request of every generated client passes
//! through (pacing, credentials, retries, tracing, then reading the response, or handing its body
//! out as a stream).
//!
//! Each request is one `tracing` span named `request` at `INFO` level, from the first attempt to
//! the end of the body (to the headers, for a streamed body), with the fields `operation`,
//! `method`, `path` (the URL path; never the query, whose values may be private), `attempt` (the
//! attempts made), `status` (of the last response) and `duration_ms`. Inside it: a `DEBUG` event per
//! attempt, a `WARN` event before each retry and an `INFO` event before each wait for a rate-limit
//! window. Credentials, query values and bodies are never recorded.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION,
    USER_AGENT as USER_AGENT_HEADER,
};
use reqwest::{Method, StatusCode};
use tracing::Instrument;

use super::auth::TokenSource;
use super::body::{read_body, ReadError, DEFAULT_MAX_BODY_SIZE};
use super::error::{error_chain, AuthError};
use super::options::{Hook, RequestOptions, ResponseHead};
use super::pacing::{Pacer, Pacing};
use super::response::RawResponse;
use super::retry::{
    failure_kind, is_idempotent, judge_failure, judge_status, random_u64, RetryEvent, RetryObserver, RetryPolicy,
    Verdict,
};
use super::security::{without_secrets, Credential, Keyring, Plan, Scheme, MAX_REDIRECTS};
use super::stream::{Resend, StreamedResponse};
use super::upload::file_body;
use super::{Error, OperationInfo};

/// What [`ClientBuilder::on_response`](super::ClientBuilder::on_response) calls.
pub(crate) type ResponseObserver = Arc<dyn Fn(&RawResponse) + Send + Sync>;

/// Sends requests for a generated client: base URL, credentials, retry policy, pacing, HTTP client.
/// Clones share the HTTP client's connections, the credentials' token cache and the pacing state.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    /// `base_url` parsed once, for resolving `next` links; `None` when it does not parse.
    base: Option<reqwest::Url>,
    keys: Keyring,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: Option<HeaderValue>,
    pub(crate) on_retry: Option<RetryObserver>,
    pub(crate) pacer: Arc<Pacer>,
    pub(crate) max_body_size: u64,
    pub(crate) on_response: Option<ResponseObserver>,
    pub(crate) hooks: Arc<[Arc<dyn Hook>]>,
    /// Sent with every request that has no header of that name.
    pub(crate) default_headers: HeaderMap,
}

impl Transport {
    /// A transport for `base_url` with the default retry policy, pacing and body limit; a trailing
    /// `/` is dropped so paths can be appended.
    pub fn new(base_url: String, http: reqwest::Client) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        Transport {
            http,
            base: reqwest::Url::parse(&base_url).ok(),
            base_url,
            keys: Keyring::default(),
            retry: RetryPolicy::default(),
            timeout: None,
            user_agent: None,
            on_retry: None,
            pacer: Arc::new(Pacer::new(Pacing::default())),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            on_response: None,
            hooks: Arc::new([]),
            default_headers: HeaderMap::new(),
        }
    }

    /// For generated code: the API's security schemes, which the credentials are given for.
    #[doc(hidden)]
    pub fn with_security_schemes(mut self, schemes: &'static [Scheme]) -> Self {
        let token = self.keys.token.take();
        self.keys = Keyring::new(schemes);
        self.keys.token = token;
        self
    }

    /// The HTTP client requests go through: the one given to
    /// [`ClientBuilder::http_client`](super::ClientBuilder::http_client), else the one the
    /// builder made.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The URL operation paths are appended to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How requests are retried unless their [`RequestOptions`] give a policy of their own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// How requests are paced by the rate-limit headers (on unless [`Pacing::disabled`] was
    /// given); clones of this transport share one pacing state.
    pub fn pacing(&self) -> &Pacing {
        self.pacer.pacing()
    }

    /// The largest body read whole, in bytes.
    pub fn max_body_size(&self) -> u64 {
        self.max_body_size
    }

    /// Sets the token of the schemes that take a bearer token (see
    /// [`ClientBuilder::bearer_token`](super::ClientBuilder::bearer_token)). A token that cannot be
    /// a header value (a newline, say) is kept out of requests, and every request that would send
    /// it fails with [`Error::InvalidRequest`] saying so.
    pub fn set_bearer_token(&mut self, token: String) {
        self.keys.token = Some(TokenSource::bearer(&token));
    }

    /// Gives `credential` to the security scheme the document names `scheme` (the generated
    /// `Client::with_{scheme}` methods call this). One that does not fit the scheme is kept out of
    /// requests, and every request that would need it fails saying why.
    pub fn set_credential(&mut self, scheme: &str, credential: Credential) {
        self.keys.hold_or_refuse(scheme, credential);
    }

    pub(crate) fn set_keys(&mut self, keys: Keyring) {
        self.keys = keys;
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
        options: &RequestOptions,
    ) -> Result<RawResponse, Error<E>> {
        within(options.deadline, self.execute_raw(request, info, options)).await.map_err(Failure::into_error)
    }

    /// Like [`Transport::execute`], but leaves the body unread: for binary bodies handed out as a
    /// stream. Retries end once this returns.
    pub async fn execute_stream<E>(
        &self,
        request: reqwest::RequestBuilder,
        info: &OperationInfo,
        options: &RequestOptions,
    ) -> Result<StreamedResponse, Error<E>> {
        self.streamed(request, info, options, Attempt::Whole).await.map_err(Failure::into_error)
    }

    /// Like [`Transport::execute_stream`], for a body of items handed out one by one (JSON Lines,
    /// JSON text sequences, server-sent events), which may stay open for as long as the server
    /// keeps sending: no attempt timeout applies (a stream is bounded by the read timeout between
    /// chunks instead, and the deadline until the response arrives). The response keeps what
    /// is needed to send the request again, for an event stream that resumes.
    pub async fn execute_items<E>(
        &self,
        request: reqwest::RequestBuilder,
        info: &OperationInfo,
        options: &RequestOptions,
    ) -> Result<StreamedResponse, Error<E>> {
        let again = request.try_clone().map(|request| -> Box<dyn Resend> {
            Box::new(Again { transport: self.clone(), request, info: *info, options: options.clone() })
        });
        let mut response = self.streamed(request, info, options, Attempt::Open).await.map_err(Failure::into_error)?;
        response.again = again;
        Ok(response)
    }

    async fn streamed(
        &self,
        request: reqwest::RequestBuilder,
        info: &OperationInfo,
        options: &RequestOptions,
        attempt: Attempt,
    ) -> Result<StreamedResponse, Failure> {
        let (request, span) = self.start(request, info, options, attempt)?;
        let started = Instant::now();
        let sent = within(options.deadline, self.send(request, info, options, &span)).instrument(span.clone()).await;
        finish(&span, started);
        let sent = sent?;
        Ok(StreamedResponse {
            url: without_secrets(sent.response.url(), &sent.secret_query),
            response: sent.response,
            attempts: sent.attempts,
            retry_after: sent.server_wait,
            max_body_size: self.max_body_size,
            again: None,
        })
    }

    async fn execute_raw(
        &self,
        request: reqwest::RequestBuilder,
        info: &OperationInfo,
        options: &RequestOptions,
    ) -> Result<RawResponse, Failure> {
        let (request, span) = self.start(request, info, options, Attempt::Whole)?;
        let started = Instant::now();
        let read = async {
            let Sent { mut response, attempts, server_wait, secret_query } =
                self.send(request, info, options, &span).await?;
            let url = without_secrets(response.url(), &secret_query);
            let status = response.status();
            let body = read_body(&mut response, self.max_body_size).await;
            let headers = std::mem::take(response.headers_mut());
            let raw = |body| RawResponse { url, status, headers, body, attempts, retry_after: server_wait };
            match body {
                Ok(body) => {
                    let raw = raw(body);
                    if let Some(observe) = &self.on_response {
                        observe(&raw);
                    }
                    Ok(raw)
                }
                Err(ReadError::Transport(source)) => {
                    Err(Failure::Communication { source: scrub(source, &secret_query), attempts })
                }
                Err(ReadError::TooLarge { start }) => {
                    tracing::warn!(limit = self.max_body_size, "the response body is too large; not reading it");
                    Err(Failure::BodyTooLarge { response: Box::new(raw(start)), limit: self.max_body_size })
                }
            }
        };
        let read = read.instrument(span.clone()).await;
        finish(&span, started);
        read
    }

    /// Builds the request, with the client's and the request's headers and timeout, and opens its
    /// span, which names the options that differ from the client's.
    fn start(
        &self,
        request: reqwest::RequestBuilder,
        info: &OperationInfo,
        options: &RequestOptions,
        attempt: Attempt,
    ) -> Result<(reqwest::Request, tracing::Span), Failure> {
        if let Some(why) = &options.invalid_header {
            return Err(Failure::InvalidRequest(why.clone()));
        }
        let mut request = request.build().map_err(|e| Failure::InvalidRequest(error_chain(&e)))?;
        self.prepare(&mut request, info, options, attempt);
        let span = tracing::info_span!(
            "request",
            operation = info.operation_id,
            method = request.method().as_str(),
            path = request.url().path(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            timeout_ms = options.timeout.map(millis),
            deadline_ms = options.deadline.map(millis),
            headers = options.headers.len(),
            retry_attempts = options.retry.as_ref().map(RetryPolicy::attempts),
            unpaced = options.unpaced,
            idempotent = options.idempotent,
        );
        Ok((request, span))
    }

    /// Sends through the retry loop (and a redirect to another origin, without credentials), and
    /// notes in the span how many attempts it took and the status of the response kept (once
    /// each: a subscriber may show every value recorded).
    async fn send(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
        options: &RequestOptions,
        span: &tracing::Span,
    ) -> Result<Sent, Failure> {
        let mut attempts = 0;
        let sent = self.retry_loop(request, info, options, &mut attempts).await;
        let sent = match sent {
            Ok((sent, Some(unsent))) if info.follows_redirects && sent.response.status().is_redirection() => {
                self.redirect(sent, unsent, info, options.reopen.as_deref()).await
            }
            other => other.map(|(sent, _)| sent),
        };
        span.record("attempt", attempts);
        if let Ok(sent) = &sent {
            span.record("status", sent.response.status().as_u16());
        }
        sent
    }

    /// The retry loop: sends until a response arrives that is not retried, without reading its
    /// body. Each attempt waits for the pacer first, and starts from a copy of the request without
    /// credentials, which are put in on every attempt (a wait may outlast a token); a `401` to a
    /// token that can be renewed is sent once more with a fresh one. `attempt` counts the attempts
    /// begun. Returns the response and, when it can be had, the request without credentials, for
    /// a redirect.
    async fn retry_loop(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
        options: &RequestOptions,
        attempt: &mut u32,
    ) -> Result<(Sent, Option<reqwest::Request>), Failure> {
        let retry = options.retry.as_ref().unwrap_or(&self.retry);
        // A request that carries its operation's idempotency key is safe to send again.
        let keyed = info.idempotency_key.is_some_and(|key| request.headers().contains_key(key));
        let idempotent = is_idempotent(request.method()) || options.idempotent || keyed;
        let plan = self.keys.plan(info.operation_id, info.security).map_err(Failure::Authentication)?;
        let token = plan.as_ref().and_then(|plan| plan.token);
        if let Some(TokenSource::InvalidBearer) = token {
            return Err(Failure::InvalidRequest(
                "the bearer token contains characters not allowed in an HTTP header".into(),
            ));
        }
        let secret_query = plan.as_ref().map(|plan| plan.secret_query()).unwrap_or_default();
        let started = Instant::now();
        // No pacing wait ends after the retry budget (a budget too large to add means none).
        let deadline = tokio::time::Instant::from_std(
            started.checked_add(retry.budget()).unwrap_or(started + Duration::from_secs(1 << 30)),
        );
        *attempt = 1;
        let mut rejected: Option<HeaderValue> = None;
        let mut renewed = false;
        let reopen = options.reopen.as_deref();
        let mut unsent = Some(request);
        loop {
            let buckets = if options.unpaced { &[][..] } else { info.rate_limits };
            let permit = self.pacer.acquire(buckets, deadline).await;
            let Some(template) = unsent.take() else {
                return Err(Failure::InvalidRequest("the request cannot be sent again".into()));
            };
            // A copy is kept for another attempt or a redirect; a body that streams has none,
            // unless it is read from a file, which is opened again.
            unsent = template.try_clone().or_else(|| reopen.map(|_| without_body(&template)));
            let mut request = template;
            refill(&mut request, reopen).await?;
            let sent_token = self.authorize(&mut request, plan.as_ref(), rejected.as_ref()).await?;
            for hook in self.hooks.iter() {
                hook.before_send(&mut request, info).map_err(Failure::InvalidRequest)?;
            }
            let renewable = token.is_some_and(TokenSource::renewable) && !renewed;
            let attempt_started = Instant::now();
            let outcome = self.http.execute(request).await;
            match &outcome {
                Ok(response) => {
                    if !self.hooks.is_empty() {
                        let url = without_secrets(response.url(), &secret_query);
                        let head = ResponseHead {
                            status: response.status(),
                            headers: response.headers(),
                            url: &url,
                            attempt: *attempt,
                            elapsed: attempt_started.elapsed(),
                        };
                        self.hooks.iter().for_each(|hook| hook.after_response(&head, info));
                    }
                    permit.finish(response.headers());
                    tracing::debug!(
                        attempt = *attempt,
                        status = response.status().as_u16(),
                        elapsed_ms = millis(attempt_started.elapsed()),
                        "response"
                    );
                }
                Err(error) => {
                    drop(permit);
                    tracing::debug!(
                        attempt = *attempt,
                        failure = failure_kind(error).unwrap_or("request failed"),
                        "no response"
                    );
                }
            }
            if renewable && unsent.is_some() && matches!(&outcome, Ok(r) if r.status() == StatusCode::UNAUTHORIZED) {
                tracing::debug!(operation = info.operation_id, "401 to a token believed valid; renewing it");
                rejected = sent_token;
                renewed = true;
                *attempt += 1;
                continue;
            }
            rejected = None;
            let verdict = match &outcome {
                Ok(response) => judge_status(retry, idempotent, response.status(), response.headers()),
                Err(error) => judge_failure(retry, idempotent, error),
            };
            let server_wait = match &verdict {
                Verdict::Retry { server_wait, .. } => *server_wait,
                Verdict::Done => None,
            };
            if let (Verdict::Retry { reason, .. }, true, true) =
                (&verdict, unsent.is_some(), *attempt < retry.attempts())
            {
                let wait = server_wait.unwrap_or_else(|| retry.backoff(*attempt));
                if started.elapsed() + wait <= retry.budget() {
                    let event =
                        RetryEvent { operation_id: info.operation_id, attempt: *attempt, wait, reason: reason.clone() };
                    tracing::warn!(
                        operation = info.operation_id,
                        attempt = *attempt,
                        wait_ms = millis(wait),
                        reason = %reason,
                        "retrying request"
                    );
                    if let Some(observer) = &self.on_retry {
                        observer(&event);
                    }
                    tokio::time::sleep(wait).await;
                    *attempt += 1;
                    continue;
                }
            }
            let response = outcome.map_err(|source| Failure::Communication {
                source: scrub(source, &secret_query),
                attempts: *attempt,
            })?;
            return Ok((Sent { response, attempts: *attempt, server_wait, secret_query }, unsent));
        }
    }

    /// Puts the plan's credentials into `request`, fetching the token when the plan sends one;
    /// returns the `Authorization` value of that token. `rejected` is a token the API has just
    /// answered `401` to.
    async fn authorize(
        &self,
        request: &mut reqwest::Request,
        plan: Option<&Plan<'_>>,
        rejected: Option<&HeaderValue>,
    ) -> Result<Option<HeaderValue>, Failure> {
        let Some(plan) = plan else { return Ok(None) };
        plan.apply(request);
        let Some(token) = plan.token else { return Ok(None) };
        let value = token.header(&self.http, &self.retry, rejected).await.map_err(Failure::Authentication)?;
        request.headers_mut().insert(AUTHORIZATION, value.clone());
        Ok(Some(value))
    }

    /// Follows redirects (the HTTP client follows none, see
    /// [`redirect_policy`](super::redirect_policy)), at most [`MAX_REDIRECTS`]: the request again,
    /// to the new place, with the client's credentials while it stays on the origin it was sent
    /// to, and without them from the first hop to another origin on. `303`, and `301`/`302` to a
    /// `POST`, become a `GET` without a body, as browsers do. Operations that document a `3xx`
    /// answer get it instead (`OperationInfo::follows_redirects`).
    async fn redirect(
        &self,
        mut sent: Sent,
        mut unsent: reqwest::Request,
        info: &OperationInfo,
        reopen: Option<&PathBuf>,
    ) -> Result<Sent, Failure> {
        let plan = self.keys.plan(info.operation_id, info.security).map_err(Failure::Authentication)?;
        let origin = unsent.url().origin();
        let mut trusted = true;
        for _ in 0..MAX_REDIRECTS {
            let status = sent.response.status();
            let location = sent.response.headers().get(LOCATION).and_then(|l| l.to_str().ok());
            let Some(next) = location.and_then(|l| sent.response.url().join(l).ok()) else { break };
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                break;
            }
            let as_get = status == StatusCode::SEE_OTHER
                || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND)
                    && unsent.method() == Method::POST);
            if as_get {
                *unsent.method_mut() = Method::GET;
                *unsent.body_mut() = None;
                unsent.headers_mut().remove(CONTENT_TYPE);
                unsent.headers_mut().remove(CONTENT_LENGTH);
            }
            trusted &= next.origin() == origin;
            *unsent.url_mut() = next;
            let again = unsent.try_clone().or_else(|| reopen.map(|_| without_body(&unsent)));
            let mut request = unsent;
            refill(&mut request, reopen).await?;
            if trusted {
                self.authorize(&mut request, plan.as_ref(), None).await?;
            } else {
                tracing::debug!(
                    status = status.as_u16(),
                    "redirected to another origin; following without credentials"
                );
            }
            let secret_query =
                if trusted { plan.as_ref().map(Plan::secret_query).unwrap_or_default() } else { Vec::new() };
            let response = self.http.execute(request).await.map_err(|source| Failure::Communication {
                source: scrub(source, &secret_query),
                attempts: sent.attempts,
            })?;
            sent = Sent { response, secret_query, ..sent };
            match again {
                Some(again) => unsent = again,
                None => break,
            }
        }
        Ok(sent)
    }

    /// The client's headers (where the request has none of that name), then the request's own,
    /// the idempotency key its operation documents when the caller gave none (one for all
    /// attempts), and the attempt timeout (not for a stream of items, which stays open).
    fn prepare(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
        options: &RequestOptions,
        attempt: Attempt,
    ) {
        let headers = request.headers_mut();
        if let Some(agent) = &self.user_agent {
            headers.insert(USER_AGENT_HEADER, agent.clone());
        }
        for (name, value) in &self.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        for (name, value) in &options.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(key) = info.idempotency_key.filter(|key| !headers.contains_key(*key)) {
            let value = format!("{:016x}{:016x}", random_u64(), random_u64());
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(key.as_bytes()), HeaderValue::from_str(&value)) {
                headers.insert(name, value);
            }
        }
        if let (Some(timeout), Attempt::Whole) = (options.timeout.or(self.timeout), attempt) {
            *request.timeout_mut() = Some(timeout);
        }
    }
}

/// A copy of `request` without its body, for one whose body is read from a file.
fn without_body(request: &reqwest::Request) -> reqwest::Request {
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.timeout_mut() = request.timeout().copied();
    *copy.version_mut() = request.version();
    copy
}

/// Gives a copy made by [`without_body`] its file again: when it has no body but still
/// announces one (a redirect that turned it into a `GET` dropped both).
async fn refill(request: &mut reqwest::Request, reopen: Option<&PathBuf>) -> Result<(), Failure> {
    let Some(path) = reopen else { return Ok(()) };
    if request.body().is_some() || !request.headers().contains_key(CONTENT_LENGTH) {
        return Ok(());
    }
    let (body, _) = file_body(path).await.map_err(|(message, source)| Failure::Io { message, source })?;
    *request.body_mut() = Some(body);
    Ok(())
}

/// `work`, ended with [`Failure::Deadline`] when `deadline` passes first.
async fn within<T>(deadline: Option<Duration>, work: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    match deadline {
        Some(deadline) => tokio::time::timeout(deadline, work).await.unwrap_or(Err(Failure::Deadline(deadline))),
        None => work.await,
    }
}

/// Closes a request's span: how long it took.
fn finish(span: &tracing::Span, started: Instant) {
    span.record("duration_ms", millis(started.elapsed()));
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Whether an attempt's timeout covers it whole, or it stays open for as long as data flows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attempt {
    Whole,
    Open,
}

/// What sends a stream's request again (an event stream resuming after a break): the client, the
/// request as the builder wrote it (credentials are put in per attempt), and its options.
pub(crate) struct Again {
    transport: Transport,
    request: reqwest::RequestBuilder,
    info: OperationInfo,
    options: RequestOptions,
}

impl Resend for Again {
    fn send(&self, headers: HeaderMap) -> Pin<Box<dyn Future<Output = Result<StreamedResponse, Error>> + Send + '_>> {
        Box::pin(async move {
            let request = self
                .request
                .try_clone()
                .ok_or_else(|| Error::InvalidRequest("the request cannot be sent again".into()))?
                .headers(headers);
            self.transport
                .streamed(request, &self.info, &self.options, Attempt::Open)
                .await
                .map_err(Failure::into_error)
        })
    }

    /// The client's retry backoff.
    fn backoff(&self, attempt: u32) -> Duration {
        self.options.retry.as_ref().unwrap_or(&self.transport.retry).backoff(attempt)
    }

    /// The retry policy's attempts.
    fn attempts(&self) -> u32 {
        self.options.retry.as_ref().unwrap_or(&self.transport.retry).attempts()
    }
}

/// A response the retry loop kept, its body not read yet.
struct Sent {
    response: reqwest::Response,
    attempts: u32,
    server_wait: Option<Duration>,
    /// Query parameters that carried a credential, cut from URLs kept in errors and responses.
    secret_query: Vec<&'static str>,
}

/// A transport error without the credentials its URL may carry in the query.
fn scrub(error: reqwest::Error, secret_query: &[&str]) -> reqwest::Error {
    match error.url() {
        Some(url) if !secret_query.is_empty() => {
            let clean = without_secrets(url, secret_query);
            error.with_url(clean)
        }
        _ => error,
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("credentials", &self.keys)
            .field("retry", &self.retry)
            .field("pacing", self.pacer.pacing())
            .field("max_body_size", &self.max_body_size)
            .finish_non_exhaustive()
    }
}

/// Why no response came back: the part of [`Error`] that does not depend on an operation's error
/// type.
enum Failure {
    InvalidRequest(String),
    Communication { source: reqwest::Error, attempts: u32 },
    Authentication(AuthError),
    BodyTooLarge { response: Box<RawResponse>, limit: u64 },
    Deadline(Duration),
    Io { message: String, source: std::io::Error },
}

impl Failure {
    fn into_error<E>(self) -> Error<E> {
        match self {
            Failure::InvalidRequest(message) => Error::InvalidRequest(message),
            Failure::Communication { source, attempts } => Error::Communication { source, attempts },
            Failure::Authentication(error) => Error::Authentication(error),
            Failure::BodyTooLarge { response, limit } => Error::BodyTooLarge { response, limit },
            Failure::Deadline(deadline) => Error::Timeout { deadline },
            Failure::Io { message, source } => Error::Io { message, source },
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
