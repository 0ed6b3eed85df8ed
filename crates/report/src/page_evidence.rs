//! What the report reads from the captured pages themselves: the page
//! title (field a), the copyright holder (j), whether a "post an ad" page
//! is linked (n), and the connection evidence (i) — template fingerprints,
//! analytics ids, ad text fingerprints and contact pseudonyms with their
//! places.
//!
//! DESIGN.md keeps every page as evidence so that indicators can be derived
//! again without crawling again; this module does that with extract's pure
//! building blocks over the bodies the store holds (content-coding undone
//! here, capped), so connections work whatever the stored indicator rows
//! carry. Nothing it reads is written anywhere: the raw text stays in this
//! function's memory.
//!
//! Contacts are turned into pseudonyms with a key made for this report
//! alone (random, never stored): they only need to match each other within
//! one report, never leave it, and so cannot be compared with any other
//! output.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use scraper::{Html, Selector};
use url::Url;

use cartograph_config::SiteSpec;
use cartograph_extract::{
    decode_html_with_tld_hint, find_cards, find_contacts, find_place, find_tracking_ids, fold,
    template_fingerprint, LinkageKey,
};
use cartograph_store::{CaptureId, CaptureRecord, RunId, Store};

use crate::ad_text::{content_tokens, text_features};
use crate::connections::TEMPLATE_PAGES_PER_SITE;
use crate::from_store::serialized_name;
use crate::model::{
    AdTextObservation, CompanyObservation, ConnectionEvidence, ContactObservation,
    TemplateObservation, TrackingObservation,
};
use crate::ReportError;

/// Longest copyright holder kept, in characters.
const COMPANY_MAX_CHARS: usize = 80;

/// What the pages of one site say, beyond the stored indicators.
#[derive(Debug, Default)]
pub(crate) struct PageEvidence {
    pub(crate) page_title: Option<String>,
    pub(crate) post_ad_page_linked: Option<bool>,
    pub(crate) evidence: ConnectionEvidence,
    /// Pages that could not be read back (no body, unknown coding), in
    /// words, for the caller to report.
    pub(crate) unreadable: Vec<String>,
}

/// One page capture to read, with the run it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRef {
    pub(crate) run_id: RunId,
    pub(crate) capture_id: CaptureId,
}

/// Reads `pages` of `site` (oldest run first; the title, company and
/// ad-space answer come from the pages of `reported_run`).
pub(crate) fn read_page_evidence(
    store: &Store,
    site: &SiteSpec,
    pages: &[PageRef],
    reported_run: RunId,
    key: &LinkageKey,
    max_decoded_bytes: u64,
) -> Result<PageEvidence, ReportError> {
    let mut result = PageEvidence::default();
    let mut tracking: BTreeMap<(String, String), Vec<u64>> = BTreeMap::new();
    let mut contacts: BTreeMap<(String, Option<String>, Option<String>), ContactObservation> =
        BTreeMap::new();
    let mut ad_texts: BTreeMap<u64, AdTextObservation> = BTreeMap::new();
    let mut reported_pages_read = 0_usize;
    let mut post_ad_seen = false;
    let mut site_cards: Vec<SeenCard> = Vec::new();

    for page in pages {
        let Some(capture) = store.capture(page.capture_id)? else {
            result
                .unreadable
                .push(format!("capture {} is not in the store", page.capture_id));
            continue;
        };
        let Some(html) = page_text(store, &capture, max_decoded_bytes, &mut result.unreadable)?
        else {
            continue;
        };
        let Ok(page_url) = Url::parse(&capture.url) else {
            result
                .unreadable
                .push(format!("capture {} has an unparsable URL", capture.id));
            continue;
        };
        let document = Html::parse_document(&html);
        let seen_at = capture.fetched_at;
        let is_reported = page.run_id == reported_run;

        if is_reported {
            reported_pages_read += 1;
            if result.page_title.is_none() {
                result.page_title = page_title(&document);
            }
            if result.evidence.company.is_none() {
                result.evidence.company =
                    copyright_holder(&document).map(|name| CompanyObservation {
                        name,
                        capture_id: capture.id,
                    });
            }
            post_ad_seen |= links_post_ad_page(&document);
            if result.evidence.template_pages.len() < TEMPLATE_PAGES_PER_SITE {
                result.evidence.template_pages.push(TemplateObservation {
                    capture_id: capture.id,
                    fingerprint: template_fingerprint(&document),
                });
            }
        }
        for id in find_tracking_ids(&html) {
            let network = serialized_name(&id.network);
            tracking
                .entry((network, id.id))
                .or_default()
                .push(capture.id);
        }

        let cards = find_cards(&document, &page_url, site.profile.as_ref());
        for card in cards.cards {
            site_cards.push(SeenCard {
                run_id: page.run_id,
                capture_id: capture.id,
                seen_at,
                text: card.text,
                contact_hrefs: card.contact_hrefs,
                location_text: card.location_text,
            });
        }
    }
    let folded_cards: Vec<String> = site_cards.iter().map(|card| fold(&card.text)).collect();
    let boilerplate = site_boilerplate(&folded_cards);
    for (card, folded) in site_cards.iter().zip(&folded_cards) {
        let features = text_features(&content_tokens(folded), &boilerplate);
        let text_id = features.digest();
        let text_entry = ad_texts
            .entry(text_id)
            .or_insert_with(|| AdTextObservation {
                text_id,
                features,
                first_seen: card.seen_at,
                first_run: card.run_id,
                capture_ids: Vec::new(),
            });
        note_seen(
            &mut text_entry.first_seen,
            &mut text_entry.first_run,
            card.seen_at,
            card.run_id,
        );
        push_unique(&mut text_entry.capture_ids, card.capture_id);

        // The card's hrefs as written (`tel:`, messenger links), as
        // `extract_page` reads them, so the report's contacts are the
        // stored indicators' contacts.
        let hrefs: Vec<&str> = card.contact_hrefs.iter().map(String::as_str).collect();
        let signals = find_contacts(&card.text, &hrefs, site.country.as_str(), key);
        if signals.pseudonyms.is_empty() {
            continue;
        }
        let place = card
            .location_text
            .as_deref()
            .and_then(find_place)
            .or_else(|| find_place(&card.text));
        let city = place
            .filter(|place| !place.is_country())
            .map(|place| place.name.to_owned());
        let country = place.map(|place| place.country.to_ascii_uppercase());
        for pseudonym in signals.pseudonyms {
            let identifier = format!("{}:{}", pseudonym.kind.as_str(), pseudonym.digest);
            let observation = contacts
                .entry((identifier.clone(), city.clone(), country.clone()))
                .or_insert_with(|| ContactObservation {
                    pseudonym: identifier,
                    city: city.clone(),
                    country: country.clone(),
                    first_seen: card.seen_at,
                    last_seen: card.seen_at,
                    first_run: card.run_id,
                    capture_ids: Vec::new(),
                    ad_text_ids: Vec::new(),
                });
            note_seen(
                &mut observation.first_seen,
                &mut observation.first_run,
                card.seen_at,
                card.run_id,
            );
            observation.last_seen = observation.last_seen.max(card.seen_at);
            push_unique(&mut observation.capture_ids, card.capture_id);
            push_unique(&mut observation.ad_text_ids, text_id);
        }
    }
    if reported_pages_read > 0 {
        result.post_ad_page_linked = Some(post_ad_seen);
    }
    result.evidence.tracking_ids = tracking
        .into_iter()
        .map(|((network, id), mut capture_ids)| {
            capture_ids.sort_unstable();
            capture_ids.dedup();
            TrackingObservation {
                network,
                id,
                capture_ids,
            }
        })
        .collect();
    result.evidence.contacts = contacts.into_values().collect();
    result.evidence.ad_texts = ad_texts.into_values().collect();
    Ok(result)
}

/// One ad card as read, kept until the whole site is read (the site's
/// boilerplate words are known only then).
struct SeenCard {
    run_id: RunId,
    capture_id: CaptureId,
    seen_at: DateTime<Utc>,
    text: String,
    /// Every `href` of the card as written: the contact reader's input.
    contact_hrefs: Vec<String>,
    location_text: Option<String>,
}

/// Words on at least this share of a site's cards are its labels and
/// furniture ("Telefon", "via"), not the ad's own text. High, because a
/// small phrase book makes ordinary words frequent too, and dropping those
/// on one site but not on the other would make a copy look different.
const BOILERPLATE_SHARE: f64 = 0.9;
/// Below this many cards a site's boilerplate cannot be told apart.
const BOILERPLATE_MIN_CARDS: usize = 5;

/// The content tokens on at least [`BOILERPLATE_SHARE`] of the site's
/// (folded) card texts.
fn site_boilerplate(folded_cards: &[String]) -> HashSet<String> {
    if folded_cards.len() < BOILERPLATE_MIN_CARDS {
        return HashSet::new();
    }
    let mut card_counts: HashMap<&str, usize> = HashMap::new();
    for folded in folded_cards {
        let words: HashSet<&str> = content_tokens(folded).into_iter().collect();
        for word in words {
            *card_counts.entry(word).or_default() += 1;
        }
    }
    let least = ((folded_cards.len() as f64 * BOILERPLATE_SHARE).ceil() as usize).max(2);
    card_counts
        .into_iter()
        .filter(|(_, count)| *count >= least)
        .map(|(word, _)| word.to_owned())
        .collect()
}

fn note_seen(
    first_seen: &mut DateTime<Utc>,
    first_run: &mut RunId,
    seen_at: DateTime<Utc>,
    run: RunId,
) {
    if (run, seen_at) < (*first_run, *first_seen) {
        *first_seen = seen_at;
        *first_run = run;
    }
}

fn push_unique(items: &mut Vec<u64>, item: u64) {
    if !items.contains(&item) {
        items.push(item);
    }
}

/// The capture's body as text: read back as the crawler read it
/// (`Store::page_body`: a 304's revisited body, content-coding undone,
/// capped), charset decoded. `None`, with a note, when there is nothing to
/// read.
fn page_text(
    store: &Store,
    capture: &CaptureRecord,
    max_decoded_bytes: u64,
    unreadable: &mut Vec<String>,
) -> Result<Option<String>, ReportError> {
    let Some(body) = store.page_body(capture, max_decoded_bytes)? else {
        unreadable.push(format!("capture {} has no body", capture.id));
        return Ok(None);
    };
    if let (true, Some(error)) = (body.bytes.is_empty(), &body.decode_error) {
        unreadable.push(format!("capture {}: {error}", capture.id));
        return Ok(None);
    }
    let top_level_domain = Url::parse(&capture.url).ok().and_then(|url| {
        url.domain()
            .and_then(|domain| domain.rsplit('.').next())
            .map(str::to_owned)
    });
    Ok(Some(
        decode_html_with_tld_hint(&body.headers, &body.bytes, top_level_domain.as_deref()).text,
    ))
}

fn selector(source: &'static str) -> Selector {
    // Invariant: only called with the constant selectors below.
    Selector::parse(source).expect("constant selector parses")
}

/// The `<title>` text, whitespace collapsed; `None` when empty.
fn page_title(document: &Html) -> Option<String> {
    static TITLE: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    let title = document
        .select(TITLE.get_or_init(|| selector("title")))
        .next()?
        .text()
        .collect::<String>();
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// The holder named after a copyright sign (`© 2025 Example Media Ltd`),
/// years and trailing separators dropped.
fn copyright_holder(document: &Html) -> Option<String> {
    for text in document.root_element().text() {
        let Some(position) = text.find('©').or_else(|| {
            let lower = text.to_lowercase();
            lower
                .find("copyright")
                .filter(|_| lower.len() == text.len())
        }) else {
            continue;
        };
        let marker_length = if text[position..].starts_with('©') {
            '©'.len_utf8()
        } else {
            "copyright".len()
        };
        let rest = &text[position + marker_length..];
        let holder: String = rest
            .split(['|', '·', '\n'])
            .next()
            .unwrap_or_default()
            .trim_start_matches(|character: char| {
                character.is_ascii_digit()
                    || character.is_whitespace()
                    || matches!(character, '-' | '–' | ',' | '©')
            })
            .trim()
            .trim_end_matches(',')
            .trim()
            .chars()
            .take(COMPANY_MAX_CHARS)
            .collect();
        if holder.chars().any(char::is_alphabetic) {
            return Some(holder);
        }
    }
    None
}

/// Path fragments of "post an ad" pages.
const POST_AD_PATHS: &[&str] = &[
    "post-ad",
    "post_ad",
    "postad",
    "post-an-ad",
    "add-ad",
    "add_ad",
    "new-ad",
    "place-ad",
    "submit-ad",
    "advertise",
    "inserieren",
    "anzeige-aufgeben",
    "publier-annonce",
    "publicar-anuncio",
    "dodaj-ogloszenie",
    "adauga-anunt",
    "ilan-ver",
];

/// Link texts of "post an ad" pages, folded (lower case, no marks).
const POST_AD_TEXTS: &[&str] = &[
    "post an ad",
    "post ad",
    "place an ad",
    "advertise with us",
    "anzeige aufgeben",
    "inserat aufgeben",
    "publier une annonce",
    "deposer une annonce",
    "publicar anuncio",
    "pubblica annuncio",
    "inserisci annuncio",
    "подать объявление",
    "подати оголошення",
    "dodaj ogłoszenie",
    "dodaj ogloszenie",
    "adauga anunt",
    "ilan ver",
];

/// Whether the page links a page where advertisers place ads.
fn links_post_ad_page(document: &Html) -> bool {
    static ANCHOR: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    let folded_texts: Vec<String> = POST_AD_TEXTS.iter().map(|text| fold(text)).collect();
    document
        .select(ANCHOR.get_or_init(|| selector("a[href]")))
        .any(|anchor| {
            let href = anchor
                .value()
                .attr("href")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let path = href.split(['?', '#']).next().unwrap_or_default();
            if POST_AD_PATHS.iter().any(|fragment| path.contains(fragment)) {
                return true;
            }
            let text = fold(&anchor.text().collect::<String>());
            folded_texts
                .iter()
                .any(|wanted| text.trim() == wanted.as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(html: &str) -> Html {
        Html::parse_document(html)
    }

    #[test]
    fn title_company_and_post_ad_link_are_read() {
        let page = document(
            "<html><head><title>  Rosa   Directory | Page 1 </title></head><body>\
             <footer><a href=\"/rules\">Rules</a> · <a href=\"/post-ad\">Anzeige aufgeben</a> · \
             &copy; 2025 Northwind Medien GmbH</footer></body></html>",
        );
        assert_eq!(
            page_title(&page).as_deref(),
            Some("Rosa Directory | Page 1")
        );
        assert_eq!(
            copyright_holder(&page).as_deref(),
            Some("Northwind Medien GmbH")
        );
        assert!(links_post_ad_page(&page));
    }

    #[test]
    fn pages_without_them_say_so() {
        let page = document("<html><body><a href=\"/page/2\">next</a> © 2024</body></html>");
        assert_eq!(page_title(&page), None);
        assert_eq!(copyright_holder(&page), None);
        assert!(!links_post_ad_page(&page));
        let by_text = document("<a href=\"/x\">Publier une annonce</a>");
        assert!(links_post_ad_page(&by_text));
    }
}
