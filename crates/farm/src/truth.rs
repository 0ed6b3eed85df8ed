//! Ground truth: what every farm site contains and how it is connected, as
//! data. Nothing here is stored by the farm: a site's truth is drawn from
//! its plan on request (`Farm::site_truth`), the whole farm's on first use
//! (`Farm::truth`), and `cartograph farm --truth FILE` streams it site by
//! site. The pages a crawler must fetch, the ads it must count, every ad's
//! date, price, place, language, contacts, lexicon hits, category and
//! connections, and the ads that appeared and disappeared since yesterday.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::dates::{DateShownKind, DateStyle};
use crate::encoding::{CharsetDeclaration, PageEncoding};
use crate::pagination::PaginationStyle;
use crate::phones::PhoneFormat;
use crate::plan::{ContactMix, LexiconRates};
use crate::prices::PriceUnit;
use crate::robots::RobotsVariant;
use crate::templates::TemplateKind;

/// Bumped whenever the serialized shape of [`Truth`] changes.
pub const TRUTH_FORMAT_VERSION: u32 = 2;

/// Everything the farm serves, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    /// [`TRUTH_FORMAT_VERSION`] when written, so stored truths can be told apart.
    pub format_version: u32,
    pub seed: u64,
    pub day: u32,
    /// The farm's "today": 2025-01-01 plus `day`.
    pub today: NaiveDate,
    /// The farm's "now", which relative dates on cards count back from.
    pub now: NaiveDateTime,
    /// The robots.txt product token the pages were worked out for.
    pub robots_token: String,
    /// In the same order as `Farm::sites`.
    pub sites: Vec<SiteTruth>,
    pub connections: ConnectionsTruth,
}

/// One site's content on the farm's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTruth {
    pub site_id: String,
    pub host: String,
    pub name: String,
    pub template: TemplateKind,
    /// Sites sharing it share a template fingerprint (`escort-directory-0`).
    pub template_group: String,
    pub category: String,
    pub language: String,
    pub country: String,
    pub home_city: String,
    /// Company named in the footer (mapping sheet field j).
    pub operator: String,
    pub encoding: PageEncoding,
    pub charset_declaration: CharsetDeclaration,
    pub robots: RobotsTruth,
    pub pagination: PaginationStyle,
    pub ads_per_page: usize,
    pub date_style: DateStyle,
    /// Whether the profile's `ad` selector also matches the promoted block
    /// (so promoted repeats are cards to de-duplicate).
    pub profile_matches_promoted: bool,
    /// Analytics and ad-network ids in the page head (`UA-`, `G-`, `GTM-`, `ca-pub-`).
    pub analytics_ids: Vec<String>,
    /// What the site's own "N ads online" counter says, if it has one.
    pub site_counter: Option<u64>,
    /// Distinct ads on the pages a polite crawler fetches: what it must count.
    pub ads_total: usize,
    /// Listing pages a polite crawler with [`Truth::robots_token`] fetches:
    /// in scope, allowed by robots.txt, linked from the seed.
    pub pages: Vec<PageTruth>,
    /// Pages in scope and linked, that robots.txt keeps the crawler from.
    pub disallowed_pages: Vec<PageTruth>,
    pub lexicon_rates: LexiconRates,
    pub contact_mix: ContactMix,
    pub change: ChangeTruth,
    /// Every ad on `pages` and `disallowed_pages`, in listing order.
    pub ads: Vec<AdTruth>,
}

/// What a site's robots.txt is and what a crawler must make of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RobotsTruth {
    pub variant: RobotsVariant,
    /// Status of `GET /robots.txt`.
    pub status: u16,
    /// `allow-all`, `disallow-all` or `rules`, per DESIGN.md.
    pub policy: String,
    pub crawl_delay_millis: Option<u64>,
    pub redirect_to: Option<String>,
    pub bytes: usize,
}

/// One page and what is on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageTruth {
    /// Path and query as linked (`/wien/?page=2`).
    pub url_path: String,
    /// The page's ad cards, in order.
    pub ad_ids: Vec<String>,
    /// Repeats of live ads in a VIP or top block.
    pub promoted_ad_ids: Vec<String>,
    /// A "showing N ads" line, which disagrees with the cards.
    pub counter_shown: Option<u64>,
    /// Banners between the cards.
    pub banners: usize,
    /// Items in the list that are not ads (sticky threads, sponsored rows).
    pub non_ad_items: usize,
    /// Whether the page carries a JSON-LD ItemList of its ads.
    pub json_ld: bool,
}

/// Turnover: what changed since the day before, among the ads counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeTruth {
    /// Ads the site posts a day (an aggregator: its sources').
    pub births_per_day: u64,
    /// Ads live on average this many days.
    pub mean_lifetime_days: u64,
    pub new_since_previous_day: usize,
    pub disappeared_since_previous_day: usize,
    pub new_ad_ids: Vec<String>,
    pub disappeared_ad_ids: Vec<String>,
}

/// One ad, with everything its card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdTruth {
    /// Unique within the site; the last segment of the ad's URL.
    pub ad_id: String,
    /// Path of the ad's own page (outside the listing patterns).
    pub url_path: String,
    /// The text of the card's link.
    pub title: String,
    pub display_name: String,
    pub age: Option<u32>,
    /// The card's description text.
    pub text: String,
    /// ISO 639-1 of `text`.
    pub language: String,
    /// DESIGN.md category of the site that posted the ad.
    pub category: String,
    pub posted: NaiveDateTime,
    pub posted_days_ago: i64,
    pub date_shown: DateShownKind,
    /// The date as printed, if printed.
    pub date_text: Option<String>,
    pub price: Option<PriceTruth>,
    /// The price element's text: the price, "on request", or nothing.
    pub price_text: Option<String>,
    pub location: LocationTruth,
    pub phone: Option<PhoneTruth>,
    /// Messenger links (`whatsapp`, `telegram`, `viber`).
    pub messengers: Vec<LinkTruth>,
    /// Social links (`instagram`, `onlyfans`, `x`).
    pub social: Vec<LinkTruth>,
    /// Keys of the contacts on the ad (`tel:+43…`, `telegram:handle`): ads
    /// sharing a key share a contact.
    pub contact_groups: Vec<String>,
    pub lexicon_hits: Vec<LexiconHit>,
    pub connections: AdConnections,
    /// Listed only in the robots-disallowed premium section.
    pub behind_robots: bool,
    /// First and last farm day the ad is listed (`None`: no end).
    pub first_day: i64,
    pub last_day: Option<i64>,
}

impl AdTruth {
    /// Which ad text the ad carries, as `source-site/ad-id`: its original's
    /// when it is a repost or a copy from another site, its own otherwise.
    /// Two ads with the same content id are the same ad to a reader.
    pub fn content_id(&self) -> String {
        let source = self
            .connections
            .copied_from
            .as_ref()
            .map_or("", |source| source.site_id.as_str());
        let id = self
            .connections
            .repost_of
            .as_deref()
            .or(self
                .connections
                .copied_from
                .as_ref()
                .map(|source| source.ad_id.as_str()))
            .unwrap_or(&self.ad_id);
        format!("{source}/{id}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTruth {
    pub amount: u64,
    /// ISO 4217.
    pub currency: String,
    pub unit: PriceUnit,
    /// Printed as "from …".
    pub starting_from: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationTruth {
    /// As printed.
    pub city: String,
    pub city_slug: String,
    /// ISO 3166-1 of the city.
    pub country: String,
    /// In another country than the site's.
    pub abroad: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneTruth {
    pub e164: String,
    /// ISO 3166-1 of the number.
    pub country: String,
    /// As printed on the card.
    pub shown: String,
    pub format: PhoneFormat,
    pub obscured: bool,
    /// True for numbers from a regulator's drama/fiction range.
    pub reserved_for_fiction: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTruth {
    pub kind: String,
    pub href: String,
}

/// A risk-lexicon phrase in the ad text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexiconHit {
    /// `youth`, `trust`, `movement`, `third-party`, `rental`, `auction`,
    /// `multiple-providers`, `nationality`.
    pub category: String,
    /// Exactly as in the text.
    pub phrase: String,
    /// Rental days, or the country of origin named.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdConnections {
    /// The same ad text under an earlier id of this site.
    pub repost_of: Option<String>,
    /// The site and ad an aggregator copied this from.
    pub copied_from: Option<AdSource>,
    /// The contact is one of the farm's travelling contacts.
    pub travelling_contact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdSource {
    pub site_id: String,
    pub ad_id: String,
    /// The original ad's page on its own site.
    pub url: String,
}

/// Links between sites.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionsTruth {
    /// Template groups with more than one site.
    pub template_twins: Vec<GroupOfSites>,
    /// Analytics or ad-network ids on more than one site.
    pub shared_analytics: Vec<GroupOfSites>,
    pub aggregators: Vec<AggregatorTruth>,
    /// Contacts on more than one site, or in more than one country.
    pub shared_contacts: Vec<SharedContact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOfSites {
    /// The template group or the id.
    pub key: String,
    pub site_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregatorTruth {
    pub site_id: String,
    pub copies_from: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedContact {
    /// A contact group key (`tel:+43…`).
    pub contact: String,
    pub site_ids: Vec<String>,
    pub cities: Vec<String>,
    pub countries: Vec<String>,
    /// Ads carrying it, on the pages crawlers fetch.
    pub ads: usize,
}
