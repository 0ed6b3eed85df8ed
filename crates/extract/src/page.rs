//! One listing page: decode, parse, find the ad cards and the links.
//!
//! With a site profile the cards are the elements its `ad` selector picks;
//! without one the page yields links only (generic record detection is a
//! later step and reports its own method). Each card becomes an [`AdKey`], a
//! digest of the ad's own URL (or of its text when it has no link), so the
//! same ad listed twice is counted once and the store never sees its URL.

use cartograph_config::{normalise_url, SiteSpec};
use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

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

/// How the ad cards of a page were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtractionMethod {
    /// The site's configured CSS selectors.
    Profile,
    /// No profile and no detected record structure: no cards counted.
    None,
}

/// A pseudonymous, stable key for one ad: hex of the first 16 bytes of the
/// SHA-256 of the ad's normalised URL (or of its card text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AdKey(String);

impl AdKey {
    /// Key of the ad whose own page is `url`.
    pub fn from_url(url: &Url) -> AdKey {
        AdKey::digest(b"url\0", normalise_url(url).as_str().as_bytes())
    }

    /// Key of an ad that has no link, from its whitespace-collapsed text.
    pub fn from_text(text: &str) -> AdKey {
        let collapsed: Vec<&str> = text.split_whitespace().collect();
        AdKey::digest(b"text\0", collapsed.join(" ").as_bytes())
    }

    /// The key as lowercase hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digest(domain: &[u8], bytes: &[u8]) -> AdKey {
        let mut hasher = Sha256::new();
        hasher.update(domain);
        hasher.update(bytes);
        AdKey(hex::encode(&hasher.finalize()[..16]))
    }
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
    let text = String::from_utf8_lossy(body);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        warnings.push("body is not valid utf-8; undecodable bytes replaced".to_owned());
    }
    let document = Html::parse_document(&text);
    let base = base_url(&document, page_url);
    let links = collect_links(&document, &base);

    let (indicators, next) = match &site.profile {
        Some(profile) => {
            let selectors = ProfileSelectors::compile(profile, &mut warnings);
            let cards = match &selectors.ad {
                Some(ad) => cards_by_profile(&document, ad, selectors.link.as_ref(), &base),
                None => Vec::new(),
            };
            let next = selectors
                .next
                .as_ref()
                .and_then(|next| first_href(&document, next, &base));
            if cards.is_empty() {
                warnings.push("profile selector matched no ad cards".to_owned());
            }
            (
                indicators_from_cards(ExtractionMethod::Profile, 1.0, &cards, next.is_some()),
                next,
            )
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

/// The profile's selectors, compiled. Config validation already checked
/// their syntax; a selector that still fails is reported and skipped.
struct ProfileSelectors {
    ad: Option<Selector>,
    link: Option<Selector>,
    next: Option<Selector>,
}

impl ProfileSelectors {
    fn compile(
        profile: &cartograph_config::ExtractionProfile,
        warnings: &mut Vec<String>,
    ) -> ProfileSelectors {
        let mut compile = |name: &str, source: Option<&String>| {
            let source = source?;
            match Selector::parse(source) {
                Ok(selector) => Some(selector),
                Err(error) => {
                    warnings.push(format!(
                        "profile selector {name} = {source:?} is invalid: {error}"
                    ));
                    None
                }
            }
        };
        ProfileSelectors {
            ad: compile("ad", Some(&profile.ad)),
            link: compile("link", profile.link.as_ref()),
            next: compile("next", profile.next.as_ref()),
        }
    }
}

fn cards_by_profile(
    document: &Html,
    ad: &Selector,
    link: Option<&Selector>,
    base: &Url,
) -> Vec<AdKey> {
    document
        .select(ad)
        .map(|card| card_key(card, link, base))
        .collect()
}

/// The key of one card: its link's URL when it has one, else its text.
fn card_key(card: ElementRef<'_>, link: Option<&Selector>, base: &Url) -> AdKey {
    let href = match link {
        Some(selector) => card
            .select(selector)
            .find_map(|anchor| anchor.value().attr("href")),
        None => card.value().attr("href").or_else(|| {
            card.select(anchor_selector())
                .find_map(|a| a.value().attr("href"))
        }),
    };
    match href.and_then(|href| resolve(base, href)) {
        Some(url) => AdKey::from_url(&url),
        None => AdKey::from_text(&card.text().collect::<String>()),
    }
}

fn indicators_from_cards(
    method: ExtractionMethod,
    confidence: f32,
    cards: &[AdKey],
    has_next_page: bool,
) -> PageIndicators {
    let mut ad_keys: Vec<AdKey> = Vec::with_capacity(cards.len());
    for key in cards {
        if !ad_keys.contains(key) {
            ad_keys.push(key.clone());
        }
    }
    PageIndicators {
        method,
        confidence: if cards.is_empty() { 0.0 } else { confidence },
        ad_cards: cards.len(),
        ad_keys,
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
