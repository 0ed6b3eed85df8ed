//! Digits written as words, in the languages of the OSCE sites cartograph
//! reads first (en de fr es it ru uk ro pl tr), so that
//! "null sechs sechs vier …" or "ноль девять …" is read back as a phone
//! number.
//!
//! Every spelling is stored folded (`crate::fold`: lower case, no marks,
//! Cyrillic look-alikes as Latin letters), because the phone scan walks the
//! folded text: "Fünf", "FUNF" and "fünf" are one entry. Only the digits
//! 0–9 are listed: obscured numbers are spelled digit by digit; tens
//! ("sixty-four") are too rare in ads to be worth the false matches.
//!
//! Some spellings are also ordinary words ("un", "one", "bir", "opt",
//! "sept"). That is safe because a word counts only inside a run of at
//! least seven digits that then has to be a valid number of its region;
//! the scan also retries a run without the words at its edges.

use std::sync::OnceLock;

/// (spelling, digit) as written; folded once on first use.
const NUMBER_WORDS: &[(&str, u8)] = &[
    // English.
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    // German.
    ("null", 0),
    ("eins", 1),
    ("zwei", 2),
    ("zwo", 2),
    ("drei", 3),
    ("vier", 4),
    ("fünf", 5),
    ("fuenf", 5),
    ("sechs", 6),
    ("sieben", 7),
    ("acht", 8),
    ("neun", 9),
    // French.
    ("zéro", 0),
    ("un", 1),
    ("deux", 2),
    ("trois", 3),
    ("quatre", 4),
    ("cinq", 5),
    ("sept", 7),
    ("huit", 8),
    ("neuf", 9),
    // Spanish.
    ("cero", 0),
    ("uno", 1),
    ("dos", 2),
    ("tres", 3),
    ("cuatro", 4),
    ("cinco", 5),
    ("seis", 6),
    ("siete", 7),
    ("ocho", 8),
    ("nueve", 9),
    // Italian.
    ("due", 2),
    ("tre", 3),
    ("quattro", 4),
    ("cinque", 5),
    ("sei", 6),
    ("sette", 7),
    ("otto", 8),
    ("nove", 9),
    // Russian.
    ("ноль", 0),
    ("нуль", 0),
    ("один", 1),
    ("одна", 1),
    ("два", 2),
    ("две", 2),
    ("три", 3),
    ("четыре", 4),
    ("пять", 5),
    ("шесть", 6),
    ("семь", 7),
    ("восемь", 8),
    ("девять", 9),
    // Ukrainian (нуль, один, одна, два, три as in Russian).
    ("дві", 2),
    ("чотири", 4),
    ("п'ять", 5),
    ("п’ять", 5),
    ("пʼять", 5),
    ("шість", 6),
    ("сім", 7),
    ("вісім", 8),
    ("дев'ять", 9),
    ("дев’ять", 9),
    ("девʼять", 9),
    // Romanian.
    ("unu", 1),
    ("doi", 2),
    ("două", 2),
    ("trei", 3),
    ("patru", 4),
    ("cinci", 5),
    ("șase", 6),
    ("şase", 6),
    ("șapte", 7),
    ("şapte", 7),
    ("opt", 8),
    ("nouă", 9),
    // Polish.
    ("jeden", 1),
    ("jedna", 1),
    ("dwa", 2),
    ("trzy", 3),
    ("cztery", 4),
    ("pięć", 5),
    ("sześć", 6),
    ("siedem", 7),
    ("osiem", 8),
    ("dziewięć", 9),
    // Turkish.
    ("sıfır", 0),
    ("bir", 1),
    ("iki", 2),
    ("üç", 3),
    ("dört", 4),
    ("beş", 5),
    ("altı", 6),
    ("yedi", 7),
    ("sekiz", 8),
    ("dokuz", 9),
];

/// The word "plus" before a spelled-out international number.
const PLUS_WORDS: &[&str] = &["plus", "плюс", "artı"];

/// The longest folded number word, in bytes: words longer than this are
/// never looked up.
pub(super) const LONGEST_NUMBER_WORD_BYTES: usize = 24;

/// What a folded word means to the phone scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum WordMeaning {
    Digit(u8),
    Plus,
}

/// The meaning of `folded_word` (already folded), if it is a number word.
pub(super) fn meaning_of(folded_word: &str) -> Option<WordMeaning> {
    let table = folded_table();
    table
        .binary_search_by(|(spelling, _)| spelling.as_str().cmp(folded_word))
        .ok()
        .map(|index| table[index].1)
}

fn folded_table() -> &'static [(String, WordMeaning)] {
    static TABLE: OnceLock<Vec<(String, WordMeaning)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<(String, WordMeaning)> = NUMBER_WORDS
            .iter()
            .map(|(spelling, digit)| (crate::fold(spelling), WordMeaning::Digit(*digit)))
            .chain(
                PLUS_WORDS
                    .iter()
                    .map(|spelling| (crate::fold(spelling), WordMeaning::Plus)),
            )
            .collect();
        table.sort();
        // The same folded spelling listed twice ("zero" in several
        // languages) must mean the same digit; a test checks that it does.
        table.dedup();
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_folded_spelling_has_one_meaning_and_fits_the_length_bound() {
        let table = folded_table();
        for pair in table.windows(2) {
            assert_ne!(pair[0].0, pair[1].0, "{} means two things", pair[0].0);
        }
        for (spelling, _) in table {
            assert!(spelling.len() <= LONGEST_NUMBER_WORD_BYTES, "{spelling}");
            assert!(!spelling.contains(' '), "{spelling}");
        }
    }

    #[test]
    fn spellings_are_found_whatever_their_case_and_marks() {
        for (word, expected) in [
            ("Fünf", WordMeaning::Digit(5)),
            ("FUNF", WordMeaning::Digit(5)),
            ("Ноль", WordMeaning::Digit(0)),
            ("dziewiec", WordMeaning::Digit(9)),
            ("SIFIR", WordMeaning::Digit(0)),
            ("п'ять", WordMeaning::Digit(5)),
            ("Plus", WordMeaning::Plus),
        ] {
            assert_eq!(meaning_of(&crate::fold(word)), Some(expected), "{word}");
        }
        assert_eq!(meaning_of("hello"), None);
    }
}
