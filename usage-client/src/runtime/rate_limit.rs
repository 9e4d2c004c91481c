//! The rate-limit state servers report in headers.

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

use super::ResponseValue;

/// The rate-limit state a response reports: ThousandEyes' `X-Organization-Rate-Limit-{Limit,
/// Remaining,Reset}` (reset in epoch seconds), or the widespread `X-RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<DateTime<Utc>>,
}

const FAMILIES: &[[&str; 3]] = &[
    ["x-organization-rate-limit-limit", "x-organization-rate-limit-remaining", "x-organization-rate-limit-reset"],
    ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"],
];

impl RateLimit {
    /// The state in `headers`, or `None` when they carry none.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        FAMILIES.iter().find_map(|[limit, remaining, reset]| {
            let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
            let state = RateLimit {
                limit: number(limit),
                remaining: number(remaining),
                reset: number(reset).and_then(|s| DateTime::from_timestamp(i64::try_from(s).ok()?, 0)),
            };
            (state.limit.is_some() || state.remaining.is_some() || state.reset.is_some()).then_some(state)
        })
    }
}

/// `rate_limit()` on successful responses (errors have [`super::Error::rate_limit`]).
pub trait RateLimitExt {
    /// The rate-limit state the response reported, if any.
    fn rate_limit(&self) -> Option<RateLimit>;
}

impl<T> RateLimitExt for ResponseValue<T> {
    fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(self.headers())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_organization_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("X-Organization-Rate-Limit-Limit", "240".parse().expect("value"));
        headers.insert("X-Organization-Rate-Limit-Remaining", "0".parse().expect("value"));
        headers.insert("X-Organization-Rate-Limit-Reset", "1700000000".parse().expect("value"));
        let state = RateLimit::from_headers(&headers).expect("present");
        assert_eq!(state.limit, Some(240));
        assert_eq!(state.remaining, Some(0));
        assert_eq!(state.reset.map(|r| r.timestamp()), Some(1_700_000_000));
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
    }
}
