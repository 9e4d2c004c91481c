//! Reading a response body whole, within a size limit: a server that announces or sends more than
//! [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size) allows is not read
//! further, so memory stays bounded whatever it sends.

use bytes::Bytes;

/// The largest body a client reads whole unless told otherwise: 256 MiB. Binary bodies handed out
/// as a stream are not read whole and have no limit.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 256 << 20;

/// How much of a body that is too large is kept, for the error's excerpt.
const KEPT: usize = 512;

/// Why a body could not be read whole.
pub(crate) enum ReadError {
    Transport(reqwest::Error),
    /// More than the limit was announced (`Content-Length`) or arrived; `start` holds the first
    /// bytes received, if any.
    TooLarge {
        start: Bytes,
    },
}

/// Reads a whole body into one buffer, at most `limit` bytes. `reqwest::Response::bytes` holds
/// every received chunk and then copies them into a new buffer, twice the body at its peak; here
/// each chunk is copied into a buffer sized from `Content-Length` and dropped, so the peak is the
/// body plus one chunk. A body that arrives in one chunk is returned as it is.
pub(crate) async fn read_body(response: &mut reqwest::Response, limit: u64) -> Result<Bytes, ReadError> {
    /// An announced length is trusted up to this much; past it the buffer grows as data comes.
    const MAX_PREALLOCATION: u64 = 64 << 20;
    let announced = response.content_length();
    if announced.is_some_and(|length| length > limit) {
        return Err(ReadError::TooLarge { start: Bytes::new() });
    }
    let too_large = |body: &[u8]| ReadError::TooLarge { start: Bytes::copy_from_slice(&body[..body.len().min(KEPT)]) };
    let within = |length: usize| u64::try_from(length).is_ok_and(|length| length <= limit);
    let Some(first) = response.chunk().await.map_err(ReadError::Transport)? else { return Ok(Bytes::new()) };
    if !within(first.len()) {
        return Err(too_large(&first));
    }
    let Some(second) = response.chunk().await.map_err(ReadError::Transport)? else { return Ok(first) };
    let preallocate = announced.unwrap_or(0).min(MAX_PREALLOCATION) as usize;
    let mut body = Vec::with_capacity(preallocate.max(first.len() + second.len()));
    body.extend_from_slice(&first);
    drop(first);
    body.extend_from_slice(&second);
    drop(second);
    if !within(body.len()) {
        return Err(too_large(&body));
    }
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if !within(body.len() + chunk.len()) {
            return Err(too_large(&body));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}
