//! Runs that survive anything, end to end: the `cartograph` binary killed
//! (SIGKILL) again and again during a crawl of the farm and resumed each
//! time, compared with an uninterrupted crawl and checked against the
//! farm's own audit; one writer per store with reads served while a crawl
//! runs; a recrawl handed to a running crawl; the daemon's scheduled run,
//! stopped by SIGTERM and resumed; indicators across runs.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use cartograph_farm::FarmSpec;
use cartograph_store::{CaptureKind, RunState, RunTrigger, Store};

use support::{assert_exit, assert_polite, cartograph, start_farm, text, wait_for, FarmUnderTest};

/// Kills during the interrupted crawl; the issue asks for at least 20.
const KILLS: usize = 20;

/// What a run left in a store, for comparing two stores.
#[derive(Debug, PartialEq)]
struct RunContents {
    /// Ads per site, from `indicators --format json`.
    ads: BTreeMap<String, u64>,
    /// URLs of the run's page captures with a 2xx response.
    pages: BTreeSet<String>,
    /// URLs of the run's robots.txt captures.
    robots: BTreeSet<String>,
}

/// The single run of the store at `root`, which must have completed, and
/// the URLs captured twice with a 2xx status in it.
fn run_contents(root: &Path, ads: BTreeMap<String, u64>) -> (RunContents, Vec<String>, usize) {
    let store = Store::open(root).expect("store opens after the crawl");
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0].state, RunState::Completed, "{:#?}", runs[0]);
    let mut pages = BTreeSet::new();
    let mut robots = BTreeSet::new();
    let mut twice = Vec::new();
    for capture in store.captures() {
        let capture = capture.unwrap();
        assert_eq!(capture.run_id, runs[0].id);
        let ok = capture
            .response
            .as_ref()
            .is_some_and(|response| (200..300).contains(&response.status));
        match capture.kind {
            CaptureKind::Robots => {
                robots.insert(capture.url.clone());
            }
            CaptureKind::Page if ok => {
                if !pages.insert(capture.url.clone()) {
                    twice.push(capture.url.clone());
                }
            }
            CaptureKind::Page => {}
        }
    }
    (
        RunContents { ads, pages, robots },
        twice,
        runs[0].resumptions.len(),
    )
}

async fn ads_per_site(config: &str) -> BTreeMap<String, u64> {
    let output = cartograph(&["indicators", "--config", config, "--format", "json"]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    rows.iter()
        .map(|row| {
            (
                row["site"].as_str().unwrap().to_owned(),
                row["ads_seen"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A small deterministic spread of kill delays (xorshift), so a failure can
/// be replayed.
struct Delays(u64);

impl Delays {
    fn next(&mut self, low_ms: u64, high_ms: u64) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Duration::from_millis(low_ms + self.0 % (high_ms - low_ms))
    }
}

const SPEC: FarmSpec = FarmSpec {
    seed: 42,
    sites: 3,
    day: 0,
};

/// The kill test's farm: more sites, so more hosts are cut off mid-request.
const KILL_SPEC: FarmSpec = FarmSpec {
    seed: 42,
    sites: 4,
    day: 0,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_killed_twenty_times_resumes_to_the_same_result_as_one_never_killed() {
    let interval = Duration::from_millis(800);
    // The yardstick: the same farm, crawled once without interruption.
    let calm = start_farm(KILL_SPEC, interval).await;
    let calm_config = calm.config();
    let started = Instant::now();
    let output = cartograph(&["crawl", "--config", calm_config]).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let calm_duration = started.elapsed();
    let (expected, twice, _) = run_contents(
        &calm.directory.path().join("data"),
        ads_per_site(calm_config).await,
    );
    assert!(twice.is_empty(), "{twice:?}");
    for site in &calm.farm.truth().sites {
        assert_eq!(expected.ads[&site.site_id], site.ads_total as u64);
    }
    assert_polite(&calm.farm, interval);

    // The same farm again, the crawler killed at spread-out moments.
    let killed = start_farm(KILL_SPEC, interval).await;
    let config = killed.config();
    let mut delays = Delays(0x9e37_79b9_7f4a_7c15);
    let mut kills = 0;
    let mut attempts = 0;
    while kills < KILLS {
        attempts += 1;
        assert!(
            attempts < KILLS * 3,
            "the crawl kept finishing before its kill"
        );
        let mut child = support::spawn_cartograph(&["crawl", "--config", config]);
        tokio::time::sleep(delays.next(50, 250)).await;
        if child.try_wait().unwrap().is_some() {
            // It finished before the kill: nothing left to interrupt.
            break;
        }
        child.kill().await.expect("SIGKILL");
        child.wait().await.unwrap();
        kills += 1;
    }
    let output = cartograph(&["crawl", "--config", config]).await;
    assert_exit(&output, 0);
    assert!(
        kills >= KILLS,
        "only {kills} kills landed during the crawl (an uninterrupted one takes {calm_duration:?})"
    );
    let (found, twice, resumptions) = run_contents(
        &killed.directory.path().join("data"),
        ads_per_site(config).await,
    );
    assert!(resumptions >= 1, "the run was never resumed");
    assert_eq!(found, expected, "after {kills} kills");
    assert!(twice.is_empty(), "captured twice with a 2xx: {twice:?}");
    // Politeness held across every restart, and the farm was asked for a
    // page again only when a kill cut its request off (at most one per
    // host per kill).
    assert_polite(&killed.farm, interval);
    let mut asked: BTreeMap<(String, String), usize> = BTreeMap::new();
    for request in killed.farm.audit() {
        if request.path_and_query != "/robots.txt" {
            *asked
                .entry((request.host.clone(), request.path_and_query.clone()))
                .or_default() += 1;
        }
    }
    let asked_again: usize = asked.values().map(|times| times - 1).sum();
    assert!(
        asked_again <= kills * KILL_SPEC.sites,
        "{asked_again} repeated requests for {kills} kills"
    );
    eprintln!(
        "{kills} kills, {resumptions} resumptions, {asked_again} requests repeated; \
         uninterrupted crawl {calm_duration:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_writer_is_refused_by_pid_and_reads_are_served_while_a_crawl_runs() {
    let interval = Duration::from_millis(150);
    let farm = start_farm(SPEC, interval).await;
    let config = farm.config();
    let mut crawl = support::spawn_cartograph(&["crawl", "--config", config]);
    let pid = crawl.id().unwrap();
    let socket = farm.directory.path().join("data/reads.sock");
    wait_for(Duration::from_secs(10), || socket.exists()).await;

    let second = cartograph(&["crawl", "--config", config]).await;
    let stderr = text(&second.stderr);
    assert_eq!(second.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains(&format!("in use by pid {pid}")), "{stderr}");

    let status = cartograph(&["status", "--config", config]).await;
    let stdout = text(&status.stdout);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status.stderr));
    assert!(
        stdout.contains(&format!("writer: pid {pid} (crawl)")),
        "{stdout}"
    );
    assert!(stdout.contains("running"), "{stdout}");

    let indicators = cartograph(&["indicators", "--config", config, "--format", "json"]).await;
    assert_eq!(
        indicators.status.code(),
        Some(0),
        "{}",
        text(&indicators.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&indicators.stdout).expect("json while crawling");

    // Evidence commands too: the writer re-hashes its store and writes the
    // package (with its custody entry) for us.
    let verified = cartograph(&["verify", "--store", "--config", config]).await;
    let verdicts = text(&verified.stdout);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{verdicts}{}",
        text(&verified.stderr)
    );
    assert!(verdicts.contains("verified: all"), "{verdicts}");
    // Wait for a page to be captured, so there is evidence to export.
    wait_for(Duration::from_secs(10), || farm.farm.audit().len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let package = farm.directory.path().join("while-crawling.wacz");
    let exported = cartograph(&[
        "export",
        "--config",
        config,
        "--out",
        package.to_str().unwrap(),
        "--operator",
        "analyst",
    ])
    .await;
    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        text(&exported.stderr)
    );
    assert!(
        text(&exported.stdout).contains("custody entry"),
        "{}",
        text(&exported.stdout)
    );
    let checked = cartograph(&["verify", package.to_str().unwrap()]).await;
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked.stdout));

    let finished = crawl.wait().await.unwrap();
    assert_eq!(finished.code(), Some(0));
    assert!(!socket.exists(), "the writer removes its socket");
    // With the store free, the same reads open it themselves.
    let status = cartograph(&["status", "--config", config, "--format", "json"]).await;
    let document: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(document["writer"], serde_json::Value::Null);
    assert_eq!(document["runs"][0]["state"], "completed");
    assert_polite(&farm.farm, interval);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recrawl_handed_to_a_running_crawl_goes_first_and_carries_its_case() {
    let interval = Duration::from_millis(150);
    let farm = start_farm(SPEC, interval).await;
    let config = farm.config();
    let mut crawl = support::spawn_cartograph(&["crawl", "--config", config]);
    let socket = farm.directory.path().join("data/reads.sock");
    wait_for(Duration::from_secs(10), || socket.exists()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let site = &farm.farm.sites()[0];
    let seeds = farm.directory.path().join("seeds.txt");
    std::fs::write(
        &seeds,
        format!("{}\nhttp://unlisted.farm.test/x/\n", site.seeds[0]),
    )
    .unwrap();
    let recrawl = cartograph(&[
        "recrawl",
        "--config",
        config,
        "--seeds",
        seeds.to_str().unwrap(),
        "--case",
        "case-2026-17",
    ])
    .await;
    let (stdout, stderr) = (text(&recrawl.stdout), text(&recrawl.stderr));
    assert_eq!(recrawl.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(stderr.contains("handing the recrawl to it"), "{stderr}");
    assert!(stderr.contains("refused line 2"), "{stderr}");
    assert!(stdout.contains("completed"), "{stdout}");
    assert_eq!(crawl.wait().await.unwrap().code(), Some(0));

    let store = Store::open(&farm.directory.path().join("data")).unwrap();
    let runs = store.runs().unwrap();
    let recrawl_run = runs
        .iter()
        .find(|run| run.trigger == RunTrigger::Recrawl)
        .expect("a recrawl run");
    assert_eq!(recrawl_run.case_label.as_deref(), Some("case-2026-17"));
    assert_eq!(recrawl_run.state, RunState::Completed);
    // Its captures carry the case; the recrawl's pages of the host went
    // one after the other, the crawl's pages of that host waiting (at most
    // one was already at the host's gate when the recrawl came).
    let mut host_captures: Vec<(chrono::DateTime<chrono::Utc>, u64)> = Vec::new();
    for capture in store.captures() {
        let capture = capture.unwrap();
        if capture.run_id == recrawl_run.id {
            assert_eq!(capture.case_label.as_deref(), Some("case-2026-17"));
        }
        if capture.url.contains(&site.host) && capture.kind == CaptureKind::Page {
            host_captures.push((capture.fetched_at, capture.run_id));
        }
    }
    host_captures.sort();
    let ours: Vec<usize> = host_captures
        .iter()
        .enumerate()
        .filter(|(_, (_, run))| *run == recrawl_run.id)
        .map(|(index, _)| index)
        .collect();
    assert!(ours.len() > 1, "{host_captures:?}");
    let interleaved = ours.last().unwrap() - ours.first().unwrap() + 1 - ours.len();
    assert!(
        interleaved <= 1,
        "{interleaved} crawl pages between recrawl pages"
    );
    drop(store);
    assert_polite(&farm.farm, interval);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_runs_a_due_schedule_stops_on_sigterm_and_resumes_on_restart() {
    let interval = Duration::from_millis(150);
    let farm = start_farm(SPEC, interval).await;
    let sites: Vec<String> = farm
        .farm
        .sites()
        .iter()
        .map(|site| format!("\"{}\"", site.id))
        .collect();
    let mut config_text = std::fs::read_to_string(&farm.config_path).unwrap();
    config_text.push_str(&format!(
        "\n[[group]]\nid = \"every-minute\"\nsites = [{}]\nschedule = \"* * * * *\"\ntimezone = \"UTC\"\n",
        sites.join(", ")
    ));
    std::fs::write(&farm.config_path, config_text).unwrap();
    let config = farm.config();
    let check = cartograph(&["check-config", "--config", config]).await;
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // The daemon was down over the last slots: it runs the latest one at
    // once (one catch-up run, not one per missed minute).
    {
        let store = Store::open(&farm.directory.path().join("data")).unwrap();
        store
            .put_schedule_state(&cartograph_store::ScheduleStateRecord {
                schedule_id: "group:every-minute".to_owned(),
                last_slot: chrono::Utc::now() - chrono::Duration::minutes(5),
            })
            .unwrap();
        store.flush().unwrap();
    }
    let mut daemon = support::spawn_cartograph(&["daemon", "--config", config]);
    let socket = farm.directory.path().join("data/reads.sock");
    wait_for(Duration::from_secs(10), || socket.exists()).await;
    // Let the run get going, then stop the daemon as systemd would.
    wait_for(Duration::from_secs(10), || farm.farm.audit().len() >= 6).await;
    let stop_sent = Instant::now();
    support::signal(&daemon, "TERM");
    let stopped = tokio::time::timeout(Duration::from_secs(10), daemon.wait())
        .await
        .expect("the daemon stops within 10 s")
        .unwrap();
    assert_eq!(stopped.code(), Some(0));
    eprintln!("daemon stopped {:?} after SIGTERM", stop_sent.elapsed());

    let status = cartograph(&["status", "--config", config, "--format", "json"]).await;
    let document: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one catch-up run: {runs:#?}");
    assert_eq!(runs[0]["trigger"], "scheduled");
    assert_eq!(runs[0]["state"], "interrupted", "{document:#}");
    assert!(
        document["sites"][0]["next_scheduled"].is_string(),
        "{document:#}"
    );

    // Restarted, the daemon resumes the run and finishes it.
    let mut daemon = support::spawn_cartograph(&["daemon", "--config", config]);
    let data = farm.directory.path().join("data");
    let store_root = data.clone();
    let finished = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let status = cartograph(&["status", "--config", config, "--format", "json"]).await;
            let document: serde_json::Value = match serde_json::from_slice(&status.stdout) {
                Ok(document) => document,
                Err(_) => continue,
            };
            let resumed = document["runs"]
                .as_array()
                .and_then(|runs| {
                    runs.iter()
                        .find(|run| run["run"] == runs.last().unwrap()["run"])
                })
                .cloned();
            if let Some(run) = resumed {
                if run["state"] == "completed" {
                    return run;
                }
            }
        }
    })
    .await
    .expect("the resumed run completes");
    assert_eq!(finished["resumptions"], 1, "{finished:#}");
    support::signal(&daemon, "INT");
    let stopped = tokio::time::timeout(Duration::from_secs(10), daemon.wait())
        .await
        .expect("the daemon stops within 10 s")
        .unwrap();
    assert_eq!(stopped.code(), Some(0));
    let _ = store_root;
    let ads = ads_per_site(config).await;
    for site in &farm.farm.truth().sites {
        assert_eq!(
            ads[&site.site_id], site.ads_total as u64,
            "{}",
            site.site_id
        );
    }
    assert_polite(&farm.farm, interval);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indicators_history_shows_ads_and_every_indicator_across_runs() {
    let interval = Duration::from_millis(20);
    let farm: FarmUnderTest = start_farm(
        FarmSpec {
            seed: 9,
            sites: 2,
            day: 0,
        },
        interval,
    )
    .await;
    let config = farm.config();
    // The first crawl logs as JSON for a log stack: every stderr line an
    // object, the run's progress among them.
    let output = support::cartograph_json_logs(&["crawl", "--config", config]).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("sites: 2 ok, 0 failed, 0 skipped"));
    let events: Vec<serde_json::Value> = text(&output.stderr)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not json: {line}")))
        .collect();
    assert!(
        events
            .iter()
            .any(|event| event["fields"]["message"] == "run progress: finished"),
        "{events:#?}"
    );
    let output = cartograph(&["crawl", "--config", config]).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("sites: 2 ok, 0 failed, 0 skipped"));
    let site = &farm.farm.truth().sites[0];
    let output = cartograph(&[
        "indicators",
        "--config",
        config,
        "--site",
        &site.site_id,
        "--history",
        "--format",
        "json",
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["new_ads"], site.ads_total as u64);
    assert_eq!(runs[1]["new_ads"], 0);
    assert_eq!(runs[1]["disappeared_ads"], 0);
    assert_eq!(runs[1]["indicators"]["ads_seen"], site.ads_total as f64);
    let ads = document["ads"].as_array().unwrap();
    assert_eq!(ads.len(), site.ads_total);
    assert!(ads.iter().all(|ad| ad["runs_seen"] == 2));

    let table = cartograph(&[
        "indicators",
        "--config",
        config,
        "--site",
        &site.site_id,
        "--history",
    ])
    .await;
    let stdout = text(&table.stdout);
    for row in [
        "ads_seen",
        "ad_cards",
        "pages_parsed",
        "new_ads",
        "disappeared_ads",
    ] {
        assert!(
            stdout.lines().any(|line| line.starts_with(row)),
            "{row}: {stdout}"
        );
    }
    assert!(
        stdout.contains(&format!("ads ever seen: {}", site.ads_total)),
        "{stdout}"
    );
    assert_polite(&farm.farm, interval);
}
