//! What every generated API module shares: building a client, sending requests (with retries,
//! timeouts and credentials), reading responses, paging, and the error type. Hand-written and the
//! same for every API; generated modules reach it as `crate::runtime`.
//!
//! Success values are progenitor-client's [`ResponseValue`] (body, status and headers). Errors are
//! our own [`Error`], which keeps status, headers and the raw body of every response, where
//! progenitor-client's keeps only the bytes of a body that did not decode.

mod config;
mod decode;
mod error;
mod paginate;
mod query;
mod rate_limit;
mod response;
mod retry;
mod transport;

pub use config::{
    default_http_client, ClientBuilder, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, USER_AGENT,
};
pub use error::{Documented, Error, ErrorResponse};
pub use futures_core::Stream;
pub use futures_util::{StreamExt, TryStreamExt};
pub use paginate::{items, pages};
pub use progenitor_client::{encode_path, ResponseValue};
pub use query::Query;
pub use rate_limit::{RateLimit, RateLimitExt};
pub use response::RawResponse;
pub use retry::{RetryEvent, RetryPolicy};
pub use transport::Transport;

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

/// How an object-valued query parameter is written (OpenAPI `style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `form`, `explode: false`: `name=k1,v1,k2,v2` (arrays: `name=a,b`).
    Form,
    /// `form`, `explode: true`: `k1=v1&k2=v2` (arrays: `name=a&name=b`).
    Exploded,
    /// `deepObject`: `name[k1]=v1&name[k2]=v2`.
    DeepObject,
}

/// A parameter value of any serializable type as one string: strings as they are, numbers and
/// booleans as written in JSON, arrays joined with `,`, objects as JSON text.
pub fn query_value<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_value(value).map(|v| scalar(&v)).unwrap_or_default()
}

pub(crate) fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(items) => join(items.iter().map(scalar), ","),
        other => other.to_string(),
    }
}

/// The `Cookie` header for cookie parameters (`name=value; …`), values percent-encoded; `None`
/// when no cookie is set.
pub fn cookie_header<const N: usize>(cookies: [(&str, Option<String>); N]) -> Option<String> {
    let set: Vec<String> =
        cookies.into_iter().filter_map(|(name, value)| Some(format!("{name}={}", encode_path(&value?)))).collect();
    (!set.is_empty()).then(|| set.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_values_and_cookies() {
        assert_eq!(query_value(&serde_json::json!(["a", "b"])), "a,b");
        assert_eq!(query_value(&serde_json::json!({"k": 1})), "{\"k\":1}");
        assert_eq!(cookie_header([("a", Some("1 2".into())), ("b", None)]).as_deref(), Some("a=1%202"));
        assert_eq!(cookie_header([("a", None)]), None);
    }

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
