//! One listing page: decode, prepare, parse, find the ad cards and reduce
//! each to signals, and find the page's own signals and links.
//!
//! The order of work, one parse and one outline walk shared by all:
//! 1. decode (`crate::decode`), then read the analytics ids off the whole
//!    text, scripts included;
//! 2. prepare the text (`page/prepare.rs`): drop what no extractor reads
//!    and cap what a hostile page can make the parser do;
//! 3. parse (scraper), build the outline (`records::outline`), find the
//!    cards (profile, JSON-LD or generic), the template fingerprint, the
//!    links and the next page;
//! 4. read the page's own text around the cards for its ad counter and
//!    category cues, decide the page language from the cards' text, and
//!    reduce every card to [`AdSignals`] (`page/signals.rs`).
//!
//! What leaves this module is signals only: keys, digests, counts, codes
//! and keyed pseudonyms. Card text, contact details and URLs stay inside the
//! call (links for the crawler travel in [`PageLinks`], never stored).

mod chrome;
mod prepare;
mod signals;

use std::collections::{BTreeMap, BTreeSet};

use cartograph_config::{normalise_url, SiteCategory, SiteSpec};
use chrono::{DateTime, Utc};
use scraper::{Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::analytics::{find_tracking_ids, TrackingId};
use crate::contacts::{is_contact_host, ContactKind, ContactPseudonym, LinkageKey};
use crate::dates::PostedTime;
use crate::decode::CharsetSource;
use crate::lexicon::{LexiconSet, RiskCategory};
use crate::prices::Price;
use crate::records::link_shapes::ResolvedLinks;
use crate::records::outline::Outline;
use crate::records::{
    base_url_in, find_cards_in, find_next_page, resolve, template_fingerprint_of,
    TemplateFingerprint,
};
pub use crate::records::{AdKey, ExtractionMethod};

pub use prepare::{MAX_ACTIVE_FORMATTING, MAX_ATTRIBUTES, MAX_OPEN_ELEMENTS, MAX_PARSED_BYTES};

/// What extraction needs besides the page: the lexicons and linkage key
/// the caller loaded (extract does no I/O) and the capture time, which is
/// "now" for relative dates ("2 hours ago") and dates without a year
/// (extract has no clock).
#[derive(Debug, Clone, Copy)]
pub struct ExtractionContext<'context> {
    pub lexicons: &'context LexiconSet,
    pub linkage_key: &'context LinkageKey,
    pub captured_at: DateTime<Utc>,
}

/// Everything extraction learned from one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageExtraction {
    /// The signals that go into the indicator store.
    pub indicators: PageIndicators,
    /// Links the crawler may follow after its scope guard has checked them;
    /// never stored as indicators.
    pub links: PageLinks,
}

/// Signals of one listing page; stored as JSON with the capture they came
/// from. Holds no ad text, no contact detail and no URL.
///
/// Fields added after the first release are `#[serde(default)]`, so rows
/// stored by an older extractor still load.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageIndicators {
    /// How the ad cards were found, so an analyst can judge the count.
    pub method: ExtractionMethod,
    /// 0.0–1.0: how sure the method is that the cards are the page's ads.
    pub confidence: f32,
    /// Number of ad cards on the page, repeats included.
    pub ad_cards: usize,
    /// One entry per distinct ad on the page, in page order.
    pub ads: Vec<AdSignals>,
    /// Whether the page links to a next page of the listing.
    pub has_next_page: bool,
    /// The site's own count of its ads ("1 234 ads online"), if the page
    /// shows one.
    pub ad_counter: Option<u64>,
    /// A count of the ads on this page only ("showing 20 ads"), if shown.
    pub page_counter: Option<u64>,
    /// Analytics and ad-network ids anywhere in the page.
    pub tracking_ids: BTreeSet<TrackingId>,
    /// Sketch of the page's markup, to tell pages of one template.
    pub template_fingerprint: Option<TemplateFingerprint>,
    /// The language of the page's ad text, from all its cards together.
    pub language: Option<LanguageSignal>,
    /// WHATWG name of the encoding the page was decoded with.
    pub charset: Option<String>,
    /// Where that encoding came from.
    pub charset_source: Option<CharsetSource>,
    /// Category cues found in the page's own text (title, headings,
    /// navigation, footer) and in its cards' text, per category: the
    /// classifier's input.
    pub category_cues: BTreeMap<SiteCategory, u32>,
    /// Cards with a link to another host (an aggregator names its sources).
    pub cards_linking_elsewhere: usize,
    /// Problems met on the page (undecodable bytes, a stale profile, a
    /// hostile page cut down before parsing); never fatal, never ad text.
    pub warnings: Vec<String>,
}

impl PageIndicators {
    /// The keys of the page's distinct ads, in page order.
    pub fn ad_keys(&self) -> impl Iterator<Item = &AdKey> + '_ {
        self.ads.iter().map(|ad| &ad.ad_key)
    }
}

/// A language and how sure the detection is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageSignal {
    /// ISO 639-1, lower case.
    pub code: String,
    pub confidence: f32,
}

/// The signals of one ad card. Never its text or contact details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdSignals {
    /// Which ad this is (a digest of its id or URL).
    pub ad_key: AdKey,
    /// SimHash of the card text, as 16 hex digits, to catch a repost under
    /// a new id (`records::text_fingerprint`).
    #[serde(with = "hex_fingerprint")]
    pub text_fingerprint: u64,
    /// When the ad was posted, as far as the card says.
    pub posted: Option<PostedTime>,
    /// Every price on the card.
    pub prices: Vec<Price>,
    /// The gazetteer key of the card's place (`at/wien`, or `at` for a
    /// whole country).
    pub place: Option<String>,
    /// ISO 639-1 of the card's language.
    pub language: Option<String>,
    /// Where `language` came from.
    pub language_source: LanguageSource,
    /// Risk-lexicon categories with at least one hit on the card.
    pub lexicon: BTreeSet<RiskCategory>,
    /// Every channel the card offers (phone, messengers, networks).
    pub contact_kinds: BTreeSet<ContactKind>,
    /// Whether a phone number had to be recovered from an obscured form.
    pub obscured_contact: bool,
    /// Keyed pseudonyms of the card's contacts (HMAC-SHA256 with the
    /// linkage key), to link ads that share a contact.
    pub contacts: BTreeSet<ContactPseudonym>,
}

/// Where an ad's language came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LanguageSource {
    /// Detected on the card's own text.
    Card,
    /// The card is too short to tell: the page's language.
    Page,
    /// Neither the card nor the page told: the site's language hint.
    SiteHint,
    /// Nothing to go by.
    #[default]
    Unknown,
}

/// Links found on a page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageLinks {
    /// The next page of the listing, if the page names one.
    pub next: Option<Url>,
    /// Every http(s) link on the page, resolved and normalised, without
    /// repeats, in page order (the next link included).
    pub all: Vec<Url>,
}

/// Extracts one fetched page of `site`.
///
/// `headers` are the response headers as received (name, value); `body` the
/// body bytes with any content-encoding already undone by the caller. A page
/// that is not HTML yields no cards and a warning. Never panics, whatever
/// the bytes (see `tests/never_panics.rs`).
pub fn extract_page(
    site: &SiteSpec,
    page_url: &Url,
    headers: &[(String, String)],
    body: &[u8],
    context: &ExtractionContext<'_>,
) -> PageExtraction {
    let mut indicators = PageIndicators::default();
    if let Some(content_type) = header(headers, "content-type") {
        if !content_type.to_ascii_lowercase().contains("html") {
            indicators
                .warnings
                .push(format!("not an html page (content-type {content_type})"));
            return PageExtraction {
                indicators,
                links: PageLinks::default(),
            };
        }
    }
    let decoded = crate::decode::decode_html_with_tld_hint(
        headers,
        body,
        page_url
            .domain()
            .and_then(|domain| domain.rsplit('.').next()),
    );
    indicators.charset = Some(decoded.encoding.to_owned());
    indicators.charset_source = Some(decoded.source);
    if decoded.replacements > 0 {
        indicators.warnings.push(format!(
            "{} undecodable byte sequences replaced (decoded as {})",
            decoded.replacements, decoded.encoding
        ));
    }
    indicators.tracking_ids = find_tracking_ids(&decoded.text);
    let prepared = prepare::prepare(&decoded.text);
    indicators.warnings.extend(prepared.warnings());
    let document = Html::parse_document(&prepared.text);
    drop(prepared);
    drop(decoded);
    let outline = Outline::build(&document);
    let base = base_url_in(&outline, page_url);
    // Every link resolved once, for the card finder and the crawler.
    let resolved_links = ResolvedLinks::new(&outline, &base);
    let all_links = resolved_links.distinct_in_order();
    let card_set = find_cards_in(
        &document,
        &outline,
        &resolved_links,
        page_url,
        site.profile.as_ref(),
    );
    indicators
        .warnings
        .extend(card_set.warnings.iter().cloned());
    let next = next_page(site, &document, page_url, &base, &mut indicators.warnings);
    indicators.template_fingerprint = Some(template_fingerprint_of(&outline));
    indicators.method = card_set.method;
    indicators.confidence = card_set.confidence;
    indicators.ad_cards = card_set.cards.len() + card_set.repeated_cards;
    indicators.has_next_page = next.is_some();

    let own_host = page_url.host_str().map(site_host);
    let is_elsewhere = |href: &str| {
        resolve(&base, href).is_some_and(|url| {
            url.host_str()
                .is_some_and(|host| Some(site_host(host)) != own_host)
        })
    };
    let chrome = chrome::page_chrome(&outline, &card_set.cards, is_elsewhere);
    indicators.ad_counter = chrome.ad_counter;
    indicators.page_counter = chrome.page_counter;
    indicators.cards_linking_elsewhere = card_set
        .cards
        .iter()
        .filter(|card| {
            card.hrefs.iter().any(|href| {
                href.host_str().is_some_and(|host| {
                    let host = site_host(host);
                    Some(&host) != own_host.as_ref() && !is_contact_host(&host)
                })
            })
        })
        .count();
    let signals = signals::card_signals(site, &card_set.cards, context);
    indicators.category_cues = crate::category::category_cues(&chrome.text, &signals.card_sample);
    indicators.language = signals.page_language;
    indicators.ads = signals.ads;
    PageExtraction {
        indicators,
        links: PageLinks {
            next,
            all: all_links,
        },
    }
}

/// The next listing page: the profile's `next` selector when it has one,
/// else the generic rules of `records::next_page`.
fn next_page(
    site: &SiteSpec,
    document: &Html,
    page_url: &Url,
    base: &Url,
    warnings: &mut Vec<String>,
) -> Option<Url> {
    if let Some(source) = site
        .profile
        .as_ref()
        .and_then(|profile| profile.next.as_ref())
    {
        match Selector::parse(source) {
            Ok(selector) => return first_href(document, &selector, base),
            Err(error) => {
                warnings.push(format!(
                    "profile selector next = {source:?} is invalid: {error}"
                ));
            }
        }
    }
    find_next_page(document, page_url)
}

fn first_href(document: &Html, selector: &Selector, base: &Url) -> Option<Url> {
    document.select(selector).find_map(|element| {
        let href = element.value().attr("href").or_else(|| {
            element
                .descendent_elements()
                .filter(|inner| inner.value().name() == "a")
                .find_map(|anchor| anchor.value().attr("href"))
        })?;
        let url = base.join(href.trim()).ok()?;
        matches!(url.scheme(), "http" | "https").then(|| normalise_url(&url))
    })
}

/// A host without a leading `www.`, lower case: links to `www.a.test`
/// and `a.test` stay on one site.
fn site_host(host: &str) -> String {
    let lower = host.to_ascii_lowercase();
    match lower.strip_prefix("www.") {
        Some(rest) => rest.to_owned(),
        None => lower,
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header_name, _)| header_name.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// A `u64` as 16 lower-case hex digits in JSON: JavaScript readers of the
/// indicators would round a large integer.
mod hex_fingerprint {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{value:016x}"))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        let text = String::deserialize(deserializer)?;
        u64::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
}
