//! `aggregate_site` on hand-made page indicators: de-duplication by key and
//! by repost, recency against the run time, turnover against the previous
//! run, shares, prices, places and contacts.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use url::Url;

use crate::{
    aggregate_site, link_contacts_across_sites, AdKey, AdSignals, ContactKind, ContactPseudonym,
    Currency, LanguageSource, PageIndicators, PostedPrecision, PostedTime, PreviousRun, Price,
    PriceUnit, RiskCategory, ScopeClass,
};

fn run_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 18, 0, 0).unwrap()
}

fn site() -> cartograph_config::SiteSpec {
    let text = "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:unit@example.org\"\n\
        [[site]]\nid = \"dir\"\nname = \"Directory\"\ncountry = \"AT\"\ncategory_hint = \"escort-directory\"\n\
        seeds = [\"http://dir.example.test/list/\"]\nlisting = [\"http://dir.example.test/list/*\"]\n";
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    cartograph_config::parse(text, Path::new("test.toml"), today)
        .expect("test config is valid")
        .config
        .sites
        .remove(0)
}

fn key(id: u32) -> AdKey {
    AdKey::from_url(&Url::parse(&format!("http://dir.example.test/ad/{id}")).unwrap())
}

fn contact(name: &str) -> ContactPseudonym {
    ContactPseudonym {
        kind: ContactKind::Phone,
        digest: format!("{name:0>64}"),
    }
}

/// An ad posted `hours_ago`, at `place`, with `contacts`.
fn ad(
    id: u32,
    fingerprint: u64,
    hours_ago: Option<i64>,
    place: &str,
    contacts: &[&str],
) -> AdSignals {
    AdSignals {
        ad_key: key(id),
        text_fingerprint: fingerprint,
        posted: hours_ago.map(|hours| PostedTime {
            at: run_time() - TimeDelta::hours(hours),
            precision: PostedPrecision::Hour,
            relative: true,
        }),
        prices: vec![Price {
            amount_minor: u64::from(id) * 1_000,
            currency: Currency::Eur,
            unit: PriceUnit::Hour,
        }],
        place: Some(place.to_owned()),
        language: Some("de".to_owned()),
        language_source: LanguageSource::Card,
        lexicon: BTreeSet::from([RiskCategory::Movement]),
        contact_kinds: if contacts.is_empty() {
            BTreeSet::new()
        } else {
            BTreeSet::from([ContactKind::Phone])
        },
        obscured_contact: id == 1,
        contacts: contacts.iter().map(|name| contact(name)).collect(),
    }
}

fn page(ads: Vec<AdSignals>) -> PageIndicators {
    PageIndicators {
        ad_cards: ads.len(),
        ads,
        ad_counter: Some(1_234),
        ..PageIndicators::default()
    }
}

#[test]
fn ads_are_counted_once_and_shares_are_of_the_ads_behind_the_listings() {
    let first = page(vec![
        ad(1, 0x0f0f_0f0f_0f0f_0f0f, Some(2), "at/wien", &["a"]),
        ad(2, 0x1234_5678_9abc_def0, Some(30), "at/graz", &["a"]),
        ad(3, 0xffff_0000_ffff_0000, Some(24 * 10), "at/wien", &["a"]),
    ]);
    // Ad 1 again (another page), ad 4 a repost of ad 2 (close text, same
    // contact), ad 5 close to ad 3 but with another contact, ad 6 undated
    // and abroad.
    let second = page(vec![
        ad(1, 0x0f0f_0f0f_0f0f_0f0f, Some(2), "at/wien", &["a"]),
        ad(4, 0x1234_5678_9abc_def1, Some(1), "at/graz", &["a"]),
        ad(5, 0xffff_0000_ffff_0001, Some(24 * 40), "at/wien", &["b"]),
        ad(6, 0x5555_aaaa_5555_aaaa, None, "de/berlin", &[]),
    ]);
    let previous = PreviousRun {
        ad_keys: BTreeSet::from([key(1), key(9)]),
        run_time: run_time() - TimeDelta::days(2),
    };
    let indicators = aggregate_site(&site(), [&first, &second], Some(&previous), run_time());
    assert_eq!(indicators.pages_parsed, 2);
    assert_eq!(indicators.ad_cards, 7);
    assert_eq!(indicators.ads_seen, 6);
    assert_eq!(indicators.ads_deduplicated, 5);
    assert_eq!(indicators.reposts_merged, 1);
    assert_eq!(indicators.new_ads, Some(5));
    assert_eq!(indicators.disappeared_ads, Some(1));
    assert_eq!(indicators.new_ads_per_day, Some(2.5));
    // Ads 1, 2 (its repost merged), 3, 5, 6.
    assert_eq!(indicators.ads_with_date, 4);
    assert_eq!(indicators.ads_last_24h, 1);
    assert_eq!(indicators.ads_last_7d, 2);
    assert_eq!(indicators.ads_last_30d, 3);
    assert_eq!(indicators.ads_undated, 1);
    assert_eq!(indicators.recency.undated, 0.2);
    assert_eq!(indicators.languages.get("de"), Some(&1.0));
    assert_eq!(indicators.site_counter, Some(1_234));
    assert_eq!(indicators.prices.len(), 1);
    let prices = &indicators.prices[0];
    assert_eq!(
        (
            prices.count,
            prices.min_minor,
            prices.median_minor,
            prices.max_minor
        ),
        (5, 1_000, 3_000, 6_000)
    );
    assert_eq!(indicators.distinct_locations, 3);
    assert_eq!(indicators.scope, ScopeClass::International);
    assert_eq!(indicators.foreign_origin.located_abroad_share, 0.2);
    assert_eq!(indicators.ads_with_contact_share, 0.8);
    assert_eq!(indicators.obscured_contact_share, 0.2);
    assert_eq!(indicators.lexicon.get(&RiskCategory::Movement), Some(&1.0));
    // Contact "a": ads 1, 2 (with its repost) and 3 in Wien and Graz.
    assert_eq!(indicators.distinct_contacts, 2);
    assert_eq!(indicators.max_ads_per_contact, 3);
    assert_eq!(indicators.contacts_with_3_plus_ads_share, 0.5);
    assert_eq!(indicators.contacts_in_2_plus_cities, 1);
    assert_eq!(indicators.contacts_in_2_plus_countries, 0);
    assert_eq!(
        indicators.category_hint,
        Some(cartograph_config::SiteCategory::EscortDirectory)
    );
    assert!(indicators.category_predicted.is_some());
}

#[test]
fn contacts_link_sites_and_countries() {
    let wien = page(vec![ad(1, 1, Some(1), "at/wien", &["a", "b"])]);
    let berlin = page(vec![ad(2, 2, Some(1), "de/berlin", &["a"])]);
    let first = aggregate_site(&site(), [&wien], None, run_time());
    let second = aggregate_site(&site(), [&berlin], None, run_time());
    let linked = link_contacts_across_sites([
        ("first", first.contacts.as_slice()),
        ("second", second.contacts.as_slice()),
    ]);
    assert_eq!(linked.on_2_plus_sites, 1);
    assert_eq!(linked.in_2_plus_countries, 1);
    assert_eq!(linked.in_2_plus_cities, 1);
    assert_eq!(linked.shared.len(), 1);
    assert_eq!(linked.shared[0].contact, contact("a"));
    assert_eq!(linked.shared[0].ads, 2);
}

#[test]
fn a_run_without_pages_is_empty() {
    let indicators = aggregate_site(&site(), [], None, run_time());
    assert_eq!(indicators.pages_parsed, 0);
    assert_eq!(indicators.ads_seen, 0);
    assert_eq!(indicators.scope, ScopeClass::Unknown);
    assert_eq!(indicators.category_predicted, None);
}
