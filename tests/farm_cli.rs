//! End to end: `cartograph farm` as a separate process, as a person or a
//! benchmark runs it. Its `--write-config` output passes `check-config`;
//! a crawl with that config counts exactly the pages and ads of the
//! `--truth` file it wrote; and the farm's audit, read over HTTP from its
//! control address, shows the crawl was polite.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

/// The interval `cartograph farm --write-config` writes.
const WRITTEN_INTERVAL_MS: u64 = 200;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn cartograph(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cartograph"))
        .args(arguments)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("cartograph runs")
}

/// Starts `cartograph farm` and returns it with the address it printed.
async fn start_farm(arguments: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cartograph"))
        .arg("farm")
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("farm starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(60),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("the farm announces its address in time")
    .expect("read stdout");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    (child, address)
}

/// One GET on the farm's control address (its IP literal).
async fn control_get(address: &str, path: &str) -> serde_json::Value {
    let mut stream = TcpStream::connect(address).await.expect("connect to farm");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let raw = text(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").expect("response head");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    serde_json::from_str(&body).expect("json body")
}

fn dechunk(mut body: &str) -> String {
    let mut decoded = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).expect("chunk size");
        if size == 0 {
            break;
        }
        decoded.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    decoded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn written_config_passes_check_config_and_a_crawl_matches_the_written_truth() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let config = directory.path().join("farm.toml");
    let truth_path = directory.path().join("truth.json");
    let config_text = config.to_str().expect("utf-8 path");
    let (mut farm, address) = start_farm(&[
        "--sites",
        "10",
        "--seed",
        "4",
        "--day",
        "2",
        "--port",
        "0",
        "--write-config",
        config_text,
        "--truth",
        truth_path.to_str().expect("utf-8 path"),
    ])
    .await;

    let check = cartograph(&["check-config", "--config", config_text]).await;
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let written = std::fs::read_to_string(&config).expect("config written");
    assert!(
        written.contains(&format!("\"{address}\"")),
        "resolve map points at the farm"
    );

    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&truth_path).expect("truth written"))
            .expect("truth is json");
    let sites = truth["sites"].as_array().expect("sites");
    assert_eq!(sites.len(), 10);
    assert_eq!(truth["day"], 2);

    let crawl = cartograph(&["crawl", "--config", config_text]).await;
    assert_eq!(
        crawl.status.code(),
        Some(0),
        "{}\n{}",
        text(&crawl.stdout),
        text(&crawl.stderr)
    );
    let indicators = cartograph(&["indicators", "--config", config_text, "--format", "json"]).await;
    assert!(indicators.status.success(), "{}", text(&indicators.stderr));
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&indicators.stdout).expect("indicators json");
    for site in sites {
        let row = rows
            .iter()
            .find(|row| row["site"] == site["site_id"])
            .unwrap_or_else(|| panic!("no row for {}", site["site_id"]));
        assert_eq!(row["ads_seen"], site["ads_total"], "{}", site["site_id"]);
        assert_eq!(
            row["pages_fetched"].as_u64(),
            site["pages"].as_array().map(|pages| pages.len() as u64),
            "{}",
            site["site_id"]
        );
    }

    let report = control_get(
        &address,
        &format!("/__farm/audit?min_interval_ms={WRITTEN_INTERVAL_MS}"),
    )
    .await;
    let hosts = report["hosts"].as_object().expect("hosts");
    assert_eq!(hosts.len(), 10, "every site was visited");
    for (host, audit) in hosts {
        assert_eq!(audit["robots_first"], true, "{host}");
        for zero in [
            "overlapping",
            "robots_disallowed_hits",
            "outside_listing",
            "gaps_below_interval",
            "missing_token",
        ] {
            assert_eq!(audit[zero], 0, "{host}: {zero} in {audit}");
        }
        let user_agents = audit["user_agents"].as_array().expect("user agents");
        assert!(user_agents.iter().all(|agent| agent
            .as_str()
            .is_some_and(|agent| agent.starts_with("cartograph/"))));
    }
    let requests = control_get(&address, "/__farm/audit/requests").await;
    let total: u64 = hosts
        .values()
        .map(|audit| audit["requests"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        requests.as_array().map(|records| records.len() as u64),
        Some(total)
    );

    farm.kill().await.expect("stop the farm");
    assert!(Path::new(&directory.path().join("data")).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn farm_refuses_a_site_count_out_of_range() {
    for count in ["0", "10001"] {
        let output = cartograph(&["farm", "--sites", count, "--port", "0"]).await;
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        assert!(
            text(&output.stderr).contains("--sites"),
            "{}",
            text(&output.stderr)
        );
    }
}
