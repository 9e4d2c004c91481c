//! What every generated API module shares: building a client, sending requests (with retries,
//! timeouts and credentials), reading responses, paging, and the error type. Hand-written and the
//! same for every API; generated modules reach it as `crate::runtime`.
//!
//! Success values are progenitor-client's [`ResponseValue`] (body, status and headers). Errors are
//! our own [`Error`], which keeps status, headers and the raw body of every response, where
//! progenitor-client's keeps only the bytes of a body that did not decode.

mod error;
mod paginate;
mod rate_limit;
mod retry;
mod transport;

pub use error::{Documented, Error, ErrorResponse};
pub use futures_core::Stream;
pub use futures_util::{StreamExt, TryStreamExt};
pub use paginate::{items, pages};
pub use progenitor_client::{encode_path, ResponseValue};
pub use rate_limit::{RateLimit, RateLimitExt};
pub use retry::{RetryEvent, RetryPolicy};
pub use transport::{default_http_client, ClientBuilder, ConfigError, RawResponse, Transport, USER_AGENT};

/// Identifies the operation a request belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operationId from the document.
    pub operation_id: &'static str,
    /// Whether the operation requires credentials.
    pub authenticated: bool,
}

/// A date-time as RFC 3339 in UTC with a `Z`, fractional seconds only when there are some.
pub fn format_date_time(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Joins parameter values with `separator` (`,` for `form` with `explode: false`).
pub fn join(values: impl Iterator<Item = String>, separator: &str) -> String {
    let mut out = String::new();
    for (i, value) in values.enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_rfc3339_utc_with_z() {
        let t = chrono::DateTime::parse_from_rfc3339("2022-07-17T22:00:54+00:00").expect("valid").to_utc();
        assert_eq!(format_date_time(&t), "2022-07-17T22:00:54Z");
        let t = chrono::DateTime::parse_from_rfc3339("2022-07-18T00:00:54.250+02:00").expect("valid").to_utc();
        assert_eq!(format_date_time(&t), "2022-07-17T22:00:54.250Z");
    }

    #[test]
    fn join_separates_items() {
        assert_eq!(join(["a", "b", "c"].iter().map(|s| s.to_string()), ","), "a,b,c");
        assert_eq!(join(std::iter::empty(), ","), "");
    }
}
