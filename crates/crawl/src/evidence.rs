//! Turns the fetch layer's captures into the store's capture records, and
//! implements the fetch layer's robots cache and host journal over the
//! store. The fetch crate does not know the store and the store does not
//! know the fetch crate; this is the one place where the two meet.
//!
//! In a run the robots cache defers its write until the robots.txt capture
//! it came from is stored ([`StoreRobotsCache::commit`]): a process killed
//! between the two would otherwise resume trusting a robots.txt the run
//! holds no evidence of, and not read it again.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use cartograph_fetch::{
    Capture, CaptureKind, HostJournal, HostPacing, PacingLookup, RobotsCache, StoredRobots,
};
use cartograph_store::{
    CaptureId, HostPacingRecord, NewCapture, NewResponse, PolitenessRecord, RequestRecord,
    RobotsCacheRecord, RunId, Store,
};
use tracing::warn;

/// How a capture relates to earlier ones.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CaptureLinks {
    /// The redirect hop that led here.
    pub(crate) redirected_from: Option<CaptureId>,
    /// For a 304: the capture whose body this one stands for.
    pub(crate) revisit_of: Option<CaptureId>,
}

/// The store record of `capture`, made in run `run_id`.
pub(crate) fn new_capture(
    run_id: RunId,
    case_label: Option<String>,
    capture: Capture,
    links: CaptureLinks,
) -> NewCapture {
    let (response, error) = match capture.response {
        Ok(response) => {
            // A body that ended early or was not read is said in words.
            let note = response.cut_short.clone().or(response.body_skipped.clone());
            (
                Some(NewResponse {
                    status: response.status,
                    reason: response.reason,
                    version: response.version,
                    headers: response.headers,
                    body: response.body,
                    truncated: response.truncated,
                    remote_ip: response.remote_addr.map(|address| address.ip().to_string()),
                }),
                note,
            )
        }
        Err(failure) => (None, Some(failure.to_string())),
    };
    NewCapture {
        run_id,
        site_id: capture.site_id,
        kind: match capture.kind {
            CaptureKind::Robots => cartograph_store::CaptureKind::Robots,
            CaptureKind::Page => cartograph_store::CaptureKind::Page,
        },
        url: capture.request.url.to_string(),
        request: RequestRecord {
            method: capture.request.method,
            url: capture.request.url.to_string(),
            http_version: capture.request.http_version,
            headers: capture.request.headers,
        },
        response,
        error,
        fetched_at: capture.started_at,
        duration_ms: millis(capture.duration),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        politeness: PolitenessRecord {
            robots: capture.politeness.robots,
            interval_ms: millis(capture.politeness.interval),
            waited_ms: millis(capture.politeness.waited),
            retry_after_ms: capture.politeness.retry_after.map(millis),
            retries: capture.politeness.retries,
        },
        outcome: capture.outcome.label(),
        case_label,
        revisit_of: links.revisit_of,
        redirected_from: links.redirected_from,
    }
}

/// The robots cache over the store (sled calls on a blocking thread).
pub(crate) struct StoreRobotsCache {
    store: Arc<Store>,
    /// `Some` in a run: records waiting for their capture to be stored.
    deferred: Option<Mutex<HashMap<String, RobotsCacheRecord>>>,
}

impl StoreRobotsCache {
    /// A cache that writes at once (commands outside a run).
    pub(crate) fn immediate(store: Arc<Store>) -> StoreRobotsCache {
        StoreRobotsCache {
            store,
            deferred: None,
        }
    }

    /// A cache that writes a host's record only when [`commit`] is called
    /// after its robots.txt capture was stored.
    ///
    /// [`commit`]: StoreRobotsCache::commit
    pub(crate) fn deferred(store: Arc<Store>) -> StoreRobotsCache {
        StoreRobotsCache {
            store,
            deferred: Some(Mutex::new(HashMap::new())),
        }
    }

    /// Writes the record waiting for `host_key`, if any.
    pub(crate) fn commit(&self, host_key: &str) -> Result<(), cartograph_store::StoreError> {
        let record = self.deferred.as_ref().and_then(|deferred| {
            // Invariant: never held across an await or a panic-prone call.
            deferred
                .lock()
                .expect("deferred robots not poisoned")
                .remove(host_key)
        });
        match record {
            Some(record) => self.store.put_robots(&record),
            None => Ok(()),
        }
    }
}

impl RobotsCache for StoreRobotsCache {
    fn load<'a>(
        &'a self,
        host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<StoredRobots>> + Send + 'a>> {
        let store = self.store.clone();
        let host_key = host_key.to_owned();
        let pending = self.deferred.as_ref().and_then(|deferred| {
            // Invariant: never held across an await or a panic-prone call.
            deferred
                .lock()
                .expect("deferred robots not poisoned")
                .get(&host_key)
                .cloned()
        });
        Box::pin(async move {
            if let Some(record) = pending {
                return Some(StoredRobots {
                    url: record.url,
                    fetched_at: record.fetched_at,
                    status: record.status,
                    body: record.body,
                });
            }
            let loaded = tokio::task::spawn_blocking(move || store.robots(&host_key)).await;
            match loaded {
                Ok(Ok(record)) => record.map(|record| StoredRobots {
                    url: record.url,
                    fetched_at: record.fetched_at,
                    status: record.status,
                    body: record.body,
                }),
                Ok(Err(error)) => {
                    warn!(%error, "robots cache unreadable; fetching robots.txt");
                    None
                }
                Err(_) => None,
            }
        })
    }

    fn save<'a>(
        &'a self,
        host_key: &'a str,
        robots: StoredRobots,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        let store = self.store.clone();
        let record = RobotsCacheRecord {
            host_key: host_key.to_owned(),
            url: robots.url,
            fetched_at: robots.fetched_at,
            status: robots.status,
            body: robots.body,
        };
        if let Some(deferred) = &self.deferred {
            // Invariant: never held across an await or a panic-prone call.
            deferred
                .lock()
                .expect("deferred robots not poisoned")
                .insert(record.host_key.clone(), record);
            return Box::pin(async {});
        }
        Box::pin(async move {
            if let Ok(Err(error)) =
                tokio::task::spawn_blocking(move || store.put_robots(&record)).await
            {
                warn!(%error, "robots cache not written");
            }
        })
    }
}

/// The host journal over the store; every save is flushed to disk before
/// it completes (the fetcher relies on that before sending a request).
pub(crate) struct StoreHostJournal(pub(crate) Arc<Store>);

impl HostJournal for StoreHostJournal {
    fn load<'a>(
        &'a self,
        host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = PacingLookup> + Send + 'a>> {
        let store = self.0.clone();
        let host_key = host_key.to_owned();
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || store.host_pacing(&host_key)).await {
                Ok(Ok(Some(record))) => PacingLookup::Known(HostPacing {
                    in_flight_since: record.in_flight_since,
                    last_finished_at: record.last_finished_at,
                    last_response_time: record
                        .last_response_ms
                        .map(std::time::Duration::from_millis),
                    not_before: record.not_before,
                }),
                Ok(Ok(None)) => PacingLookup::NeverSeen,
                Ok(Err(error)) => {
                    warn!(%error, "host pacing unreadable; waiting a full interval");
                    PacingLookup::Unreadable
                }
                Err(_) => PacingLookup::Unreadable,
            }
        })
    }

    fn save<'a>(
        &'a self,
        host_key: &'a str,
        pacing: HostPacing,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        let store = self.0.clone();
        let record = HostPacingRecord {
            host_key: host_key.to_owned(),
            in_flight_since: pacing.in_flight_since,
            last_finished_at: pacing.last_finished_at,
            last_response_ms: pacing.last_response_time.map(millis),
            not_before: pacing.not_before,
        };
        Box::pin(async move {
            if let Ok(Err(error)) =
                tokio::task::spawn_blocking(move || store.put_host_pacing(&record)).await
            {
                warn!(%error, "host pacing not written");
            }
        })
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
