//! End to end: the `cartograph` binary against the synthetic farm on
//! loopback. Every test that crawls checks politeness and scope from the
//! farm's own record of the requests it received.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use cartograph_farm::FarmSpec;

mod support;

use support::{assert_exit, assert_polite, cartograph, text};

const INTERVAL: Duration = Duration::from_millis(100);

fn indicators_json(output: &Output) -> Vec<serde_json::Value> {
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("indicators print json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_counts_every_sites_ads_exactly_and_politely() {
    let under_test = support::start_farm(
        FarmSpec {
            seed: 7,
            sites: 4,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let config = under_test.config_path.to_str().unwrap();
    let crawl = cartograph(&["crawl", "--config", config]).await;
    assert_exit(&crawl, 0);

    let rows =
        indicators_json(&cartograph(&["indicators", "--config", config, "--format", "json"]).await);
    let truth = &under_test.farm.truth().sites;
    assert_eq!(rows.len(), truth.len());
    for site_truth in truth {
        let row = rows
            .iter()
            .find(|row| row["site"] == site_truth.site_id.as_str())
            .unwrap_or_else(|| panic!("no row for {}", site_truth.site_id));
        assert_eq!(
            row["ads_seen"], site_truth.ads_total as u64,
            "{}: {row}",
            site_truth.site_id
        );
        assert_eq!(
            row["pages_fetched"],
            site_truth.pages.len() as u64,
            "{}: {row}",
            site_truth.site_id
        );
        assert!(row["run"].as_u64().is_some(), "{row}");
    }
    assert_polite(&under_test.farm, INTERVAL);
    under_test.running.shutdown().await.expect("farm stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recrawl_refuses_a_seed_outside_the_whitelist_and_fetches_nothing() {
    let under_test = support::start_farm(
        FarmSpec {
            seed: 3,
            sites: 2,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let seeds = under_test.directory.path().join("seeds.txt");
    let site = &under_test.farm.sites()[0];
    std::fs::write(
        &seeds,
        format!(
            "# urgent\nhttp://{}/about\nhttp://unlisted.farm.test/wien/\nno-such-site\n",
            site.host
        ),
    )
    .unwrap();
    let output = cartograph(&[
        "recrawl",
        "--config",
        under_test.config_path.to_str().unwrap(),
        "--seeds",
        seeds.to_str().unwrap(),
    ])
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("refused line 2: http://"), "{stderr}");
    assert!(
        stderr.contains("matches no listing pattern of any whitelisted site"),
        "{stderr}"
    );
    assert!(
        stderr.contains("refused line 3: http://unlisted.farm.test/wien/"),
        "{stderr}"
    );
    assert!(
        stderr.contains("refused line 4: no-such-site: no whitelisted site has id"),
        "{stderr}"
    );
    assert!(
        under_test.farm.audit().is_empty(),
        "{:?}",
        under_test.farm.audit()
    );
    under_test.running.shutdown().await.expect("farm stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recrawl_of_a_listing_url_crawls_its_site_politely() {
    let under_test = support::start_farm(
        FarmSpec {
            seed: 5,
            sites: 3,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let seeds = under_test.directory.path().join("seeds.txt");
    let site = &under_test.farm.sites()[1];
    std::fs::write(&seeds, format!("{}\n", site.seeds[0])).unwrap();
    let config = under_test.config_path.to_str().unwrap();
    let output = cartograph(&[
        "recrawl",
        "--config",
        config,
        "--seeds",
        seeds.to_str().unwrap(),
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let rows =
        indicators_json(&cartograph(&["indicators", "--config", config, "--format", "json"]).await);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["site"], site.id.as_str());
    let truth = under_test
        .farm
        .truth()
        .sites
        .iter()
        .find(|truth| truth.site_id == site.id)
        .unwrap();
    assert_eq!(rows[0]["ads_seen"], truth.ads_total as u64);
    assert!(under_test
        .farm
        .audit()
        .iter()
        .all(|request| request.host == site.host));
    assert_polite(&under_test.farm, INTERVAL);
    under_test.running.shutdown().await.expect("farm stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_config_names_file_and_line_of_every_error() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("broken.toml");
    std::fs::write(
        &path,
        r#"[crawler]
user_agent = "cartograph"
max_concurrent_hosts = 64

[politeness]
min_interval = "soon"

[[site]]
id = "a"
name = "A"
country = "XX"
seeds = ["http://a.example.test/other/"]
listing = ["http://a.example.test/list/*"]

[[site]]
id = "a"
name = "A again"
country = "AT"
seeds = ["http://b.example.test/list/"]
listing = ["http://b.example.test/list/*"]
"#,
    )
    .unwrap();
    let output = cartograph(&["check-config", "--config", path.to_str().unwrap()]).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    let shown = path.display().to_string();
    for (line, what) in [
        (1, "contact"),
        (6, "duration"),
        (11, "country"),
        (12, "seed"),
        (16, "duplicate"),
    ] {
        let prefix = format!("{shown}:{line}:");
        assert!(
            stderr.lines().any(|error| error.starts_with(&prefix)
                && error.to_lowercase().contains(what)
                && error.contains(" — ")),
            "no error at {prefix} about {what}:\n{stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipped_example_config_is_valid() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/cartograph.toml");
    let output = cartograph(&["check-config", "--config", config.to_str().unwrap()]).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_crawls_the_farm_and_matches_its_truth() {
    let output = cartograph(&["demo"]).await;
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    assert!(stdout.contains("completed"), "{stdout}");
    let table: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("site"))
        .skip(1)
        .take_while(|line| !line.starts_with("store:"))
        .collect();
    assert!(table.len() >= 2, "{stdout}");
    for row in table {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let (ads, truth) = (columns[columns.len() - 2], columns[columns.len() - 1]);
        assert_eq!(
            ads, truth,
            "demo row disagrees with the farm's truth: {row}"
        );
    }
    let store_line = stdout
        .lines()
        .find(|line| line.starts_with("store: "))
        .expect("store path printed");
    let store_path = store_line
        .trim_start_matches("store: ")
        .split(" (")
        .next()
        .unwrap();
    assert!(Path::new(store_path).join("db").exists(), "{store_path}");
    let package = stdout
        .lines()
        .find_map(|line| line.strip_prefix("evidence: "))
        .and_then(|rest| rest.split(" (").next())
        .expect("evidence package named");
    let verified = cartograph(&["verify", package]).await;
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stdout)
    );
    // The demo leaves its directory for the user; this test cleans up.
    if let Some(directory) = Path::new(store_path).parent() {
        let _ = std::fs::remove_dir_all(directory);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_site_is_skipped_in_a_full_crawl_and_refused_when_named() {
    let under_test = support::start_farm(
        FarmSpec {
            seed: 11,
            sites: 2,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let config_text = std::fs::read_to_string(&under_test.config_path).unwrap();
    let expired = config_text.replacen(
        "category_hint",
        "authorized_until = 2020-01-01\ncategory_hint",
        1,
    );
    std::fs::write(&under_test.config_path, expired).unwrap();
    let expired_site = &under_test.farm.sites()[0];
    let config = under_test.config_path.to_str().unwrap();

    let check = cartograph(&["check-config", "--config", config]).await;
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert!(
        text(&check.stderr).contains("warning"),
        "{}",
        text(&check.stderr)
    );

    let named = cartograph(&["crawl", "--config", config, "--site", &expired_site.id]).await;
    assert_eq!(named.status.code(), Some(4), "{}", text(&named.stderr));
    assert!(
        text(&named.stderr).contains("expired on 2020-01-01"),
        "{}",
        text(&named.stderr)
    );
    assert!(under_test.farm.audit().is_empty());

    let full = cartograph(&["crawl", "--config", config]).await;
    let stdout = text(&full.stdout);
    assert_eq!(
        full.status.code(),
        Some(0),
        "{stdout}{}",
        text(&full.stderr)
    );
    let row = stdout
        .lines()
        .find(|line| line.starts_with(&expired_site.id))
        .expect("skipped site listed");
    assert!(row.contains("skipped") && row.contains("expired"), "{row}");
    assert!(under_test
        .farm
        .audit()
        .iter()
        .all(|request| request.host != expired_site.host));
    assert_polite(&under_test.farm, INTERVAL);
    under_test.running.shutdown().await.expect("farm stops");
}
