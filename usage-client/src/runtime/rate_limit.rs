//! The rate-limit state servers report in headers.
//!
//! Nothing here names one API's headers. A family of rate-limit headers is any three headers named
//! `{prefix}-Limit`, `{prefix}-Remaining` and `{prefix}-Reset` whose prefix says it is a rate limit
//! (it contains `ratelimit` or `rate-limit`, in any case): `X-RateLimit-*`, the IETF draft's
//! `RateLimit-*`, or a vendor's own such as `X-Organization-Rate-Limit-*`. One response may carry
//! several families (one per bucket the request counts against); each is read.

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

use super::ResponseValue;

/// The rate-limit state a response reports for one bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<DateTime<Utc>>,
}

/// A `-Reset` value at least this large is a moment (seconds since the epoch, as most vendors
/// send it); a smaller one is a number of seconds from now (as the IETF draft's `RateLimit-Reset`).
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

const PARTS: [&str; 3] = ["-limit", "-remaining", "-reset"];

impl RateLimit {
    /// The state of the most constrained bucket `headers` report (the one with the fewest
    /// requests remaining), or `None` when they carry none.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let all = Self::buckets(headers);
        all.iter().map(|(_, state)| *state).min_by_key(|state| state.remaining.unwrap_or(u64::MAX))
    }

    /// Every bucket `headers` report, by header prefix (lowercase, e.g.
    /// `x-organization-rate-limit`), in the order their headers first appear.
    pub fn buckets(headers: &HeaderMap) -> Vec<(String, RateLimit)> {
        let mut prefixes: Vec<&str> = Vec::new();
        for name in headers.keys() {
            let name = name.as_str();
            let Some(prefix) = PARTS.iter().find_map(|part| name.strip_suffix(part)) else { continue };
            if (prefix.contains("ratelimit") || prefix.contains("rate-limit")) && !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
        }
        let now = Utc::now();
        prefixes.into_iter().filter_map(|prefix| Some((prefix.to_owned(), Self::read(headers, prefix, now)?))).collect()
    }

    /// The state of the bucket whose headers start with `prefix` (any case, e.g.
    /// `X-Organization-Rate-Limit`), or `None` when `headers` carry none of its three headers.
    pub fn of_bucket(headers: &HeaderMap, prefix: &str) -> Option<RateLimit> {
        Self::read(headers, prefix, Utc::now())
    }

    fn read(headers: &HeaderMap, prefix: &str, now: DateTime<Utc>) -> Option<RateLimit> {
        let number = |part: &str| headers.get(format!("{prefix}{part}"))?.to_str().ok()?.trim().parse::<u64>().ok();
        let reset = number("-reset").and_then(|value| {
            if value >= EPOCH_THRESHOLD {
                DateTime::from_timestamp(i64::try_from(value).ok()?, 0)
            } else {
                now.checked_add_signed(chrono::Duration::seconds(i64::try_from(value).ok()?))
            }
        });
        let state = RateLimit { limit: number("-limit"), remaining: number("-remaining"), reset };
        (state.limit.is_some() || state.remaining.is_some() || state.reset.is_some()).then_some(state)
    }

    /// When a request may be sent again after a `429`: the reset of a bucket with nothing
    /// remaining, else the latest reset any bucket reports.
    pub(crate) fn reset_after_429(headers: &HeaderMap) -> Option<DateTime<Utc>> {
        let buckets = Self::buckets(headers);
        let exhausted = buckets.iter().filter(|(_, s)| s.remaining == Some(0)).filter_map(|(_, s)| s.reset).max();
        exhausted.or_else(|| buckets.iter().filter_map(|(_, s)| s.reset).max())
    }
}

/// `rate_limit()` on successful responses (errors have [`super::Error::rate_limit`]).
pub trait RateLimitExt {
    /// The rate-limit state the response reported, if any (see [`RateLimit::from_headers`]).
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

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().expect("value"));
        }
        headers
    }

    #[test]
    fn reads_any_family_of_rate_limit_headers() {
        let vendor = headers(&[
            ("X-Organization-Rate-Limit-Limit", "240"),
            ("X-Organization-Rate-Limit-Remaining", "0"),
            ("X-Organization-Rate-Limit-Reset", "1700000000"),
        ]);
        let state = RateLimit::from_headers(&vendor).expect("present");
        assert_eq!(state.limit, Some(240));
        assert_eq!(state.remaining, Some(0));
        assert_eq!(state.reset.map(|r| r.timestamp()), Some(1_700_000_000));
        let common = headers(&[("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "59")]);
        assert_eq!(RateLimit::from_headers(&common).and_then(|s| s.remaining), Some(59));
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
        let unrelated = headers(&[("X-Page-Limit", "10"), ("X-Page-Remaining", "3")]);
        assert_eq!(RateLimit::from_headers(&unrelated), None, "only headers that say they are a rate limit");
    }

    #[test]
    fn several_buckets_and_the_most_constrained_one() {
        let both = headers(&[
            ("X-Organization-Rate-Limit-Remaining", "100"),
            ("X-Instant-Test-Rate-Limit-Remaining", "2"),
            ("X-Instant-Test-Rate-Limit-Reset", "1700000060"),
        ]);
        let buckets = RateLimit::buckets(&both);
        let prefixes: Vec<&str> = buckets.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(prefixes, ["x-organization-rate-limit", "x-instant-test-rate-limit"]);
        assert_eq!(RateLimit::from_headers(&both).and_then(|s| s.remaining), Some(2));
        let instant = RateLimit::of_bucket(&both, "X-Instant-Test-Rate-Limit").expect("documented bucket");
        assert_eq!((instant.remaining, instant.reset.map(|r| r.timestamp())), (Some(2), Some(1_700_000_060)));
        assert_eq!(RateLimit::of_bucket(&both, "x-organization-rate-limit").and_then(|s| s.limit), None);
        assert_eq!(RateLimit::of_bucket(&both, "X-Other-Rate-Limit"), None);
    }

    #[test]
    fn small_resets_are_seconds_from_now() {
        let draft = headers(&[("RateLimit-Limit", "10"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "30")]);
        let reset = RateLimit::from_headers(&draft).and_then(|s| s.reset).expect("reset");
        let wait = (reset - Utc::now()).num_seconds();
        assert!((28..=30).contains(&wait), "{wait}");
        let again = RateLimit::reset_after_429(&draft).expect("an exhausted bucket");
        assert!((again - reset).num_seconds().abs() <= 1, "{again} vs {reset}");
    }
}
