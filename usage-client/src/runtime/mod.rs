//! What every generated API module shares: building a client, sending requests (with retries,
//! timeouts, pacing by rate-limit headers, tracing, and credentials for every kind of security
//! scheme: API keys, HTTP Basic and other HTTP schemes, a token, a token provider, OAuth 2.0
//! client credentials, a client certificate), reading responses or streaming binary ones to
//! disk, streams of items (JSON Lines, JSON text sequences, server-sent events), uploads from
//! files and streams, typed multipart parts, paging, the error type, and (feature `mock`) the
//! fake servers of the generated `mock` modules. Hand-written and the same for every API;
//! generated modules reach it as `crate::runtime`.
//!
//! Success values are progenitor-client's [`ResponseValue`] (body, status and headers). Errors are
//! our own [`Error`], which keeps status, headers and the raw body of every response, where
//! progenitor-client's keeps only the bytes of a body that did not decode.

mod auth;
mod body;
mod config;
mod decode;
mod decode_error;
mod error;
mod framing;
mod items;
#[cfg(feature = "mock")]
pub mod mock;
mod multipart;
mod object;
mod options;
mod pacing;
mod paginate;
mod params;
mod rate_limit;
mod response;
mod retry;
mod security;
mod stream;
mod transport;
mod upload;

pub use auth::{token_fn, ClientAuth, TokenFn, TokenProvider};
pub use body::DEFAULT_MAX_BODY_SIZE;
pub use config::{
    default_http_client, ClientBuilder, ConfigError, EnvCredential, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
    USER_AGENT,
};
pub use decode_error::DecodeError;
pub use error::{AuthError, Documented, Error, ErrorResponse};
pub use framing::Framing;
pub use futures_core::Stream;
pub use futures_util::{StreamExt, TryStreamExt};
pub use items::{Event, EventStream, ItemStream, LAST_EVENT_ID};
pub use multipart::{FilePart, Multipart};
pub use object::{decode_once, Key};
pub use options::{Hook, RequestOptions, ResponseHead};
pub use pacing::Pacing;
pub use paginate::{
    cursor_turn, fingerprint, items, link_header_turn, next_in_link_header, offset_turn, page_turn, pages, paginate,
    PageAt, Position, Turn,
};
pub use params::{encode, form_body, path_segment, path_value, Parameters, PathError, Style};
pub use progenitor_client::ResponseValue;
pub use rate_limit::{RateLimit, RateLimitExt};
pub use response::RawResponse;
pub use retry::{RetryEvent, RetryPolicy};
pub use security::{redirect_policy, Credential, KeyLocation, Scheme, SchemeKind};
pub use stream::{save_to, ByteStream, StreamedResponse};
pub use transport::Transport;
pub use upload::Upload;

/// Identifies the operation a request belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operationId from the document.
    pub operation_id: &'static str,
    /// The security requirement: alternatives, each naming the schemes sent together (an empty
    /// alternative needs none). Empty when the operation needs no credentials.
    pub security: &'static [&'static [&'static str]],
    /// The rate-limit buckets the operation counts against, as the header prefixes its responses
    /// document (`X-Organization-Rate-Limit` for `X-Organization-Rate-Limit-Remaining` and
    /// `-Reset`): the client paces these requests by them. Empty when none are documented.
    pub rate_limits: &'static [&'static str],
    /// The header the operation documents for an idempotency key (`Idempotency-Key`): the client
    /// sends a fresh key when the caller gives none, and a request with one is retried as
    /// idempotent.
    pub idempotency_key: Option<&'static str>,
    /// Whether the client follows a redirect: not when the operation documents a `3xx` answer,
    /// which it then gets as documented.
    pub follows_redirects: bool,
}
