//! `extract_page` end to end on small hand-written pages: cards counted
//! and de-duplicated with a profile and without, each card's signals, the
//! page's own signals, links, and what never reaches the indicators.

use std::path::Path;

use cartograph_config::SiteSpec;
use chrono::{DateTime, TimeZone, Utc};
use url::Url;

use crate::{
    extract_page, AdKey, ContactKind, ExtractionContext, ExtractionMethod, LanguageSource,
    LexiconSet, LinkageKey, PageExtraction, PriceUnit, RiskCategory,
};

fn site(extra: &str) -> SiteSpec {
    let text = format!(
        r#"[crawler]
user_agent = "cartograph"
contact = "mailto:unit@example.org"
[[site]]
id = "dir"
name = "Directory"
country = "AT"
seeds = ["http://dir.example.test/list/"]
listing = ["http://dir.example.test/list/*"]
{extra}
"#
    );
    let loaded = cartograph_config::parse(&text, Path::new("test.toml"), chrono_today())
        .expect("test config is valid");
    loaded.config.sites[0].clone()
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn captured_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 18, 0, 0).unwrap()
}

fn extract(site: &SiteSpec, url: &str, headers: &[(&str, &str)], body: &str) -> PageExtraction {
    let lexicons = LexiconSet::built_in();
    let key = LinkageKey::new([7; 32]);
    let context = ExtractionContext {
        lexicons: &lexicons,
        linkage_key: &key,
        captured_at: captured_at(),
    };
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    extract_page(
        site,
        &Url::parse(url).unwrap(),
        &headers,
        body.as_bytes(),
        &context,
    )
}

const PROFILE: &str = r#"[site.profile]
ad = "article.ad"
link = "a.title"
next = "a[rel=next]""#;

const PAGE: &str = r#"<html><head><title>List</title></head><body>
<nav><a href="/about">About</a><a href="mailto:x@example.test">mail</a></nav>
<article class="ad"><a class="title" href="/ad/1">One</a><span class="price">100 EUR</span></article>
<article class="ad"><a class="title" href="ad/2#top">Two</a></article>
<article class="ad promoted"><a class="title" href="http://DIR.example.test:80/ad/1">One again</a></article>
<article class="ad"><p>No link, just text</p></article>
<a rel="next" href="?page=2">next</a>
</body></html>"#;

fn check(
    headers: &[(&str, &str)],
    body: &str,
    expect_cards: usize,
    expect_distinct: usize,
    expect_next: Option<&str>,
) {
    let extraction = extract(
        &site(PROFILE),
        "http://dir.example.test/list/",
        headers,
        body,
    );
    assert_eq!(
        extraction.indicators.ad_cards, expect_cards,
        "{extraction:?}"
    );
    assert_eq!(
        extraction.indicators.ads.len(),
        expect_distinct,
        "{extraction:?}"
    );
    assert_eq!(extraction.links.next.as_ref().map(Url::as_str), expect_next);
    assert_eq!(extraction.indicators.has_next_page, expect_next.is_some());
}

#[test]
fn profile_cards_are_counted_and_deduplicated() {
    check(
        &[("Content-Type", "text/html; charset=utf-8")],
        PAGE,
        4,
        3,
        Some("http://dir.example.test/list/?page=2"),
    );
    check(
        &[],
        PAGE,
        4,
        3,
        Some("http://dir.example.test/list/?page=2"),
    );
    check(&[("content-type", "image/png")], PAGE, 0, 0, None);
    check(
        &[],
        "<html><body><p>nothing here</p></body></html>",
        0,
        0,
        None,
    );
    check(
        &[],
        "<article class=ad><a class=title href=/ad/9>broken",
        1,
        1,
        None,
    );
}

#[test]
fn ad_keys_come_from_normalised_urls() {
    let extraction = extract(&site(PROFILE), "http://dir.example.test/list/", &[], PAGE);
    let first = AdKey::from_url(&Url::parse("http://dir.example.test/ad/1").unwrap());
    let second = AdKey::from_url(&Url::parse("http://dir.example.test/list/ad/2").unwrap());
    let keys: Vec<&AdKey> = extraction.indicators.ad_keys().collect();
    assert_eq!(keys[0], &first);
    assert_eq!(keys[1], &second);
    assert_eq!(extraction.indicators.method, ExtractionMethod::Profile);
    assert_eq!(first.as_str().len(), 32);
    let links: Vec<&str> = extraction.links.all.iter().map(Url::as_str).collect();
    assert!(
        links.contains(&"http://dir.example.test/about"),
        "{links:?}"
    );
    assert!(
        !links.iter().any(|link| link.starts_with("mailto:")),
        "{links:?}"
    );
}

/// Four cards of one template, in German, with what cards carry.
const GENERIC_PAGE: &str = r#"<!DOCTYPE html><html lang="de"><head>
<meta charset="utf-8"><title>Rosa Escorts Wien | Seite 1</title>
<script>gtag('config', 'G-AB12CD34EF');</script></head><body>
<header><a href="/">Start</a> <span>1 234 Anzeigen online</span></header>
<main><div class="ads">
<div class="ad"><a class="t" href="/wien/ad/100">Anna, 24</a> <span>vor 3 Stunden</span>
 <span>Wien</span> <span>150 € pro Stunde</span>
 <p>Neu in der Stadt, freundlich und diskret, Termine nach Vereinbarung.</p>
 <p>Telefon: 0664 123 4567 <a href="https://wa.me/436641234567">WhatsApp</a></p></div>
<div class="ad"><a class="t" href="/wien/ad/101">Bella, 29</a> <span>gestern 14:30</span>
 <span>Graz</span> <span>200 € pro Stunde</span>
 <p>Elegante Begleitung für Abendessen und Veranstaltungen in der Stadt.</p>
 <p>Telefon: null sechs sechs vier, eins zwei drei, vier fünf sechs sieben</p></div>
<div class="ad"><a class="t" href="/wien/ad/102">Clara, 31</a> <span>12.11.2026</span>
 <span>Linz</span> <span>300 € pro Nacht</span>
 <p>Ruhige und freundliche Gesellschaft, Hotelbesuche nach Absprache.</p>
 <p><a href="https://t.me/clara_linz_test">Telegram</a></p></div>
<div class="ad"><a class="t" href="/wien/ad/103">Dora, 27</a>
 <span>Salzburg</span>
 <p>Immer gut gekleidet und pünktlich, ich spreche Deutsch und Englisch.</p></div>
</div>
<div class="pager"><a rel="next" href="?page=2">Weiter</a></div></main>
<footer><a href="/about">Über uns</a></footer></body></html>"#;

#[test]
fn without_a_profile_every_card_becomes_signals() {
    let extraction = extract(
        &site(""),
        "http://dir.example.test/list/",
        &[("Content-Type", "text/html; charset=utf-8")],
        GENERIC_PAGE,
    );
    let page = &extraction.indicators;
    assert_eq!(page.method, ExtractionMethod::Generic, "{page:?}");
    assert_eq!(page.ads.len(), 4);
    assert_eq!(page.ad_counter, Some(1234));
    assert_eq!(
        page.language
            .as_ref()
            .map(|language| language.code.as_str()),
        Some("de")
    );
    assert_eq!(page.charset.as_deref(), Some("UTF-8"));
    assert_eq!(page.tracking_ids.len(), 1);
    assert!(page.template_fingerprint.is_some());
    assert_eq!(
        extraction.links.next.as_ref().map(Url::as_str),
        Some("http://dir.example.test/list/?page=2")
    );
    assert!(page
        .category_cues
        .contains_key(&cartograph_config::SiteCategory::EscortDirectory));

    let [anna, bella, clara, dora] = &page.ads[..] else {
        panic!("four ads: {:?}", page.ads);
    };
    assert_eq!(
        anna.posted.map(|posted| posted.at),
        Some(captured_at() - chrono::TimeDelta::hours(3))
    );
    assert_eq!(
        bella
            .posted
            .map(|posted| posted.at.date_naive().to_string()),
        Some("2026-11-27".to_owned())
    );
    assert_eq!(
        clara
            .posted
            .map(|posted| posted.at.date_naive().to_string()),
        Some("2026-11-12".to_owned())
    );
    assert_eq!(dora.posted, None);
    assert_eq!(anna.prices[0].amount_minor, 15_000);
    assert_eq!(anna.prices[0].unit, PriceUnit::Hour);
    assert_eq!(clara.prices[0].unit, PriceUnit::Night);
    let places: Vec<Option<&str>> = page.ads.iter().map(|ad| ad.place.as_deref()).collect();
    assert_eq!(
        places,
        [
            Some("at/wien"),
            Some("at/graz"),
            Some("at/linz"),
            Some("at/salzburg")
        ]
    );
    assert!(page
        .ads
        .iter()
        .all(|ad| ad.language.as_deref() == Some("de")));
    assert!(page
        .ads
        .iter()
        .all(|ad| ad.language_source == LanguageSource::Card));
    assert!(
        anna.lexicon.contains(&RiskCategory::Movement),
        "{:?}",
        anna.lexicon
    );

    // Anna's number is printed and linked; Bella's is the same number in
    // words: one pseudonym links them, and Bella's is obscured.
    assert!(anna.contact_kinds.contains(&ContactKind::Phone));
    assert!(anna.contact_kinds.contains(&ContactKind::WhatsApp));
    assert_eq!(anna.contacts.len(), 1);
    assert!(!anna.obscured_contact);
    assert!(bella.obscured_contact);
    assert_eq!(bella.contacts, anna.contacts);
    assert_eq!(
        clara.contact_kinds.iter().collect::<Vec<_>>(),
        [&ContactKind::Telegram]
    );
    assert!(dora.contacts.is_empty());

    // Nothing of the cards' text or contacts is in the stored form.
    let json = serde_json::to_string(page).unwrap();
    for secret in [
        "Anna",
        "0664",
        "664 123",
        "436641234567",
        "clara_linz_test",
        "Neu in der Stadt",
        "wa.me",
        "/wien/ad/100",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    let back: crate::PageIndicators = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, page);
}

#[test]
fn a_short_card_takes_the_page_language_and_then_the_site_hint() {
    let short_cards = r#"<ul><li><a href="/ad/1">Anna</a> <span>Wien</span></li>
<li><a href="/ad/2">Bella</a> <span>Graz</span></li>
<li><a href="/ad/3">Clara</a> <span>Linz</span></li></ul>"#;
    let hinted = site("language_hint = \"de\"");
    let extraction = extract(&hinted, "http://dir.example.test/list/", &[], short_cards);
    let ads = &extraction.indicators.ads;
    assert_eq!(ads.len(), 3, "{:?}", extraction.indicators);
    assert!(ads
        .iter()
        .all(|ad| ad.language_source == LanguageSource::SiteHint
            && ad.language.as_deref() == Some("de")));
}

#[test]
fn stored_rows_of_the_previous_extractor_still_load() {
    let old = r#"{"method":"profile","confidence":1.0,"ad_cards":2,"ad_keys":["a","b"],"has_next_page":true}"#;
    let page: crate::PageIndicators = serde_json::from_str(old).unwrap();
    assert_eq!(page.ad_cards, 2);
    assert!(page.has_next_page);
    let old_site = r#"{"pages_parsed":2,"ads_seen":3,"ad_cards":4}"#;
    let site: crate::SiteIndicators = serde_json::from_str(old_site).unwrap();
    assert_eq!(site.ads_seen, 3);
}
