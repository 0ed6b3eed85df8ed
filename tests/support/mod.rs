//! What every end-to-end test file shares: the farm on loopback port 0 with
//! a crawler config written for it, the `cartograph` binary run or spawned,
//! and the politeness check from the farm's own audit. Each test binary
//! uses a part of it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use cartograph_farm::{ConfigOptions, Farm, FarmSpec, RunningFarm};

/// Timer slack allowed when comparing request gaps with the interval.
const SLACK: Duration = Duration::from_millis(5);

/// The contact every test config names; the audit checks the User-Agent
/// carries it.
const CONTACT: &str = "mailto:test@example.org";

pub(crate) struct FarmUnderTest {
    pub(crate) farm: Arc<Farm>,
    /// Serves the farm until the test ends (or shuts it down).
    pub(crate) running: RunningFarm,
    pub(crate) directory: tempfile::TempDir,
    pub(crate) config_path: PathBuf,
    pub(crate) interval: Duration,
}

impl FarmUnderTest {
    pub(crate) fn config(&self) -> &str {
        self.config_path
            .to_str()
            .expect("temporary paths are UTF-8")
    }

    pub(crate) fn store_path(&self) -> PathBuf {
        self.directory.path().join("data")
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
        running,
        directory,
        config_path,
        interval,
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
            contact: CONTACT.to_owned(),
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

/// The binary with `--log-format json` and its default log level.
pub(crate) async fn cartograph_json_logs(arguments: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_cartograph"))
        .args(arguments)
        .arg("--log-format")
        .arg("json")
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("cartograph runs")
}

/// The binary started in the background (killed if the test drops it).
pub(crate) fn spawn_cartograph(arguments: &[&str]) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_cartograph"))
        .args(arguments)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("cartograph starts")
}

/// Sends `signal` (`TERM`, `INT`) to `child`.
pub(crate) fn signal(child: &tokio::process::Child, signal: &str) {
    let pid = child.id().expect("child running").to_string();
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits until `condition` holds, at most `limit`.
pub(crate) async fn wait_for(limit: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Panics with both streams unless `output` exited with `code`.
pub(crate) fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
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

/// Every politeness and scope rule, for a crawl that read robots.txt itself.
pub(crate) fn assert_polite(farm: &Farm, interval: Duration) {
    assert_polite_with(farm, interval, Robots::Fetched);
}

/// Every politeness and scope rule: the farm's own audit (robots.txt first
/// and obeyed, nothing outside the listing patterns — it knows where a
/// site's robots.txt redirects —, no overlap, the interval raised by each
/// site's Crawl-delay, the product token), and from the raw records again:
/// only farm hosts, robots.txt first, one request at a time per host with
/// at least the interval from the end of one to the start of the next (the
/// audit measures start to start), GET only, the contact in the User-Agent.
pub(crate) fn assert_polite_with(farm: &Farm, interval: Duration, robots: Robots) {
    let report = farm.audit_report(&farm.audit_expectations("cartograph", interval));
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
                user_agent.starts_with("cartograph/") && user_agent.contains(CONTACT),
                "{user_agent}"
            );
        }
    }
}
