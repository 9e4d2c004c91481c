//! `builder.rs`: one request builder per operation, whose `send` encodes the request and decodes
//! the response (and, for paginated operations, `pages` and `stream`).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::cx::{ident, internal, Cx};
use super::docs::{doc, inner_doc, spec_text};
use super::lints::{self_convention, Receiver};
use super::request::{default_response, success, Request};
use super::rust_type::body_type;
use crate::error::Error;
use crate::model::*;

/// Renders `builder.rs`.
pub(super) fn render(cx: &Cx, requests: &[Request]) -> Result<TokenStream, Error> {
    // Builders are UpperCamelCase, so none can take the name `runtime` the runtime is imported as.
    let runtime = &cx.runtime;
    let builders = requests.iter().map(|request| request.definition(runtime)).collect::<Result<Vec<_>, _>>()?;
    // Every builder holds `runtime::RequestOptions`, so a file with builders names the runtime.
    let import = cx.runtime_import(true);
    let types_use = requests.iter().any(|request| request.uses_types).then(|| {
        quote!(
            use super::types;
        )
    });
    // A document without operations imports nothing here, so the link names its path.
    let builder_docs = inner_doc(if requests.is_empty() {
        "One request builder per operation, each started by a [`Client`](super::Client) method; this \
         document has none."
    } else {
        "One request builder per operation, each started by a [`Client`] method."
    });
    // A document without operations (webhooks only) has no builders, and imports nothing.
    let imports = (!requests.is_empty()).then(|| {
        quote! {
            #import
            #types_use
            use super::Client;
        }
    });
    Ok(quote! {
        #builder_docs

        #imports

        #(#builders)*
    })
}

impl<'a> Request<'a> {
    pub(super) fn definition(&self, runtime: &syn::Path) -> Result<TokenStream, Error> {
        let name = self.builder_ident();
        let method = self.names.method.trim_start_matches("r#");
        let docs = doc(&format!("Request builder for [`Client::{method}`]: {}.", self.endpoint()));

        let mut fields = vec![quote!(client: &'a Client,)];
        let mut new_args = vec![quote!(client: &'a Client)];
        let mut new_inits = vec![quote!(client)];
        let mut setters = Vec::new();
        for &(i, p) in &self.required {
            let field = self.param_ident(i);
            let ty = self.field_type(p);
            fields.push(quote!(#field: #ty,));
            new_args.push(quote!(#field: #ty));
            new_inits.push(quote!(#field));
        }
        let body_ident = ident(&self.names.body);
        if let Some(ty) = self.body_type() {
            if self.body_required() {
                fields.push(quote!(#body_ident: #ty,));
                new_args.push(quote!(#body_ident: #ty));
                new_inits.push(quote!(#body_ident));
            } else {
                fields.push(quote!(#body_ident: Option<#ty>,));
                new_inits.push(quote!(#body_ident: None));
                let mut text = self
                    .body
                    .and_then(|(b, _)| b.description.as_deref())
                    .map_or_else(|| "The request body.".to_owned(), spec_text);
                if self.body.is_some_and(|(_, c)| c.kind() == MediaKind::Binary) {
                    text.push_str(
                        "\n\nBytes in memory, a file (a `Path`) read as it is sent, or a stream: see \
                         [`Upload`](runtime::Upload).",
                    );
                }
                let setter_docs = doc(&text);
                let (arg_ty, conv) = self.body_argument().unwrap_or_default();
                setters.push(quote! {
                    #setter_docs
                    pub fn #body_ident(mut self, value: #arg_ty) -> Self {
                        self.#body_ident = Some(value #conv);
                        self
                    }
                });
            }
        }
        for &(i, p) in &self.optional {
            let field = self.param_ident(i);
            let ty = self.param_type(p);
            fields.push(quote!(#field: Option<#ty>,));
            new_inits.push(quote!(#field: None));
            let (arg_ty, conv) = self.setter_type(p);
            let mut text = p.description.as_deref().map(spec_text).unwrap_or_default();
            if p.deprecated {
                text.push_str("\n\nDeprecated by the API.");
            }
            let setter_docs = doc(&text);
            let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
            let convention = self_convention(&self.names.parameters[i], Receiver::Value, 1);
            setters.push(quote! {
                #setter_docs
                #deprecated
                #convention
                pub fn #field(mut self, value: #arg_ty) -> Self {
                    self.#field = Some(value #conv);
                    self
                }
            });
            if let Some(maybe) = self.names.maybe.get(i).and_then(Option::as_ref) {
                let maybe = ident(maybe);
                let setter = self.names.parameters[i].trim_start_matches("r#");
                let docs =
                    doc(&format!("[`{setter}`](Self::{setter}) with an `Option`: `None` leaves the parameter out."));
                setters.push(quote! {
                    #docs
                    #deprecated
                    pub fn #maybe(mut self, value: Option<#ty>) -> Self {
                        self.#field = value;
                        self
                    }
                });
            }
        }

        fields.push(quote!(options: #runtime::RequestOptions,));
        new_inits.push(quote!(options: #runtime::RequestOptions::new()));
        setters.push(quote! {
            /// Settings of this request that differ from the client's: a timeout, a deadline for
            /// all attempts, extra headers, a retry policy, no pacing, idempotence. The client's
            /// pacer, token cache and connections stay shared.
            pub fn with_options(mut self, options: #runtime::RequestOptions) -> Self {
                self.options = options;
                self
            }
        });

        let many = super::lints::many_arguments(new_args.len());
        let send = self.send(runtime)?;
        // A multipart form cannot be cloned; neither can a builder holding one.
        let derives = match self.body {
            Some((_, content)) if content.kind() == MediaKind::Multipart && self.names.parts.is_none() => quote!(Debug),
            _ => quote!(Clone, Debug),
        };
        Ok(quote! {
            #docs
            #[derive(#derives)]
            #[must_use = "a request builder does nothing until `send` is called"]
            pub struct #name<'a> {
                #(#fields)*
            }

            impl<'a> #name<'a> {
                #many
                pub(super) fn new(#(#new_args),*) -> Self {
                    Self { #(#new_inits),* }
                }

                #(#setters)*

                #send
            }
        })
    }

    /// `send`, and for paginated operations also `pages` and `stream` (with `fetch_page`, which
    /// both `send` and `pages` use).
    ///
    /// The request is written from the builder's fields (`self.…`), never from locals named after
    /// the document, so a parameter called `url` or `query` cannot shadow the locals here.
    fn send(&self, runtime: &syn::Path) -> Result<TokenStream, Error> {
        let op = self.op;
        let url = self.url(runtime)?;
        let parameters = self.parameters(runtime);
        let (mut chain, statements) = self.body_call(runtime);
        let accept = accept(op);
        if !accept.is_empty() {
            chain.insert(0, quote!(.header(reqwest::header::ACCEPT, #accept)));
        }
        let (ok_ty, arms) = self.responses()?;
        let err_ty = match &self.names.error_enum {
            Some(errors) => {
                let name = ident(&errors.name);
                quote!(types::#name)
            }
            None => quote!(()),
        };
        let method = format_ident!("{}", op.method.as_str().to_lowercase());
        let start = |url: TokenStream| match &op.method {
            Method::Get | Method::Put | Method::Post | Method::Delete | Method::Head | Method::Patch => {
                quote!(self.client.transport.http().#method(#url))
            }
            Method::Options | Method::Trace => {
                let m = format_ident!("{}", op.method.as_str());
                quote!(self.client.transport.http().request(reqwest::Method::#m, #url))
            }
            // Lowering checked that the name is an HTTP token, so `from_bytes` cannot fail.
            Method::Query | Method::Other(_) => {
                let name = proc_macro2::Literal::byte_string(op.method.as_str().as_bytes());
                let expect = format!("`{}` is an HTTP method token", op.method.as_str());
                quote!(self.client.transport.http().request(reqwest::Method::from_bytes(#name).expect(#expect), #url))
            }
        };
        let with_query = if self.has(ParamLocation::Query) { quote!(parameters.url(url)) } else { quote!(url) };
        let paginated = op.pagination.as_ref().filter(|_| self.names.success_enum.is_none());
        let start = match paginated {
            None => {
                let request = start(with_query);
                quote! {
                    let url = #url;
                    let request = #request #(#chain)*;
                }
            }
            Some(_) => {
                let next = start(quote!(self.client.transport.next_url(&href)?));
                let first = start(with_query);
                quote! {
                    let request = match next {
                        Some(href) => #next,
                        None => {
                            let url = #url;
                            #first
                        }
                    };
                    let request = request #(#chain)*;
                }
            }
        };
        let apply = (self.has(ParamLocation::Header) || self.has(ParamLocation::Cookie))
            .then(|| quote!(let request = parameters.apply(request);));
        let mutable = (!statements.is_empty()).then(|| quote!(let mut request = request;));
        let operation_id = op.word();
        let security = op.security.iter().map(|alternative| {
            let schemes = alternative.iter().map(|u| &u.scheme);
            quote!(&[#(#schemes),*])
        });
        let rate_limits = op.rate_limits();
        let follows_redirects = !op.documents_redirects();
        let idempotency_key = match op.idempotency_key() {
            Some(header) => quote!(Some(#header)),
            None => quote!(None),
        };
        let result = quote!(Result<#runtime::ResponseValue<#ok_ty>, #runtime::Error<#err_ty>>);
        // A binary body's own options (a file is opened again for each attempt), else the builder's.
        let options = match self.body {
            Some((_, content)) if content.kind() == MediaKind::Binary => quote!(&options),
            _ => quote!(&self.options),
        };
        let execute = match (self.streamed(), self.items()) {
            (_, Some(_)) => quote!(execute_items),
            (true, None) => quote!(execute_stream),
            (false, None) => quote!(execute),
        };
        let prelude = quote! {
            #parameters
            #start
            #apply
            #mutable
            #(#statements)*
            let info = #runtime::OperationInfo {
                operation_id: #operation_id,
                security: &[#(#security),*],
                rate_limits: &[#(#rate_limits),*],
                idempotency_key: #idempotency_key,
                follows_redirects: #follows_redirects,
            };
            let response = self.client.transport.#execute(request, &info, #options).await?;
        };
        let Some(pagination) = paginated else {
            let (docs, save_to) = match (self.streamed(), self.items()) {
                (_, Some((sequence, _))) => (self.items_docs(sequence), None),
                (false, None) => (doc(&format!("Sends the request: {}.", self.endpoint())), None),
                (true, None) => {
                    let docs = doc(&format!(
                        "Sends the request: {}. The body is handed out as it arrives, chunk by chunk \
                         ([`ByteStream`](runtime::ByteStream)); retries happen only before its first byte. \
                         Any other status is read whole and decoded as an error.",
                        self.endpoint(),
                    ));
                    let save_docs =
                        doc("Sends the request and writes the body to `path`, returning the bytes written: \
                         through a temporary file in the same directory, renamed to `path` once complete, \
                         so a transfer that fails leaves nothing at `path` ([`save_to`](runtime::save_to)).");
                    let save_to = quote! {
                        #save_docs
                        pub async fn save_to(
                            self,
                            path: impl AsRef<std::path::Path>,
                        ) -> Result<#runtime::ResponseValue<u64>, #runtime::Error<#err_ty>> {
                            let response = self.send().await?;
                            #runtime::save_to(response, path.as_ref()).await
                        }
                    };
                    (docs, Some(save_to))
                }
            };
            return Ok(quote! {
                #docs
                pub async fn send(self) -> #result {
                    #prelude
                    match response.status().as_u16() {
                        #(#arms)*
                    }
                }

                #save_to
            });
        };
        super::paginate::methods(
            self,
            runtime,
            pagination,
            super::paginate::Sent { prelude, result, ok_ty, err_ty, arms },
        )
    }

    /// Whether the operation has parameters in `location`.
    fn has(&self, location: ParamLocation) -> bool {
        self.op.parameters.iter().any(|p| p.location == location)
    }

    /// The URL: the base URL and the path, each path parameter written in its style.
    fn url(&self, runtime: &syn::Path) -> Result<TokenStream, Error> {
        let mut parts = vec![quote!(self.client.base_url())];
        for part in template_parts(&self.op.path) {
            match part {
                TemplatePart::Literal(text) => parts.push(quote!(#text)),
                TemplatePart::Placeholder(name) => {
                    let (i, p) = self
                        .op
                        .parameters
                        .iter()
                        .enumerate()
                        .find(|(_, p)| p.location == ParamLocation::Path && p.name == name)
                        .ok_or_else(|| internal(format!("`{}` has no path parameter `{name}`", self.op.path)))?;
                    let field = self.param_ident(i);
                    let plain = p.content_type.is_none() && p.style == ParamStyle::Simple && !p.explode;
                    parts.push(if plain {
                        quote!(&#runtime::path_value(#name, &self.#field)?)
                    } else {
                        let style = style(runtime, p);
                        quote!(&#runtime::path_segment(#name, &self.#field, #style)?)
                    });
                }
            }
        }
        Ok(quote!([#(#parts),*].concat()))
    }

    /// `let mut parameters = …;` with every query, header and cookie parameter added in document
    /// order, or nothing when the operation has none of them.
    fn parameters(&self, runtime: &syn::Path) -> Option<TokenStream> {
        let calls: Vec<TokenStream> = self
            .op
            .parameters
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let add = match p.location {
                    ParamLocation::Query => quote!(query),
                    ParamLocation::Header => quote!(header),
                    ParamLocation::Cookie => quote!(cookie),
                    ParamLocation::Path => return None,
                };
                let (name, field, style) = (&p.name, self.param_ident(i), style(runtime, p));
                Some(quote!(parameters.#add(#name, &self.#field, #style);))
            })
            .collect();
        (!calls.is_empty()).then(|| {
            quote! {
                let mut parameters = #runtime::Parameters::new();
                #(#calls)*
            }
        })
    }

    /// How the body is attached: calls chained onto the request (a required body) or statements
    /// after it (an optional one).
    fn body_call(&self, runtime: &syn::Path) -> (Vec<TokenStream>, Vec<TokenStream>) {
        let Some((_, content)) = self.body else { return (Vec::new(), Vec::new()) };
        let field = ident(&self.names.body);
        let media = &content.media_type;
        let required = self.body_required();
        // A required body is read from its field; an optional one from the `body` binding.
        let (borrowed, owned) =
            if required { (quote!(&self.#field), quote!(self.#field)) } else { (quote!(body), quote!(body)) };
        let call = match content.kind() {
            MediaKind::Json if media == "application/json" => quote!(.json(#borrowed)),
            MediaKind::Json => quote!(.header(reqwest::header::CONTENT_TYPE, #media).json(#borrowed)),
            MediaKind::FormUrlEncoded => {
                let encoding = content.encoding.iter().map(|e| {
                    let property = &e.property;
                    let style = match e.content_type.as_deref().map(MediaKind::of) {
                        Some(MediaKind::Json) => quote!(#runtime::Style::Json),
                        _ => style_of(runtime, e.style, e.explode),
                    };
                    quote!((#property, #style))
                });
                quote! {
                    .header(reqwest::header::CONTENT_TYPE, #media)
                    .body(#runtime::form_body(#borrowed, &[#(#encoding),*]))
                }
            }
            // Typed parts open their files, which is asynchronous and may fail before sending.
            MediaKind::Multipart if self.names.parts.is_some() => {
                let statement = if required {
                    quote!(request = request.multipart(self.#field.into_form().await?);)
                } else {
                    quote! {
                        if let Some(body) = self.#field {
                            request = request.multipart(body.into_form().await?);
                        }
                    }
                };
                return (Vec::new(), vec![statement]);
            }
            MediaKind::Multipart => quote!(.multipart(#owned)),
            MediaKind::Text => quote!(.header(reqwest::header::CONTENT_TYPE, #media).body(#owned)),
            // Opening a file is asynchronous, and may fail before anything is sent; a file is opened
            // again for each attempt (the options say which).
            MediaKind::Binary if required => {
                let chain = quote!(.header(reqwest::header::CONTENT_TYPE, #media));
                let statements = vec![
                    quote!(let options = #runtime::Upload::options(Some(&self.#field), &self.options);),
                    quote!(request = self.#field.attach(request).await?;),
                ];
                return (vec![chain], statements);
            }
            MediaKind::Binary => {
                let statement = quote! {
                    let options = #runtime::Upload::options(self.#field.as_ref(), &self.options);
                    if let Some(body) = self.#field {
                        request = body.attach(request.header(reqwest::header::CONTENT_TYPE, #media)).await?;
                    }
                };
                return (Vec::new(), vec![statement]);
            }
        };
        if required {
            return (vec![call], Vec::new());
        }
        let binding = match content.kind() {
            MediaKind::Json | MediaKind::FormUrlEncoded => quote!(&self.#field),
            MediaKind::Multipart | MediaKind::Text | MediaKind::Binary => quote!(self.#field),
        };
        let statement = quote! {
            if let Some(body) = #binding {
                request = request #call;
            }
        };
        (Vec::new(), vec![statement])
    }

    /// The success type and the match arms on the status code.
    fn responses(&self) -> Result<(TokenStream, Vec<TokenStream>), Error> {
        let op = self.op;
        let runtime = &self.cx.runtime;
        let streamed = self.streamed();
        let items = self.items().map(|(sequence, item)| self.item_stream(sequence, &item));
        // One body type for every 2xx status, or the operation's enum of them.
        let success_enum = self.names.success_enum.as_ref();
        let ok_ty = match success_enum {
            Some(e) => {
                let name = ident(&e.name);
                quote!(types::#name)
            }
            None => match success(op) {
                Some(_) if items.is_some() => items.as_ref().map(|(ty, _)| ty.clone()).unwrap_or_default(),
                Some(_) if streamed => quote!(#runtime::ByteStream),
                Some(content) => body_type(self.cx, content, &quote!(types::)),
                None => quote!(()),
            },
        };
        let decode = |r: &Response| -> TokenStream {
            let content = r.body();
            let variant = success_enum.and_then(|e| e.variants.iter().find(|(s, _)| *s == r.status)).map(|(_, v)| {
                let name = success_enum.map(|e| ident(&e.name));
                let v = ident(v);
                quote!(types::#name::#v)
            });
            match (content.map(Content::kind), variant) {
                (Some(_), None) if items.is_some() => {
                    let into = items.as_ref().map(|(_, into)| into.clone()).unwrap_or_default();
                    quote!(Ok(#into))
                }
                (Some(MediaKind::Json), None) => quote!(response.json()),
                (Some(MediaKind::Text), None) => quote!(response.text()),
                (Some(_), None) if streamed => quote!(Ok(response.into_stream())),
                (Some(_), None) => quote!(Ok(response.bytes())),
                (None, None) => quote!(Ok(response.empty())),
                (Some(MediaKind::Json), Some(v)) => quote!(response.json_into(#v)),
                (Some(MediaKind::Text), Some(v)) => quote!(response.text_into(#v)),
                (Some(_), Some(v)) => quote!(Ok(response.bytes_into(#v))),
                (None, Some(v)) => quote!(Ok(response.empty_into(#v))),
            }
        };
        let mut exact = Vec::new();
        let mut ranges = Vec::new();
        // A streamed response is read whole before it is decoded as an error.
        let read = if streamed || items.is_some() { quote!(response.read().await?) } else { quote!(response) };
        let mut fallback = quote!(_ => Err(#read.unexpected()),);
        let successes: Vec<_> = op.successes().collect();
        if successes.is_empty() {
            let decode = match default_response(op) {
                Some(r) => decode(r),
                None => quote!(Ok(response.empty())),
            };
            ranges.push(quote!(200..=299 => #decode,));
        }
        let exact_codes: Vec<u16> = successes
            .iter()
            .filter_map(|r| match r.status {
                Status::Code(c) => Some(c),
                _ => None,
            })
            .collect();
        for r in successes {
            let decode = decode(r);
            match r.status {
                Status::Code(c) => {
                    let c = Literal::u16_unsuffixed(c);
                    exact.push(quote!(#c => #decode,));
                }
                Status::Range(d) => {
                    if let Some(pattern) = super::lints::range_pattern(d, &exact_codes) {
                        ranges.push(quote!(#pattern => #decode,));
                    }
                }
                Status::Default => {}
            }
        }
        if let Some(errors) = &self.names.error_enum {
            let enum_ident = ident(&errors.name);
            fallback = quote!(_ => Err(types::#enum_ident::from_response(#read)),);
        }
        let mut arms = exact;
        arms.extend(ranges);
        arms.push(fallback);
        Ok((ok_ty, arms))
    }
}

/// The `Accept` header: the media type the client decodes of each response ([`Response::body`]),
/// in document order. A response may offer others (`application/json` beside a `text/csv` or a
/// vendor type); asking for those would invite a body the generated code cannot read.
fn accept(op: &Operation) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for c in op.responses.iter().filter_map(Response::body) {
        if !seen.contains(&c.media_type.as_str()) {
            seen.push(&c.media_type);
        }
    }
    seen.join(", ")
}

/// The runtime's [`Style`] for a parameter: its `style` and `explode`, or JSON text for a
/// `content` parameter.
fn style(runtime: &syn::Path, p: &Parameter) -> TokenStream {
    match p.content_type {
        Some(_) => quote!(#runtime::Style::Json),
        None => style_of(runtime, p.style, p.explode),
    }
}

fn style_of(runtime: &syn::Path, style: ParamStyle, explode: bool) -> TokenStream {
    match style {
        ParamStyle::Form => quote!(#runtime::Style::form(#explode)),
        ParamStyle::Simple => quote!(#runtime::Style::simple(#explode)),
        ParamStyle::Label => quote!(#runtime::Style::label(#explode)),
        ParamStyle::Matrix => quote!(#runtime::Style::matrix(#explode)),
        ParamStyle::SpaceDelimited => quote!(#runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(#runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(#runtime::Style::DeepObject),
    }
}
