//! The words of posted times in each supported language, as written on ad
//! sites: month names (nominative, genitive and abbreviated), units of
//! relative dates, "ago" markers, today/yesterday words, number words and
//! the small words between a date and its time. Tables are plain text here
//! and folded once (`crate::fold`) into `DateLanguage` lookups, so every
//! comparison is case-, mark- and look-alike-insensitive.
//!
//! A word in a table does not have to be unique across languages: each
//! language is read on its own, and the caller picks among readings.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::signal_tokens::vocabulary_words;

mod eastern;
mod western;

/// A unit of a relative date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
}

/// One language's tables, as written.
pub(super) struct LanguageTable {
    code: &'static str,
    /// Month names, January first; every form a site may print.
    months: [&'static [&'static str]; 12],
    units: &'static [(Unit, &'static [&'static str])],
    /// Unit words that mean "one unit" with no number ("час назад").
    implicit_one_units: &'static [&'static str],
    /// Number words and articles, 1 to 12.
    quantities: &'static [(u32, &'static [&'static str])],
    /// Phrases before the amount that make it past ("vor", "il y a").
    ago_before: &'static [&'static str],
    /// Phrases after the units that make it past ("ago", "назад").
    ago_after: &'static [&'static str],
    /// Markers too loose to trust inside a longer card text ("before").
    ago_after_whole_text_only: &'static [&'static str],
    /// Hedges skipped inside a relative date ("about", "etwa").
    fillers: &'static [&'static str],
    /// Words allowed between an amount and its unit ("56 de secunde").
    number_unit_links: &'static [&'static str],
    /// Words joining the parts of a compound relative date ("and").
    connectors: &'static [&'static str],
    /// Days back and the phrase: 0 today, 1 yesterday, 2 the day before.
    day_words: &'static [(u32, &'static str)],
    /// Day words that are ordinary words in another of our languages
    /// ("hier" is "here" in German): trusted in a longer text only when the
    /// language is known or a time follows.
    day_words_ambiguous: &'static [&'static str],
    /// "Just now" phrases, trusted anywhere.
    just_now: &'static [&'static str],
    /// Bare "now" words, trusted only as a whole text ("call now").
    now_whole_text_only: &'static [&'static str],
    /// Small words between a date and its time ("at", "в", "um").
    time_connectors: &'static [&'static str],
    /// Words after a time ("Uhr").
    time_suffixes: &'static [&'static str],
    /// Words after a year ("г.", "року").
    after_year: &'static [&'static str],
    /// Ordinal endings after a day number ("3rd", "1er").
    ordinal_suffixes: &'static [&'static str],
    /// Words between day, month and year ("3 de marzo de 2024", "3rd of").
    date_links: &'static [&'static str],
    /// "last week": one unit ago.
    last_words: &'static [&'static str],
    /// Day names skipped before a date ("Mon, 3 March").
    weekdays: &'static [&'static str],
}

/// One language's tables, folded into lookups.
pub(crate) struct DateLanguage {
    pub(crate) code: &'static str,
    pub(crate) months: HashMap<String, u32>,
    pub(crate) units: HashMap<String, Unit>,
    pub(crate) implicit_one_units: HashSet<String>,
    pub(crate) quantities: HashMap<String, u32>,
    pub(crate) ago_before: Vec<Vec<String>>,
    pub(crate) ago_after: Vec<Vec<String>>,
    pub(crate) ago_after_whole_text_only: Vec<Vec<String>>,
    pub(crate) fillers: HashSet<String>,
    pub(crate) number_unit_links: HashSet<String>,
    pub(crate) connectors: HashSet<String>,
    pub(crate) day_words: Vec<(u32, Vec<String>)>,
    pub(crate) day_words_ambiguous: Vec<Vec<String>>,
    pub(crate) just_now: Vec<Vec<String>>,
    pub(crate) now_whole_text_only: Vec<Vec<String>>,
    pub(crate) time_connectors: HashSet<String>,
    pub(crate) time_suffixes: HashSet<String>,
    pub(crate) after_year: HashSet<String>,
    pub(crate) ordinal_suffixes: HashSet<String>,
    pub(crate) date_links: HashSet<String>,
    pub(crate) last_words: HashSet<String>,
    pub(crate) weekdays: HashSet<String>,
}

/// Every supported language, in the order used when the language is
/// unknown and two readings are equally long.
pub(crate) fn date_languages() -> &'static [DateLanguage] {
    static LANGUAGES: OnceLock<Vec<DateLanguage>> = OnceLock::new();
    LANGUAGES.get_or_init(|| TABLES.iter().map(compile).collect())
}

/// The ISO 639-1 codes of the supported languages.
/// Every word of the date vocabulary of every language that changes when
/// an ad is reposted with a new date: month and weekday names, time units,
/// "ago" words, day words ("today", "вчера"), "just now". A text
/// fingerprint leaves them out (`records/text_fingerprint.rs`).
pub(crate) fn date_words() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words = HashSet::new();
        for table in TABLES.iter() {
            let entries = table
                .months
                .iter()
                .flat_map(|names| names.iter())
                .chain(table.units.iter().flat_map(|(_, names)| names.iter()))
                .chain(table.ago_before)
                .chain(table.ago_after)
                .chain(table.day_words.iter().map(|(_, phrase)| phrase))
                .chain(table.day_words_ambiguous)
                .chain(table.just_now)
                .chain(table.weekdays);
            for entry in entries {
                words.extend(vocabulary_words(entry));
            }
        }
        words
    })
}

/// Every word of every language's date vocabulary, in any role: a date
/// reading starts with a number or one of these, so the readers need not
/// be tried at any other word (most of a card's words).
pub(crate) fn vocabulary_word_set() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words = HashSet::new();
        for table in TABLES.iter() {
            let entries = table
                .months
                .iter()
                .flat_map(|names| names.iter())
                .chain(table.units.iter().flat_map(|(_, names)| names.iter()))
                .chain(table.implicit_one_units)
                .chain(table.quantities.iter().flat_map(|(_, names)| names.iter()))
                .chain(table.ago_before)
                .chain(table.ago_after)
                .chain(table.ago_after_whole_text_only)
                .chain(table.fillers)
                .chain(table.number_unit_links)
                .chain(table.connectors)
                .chain(table.day_words.iter().map(|(_, phrase)| phrase))
                .chain(table.day_words_ambiguous)
                .chain(table.just_now)
                .chain(table.now_whole_text_only)
                .chain(table.time_connectors)
                .chain(table.time_suffixes)
                .chain(table.after_year)
                .chain(table.ordinal_suffixes)
                .chain(table.date_links)
                .chain(table.last_words)
                .chain(table.weekdays);
            for entry in entries {
                words.extend(vocabulary_words(entry));
            }
        }
        words
    })
}

pub(crate) const SUPPORTED: [&str; 10] =
    ["en", "de", "fr", "es", "it", "ru", "uk", "ro", "pl", "tr"];

fn compile(table: &LanguageTable) -> DateLanguage {
    let word = |entry: &str| vocabulary_words(entry).join(" ");
    let set = |entries: &[&str]| {
        entries
            .iter()
            .map(|entry| word(entry))
            .collect::<HashSet<_>>()
    };
    let phrases = |entries: &[&str]| {
        entries
            .iter()
            .map(|entry| vocabulary_words(entry))
            .filter(|words| !words.is_empty())
            .collect::<Vec<_>>()
    };
    let mut months = HashMap::new();
    for (index, names) in table.months.iter().enumerate() {
        for name in names.iter() {
            months.insert(word(name), index as u32 + 1);
        }
    }
    let mut units = HashMap::new();
    for (unit, names) in table.units {
        for name in names.iter() {
            units.insert(word(name), *unit);
        }
    }
    let mut quantities = HashMap::new();
    for (value, names) in table.quantities {
        for name in names.iter() {
            quantities.insert(word(name), *value);
        }
    }
    DateLanguage {
        code: table.code,
        months,
        units,
        implicit_one_units: set(table.implicit_one_units),
        quantities,
        ago_before: phrases(table.ago_before),
        ago_after: phrases(table.ago_after),
        ago_after_whole_text_only: phrases(table.ago_after_whole_text_only),
        fillers: set(table.fillers),
        number_unit_links: set(table.number_unit_links),
        connectors: set(table.connectors),
        day_words: table
            .day_words
            .iter()
            .map(|(days, phrase)| (*days, vocabulary_words(phrase)))
            .collect(),
        day_words_ambiguous: phrases(table.day_words_ambiguous),
        just_now: phrases(table.just_now),
        now_whole_text_only: phrases(table.now_whole_text_only),
        time_connectors: set(table.time_connectors),
        time_suffixes: set(table.time_suffixes),
        after_year: set(table.after_year),
        ordinal_suffixes: set(table.ordinal_suffixes),
        date_links: set(table.date_links),
        last_words: set(table.last_words),
        weekdays: set(table.weekdays),
    }
}

/// The tables, in the order of `SUPPORTED`.
const TABLES: [LanguageTable; 10] = [
    western::EN,
    western::DE,
    western::FR,
    western::ES,
    western::IT,
    eastern::RU,
    eastern::UK,
    eastern::RO,
    eastern::PL,
    eastern::TR,
];
