//! Helpers of the end-to-end tests in `tests/runs.rs`: the farm on port 0
//! with a config written for it, the binary run or spawned, and the
//! politeness check from the farm's own audit (the same rules as
//! `assert_polite` in `tests/end_to_end.rs`, for any interval).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Output, Stdio};
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
        self.config_path.to_str().unwrap().to_owned()
    }
}

pub(crate) async fn start_farm(spec: FarmSpec, interval: Duration) -> FarmUnderTest {
    let farm = Arc::new(Farm::new(spec));
    let running = cartograph_farm::spawn(farm.clone())
        .await
        .expect("farm starts");
    let directory = tempfile::tempdir().expect("temporary directory");
    let config_path = directory.path().join("cartograph.toml");
    let config = farm.crawler_config(
        running.address,
        &ConfigOptions {
            min_interval: interval,
            store_path: "data".to_owned(),
            user_agent: "cartograph".to_owned(),
            contact: "mailto:test@example.org".to_owned(),
        },
    );
    std::fs::write(&config_path, config).expect("config written");
    FarmUnderTest {
        farm,
        _running: running,
        directory,
        config_path,
    }
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

fn expectations(farm: &Farm, interval: Duration) -> AuditExpectations {
    AuditExpectations {
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
    }
}

/// Every politeness and scope rule against the farm's own audit: robots.txt
/// first, nothing robots.txt disallows, nothing outside the listing
/// patterns, one request at a time per host, the interval between the end
/// of one and the start of the next, the product token in the User-Agent.
pub(crate) fn assert_polite(farm: &Farm, interval: Duration) {
    let report = farm.audit_report(&expectations(farm, interval));
    assert!(report.violations().is_empty(), "{:#?}", report.violations());
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
        let site = farm.sites().iter().find(|site| site.host == host);
        let site = site.unwrap_or_else(|| panic!("request to a host no site has: {host}"));
        assert_eq!(
            requests[0].path_and_query, "/robots.txt",
            "{host}: robots.txt first"
        );
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
            if request.path_and_query != "/robots.txt" {
                let url = format!("http://{host}{}", request.path_and_query);
                assert!(
                    site.listing_patterns
                        .iter()
                        .any(|pattern| glob_matches(pattern, &url)),
                    "{url} is outside the listing patterns"
                );
            }
        }
        assert_eq!(report.hosts[host].robots_disallowed_hits, 0, "{host}");
    }
}

/// `*` matches any run of characters; nothing else is special.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields one part");
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    for (index, part) in rest.iter().enumerate() {
        if index == rest.len() - 1 {
            return remaining.ends_with(part);
        }
        match remaining.find(part) {
            Some(position) => remaining = &remaining[position + part.len()..],
            None => return false,
        }
    }
    remaining.is_empty()
}
