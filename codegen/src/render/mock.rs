//! `mock.rs` (compiled with the crate's `mock` feature): a fake server of the API for the tests of
//! code that uses the client. `MockServer` has one method per operation, named as on `Client`,
//! returning the runtime's `mock::Mock` for a marker type of the operation; each marker implements
//! the runtime's `mock::Operation` (path, method, success status and body), `mock::Fails` (the
//! error enum's variants as statuses and bodies) and `mock::Paginated` (the `next` link and the
//! cursor) from the document.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::cx::{ident, Cx};
use super::docs::{doc, inner_doc};
use super::lints::{self_convention, Receiver};
use super::request::{success, Request};
use super::rust_type::body_type;
use crate::model::*;

/// The bearer token of clients made for a fake server.
const TOKEN: &str = "mock-token";

/// Renders `mock.rs`.
pub(super) fn render(cx: &Cx, requests: &[Request]) -> TokenStream {
    let import = cx.runtime_import(true);
    let markers: Vec<TokenStream> = requests.iter().map(marker).collect();
    let uses_types = requests.iter().any(uses_types);
    let types_use = uses_types.then(|| {
        quote!(
            use super::types;
        )
    });
    let methods = requests.iter().map(|request| {
        let method = ident(&request.names.method);
        let marker = request.builder_ident();
        let name = request.names.method.trim_start_matches("r#");
        let docs = doc(&format!(
            "Primes and inspects {} ([`Client::{name}`]): what it answers, and the requests it received.",
            request.endpoint()
        ));
        let convention = self_convention(&request.names.method, Receiver::Ref, 0);
        quote! {
            #docs
            #convention
            pub fn #method(&self) -> runtime::mock::Mock<'_, #marker> {
                runtime::mock::Mock::new(&self.server)
            }
        }
    });
    let title = super::docs::spec_line(cx.api.title.trim_end_matches('.'));
    let module_docs = inner_doc(&format!(
        "A fake server of the {title} for tests (feature `mock`): start a [`MockServer`], prime \
         each operation with typed answers (successes, documented errors, pages, rate-limit \
         headers), point a [`Client`] at it and check what it received. It listens on 127.0.0.1 \
         only."
    ));
    let server_docs = doc(&format!(
        "A fake server of the {title} on 127.0.0.1. Each operation's method (named as on \
         [`Client`]) primes its answers; [`runtime::mock::MockServer`] (which this dereferences to) \
         lists the requests received."
    ));
    let (credentials, stand_ins) = super::security::mock_credentials(cx, TOKEN);
    let builder_docs = doc(&format!(
        "A client builder for this server: its base URL and stand-in credentials ({stand_ins}); set \
         retries, pacing and the rest as for any client."
    ));
    let from_docs =
        doc("A client of `server` with the credentials of [`MockServer::builder`] and the default settings.");
    quote! {
        #module_docs

        #import
        #types_use
        use super::Client;

        #server_docs
        #[derive(Debug)]
        pub struct MockServer {
            server: runtime::mock::MockServer,
        }

        impl MockServer {
            /// Starts a fake server on a free port of 127.0.0.1, with nothing primed.
            pub async fn new() -> Self {
                Self { server: runtime::mock::MockServer::start().await }
            }

            /// The server's URL, `http://127.0.0.1:<port>`: the base URL of a client that talks to it.
            pub fn base_url(&self) -> &str {
                self.server.uri()
            }

            #builder_docs
            pub fn builder(&self) -> runtime::ClientBuilder<Client> {
                Client::builder().base_url(self.server.uri()) #credentials
            }

            #(#methods)*
        }

        impl std::ops::Deref for MockServer {
            type Target = runtime::mock::MockServer;

            fn deref(&self) -> &Self::Target {
                &self.server
            }
        }

        impl std::convert::From<&MockServer> for Client {
            #from_docs
            fn from(server: &MockServer) -> Self {
                server.builder().build().expect("a client of a fake server on 127.0.0.1 builds")
            }
        }

        #(#markers)*
    }
}

/// Whether an operation's marker names a type of the `types` module: an error or success enum, or
/// a JSON success body of a named type.
fn uses_types(request: &Request) -> bool {
    let json_body = success(request.op)
        .filter(|c| c.kind() == MediaKind::Json)
        .and_then(|c| c.ty.as_ref())
        .is_some_and(super::rust_type::mentions_named);
    let items = request.items().is_some_and(|(_, item)| super::rust_type::mentions_named(&item));
    request.names.error_enum.is_some() || request.names.success_enum.is_some() || json_body || items
}

/// The marker type of one operation and its trait implementations.
fn marker(request: &Request) -> TokenStream {
    let op = request.op;
    let cx = request.cx;
    let name = request.builder_ident();
    let method_name = request.names.method.trim_start_matches("r#");
    let docs = doc(&format!(
        "{} ([`Client::{method_name}`]), as the fake server answers it: the type parameter of \
         [`MockServer::{method_name}`]'s mock.",
        request.endpoint()
    ));
    let (success_ty, success_fn) = success_reply(request);
    let operation_id = op.word();
    let method = op.method.as_str();
    let path = &op.path;
    let rate_limits = op.rate_limits();
    let fails = request.names.error_enum.as_ref().map(|errors| {
        let enum_ident = ident(&errors.name);
        let arms = errors.variants.iter().zip(op.failures()).map(|((status, variant), response)| {
            let variant = ident(variant);
            let status = Literal::u16_unsuffixed(failure_status(op, *status));
            match response.body() {
                None => quote!(types::#enum_ident::#variant => runtime::mock::Reply::empty(#status),),
                Some(content) => {
                    let media = &content.media_type;
                    let reply = reply_of(content.kind(), &quote!(#status), media, &quote!(body));
                    quote!(types::#enum_ident::#variant(body) => #reply,)
                }
            }
        });
        quote! {
            impl runtime::mock::Fails for #name {
                type Error = types::#enum_ident;

                fn failure(error: Self::Error) -> runtime::mock::Reply {
                    match error {
                        #(#arms)*
                    }
                }
            }
        }
    });
    let paginated =
        op.pagination.as_ref().filter(|_| request.names.success_enum.is_none()).and_then(|p| paginated(cx, op, p)).map(
            |facts| {
                quote! {
                    impl runtime::mock::Paginated for #name {
                        #facts
                    }
                }
            },
        );
    quote! {
        #docs
        #[derive(Debug)]
        pub enum #name {}

        impl runtime::mock::Operation for #name {
            type Success = #success_ty;
            const OPERATION_ID: &'static str = #operation_id;
            const METHOD: &'static str = #method;
            const PATH: &'static str = #path;
            const RATE_LIMITS: &'static [&'static str] = &[#(#rate_limits),*];

            #success_fn
        }

        #fails
        #paginated
    }
}

/// The success type of a mock and its `success` function: the body type (bytes for a streamed
/// body, `()` without one) answered with the first documented 2xx status, or the operation's enum
/// of successes, each variant with its own status.
fn success_reply(request: &Request) -> (TokenStream, TokenStream) {
    let op = request.op;
    let cx = request.cx;
    if let Some(successes) = &request.names.success_enum {
        let enum_ident = ident(&successes.name);
        let arms = successes.variants.iter().zip(op.successes()).map(|((status, variant), response)| {
            let variant = ident(variant);
            let status = Literal::u16_unsuffixed(success_status(*status));
            match response.body() {
                None => quote!(types::#enum_ident::#variant => runtime::mock::Reply::empty(#status),),
                Some(content) => {
                    let reply = reply_of(content.kind(), &quote!(#status), &content.media_type, &quote!(body));
                    quote!(types::#enum_ident::#variant(body) => #reply,)
                }
            }
        });
        let function = quote! {
            fn success(value: Self::Success) -> runtime::mock::Reply {
                match value {
                    #(#arms)*
                }
            }
        };
        return (quote!(types::#enum_ident), function);
    }
    let status = Literal::u16_unsuffixed(op.successes().next().map_or(200, |r| success_status(r.status)));
    match success(op) {
        None => (
            quote!(()),
            quote! {
                fn success(_: Self::Success) -> runtime::mock::Reply {
                    runtime::mock::Reply::empty(#status)
                }
            },
        ),
        Some(content) => {
            let media = &content.media_type;
            let (ty, reply) = match request.items() {
                Some((sequence, item)) => {
                    let ty = cx.rust_type(&item, &quote!(types::));
                    let reply = match sequence {
                        Sequence::Events if item == TypeRef::Primitive(Primitive::String) => {
                            quote!(runtime::mock::Reply::text_events(#status, #media, &value))
                        }
                        Sequence::Events => quote!(runtime::mock::Reply::events(#status, #media, &value)),
                        Sequence::JsonLines => quote!(
                            runtime::mock::Reply::json_items(#status, #media, runtime::Framing::JsonLines, &value)
                        ),
                        Sequence::JsonSeq => quote!(
                            runtime::mock::Reply::json_items(#status, #media, runtime::Framing::JsonSeq, &value)
                        ),
                    };
                    (quote!(Vec<#ty>), reply)
                }
                None if request.streamed() => {
                    (quote!(Vec<u8>), reply_of(content.kind(), &quote!(#status), media, &quote!(value)))
                }
                None => {
                    let ty = body_type(cx, content, &quote!(types::));
                    (ty, reply_of(content.kind(), &quote!(#status), media, &quote!(value)))
                }
            };
            (
                ty,
                quote! {
                    fn success(value: Self::Success) -> runtime::mock::Reply {
                        #reply
                    }
                },
            )
        }
    }
}

/// A reply with a body held in `value`: JSON serialized, text and bytes as they are. A media range
/// the document gives (`*/*`, `text/*`) is answered with a type a server would send.
fn reply_of(kind: MediaKind, status: &TokenStream, media_type: &str, value: &TokenStream) -> TokenStream {
    let media_type = match (media_type.contains('*'), kind) {
        (false, _) => media_type,
        (true, MediaKind::Text) => "text/plain",
        (true, _) => "application/octet-stream",
    };
    match kind {
        MediaKind::Json => quote!(runtime::mock::Reply::json(#status, #media_type, &#value)),
        MediaKind::Text | MediaKind::FormUrlEncoded | MediaKind::Multipart | MediaKind::Binary => {
            quote!(runtime::mock::Reply::bytes(#status, #media_type, #value))
        }
    }
}

/// The status a success is answered with: its code, `200` for `2XX`.
fn success_status(status: Status) -> u16 {
    match status {
        Status::Code(code) => code,
        Status::Range(_) | Status::Default => 200,
    }
}

/// The status a documented error is answered with: its code, `N00` for `NXX`, and for `default`
/// the first status from 500 (then from 400) that no other response of the operation documents.
fn failure_status(op: &Operation, status: Status) -> u16 {
    match status {
        Status::Code(code) => code,
        Status::Range(digit) => digit * 100,
        Status::Default => {
            let documented = |code: u16| {
                op.responses.iter().any(|r| match r.status {
                    Status::Code(c) => c == code,
                    Status::Range(digit) => code / 100 == digit,
                    Status::Default => false,
                })
            };
            (500..=599).chain(400..=499).find(|&code| !documented(code)).unwrap_or(500)
        }
    }
}

/// The constants of `runtime::mock::Paginated` for an operation's style, so the fake server links
/// its pages as the real one does: a link or a cursor written into the body, a `Link` header, or
/// the position parameter read as an item id, an offset or a page number. `None` when the fake
/// server cannot play the style (a position outside the query, a cursor field that is not text).
fn paginated(cx: &Cx, op: &Operation, pagination: &Pagination) -> Option<TokenStream> {
    let wire = |path: &FieldPath| -> Vec<&str> {
        path.iter()
            .filter_map(|(holder, index)| match &cx.api.type_def(*holder).kind {
                TypeKind::Struct(s) => s.fields.get(*index).map(|f| f.name.as_str()),
                _ => None,
            })
            .collect()
    };
    let query = |index: usize| {
        let p = op.parameters.get(index)?;
        (p.location == ParamLocation::Query).then_some(p.name.as_str())
    };
    let text = |path: &FieldPath| {
        let ty = path.last().and_then(|(holder, index)| match &cx.api.type_def(*holder).kind {
            TypeKind::Struct(s) => s.fields.get(*index).map(|f| &f.ty),
            _ => None,
        });
        let resolved = ty.map(|ty| match cx.resolved(ty) {
            TypeRef::Nullable(inner) => cx.resolved(inner),
            other => other,
        });
        matches!(resolved, Some(TypeRef::Primitive(Primitive::String)))
    };
    // Links are opaque to the client; a fake server without a cursor parameter numbers its pages
    // in one of its own.
    const OWN: &str = "mock_page";
    let items = wire(&pagination.items);
    let items = quote!(const ITEMS: &'static [&'static str] = &[#(#items),*];);
    let (next, cursor, rest) = match &pagination.style {
        PageStyle::BodyLink { link, cursor: Some(cursor) } => (wire(link), query(*cursor)?, quote!()),
        PageStyle::BodyLink { link, cursor: None } => (
            wire(link),
            OWN,
            quote!(
                const PAGING: runtime::mock::Paging = runtime::mock::Paging::BodyLink;
            ),
        ),
        PageStyle::LinkHeader => (
            Vec::new(),
            OWN,
            quote!(
                const PAGING: runtime::mock::Paging = runtime::mock::Paging::LinkHeader;
            ),
        ),
        PageStyle::Cursor { param, next, .. } if text(next) => (
            wire(next),
            query(*param)?,
            quote!(
                const PAGING: runtime::mock::Paging = runtime::mock::Paging::Cursor;
            ),
        ),
        PageStyle::Cursor { .. } => return None,
        PageStyle::ItemId { param, id, .. } => {
            let id = wire(&vec![*id]).join("");
            let rest = quote! {
                const PAGING: runtime::mock::Paging = runtime::mock::Paging::ItemId;
                #items
                const ID: &'static str = #id;
            };
            (Vec::new(), query(*param)?, rest)
        }
        PageStyle::OffsetLimit { offset, .. } => {
            let rest = quote! {
                const PAGING: runtime::mock::Paging = runtime::mock::Paging::Offset;
                #items
            };
            (Vec::new(), query(*offset)?, rest)
        }
        PageStyle::PageNumber { page, first, .. } => {
            let magnitude = Literal::u64_unsuffixed(first.unsigned_abs());
            let first = if *first < 0 { quote!(-#magnitude) } else { quote!(#magnitude) };
            let rest = quote! {
                const PAGING: runtime::mock::Paging = runtime::mock::Paging::PageNumber { first: #first };
                #items
            };
            (Vec::new(), query(*page)?, rest)
        }
    };
    Some(quote! {
        const NEXT_HREF: &'static [&'static str] = &[#(#next),*];
        const CURSOR: &'static str = #cursor;
        #rest
    })
}
