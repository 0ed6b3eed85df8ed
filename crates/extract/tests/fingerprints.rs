//! Template fingerprints (same template ⇒ > 0.8, different ⇒ < 0.5) and
//! text fingerprints (reposts within the threshold, distinct ads outside),
//! on farm pages and the hand-written fixtures.

use cartograph_extract::{
    decode_html, find_cards, fingerprint_distance, is_probable_repost, similarity,
    template_fingerprint, text_fingerprint, TemplateFingerprint, REPOST_HAMMING_THRESHOLD,
};
use cartograph_farm::{Farm, FarmSpec};
use url::Url;

fn farm() -> Farm {
    Farm::new(FarmSpec {
        seed: 5,
        sites: 8,
        day: 0,
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

/// The fingerprint of every listing page of every farm site, by site.
fn farm_listing_fingerprints(farm: &Farm) -> Vec<(String, Vec<(usize, TemplateFingerprint)>)> {
    farm.sites()
        .iter()
        .zip(&farm.truth().sites)
        .map(|(site, truth)| {
            let pages = truth
                .pages
                .iter()
                .chain(&truth.disallowed_pages)
                .map(|page| {
                    let body = farm.render(&site.host, &page.url_path).body;
                    (
                        page.ad_ids.len(),
                        template_fingerprint(&parse(body.as_bytes())),
                    )
                })
                .collect();
            (format!("{:?}", site.template), pages)
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
    for (first_index, (first_template, first_pages)) in sites.iter().enumerate() {
        for (second_template, second_pages) in &sites[first_index..] {
            for (first_ads, first) in first_pages {
                for (second_ads, second) in second_pages {
                    let score = similarity(first, second);
                    if first_template == second_template {
                        assert!(score > 0.8, "{first_template}: {score}");
                        lengths_differed |= first_ads != second_ads;
                        same_pairs += 1;
                    } else {
                        assert!(
                            score < 0.5,
                            "{first_template} vs {second_template}: {score}"
                        );
                        different_pairs += 1;
                    }
                }
            }
        }
    }
    assert!(
        lengths_differed,
        "some compared pages must list different numbers of ads"
    );
    assert!(
        same_pairs > 20 && different_pairs > 20,
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

#[test]
fn reposts_stay_within_the_threshold_and_distinct_ads_outside() {
    let farm = farm();
    let mut distinct_within = 0;
    let mut distinct_pairs = 0;
    let mut edited_within = 0;
    let mut edited = 0;
    for (site, truth) in farm.sites().iter().zip(&farm.truth().sites) {
        let mut texts: Vec<String> = Vec::new();
        for page in &truth.pages {
            let url = Url::parse(&format!("http://{}{}", site.host, page.url_path)).unwrap();
            let body = farm.render(&site.host, &page.url_path).body;
            let card_set = find_cards(&parse(body.as_bytes()), &url, None);
            texts.extend(card_set.cards.into_iter().map(|card| card.text));
        }
        let prints: Vec<u64> = texts.iter().map(|text| text_fingerprint(text)).collect();
        for first in 0..prints.len() {
            for second in first + 1..prints.len() {
                distinct_pairs += 1;
                distinct_within += usize::from(is_probable_repost(prints[first], prints[second]));
            }
        }
        for ad in &truth.ads {
            let Some(text) = texts
                .iter()
                .find(|text| text.contains(&ad.title) && text.contains(&ad.phone))
            else {
                continue;
            };
            // Reposted a month later for a little more money.
            let new_price = ad.price.text.replace(
                &ad.price.amount.to_string(),
                &(ad.price.amount + 20).to_string(),
            );
            let reposted = text
                .replace(&ad.posted.to_string(), "2025-02-11")
                .replace(&ad.price.text, &new_price);
            assert_ne!(&reposted, text);
            let distance =
                fingerprint_distance(text_fingerprint(text), text_fingerprint(&reposted));
            assert!(distance <= 6, "{text:?} → {distance} bits");
            // Reposted with one word of the description changed.
            let words: Vec<&str> = text.split(' ').collect();
            let middle = words.len() / 2;
            let edited_text: Vec<&str> = words
                .iter()
                .enumerate()
                .map(|(index, word)| if index == middle { "anders" } else { word })
                .collect();
            edited += 1;
            edited_within += usize::from(is_probable_repost(
                text_fingerprint(text),
                text_fingerprint(&edited_text.join(" ")),
            ));
        }
    }
    let edited_share = edited_within as f32 / edited as f32;
    let distinct_share = distinct_within as f32 / distinct_pairs as f32;
    assert!(edited > 100 && distinct_pairs > 1000);
    assert!(
        edited_share >= 0.88,
        "one-word edits caught: {edited_share}"
    );
    assert!(
        distinct_share <= 0.004,
        "distinct ads merged: {distinct_share}"
    );
    assert_eq!(REPOST_HAMMING_THRESHOLD, 8);
}

#[test]
fn fingerprints_ignore_case_marks_look_alikes_and_spacing() {
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
    assert_eq!(text_fingerprint(""), 0);
    assert!(!is_probable_repost(0, 0));
}
