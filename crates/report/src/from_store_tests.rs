//! Unit tests of the adapter on a store written by hand: a full-extractor
//! row fills fields c–g and k–m, an older row (its new fields present, or
//! absent and read back as serde defaults) leaves them "not measured", and
//! new ads per day come from the stored count with runs less than a day
//! apart counted as one day, or from the ad keys for older rows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Duration, TimeZone};
use url::Url;

use cartograph_extract::{
    AdSignals, ContactKind, Currency, ForeignOrigin, LanguageSource, PageIndicators,
    PriceStatistics, PriceUnit, RecencyShares, RiskCategory, ScopeClass, SiteIndicators,
    EXTRACTOR_VERSION,
};
use cartograph_store::{PageIndicatorsRecord, RunTrigger};

use super::*;
use crate::connections::build_graph;
use crate::mapping::{mapping_sheet, CellValue};
use crate::movement::movement;
use crate::stored_fields::carries_full_indicators;

const LEXICONS: &str = "de:3,en:3;sha256:0123";

fn at(day: i64, hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("valid date")
        + Duration::days(day)
        + Duration::hours(hour)
}

fn sites(ids: &[&str]) -> Vec<SiteSpec> {
    let mut text = String::from(
        "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:unit@example.org\"\n",
    );
    for id in ids {
        text.push_str(&format!(
            "[[site]]\nid = \"{id}\"\nname = \"{id} name\"\ncountry = \"AT\"\n\
             category_hint = \"escort-directory\"\nlanguage_hint = \"de\"\n\
             seeds = [\"http://{id}.example.test/list/\"]\n\
             listing = [\"http://{id}.example.test/list/*\"]\n"
        ));
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid date");
    cartograph_config::parse(&text, Path::new("test.toml"), today)
        .expect("test config is valid")
        .config
        .sites
}

fn begin_run(store: &Store, ids: &[&str], started_at: DateTime<Utc>) -> RunId {
    store
        .begin_run(
            RunTrigger::Manual,
            "digest",
            None,
            ids.iter().map(|id| (*id).to_owned()),
            started_at,
        )
        .expect("run begins")
        .id
}

/// What the full extractor records for a site of 10 ads.
fn full_indicators() -> SiteIndicators {
    SiteIndicators {
        pages_parsed: 2,
        ads_seen: 12,
        ad_cards: 15,
        ads_deduplicated: 10,
        reposts_merged: 2,
        site_counter: Some(240),
        ads_with_date: 8,
        ads_last_24h: 3,
        ads_last_7d: 6,
        ads_last_30d: 8,
        ads_undated: 2,
        recency: RecencyShares {
            last_24h: 0.3,
            last_7d: 0.6,
            last_30d: 0.8,
            undated: 0.2,
        },
        languages: BTreeMap::from([("de".to_owned(), 0.7), ("en".to_owned(), 0.2)]),
        prices: vec![
            PriceStatistics {
                currency: Currency::Eur,
                unit: PriceUnit::Hour,
                count: 2,
                min_minor: 10_000,
                median_minor: 15_000,
                max_minor: 20_000,
            },
            PriceStatistics {
                currency: Currency::Eur,
                unit: PriceUnit::Night,
                count: 5,
                min_minor: 50_000,
                median_minor: 60_000,
                max_minor: 90_000,
            },
        ],
        distinct_locations: 2,
        locations: BTreeMap::from([("at/wien".to_owned(), 6), ("at/graz".to_owned(), 2)]),
        scope: ScopeClass::National,
        foreign_origin: ForeignOrigin {
            nationality_share: 0.4,
            located_abroad_share: 0.0,
        },
        contact_kinds: BTreeMap::from([(ContactKind::Phone, 0.9), (ContactKind::WhatsApp, 0.5)]),
        ads_with_contact_share: 0.9,
        obscured_contact_share: 0.1,
        distinct_contacts: 4,
        max_ads_per_contact: 5,
        contacts_with_3_plus_ads_share: 0.25,
        lexicon: BTreeMap::from([
            (RiskCategory::Services, 0.8),
            (RiskCategory::TrustBuilding, 0.3),
            (RiskCategory::Nationality, 0.4),
        ]),
        category_predicted: Some(cartograph_config::SiteCategory::EscortDirectory),
        category_confidence: 0.9,
        ..SiteIndicators::default()
    }
}

fn record(
    run_id: RunId,
    site_id: &str,
    extractor_version: &str,
    indicators: SiteIndicators,
) -> SiteIndicatorsRecord {
    SiteIndicatorsRecord {
        run_id,
        site_id: site_id.to_owned(),
        capture_ids: Vec::new(),
        extractor_version: extractor_version.to_owned(),
        lexicon_version: LEXICONS.to_owned(),
        run_time: None,
        reextracted_at: None,
        pages_fetched: 2,
        indicators,
    }
}

fn read(store: &Store, sites: &[SiteSpec], scope: ReportScope) -> ReportData {
    let options = StoreReadOptions {
        scope,
        evidence_runs: 1,
        max_decoded_bytes: 1 << 20,
        generated_at: at(30, 0),
    };
    let (data, notes) = report_data_from_store(store, sites, &options).expect("store reads");
    assert!(notes.is_empty(), "{notes:?}");
    data
}

/// The mapping sheet's cells of `site_id`, by column key.
fn cells(data: &ReportData, site_id: &str) -> BTreeMap<&'static str, CellValue> {
    let sheet = mapping_sheet(data, &build_graph(data), &movement(data));
    let position = data
        .sites
        .iter()
        .position(|site| site.site_id == site_id)
        .expect("site in data");
    crate::mapping::COLUMNS
        .iter()
        .map(|column| column.key)
        .zip(sheet.rows[position].iter().cloned())
        .collect()
}

fn text(value: &str) -> CellValue {
    CellValue::Text(value.to_owned())
}

/// The columns a full row fills and an older row leaves empty.
const FULL_ONLY_COLUMNS: &[&str] = &[
    "c_site_counter",
    "c_posted_within_week",
    "d_service_terms",
    "d_prices",
    "e_scope",
    "e_places",
    "f_nationality_stated",
    "f_placed_abroad",
    "g_any_contact",
    "g_phone",
    "g_contact_kinds",
    "g_obscured_phone",
    "g_distinct_contacts",
    "g_max_ads_per_contact",
    "g_contacts_3_plus_ads",
    "k_languages",
    "l_category_predicted",
    "m_lingo",
    "c_ads_after_reposts",
    "e_distinct_places",
];

#[test]
fn extractor_versions_from_0_3_0_carry_the_full_indicators() {
    let check = |version: &str, expected: bool| {
        assert_eq!(carries_full_indicators(version), expected, "{version:?}");
    };
    check(EXTRACTOR_VERSION, true);
    check("0.3.0", true);
    check("0.3.1-dev", true);
    check("0.10.0", true);
    check("1.0", true);
    check("0.2.0", false);
    check("0.1.0", false);
    check("0.2.9+build", false);
    check("", false);
    check("unknown", false);
    check("0.3.0.1", false);
}

#[test]
fn a_full_row_fills_the_mapping_fields_it_carries() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&directory.path().join("store")).expect("store opens");
    let sites = sites(&["full"]);
    let run_id = begin_run(&store, &["full"], at(0, 0));
    store
        .put_site_indicators(&record(run_id, "full", "0.3.0", full_indicators()))
        .expect("row written");

    let data = read(&store, &sites, ReportScope::Latest);
    let site = data.site("full").expect("site");
    assert_eq!(site.lexicon_version.as_deref(), Some(LEXICONS));
    let fields = &site.fields;
    assert_eq!(fields.size.ads_seen, Some(12));
    assert_eq!(fields.size.ads_deduplicated, Some(10));
    assert_eq!(fields.size.site_counter, Some(240));
    assert_eq!(fields.size.posted_within_week_share, Some(0.6));
    assert_eq!(fields.size.new_ads_per_day, None, "no run before");
    assert_eq!(fields.services.service_terms_share, Some(0.8));
    assert_eq!(fields.services.prices[0].unit, "night", "most ads first");
    assert_eq!(fields.scope.class.as_deref(), Some("national"));
    assert_eq!(fields.scope.distinct_places, Some(2));
    assert_eq!(fields.origin.placed_abroad_share, Some(0.0));
    assert_eq!(fields.contacts.phone_share, Some(0.9));
    assert_eq!(fields.category.predicted_confidence, Some(0.9));

    let row = cells(&data, "full");
    let expect = |key: &str, value: CellValue| assert_eq!(row[key], value, "{key}");
    expect("c_site_counter", CellValue::Integer(240));
    expect("c_posted_within_week", CellValue::Share(0.6));
    expect("c_ads_after_reposts", CellValue::Integer(10));
    expect("d_service_terms", CellValue::Share(0.8));
    expect(
        "d_prices",
        text("EUR/night: median 600.00 (500.00–900.00, 5 ads); EUR/hour: median 150.00 (100.00–200.00, 2 ads)"),
    );
    expect("e_scope", text("national"));
    expect("e_places", text("Wien (6); Graz (2)"));
    expect("e_distinct_places", CellValue::Integer(2));
    expect("f_nationality_stated", CellValue::Share(0.4));
    expect("f_placed_abroad", CellValue::Share(0.0));
    expect("g_any_contact", CellValue::Share(0.9));
    expect("g_phone", CellValue::Share(0.9));
    expect("g_contact_kinds", text("phone 90%; whatsapp 50%"));
    expect("g_obscured_phone", CellValue::Share(0.1));
    expect("g_distinct_contacts", CellValue::Integer(4));
    expect("g_max_ads_per_contact", CellValue::Integer(5));
    expect("g_contacts_3_plus_ads", CellValue::Share(0.25));
    expect("k_languages", text("de 70%; en 20%"));
    expect(
        "l_category_predicted",
        text("escort-directory (confidence 0.90)"),
    );
    expect("m_lingo", text("nationality 40%; trust-building 30%"));
    expect("lexicon_version", text(LEXICONS));
    expect("extractor_version", text("0.3.0"));
}

#[test]
fn older_rows_leave_the_new_fields_not_measured() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&directory.path().join("store")).expect("store opens");
    let sites = sites(&["rich-but-old", "defaults"]);
    let run_id = begin_run(&store, &["rich-but-old", "defaults"], at(0, 0));
    // An older version's row, even with the new fields present.
    store
        .put_site_indicators(&record(run_id, "rich-but-old", "0.2.0", full_indicators()))
        .expect("row written");
    // A row as the skeleton's extractor stored it: the new fields absent,
    // read back as serde defaults (zeros, empty maps).
    let skeleton_row = serde_json::json!({
        "run_id": run_id,
        "site_id": "defaults",
        "capture_ids": [],
        "extractor_version": "0.1.0",
        "pages_fetched": 2,
        "indicators": {"pages_parsed": 2, "ads_seen": 7, "ad_cards": 9},
    });
    let skeleton_row: SiteIndicatorsRecord =
        serde_json::from_value(skeleton_row).expect("an old row still loads");
    store
        .put_site_indicators(&skeleton_row)
        .expect("row written");

    let data = read(&store, &sites, ReportScope::Latest);
    for site_id in ["rich-but-old", "defaults"] {
        let row = cells(&data, site_id);
        for key in FULL_ONLY_COLUMNS {
            assert_eq!(row[key], CellValue::Empty, "{site_id}: {key}");
        }
        assert!(
            data.site(site_id)
                .expect("site")
                .trends
                .iter()
                .all(|series| series.indicator != "distinct_contacts"),
            "{site_id}"
        );
    }
    let defaults = cells(&data, "defaults");
    assert_eq!(defaults["c_ads_seen"], CellValue::Integer(7));
    assert_eq!(defaults["c_ad_cards"], CellValue::Integer(9));
    assert_eq!(defaults["lexicon_version"], CellValue::Empty);
    assert_eq!(defaults["k_language_expected"], text("de"), "whitelist");
    assert_eq!(
        cells(&data, "rich-but-old")["lexicon_version"],
        text(LEXICONS)
    );
}

#[test]
fn shares_of_nothing_unversioned_lexicons_and_unread_sites_are_not_measured() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&directory.path().join("store")).expect("store opens");
    let sites = sites(&["empty", "unversioned", "unread"]);
    let run_id = begin_run(&store, &["empty", "unversioned", "unread"], at(0, 0));
    // A site whose pages showed no ad: counts are zero, shares undefined.
    let mut empty = record(
        run_id,
        "empty",
        "0.3.0",
        SiteIndicators {
            pages_parsed: 1,
            ..SiteIndicators::default()
        },
    );
    empty.indicators.category_predicted = Some(cartograph_config::SiteCategory::Other);
    store.put_site_indicators(&empty).expect("row written");
    let mut unversioned = record(run_id, "unversioned", "0.3.0", full_indicators());
    unversioned.lexicon_version = String::new();
    store
        .put_site_indicators(&unversioned)
        .expect("row written");
    // No page parsed (robots.txt said no): nothing measured at all.
    store
        .put_site_indicators(&record(
            run_id,
            "unread",
            "0.3.0",
            SiteIndicators::default(),
        ))
        .expect("row written");

    let data = read(&store, &sites, ReportScope::Latest);
    let row = cells(&data, "empty");
    for key in [
        "c_posted_within_week",
        "d_service_terms",
        "f_nationality_stated",
        "f_placed_abroad",
        "g_any_contact",
        "g_phone",
        "g_obscured_phone",
        "g_contacts_3_plus_ads",
        "d_prices",
        "k_languages",
    ] {
        assert_eq!(row[key], CellValue::Empty, "{key}");
    }
    assert_eq!(row["c_ads_after_reposts"], CellValue::Integer(0));
    assert_eq!(row["g_distinct_contacts"], CellValue::Integer(0));
    assert_eq!(row["e_scope"], text("unknown"));

    let row = cells(&data, "unversioned");
    for key in ["d_service_terms", "f_nationality_stated", "m_lingo"] {
        assert_eq!(row[key], CellValue::Empty, "{key}");
    }
    assert_eq!(row["g_phone"], CellValue::Share(0.9), "not from a lexicon");
    assert_eq!(row["lexicon_version"], CellValue::Empty);

    let row = cells(&data, "unread");
    for key in FULL_ONLY_COLUMNS {
        assert_eq!(row[key], CellValue::Empty, "{key}");
    }
}

fn with_turnover(new_ads: usize, new_ads_per_day: Option<f64>) -> SiteIndicators {
    SiteIndicators {
        new_ads: Some(new_ads),
        new_ads_per_day,
        ..full_indicators()
    }
}

#[test]
fn new_ads_per_day_come_from_the_stored_count_with_a_one_day_floor() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&directory.path().join("store")).expect("store opens");
    let sites = sites(&["site"]);
    let first = begin_run(&store, &["site"], at(0, 0));
    let second = begin_run(&store, &["site"], at(2, 0));
    let third = begin_run(&store, &["site"], at(2, 1));
    let mut row = record(first, "site", "0.3.0", full_indicators());
    row.run_time = Some(at(0, 0));
    store.put_site_indicators(&row).expect("row written");
    // Two days later: the stored rate as it is.
    let mut row = record(second, "site", "0.3.0", with_turnover(10, Some(5.0)));
    row.run_time = Some(at(2, 0));
    store.put_site_indicators(&row).expect("row written");
    // An hour later: 4 new ads count as 4 a day, not 96.
    let mut row = record(third, "site", "0.3.0", with_turnover(4, Some(96.0)));
    row.run_time = Some(at(2, 1));
    store.put_site_indicators(&row).expect("row written");

    let data = read(&store, &sites, ReportScope::Latest);
    let site = data.site("site").expect("site");
    assert_eq!(site.fields.size.new_ads_per_day, Some(4.0));
    let rates: Vec<(u64, f64)> = site
        .trends
        .iter()
        .find(|series| series.indicator == "new_ads_per_day")
        .expect("new ads trend")
        .points
        .iter()
        .map(|point| (point.run_id, point.value))
        .collect();
    assert_eq!(rates, vec![(second, 5.0), (third, 4.0)]);
    let last_day: Vec<f64> = site
        .trends
        .iter()
        .find(|series| series.indicator == "ads_last_24h")
        .expect("recency trend")
        .points
        .iter()
        .map(|point| point.value)
        .collect();
    assert_eq!(last_day, vec![3.0, 3.0, 3.0]);

    let data = read(&store, &sites, ReportScope::Run(second));
    let site = data.site("site").expect("site");
    assert_eq!(site.fields.size.new_ads_per_day, Some(5.0));
    let data = read(&store, &sites, ReportScope::Run(first));
    assert_eq!(
        data.site("site").expect("site").fields.size.new_ads_per_day,
        None
    );
}

fn page_with_ads(run_id: RunId, capture_id: u64, ad_ids: &[u32]) -> PageIndicatorsRecord {
    let ads = ad_ids
        .iter()
        .map(|id| AdSignals {
            ad_key: cartograph_extract::AdKey::from_url(
                &Url::parse(&format!("http://site.example.test/ad/{id}")).expect("valid URL"),
            ),
            text_fingerprint: u64::from(*id),
            posted: None,
            prices: Vec::new(),
            place: None,
            language: None,
            language_source: LanguageSource::Unknown,
            lexicon: BTreeSet::new(),
            contact_kinds: BTreeSet::new(),
            obscured_contact: false,
            contacts: BTreeSet::new(),
        })
        .collect();
    PageIndicatorsRecord {
        run_id,
        site_id: "site".to_owned(),
        capture_id,
        url: "http://site.example.test/list/".to_owned(),
        extractor_version: "0.2.0".to_owned(),
        lexicon_version: String::new(),
        captured_at: None,
        indicators: PageIndicators {
            ad_cards: ad_ids.len(),
            ads,
            ..PageIndicators::default()
        },
    }
}

#[test]
fn older_rows_get_new_ads_per_day_from_the_ad_keys() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&directory.path().join("store")).expect("store opens");
    let sites = sites(&["site"]);
    let first = begin_run(&store, &["site"], at(0, 0));
    let second = begin_run(&store, &["site"], at(3, 0));
    for (run_id, ad_ids) in [(first, &[1, 2, 3][..]), (second, &[2, 3, 4, 5, 6, 7][..])] {
        store
            .put_page_indicators(&page_with_ads(run_id, run_id * 10, ad_ids))
            .expect("page row written");
        let indicators = SiteIndicators {
            pages_parsed: 1,
            ads_seen: ad_ids.len(),
            ad_cards: ad_ids.len(),
            ..SiteIndicators::default()
        };
        store
            .put_site_indicators(&record(run_id, "site", "0.2.0", indicators))
            .expect("row written");
    }
    let data = read(&store, &sites, ReportScope::Latest);
    // Four new keys over three days.
    let rate = data
        .site("site")
        .expect("site")
        .fields
        .size
        .new_ads_per_day
        .expect("measured from the keys");
    assert!((rate - 4.0 / 3.0).abs() < 1e-9, "{rate}");
}
