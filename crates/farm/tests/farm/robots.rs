//! The farm's robots.txt files read by Google's matcher (the `robotstxt`
//! crate, as the crawler reads them): every page the truth says a crawler
//! fetches is allowed, every page it sets aside is disallowed, and the
//! long multi-byte line really makes the crate panic (which is why the
//! truth expects nothing to be fetched there).

use std::panic::{catch_unwind, AssertUnwindSafe};

use cartograph_farm::{Farm, FarmSpec, RobotsVariant, ROBOTS_TOKEN, SHOWCASE_SITES};
use robotstxt::DefaultMatcher;

fn allowed(body: &str, url: &str) -> bool {
    DefaultMatcher::default().one_agent_allowed_by_robots(body, ROBOTS_TOKEN, url)
}

#[test]
fn google_matcher_agrees_with_the_truth_on_every_site() {
    let farm = Farm::new(FarmSpec {
        seed: 3,
        sites: SHOWCASE_SITES,
        day: 0,
    });
    let mut variants = std::collections::BTreeSet::new();
    for (index, site) in farm.sites().iter().enumerate() {
        let truth = farm.site_truth(index);
        let robots = farm.render(&site.host, "/robots.txt");
        assert_eq!(robots.status, truth.robots.status);
        let variant_name = format!("{:?}", truth.robots.variant);
        variants.insert(
            variant_name
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
        let url = |path: &str| format!("http://{}{path}", site.host);
        match truth.robots.variant {
            RobotsVariant::NotFound => {
                assert_eq!(robots.status, 404);
                assert!(truth.disallowed_pages.is_empty());
            }
            RobotsVariant::ServerError => {
                assert_eq!(robots.status, 503);
                assert!(truth.pages.is_empty() && truth.ads_total == 0);
            }
            RobotsVariant::LongMultibyteLine => {
                let body = String::from_utf8(robots.body.clone()).expect("utf-8");
                let outcome = catch_unwind(AssertUnwindSafe(|| allowed(&body, &url("/"))));
                assert!(outcome.is_err(), "robotstxt 0.3.0 panics on this file");
                assert!(truth.pages.is_empty());
            }
            variant => {
                let body = if variant == RobotsVariant::Redirect {
                    let location = robots.header("location").expect("redirect location");
                    assert_eq!(robots.status, 301);
                    let target = farm.render(&site.host, location);
                    assert_eq!(target.status, 200);
                    target.body
                } else {
                    robots.body
                };
                let mut body = String::from_utf8(body).expect("utf-8");
                if variant == RobotsVariant::Huge {
                    assert!(body.len() > 500 * 1024);
                    body.truncate(500 * 1024);
                }
                if let RobotsVariant::CrawlDelay { millis } = variant {
                    assert_eq!(truth.robots.crawl_delay_millis, Some(millis));
                    assert!(body.contains("Crawl-delay:"));
                }
                for page in &truth.pages {
                    assert!(allowed(&body, &url(&page.url_path)), "{}", page.url_path);
                }
                for page in &truth.disallowed_pages {
                    assert!(!allowed(&body, &url(&page.url_path)), "{}", page.url_path);
                }
                assert!(!truth.disallowed_pages.is_empty());
                if variant == RobotsVariant::ProductGroup {
                    let first = url(&truth.pages[0].url_path);
                    assert!(!DefaultMatcher::default()
                        .one_agent_allowed_by_robots(&body, "otherbot", &first));
                }
            }
        }
        for page in &truth.pages {
            assert!(farm.robots_allows(&site.host, ROBOTS_TOKEN, &page.url_path));
        }
        for page in &truth.disallowed_pages {
            assert!(!farm.robots_allows(&site.host, ROBOTS_TOKEN, &page.url_path));
        }
    }
    assert_eq!(variants.len(), 8, "{variants:?}");
}
