//! The fetcher: per-host gates, the next-slot schedule, robots.txt first,
//! bounded retries with backoff, and pausing hosts that keep failing.
//!
//! Per host a fair tokio mutex (the "host gate") is held for robots check,
//! wait and request together, so there is never more than one request in
//! flight to a host, and waiting pages go in order. The next request may
//! start at the latest of: the previous request's end plus the interval in
//! force (configured; raised by Crawl-delay and by the adaptive delay, both
//! capped), and any `Retry-After` or backoff deadline. A global semaphore is
//! taken only around the exchange itself, so a host that waits never holds
//! a slot another host could use, and a slow host holds only its own.
//!
//! Urgent work (an investigator's recrawl) goes first: a non-urgent request
//! waits at a host's gate, and at the global semaphore, while urgent work
//! waits there or holds the host ([`Fetcher::hold_urgent`]); the gate and
//! the interval still apply to both. Each host's pacing is restored from the
//! [`HostJournal`] on first use and written to it around every request, so
//! a new process keeps the interval counted from the last request of the
//! one before it.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tracing::{debug, warn};

use crate::decode_body;
use crate::host_journal::{HostJournal, HostPacing, NoHostJournal, PacingLookup};
use crate::http::ReqwestTransport;
use crate::pacing::{adaptive_interval, backoff, retry_after, Jitter};
use crate::robots::RobotsPolicy;
use crate::robots_cache::{NoRobotsCache, RobotsCache, StoredRobots};
use crate::transport::{ExchangeRequest, Transport, Validators};
use crate::{
    AllowedUrl, Capture, CaptureKind, Clock, CrawlOutcome, FetchError, FetchReport, FetchSettings,
    PolitenessDecision, PolitenessEvent, MAX_ROBOTS_REDIRECTS, ROBOTS_TTL,
};

/// How one page is to be fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// The site's configured interval; the host's Crawl-delay and slowness
    /// may raise it.
    pub interval: Duration,
    /// Validators of the last capture of the URL, for a conditional GET.
    pub validators: Option<Validators>,
    /// Urgent work (a recrawl) goes ahead of other requests to the same
    /// host and for the global semaphore; never ahead of the interval.
    pub urgent: bool,
}

/// Where a host's robots policy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RobotsSource {
    /// Read earlier in this process.
    Memory,
    /// The persisted cache, within its 24 hours.
    Cache,
    /// Fetched just now.
    Fetched,
}

/// A host's robots policy and what it took to get it.
#[derive(Debug, Clone)]
pub struct RobotsLookup {
    pub policy: RobotsPolicy,
    pub source: RobotsSource,
    /// robots.txt captures made (empty unless fetched).
    pub captures: Vec<Capture>,
    pub events: Vec<PolitenessEvent>,
}

/// Politeness state of one host.
#[derive(Debug, Default)]
struct HostState {
    /// When the last request to the host ended.
    last_finished: Option<Instant>,
    /// The same in wall-clock time, for the journal.
    last_finished_utc: Option<DateTime<Utc>>,
    /// Whether the journal was consulted (once per host and process).
    restored: bool,
    /// The host's robots policy and until when it is trusted.
    robots: Option<(RobotsPolicy, Instant)>,
    /// How long the last request took, for the adaptive delay.
    last_response_time: Option<Duration>,
    /// No request before this (Retry-After or backoff).
    not_before: Option<Instant>,
    /// The same in wall-clock time, for the journal.
    not_before_utc: Option<DateTime<Utc>>,
    /// The Retry-After the next request waits for, for its record.
    pending_retry_after: Option<Duration>,
    consecutive_failures: u32,
    /// Why the host is left alone for the rest of the run.
    paused: Option<String>,
}

/// One host's gate: holding `state` is being the host's one request in
/// flight (tokio's mutex is fair, so waiting pages go in order); `urgent`
/// counts urgent requests waiting for it and urgent holds on the host, and
/// non-urgent requests wait until it is zero.
#[derive(Debug, Default)]
struct HostGate {
    state: tokio::sync::Mutex<HostState>,
    urgent: AtomicUsize,
    urgent_released: Notify,
}

impl HostGate {
    async fn lock(&self, urgent: bool) -> tokio::sync::MutexGuard<'_, HostState> {
        if urgent {
            let _waiting = UrgentCount::new(&self.urgent, &self.urgent_released);
            return self.state.lock().await;
        }
        wait_for_no_urgent(&self.urgent, &self.urgent_released).await;
        self.state.lock().await
    }
}

/// Counts one urgent waiter for as long as it lives (dropped when the wait
/// ends or is cancelled), waking the non-urgent waiters when it goes.
struct UrgentCount<'a> {
    count: &'a AtomicUsize,
    released: &'a Notify,
}

impl<'a> UrgentCount<'a> {
    fn new(count: &'a AtomicUsize, released: &'a Notify) -> UrgentCount<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        UrgentCount { count, released }
    }
}

impl Drop for UrgentCount<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
        self.released.notify_waiters();
    }
}

/// Returns once `count` is zero.
async fn wait_for_no_urgent(count: &AtomicUsize, released: &Notify) {
    loop {
        let notified = released.notified();
        tokio::pin!(notified);
        // Registered before the check, so a release in between is not lost.
        notified.as_mut().enable();
        if count.load(Ordering::SeqCst) == 0 {
            return;
        }
        notified.await;
    }
}

/// Urgent work's claim on a host: while it lives, non-urgent requests to
/// the host wait (so a recrawl's pages follow each other without scheduled
/// pages slipping in between). Made by [`Fetcher::hold_urgent`].
#[derive(Debug)]
pub struct UrgentHold {
    gate: Arc<HostGate>,
}

impl Drop for UrgentHold {
    fn drop(&mut self) {
        self.gate.urgent.fetch_sub(1, Ordering::SeqCst);
        self.gate.urgent_released.notify_waiters();
    }
}

/// A failed attempt: whether to retry, and whether the server said when.
struct Failure {
    retryable: bool,
    retry_after: Option<Duration>,
    reason: String,
}

/// Fetches pages politely. Shared by all sites of a run.
pub struct Fetcher {
    transport: Arc<dyn Transport>,
    settings: FetchSettings,
    clock: Arc<dyn Clock>,
    robots_cache: Arc<dyn RobotsCache>,
    /// Where each host's pacing outlives the process.
    journal: Arc<dyn HostJournal>,
    /// One gate per host.
    hosts: Mutex<HashMap<String, Arc<HostGate>>>,
    /// Paused hosts and why, readable without taking their gates.
    paused: Mutex<BTreeMap<String, String>>,
    /// Caps requests in flight across hosts; taken only around the request
    /// itself, never while waiting for a host's slot.
    in_flight: Semaphore,
    /// Urgent requests waiting for `in_flight`; others wait until none.
    urgent_for_slot: AtomicUsize,
    urgent_slot_released: Notify,
    jitter: Mutex<Jitter>,
}

impl Fetcher {
    /// A fetcher over the real network (reqwest), with no robots cache.
    pub fn new(settings: FetchSettings, clock: Arc<dyn Clock>) -> Result<Fetcher, FetchError> {
        let transport = ReqwestTransport::new(
            &settings.user_agent,
            &settings.resolve,
            settings.allow_private_addresses,
            &settings.limits,
        )
        .map_err(FetchError::Client)?;
        Ok(Fetcher::with_transport(
            settings,
            clock,
            Arc::new(transport),
        ))
    }

    /// A fetcher over `transport` (tests drive the scheduler with a
    /// scripted one).
    pub fn with_transport(
        settings: FetchSettings,
        clock: Arc<dyn Clock>,
        transport: Arc<dyn Transport>,
    ) -> Fetcher {
        Fetcher {
            in_flight: Semaphore::new(settings.max_concurrent_requests.max(1)),
            jitter: Mutex::new(Jitter::new(settings.jitter_seed)),
            transport,
            settings,
            clock,
            robots_cache: Arc::new(NoRobotsCache),
            journal: Arc::new(NoHostJournal),
            hosts: Mutex::new(HashMap::new()),
            urgent_for_slot: AtomicUsize::new(0),
            urgent_slot_released: Notify::new(),
            paused: Mutex::new(BTreeMap::new()),
        }
    }

    /// Keeps robots.txt responses in `cache` across runs.
    pub fn with_robots_cache(mut self, cache: Arc<dyn RobotsCache>) -> Fetcher {
        self.robots_cache = cache;
        self
    }

    /// Keeps each host's pacing in `journal` across processes.
    pub fn with_host_journal(mut self, journal: Arc<dyn HostJournal>) -> Fetcher {
        self.journal = journal;
        self
    }

    /// Claims `host_key` for urgent work until the hold is dropped.
    pub fn hold_urgent(&self, host_key: &str) -> UrgentHold {
        let gate = self.gate(host_key);
        gate.urgent.fetch_add(1, Ordering::SeqCst);
        UrgentHold { gate }
    }

    /// Hosts paused so far (`host:port` → why).
    pub fn paused_hosts(&self) -> BTreeMap<String, String> {
        // Invariant: never held across an await or a panic-prone call.
        self.paused.lock().expect("paused map not poisoned").clone()
    }

    /// The robots policy of `target`'s host: from memory, the cache, or
    /// fetched politely (paced like any request to the host).
    pub async fn robots(&self, target: &AllowedUrl, interval: Duration) -> RobotsLookup {
        let gate = self.gate(&target.host_key());
        let mut host = gate.lock(false).await;
        self.restore(&mut host, &target.host_key()).await;
        let mut lookup = RobotsLookup {
            policy: RobotsPolicy::unavailable("not read yet".to_owned()),
            source: RobotsSource::Fetched,
            captures: Vec::new(),
            events: Vec::new(),
        };
        let (policy, source) = self
            .ensure_robots(
                &mut host,
                target,
                interval,
                &mut lookup.captures,
                &mut lookup.events,
            )
            .await;
        lookup.policy = policy;
        lookup.source = source;
        lookup
    }

    /// Fetches `target`, reading the host's robots.txt first when needed,
    /// retrying after 429, 503 and connection errors, paced per host.
    pub async fn fetch(&self, target: &AllowedUrl, options: &FetchOptions) -> FetchReport {
        let gate = self.gate(&target.host_key());
        let mut host = gate.lock(options.urgent).await;
        self.restore(&mut host, &target.host_key()).await;
        let mut captures = Vec::new();
        let mut events = Vec::new();
        let report = |captures, events, outcome| FetchReport {
            captures,
            outcome,
            events,
        };
        if let Some(reason) = &host.paused {
            return report(captures, events, CrawlOutcome::HostPaused(reason.clone()));
        }
        let (policy, _) = self
            .ensure_robots(
                &mut host,
                target,
                options.interval,
                &mut captures,
                &mut events,
            )
            .await;
        if let Some(reason) = &host.paused {
            return report(captures, events, CrawlOutcome::HostPaused(reason.clone()));
        }
        let verdict = policy.verdict(&self.settings.robots_token, target.url());
        if !policy.is_available() {
            return report(
                captures,
                events,
                CrawlOutcome::RobotsUnavailable(verdict.reason().to_owned()),
            );
        }
        if !verdict.is_allowed() {
            debug!(url = %target, reason = verdict.reason(), "disallowed by robots.txt");
            return report(
                captures,
                events,
                CrawlOutcome::DisallowedByRobots(verdict.reason().to_owned()),
            );
        }
        let outcome = self
            .attempts(
                &mut host,
                target,
                CaptureKind::Page,
                options,
                verdict.reason(),
                &mut captures,
                &mut events,
            )
            .await;
        report(captures, events, outcome)
    }

    /// The host's robots policy, reading robots.txt when it is not known.
    async fn ensure_robots(
        &self,
        host: &mut HostState,
        target: &AllowedUrl,
        interval: Duration,
        captures: &mut Vec<Capture>,
        events: &mut Vec<PolitenessEvent>,
    ) -> (RobotsPolicy, RobotsSource) {
        let now = self.clock.now();
        if let Some((policy, trusted_until)) = &host.robots {
            if *trusted_until > now {
                return (policy.clone(), RobotsSource::Memory);
            }
        }
        let host_key = target.host_key();
        let token = &self.settings.robots_token;
        if let Some(stored) = self.robots_cache.load(&host_key).await {
            let age = (self.clock.utc_now() - stored.fetched_at)
                .to_std()
                .unwrap_or(ROBOTS_TTL);
            if age < ROBOTS_TTL {
                let policy = RobotsPolicy::from_response(stored.status, &stored.body, token);
                host.robots = Some((policy.clone(), now + (ROBOTS_TTL - age)));
                events.push(PolitenessEvent::RobotsFromCache);
                self.note_crawl_delay(&policy, events);
                return (policy, RobotsSource::Cache);
            }
        }

        let options = FetchOptions {
            interval,
            validators: None,
            urgent: false,
        };
        let mut url = target.robots_url();
        let mut hops = 0;
        let policy = loop {
            let outcome = self
                .attempts(
                    host,
                    &url,
                    CaptureKind::Robots,
                    &options,
                    "robots.txt itself",
                    captures,
                    events,
                )
                .await;
            if let CrawlOutcome::Redirect {
                location: Some(location),
                ..
            } = &outcome
            {
                let next = url.url().join(location).ok();
                let same_host = next.as_ref().is_some_and(|next| {
                    matches!(next.scheme(), "http" | "https")
                        && next.host_str() == url.url().host_str()
                });
                let shown = next
                    .as_ref()
                    .map_or_else(|| location.clone(), |next| next.to_string());
                match next {
                    Some(next) if same_host && hops < MAX_ROBOTS_REDIRECTS => {
                        events.push(PolitenessEvent::RobotsRedirected {
                            to: shown,
                            followed: true,
                        });
                        url = AllowedUrl::robots_hop(next, target.site_id());
                        hops += 1;
                        continue;
                    }
                    _ => {
                        events.push(PolitenessEvent::RobotsRedirected {
                            to: shown.clone(),
                            followed: false,
                        });
                        let why = if same_host {
                            format!("robots.txt redirects more than {MAX_ROBOTS_REDIRECTS} times")
                        } else {
                            format!("robots.txt redirects off the host (to {shown})")
                        };
                        break RobotsPolicy::unavailable(why);
                    }
                }
            }
            let Some(capture) = captures.last() else {
                break RobotsPolicy::unavailable("robots.txt was not requested".to_owned());
            };
            break match &capture.response {
                Ok(response) => {
                    let body = capture.body_for_extraction();
                    let policy = RobotsPolicy::from_response(response.status, body, token);
                    if policy.is_available() {
                        self.robots_cache
                            .save(
                                &host_key,
                                StoredRobots {
                                    url: url.url().to_string(),
                                    fetched_at: capture.started_at,
                                    status: response.status,
                                    body: body.to_vec(),
                                },
                            )
                            .await;
                    }
                    policy
                }
                Err(failure) => RobotsPolicy::unavailable(format!("robots.txt {failure}")),
            };
        };
        // An unreadable robots.txt is not trusted at all: the next page of
        // the host reads it again (paced, and bounded by the pause rule).
        let trusted_until = if policy.is_available() {
            self.clock.now() + ROBOTS_TTL
        } else {
            self.clock.now()
        };
        host.robots = Some((policy.clone(), trusted_until));
        self.note_crawl_delay(&policy, events);
        (policy, RobotsSource::Fetched)
    }

    fn note_crawl_delay(&self, policy: &RobotsPolicy, events: &mut Vec<PolitenessEvent>) {
        if let Some(asked) = policy.crawl_delay() {
            if asked > self.settings.max_crawl_delay {
                warn!(?asked, "Crawl-delay over the cap");
                events.push(PolitenessEvent::CrawlDelayCapped {
                    asked,
                    used: self.settings.max_crawl_delay,
                });
            }
        }
    }

    /// Requests `target` until it succeeds, fails for good, runs out of
    /// retries or pauses the host; every attempt is a capture.
    #[expect(
        clippy::too_many_arguments,
        reason = "two call sites; a struct would only rename the arguments"
    )]
    async fn attempts(
        &self,
        host: &mut HostState,
        target: &AllowedUrl,
        kind: CaptureKind,
        options: &FetchOptions,
        robots_reason: &str,
        captures: &mut Vec<Capture>,
        events: &mut Vec<PolitenessEvent>,
    ) -> CrawlOutcome {
        let mut attempt = 0;
        loop {
            let capture = self
                .request(host, target, kind, options, robots_reason, attempt)
                .await;
            if let Some(decoded) = &capture.decoded {
                if decoded.cut_at_cap {
                    events.push(PolitenessEvent::DecompressionCapped {
                        encoding: decoded.encoding.clone(),
                        cap: self.settings.limits.max_decompressed_bytes,
                    });
                }
                if let Some(error) = &decoded.error {
                    events.push(PolitenessEvent::DecodingFailed(error.clone()));
                }
            }
            let outcome = capture.outcome.clone();
            let failure = self.failure_of(&capture);
            captures.push(capture);
            let Some(failure) = failure else {
                host.consecutive_failures = 0;
                self.journal_finished(host, target).await;
                return outcome;
            };
            host.consecutive_failures += 1;
            let cap = self.settings.max_crawl_delay;
            if host.consecutive_failures >= self.settings.failures_before_pause {
                let reason = format!(
                    "{} failed requests in a row, the last {}",
                    host.consecutive_failures, failure.reason
                );
                self.pause(host, target, reason, events);
                self.journal_finished(host, target).await;
                return outcome;
            }
            let wait = match failure.retry_after {
                Some(asked) if asked > cap => {
                    let reason = format!("Retry-After asks for {asked:?}, over the cap of {cap:?}");
                    self.pause(host, target, reason, events);
                    self.journal_finished(host, target).await;
                    return outcome;
                }
                Some(asked) => {
                    host.pending_retry_after = Some(asked);
                    events.push(PolitenessEvent::RetryAfterHonoured(asked));
                    asked
                }
                None if failure.retryable => {
                    let jitter = self
                        .jitter
                        .lock()
                        .expect("jitter not poisoned")
                        .next_fraction();
                    let base = self.interval_in_force(host, options.interval);
                    let wait = backoff(attempt, base, jitter, cap);
                    events.push(PolitenessEvent::BackedOff {
                        attempt: attempt + 1,
                        wait,
                        reason: failure.reason.clone(),
                    });
                    wait
                }
                None => Duration::ZERO,
            };
            host.not_before = Some(self.clock.now() + wait);
            host.not_before_utc =
                Some(self.clock.utc_now() + chrono::Duration::from_std(wait).unwrap_or_default());
            self.journal_finished(host, target).await;
            if !failure.retryable || attempt >= self.settings.max_retries {
                return outcome;
            }
            attempt += 1;
        }
    }

    /// Whether a capture is a failure of the host, and what it asks for.
    fn failure_of(&self, capture: &Capture) -> Option<Failure> {
        match &capture.response {
            Ok(response) => {
                let status = response.status;
                let retry_after = response
                    .header("retry-after")
                    .and_then(|value| retry_after(value, self.clock.utc_now()));
                match status {
                    429 | 502 | 503 | 504 => Some(Failure {
                        retryable: true,
                        retry_after,
                        reason: format!("answered {status}"),
                    }),
                    500..=599 => Some(Failure {
                        retryable: false,
                        retry_after: None,
                        reason: format!("answered {status}"),
                    }),
                    _ => None,
                }
            }
            Err(failure) => Some(Failure {
                retryable: !matches!(failure, crate::TransportFailure::AddressRefused(_)),
                retry_after: None,
                reason: failure.to_string(),
            }),
        }
    }

    fn pause(
        &self,
        host: &mut HostState,
        target: &AllowedUrl,
        reason: String,
        events: &mut Vec<PolitenessEvent>,
    ) {
        warn!(host = %target.host_key(), %reason, "host paused for the rest of the run");
        host.paused = Some(reason.clone());
        // Invariant: never held across an await or a panic-prone call.
        self.paused
            .lock()
            .expect("paused map not poisoned")
            .insert(target.host_key(), reason.clone());
        events.push(PolitenessEvent::HostPaused(reason));
    }

    /// The interval in force for a host: the requested one, raised by the
    /// host's Crawl-delay and by its adaptive delay, each capped.
    fn interval_in_force(&self, host: &HostState, requested: Duration) -> Duration {
        let cap = self.settings.max_crawl_delay;
        let crawl_delay = host
            .robots
            .as_ref()
            .and_then(|(policy, _)| policy.crawl_delay())
            .map(|delay| delay.min(cap))
            .unwrap_or_default();
        let adaptive = host
            .last_response_time
            .map(|time| adaptive_interval(time, cap))
            .unwrap_or_default();
        requested.max(crawl_delay).max(adaptive)
    }

    /// One paced request while holding the host's gate.
    async fn request(
        &self,
        host: &mut HostState,
        target: &AllowedUrl,
        kind: CaptureKind,
        options: &FetchOptions,
        robots_reason: &str,
        attempt: u32,
    ) -> Capture {
        let interval = self.interval_in_force(host, options.interval);
        let wait_started = self.clock.now();
        let after_previous = host.last_finished.map(|finished| finished + interval);
        let ready_at = match (after_previous, host.not_before) {
            (Some(previous), Some(not_before)) => Some(previous.max(not_before)),
            (previous, not_before) => previous.or(not_before),
        };
        if let Some(ready_at) = ready_at {
            if ready_at > wait_started {
                self.clock.sleep_until(ready_at).await;
            }
        }
        let request = ExchangeRequest {
            url: target.url().clone(),
            kind,
            validators: match kind {
                CaptureKind::Page => options.validators.clone(),
                CaptureKind::Robots => None,
            },
        };
        // The journal says a request is in flight before it is sent, so a
        // process that dies mid-request leaves the next one waiting.
        self.journal
            .save(
                &target.host_key(),
                HostPacing {
                    in_flight_since: Some(self.clock.utc_now()),
                    last_finished_at: host.last_finished_utc,
                    last_response_time: host.last_response_time,
                    not_before: host.not_before_utc,
                },
            )
            .await;
        let permit = self.slot(options.urgent).await;
        let started = self.clock.now();
        let started_at = self.clock.utc_now();
        debug!(url = %target, attempt, "request");
        let exchanged = self.transport.exchange(&request).await;
        drop(permit);
        let finished = self.clock.now();
        host.last_finished = Some(finished);
        host.last_finished_utc = Some(self.clock.utc_now());
        host.last_response_time = Some(finished - started);
        host.not_before = None;
        host.not_before_utc = None;
        let outcome = CrawlOutcome::of(&exchanged.response);
        let decoded = match &exchanged.response {
            Ok(response) if (200..300).contains(&response.status) => decode_body(
                &response.headers,
                &response.body,
                self.settings.limits.max_decompressed_bytes,
            ),
            _ => None,
        };
        Capture {
            kind,
            site_id: target.site_id().to_owned(),
            request: exchanged.request,
            response: exchanged.response,
            started_at,
            duration: finished - started,
            politeness: PolitenessDecision {
                robots: robots_reason.to_owned(),
                interval,
                waited: started - wait_started,
                retry_after: host.pending_retry_after.take(),
                retries: attempt,
            },
            outcome,
            decoded,
        }
    }

    /// A permit of the global semaphore; non-urgent requests let urgent
    /// ones waiting for a permit go first.
    async fn slot(&self, urgent: bool) -> tokio::sync::SemaphorePermit<'_> {
        let _waiting = if urgent {
            Some(UrgentCount::new(
                &self.urgent_for_slot,
                &self.urgent_slot_released,
            ))
        } else {
            wait_for_no_urgent(&self.urgent_for_slot, &self.urgent_slot_released).await;
            None
        };
        // Invariant: the semaphore is never closed.
        self.in_flight
            .acquire()
            .await
            .expect("semaphore never closed")
    }

    /// Takes the host's pacing from the journal the first time this process
    /// uses the host. A request left in flight by a dead process is taken
    /// to have ended just now; times in the future are capped (a clock set
    /// back must not stall a host for long).
    async fn restore(&self, host: &mut HostState, host_key: &str) {
        if host.restored {
            return;
        }
        host.restored = true;
        let now = self.clock.now();
        let utc_now = self.clock.utc_now();
        let pacing = match self.journal.load(host_key).await {
            PacingLookup::NeverSeen => return,
            PacingLookup::Unreadable => HostPacing {
                in_flight_since: Some(utc_now),
                ..HostPacing::default()
            },
            PacingLookup::Known(pacing) => pacing,
        };
        let instant_of = |at: DateTime<Utc>| -> Instant {
            match (utc_now - at).to_std() {
                // In the past: that long before now (or now, if the
                // monotonic clock cannot go back that far).
                Ok(ago) => now.checked_sub(ago).unwrap_or(now),
                // In the future: that long after now.
                Err(_) => now + (at - utc_now).to_std().unwrap_or_default(),
            }
        };
        if pacing.in_flight_since.is_some() {
            debug!(
                host = host_key,
                "last request was cut off; waiting a full interval"
            );
            host.last_finished = Some(now);
            host.last_finished_utc = Some(utc_now);
        } else if let Some(finished) = pacing.last_finished_at {
            host.last_finished = Some(instant_of(finished).min(now));
            host.last_finished_utc = Some(finished.min(utc_now));
        }
        host.last_response_time = pacing.last_response_time;
        if let Some(not_before) = pacing.not_before.filter(|at| *at > utc_now) {
            let cap = self.settings.max_crawl_delay;
            host.not_before = Some(instant_of(not_before).min(now + cap));
            host.not_before_utc = Some(not_before);
        }
    }

    /// Journals the host's pacing after a request.
    async fn journal_finished(&self, host: &HostState, target: &AllowedUrl) {
        self.journal
            .save(
                &target.host_key(),
                HostPacing {
                    in_flight_since: None,
                    last_finished_at: host.last_finished_utc,
                    last_response_time: host.last_response_time,
                    not_before: host.not_before_utc,
                },
            )
            .await;
    }

    fn gate(&self, host_key: &str) -> Arc<HostGate> {
        // Invariant: the map's lock is never held across an await or a
        // panic-prone call, so it cannot be poisoned.
        let mut hosts = self.hosts.lock().expect("host map lock not poisoned");
        hosts.entry(host_key.to_owned()).or_default().clone()
    }
}
