//! One listing page: decode, parse, find the ad cards and the links.
//!
//! With a site profile the cards are the elements its `ad` selector picks
//! (`records::find_cards`); without one the page yields links only (the
//! generic finder is wired in with the page indicators). Each card becomes
//! an [`AdKey`], a digest of the ad's id or URL (or of its text when it has
//! no link), so the same ad listed twice is counted once and the store never
//! sees its URL.

use cartograph_config::{normalise_url, SiteSpec};
use scraper::{Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::records::{find_cards, CardSet};
pub use crate::records::{AdKey, ExtractionMethod};

/// Everything extraction learned from one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageExtraction {
    /// The signals that go into the indicator store.
    pub indicators: PageIndicators,
    /// Links the crawler may follow after its scope guard has checked them;
    /// never stored as indicators.
    pub links: PageLinks,
    /// Problems met on the page (bad selector match, undecodable bytes);
    /// reported per page, never fatal.
    pub warnings: Vec<String>,
}

/// Signals of one listing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageIndicators {
    /// How the ad cards were found, so an analyst can judge the count.
    pub method: ExtractionMethod,
    /// 0.0–1.0: how sure the method is that the cards are the page's ads.
    pub confidence: f32,
    /// Number of ad cards on the page, repeats included.
    pub ad_cards: usize,
    /// One key per distinct ad on the page, in page order.
    pub ad_keys: Vec<AdKey>,
    /// Whether the page links to a next page of the listing.
    pub has_next_page: bool,
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
/// that is not HTML yields no cards and a warning.
pub fn extract_page(
    site: &SiteSpec,
    page_url: &Url,
    headers: &[(String, String)],
    body: &[u8],
) -> PageExtraction {
    let mut warnings = Vec::new();
    if let Some(content_type) = header(headers, "content-type") {
        if !content_type.to_ascii_lowercase().contains("html") {
            warnings.push(format!("not an html page (content-type {content_type})"));
            return PageExtraction {
                indicators: PageIndicators::empty(ExtractionMethod::None),
                links: PageLinks::default(),
                warnings,
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
    if decoded.replacements > 0 {
        warnings.push(format!(
            "{} undecodable byte sequences replaced (decoded as {})",
            decoded.replacements, decoded.encoding
        ));
    }
    let document = Html::parse_document(&decoded.text);
    let base = base_url(&document, page_url);
    let links = collect_links(&document, &base);

    let (indicators, next) = match &site.profile {
        Some(profile) => {
            let card_set = find_cards(&document, page_url, Some(profile));
            warnings.extend(card_set.warnings.iter().cloned());
            let next = profile
                .next
                .as_ref()
                .and_then(|source| match Selector::parse(source) {
                    Ok(next) => first_href(&document, &next, &base),
                    Err(error) => {
                        warnings.push(format!(
                            "profile selector next = {source:?} is invalid: {error}"
                        ));
                        None
                    }
                });
            (indicators_from_cards(&card_set, next.is_some()), next)
        }
        None => (PageIndicators::empty(ExtractionMethod::None), None),
    };
    PageExtraction {
        indicators,
        links: PageLinks { next, all: links },
        warnings,
    }
}

impl PageIndicators {
    fn empty(method: ExtractionMethod) -> PageIndicators {
        PageIndicators {
            method,
            confidence: 0.0,
            ad_cards: 0,
            ad_keys: Vec::new(),
            has_next_page: false,
        }
    }
}

fn indicators_from_cards(card_set: &CardSet, has_next_page: bool) -> PageIndicators {
    PageIndicators {
        method: card_set.method,
        confidence: card_set.confidence,
        ad_cards: card_set.cards.len() + card_set.repeated_cards,
        ad_keys: card_set
            .cards
            .iter()
            .map(|card| card.ad_key.clone())
            .collect(),
        has_next_page,
    }
}

fn anchor_selector() -> &'static Selector {
    static ANCHOR: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    // Invariant: a constant, valid selector.
    ANCHOR.get_or_init(|| Selector::parse("a[href]").expect("constant selector parses"))
}

fn base_selector() -> &'static Selector {
    static BASE: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    // Invariant: a constant, valid selector.
    BASE.get_or_init(|| Selector::parse("base[href]").expect("constant selector parses"))
}

/// The URL relative links resolve against: `<base href>` if present.
fn base_url(document: &Html, page_url: &Url) -> Url {
    document
        .select(base_selector())
        .find_map(|base| base.value().attr("href"))
        .and_then(|href| resolve(page_url, href))
        .unwrap_or_else(|| page_url.clone())
}

fn collect_links(document: &Html, base: &Url) -> Vec<Url> {
    let mut seen = std::collections::HashSet::new();
    let mut links = Vec::new();
    for anchor in document.select(anchor_selector()) {
        let Some(url) = anchor
            .value()
            .attr("href")
            .and_then(|href| resolve(base, href))
        else {
            continue;
        };
        if seen.insert(url.as_str().to_owned()) {
            links.push(url);
        }
    }
    links
}

fn first_href(document: &Html, selector: &Selector, base: &Url) -> Option<Url> {
    document.select(selector).find_map(|element| {
        let href = element.value().attr("href").or_else(|| {
            element
                .select(anchor_selector())
                .find_map(|anchor| anchor.value().attr("href"))
        })?;
        resolve(base, href)
    })
}

/// Resolves `href` against `base`, keeping only http(s) URLs, normalised.
fn resolve(base: &Url, href: &str) -> Option<Url> {
    let url = base.join(href.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| normalise_url(&url))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header_name, _)| header_name.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}
