//! Turns the bytes of one fetched listing page into page indicators, and the
//! page indicators of one site and run into site indicators.
//!
//! Everything here is pure and synchronous: no I/O, no clock, no network.
//! The crawler hands in the site's whitelist entry, the page URL, the
//! response headers and the body; it gets back signals (counts, keys,
//! pseudonyms), never ad text or contact details, plus the links it may
//! follow. scraper's `Html` is neither `Send` nor `Sync`, so a page is parsed
//! and reduced inside one call (async callers use `spawn_blocking`).

mod analytics;
mod category;
mod contacts;
mod content_coding;
mod counter;
mod dates;
mod decode;
mod fold;
mod language;
mod lexicon;
mod page;
mod places;
mod prices;
mod records;
mod signal_tokens;
mod site;

pub use analytics::{find_tracking_ids, TrackingId, TrackingNetwork};
pub use contacts::{
    find_contacts, warm_up, ContactKind, ContactPseudonym, ContactSignals, LinkageKey,
    LinkageKeyLengthError,
};
pub use content_coding::{decode_body, DecodedBody};
pub use counter::{find_ad_counter, find_ad_counters, AdCounter, CounterScope};
pub use dates::{find_posted, parse_posted, PostedPrecision, PostedTime, DATE_LANGUAGES};
pub use fold::{fold, is_word_character};
pub use language::{detect_language, LanguageGuess, MIN_CONFIDENCE, MIN_LETTERS};
pub use lexicon::{
    CategoryHits, LexiconError, LexiconHits, LexiconProblem, LexiconSet, LexiconTerm, RiskCategory,
    TermId,
};
pub use page::{
    extract_page, AdKey, AdSignals, ExtractionContext, ExtractionMethod, LanguageSignal,
    LanguageSource, PageExtraction, PageIndicators, PageLinks, MAX_ACTIVE_FORMATTING,
    MAX_ATTRIBUTES, MAX_OPEN_ELEMENTS, MAX_PARSED_BYTES,
};
pub use places::{find_place, gazetteer_size, place_by_key, scope_class, Place, ScopeClass};
pub use prices::{find_prices, Currency, Price, PriceUnit};
pub use site::{
    ads_by_key, aggregate_site, link_contacts_across_sites, repost_groups, ContactFootprint,
    CrossSiteContact, CrossSiteContacts, ForeignOrigin, PreviousRun, PriceStatistics,
    RecencyShares, SiteIndicators,
};

pub use decode::{decode_html, decode_html_with_tld_hint, CharsetSource, Decoded, PRESCAN_BYTES};
pub use records::{
    ad_id_in_url, find_cards, find_next_page, fingerprint_distance, is_probable_repost, similarity,
    template_fingerprint, text_fingerprint, Card, CardSet, TemplateFingerprint, CARD_TEXT_BYTES,
    REPOST_HAMMING_THRESHOLD, TEMPLATE_FINGERPRINT_SLOTS,
};

/// Version of the extraction rules. Stored with every indicator row so that
/// indicators made by an older extractor can be told apart and derived again
/// from the evidence. Bump it whenever a change alters any indicator.
pub const EXTRACTOR_VERSION: &str = "0.3.0";

#[cfg(test)]
mod tests;
