//! The report's own input model: what every report (mapping sheet,
//! connections, movement, HTML) is made from.
//!
//! It is deliberately independent of how `cartograph-extract` lays out its
//! `SiteIndicators`: the adapter (`from_store.rs`, with `stored_fields.rs`)
//! is the one place that knows the stored layout, so a change of the
//! indicators touches one place, and the reports can be tested on
//! hand-made data. Every value that may be
//! missing is an `Option`: `None` means "not measured" (the site was not
//! crawled, or the extractor that made its indicators did not record it),
//! which the reports show as an empty cell, never as a zero.
//!
//! Personal data: the model holds keyed pseudonyms of contacts (to link
//! sites and count movement), never a number or handle; the pseudonyms
//! themselves never reach any output (`ContactObservation`'s `Debug` hides
//! them too).

use chrono::{DateTime, Utc};
use serde::Serialize;

use cartograph_extract::TemplateFingerprint;

use crate::ad_text::TextFeatures;

/// Everything one report is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportData {
    /// When the report was made (shown in every output).
    pub generated_at: DateTime<Utc>,
    /// The cartograph version that made the report.
    pub tool_version: String,
    /// The runs the report draws on, oldest first: the reported runs and
    /// the earlier ones its trends go back to.
    pub runs: Vec<RunSummary>,
    /// One entry per whitelisted site, in whitelist order.
    pub sites: Vec<SiteInput>,
}

/// One crawl run, as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    pub id: u64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `completed`, `interrupted`.
    pub state: String,
    /// `manual`, `scheduled`, `recrawl`.
    pub trigger: String,
    pub case_label: Option<String>,
}

/// One whitelisted site in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteInput {
    /// The whitelist entry's id.
    pub site_id: String,
    /// ISO 3166-1 alpha-2 of the market the site is mapped for (whitelist).
    pub country: String,
    /// The run the site's row describes; `None` when it has never been
    /// crawled (the row is still there, empty, so nothing is silently
    /// missing from the sheet).
    pub run_id: Option<u64>,
    /// When that run started.
    pub run_started_at: Option<DateTime<Utc>>,
    /// Captures stored for the site in that run, robots.txt included.
    pub capture_count: u64,
    /// Listing pages fetched with a 2xx response in that run.
    pub pages_fetched: u64,
    /// The extractor version that made the site's indicators.
    pub extractor_version: Option<String>,
    /// The risk lexicons' version the indicators were made with, when the
    /// indicators record it.
    pub lexicon_version: Option<String>,
    /// The OSCE mapping fields a–n, except i (connections), which the
    /// report works out from `evidence` across all sites.
    pub fields: MappingFields,
    /// Indicators over the runs up to the reported one, oldest point first.
    pub trends: Vec<TrendSeries>,
    /// What links this site to others.
    pub evidence: ConnectionEvidence,
}

/// The OSCE mapping methodology's fields of one site (DESIGN.md's table).
/// Shares are 0.0–1.0 of the site's distinct ads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MappingFields {
    /// a. The whitelist entry's name.
    pub name: String,
    /// a. The title of the site's first listing page, as crawled.
    pub page_title: Option<String>,
    /// b. The listing URLs the crawl starts from.
    pub urls: Vec<String>,
    /// c. Size and evidence of use.
    pub size: SizeAndUse,
    /// d. Services and prices.
    pub services: Services,
    /// e. Geographical scope.
    pub scope: GeographicalScope,
    /// f. Ethnicity / national origin denotation.
    pub origin: Origin,
    /// g. Social links and phone numbers, as shares and counts only.
    pub contacts: ContactShares,
    /// h. The analyst's notes (whitelist).
    pub notes: Option<String>,
    /// j. Company affiliation: the copyright holder the pages name.
    pub company: Option<String>,
    /// k. Language of the ads.
    pub language: LanguageField,
    /// l. Category.
    pub category: CategoryField,
    /// m. Particular lingo.
    pub lingo: Lingo,
    /// n. Ad space owned or rented.
    pub ad_space: AdSpace,
}

/// Field c.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SizeAndUse {
    /// Distinct ads seen in the run (de-duplicated by ad key).
    pub ads_seen: Option<u64>,
    /// `ads_seen` with reposts under new ids merged: the ads behind the
    /// listings, and what every share of the row is a share of (reposts
    /// inflate counts tenfold in real data).
    pub ads_deduplicated: Option<u64>,
    /// Ad cards seen, repeats included.
    pub ad_cards: Option<u64>,
    /// Listing pages parsed.
    pub pages_parsed: Option<u64>,
    /// What the site's own "N ads online" counter says.
    pub site_counter: Option<u64>,
    /// New distinct ads per day since the previous run.
    pub new_ads_per_day: Option<f64>,
    /// Share of ads posted in the 7 days before the run.
    pub posted_within_week_share: Option<f64>,
}

/// Field d.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Services {
    /// Share of ads naming a service from the services lexicon.
    pub service_terms_share: Option<f64>,
    /// Prices per currency and unit.
    pub prices: Vec<PriceSummary>,
}

/// Prices of one currency and unit on one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceSummary {
    /// ISO 4217.
    pub currency: String,
    /// `hour`, `night`, `day`, `7-days`, …
    pub unit: String,
    /// Ads with a price of this currency and unit.
    pub ads: u64,
    /// In minor units (cents).
    pub median_minor: u64,
    pub min_minor: u64,
    pub max_minor: u64,
}

/// Field e.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeographicalScope {
    /// `local`, `regional`, `national`, `international`, `unknown`.
    pub class: Option<String>,
    /// Distinct places named on the ads: `locations` may list only the
    /// most frequent.
    pub distinct_places: Option<u64>,
    /// Places named on the ads (gazetteer names) with their ad counts,
    /// most frequent first; at most `TOP_PLACES` of them from the store.
    pub locations: Vec<LabelCount>,
}

/// Field f.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Origin {
    /// Share of ads stating an ethnicity or nationality (one of the four
    /// indicators the research found predictive).
    pub nationality_share: Option<f64>,
    /// Share of the ads naming a place whose place is in another country
    /// than the site's.
    pub placed_abroad_share: Option<f64>,
}

/// Field g, as shares and counts: never a number or handle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactShares {
    /// Share of ads offering any contact at all.
    pub any_contact_share: Option<f64>,
    /// Share of ads with a phone number.
    pub phone_share: Option<f64>,
    /// Share of ads per kind of contact (phone, whatsapp, telegram,
    /// instagram, …), largest first.
    pub kind_shares: Vec<LabelShare>,
    /// Share of ads whose phone number is obscured (digits as words, split
    /// up, look-alike letters).
    pub obscured_share: Option<f64>,
    /// Distinct contacts (pseudonyms) on the site's ads.
    pub distinct_contacts: Option<u64>,
    /// Most ads carrying one contact: many hints at a third party.
    pub max_ads_per_contact: Option<u64>,
    /// Share of contacts carried by three ads or more.
    pub contacts_with_3_plus_ads_share: Option<f64>,
}

/// Field k.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LanguageField {
    /// The analyst's expectation (whitelist).
    pub hint: Option<String>,
    /// Detected languages of the ads, largest share first.
    pub shares: Vec<LabelShare>,
}

/// Field l.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CategoryField {
    /// The analyst's category (whitelist).
    pub hint: Option<String>,
    /// What the lexicon classifier makes of the ads.
    pub predicted: Option<String>,
    /// 0.0–1.0: the predicted category's share of all category scores.
    pub predicted_confidence: Option<f64>,
}

/// Field m.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lingo {
    /// Share of ads with a hit in each risk-lexicon category, largest first.
    pub category_shares: Vec<LabelShare>,
}

/// Field n.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdSpace {
    /// Whether the crawled pages link a "post an ad" page: the site rents
    /// ad space to advertisers. `None`: no page was read.
    pub post_ad_page_linked: Option<bool>,
}

/// A label with a count (`Wien`, 42).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelCount {
    pub label: String,
    pub count: u64,
}

/// A label with a share 0.0–1.0 (`de`, 0.8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelShare {
    pub label: String,
    pub share: f64,
}

/// One indicator of one site over runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendSeries {
    /// Stable key (`ads_seen`).
    pub indicator: String,
    /// Words for the chart (`distinct ads`).
    pub label: String,
    pub unit: TrendUnit,
    /// Oldest first.
    pub points: Vec<TrendPoint>,
}

/// How a trend's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrendUnit {
    Count,
    /// 0.0–1.0, shown as a percentage.
    Share,
}

/// One run's value of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub run_id: u64,
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// What may link a site to others, each observation with the captures it
/// was seen in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConnectionEvidence {
    /// The template fingerprint of some of the site's listing pages.
    pub template_pages: Vec<TemplateObservation>,
    /// Analytics and ad-network ids on the site's pages.
    pub tracking_ids: Vec<TrackingObservation>,
    /// Contacts (pseudonyms) and where the ads carrying them were placed.
    pub contacts: Vec<ContactObservation>,
    /// One entry per distinct ad text.
    pub ad_texts: Vec<AdTextObservation>,
    /// The copyright holder the pages name (field j), and where.
    pub company: Option<CompanyObservation>,
}

/// A company named on a site's pages as the copyright holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyObservation {
    /// As the page writes it.
    pub name: String,
    pub capture_id: u64,
}

/// A listing page's structure sketch.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateObservation {
    pub capture_id: u64,
    pub fingerprint: TemplateFingerprint,
}

/// An analytics or ad-network id (the site operator's account, not a
/// person's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingObservation {
    /// `google-analytics`, `ad-sense`, …
    pub network: String,
    /// As written (`UA-12345678-1`).
    pub id: String,
    pub capture_ids: Vec<u64>,
}

/// One contact seen on one site in one place.
#[derive(Clone, PartialEq, Eq)]
pub struct ContactObservation {
    /// The keyed pseudonym; used to link, never shown.
    pub pseudonym: String,
    /// The city the ad names (gazetteer name), if any.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 (upper case) of that place, if any.
    pub country: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// The run of `first_seen`: movement is ordered by run, because the
    /// order of captures inside one run says nothing about who moved first.
    pub first_run: u64,
    pub capture_ids: Vec<u64>,
    /// Ids ([`AdTextObservation::text_id`]) of the ad texts carrying the
    /// contact here, so a contact that two sites share only because one
    /// copied the other's ads is not counted as independent evidence.
    pub ad_text_ids: Vec<u64>,
}

impl std::fmt::Debug for ContactObservation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ContactObservation")
            .field("pseudonym", &"<hidden>")
            .field("city", &self.city)
            .field("country", &self.country)
            .field("first_seen", &self.first_seen)
            .field("last_seen", &self.last_seen)
            .field("first_run", &self.first_run)
            .field("capture_ids", &self.capture_ids)
            .finish_non_exhaustive()
    }
}

/// One distinct ad text on one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdTextObservation {
    /// Names the text within the report (the features' digest).
    pub text_id: u64,
    /// The ad's own words and numbers (see `ad_text`).
    pub features: TextFeatures,
    /// When the site first showed it, within the runs read.
    pub first_seen: DateTime<Utc>,
    /// The run of `first_seen`.
    pub first_run: u64,
    pub capture_ids: Vec<u64>,
}

impl ReportData {
    /// The site with this id.
    pub fn site(&self, site_id: &str) -> Option<&SiteInput> {
        self.sites.iter().find(|site| site.site_id == site_id)
    }
}
