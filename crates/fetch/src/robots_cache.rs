//! The persisted robots.txt cache, as the fetch layer sees it: a trait the
//! crawler implements over the store, so scheduled runs do not fetch every
//! host's robots.txt again within its 24 hours, and fetch still knows
//! nothing of the store. Only readable files (2xx, 4xx) are kept: an
//! unreachable robots.txt must be tried again, not remembered.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

/// One host's robots.txt response as it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRobots {
    /// The URL finally read (after same-host redirects).
    pub url: String,
    /// When it was read; it is trusted for `ROBOTS_TTL` after this.
    pub fetched_at: DateTime<Utc>,
    pub status: u16,
    /// The body as decoded for parsing, at most `MAX_ROBOTS_BYTES`.
    pub body: Vec<u8>,
}

/// Where robots.txt responses outlive a run. Failures are the
/// implementation's to log; a cache that cannot answer just means the file
/// is fetched again.
pub trait RobotsCache: Send + Sync + 'static {
    /// The stored response for `host_key` (`host:port`), if any.
    fn load<'a>(
        &'a self,
        host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<StoredRobots>> + Send + 'a>>;
    /// Stores `robots` as the latest for `host_key`.
    fn save<'a>(
        &'a self,
        host_key: &'a str,
        robots: StoredRobots,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

/// A cache that keeps nothing (tests, one-off commands).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRobotsCache;

impl RobotsCache for NoRobotsCache {
    fn load<'a>(
        &'a self,
        _host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<StoredRobots>> + Send + 'a>> {
        Box::pin(async { None })
    }

    fn save<'a>(
        &'a self,
        _host_key: &'a str,
        _robots: StoredRobots,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async {})
    }
}
