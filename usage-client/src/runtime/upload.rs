//! [`Upload`]: a binary request body in memory, read from a file as it is sent, or taken from any
//! stream of chunks, so a large upload is never held whole.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt;
use reqwest::header::CONTENT_LENGTH;
use tokio::io::AsyncReadExt;

use super::options::RequestOptions;
use super::Error;

/// How much of a file is read at a time.
const FILE_CHUNK: usize = 64 * 1024;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Chunks = std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A binary request body (`application/octet-stream`, images, archives…): what the builders of
/// operations with such a body take (`impl Into<Upload>`: a `Vec<u8>`, [`Bytes`] or a static byte string is a body in
/// memory, a `Path` or `PathBuf` a file).
///
/// - [`Upload::bytes`]: in memory; sent again on a retry like any other body.
/// - [`Upload::file`]: read from the file in 64 KiB chunks while it is sent, with its length as
///   `Content-Length`. The file is opened when the request is sent (a file that cannot be opened
///   is [`Error::Io`], before anything is sent).
/// - [`Upload::stream`]: any stream of chunks, with its length when known (else the body is sent
///   chunked).
///
/// A body from a file is opened again for each attempt, so it is retried (and sent again after a
/// `401` or along a redirect that keeps the body) like a body in memory. A body from a stream is
/// sent once: the retry loop cannot copy it, so such a request is not retried.
/// Clones of an `Upload` of a stream share it: the first request sent takes it, and a second is
/// [`Error::InvalidRequest`].
#[derive(Clone)]
pub struct Upload {
    source: Source,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    File(PathBuf),
    Stream { chunks: Arc<Mutex<Option<Chunks>>>, length: Option<u64> },
}

impl Upload {
    /// A body in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Upload { source: Source::Bytes(bytes.into()) }
    }

    /// The contents of the file at `path`, read as they are sent.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Upload { source: Source::File(path.into()) }
    }

    /// The chunks of `stream`, sent as they come; `length`, when given, is sent as
    /// `Content-Length` and must be the total of the chunks.
    pub fn stream<S, B, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        let chunks: Chunks = Box::pin(stream.map(|chunk| chunk.map(Into::into).map_err(Into::into)));
        Upload { source: Source::Stream { chunks: Arc::new(Mutex::new(Some(chunks))), length } }
    }

    /// The length sent as `Content-Length`, when known without reading: for bytes and streams
    /// given one (a file's is known once it is opened).
    pub fn length(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::File(_) => None,
            Source::Stream { length, .. } => *length,
        }
    }

    /// For generated code: the options to send `upload` with: a body read from a file is opened
    /// again for each attempt, so it is retried like a body in memory.
    #[doc(hidden)]
    pub fn options(upload: Option<&Upload>, options: &RequestOptions) -> RequestOptions {
        let mut options = options.clone();
        if let Some(Upload { source: Source::File(path) }) = upload {
            options.reopen = Some(Arc::new(path.clone()));
        }
        options
    }

    /// For generated code: `request` with this body (and its length, when known).
    #[doc(hidden)]
    pub async fn attach<E>(self, request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, Error<E>> {
        if let Source::Bytes(bytes) = self.source {
            return Ok(request.body(bytes));
        }
        Ok(match self.into_body().await? {
            (body, Some(length)) => request.header(CONTENT_LENGTH, length).body(body),
            (body, None) => request.body(body),
        })
    }

    /// The body to send and its length, when known: a file is opened here.
    pub(crate) async fn into_body<E>(self) -> Result<(reqwest::Body, Option<u64>), Error<E>> {
        Ok(match self.source {
            Source::Bytes(bytes) => {
                let length = bytes.len() as u64;
                (reqwest::Body::from(bytes), Some(length))
            }
            Source::File(path) => {
                let (body, length) =
                    file_body(&path).await.map_err(|(message, source)| Error::Io { message, source })?;
                (body, Some(length))
            }
            Source::Stream { chunks, length } => {
                let taken = chunks.lock().map(|mut chunks| chunks.take()).unwrap_or(None);
                let chunks = taken.ok_or_else(|| {
                    Error::InvalidRequest(
                        "the body stream was sent by an earlier request; a stream is sent once".into(),
                    )
                })?;
                (reqwest::Body::wrap_stream(chunks), length)
            }
        })
    }
}

/// The file at `path` as a body read while it is sent, and its length; or what failed.
pub(crate) async fn file_body(path: &Path) -> Result<(reqwest::Body, u64), (String, std::io::Error)> {
    let io = |source| (format!("cannot read {}", path.display()), source);
    let file = tokio::fs::File::open(path).await.map_err(io)?;
    let length = file.metadata().await.map_err(io)?.len();
    Ok((reqwest::Body::wrap_stream(file_chunks(file)), length))
}

/// The file's contents, a chunk at a time.
fn file_chunks(file: tokio::fs::File) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = BytesMut::with_capacity(FILE_CHUNK);
        match file.read_buf(&mut buffer).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buffer.freeze()), Some(file))),
            Err(error) => Some((Err(error), None)),
        }
    })
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload::bytes(bytes)
    }
}

impl<const N: usize> From<&'static [u8; N]> for Upload {
    fn from(bytes: &'static [u8; N]) -> Self {
        Upload::bytes(&bytes[..])
    }
}

impl From<&Path> for Upload {
    /// The file at the path: see [`Upload::file`].
    fn from(path: &Path) -> Self {
        Upload::file(path)
    }
}

impl From<PathBuf> for Upload {
    /// The file at the path: see [`Upload::file`].
    fn from(path: PathBuf) -> Self {
        Upload::file(path)
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the contents: a body may be private.
        match &self.source {
            Source::Bytes(bytes) => f.debug_struct("Upload").field("bytes", &bytes.len()).finish(),
            Source::File(path) => f.debug_struct("Upload").field("file", path).finish(),
            Source::Stream { length, .. } => f.debug_struct("Upload").field("stream", length).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_sizes_and_paths_never_contents() {
        let shown = format!("{:?}", Upload::from(b"secret bytes".to_vec()));
        assert_eq!(shown, "Upload { bytes: 12 }");
        assert_eq!(format!("{:?}", Upload::file("/tmp/x")), "Upload { file: \"/tmp/x\" }");
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"s"))]);
        assert_eq!(Upload::stream(stream, Some(1)).length(), Some(1));
    }
}
