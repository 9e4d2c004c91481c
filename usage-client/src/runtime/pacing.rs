//! Pacing by the rate-limit state servers report: requests wait for a window to reset instead of
//! running into `429`s, and every clone of a client (every task paging with it) shares one budget.
//!
//! Which buckets an operation counts against is the generated client's to say
//! ([`OperationInfo::rate_limits`](super::OperationInfo::rate_limits): the header prefixes its
//! responses document, e.g. `X-Organization-Rate-Limit`); nothing here names an API. For each
//! bucket the pacer keeps the last window a response reported (`{prefix}-Remaining` and
//! `{prefix}-Reset`) and the requests under way:
//!
//! - nothing known yet (or the window has reset): one request goes first and its response tells
//!   the rest how much is left;
//! - requests go while the remaining count exceeds the requests under way (those may not be
//!   counted in the figure yet);
//! - nothing left: requests wait until the reset, then one goes first again;
//! - a response without the bucket's headers: the bucket is not paced until they come back.
//!
//! Reports of one window (resets less than a second apart) keep the lowest remaining count, so
//! responses that arrive out of order never raise it; a report of an older window is ignored.
//! No wait ends after the request's retry budget ([`RetryPolicy::max_elapsed`](super::RetryPolicy::max_elapsed)):
//! a request that would have to wait longer is sent at once, and the server's answer decides.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::rate_limit::RateLimit;

/// How a client paces itself by the rate-limit headers its API documents. On by default; see
/// [`ClientBuilder::pacing`](super::ClientBuilder::pacing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacing {
    enabled: bool,
    after_reset: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing { enabled: true, after_reset: Duration::ZERO }
    }
}

impl Pacing {
    /// No pacing: requests go as soon as they are made, and only a `429` makes the client wait.
    pub fn disabled() -> Self {
        Pacing { enabled: false, ..Pacing::default() }
    }

    /// How long past an announced reset to wait before the first request of the new window
    /// (default none): for servers whose windows end later than the whole second they announce.
    pub fn after_reset(mut self, margin: Duration) -> Self {
        self.after_reset = margin;
        self
    }

    /// Whether requests wait for their rate-limit buckets; `false` after [`Pacing::disabled`].
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }
}

/// Resets closer than this belong to one window (a reset sent as seconds from now moves with the
/// moment each response was made).
const SAME_WINDOW: chrono::Duration = chrono::Duration::milliseconds(999);

/// The shared pacing state of a client and its clones.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    pacing: Pacing,
    buckets: Mutex<Vec<Bucket>>,
    /// Woken whenever a request of any bucket ends.
    changed: Notify,
}

#[derive(Debug)]
struct Bucket {
    /// The header prefix, lower case.
    prefix: String,
    window: Window,
    in_flight: u64,
}

#[derive(Clone, Copy, Debug)]
enum Window {
    /// No response has said anything yet.
    Unknown,
    /// The last response carried no usable state (`-Remaining` and `-Reset`): not paced.
    Silent,
    Known {
        remaining: u64,
        reset: DateTime<Utc>,
    },
}

/// What a request must do before it may go.
enum Verdict {
    Go,
    /// Wait for another request to end, and at most until `until` when given.
    Wait {
        until: Option<DateTime<Utc>>,
    },
}

impl Pacer {
    pub(crate) fn new(pacing: Pacing) -> Self {
        Pacer { pacing, ..Pacer::default() }
    }

    pub(crate) fn pacing(&self) -> &Pacing {
        &self.pacing
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Bucket>> {
        // The state stays consistent whatever panicked while holding it: every change is one step.
        self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until a request counting against `buckets` may go (never past `deadline`), and
    /// counts it as under way until the returned permit ends.
    pub(crate) async fn acquire(&self, buckets: &'static [&'static str], deadline: Instant) -> Permit<'_> {
        if !self.pacing.enabled || buckets.is_empty() {
            return Permit { pacer: None, buckets };
        }
        let mut announced = false;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let until = {
                let mut state = self.lock();
                match self.verdict(&mut state, buckets, Utc::now()) {
                    Verdict::Go => return self.take(&mut state, buckets),
                    Verdict::Wait { until } => until,
                }
            };
            let wake = match until {
                Some(at) => {
                    let wait = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                    let Some(wake) = Instant::now().checked_add(wait).filter(|wake| *wake <= deadline) else {
                        tracing::debug!(
                            wait_ms = millis(wait),
                            "the rate-limit window resets after the retry budget ends; sending now"
                        );
                        return self.take(&mut self.lock(), buckets);
                    };
                    if !announced {
                        tracing::info!(
                            buckets = ?buckets,
                            wait_ms = millis(wait),
                            "waiting for the rate-limit window to reset"
                        );
                        announced = true;
                    }
                    wake
                }
                None => deadline,
            };
            if tokio::time::timeout_at(wake, changed).await.is_err() && wake >= deadline {
                tracing::debug!("waited for the rate limit as long as the retry budget allows; sending now");
                return self.take(&mut self.lock(), buckets);
            }
        }
    }

    fn verdict(&self, state: &mut Vec<Bucket>, buckets: &[&str], now: DateTime<Utc>) -> Verdict {
        let mut blocked = false;
        let mut until: Option<DateTime<Utc>> = None;
        for prefix in buckets {
            let bucket = bucket(state, prefix);
            let first_of_window = match bucket.window {
                Window::Silent => false,
                Window::Unknown => true,
                Window::Known { reset, .. } if now >= self.renewal(reset) => true,
                Window::Known { remaining, .. } if remaining > bucket.in_flight => false,
                Window::Known { reset, .. } => {
                    blocked = true;
                    let at = self.renewal(reset);
                    until = Some(until.map_or(at, |other| other.max(at)));
                    continue;
                }
            };
            // One request learns the state of a window the others then share.
            if first_of_window && bucket.in_flight > 0 {
                blocked = true;
            }
        }
        if blocked {
            Verdict::Wait { until }
        } else {
            Verdict::Go
        }
    }

    /// When the window that resets at `reset` is taken to be over: the reset plus the margin.
    fn renewal(&self, reset: DateTime<Utc>) -> DateTime<Utc> {
        chrono::Duration::from_std(self.pacing.after_reset)
            .ok()
            .and_then(|margin| reset.checked_add_signed(margin))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn take(&self, state: &mut Vec<Bucket>, buckets: &'static [&'static str]) -> Permit<'_> {
        for prefix in buckets {
            bucket(state, prefix).in_flight += 1;
        }
        Permit { pacer: Some(self), buckets }
    }

    /// A request of `buckets` ended; `headers` are its response's, when one came.
    fn end(&self, buckets: &[&str], headers: Option<&HeaderMap>) {
        {
            let mut state = self.lock();
            for prefix in buckets {
                let bucket = bucket(&mut state, prefix);
                bucket.in_flight = bucket.in_flight.saturating_sub(1);
                if let Some(headers) = headers {
                    bucket.window = merge(bucket.window, RateLimit::of_bucket(headers, prefix));
                }
            }
        }
        self.changed.notify_waiters();
    }
}

/// The window after a response reported `report`.
fn merge(window: Window, report: Option<RateLimit>) -> Window {
    let Some(RateLimit { remaining: Some(remaining), reset: Some(reset), .. }) = report else {
        return Window::Silent;
    };
    match window {
        Window::Known { remaining: known, reset: at } if (reset - at).abs() <= SAME_WINDOW => {
            Window::Known { remaining: remaining.min(known), reset: reset.max(at) }
        }
        // A response from an earlier window, overtaken by a later one.
        Window::Known { reset: at, .. } if reset < at => window,
        _ => Window::Known { remaining, reset },
    }
}

fn bucket<'s>(state: &'s mut Vec<Bucket>, prefix: &str) -> &'s mut Bucket {
    let index = match state.iter().position(|b| b.prefix.eq_ignore_ascii_case(prefix)) {
        Some(index) => index,
        None => {
            state.push(Bucket { prefix: prefix.to_ascii_lowercase(), window: Window::Unknown, in_flight: 0 });
            state.len() - 1
        }
    };
    &mut state[index]
}

fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

/// A request counted as under way in its buckets until it ends: with a response
/// ([`Permit::finish`]), or without one (dropped: failed or cancelled).
pub(crate) struct Permit<'p> {
    pacer: Option<&'p Pacer>,
    buckets: &'static [&'static str],
}

impl Permit<'_> {
    /// The request got a response with these headers.
    pub(crate) fn finish(mut self, headers: &HeaderMap) {
        if let Some(pacer) = self.pacer.take() {
            pacer.end(self.buckets, Some(headers));
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some(pacer) = self.pacer.take() {
            pacer.end(self.buckets, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &[&str] = &["X-Organization-Rate-Limit"];

    fn headers(remaining: u64, reset: i64) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-organization-rate-limit-limit", "5".parse().expect("value"));
        headers.insert("x-organization-rate-limit-remaining", remaining.to_string().parse().expect("value"));
        headers.insert("x-organization-rate-limit-reset", reset.to_string().parse().expect("value"));
        headers
    }

    fn window(pacer: &Pacer) -> Window {
        pacer.lock()[0].window
    }

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(24 * 3600)
    }

    #[tokio::test]
    async fn one_request_learns_the_window_before_the_others_go() {
        let pacer = Pacer::default();
        let probe = pacer.acquire(ORG, far()).await;
        let waiting = tokio::time::timeout(Duration::from_millis(50), pacer.acquire(ORG, far())).await;
        assert!(waiting.is_err(), "a second request waits while nothing is known");
        let reset = Utc::now().timestamp() + 30;
        probe.finish(&headers(3, reset));
        let permits =
            [pacer.acquire(ORG, far()).await, pacer.acquire(ORG, far()).await, pacer.acquire(ORG, far()).await];
        assert_eq!(pacer.lock()[0].in_flight, 3);
        let fourth = tokio::time::timeout(Duration::from_millis(50), pacer.acquire(ORG, far())).await;
        assert!(fourth.is_err(), "three remaining, three under way: the fourth waits");
        drop(permits);
        assert_eq!(pacer.lock()[0].in_flight, 0, "dropped permits end their requests");
    }

    #[tokio::test]
    async fn reports_of_one_window_keep_the_lowest_count_and_older_windows_are_ignored() {
        let pacer = Pacer::default();
        let reset = Utc::now().timestamp() + 30;
        pacer.acquire(ORG, far()).await.finish(&headers(2, reset));
        pacer.acquire(ORG, far()).await.finish(&headers(4, reset));
        assert!(matches!(window(&pacer), Window::Known { remaining: 2, .. }), "{:?}", window(&pacer));
        pacer.acquire(ORG, far()).await.finish(&headers(9, reset - 10));
        assert!(matches!(window(&pacer), Window::Known { remaining: 2, .. }), "an older window: {:?}", window(&pacer));
        pacer.acquire(ORG, far()).await.finish(&headers(9, reset + 10));
        assert!(matches!(window(&pacer), Window::Known { remaining: 9, .. }), "a newer window: {:?}", window(&pacer));
        pacer.acquire(ORG, far()).await.finish(&HeaderMap::new());
        assert!(matches!(window(&pacer), Window::Silent), "no headers, no pacing: {:?}", window(&pacer));
    }

    #[tokio::test]
    async fn nothing_left_waits_for_the_reset_within_the_budget() {
        let pacer = Pacer::default();
        // The reset is a whole second: at least 1 s and at most 2 s away.
        let reset = Utc::now().timestamp() + 2;
        pacer.acquire(ORG, far()).await.finish(&headers(0, reset));
        let started = Instant::now();
        let budget = started + Duration::from_millis(300);
        drop(pacer.acquire(ORG, budget).await);
        assert!(started.elapsed() < Duration::from_millis(200), "a reset past the budget is not waited for");
        let permit = pacer.acquire(ORG, far()).await;
        assert!(Utc::now().timestamp() >= reset, "sent at {} before the reset {reset}", Utc::now());
        drop(permit);
    }

    #[tokio::test]
    async fn disabled_or_unpaced_operations_never_wait() {
        let prompt = Duration::from_millis(50);
        let pacer = Pacer::new(Pacing::disabled());
        let reset = Utc::now().timestamp() + 30;
        let first = pacer.acquire(ORG, far()).await;
        let second = tokio::time::timeout(prompt, pacer.acquire(ORG, far())).await;
        assert!(second.is_ok(), "pacing disabled: nothing waits");
        let pacer = Pacer::default();
        pacer.acquire(ORG, far()).await.finish(&headers(0, reset));
        let unpaced = tokio::time::timeout(prompt, pacer.acquire(&[], far())).await;
        assert!(unpaced.is_ok(), "an operation that counts in no bucket never waits");
        let exhausted = tokio::time::timeout(prompt, pacer.acquire(ORG, far())).await;
        assert!(exhausted.is_err(), "but one of the exhausted bucket does");
        drop(first);
    }

    #[tokio::test]
    async fn the_margin_moves_the_end_of_a_window() {
        let pacer = Pacer::new(Pacing::default().after_reset(Duration::from_secs(3600)));
        let reset = Utc::now().timestamp() - 1;
        pacer.acquire(ORG, far()).await.finish(&headers(0, reset));
        let waited = tokio::time::timeout(Duration::from_millis(50), pacer.acquire(ORG, far())).await;
        assert!(waited.is_err(), "a reset a second ago plus an hour's margin is still ahead");
        let huge = Pacer::new(Pacing::default().after_reset(Duration::MAX));
        huge.acquire(ORG, far()).await.finish(&headers(0, reset));
        let budget = Instant::now() + Duration::from_millis(20);
        drop(huge.acquire(ORG, budget).await);
    }
}
