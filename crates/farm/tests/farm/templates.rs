//! Every listing page of every template, parsed back with the site's own
//! profile, yields exactly the truth's ads, and its next link the next page.

use cartograph_farm::{Farm, FarmSite, FarmSpec, PageTruth, SiteTruth, TemplateKind};
use scraper::{ElementRef, Html, Selector};

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|error| panic!("bad selector {css:?}: {error:?}"))
}

fn text_of(card: ElementRef<'_>, css: &str) -> String {
    card.select(&selector(css))
        .next()
        .unwrap_or_else(|| panic!("card lacks {css}"))
        .text()
        .collect::<String>()
        .trim()
        .to_owned()
}

/// `*` matches any run of characters, nothing else is special.
fn listing_pattern_matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (head.len()..=text.len()).any(|split| {
                    text.is_char_boundary(split) && listing_pattern_matches(tail, &text[split..])
                })
        }
    }
}

fn in_listing(site: &FarmSite, path: &str) -> bool {
    let url = format!("http://{}{path}", site.host);
    site.listing_patterns
        .iter()
        .any(|pattern| listing_pattern_matches(pattern, &url))
}

/// Parses `page` with the site's profile and checks it against the truth.
fn check_page(
    farm: &Farm,
    site: &FarmSite,
    site_truth: &SiteTruth,
    page: &PageTruth,
    next_path: Option<&str>,
) {
    let response = farm.render(&site.host, &page.url_path);
    assert_eq!(response.status, 200, "{}{}", site.host, page.url_path);
    assert_eq!(response.content_type, "text/html; charset=utf-8");
    let document = Html::parse_document(&response.body);
    let profile = &site.profile;

    let mut found_ids = Vec::new();
    for card in document.select(&selector(&profile.ad)) {
        let link = card
            .select(&selector(&profile.link))
            .next()
            .expect("card has a link");
        let href = link.value().attr("href").expect("link has href");
        let ad_id = href
            .rsplit('/')
            .next()
            .expect("href has a last segment")
            .to_owned();
        let ad = site_truth
            .ads
            .iter()
            .find(|ad| ad.ad_id == ad_id)
            .unwrap_or_else(|| panic!("{href} is not a truth ad"));
        assert_eq!(href, ad.url_path);
        assert!(
            !in_listing(site, href),
            "ad page {href} must be outside the listing"
        );
        assert_eq!(link.text().collect::<String>().trim(), ad.title);
        assert_eq!(text_of(card, &profile.date), ad.posted.to_string());
        assert_eq!(text_of(card, &profile.price), ad.price.text);
        assert_eq!(text_of(card, &profile.location), ad.city);
        found_ids.push(ad_id);
    }
    assert_eq!(
        found_ids, page.ad_ids,
        "ads on {}{}",
        site.host, page.url_path
    );

    let next_links: Vec<&str> = document
        .select(&selector(&profile.next))
        .filter_map(|link| link.value().attr("href"))
        .collect();
    match next_path {
        Some(next_path) => assert_eq!(next_links, vec![next_path]),
        None => assert!(next_links.is_empty(), "last page has no next link"),
    }

    let hrefs: Vec<&str> = document
        .select(&selector("a[href]"))
        .filter_map(|link| link.value().attr("href"))
        .collect();
    for expected in ["/about", "/post-ad", "http://elsewhere.farm.test/"] {
        assert!(
            hrefs.contains(&expected),
            "{} links to {expected}",
            page.url_path
        );
    }
    let disallowed_path = site_truth.disallowed_pages[0].url_path.as_str();
    assert!(
        hrefs.contains(&disallowed_path),
        "listing pages link to the disallowed page"
    );
}

fn check_template(template: TemplateKind) {
    let farm = Farm::new(FarmSpec {
        seed: 11,
        sites: 6,
        day: 3,
    });
    let mut checked_sites = 0;
    for (site, site_truth) in farm.sites().iter().zip(&farm.truth().sites) {
        if site.template != template {
            continue;
        }
        checked_sites += 1;
        assert_eq!(site.category, template.category());
        for (page_index, page) in site_truth.pages.iter().enumerate() {
            let next_path = site_truth
                .pages
                .get(page_index + 1)
                .map(|next| next.url_path.as_str());
            check_page(&farm, site, site_truth, page, next_path);
            assert!(
                in_listing(site, &page.url_path),
                "{} is a listing page",
                page.url_path
            );
            assert!(farm.robots_allows(&site.host, "cartograph", &page.url_path));
        }
        for page in &site_truth.disallowed_pages {
            check_page(&farm, site, site_truth, page, None);
            assert!(
                in_listing(site, &page.url_path),
                "only robots stops {}",
                page.url_path
            );
            assert!(!farm.robots_allows(&site.host, "cartograph", &page.url_path));
        }
        for outside in ["/", "/about", "/post-ad"] {
            assert!(!in_listing(site, outside));
            assert_eq!(farm.render(&site.host, outside).status, 200);
        }
        let robots = farm.render(&site.host, "/robots.txt");
        assert_eq!(robots.content_type, "text/plain; charset=utf-8");
        for disallowed in &site_truth.disallowed_paths {
            assert!(robots.body.contains(&format!("Disallow: {disallowed}\n")));
        }
        let ad = &site_truth.ads[0];
        let ad_page = farm.render(&site.host, &ad.url_path);
        assert_eq!(ad_page.status, 200);
        assert!(ad_page.body.contains(&ad.phone));
        assert_eq!(farm.render(&site.host, "/no-such-page").status, 404);
    }
    assert_eq!(checked_sites, 3, "six sites cycle through both templates");
}

#[test]
fn escort_directory_pages_parse_back_to_truth() {
    check_template(TemplateKind::EscortDirectory);
    let farm = Farm::new(FarmSpec {
        seed: 11,
        sites: 1,
        day: 0,
    });
    let site = &farm.sites()[0];
    let first_page = &farm.truth().sites[0].pages[0].url_path;
    assert!(site.seeds[0].ends_with(first_page.as_str()));
    assert!(farm.truth().sites[0].pages[1].url_path.ends_with("?page=2"));
    assert_eq!(site.profile.ad, "article.ad");
    assert_eq!(site.profile.next, "a[rel=next]");
}

#[test]
fn classifieds_pages_parse_back_to_truth() {
    check_template(TemplateKind::Classifieds);
    let farm = Farm::new(FarmSpec {
        seed: 11,
        sites: 2,
        day: 0,
    });
    let site = &farm.sites()[1];
    assert_eq!(site.seeds, vec![format!("http://{}/listings/", site.host)]);
    assert_eq!(
        site.listing_patterns,
        vec![format!("http://{}/listings/*", site.host)]
    );
    assert_eq!(farm.truth().sites[1].pages[1].url_path, "/listings/page/2/");
    assert_eq!(site.profile.ad, "tr.listing");
}

#[test]
fn unknown_hosts_and_ports_and_case() {
    let farm = Farm::new(FarmSpec {
        seed: 1,
        sites: 1,
        day: 0,
    });
    let host = farm.sites()[0].host.clone();
    let upper_with_port = format!("{}:8080", host.to_uppercase());
    assert_eq!(
        farm.render(&upper_with_port, "/robots.txt"),
        farm.render(&host, "/robots.txt")
    );
    assert_eq!(farm.render("elsewhere.farm.test", "/").status, 404);
    assert_eq!(farm.render("nowhere.example", "/robots.txt").status, 404);
}

#[test]
fn pattern_helper_matches_like_the_design_says() {
    assert!(listing_pattern_matches(
        "http://h/listing/*",
        "http://h/listing/"
    ));
    assert!(listing_pattern_matches(
        "http://h/listing/*",
        "http://h/listing/page/2/?sort=new"
    ));
    assert!(!listing_pattern_matches(
        "http://h/listing/*",
        "http://h/ad/1"
    ));
}
