//! Each ad card reduced to [`AdSignals`], and the page's language decided
//! from all its cards.
//!
//! Language first, because dates and prices read better knowing it: cards
//! with enough letters are detected on their own text (a sample of five
//! spread over the page, and every card when the sample disagrees); the
//! page's language is the vote of those cards, weighted by text length and
//! confidence (or, when no card is long enough, a detection over all card
//! text together); a card not detected takes the page's language, then
//! the site's hint. Then, per card: the posted time (the profile's
//! date field when there is one, else the first date in the text, read in
//! the card's language with the capture time as "now", else a short text
//! node that is a date as a whole), prices, the place
//! (the profile's location field first), risk-lexicon categories, and
//! contacts with the site's country as the default region for numbers.

use std::collections::BTreeSet;

use cartograph_config::SiteSpec;

use crate::contacts::find_contacts_folded;
use crate::dates::{find_posted_in_tokens, parse_posted};
use crate::language::detect_language;
use crate::page::{AdSignals, ExtractionContext, LanguageSignal, LanguageSource};
use crate::places::{find_place, find_place_folded, Place};
use crate::prices::{find_prices, find_prices_in_tokens};
use crate::records::{Card, CARD_TEXT_BYTES};
use crate::signal_tokens::tokenize;

/// Most bytes of card text the page-language fallback and the category
/// cues read.
const SAMPLE_BYTES: usize = 4 * 1024;

/// The signals of a page's cards.
pub(crate) struct CardSignals {
    pub(crate) ads: Vec<AdSignals>,
    pub(crate) page_language: Option<LanguageSignal>,
    /// The start of the cards' text, for the category cues.
    pub(crate) card_sample: String,
}

pub(crate) fn card_signals(
    site: &SiteSpec,
    cards: &[Card],
    context: &ExtractionContext<'_>,
) -> CardSignals {
    let texts: Vec<&str> = cards
        .iter()
        .map(|card| prefix(&card.text, CARD_TEXT_BYTES))
        .collect();
    let mut card_sample = String::new();
    for text in &texts {
        if card_sample.len() >= SAMPLE_BYTES {
            break;
        }
        if !card_sample.is_empty() {
            card_sample.push(' ');
        }
        card_sample.push_str(prefix(
            text,
            SAMPLE_BYTES - card_sample.len().min(SAMPLE_BYTES),
        ));
    }

    let guesses = card_languages(cards);
    let page_language = page_language(&texts, &guesses, &card_sample);
    let hint = site
        .language_hint
        .as_deref()
        .map(|code| code.trim().to_ascii_lowercase())
        .filter(|code| !code.is_empty());
    let country = site.country.as_str();

    let ads = cards
        .iter()
        .zip(&texts)
        .zip(&guesses)
        .map(|((card, text), guess)| {
            // One tokenization for dates and prices, one fold (the card's)
            // for places, the lexicons and contacts.
            let tokens = tokenize(text);
            let (language, language_source) = match (guess, &page_language, &hint) {
                (Some(guess), _, _) => (Some(guess.code.to_owned()), LanguageSource::Card),
                (None, Some(page), _) => (Some(page.code.clone()), LanguageSource::Page),
                (None, None, Some(hint)) => (Some(hint.clone()), LanguageSource::SiteHint),
                (None, None, None) => (None, LanguageSource::Unknown),
            };
            let language_code = language.as_deref();
            let posted = card
                .date_text
                .as_deref()
                .and_then(|date| parse_posted(date, language_code, context.captured_at))
                .or_else(|| find_posted_in_tokens(&tokens, language_code, context.captured_at))
                .or_else(|| {
                    // A date element of its own, in a word only trusted as
                    // a whole ("hier" is "yesterday" in French, "here" in
                    // German): an aggregator prints its own language's
                    // dates on ads written in another.
                    card.field_texts()
                        .filter(|field| field.len() <= DATE_FIELD_BYTES)
                        .find_map(|field| parse_posted(field, language_code, context.captured_at))
                });
            let mut prices = card
                .price_text
                .as_deref()
                .map(|price| find_prices(price, language_code))
                .unwrap_or_default();
            if prices.is_empty() {
                prices = find_prices_in_tokens(text, &tokens, language_code);
            }
            let place = match card.location_text.as_deref().and_then(find_place) {
                Some(place) => Some(place),
                None => card_place(card),
            }
            .map(|place| place.key.to_owned());
            let lexicon: BTreeSet<_> = context
                .lexicons
                .scan_folded(&card.folded)
                .hit_categories()
                .map(|(category, _)| category)
                .collect();
            let hrefs: Vec<&str> = card.contact_hrefs.iter().map(String::as_str).collect();
            let contacts = find_contacts_folded(&card.folded, &hrefs, country, context.linkage_key);
            AdSignals {
                ad_key: card.ad_key.clone(),
                text_fingerprint: card.text_fingerprint,
                posted,
                prices,
                place,
                language,
                language_source,
                lexicon,
                contact_kinds: contacts.kinds,
                obscured_contact: contacts.obscured,
                contacts: contacts.pseudonyms,
            }
        })
        .collect();
    CardSignals {
        ads,
        page_language,
        card_sample,
    }
}

/// Most bytes of a text node read as a date field.
const DATE_FIELD_BYTES: usize = 32;

/// Most bytes of a text node read as a location field.
const LOCATION_FIELD_BYTES: usize = 48;

/// The place of a card without a location field of its profile: the
/// first city its text names; else a short text node that is nothing but
/// a place name (a location field, where names that are also ordinary
/// words, "Nice", "Roma", count); else the country its text names.
fn card_place(card: &Card) -> Option<Place> {
    let in_text = find_place_folded(&card.text, &card.folded);
    if in_text.is_some_and(|place| !place.is_country()) {
        return in_text;
    }
    card.field_texts()
        .filter(|field| field.len() <= LOCATION_FIELD_BYTES)
        .filter_map(find_place)
        .find(|place| !place.is_country())
        .or(in_text)
}

/// Cards whose language is detected on every page, spread over it.
const SAMPLED_CARDS: usize = 3;

/// Bytes of a card's text its language is detected on: a sentence or two
/// tell the language; the rest only costs (trigram statistics are the
/// costliest signal).
const DETECTION_BYTES: usize = 320;

/// A field this long is the ad's own text (its description).
const DESCRIPTION_BYTES: usize = 48;

/// What a card's language is detected on: its longest text node when that
/// is a description, else its whole text, capped at [`DETECTION_BYTES`].
/// An aggregator prints the date, place and price units of a copied ad in
/// its own language; the description is in the ad's.
fn detection_text(card: &Card) -> &str {
    let longest = card.field_texts().max_by_key(|field| field.len());
    let text = match longest {
        Some(field) if field.len() >= DESCRIPTION_BYTES => field,
        _ => card.text.as_str(),
    };
    prefix(text, DETECTION_BYTES)
}

/// Each card's own language, where it was detected (on its
/// [`detection_text`]). Detection is the costliest signal, so it runs on
/// [`SAMPLED_CARDS`] cards spread over the page first; when they agree (a
/// site in one language), every other card gets a cheap check instead (its
/// script and frequent words, `language::plainly_in`) and is detected only
/// when that check does not confirm the samples' language: a copied ad on
/// an aggregator, a card in another language, a card without frequent
/// words. A page whose samples disagree has every card detected.
fn card_languages(cards: &[Card]) -> Vec<Option<crate::LanguageGuess>> {
    let mut guesses: Vec<Option<crate::LanguageGuess>> = vec![None; cards.len()];
    if cards.is_empty() {
        return guesses;
    }
    let texts: Vec<&str> = cards.iter().map(detection_text).collect();
    let sample_count = SAMPLED_CARDS.min(texts.len());
    let sampled: Vec<usize> = (0..sample_count)
        .map(|sample| sample * texts.len() / sample_count)
        .collect();
    for &index in &sampled {
        guesses[index] = detect_language(texts[index]);
    }
    let mut codes = sampled
        .iter()
        .filter_map(|&index| guesses[index].map(|guess| guess.code));
    let first = codes.next();
    let uniform = codes.all(|code| Some(code) == first);
    for (index, text) in texts.iter().enumerate() {
        if sampled.contains(&index) {
            continue;
        }
        let plain = match (uniform, first) {
            (true, Some(code)) => crate::language::plainly_in(text, code),
            _ => None,
        };
        guesses[index] = plain.or_else(|| detect_language(text));
    }
    guesses
}

/// The vote of the cards' languages, each weighing its length times its
/// confidence; the detection of all card text together when no card could
/// be told on its own.
fn page_language(
    texts: &[&str],
    guesses: &[Option<crate::LanguageGuess>],
    sample: &str,
) -> Option<LanguageSignal> {
    let mut votes: Vec<(&'static str, f32)> = Vec::new();
    let mut total = 0.0f32;
    for (text, guess) in texts.iter().zip(guesses) {
        let Some(guess) = guess else { continue };
        let weight = text.len() as f32 * guess.confidence;
        total += weight;
        match votes.iter_mut().find(|(code, _)| *code == guess.code) {
            Some((_, sum)) => *sum += weight,
            None => votes.push((guess.code, weight)),
        }
    }
    if let Some((code, weight)) = votes
        .iter()
        .copied()
        .max_by(|first, second| first.1.total_cmp(&second.1))
    {
        return Some(LanguageSignal {
            code: code.to_owned(),
            confidence: if total > 0.0 { weight / total } else { 0.0 },
        });
    }
    detect_language(sample).map(|guess| LanguageSignal {
        code: guess.code.to_owned(),
        confidence: guess.confidence,
    })
}

/// The longest prefix of `text` of at most `bytes` bytes that ends on a
/// character boundary.
pub(crate) fn prefix(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut cut = bytes;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}
