//! Template fingerprints (same template and skin ⇒ > 0.7, different
//! templates ⇒ < 0.3; measured on this farm: ≥ 0.79 and ≤ 0.20, a page
//! with a promoted strip against one without being the closest call) and
//! text fingerprints (reposts within the threshold, distinct ads mostly
//! outside), on the full farm's pages and the hand-written fixtures.

use std::collections::HashMap;

use cartograph_extract::{
    decode_html, find_cards, fingerprint_distance, is_probable_repost, similarity,
    template_fingerprint, text_fingerprint, AdKey, Card, TemplateFingerprint,
    REPOST_HAMMING_THRESHOLD,
};
use cartograph_farm::{AdTruth, Farm, FarmSpec, SiteTruth};
use url::Url;

fn farm() -> Farm {
    Farm::new(FarmSpec {
        seed: 5,
        sites: 40,
        day: 2,
    })
}

fn parse(body: &[u8]) -> scraper::Html {
    scraper::Html::parse_document(&decode_html(&[], body).text)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/extract")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A site's template group, template, and its pages' ad counts and
/// fingerprints.
type SiteFingerprints = (String, String, Vec<(usize, TemplateFingerprint)>);

/// Up to three listing pages of every site, with the site's template
/// group (template and skin) and template.
fn farm_listing_fingerprints(farm: &Farm) -> Vec<SiteFingerprints> {
    farm.sites()
        .iter()
        .zip(&farm.truth().sites)
        .map(|(site, truth)| {
            // The main listing's pages (not the premium section's, which
            // has no pager or promoted strip).
            let listing_base = |path: &str| path.split('?').next().unwrap_or(path).to_owned();
            let first = truth.pages.first().map(|page| listing_base(&page.url_path));
            let pages = truth
                .pages
                .iter()
                .filter(|page| !page.ad_ids.is_empty())
                .filter(|page| {
                    let base = listing_base(&page.url_path);
                    first
                        .as_ref()
                        .is_some_and(|first| base.starts_with(first.as_str()))
                        && !base.contains("premium")
                        && !base.contains("vip")
                })
                .take(3)
                .map(|page| {
                    let body = farm.render(&site.host, &page.url_path).body;
                    (page.ad_ids.len(), template_fingerprint(&parse(&body)))
                })
                .collect();
            (
                truth.template_group.clone(),
                format!("{:?}", site.template),
                pages,
            )
        })
        .collect()
}

#[test]
fn listing_pages_of_one_template_are_similar_and_of_two_are_not() {
    let farm = farm();
    let sites = farm_listing_fingerprints(&farm);
    let mut same_pairs = 0;
    let mut different_pairs = 0;
    let mut lengths_differed = false;
    let (mut lowest_same, mut highest_different) = (1.0f32, 0.0f32);
    for (first_index, (first_group, first_template, first_pages)) in sites.iter().enumerate() {
        for (second_group, second_template, second_pages) in &sites[first_index..] {
            for (first_ads, first) in first_pages {
                for (second_ads, second) in second_pages {
                    let score = similarity(first, second);
                    if first_group == second_group {
                        assert!(score > 0.7, "{first_group}: {score}");
                        lowest_same = lowest_same.min(score);
                        lengths_differed |= first_ads != second_ads;
                        same_pairs += 1;
                    } else if first_template != second_template {
                        assert!(score < 0.3, "{first_group} vs {second_group}: {score}");
                        highest_different = highest_different.max(score);
                        different_pairs += 1;
                    }
                }
            }
        }
    }
    println!("same template and skin: ≥ {lowest_same}; different templates: ≤ {highest_different}");
    assert!(
        lengths_differed,
        "some compared pages must list different numbers of ads"
    );
    assert!(
        same_pairs > 100 && different_pairs > 1000,
        "{same_pairs} {different_pairs}"
    );
}

#[test]
fn list_length_and_ad_content_do_not_move_the_fingerprint() {
    // One fixture page, cut down to two cards and with other ad texts.
    let full = String::from_utf8(fixture("header_counter_disagrees.html")).unwrap();
    let first_card = full.find("<section class=\"ficha\">").unwrap();
    let last_card_end = full.rfind("</section>").unwrap() + "</section>".len();
    let cards: Vec<&str> = full[first_card..last_card_end]
        .split_inclusive("</section>")
        .collect();
    let short = format!(
        "{}{}{}{}",
        &full[..first_card],
        cards[0].replace("Lucía", "Rocío").replace("40101", "50101"),
        cards[5].replace("tardes", "mañanas"),
        &full[last_card_end..]
    );
    let full_print = template_fingerprint(&parse(full.as_bytes()));
    let short_print = template_fingerprint(&parse(short.as_bytes()));
    let score = similarity(&full_print, &short_print);
    assert!(score > 0.8, "8 cards vs 2: {score}");
    assert_eq!(similarity(&full_print, &full_print), 1.0);
}

#[test]
fn fixtures_of_different_markup_are_not_one_template() {
    let names = [
        "div_cards_with_banners.html",
        "table_rows.html",
        "li_items_next_to_other_items.html",
        "json_ld_item_list.html",
        "promoted_duplicates.html",
        "nested_nav_and_footer_link_farm.html",
        "header_counter_disagrees.html",
        "day_sections.html",
        "grid_rows.html",
        "single_link_cards.html",
        "board_threads.html",
    ];
    let prints: Vec<TemplateFingerprint> = names
        .iter()
        .map(|name| template_fingerprint(&parse(&fixture(name))))
        .collect();
    for (first, first_print) in prints.iter().enumerate() {
        for second in first + 1..prints.len() {
            let score = similarity(first_print, &prints[second]);
            assert!(
                score < 0.5,
                "{} vs {}: {score}",
                names[first],
                names[second]
            );
        }
    }
}

/// The cards of a site's first eight listing pages, each with its truth ad.
fn cards_with_truth<'truth>(
    farm: &Farm,
    site: &cartograph_farm::FarmSite,
    truth: &'truth SiteTruth,
) -> Vec<(Card, &'truth AdTruth)> {
    let ads: HashMap<&str, &AdTruth> = truth.ads.iter().map(|ad| (ad.ad_id.as_str(), ad)).collect();
    let mut found: Vec<(Card, &AdTruth)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for page in truth.pages.iter().chain(&truth.disallowed_pages).take(8) {
        let url = Url::parse(&format!("http://{}{}", site.host, page.url_path)).unwrap();
        let by_key: HashMap<AdKey, &AdTruth> = page
            .ad_ids
            .iter()
            .map(|ad_id| ads[ad_id.as_str()])
            .map(|ad| (AdKey::from_url(&url.join(&ad.url_path).unwrap()), ad))
            .collect();
        let body = farm.render(&site.host, &page.url_path).body;
        for card in find_cards(&parse(&body), &url, None).cards {
            if let Some(ad) = by_key.get(&card.ad_key) {
                if seen.insert(ad.ad_id.as_str()) {
                    found.push((card, ad));
                }
            }
        }
    }
    found
}

/// The date text with its first number moved on by one ("3 de enero de
/// 2025" → "4 de enero de 2025", "vor 18 Tagen" → "vor 19 Tagen").
fn another_day(date: &str) -> String {
    let start = date.find(|character: char| character.is_ascii_digit());
    let Some(start) = start else {
        // "yesterday": a day word, which the fingerprint leaves out anyway.
        return date.to_owned();
    };
    let end = date[start..]
        .find(|character: char| !character.is_ascii_digit())
        .map_or(date.len(), |offset| start + offset);
    let number: u32 = date[start..end].parse().unwrap();
    let next = if number >= 27 && end - start <= 2 {
        number - 1
    } else {
        number + 1
    };
    format!(
        "{}{:0width$}{}",
        &date[..start],
        next,
        &date[end..],
        width = end - start
    )
}

#[test]
fn reposts_stay_within_the_threshold_and_distinct_ads_outside() {
    let farm = farm();
    let (mut reposts, mut reposts_within) = (0, 0);
    let (mut distinct_pairs, mut distinct_within) = (0, 0);
    let (mut edited, mut edited_within, mut redated) = (0, 0, 0);
    let mut most_bits_redated = 0;
    for (site, truth) in farm.sites().iter().zip(&farm.truth().sites) {
        let cards = cards_with_truth(&farm, site, truth);
        let compared = &cards;
        for (first_index, (first_card, first_ad)) in compared.iter().enumerate() {
            for (second_card, second_ad) in &compared[first_index + 1..] {
                let close =
                    is_probable_repost(first_card.text_fingerprint, second_card.text_fingerprint);
                if first_ad.content_id() == second_ad.content_id() {
                    reposts += 1;
                    reposts_within += usize::from(close);
                } else {
                    distinct_pairs += 1;
                    distinct_within += usize::from(close);
                }
            }
        }
        for (card, ad) in &cards {
            let (Some(date), Some(price)) = (&ad.date_text, &ad.price) else {
                continue;
            };
            if !card.text.contains(date.as_str())
                || !card.text.contains(&price.text)
                || !price.text.contains(&price.amount.to_string())
            {
                continue;
            }
            // Reposted a day later (the site prints its new date in the
            // same format) for a little more money.
            let new_price = price
                .text
                .replace(&price.amount.to_string(), &(price.amount + 20).to_string());
            let reposted = card
                .text
                .replace(date.as_str(), &another_day(date))
                .replace(&price.text, &new_price);
            assert_ne!(reposted, card.text);
            let distance = fingerprint_distance(card.text_fingerprint, text_fingerprint(&reposted));
            assert!(
                distance <= REPOST_HAMMING_THRESHOLD,
                "{:?} → {distance} bits",
                card.text
            );
            most_bits_redated = most_bits_redated.max(distance);
            redated += 1;
            // Reposted with one word of the description changed.
            let words: Vec<&str> = card.text.split(' ').collect();
            let middle = words.len() / 2;
            let edited_text: Vec<&str> = words
                .iter()
                .enumerate()
                .map(|(index, word)| if index == middle { "anders" } else { word })
                .collect();
            edited += 1;
            edited_within += usize::from(is_probable_repost(
                card.text_fingerprint,
                text_fingerprint(&edited_text.join(" ")),
            ));
        }
    }
    let repost_share = reposts_within as f64 / reposts as f64;
    let distinct_share = distinct_within as f64 / distinct_pairs as f64;
    let edited_share = edited_within as f64 / edited as f64;
    println!(
        "reposts within {REPOST_HAMMING_THRESHOLD} bits: {reposts_within}/{reposts}; \
         distinct pairs within: {distinct_within}/{distinct_pairs} ({distinct_share:.5}); \
         one-word edits within: {edited_within}/{edited}; re-dated and re-priced: {redated}, \
         at most {most_bits_redated} bits"
    );
    assert!(
        reposts >= 30 && distinct_pairs > 50_000 && redated > 200,
        "{reposts} {distinct_pairs} {redated}"
    );
    assert!(
        repost_share >= 0.95,
        "reposts within the threshold: {repost_share}"
    );
    assert!(
        edited_share >= 0.85,
        "one-word edits caught: {edited_share}"
    );
    assert!(
        distinct_share <= 0.005,
        "distinct ads within the threshold: {distinct_share}"
    );
    assert_eq!(REPOST_HAMMING_THRESHOLD, 8);
}

#[test]
fn fingerprints_ignore_case_marks_look_alikes_spacing_and_dates() {
    let plain = text_fingerprint("Nina, 31, new in town. Call +44 7700 900123");
    assert_eq!(
        plain,
        text_fingerprint("NINA, 31,  New  in TOWN.\nCall +44 7700 900123")
    );
    assert_eq!(
        plain,
        text_fingerprint("Nіna, 31, nеw іn tоwn. Call +44 7700 900123")
    );
    assert_ne!(
        plain,
        text_fingerprint("Nina, 31, new in town. Call +44 7700 900999")
    );
    // A repost's new date, time and "today" are not part of its text.
    assert_eq!(
        text_fingerprint("Nina, 31 Wien 16/12/2024 19:03 new in town"),
        text_fingerprint("Nina, 31 Wien heute 14:05 new in town")
    );
    assert_eq!(text_fingerprint(""), 0);
    assert!(!is_probable_repost(0, 0));
}
