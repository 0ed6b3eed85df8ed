//! Which mapping fields a stored site row fills, and how: the translation
//! of `cartograph_extract::SiteIndicators` (as the store keeps it) into the
//! report's [`MappingFields`].
//!
//! Site rows are JSON with serde defaults, so a row written by an older
//! extractor reads back with zeros and empty maps where it recorded
//! nothing. A zero must not be shown for something nobody measured, so the
//! decision is made per row from the extractor version that wrote it: rows
//! of [`FULL_INDICATORS_SINCE`] or later carry every field below; older
//! rows (or a version that does not parse) fill only the counts every
//! extractor recorded (field c's ads, cards and pages), and the rest stays
//! `None`, "not measured". A full row of a site none of whose pages was
//! parsed (robots.txt kept the crawler out, every page failed) measured
//! nothing either. Within a full row, a share of nothing (no ads, no ad
//! naming a place, no contact) is not measured, and the lexicon shares need
//! a row that names the lexicons it was matched with.

use std::cmp::Ordering;

use cartograph_extract::{place_by_key, ContactKind, RiskCategory, SiteIndicators};
use cartograph_store::SiteIndicatorsRecord;

use crate::from_store::serialized_name;
use crate::model::{
    ContactShares, GeographicalScope, LabelCount, LabelShare, Lingo, MappingFields, Origin,
    PriceSummary, Services, SizeAndUse,
};

/// The first extractor version (major, minor, patch) whose site rows carry
/// the full site indicators (issue 6): site counter, turnover, recency,
/// languages, prices, places, origin, contacts, lexicon shares, category.
pub const FULL_INDICATORS_SINCE: (u64, u64, u64) = (0, 3, 0);

/// Most places listed in field e; the count of distinct places says how
/// many more there are.
pub const TOP_PLACES: usize = 10;

/// Whether a row written by extractor `version` carries the full site
/// indicators. `0.3.0`, `0.3.1-dev` and `1.0` do; `0.2.0`, an empty or an
/// unparsable version do not (nothing is claimed of a row nobody can date).
pub fn carries_full_indicators(version: &str) -> bool {
    extractor_version_number(version).is_some_and(|number| number >= FULL_INDICATORS_SINCE)
}

/// `major.minor.patch` of a version string; a missing patch is 0, and
/// anything after the numbers (`-dev`, `+build`) is ignored.
fn extractor_version_number(version: &str) -> Option<(u64, u64, u64)> {
    let numbers = version.trim().split(['-', '+']).next().unwrap_or_default();
    let mut parts = numbers.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = match parts.next() {
        Some(patch) => patch.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor, patch))
}

/// The lexicon version a row names, `None` for rows written before
/// lexicons were versioned.
pub(crate) fn lexicon_version(record: &SiteIndicatorsRecord) -> Option<String> {
    let version = record.lexicon_version.trim();
    (!version.is_empty()).then(|| version.to_owned())
}

/// Fills fields c–g and k–m of `fields` from `record`, as far as the row's
/// extractor version says they were measured. The whitelist's part
/// (names, hints) is left as it is; `new_ads_per_day` is the caller's,
/// because it needs the previous run (see `from_store.rs`).
pub(crate) fn fill_from_record(fields: &mut MappingFields, record: &SiteIndicatorsRecord) {
    let indicators = &record.indicators;
    fields.size = SizeAndUse {
        ads_seen: Some(indicators.ads_seen as u64),
        ad_cards: Some(indicators.ad_cards as u64),
        pages_parsed: Some(indicators.pages_parsed as u64),
        ..SizeAndUse::default()
    };
    if !carries_full_indicators(&record.extractor_version) || indicators.pages_parsed == 0 {
        return;
    }
    let ads = indicators.ads_deduplicated;
    // A share of no ads is not a measurement.
    let share_of_ads = |share: f64| (ads > 0).then_some(share);
    let lexicons_used = lexicon_version(record).is_some();
    let lexicon_share = |category: RiskCategory| {
        share_of_ads(indicators.lexicon.get(&category).copied().unwrap_or(0.0))
            .filter(|_| lexicons_used)
    };

    fields.size.ads_deduplicated = Some(ads as u64);
    fields.size.site_counter = indicators.site_counter;
    fields.size.posted_within_week_share = share_of_ads(indicators.recency.last_7d);

    fields.services = Services {
        service_terms_share: lexicon_share(RiskCategory::Services),
        prices: prices(indicators),
    };

    fields.scope = GeographicalScope {
        class: Some(serialized_name(&indicators.scope)),
        distinct_places: Some(indicators.distinct_locations as u64),
        locations: top_places(indicators),
    };

    let ads_naming_a_place: usize = indicators.locations.values().sum();
    fields.origin = Origin {
        nationality_share: lexicon_share(RiskCategory::Nationality),
        placed_abroad_share: (ads_naming_a_place > 0)
            .then_some(indicators.foreign_origin.located_abroad_share),
    };

    fields.contacts = ContactShares {
        any_contact_share: share_of_ads(indicators.ads_with_contact_share),
        phone_share: share_of_ads(
            indicators
                .contact_kinds
                .get(&ContactKind::Phone)
                .copied()
                .unwrap_or(0.0),
        ),
        kind_shares: largest_first(
            indicators
                .contact_kinds
                .iter()
                .map(|(kind, share)| (kind.as_str(), *share)),
        ),
        obscured_share: share_of_ads(indicators.obscured_contact_share),
        distinct_contacts: Some(indicators.distinct_contacts as u64),
        max_ads_per_contact: Some(indicators.max_ads_per_contact as u64),
        contacts_with_3_plus_ads_share: (indicators.distinct_contacts > 0)
            .then_some(indicators.contacts_with_3_plus_ads_share),
    };

    fields.language.shares = largest_first(
        indicators
            .languages
            .iter()
            .map(|(code, share)| (code.as_str(), *share)),
    );

    fields.category.predicted = indicators
        .category_predicted
        .map(|category| category.as_str().to_owned());
    fields.category.predicted_confidence = fields
        .category
        .predicted
        .as_ref()
        // Stored as f32 rounded to three decimals: rounded again so that
        // 0.9 does not read 0.8999999761581421.
        .map(|_| (f64::from(indicators.category_confidence) * 1000.0).round() / 1000.0);

    // The services category is field d's; field m is the risk lingo.
    fields.lingo = Lingo {
        category_shares: if lexicons_used {
            largest_first(
                indicators
                    .lexicon
                    .iter()
                    .filter(|(category, _)| **category != RiskCategory::Services)
                    .map(|(category, share)| (category.as_str(), *share)),
            )
        } else {
            Vec::new()
        },
    };
}

/// Price statistics, the currency and unit with most ads first.
fn prices(indicators: &SiteIndicators) -> Vec<PriceSummary> {
    let mut prices: Vec<PriceSummary> = indicators
        .prices
        .iter()
        .map(|price| PriceSummary {
            currency: serialized_name(&price.currency),
            unit: price.unit.as_str().to_owned(),
            ads: price.count as u64,
            median_minor: price.median_minor,
            min_minor: price.min_minor,
            max_minor: price.max_minor,
        })
        .collect();
    // Stable: equal counts keep the stored (currency, unit) order.
    prices.sort_by_key(|price| std::cmp::Reverse(price.ads));
    prices
}

/// The [`TOP_PLACES`] places named on most ads, by their gazetteer name (a
/// key the gazetteer no longer knows is shown as the key).
fn top_places(indicators: &SiteIndicators) -> Vec<LabelCount> {
    let mut places: Vec<LabelCount> = indicators
        .locations
        .iter()
        .map(|(key, count)| LabelCount {
            label: place_by_key(key).map_or_else(|| key.clone(), |place| place.name.to_owned()),
            count: *count as u64,
        })
        .collect();
    places.sort_by(|first, second| {
        second
            .count
            .cmp(&first.count)
            .then_with(|| first.label.cmp(&second.label))
    });
    places.truncate(TOP_PLACES);
    places
}

/// Labelled shares, largest first, ties by label.
fn largest_first<'a>(shares: impl Iterator<Item = (&'a str, f64)>) -> Vec<LabelShare> {
    let mut shares: Vec<LabelShare> = shares
        .map(|(label, share)| LabelShare {
            label: label.to_owned(),
            share,
        })
        .collect();
    shares.sort_by(|first, second| {
        second
            .share
            .partial_cmp(&first.share)
            .unwrap_or(Ordering::Equal)
            .then_with(|| first.label.cmp(&second.label))
    });
    shares
}
