//! What one request may change of its client's settings ([`RequestOptions`], given to an
//! operation's builder with `with_options`), and the hooks every request of a client passes
//! ([`Hook`]). Both apply in the transport, so the client's pacer, token cache and connections
//! stay shared.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;

use super::retry::RetryPolicy;
use super::OperationInfo;

/// Settings for one request that differ from its client's. Build with [`RequestOptions::new`] and
/// the setters; give to an operation's builder with `with_options`.
///
/// ```
/// use std::time::Duration;
/// use usage_client::runtime::{RequestOptions, RetryPolicy};
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(5))
///     .header("X-Trace-Id", "run-42")
///     .retry_policy(RetryPolicy::disabled());
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) headers: HeaderMap,
    /// A header that could not be made, reported when the request is sent.
    pub(crate) invalid_header: Option<String>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) unpaced: bool,
    pub(crate) idempotent: bool,
    /// The file a binary body is read from, opened again for each attempt after the first (set
    /// by generated code through [`Upload::options`](super::Upload::options)).
    pub(crate) reopen: Option<Arc<PathBuf>>,
}

impl RequestOptions {
    /// Options that change nothing: the request goes as its client would send it.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// How long each attempt may take, from sending to the end of the body, instead of the
    /// client's (which has none unless [`ClientBuilder::timeout`](super::ClientBuilder::timeout)
    /// set one).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long the whole operation may take, every attempt and wait between them included
    /// (for a streamed body, until the response arrives). Past it the request ends with
    /// [`Error::Timeout`](super::Error::Timeout).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// A header sent with this request (a trace id, an idempotency key); it replaces a header of
    /// that name the client would send. A name or value that cannot be a header makes the request
    /// fail with [`Error::InvalidRequest`](super::Error::InvalidRequest) before anything is sent.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            _ => self.invalid_header = Some(format!("`{name}` with that value cannot be an HTTP header")),
        }
        self
    }

    /// How to retry this request instead of the client's policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends without waiting for the rate-limit pacer (the response still updates what it knows).
    pub fn without_pacing(mut self) -> Self {
        self.unpaced = true;
        self
    }

    /// Marks the request safe to send again whatever its method (the API makes repeating it
    /// harmless, say), so a `POST` is retried as a `GET` would be.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be private: only their names are shown.
        let headers: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("headers", &headers)
            .field("retry", &self.retry)
            .field("unpaced", &self.unpaced)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

/// Code that sees every request of a client: register any number with
/// [`ClientBuilder::hook`](super::ClientBuilder::hook). Both methods have defaults that do
/// nothing.
pub trait Hook: Send + Sync {
    /// Called before each attempt is sent, with the request as it will go out (credentials
    /// included): add or change headers, sign it. An error ends the request before anything is
    /// sent, as [`Error::InvalidRequest`](super::Error::InvalidRequest) with this message.
    fn before_send(&self, request: &mut reqwest::Request, operation: &OperationInfo) -> Result<(), String> {
        let _ = (request, operation);
        Ok(())
    }

    /// Called when the response to an attempt arrives, before its body is read: record
    /// metrics, log. Its URL has any API key sent in the query cut out.
    fn after_response(&self, response: &ResponseHead<'_>, operation: &OperationInfo) {
        let _ = (response, operation);
    }
}

/// What a [`Hook`] sees of a response: the body is not read yet.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseHead<'a> {
    /// The status of this attempt's response, before any retry decides on it.
    pub status: StatusCode,
    /// The response headers as the server sent them.
    pub headers: &'a HeaderMap,
    /// The URL that answered (after redirects), with any API key sent in the query cut out.
    pub url: &'a reqwest::Url,
    /// The attempt this answers, from 1.
    pub attempt: u32,
    /// From sending to the headers arriving.
    pub elapsed: Duration,
}
