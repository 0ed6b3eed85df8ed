//! Helpers of the report tests (`tests/report.rs`, `tests/report_browser.rs`):
//! the farm on port 0 with a config written for it, the binary, and the
//! politeness check from the farm's own audit (it knows where a site's
//! robots.txt redirects) plus the end-to-start gap and one-at-a-time rules
//! from the raw request records.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use cartograph_farm::{AuditExpectations, ConfigOptions, Farm, FarmSpec, RunningFarm};

/// Timer slack allowed when comparing request gaps with the interval.
const SLACK: Duration = Duration::from_millis(5);

pub(crate) struct FarmUnderTest {
    pub(crate) farm: Arc<Farm>,
    /// Serves the farm until the test ends.
    pub(crate) _running: RunningFarm,
    pub(crate) directory: tempfile::TempDir,
    pub(crate) config_path: PathBuf,
}

impl FarmUnderTest {
    pub(crate) fn config(&self) -> String {
        self.config_path
            .to_str()
            .expect("temporary paths are UTF-8")
            .to_owned()
    }
}

/// The farm of `spec` on loopback port 0, and a crawler config for it (store
/// `data` beside the config) in a fresh temporary directory.
pub(crate) async fn start_farm(spec: FarmSpec, interval: Duration) -> FarmUnderTest {
    let farm = Arc::new(Farm::new(spec));
    let running = cartograph_farm::spawn(farm.clone())
        .await
        .expect("farm starts");
    let directory = tempfile::tempdir().expect("temporary directory");
    let config_path = directory.path().join("cartograph.toml");
    std::fs::write(
        &config_path,
        crawler_config(&farm, running.address, interval),
    )
    .expect("config written");
    FarmUnderTest {
        farm,
        _running: running,
        directory,
        config_path,
    }
}

/// The crawler config for `farm` served at `address`.
pub(crate) fn crawler_config(farm: &Farm, address: SocketAddr, interval: Duration) -> String {
    farm.crawler_config(
        address,
        &ConfigOptions {
            min_interval: interval,
            store_path: "data".to_owned(),
            user_agent: "cartograph".to_owned(),
            contact: "mailto:test@example.org".to_owned(),
        },
    )
}

pub(crate) async fn cartograph(arguments: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_cartograph"))
        .args(arguments)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("cartograph runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Where a crawl's robots.txt verdicts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Robots {
    /// A fresh store: every host's first request is its robots.txt.
    Fetched,
    /// A store that read the hosts' robots.txt in an earlier run (within
    /// 24 h): the file comes from the store's cache, so this farm may see a
    /// listing page first; it is still judged against the farm's robots.txt.
    FromCache,
}

/// Every politeness and scope rule: the farm's own audit (robots.txt first
/// and obeyed, nothing outside the listing patterns, no overlap, the
/// interval, the product token), and from the raw records one request at a
/// time per host with at least the interval from the end of one to the
/// start of the next.
pub(crate) fn assert_polite(farm: &Farm, interval: Duration, robots: Robots) {
    let expectations = AuditExpectations {
        user_agent_token: "cartograph".to_owned(),
        listing_patterns: farm
            .sites()
            .iter()
            .map(|site| (site.host.clone(), site.listing_patterns.clone()))
            .collect(),
        min_interval: farm
            .sites()
            .iter()
            .map(|site| (site.host.clone(), interval))
            .collect(),
    };
    let report = farm.audit_report(&expectations);
    let violations: Vec<String> = report
        .violations()
        .into_iter()
        .filter(|violation| {
            robots == Robots::Fetched || !violation.ends_with("first request was not /robots.txt")
        })
        .collect();
    assert!(violations.is_empty(), "{violations:#?}");
    let records = farm.audit();
    assert!(!records.is_empty(), "the farm saw no requests");
    let mut by_host: BTreeMap<&str, Vec<&cartograph_farm::RequestRecord>> = BTreeMap::new();
    for record in &records {
        by_host
            .entry(record.host.as_str())
            .or_default()
            .push(record);
    }
    for (host, requests) in by_host {
        assert!(
            farm.sites().iter().any(|site| site.host == host),
            "request to a host no site has: {host}"
        );
        if robots == Robots::Fetched {
            assert_eq!(
                requests[0].path_and_query, "/robots.txt",
                "{host}: robots.txt first"
            );
        }
        for pair in requests.windows(2) {
            let finished = pair[0].finished.expect("every request finished");
            assert!(
                pair[1].started >= finished,
                "{host}: {} started while {} in flight",
                pair[1].path_and_query,
                pair[0].path_and_query
            );
            let gap = pair[1].started - finished;
            assert!(
                gap + SLACK >= interval,
                "{host}: gap {gap:?} before {}",
                pair[1].path_and_query
            );
        }
        for request in &requests {
            assert_eq!(request.method, "GET");
            let user_agent = request.user_agent.as_deref().unwrap_or_default();
            assert!(
                user_agent.starts_with("cartograph/")
                    && user_agent.contains("mailto:test@example.org"),
                "{user_agent}"
            );
        }
    }
}
