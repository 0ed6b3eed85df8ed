//! The extractor against the farm's ground truth. Extracted pages come
//! from either of two places: [`extract_in_process`] renders every listing
//! page of a farm (robots-allowed and disallowed, up to a page cap per
//! site) with the farm's own response headers and extracts it WITHOUT the
//! sites' profiles; `cartograph bench quality` crawls the farm with no
//! profiles and reads the page and site rows back from the store. Either
//! way [`evaluate`] compares them with the truth, per template and
//! overall. Used by the quality test (which asserts the bars), by
//! `examples/quality_report.rs` and by `cartograph bench quality` (which
//! print the figures for BENCHMARKS.md).
//!
//! What is compared, always over the pages actually extracted:
//! - ad count: per site, the ads listed on those pages that were not found
//!   plus the ads found that the truth does not show there (a promoted copy
//!   of an ad listed on a page not extracted may be counted or not); the
//!   error of a template is Σ (missing + extra) / Σ listed over its sites;
//! - dates: of the cards the truth says are dated, the share whose posted
//!   time falls on the truth's calendar day;
//! - prices and places: of the cards with a truth price (place), the share
//!   with that amount, currency and unit (that city and country);
//! - language: a site is right when its most frequent ad language is the
//!   most frequent language of its ads in the truth;
//! - contact linkage: pairs of ads (across all sites) sharing a pseudonym
//!   against pairs sharing a truth contact group;
//! - reposts: pairs (repost, original) both seen on one site, and whether
//!   the site's repost grouping put them together; distinct ads grouped
//!   together are counted too.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use cartograph_extract::{
    ads_by_key, aggregate_site, extract_page, place_by_key, repost_groups, AdKey, AdSignals,
    ContactPseudonym, ExtractionContext, LexiconSet, LinkageKey, PageIndicators, SiteIndicators,
};
use cartograph_farm::{AdTruth, Farm, FarmSpec, SiteTruth};
use chrono::{DateTime, Utc};
use url::Url;

/// Which farm, and how much of each site.
#[derive(Debug, Clone, Copy)]
pub struct QualityOptions {
    pub seed: u64,
    pub sites: usize,
    pub day: u32,
    /// Listing pages extracted per site (robots-allowed first).
    pub max_pages_per_site: usize,
}

/// Counts behind one row of the report (a template, or everything).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub sites: usize,
    pub pages: usize,
    pub bytes: usize,
    pub truth_ads: usize,
    pub found_ads: usize,
    pub count_error_sum: usize,
    /// Keys found that the truth does not have, and the reverse.
    pub extra_keys: usize,
    pub missing_keys: usize,
    pub dated_cards: usize,
    pub dated_right_day: usize,
    pub priced_cards: usize,
    pub prices_right: usize,
    pub placed_cards: usize,
    pub places_right: usize,
    pub cards_with_language: usize,
    pub card_languages_right: usize,
    pub sites_language_right: usize,
    pub sites_category_right: usize,
    pub repost_pairs: usize,
    pub repost_pairs_merged: usize,
    pub distinct_pairs_merged: usize,
    pub counter_sites: usize,
    pub counters_right: usize,
}

impl Tally {
    pub fn count_error(&self) -> f64 {
        ratio(self.count_error_sum, self.truth_ads)
    }
    pub fn dates_right(&self) -> f64 {
        ratio(self.dated_right_day, self.dated_cards)
    }
    pub fn prices_right_share(&self) -> f64 {
        ratio(self.prices_right, self.priced_cards)
    }
    pub fn places_right_share(&self) -> f64 {
        ratio(self.places_right, self.placed_cards)
    }
    pub fn card_language_share(&self) -> f64 {
        ratio(self.card_languages_right, self.cards_with_language)
    }
    pub fn site_language_share(&self) -> f64 {
        ratio(self.sites_language_right, self.sites)
    }
    pub fn repost_rate(&self) -> f64 {
        ratio(self.repost_pairs_merged, self.repost_pairs)
    }

    fn add(&mut self, other: &Tally) {
        let fields: [(&mut usize, usize); 23] = [
            (&mut self.sites, other.sites),
            (&mut self.pages, other.pages),
            (&mut self.bytes, other.bytes),
            (&mut self.truth_ads, other.truth_ads),
            (&mut self.found_ads, other.found_ads),
            (&mut self.count_error_sum, other.count_error_sum),
            (&mut self.extra_keys, other.extra_keys),
            (&mut self.missing_keys, other.missing_keys),
            (&mut self.dated_cards, other.dated_cards),
            (&mut self.dated_right_day, other.dated_right_day),
            (&mut self.priced_cards, other.priced_cards),
            (&mut self.prices_right, other.prices_right),
            (&mut self.placed_cards, other.placed_cards),
            (&mut self.places_right, other.places_right),
            (&mut self.cards_with_language, other.cards_with_language),
            (&mut self.card_languages_right, other.card_languages_right),
            (&mut self.sites_language_right, other.sites_language_right),
            (&mut self.sites_category_right, other.sites_category_right),
            (&mut self.repost_pairs, other.repost_pairs),
            (&mut self.repost_pairs_merged, other.repost_pairs_merged),
            (&mut self.distinct_pairs_merged, other.distinct_pairs_merged),
            (&mut self.counter_sites, other.counter_sites),
            (&mut self.counters_right, other.counters_right),
        ];
        for (mine, theirs) in fields {
            *mine += theirs;
        }
    }
}

/// Contact linkage over all sites.
#[derive(Debug, Clone, Default)]
pub struct Linkage {
    pub true_pairs: usize,
    pub found_pairs: usize,
    pub found_true_pairs: usize,
}

impl Linkage {
    pub fn precision(&self) -> f64 {
        if self.found_pairs == 0 {
            1.0
        } else {
            self.found_true_pairs as f64 / self.found_pairs as f64
        }
    }
    pub fn recall(&self) -> f64 {
        ratio(self.found_true_pairs, self.true_pairs)
    }
}

/// Everything measured.
#[derive(Debug, Clone, Default)]
pub struct QualityReport {
    pub templates: BTreeMap<String, Tally>,
    pub overall: Tally,
    pub linkage: Linkage,
    /// Languages and encodings the farm's sites used.
    pub languages: BTreeSet<String>,
    pub encodings: BTreeSet<String>,
    /// Sites whose robots.txt lets no listing page be fetched and of which
    /// nothing was extracted: nothing to measure, so in no tally.
    pub closed_sites: Vec<String>,
    /// Per site: (site id, template, what went wrong), for diagnosis.
    pub problems: Vec<String>,
    /// Per card or pair: what was wrong, with the truth's (synthetic)
    /// text, for diagnosis in test output only.
    pub samples: Vec<String>,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// The site as a whitelist entry without a profile would describe it.
fn site_spec(site: &cartograph_farm::FarmSite) -> cartograph_config::SiteSpec {
    let text = format!(
        "[crawler]\nuser_agent = \"cartograph-quality\"\ncontact = \"mailto:unit@example.org\"\n\
         [[site]]\nid = \"{}\"\nname = \"{}\"\ncountry = \"{}\"\nseeds = [\"{}\"]\nlisting = [\"http://{}/*\"]\n",
        site.id, site.id, site.country, site.seeds[0], site.host
    );
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    cartograph_config::parse(&text, std::path::Path::new("quality.toml"), today)
        .expect("farm site entry is valid")
        .config
        .sites
        .remove(0)
}

/// One extracted listing page of a farm site.
#[derive(Debug, Clone)]
pub struct ExtractedPage {
    /// Path and query of the page on its host, as the farm's truth names it.
    pub url_path: String,
    /// Size of the body as served.
    pub bytes: usize,
    pub indicators: PageIndicators,
}

/// One farm site's extracted pages and the site indicators made of them.
#[derive(Debug, Clone)]
pub struct ExtractedSite {
    pub site_id: String,
    pub pages: Vec<ExtractedPage>,
    pub indicators: SiteIndicators,
}

/// One site's extraction and truth, kept for the cross-site linkage.
struct SiteRun {
    site_id: String,
    /// Extracted ads matched to their truth ad.
    matched: Vec<(AdSignals, AdTruth)>,
}

/// Renders every listing page of the farm of `options` (up to the page
/// cap of each site) and extracts it without profiles, in process.
pub fn extract_in_process(options: QualityOptions) -> (Farm, Vec<ExtractedSite>) {
    let farm = Farm::new(FarmSpec {
        seed: options.seed,
        sites: options.sites,
        day: options.day,
    });
    let captured_at: DateTime<Utc> = farm.truth().now.and_utc();
    let lexicons = LexiconSet::built_in();
    let key = LinkageKey::new([0x5a; 32]);
    let context = ExtractionContext {
        lexicons: &lexicons,
        linkage_key: &key,
        captured_at,
    };
    let mut sites = Vec::new();
    for (site, site_truth) in farm.sites().iter().zip(&farm.truth().sites) {
        let spec = site_spec(site);
        let mut pages = Vec::new();
        for page in site_truth
            .pages
            .iter()
            .chain(&site_truth.disallowed_pages)
            .take(options.max_pages_per_site)
        {
            let response = farm.render(&site.host, &page.url_path);
            let page_url =
                Url::parse(&format!("http://{}{}", site.host, page.url_path)).expect("farm URL");
            let headers: Vec<(String, String)> = response
                .headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect();
            let extraction = extract_page(&spec, &page_url, &headers, &response.body, &context);
            pages.push(ExtractedPage {
                url_path: page.url_path.clone(),
                bytes: response.body.len(),
                indicators: extraction.indicators,
            });
        }
        let indicators = aggregate_site(
            &spec,
            pages.iter().map(|page| &page.indicators),
            None,
            captured_at,
        );
        sites.push(ExtractedSite {
            site_id: site.id.clone(),
            pages,
            indicators,
        });
    }
    (farm, sites)
}

/// Renders, extracts and compares in process; see the module doc.
pub fn evaluate_against_truth(options: QualityOptions) -> QualityReport {
    let (farm, sites) = extract_in_process(options);
    evaluate(&farm, &sites)
}

/// Compares extracted `sites` of `farm` with its truth; a farm site with
/// no entry in `sites` counts as a site where nothing was found.
pub fn evaluate(farm: &Farm, sites: &[ExtractedSite]) -> QualityReport {
    let truth = farm.truth();
    let mut report = QualityReport::default();
    let mut runs = Vec::new();
    let nothing_found = SiteIndicators::default();
    for (site, site_truth) in farm.sites().iter().zip(&truth.sites) {
        report.languages.insert(site_truth.language.clone());
        report
            .encodings
            .insert(format!("{:?}", site_truth.encoding).to_lowercase());
        let template = format!("{:?}", site.template);
        let extracted = sites.iter().find(|extracted| extracted.site_id == site.id);
        let (pages, indicators) = match extracted {
            Some(extracted) => (extracted.pages.as_slice(), &extracted.indicators),
            None => (&[][..], &nothing_found),
        };
        if pages.is_empty() && site_truth.pages.is_empty() {
            report.closed_sites.push(site.id.clone());
            continue;
        }
        let (tally, run) = evaluate_site(site, site_truth, pages, indicators, &mut report);
        report.templates.entry(template).or_default().add(&tally);
        report.overall.add(&tally);
        runs.push(run);
    }
    report.linkage = linkage(&runs, &mut report.samples);
    report
}

fn evaluate_site(
    site: &cartograph_farm::FarmSite,
    truth: &SiteTruth,
    extracted_pages: &[ExtractedPage],
    indicators: &SiteIndicators,
    report: &mut QualityReport,
) -> (Tally, SiteRun) {
    let mut tally = Tally {
        sites: 1,
        ..Tally::default()
    };
    let ads_by_id: HashMap<&str, &AdTruth> =
        truth.ads.iter().map(|ad| (ad.ad_id.as_str(), ad)).collect();
    let truth_pages: HashMap<&str, &cartograph_farm::PageTruth> = truth
        .pages
        .iter()
        .chain(&truth.disallowed_pages)
        .map(|page| (page.url_path.as_str(), page))
        .collect();
    let mut pages: Vec<&PageIndicators> = Vec::new();
    let mut truth_by_key: HashMap<AdKey, &AdTruth> = HashMap::new();
    let mut truth_keys: BTreeSet<AdKey> = BTreeSet::new();
    // Ads whose full card was on an extracted page (not only a promoted
    // copy, which may show no more than the title): the cards compared.
    let mut listed_keys: HashSet<AdKey> = HashSet::new();
    for extracted_page in extracted_pages {
        tally.pages += 1;
        tally.bytes += extracted_page.bytes;
        pages.push(&extracted_page.indicators);
        // A page the truth does not list (none in a crawl of the farm
        // today) adds found ads but no truth.
        let Some(page) = truth_pages.get(extracted_page.url_path.as_str()) else {
            report.problems.push(format!(
                "{}: page {} is not in the truth",
                site.id, extracted_page.url_path
            ));
            continue;
        };
        let page_url =
            Url::parse(&format!("http://{}{}", site.host, page.url_path)).expect("farm URL");
        for ad_id in &page.ad_ids {
            let ad = ads_by_id[ad_id.as_str()];
            listed_keys.insert(AdKey::from_url(
                &page_url.join(&ad.url_path).expect("ad URL"),
            ));
        }
        for ad_id in page.ad_ids.iter().chain(&page.promoted_ad_ids) {
            let ad = ads_by_id[ad_id.as_str()];
            let ad_key = AdKey::from_url(&page_url.join(&ad.url_path).expect("ad URL"));
            truth_keys.insert(ad_key.clone());
            truth_by_key.insert(ad_key, ad);
        }
    }

    // Ad count and keys.
    let distinct_by_key = ads_by_key(pages.iter().copied());
    let first_signals: Vec<&AdSignals> = distinct_by_key.iter().collect();
    let found_keys: BTreeSet<&AdKey> = first_signals.iter().map(|ad| &ad.ad_key).collect();
    // Ads listed on the extracted pages must be found; a promoted copy of
    // an ad listed on a page not extracted may be counted or not (a full
    // crawl meets it in its list), anything else found is an error.
    tally.truth_ads = listed_keys.len();
    tally.found_ads = indicators.ads_seen;
    tally.extra_keys = found_keys
        .iter()
        .filter(|key| !truth_keys.contains(**key))
        .count();
    tally.missing_keys = listed_keys
        .iter()
        .filter(|key| !found_keys.contains(key))
        .count();
    tally.count_error_sum = tally.extra_keys + tally.missing_keys;
    for key in listed_keys.iter().filter(|key| !found_keys.contains(key)) {
        let ad = truth_by_key[key];
        report.samples.push(format!(
            "MISSING {} {} {:?} {:?}",
            site.id, ad.ad_id, ad.url_path, ad.title
        ));
    }

    // Per card.
    let mut matched = Vec::new();
    for ad in &first_signals {
        let Some(ad_truth) = truth_by_key.get(&ad.ad_key) else {
            continue;
        };
        if !listed_keys.contains(&ad.ad_key) {
            continue;
        }
        compare_card(ad, ad_truth, &mut tally, &mut report.samples);
        matched.push(((*ad).clone(), (*ad_truth).clone()));
    }

    // Language and category of the site. The site's language is that of
    // most of its distinct ads (reposts merged, as the site indicators
    // count them): on an aggregator copying two sites of two languages the
    // two counts can be a few ads apart.
    let groups = repost_groups(&first_signals);
    let mut truth_languages: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, ad) in first_signals.iter().enumerate() {
        if groups[index] != index {
            continue;
        }
        if let Some(truth) = truth_by_key.get(&ad.ad_key) {
            *truth_languages.entry(truth.language.as_str()).or_insert(0) += 1;
        }
    }
    // The top languages (several on an exact tie) must be the same.
    let truth_top: BTreeSet<String> = truth_languages
        .iter()
        .filter(|(_, count)| Some(**count) == truth_languages.values().max().copied())
        .map(|(code, _)| code.to_string())
        .collect();
    let found_max = indicators
        .languages
        .values()
        .copied()
        .fold(0.0f64, f64::max);
    let found_top: BTreeSet<String> = indicators
        .languages
        .iter()
        .filter(|(_, share)| **share == found_max)
        .map(|(code, _)| code.clone())
        .collect();
    if !truth_top.is_empty() && truth_top == found_top {
        tally.sites_language_right += 1;
    } else {
        report.problems.push(format!(
            "{} ({:?}): languages {:?}, truth {:?}",
            site.id, site.template, indicators.languages, truth_languages
        ));
    }
    if indicators
        .category_predicted
        .map(|category| category.as_str())
        == Some(truth.category.as_str())
    {
        tally.sites_category_right += 1;
    } else {
        report.problems.push(format!(
            "{} ({:?}): category {:?} ({}), truth {}",
            site.id,
            site.template,
            indicators.category_predicted,
            indicators.category_confidence,
            truth.category
        ));
    }
    if let Some(counter) = truth.site_counter {
        tally.counter_sites += 1;
        tally.counters_right += usize::from(indicators.site_counter == Some(counter));
    }
    reposts(
        &first_signals,
        &truth_by_key,
        &mut tally,
        &mut report.samples,
    );
    if tally.count_error_sum > 0 || tally.extra_keys > 0 || tally.missing_keys > 0 {
        report.problems.push(format!(
            "{} ({:?}): found {} ads, truth {} ({} extra keys, {} missing)",
            site.id,
            site.template,
            tally.found_ads,
            tally.truth_ads,
            tally.extra_keys,
            tally.missing_keys
        ));
    }
    (
        tally,
        SiteRun {
            site_id: site.id.clone(),
            matched,
        },
    )
}

fn compare_card(ad: &AdSignals, truth: &AdTruth, tally: &mut Tally, samples: &mut Vec<String>) {
    if truth.date_text.is_some() {
        tally.dated_cards += 1;
        let right_day = ad
            .posted
            .is_some_and(|posted| posted.at.date_naive() == truth.posted.date());
        tally.dated_right_day += usize::from(right_day);
        if !right_day {
            samples.push(format!(
                "DATE {:?} {:?} posted {} found {:?} lang {:?}",
                truth.title, truth.date_text, truth.posted, ad.posted, ad.language
            ));
        }
    }
    if let Some(price) = &truth.price {
        tally.priced_cards += 1;
        let unit = match price.unit {
            cartograph_farm::PriceUnit::Hour => "hour",
            cartograph_farm::PriceUnit::Night => "night",
            cartograph_farm::PriceUnit::Day => "day",
            cartograph_farm::PriceUnit::SevenDays => "7-days",
            cartograph_farm::PriceUnit::FourteenDays => "14-days",
            cartograph_farm::PriceUnit::TwentyOneDays => "21-days",
            cartograph_farm::PriceUnit::Month => "other",
        };
        let right = ad.prices.iter().any(|found| {
            found.amount_minor == price.amount * 100
                && found.currency.code() == price.currency
                && found.unit.as_str() == unit
        });
        tally.prices_right += usize::from(right);
        if !right {
            samples.push(format!(
                "PRICE {:?} found {:?}",
                truth.price_text, ad.prices
            ));
        }
    }
    tally.placed_cards += 1;
    let place_right = ad
        .place
        .as_deref()
        .and_then(place_by_key)
        .is_some_and(|place| {
            place.country.eq_ignore_ascii_case(&truth.location.country)
                && (place.key.rsplit('/').next() == Some(truth.location.city_slug.as_str())
                    || cartograph_extract::fold(place.name)
                        == cartograph_extract::fold(&truth.location.city))
        });
    tally.places_right += usize::from(place_right);
    if !place_right {
        samples.push(format!(
            "PLACE {} {} found {:?} text {:?}",
            truth.location.city, truth.location.country, ad.place, truth.text
        ));
    }
    if let Some(language) = &ad.language {
        tally.cards_with_language += 1;
        tally.card_languages_right += usize::from(*language == truth.language);
        if *language != truth.language {
            samples.push(format!(
                "LANGUAGE {language} truth {} {:?} {:?}",
                truth.language, truth.title, truth.text
            ));
        }
    }
}

/// The ad a repost repeats, in this site's ids: an own ad's `repost_of`,
/// or for a copy the copy of the original from the same source site.
fn repost_partner<'a>(ad: &AdTruth, seen: &'a [&'a AdTruth]) -> Option<&'a AdTruth> {
    let original = ad.connections.repost_of.as_deref()?;
    match &ad.connections.copied_from {
        None => seen.iter().copied().find(|other| other.ad_id == original),
        Some(source) => seen.iter().copied().find(|other| {
            other
                .connections
                .copied_from
                .as_ref()
                .is_some_and(|other_source| {
                    other_source.site_id == source.site_id && other_source.ad_id == original
                })
        }),
    }
}

fn reposts(
    ads: &[&AdSignals],
    truth_by_key: &HashMap<AdKey, &AdTruth>,
    tally: &mut Tally,
    samples: &mut Vec<String>,
) {
    let groups = repost_groups(ads);
    let truths: Vec<Option<&AdTruth>> = ads
        .iter()
        .map(|ad| truth_by_key.get(&ad.ad_key).copied())
        .collect();
    let seen: Vec<&AdTruth> = truths.iter().flatten().copied().collect();
    let index_of = |wanted: &AdTruth| {
        truths
            .iter()
            .position(|truth| truth.is_some_and(|truth| std::ptr::eq(truth, wanted)))
    };
    for (index, truth) in truths.iter().enumerate() {
        let Some(truth) = truth else { continue };
        if let Some(partner) = repost_partner(truth, &seen) {
            if let Some(partner_index) = index_of(partner) {
                tally.repost_pairs += 1;
                tally.repost_pairs_merged += usize::from(groups[index] == groups[partner_index]);
                samples.push(format!(
                    "REPOST DISTANCE {}",
                    cartograph_extract::fingerprint_distance(
                        ads[index].text_fingerprint,
                        ads[partner_index].text_fingerprint
                    )
                ));
                if groups[index] != groups[partner_index] {
                    samples.push(format!(
                        "REPOST MISSED {} bits\n  {} {:?} {:?} {:?}\n  {} {:?} {:?} {:?}",
                        cartograph_extract::fingerprint_distance(
                            ads[index].text_fingerprint,
                            ads[partner_index].text_fingerprint
                        ),
                        truth.ad_id,
                        truth.title,
                        truth.text,
                        truth.phone.as_ref().map(|p| &p.shown),
                        partner.ad_id,
                        partner.title,
                        partner.text,
                        partner.phone.as_ref().map(|p| &p.shown)
                    ));
                }
            }
        }
    }
    // Distinct contents put in one group.
    let mut contents_per_group: HashMap<usize, HashSet<String>> = HashMap::new();
    for (index, truth) in truths.iter().enumerate() {
        if let Some(truth) = truth {
            contents_per_group
                .entry(groups[index])
                .or_default()
                .insert(truth.content_id());
        }
    }
    for (group, contents) in &contents_per_group {
        if contents.len() > 1 && samples.len() < 2000 {
            let members: Vec<String> = truths
                .iter()
                .enumerate()
                .filter(|(index, _)| groups[*index] == *group)
                .filter_map(|(index, truth)| {
                    truth.map(|truth| {
                        format!(
                            "{} [{:016x}] {:?} {:?} {:?}",
                            truth.ad_id,
                            ads[index].text_fingerprint,
                            truth.title,
                            truth.text,
                            truth.phone.as_ref().map(|p| &p.shown)
                        )
                    })
                })
                .collect();
            samples.push(format!("FALSE MERGE\n  {}", members.join("\n  ")));
            let in_group: Vec<usize> = (0..ads.len())
                .filter(|index| groups[*index] == *group)
                .collect();
            for pair in in_group.windows(2) {
                samples.push(format!(
                    "MERGE DISTANCE {}",
                    cartograph_extract::fingerprint_distance(
                        ads[pair[0]].text_fingerprint,
                        ads[pair[1]].text_fingerprint
                    )
                ));
            }
        }
    }
    tally.distinct_pairs_merged = contents_per_group
        .values()
        .map(|contents| contents.len().saturating_sub(1))
        .sum();
}

fn linkage(runs: &[SiteRun], samples: &mut Vec<String>) -> Linkage {
    let all: Vec<&(AdSignals, AdTruth)> = runs.iter().flat_map(|run| run.matched.iter()).collect();
    // Every matched ad across sites, numbered.
    let mut found_groups: HashMap<&ContactPseudonym, Vec<usize>> = HashMap::new();
    let mut truth_groups: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut number = 0usize;
    for run in runs {
        for (signals, truth) in &run.matched {
            for contact in &signals.contacts {
                found_groups.entry(contact).or_default().push(number);
            }
            for group in &truth.contact_groups {
                truth_groups.entry(group.as_str()).or_default().push(number);
            }
            number += 1;
        }
        let _ = &run.site_id;
    }
    let pairs = |groups: Vec<Vec<usize>>| -> HashSet<(usize, usize)> {
        let mut pairs = HashSet::new();
        for members in groups {
            for (position, &first) in members.iter().enumerate() {
                for &second in &members[position + 1..] {
                    if first != second {
                        pairs.insert((first.min(second), first.max(second)));
                    }
                }
            }
        }
        pairs
    };
    let found = pairs(found_groups.into_values().collect());
    let truth = pairs(truth_groups.into_values().collect());
    for (first, second) in found.difference(&truth).take(10) {
        let describe = |index: usize| {
            let (signals, truth) = all[index];
            format!(
                "{} groups {:?} phone {:?} links {:?} {:?} kinds {:?}",
                truth.ad_id,
                truth.contact_groups,
                truth.phone.as_ref().map(|p| (&p.shown, &p.e164)),
                truth.messengers,
                truth.social,
                signals.contact_kinds
            )
        };
        samples.push(format!(
            "FALSE LINK\n  {}\n  {}",
            describe(*first),
            describe(*second)
        ));
    }
    for (first, second) in truth.difference(&found).take(5) {
        let describe = |index: usize| {
            let (signals, truth) = all[index];
            format!(
                "{} groups {:?} phone {:?} kinds {:?} text {:?}",
                truth.ad_id,
                truth.contact_groups,
                truth.phone.as_ref().map(|p| (&p.shown, &p.e164)),
                signals.contact_kinds,
                truth.text
            )
        };
        samples.push(format!(
            "MISSED LINK\n  {}\n  {}",
            describe(*first),
            describe(*second)
        ));
    }
    Linkage {
        true_pairs: truth.len(),
        found_pairs: found.len(),
        found_true_pairs: found.intersection(&truth).count(),
    }
}

/// The report as a Markdown table, for BENCHMARKS.md and test output.
pub fn render(report: &QualityReport) -> String {
    let mut text = String::new();
    text.push_str("| template | sites | pages | ads (truth) | ad-count error | dated cards on the right day | prices right | places right | card language right | sites' language right | reposts merged | distinct ads merged | category right |\n");
    text.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    let row = |name: &str, tally: &Tally| {
        format!(
            "| {name} | {} | {} | {} | {:.2} % | {:.1} % ({}/{}) | {:.1} % | {:.1} % | {:.1} % | {}/{} | {:.1} % ({}/{}) | {} | {}/{} |\n",
            tally.sites,
            tally.pages,
            tally.truth_ads,
            100.0 * tally.count_error(),
            100.0 * tally.dates_right(),
            tally.dated_right_day,
            tally.dated_cards,
            100.0 * tally.prices_right_share(),
            100.0 * tally.places_right_share(),
            100.0 * tally.card_language_share(),
            tally.sites_language_right,
            tally.sites,
            100.0 * tally.repost_rate(),
            tally.repost_pairs_merged,
            tally.repost_pairs,
            tally.distinct_pairs_merged,
            tally.sites_category_right,
            tally.sites,
        )
    };
    for (template, tally) in &report.templates {
        text.push_str(&row(template, tally));
    }
    text.push_str(&row("**all**", &report.overall));
    text.push_str(&format!(
        "\ncontact linkage across sites: precision {:.4} ({} of {} pairs found are true), recall {:.4} ({} of {} true pairs found)\n",
        report.linkage.precision(),
        report.linkage.found_true_pairs,
        report.linkage.found_pairs,
        report.linkage.recall(),
        report.linkage.found_true_pairs,
        report.linkage.true_pairs,
    ));
    if !report.closed_sites.is_empty() {
        text.push_str(&format!(
            "sites whose robots.txt closes every listing page (not measured): {}\n",
            report.closed_sites.join(", ")
        ));
    }
    text.push_str(&format!(
        "site counters right: {}/{}; languages: {:?}; encodings: {:?}; {} pages, {} bytes\n",
        report.overall.counters_right,
        report.overall.counter_sites,
        report.languages,
        report.encodings,
        report.overall.pages,
        report.overall.bytes
    ));
    text
}
