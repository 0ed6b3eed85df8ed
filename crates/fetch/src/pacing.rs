//! The arithmetic of pacing, kept pure so it can be tested by table: how
//! long a `Retry-After` asks for, how long to back off after a failure, and
//! how a host's interval grows when it slows down.
//!
//! The adaptive delay follows Heritrix's politeness policy: the wait before
//! the next request to a host is the last request's duration times a delay
//! factor (Heritrix's default is 5), never below the configured interval and
//! never above the configured maximum, so a server that struggles is given
//! room in proportion to how much it struggles.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

/// Heritrix's default delay factor: wait five times as long as the last
/// request took.
pub const ADAPTIVE_DELAY_FACTOR: u32 = 5;

/// The wait a `Retry-After` value asks for at `now`: delay-seconds or an
/// HTTP-date (a date in the past asks for nothing). `None` when the value is
/// neither.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let now = SystemTime::from(now);
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before retry number `attempt + 1`: `base` doubled per attempt,
/// plus up to half again as jitter (`jitter` in `[0, 1)`), at most `cap`.
pub fn backoff(attempt: u32, base: Duration, jitter: f64, cap: Duration) -> Duration {
    let exponential = base.saturating_mul(2u32.saturating_pow(attempt.min(16)));
    let jitter = exponential.mul_f64(jitter.clamp(0.0, 1.0) / 2.0);
    exponential.saturating_add(jitter).min(cap)
}

/// The interval the host's last response time asks for (Heritrix's delay
/// factor), at most `cap`.
pub fn adaptive_interval(last_response_time: Duration, cap: Duration) -> Duration {
    last_response_time
        .saturating_mul(ADAPTIVE_DELAY_FACTOR)
        .min(cap)
}

/// A small deterministic source of jitter (xorshift64*), seeded per fetcher
/// so tests can replay it; jitter needs spread, not secrecy.
#[derive(Debug, Clone)]
pub(crate) struct Jitter {
    state: u64,
}

impl Jitter {
    pub(crate) fn new(seed: u64) -> Jitter {
        Jitter {
            state: seed | 1, // xorshift must not start at zero
        }
    }

    /// The next value in `[0, 1)`.
    pub(crate) fn next_fraction(&mut self) -> f64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let value = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (value >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_takes_both_forms() {
        let now = Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap();
        let check = |value: &str, expected: Option<Duration>| {
            assert_eq!(retry_after(value, now), expected, "{value:?}");
        };
        check("3", Some(Duration::from_secs(3)));
        check(" 0 ", Some(Duration::ZERO));
        check(
            "Wed, 01 Jan 2025 12:00:07 GMT",
            Some(Duration::from_secs(7)),
        );
        check("Wed, 01 Jan 2025 11:00:00 GMT", Some(Duration::ZERO));
        check("soon", None);
        check("-5", None);
        check("1.5", None);
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let base = Duration::from_secs(1);
        let cap = Duration::from_secs(60);
        let check = |attempt: u32, jitter: f64, expected: Duration| {
            assert_eq!(
                backoff(attempt, base, jitter, cap),
                expected,
                "{attempt} {jitter}"
            );
        };
        check(0, 0.0, Duration::from_secs(1));
        check(1, 0.0, Duration::from_secs(2));
        check(2, 0.0, Duration::from_secs(4));
        check(2, 0.5, Duration::from_secs(5));
        check(3, 0.999_999, Duration::from_secs(8).mul_f64(1.499_999_5));
        check(10, 0.0, cap);
        check(u32::MAX, 0.9, cap);
    }

    #[test]
    fn adaptive_interval_follows_heritrix() {
        let cap = Duration::from_secs(30);
        assert_eq!(
            adaptive_interval(Duration::from_millis(200), cap),
            Duration::from_secs(1)
        );
        assert_eq!(adaptive_interval(Duration::from_secs(20), cap), cap);
        assert_eq!(adaptive_interval(Duration::ZERO, cap), Duration::ZERO);
    }

    #[test]
    fn jitter_stays_in_range_and_spreads() {
        let mut jitter = Jitter::new(42);
        let values: Vec<f64> = (0..1000).map(|_| jitter.next_fraction()).collect();
        assert!(values.iter().all(|value| (0.0..1.0).contains(value)));
        assert!(values.iter().any(|value| *value < 0.1));
        assert!(values.iter().any(|value| *value > 0.9));
    }
}
