//! The words the farm writes with, per language: interface labels, first
//! names, neutral taglines and sentences, digits as words (for obscured phone
//! numbers), month names and relative-date phrases, price units and the risk
//! lexicon. Places, currencies and phone plans live in `vocabulary/places.rs`;
//! the language tables themselves in `vocabulary/western.rs` and
//! `vocabulary/eastern.rs`. Everything is deliberately non-explicit: the risk
//! wording the crawler's lexicons must catch is inserted on purpose, at rates
//! the truth records, and never appears by accident in the neutral text (a
//! test checks that).

mod eastern;
mod places;
mod western;

pub(crate) use places::{country, City, Country, Currency, COUNTRIES};

/// One language of the farm.
#[derive(Debug)]
pub(crate) struct Language {
    /// ISO 639-1 (`de`, `uk`).
    pub(crate) code: &'static str,
    pub(crate) plural: PluralRule,
    pub(crate) labels: Labels,
    pub(crate) first_names: &'static [&'static str],
    /// Short neutral title endings (`new here`, `elegant and friendly`).
    pub(crate) taglines: &'static [&'static str],
    /// Neutral description sentences; none contains a lexicon phrase.
    pub(crate) sentences: &'static [&'static str],
    /// `0`–`9` written as words, as ads do to hide a number.
    pub(crate) digit_words: [&'static str; 10],
    /// Month names as they appear in a long date (`3 января 2025`).
    pub(crate) months: [&'static str; 12],
    pub(crate) long_date: LongDateOrder,
    /// Between day, month and year of a numeric date (`03.01.2025`).
    pub(crate) numeric_date_separator: char,
    pub(crate) relative: RelativeWords,
    pub(crate) units: UnitWords,
    /// Between groups of three digits of a price (`8 000`, `1.500`).
    pub(crate) thousands_separator: &'static str,
    pub(crate) lexicon: Lexicon,
}

/// How plural forms are chosen for `{n}` phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PluralRule {
    /// One form for 1, another for everything else (en, de, es, it).
    OneOther,
    /// One form for 0 and 1 (fr).
    ZeroOneOther,
    /// East Slavic: 1, 21, 31… / 2–4, 22–24… / the rest (ru, uk).
    EastSlavic,
    /// Polish: 1 / 2–4, 22–24… (not 12–14) / the rest.
    Polish,
    /// Romanian: 1 / 0 and 2–19 (and …02–…19) / 20 and more ("de").
    Romanian,
    /// One form for every number (tr).
    Invariant,
}

impl PluralRule {
    /// Index into a `[one, few, many]` triple.
    pub(crate) fn form(self, number: u64) -> usize {
        let last_digit = number % 10;
        let last_two = number % 100;
        match self {
            PluralRule::OneOther => usize::from(number != 1) * 2,
            PluralRule::ZeroOneOther => usize::from(number > 1) * 2,
            PluralRule::EastSlavic => {
                if last_digit == 1 && last_two != 11 {
                    0
                } else if (2..=4).contains(&last_digit) && !(12..=14).contains(&last_two) {
                    1
                } else {
                    2
                }
            }
            PluralRule::Polish => {
                if number == 1 {
                    0
                } else if (2..=4).contains(&last_digit) && !(12..=14).contains(&last_two) {
                    1
                } else {
                    2
                }
            }
            PluralRule::Romanian => {
                if number == 1 {
                    0
                } else if number == 0 || (1..=19).contains(&last_two) {
                    1
                } else {
                    2
                }
            }
            PluralRule::Invariant => 0,
        }
    }

    /// `forms[form(number)]` with `{n}` replaced by the number.
    pub(crate) fn phrase(self, forms: &[&str; 3], number: u64) -> String {
        forms[self.form(number)].replace("{n}", &number.to_string())
    }
}

/// Word order of a long date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LongDateOrder {
    /// `3 January 2025`, `3 января 2025`.
    Spaced,
    /// `3 de enero de 2025`.
    SpanishDe,
    /// `3. Januar 2025`.
    GermanDot,
}

/// Relative dates as listings print them.
#[derive(Debug)]
pub(crate) struct RelativeWords {
    /// `[one, few, many]` with `{n}`: `vor {n} Stunden`.
    pub(crate) hours_ago: [&'static str; 3],
    pub(crate) days_ago: [&'static str; 3],
    pub(crate) just_now: &'static str,
    /// Printed before a time of day: `heute 14:05`, `azi 14:05`.
    pub(crate) today: &'static str,
    pub(crate) yesterday: &'static str,
}

/// What follows a price amount.
#[derive(Debug)]
pub(crate) struct UnitWords {
    pub(crate) hour: &'static str,
    pub(crate) night: &'static str,
    pub(crate) day: &'static str,
    /// `[one, few, many]` with `{n}`: `für {n} Tage`, `за {n} дней`.
    pub(crate) days: [&'static str; 3],
    pub(crate) month: &'static str,
    /// Before a starting price: `ab`, `from`.
    pub(crate) from: &'static str,
    /// Printed when an ad names no price.
    pub(crate) on_request: &'static str,
}

/// Risk wording, by the design's categories. Neutral words only.
#[derive(Debug)]
pub(crate) struct Lexicon {
    pub(crate) youth: &'static [&'static str],
    /// Trust-building ("100% real").
    pub(crate) trust: &'static [&'static str],
    /// Movement ("new in town").
    pub(crate) movement: &'static [&'static str],
    /// Agency or manager voice.
    pub(crate) third_party: &'static [&'static str],
    /// Rental for a period, `[one, few, many]`; `{n}` is 7, 14 or 21.
    pub(crate) rental: &'static [[&'static str; 3]],
    pub(crate) auction: &'static [&'static str],
    pub(crate) multiple_providers: &'static [&'static str],
    /// (ISO 3166-1 country of origin, phrase).
    pub(crate) nationality: &'static [(&'static str, &'static str)],
}

/// Interface words. `{n}` is a number.
#[derive(Debug)]
pub(crate) struct Labels {
    pub(crate) home: &'static str,
    pub(crate) about: &'static str,
    pub(crate) about_text: &'static str,
    pub(crate) post_ad: &'static str,
    pub(crate) post_ad_text: &'static str,
    pub(crate) partners: &'static str,
    pub(crate) premium: &'static str,
    pub(crate) premium_text: &'static str,
    pub(crate) rules: &'static str,
    pub(crate) rules_text: &'static str,
    pub(crate) next: &'static str,
    pub(crate) previous: &'static str,
    pub(crate) page: &'static str,
    pub(crate) load_more: &'static str,
    /// `{n} ads online`: a site-wide counter.
    pub(crate) ads_online: &'static str,
    /// `Showing {n} ads`: a page counter.
    pub(crate) showing: &'static str,
    pub(crate) phone: &'static str,
    pub(crate) price: &'static str,
    pub(crate) location: &'static str,
    pub(crate) posted: &'static str,
    pub(crate) title: &'static str,
    pub(crate) replies: &'static str,
    pub(crate) views: &'static str,
    pub(crate) author: &'static str,
    pub(crate) sponsored: &'static str,
    pub(crate) advertise: &'static str,
    pub(crate) followers: &'static str,
    pub(crate) opening_hours: &'static str,
    pub(crate) present_today: &'static str,
    pub(crate) services: &'static str,
    pub(crate) search: &'static str,
    pub(crate) not_found: &'static str,
    /// After an operator name in the footer (`Medien GmbH`).
    pub(crate) company_suffix: &'static str,
    /// The personal-services section of a classifieds site.
    pub(crate) personal_section: &'static str,
    /// Other sections of a classifieds site (never in scope).
    pub(crate) other_sections: [&'static str; 3],
    /// Words in site names, one per template in `TemplateKind::ALL` order.
    pub(crate) site_words: [&'static str; 8],
    /// "Rules of the board" thread title (a non-ad row).
    pub(crate) sticky_rules: &'static str,
    /// "Suggested for you" (a non-ad item on social listings).
    pub(crate) suggested: &'static str,
}

/// Every language, in a fixed order.
pub(crate) const LANGUAGES: [&Language; 10] = [
    &western::ENGLISH,
    &western::GERMAN,
    &western::FRENCH,
    &western::SPANISH,
    &western::ITALIAN,
    &eastern::RUSSIAN,
    &eastern::UKRAINIAN,
    &eastern::POLISH,
    &eastern::ROMANIAN,
    &eastern::TURKISH,
];

/// The language with ISO 639-1 `code`; English for an unknown code (the
/// tables are constant, so only a typo in them could reach the fallback).
pub(crate) fn language(code: &str) -> &'static Language {
    LANGUAGES
        .iter()
        .copied()
        .find(|language| language.code == code)
        .unwrap_or(&western::ENGLISH)
}

/// The words for `0`–`9` in the farm's language `code`, as obscured phone
/// numbers spell them, for tests and benchmarks that recover numbers.
pub fn digit_words(code: &str) -> Option<[&'static str; 10]> {
    LANGUAGES
        .iter()
        .find(|language| language.code == code)
        .map(|language| language.digit_words)
}

#[cfg(test)]
mod tests {
    use super::{PluralRule, LANGUAGES};

    #[test]
    fn plural_forms() {
        let check = |rule: PluralRule, number: u64, expected: usize| {
            assert_eq!(rule.form(number), expected, "{rule:?} {number}");
        };
        check(PluralRule::OneOther, 1, 0);
        check(PluralRule::OneOther, 2, 2);
        check(PluralRule::ZeroOneOther, 0, 0);
        check(PluralRule::ZeroOneOther, 3, 2);
        check(PluralRule::EastSlavic, 1, 0);
        check(PluralRule::EastSlavic, 3, 1);
        check(PluralRule::EastSlavic, 5, 2);
        check(PluralRule::EastSlavic, 11, 2);
        check(PluralRule::EastSlavic, 21, 0);
        check(PluralRule::EastSlavic, 22, 1);
        check(PluralRule::Polish, 1, 0);
        check(PluralRule::Polish, 21, 2);
        check(PluralRule::Polish, 23, 1);
        check(PluralRule::Polish, 13, 2);
        check(PluralRule::Romanian, 1, 0);
        check(PluralRule::Romanian, 5, 1);
        check(PluralRule::Romanian, 20, 2);
        check(PluralRule::Romanian, 105, 1);
        check(PluralRule::Invariant, 7, 0);
    }

    /// The neutral words never carry a risk phrase, so every lexicon hit in
    /// the truth was put there on purpose.
    #[test]
    fn neutral_text_contains_no_lexicon_phrase() {
        for language in LANGUAGES {
            let lexicon = &language.lexicon;
            let mut phrases: Vec<String> = [
                lexicon.youth,
                lexicon.trust,
                lexicon.movement,
                lexicon.third_party,
                lexicon.auction,
                lexicon.multiple_providers,
            ]
            .iter()
            .flat_map(|phrases| phrases.iter().map(|phrase| phrase.to_lowercase()))
            .collect();
            for days in ["7", "14", "21"] {
                phrases.extend(lexicon.rental.iter().flat_map(|forms| {
                    forms
                        .iter()
                        .map(|phrase| phrase.replace("{n}", days).to_lowercase())
                }));
            }
            phrases.extend(
                lexicon
                    .nationality
                    .iter()
                    .map(|(_, phrase)| phrase.to_lowercase()),
            );
            let neutral = language
                .sentences
                .iter()
                .chain(language.taglines)
                .chain(language.first_names);
            for text in neutral {
                let text = text.to_lowercase();
                for phrase in &phrases {
                    assert!(
                        !text.contains(phrase.as_str()),
                        "{}: {text:?} contains {phrase:?}",
                        language.code
                    );
                }
            }
            assert!(language.sentences.len() >= 6, "{}", language.code);
            assert!(language.first_names.len() >= 8, "{}", language.code);
        }
    }
}
