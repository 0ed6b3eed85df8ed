//! One site in one run: the page indicators of its listing pages reduced to
//! site indicators (mapping fields c–m).
//!
//! Ads are de-duplicated before anything is counted, because reposts
//! inflate counts tenfold in real data: first by ad key (the same ad on
//! two pages, a promoted copy), then by text fingerprint (the same text
//! under a new id, `site/dedupe.rs`). Every share below is of the ads left,
//! each counted once with the signals of its first card. Contacts are
//! counted per keyed pseudonym; the site's pseudonyms with their places are
//! kept so that links across sites can be drawn afterwards
//! (`site/contacts.rs`, [`link_contacts_across_sites`]).

mod contacts;
mod dedupe;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cartograph_config::{SiteCategory, SiteSpec};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::analytics::TrackingId;
use crate::category::{predict_category, CategoryEvidence};
use crate::contacts::ContactKind;
use crate::lexicon::RiskCategory;
use crate::page::{AdKey, AdSignals, ExtractionMethod, PageIndicators};
use crate::places::{place_by_key, scope_class, Place, ScopeClass};
use crate::prices::{Currency, PriceUnit};
use crate::records::TemplateFingerprint;

pub use contacts::{
    link_contacts_across_sites, ContactFootprint, CrossSiteContact, CrossSiteContacts,
};
pub use dedupe::repost_groups;

/// Aggregate indicators of one site in one run; stored as JSON. Counts and
/// shares (0.0–1.0) are of `ads_deduplicated`, the ads left once reposts
/// are merged, unless a name says otherwise. Holds no ad text, no contact
/// detail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteIndicators {
    /// Listing pages whose indicators went into this row.
    pub pages_parsed: usize,
    /// Distinct ads seen, by ad key (an ad's id or URL): every ad the site
    /// lists once, however many pages or promoted blocks show it. A repost
    /// under a new id is a new key (the farm's truth counts it so too).
    pub ads_seen: usize,
    /// Ad cards seen, repeats included; `ad_cards / ads_seen` shows how much
    /// a site repeats its ads.
    pub ad_cards: usize,
    /// `ads_seen` with reposts under new ids merged (same text within the
    /// repost threshold, same contacts): the ads behind the listings.
    pub ads_deduplicated: usize,
    /// `ads_seen − ads_deduplicated`: how much reposting inflates the count.
    pub reposts_merged: usize,
    /// The site's own count of its ads, as most of its pages state it.
    pub site_counter: Option<u64>,
    /// Ads (by key) not in the previous run; None without one.
    pub new_ads: Option<usize>,
    /// `new_ads` per day between the two runs.
    pub new_ads_per_day: Option<f64>,
    /// Ads (by key) of the previous run not seen in this one.
    pub disappeared_ads: Option<usize>,
    /// Ads whose card gives a posting time.
    pub ads_with_date: usize,
    /// Ads posted at most 24 hours before the run.
    pub ads_last_24h: usize,
    /// Ads posted at most 7 days before the run.
    pub ads_last_7d: usize,
    /// Ads posted at most 30 days before the run.
    pub ads_last_30d: usize,
    /// Ads whose card gives no posting time.
    pub ads_undated: usize,
    /// The four counts above as shares of `ads_deduplicated`.
    pub recency: RecencyShares,
    /// Share of ads per language (ISO 639-1); ads of no known language
    /// are in no entry.
    pub languages: BTreeMap<String, f64>,
    /// The analyst's language hint, to compare with `languages`.
    pub language_hint: Option<String>,
    /// Price statistics per currency and unit.
    pub prices: Vec<PriceStatistics>,
    /// Distinct places named on cards (gazetteer keys).
    pub distinct_locations: usize,
    /// Ads per place key.
    pub locations: BTreeMap<String, usize>,
    /// How far those places spread from the site's country.
    pub scope: ScopeClass,
    /// National or ethnic origin stated, and ads placed abroad.
    pub foreign_origin: ForeignOrigin,
    /// Share of ads offering each kind of contact.
    pub contact_kinds: BTreeMap<ContactKind, f64>,
    /// Share of ads offering any contact at all.
    pub ads_with_contact_share: f64,
    /// Share of ads whose phone number was obscured.
    pub obscured_contact_share: f64,
    /// Distinct contact pseudonyms.
    pub distinct_contacts: usize,
    /// Most ads carrying one contact.
    pub max_ads_per_contact: usize,
    /// Share of contacts carried by three ads or more.
    pub contacts_with_3_plus_ads_share: f64,
    /// Contacts whose ads name two cities or more.
    pub contacts_in_2_plus_cities: usize,
    /// Contacts whose ads name places in two countries or more.
    pub contacts_in_2_plus_countries: usize,
    /// Every contact pseudonym with its ads' places, for linking sites.
    pub contacts: Vec<ContactFootprint>,
    /// Share of ads hitting each risk-lexicon category.
    pub lexicon: BTreeMap<RiskCategory, f64>,
    /// The analyst's category.
    pub category_hint: Option<SiteCategory>,
    /// The classifier's category (`crate::category`).
    pub category_predicted: Option<SiteCategory>,
    /// 0.0–1.0: the winner's share of all category scores.
    pub category_confidence: f32,
    /// The template sketch of the site's first page with cards.
    pub template_fingerprint: Option<TemplateFingerprint>,
    /// Analytics and ad-network ids on any of its pages.
    pub tracking_ids: BTreeSet<TrackingId>,
    /// Pages per extraction method.
    pub extraction_methods: BTreeMap<ExtractionMethod, usize>,
    /// Mean card-finding confidence over pages with cards.
    pub mean_confidence: f32,
    /// Page warnings in the run.
    pub page_warnings: usize,
}

/// Recency as shares of the ads seen.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RecencyShares {
    pub last_24h: f64,
    pub last_7d: f64,
    pub last_30d: f64,
    pub undated: f64,
}

/// One currency and unit's prices (amounts in minor units, cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceStatistics {
    pub currency: Currency,
    pub unit: PriceUnit,
    pub count: usize,
    pub min_minor: u64,
    pub median_minor: u64,
    pub max_minor: u64,
}

/// Foreign origin (mapping field f).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ForeignOrigin {
    /// Share of ads stating a national or ethnic origin (the nationality
    /// lexicon category).
    pub nationality_share: f64,
    /// Share of ads naming a place, whose place is in another country
    /// than the site's.
    pub located_abroad_share: f64,
}

/// What the previous run of a site saw, for turnover.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreviousRun {
    /// Distinct ad keys of that run.
    pub ad_keys: BTreeSet<AdKey>,
    /// When it ran.
    pub run_time: DateTime<Utc>,
}

impl PreviousRun {
    /// The previous run as its stored page indicators describe it.
    pub fn from_pages<'a>(
        pages: impl IntoIterator<Item = &'a PageIndicators>,
        run_time: DateTime<Utc>,
    ) -> PreviousRun {
        PreviousRun {
            ad_keys: pages
                .into_iter()
                .flat_map(|page| page.ad_keys().cloned())
                .collect(),
            run_time,
        }
    }
}

/// Reduces the page indicators of one site and run. `run_time` is the
/// run's capture time, which recency counts back from; `previous` the
/// site's previous run, if any.
pub fn aggregate_site<'a>(
    site: &SiteSpec,
    pages: impl IntoIterator<Item = &'a PageIndicators>,
    previous: Option<&PreviousRun>,
    run_time: DateTime<Utc>,
) -> SiteIndicators {
    let mut indicators = SiteIndicators {
        language_hint: site.language_hint.clone(),
        category_hint: site.category_hint,
        ..SiteIndicators::default()
    };
    let mut ads: Vec<AdSignals> = Vec::new();
    let mut position_of_key: HashMap<&AdKey, usize> = HashMap::new();
    let mut counters: Vec<u64> = Vec::new();
    let mut evidence = CategoryEvidence::default();
    let mut cards_on_pages = 0usize;
    let mut confidence_sum = 0.0f32;
    let mut pages_with_cards = 0usize;
    for page in pages {
        indicators.pages_parsed += 1;
        indicators.ad_cards += page.ad_cards;
        indicators.page_warnings += page.warnings.len();
        *indicators
            .extraction_methods
            .entry(page.method)
            .or_insert(0) += 1;
        indicators
            .tracking_ids
            .extend(page.tracking_ids.iter().cloned());
        counters.extend(page.ad_counter);
        evidence.add_page(&page.category_cues);
        evidence.linking_elsewhere += page.cards_linking_elsewhere as f32;
        cards_on_pages += page.ads.len();
        if !page.ads.is_empty() {
            pages_with_cards += 1;
            confidence_sum += page.confidence;
            if indicators.template_fingerprint.is_none() {
                indicators.template_fingerprint = page.template_fingerprint.clone();
            }
        }
        add_page_ads(&mut ads, &mut position_of_key, &page.ads);
    }
    indicators.mean_confidence = if pages_with_cards > 0 {
        confidence_sum / pages_with_cards as f32
    } else {
        0.0
    };
    indicators.site_counter = most_frequent(&counters);
    indicators.ads_seen = ads.len();

    // Reposts: groups of ads by fingerprint; each group counts once, with
    // its first ad's signals and every member's contacts.
    let ad_refs: Vec<&AdSignals> = ads.iter().collect();
    let groups = dedupe::repost_groups(&ad_refs);
    let distinct: Vec<usize> = (0..ads.len())
        .filter(|&index| groups[index] == index)
        .collect();
    indicators.ads_deduplicated = distinct.len();
    indicators.reposts_merged = ads.len() - distinct.len();

    if let Some(previous) = previous {
        let new = position_of_key
            .keys()
            .filter(|key| !previous.ad_keys.contains(**key))
            .count();
        let disappeared = previous
            .ad_keys
            .iter()
            .filter(|key| !position_of_key.contains_key(key))
            .count();
        indicators.new_ads = Some(new);
        indicators.disappeared_ads = Some(disappeared);
        let elapsed = run_time - previous.run_time;
        if elapsed > TimeDelta::zero() {
            let days = elapsed.num_seconds() as f64 / 86_400.0;
            indicators.new_ads_per_day = Some(round(new as f64 / days));
        }
    }

    let home = site.country.as_str();
    let mut places: HashMap<String, Option<Place>> = HashMap::new();
    let mut place_of = |key: &str| -> Option<Place> {
        if let Some(place) = places.get(key) {
            return *place;
        }
        let place = place_by_key(key);
        places.insert(key.to_owned(), place);
        place
    };
    let share = |count: usize| -> f64 {
        if distinct.is_empty() {
            0.0
        } else {
            round(count as f64 / distinct.len() as f64)
        }
    };
    let mut language_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut kind_counts: BTreeMap<ContactKind, usize> = BTreeMap::new();
    let mut lexicon_counts: BTreeMap<RiskCategory, usize> = BTreeMap::new();
    let mut prices: BTreeMap<(Currency, PriceUnit), Vec<u64>> = BTreeMap::new();
    let mut located: Vec<Place> = Vec::new();
    let (mut with_contact, mut obscured, mut abroad, mut social) = (0, 0, 0, 0);
    for &index in &distinct {
        let ad = &ads[index];
        match ad.posted {
            Some(posted) => {
                indicators.ads_with_date += 1;
                let age = run_time - posted.at;
                indicators.ads_last_24h += usize::from(age <= TimeDelta::hours(24));
                indicators.ads_last_7d += usize::from(age <= TimeDelta::days(7));
                indicators.ads_last_30d += usize::from(age <= TimeDelta::days(30));
            }
            None => indicators.ads_undated += 1,
        }
        if let Some(language) = &ad.language {
            *language_counts.entry(language.clone()).or_insert(0) += 1;
        }
        for price in &ad.prices {
            prices
                .entry((price.currency, price.unit))
                .or_default()
                .push(price.amount_minor);
        }
        if let Some(place) = ad.place.as_deref().and_then(&mut place_of) {
            *indicators
                .locations
                .entry(place.key.to_owned())
                .or_insert(0) += 1;
            abroad += usize::from(!place.country.eq_ignore_ascii_case(home));
            located.push(place);
        }
        for category in &ad.lexicon {
            *lexicon_counts.entry(*category).or_insert(0) += 1;
        }
        for kind in &ad.contact_kinds {
            *kind_counts.entry(*kind).or_insert(0) += 1;
        }
        with_contact += usize::from(!ad.contact_kinds.is_empty());
        obscured += usize::from(ad.obscured_contact);
        social += usize::from(ad.contact_kinds.iter().any(|kind| kind.is_social_network()));
    }
    indicators.recency = RecencyShares {
        last_24h: share(indicators.ads_last_24h),
        last_7d: share(indicators.ads_last_7d),
        last_30d: share(indicators.ads_last_30d),
        undated: share(indicators.ads_undated),
    };
    indicators.languages = language_counts
        .into_iter()
        .map(|(code, count)| (code, share(count)))
        .collect();
    indicators.prices = prices
        .into_iter()
        .map(|((currency, unit), mut amounts)| {
            amounts.sort_unstable();
            let middle = amounts.len() / 2;
            let median = if amounts.len() % 2 == 1 {
                amounts[middle]
            } else {
                // Invariant: an entry exists only with at least one amount,
                // so an even length is at least two.
                (amounts[middle - 1] + amounts[middle]) / 2
            };
            PriceStatistics {
                currency,
                unit,
                count: amounts.len(),
                min_minor: amounts[0],
                median_minor: median,
                max_minor: amounts[amounts.len() - 1],
            }
        })
        .collect();
    indicators.distinct_locations = indicators.locations.len();
    indicators.scope = scope_class(&located, home);
    indicators.foreign_origin = ForeignOrigin {
        nationality_share: share(
            lexicon_counts
                .get(&RiskCategory::Nationality)
                .copied()
                .unwrap_or(0),
        ),
        located_abroad_share: if located.is_empty() {
            0.0
        } else {
            round(abroad as f64 / located.len() as f64)
        },
    };
    indicators.contact_kinds = kind_counts
        .into_iter()
        .map(|(kind, count)| (kind, share(count)))
        .collect();
    indicators.lexicon = lexicon_counts
        .into_iter()
        .map(|(category, count)| (category, share(count)))
        .collect();
    indicators.ads_with_contact_share = share(with_contact);
    indicators.obscured_contact_share = share(obscured);

    let footprints = contacts::footprints(&ad_refs, &groups, &mut place_of);
    indicators.distinct_contacts = footprints.len();
    indicators.max_ads_per_contact = footprints
        .iter()
        .map(|contact| contact.ads)
        .max()
        .unwrap_or(0);
    indicators.contacts_with_3_plus_ads_share = if footprints.is_empty() {
        0.0
    } else {
        round(
            footprints.iter().filter(|contact| contact.ads >= 3).count() as f64
                / footprints.len() as f64,
        )
    };
    indicators.contacts_in_2_plus_cities = footprints
        .iter()
        .filter(|contact| contact.cities.len() >= 2)
        .count();
    indicators.contacts_in_2_plus_countries = footprints
        .iter()
        .filter(|contact| contact.countries.len() >= 2)
        .count();
    indicators.contacts = footprints;

    evidence.linking_elsewhere = if cards_on_pages > 0 {
        evidence.linking_elsewhere / cards_on_pages as f32
    } else {
        0.0
    };
    evidence.social_contacts = if distinct.is_empty() {
        0.0
    } else {
        social as f32 / distinct.len() as f32
    };
    evidence.distinct_places = indicators.distinct_locations;
    evidence.ads_with_place = located.len();
    if indicators.pages_parsed > 0 {
        let (category, confidence) = predict_category(&evidence);
        indicators.category_predicted = Some(category);
        indicators.category_confidence = (confidence * 1000.0).round() / 1000.0;
    }
    indicators
}

/// The distinct ads of a run's pages, one per ad key in first-seen order;
/// later copies of an ad (on another page, in a promoted block) fill in
/// what the first lacked. What [`aggregate_site`] counts, before reposts
/// are merged ([`repost_groups`]).
pub fn ads_by_key<'a>(pages: impl IntoIterator<Item = &'a PageIndicators>) -> Vec<AdSignals> {
    let mut ads = Vec::new();
    let mut position_of_key = HashMap::new();
    for page in pages {
        add_page_ads(&mut ads, &mut position_of_key, &page.ads);
    }
    ads
}

fn add_page_ads<'a>(
    ads: &mut Vec<AdSignals>,
    position_of_key: &mut HashMap<&'a AdKey, usize>,
    page_ads: &'a [AdSignals],
) {
    for ad in page_ads {
        match position_of_key.get(&ad.ad_key) {
            Some(&position) => fill_in(&mut ads[position], ad),
            None => {
                position_of_key.insert(&ad.ad_key, ads.len());
                ads.push(ad.clone());
            }
        }
    }
}

/// Completes `ad` with what another copy of it shows: a date, prices or a
/// place it lacks, and every contact, kind and lexicon category.
fn fill_in(ad: &mut AdSignals, other: &AdSignals) {
    if ad.posted.is_none() {
        ad.posted = other.posted;
    }
    if ad.prices.is_empty() {
        ad.prices = other.prices.clone();
    }
    if ad.place.is_none() {
        ad.place = other.place.clone();
    }
    if ad.language.is_none() {
        ad.language = other.language.clone();
        ad.language_source = other.language_source;
    }
    ad.lexicon.extend(other.lexicon.iter().copied());
    ad.contact_kinds.extend(other.contact_kinds.iter().copied());
    ad.contacts.extend(other.contacts.iter().cloned());
    ad.obscured_contact |= other.obscured_contact;
}

/// The value given most often; the largest on a tie.
fn most_frequent(values: &[u64]) -> Option<u64> {
    let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
    for value in values {
        *counts.entry(*value).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(value, count)| (count, value))
        .map(|(value, _)| value)
}

/// Shares to four decimals: more is noise, and less JSON to read.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;
