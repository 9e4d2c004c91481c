//! `client.rs`: `Client`, its constructors and one method per operation, each starting the
//! operation's request builder.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::cx::{ident, Cx};
use super::docs::{code, doc, inner_doc, spec_line, spec_text, url_text};
use super::lints::{self_convention, Receiver};
use super::request::Request;
use super::rust_type::mentions_named;
use super::security;
use crate::model::*;

/// Renders `client.rs`: `Client` and a method per operation.
pub(super) fn render(cx: &Cx, requests: &[Request]) -> TokenStream {
    let runtime = &cx.runtime;
    let api = cx.api;
    let methods = requests.iter().map(Request::client_method);
    let client_uses_types = requests.iter().any(Request::client_uses_types);

    let title = spec_line(api.title.trim_end_matches('.'));
    let module_docs = inner_doc(&format!("The client of the {title} and its request builders."));
    let client_docs = doc(&format!(
        "Client of the {title}, version {}.\n\nEach method starts a request builder; set optional \
         parameters on it and call `send`. Cloning is cheap: clones share one connection pool.",
        spec_line(&api.version)
    ));
    let server = api.servers.first().filter(|s| s.url.starts_with("http://") || s.url.starts_with("https://"));
    let default_url = server.filter(|s| !s.has_variables()).map(|s| &s.url);
    let default_const = default_url.map(|url| {
        let url = url.trim_end_matches('/');
        let docs = doc(&format!("The server URL the document gives: {}.", url_text(url)));
        quote! {
            #docs
            pub const DEFAULT_BASE_URL: &'static str = #url;
        }
    });
    let server_url_fn = server.filter(|s| s.has_variables()).map(|s| server_url_fn(cx, s));
    let default_arg = match default_url {
        Some(_) => quote!(Some(Self::DEFAULT_BASE_URL)),
        None => quote!(None),
    };
    let prefix = &cx.options.env_prefix;
    let base_url_env = format!("{prefix}_BASE_URL");
    let flow = api.client_credentials();
    let (env_sources, env_described) = security::env_sources(cx);
    let credentials_text = match env_described.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{}, and {last}", rest.join(", "))),
    };
    let from_env_docs = doc(&match (default_url, credentials_text) {
        (Some(_), Some(credentials)) => format!(
            "A client configured from the environment: {credentials} (those that are set; at \
             least one is required), and the base URL from `{base_url_env}` when it is set, else \
             [`Client::DEFAULT_BASE_URL`]."
        ),
        (Some(_), None) => format!(
            "A client configured from the environment: the base URL from `{base_url_env}` when it \
             is set, else [`Client::DEFAULT_BASE_URL`]."
        ),
        (None, Some(credentials)) => format!(
            "A client configured from the environment: {credentials} (those that are set; at \
             least one is required), and the base URL from `{base_url_env}`, required (the \
             document names no fixed server URL)."
        ),
        (None, None) => format!(
            "A client configured from the environment: the base URL from `{base_url_env}`, \
             required (the document names no fixed server URL)."
        ),
    });
    // The flow's token URL, resolved against the base URL when the client is built, and the
    // scopes the operations ask of it.
    let token_url = flow.map(|flow| {
        let url = &flow.token_url;
        let scheme = api
            .used_security_schemes()
            .find(|s| matches!(&s.kind, SecurityKind::OAuth2 { client_credentials: Some(f) } if f == flow));
        let scopes = scheme.map(|s| api.scopes_of(&s.name)).unwrap_or_default();
        let scopes = (!scopes.is_empty()).then(|| quote!(.scopes([#(#scopes),*])));
        quote!(.token_url(#url) #scopes)
    });
    let mut credentials = Vec::new();
    if api.used_security_schemes().any(|s| s.kind == SecurityKind::MutualTls) {
        credentials.push("a client certificate with `credential(scheme, Credential::client_identity(…))`".to_owned());
    }
    if let Some(flow) = flow {
        credentials.push(format!(
            "`client_credentials(id, secret)`, exchanged at the document's token URL {}",
            code(&flow.token_url)
        ));
    }
    credentials.push("a bearer token or a token provider".to_owned());
    let builder_method_docs = doc(&format!(
        "Starts configuring a client: base URL{}, credentials ({}), timeouts, retry policy, user \
         agent, or an HTTP client of your own.",
        if default_url.is_some() { " (default [`Client::DEFAULT_BASE_URL`])" } else { "" },
        credentials.join("; ")
    ));
    let new_docs = doc("A client for `base_url` (the server URL) with no token and the defaults of\n\
         [`ClientBuilder`](runtime::ClientBuilder): timeouts, retries, user agent.");

    let client_types_use = client_uses_types.then(|| {
        quote!(
            use super::types;
        )
    });
    let schemes_table = security::table(cx);
    let scheme_methods = security::client_methods(cx);
    let builder_use = (!requests.is_empty()).then(|| {
        quote!(
            use super::builder;
        )
    });
    // `Client` holds the runtime's `Transport`, so the file always names it.
    let runtime_use = cx.runtime_import(true);
    let client = quote! {
        #module_docs

        #runtime_use
        #builder_use
        #client_types_use

        #schemes_table

        #client_docs
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(super) transport: #runtime::Transport,
        }

        impl Client {
            #default_const
            #server_url_fn

            #new_docs
            pub fn new(base_url: impl Into<String>) -> Self {
                Self::new_with_client(base_url, #runtime::default_http_client())
            }

            #builder_method_docs
            pub fn builder() -> #runtime::ClientBuilder<Self> {
                #runtime::ClientBuilder::new(#default_arg, SECURITY_SCHEMES, |transport| Self { transport }) #token_url
            }

            #from_env_docs
            pub fn from_env() -> Result<Self, #runtime::ConfigError> {
                Self::builder().from_env(#env_sources, #base_url_env)?.build()
            }

            /// A client for `base_url` that sends its requests through `http`, for callers that
            /// configure their own timeouts, proxies or TLS. Give it
            /// [`redirect_policy`](runtime::redirect_policy), or credentials may follow a
            /// redirect to another host.
            pub fn new_with_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
                Self { transport: #runtime::Transport::new(base_url.into(), http).with_security_schemes(SECURITY_SCHEMES) }
            }

            /// Sends `Authorization: Bearer <token>` with every operation whose security scheme
            /// takes a bearer token. The token never appears in `Debug` output.
            pub fn with_bearer_token(mut self, token: impl Into<String>) -> Self {
                self.transport.set_bearer_token(token.into());
                self
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            #(#scheme_methods)*

            #(#methods)*
        }
    };
    client
}

/// `Client::server_url(...)`: the document's server URL with its variables filled in. A URL with
/// variables yields no `DEFAULT_BASE_URL`: the defaults of variables such as a data center are
/// rarely right for the caller, who passes them here instead.
fn server_url_fn(cx: &Cx, server: &Server) -> TokenStream {
    // An unclosed `{` is kept as written.
    let url = server.url.trim_end_matches('/');
    let (template, placeholders) = format_template(url);
    let args: Vec<Ident> = placeholders
        .iter()
        .map(|placeholder| {
            let name = cx
                .names
                .server_variables
                .iter()
                .find(|(p, _)| p == placeholder)
                .map_or("variable", |(_, n)| n.as_str());
            ident(name)
        })
        .collect();
    let mut text = format!("The server URL {} with its variables filled in:\n", code(&server.url));
    for (placeholder, name) in &cx.names.server_variables {
        let variable = server.variables.iter().find(|v| v.name == *placeholder);
        let mut line = format!("\n- `{}`", name.trim_start_matches("r#"));
        if let Some(description) = variable.and_then(|v| v.description.as_deref()) {
            // One line: the lines of a description would be read as the item's indented continuation.
            line.push_str(": ");
            line.push_str(&spec_line(description));
        }
        if let Some(values) = variable.map(|v| &v.values).filter(|v| !v.is_empty()) {
            let values: Vec<String> = values.iter().map(|v| code(v)).collect();
            line.push_str(&format!(" One of {}.", values.join(", ")));
        }
        if let Some(variable) = variable {
            line.push_str(&format!(" The document's default: {}.", code(&variable.default)));
        }
        text.push_str(&line);
    }
    text.push_str("\n\nFor example `Client::builder().base_url(Client::server_url(…))`.");
    let docs = doc(&text);
    let params = cx.names.server_variables.iter().map(|(_, name)| {
        let name = ident(name);
        quote!(#name: &str)
    });
    quote! {
        #docs
        pub fn server_url(#(#params),*) -> String {
            format!(#template #(, #args)*)
        }
    }
}

impl Request<'_> {
    /// The `Client` method that starts this builder.
    fn client_method(&self) -> TokenStream {
        let op = self.op;
        let method = ident(&self.names.method);
        let builder = self.builder_ident();
        let mut text = String::new();
        for part in [&op.summary, &op.description].into_iter().flatten() {
            if !part.trim().is_empty() {
                text.push_str(&spec_text(part));
                text.push_str("\n\n");
            }
        }
        text.push_str(&format!("Sends {}.", self.endpoint()));
        let buckets: Vec<String> = op.rate_limits().iter().map(|prefix| format!("`{prefix}-*`")).collect();
        if !buckets.is_empty() {
            text.push_str(&format!(
                " Counts against the rate limit{} its responses report in {}; the client paces its \
                 requests by {}.",
                if buckets.len() > 1 { "s" } else { "" },
                buckets.join(" and "),
                if buckets.len() > 1 { "them" } else { "it" }
            ));
        }
        for &(i, p) in self.required.iter().filter(|(_, p)| p.may_be_absent()) {
            let name = self.names.parameters[i].trim_start_matches("r#");
            text.push_str(&format!(
                "\n\n`{name}` may be `None`: the document allows `null` for {}, which a {} parameter \
                 cannot carry, so `None` leaves it out.",
                code(&p.name),
                p.location.as_str()
            ));
        }
        if op.deprecated {
            text.push_str("\n\nDeprecated by the API.");
        }
        let docs = doc(&text);
        let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
        let mut args = Vec::new();
        let mut values = Vec::new();
        for &(i, p) in &self.required {
            let name = self.param_ident(i);
            let (ty, conv) = self.setter_type(p);
            args.push(quote!(#name: #ty));
            values.push(quote!(#name #conv));
        }
        if let (true, Some((ty, conv))) = (self.body_required(), self.body_argument()) {
            let name = ident(&self.names.body);
            args.push(quote!(#name: #ty));
            values.push(quote!(#name #conv));
        }
        let convention = self_convention(&self.names.method, Receiver::Ref, args.len());
        let many = super::lints::many_arguments(args.len() + 1);
        quote! {
            #docs
            #deprecated
            #convention
            #many
            pub fn #method(&self, #(#args),*) -> builder::#builder<'_> {
                builder::#builder::new(self, #(#values),*)
            }
        }
    }

    /// Whether the `Client` method's arguments (required parameters and body) name a type.
    fn client_uses_types(&self) -> bool {
        // Only JSON and form bodies, and typed multipart parts, are types of the `types` module.
        let typed = |c: &Content| match c.kind() {
            MediaKind::Json | MediaKind::FormUrlEncoded => c.ty.as_ref().is_some_and(mentions_named),
            MediaKind::Multipart => self.names.parts.is_some(),
            MediaKind::Text | MediaKind::Binary => false,
        };
        let body = self.body_required() && self.body.is_some_and(|(_, c)| typed(c));
        body || self.required.iter().any(|(_, p)| mentions_named(&p.ty))
    }
}

/// A `{name}` template (a path or a server URL) as a `format!` string with `{}` for each
/// placeholder, and the placeholder names in order.
pub(crate) fn format_template(template: &str) -> (String, Vec<&str>) {
    let mut format = String::new();
    let mut names = Vec::new();
    for part in template_parts(template) {
        match part {
            TemplatePart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            TemplatePart::Placeholder(name) => {
                format.push_str("{}");
                names.push(name);
            }
        }
    }
    (format, names)
}
