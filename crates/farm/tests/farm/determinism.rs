//! Same seed, same bytes; site `i` is the same in a farm of any size; the
//! day moves ads in and out exactly as the truth's turnover says; the
//! connections the truth promises are there; and a 10,000-site farm is
//! built from compact plans, with sites of up to 500 listing pages.

use std::collections::BTreeSet;

use cartograph_farm::{Farm, FarmSpec, MAX_LISTING_PAGES, SHOWCASE_SITES};

fn farm(seed: u64, sites: usize, day: u32) -> Farm {
    Farm::new(FarmSpec { seed, sites, day })
}

/// Every page, robots.txt and a few ad pages of every site.
fn all_bytes(farm: &Farm) -> Vec<Vec<u8>> {
    let mut bytes = Vec::new();
    for (index, site) in farm.sites().iter().enumerate() {
        let truth = farm.site_truth(index);
        bytes.push(farm.render(&site.host, "/robots.txt").body);
        for page in truth.pages.iter().chain(&truth.disallowed_pages) {
            bytes.push(farm.render(&site.host, &page.url_path).body);
        }
        for ad in truth.ads.iter().take(2) {
            bytes.push(farm.render(&site.host, &ad.url_path).body);
        }
    }
    bytes
}

#[test]
fn same_seed_same_bytes_and_another_seed_other_bytes() {
    let first = farm(2026, SHOWCASE_SITES, 4);
    let again = farm(2026, SHOWCASE_SITES, 4);
    assert_eq!(first.sites(), again.sites());
    assert_eq!(first.truth(), again.truth());
    let first_bytes = all_bytes(&first);
    assert_eq!(first_bytes, all_bytes(&again));
    let other = farm(2027, SHOWCASE_SITES, 4);
    assert_ne!(first.sites()[0].id, other.sites()[0].id);
    let other_bytes = all_bytes(&other);
    assert_ne!(first_bytes, other_bytes);
    // Site i does not depend on how many sites follow it.
    let larger = farm(2026, SHOWCASE_SITES + 9, 4);
    assert_eq!(&larger.sites()[..SHOWCASE_SITES], first.sites());
    for index in 0..SHOWCASE_SITES {
        assert_eq!(larger.site_truth(index), first.site_truth(index));
    }
    let written = {
        let mut buffer = Vec::new();
        first.write_truth(&mut buffer).expect("write to memory");
        buffer
    };
    let parsed: cartograph_farm::Truth = serde_json::from_slice(&written).expect("truth json");
    assert_eq!(&parsed, first.truth());
}

#[test]
fn turnover_from_one_day_to_the_next_is_what_the_truth_says() {
    for index in 0..SHOWCASE_SITES {
        let yesterday = farm(9, SHOWCASE_SITES, 6).site_truth(index);
        let today = farm(9, SHOWCASE_SITES, 7).site_truth(index);
        let counted = |truth: &cartograph_farm::SiteTruth| -> BTreeSet<String> {
            truth
                .ads
                .iter()
                .filter(|ad| !ad.behind_robots && !ad.ad_id.is_empty())
                .map(|ad| ad.ad_id.clone())
                .collect()
        };
        // Premium ads are static, so they are in both days or neither.
        let before = counted(&yesterday);
        let after = counted(&today);
        let new: Vec<String> = after.difference(&before).cloned().collect();
        let gone: Vec<String> = before.difference(&after).cloned().collect();
        assert_eq!(new, today.change.new_ad_ids, "{}", today.site_id);
        assert_eq!(gone, today.change.disappeared_ad_ids, "{}", today.site_id);
        assert_eq!(today.change.new_since_previous_day, new.len());
        for ad in today.ads.iter().filter(|ad| new.contains(&ad.ad_id)) {
            if ad.connections.copied_from.is_none() {
                assert_eq!(ad.posted_days_ago, 0, "a new own ad was posted today");
            }
        }
    }
    // Over a month every crawlable site both gains and loses ads.
    let start = farm(9, SHOWCASE_SITES, 10);
    let end = farm(9, SHOWCASE_SITES, 40);
    for index in 0..SHOWCASE_SITES {
        let (before, after) = (start.site_truth(index), end.site_truth(index));
        if before.ads_total == 0 {
            continue;
        }
        assert_ne!(
            before.pages[0].ad_ids, after.pages[0].ad_ids,
            "{} changes over a month",
            before.site_id
        );
    }
}

#[test]
fn connections_the_truth_promises_are_in_the_content() {
    let farm = farm(5, SHOWCASE_SITES, 2);
    let truth = farm.truth();
    let connections = &truth.connections;
    assert!(connections
        .template_twins
        .iter()
        .any(|group| group.site_ids.len() == 2 && group.key.starts_with("escort-directory")));
    let twins = &connections.template_twins[0].site_ids;
    let names: BTreeSet<&str> = truth
        .sites
        .iter()
        .filter(|site| twins.contains(&site.site_id))
        .map(|site| site.name.as_str())
        .collect();
    assert_eq!(names.len(), 2, "twins go by different names");
    let prefixes: BTreeSet<&str> = connections
        .shared_analytics
        .iter()
        .map(|group| group.key.split(['-']).next().unwrap_or_default())
        .collect();
    for prefix in ["UA", "G", "GTM", "ca"] {
        assert!(prefixes.contains(prefix), "{prefix} shared: {prefixes:?}");
    }
    assert_eq!(connections.aggregators.len(), 2);
    for aggregator in &connections.aggregators {
        assert_eq!(aggregator.copies_from.len(), 2);
        let site = truth
            .sites
            .iter()
            .find(|site| site.site_id == aggregator.site_id)
            .expect("aggregator truth");
        let mut sources_seen = BTreeSet::new();
        for ad in site.ads.iter().filter(|ad| !ad.behind_robots) {
            let source = ad
                .connections
                .copied_from
                .as_ref()
                .expect("listed aggregator ads are copies");
            let original = truth
                .sites
                .iter()
                .find(|candidate| candidate.site_id == source.site_id)
                .and_then(|candidate| {
                    candidate
                        .ads
                        .iter()
                        .find(|other| other.ad_id == source.ad_id)
                });
            if let Some(original) = original {
                assert_eq!(original.text, ad.text);
                assert_eq!(original.posted, ad.posted);
            }
            sources_seen.insert(source.site_id.clone());
        }
        assert_eq!(sources_seen.len(), 2, "copies from both sources");
    }
    let reposts: Vec<_> = truth
        .sites
        .iter()
        .flat_map(|site| site.ads.iter().map(move |ad| (site, ad)))
        .filter(|(_, ad)| ad.connections.repost_of.is_some())
        .collect();
    assert!(!reposts.is_empty());
    for (site, repost) in &reposts {
        assert_ne!(
            repost.connections.repost_of.as_deref(),
            Some(repost.ad_id.as_str())
        );
        if let Some(original) = site
            .ads
            .iter()
            .find(|ad| Some(&ad.ad_id) == repost.connections.repost_of.as_ref())
        {
            assert_eq!(original.text, repost.text);
        }
    }
    assert!(
        connections
            .shared_contacts
            .iter()
            .any(|contact| contact.site_ids.len() >= 2 && contact.countries.len() >= 2),
        "one contact on several sites in several countries"
    );
    assert!(truth
        .sites
        .iter()
        .flat_map(|site| &site.ads)
        .any(|ad| ad.connections.travelling_contact));
    let categories: BTreeSet<&str> = truth
        .sites
        .iter()
        .flat_map(|site| &site.ads)
        .flat_map(|ad| ad.lexicon_hits.iter().map(|hit| hit.category.as_str()))
        .collect();
    for category in [
        "youth",
        "trust",
        "movement",
        "third-party",
        "rental",
        "multiple-providers",
        "nationality",
    ] {
        assert!(categories.contains(category), "{category}: {categories:?}");
    }
    let languages: BTreeSet<&str> = truth
        .sites
        .iter()
        .map(|site| site.language.as_str())
        .collect();
    assert!(languages.len() >= 9, "{languages:?}");
}

#[test]
fn ten_thousand_sites_from_compact_plans_up_to_five_hundred_pages() {
    let started = std::time::Instant::now();
    let farm = farm(1, 10_000, 0);
    let built_in = started.elapsed();
    assert_eq!(farm.sites().len(), 10_000);
    let hosts: BTreeSet<&str> = farm.sites().iter().map(|site| site.host.as_str()).collect();
    assert_eq!(hosts.len(), 10_000, "hosts are unique");
    // Debug builds are slow; the release figure is in BENCHMARKS.md.
    assert!(built_in.as_secs() < 20, "{built_in:?}");
    let mut largest = (0, 0);
    for index in (SHOWCASE_SITES..10_000).step_by(97) {
        let site = &farm.sites()[index];
        let first = farm.render(
            &site.host,
            &site.seeds[0].replace(&format!("http://{}", site.host), ""),
        );
        assert_eq!(first.status, 200);
        let pages = farm.site_truth(index).pages.len();
        if pages > largest.1 {
            largest = (index, pages);
        }
    }
    assert!(largest.1 > 50, "some sites are large: {largest:?}");
    assert!(largest.1 <= MAX_LISTING_PAGES + 2, "{largest:?}");
    let truth = farm.site_truth(largest.0);
    let last = truth
        .pages
        .iter()
        .rfind(|page| !page.ad_ids.is_empty())
        .expect("a last listing page");
    let site = &farm.sites()[largest.0];
    assert_eq!(farm.render(&site.host, &last.url_path).status, 200);
}
