//! Extraction with a profile: cards counted, repeats de-duplicated, links
//! resolved, the next page found, non-HTML refused.

use std::path::Path;

use cartograph_config::SiteSpec;
use url::Url;

use crate::{aggregate_site, extract_page, AdKey, ExtractionMethod};

fn site(profile: &str) -> SiteSpec {
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
{profile}
"#
    );
    let loaded = cartograph_config::parse(&text, Path::new("test.toml"), chrono_today())
        .expect("test config is valid");
    loaded.config.sites[0].clone()
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
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
    let site = site(PROFILE);
    let url = Url::parse("http://dir.example.test/list/").unwrap();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    let extraction = extract_page(&site, &url, &headers, body.as_bytes());
    assert_eq!(
        extraction.indicators.ad_cards, expect_cards,
        "{extraction:?}"
    );
    assert_eq!(
        extraction.indicators.ad_keys.len(),
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
    let site = site(PROFILE);
    let url = Url::parse("http://dir.example.test/list/").unwrap();
    let extraction = extract_page(&site, &url, &[], PAGE.as_bytes());
    let first = AdKey::from_url(&Url::parse("http://dir.example.test/ad/1").unwrap());
    let second = AdKey::from_url(&Url::parse("http://dir.example.test/list/ad/2").unwrap());
    assert_eq!(extraction.indicators.ad_keys[0], first);
    assert_eq!(extraction.indicators.ad_keys[1], second);
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

#[test]
fn without_a_profile_no_cards_are_claimed() {
    let site = site("");
    let url = Url::parse("http://dir.example.test/list/").unwrap();
    let extraction = extract_page(&site, &url, &[], PAGE.as_bytes());
    assert_eq!(extraction.indicators.method, ExtractionMethod::None);
    assert_eq!(extraction.indicators.ad_cards, 0);
    assert!(!extraction.links.all.is_empty());
}

#[test]
fn site_aggregate_counts_distinct_ads_across_pages() {
    let site = site(PROFILE);
    let first = extract_page(
        &site,
        &Url::parse("http://dir.example.test/list/").unwrap(),
        &[],
        PAGE.as_bytes(),
    );
    let second = extract_page(
        &site,
        &Url::parse("http://dir.example.test/list/?page=2").unwrap(),
        &[],
        PAGE.as_bytes(),
    );
    let indicators = aggregate_site([&first.indicators, &second.indicators]);
    assert_eq!(indicators.pages_parsed, 2);
    assert_eq!(indicators.ad_cards, 8);
    // The text-only card resolves nowhere, so it keys by text: the same on both pages.
    assert_eq!(indicators.ads_seen, 3);
}
