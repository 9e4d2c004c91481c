//! Success bodies that are sequences of items (JSON Lines, NDJSON, JSON text sequences,
//! server-sent events): when a builder's `send` hands them out as `runtime::ItemStream` or
//! `runtime::EventStream`, and how. The item type is [`Api::stream_item`]'s; an event stream
//! resumes when [`Operation::resumes_events`].

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc;
use super::request::{success, Request};
use crate::model::*;

impl Request<'_> {
    /// When the success body is a sequence of items handed out one by one (JSON Lines, JSON text
    /// sequences, server-sent events; [`Api::stream_item`]): its framing and item type. Like
    /// [`Request::streamed`], for one body type for every 2xx status on an operation that does
    /// not page.
    pub(super) fn items(&self) -> Option<(Sequence, TypeRef)> {
        if self.names.success_enum.is_some() || self.op.pagination.is_some() {
            return None;
        }
        let content = success(self.op)?;
        Some((content.sequence()?, self.cx.api.stream_item(content)?))
    }

    /// The type a stream of items hands out, and the call that turns the response into it.
    pub(super) fn item_stream(&self, sequence: Sequence, item: &TypeRef) -> (TokenStream, TokenStream) {
        let runtime = &self.cx.runtime;
        let ty = self.cx.rust_type(item, &quote!(types::));
        let resume = self.op.resumes_events();
        match sequence {
            Sequence::Events if *item == TypeRef::Primitive(Primitive::String) => {
                (quote!(#runtime::EventStream<String>), quote!(response.into_text_events(#resume)))
            }
            Sequence::Events => (quote!(#runtime::EventStream<#ty>), quote!(response.into_events(#resume))),
            Sequence::JsonLines => {
                (quote!(#runtime::ItemStream<#ty>), quote!(response.into_items(#runtime::Framing::JsonLines)))
            }
            Sequence::JsonSeq => {
                (quote!(#runtime::ItemStream<#ty>), quote!(response.into_items(#runtime::Framing::JsonSeq)))
            }
        }
    }

    /// The rustdoc of `send` for a stream of items.
    pub(super) fn items_docs(&self, sequence: Sequence) -> TokenStream {
        let what = match sequence {
            Sequence::Events if self.op.resumes_events() => {
                "The body is a stream of server-sent events ([`EventStream`](runtime::EventStream)), each \
                 handed out when complete. The operation takes `Last-Event-ID`, so a stream that breaks \
                 off is sent again from the last event ID seen."
            }
            Sequence::Events => {
                "The body is a stream of server-sent events ([`EventStream`](runtime::EventStream)), each \
                 handed out when complete."
            }
            Sequence::JsonLines | Sequence::JsonSeq => {
                "The body is a stream of items ([`ItemStream`](runtime::ItemStream)), each decoded when \
                 its line or record is complete."
            }
        };
        doc(&format!(
            "Sends the request: {}. {what} Retries happen only before the response arrives; the \
             stream stays open while the server keeps sending (the client's read timeout is the \
             longest wait between chunks). Any other status is read whole and decoded as an error.",
            self.endpoint()
        ))
    }
}
