//! Binary bodies handed out as they arrive: [`StreamedResponse`] (a response whose body is not
//! read yet), [`ByteStream`] (its chunks) and [`save_to`] (the chunks written to a file
//! atomically). Memory stays at about one chunk however large the body is.
//!
//! Retries end where the body begins: the transport retries until a response it keeps arrives,
//! and a body that breaks off afterwards is an error for the caller, never sent again.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tokio::io::AsyncWriteExt;

use super::body::{read_body, ReadError};
use super::response::RawResponse;
use super::retry::random_u64;
use super::{Error, ResponseValue};

/// A response whose body has not been read: what the transport returns for operations whose
/// success body is binary. A success becomes a [`ByteStream`]; any other status is read in full
/// (error bodies are small) and decoded as usual.
pub struct StreamedResponse {
    pub(crate) response: reqwest::Response,
    /// The response's URL without credentials sent in the query.
    pub(crate) url: reqwest::Url,
    pub(crate) attempts: u32,
    pub(crate) retry_after: Option<Duration>,
    /// The limit for a body read whole (an error status's), and for one item of a stream of items.
    pub(crate) max_body_size: u64,
    /// What sends the request again, for an event stream that resumes; `None` when the request
    /// cannot be copied (its body streams) or was not meant to be sent again.
    pub(crate) again: Option<Box<dyn Resend>>,
}

/// What sends a stream's request again (an event stream resuming after a break), implemented by
/// the transport; a trait so that this file, which the transport returns, need not name it.
pub(crate) trait Resend: Send + Sync {
    /// Sends the request again with `headers` added, through the retry loop.
    fn send(&self, headers: HeaderMap) -> Pin<Box<dyn Future<Output = Result<StreamedResponse, Error>> + Send + '_>>;

    /// The wait before reconnecting when the server gave none.
    fn backoff(&self, attempt: u32) -> Duration;

    /// How many times in a row a stream may reconnect.
    fn attempts(&self) -> u32;
}

impl StreamedResponse {
    /// The status, known before any of the body is read: it decides whether the body is
    /// streamed or read whole.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The response headers (`Content-Type`, `Content-Length`), also known before the body.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The body as a stream of chunks, with the response's status and headers.
    pub fn into_stream(mut self) -> ResponseValue<ByteStream> {
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        let expected = self.response.content_length();
        let chunks = Box::pin(self.response.bytes_stream());
        ResponseValue::new(ByteStream { chunks, received: 0, expected }, status, headers)
    }

    /// Reads the whole body (within the client's body size limit), for a status that is decoded
    /// rather than streamed.
    pub async fn read<E>(mut self) -> Result<RawResponse, Error<E>> {
        let url = self.url.clone();
        let status = self.response.status();
        let attempts = self.attempts;
        let body = read_body(&mut self.response, self.max_body_size).await;
        let headers = std::mem::take(self.response.headers_mut());
        let raw = |body| RawResponse { url, status, headers, body, attempts, retry_after: self.retry_after };
        match body {
            Ok(body) => Ok(raw(body)),
            Err(ReadError::Transport(source)) => Err(Error::Communication { source, attempts }),
            Err(ReadError::TooLarge { start }) => {
                Err(Error::BodyTooLarge { response: Box::new(raw(start)), limit: self.max_body_size })
            }
        }
    }
}

impl fmt::Debug for StreamedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamedResponse")
            .field("url", &self.url.as_str())
            .field("status", &self.response.status())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

pub(crate) type Chunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

/// The chunks of a binary body, in order, as the connection delivers them. A body that breaks off
/// (the connection drops, fewer bytes than `Content-Length`) ends the stream with
/// [`Error::Communication`]; nothing is retried once the first chunk is handed out.
pub struct ByteStream {
    chunks: Chunks,
    received: u64,
    expected: Option<u64>,
}

impl ByteStream {
    /// The length the server announced (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.expected
    }

    /// Bytes handed out so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Writes every chunk to `path` atomically; see [`save_to`].
    pub async fn save_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        write_atomically(self, path.as_ref()).await
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.chunks.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.received += chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(source))) => Poll::Ready(Some(Err(Error::Communication { source, attempts: 1 }))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("received", &self.received)
            .field("content_length", &self.expected)
            .finish_non_exhaustive()
    }
}

/// Writes a downloaded body to `path` and returns the bytes written, with the response's status
/// and headers. The chunks go to a temporary file in the same directory, which is flushed to disk
/// and then renamed to `path`, so `path` holds either the whole body or what it held before: a
/// transfer that fails (or is cancelled) leaves nothing new there, and the temporary file is
/// removed.
pub async fn save_to<E>(response: ResponseValue<ByteStream>, path: &Path) -> Result<ResponseValue<u64>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let written = write_atomically(response.into_inner(), path).await.map_err(Error::retype)?;
    Ok(ResponseValue::new(written, status, headers))
}

async fn write_atomically(mut body: ByteStream, path: &Path) -> Result<u64, Error> {
    let io = |what: &str, at: &Path, source: std::io::Error| Error::Io {
        message: format!("cannot {what} {}", at.display()),
        source,
    };
    let (temporary, mut file) = Temporary::create_beside(path).await.map_err(|(at, e)| io("create", &at, e))?;
    let mut written = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        file.write_all(&chunk).await.map_err(|e| io("write", &temporary.path, e))?;
        written += chunk.len() as u64;
    }
    file.flush().await.map_err(|e| io("write", &temporary.path, e))?;
    file.sync_all().await.map_err(|e| io("write", &temporary.path, e))?;
    drop(file);
    tokio::fs::rename(&temporary.path, path).await.map_err(|e| io("rename a download to", path, e))?;
    temporary.keep();
    Ok(written)
}

/// A temporary file this process created, removed when dropped unless kept:
/// `.{name}.{random}.part` beside the target.
struct Temporary {
    path: PathBuf,
    kept: bool,
}

impl Temporary {
    /// Creates the file under a name no one can predict, and only if nothing is there (not
    /// following a link planted under that name), trying a few names.
    async fn create_beside(path: &Path) -> Result<(Self, tokio::fs::File), (PathBuf, std::io::Error)> {
        let name = path.file_name().map_or_else(|| "download".into(), |n| n.to_string_lossy().into_owned());
        let mut tries = 0;
        loop {
            let candidate = path.with_file_name(format!(".{name}.{:016x}.part", random_u64()));
            match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&candidate).await {
                Ok(file) => return Ok((Temporary { path: candidate, kept: false }, file)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => return Err((candidate, e)),
            }
        }
    }

    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
