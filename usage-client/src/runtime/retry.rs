//! When to send a request again, and how long to wait first.
//!
//! - `429 Too Many Requests` is always retried: the server did not process the request. The wait
//!   is the server's: `Retry-After` (seconds or an HTTP date), else the reset of the exhausted
//!   rate-limit bucket ([`RateLimit::reset_after_429`]), else exponential backoff with full jitter.
//! - `502`, `503`, `504`, the statuses added with [`RetryPolicy::retry_status`], and failures of
//!   the connection (including timeouts) are retried only for idempotent requests: those of an
//!   idempotent method (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), those marked so
//!   ([`RequestOptions::idempotent`](super::RequestOptions::idempotent)), and those that carry the
//!   idempotency key their operation documents. `Retry-After` is honoured when given, else backoff.
//! - A connection that was never established is retried whatever the request: nothing reached
//!   the server ([`RetryPolicy::retry_unsent`] turns this off).
//! - Nothing else is retried.
//!
//! Attempts are bounded by [`RetryPolicy::max_attempts`], and waiting by
//! [`RetryPolicy::max_elapsed`]: a wait that would end past the budget is not started.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use super::rate_limit::RateLimit;

/// How a client retries. The default: 3 attempts in all, within 2 minutes, backoff from 500 ms
/// capped at 30 s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    max_elapsed: Duration,
    base_delay: Duration,
    max_delay: Duration,
    /// Retried like `502`–`504`, besides them.
    statuses: Vec<u16>,
    unsent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            max_elapsed: Duration::from_secs(120),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            statuses: Vec::new(),
            unsent: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn disabled() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The time budget from the first attempt: no wait is started that would end after it.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// The first backoff ceiling; it doubles with each attempt.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest backoff ceiling (waits the server asks for are not capped, only budgeted).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Retries `status` too (`500`, `408`, …), for idempotent requests as `502`–`504` are.
    pub fn retry_status(mut self, status: u16) -> Self {
        if !self.statuses.contains(&status) {
            self.statuses.push(status);
        }
        self
    }

    /// Whether a request whose connection was never established is retried whatever its
    /// method (default: yes; nothing reached the server).
    pub fn retry_unsent(mut self, retry: bool) -> Self {
        self.unsent = retry;
        self
    }

    /// The most attempts a request gets, the first included (1 when retries are disabled).
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The time from the first attempt that no wait may end past (set by [`Self::max_elapsed`]).
    pub fn budget(&self) -> Duration {
        self.max_elapsed
    }

    /// Full jitter: a uniformly random wait up to `min(max_delay, base_delay × 2^(attempt−1))`.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let ceiling =
            self.base_delay.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1))).min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (nanos + 1))
    }
}

/// A random number without a dependency: std's hasher keys are random per `RandomState`.
pub(crate) fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.finish()
}

/// Called before each wait between attempts ([`super::ClientBuilder::on_retry`]).
pub(crate) type RetryObserver = std::sync::Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// What the transport tells a retry observer before it waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryEvent {
    /// The operation being retried, by its `operationId` in the API document.
    pub operation_id: &'static str,
    /// The attempt that failed, from 1.
    pub attempt: u32,
    /// How long the client waits before the next attempt.
    pub wait: Duration,
    /// Why, in a few words: `429 Too Many Requests`, `connection failed`, …
    pub reason: String,
}

/// The verdict on one attempt.
pub(crate) enum Verdict {
    /// Done: return this outcome to the caller.
    Done,
    /// Worth another attempt, after the server's wait if it named one.
    Retry { server_wait: Option<Duration>, reason: String },
}

pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// What is retried of a status, for a request that is `idempotent` or not.
pub(crate) fn judge_status(policy: &RetryPolicy, idempotent: bool, status: StatusCode, headers: &HeaderMap) -> Verdict {
    let reason = || match status.canonical_reason() {
        Some(text) => format!("{} {text}", status.as_u16()),
        None => status.as_u16().to_string(),
    };
    match status.as_u16() {
        429 => Verdict::Retry { server_wait: server_wait(headers, true), reason: reason() },
        code if idempotent && (matches!(code, 502..=504) || policy.statuses.contains(&code)) => {
            Verdict::Retry { server_wait: server_wait(headers, false), reason: reason() }
        }
        _ => Verdict::Done,
    }
}

/// Why no response came, in words that never carry the URL (reqwest's messages do), when it is a
/// failure of the connection (a retry may fare better); `None` for anything else.
pub(crate) fn failure_kind(error: &reqwest::Error) -> Option<&'static str> {
    if error.is_timeout() {
        Some("timed out")
    } else if error.is_connect() {
        Some("connection failed")
    } else if error.is_request() || error.is_body() {
        Some("connection lost")
    } else {
        None
    }
}

/// What is retried of a failure without a response, for a request that is `idempotent` or not.
pub(crate) fn judge_failure(policy: &RetryPolicy, idempotent: bool, error: &reqwest::Error) -> Verdict {
    // A connection never established sent nothing: safe to try again whatever the request.
    let unsent = policy.unsent && error.is_connect();
    if !(idempotent || unsent) {
        return Verdict::Done;
    }
    match failure_kind(error) {
        Some(reason) => Verdict::Retry { server_wait: None, reason: reason.to_owned() },
        None => Verdict::Done,
    }
}

/// The wait the server asks for: `Retry-After`, then (for 429) the rate-limit reset headers.
pub(crate) fn server_wait(headers: &HeaderMap, rate_limited: bool) -> Option<Duration> {
    if let Some(wait) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after) {
        return Some(wait);
    }
    if !rate_limited {
        return None;
    }
    RateLimit::reset_after_429(headers).map(until)
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    DateTime::parse_from_rfc2822(value).ok().map(|at| until(at.to_utc()))
}

fn until(at: DateTime<Utc>) -> Duration {
    (at - Utc::now()).to_std().unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("12"), Some(Duration::from_secs(12)));
        let soon = (Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let wait = parse_retry_after(&soon).expect("HTTP date");
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30), "{wait:?}");
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO), "past dates wait nothing");
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn backoff_stays_under_its_doubling_ceiling() {
        let policy =
            RetryPolicy::default().base_delay(Duration::from_millis(100)).max_delay(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(350));
            assert!(policy.backoff(30) <= Duration::from_millis(350));
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|_| policy.backoff(3)).collect();
        assert!(spread.len() > 10, "jittered, not fixed");
    }

    #[test]
    fn what_is_retried() {
        let none = HeaderMap::new();
        let policy = RetryPolicy::default();
        let judged = |policy: &RetryPolicy, m: Method, s: u16| {
            let status = StatusCode::from_u16(s).expect("status");
            matches!(judge_status(policy, is_idempotent(&m), status, &none), Verdict::Retry { .. })
        };
        let retried = |m: Method, s: u16| judged(&policy, m, s);
        assert!(retried(Method::POST, 429), "429 is retried whatever the method");
        assert!(retried(Method::GET, 503));
        assert!(retried(Method::PUT, 502));
        assert!(retried(Method::DELETE, 504));
        assert!(!retried(Method::POST, 503), "a POST may have been processed");
        assert!(!retried(Method::GET, 500));
        assert!(!retried(Method::GET, 404));
        assert!(!retried(Method::GET, 400));
        let wider = RetryPolicy::default().retry_status(500).retry_status(408);
        assert!(judged(&wider, Method::GET, 500) && judged(&wider, Method::GET, 408));
        assert!(!judged(&wider, Method::POST, 500), "added statuses are for idempotent requests");
        let marked = StatusCode::SERVICE_UNAVAILABLE;
        assert!(
            matches!(judge_status(&policy, true, marked, &none), Verdict::Retry { .. }),
            "a POST marked idempotent"
        );
    }
}
