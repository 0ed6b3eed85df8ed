//! The ad cards of one listing page, found with the site's profile when it
//! has one and without one when it does not.
//!
//! Three methods, tried in this order:
//! 1. **Profile**: the site's CSS selectors (`ad`, `link`, `date`, `price`,
//!    `location`). Confidence 1.0 when the `ad` selector matches; when it
//!    matches nothing (the site changed its markup) the generic finder runs
//!    and a warning says so.
//! 2. **JSON-LD**: an `ItemList` the page declares in
//!    `<script type="application/ld+json">` (the longest one when there are
//!    several). Each item becomes a card; when the generic finder found a
//!    card for the same ad its text and links are used, since the item
//!    itself carries little text.
//! 3. **Generic**: the repeated record structure of the page (see
//!    `records/generic.rs`), the MDR / DEPTA family of data-record methods.
//!
//! On every method cards are de-duplicated by [`AdKey`]: the same ad shown
//! twice on one page (a promoted copy above the list) is one card, and
//! [`CardSet::repeated_cards`] counts the copies dropped.

mod ad_key;
mod generic;
mod json_ld;
pub(crate) mod link_shapes;
mod next_page;
pub(crate) mod outline;
mod profile;
mod stable_hash;
mod template_fingerprint;
mod text_fingerprint;

use std::collections::HashMap;

use cartograph_config::{normalise_url, ExtractionProfile};
use ego_tree::iter::Edge;
use scraper::node::Node;
use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

pub use ad_key::{ad_id_in_url, AdKey};
pub use next_page::find_next_page;
pub(crate) use template_fingerprint::template_fingerprint_of;
pub use template_fingerprint::{
    similarity, template_fingerprint, TemplateFingerprint, TEMPLATE_FINGERPRINT_SLOTS,
};
pub(crate) use text_fingerprint::text_fingerprint_folded;
pub use text_fingerprint::{
    fingerprint_distance, is_probable_repost, text_fingerprint, REPOST_HAMMING_THRESHOLD,
};

/// The ad cards found on one page, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct CardSet {
    /// How the cards were found, so an analyst can judge the count.
    pub method: ExtractionMethod,
    /// 0.0–1.0: how sure the method is that these are the page's ads.
    /// Profile: 1.0 when its selector matched. JSON-LD: 0.8, plus up to 0.2
    /// for the share of items the generic finder also saw on the page.
    /// Generic: `0.3 × structure + 0.3 × links + 0.2 × count + 0.2 × margin`
    /// (defined in `records/generic.rs`). 0.0 when there are no cards.
    pub confidence: f32,
    /// One card per distinct ad, in page order.
    pub cards: Vec<Card>,
    /// Cards dropped because an earlier card on the page had the same key.
    pub repeated_cards: usize,
    /// Problems met (an invalid profile selector, a profile that matched
    /// nothing); reported per page, never fatal.
    pub warnings: Vec<String>,
}

/// How the ad cards of a page were found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ExtractionMethod {
    /// The site's configured CSS selectors.
    Profile,
    /// The page's own JSON-LD `ItemList`.
    JsonLd,
    /// Repeated record structure found without any site knowledge.
    Generic,
    /// Nothing that looks like a list of ads: no cards counted.
    #[default]
    None,
}

/// One ad card. Everything but the key and fingerprint is for the signal
/// extractors of the same call and is never stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Which ad this is; see [`AdKey`].
    pub ad_key: AdKey,
    /// SimHash of the folded card text, to catch an ad reposted under a new
    /// id; compare with [`is_probable_repost`].
    pub text_fingerprint: u64,
    /// The card's visible text, whitespace collapsed to single spaces, at
    /// most [`CARD_TEXT_BYTES`] (a "card" that is half a page must not
    /// cost like one).
    pub text: String,
    /// Every link in the card, resolved and normalised, without repeats.
    pub hrefs: Vec<Url>,
    /// The link to the ad's own page, when the card has one.
    pub link: Option<Url>,
    /// Text of the profile's `date` element (or its `datetime`), if any.
    pub date_text: Option<String>,
    /// Text of the profile's `price` element, if any.
    pub price_text: Option<String>,
    /// Text of the profile's `location` element, if any.
    pub location_text: Option<String>,
    /// Every `href` in the card as written, `tel:`, `mailto:` and messenger
    /// links included: the contact reader's input.
    pub contact_hrefs: Vec<String>,
    /// The card's element, when it has one (a JSON-LD item the page does
    /// not show has none).
    pub(crate) node: Option<ego_tree::NodeId>,
    /// Byte ranges of `text` that were one text node each: a card's fields
    /// (a place alone in its element is a location field).
    pub(crate) fields: Vec<(u32, u32)>,
    /// `crate::fold(text)`, made once for every signal that reads it.
    pub(crate) folded: String,
}

/// Most bytes of visible text a card keeps.
pub const CARD_TEXT_BYTES: usize = 8 * 1024;

impl Card {
    /// The card's text nodes, each as a slice of its text.
    pub(crate) fn field_texts(&self) -> impl Iterator<Item = &str> + '_ {
        self.fields
            .iter()
            .filter_map(|&(start, end)| self.text.get(start as usize..end as usize))
    }
}

/// Finds the ad cards of a parsed listing page at `page_url`.
pub fn find_cards(document: &Html, page_url: &Url, profile: Option<&ExtractionProfile>) -> CardSet {
    let outline = outline::Outline::build(document);
    let links = link_shapes::ResolvedLinks::new(&outline, &base_url_in(&outline, page_url));
    find_cards_in(document, &outline, &links, page_url, profile)
}

/// [`find_cards`] with the page's outline already built (one walk of the
/// page serves the card finder, the template fingerprint and the links).
pub(crate) fn find_cards_in(
    document: &Html,
    outline: &outline::Outline<'_>,
    links: &link_shapes::ResolvedLinks,
    page_url: &Url,
    profile: Option<&ExtractionProfile>,
) -> CardSet {
    let mut warnings = Vec::new();
    let base = base_url_in(outline, page_url);
    if let Some(profile) = profile {
        let cards = profile::cards_by_profile(document, profile, &base, &mut warnings);
        if !cards.is_empty() {
            return card_set(ExtractionMethod::Profile, 1.0, cards, warnings);
        }
        warnings.push("profile selector matched no ad cards; generic detection used".to_owned());
    }
    let detected = generic::find_records(outline, links);
    let generic_cards: Vec<Card> = detected
        .as_ref()
        .map(|detected| {
            detected
                .records
                .iter()
                .map(|record| {
                    let element = outline.nodes[record.index].element;
                    card_from_parts(
                        element,
                        record.hrefs.clone(),
                        record.link.clone(),
                        CardFields::default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();

    let scripts = outline
        .nodes
        .iter()
        .map(|node| node.element)
        .filter(|element| element.value().name() == "script");
    let json_ld_items = json_ld::item_list(scripts, &base);
    if !json_ld_items.is_empty() {
        let (mut cards, confidence) = json_ld::cards_from_items(json_ld_items, &generic_cards);
        locate_item_cards(outline, &base, &mut cards);
        return card_set(ExtractionMethod::JsonLd, confidence, cards, warnings);
    }
    match detected {
        Some(detected) if !generic_cards.is_empty() => card_set(
            ExtractionMethod::Generic,
            detected.confidence,
            generic_cards,
            warnings,
        ),
        _ => card_set(ExtractionMethod::None, 0.0, Vec::new(), warnings),
    }
}

/// Most links a JSON-LD item's card may hold: more, and it is a list.
const MAX_LINKS_PER_ITEM_CARD: u32 = 6;

/// Gives JSON-LD cards the generic finder did not see (a page of one ad is
/// no repeated structure) their element on the page: the largest ancestor
/// of a link to the item that holds no other item's link, is no page
/// furniture and holds at most [`MAX_LINKS_PER_ITEM_CARD`] links. Their
/// text and contacts are then the card's, not just the item's name.
fn locate_item_cards(outline: &outline::Outline<'_>, base: &Url, cards: &mut [Card]) {
    if cards
        .iter()
        .all(|card| card.node.is_some() || card.link.is_none())
    {
        return;
    }
    let item_of: HashMap<&str, usize> = cards
        .iter()
        .enumerate()
        .filter_map(|(item, card)| card.link.as_ref().map(|link| (link.as_str(), item)))
        .collect();
    // (outline index, item) of every anchor linking to an item, in order.
    let item_anchors: Vec<(usize, usize)> = outline
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, node)| node.is_link)
        .filter_map(|(index, node)| {
            let url = resolve(base, node.element.value().attr("href")?)?;
            item_of.get(url.as_str()).map(|&item| (index, item))
        })
        .collect();
    let holds_other_item = |index: usize, item: usize| {
        let end = outline.nodes[index].subtree_end;
        let first = item_anchors.partition_point(|&(anchor, _)| anchor < index);
        item_anchors[first..]
            .iter()
            .take_while(|&&(anchor, _)| anchor < end)
            .any(|&(_, other)| other != item)
    };
    for (item, card) in cards.iter_mut().enumerate() {
        if card.node.is_some() {
            continue;
        }
        let Some(&(anchor, _)) = item_anchors.iter().find(|&&(_, other)| other == item) else {
            continue;
        };
        let mut current = anchor;
        while let Some(parent) = outline.nodes[current].parent {
            let node = &outline.nodes[parent];
            if node.furniture
                || node.links > MAX_LINKS_PER_ITEM_CARD
                || holds_other_item(parent, item)
            {
                break;
            }
            current = parent;
        }
        let element = outline.nodes[current].element;
        let located = card_from_parts(
            element,
            element_hrefs(element, base),
            card.link.clone(),
            CardFields::default(),
        );
        *card = Card {
            ad_key: card.ad_key.clone(),
            ..located
        };
    }
}

/// The URL relative links resolve against: the first `<base href>` that
/// resolves to an http(s) URL, else the page's own.
pub(crate) fn base_url_in(outline: &outline::Outline<'_>, page_url: &Url) -> Url {
    outline
        .nodes
        .iter()
        .filter(|node| node.element.value().name() == "base")
        .find_map(|node| node.element.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone())
}

/// De-duplicates by key, keeping each ad at its first place on the page
/// but with the fullest of its copies (a promoted strip often shows only
/// the title of an ad whose full card follows).
fn card_set(
    method: ExtractionMethod,
    confidence: f32,
    cards: Vec<Card>,
    warnings: Vec<String>,
) -> CardSet {
    let mut positions: HashMap<AdKey, usize> = HashMap::with_capacity(cards.len());
    let mut distinct: Vec<Card> = Vec::with_capacity(cards.len());
    let mut repeated_cards = 0;
    for card in cards {
        match positions.get(&card.ad_key) {
            Some(&position) => {
                repeated_cards += 1;
                if card.text.len() > distinct[position].text.len() {
                    distinct[position] = card;
                }
            }
            None => {
                positions.insert(card.ad_key.clone(), distinct.len());
                distinct.push(card);
            }
        }
    }
    let confidence = if distinct.is_empty() {
        0.0
    } else {
        confidence.clamp(0.0, 1.0)
    };
    CardSet {
        method: if distinct.is_empty() {
            ExtractionMethod::None
        } else {
            method
        },
        confidence,
        cards: distinct,
        repeated_cards,
        warnings,
    }
}

/// The profile's per-card texts; empty for the generic methods.
#[derive(Debug, Default)]
pub(crate) struct CardFields {
    pub(crate) date_text: Option<String>,
    pub(crate) price_text: Option<String>,
    pub(crate) location_text: Option<String>,
}

/// A card from its element. `link` is the ad link when the method chose
/// one; otherwise the card's first link is taken.
pub(crate) fn card_from_element(
    element: ElementRef<'_>,
    base: &Url,
    link: Option<Url>,
    fields: CardFields,
) -> Card {
    card_from_parts(element, element_hrefs(element, base), link, fields)
}

/// A card from its element and its links, already resolved.
fn card_from_parts(
    element: ElementRef<'_>,
    hrefs: Vec<Url>,
    link: Option<Url>,
    fields: CardFields,
) -> Card {
    let (text, contact_hrefs, text_fields) = visible_text_and_hrefs(element);
    let folded = crate::fold(&text);
    let link = link.or_else(|| hrefs.first().cloned());
    let ad_key = match &link {
        Some(url) => AdKey::from_url(url),
        None => AdKey::from_text(&text),
    };
    Card {
        ad_key,
        text_fingerprint: text_fingerprint::text_fingerprint_folded(&folded),
        text,
        hrefs,
        link,
        date_text: fields.date_text,
        price_text: fields.price_text,
        location_text: fields.location_text,
        contact_hrefs,
        node: Some(element.id()),
        fields: text_fields,
        folded,
    }
}

/// The visible text of an element: text nodes outside `script`, `style`
/// and the like, joined by single spaces.
pub(crate) fn visible_text(element: ElementRef<'_>) -> String {
    visible_text_capped(element, usize::MAX)
}

/// [`visible_text`], every anchor's `href` as written, and the byte range
/// of each text node in the text, in one walk.
fn visible_text_and_hrefs(element: ElementRef<'_>) -> (String, Vec<String>, Vec<(u32, u32)>) {
    let mut text = String::new();
    let mut hrefs: Vec<String> = Vec::new();
    let mut fields: Vec<(u32, u32)> = Vec::new();
    let mut hidden_depth = 0usize;
    let mut text_full = false;
    for edge in element.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(inner) if is_opaque(inner.name()) || hidden_depth > 0 => {
                    hidden_depth += 1;
                }
                Node::Element(inner) if inner.name() == "a" => {
                    if let Some(href) = inner.attr("href") {
                        let href = href.trim();
                        if !href.is_empty() && !hrefs.iter().any(|seen| seen == href) {
                            hrefs.push(href.to_owned());
                        }
                    }
                }
                Node::Text(fragment) if hidden_depth == 0 && !text_full => {
                    let before = text.len();
                    push_words(&mut text, fragment);
                    if text.len() >= CARD_TEXT_BYTES {
                        let mut cut = CARD_TEXT_BYTES.min(text.len());
                        while !text.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        text.truncate(cut);
                        // A cut may end at a space; nothing is appended
                        // after it, so the text never holds two in a row.
                        let kept = text.trim_end().len();
                        text.truncate(kept);
                        text_full = true;
                    }
                    if text.len() > before {
                        let start = if before == 0 { 0 } else { before + 1 };
                        // Card texts are capped far below 4 GiB by the
                        // page size cap; a longer one only loses fields.
                        if let (Ok(start), Ok(end)) =
                            (u32::try_from(start), u32::try_from(text.len()))
                        {
                            fields.push((start, end));
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if matches!(node.value(), Node::Element(_)) && hidden_depth > 0 {
                    hidden_depth -= 1;
                }
            }
        }
    }
    (text, hrefs, fields)
}

/// Appends the words of `fragment` to `text`, one space between words.
fn push_words(text: &mut String, fragment: &str) {
    for word in fragment.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
}

/// [`visible_text`], stopping once it holds more than `max_bytes`: labels
/// (a "next" link, a page number) are short, and a hostile page must not
/// make every label check read the whole page.
pub(crate) fn visible_text_capped(element: ElementRef<'_>, max_bytes: usize) -> String {
    let mut text = String::new();
    let mut hidden_depth = 0usize;
    for edge in element.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(inner) if is_opaque(inner.name()) || hidden_depth > 0 => {
                    hidden_depth += 1;
                }
                Node::Text(fragment) if hidden_depth == 0 => {
                    push_words(&mut text, fragment);
                    if text.len() > max_bytes {
                        break;
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if matches!(node.value(), Node::Element(_)) && hidden_depth > 0 {
                    hidden_depth -= 1;
                }
            }
        }
    }
    text
}

pub(crate) fn is_opaque(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "noscript" | "template" | "svg" | "math"
    )
}

/// Every usable link in `element` (itself included), resolved, normalised,
/// without repeats, in order.
pub(crate) fn element_hrefs(element: ElementRef<'_>, base: &Url) -> Vec<Url> {
    let mut hrefs: Vec<Url> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let anchors = std::iter::once(element)
        .chain(element.descendent_elements())
        .filter(|candidate| candidate.value().name() == "a");
    for anchor in anchors {
        let Some(url) = anchor
            .value()
            .attr("href")
            .and_then(|href| resolve(base, href))
        else {
            continue;
        };
        if seen.insert(url.as_str().to_owned()) {
            hrefs.push(url);
        }
    }
    hrefs
}

/// Resolves `href` against `base`, keeping only usable http(s) URLs, normalised.
pub(crate) fn resolve(base: &Url, href: &str) -> Option<Url> {
    if !outline::is_usable_href(href) {
        return None;
    }
    let url = base.join(href.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| normalise_url(&url))
}

/// The URL relative links resolve against: `<base href>` if present.
pub(crate) fn base_url(document: &Html, page_url: &Url) -> Url {
    static BASE: std::sync::OnceLock<Option<Selector>> = std::sync::OnceLock::new();
    let Some(selector) = BASE.get_or_init(|| Selector::parse("base[href]").ok()) else {
        return page_url.clone();
    };
    document
        .select(selector)
        .find_map(|base| base.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the never-panics campaign: a cut at the text cap that fell
    /// inside a multibyte letter backed up to a space, and the next text
    /// node was appended after it with a second one.
    #[test]
    fn a_card_text_cut_inside_a_letter_holds_no_double_space() {
        for padding in 0..4 {
            let first = format!(
                "{} {}",
                "a".repeat(CARD_TEXT_BYTES - 2 - padding),
                "é".repeat(8)
            );
            let html = format!("<div><p>{first}</p><p>next words</p></div>");
            let document = Html::parse_fragment(&html);
            let root = document.root_element();
            let (text, _, fields) = visible_text_and_hrefs(root);
            assert!(!text.contains("  "), "padding {padding}");
            assert!(!text.ends_with(' '), "padding {padding}");
            assert!(text.len() <= CARD_TEXT_BYTES);
            for (start, end) in fields {
                assert!(start <= end && end as usize <= text.len());
            }
        }
    }
}
