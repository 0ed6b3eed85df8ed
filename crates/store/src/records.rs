//! The store's own record types: what a run, a capture and an indicator row
//! look like on disk. They are serialized as JSON inside sled values, so a
//! field added later must be `#[serde(default)]`; a change that old readers
//! cannot follow bumps `SCHEMA_VERSION`.

use std::collections::BTreeMap;

use cartograph_extract::{PageIndicators, SiteIndicators};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Identifies a run; increasing in start order.
pub type RunId = u64;
/// Identifies a capture; increasing in write order.
pub type CaptureId = u64;

/// One crawl run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub id: RunId,
    /// Why the run happened.
    pub trigger: RunTrigger,
    /// SHA-256 of the config file the run used, so a run can be tied to the
    /// exact whitelist and settings in force.
    pub config_digest: String,
    /// The case the run was made for, when an investigator gave one.
    pub case_label: Option<String>,
    pub tool_version: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub state: RunState,
    /// Each time the run was taken up again after a crash or a shutdown.
    #[serde(default)]
    pub resumptions: Vec<Resumption>,
    /// Per whitelisted site in the run, by site id.
    pub sites: BTreeMap<String, SiteRunRecord>,
}

/// A run taken up again by a later process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resumption {
    pub at: DateTime<Utc>,
    /// SHA-256 of the config the rest of the run used (it may differ from
    /// the run's first one; sites no longer whitelisted are skipped).
    pub config_digest: String,
}

/// Why a run happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunTrigger {
    /// `cartograph crawl`.
    Manual,
    /// The daemon's schedule.
    Scheduled,
    /// `cartograph recrawl --seeds`.
    Recrawl,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunState {
    Running,
    Completed,
    /// Stopped before the end (shutdown or crash) and not resumed yet.
    Interrupted,
}

/// One site within one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteRunRecord {
    pub status: SiteRunStatus,
    /// Why the site failed or was skipped, in words for the analyst.
    pub reason: Option<String>,
    /// Listing pages fetched with a 2xx response.
    pub pages_fetched: u64,
    /// Captures stored for the site in this run, robots.txt included.
    pub captures: u64,
    /// Count of each page outcome (`fetched`, `disallowed-by-robots`,
    /// `http-404`, `timed-out`, …).
    pub outcomes: BTreeMap<String, u64>,
    /// Links seen on the site's pages that no listing pattern allows; they
    /// are counted, never requested.
    pub out_of_scope_links: u64,
}

/// How one site's part of a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteRunStatus {
    Pending,
    Running,
    /// Crawled; individual pages may still have failed (see outcomes).
    Completed,
    /// Nothing usable was fetched (robots unreachable, host down, …).
    Failed,
    /// Not crawled (authorization expired, not selected).
    Skipped,
}

impl SiteRunRecord {
    pub fn pending() -> SiteRunRecord {
        SiteRunRecord {
            status: SiteRunStatus::Pending,
            reason: None,
            pages_fetched: 0,
            captures: 0,
            outcomes: BTreeMap::new(),
            out_of_scope_links: 0,
        }
    }
}

/// What kind of resource a capture is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaptureKind {
    Robots,
    Page,
}

/// One request and what came back, as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureRecord {
    pub id: CaptureId,
    pub run_id: RunId,
    /// The whitelist entry the request was made under.
    pub site_id: String,
    pub kind: CaptureKind,
    pub url: String,
    pub request: RequestRecord,
    /// Absent when no response arrived (connection refused, timeout).
    pub response: Option<ResponseRecord>,
    /// The transport error when no response arrived.
    pub error: Option<String>,
    /// When the request was sent (UTC).
    pub fetched_at: DateTime<Utc>,
    /// From sending the request to the end of the body.
    pub duration_ms: u64,
    pub tool_version: String,
    /// Why the request was allowed and paced as it was.
    pub politeness: PolitenessRecord,
    /// Short label of the outcome (`fetched`, `http-503`, `timed-out`, …).
    pub outcome: String,
    /// The case label of the run, copied so an export by case needs no join.
    #[serde(default)]
    pub case_label: Option<String>,
    /// For a `304 Not Modified`: the earlier capture whose body this one
    /// stands for (a WARC revisit record).
    #[serde(default)]
    pub revisit_of: Option<CaptureId>,
    /// For a redirect hop's target: the capture of the hop that led here.
    #[serde(default)]
    pub redirected_from: Option<CaptureId>,
}

/// The request as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    /// `HTTP/1.1`: the version on the request line.
    #[serde(default = "http_1_1")]
    pub http_version: String,
    /// In the order sent.
    pub headers: Vec<(String, String)>,
}

fn http_1_1() -> String {
    "HTTP/1.1".to_owned()
}

/// The response as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRecord {
    pub status: u16,
    /// The reason phrase as received, when it is not the canonical one.
    #[serde(default)]
    pub reason: Option<String>,
    /// `HTTP/1.1`, `HTTP/2.0`.
    pub version: String,
    /// In the order received.
    pub headers: Vec<(String, String)>,
    pub body: Option<BodyRef>,
    /// The address the response came from.
    pub remote_ip: Option<String>,
}

/// A body stored as a blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyRef {
    /// Lowercase hex SHA-256 of the body bytes as received.
    pub sha256: String,
    pub length: u64,
    /// True when the body was cut at the size cap.
    pub truncated: bool,
}

/// The politeness decision behind a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolitenessRecord {
    /// The robots.txt verdict in words (`allowed: no matching rule`,
    /// `robots.txt itself`, `allowed: 404 means allow all`, …).
    pub robots: String,
    /// The minimum interval to this host in force for the request.
    pub interval_ms: u64,
    /// How long the request waited for its slot.
    pub waited_ms: u64,
    /// A `Retry-After` the request waited for, if any.
    pub retry_after_ms: Option<u64>,
    /// Earlier attempts of this request that failed.
    pub retries: u32,
}

/// A capture about to be stored; the store assigns the id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCapture {
    pub run_id: RunId,
    pub site_id: String,
    pub kind: CaptureKind,
    pub url: String,
    pub request: RequestRecord,
    pub response: Option<NewResponse>,
    pub error: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub tool_version: String,
    pub politeness: PolitenessRecord,
    pub outcome: String,
    pub case_label: Option<String>,
    pub revisit_of: Option<CaptureId>,
    pub redirected_from: Option<CaptureId>,
}

/// A response about to be stored, with its body bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResponse {
    pub status: u16,
    pub reason: Option<String>,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub remote_ip: Option<String>,
}

/// The indicators of one page, tied to the capture they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageIndicatorsRecord {
    pub run_id: RunId,
    pub site_id: String,
    pub capture_id: CaptureId,
    pub url: String,
    pub extractor_version: String,
    /// The lexicons the indicators were matched with (`LexiconSet::version`);
    /// empty in rows written before lexicons were versioned.
    #[serde(default)]
    pub lexicon_version: String,
    /// When the page was captured: "now" for its relative dates.
    #[serde(default)]
    pub captured_at: Option<DateTime<Utc>>,
    pub indicators: PageIndicators,
}

/// A stored page's headers and body as extraction reads them
/// (`Store::page_body`); never stored itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBody {
    pub headers: Vec<(String, String)>,
    /// The body with its content-coding undone (capped).
    pub bytes: Vec<u8>,
    /// Why undoing the content-coding failed, if it did (the bytes decoded
    /// up to there are kept; none for an unknown coding).
    pub decode_error: Option<String>,
}

/// The indicators of one site in one run, tied to its captures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteIndicatorsRecord {
    pub run_id: RunId,
    pub site_id: String,
    /// The page captures the indicators were derived from.
    pub capture_ids: Vec<CaptureId>,
    pub extractor_version: String,
    /// The lexicons the indicators were matched with (`LexiconSet::version`);
    /// empty in rows written before lexicons were versioned.
    #[serde(default)]
    pub lexicon_version: String,
    /// The latest capture time of the site's pages in the run: what recency
    /// counts back from.
    #[serde(default)]
    pub run_time: Option<DateTime<Utc>>,
    /// When the row was last derived again from its captures by
    /// `cartograph reextract`; None for a row written by the crawl.
    #[serde(default)]
    pub reextracted_at: Option<DateTime<Utc>>,
    /// Listing pages fetched with a 2xx response in the run.
    pub pages_fetched: u64,
    pub indicators: SiteIndicators,
}
