//! Where one item of a sequential body ends and the next begins: JSON Lines and NDJSON (one JSON
//! text a line), JSON text sequences (RFC 7464: each text after an RS byte) and server-sent events
//! (the WHATWG `text/event-stream` format). The parsers are fed the body's chunks as they arrive
//! and hand out each item once it is complete, so only the item being read is buffered.
//!
//! Every item is bounded (the client's body size limit, as a body read whole is): a line, record
//! or event that grows past it without ending is [`TooLong`], with its first bytes.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};

/// How a sequential body separates its items: what generated code passes for its media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Framing {
    /// `application/jsonl`, `application/x-ndjson`: one JSON text a line, ended by `\n` or
    /// `\r\n`; blank lines are skipped, and a last line without an end counts.
    JsonLines,
    /// `application/json-seq` (RFC 7464): each JSON text starts with an RS byte (`0x1E`) and ends
    /// with `\n`; a text may span lines.
    JsonSeq,
}

/// The RS byte that starts each record of a JSON text sequence.
const RS: u8 = 0x1e;
/// How much of an item over the limit an error keeps.
const EXCERPT: usize = 4096;

/// An item that grew past the limit without ending; holds its first bytes.
#[derive(Debug)]
pub(crate) struct TooLong(pub(crate) Bytes);

/// Splits bytes into lines: at `\n` and `\r\n`, and with `lone_cr` (server-sent events) at a `\r`
/// alone too.
pub(crate) struct Lines {
    buffer: BytesMut,
    /// Bytes at the start of `buffer` known to hold no line end.
    scanned: usize,
    limit: usize,
    lone_cr: bool,
    /// The last line ended with a `\r` at the end of a chunk: a `\n` starting the next belongs to it.
    skip_lf: bool,
}

impl Lines {
    pub(crate) fn new(limit: usize, lone_cr: bool) -> Self {
        Lines { buffer: BytesMut::new(), scanned: 0, limit, lone_cr, skip_lf: false }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// The next complete line, without its end; `None` until one is complete.
    pub(crate) fn next_line(&mut self) -> Option<Result<Bytes, TooLong>> {
        if self.skip_lf && !self.buffer.is_empty() {
            if self.buffer[0] == b'\n' {
                self.buffer.advance(1);
            }
            self.skip_lf = false;
        }
        let lone_cr = self.lone_cr;
        let found = self.buffer[self.scanned..].iter().position(|&b| b == b'\n' || (lone_cr && b == b'\r'));
        let Some(at) = found.map(|i| i + self.scanned) else {
            self.scanned = self.buffer.len();
            if self.buffer.len() > self.limit {
                return Some(Err(self.too_long()));
            }
            return None;
        };
        let mut line = self.buffer.split_to(at);
        let end = self.buffer[0];
        self.buffer.advance(1);
        self.scanned = 0;
        if end == b'\r' {
            match self.buffer.first() {
                Some(b'\n') => self.buffer.advance(1),
                Some(_) => {}
                None => self.skip_lf = true,
            }
        } else if line.last() == Some(&b'\r') {
            line.truncate(line.len() - 1);
        }
        if line.len() > self.limit {
            self.buffer = line;
            return Some(Err(self.too_long()));
        }
        Some(Ok(line.freeze()))
    }

    /// What is left once the body has ended: a last line without an end, if any.
    pub(crate) fn finish(&mut self) -> Option<Bytes> {
        let rest = self.buffer.split().freeze();
        (!rest.is_empty()).then_some(rest)
    }

    fn too_long(&mut self) -> TooLong {
        let start = self.buffer.split_to(self.buffer.len().min(EXCERPT)).freeze();
        self.buffer.clear();
        TooLong(start)
    }
}

/// The items of a JSON Lines or JSON text sequence body, as raw JSON texts.
pub(crate) struct Records {
    lines: Lines,
    framing: Framing,
    /// JSON text sequences: the record begun and not yet complete.
    pending: Vec<u8>,
    ready: VecDeque<Bytes>,
    limit: usize,
}

impl Records {
    pub(crate) fn new(framing: Framing, limit: usize) -> Self {
        Records { lines: Lines::new(limit, false), framing, pending: Vec::new(), ready: VecDeque::new(), limit }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.lines.push(chunk);
    }

    /// The next complete record; `None` until one is.
    pub(crate) fn next_record(&mut self) -> Option<Result<Bytes, TooLong>> {
        loop {
            if let Some(record) = self.ready.pop_front() {
                return Some(Ok(record));
            }
            let line = match self.lines.next_line()? {
                Ok(line) => line,
                Err(too_long) => return Some(Err(too_long)),
            };
            match self.framing {
                Framing::JsonLines if blank(&line) => {}
                Framing::JsonLines => return Some(Ok(line)),
                Framing::JsonSeq => {
                    if let Err(too_long) = self.seq_line(&line) {
                        return Some(Err(too_long));
                    }
                }
            }
        }
    }

    /// The records left once the body has ended: a last line without an end, a record begun.
    pub(crate) fn finish(&mut self) -> Option<Result<Bytes, TooLong>> {
        if let Some(rest) = self.lines.finish() {
            match self.framing {
                Framing::JsonLines if !blank(&rest) => self.ready.push_back(rest),
                Framing::JsonLines => {}
                Framing::JsonSeq => {
                    if let Err(too_long) = self.seq_line(&rest) {
                        return Some(Err(too_long));
                    }
                }
            }
        }
        if !blank(&self.pending) {
            let record = Bytes::from(std::mem::take(&mut self.pending));
            self.ready.push_back(record);
        }
        self.ready.pop_front().map(Ok)
    }

    /// One line of a JSON text sequence: an RS starts a new record (whatever was pending is handed
    /// out as it is, and fails to decode if it was cut short); a record is complete at the end of
    /// a line where it holds a whole JSON text.
    fn seq_line(&mut self, line: &[u8]) -> Result<(), TooLong> {
        let mut rest = line;
        while let Some(at) = rest.iter().position(|&b| b == RS) {
            self.pending.extend_from_slice(&rest[..at]);
            if !blank(&self.pending) {
                let record = Bytes::from(std::mem::take(&mut self.pending));
                self.ready.push_back(record);
            }
            self.pending.clear();
            rest = &rest[at + 1..];
        }
        if !self.pending.is_empty() {
            self.pending.push(b'\n');
        }
        self.pending.extend_from_slice(rest);
        if self.pending.len() > self.limit {
            let start = Bytes::copy_from_slice(&self.pending[..self.pending.len().min(EXCERPT)]);
            self.pending.clear();
            return Err(TooLong(start));
        }
        if !blank(&self.pending) && serde_json::from_slice::<serde::de::IgnoredAny>(&self.pending).is_ok() {
            let record = Bytes::from(std::mem::take(&mut self.pending));
            self.ready.push_back(record);
        }
        Ok(())
    }
}

fn blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// One event as the stream dispatched it, before its data is decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawEvent {
    /// The `event` field; `None` for the default type, `message`.
    pub(crate) event: Option<String>,
    /// The last event ID when the event was dispatched (this event's `id`, or an earlier one's).
    pub(crate) id: Option<String>,
    /// The `data` lines joined with `\n`.
    pub(crate) data: String,
}

/// The WHATWG event stream parser: fields `event`, `data`, `id` and `retry`; comments (`:`) and
/// unknown fields ignored; an event dispatched at a blank line when it has data; an event cut off
/// by the end of the body dropped.
pub(crate) struct Events {
    lines: Lines,
    limit: usize,
    started: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    /// The latest `retry` field: how long to wait before reconnecting.
    pub(crate) retry: Option<Duration>,
}

impl Events {
    pub(crate) fn new(limit: usize) -> Self {
        Events {
            lines: Lines::new(limit, true),
            limit,
            started: false,
            event: None,
            data: String::new(),
            has_data: false,
            last_id: None,
            retry: None,
        }
    }

    /// Starts reading a new response (after a reconnection): the last event ID is kept, anything
    /// half-read is dropped.
    pub(crate) fn restart(&mut self) {
        self.lines = Lines::new(self.limit, true);
        self.started = false;
        self.event = None;
        self.data.clear();
        self.has_data = false;
    }

    pub(crate) fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.lines.push(chunk);
    }

    /// The next complete event; `None` until one is.
    pub(crate) fn next_event(&mut self) -> Option<Result<RawEvent, TooLong>> {
        loop {
            let line = match self.lines.next_line()? {
                Ok(line) => line,
                Err(too_long) => return Some(Err(too_long)),
            };
            let mut line = &line[..];
            if !self.started {
                self.started = true;
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            if line.is_empty() {
                if let Some(event) = self.dispatch() {
                    return Some(Ok(event));
                }
                continue;
            }
            if line[0] == b':' {
                continue;
            }
            let (field, value) = match line.iter().position(|&b| b == b':') {
                Some(at) => {
                    let value = &line[at + 1..];
                    (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
                }
                None => (line, &b""[..]),
            };
            let value = String::from_utf8_lossy(value);
            match field {
                b"event" => self.event = Some(value.into_owned()),
                b"data" => {
                    self.data.push_str(&value);
                    self.data.push('\n');
                    self.has_data = true;
                    if self.data.len() > self.limit {
                        let start = Bytes::copy_from_slice(&self.data.as_bytes()[..EXCERPT.min(self.data.len())]);
                        self.data.clear();
                        return Some(Err(TooLong(start)));
                    }
                }
                b"id" if !value.contains('\0') => {
                    self.last_id = (!value.is_empty()).then(|| value.into_owned());
                }
                b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                    self.retry = value.parse().ok().map(Duration::from_millis);
                }
                _ => {}
            }
        }
    }

    fn dispatch(&mut self) -> Option<RawEvent> {
        let event = self.event.take();
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        Some(RawEvent { event, id: self.last_id.clone(), data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(framing: Framing, chunks: &[&[u8]]) -> Vec<String> {
        let mut records = Records::new(framing, 64);
        let mut out = Vec::new();
        for chunk in chunks {
            records.push(chunk);
            while let Some(r) = records.next_record() {
                out.push(String::from_utf8(r.expect("fits").to_vec()).expect("utf-8"));
            }
        }
        while let Some(r) = records.finish() {
            out.push(String::from_utf8(r.expect("fits").to_vec()).expect("utf-8"));
        }
        out
    }

    #[test]
    fn json_lines_split_across_chunks_with_crlf_and_blank_lines() {
        let got = records(Framing::JsonLines, &[b"{\"a\":", b"1}\r\n\n{\"a\"", b":2}\n{\"a\":3}"]);
        assert_eq!(got, ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"]);
    }

    #[test]
    fn json_seq_records_may_span_lines_and_end_at_the_next_rs() {
        let got = records(Framing::JsonSeq, &[b"\x1e{\"a\":\n1}\n\x1e[1,", b"2]\n\x1e\"cut", b"\x1e3\n"]);
        assert_eq!(got, ["{\"a\":\n1}", "[1,2]", "\"cut", "3"]);
    }

    #[test]
    fn a_line_past_the_limit_is_too_long_with_its_start() {
        let mut lines = Lines::new(8, false);
        lines.push(b"0123456789abc");
        let Some(Err(TooLong(start))) = lines.next_line() else { panic!("too long") };
        assert_eq!(&start[..], b"0123456789abc");
        let mut lines = Lines::new(8, false);
        lines.push(b"0123456789\nok\n");
        assert!(matches!(lines.next_line(), Some(Err(_))));
    }

    fn events(chunks: &[&[u8]]) -> (Vec<RawEvent>, Events) {
        let mut parser = Events::new(1024);
        let mut out = Vec::new();
        for chunk in chunks {
            parser.push(chunk);
            while let Some(e) = parser.next_event() {
                out.push(e.expect("fits"));
            }
        }
        (out, parser)
    }

    #[test]
    fn events_follow_the_whatwg_rules() {
        let (got, parser) = events(&[
            b"\xEF\xBB\xBF: a comment\r\nretry: 1500\r",
            b"\nevent: usage\ndata: line 1\ndata:line 2\nid: 7\n\n",
            b"data\n\nid: 8\nevent: ignored\n\n",
            b"retry: soon\nid\ndata: {\"x\":1}\r\rdata: cut off",
        ]);
        let event = |event: Option<&str>, id: Option<&str>, data: &str| RawEvent {
            event: event.map(str::to_owned),
            id: id.map(str::to_owned),
            data: data.to_owned(),
        };
        assert_eq!(
            got,
            [
                event(Some("usage"), Some("7"), "line 1\nline 2"),
                event(None, Some("7"), ""),
                event(None, None, "{\"x\":1}")
            ]
        );
        assert_eq!(parser.retry, Some(Duration::from_millis(1500)));
    }
}
