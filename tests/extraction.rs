//! Issue 6 end to end, through the `cartograph` binary against the farm:
//! the crawl extracts with the analysts' lexicon files and the unit's
//! linkage key named by `[extract]`; `indicators --format json` carries
//! the new keys with values the farm's truth confirms; an edited lexicon
//! is applied to the stored captures by `reextract` without one request;
//! a second run counts turnover against the first; a broken lexicon or a
//! shared key file stops the crawl with the file and the fix; and
//! `bench quality` crawls the farm without profiles and meets the bars.

mod support;

use std::path::Path;
use std::time::Duration;

use cartograph_farm::FarmSpec;
use serde_json::Value;

use support::{assert_exit, assert_polite, cartograph, start_farm, text, FarmUnderTest};

const INTERVAL: Duration = Duration::from_millis(20);

/// Copies the shipped lexicons next to the config and names them, and the
/// linkage key, in an `[extract]` table.
fn use_lexicon_copy(under_test: &FarmUnderTest) -> std::path::PathBuf {
    let lexicons = under_test.directory.path().join("lexicons");
    std::fs::create_dir_all(&lexicons).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/lexicons");
    for entry in std::fs::read_dir(shipped).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), lexicons.join(entry.file_name())).unwrap();
    }
    let mut config = std::fs::read_to_string(&under_test.config_path).unwrap();
    config.push_str("\n[extract]\nlexicons = \"lexicons\"\nlinkage_key = \"keys/linkage.key\"\n");
    std::fs::write(&under_test.config_path, config).unwrap();
    lexicons
}

async fn indicator_rows(config: &str) -> Vec<Value> {
    let output = cartograph(&["indicators", "--config", config, "--format", "json"]).await;
    assert_exit(&output, 0);
    serde_json::from_slice(&output.stdout).expect("indicators print JSON")
}

/// Removes every `[[term]]` of `category` from the lexicon files.
fn drop_category(lexicons: &Path, category: &str) {
    for entry in std::fs::read_dir(lexicons).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut blocks = text.split("[[term]]");
        let mut kept = blocks.next().unwrap().to_owned();
        for block in blocks {
            if !block.contains(&format!("category = \"{category}\"")) {
                kept.push_str("[[term]]");
                kept.push_str(block);
            }
        }
        std::fs::write(&path, kept).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lexicons_and_key_from_the_config_new_keys_reextract_and_turnover() {
    let under_test = start_farm(
        FarmSpec {
            seed: 61,
            sites: 8,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let lexicons = use_lexicon_copy(&under_test);
    let config = under_test.config();
    let crawl = cartograph(&["crawl", "--config", config]).await;
    assert_exit(&crawl, 0);
    assert_polite(&under_test.farm, INTERVAL);

    // The key file: created on first use, private, never printed.
    let key_path = under_test.directory.path().join("keys/linkage.key");
    let key_text = std::fs::read_to_string(&key_path).expect("linkage key created");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let key_digits = key_text.trim().rsplit(':').next().unwrap().to_owned();
    assert_eq!(key_digits.len(), 64);

    let rows = indicator_rows(config).await;
    let truth = &under_test.farm.truth().sites;
    let crawled: Vec<&Value> = rows
        .iter()
        .filter(|row| row["pages_fetched"].as_u64() > Some(0))
        .collect();
    assert!(crawled.len() >= 6, "{rows:#?}");
    for row in &crawled {
        let site = truth
            .iter()
            .find(|site| row["site"] == site.site_id.as_str())
            .unwrap();
        // The skeleton's keys stay.
        for key in [
            "site",
            "run",
            "pages_fetched",
            "ads_seen",
            "ad_cards",
            "extractor_version",
            "captures",
        ] {
            assert!(row.get(key).is_some(), "{key} missing: {row}");
        }
        assert_eq!(row["ads_seen"], site.ads_total as u64, "{row}");
        // The new keys, with what the truth says.
        let dated = site.ads.iter().filter(|ad| ad.date_text.is_some()).count() as u64;
        let with_date = row["ads_with_date"].as_u64().unwrap();
        assert!(
            with_date <= row["ads_seen"].as_u64().unwrap() && (dated == 0) == (with_date == 0),
            "{}: {with_date} with a date, truth {dated}: {row}",
            site.site_id
        );
        assert!(row["ads_last_24h"].as_u64() <= row["ads_last_7d"].as_u64());
        let languages = row["languages"].as_object().unwrap();
        let top = languages
            .iter()
            .max_by(|a, b| a.1.as_f64().unwrap().total_cmp(&b.1.as_f64().unwrap()))
            .map(|(code, _)| code.clone());
        // An aggregator copies ads of other sites, in their languages.
        if format!("{:?}", site.template) != "Aggregator" {
            assert_eq!(top.as_deref(), Some(site.language.as_str()), "{row}");
        }
        assert!(row["category_predicted"].is_string(), "{row}");
        assert!(row["distinct_contacts"].as_u64() > Some(0), "{row}");
        assert!(
            row["lexicon_version"]
                .as_str()
                .unwrap()
                .contains(";sha256:"),
            "{row}"
        );
        assert!(row["indicators"]["recency"].is_object(), "{row}");
        assert!(row["indicators"].get("contacts").is_none(), "no footprints");
        assert!(row["reextracted_at"].is_null());
    }
    assert!(
        rows.iter()
            .any(|row| row["contacts_on_2_plus_sites"].as_u64() > Some(0)),
        "the farm shares contacts across sites: {rows:#?}"
    );

    // An analyst drops a lexicon category; reextract applies it to the
    // stored captures without a single request.
    let category = crawled
        .iter()
        .flat_map(|row| row["indicators"]["lexicon"].as_object().unwrap().iter())
        .filter(|(name, share)| *name != "services" && share.as_f64() > Some(0.0))
        .map(|(name, _)| name.clone())
        .next()
        .expect("some lexicon category hits the farm's ads");
    drop_category(&lexicons, &category);
    let requests_before = under_test.farm.audit().len();
    let reextract = cartograph(&["reextract", "--config", config]).await;
    assert_exit(&reextract, 0);
    assert!(
        text(&reextract.stdout).contains("extracted again from their captures"),
        "{}",
        text(&reextract.stdout)
    );
    assert_eq!(
        under_test.farm.audit().len(),
        requests_before,
        "reextract fetched something"
    );
    let after = indicator_rows(config).await;
    for (before, now) in rows.iter().zip(&after) {
        assert_eq!(before["site"], now["site"]);
        assert_eq!(before["ads_seen"], now["ads_seen"], "{now}");
        if now["pages_fetched"].as_u64() > Some(0) {
            assert_ne!(before["lexicon_version"], now["lexicon_version"]);
            assert!(now["reextracted_at"].is_string(), "{now}");
            let share = now["indicators"]["lexicon"][&category]
                .as_f64()
                .unwrap_or(0.0);
            assert_eq!(share, 0.0, "{category} still counted: {now}");
        }
    }

    // A second run on the same farm day: nothing new, nothing gone.
    let second = cartograph(&["crawl", "--config", config]).await;
    assert_exit(&second, 0);
    assert_polite(&under_test.farm, INTERVAL);
    let rows = indicator_rows(config).await;
    for row in rows
        .iter()
        .filter(|row| row["pages_fetched"].as_u64() > Some(0))
    {
        assert_eq!(row["indicators"]["new_ads"], 0, "{row}");
        assert_eq!(row["indicators"]["disappeared_ads"], 0, "{row}");
    }
    assert_eq!(
        std::fs::read_to_string(&key_path).unwrap(),
        key_text,
        "one key across runs"
    );
    for output in [&crawl, &reextract, &second] {
        assert!(!text(&output.stdout).contains(&key_digits));
        assert!(!text(&output.stderr).contains(&key_digits));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_lexicon_or_a_shared_key_stops_the_crawl_with_the_fix() {
    let under_test = start_farm(
        FarmSpec {
            seed: 62,
            sites: 1,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let lexicons = use_lexicon_copy(&under_test);
    let config = under_test.config();
    let english = lexicons.join("en.toml");
    let text_before = std::fs::read_to_string(&english).unwrap();
    std::fs::write(
        &english,
        text_before.replacen("category = \"youth\"", "category = \"youngish\"", 1),
    )
    .unwrap();
    let crawl = cartograph(&["crawl", "--config", config]).await;
    assert_eq!(crawl.status.code(), Some(1), "{}", text(&crawl.stderr));
    let message = text(&crawl.stderr);
    assert!(message.contains("en.toml:"), "{message}");
    assert!(message.contains("youngish"), "{message}");
    assert!(under_test.farm.audit().is_empty(), "nothing fetched");

    std::fs::write(&english, text_before).unwrap();
    let key_path = under_test.directory.path().join("keys/linkage.key");
    std::fs::create_dir_all(key_path.parent().unwrap()).unwrap();
    std::fs::write(
        &key_path,
        format!("cartograph-linkage-key:{}\n", "ab".repeat(32)),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let crawl = cartograph(&["crawl", "--config", config]).await;
        assert_eq!(crawl.status.code(), Some(1), "{}", text(&crawl.stderr));
        let message = text(&crawl.stderr);
        assert!(message.contains("chmod 600"), "{message}");
        assert!(!message.contains(&"ab".repeat(32)), "{message}");
        assert!(under_test.farm.audit().is_empty(), "nothing fetched");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_quality_crawls_without_profiles_and_meets_the_bars() {
    let output = cartograph(&[
        "bench",
        "quality",
        "--seed",
        "5",
        "--sites",
        "8",
        "--day",
        "1",
        "--interval",
        "5ms",
    ])
    .await;
    let stdout = text(&output.stdout);
    assert_exit(&output, 0);
    assert!(stdout.contains("| **all** |"), "{stdout}");
    assert!(stdout.contains("politeness (farm audit): PASS"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("PASS contact linkage precision 1.0"),
        "{stdout}"
    );
}
