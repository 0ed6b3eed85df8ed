//! Quality against the farm's truth, without profiles (see the crate doc):
//! the bars of issue 6 on a farm of 40 sites (every template five times,
//! all ten languages, all three encodings), every listing page up to six a
//! site, robots-disallowed ones included, with the farm's own headers.
//! `examples/quality_report.rs` prints the same figures for larger farms,
//! and `cartograph bench quality` for a real crawl of the farm.

use cartograph_quality::{evaluate_against_truth, render, QualityOptions};

#[test]
fn extraction_without_profiles_meets_the_quality_bars() {
    let report = evaluate_against_truth(QualityOptions {
        seed: 20_251_128,
        sites: 40,
        day: 3,
        max_pages_per_site: 6,
    });
    println!("{}", render(&report));
    for problem in &report.problems {
        println!("{problem}");
    }

    // The farm covers what the bars are about.
    assert_eq!(report.templates.len(), 8, "{:?}", report.templates.keys());
    assert_eq!(report.languages.len(), 10, "{:?}", report.languages);
    assert_eq!(report.encodings.len(), 3, "{:?}", report.encodings);
    let overall = &report.overall;
    assert!(
        overall.pages >= 150 && overall.truth_ads >= 4_000,
        "{overall:?}"
    );
    assert!(overall.dated_cards >= 3_000, "{overall:?}");
    assert!(overall.repost_pairs >= 50, "{overall:?}");
    assert!(report.linkage.true_pairs >= 1_000, "{:?}", report.linkage);

    // The bars.
    for (template, tally) in &report.templates {
        assert!(
            tally.count_error() <= 0.05,
            "{template}: ad-count error {}",
            tally.count_error()
        );
        assert!(
            tally.dates_right() >= 0.95,
            "{template}: dated cards on the right day {}",
            tally.dates_right()
        );
    }
    assert!(overall.dates_right() >= 0.95, "{}", overall.dates_right());
    assert!(
        overall.site_language_share() >= 0.98,
        "sites' language right {}",
        overall.site_language_share()
    );
    assert_eq!(report.linkage.precision(), 1.0, "{:?}", report.linkage);
    assert!(report.linkage.recall() >= 0.95, "{:?}", report.linkage);
    assert!(
        overall.repost_rate() >= 0.90,
        "reposts {}",
        overall.repost_rate()
    );

    // Not bars, but measured here and kept from sliding.
    assert!(
        overall.prices_right_share() >= 0.95,
        "{}",
        overall.prices_right_share()
    );
    assert!(
        overall.places_right_share() >= 0.95,
        "{}",
        overall.places_right_share()
    );
    assert!(
        overall.card_language_share() >= 0.95,
        "{}",
        overall.card_language_share()
    );
    assert!(
        overall.distinct_pairs_merged * 20 <= overall.truth_ads,
        "distinct ads merged as reposts: {} of {}",
        overall.distinct_pairs_merged,
        overall.truth_ads
    );
    assert!(
        overall.sites_category_right * 10 >= overall.sites * 9,
        "category right on {} of {} sites",
        overall.sites_category_right,
        overall.sites
    );
}
