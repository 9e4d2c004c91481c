//! The security schemes in generated code: the table the runtime applies them by
//! (`SECURITY_SCHEMES` in `client.rs`), one `Client::with_{scheme}` method per scheme the
//! operations use, the variables `Client::from_env` reads, and the stand-in credentials of mock
//! clients.

use proc_macro2::TokenStream;
use quote::quote;

use super::cx::{ident, Cx};
use super::docs::{code, doc, spec_line};
use crate::model::*;
use crate::names::snake;

/// A scheme the operations use, with its `Client` method's name (none for mutual TLS).
struct Used<'a> {
    scheme: &'a SecurityScheme,
    method: Option<&'a str>,
}

fn used<'a>(cx: &'a Cx) -> impl Iterator<Item = Used<'a>> {
    cx.api.used_security_schemes().map(|scheme| {
        let method = cx.names.security_schemes.iter().find(|(name, _)| *name == scheme.name);
        Used { scheme, method: method.map(|(_, m)| m.as_str()) }
    })
}

/// Whether a scheme takes the client's bearer token when it has no credential of its own.
fn takes_token(kind: &SecurityKind) -> bool {
    match kind {
        SecurityKind::Http { scheme } => scheme.eq_ignore_ascii_case("bearer"),
        SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect { .. } => true,
        SecurityKind::ApiKey { .. } | SecurityKind::MutualTls => false,
    }
}

/// `const SECURITY_SCHEMES`: every scheme of the document, as the runtime applies it.
pub(super) fn table(cx: &Cx) -> TokenStream {
    let runtime = &cx.runtime;
    let schemes = cx.api.security_schemes.iter().map(|scheme| {
        let name = &scheme.name;
        let kind = match &scheme.kind {
            SecurityKind::ApiKey { name, location } => {
                let location = match location {
                    ParamLocation::Query => quote!(Query),
                    ParamLocation::Cookie => quote!(Cookie),
                    ParamLocation::Header | ParamLocation::Path => quote!(Header),
                };
                quote!(ApiKey { location: #runtime::KeyLocation::#location, name: #name })
            }
            SecurityKind::Http { scheme } if scheme.eq_ignore_ascii_case("basic") => quote!(Basic),
            SecurityKind::Http { scheme } => quote!(Http { scheme: #scheme }),
            SecurityKind::OAuth2 { .. } => quote!(OAuth2),
            SecurityKind::OpenIdConnect { .. } => quote!(OpenIdConnect),
            SecurityKind::MutualTls => quote!(MutualTls),
        };
        quote!(#runtime::Scheme { name: #name, kind: #runtime::SchemeKind::#kind })
    });
    quote! {
        /// The document's security schemes, as the client sends their credentials.
        const SECURITY_SCHEMES: &[#runtime::Scheme] = &[#(#schemes),*];
    }
}

/// `Client::with_{scheme}`: one method per scheme the operations use but mutual TLS (whose
/// certificate the HTTP client needs before it is built).
pub(super) fn client_methods(cx: &Cx) -> Vec<TokenStream> {
    let runtime = &cx.runtime;
    used(cx)
        .filter_map(|Used { scheme, method }| {
            let name = &scheme.name;
            let method = ident(method?);
            let mut text = match &scheme.kind {
                SecurityKind::ApiKey { name: key, location } => format!(
                    "Sends `key` as the API key of scheme {}, in the {} {}.",
                    code(name),
                    location.as_str(),
                    code(key)
                ),
                SecurityKind::Http { scheme: http } if http.eq_ignore_ascii_case("basic") => {
                    format!("Sends `username` and `password` for scheme {} (HTTP Basic).", code(name))
                }
                SecurityKind::Http { scheme: http } => format!(
                    "Sends `token` for scheme {}, as `Authorization: {} <token>`.",
                    code(name),
                    if http.eq_ignore_ascii_case("bearer") { "Bearer" } else { http.as_str() }
                ),
                SecurityKind::OAuth2 { .. } => format!(
                    "Sends `token`, an OAuth 2.0 access token, for scheme {}, as `Authorization: Bearer <token>`.",
                    code(name)
                ),
                SecurityKind::OpenIdConnect { .. } => format!(
                    "Sends `token`, an OpenID Connect token, for scheme {}, as `Authorization: Bearer <token>`.",
                    code(name)
                ),
                // Its certificate is a `Credential::client_identity` given to the builder; no method here.
                SecurityKind::MutualTls => return None,
            };
            if let Some(description) = scheme.description.as_deref().filter(|d| !d.trim().is_empty()) {
                text.push_str("\n\n");
                text.push_str(&spec_line(description));
            }
            text.push_str("\n\n");
            if takes_token(&scheme.kind) {
                text.push_str(
                    "Without it, the scheme takes the client's own token (`with_bearer_token`, or the \
                     builder's token, token provider or client credentials). ",
                );
            }
            text.push_str(
                "The secret never appears in `Debug` output, logs or errors, and is never sent to \
                 another host.",
            );
            let docs = doc(&text);
            let (params, credential) = match &scheme.kind {
                SecurityKind::ApiKey { .. } => {
                    (quote!(key: impl Into<String>), quote!(#runtime::Credential::api_key(key)))
                }
                SecurityKind::Http { scheme: http } if http.eq_ignore_ascii_case("basic") => (
                    quote!(username: impl Into<String>, password: impl Into<String>),
                    quote!(#runtime::Credential::basic(username, password)),
                ),
                _ => (quote!(token: impl Into<String>), quote!(#runtime::Credential::token(token))),
            };
            Some(quote! {
                #docs
                pub fn #method(mut self, #params) -> Self {
                    self.transport.set_credential(#name, #credential);
                    self
                }
            })
        })
        .collect()
}

/// Where `from_env` looks: the sources passed to the runtime, and the variables for its docs.
pub(super) fn env_sources(cx: &Cx) -> (TokenStream, Vec<String>) {
    let runtime = &cx.runtime;
    let prefix = &cx.options.env_prefix;
    let mut sources = Vec::new();
    let mut described = Vec::new();
    // The client's own variables stay theirs: a scheme called `token` reads `{prefix}_TOKEN_CREDENTIAL`.
    let fixed = ["TOKEN", "BASE_URL", "CLIENT_ID", "CLIENT_SECRET"];
    let variable = |scheme: &str, suffix: &str| {
        let stem = snake(scheme, "credential").trim_start_matches("r#").trim_end_matches('_').to_uppercase();
        let clash = suffix.is_empty() && fixed.contains(&stem.as_str());
        format!("{prefix}_{stem}{suffix}{}", if clash { "_CREDENTIAL" } else { "" })
    };
    let mut token = false;
    for Used { scheme, .. } in used(cx) {
        let name = &scheme.name;
        match &scheme.kind {
            kind if takes_token(kind) => token = true,
            SecurityKind::ApiKey { .. } => {
                let var = variable(name, "");
                sources.push(quote!(#runtime::EnvCredential::ApiKey { scheme: #name, variable: #var }));
                described.push(format!("the API key of scheme {} in `{var}`", code(name)));
            }
            SecurityKind::Http { scheme: http } if http.eq_ignore_ascii_case("basic") => {
                let (user, password) = (variable(name, "_USERNAME"), variable(name, "_PASSWORD"));
                sources.push(
                    quote!(#runtime::EnvCredential::Basic { scheme: #name, username: #user, password: #password }),
                );
                described
                    .push(format!("the user name and password of scheme {} in `{user}` and `{password}`", code(name)));
            }
            SecurityKind::MutualTls => {
                let (certificate, key) = (variable(name, "_CERTIFICATE"), variable(name, "_KEY"));
                sources.push(
                    quote!(#runtime::EnvCredential::ClientIdentity { scheme: #name, certificate: #certificate, key: #key }),
                );
                described.push(format!(
                    "the client certificate of scheme {} in the PEM files `{certificate}` and `{key}` name",
                    code(name)
                ));
            }
            _ => {
                let var = variable(name, "");
                sources.push(quote!(#runtime::EnvCredential::HttpToken { scheme: #name, variable: #var }));
                described.push(format!("the token of scheme {} in `{var}`", code(name)));
            }
        }
    }
    if cx.api.client_credentials().is_some() {
        let (id, secret) = (format!("{prefix}_CLIENT_ID"), format!("{prefix}_CLIENT_SECRET"));
        sources.insert(0, quote!(#runtime::EnvCredential::ClientCredentials { id: #id, secret: #secret }));
        described.insert(0, format!("the client id and secret in `{id}` and `{secret}`"));
    }
    if token {
        let var = format!("{prefix}_TOKEN");
        sources.push(quote!(#runtime::EnvCredential::Token(#var)));
        described.push(format!("the token in `{var}`"));
    }
    (quote!(&[#(#sources),*]), described)
}

/// The credentials a mock client's builder is given: stand-ins for every scheme but mutual TLS
/// (a fake server on plain HTTP has no use for a certificate), and their description for its docs.
pub(super) fn mock_credentials(cx: &Cx, token: &str) -> (TokenStream, String) {
    let runtime = &cx.runtime;
    let mut described = vec![format!("the bearer token `{token}`")];
    let calls: Vec<TokenStream> = used(cx)
        .filter_map(|Used { scheme, .. }| {
            let name = &scheme.name;
            let (credential, text) = match &scheme.kind {
                SecurityKind::ApiKey { .. } => (quote!(api_key("mock-api-key")), "the API key `mock-api-key`"),
                SecurityKind::Http { scheme } if scheme.eq_ignore_ascii_case("basic") => {
                    (quote!(basic("mock-user", "mock-password")), "the user `mock-user` and password `mock-password`")
                }
                SecurityKind::Http { scheme } if !scheme.eq_ignore_ascii_case("bearer") => {
                    (quote!(token(#token)), "the same token for other HTTP schemes")
                }
                _ => return None,
            };
            if !described.iter().any(|d| d == text) {
                described.push(text.to_owned());
            }
            Some(quote!(.credential(#name, #runtime::Credential::#credential)))
        })
        .collect();
    (quote!(.bearer_token(#token) #(#calls)*), described.join(", "))
}
