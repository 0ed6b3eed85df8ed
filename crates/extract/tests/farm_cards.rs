//! The generic card finder against the farm's ground truth, page by page,
//! WITHOUT the sites' profiles: every listing page (robots-allowed and
//! disallowed) must yield exactly the ads the truth puts on it, keyed as the
//! truth's ad URLs key, and the next page the truth links to.

use cartograph_extract::{decode_html, find_cards, find_next_page, AdKey, ExtractionMethod};
use cartograph_farm::{Farm, FarmSpec};
use url::Url;

/// Enough sites for every template to appear at least twice.
const SITES: usize = 16;

#[test]
fn generic_finder_counts_every_farm_page_exactly() {
    let farm = Farm::new(FarmSpec {
        seed: 20_251_128,
        sites: SITES,
        day: 0,
    });
    let mut pages_checked = 0;
    for (site, site_truth) in farm.sites().iter().zip(&farm.truth().sites) {
        let sequences = [&site_truth.pages, &site_truth.disallowed_pages];
        for pages in sequences {
            for (page_index, page) in pages.iter().enumerate() {
                let response = farm.render(&site.host, &page.url_path);
                assert_eq!(response.status, 200, "{} {}", site.host, page.url_path);
                let page_url =
                    Url::parse(&format!("http://{}{}", site.host, page.url_path)).unwrap();
                let headers = vec![("Content-Type".to_owned(), response.content_type.to_owned())];
                let decoded = decode_html(&headers, response.body.as_bytes());
                let document = scraper::Html::parse_document(&decoded.text);
                let card_set = find_cards(&document, &page_url, None);
                let context = format!("{} ({:?}) {}", site.id, site.template, page.url_path);

                assert_eq!(card_set.method, ExtractionMethod::Generic, "{context}");
                assert!(
                    card_set.confidence >= 0.7,
                    "{context}: confidence {}",
                    card_set.confidence
                );
                let found: Vec<&AdKey> = card_set.cards.iter().map(|card| &card.ad_key).collect();
                let expected: Vec<AdKey> = page
                    .ad_ids
                    .iter()
                    .map(|ad_id| {
                        let ad = site_truth.ads.iter().find(|ad| &ad.ad_id == ad_id).unwrap();
                        AdKey::from_url(&page_url.join(&ad.url_path).unwrap())
                    })
                    .collect();
                assert_eq!(found.len(), expected.len(), "{context}: card count");
                assert_eq!(
                    found,
                    expected.iter().collect::<Vec<_>>(),
                    "{context}: ad keys"
                );
                for (card, ad_id) in card_set.cards.iter().zip(&page.ad_ids) {
                    let ad = site_truth.ads.iter().find(|ad| &ad.ad_id == ad_id).unwrap();
                    assert!(
                        card.text.contains(&ad.title),
                        "{context}: card text {:?}",
                        card.text
                    );
                    assert!(
                        card.text.contains(&ad.price.text),
                        "{context}: price in {:?}",
                        card.text
                    );
                }

                let next = find_next_page(&document, &page_url);
                let expected_next = pages
                    .get(page_index + 1)
                    .map(|next| page_url.join(&next.url_path).unwrap());
                assert_eq!(next, expected_next, "{context}: next page");
                pages_checked += 1;
            }
        }
    }
    assert!(
        pages_checked >= SITES * 3,
        "only {pages_checked} pages checked"
    );
}

#[test]
fn profile_finder_reads_each_cards_fields_and_falls_back_when_stale() {
    let farm = Farm::new(FarmSpec {
        seed: 3,
        sites: 4,
        day: 0,
    });
    for (site, site_truth) in farm.sites().iter().zip(&farm.truth().sites) {
        let profile = cartograph_config::ExtractionProfile {
            ad: site.profile.ad.clone(),
            link: Some(site.profile.link.clone()),
            date: Some(site.profile.date.clone()),
            price: Some(site.profile.price.clone()),
            location: Some(site.profile.location.clone()),
            next: Some(site.profile.next.clone()),
        };
        let page = &site_truth.pages[0];
        let page_url = Url::parse(&format!("http://{}{}", site.host, page.url_path)).unwrap();
        let body = farm.render(&site.host, &page.url_path).body;
        let document = scraper::Html::parse_document(&body);

        let card_set = find_cards(&document, &page_url, Some(&profile));
        assert_eq!(card_set.method, ExtractionMethod::Profile);
        assert_eq!(card_set.confidence, 1.0);
        assert!(card_set.warnings.is_empty(), "{:?}", card_set.warnings);
        assert_eq!(card_set.cards.len(), page.ad_ids.len());
        for (card, ad_id) in card_set.cards.iter().zip(&page.ad_ids) {
            let ad = site_truth.ads.iter().find(|ad| &ad.ad_id == ad_id).unwrap();
            assert_eq!(
                card.date_text.as_deref(),
                Some(ad.posted.to_string().as_str())
            );
            assert_eq!(card.price_text.as_deref(), Some(ad.price.text.as_str()));
            assert_eq!(card.location_text.as_deref(), Some(ad.city.as_str()));
            let expected_link = page_url.join(&ad.url_path).unwrap();
            assert_eq!(card.link.as_ref(), Some(&expected_link));
            assert_eq!(card.ad_key, AdKey::from_url(&expected_link));
        }

        // The site changed its markup: the profile matches nothing, the
        // generic finder takes over and says so.
        let stale = cartograph_config::ExtractionProfile {
            ad: "div.listing-card-v2".to_owned(),
            ..profile.clone()
        };
        let card_set = find_cards(&document, &page_url, Some(&stale));
        assert_eq!(card_set.method, ExtractionMethod::Generic);
        assert_eq!(card_set.cards.len(), page.ad_ids.len());
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
