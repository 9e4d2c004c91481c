//! Bodies of items handed out one at a time as they arrive: [`ItemStream`] (JSON Lines, NDJSON,
//! JSON text sequences) and [`EventStream`] (server-sent events, resumed after a break when the
//! API takes `Last-Event-ID`). Only the item being read is held in memory. The rules both follow
//! are [`ItemStream`]'s.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::decode_error::DecodeError;
use super::framing::{Events, Framing, Records, TooLong};
use super::response::RawResponse;
use super::stream::{Chunks, Resend, StreamedResponse};
use super::{Error, ResponseValue};

/// The header an event stream resumes with.
pub const LAST_EVENT_ID: &str = "Last-Event-ID";

/// Where a stream's items come from, for the errors they may become: a failing item is kept as
/// the body of a [`RawResponse`] with this status and these headers.
struct Origin {
    url: reqwest::Url,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    limit: u64,
}

impl Origin {
    fn of(response: &StreamedResponse) -> Self {
        Origin {
            url: response.url.clone(),
            status: response.response.status(),
            headers: response.response.headers().clone(),
            attempts: response.attempts,
            limit: response.max_body_size,
        }
    }

    fn raw(&self, body: Bytes) -> RawResponse {
        RawResponse {
            url: self.url.clone(),
            status: self.status,
            headers: self.headers.clone(),
            body,
            attempts: self.attempts,
            retry_after: None,
        }
    }

    #[cold]
    fn invalid(&self, source: serde_json::Error, item: Bytes) -> Error {
        let source = DecodeError::new(source, &item);
        Error::InvalidResponsePayload { response: Box::new(self.raw(item)), source }
    }

    #[cold]
    fn too_long(&self, TooLong(start): TooLong) -> Error {
        Error::BodyTooLarge { response: Box::new(self.raw(start)), limit: self.limit }
    }

    fn broken(&self, source: reqwest::Error) -> Error {
        Error::Communication { source, attempts: self.attempts }
    }

    fn item_limit(&self) -> usize {
        usize::try_from(self.limit).unwrap_or(usize::MAX)
    }
}

impl StreamedResponse {
    /// The body as a stream of JSON items framed as `framing` says, each decoded as `T`.
    pub fn into_items<T: DeserializeOwned>(mut self, framing: Framing) -> ResponseValue<ItemStream<T>> {
        let origin = Origin::of(&self);
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        let records = Records::new(framing, origin.item_limit());
        let chunks: Chunks = Box::pin(self.response.bytes_stream());
        let items = ItemStream { chunks, records, origin, ended: false, done: false, received: 0, item: PhantomData };
        ResponseValue::new(items, status, headers)
    }

    /// The body as server-sent events whose `data` is JSON decoded as `T`. With `resume`, a
    /// broken stream is sent again with `Last-Event-ID` (see [`EventStream`]).
    pub fn into_events<T: DeserializeOwned>(self, resume: bool) -> ResponseValue<EventStream<T>> {
        self.event_stream(resume, |data| serde_json::from_str(data))
    }

    /// The body as server-sent events whose `data` is text, as it arrived.
    pub fn into_text_events(self, resume: bool) -> ResponseValue<EventStream<String>> {
        self.event_stream(resume, |data| Ok(data.to_owned()))
    }

    fn event_stream<T>(mut self, resume: bool, decode: Decode<T>) -> ResponseValue<EventStream<T>> {
        let origin = Origin::of(&self);
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        let parser = Events::new(origin.item_limit());
        let again = if resume { self.again.take().map(Arc::from) } else { None };
        let chunks: Chunks = Box::pin(self.response.bytes_stream());
        let events = EventStream {
            chunks,
            parser,
            origin,
            decode,
            again,
            reconnecting: None,
            reconnects: 0,
            resumed: 0,
            done: false,
        };
        ResponseValue::new(events, status, headers)
    }
}

/// The items of a JSON Lines, NDJSON or JSON text sequence body, each decoded as `T` when it is
/// complete. The rules, the same for [`EventStream`]:
/// - no attempt timeout: an open stream is ended by the read timeout between chunks
///   ([`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)), which is the idle
///   timeout; retries happen before the response arrives, never once items flow;
/// - an item that does not decode is an `Err` with the item as the body
///   ([`Error::InvalidResponsePayload`]), and the stream goes on with the next one;
/// - an item larger than the client's body size limit ends the stream with
///   [`Error::BodyTooLarge`], its first bytes kept;
/// - a broken connection ends the stream with [`Error::Communication`], except for an event
///   stream that resumes; the server closing the body ends it without an error.
pub struct ItemStream<T> {
    chunks: Chunks,
    records: Records,
    origin: Origin,
    /// The body has ended; what is left in `records` is handed out.
    ended: bool,
    done: bool,
    received: u64,
    item: PhantomData<fn() -> T>,
}

impl<T> ItemStream<T> {
    /// Items handed out so far, those that failed to decode included.
    pub fn received(&self) -> u64 {
        self.received
    }
}

impl<T: DeserializeOwned> ItemStream<T> {
    fn decode(&mut self, record: Result<Bytes, TooLong>) -> Result<T, Error> {
        self.received += 1;
        match record {
            Ok(record) => serde_json::from_slice(&record).map_err(|e| self.origin.invalid(e, record)),
            Err(too_long) => {
                self.done = true;
                Err(self.origin.too_long(too_long))
            }
        }
    }
}

impl<T: DeserializeOwned> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            if self.ended {
                let Some(record) = self.records.finish() else {
                    self.done = true;
                    return Poll::Ready(None);
                };
                return Poll::Ready(Some(self.decode(record)));
            }
            if let Some(record) = self.records.next_record() {
                return Poll::Ready(Some(self.decode(record)));
            }
            match self.chunks.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(chunk))) => self.records.push(&chunk),
                Poll::Ready(Some(Err(source))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(self.origin.broken(source))));
                }
                Poll::Ready(None) => self.ended = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").field("url", &self.origin.url.as_str()).field("received", &self.received).finish()
    }
}

/// One server-sent event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's type: its `event` field, `message` when it has none.
    pub event: String,
    /// The last event ID as of this event: its own `id` field, else the latest one before it
    /// (as the event stream format defines it); what a resumed stream sends as `Last-Event-ID`.
    pub id: Option<String>,
    /// The `data` lines, joined with `\n` and decoded.
    pub data: T,
}

type Decode<T> = fn(&str) -> Result<T, serde_json::Error>;
type Reconnecting = Pin<Box<dyn Future<Output = Result<Option<StreamedResponse>, Error>> + Send>>;

/// The events of a `text/event-stream` body, under [`ItemStream`]'s rules. Comments are
/// skipped, an event without `data` is not handed out, and a `retry` field sets the wait before
/// reconnecting.
///
/// **Resuming.** An operation that declares a `Last-Event-ID` header parameter says the API
/// resumes a stream from an event ID; only its event streams reconnect. When the connection
/// breaks (reset, or nothing for the read timeout), the request is sent again, after the server's
/// `retry` wait (else the client's retry backoff), with `Last-Event-ID` set to the last ID seen
/// (none before the first); at most the retry policy's attempts in a row without an event in
/// between. An answer of `204 No Content` ends the stream, any other non-2xx status is an
/// [`Error::UnexpectedResponse`]. A stream the server closes is over and is not reopened.
pub struct EventStream<T> {
    chunks: Chunks,
    parser: Events,
    origin: Origin,
    decode: Decode<T>,
    /// `Some` when the stream resumes after a break.
    again: Option<Arc<dyn Resend>>,
    reconnecting: Option<Reconnecting>,
    /// Reconnections since the last event.
    reconnects: u32,
    resumed: u32,
    done: bool,
}

impl<T> EventStream<T> {
    /// The last event ID seen: what a reconnection sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_id()
    }

    /// The wait before reconnecting that the server last asked for (its `retry` field).
    pub fn retry(&self) -> Option<Duration> {
        self.parser.retry
    }

    /// How many times the stream has reconnected.
    pub fn reconnections(&self) -> u32 {
        self.resumed
    }

    /// Starts a reconnection after a break, when the stream resumes and has tries left.
    fn reconnect(&mut self) -> bool {
        let Some(again) = self.again.clone() else { return false };
        if self.reconnects >= again.attempts() {
            return false;
        }
        self.reconnects += 1;
        let wait = self.parser.retry.unwrap_or_else(|| again.backoff(self.reconnects));
        let mut headers = HeaderMap::new();
        if let Some(id) = self.parser.last_id().and_then(|id| HeaderValue::from_str(id).ok()) {
            headers.insert(HeaderName::from_static("last-event-id"), id);
        }
        tracing::warn!(wait_ms = wait.as_millis() as u64, "event stream broke off; reconnecting");
        self.reconnecting = Some(Box::pin(async move {
            tokio::time::sleep(wait).await;
            let response = again.send(headers).await?;
            match response.status() {
                StatusCode::NO_CONTENT => Ok(None),
                status if status.is_success() => Ok(Some(response)),
                _ => Err(response.read::<()>().await?.unexpected()),
            }
        }));
        true
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            if let Some(reconnecting) = self.reconnecting.as_mut() {
                let outcome = match reconnecting.as_mut().poll(cx) {
                    Poll::Ready(outcome) => outcome,
                    Poll::Pending => return Poll::Pending,
                };
                self.reconnecting = None;
                match outcome {
                    Ok(Some(response)) => {
                        self.origin = Origin::of(&response);
                        self.chunks = Box::pin(response.response.bytes_stream());
                        self.parser.restart();
                        self.resumed += 1;
                    }
                    Ok(None) => {
                        self.done = true;
                        return Poll::Ready(None);
                    }
                    Err(error) => {
                        self.done = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
            }
            match self.parser.next_event() {
                Some(Ok(raw)) => {
                    self.reconnects = 0;
                    let decoded = (self.decode)(&raw.data)
                        .map_err(|e| self.origin.invalid(e, Bytes::from(raw.data)))
                        .map(|data| Event { event: raw.event.unwrap_or_else(|| "message".into()), id: raw.id, data });
                    return Poll::Ready(Some(decoded));
                }
                Some(Err(too_long)) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(self.origin.too_long(too_long))));
                }
                None => {}
            }
            match self.chunks.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(chunk))) => self.parser.push(&chunk),
                Poll::Ready(Some(Err(source))) => {
                    if !self.reconnect() {
                        self.done = true;
                        return Poll::Ready(Some(Err(self.origin.broken(source))));
                    }
                }
                Poll::Ready(None) => {
                    self.done = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("url", &self.origin.url.as_str())
            .field("last_event_id", &self.parser.last_id())
            .field("resumes", &self.again.is_some())
            .field("reconnections", &self.resumed)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_can_move_to_other_tasks() {
        fn sent<T: Send + 'static>() {}
        sent::<ItemStream<serde_json::Value>>();
        sent::<EventStream<String>>();
        sent::<super::super::Upload>();
    }
}
