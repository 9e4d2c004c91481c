//! Typed multipart bodies: the generated parts struct of an operation writes itself through
//! [`Multipart`], a part per property, and [`FilePart`] is a file part streamed from a file, a
//! stream or memory ([`Upload`]).
//!
//! How a property becomes parts, one rule for all: absent (`None`) is no part; a string is a
//! text part; a number or a boolean its JSON text; an array a part per item (repeated under the
//! property's name); an object, or any value whose `encoding` gives a JSON `contentType`, one
//! part of JSON text. The `encoding`'s `contentType` is the part's `Content-Type`. A form with
//! file parts streams, so its request is sent once (not retried).

use std::fmt;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::Value;

use super::upload::Upload;
use super::Error;

/// A file part of a multipart body: its contents (an [`Upload`]: a file read as it is sent, a
/// stream, or bytes), its file name, and the part's own `Content-Type` and headers.
///
/// ```
/// use usage_client::runtime::FilePart;
///
/// let part = FilePart::file("usage.csv").content_type("text/csv").header("X-Checksum", "abc123");
/// # let _ = part;
/// ```
#[derive(Clone)]
#[must_use]
pub struct FilePart {
    upload: Upload,
    file_name: Option<String>,
    content_type: Option<String>,
    headers: HeaderMap,
    /// A header that could not be made, reported when the request is sent.
    invalid: Option<String>,
}

impl FilePart {
    /// A part of these contents, without a file name.
    pub fn new(upload: impl Into<Upload>) -> Self {
        FilePart {
            upload: upload.into(),
            file_name: None,
            content_type: None,
            headers: HeaderMap::new(),
            invalid: None,
        }
    }

    /// The file at `path`, read as it is sent, named by the path's last component.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart { file_name: name, ..FilePart::new(Upload::file(path)) }
    }

    /// The `filename` of the part's `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type`, instead of the document's (its `encoding`) or
    /// `application/octet-stream`.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// A header of the part (those the document's `encoding` lists for it, say). A name or value
    /// that cannot be a header fails the request before anything is sent.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            _ => self.invalid = Some(format!("`{name}` with that value cannot be a header of a part")),
        }
        self
    }
}

impl From<Upload> for FilePart {
    fn from(upload: Upload) -> Self {
        FilePart::new(upload)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::new(bytes)
    }
}

impl From<&Path> for FilePart {
    /// The file at the path, named by its last component: see [`FilePart::file`].
    fn from(path: &Path) -> Self {
        FilePart::file(path)
    }
}

impl From<PathBuf> for FilePart {
    /// The file at the path, named by its last component: see [`FilePart::file`].
    fn from(path: PathBuf) -> Self {
        FilePart::file(path)
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be private: only their names are shown.
        let headers: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("FilePart")
            .field("upload", &self.upload)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("headers", &headers)
            .finish()
    }
}

/// For generated code: a multipart body written part by part, by the rule of this file's
/// documentation.
#[doc(hidden)]
pub struct Multipart {
    form: Option<Form>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl Multipart {
    pub fn new() -> Self {
        Multipart { form: Some(Form::new()) }
    }

    fn add(&mut self, name: &'static str, part: Part) {
        self.form = self.form.take().map(|form| form.part(name, part));
    }

    /// The parts of a property that is not a file; `content_type` is its `encoding`'s.
    pub fn value<E>(
        &mut self,
        name: &'static str,
        value: &impl Serialize,
        content_type: Option<&'static str>,
    ) -> Result<(), Error<E>> {
        let value = serde_json::to_value(value).map_err(|e| Error::InvalidRequest(format!("part `{name}`: {e}")))?;
        let json = content_type.is_some_and(is_json);
        match value {
            Value::Null => {}
            Value::Array(items) if !json => {
                for item in items.into_iter().filter(|item| !item.is_null()) {
                    self.add(name, part_of(name, item, content_type)?);
                }
            }
            value => self.add(name, part_of(name, value, content_type)?),
        }
        Ok(())
    }

    /// A file part; `content_type` is its `encoding`'s, for a part that sets none itself.
    pub async fn file<E>(
        &mut self,
        name: &'static str,
        file: FilePart,
        content_type: Option<&'static str>,
    ) -> Result<(), Error<E>> {
        if let Some(why) = file.invalid {
            return Err(Error::InvalidRequest(why));
        }
        let (body, length) = file.upload.into_body().await?;
        let part = match length {
            Some(length) => Part::stream_with_length(body, length),
            None => Part::stream(body),
        };
        let media_type = file.content_type.as_deref().or(content_type).unwrap_or("application/octet-stream");
        let mut part = mime(name, part, media_type)?.headers(file.headers);
        if let Some(file_name) = file.file_name {
            part = part.file_name(file_name);
        }
        self.add(name, part);
        Ok(())
    }

    pub fn finish(self) -> Form {
        self.form.unwrap_or_default()
    }
}

/// One part of a value: text for strings, numbers and booleans, JSON text for the rest (and for
/// any value when the `encoding` says JSON).
fn part_of<E>(name: &str, value: Value, content_type: Option<&'static str>) -> Result<Part, Error<E>> {
    let json = content_type.is_some_and(is_json);
    let (text, default_type) = match value {
        Value::String(text) if !json => (text, None),
        Value::Number(_) | Value::Bool(_) if !json => (value.to_string(), None),
        value => (value.to_string(), Some("application/json")),
    };
    let part = Part::text(text);
    match content_type.or(default_type) {
        Some(media_type) => mime(name, part, media_type),
        None => Ok(part),
    }
}

fn mime<E>(name: &str, part: Part, media_type: &str) -> Result<Part, Error<E>> {
    // An `encoding` may list several types (`image/png, image/jpeg`): the first is sent.
    let first = media_type.split(',').next().unwrap_or(media_type).trim();
    part.mime_str(first)
        .map_err(|e| Error::InvalidRequest(format!("part `{name}`: `{first}` is not a media type: {e}")))
}

fn is_json(media_type: &'static str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}
