//! Time as the fetch layer sees it, injected so that politeness can be
//! tested under paused tokio time instead of by sleeping.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

/// A source of monotonic time, wall-clock time and sleeping.
pub trait Clock: Send + Sync + 'static {
    /// Monotonic now; all pacing is computed from it.
    fn now(&self) -> Instant;
    /// Wall-clock now, for capture timestamps only (never for pacing).
    fn utc_now(&self) -> DateTime<Utc>;
    /// Completes at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// The real clock: tokio's timer (which honours `tokio::time::pause`) and
/// the system's UTC time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn utc_now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep_until(deadline))
    }
}
