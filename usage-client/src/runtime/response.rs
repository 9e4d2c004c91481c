//! [`RawResponse`]: a response read in full, as the transport hands it to generated code and as
//! an [`Error`](super::Error) keeps it.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// A response read in full: what the transport returns before the operation decodes it, and
/// what an [`Error`](super::Error) keeps when decoding was not possible.
#[derive(Clone)]
pub struct RawResponse {
    pub(crate) url: reqwest::Url,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) attempts: u32,
    pub(crate) retry_after: Option<Duration>,
}

impl RawResponse {
    /// The URL the response came from (after redirects).
    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// The status of the response (of the last attempt, when the request was retried).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers as the server sent them.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes: all of them, but for [`Error::BodyTooLarge`](super::Error::BodyTooLarge),
    /// which keeps only those read before the limit.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The start of the body as text: at most 512 bytes, cut at a character boundary.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.body)
    }

    /// The body as text around byte `offset` (where a decode stopped, say): up to 120 bytes before
    /// it and 60 after, cut at character boundaries, with `…` where it was cut.
    pub fn body_excerpt_at(&self, offset: usize) -> String {
        excerpt_around(&self.body, offset)
    }

    /// Attempts made for this response, from 1.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The wait the server asked for (`Retry-After` or a rate-limit reset), as of receipt.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

/// How much of an undecodable body an error's `Display` shows.
const EXCERPT_BYTES: usize = 512;

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]);
    let mut text = text.trim_end_matches('\u{FFFD}').to_owned();
    if body.len() > EXCERPT_BYTES {
        text.push('…');
    }
    text
}

pub(crate) fn excerpt_around(body: &[u8], offset: usize) -> String {
    const BEFORE: usize = 120;
    const AFTER: usize = 60;
    let offset = offset.min(body.len());
    let (start, end) = (offset.saturating_sub(BEFORE), offset.saturating_add(AFTER).min(body.len()));
    let text = String::from_utf8_lossy(&body[start..end]);
    // A character cut at either end shows as a replacement character: drop it.
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.push_str(text.trim_start_matches('\u{FFFD}').trim_end_matches('\u{FFFD}'));
    if end < body.len() {
        shown.push('…');
    }
    shown
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("url", &self.url.as_str())
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body_excerpt())
            .field("attempts", &self.attempts)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_cut_on_characters() {
        assert_eq!(excerpt(b"short"), "short");
        let long = "é".repeat(400);
        let cut = excerpt(long.as_bytes());
        assert!(cut.ends_with('…'));
        assert_eq!(cut.chars().filter(|c| *c == 'é').count(), 256);
    }

    #[test]
    fn excerpts_around_a_place_show_both_sides() {
        let body = format!("{}NEEDLE{}", "a".repeat(500), "é".repeat(100));
        let around = excerpt_around(body.as_bytes(), 503);
        assert!(around.starts_with('…') && around.ends_with('…'), "{around}");
        assert!(around.contains("aaaNEEDLEéé"), "{around}");
        assert!(!around.contains('\u{FFFD}'), "{around}");
        assert_eq!(excerpt_around(b"short", 99), "short");
    }
}
