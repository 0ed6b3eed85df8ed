//! Same spec, same bytes; another seed, other bytes; site `i` independent of
//! the farm's size; and the ground truth consistent with itself.

use std::collections::BTreeSet;

use cartograph_farm::{Farm, FarmResponse, FarmSpec, Truth};

/// Every path a site serves, plus one it does not.
pub(crate) fn every_path(truth: &Truth, site_index: usize) -> Vec<String> {
    let site_truth = &truth.sites[site_index];
    let mut paths: Vec<String> = ["/", "/robots.txt", "/about", "/post-ad", "/no-such-page"]
        .iter()
        .map(|path| (*path).to_owned())
        .collect();
    paths.extend(site_truth.pages.iter().map(|page| page.url_path.clone()));
    paths.extend(
        site_truth
            .disallowed_pages
            .iter()
            .map(|page| page.url_path.clone()),
    );
    paths.extend(site_truth.ads.iter().map(|ad| ad.url_path.clone()));
    paths
}

fn render_everything(farm: &Farm) -> Vec<(String, String, FarmResponse)> {
    let mut rendered = Vec::new();
    for (site_index, site) in farm.sites().iter().enumerate() {
        for path in every_path(farm.truth(), site_index) {
            let response = farm.render(&site.host, &path);
            rendered.push((site.host.clone(), path, response));
        }
    }
    rendered
}

fn spec(seed: u64, sites: usize) -> FarmSpec {
    FarmSpec {
        seed,
        sites,
        day: 0,
    }
}

#[test]
fn same_spec_gives_same_bytes_for_every_page() {
    let first = Farm::new(spec(2024, 6));
    let second = Farm::new(spec(2024, 6));
    assert_eq!(first.sites(), second.sites());
    assert_eq!(first.truth(), second.truth());
    assert_eq!(
        serde_json::to_string(first.truth()).expect("truth serializes"),
        serde_json::to_string(second.truth()).expect("truth serializes")
    );
    let first_pages = render_everything(&first);
    assert!(first_pages.len() > 100, "a six-site farm serves many pages");
    assert_eq!(first_pages, render_everything(&second));
}

#[test]
fn different_seed_gives_different_bytes() {
    let first = Farm::new(spec(1, 4));
    let second = Farm::new(spec(2, 4));
    assert_ne!(first.truth().sites, second.truth().sites);
    let first_bodies: Vec<String> = render_everything(&first)
        .into_iter()
        .map(|(_, _, response)| response.body)
        .collect();
    let second_bodies: Vec<String> = render_everything(&second)
        .into_iter()
        .map(|(_, _, response)| response.body)
        .collect();
    assert_ne!(first_bodies, second_bodies);
    // Not just somewhere: the first listing page of every site differs.
    for site_index in 0..4 {
        let first_seed = &first.truth().sites[site_index].pages[0].url_path;
        let second_seed = &second.truth().sites[site_index].pages[0].url_path;
        assert_ne!(
            first
                .render(&first.sites()[site_index].host, first_seed)
                .body,
            second
                .render(&second.sites()[site_index].host, second_seed)
                .body
        );
    }
}

#[test]
fn a_site_does_not_depend_on_how_many_sites_there_are() {
    let small = Farm::new(spec(99, 10));
    let large = Farm::new(spec(99, 20));
    for site_index in [1, 7, 9] {
        assert_eq!(small.sites()[site_index], large.sites()[site_index]);
        assert_eq!(
            small.truth().sites[site_index],
            large.truth().sites[site_index]
        );
        let host = &small.sites()[site_index].host;
        for path in every_path(small.truth(), site_index) {
            assert_eq!(small.render(host, &path), large.render(host, &path));
        }
    }
}

#[test]
fn day_moves_dates_but_not_ads() {
    let day_zero = Farm::new(FarmSpec {
        seed: 5,
        sites: 2,
        day: 0,
    });
    let day_ten = Farm::new(FarmSpec {
        seed: 5,
        sites: 2,
        day: 10,
    });
    assert_eq!(
        day_ten.truth().today - day_zero.truth().today,
        chrono::Duration::days(10)
    );
    let ids = |farm: &Farm| -> Vec<String> {
        farm.truth().sites[0]
            .ads
            .iter()
            .map(|ad| ad.ad_id.clone())
            .collect()
    };
    assert_eq!(ids(&day_zero), ids(&day_ten));
    assert_ne!(
        day_zero.truth().sites[0].ads[0].posted,
        day_ten.truth().sites[0].ads[0].posted
    );
}

#[test]
fn truth_is_consistent() {
    let farm = Farm::new(spec(31337, 12));
    for (site_index, (site, site_truth)) in farm.sites().iter().zip(&farm.truth().sites).enumerate()
    {
        assert_eq!(site.id, site_truth.site_id);
        assert_eq!(site.host, format!("{}.farm.test", site.id));
        assert!(site
            .id
            .chars()
            .all(|character| character.is_ascii_lowercase()
                || character.is_ascii_digit()
                || character == '-'));
        assert!(site.id.ends_with(&format!("-{site_index}")));
        assert_eq!(
            site.seeds,
            vec![format!(
                "http://{}{}",
                site.host, site_truth.pages[0].url_path
            )]
        );
        assert!((2..=6).contains(&site_truth.pages.len()));

        let mut distinct = BTreeSet::new();
        let mut listed = 0;
        for page in &site_truth.pages {
            listed += page.ad_ids.len();
            distinct.extend(page.ad_ids.iter().cloned());
        }
        assert_eq!(site_truth.ads_total, distinct.len());
        let repeats = listed - distinct.len();
        if site_index == 0 {
            let repeated = site_truth
                .promoted_repeat
                .as_ref()
                .expect("site 0 repeats an ad");
            assert_eq!(repeats, 1);
            assert_eq!(&site_truth.pages[0].ad_ids[0], repeated);
            assert_eq!(&site_truth.pages[1].ad_ids[0], repeated);
        } else {
            assert_eq!(repeats, 0);
            assert!(site_truth.promoted_repeat.is_none());
            for page in &site_truth.pages {
                assert!((5..=20).contains(&page.ad_ids.len()));
            }
        }

        let behind_robots: BTreeSet<&String> =
            site_truth.disallowed_pages[0].ad_ids.iter().collect();
        assert!(!behind_robots.is_empty());
        assert!(behind_robots.iter().all(|ad_id| !distinct.contains(*ad_id)));
        assert_eq!(site_truth.ads.len(), distinct.len() + behind_robots.len());
        for ad in &site_truth.ads {
            assert_eq!(ad.behind_robots, behind_robots.contains(&ad.ad_id));
            assert!(ad.age >= 21);
            assert!(ad.posted <= farm.truth().today);
            assert!(ad.url_path.ends_with(&format!("/ad/{}", ad.ad_id)));
            let fictional = match site.country.as_str() {
                "AT" => ad.phone_e164.starts_with("+436640"),
                "DE" => ad.phone_e164.starts_with("+491555"),
                "GB" => ad.phone_e164.starts_with("+447700900"),
                other => panic!("unexpected country {other}"),
            };
            assert!(fictional, "{} is not in a fictional range", ad.phone);
        }
        assert!(site_truth
            .disallowed_paths
            .iter()
            .any(|path| site_truth.disallowed_pages[0]
                .url_path
                .starts_with(path.as_str())));
    }
}
