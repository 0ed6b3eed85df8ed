//! `cartograph report` end to end: two crawls of the farm (day 0, day 1)
//! into one store, then every report through the binary, checked against
//! the farm's ground truth: one mapping row per whitelisted site with its
//! name, page title, ad count, new ads per day and company; the connection
//! graph's edges (template twins, shared analytics, same company, aggregator
//! copies) and same-operator pairs; movement per site pair and country
//! pair; and no phone number, handle or pseudonym in any output. The
//! mapping fields the full extractor's site rows carry (site counter,
//! recency, prices, scope and places, contacts, languages, predicted
//! category, lingo, lexicon version) are filled where the crawl read a page,
//! and empty where it read none or where a row is an older extractor's.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use cartograph_farm::{FarmSpec, SiteTruth, TemplateKind, Truth};
use cartograph_store::Store;
use support::{assert_exit, assert_polite_with, cartograph, start_farm, text, Robots};

const INTERVAL: Duration = Duration::from_millis(40);
const SEED: u64 = 1;
const SITES: usize = 16;

type SitePair = (String, String);

fn pair(first: &str, second: &str) -> SitePair {
    if first <= second {
        (first.to_owned(), second.to_owned())
    } else {
        (second.to_owned(), first.to_owned())
    }
}

fn pairs_of(members: &[String]) -> Vec<SitePair> {
    let mut pairs = Vec::new();
    for (position, first) in members.iter().enumerate() {
        for second in &members[position + 1..] {
            pairs.push(pair(first, second));
        }
    }
    pairs
}

async fn crawl(config: &str) {
    let output = cartograph(&["crawl", "--config", config]).await;
    assert_exit(&output, 0);
}

async fn report(arguments: &[&str]) {
    let output = cartograph(arguments).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{arguments:?}\n{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).starts_with("wrote the "),
        "{}",
        text(&output.stdout)
    );
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report written"))
        .expect("valid json")
}

/// Every text in `path`, the members of a zip (XLSX) unpacked.
fn texts_of(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("output readable");
    if !bytes.starts_with(b"PK") {
        return vec![String::from_utf8_lossy(&bytes).into_owned()];
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..archive.len())
        .map(|index| {
            let mut member = archive.by_index(index).expect("member");
            let mut content = Vec::new();
            member.read_to_end(&mut content).expect("member bytes");
            String::from_utf8_lossy(&content).into_owned()
        })
        .collect()
}

/// The longest run of hexadecimal digits in `text` (a pseudonym is 64).
fn longest_hex_run(text: &str) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for character in text.chars() {
        if character.is_ascii_hexdigit() {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// The mapping columns only the full extractor's rows fill (beyond the
/// ad, card and page counts every extractor recorded).
const FULL_EXTRACTOR_COLUMNS: &[&str] = &[
    "c_ads_after_reposts",
    "c_posted_within_week",
    "d_service_terms",
    "d_prices",
    "e_scope",
    "e_places",
    "e_distinct_places",
    "f_nationality_stated",
    "f_placed_abroad",
    "g_any_contact",
    "g_phone",
    "g_contact_kinds",
    "g_distinct_contacts",
    "g_max_ads_per_contact",
    "k_languages",
    "l_category_predicted",
    "m_lingo",
];

/// The value given most often in `values` (the first on a tie).
fn most_frequent<'a>(values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut order = Vec::new();
    for value in values {
        let count = counts.entry(value).or_insert(0);
        if *count == 0 {
            order.push(value);
        }
        *count += 1;
    }
    order.into_iter().max_by_key(|value| counts[value])
}

/// Checks the fields the full extractor's row of a crawled site fills
/// against the farm's truth of the ads on the pages that were crawled;
/// returns whether the predicted category is the truth's.
fn check_full_extractor_fields(row: &serde_json::Value, site_truth: &SiteTruth) -> bool {
    let id = site_truth.site_id.as_str();
    let crawled: BTreeSet<&str> = site_truth
        .pages
        .iter()
        .flat_map(|page| page.ad_ids.iter().map(String::as_str))
        .collect();
    let ads: Vec<_> = site_truth
        .ads
        .iter()
        .filter(|ad| crawled.contains(ad.ad_id.as_str()))
        .collect();
    assert!(!ads.is_empty(), "{id}");
    for key in FULL_EXTRACTOR_COLUMNS {
        assert!(!row[key].is_null(), "{id}: {key} not filled: {row}");
    }
    assert!(row["lexicon_version"]
        .as_str()
        .is_some_and(|version| !version.is_empty()));
    // c: the site's own counter as the farm prints it; reposts merged.
    assert_eq!(
        row["c_site_counter"].as_u64(),
        site_truth.site_counter,
        "{id}"
    );
    let merged = row["c_ads_after_reposts"].as_u64().expect("count");
    assert!(
        merged >= 1 && merged <= row["c_ads_seen"].as_u64().expect("count"),
        "{id}"
    );
    let week = row["c_posted_within_week"].as_f64().expect("share");
    assert!((0.0..=1.0).contains(&week), "{id}: {week}");
    // d: the currency most of the crawled ads are priced in.
    if let Some(currency) = most_frequent(
        ads.iter()
            .filter_map(|ad| ad.price.as_ref())
            .map(|price| price.currency.as_str()),
    ) {
        let prices = row["d_prices"].as_str().expect("prices");
        assert!(prices.contains(&format!("{currency}/")), "{id}: {prices}");
    }
    // e: a site of its own city lists that city first.
    if site_truth.template != TemplateKind::Aggregator {
        let places = row["e_places"].as_str().expect("places");
        assert!(
            places.starts_with(&format!("{} (", site_truth.home_city)),
            "{id}: {places}"
        );
    }
    // g: contacts counted, never shown.
    if ads.iter().any(|ad| ad.phone.is_some()) {
        assert!(row["g_phone"].as_f64().expect("share") > 0.0, "{id}");
        assert!(
            row["g_distinct_contacts"].as_u64().expect("count") >= 1,
            "{id}"
        );
    }
    // k: the language most of the crawled ads are written in comes first.
    let language = most_frequent(ads.iter().map(|ad| ad.language.as_str())).expect("a language");
    let languages = row["k_languages"].as_str().expect("languages");
    assert!(
        languages.starts_with(&format!("{language} ")),
        "{id}: {languages}, truth {language}"
    );
    // l: a predicted category with its confidence.
    let predicted = row["l_category_predicted"].as_str().expect("category");
    assert!(predicted.contains(" (confidence "), "{id}: {predicted}");
    predicted.starts_with(&format!("{} (", site_truth.category))
}

/// Site pairs and country pairs sharing a contact, from the truth.
fn truth_movement(truth: &Truth) -> (BTreeMap<SitePair, u64>, BTreeMap<SitePair, u64>) {
    let mut site_pairs = BTreeMap::new();
    let mut country_pairs = BTreeMap::new();
    for shared in &truth.connections.shared_contacts {
        let sites: BTreeSet<String> = shared.site_ids.iter().cloned().collect();
        let countries: BTreeSet<String> = shared.countries.iter().cloned().collect();
        for key in pairs_of(&sites.into_iter().collect::<Vec<_>>()) {
            *site_pairs.entry(key).or_insert(0) += 1;
        }
        for key in pairs_of(&countries.into_iter().collect::<Vec<_>>()) {
            *country_pairs.entry(key).or_insert(0) += 1;
        }
    }
    (site_pairs, country_pairs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_of_two_farm_crawls_agree_with_the_truth_and_hold_no_contact() {
    // Day 0, then day 1 of the same farm into the same store.
    let day_zero = start_farm(
        FarmSpec {
            seed: SEED,
            sites: SITES,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let config = day_zero.config();
    crawl(config).await;
    assert_polite_with(&day_zero.farm, INTERVAL, Robots::Fetched);
    let day_one = start_farm(
        FarmSpec {
            seed: SEED,
            sites: SITES,
            day: 1,
        },
        INTERVAL,
    )
    .await;
    // The day-1 farm's config, into the first directory: the same store.
    std::fs::copy(&day_one.config_path, &day_zero.config_path).expect("config replaced");
    crawl(config).await;
    assert_polite_with(&day_one.farm, INTERVAL, Robots::FromCache);
    let truth = day_one.farm.truth();
    let truth_before = day_zero.farm.truth();

    let out = day_zero.directory.path().join("out");
    std::fs::create_dir(&out).expect("output directory");
    let path = |name: &str| out.join(name).to_str().expect("UTF-8 path").to_owned();
    for name in ["mapping.xlsx", "mapping.csv", "mapping.json"] {
        report(&[
            "report",
            "mapping",
            "--config",
            config,
            "--out",
            &path(name),
        ])
        .await;
    }
    // Connections from the last run's pages only, so movement compares
    // with the day-1 truth.
    for name in ["connections.json", "connections.graphml", "connections.dot"] {
        report(&[
            "report",
            "connections",
            "--config",
            config,
            "--evidence-runs",
            "1",
            "--out",
            &path(name),
        ])
        .await;
    }
    report(&[
        "report",
        "html",
        "--config",
        config,
        "--out",
        &path("report.html"),
    ])
    .await;

    // The mapping sheet: one row per whitelisted site, in whitelist order.
    let sheet = read_json(&out.join("mapping.json"));
    let rows = sheet["sites"].as_array().expect("rows");
    assert_eq!(rows.len(), SITES);
    assert!(rows[0]["run"].is_u64(), "{}", rows[0]);
    let mut categories_agreeing = 0;
    for (row, (site, site_truth)) in rows
        .iter()
        .zip(day_one.farm.sites().iter().zip(&truth.sites))
    {
        let id = site.id.as_str();
        assert_eq!(row["site_id"], id);
        assert_eq!(row["a_name"], site.name.as_str(), "{id}");
        assert_eq!(
            row["run"], rows[0]["run"],
            "{id}: every site from the last run"
        );
        assert!(row["captures"].as_u64().expect("captures") >= 1, "{id}");
        assert_eq!(
            row["c_ads_seen"].as_u64().unwrap_or(0),
            site_truth.ads_total as u64,
            "{id}"
        );
        if site_truth.pages.is_empty() {
            assert!(row["a_page_title"].is_null(), "{id}: {row}");
            for key in FULL_EXTRACTOR_COLUMNS {
                assert!(row[key].is_null(), "{id}: no page read, yet {key}: {row}");
            }
            continue;
        }
        categories_agreeing += usize::from(check_full_extractor_fields(row, site_truth));
        let title = row["a_page_title"].as_str().expect("page title");
        assert!(title.starts_with(&site.name), "{id}: {title}");
        assert_eq!(row["j_company"], site_truth.operator.as_str(), "{id}");
        assert_eq!(
            row["n_ad_space"], "rented: the site links a post-an-ad page",
            "{id}"
        );
        assert_eq!(row["b_url"], site.seeds.join(" ").as_str(), "{id}");
        // Ads new since day 0 (the runs are minutes apart: one day).
        let before = truth_before
            .sites
            .iter()
            .find(|before| before.site_id == site.id)
            .expect("same site on day 0");
        if !before.pages.is_empty() {
            assert_eq!(
                row["c_new_ads_per_day"].as_f64(),
                Some(site_truth.change.new_since_previous_day as f64),
                "{id}"
            );
        }
    }

    let crawled_sites = truth
        .sites
        .iter()
        .filter(|site| !site.pages.is_empty())
        .count();
    assert!(
        categories_agreeing * 5 >= crawled_sites * 4,
        "the predicted category is the farm's for {categories_agreeing} of {crawled_sites} sites"
    );

    // Connections: every kind of edge where the truth has one, and only
    // there.
    let graph = read_json(&out.join("connections.json"));
    let edges = graph["edges"].as_array().expect("edges");
    let edge_pairs = |kind: &str| -> BTreeSet<SitePair> {
        edges
            .iter()
            .filter(|edge| edge["kind"] == kind)
            .map(|edge| {
                pair(
                    edge["from"].as_str().expect("from"),
                    edge["to"].as_str().expect("to"),
                )
            })
            .collect()
    };
    let twins: BTreeSet<SitePair> = truth
        .connections
        .template_twins
        .iter()
        .flat_map(|group| pairs_of(&group.site_ids))
        .collect();
    assert!(!twins.is_empty(), "the showcase farm has template twins");
    assert_eq!(edge_pairs("same-template"), twins);
    let analytics: BTreeSet<SitePair> = truth
        .connections
        .shared_analytics
        .iter()
        .flat_map(|group| pairs_of(&group.site_ids))
        .collect();
    assert_eq!(edge_pairs("shared-tracking-ids"), analytics);
    let crawled_operators: BTreeMap<&str, Vec<String>> = truth
        .sites
        .iter()
        .filter(|site| !site.pages.is_empty())
        .fold(BTreeMap::new(), |mut groups, site| {
            groups
                .entry(site.operator.as_str())
                .or_default()
                .push(site.site_id.clone());
            groups
        });
    let same_company: BTreeSet<SitePair> = crawled_operators
        .values()
        .flat_map(|members| pairs_of(members))
        .collect();
    assert_eq!(edge_pairs("same-company"), same_company);
    let aggregator_pairs: BTreeSet<SitePair> = truth
        .connections
        .aggregators
        .iter()
        .flat_map(|aggregator| {
            aggregator
                .copies_from
                .iter()
                .map(|source| pair(&aggregator.site_id, source))
        })
        .collect();
    assert_eq!(edge_pairs("copied-ads"), aggregator_pairs);
    for edge in edges.iter().filter(|edge| edge["kind"] == "copied-ads") {
        let (from, to) = (
            edge["from"].as_str().expect("from"),
            edge["to"].as_str().expect("to"),
        );
        let aggregator = truth
            .sites
            .iter()
            .find(|site| {
                (site.site_id == from || site.site_id == to)
                    && site.template == cartograph_farm::TemplateKind::Aggregator
            })
            .expect("one end is the aggregator");
        let source = if aggregator.site_id == from { to } else { from };
        let crawled: BTreeSet<&str> = aggregator
            .pages
            .iter()
            .flat_map(|page| page.ad_ids.iter().map(String::as_str))
            .collect();
        let copied_texts: BTreeSet<(&str, &str)> = aggregator
            .ads
            .iter()
            .filter(|ad| crawled.contains(ad.ad_id.as_str()))
            .filter(|ad| {
                ad.connections
                    .copied_from
                    .as_ref()
                    .is_some_and(|copied| copied.site_id == source)
            })
            .map(|ad| (ad.title.as_str(), ad.text.as_str()))
            .collect();
        let count = edge["count"].as_u64().expect("count") as usize;
        assert!(
            count * 10 >= copied_texts.len() * 7 && count <= copied_texts.len() + 2,
            "{from}–{to}: {count} copies found of {} copied texts",
            copied_texts.len()
        );
        assert!(!edge["capture_ids"].as_array().expect("captures").is_empty());
    }
    let same_operator: BTreeSet<SitePair> = graph["same_operator"]
        .as_array()
        .expect("same operator")
        .iter()
        .map(|entry| {
            pair(
                entry["site_a"].as_str().expect("a"),
                entry["site_b"].as_str().expect("b"),
            )
        })
        .collect();
    assert_eq!(
        same_operator, twins,
        "the twins share template and company; no other pair has two kinds"
    );

    // Movement per site pair and country pair, as the truth counts it.
    let (site_pairs, country_pairs) = truth_movement(truth);
    let movement = &graph["movement"];
    let reported_site_pairs: BTreeMap<SitePair, u64> = movement["site_pairs"]
        .as_array()
        .expect("site pairs")
        .iter()
        .map(|entry| {
            (
                pair(
                    entry["site_a"].as_str().expect("a"),
                    entry["site_b"].as_str().expect("b"),
                ),
                entry["shared_contacts"].as_u64().expect("count"),
            )
        })
        .collect();
    assert_eq!(reported_site_pairs, site_pairs);
    let reported_country_pairs: BTreeMap<SitePair, u64> = movement["country_pairs"]
        .as_array()
        .expect("country pairs")
        .iter()
        .map(|entry| {
            (
                pair(
                    entry["country_a"].as_str().expect("a"),
                    entry["country_b"].as_str().expect("b"),
                ),
                entry["contacts"].as_u64().expect("count"),
            )
        })
        .collect();
    assert!(
        !country_pairs.is_empty(),
        "the farm has travelling contacts"
    );
    assert_eq!(reported_country_pairs, country_pairs);

    // `--run` reports the first run: day 0's counts; an unknown run is an error.
    let runs: Vec<u64> = graph["runs"]
        .as_array()
        .expect("runs read")
        .iter()
        .map(|run| run.as_u64().expect("run id"))
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let first_run = runs[0].to_string();
    report(&[
        "report",
        "mapping",
        "--config",
        config,
        "--run",
        &first_run,
        "--out",
        &path("first-run.json"),
    ])
    .await;
    let first = read_json(&out.join("first-run.json"));
    for (row, site_truth) in first["sites"]
        .as_array()
        .expect("rows")
        .iter()
        .zip(&truth_before.sites)
    {
        assert_eq!(row["run"].as_u64(), Some(runs[0]), "{row}");
        assert_eq!(
            row["c_ads_seen"].as_u64().unwrap_or(0),
            site_truth.ads_total as u64,
            "{}",
            site_truth.site_id
        );
        assert!(
            row["c_new_ads_per_day"].is_null(),
            "no run before the first"
        );
    }
    let unknown = cartograph(&[
        "report",
        "html",
        "--config",
        config,
        "--run",
        "999999999",
        "--out",
        &path("never.html"),
    ])
    .await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("run 999999999 does not exist"),
        "{}",
        text(&unknown.stderr)
    );
    assert!(!out.join("never.html").exists());

    // The HTML report: self-contained, with trends over the two runs.
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(
        html.contains("<polyline"),
        "a trend over two runs is a line"
    );

    // A row an older extractor wrote: its counts still read, everything
    // else is "not measured", whatever the row holds.
    let (old_site, ads_seen) = rows
        .iter()
        .zip(&truth.sites)
        .find(|(_, site_truth)| !site_truth.pages.is_empty())
        .map(|(row, site_truth)| (site_truth.site_id.clone(), row["c_ads_seen"].clone()))
        .expect("a crawled site");
    {
        let store = Store::open(&day_zero.directory.path().join("data")).expect("the store opens");
        let mut latest = store
            .site_history(&old_site)
            .expect("history reads")
            .pop()
            .expect("the site has rows");
        latest.extractor_version = "0.2.0".to_owned();
        store.put_site_indicators(&latest).expect("row rewritten");
        store.flush().expect("store flushed");
    }
    report(&[
        "report",
        "mapping",
        "--config",
        config,
        "--out",
        &path("older-extractor.json"),
    ])
    .await;
    let older = read_json(&out.join("older-extractor.json"));
    let old_row = older["sites"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["site_id"] == old_site.as_str())
        .expect("the site's row");
    assert_eq!(old_row["extractor_version"], "0.2.0");
    assert_eq!(old_row["c_ads_seen"], ads_seen);
    for key in FULL_EXTRACTOR_COLUMNS.iter().chain(&["c_site_counter"]) {
        assert!(old_row[key].is_null(), "{old_site}: {key}: {old_row}");
    }

    // No phone number, handle or pseudonym in any output.
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    for site in truth.sites.iter().chain(&truth_before.sites) {
        for ad in &site.ads {
            if let Some(phone) = &ad.phone {
                secrets.insert(phone.e164.clone());
                secrets.insert(phone.e164.trim_start_matches('+').to_owned());
                secrets.insert(phone.shown.clone());
            }
            for link in ad.messengers.iter().chain(&ad.social) {
                secrets.insert(link.href.clone());
            }
            for group in &ad.contact_groups {
                if let Some((_, handle)) = group.split_once(':') {
                    if !handle.starts_with('+') {
                        secrets.insert(handle.to_owned());
                    }
                }
            }
        }
    }
    assert!(secrets.len() > 50, "the farm's ads carry contacts");
    for entry in std::fs::read_dir(&out).expect("outputs") {
        let path = entry.expect("entry").path();
        for content in texts_of(&path) {
            for secret in &secrets {
                assert!(
                    !content.contains(secret.as_str()),
                    "{} holds contact detail {secret:?}",
                    path.display()
                );
            }
            assert!(
                longest_hex_run(&content) < 32,
                "{} holds a digest-like string",
                path.display()
            );
        }
    }
}
