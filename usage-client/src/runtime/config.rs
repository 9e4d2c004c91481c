//! Configuring a client: [`ClientBuilder`], its defaults and [`ConfigError`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::auth::{resolve_token_url, ClientAuth, ClientCredentials, TokenProvider, TokenSource};
use super::body::DEFAULT_MAX_BODY_SIZE;
use super::error::error_chain;
use super::options::Hook;
use super::pacing::{Pacer, Pacing};
use super::response::RawResponse;
use super::retry::{RetryEvent, RetryObserver, RetryPolicy};
use super::security::{redirect_policy, Credential, Keyring, Scheme, Secret};
use super::transport::{ResponseObserver, Transport};

/// The `User-Agent` of requests, unless [`ClientBuilder::user_agent`] says otherwise: this
/// crate's name and version (`usage-client/0.1.0`).
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

// The timeouts, each in one place. There is no total per attempt unless one is set: a download
// or stream may take as long as it keeps arriving.

/// How long a client waits for a connection, unless told otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client waits for the next bytes, unless told otherwise: the response headers after
/// sending, and each chunk of a body after the one before.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// An HTTP client with the crate's defaults: [`USER_AGENT`], [`DEFAULT_CONNECT_TIMEOUT`],
/// [`DEFAULT_READ_TIMEOUT`] and [`redirect_policy`](super::redirect_policy).
pub fn default_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .read_timeout(DEFAULT_READ_TIMEOUT)
        .redirect(redirect_policy())
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
    /// `from_env` found one half of a pair (a client id without its secret, a user name without
    /// its password) but not the variable named here.
    MissingVariable(&'static str),
    /// `from_env` found no credentials at all in the variables named here.
    MissingCredentials(Vec<String>),
    /// A credential does not fit its scheme (an unknown scheme, a token for an API key, a value
    /// that cannot be sent); the message names the scheme, never the secret.
    Credential(String),
    /// The client certificate for mutual TLS cannot be used: it does not parse, the crate was
    /// built without TLS, or the builder was given an HTTP client of its own (whose connections
    /// it cannot change).
    ClientIdentity(String),
    /// Client credentials were given, but no token URL: the API document names none, and
    /// [`ClientBuilder::token_url`] was not called.
    MissingTokenUrl,
    /// The token URL does not resolve to an absolute URL against the base URL.
    InvalidTokenUrl(String),
    /// The HTTP client could not be built (for example, the TLS backend failed to start).
    Http(reqwest::Error),
    /// A setting that only the HTTP client the builder makes can carry (the connect or read
    /// timeout), given with an HTTP client of your own: set it on that client instead.
    HttpClientSetting(&'static str),
    /// A default header that cannot be an HTTP header.
    InvalidHeader(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingBaseUrl => write!(f, "no base URL: set one with `base_url`"),
            ConfigError::InvalidBaseUrl(url) => write!(f, "`{url}` is not an absolute http(s) URL"),
            ConfigError::InvalidUserAgent(agent) => write!(f, "{agent:?} cannot be a User-Agent header"),
            ConfigError::MissingVariable(variable) => write!(f, "the environment variable {variable} is not set"),
            ConfigError::MissingCredentials(variables) => {
                write!(f, "no credentials in the environment: set {}", variables.join(", or "))
            }
            ConfigError::Credential(why) => f.write_str(why),
            ConfigError::ClientIdentity(why) => write!(f, "the client certificate cannot be used: {why}"),
            ConfigError::MissingTokenUrl => {
                write!(f, "client credentials need a token URL: the API names none; set one with `token_url`")
            }
            ConfigError::InvalidTokenUrl(url) => write!(f, "the token URL `{url}` does not resolve to a URL"),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {}", error_chain(e)),
            ConfigError::HttpClientSetting(setting) => write!(
                f,
                "`{setting}` cannot be applied to an HTTP client given with `http_client`; set it on that client"
            ),
            ConfigError::InvalidHeader(name) => write!(f, "the default header `{name}` cannot be an HTTP header"),
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

/// Configures a generated `Client`: base URL, credentials (per security scheme, a token, a token
/// provider, or OAuth 2.0 client credentials), timeouts, retries, rate-limit pacing, the largest
/// body read, user agent, or an HTTP client of your own. Start one with the generated
/// `Client::builder()`, which also has one method per security scheme of the API.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C> {
    make: fn(Transport) -> C,
    base_url: Option<String>,
    schemes: &'static [Scheme],
    credentials: Vec<(String, Credential)>,
    auth: Option<Auth>,
    token_url: Option<String>,
    scopes: Vec<String>,
    client_auth: ClientAuth,
    on_response: Option<ResponseObserver>,
    hooks: Vec<Arc<dyn Hook>>,
    default_headers: Vec<(String, String)>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    on_retry: Option<RetryObserver>,
    pacing: Pacing,
    max_body_size: u64,
}

impl<C> ClientBuilder<C> {
    /// For generated code: the API's security schemes, and `make` wraps the transport in the API's
    /// `Client`.
    #[doc(hidden)]
    pub fn new(default_base_url: Option<&str>, schemes: &'static [Scheme], make: fn(Transport) -> C) -> Self {
        ClientBuilder {
            make,
            base_url: default_base_url.map(str::to_owned),
            schemes,
            credentials: Vec::new(),
            auth: None,
            token_url: None,
            scopes: Vec::new(),
            client_auth: ClientAuth::default(),
            on_response: None,
            hooks: Vec::new(),
            default_headers: Vec::new(),
            connect_timeout: None,
            read_timeout: None,
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

    /// The credential for the security scheme the API document names `scheme`; the generated
    /// builder has a method of the scheme's name for each. Replaces one given for that scheme
    /// before; a credential that does not fit its scheme fails `build`.
    pub fn credential(mut self, scheme: impl Into<String>, credential: Credential) -> Self {
        let scheme = scheme.into();
        self.credentials.retain(|(name, _)| *name != scheme);
        self.credentials.push((scheme, credential));
        self
    }

    /// The token of the schemes that take a bearer token (HTTP `bearer`, OAuth 2.0, OpenID
    /// Connect) and were given no credential of their own: sent as `Authorization: Bearer
    /// <token>`. Replaces a token, token provider or client credentials set before.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(token.into()));
        self
    }

    /// Asks `provider` for the token of every request that sends the client's token (see
    /// [`ClientBuilder::bearer_token`]), and again after a `401`. Replaces a token, token provider
    /// or client credentials set before.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.auth = Some(Auth::Provider(Arc::new(provider)));
        self
    }

    /// OAuth 2.0 client credentials: the client exchanges them at the token URL (the one the API
    /// document names, or [`ClientBuilder::token_url`]) for a token on first use, keeps it, renews
    /// it shortly before it expires and after a `401`; clones share the token. The token serves as
    /// [`ClientBuilder::bearer_token`] does, which it replaces. Neither the secret nor the token
    /// appears in `Debug` output, logs or errors.
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

    /// The scopes asked for with [`ClientBuilder::client_credentials`], sent space-separated as
    /// `scope` (none by default; the generated `builder()` sets those the document's requirements
    /// name).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How [`ClientBuilder::client_credentials`] authenticates to the token endpoint (default
    /// HTTP Basic).
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// How long to wait for a connection (default [`DEFAULT_CONNECT_TIMEOUT`]). Only for the HTTP
    /// client the builder makes: with [`ClientBuilder::http_client`], `build` refuses it.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long to wait for the next bytes (default [`DEFAULT_READ_TIMEOUT`]): the response
    /// headers after sending, and each chunk of a body after the one before, so a large download
    /// that keeps arriving is never cut. Only for the HTTP client the builder makes: with
    /// [`ClientBuilder::http_client`], `build` refuses it.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take in all, from sending to the end of the body (default: no
    /// limit but [`ClientBuilder::read_timeout`]'s). A request can set its own
    /// ([`RequestOptions::timeout`](super::RequestOptions::timeout)), and a deadline for all its
    /// attempts ([`RequestOptions::deadline`](super::RequestOptions::deadline)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A header sent with every request that sets none of that name (a request's own
    /// [`RequestOptions::header`](super::RequestOptions::header) wins). Works with an HTTP client of
    /// your own too.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Code that sees every request before it is sent (to add headers or sign it) and every
    /// response when it arrives; any number, called in the order registered.
    pub fn hook(mut self, hook: impl Hook + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
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
    /// `User-Agent` and timeouts stay unless `user_agent` or `timeout` are set here too;
    /// `connect_timeout` and `read_timeout` cannot be added to it, and `build` refuses them. Give
    /// it [`redirect_policy`](super::redirect_policy) so credentials never follow a redirect to
    /// another host.
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

    /// Called with every final response read whole (status, headers, body; after retries, before
    /// decoding), for recording or checking what the server sent. Bodies handed out as a stream
    /// are not read, so not shown. Its URL has any API key sent in the query cut out.
    pub fn on_response(mut self, observer: impl Fn(&RawResponse) + Send + Sync + 'static) -> Self {
        self.on_response = Some(Arc::new(observer));
        self
    }

    /// For generated code: every credential the API's schemes take, from the variables named, and
    /// the base URL from `base_url_variable` when that is set and not empty. Variables not set are
    /// skipped; when `sources` is not empty and none is set, fails naming them all.
    #[doc(hidden)]
    pub fn from_env(mut self, sources: &[EnvCredential], base_url_variable: &'static str) -> Result<Self, ConfigError> {
        let mut found = false;
        for source in sources {
            match *source {
                EnvCredential::Token(variable) => {
                    if let Some(token) = env(variable) {
                        // Client credentials, when set too, win.
                        if self.auth.is_none() {
                            self.auth = Some(Auth::Bearer(token));
                        }
                        found = true;
                    }
                }
                EnvCredential::ClientCredentials { id, secret } => {
                    if let Some((id, secret)) = pair(id, secret)? {
                        self.auth = Some(Auth::ClientCredentials { id, secret });
                        found = true;
                    }
                }
                EnvCredential::ApiKey { scheme, variable } => {
                    if let Some(key) = env(variable) {
                        self = self.credential(scheme, Credential::api_key(key));
                        found = true;
                    }
                }
                EnvCredential::HttpToken { scheme, variable } => {
                    if let Some(token) = env(variable) {
                        self = self.credential(scheme, Credential::token(token));
                        found = true;
                    }
                }
                EnvCredential::Basic { scheme, username, password } => {
                    if let Some((username, password)) = pair(username, password)? {
                        self = self.credential(scheme, Credential::basic(username, password));
                        found = true;
                    }
                }
                EnvCredential::ClientIdentity { scheme, certificate, key } => {
                    if let Some((certificate, key)) = pair(certificate, key)? {
                        let read = |path: &str| {
                            std::fs::read(path)
                                .map_err(|e| ConfigError::ClientIdentity(format!("cannot read {path}: {e}")))
                        };
                        self = self.credential(scheme, Credential::client_identity(read(&certificate)?, read(&key)?));
                        found = true;
                    }
                }
            }
        }
        if !sources.is_empty() && !found {
            return Err(ConfigError::MissingCredentials(sources.iter().map(EnvCredential::describe).collect()));
        }
        Ok(self.base_url_from_env(base_url_variable))
    }

    fn base_url_from_env(mut self, variable: &'static str) -> Self {
        if let Some(url) = env(variable) {
            self.base_url = Some(url);
        }
        self
    }

    /// The client, with every setting checked now: a bad base URL, user agent, header or
    /// credential is a [`ConfigError`] here rather than a failed request later. Nothing is sent
    /// yet; an OAuth 2.0 token is fetched by the first request that needs one.
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
        let mut keys = Keyring::new(self.schemes);
        let mut identity = None;
        for (scheme, credential) in self.credentials {
            if let Secret::Identity { certificate, key } = &credential.0 {
                identity = Some(client_identity(certificate, key)?);
            }
            keys.hold(&scheme, credential).map_err(ConfigError::Credential)?;
        }
        let (http, per_request_agent) = match self.http {
            Some(_) if identity.is_some() => {
                return Err(ConfigError::ClientIdentity(
                    "a client certificate cannot be added to an HTTP client given with `http_client`; add it there"
                        .into(),
                ))
            }
            Some(_) if self.connect_timeout.is_some() => return Err(ConfigError::HttpClientSetting("connect_timeout")),
            Some(_) if self.read_timeout.is_some() => return Err(ConfigError::HttpClientSetting("read_timeout")),
            Some(http) => (http, user_agent),
            None => {
                let mut http = reqwest::Client::builder()
                    .user_agent(user_agent.unwrap_or_else(|| HeaderValue::from_static(USER_AGENT)))
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .read_timeout(self.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT))
                    .redirect(redirect_policy());
                if let Some(identity) = identity {
                    http = with_identity(http, identity);
                }
                (http.build().map_err(ConfigError::Http)?, None)
            }
        };
        let mut default_headers = HeaderMap::new();
        for (name, value) in self.default_headers {
            match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
                (Ok(header), Ok(value)) => {
                    default_headers.insert(header, value);
                }
                _ => return Err(ConfigError::InvalidHeader(name)),
            }
        }
        let mut transport = Transport::new(base_url, http);
        transport.retry = self.retry;
        transport.timeout = self.timeout;
        transport.hooks = self.hooks.into();
        transport.default_headers = default_headers;
        transport.user_agent = per_request_agent;
        transport.on_retry = self.on_retry;
        transport.pacer = Arc::new(Pacer::new(self.pacing));
        transport.max_body_size = self.max_body_size;
        transport.on_response = self.on_response;
        keys.token = match self.auth {
            Some(Auth::Bearer(token)) => Some(TokenSource::bearer(&token)),
            Some(Auth::Provider(provider)) => Some(TokenSource::Provider(provider)),
            Some(Auth::ClientCredentials { id, secret }) => {
                let token_url = self.token_url.ok_or(ConfigError::MissingTokenUrl)?;
                let url = resolve_token_url(transport.base_url(), &token_url)
                    .filter(|url| matches!(url.scheme(), "http" | "https"))
                    .ok_or(ConfigError::InvalidTokenUrl(token_url))?;
                let flow = ClientCredentials::new(url, id, secret).with(self.scopes, self.client_auth);
                Some(TokenSource::OAuth2(Arc::new(flow)))
            }
            None => None,
        };
        transport.set_keys(keys);
        Ok((self.make)(transport))
    }
}

/// The credentials a builder was given.
enum Auth {
    Bearer(String),
    Provider(Arc<dyn TokenProvider>),
    ClientCredentials { id: String, secret: String },
}

/// Where `from_env` finds one credential; generated code lists the API's.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum EnvCredential {
    /// The client's token ([`ClientBuilder::bearer_token`]).
    Token(&'static str),
    /// OAuth 2.0 client credentials, both required.
    ClientCredentials {
        id: &'static str,
        secret: &'static str,
    },
    ApiKey {
        scheme: &'static str,
        variable: &'static str,
    },
    /// The token of an HTTP scheme other than `bearer`.
    HttpToken {
        scheme: &'static str,
        variable: &'static str,
    },
    Basic {
        scheme: &'static str,
        username: &'static str,
        password: &'static str,
    },
    /// The paths of a PEM certificate and key.
    ClientIdentity {
        scheme: &'static str,
        certificate: &'static str,
        key: &'static str,
    },
}

impl EnvCredential {
    /// The variables, for an error that lists them: `A`, or `A and B` for a pair.
    fn describe(&self) -> String {
        match *self {
            EnvCredential::Token(variable)
            | EnvCredential::ApiKey { variable, .. }
            | EnvCredential::HttpToken { variable, .. } => variable.to_owned(),
            EnvCredential::ClientCredentials { id: a, secret: b }
            | EnvCredential::Basic { username: a, password: b, .. }
            | EnvCredential::ClientIdentity { certificate: a, key: b, .. } => format!("{a} and {b}"),
        }
    }
}

/// Both variables of a pair, none, or an error naming the one missing.
fn pair(a: &'static str, b: &'static str) -> Result<Option<(String, String)>, ConfigError> {
    match (env(a), env(b)) {
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (Some(_), None) => Err(ConfigError::MissingVariable(b)),
        (None, Some(_)) => Err(ConfigError::MissingVariable(a)),
        (None, None) => Ok(None),
    }
}

/// A reqwest identity from a PEM certificate and key, with the crate's TLS backend.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn client_identity(certificate: &[u8], key: &[u8]) -> Result<reqwest::Identity, ConfigError> {
    #[cfg(feature = "rustls")]
    let identity = reqwest::Identity::from_pem(&[certificate, b"\n", key].concat());
    #[cfg(not(feature = "rustls"))]
    let identity = reqwest::Identity::from_pkcs8_pem(certificate, key);
    identity.map_err(|e| ConfigError::ClientIdentity(error_chain(&e)))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn client_identity(_certificate: &[u8], _key: &[u8]) -> Result<std::convert::Infallible, ConfigError> {
    Err(ConfigError::ClientIdentity("the crate was built without a TLS feature (`rustls` or `native-tls`)".into()))
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn with_identity(http: reqwest::ClientBuilder, identity: reqwest::Identity) -> reqwest::ClientBuilder {
    http.identity(identity)
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn with_identity(_http: reqwest::ClientBuilder, identity: std::convert::Infallible) -> reqwest::ClientBuilder {
    match identity {}
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
        assert!(matches!(ClientBuilder::new(None, &[], make).build(), Err(ConfigError::MissingBaseUrl)));
        assert!(matches!(ClientBuilder::new(Some("ftp://x"), &[], make).build(), Err(ConfigError::InvalidBaseUrl(_))));
        assert!(matches!(
            ClientBuilder::new(Some("not a url"), &[], make).build(),
            Err(ConfigError::InvalidBaseUrl(_))
        ));
        let transport = ClientBuilder::new(Some("https://api.example.test/v7/"), &[], make).build().expect("valid");
        assert_eq!(transport.base_url(), "https://api.example.test/v7");
    }
}
