//! Security schemes as the API document declares them ([`Scheme`]), the credentials a client holds
//! for them ([`Credential`]), and how each request meets its operation's requirement.
//!
//! An operation lists alternatives (OpenAPI's list of security requirement objects); each names
//! the schemes that must all be sent together. The client uses the first alternative it has every
//! credential for; an empty alternative (`{}`) needs none. When it has none, the request fails
//! before anything is sent, with an error naming the schemes it would need.
//!
//! A scheme's credential is the one given for it by name ([`ClientBuilder::credential`], or the
//! generated method named after the scheme). Schemes that carry a bearer token (HTTP `bearer`,
//! OAuth 2.0, OpenID Connect) also take the client's token when they have none of their own: the
//! one from [`ClientBuilder::bearer_token`], a token provider, or OAuth 2.0 client credentials.
//!
//! Secrets are kept out of `Debug`, logs, spans and errors: header values are marked sensitive,
//! an API key sent in the query is cut from every URL an error or response keeps, and the
//! credentials are never sent to another origin (see [`redirect_policy`]).
//!
//! [`ClientBuilder::credential`]: super::ClientBuilder::credential
//! [`ClientBuilder::bearer_token`]: super::ClientBuilder::bearer_token

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, COOKIE};

use super::auth::{sensitive, TokenSource};
use super::error::AuthError;

/// Where an API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    /// A request header of the key's name, marked sensitive.
    Header,
    /// A query parameter, cut from the URLs that errors and responses keep.
    Query,
    /// A cookie, sent in the request's `Cookie` header with any cookie parameters.
    Cookie,
}

/// How a scheme sends its credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemeKind {
    /// `apiKey`: the key as it is, in the named header, query parameter or cookie.
    ApiKey {
        /// Whether the key goes in a header, the query or a cookie (the document's `in`).
        location: KeyLocation,
        /// The name of that header, query parameter or cookie.
        name: &'static str,
    },
    /// HTTP `basic`: `Authorization: Basic base64(user:password)`.
    Basic,
    /// Any other HTTP scheme: `Authorization: <scheme> <credential>` (`Bearer` for `bearer`, else
    /// the scheme as the document spells it).
    Http {
        /// The scheme's name as the document gives it (`bearer`, `digest`): the word sent
        /// before the credential, but for `bearer` in any case, which is sent as `Bearer`.
        scheme: &'static str,
    },
    /// OAuth 2.0: a bearer token.
    OAuth2,
    /// OpenID Connect: a bearer token.
    OpenIdConnect,
    /// Mutual TLS: a client certificate on the connection, nothing in the request.
    MutualTls,
}

/// A security scheme of the API document (`components/securitySchemes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's key in the document.
    pub name: &'static str,
    /// Where and how the credential for it is sent.
    pub kind: SchemeKind,
}

impl SchemeKind {
    /// Whether the client's token serves this scheme when it has no credential of its own.
    fn takes_token(self) -> bool {
        match self {
            SchemeKind::OAuth2 | SchemeKind::OpenIdConnect => true,
            SchemeKind::Http { scheme } => scheme.eq_ignore_ascii_case("bearer"),
            SchemeKind::ApiKey { .. } | SchemeKind::Basic | SchemeKind::MutualTls => false,
        }
    }
}

/// A credential for one scheme, given with [`ClientBuilder::credential`](super::ClientBuilder::credential).
/// Its secret never appears in `Debug` output.
#[derive(Clone)]
pub struct Credential(pub(crate) Secret);

#[derive(Clone)]
pub(crate) enum Secret {
    Token(String),
    ApiKey(String),
    Basic { username: String, password: String },
    Identity { certificate: Vec<u8>, key: Vec<u8> },
}

impl Credential {
    /// A token for an HTTP scheme (`bearer`, or any other: sent after the scheme's name), OAuth 2.0
    /// or OpenID Connect.
    pub fn token(token: impl Into<String>) -> Self {
        Credential(Secret::Token(token.into()))
    }

    /// An API key, sent where its scheme says.
    pub fn api_key(key: impl Into<String>) -> Self {
        Credential(Secret::ApiKey(key.into()))
    }

    /// A user name and password for HTTP Basic.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credential(Secret::Basic { username: username.into(), password: password.into() })
    }

    /// A client certificate and its private key, both PEM, for mutual TLS. It needs one of the
    /// crate's TLS features and an HTTP client made by the builder.
    pub fn client_identity(certificate_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        Credential(Secret::Identity { certificate: certificate_pem.into(), key: key_pem.into() })
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.0 {
            Secret::Token(_) => "Token",
            Secret::ApiKey(_) => "ApiKey",
            Secret::Basic { .. } => "Basic",
            Secret::Identity { .. } => "ClientIdentity",
        };
        write!(f, "Credential::{kind}(<redacted>)")
    }
}

/// What a scheme's credential puts into a request, ready to send.
#[derive(Clone)]
enum Held {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
    Cookie(&'static str, String),
    /// Mutual TLS: on the HTTP client already.
    Connection,
    /// A credential given after the client was built that does not fit its scheme: requests
    /// that need it fail with this reason.
    Refused(String),
}

/// The credentials of a client, by scheme, and the client's token for the schemes that take one.
/// Clones share the token's cache.
#[derive(Clone, Default)]
pub(crate) struct Keyring {
    schemes: &'static [Scheme],
    /// The token of bearer, OAuth 2.0 and OpenID Connect schemes without a credential of their own.
    pub(crate) token: Option<TokenSource>,
    held: Vec<(&'static str, Held)>,
}

/// How one request meets its requirement: the credentials to put into it.
pub(crate) struct Plan<'k> {
    held: Vec<&'k Held>,
    /// The `Authorization` prefix (`Bearer`) when the client's token is sent.
    pub(crate) token: Option<&'k TokenSource>,
}

impl Keyring {
    pub(crate) fn new(schemes: &'static [Scheme]) -> Self {
        Keyring { schemes, token: None, held: Vec::new() }
    }

    /// Holds `credential` for the scheme named `name`. Errors name the scheme, never the secret.
    pub(crate) fn hold(&mut self, name: &str, credential: Credential) -> Result<(), String> {
        let Some(scheme) = self.schemes.iter().find(|s| s.name == name) else {
            let known: Vec<&str> = self.schemes.iter().map(|s| s.name).collect();
            return Err(format!("the API has no security scheme `{name}` (it has: {})", list(&known)));
        };
        let held = match (scheme.kind, credential.0) {
            (SchemeKind::ApiKey { location, name: key_name }, Secret::ApiKey(key) | Secret::Token(key)) => {
                match location {
                    KeyLocation::Header => {
                        let header = HeaderName::from_bytes(key_name.as_bytes())
                            .map_err(|_| format!("`{key_name}` of scheme `{name}` is not a header name"))?;
                        Held::Header(header, sensitive(&key).ok_or_else(|| not_a_header(name))?)
                    }
                    KeyLocation::Query => Held::Query(key_name, key),
                    KeyLocation::Cookie => {
                        if key.bytes().any(|b| b <= b' ' || matches!(b, b';' | b',' | b'"' | b'\\' | 0x7f)) {
                            return Err(format!("the key of scheme `{name}` has characters a cookie cannot hold"));
                        }
                        Held::Cookie(key_name, key)
                    }
                }
            }
            (SchemeKind::Basic, Secret::Basic { username, password }) => {
                let encoded = base64(format!("{username}:{password}").as_bytes());
                Held::Header(AUTHORIZATION, sensitive(&format!("Basic {encoded}")).ok_or_else(|| not_a_header(name))?)
            }
            (
                kind @ (SchemeKind::Http { .. } | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect),
                Secret::Token(token),
            ) => {
                // Bearer for OAuth 2.0, OpenID Connect and `bearer`; any other HTTP scheme as spelled.
                let prefix = match kind {
                    SchemeKind::Http { scheme } if !kind.takes_token() => scheme,
                    _ => "Bearer",
                };
                Held::Header(AUTHORIZATION, sensitive(&format!("{prefix} {token}")).ok_or_else(|| not_a_header(name))?)
            }
            (SchemeKind::MutualTls, Secret::Identity { .. }) => Held::Connection,
            (kind, secret) => {
                let given = match secret {
                    Secret::Token(_) => "a token",
                    Secret::ApiKey(_) => "an API key",
                    Secret::Basic { .. } => "a user name and password",
                    Secret::Identity { .. } => "a client certificate",
                };
                return Err(format!("scheme `{name}` takes {}, not {given}", wants(kind)));
            }
        };
        self.held.retain(|(scheme, _)| *scheme != name);
        self.held.push((scheme.name, held));
        Ok(())
    }

    /// [`Keyring::hold`], or when the credential does not fit, a note that makes every request
    /// needing it fail with the reason (for credentials given to a built client).
    pub(crate) fn hold_or_refuse(&mut self, name: &str, credential: Credential) {
        if let Err(why) = self.hold(name, credential) {
            let name = self.schemes.iter().find(|s| s.name == name).map_or("", |s| s.name);
            self.held.retain(|(scheme, _)| *scheme != name);
            self.held.push((name, Held::Refused(why)));
        }
    }

    fn has(&self, name: &str) -> bool {
        let own = self.held.iter().any(|(scheme, _)| *scheme == name);
        own || (self.token.is_some() && self.schemes.iter().any(|s| s.name == name && s.kind.takes_token()))
    }

    /// The credentials for a request whose operation accepts `alternatives`: the first the client
    /// can meet in full. `None` when the operation needs none; an error naming what it needs when
    /// the client has none of them.
    pub(crate) fn plan(
        &self,
        operation: &str,
        alternatives: &[&[&'static str]],
    ) -> Result<Option<Plan<'_>>, AuthError> {
        if alternatives.is_empty() {
            return Ok(None);
        }
        let Some(chosen) = alternatives.iter().find(|names| names.iter().all(|name| self.has(name))) else {
            let needs: Vec<String> = alternatives.iter().map(|names| list(names)).collect();
            return Err(AuthError::new(format!(
                "operation `{operation}` needs credentials for {}; the client has none of {}",
                needs.join(", or "),
                if alternatives.len() > 1 { "these" } else { "them" }
            )));
        };
        if chosen.is_empty() {
            return Ok(None);
        }
        let mut plan = Plan { held: Vec::new(), token: None };
        for name in *chosen {
            match self.held.iter().find(|(scheme, _)| scheme == name) {
                Some((_, Held::Refused(why))) => return Err(AuthError::new(why.clone())),
                Some((_, held)) => plan.held.push(held),
                None => plan.token = self.token.as_ref(),
            }
        }
        Ok(Some(plan))
    }
}

impl Plan<'_> {
    /// Puts the held credentials into `request` (the token is the transport's to add, as it may
    /// need fetching).
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        for held in &self.held {
            match held {
                Held::Header(name, value) => {
                    request.headers_mut().insert(name.clone(), value.clone());
                }
                Held::Query(name, value) => {
                    request.url_mut().query_pairs_mut().append_pair(name, value);
                }
                Held::Cookie(name, value) => {
                    let pair = format!("{name}={value}");
                    let cookie = match request.headers().get(COOKIE).and_then(|v| v.to_str().ok()) {
                        Some(existing) if !existing.is_empty() => format!("{existing}; {pair}"),
                        _ => pair,
                    };
                    // Checked to be header-safe when held; the rest came from a header already.
                    if let Some(value) = sensitive(&cookie) {
                        request.headers_mut().insert(COOKIE, value);
                    }
                }
                Held::Connection | Held::Refused(_) => {}
            }
        }
    }

    /// The query parameters that carry a secret, to cut from URLs kept in errors and responses.
    pub(crate) fn secret_query(&self) -> Vec<&'static str> {
        self.held
            .iter()
            .filter_map(|held| match held {
                Held::Query(name, _) => Some(*name),
                _ => None,
            })
            .collect()
    }
}

/// `url` without the query parameters named in `secret`.
pub(crate) fn without_secrets(url: &reqwest::Url, secret: &[&str]) -> reqwest::Url {
    if secret.is_empty() || url.query().is_none() {
        return url.clone();
    }
    let mut cleaned = url.clone();
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| !secret.contains(&k.as_ref())).map(|(k, v)| (k.into(), v.into())).collect();
    if kept.is_empty() {
        cleaned.set_query(None);
    } else {
        cleaned.query_pairs_mut().clear().extend_pairs(kept);
    }
    cleaned
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.held.iter().map(|(scheme, _)| *scheme).collect();
        f.debug_struct("Credentials").field("token", &self.token).field("schemes", &schemes).finish()
    }
}

/// What a scheme of `kind` takes, for errors.
fn wants(kind: SchemeKind) -> &'static str {
    match kind {
        SchemeKind::ApiKey { .. } => "an API key",
        SchemeKind::Basic => "a user name and password",
        SchemeKind::Http { .. } | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect => "a token",
        SchemeKind::MutualTls => "a client certificate",
    }
}

fn not_a_header(scheme: &str) -> String {
    format!("the credential of scheme `{scheme}` has characters not allowed in an HTTP header")
}

/// `a`, `` `a` and `b` ``.
fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => "nothing".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Standard base64 with padding (RFC 4648 §4), for Basic credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The redirect policy of clients the builder makes: none. The transport follows redirects
/// itself, with the client's credentials while they stay on the origin the request was sent to
/// and without them after a hop to another origin, and gives operations that document a `3xx`
/// answer that answer. Use it on an HTTP client of your own
/// ([`ClientBuilder::http_client`](super::ClientBuilder::http_client)), whose default follows
/// redirects to other hosts with API-key headers still set.
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::none()
}

/// Redirects the transport follows for one request, within and across origins.
pub(crate) const MAX_REDIRECTS: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMES: &[Scheme] = &[
        Scheme { name: "key", kind: SchemeKind::ApiKey { location: KeyLocation::Header, name: "X-Api-Key" } },
        Scheme { name: "query", kind: SchemeKind::ApiKey { location: KeyLocation::Query, name: "api_key" } },
        Scheme { name: "basic", kind: SchemeKind::Basic },
        Scheme { name: "bearer", kind: SchemeKind::Http { scheme: "bearer" } },
        Scheme { name: "oauth", kind: SchemeKind::OAuth2 },
    ];

    #[test]
    fn base64_as_rfc_4648_says() {
        for (plain, encoded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")]
        {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn the_first_alternative_met_in_full_is_used() {
        let mut keys = Keyring::new(SCHEMES);
        keys.hold("basic", Credential::basic("u", "p")).expect("basic");
        let plan = keys.plan("op", &[&["key", "basic"], &["basic"]]).expect("met").expect("some");
        assert_eq!(plan.held.len(), 1);
        assert!(keys.plan("op", &[&["key"], &[]]).expect("met by none").is_none());
        let missing = keys.plan("op", &[&["key"], &["query", "bearer"]]).err().expect("unmet");
        assert_eq!(
            missing.message(),
            "operation `op` needs credentials for `key`, or `query` and `bearer`; the client has none of these"
        );
    }

    #[test]
    fn token_schemes_take_the_clients_token() {
        let mut keys = Keyring::new(SCHEMES);
        assert!(keys.plan("op", &[&["oauth"]]).is_err());
        keys.token = Some(TokenSource::bearer("t"));
        let plan = keys.plan("op", &[&["oauth"]]).expect("met").expect("some");
        assert!(plan.token.is_some() && plan.held.is_empty());
        assert!(keys.plan("op", &[&["basic"]]).is_err(), "Basic takes no token");
    }

    #[test]
    fn credentials_go_where_their_scheme_says() {
        let mut keys = Keyring::new(SCHEMES);
        keys.hold("key", Credential::api_key("k1")).expect("key");
        keys.hold("query", Credential::api_key("k 2&")).expect("query");
        let mut request = reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/x?a=1".parse().expect("url"));
        let plan = keys.plan("op", &[&["key", "query"]]).expect("met").expect("some");
        plan.apply(&mut request);
        assert_eq!(request.headers()["x-api-key"], "k1");
        assert!(request.headers()["x-api-key"].is_sensitive());
        assert_eq!(request.url().query(), Some("a=1&api_key=k+2%26"));
        let kept = without_secrets(request.url(), &plan.secret_query());
        assert_eq!(kept.as_str(), "http://127.0.0.1/x?a=1");
    }

    #[test]
    fn wrong_credentials_are_refused_by_name_without_the_secret() {
        let mut keys = Keyring::new(SCHEMES);
        let wrong = keys.hold("basic", Credential::token("s3cret")).expect_err("basic takes a password");
        assert!(wrong.contains("`basic`") && !wrong.contains("s3cret"), "{wrong}");
        let unknown = keys.hold("nope", Credential::token("s3cret")).expect_err("no such scheme");
        assert!(unknown.contains("`nope`") && unknown.contains("`key`"), "{unknown}");
        assert!(!format!("{:?}", Credential::basic("user", "s3cret")).contains("s3cret"));
    }
}
