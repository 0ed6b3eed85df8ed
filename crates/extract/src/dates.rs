//! Posted times of ads: "3 марта 2024", "vor 2 Tagen", "вчера в 14:30",
//! "2024-03-03T14:30Z", in the ten languages of `SUPPORTED` (en de fr es it
//! ru uk ro pl tr). `parse_posted` reads a text that *is* a date expression
//! (a card's date field); `find_posted` finds the first one inside a longer
//! card text, where it must not mistake a price, a phone number or an age
//! for a date.
//!
//! Both walk the same token stream (`crate::signal_tokens`: folded words,
//! digit runs, symbols) with one reader per form: relative dates, day words
//! (today / yesterday, with an optional time), "just now", and absolute
//! dates (numeric or with a month name, with an optional time). At a
//! position every reader of every candidate language is tried and the
//! longest reading wins; on a tie the earlier language (hint first).
//!
//! The clock is the caller's: `now` anchors relative dates and completes
//! dates printed without a year. Times of day are read as UTC, because a
//! listing does not say its time zone; an explicit `Z` or `+02:00` is
//! honoured. Inside a longer text a reading must look like a posting time:
//! relative amounts need an "ago" marker ("2 hours" alone is a price unit),
//! a numeric date must not be part of a longer digit chain (a phone number),
//! a day and month without a year need a time, and nothing may lie more
//! than a day after `now` (the site's clock may run ahead of UTC).

mod absolute;
mod relative;
mod vocabulary;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::signal_tokens::{tokenize, Token, TokenKind};
pub(crate) use vocabulary::date_words;
use vocabulary::vocabulary_word_set;
use vocabulary::{date_languages, DateLanguage, SUPPORTED};

/// When an ad was posted, as far as its text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedTime {
    /// The instant, UTC. Finer fields than `precision` are not meaningful:
    /// "yesterday" keeps `now`'s time of day, "March 2024" is the 1st.
    pub at: DateTime<Utc>,
    /// The finest unit the text gave.
    pub precision: PostedPrecision,
    /// Whether the text was relative to `now` ("2 hours ago", "yesterday",
    /// a date without a year) rather than a full date.
    pub relative: bool,
}

/// How exact a `PostedTime` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostedPrecision {
    Minute,
    Hour,
    Day,
    Month,
}

/// The ISO 639-1 codes whose date words are known.
pub const DATE_LANGUAGES: [&str; 10] = SUPPORTED;

/// Reads `text` as one date expression, allowing only punctuation around
/// it. `language` (ISO 639-1) is tried first, with English; when it is
/// None, unsupported, or gives no reading, every language is tried.
pub fn parse_posted(text: &str, language: Option<&str>, now: DateTime<Utc>) -> Option<PostedTime> {
    let tokens = tokenize(text);
    let first = tokens
        .iter()
        .position(|token| token.kind != TokenKind::Symbol)?;
    if !could_start_reading(&tokens[first], vocabulary_word_set()) {
        return None;
    }
    let last = tokens
        .iter()
        .rposition(|token| token.kind != TokenKind::Symbol)?;
    let context = Context {
        tokens: &tokens,
        now,
        whole_text: true,
        hint: language,
    };
    for pass in language_passes(language) {
        if let Some(reading) = best_reading(&context, first, &pass) {
            if reading.end > last {
                return Some(reading.posted);
            }
        }
    }
    None
}

/// Finds the first posted time inside a card text: the leftmost reading,
/// the longest at that position. See the module doc for what a reading
/// inside a text must satisfy.
pub fn find_posted(text: &str, language: Option<&str>, now: DateTime<Utc>) -> Option<PostedTime> {
    find_posted_in_tokens(&tokenize(text), language, now)
}

/// [`find_posted`] over a text's tokens, when the caller has them.
pub(crate) fn find_posted_in_tokens(
    tokens: &[Token],
    language: Option<&str>,
    now: DateTime<Utc>,
) -> Option<PostedTime> {
    let context = Context {
        tokens,
        now,
        whole_text: false,
        hint: language,
    };
    let vocabulary = vocabulary_word_set();
    for pass in language_passes(language) {
        for (start, token) in tokens.iter().enumerate() {
            if !could_start_reading(token, vocabulary) {
                continue;
            }
            if let Some(reading) = best_reading(&context, start, &pass) {
                return Some(reading.posted);
            }
        }
    }
    None
}

/// Whether a reading can start at `token`: every reader begins with a
/// number or a word of some language's date vocabulary.
fn could_start_reading(token: &Token, vocabulary: &std::collections::HashSet<String>) -> bool {
    match token.kind {
        TokenKind::Number => true,
        TokenKind::Word => vocabulary.contains(&token.text),
        TokenKind::Symbol => false,
    }
}

/// What every reader needs besides its position and language.
pub(crate) struct Context<'tokens> {
    pub(crate) tokens: &'tokens [Token],
    pub(crate) now: DateTime<Utc>,
    /// Whether the reading must be the whole text (looser) or is searched
    /// inside a card (stricter).
    pub(crate) whole_text: bool,
    /// The caller's language, which makes ambiguous words trustworthy.
    pub(crate) hint: Option<&'tokens str>,
}

impl Context<'_> {
    pub(crate) fn token(&self, index: usize) -> Option<&Token> {
        self.tokens.get(index)
    }

    /// Whether a day word flagged ambiguous may be trusted in `language`.
    pub(crate) fn language_is_known(&self, language: &DateLanguage) -> bool {
        self.whole_text
            || self
                .hint
                .is_some_and(|hint| hint.trim().eq_ignore_ascii_case(language.code))
    }

    /// Whether `at` is not after `now` by more than a day.
    pub(crate) fn is_not_future(&self, at: DateTime<Utc>) -> bool {
        at <= self.now + TimeDelta::days(1)
    }
}

/// One reading: the posted time and the index just past its last token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reading {
    pub(crate) end: usize,
    pub(crate) posted: PostedTime,
}

fn best_reading(context: &Context, start: usize, languages: &[&DateLanguage]) -> Option<Reading> {
    let mut best: Option<Reading> = None;
    for language in languages {
        let readings = [
            relative::read_relative(context, start, language),
            relative::read_day_word(context, start, language),
            relative::read_just_now(context, start, language),
            absolute::read_absolute(context, start, language),
            absolute::read_bare_time(context, start, language),
        ];
        for reading in readings.into_iter().flatten() {
            if !context.is_not_future(reading.posted.at) {
                continue;
            }
            if best.is_none_or(|best| reading.end > best.end) {
                best = Some(reading);
            }
        }
    }
    best
}

/// The languages to try, in passes: the hint with English first, then the
/// rest; or all at once when there is no usable hint.
fn language_passes(hint: Option<&str>) -> Vec<Vec<&'static DateLanguage>> {
    let languages = date_languages();
    let hinted = hint.and_then(|code| {
        let code = code.trim().to_ascii_lowercase();
        languages.iter().find(|language| language.code == code)
    });
    match hinted {
        None => vec![languages.iter().collect()],
        Some(hinted) => {
            let mut first = vec![hinted];
            if hinted.code != "en" {
                first.push(&languages[0]);
            }
            let rest = languages
                .iter()
                .filter(|language| !first.iter().any(|chosen| chosen.code == language.code))
                .collect();
            vec![first, rest]
        }
    }
}

/// Matches the words of `phrase` from `start`, allowing a hyphen between
/// words ("avant-hier"); returns the index past the last word.
pub(crate) fn match_phrase(tokens: &[Token], start: usize, phrase: &[String]) -> Option<usize> {
    let mut index = start;
    for (position, word) in phrase.iter().enumerate() {
        if position > 0 && tokens.get(index).is_some_and(|token| token.is_symbol('-')) {
            index += 1;
        }
        if !tokens.get(index)?.is_word(word) {
            return None;
        }
        index += 1;
    }
    Some(index)
}

/// The longest of `phrases` matching at `start`: its index and end.
pub(crate) fn longest_phrase(
    tokens: &[Token],
    start: usize,
    phrases: &[Vec<String>],
) -> Option<(usize, usize)> {
    phrases
        .iter()
        .enumerate()
        .filter_map(|(which, phrase)| match_phrase(tokens, start, phrase).map(|end| (which, end)))
        .max_by_key(|&(_, end)| end)
}

#[cfg(test)]
mod tests;
