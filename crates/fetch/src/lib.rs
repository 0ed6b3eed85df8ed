//! The only crate that talks to the network.
//!
//! [`Fetcher::fetch`] takes an [`AllowedUrl`] (which only the [`ScopeGuard`]
//! makes) and returns every capture it made on the way: the host's
//! robots.txt when it is not known (memory, then the persisted
//! [`RobotsCache`]), each attempt at the page (retries after 429, 503 and
//! connection errors included), each as evidence. Per host there is one
//! request in flight at a time and a next-slot schedule: the previous
//! request's end plus the interval in force (configured, raised by
//! Crawl-delay, by the host's own slowness and by `Retry-After` or backoff).
//! A host that keeps failing is paused for the rest of the run. Per-page
//! failures are data ([`CrawlOutcome`]), never errors.
//!
//! Code map: `fetcher.rs` the scheduler and retry loop; `transport.rs` the
//! seam to the network and `http.rs` its reqwest side; `robots.rs` the
//! policy; `robots_cache.rs` and `host_journal.rs` the persistence traits; `pacing.rs` the maths;
//! `scope.rs` the scope guard;
//! `address.rs` the address classes.

mod address;
mod clock;
mod fetcher;
mod host_journal;
mod http;
mod pacing;
mod robots;
mod robots_cache;
mod scope;
mod transport;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use cartograph_config::Config;
use chrono::{DateTime, Utc};

pub use address::{classify, AddressClass};
/// Content-coding is undone by extract's pure `decode_body`; re-exported
/// because the fetcher decodes every body it hands to extraction.
pub use cartograph_extract::{decode_body, DecodedBody};
pub use clock::{Clock, SystemClock};
pub use fetcher::{FetchOptions, Fetcher, RobotsLookup, RobotsSource, UrgentHold};
pub use host_journal::{HostJournal, HostPacing, NoHostJournal, PacingLookup};
pub use http::ReqwestTransport;
pub use pacing::{adaptive_interval, backoff, retry_after, ADAPTIVE_DELAY_FACTOR};
pub use robots::{RobotsPolicy, RobotsVerdict, MAX_ROBOTS_BYTES};
pub use robots_cache::{NoRobotsCache, RobotsCache, StoredRobots};
pub use scope::{host_key, AllowedUrl, OutOfScope, ScopeGuard};
pub use transport::{
    ExchangeLimits, ExchangeRequest, Exchanged, ReceivedResponse, SentRequest, Transport,
    TransportFailure, Validators,
};

/// How long a readable robots.txt is trusted before it is fetched again.
pub const ROBOTS_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Redirects followed when reading robots.txt (RFC 9309 asks for five).
pub const MAX_ROBOTS_REDIRECTS: u32 = 5;

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
    /// The longest Crawl-delay, Retry-After or adaptive interval honoured; a
    /// host asking for more Retry-After than this is paused instead.
    pub max_crawl_delay: Duration,
    /// Retries of one request after 429, 503, 502, 504, a timeout or a
    /// connection error.
    pub max_retries: u32,
    /// Failures in a row that pause a host for the rest of the run.
    pub failures_before_pause: u32,
    /// Seed of the backoff jitter.
    pub jitter_seed: u64,
}

impl FetchSettings {
    /// The fetch settings of `config`.
    pub fn from_config(config: &Config) -> FetchSettings {
        FetchSettings {
            user_agent: config.user_agent_header(),
            robots_token: config.crawler.user_agent.clone(),
            limits: ExchangeLimits {
                max_body_bytes: config.network.max_body_bytes,
                max_decompressed_bytes: config.network.max_decompressed_bytes,
                request_timeout: config.network.request_timeout,
                first_byte_timeout: config.network.first_byte_timeout,
                connect_timeout: config
                    .network
                    .first_byte_timeout
                    .min(Duration::from_secs(10)),
            },
            allow_private_addresses: config.network.allow_private_addresses,
            resolve: config.network.resolve.clone(),
            max_concurrent_requests: config.crawler.max_concurrent_hosts.max(1),
            max_crawl_delay: config.politeness.max_crawl_delay,
            max_retries: config.politeness.max_retries,
            failures_before_pause: config.politeness.failures_before_pause.max(1),
            jitter_seed: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |since| since.as_nanos() as u64),
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
    /// The body with its content-encoding undone (capped), when it had one;
    /// extraction reads this, the evidence keeps `response.body`.
    pub decoded: Option<DecodedBody>,
}

impl Capture {
    /// The bytes extraction should read: decoded when the body was encoded.
    pub fn body_for_extraction(&self) -> &[u8] {
        match (&self.decoded, &self.response) {
            (Some(decoded), _) => &decoded.bytes,
            (None, Ok(response)) => &response.body,
            (None, Err(_)) => &[],
        }
    }
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
    /// A complete 2xx response; `truncated` when the body hit the size cap.
    Fetched {
        status: u16,
        truncated: bool,
    },
    /// `304 Not Modified` to a conditional GET: the earlier body stands.
    NotModified,
    /// A 3xx response; the crawler decides whether the target is in scope.
    Redirect {
        status: u16,
        location: Option<String>,
    },
    /// A 2xx whose body ended early (timeout, reset, short Content-Length).
    Incomplete {
        status: u16,
        reason: String,
    },
    /// A 2xx page that is not HTML; its body was not read.
    NotHtml(String),
    /// Any other status.
    HttpStatus(u16),
    /// robots.txt disallows the URL; nothing was requested.
    DisallowedByRobots(String),
    /// robots.txt could not be read, so nothing on the host is fetched.
    RobotsUnavailable(String),
    /// The host failed too often (or asked for too long a wait) and is left
    /// alone for the rest of the run; nothing was requested.
    HostPaused(String),
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
            CrawlOutcome::NotModified => "not-modified".to_owned(),
            CrawlOutcome::Redirect { .. } => "redirect".to_owned(),
            CrawlOutcome::Incomplete { .. } => "incomplete-body".to_owned(),
            CrawlOutcome::NotHtml(_) => "not-html".to_owned(),
            CrawlOutcome::HttpStatus(status) => format!("http-{status}"),
            CrawlOutcome::DisallowedByRobots(_) => "disallowed-by-robots".to_owned(),
            CrawlOutcome::RobotsUnavailable(_) => "robots-unavailable".to_owned(),
            CrawlOutcome::HostPaused(_) => "host-paused".to_owned(),
            CrawlOutcome::TimedOut => "timed-out".to_owned(),
            CrawlOutcome::AddressRefused(_) => "address-refused".to_owned(),
            CrawlOutcome::TransportError(_) => "transport-error".to_owned(),
        }
    }

    pub(crate) fn of(response: &Result<ReceivedResponse, TransportFailure>) -> CrawlOutcome {
        match response {
            Ok(response) => match response.status {
                200..=299 => {
                    if let Some(reason) = &response.cut_short {
                        CrawlOutcome::Incomplete {
                            status: response.status,
                            reason: reason.clone(),
                        }
                    } else if response.body_skipped.is_some() {
                        CrawlOutcome::NotHtml(
                            response
                                .header("content-type")
                                .unwrap_or_default()
                                .to_owned(),
                        )
                    } else {
                        CrawlOutcome::Fetched {
                            status: response.status,
                            truncated: response.truncated,
                        }
                    }
                }
                304 => CrawlOutcome::NotModified,
                300..=399 => CrawlOutcome::Redirect {
                    status: response.status,
                    location: response.header("location").map(str::to_owned),
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

/// Something about a host worth reporting per site: the faults a run met
/// and what the fetcher did about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolitenessEvent {
    /// robots.txt asked for a Crawl-delay above the cap; paced at the cap.
    CrawlDelayCapped { asked: Duration, used: Duration },
    /// A 429 or 503 asked to wait, and the next request waited that long.
    RetryAfterHonoured(Duration),
    /// A request failed (`reason`) and the next waits a backoff.
    BackedOff {
        attempt: u32,
        wait: Duration,
        reason: String,
    },
    /// The host is left alone for the rest of the run.
    HostPaused(String),
    /// robots.txt came from the persisted cache; not fetched this time.
    RobotsFromCache,
    /// robots.txt redirected; `followed` says whether the hop was taken.
    RobotsRedirected { to: String, followed: bool },
    /// A compressed body decoded to more than the cap (a gzip bomb?).
    DecompressionCapped { encoding: String, cap: u64 },
    /// A compressed body could not be decoded.
    DecodingFailed(String),
}

impl PolitenessEvent {
    /// A short stable label for counting per site.
    pub fn label(&self) -> &'static str {
        match self {
            PolitenessEvent::CrawlDelayCapped { .. } => "crawl-delay-capped",
            PolitenessEvent::RetryAfterHonoured(_) => "retry-after-honoured",
            PolitenessEvent::BackedOff { .. } => "backed-off",
            PolitenessEvent::HostPaused(_) => "host-paused",
            PolitenessEvent::RobotsFromCache => "robots-from-cache",
            PolitenessEvent::RobotsRedirected { .. } => "robots-redirected",
            PolitenessEvent::DecompressionCapped { .. } => "decompression-capped",
            PolitenessEvent::DecodingFailed(_) => "decoding-failed",
        }
    }
}

impl std::fmt::Display for PolitenessEvent {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PolitenessEvent::CrawlDelayCapped { asked, used } => write!(
                formatter,
                "robots.txt asks for a Crawl-delay of {asked:?}, over the cap; paced at {used:?}"
            ),
            PolitenessEvent::RetryAfterHonoured(wait) => {
                write!(
                    formatter,
                    "Retry-After honoured: waited {}",
                    humanise(*wait)
                )
            }
            PolitenessEvent::BackedOff {
                attempt,
                wait,
                reason,
            } => write!(
                formatter,
                "attempt {attempt} {reason}; backed off {}",
                humanise(*wait)
            ),
            PolitenessEvent::HostPaused(reason) => {
                write!(formatter, "host paused for the rest of the run: {reason}")
            }
            PolitenessEvent::RobotsFromCache => formatter.write_str("robots.txt from the cache"),
            PolitenessEvent::RobotsRedirected { to, followed: true } => {
                write!(formatter, "robots.txt redirected to {to}")
            }
            PolitenessEvent::RobotsRedirected {
                to,
                followed: false,
            } => {
                write!(formatter, "robots.txt redirected to {to}, not followed")
            }
            PolitenessEvent::DecompressionCapped { encoding, cap } => write!(
                formatter,
                "{encoding} body decodes to more than {cap} bytes; cut there"
            ),
            PolitenessEvent::DecodingFailed(reason) => formatter.write_str(reason),
        }
    }
}

/// A wait in milliseconds, as reports show it (`1.107s`, `250ms`).
fn humanise(wait: Duration) -> String {
    let millis = wait.as_millis();
    if millis >= 1000 {
        format!("{}.{:03}s", millis / 1000, millis % 1000)
    } else {
        format!("{millis}ms")
    }
}

/// Everything one call of [`Fetcher::fetch`] did.
#[derive(Debug, Clone)]
pub struct FetchReport {
    /// Every capture made, in order (robots.txt first when it was fetched).
    pub captures: Vec<Capture>,
    /// What became of the requested URL.
    pub outcome: CrawlOutcome,
    /// Faults met and what was done about them, in order.
    pub events: Vec<PolitenessEvent>,
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
