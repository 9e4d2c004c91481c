//! [`Error`]: why an operation failed, with everything the server said kept.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;

use super::decode_error::DecodeError;
use super::rate_limit::RateLimit;
use super::response::RawResponse;

/// Implemented by each generated enum of documented error bodies: the description the API
/// document gives for the variant's status, used when the body itself says nothing readable.
pub trait Documented {
    /// The API document's description of this variant's status (empty when it gives none):
    /// what an [`Error`]'s message says when the body has no message of its own.
    fn description(&self) -> &'static str;
}

impl Documented for () {
    fn description(&self) -> &'static str {
        ""
    }
}

/// Why no credentials could be sent: the client has none for the operation's requirement (the
/// message names the schemes it needs), a credential does not fit its scheme, or no access token
/// could be had (the message names the token endpoint and what it answered). Never a secret or a
/// token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError(String);

impl AuthError {
    /// An error with this message: what a [`TokenProvider`](super::TokenProvider) returns when
    /// it has no token to give. Say why, and leave the secret out.
    pub fn new(message: impl Into<String>) -> Self {
        AuthError(message.into())
    }

    /// The message as given, which is also what the error displays.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuthError {}

/// Why an operation failed. `E` is the operation's enum of documented error bodies.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request could not be built (for example, a header value with a newline).
    InvalidRequest(String),
    /// No complete response arrived: connection refused or reset, a timeout, a broken body.
    Communication {
        /// The transport's error for the last attempt; secrets sent in the query are left out
        /// of its URL.
        source: reqwest::Error,
        /// How many attempts were made, the first included (1 when nothing was retried).
        attempts: u32,
    },
    /// The server answered with an error status the API documents; the body decoded into `E`.
    ErrorResponse(Box<ErrorResponse<E>>),
    /// The server answered with a documented status, but the body does not decode into the
    /// documented type. The response is kept whole; `source` names the JSON path of the value that
    /// failed and where in the body it is.
    InvalidResponsePayload {
        /// The response as received: status, headers and the whole body.
        response: Box<RawResponse>,
        /// Why the body did not decode, and where in it.
        source: DecodeError,
    },
    /// The body is larger than the client reads whole
    /// ([`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size)): announced so, or
    /// more arrived. Reading stopped there; `response` keeps the status, the headers and the first
    /// bytes received.
    BodyTooLarge {
        /// The response, its body cut short at the first bytes read.
        response: Box<RawResponse>,
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// The server answered with a status the API does not document for this operation.
    UnexpectedResponse(Box<RawResponse>),
    /// Paging could not go on: the server repeated a `next` link, or pointed it elsewhere.
    Pagination(String),
    /// No credentials to send, and nothing was sent: the client has none for the operation's
    /// security requirement, the token endpoint rejected the client or was unreachable, or the
    /// token provider failed.
    Authentication(AuthError),
    /// A local file failed: a download could not be written to its file, or an upload's file
    /// could not be read.
    Io {
        /// What could not be done, and to which file (`cannot read data.csv`).
        message: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The operation's deadline ([`RequestOptions::deadline`](super::RequestOptions::deadline))
    /// passed before it was done, retries and waits included.
    Timeout {
        /// The deadline that passed, as it was set.
        deadline: Duration,
    },
}

/// A documented error response: the typed body and the response it came in.
#[derive(Clone, Debug)]
pub struct ErrorResponse<E> {
    body: E,
    response: RawResponse,
}

impl<E> ErrorResponse<E> {
    pub(crate) fn new(body: E, response: RawResponse) -> Self {
        ErrorResponse { body, response }
    }

    /// The typed body.
    pub fn body(&self) -> &E {
        &self.body
    }

    /// The typed body, taken out of the error: for a `match` on the documented variants.
    pub fn into_body(self) -> E {
        self.body
    }

    /// The status the server answered with: one the operation documents as an error.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The response headers, for what the body does not say (a `Retry-After`, a request id).
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The response as received, raw body included (useful when the server's body is not the
    /// documented shape).
    pub fn raw(&self) -> &RawResponse {
        &self.response
    }
}

impl<E> Error<E> {
    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Communication { source, .. } => source.status(),
            other => other.raw_response().map(RawResponse::status),
        }
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.raw_response().map(RawResponse::headers)
    }

    /// The response as received, when one arrived: status, headers and the whole body.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            Error::ErrorResponse(error) => Some(&error.response),
            Error::InvalidResponsePayload { response, .. }
            | Error::UnexpectedResponse(response)
            | Error::BodyTooLarge { response, .. } => Some(response),
            Error::InvalidRequest(_)
            | Error::Communication { .. }
            | Error::Pagination(_)
            | Error::Authentication(_)
            | Error::Io { .. }
            | Error::Timeout { .. } => None,
        }
    }

    /// The same failure as an error of another operation's type: for failures that carry no
    /// typed body. A typed body cannot change type; that response is kept as unexpected.
    pub(crate) fn retype<F>(self) -> Error<F> {
        match self {
            Error::InvalidRequest(message) => Error::InvalidRequest(message),
            Error::Communication { source, attempts } => Error::Communication { source, attempts },
            Error::ErrorResponse(error) => Error::UnexpectedResponse(Box::new(error.response)),
            Error::InvalidResponsePayload { response, source } => Error::InvalidResponsePayload { response, source },
            Error::UnexpectedResponse(response) => Error::UnexpectedResponse(response),
            Error::BodyTooLarge { response, limit } => Error::BodyTooLarge { response, limit },
            Error::Pagination(message) => Error::Pagination(message),
            Error::Authentication(error) => Error::Authentication(error),
            Error::Io { message, source } => Error::Io { message, source },
            Error::Timeout { deadline } => Error::Timeout { deadline },
        }
    }

    /// The documented error body, when the server sent one.
    pub fn error_body(&self) -> Option<&E> {
        match self {
            Error::ErrorResponse(error) => Some(&error.body),
            _ => None,
        }
    }

    /// The same error with its documented body converted by `f`; everything else is kept. Each
    /// operation has an error enum of its own: this turns them into one type of yours, for code
    /// that handles the errors of several operations alike.
    pub fn map_body<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::ErrorResponse(error) => {
                let ErrorResponse { body, response } = *error;
                Error::ErrorResponse(Box::new(ErrorResponse { body: f(body), response }))
            }
            Error::InvalidRequest(message) => Error::InvalidRequest(message),
            Error::Communication { source, attempts } => Error::Communication { source, attempts },
            Error::InvalidResponsePayload { response, source } => Error::InvalidResponsePayload { response, source },
            Error::UnexpectedResponse(response) => Error::UnexpectedResponse(response),
            Error::BodyTooLarge { response, limit } => Error::BodyTooLarge { response, limit },
            Error::Pagination(message) => Error::Pagination(message),
            Error::Authentication(error) => Error::Authentication(error),
            Error::Io { message, source } => Error::Io { message, source },
            Error::Timeout { deadline } => Error::Timeout { deadline },
        }
    }

    /// The rate-limit state the last response reported.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.headers().and_then(RateLimit::from_headers)
    }

    /// How long the server asked the client to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.raw_response().and_then(RawResponse::retry_after)
    }

    /// How many attempts were made before giving up (1 when nothing was retried).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Communication { attempts, .. } => *attempts,
            other => other.raw_response().map_or(1, RawResponse::attempts),
        }
    }
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

pub(crate) fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// An error and its sources on one line: reqwest's own message names only the outermost layer.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// What an error body says, read from its JSON by the conventions most APIs follow, whichever API
/// sent it: RFC 9457 (formerly 7807) problem details (`title`, `detail`), RFC 6749's OAuth error
/// (`error`, `error_description`), a `message`, an `errors` array of strings or of objects with
/// `field` and `message` (or `code`), and any of these wrapped in an `error` object.
pub(crate) fn body_summary(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    summarize(value.as_object()?)
}

/// See [`body_summary`]; an `error` member that is itself an object (`{"error": {"code": …,
/// "message": …}}`) is read instead of its wrapper.
fn summarize(object: &serde_json::Map<String, Value>) -> Option<String> {
    if let Some(Value::Object(inner)) = object.get("error") {
        if let Some(summary) = summarize(inner) {
            return Some(summary);
        }
    }
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let headline = text("title").or_else(|| text("error")).or_else(|| text("message"));
    let detail = text("detail").or_else(|| text("error_description")).filter(|d| Some(*d) != headline);
    let items: Vec<String> = object
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|item| match item {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => {
                        let get = |k: &str| o.get(k).and_then(Value::as_str);
                        match (get("field"), get("message").or_else(|| get("code"))) {
                            (Some(field), Some(message)) => Some(format!("{field}: {message}")),
                            (None, Some(message)) => Some(message.to_owned()),
                            _ => None,
                        }
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut summary = match (headline, detail) {
        (Some(h), Some(d)) => format!("{h}: {d}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) if !items.is_empty() => String::new(),
        (None, None) => return None,
    };
    if !items.is_empty() {
        if !summary.is_empty() {
            summary.push(' ');
        }
        summary.push_str(&format!("[{}]", items.join("; ")));
    }
    Some(one_line(&summary))
}

/// `256 MiB`, `1000 bytes`: a limit as people write it.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// `(gave up after 3 attempts; retry after 12s)`, or nothing.
fn circumstances(response: &RawResponse) -> String {
    let mut notes = Vec::new();
    if response.attempts() > 1 {
        notes.push(format!("gave up after {} attempts", response.attempts()));
    }
    if let Some(wait) = response.retry_after() {
        notes.push(format!("retry after {}s", wait.as_secs_f64().ceil() as u64));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    }
}

impl<E: Documented> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Communication { source, attempts } => {
                write!(f, "request failed: {}", one_line(&error_chain(source)))?;
                if *attempts > 1 {
                    write!(f, " (gave up after {attempts} attempts)")?;
                }
                Ok(())
            }
            Error::ErrorResponse(error) => {
                let response = &error.response;
                let said = body_summary(response.body())
                    .or_else(|| Some(error.body.description().trim().to_owned()).filter(|d| !d.is_empty()))
                    .unwrap_or_else(|| "the server reported an error".to_owned());
                write!(f, "{}: {said}{}", status_line(response.status()), circumstances(response))
            }
            Error::InvalidResponsePayload { response, source } => {
                let (line, column) = (source.json_error().line(), source.json_error().column());
                write!(
                    f,
                    "{}: the response body does not match the documented schema: {}",
                    status_line(response.status()),
                    one_line(&source.to_string())
                )?;
                if line > 0 {
                    write!(f, " (line {line}, column {column})")?;
                }
                write!(
                    f,
                    "; body near there: {}{}",
                    one_line(&response.body_excerpt_at(source.offset())),
                    circumstances(response)
                )
            }
            Error::BodyTooLarge { response, limit } => {
                let announced = response
                    .headers()
                    .get(reqwest::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .map(|length| format!(" (Content-Length {length})"))
                    .unwrap_or_default();
                write!(
                    f,
                    "{}: the response body is larger than the {} the client reads whole{announced}; \
                     reading stopped (see `ClientBuilder::max_body_size`){}",
                    status_line(response.status()),
                    size(*limit),
                    circumstances(response)
                )
            }
            Error::UnexpectedResponse(response) => {
                let said = body_summary(response.body())
                    .unwrap_or_else(|| format!("body: {}", one_line(&response.body_excerpt())));
                write!(
                    f,
                    "{}: a status this operation does not document; {said}{}",
                    status_line(response.status()),
                    circumstances(response)
                )
            }
            Error::Pagination(message) => write!(f, "paging stopped: {message}"),
            Error::Authentication(error) => write!(f, "authentication failed: {}", one_line(error.message())),
            Error::Io { message, source } => write!(f, "{message}: {source}"),
            Error::Timeout { deadline } => write!(f, "the operation's deadline of {deadline:?} passed"),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => f.debug_tuple("InvalidRequest").field(message).finish(),
            Error::Communication { source, attempts } => {
                f.debug_struct("Communication").field("source", source).field("attempts", attempts).finish()
            }
            Error::ErrorResponse(error) => f.debug_tuple("ErrorResponse").field(error).finish(),
            Error::InvalidResponsePayload { response, source } => {
                f.debug_struct("InvalidResponsePayload").field("response", response).field("source", source).finish()
            }
            Error::UnexpectedResponse(response) => f.debug_tuple("UnexpectedResponse").field(response).finish(),
            Error::BodyTooLarge { response, limit } => {
                f.debug_struct("BodyTooLarge").field("response", response).field("limit", limit).finish()
            }
            Error::Pagination(message) => f.debug_tuple("Pagination").field(message).finish(),
            Error::Authentication(error) => f.debug_tuple("Authentication").field(error).finish(),
            Error::Io { message, source } => {
                f.debug_struct("Io").field("message", message).field("source", source).finish()
            }
            Error::Timeout { deadline } => f.debug_struct("Timeout").field("deadline", deadline).finish(),
        }
    }
}

impl<E: Documented + fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Communication { source, .. } => Some(source),
            Error::InvalidResponsePayload { source, .. } => Some(source),
            Error::Authentication(source) => Some(source),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_of_the_body_shapes_servers_send() {
        let problem = br#"{"type":"about:blank","title":"Request validation failed","status":400,"detail":"Your request object contains invalid fields.","errors":[{"code":"AM-5432","field":"firstName","message":"firstName cannot have fancy characters"},{"field":"password","message":"Password cannot be blank"}]}"#;
        assert_eq!(
            body_summary(problem).as_deref(),
            Some("Request validation failed: Your request object contains invalid fields. [firstName: firstName cannot have fancy characters; password: Password cannot be blank]")
        );
        let oauth = br#"{"error":"invalid_token","error_description":"Invalid access token"}"#;
        assert_eq!(body_summary(oauth).as_deref(), Some("invalid_token: Invalid access token"));
        let strings = br#"{"timestamp":"2024-01-01T00:00:00Z","status":429,"errors":["Rate limit exceeded"]}"#;
        assert_eq!(body_summary(strings).as_deref(), Some("[Rate limit exceeded]"));
        let nested = br#"{"error":{"code":401,"message":"Access token is expired","details":{}}}"#;
        assert_eq!(body_summary(nested).as_deref(), Some("Access token is expired"));
        assert_eq!(body_summary(b"<html>oops</html>"), None);
        assert_eq!(body_summary(br#"{"status":500}"#), None);
    }

    #[test]
    fn one_line_collapses_control_characters() {
        assert_eq!(one_line("a\r\n  b\tc"), "a b c");
    }
}
