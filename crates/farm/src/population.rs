//! Which ads a site lists on a given day, and on which page. Ads are numbered
//! by serial; serial `s` is born on day `s / births_per_day - history` and
//! lives a drawn number of days, so on any day the live ads are the ones
//! born in the last `2 * mean_lifetime` days that have not yet died: a
//! bounded scan, no stored state, and new and disappeared ads per day follow
//! from the same arithmetic. An aggregator lists a drawn share of the live
//! ads of the two sites it copies. Listings are newest first.

use crate::plan::SitePlan;
use crate::seeded::SeededRandom;

/// One ad as a listing shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ListedAd {
    /// The site's own ad number `serial`.
    Own { serial: u64 },
    /// An aggregator's copy of ad `source_serial` of its source `slot` (0 or 1).
    Copied { slot: usize, source_serial: u64 },
    /// Ad `number` of the robots-disallowed premium section.
    Private { number: u64 },
}

/// Ids of private ads start this far above the site's base id.
const PRIVATE_ID_OFFSET: u64 = 900_000_000;

/// Days before day 0 that serial 0 was born: enough that day 0 is steady.
fn history(plan: &SitePlan) -> i64 {
    2 * plan.mean_lifetime_days as i64
}

/// The day ad `serial` of `plan` was posted (day 0 is the farm's epoch).
pub(crate) fn born_day(plan: &SitePlan, serial: u64) -> i64 {
    (serial / plan.births_per_day) as i64 - history(plan)
}

/// Days ad `serial` stays listed: uniform in `1..=2 * mean - 1`.
pub(crate) fn lifetime(seed: u64, plan: &SitePlan, serial: u64) -> i64 {
    let span = 2 * plan.mean_lifetime_days - 1;
    1 + (SeededRandom::hash_item(seed, "lifetime", plan.index as u64, serial) % span) as i64
}

pub(crate) fn is_alive(seed: u64, plan: &SitePlan, serial: u64, day: i64) -> bool {
    let born = born_day(plan, serial);
    born <= day && day < born + lifetime(seed, plan, serial)
}

/// The site's own live serials on `day`, newest first.
pub(crate) fn live_serials(seed: u64, plan: &SitePlan, day: i64) -> Vec<u64> {
    let births = plan.births_per_day as i64;
    let oldest_born = day - (2 * plan.mean_lifetime_days as i64 - 2);
    let first = ((oldest_born + history(plan)).max(0) * births) as u64;
    let end = ((day + 1 + history(plan)).max(0) * births) as u64;
    (first..end)
        .rev()
        .filter(|&serial| is_alive(seed, plan, serial, day))
        .collect()
}

/// Whether an aggregator copies ad `source_serial` of its source `slot`.
fn is_copied(seed: u64, aggregator: &SitePlan, slot: usize, source_serial: u64) -> bool {
    let key = (source_serial << 1) | slot as u64;
    SeededRandom::hash_item(seed, "copied", aggregator.index as u64, key) % 10 < 6
}

/// What site `index` lists on `day`, newest first (premium section aside).
pub(crate) fn listing(seed: u64, plans: &[SitePlan], index: usize, day: i64) -> Vec<ListedAd> {
    let plan = &plans[index];
    let Some(sources) = plan.copies_from else {
        return live_serials(seed, plan, day)
            .into_iter()
            .map(|serial| ListedAd::Own { serial })
            .collect();
    };
    let mut copies: Vec<(i64, usize, u64)> = Vec::new();
    for (slot, &source) in sources.iter().enumerate() {
        let source_plan = &plans[source];
        for serial in live_serials(seed, source_plan, day) {
            if is_copied(seed, plan, slot, serial) {
                copies.push((born_day(source_plan, serial), slot, serial));
            }
        }
    }
    copies.sort_by(|left, right| {
        right
            .0
            .cmp(&left.0)
            .then(left.1.cmp(&right.1))
            .then(right.2.cmp(&left.2))
    });
    copies
        .into_iter()
        .map(|(_, slot, source_serial)| ListedAd::Copied {
            slot,
            source_serial,
        })
        .collect()
}

/// The premium section's ads, which do not change from day to day.
pub(crate) fn private_listing(plan: &SitePlan) -> Vec<ListedAd> {
    (0..plan.private_ads)
        .map(|number| ListedAd::Private { number })
        .collect()
}

/// The ad's id on the site listing it: numeric, unique within the site.
pub(crate) fn ad_id(plan: &SitePlan, listed: ListedAd) -> String {
    match listed {
        ListedAd::Own { serial } => (plan.ad_id_base + serial).to_string(),
        ListedAd::Copied {
            slot,
            source_serial,
        } => format!("{}{source_serial:09}", slot + 1),
        ListedAd::Private { number } => (plan.ad_id_base + PRIVATE_ID_OFFSET + number).to_string(),
    }
}

/// The ad an id names on `plan`'s site, if it could be one (alive or not).
pub(crate) fn parse_ad_id(plan: &SitePlan, id: &str) -> Option<ListedAd> {
    if id.len() > 18 || id.starts_with('0') {
        return None;
    }
    let number: u64 = id.parse().ok()?;
    if plan.copies_from.is_some() {
        let (slot_digit, serial) = id.split_at(1);
        let slot = slot_digit.parse::<usize>().ok()?.checked_sub(1)?;
        return (slot < 2 && serial.len() == 9).then(|| ListedAd::Copied {
            slot,
            source_serial: serial.parse().unwrap_or_default(),
        });
    }
    let offset = number.checked_sub(plan.ad_id_base)?;
    if offset >= PRIVATE_ID_OFFSET {
        let private_number = offset - PRIVATE_ID_OFFSET;
        (private_number < plan.private_ads).then_some(ListedAd::Private {
            number: private_number,
        })
    } else {
        Some(ListedAd::Own { serial: offset })
    }
}

/// Pages needed for `ads` at `per_page` a page; an empty listing still has one.
pub(crate) fn page_count(ads: usize, per_page: usize) -> usize {
    ads.div_ceil(per_page.max(1)).max(1)
}

/// One listing page: its ads and the promoted repeats shown with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListingPage {
    pub(crate) page_number: usize,
    pub(crate) page_count: usize,
    pub(crate) ads: Vec<ListedAd>,
    /// Repeats of live ads in a VIP or top block.
    pub(crate) promoted: Vec<ListedAd>,
    /// What a "showing N ads" line says (it counts the page size, the
    /// promoted block and the premium ads, so it disagrees with the cards).
    pub(crate) counter_shown: Option<u64>,
    /// What the site-wide "N ads online" counter says.
    pub(crate) site_counter: Option<u64>,
}

/// VIP-flagged ads are the ones promoted blocks repeat.
fn is_vip(seed: u64, plan: &SitePlan, listed: ListedAd) -> bool {
    let key = match listed {
        ListedAd::Own { serial } => serial << 2,
        ListedAd::Copied {
            slot,
            source_serial,
        } => (source_serial << 2) | (slot as u64 + 1),
        ListedAd::Private { .. } => return false,
    };
    SeededRandom::hash_item(seed, "vip", plan.index as u64, key) % 8 == 0
}

/// Page `page_number` of `listing` (the site's whole live list on `day`).
pub(crate) fn listing_page(
    seed: u64,
    plan: &SitePlan,
    day: i64,
    listing: &[ListedAd],
    page_number: usize,
) -> ListingPage {
    let per_page = plan.ads_per_page;
    let page_count = page_count(listing.len(), per_page);
    let start = ((page_number.max(1) - 1) * per_page).min(listing.len());
    let end = (start + per_page).min(listing.len());
    let ads = listing[start..end].to_vec();
    let traits = plan.template.traits();
    let promoted = if traits.promoted == crate::templates::PromotedBlock::None {
        Vec::new()
    } else {
        let vip: Vec<ListedAd> = listing
            .iter()
            .copied()
            .filter(|listed| is_vip(seed, plan, *listed))
            .take(12)
            .collect();
        let shown = vip.len().min(3);
        (0..shown)
            .map(|position| vip[((page_number - 1) * 3 + position) % vip.len()])
            .collect()
    };
    // Like many real counters it counts the page size, the promoted block
    // and the premium ads, never the cards actually shown.
    let counter_shown = traits
        .page_counter
        .then(|| (per_page + promoted.len()) as u64 + plan.private_ads);
    let site_counter = plan.shows_site_counter.then(|| {
        let inflation =
            110 + SeededRandom::hash_item(seed, "counter", plan.index as u64, day as u64) % 50;
        (listing.len() as u64 + plan.private_ads) * inflation / 100
    });
    ListingPage {
        page_number,
        page_count,
        ads,
        promoted,
        counter_shown,
        site_counter,
    }
}

/// The premium section as one page: no promoted block, no counters.
pub(crate) fn private_page(plan: &SitePlan) -> ListingPage {
    ListingPage {
        page_number: 1,
        page_count: 1,
        ads: private_listing(plan),
        promoted: Vec::new(),
        counter_shown: None,
        site_counter: None,
    }
}
