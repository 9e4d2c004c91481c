//! Timing: runs, medians with min–max, and how they are shown.

use std::time::{Duration, Instant};

/// Median, minimum and maximum of some durations.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    /// The middle sample, or the mean of the two middle ones for an even count.
    pub median: Duration,
    /// The fastest sample.
    pub min: Duration,
    /// The slowest sample.
    pub max: Duration,
}

impl Stats {
    /// The figures of `samples`, in any order; all zero when there are none.
    pub fn of(samples: &[Duration]) -> Stats {
        let mut sorted = samples.to_vec();
        sorted.sort();
        let n = sorted.len();
        let median = if n == 0 {
            Duration::ZERO
        } else if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        };
        Stats {
            median,
            min: sorted.first().copied().unwrap_or_default(),
            max: sorted.last().copied().unwrap_or_default(),
        }
    }

    /// `12.3 ms (11.9–13.0)`, in the unit that suits the median.
    pub fn show(&self) -> String {
        let (scale, unit) = unit_of(self.median);
        let v = |d: Duration| d.as_secs_f64() * scale;
        format!(
            "{:.*} {unit} ({:.*}–{:.*})",
            digits(v(self.median)),
            v(self.median),
            digits(v(self.min)),
            v(self.min),
            digits(v(self.max)),
            v(self.max)
        )
    }
}

fn unit_of(d: Duration) -> (f64, &'static str) {
    if d >= Duration::from_secs(1) {
        (1.0, "s")
    } else if d >= Duration::from_millis(1) {
        (1e3, "ms")
    } else {
        (1e6, "µs")
    }
}

fn digits(v: f64) -> usize {
    if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    }
}

/// Runs `f` once to warm up, then `runs` times, timing each run.
pub(super) fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T, String>) -> Result<Stats, String> {
    f()?;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed());
    }
    Ok(Stats::of(&samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_take_the_middle_and_the_extremes() {
        let ms = |v: &[u64]| v.iter().map(|&m| Duration::from_millis(m)).collect::<Vec<_>>();
        let odd = Stats::of(&ms(&[30, 10, 20]));
        assert_eq!(
            (odd.median, odd.min, odd.max),
            (Duration::from_millis(20), Duration::from_millis(10), Duration::from_millis(30))
        );
        let even = Stats::of(&ms(&[40, 10, 20, 30]));
        assert_eq!(even.median, Duration::from_millis(25));
        assert_eq!(Stats::of(&ms(&[1500, 1500, 2250])).show(), "1.50 s (1.50–2.25)");
        assert_eq!(Stats::of(&ms(&[12, 11, 13])).show(), "12.0 ms (11.0–13.0)");
        assert_eq!(Stats::of(&[Duration::from_micros(350)]).show(), "350 µs (350–350)");
    }
}
