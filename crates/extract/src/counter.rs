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

/// The first ad counter in `text` (a page's visible text), if any.
pub fn find_ad_counter(text: &str) -> Option<u64> {
    let folded = fold(text);
    let nouns: Vec<String> = COUNT_NOUNS.iter().map(|noun| fold(noun)).collect();
    let leads: Vec<String> = COUNT_LEADS.iter().map(|lead| fold(lead)).collect();
    let characters: Vec<(usize, char)> = folded.char_indices().collect();
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
        let noun_after = next_word.is_some_and(|word| is_noun(word, &nouns));
        // A noun before the number counts only when a colon or bracket
        // ties them ("Anzeigen: 523", "Profile (2'345)"), not in "Anzeigen
        // 1–20 von 523".
        let tied = folded[..start_byte].trim_end().ends_with([':', '(']);
        let noun_or_lead_before = previous_word.is_some_and(|word| {
            (tied && is_noun(word, &nouns)) || leads.iter().any(|lead| lead == word)
        });
        if (noun_after || noun_or_lead_before) && (1..=MAX_COUNT).contains(&value) {
            return Some(value);
        }
        index = end;
    }
    None
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
