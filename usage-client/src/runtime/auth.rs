//! Tokens: what goes into the `Authorization` header of operations whose security scheme takes a
//! bearer token (HTTP `bearer`, OAuth 2.0, OpenID Connect) when the client has no credential of
//! that scheme's own (see [`security`](super::security) for the other schemes).
//!
//! - a static bearer token ([`ClientBuilder::bearer_token`](super::ClientBuilder::bearer_token));
//! - a [`TokenProvider`] of the caller's ([`ClientBuilder::token_provider`](super::ClientBuilder::token_provider),
//!   or a closure through [`token_fn`]);
//! - OAuth 2.0 client credentials (RFC 6749 §4.4,
//!   [`ClientBuilder::client_credentials`](super::ClientBuilder::client_credentials)): the client
//!   asks the token endpoint for a token on first use, keeps it, and asks again shortly before the
//!   lifetime the endpoint gave runs out, and once more when the API answers `401` to a token the
//!   client still believed valid. The client authenticates to the endpoint with HTTP Basic or, for
//!   endpoints that want it, with `client_id` and `client_secret` in the form
//!   ([`ClientAuth`]), and asks for the scopes it is given. All clones of a client share one cache, and only one request for
//!   a token is under way at a time: callers that need one meanwhile wait for it.
//!
//! Secrets and tokens are never part of `Debug` output, logs or error messages.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::BoxFuture;
use reqwest::header::{HeaderValue, ACCEPT};
use reqwest::StatusCode;
use serde::Deserialize;
use tokio::sync::Mutex;

use super::error::{body_summary, error_chain, status_line, AuthError};
use super::retry::{judge_failure, judge_status, RetryPolicy, Verdict};

/// A source of access tokens the caller supplies: a secrets manager, a token file, another
/// library's OAuth client. The transport asks it for a token before every authenticated request,
/// so it should answer from a cache of its own when it can.
pub trait TokenProvider: Send + Sync {
    /// The access token to send (without the `Bearer ` prefix). `rejected` is the token the API
    /// has just answered `401` to, when that is why it is asked: return a fresh one. Returning the
    /// same token again gives up, and the `401` goes back to the caller.
    fn token<'a>(&'a self, rejected: Option<&'a str>) -> BoxFuture<'a, Result<String, AuthError>>;
}

/// A [`TokenProvider`] made from an async closure: `token_fn(|| async { Ok(read_token()?) })`.
/// The closure is called for every authenticated request, and again after a `401`.
pub fn token_fn<F, Fut>(f: F) -> TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, AuthError>> + Send + 'static,
{
    TokenFn(f)
}

/// See [`token_fn`].
pub struct TokenFn<F>(F);

impl<F, Fut> TokenProvider for TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, AuthError>> + Send + 'static,
{
    fn token<'a>(&'a self, _rejected: Option<&'a str>) -> BoxFuture<'a, Result<String, AuthError>> {
        Box::pin((self.0)())
    }
}

impl<F> fmt::Debug for TokenFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenFn")
    }
}

/// Where a token comes from; cheap to clone (clones share the token cache).
#[derive(Clone)]
pub(crate) enum TokenSource {
    Bearer(HeaderValue),
    /// A static token that cannot be a header value (a newline, say): kept out of requests.
    InvalidBearer,
    Provider(Arc<dyn TokenProvider>),
    OAuth2(Arc<ClientCredentials>),
}

impl TokenSource {
    pub(crate) fn bearer(token: &str) -> Self {
        bearer_header(token).map_or(TokenSource::InvalidBearer, TokenSource::Bearer)
    }

    /// Whether a `401` is worth one more attempt with a fresh token.
    pub(crate) fn renewable(&self) -> bool {
        matches!(self, TokenSource::Provider(_) | TokenSource::OAuth2(_))
    }

    /// The `Authorization` value for the next attempt. `rejected` is the value the API has just
    /// answered `401` to.
    pub(crate) async fn header(
        &self,
        http: &reqwest::Client,
        retry: &RetryPolicy,
        rejected: Option<&HeaderValue>,
    ) -> Result<HeaderValue, AuthError> {
        match self {
            TokenSource::Bearer(value) => Ok(value.clone()),
            TokenSource::InvalidBearer => {
                Err(AuthError::new("the bearer token contains characters not allowed in an HTTP header"))
            }
            TokenSource::Provider(provider) => {
                let rejected = rejected.and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
                let token = provider.token(rejected).await?;
                bearer_header(&token).ok_or_else(|| {
                    AuthError::new("the token provider returned a token with characters not allowed in an HTTP header")
                })
            }
            TokenSource::OAuth2(flow) => flow.header(http, retry, rejected).await,
        }
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Bearer(_) | TokenSource::InvalidBearer => f.write_str("Bearer(<redacted>)"),
            TokenSource::Provider(_) => f.write_str("TokenProvider"),
            TokenSource::OAuth2(flow) => fmt::Debug::fmt(flow, f),
        }
    }
}

fn bearer_header(token: &str) -> Option<HeaderValue> {
    sensitive(&format!("Bearer {token}"))
}

/// A header value that `Debug` and HTTP/2's header compression keep to themselves.
pub(crate) fn sensitive(text: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// How the client authenticates to an OAuth 2.0 token endpoint (RFC 6749 §2.3.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// HTTP Basic with the client id and secret (`client_secret_basic`), which every endpoint
    /// must accept.
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`), for endpoints that
    /// want them there.
    RequestBody,
}

/// OAuth 2.0 client credentials and the token they were last exchanged for.
pub(crate) struct ClientCredentials {
    token_url: reqwest::Url,
    client_id: String,
    client_secret: String,
    /// Sent space-separated as `scope` when not empty.
    scopes: Vec<String>,
    auth: ClientAuth,
    /// Held while a token is fetched, so one fetch serves every caller waiting for it.
    cache: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    header: HeaderValue,
    /// When to fetch a new one; `None` when the endpoint gave no lifetime (then only a `401`
    /// replaces the token).
    renew_at: Option<Instant>,
}

/// How long before the end of a token's lifetime it is replaced: a tenth of the lifetime, at most
/// a minute (a two-hour token is renewed after 1 h 59 min).
fn renewal_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

impl ClientCredentials {
    pub(crate) fn new(token_url: reqwest::Url, client_id: String, client_secret: String) -> Self {
        ClientCredentials {
            token_url,
            client_id,
            client_secret,
            scopes: Vec::new(),
            auth: ClientAuth::default(),
            cache: Mutex::new(None),
        }
    }

    pub(crate) fn with(mut self, scopes: Vec<String>, auth: ClientAuth) -> Self {
        self.scopes = scopes;
        self.auth = auth;
        self
    }

    async fn header(
        &self,
        http: &reqwest::Client,
        retry: &RetryPolicy,
        rejected: Option<&HeaderValue>,
    ) -> Result<HeaderValue, AuthError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            let expired = cached.renew_at.is_some_and(|at| Instant::now() >= at);
            // After a 401 only the token that was refused is replaced: the other callers refused
            // with it meanwhile find the new one here instead of fetching again.
            let refused = rejected.is_some_and(|r| *r == cached.header);
            if !expired && !refused {
                return Ok(cached.header.clone());
            }
        }
        *cache = None;
        let fresh = self.fetch(http, retry).await?;
        let header = fresh.header.clone();
        *cache = Some(fresh);
        Ok(header)
    }

    /// Asks the token endpoint for a token: `POST` of the form `grant_type=client_credentials`
    /// (and `scope`), the client authenticated as [`ClientAuth`] says. Retried like an idempotent
    /// request (the request changes nothing on the server).
    async fn fetch(&self, http: &reqwest::Client, retry: &RetryPolicy) -> Result<CachedToken, AuthError> {
        let endpoint = self.token_url.as_str();
        let started = Instant::now();
        let mut attempt = 1;
        let scope = self.scopes.join(" ");
        let mut form = vec![("grant_type", "client_credentials")];
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        if self.auth == ClientAuth::RequestBody {
            form.extend([("client_id", self.client_id.as_str()), ("client_secret", self.client_secret.as_str())]);
        }
        loop {
            let mut request = http.post(self.token_url.clone()).header(ACCEPT, "application/json").form(&form);
            if self.auth == ClientAuth::Basic {
                request = request.basic_auth(&self.client_id, Some(&self.client_secret));
            }
            let outcome = request.send().await;
            let verdict = match &outcome {
                // Asking for a token changes nothing on the server: idempotent.
                Ok(response) => judge_status(retry, true, response.status(), response.headers()),
                Err(error) => judge_failure(retry, true, error),
            };
            if let Verdict::Retry { server_wait, .. } = verdict {
                let wait = server_wait.unwrap_or_else(|| retry.backoff(attempt));
                if attempt < retry.attempts() && started.elapsed() + wait <= retry.budget() {
                    tracing::warn!(token_url = endpoint, attempt, "retrying the token request");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            let response = outcome.map_err(|e| {
                AuthError::new(format!("cannot reach the token endpoint {endpoint}: {}", error_chain(&e)))
            })?;
            let status = response.status();
            let body = response.bytes().await.map_err(|e| {
                AuthError::new(format!("the token endpoint {endpoint} broke off its answer: {}", error_chain(&e)))
            })?;
            if !status.is_success() {
                return Err(AuthError::new(rejection(endpoint, status, &body)));
            }
            let token = parse_token(&body).map_err(|why| AuthError::new(format!("{endpoint}: {why}")))?;
            tracing::debug!(
                token_url = endpoint,
                lifetime_s = token.1.map(|d| d.as_secs()),
                "obtained an access token"
            );
            let renew_at = token.1.map(|lifetime| Instant::now() + lifetime - renewal_margin(lifetime));
            return Ok(CachedToken { header: token.0, renew_at });
        }
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// The one-line message for a token endpoint that did not issue a token.
fn rejection(endpoint: &str, status: StatusCode, body: &[u8]) -> String {
    let verdict = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => "rejected the client credentials",
        _ => "did not issue a token",
    };
    let said = body_summary(body).map(|s| format!(": {s}")).unwrap_or_default();
    format!("the token endpoint {endpoint} {verdict}: {}{said}", status_line(status))
}

/// A token endpoint's successful answer (RFC 6749 §5.1). The lifetime is `expires_in` (seconds
/// from now, a number or a numeric string), else `expires_on` (seconds since the Unix epoch, the
/// absolute form some identity providers send).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    expires_on: Option<serde_json::Value>,
}

fn seconds(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The `Authorization` value and lifetime of a token answer. Errors say what is wrong without
/// quoting the body, which holds the token.
fn parse_token(body: &[u8]) -> Result<(HeaderValue, Option<Duration>), String> {
    let answer: TokenAnswer = serde_json::from_slice(body).map_err(|e| {
        format!("the answer is not a token response (line {} column {}: {:?})", e.line(), e.column(), e.classify())
    })?;
    if let Some(kind) = answer.token_type.as_deref().filter(|t| !t.eq_ignore_ascii_case("bearer")) {
        return Err(format!("the endpoint issued a `{kind}` token; only bearer tokens can be sent"));
    }
    let header =
        bearer_header(&answer.access_token).ok_or("the access token has characters not allowed in an HTTP header")?;
    let lifetime = match (answer.expires_in.as_ref().and_then(seconds), answer.expires_on.as_ref().and_then(seconds)) {
        (Some(in_seconds), _) => Some(in_seconds),
        (None, Some(on)) => {
            let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
            Some(on - now)
        }
        (None, None) => None,
    };
    Ok((header, lifetime.map(|s| Duration::from_secs_f64(s.clamp(0.0, 10.0 * 365.0 * 86_400.0)))))
}

/// The token URL as the document gives it, resolved against the base URL. A relative URL is read
/// relative to the base URL as a directory, as operation paths are: `idp/token` with
/// `https://host/api/2` is `https://host/api/2/idp/token`; one starting with `/` replaces the
/// base URL's path; an absolute URL stands as it is.
pub(crate) fn resolve_token_url(base_url: &str, token_url: &str) -> Option<reqwest::Url> {
    if let Ok(absolute) = reqwest::Url::parse(token_url) {
        return Some(absolute);
    }
    let directory = reqwest::Url::parse(&format!("{}/", base_url.trim_end_matches('/'))).ok()?;
    directory.join(token_url).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_urls_resolve_under_the_base_url() {
        let base = "https://dc.example.test/api/2";
        let resolve = |url| resolve_token_url(base, url).map(|u| u.to_string());
        assert_eq!(resolve("idp/token").as_deref(), Some("https://dc.example.test/api/2/idp/token"));
        assert_eq!(resolve("/oauth/token").as_deref(), Some("https://dc.example.test/oauth/token"));
        assert_eq!(resolve("https://login.example.test/t").as_deref(), Some("https://login.example.test/t"));
        assert_eq!(
            resolve_token_url("https://dc.example.test/api/2/", "idp/token"),
            resolve_token_url(base, "idp/token")
        );
    }

    #[test]
    fn token_answers_give_a_header_and_a_lifetime() {
        let (header, lifetime) =
            parse_token(br#"{"access_token":"abc","token_type":"bearer","expires_in":7200}"#).expect("a token");
        assert_eq!(header, "Bearer abc");
        assert!(header.is_sensitive());
        assert_eq!(lifetime, Some(Duration::from_secs(7200)));
        let (_, lifetime) = parse_token(br#"{"access_token":"abc","expires_in":"60"}"#).expect("a token");
        assert_eq!(lifetime, Some(Duration::from_secs(60)));
        let on = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("now").as_secs() + 3600;
        let (_, lifetime) =
            parse_token(format!(r#"{{"access_token":"abc","expires_on":{on}}}"#).as_bytes()).expect("a token");
        let lifetime = lifetime.expect("a lifetime").as_secs();
        assert!((3590..=3600).contains(&lifetime), "{lifetime}");
        assert_eq!(parse_token(br#"{"access_token":"abc"}"#).expect("a token").1, None);
    }

    #[test]
    fn bad_token_answers_say_why_without_quoting_the_token() {
        let mac = parse_token(br#"{"access_token":"s3cret","token_type":"mac"}"#).expect_err("not bearer");
        assert!(mac.contains("`mac`") && !mac.contains("s3cret"), "{mac}");
        let broken = parse_token(br#"{"access_token":"s3cret","expires_in":}"#).expect_err("not JSON");
        assert!(!broken.contains("s3cret"), "{broken}");
        let missing = parse_token(br#"{"token":"s3cret"}"#).expect_err("no access_token");
        assert!(!missing.contains("s3cret"), "{missing}");
    }

    #[test]
    fn renewal_comes_before_the_end_of_the_lifetime() {
        assert_eq!(renewal_margin(Duration::from_secs(7200)), Duration::from_secs(60));
        assert_eq!(renewal_margin(Duration::from_secs(2)), Duration::from_millis(200));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let url = reqwest::Url::parse("http://127.0.0.1:1/token").expect("url");
        let flow = TokenSource::OAuth2(Arc::new(ClientCredentials::new(url, "id-1".into(), "hush".into())));
        let shown = format!("{flow:?}");
        assert!(!shown.contains("hush") && shown.contains("<redacted>"), "{shown}");
        assert!(!format!("{:?}", TokenSource::bearer("tok3n")).contains("tok3n"));
    }
}
