//! The resolved, valid configuration that the rest of cartograph codes
//! against: `Config`, its settings tables, `SiteSpec` and
//! `ExtractionProfile`. Only `validate.rs` builds these from a file, so a
//! value of these types has passed every check; they serialise (durations as
//! humantime strings) so that `cartograph check-config` can print them.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::codes::{CountryCode, SiteCategory};
use crate::diagnostic::Diagnostic;
use crate::listing::{normalise_url, ListingPattern};
use crate::schedule::{GroupSpec, Schedule};

/// A config file that passed validation, and what it said. There is no
/// `Default`: every config comes from a file the analyst wrote, with a
/// contact in it.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The file it came from, as the caller named it; for messages.
    pub source: PathBuf,
    /// Lowercase hex SHA-256 of the file text: run records and the custody
    /// log name the exact whitelist a crawl ran under.
    pub digest: String,
    /// Who the crawler says it is.
    pub crawler: CrawlerSettings,
    /// How hard any one site may be loaded.
    pub politeness: PolitenessSettings,
    /// Where captures and indicators are kept.
    pub store: StoreSettings,
    /// Which addresses may be contacted, and test overrides of DNS.
    pub network: NetworkSettings,
    /// How evidence packages are signed and how long captures are kept.
    pub evidence: EvidenceSettings,
    /// Where the analysts' lexicons and the contact linkage key are.
    pub extract: ExtractSettings,
    /// The whitelist, in file order; expired entries are kept (and skipped by
    /// the crawler) so reports can still name them.
    pub sites: Vec<SiteSpec>,
    /// Sites the daemon crawls together on one schedule, in file order.
    pub groups: Vec<GroupSpec>,
}

impl Config {
    /// The User-Agent header: product token, version and contact, e.g.
    /// `cartograph/0.1.0 (+mailto:thb-unit@example.org)`.
    pub fn user_agent_header(&self) -> String {
        format!(
            "{}/{} (+{})",
            self.crawler.user_agent,
            env!("CARGO_PKG_VERSION"),
            self.crawler.contact
        )
    }

    /// `url` in the form the crawler compares and fetches it: normalised,
    /// with the configured tracking parameters dropped.
    pub fn normalise(&self, url: &Url) -> Url {
        crate::listing::normalise_url_dropping(url, &self.network.tracking_parameters)
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&SiteSpec> {
        self.sites.iter().find(|site| site.id == id)
    }

    /// The first site (in file order) whose listing patterns match the
    /// normalised `url`, authorised today or not: the caller decides what an
    /// expired site means.
    pub fn site_for_url(&self, url: &Url) -> Option<&SiteSpec> {
        let normalised = normalise_url(url);
        self.sites
            .iter()
            .find(|site| site.in_scope_normalised(normalised.as_str()))
    }
}

/// The `[crawler]` table.
#[derive(Debug, Clone, Serialize)]
pub struct CrawlerSettings {
    /// Product token (letters, `-`, `_`): the name in the User-Agent and the
    /// group cartograph obeys in robots.txt.
    pub user_agent: String,
    /// A `mailto:` or http(s) URL put into the User-Agent, so a site operator
    /// can reach the people crawling them.
    pub contact: String,
    /// How many hosts are crawled at once (each host still gets one request
    /// at a time); at least 1.
    pub max_concurrent_hosts: usize,
}

/// The `[politeness]` table: the global pace, which sites may slow further.
#[derive(Debug, Clone, Serialize)]
pub struct PolitenessSettings {
    /// Least time between two requests to one host; at least 1 s unless the
    /// config allows private addresses (the synthetic test farm).
    #[serde(serialize_with = "serialize_duration")]
    pub min_interval: Duration,
    /// Most pages fetched from one site in one run; at least 1.
    pub max_pages_per_site: u32,
    /// The longest wait a site may ask for (Crawl-delay, Retry-After); a
    /// site asking for more is paced at this and reported, so one robots.txt
    /// cannot stall a run for hours.
    #[serde(serialize_with = "serialize_duration")]
    pub max_crawl_delay: Duration,
    /// Retries of one request after 429, 503, a timeout or a connection
    /// error, with exponential backoff; bounded so a failing host costs a
    /// known number of requests.
    pub max_retries: u32,
    /// Failed requests in a row after which a host is left alone for the
    /// rest of the run (and reported), instead of being hammered.
    pub failures_before_pause: u32,
    /// Distinct query strings followed per path per run: calendars, sort
    /// orders and session ids otherwise make an endless frontier.
    pub max_query_variants: u32,
}

/// The `[store]` table.
#[derive(Debug, Clone, Serialize)]
pub struct StoreSettings {
    /// The store directory, already resolved against the config file's
    /// directory when it was written relative, so it does not depend on the
    /// working directory of whoever runs cartograph.
    pub path: PathBuf,
}

/// The `[evidence]` table.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceSettings {
    /// The Ed25519 signing key file, resolved against the config file's
    /// directory; created (mode 0600) by the first export, so the unit's
    /// packages are all signed by one key it keeps.
    pub signing_key: PathBuf,
    /// How long captures are kept; `cartograph prune` without
    /// `--older-than` removes captures older than this. None keeps them.
    #[serde(serialize_with = "serialize_optional_duration")]
    pub retention: Option<Duration>,
}

/// The `[extract]` table.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractSettings {
    /// The lexicon directory (`<lang>.toml` files), resolved against the
    /// config file's directory. None: the lexicons built into this binary
    /// (the shipped `config/lexicons/` as they were at build time).
    pub lexicons: Option<PathBuf>,
    /// The linkage key file that contact pseudonyms are keyed with,
    /// resolved against the config file's directory; created (mode 0600) on
    /// first use. One key per unit, so pseudonyms link across runs and
    /// sites; it is never logged.
    pub linkage_key: PathBuf,
}

/// The `[network]` table.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkSettings {
    /// Whether loopback, private and link-local addresses may be contacted;
    /// off except for tests and the demo, so a config cannot turn the
    /// crawler against the analyst's own network.
    pub allow_private_addresses: bool,
    /// Host (lower-cased) to the address to use instead of DNS, like curl's
    /// `--resolve`; lets tests and the demo point `.example.test` hosts at
    /// the farm.
    pub resolve: BTreeMap<String, SocketAddr>,
    /// Body bytes kept per response; the rest is not read and the capture is
    /// marked truncated (a 50 MiB page must not fill the store).
    pub max_body_bytes: u64,
    /// Bytes a compressed body may decode to for extraction; a gzip bomb is
    /// cut there and reported.
    pub max_decompressed_bytes: u64,
    /// The whole of one request, body included (a slowloris body ends here).
    #[serde(serialize_with = "serialize_duration")]
    pub request_timeout: Duration,
    /// Until the response headers arrive.
    #[serde(serialize_with = "serialize_duration")]
    pub first_byte_timeout: Duration,
    /// Redirect hops followed for one URL; each hop is checked for scope.
    pub max_redirects: u32,
    /// URLs longer than this are never fetched (traps, garbage).
    pub max_url_length: usize,
    /// Query parameters dropped when URLs are normalised, so one page is not
    /// fetched again under another tracking tag.
    pub tracking_parameters: Vec<String>,
}

/// One whitelisted site: an authority to crawl, not just a URL.
#[derive(Debug, Clone, Serialize)]
pub struct SiteSpec {
    /// Lowercase kebab-case, unique in the file; every capture records it.
    pub id: String,
    /// Human name of the site (mapping sheet field a).
    pub name: String,
    /// The country whose market the site is mapped for.
    pub country: CountryCode,
    /// Normalised URLs where a crawl starts; each lies inside `listing`.
    pub seeds: Vec<Url>,
    /// The scope: only URLs matching one of these are ever fetched.
    pub listing: Vec<ListingPattern>,
    /// The analyst's category (mapping sheet field l), checked later against
    /// the classifier.
    pub category_hint: Option<SiteCategory>,
    /// Expected language of the ads, ISO 639-1, to check language detection.
    pub language_hint: Option<String>,
    /// The analyst's own words (mapping sheet field h).
    pub notes: Option<String>,
    /// The case or mandate the site is crawled under, for the evidence trail.
    pub mandate: Option<String>,
    /// Last day the site may be crawled; after it the site is skipped.
    pub authorized_until: Option<NaiveDate>,
    /// This site's own interval when it must be slower than the global one.
    #[serde(serialize_with = "serialize_optional_duration")]
    pub min_interval: Option<Duration>,
    /// This site's own page cap per run.
    pub max_pages: Option<u32>,
    /// CSS selectors for this site's ad cards, when the generic extractor is
    /// not enough.
    pub profile: Option<ExtractionProfile>,
    /// When the daemon crawls this site on its own (groups may add more).
    pub schedule: Option<Schedule>,
}

impl SiteSpec {
    /// Whether the site may be crawled on `today`: true without an expiry
    /// date, and up to and including `authorized_until`.
    pub fn is_authorized_on(&self, today: NaiveDate) -> bool {
        self.authorized_until
            .is_none_or(|last_day| today <= last_day)
    }

    /// Whether any listing pattern matches the normalised `url`.
    pub fn in_scope(&self, url: &Url) -> bool {
        self.in_scope_normalised(normalise_url(url).as_str())
    }

    fn in_scope_normalised(&self, normalised_url: &str) -> bool {
        self.listing
            .iter()
            .any(|pattern| pattern.matches_normalised(normalised_url))
    }

    /// The interval in force for this site: its own, or the global one.
    pub fn min_interval(&self, politeness: &PolitenessSettings) -> Duration {
        self.min_interval.unwrap_or(politeness.min_interval)
    }

    /// The page cap in force for this site: its own, or the global one.
    pub fn max_pages(&self, politeness: &PolitenessSettings) -> u32 {
        self.max_pages.unwrap_or(politeness.max_pages_per_site)
    }
}

/// CSS selectors for one site's pages; each has passed
/// `scraper::Selector::parse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionProfile {
    /// One ad card on a listing page; everything else is looked up inside it.
    pub ad: String,
    /// The link from a card to the ad's own page.
    pub link: Option<String>,
    /// The posting date on a card, for recency.
    pub date: Option<String>,
    /// The price text on a card.
    pub price: Option<String>,
    /// The city or region on a card, for geographical scope.
    pub location: Option<String>,
    /// The link to the next listing page.
    pub next: Option<String>,
}

/// A config that loaded, and the warnings it came with.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The valid config.
    pub config: Config,
    /// Things worth telling the analyst that do not stop a crawl (an expired
    /// authorisation, an empty whitelist), in file order.
    pub warnings: Vec<Diagnostic>,
}

fn serialize_duration<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&humantime::format_duration(*duration))
}

fn serialize_optional_duration<S: serde::Serializer>(
    duration: &Option<Duration>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match duration {
        Some(duration) => serialize_duration(duration, serializer),
        None => serializer.serialize_none(),
    }
}
