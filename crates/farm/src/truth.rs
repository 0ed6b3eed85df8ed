//! Ground truth: what every farm site contains, generated once from the seed
//! (sites → pages → ads) before anything is served. Pages are rendered from
//! this on each request and never stored, so the truth is the only state and
//! a test can always compare what a crawler found with what was there.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::seeded::SeededRandom;
use crate::site::{FarmSite, SiteShape};
use crate::vocabulary::Currency;

/// Bumped whenever the serialized shape of [`Truth`] changes.
pub const TRUTH_FORMAT_VERSION: u32 = 1;

/// Everything the farm serves, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    /// [`TRUTH_FORMAT_VERSION`] when written, so stored truths can be told apart.
    pub format_version: u32,
    pub seed: u64,
    pub day: u32,
    /// The farm's "today": ads are posted on or before it.
    pub today: NaiveDate,
    /// In the same order as [`crate::Farm::sites`].
    pub sites: Vec<SiteTruth>,
}

/// One site's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTruth {
    pub site_id: String,
    /// Distinct ads on the robots-allowed listing pages: what a polite,
    /// de-duplicating crawler must count.
    pub ads_total: usize,
    /// Robots-allowed listing pages, in `next`-link order from the seed.
    pub pages: Vec<PageTruth>,
    /// Values of the `Disallow` rules that apply to any crawler (the `*` group).
    pub disallowed_paths: Vec<String>,
    /// Listing pages that exist, are linked from every listing page and lie
    /// inside the listing patterns, but that robots.txt disallows.
    pub disallowed_pages: Vec<PageTruth>,
    /// The ad listed on two pages of this site, if any (a "promoted" repeat).
    pub promoted_repeat: Option<String>,
    /// Every ad of the site: listing order, the ones behind robots last.
    pub ads: Vec<AdTruth>,
}

/// One listing page and the ads on it, in order (a repeated ad included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageTruth {
    /// Path and query as linked (`/wien/?page=2`).
    pub url_path: String,
    pub ad_ids: Vec<String>,
}

/// One ad, with the values its card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdTruth {
    /// Unique within the site; the last segment of the ad's URL.
    pub ad_id: String,
    /// Path of the ad's detail page (outside the listing patterns).
    pub url_path: String,
    pub title: String,
    pub display_name: String,
    pub age: u32,
    /// Display name of the place on the card.
    pub city: String,
    pub price: PriceTruth,
    pub posted: NaiveDate,
    /// As printed on the card.
    pub phone: String,
    /// The same number in E.164, for checking normalisation.
    pub phone_e164: String,
    /// The card's description text.
    pub text: String,
    /// True when the ad is listed only on robots-disallowed pages.
    pub behind_robots: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTruth {
    pub amount: u32,
    /// ISO 4217 (`EUR`, `GBP`).
    pub currency: String,
    /// `hour` or `night`.
    pub unit: String,
    /// As printed on the card.
    pub text: String,
}

/// The farm's "today" for simulation day `day`.
pub(crate) fn farm_today(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1)
        .and_then(|first| first.checked_add_days(Days::new(u64::from(day))))
        .unwrap_or(NaiveDate::MAX)
}

/// Index of the site that lists its first ad again on its second page.
pub(crate) const PROMOTED_REPEAT_SITE: usize = 0;

/// Draws the pages and ads of site number `index`.
pub(crate) fn generate_site_truth(
    random: &mut SeededRandom,
    site: &FarmSite,
    shape: &SiteShape,
    index: usize,
    today: NaiveDate,
    disallowed_paths: Vec<String>,
) -> SiteTruth {
    let definition = shape.template.definition();
    let page_count = random.between_usize(2, 6);
    let ads_per_page: Vec<usize> = (0..page_count)
        .map(|_| random.between_usize(5, 20))
        .collect();
    let behind_robots_count = random.between_usize(3, 8);

    let mut ad_drawer = AdDrawer {
        next_ad_number: random.between(10_000, 89_999),
        days_ago: 0,
        today,
    };
    let mut ads = Vec::new();
    let mut pages = Vec::with_capacity(page_count);
    for (page_index, &ad_count) in ads_per_page.iter().enumerate() {
        let mut ad_ids = Vec::with_capacity(ad_count + 1);
        for _ in 0..ad_count {
            let ad = ad_drawer.draw(random, shape, false);
            ad_ids.push(ad.ad_id.clone());
            ads.push(ad);
        }
        pages.push(PageTruth {
            url_path: definition.listing_page_path(&shape.listing_prefix, page_index + 1),
            ad_ids,
        });
    }
    let ads_total = ads.len();

    let mut behind_robots_ids = Vec::with_capacity(behind_robots_count);
    for _ in 0..behind_robots_count {
        let ad = ad_drawer.draw(random, shape, true);
        behind_robots_ids.push(ad.ad_id.clone());
        ads.push(ad);
    }
    let disallowed_pages = vec![PageTruth {
        url_path: definition.disallowed_page_path(&shape.listing_prefix),
        ad_ids: behind_robots_ids,
    }];

    let mut promoted_repeat = None;
    if index == PROMOTED_REPEAT_SITE {
        // Every site has at least two pages of at least five ads, so both
        // the first ad and the second page exist.
        let first_ad = pages[0].ad_ids[0].clone();
        pages[1].ad_ids.insert(0, first_ad.clone());
        promoted_repeat = Some(first_ad);
    }

    SiteTruth {
        site_id: site.id.clone(),
        ads_total,
        pages,
        disallowed_paths,
        disallowed_pages,
        promoted_repeat,
        ads,
    }
}

/// Draws ads one after another: ids rise, posting dates fall.
struct AdDrawer {
    next_ad_number: u64,
    days_ago: u64,
    today: NaiveDate,
}

impl AdDrawer {
    fn draw(
        &mut self,
        random: &mut SeededRandom,
        shape: &SiteShape,
        behind_robots: bool,
    ) -> AdTruth {
        let definition = shape.template.definition();
        let language = shape.language;
        let country = shape.country;

        let ad_id = self.next_ad_number.to_string();
        self.next_ad_number += random.between(1, 9);
        self.days_ago = (self.days_ago + random.below(3)).min(60);
        let posted = self
            .today
            .checked_sub_days(Days::new(self.days_ago))
            .unwrap_or(NaiveDate::MIN);

        let display_name = (*random.pick(language.first_names)).to_owned();
        let age = random.between(21, 45) as u32;
        let tagline = random.pick(language.taglines);
        let title = format!("{display_name}, {age}, {tagline}");
        let city = if random.chance(1, 5) {
            random.pick(country.cities).display
        } else {
            shape.home_city.display
        };

        let per_night = random.chance(1, 6);
        let amount = match (country.currency, per_night) {
            (Currency::Euro, false) => random.between(10, 40) * 10,
            (Currency::Euro, true) => random.between(60, 150) * 10,
            (Currency::PoundSterling, false) => random.between(8, 30) * 10,
            (Currency::PoundSterling, true) => random.between(50, 120) * 10,
        } as u32;
        let price = PriceTruth {
            amount,
            currency: country.currency.code().to_owned(),
            unit: if per_night { "night" } else { "hour" }.to_owned(),
            text: crate::vocabulary::format_price(amount, country.currency, per_night, language),
        };

        let (phone, phone_e164) = country.phone_plan.format(random.next_u64());
        let first_sentence = random.below(language.sentences.len() as u64) as usize;
        let offset = 1 + random.below(language.sentences.len() as u64 - 1) as usize;
        let second_sentence = (first_sentence + offset) % language.sentences.len();
        let text = format!(
            "{} {}",
            language.sentences[first_sentence], language.sentences[second_sentence]
        );

        AdTruth {
            url_path: definition.ad_path(&shape.listing_prefix, &ad_id),
            ad_id,
            title,
            display_name,
            age,
            city: city.to_owned(),
            price,
            posted,
            phone,
            phone_e164,
            text,
            behind_robots,
        }
    }
}
