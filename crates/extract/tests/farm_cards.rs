//! The card finder against the full farm's ground truth, page by page:
//! without a profile every listing page (robots-allowed and disallowed,
//! all eight templates) yields the ads the truth lists on it, keyed as
//! their URLs key, and the next page the truth links to; with the site's
//! profile it reads each card's fields, and a stale profile falls back to
//! the generic finder and says so.

use std::collections::{BTreeSet, HashMap};

use cartograph_extract::{decode_html, find_cards, find_next_page, AdKey, ExtractionMethod};
use cartograph_farm::{AdTruth, Farm, FarmSpec, TemplateKind, SHOWCASE_SITES};
use url::Url;

fn farm() -> Farm {
    Farm::new(FarmSpec {
        seed: 20_251_128,
        sites: SHOWCASE_SITES,
        day: 3,
    })
}

fn parse(headers: &[(&'static str, String)], body: &[u8]) -> scraper::Html {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    scraper::Html::parse_document(&decode_html(&headers, body).text)
}

/// A listing page's path without its page number (`?page=2`, `/page/2/`,
/// `?offset=40`, `?more=2`, `?cursor=…`).
fn listing_base(path: &str) -> &str {
    let path = path.split('?').next().unwrap_or(path);
    match path.trim_end_matches('/').rsplit_once("/page/") {
        Some((base, number)) if number.bytes().all(|byte| byte.is_ascii_digit()) => base,
        _ => path.trim_end_matches('/'),
    }
}

#[test]
fn generic_finder_finds_every_listed_ad_and_the_next_page() {
    let farm = farm();
    let mut pages_checked = 0;
    let mut templates_seen = BTreeSet::new();
    for (site, truth) in farm.sites().iter().zip(&farm.truth().sites) {
        let ads: HashMap<&str, &AdTruth> =
            truth.ads.iter().map(|ad| (ad.ad_id.as_str(), ad)).collect();
        for pages in [&truth.pages, &truth.disallowed_pages] {
            for (page_index, page) in pages.iter().enumerate() {
                let response = farm.render(&site.host, &page.url_path);
                assert_eq!(response.status, 200, "{} {}", site.host, page.url_path);
                let page_url =
                    Url::parse(&format!("http://{}{}", site.host, page.url_path)).unwrap();
                let document = parse(&response.headers, &response.body);
                let card_set = find_cards(&document, &page_url, None);
                let context = format!("{} ({:?}) {}", site.id, site.template, page.url_path);
                let key_of = |ad_id: &String| {
                    AdKey::from_url(&page_url.join(&ads[ad_id.as_str()].url_path).unwrap())
                };
                let listed: BTreeSet<AdKey> = page.ad_ids.iter().map(key_of).collect();
                let allowed: BTreeSet<AdKey> = page
                    .ad_ids
                    .iter()
                    .chain(&page.promoted_ad_ids)
                    .map(key_of)
                    .collect();
                let found: BTreeSet<AdKey> = card_set
                    .cards
                    .iter()
                    .map(|card| card.ad_key.clone())
                    .collect();
                assert!(
                    found.is_subset(&allowed),
                    "{context}: cards that are no ads"
                );
                // One ad alone on a page is no repeated structure: found
                // only when the page lists it in JSON-LD.
                if listed.len() >= 2 || page.json_ld {
                    assert!(listed.is_subset(&found), "{context}: listed ads missed");
                    assert_ne!(card_set.method, ExtractionMethod::None, "{context}");
                    assert!(
                        card_set.confidence >= 0.7,
                        "{context}: confidence {}",
                        card_set.confidence
                    );
                }
                for card in &card_set.cards {
                    if let Some(ad) = page
                        .ad_ids
                        .iter()
                        .map(|ad_id| ads[ad_id.as_str()])
                        .find(|ad| key_of(&ad.ad_id) == card.ad_key)
                    {
                        assert!(card.text.contains(&ad.title), "{context}: {:?}", card.text);
                        if let Some(price) = &ad.price_text {
                            assert!(
                                card.text.contains(price.as_str()),
                                "{context}: {:?}",
                                card.text
                            );
                        }
                    }
                }
                let next = find_next_page(&document, &page_url);
                // The page after the last listing page may be the premium
                // section or the house rules, reached from the menu or
                // the footer, not by "next".
                let expected_next = pages
                    .get(page_index + 1)
                    .filter(|next| listing_base(&next.url_path) == listing_base(&page.url_path))
                    .map(|next| page_url.join(&next.url_path).unwrap());
                assert_eq!(next, expected_next, "{context}: next page");
                templates_seen.insert(format!("{:?}", site.template));
                pages_checked += 1;
            }
        }
    }
    assert_eq!(
        templates_seen.len(),
        TemplateKind::ALL.len(),
        "{templates_seen:?}"
    );
    assert!(pages_checked >= 40, "only {pages_checked} pages checked");
}

#[test]
fn profile_finder_reads_each_cards_fields_and_falls_back_when_stale() {
    let farm = farm();
    for (site, truth) in farm.sites().iter().zip(&farm.truth().sites).take(8) {
        let profile = cartograph_config::ExtractionProfile {
            ad: site.profile.ad.clone(),
            link: Some(site.profile.link.clone()),
            date: Some(site.profile.date.clone()),
            price: Some(site.profile.price.clone()),
            location: Some(site.profile.location.clone()),
            next: Some(site.profile.next.clone()),
        };
        let Some(page) = truth.pages.first() else {
            continue;
        };
        let page_url = Url::parse(&format!("http://{}{}", site.host, page.url_path)).unwrap();
        let response = farm.render(&site.host, &page.url_path);
        let document = parse(&response.headers, &response.body);
        let context = format!("{} ({:?})", site.id, site.template);

        let card_set = find_cards(&document, &page_url, Some(&profile));
        assert_eq!(card_set.method, ExtractionMethod::Profile, "{context}");
        assert_eq!(card_set.confidence, 1.0);
        assert!(card_set.warnings.is_empty(), "{:?}", card_set.warnings);
        let ads: HashMap<AdKey, &AdTruth> = truth
            .ads
            .iter()
            .map(|ad| (AdKey::from_url(&page_url.join(&ad.url_path).unwrap()), ad))
            .collect();
        let mut listed = 0;
        for card in &card_set.cards {
            let ad = ads[&card.ad_key];
            if !page.ad_ids.contains(&ad.ad_id) {
                continue;
            }
            listed += 1;
            assert_eq!(
                card.date_text, ad.date_text,
                "{context}: date of {}",
                ad.ad_id
            );
            assert_eq!(
                card.price_text, ad.price_text,
                "{context}: price of {}",
                ad.ad_id
            );
            assert_eq!(
                card.location_text.as_deref(),
                Some(ad.location.city.as_str())
            );
            assert_eq!(
                card.link.as_ref(),
                Some(&page_url.join(&ad.url_path).unwrap())
            );
        }
        assert_eq!(listed, page.ad_ids.len(), "{context}");

        // The site changed its markup: the profile matches nothing, the
        // generic finder takes over and says so.
        let stale = cartograph_config::ExtractionProfile {
            ad: "div.listing-card-v2".to_owned(),
            ..profile.clone()
        };
        let card_set = find_cards(&document, &page_url, Some(&stale));
        assert_ne!(card_set.method, ExtractionMethod::Profile, "{context}");
        assert!(card_set.cards.len() >= page.ad_ids.len(), "{context}");
        assert_eq!(card_set.warnings.len(), 1, "{:?}", card_set.warnings);

        let broken = cartograph_config::ExtractionProfile {
            price: Some("td[".to_owned()),
            ..profile.clone()
        };
        let card_set = find_cards(&document, &page_url, Some(&broken));
        assert_eq!(card_set.method, ExtractionMethod::Profile);
        assert!(card_set.cards.iter().all(|card| card.price_text.is_none()));
        assert!(
            card_set.warnings[0].contains("price"),
            "{:?}",
            card_set.warnings
        );
    }
}
