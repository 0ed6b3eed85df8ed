//! Every page of every template, parsed back with the site's own profile:
//! the page must carry exactly what the truth says — the cards and nothing
//! else, each card's title, date, price, place, phone, text, lexicon
//! phrases and contact links, the counters, banners, non-ad items and
//! JSON-LD — in bytes of the site's encoding with the charset declared
//! where the truth says.

use std::collections::{BTreeSet, HashMap};

use cartograph_farm::{
    AdTruth, Farm, FarmResponse, FarmSite, FarmSpec, PageEncoding, PageTruth, SiteTruth,
    TemplateKind, SHOWCASE_SITES,
};
use scraper::{ElementRef, Html, Selector};

fn selector(text: &str) -> Selector {
    Selector::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn text_of(element: ElementRef<'_>) -> String {
    element.text().collect::<String>()
}

/// The page as text, after checking its bytes and charset declarations.
fn decode(truth: &SiteTruth, response: &FarmResponse) -> String {
    let label = truth.encoding.label();
    let content_type = response.header("content-type").expect("content type");
    if truth.charset_declaration.in_header() {
        assert_eq!(content_type, format!("text/html; charset={label}"));
    } else {
        assert_eq!(content_type, "text/html", "{}", truth.site_id);
    }
    let meta = format!("content=\"text/html; charset={label}\"");
    let has_meta = response
        .body
        .windows(meta.len())
        .any(|window| window == meta.as_bytes());
    assert_eq!(
        has_meta,
        truth.charset_declaration.in_meta(),
        "{}",
        truth.site_id
    );
    if truth.encoding != PageEncoding::Utf8 {
        assert!(
            std::str::from_utf8(&response.body).is_err(),
            "{}: legacy bytes, not UTF-8",
            truth.site_id
        );
    }
    truth.encoding.decode(&response.body)
}

fn check_card(site: &FarmSite, ad: &AdTruth, card: ElementRef<'_>) {
    let profile = &site.profile;
    let only = |css: &str| -> Option<String> {
        let found: Vec<String> = card.select(&selector(css)).map(text_of).collect();
        assert!(found.len() <= 1, "{}: {css} twice in a card", ad.ad_id);
        found.into_iter().next()
    };
    assert_eq!(only(&profile.link).as_deref(), Some(ad.title.as_str()));
    assert_eq!(only(&profile.date), ad.date_text, "date of {}", ad.ad_id);
    assert_eq!(only(&profile.price), ad.price_text, "price of {}", ad.ad_id);
    assert_eq!(
        only(&profile.location).as_deref(),
        Some(ad.location.city.as_str())
    );
    assert_eq!(
        only(&profile.phone),
        ad.phone.as_ref().map(|phone| phone.shown.clone()),
        "phone of {}",
        ad.ad_id
    );
    let text = only(&profile.text).expect("card text");
    assert_eq!(text, ad.text);
    let lowercase = text.to_lowercase();
    for hit in &ad.lexicon_hits {
        assert!(
            lowercase.contains(&hit.phrase.to_lowercase()),
            "{}: {hit:?} not in {text:?}",
            ad.ad_id
        );
    }
    let contact_links: BTreeSet<String> = card
        .select(&selector("a[class^=contact-]"))
        .filter_map(|anchor| anchor.value().attr("href").map(str::to_owned))
        .collect();
    let expected: BTreeSet<String> = ad
        .messengers
        .iter()
        .chain(&ad.social)
        .map(|link| link.href.clone())
        .collect();
    assert_eq!(contact_links, expected, "links of {}", ad.ad_id);
}

fn check_page(
    site: &FarmSite,
    truth: &SiteTruth,
    page: &PageTruth,
    ads_by_path: &HashMap<&str, &AdTruth>,
    html: &str,
) {
    let document = Html::parse_document(html);
    let cards: Vec<ElementRef<'_>> = document.select(&selector(&site.profile.ad)).collect();
    let mut seen_ids: Vec<String> = Vec::new();
    for card in &cards {
        let href = card
            .select(&selector(&site.profile.link))
            .find_map(|anchor| anchor.value().attr("href"))
            .expect("every card links to its ad");
        let ad = ads_by_path
            .get(href)
            .unwrap_or_else(|| panic!("{}: card for {href} has no truth", truth.site_id));
        check_card(site, ad, *card);
        seen_ids.push(ad.ad_id.clone());
    }
    let mut expected_ids = page.ad_ids.clone();
    if truth.profile_matches_promoted {
        expected_ids.extend(page.promoted_ad_ids.iter().cloned());
    }
    seen_ids.sort();
    expected_ids.sort();
    assert_eq!(
        seen_ids, expected_ids,
        "{} {}",
        truth.site_id, page.url_path
    );

    let count = |css: &str| document.select(&selector(css)).count();
    assert_eq!(count("div.banner"), page.banners, "{}", page.url_path);
    assert_eq!(
        count(".sponsored, .sticky, .announcement, .recruit, .suggested, .feed-note"),
        page.non_ad_items,
        "{} {}",
        truth.site_id,
        page.url_path
    );
    let page_counter: Vec<String> = document
        .select(&selector(".result-count"))
        .map(text_of)
        .collect();
    match page.counter_shown {
        Some(shown) => {
            assert_eq!(page_counter.len(), 1);
            assert!(
                page_counter[0].contains(&shown.to_string()),
                "{page_counter:?}"
            );
            assert_ne!(
                shown as usize,
                cards.len(),
                "the counter disagrees with the cards"
            );
        }
        None => assert!(page_counter.is_empty()),
    }
    let is_listing = page.url_path != format!("{}rules", disallowed_prefix(truth))
        && page.url_path != disallowed_prefix(truth);
    let site_counter: Vec<String> = document
        .select(&selector(".site-counter"))
        .map(text_of)
        .collect();
    match truth.site_counter {
        Some(shown) if is_listing => {
            assert!(
                site_counter[0].contains(&shown.to_string()),
                "{site_counter:?}"
            );
        }
        _ => assert!(site_counter.is_empty(), "{}", page.url_path),
    }
    let json_ld: Vec<String> = document
        .select(&selector("script[type=\"application/ld+json\"]"))
        .map(text_of)
        .collect();
    if page.json_ld {
        let list: serde_json::Value = serde_json::from_str(&json_ld[0]).expect("json-ld");
        let urls: Vec<String> = list["itemListElement"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| item["url"].as_str().expect("url").to_owned())
            .collect();
        let expected: Vec<String> = page
            .ad_ids
            .iter()
            .map(|id| {
                let ad = truth.ads.iter().find(|ad| &ad.ad_id == id).expect("ad");
                format!("http://{}{}", site.host, ad.url_path)
            })
            .collect();
        assert_eq!(urls, expected);
    } else {
        assert!(json_ld.is_empty(), "{}", page.url_path);
    }
    for analytics_id in &truth.analytics_ids {
        assert!(html.contains(analytics_id.as_str()), "{analytics_id}");
    }
}

/// The premium section's path: the one disallowed page with ads, or the
/// rules page's parent.
fn disallowed_prefix(truth: &SiteTruth) -> String {
    truth
        .pages
        .iter()
        .chain(&truth.disallowed_pages)
        .find_map(|page| page.url_path.strip_suffix("rules").map(str::to_owned))
        .expect("every site has a rules page")
}

#[test]
fn every_page_of_every_template_carries_exactly_its_truth() {
    for (seed, day) in [(41, 3), (7, 0)] {
        let farm = Farm::new(FarmSpec {
            seed,
            sites: SHOWCASE_SITES,
            day,
        });
        let mut templates = BTreeSet::new();
        let mut checked_pages = 0;
        for (index, site) in farm.sites().iter().enumerate() {
            let truth = farm.site_truth(index);
            let ads_by_path: HashMap<&str, &AdTruth> = truth
                .ads
                .iter()
                .map(|ad| (ad.url_path.as_str(), ad))
                .collect();
            for page in truth.pages.iter().chain(&truth.disallowed_pages) {
                let response = farm.render(&site.host, &page.url_path);
                assert_eq!(response.status, 200, "{}", page.url_path);
                let html = decode(&truth, &response);
                check_page(site, &truth, page, &ads_by_path, &html);
                checked_pages += 1;
            }
            // Distinct ads on the pages a crawler fetches, as the profile counts them.
            let counted: BTreeSet<&str> = truth
                .pages
                .iter()
                .flat_map(|page| page.ad_ids.iter().chain(&page.promoted_ad_ids))
                .map(String::as_str)
                .collect();
            assert_eq!(counted.len(), truth.ads_total, "{}", site.id);
            templates.insert(site.template);
        }
        assert_eq!(templates.len(), TemplateKind::ALL.len());
        assert!(checked_pages > 40, "{checked_pages}");
    }
}

#[test]
fn ad_pages_and_other_paths() {
    let farm = Farm::new(FarmSpec {
        seed: 5,
        sites: 8,
        day: 2,
    });
    for (index, site) in farm.sites().iter().enumerate() {
        let truth = farm.site_truth(index);
        for ad in truth.ads.iter().take(3) {
            let page = farm.render(&site.host, &ad.url_path);
            assert_eq!(page.status, 200, "{}", ad.url_path);
            let html = truth.encoding.decode(&page.body);
            assert!(html.contains(&ad.ad_id), "{}", ad.url_path);
        }
        let last = &truth.pages[0].url_path;
        let check = |path: &str, status: u16| {
            assert_eq!(
                farm.render(&site.host, path).status,
                status,
                "{}{path}",
                site.host
            );
        };
        check("/", 200);
        check("/about", 200);
        check("/no/such/page.php", 404);
        check(&format!("{last}?page=999999"), 404);
        let pagination_beyond = format!(
            "{}{}",
            last,
            match truth.pagination {
                cartograph_farm::PaginationStyle::PageQuery => "?page=900",
                cartograph_farm::PaginationStyle::PathSegment => "page/900/",
                cartograph_farm::PaginationStyle::Offset => "?offset=90000",
                cartograph_farm::PaginationStyle::NextOnly => "?p=900",
                cartograph_farm::PaginationStyle::LoadMore => "?more=900",
                cartograph_farm::PaginationStyle::Cursor => "?cursor=azzzz",
            }
        );
        check(&pagination_beyond, 404);
    }
    assert_eq!(farm.render("nowhere.farm.test", "/").status, 404);
}
