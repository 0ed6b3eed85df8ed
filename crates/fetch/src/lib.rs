//! The only crate that talks to the network.
//!
//! [`Fetcher::fetch`] takes an [`AllowedUrl`] (which only the [`ScopeGuard`]
//! makes) and returns every capture it made on the way: the host's
//! robots.txt the first time the host is seen (and whenever the cached copy
//! expires), then the page itself if robots.txt allows it. Per host there is
//! one request in flight at a time and a minimum interval between the end of
//! one request and the start of the next, raised by the host's Crawl-delay.
//! Per-page failures are data ([`CrawlOutcome`]), never errors.

mod address;
mod clock;
mod http;
mod robots;
mod scope;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cartograph_config::Config;
use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tracing::debug;

pub use address::{classify, AddressClass};
pub use clock::{Clock, SystemClock};
pub use http::{ExchangeLimits, ReceivedResponse, SentRequest, TransportFailure};
pub use robots::{RobotsPolicy, RobotsVerdict, MAX_ROBOTS_BYTES};
pub use scope::{host_key, AllowedUrl, OutOfScope, ScopeGuard, MAX_URL_LENGTH};

/// How long a readable robots.txt is trusted before it is fetched again.
pub const ROBOTS_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// How long an unreadable robots.txt (5xx, timeout) blocks its host before
/// the next page of that host tries to read it again.
pub const ROBOTS_RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);
/// The largest Crawl-delay honoured; a site asking for more is paced at this.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

/// Settings of the fetch layer, resolved from the config.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// The full `User-Agent` header: product token, version and contact.
    pub user_agent: String,
    /// The product token matched against robots.txt groups.
    pub robots_token: String,
    pub limits: ExchangeLimits,
    /// Whether loopback and private addresses may be connected to.
    pub allow_private_addresses: bool,
    /// Host → address overrides, like curl's `--resolve`.
    pub resolve: BTreeMap<String, SocketAddr>,
    /// Requests in flight across all hosts.
    pub max_concurrent_requests: usize,
}

impl FetchSettings {
    /// The fetch settings of `config`.
    pub fn from_config(config: &Config) -> FetchSettings {
        FetchSettings {
            user_agent: config.user_agent_header(),
            robots_token: config.crawler.user_agent.clone(),
            limits: ExchangeLimits {
                max_body_bytes: 10 * 1024 * 1024,
                request_timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(10),
            },
            allow_private_addresses: config.network.allow_private_addresses,
            resolve: config.network.resolve.clone(),
            max_concurrent_requests: config.crawler.max_concurrent_hosts.max(1),
        }
    }
}

/// The fetch layer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("failed to build the http client")]
    Client(#[source] reqwest::Error),
}

/// What kind of resource a capture is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureKind {
    Robots,
    Page,
}

/// One request and what came back (or why nothing did), as evidence.
#[derive(Debug, Clone)]
pub struct Capture {
    pub kind: CaptureKind,
    /// The whitelist entry the request was made under.
    pub site_id: String,
    pub request: SentRequest,
    pub response: Result<ReceivedResponse, TransportFailure>,
    /// When the request was sent.
    pub started_at: DateTime<Utc>,
    /// From sending the request to the end of the body.
    pub duration: Duration,
    pub politeness: PolitenessDecision,
    pub outcome: CrawlOutcome,
}

/// Why a request was allowed and paced as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct PolitenessDecision {
    /// The robots.txt verdict in words.
    pub robots: String,
    /// The minimum interval to the host in force for this request.
    pub interval: Duration,
    /// How long the request waited for its slot.
    pub waited: Duration,
    /// A `Retry-After` that was waited for.
    pub retry_after: Option<Duration>,
    /// Earlier failed attempts of this request.
    pub retries: u32,
}

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrawlOutcome {
    /// A 2xx response; `truncated` when the body hit the size cap.
    Fetched {
        status: u16,
        truncated: bool,
    },
    /// A 3xx response; the crawler decides whether the target is in scope.
    Redirect {
        status: u16,
        location: Option<String>,
    },
    /// Any other status.
    HttpStatus(u16),
    /// robots.txt disallows the URL; nothing was requested.
    DisallowedByRobots(String),
    /// robots.txt could not be read, so nothing on the host is fetched.
    RobotsUnavailable(String),
    TimedOut,
    AddressRefused(String),
    TransportError(String),
}

impl CrawlOutcome {
    /// A short stable label for counting (`fetched`, `http-404`, …).
    pub fn label(&self) -> String {
        match self {
            CrawlOutcome::Fetched {
                truncated: false, ..
            } => "fetched".to_owned(),
            CrawlOutcome::Fetched {
                truncated: true, ..
            } => "fetched-truncated".to_owned(),
            CrawlOutcome::Redirect { .. } => "redirect".to_owned(),
            CrawlOutcome::HttpStatus(status) => format!("http-{status}"),
            CrawlOutcome::DisallowedByRobots(_) => "disallowed-by-robots".to_owned(),
            CrawlOutcome::RobotsUnavailable(_) => "robots-unavailable".to_owned(),
            CrawlOutcome::TimedOut => "timed-out".to_owned(),
            CrawlOutcome::AddressRefused(_) => "address-refused".to_owned(),
            CrawlOutcome::TransportError(_) => "transport-error".to_owned(),
        }
    }

    fn of(response: &Result<ReceivedResponse, TransportFailure>) -> CrawlOutcome {
        match response {
            Ok(response) => match response.status {
                200..=299 => CrawlOutcome::Fetched {
                    status: response.status,
                    truncated: response.truncated,
                },
                300..=399 => CrawlOutcome::Redirect {
                    status: response.status,
                    location: response
                        .headers
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case("location"))
                        .map(|(_, value)| value.clone()),
                },
                status => CrawlOutcome::HttpStatus(status),
            },
            Err(TransportFailure::TimedOut) => CrawlOutcome::TimedOut,
            Err(TransportFailure::AddressRefused(reason)) => {
                CrawlOutcome::AddressRefused(reason.clone())
            }
            Err(TransportFailure::Connection(reason)) => {
                CrawlOutcome::TransportError(reason.clone())
            }
        }
    }
}

/// Everything one call of [`Fetcher::fetch`] did.
#[derive(Debug, Clone)]
pub struct FetchReport {
    /// Every capture made, in order (robots.txt first when it was fetched).
    pub captures: Vec<Capture>,
    /// What became of the requested URL.
    pub outcome: CrawlOutcome,
}

impl FetchReport {
    /// The capture of the requested page, if it was requested.
    pub fn page(&self) -> Option<&Capture> {
        self.captures
            .iter()
            .rev()
            .find(|capture| capture.kind == CaptureKind::Page)
    }
}

/// Politeness state of one host.
#[derive(Debug, Default)]
struct HostState {
    /// When the last request to the host ended; the next may start one
    /// interval later.
    last_finished: Option<Instant>,
    /// The host's robots policy and when it stops being trusted.
    robots: Option<(RobotsPolicy, Instant)>,
}

/// Fetches pages politely. Shared by all sites of a run.
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    clock: Arc<dyn Clock>,
    /// One gate per host; holding it is being the host's one request in
    /// flight (tokio's mutex is fair, so waiting pages go in order).
    hosts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<HostState>>>>,
    /// Caps requests in flight across hosts; taken only around the request
    /// itself, never while waiting for a host's slot.
    in_flight: Semaphore,
}

impl Fetcher {
    pub fn new(settings: FetchSettings, clock: Arc<dyn Clock>) -> Result<Fetcher, FetchError> {
        let client = http::build_client(
            &settings.user_agent,
            &settings.resolve,
            settings.allow_private_addresses,
            &settings.limits,
        )
        .map_err(FetchError::Client)?;
        Ok(Fetcher {
            in_flight: Semaphore::new(settings.max_concurrent_requests.max(1)),
            client,
            settings,
            clock,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// Fetches `target`, reading the host's robots.txt first when needed,
    /// no sooner than `interval` (or the host's Crawl-delay, if longer)
    /// after the previous request to the host ended.
    pub async fn fetch(&self, target: &AllowedUrl, interval: Duration) -> FetchReport {
        let gate = self.gate(&target.host_key());
        let mut host = gate.lock().await;
        let mut captures = Vec::new();

        let robots_fresh = host
            .robots
            .as_ref()
            .is_some_and(|(_, expires)| *expires > self.clock.now());
        if !robots_fresh {
            let capture = self
                .request(
                    &mut host,
                    &target.robots_url(),
                    CaptureKind::Robots,
                    interval,
                    "robots.txt itself",
                )
                .await;
            let policy = match &capture.response {
                Ok(response) => RobotsPolicy::from_response(
                    response.status,
                    &response.body,
                    &self.settings.robots_token,
                ),
                Err(failure) => RobotsPolicy::unavailable(format!("robots.txt {failure}")),
            };
            let trusted_for = if policy.is_available() {
                ROBOTS_TTL
            } else {
                ROBOTS_RETRY_AFTER_FAILURE
            };
            host.robots = Some((policy, self.clock.now() + trusted_for));
            captures.push(capture);
        }
        let Some((policy, _)) = host.robots.as_ref() else {
            unreachable!("robots policy was set just above");
        };
        let policy = policy.clone();
        if !policy.is_available() {
            let reason = policy
                .verdict(&self.settings.robots_token, target.url())
                .reason()
                .to_owned();
            return FetchReport {
                captures,
                outcome: CrawlOutcome::RobotsUnavailable(reason),
            };
        }
        let verdict = policy.verdict(&self.settings.robots_token, target.url());
        if !verdict.is_allowed() {
            debug!(url = %target, reason = verdict.reason(), "disallowed by robots.txt");
            return FetchReport {
                captures,
                outcome: CrawlOutcome::DisallowedByRobots(verdict.reason().to_owned()),
            };
        }
        let capture = self
            .request(
                &mut host,
                target,
                CaptureKind::Page,
                interval,
                verdict.reason(),
            )
            .await;
        let outcome = capture.outcome.clone();
        captures.push(capture);
        FetchReport { captures, outcome }
    }

    /// The interval in force for a host: the requested one, raised by the
    /// host's Crawl-delay (capped at [`MAX_CRAWL_DELAY`]).
    fn interval_for(host: &HostState, requested: Duration) -> Duration {
        let crawl_delay = host
            .robots
            .as_ref()
            .and_then(|(policy, _)| policy.crawl_delay())
            .map(|delay| delay.min(MAX_CRAWL_DELAY))
            .unwrap_or_default();
        requested.max(crawl_delay)
    }

    /// One paced request while holding the host's gate.
    async fn request(
        &self,
        host: &mut HostState,
        target: &AllowedUrl,
        kind: CaptureKind,
        requested_interval: Duration,
        robots_reason: &str,
    ) -> Capture {
        let interval = Fetcher::interval_for(host, requested_interval);
        let wait_started = self.clock.now();
        if let Some(last_finished) = host.last_finished {
            let ready_at = last_finished + interval;
            if ready_at > wait_started {
                self.clock.sleep_until(ready_at).await;
            }
        }
        // Invariant: the semaphore is never closed.
        let _permit = self
            .in_flight
            .acquire()
            .await
            .expect("semaphore never closed");
        let started = self.clock.now();
        let started_at = self.clock.utc_now();
        debug!(url = %target, "request");
        let (request, response) = http::exchange(
            &self.client,
            &self.settings.user_agent,
            target.url(),
            &self.settings.limits,
            self.settings.allow_private_addresses,
        )
        .await;
        let finished = self.clock.now();
        host.last_finished = Some(finished);
        let outcome = CrawlOutcome::of(&response);
        Capture {
            kind,
            site_id: target.site_id().to_owned(),
            request,
            response,
            started_at,
            duration: finished - started,
            politeness: PolitenessDecision {
                robots: robots_reason.to_owned(),
                interval,
                waited: started - wait_started,
                retry_after: None,
                retries: 0,
            },
            outcome,
        }
    }

    fn gate(&self, host_key: &str) -> Arc<tokio::sync::Mutex<HostState>> {
        // Invariant: the map's lock is never held across an await or a
        // panic-prone call, so it cannot be poisoned.
        let mut hosts = self.hosts.lock().expect("host map lock not poisoned");
        hosts.entry(host_key.to_owned()).or_default().clone()
    }
}
