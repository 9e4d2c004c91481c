//! Decoding a [`RawResponse`] into what an operation returns: its success value, or an [`Error`].
//! Generated `send` functions and error enums call these.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::decode_error::DecodeError;
use super::error::ErrorResponse;
use super::response::RawResponse;
use super::{Error, ResponseValue};

impl RawResponse {
    /// The body as JSON text: an empty body (a 204 that declares a JSON type, say) reads as
    /// `null`, which the types that allow nothing (`()`, `Option`, `serde_json::Value`) accept.
    fn json_text(&self) -> &[u8] {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        }
    }

    /// Decodes a JSON body (any `application/json` or `+json` media type).
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        self.json_into(|value| value)
    }

    /// A text body; bytes that are not UTF-8 are replaced, never rejected.
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        self.text_into(|text| text)
    }

    /// The body as it came, for binary and other non-text media types.
    pub fn bytes(self) -> ResponseValue<Bytes> {
        self.bytes_into(|bytes| bytes)
    }

    /// A response without a body (204, for example).
    pub fn empty(self) -> ResponseValue<()> {
        self.empty_into(())
    }

    /// A JSON body decoded and wrapped in a variant of the operation's response enum.
    pub fn json_into<T: DeserializeOwned, U, E>(
        self,
        variant: impl FnOnce(T) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        match serde_json::from_slice(self.json_text()) {
            Ok(value) => Ok(ResponseValue::new(variant(value), self.status, self.headers)),
            Err(source) => Err(self.invalid(source)),
        }
    }

    /// A text body wrapped in a variant of the operation's response enum; like [`Self::text`],
    /// bytes that are not UTF-8 are replaced.
    pub fn text_into<U, E>(self, variant: impl FnOnce(String) -> U) -> Result<ResponseValue<U>, Error<E>> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Ok(ResponseValue::new(variant(text), self.status, self.headers))
    }

    /// The body as it came, wrapped in a variant of the operation's response enum.
    pub fn bytes_into<U>(self, variant: impl FnOnce(Bytes) -> U) -> ResponseValue<U> {
        ResponseValue::new(variant(self.body), self.status, self.headers)
    }

    /// A response without a body, answered as `value` (the variant of the operation's
    /// response enum for its status); a body, if any, is dropped.
    pub fn empty_into<U>(self, value: U) -> ResponseValue<U> {
        ResponseValue::new(value, self.status, self.headers)
    }

    /// A documented error status with a JSON body, decoded into the operation's error enum.
    pub fn error_json<T: DeserializeOwned, E>(self, variant: impl FnOnce(T) -> E) -> Error<E> {
        match serde_json::from_slice(self.json_text()) {
            Ok(value) => Error::ErrorResponse(Box::new(ErrorResponse::new(variant(value), self))),
            Err(source) => self.invalid(source),
        }
    }

    /// A documented error status with a text body, wrapped in a variant of the operation's
    /// error enum; bytes that are not UTF-8 are replaced.
    pub fn error_text<E>(self, variant: impl FnOnce(String) -> E) -> Error<E> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Error::ErrorResponse(Box::new(ErrorResponse::new(variant(text), self)))
    }

    /// A documented error status with a binary body, wrapped in a variant of the operation's
    /// error enum.
    pub fn error_bytes<E>(self, variant: impl FnOnce(Vec<u8>) -> E) -> Error<E> {
        let bytes = self.body.to_vec();
        Error::ErrorResponse(Box::new(ErrorResponse::new(variant(bytes), self)))
    }

    /// A documented error status without a body.
    pub fn error_empty<E>(self, value: E) -> Error<E> {
        Error::ErrorResponse(Box::new(ErrorResponse::new(value, self)))
    }

    /// A status the operation does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedResponse(Box::new(self))
    }

    /// A body that did not decode: the path of the failing value is found now, on the failure
    /// path only (see [`DecodeError`]).
    #[cold]
    fn invalid<E>(self, source: serde_json::Error) -> Error<E> {
        let source = DecodeError::new(source, self.json_text());
        Error::InvalidResponsePayload { response: Box::new(self), source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;

    fn raw(status: u16, body: &'static str) -> RawResponse {
        RawResponse {
            url: reqwest::Url::parse("http://127.0.0.1/x").expect("url"),
            status: StatusCode::from_u16(status).expect("status"),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
            attempts: 1,
            retry_after: None,
        }
    }

    #[test]
    fn an_empty_json_body_reads_as_null() {
        let value = raw(204, "").json::<serde_json::Value, ()>().expect("null");
        assert_eq!(*value, serde_json::Value::Null);
        raw(200, " \n").json::<(), ()>().expect("unit");
        assert!(raw(200, "").json::<std::collections::BTreeMap<String, i64>, ()>().is_err(), "an object needs a body");
    }
}
