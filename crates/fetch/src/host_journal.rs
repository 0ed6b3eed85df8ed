//! The persisted pacing of each host, as the fetch layer sees it: a trait
//! the crawler implements over the store, so that politeness survives a
//! restart (a crash, a SIGKILL, a power cut) and fetch still knows nothing
//! of the store, the same pattern as the robots cache.
//!
//! Per host the fetcher writes, *before* each request is sent, that a
//! request is in flight since a UTC instant, and after it, when it ended,
//! how long it took and any `Retry-After` or backoff deadline. A journal
//! must make the first write durable before it returns: a new process that
//! finds a request in flight cannot know when it ended, so it assumes "just
//! now" and waits a whole interval from its own start, which is never
//! sooner than an uninterrupted run would have asked.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// What a host's next request must respect, in wall-clock time so that it
/// outlives the process (monotonic instants do not).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostPacing {
    /// Set while a request is in flight: when it was sent. A journal that
    /// still holds it after a restart means the process died mid-request.
    pub in_flight_since: Option<DateTime<Utc>>,
    /// When the last completed request to the host ended.
    pub last_finished_at: Option<DateTime<Utc>>,
    /// How long that request took (for the adaptive delay).
    pub last_response_time: Option<Duration>,
    /// No request before this (a `Retry-After` or a backoff).
    pub not_before: Option<DateTime<Utc>>,
}

/// What a journal knows of a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacingLookup {
    /// No request to the host was ever journalled.
    NeverSeen,
    Known(HostPacing),
    /// The journal could not be read: the fetcher waits a full interval
    /// from now, as if a request had just ended.
    Unreadable,
}

/// Where host pacing outlives a process. Failures are the implementation's
/// to log; a journal that cannot answer `load` says
/// [`PacingLookup::Unreadable`].
pub trait HostJournal: Send + Sync + 'static {
    /// The stored pacing of `host_key` (`host:port`).
    fn load<'a>(
        &'a self,
        host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = PacingLookup> + Send + 'a>>;
    /// Stores `pacing` for `host_key`; durable before it completes.
    fn save<'a>(
        &'a self,
        host_key: &'a str,
        pacing: HostPacing,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

/// A journal that keeps nothing (tests, one-off commands): every process
/// starts with fresh hosts.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHostJournal;

impl HostJournal for NoHostJournal {
    fn load<'a>(
        &'a self,
        _host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = PacingLookup> + Send + 'a>> {
        Box::pin(async { PacingLookup::NeverSeen })
    }

    fn save<'a>(
        &'a self,
        _host_key: &'a str,
        _pacing: HostPacing,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async {})
    }
}
