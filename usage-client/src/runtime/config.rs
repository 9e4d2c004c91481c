//! Configuring a client: [`ClientBuilder`], its defaults and [`ConfigError`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::auth::{resolve_token_url, ClientCredentials, Credentials, TokenProvider};
use super::body::DEFAULT_MAX_BODY_SIZE;
use super::error::error_chain;
use super::pacing::{Pacer, Pacing};
use super::retry::{RetryEvent, RetryObserver, RetryPolicy};
use super::transport::Transport;

/// The `User-Agent` of requests, unless [`ClientBuilder::user_agent`] says otherwise: this
/// crate's name and version (`usage-client/0.1.0`).
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// How long a client waits for a connection, unless told otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt may take, from sending to the end of the body, unless told otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// An HTTP client with the crate's defaults: [`USER_AGENT`], [`DEFAULT_CONNECT_TIMEOUT`] and
/// [`DEFAULT_REQUEST_TIMEOUT`].
pub fn default_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .timeout(DEFAULT_REQUEST_TIMEOUT)
        .build()
        // Building fails only when the TLS backend cannot initialise; the plain client then
        // reports the same problem on the first request instead of here.
        .unwrap_or_default()
}

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
    /// `from_env` found neither client credentials nor a token in the named variables.
    MissingCredentials { client_id: &'static str, client_secret: &'static str, token: &'static str },
    /// Client credentials were given, but no token URL: the API document names none, and
    /// [`ClientBuilder::token_url`] was not called.
    MissingTokenUrl,
    /// The token URL does not resolve to an absolute URL against the base URL.
    InvalidTokenUrl(String),
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
            ConfigError::MissingCredentials { client_id, client_secret, token } => {
                write!(f, "no credentials: set {client_id} and {client_secret}, or {token}")
            }
            ConfigError::MissingTokenUrl => {
                write!(f, "client credentials need a token URL: the API names none; set one with `token_url`")
            }
            ConfigError::InvalidTokenUrl(url) => write!(f, "the token URL `{url}` does not resolve to a URL"),
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

/// Configures a generated `Client`: base URL, credentials (a token, a token provider, or OAuth 2.0
/// client credentials), timeouts, retries, rate-limit pacing, the largest body read, user agent,
/// or an HTTP client of your own. Start one with the generated `Client::builder()`.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C> {
    make: fn(Transport) -> C,
    base_url: Option<String>,
    auth: Option<Auth>,
    token_url: Option<String>,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    on_retry: Option<RetryObserver>,
    pacing: Pacing,
    max_body_size: u64,
}

impl<C> ClientBuilder<C> {
    /// For generated code: `make` wraps the transport in the API's `Client`.
    #[doc(hidden)]
    pub fn new(default_base_url: Option<&str>, make: fn(Transport) -> C) -> Self {
        ClientBuilder {
            make,
            base_url: default_base_url.map(str::to_owned),
            auth: None,
            token_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: None,
            retry: RetryPolicy::default(),
            user_agent: None,
            http: None,
            on_retry: None,
            pacing: Pacing::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// The server URL, e.g. `https://api.example.com/v1` (a trailing `/` is ignored).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends `Authorization: Bearer <token>` with operations that require authentication.
    /// Replaces credentials set before.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(token.into()));
        self
    }

    /// Asks `provider` for the token of every authenticated request, and again after a `401`.
    /// Replaces credentials set before.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.auth = Some(Auth::Provider(Arc::new(provider)));
        self
    }

    /// OAuth 2.0 client credentials: the client exchanges them at the token URL (the one the API
    /// document names, or [`ClientBuilder::token_url`]) for a token on first use, keeps it, renews
    /// it shortly before it expires and after a `401`; clones share the token. Replaces
    /// credentials set before. Neither the secret nor the token appears in `Debug` output, logs or
    /// errors.
    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.auth = Some(Auth::ClientCredentials { id: client_id.into(), secret: client_secret.into() });
        self
    }

    /// The OAuth 2.0 token endpoint for [`ClientBuilder::client_credentials`]. A relative URL is
    /// resolved against the base URL as a directory: `idp/token` with `https://host/api/2` is
    /// `https://host/api/2/idp/token`; `/token` is `https://host/token`.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// How long to wait for a connection (default [`DEFAULT_CONNECT_TIMEOUT`]). Applies to the HTTP
    /// client the builder makes; one passed to [`ClientBuilder::http_client`] keeps its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the end of the body (default
    /// [`DEFAULT_REQUEST_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How to retry (default: [`RetryPolicy::default`]; [`RetryPolicy::disabled`] for none).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How the client paces itself by the rate-limit headers the API documents (default: on). When
    /// a response says a bucket has no requests left, further requests of that bucket wait until it
    /// resets (never past the retry budget), so tasks sharing the client, and its clones, share
    /// the budget instead of running into `429`s. [`Pacing::disabled`] turns it off.
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// The largest response body read whole, in bytes (default 256 MiB,
    /// [`DEFAULT_MAX_BODY_SIZE`]): a larger one, announced or received, ends the request with
    /// [`Error::BodyTooLarge`](super::Error::BodyTooLarge) instead of filling memory. Binary
    /// bodies handed out as a stream are not limited.
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
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
        let token = env(token_variable).ok_or(ConfigError::MissingToken(token_variable))?;
        self.auth = Some(Auth::Bearer(token));
        Ok(self.base_url_from_env(base_url_variable))
    }

    /// For APIs with a client-credentials flow: the client id and secret from their variables,
    /// else the token from `token_variable`; the base URL as in [`ClientBuilder::from_env`].
    #[doc(hidden)]
    pub fn from_env_with_client_credentials(
        mut self,
        [client_id, client_secret, token]: [&'static str; 3],
        base_url_variable: &'static str,
    ) -> Result<Self, ConfigError> {
        self.auth = Some(match (env(client_id), env(client_secret), env(token)) {
            (Some(id), Some(secret), _) => Auth::ClientCredentials { id, secret },
            (Some(_), None, None) => return Err(ConfigError::MissingToken(client_secret)),
            (None, Some(_), None) => return Err(ConfigError::MissingToken(client_id)),
            (_, _, Some(token)) => Auth::Bearer(token),
            (None, None, None) => return Err(ConfigError::MissingCredentials { client_id, client_secret, token }),
        });
        Ok(self.base_url_from_env(base_url_variable))
    }

    fn base_url_from_env(mut self, variable: &'static str) -> Self {
        if let Some(url) = env(variable) {
            self.base_url = Some(url);
        }
        self
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
                    .timeout(self.timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT))
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
        transport.pacer = Arc::new(Pacer::new(self.pacing));
        transport.max_body_size = self.max_body_size;
        match self.auth {
            Some(Auth::Bearer(token)) => transport.set_bearer_token(token),
            Some(Auth::Provider(provider)) => transport.set_credentials(Credentials::Provider(provider)),
            Some(Auth::ClientCredentials { id, secret }) => {
                let token_url = self.token_url.ok_or(ConfigError::MissingTokenUrl)?;
                let url = resolve_token_url(transport.base_url(), &token_url)
                    .filter(|url| matches!(url.scheme(), "http" | "https"))
                    .ok_or(ConfigError::InvalidTokenUrl(token_url))?;
                let flow = ClientCredentials::new(url, id, secret);
                transport.set_credentials(Credentials::OAuth2(Arc::new(flow)));
            }
            None => {}
        }
        Ok((self.make)(transport))
    }
}

/// The credentials a builder was given.
enum Auth {
    Bearer(String),
    Provider(Arc<dyn TokenProvider>),
    ClientCredentials { id: String, secret: String },
}

/// A variable's value, when it is set and not blank.
fn env(variable: &str) -> Option<String> {
    std::env::var(variable).ok().filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

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
