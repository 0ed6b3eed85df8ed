//! The site's own ad counter ("12 345 ads", "523 Anzeigen", "Найдено 1 234
//! объявления"): field c of the mapping sheet reports it next to the ads
//! cartograph saw, because the two often disagree (sites inflate it, or
//! count ads no listing page shows).
//!
//! A counter is a number written with optional thousands separators
//! directly before or after an "ads"/"listings"/"profiles" noun of one of
//! our languages, or after "results:"-style words. Matching runs on folded
//! text (see `fold`), so case, marks and look-alike letters do not matter.

use crate::fold::fold;

/// Nouns that follow (or precede) an ad count, folded. Each is a prefix so
/// that inflected forms match ("объявлени" matches объявление, -я, -й).
const COUNT_NOUNS: &[&str] = &[
    // en
    "ads",
    "adverts",
    "listings",
    "profiles",
    "escorts",
    "results",
    "offers",
    "members",
    // de
    "anzeigen",
    "inserate",
    "profile",
    "angebote",
    "ergebnisse",
    // fr
    "annonces",
    "profils",
    "resultats",
    "offres",
    // es
    "anuncios",
    "perfiles",
    "resultados",
    "ofertas",
    // it
    "annunci",
    "profili",
    "risultati",
    "offerte",
    // ru, uk (folded: Cyrillic look-alikes become Latin letters)
    "объявлени",
    "обьявлени",
    "анкет",
    "предложени",
    "результат",
    "оголошен",
    "пропозиці",
    // ro
    "anunturi",
    "anunt",
    "profiluri",
    "rezultate",
    "oferte",
    // pl
    "ogloszen",
    "ogloszenia",
    "ogloszenie",
    "profili",
    "wynik",
    "ofert",
    // tr
    "ilan",
    "profil",
    "sonuc",
    // cs, hu, bg
    "inzerat",
    "hirdetes",
    "обяви",
];

/// Words after which a number is a count ("Found: 1 234", "Найдено 523").
const COUNT_LEADS: &[&str] = &[
    "found",
    "total",
    "insgesamt",
    "gefunden",
    "trouve",
    "total de",
    "encontrados",
    "trovati",
    "найдено",
    "всего",
    "знайдено",
    "усього",
    "gasite",
    "znaleziono",
    "bulundu",
    "toplam",
];

/// The largest count taken seriously; beyond it a number is more likely an
/// id, a phone number or a year run together.
const MAX_COUNT: u64 = 50_000_000;

/// Words that make a count one of the ads *on this page* ("Showing 20
/// ads", "20 Anzeigen werden angezeigt"), folded stems: a page counter says
/// nothing about the site's size.
const SHOWN_WORDS: &[&str] = &[
    "showing",
    "shown",
    "displaying",
    "displayed",
    "angezeigt",
    "zeige",
    "affich",
    "mostrando",
    "mostrad",
    "mostrat",
    "visualizzat",
    "показано",
    "показаны",
    "показан",
    "відображено",
    "wyswietlon",
    "pokazano",
    "afiseaza",
    "afisat",
    "gosteril",
];

/// How many words either side of a count a "shown" word may be.
const SHOWN_WORD_REACH: usize = 3;

/// What a count on a page counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterScope {
    /// The site's (or section's) ads: "1 234 ads online".
    Site,
    /// The ads on this page: "Showing 20 ads".
    Page,
}

/// An ad count found in a page's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdCounter {
    pub count: u64,
    pub scope: CounterScope,
}

/// The first ad counter in `text` (a page's visible text), if any.
pub fn find_ad_counter(text: &str) -> Option<u64> {
    find_ad_counters(text).first().map(|counter| counter.count)
}

/// Every ad counter in `text`, in order, each with what it counts.
pub fn find_ad_counters(text: &str) -> Vec<AdCounter> {
    let folded = fold(text);
    let [nouns, leads, shown] = folded_lists();
    let characters: Vec<(usize, char)> = folded.char_indices().collect();
    let mut counters = Vec::new();
    let mut index = 0;
    while index < characters.len() {
        let starts_number = characters[index].1.is_ascii_digit()
            && (index == 0 || !characters[index - 1].1.is_alphanumeric());
        if !starts_number {
            index += 1;
            continue;
        }
        let (value, end) = read_number(&characters, index);
        let start_byte = characters[index].0;
        let end_byte = characters
            .get(end)
            .map_or(folded.len(), |(position, _)| *position);
        let next_word = first_word(&folded[end_byte..]);
        let previous_word = last_word(&folded[..start_byte]);
        let noun_after = next_word.is_some_and(|word| is_noun(word, nouns));
        // A noun before the number counts only when a colon or bracket
        // ties them ("Anzeigen: 523", "Profile (2'345)"), not in "Anzeigen
        // 1–20 von 523".
        let tied = folded[..start_byte].trim_end().ends_with([':', '(']);
        let noun_or_lead_before = previous_word.is_some_and(|word| {
            (tied && is_noun(word, nouns)) || leads.iter().any(|lead| lead == word)
        });
        if (noun_after || noun_or_lead_before) && (1..=MAX_COUNT).contains(&value) {
            let near = |word: &str| shown.iter().any(|stem| word.starts_with(stem.as_str()));
            let shown_near = words_before(clause_before(&folded[..start_byte]), SHOWN_WORD_REACH)
                .any(near)
                || words_after(clause_after(&folded[end_byte..]), SHOWN_WORD_REACH).any(near);
            counters.push(AdCounter {
                count: value,
                scope: if shown_near {
                    CounterScope::Page
                } else {
                    CounterScope::Site
                },
            });
        }
        index = end;
    }
    counters
}

/// The word lists, folded once on first use.
fn folded_lists() -> &'static [Vec<String>; 3] {
    static LISTS: std::sync::OnceLock<[Vec<String>; 3]> = std::sync::OnceLock::new();
    LISTS.get_or_init(|| {
        [COUNT_NOUNS, COUNT_LEADS, SHOWN_WORDS]
            .map(|words| words.iter().map(|word| fold(word)).collect())
    })
}

/// Whether a character ends a clause of a counter line ("4 512 ads online
/// · Showing 25 ads" is two). Digits do not: the fold writes Cyrillic з as 3.
fn breaks_clause(character: char) -> bool {
    matches!(character, '·' | '|' | '•' | ';' | '!' | '?' | '\n' | '.')
}

/// The end of `text` after its last clause break.
fn clause_before(text: &str) -> &str {
    text.char_indices()
        .rev()
        .find(|(_, character)| breaks_clause(*character))
        .map_or(text, |(position, character)| {
            &text[position + character.len_utf8()..]
        })
}

/// The start of `text` up to its first clause break.
fn clause_after(text: &str) -> &str {
    text.find(breaks_clause)
        .map_or(text, |position| &text[..position])
}

/// Up to `count` words before the end of `text`, nearest first.
fn words_before(text: &str, count: usize) -> impl Iterator<Item = &str> {
    text.rsplit(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(count)
}

/// Up to `count` words from the start of `text`.
fn words_after(text: &str, count: usize) -> impl Iterator<Item = &str> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(count)
}

/// Reads a number starting at `start`: a run of digits, then, if that run
/// has at most three digits, any groups of exactly three digits joined by
/// a space, `.`, `,` or `'`. Returns the value and the index after it.
fn read_number(characters: &[(usize, char)], start: usize) -> (u64, usize) {
    let digit_at = |index: usize| {
        characters
            .get(index)
            .is_some_and(|(_, character)| character.is_ascii_digit())
    };
    let mut end = start;
    while digit_at(end) {
        end += 1;
    }
    let mut digits: String = characters[start..end]
        .iter()
        .map(|(_, character)| *character)
        .collect();
    if digits.len() <= 3 {
        loop {
            let separator = characters.get(end).map(|(_, character)| *character);
            let is_separator = matches!(separator, Some(' ' | '.' | ',' | '\'' | '\u{2019}'));
            let group_is_three = (1..=3).all(|offset| digit_at(end + offset)) && !digit_at(end + 4);
            if !(is_separator && group_is_three) {
                break;
            }
            digits.extend(
                characters[end + 1..end + 4]
                    .iter()
                    .map(|(_, character)| *character),
            );
            end += 4;
        }
    }
    (digits.parse().unwrap_or(u64::MAX), end)
}

fn is_noun(word: &str, nouns: &[String]) -> bool {
    nouns.iter().any(|noun| word.starts_with(noun.as_str()))
}

/// The first word of `text` after spaces and light punctuation.
fn first_word(text: &str) -> Option<&str> {
    let trimmed = text.trim_start_matches(|character: char| {
        character.is_whitespace() || "():-–—".contains(character)
    });
    let end = trimmed
        .find(|character: char| !character.is_alphabetic())
        .unwrap_or(trimmed.len());
    (end > 0).then(|| &trimmed[..end])
}

/// The last word of `text` before spaces and light punctuation.
fn last_word(text: &str) -> Option<&str> {
    let trimmed = text.trim_end_matches(|character: char| {
        character.is_whitespace() || "():-–—".contains(character)
    });
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, character)| character.is_alphabetic())
        .last()
        .map(|(position, _)| position)?;
    Some(&trimmed[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<u64>) {
        assert_eq!(find_ad_counter(text), expected, "{text:?}");
    }

    #[test]
    fn counters_in_our_languages() {
        for (text, expected) in [
            ("Escort Wien — 1 234 ads online", Some(1234)),
            ("523 Anzeigen in Berlin", Some(523)),
            ("12.345 annonces", Some(12345)),
            ("Найдено 1 234 объявления", Some(1234)),
            ("Знайдено 87 оголошень", Some(87)),
            ("4 512 anunțuri", Some(4512)),
            ("1 024 ogłoszeń", Some(1024)),
            ("3.210 ilan bulundu", Some(3210)),
            ("Total: 77", Some(77)),
            ("Profile (2'345)", Some(2345)),
            ("12 annunci", Some(12)),
            ("1,500 listings", Some(1500)),
            ("Anzeigen: 523", Some(523)),
            ("Anzeigen 1–20 von 523 Anzeigen", Some(523)),
            ("Showing results 1 - 20", None),
        ] {
            check(text, expected);
        }
    }

    #[test]
    fn counts_of_the_page_are_told_from_counts_of_the_site() {
        let scopes = |text: &str| -> Vec<(u64, CounterScope)> {
            find_ad_counters(text)
                .into_iter()
                .map(|counter| (counter.count, counter.scope))
                .collect()
        };
        assert_eq!(
            scopes("4 512 adverts online · Showing 25 adverts"),
            [(4512, CounterScope::Site), (25, CounterScope::Page)]
        );
        assert_eq!(
            scopes("25 Anzeigen werden angezeigt"),
            [(25, CounterScope::Page)]
        );
        assert_eq!(scopes("Показано анкет: 20"), [(20, CounterScope::Page)]);
        assert_eq!(
            scopes("Wyświetlono 30 ogłoszeń"),
            [(30, CounterScope::Page)]
        );
        assert_eq!(scopes("1 234 анкет на сайте"), [(1234, CounterScope::Site)]);
        assert_eq!(scopes("312 ilan gösteriliyor"), [(312, CounterScope::Page)]);
    }

    #[test]
    fn numbers_that_are_not_counters() {
        for text in [
            "100% real photos",
            "Anna, 24, new in town",
            "Call 0664 123 456",
            "150 EUR per hour",
            "Page 2 of 9",
            "",
            "ads",
        ] {
            check(text, None);
        }
    }
}
