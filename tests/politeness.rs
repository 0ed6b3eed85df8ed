//! End to end: the `cartograph` binary against the hostile farm, where each
//! host misbehaves in its own way. The Bar: the farm's own audit shows no
//! request outside the listing patterns, none robots.txt disallows, never
//! two at once to one host, no gap shorter than the host's interval
//! (Crawl-delay included) and no request sooner than a Retry-After asked;
//! the run completes, names each fault per site, and captures every page
//! that could be captured. A second run asks conditionally and gets 304s.

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use cartograph_farm::hostile::{Fault, HostileConfig, RunningHostileFarm};

const INTERVAL: Duration = Duration::from_millis(100);

async fn cartograph(arguments: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_cartograph"))
        .args(arguments)
        .env("RUST_LOG", "error")
        .output()
        .await
        .expect("cartograph runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn hostile_farm() -> (RunningHostileFarm, tempfile::TempDir, PathBuf) {
    let farm = RunningHostileFarm::spawn()
        .await
        .expect("hostile farm starts");
    let directory = tempfile::tempdir().expect("temporary directory");
    let config_path = directory.path().join("cartograph.toml");
    let config = farm.crawler_config(&HostileConfig {
        min_interval: INTERVAL,
        store_path: "data".to_owned(),
        user_agent: "cartograph".to_owned(),
        contact: "mailto:test@example.org".to_owned(),
    });
    std::fs::write(&config_path, config).expect("config written");
    (farm, directory, config_path)
}

fn summary_line(stdout: &str, fault: Fault) -> &str {
    stdout
        .lines()
        .find(|line| line.split_whitespace().next() == Some(fault.name()))
        .unwrap_or_else(|| panic!("no summary row for {}:\n{stdout}", fault.name()))
}

fn faults_of(stdout: &str, fault: Fault) -> String {
    let prefix = format!("fault {}: ", fault.name());
    stdout
        .lines()
        .filter(|line| line.starts_with(&prefix))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_crawl_of_the_hostile_farm_is_polite_complete_and_reported() {
    let (farm, _directory, config_path) = hostile_farm().await;
    let config = config_path.to_str().unwrap();
    // explain before any crawl: robots.txt is read politely, kept as
    // evidence, and names the rule that decides.
    let explained = cartograph(&[
        "explain",
        "http://crawl-delay.hostile.test/list/private/x",
        "--config",
        config,
    ])
    .await;
    let explanation = text(&explained.stdout);
    assert_eq!(
        explained.status.code(),
        Some(4),
        "{explanation}{}",
        text(&explained.stderr)
    );
    for expected in [
        "site: crawl-delay (Hostile crawl-delay) — in scope",
        "robots.txt: read now (kept as evidence in run 1)",
        "robots verdict: not allowed — disallowed by robots.txt line 2: Disallow: /list/private/",
        "interval: 400ms (configured 100ms, Crawl-delay 400ms)",
        "next request to crawl-delay.hostile.test:80: ",
    ] {
        assert!(
            explanation.contains(expected),
            "{expected:?} missing:\n{explanation}"
        );
    }
    // The crawl starts in a new process, which knows nothing of the explain's
    // request: leave the host its Crawl-delay.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let started = std::time::Instant::now();
    let crawl = cartograph(&["crawl", "--config", config]).await;
    let stdout = text(&crawl.stdout);
    assert_eq!(
        crawl.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&crawl.stderr)
    );
    assert!(
        stdout.starts_with("run ") && stdout.contains("completed"),
        "{stdout}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );

    let audit = farm.audit("cartograph", INTERVAL);
    assert!(
        audit.violations().is_empty(),
        "{:#?}\n{stdout}",
        audit.violations()
    );
    for (host, host_audit) in &audit.report.hosts {
        assert_eq!(host_audit.outside_listing, 0, "{host}");
        assert_eq!(host_audit.robots_disallowed_hits, 0, "{host}");
        assert_eq!(host_audit.overlapping, 0, "{host}");
        assert_eq!(host_audit.gaps_below_interval, 0, "{host}");
        assert!(host_audit.robots_first, "{host}");
    }
    assert_eq!(audit.trap_connections, 0);
    assert!(
        audit
            .records
            .iter()
            .all(|record| Fault::of_host(&record.host).is_some()),
        "a request left the whitelisted hosts: {:#?}",
        audit.records
    );
    // Every request was a GET of robots.txt or a listing page; no ad page,
    // image or PDF body was ever asked for but the one listed link.
    assert!(audit.records.iter().all(|record| record.method == "GET"));

    // Every page that could be captured was, and parsed.
    for fault in Fault::ALL {
        let row = summary_line(&stdout, fault);
        let columns: Vec<&str> = row.split_whitespace().collect();
        let pages: u64 = columns[2].parse().unwrap_or_else(|_| panic!("{row}"));
        if fault.page_can_be_captured() {
            assert!(
                pages >= 1,
                "{} captured nothing: {row}\n{stdout}",
                fault.name()
            );
        }
    }
    // Each fault is named for its site.
    let expect_fault = |fault: Fault, words: &[&str]| {
        let reported = format!(
            "{}\n{}",
            summary_line(&stdout, fault),
            faults_of(&stdout, fault)
        );
        for word in words {
            assert!(
                reported.contains(word),
                "{} does not mention {word:?}:\n{reported}",
                fault.name()
            );
        }
    };
    expect_fault(
        Fault::RetryAfterSeconds,
        &["Retry-After honoured: waited 1.000s"],
    );
    expect_fault(Fault::RetryAfterDate, &["Retry-After honoured"]);
    expect_fault(Fault::ServiceUnavailable, &["host paused", "503"]);
    expect_fault(Fault::ConnectionReset, &["host paused", "connection"]);
    expect_fault(Fault::SlowFirstByte, &["attempt 1 timed out; backed off"]);
    expect_fault(Fault::Slowloris, &["request time ran out"]);
    expect_fault(Fault::TruncatedBody, &["body ended early"]);
    expect_fault(Fault::WrongContentLength, &["host paused"]);
    expect_fault(
        Fault::GzipBomb,
        &["gzip body decodes to more than 1048576 bytes"],
    );
    expect_fault(Fault::HugePage, &["fetched-truncated"]);
    expect_fault(Fault::RedirectLoop, &["redirect loop"]);
    expect_fault(
        Fault::RedirectOffsite,
        &["not followed", "unlisted.hostile.test"],
    );
    expect_fault(Fault::RedirectLoopback, &["not followed", "127.0.0.1"]);
    expect_fault(Fault::CalendarTrap, &["pagination stopped"]);
    expect_fault(Fault::RobotsFlaky, &["attempt 1 answered 503; backed off"]);
    expect_fault(Fault::RobotsRedirect, &["robots.txt redirected to"]);
    expect_fault(Fault::NotHtml, &["application/pdf", "not html"]);

    // What the hosts saw, fault by fault.
    let paths = |fault: Fault| -> Vec<String> {
        audit
            .requests_to(fault)
            .iter()
            .map(|record| record.path_and_query.clone())
            .collect()
    };
    assert_eq!(
        paths(Fault::RobotsFlaky)[..2],
        ["/robots.txt", "/robots.txt"]
    );
    assert_eq!(
        paths(Fault::RobotsRedirect)[..2],
        ["/robots.txt", "/robots-moved.txt"]
    );
    // The pages a host served, a retry of the same page counted once: on a
    // loaded machine a loopback answer can miss the 400 ms first-byte
    // timeout and be retried, which is polite (the audit's spacing checks
    // above cover it) and not what these checks are about.
    let visited = |fault: Fault| -> Vec<String> {
        let mut seen = paths(fault);
        seen.dedup();
        seen
    };
    assert_eq!(visited(Fault::RedirectOffsite), ["/robots.txt", "/list/"]);
    assert_eq!(
        visited(Fault::RedirectLoop),
        ["/robots.txt", "/list/", "/list/loop"]
    );
    assert_eq!(
        visited(Fault::CalendarTrap),
        ["/robots.txt", "/list/", "/list/?month=1"]
    );
    assert_eq!(
        visited(Fault::CrawlDelay),
        ["/robots.txt", "/list/", "/list/2"]
    );
    // 503 and resets: one try and two retries, then the host is left alone.
    assert_eq!(paths(Fault::ServiceUnavailable).len(), 4);
    assert_eq!(paths(Fault::ConnectionReset).len(), 4);

    // explain after the crawl: robots.txt from the store's cache; a URL no
    // site lists is out of scope.
    let explained = cartograph(&[
        "explain",
        "http://crawl-delay.hostile.test/list/",
        "--config",
        config,
    ])
    .await;
    let explanation = text(&explained.stdout);
    assert_eq!(
        explained.status.code(),
        Some(0),
        "{explanation}{}",
        text(&explained.stderr)
    );
    assert!(
        explanation.contains("robots.txt: from the store's robots cache"),
        "{explanation}"
    );
    assert!(
        explanation.contains("robots verdict: allowed"),
        "{explanation}"
    );
    let outside = cartograph(&[
        "explain",
        "http://unlisted.hostile.test/list/",
        "--config",
        config,
    ])
    .await;
    let explanation = text(&outside.stdout);
    assert_eq!(outside.status.code(), Some(4), "{explanation}");
    assert!(
        explanation.contains("scope: out of scope: matches no listing pattern"),
        "{explanation}"
    );
    let before_second_run = farm.audit("cartograph", INTERVAL).records.len();
    assert_eq!(
        before_second_run,
        audit.records.len(),
        "explain after the crawl fetched nothing"
    );

    // A second run: robots.txt from the cache, listing pages asked for
    // conditionally, 304s recorded and the earlier bodies parsed again.
    // (Runs are minutes apart in use; here the pause keeps the interval
    // between the last request of one run and the first of the next.)
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = audit.records.len();
    let again = cartograph(&[
        "crawl",
        "--config",
        config,
        "--site",
        "robots-missing",
        "--site",
        "crawl-delay",
    ])
    .await;
    let again_stdout = text(&again.stdout);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{again_stdout}\n{}",
        text(&again.stderr)
    );
    let second_audit = farm.audit("cartograph", INTERVAL);
    assert!(
        second_audit.violations().is_empty(),
        "{:#?}",
        second_audit.violations()
    );
    let second_run: Vec<&String> = second_audit.records[before..]
        .iter()
        .map(|record| &record.path_and_query)
        .collect();
    assert!(
        !second_run.iter().any(|path| path.as_str() == "/robots.txt"),
        "{second_run:?}"
    );
    for record in &second_audit.records[before..] {
        if ["/list/", "/list/2"].contains(&record.path_and_query.as_str()) {
            assert_eq!(record.status, 304, "{record:?}");
        }
    }
    for fault in [Fault::RobotsMissing, Fault::CrawlDelay] {
        let row = summary_line(&again_stdout, fault);
        assert!(row.contains("not-modified"), "{row}");
        let pages: u64 = row.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert!(pages >= 1, "{row}");
    }
    farm.shutdown().await;
}
