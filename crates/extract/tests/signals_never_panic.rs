//! The text-signal readers never panic, whatever the text: arbitrary
//! Unicode strings, strings built from the characters the readers care
//! about (digits, separators, currency signs, look-alike letters), and
//! arbitrary lexicon sources.

use cartograph_extract::{
    detect_language, find_posted, find_prices, parse_posted, LexiconSet, DATE_LANGUAGES,
};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

/// The pieces of `signal_text`, separated by "|".
const PIECES: &str = "1|12|2024|0|9|.|,|/|-|:|'|’|+| |  |\u{a0}|€|$|₽|грн|zł|Ft|TL|h|am|pm|Uhr|\
    vor|ago|назад|тому|temu|önce|il y a|hace|fa|acum|вчера|hier|heute|марта|березня|März|T|Z|ч|\
    de|la|за|per|night|7|14|21|дней|weeks|é|\u{301}|а|і|ş|ı|İ|ß|👍|\u{0}|\n";

/// Text made of the pieces the readers branch on, so that proptest reaches
/// deep paths rather than failing on the first character.
fn signal_text() -> impl Strategy<Value = String> {
    let pieces: Vec<&'static str> = PIECES.split('|').collect();
    let pieces = prop::sample::select(pieces);
    prop::collection::vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
}

fn language() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(
        DATE_LANGUAGES
            .iter()
            .copied()
            .chain(["xx", ""])
            .collect::<Vec<_>>(),
    ))
}

/// Cases per property: `CARTOGRAPH_FUZZ_CASES` when CI sets it.
fn fuzz_cases() -> u32 {
    std::env::var("CARTOGRAPH_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases()))]

    #[test]
    fn dates_never_panic(text in any::<String>(), built in signal_text(), language in language(), seconds in 0i64..4_102_444_800) {
        let now = Utc.timestamp_opt(seconds, 0).single().expect("in range");
        for text in [&text, &built] {
            let _ = parse_posted(text, language, now);
            let _ = find_posted(text, language, now);
        }
    }

    #[test]
    fn prices_never_panic(text in any::<String>(), built in signal_text(), language in language()) {
        for text in [&text, &built] {
            for price in find_prices(text, language) {
                prop_assert!(price.amount_minor > 0);
            }
        }
    }

    #[test]
    fn language_detection_never_panics(text in any::<String>(), built in signal_text()) {
        for text in [&text, &built] {
            if let Some(guess) = detect_language(text) {
                prop_assert!((0.0..=1.0).contains(&guess.confidence));
                prop_assert_eq!(guess.code.len(), 2);
            }
        }
    }

    #[test]
    fn lexicon_parsing_and_scanning_never_panic(source in any::<String>(), term in any::<String>(), text in any::<String>(), built in signal_text()) {
        let _ = LexiconSet::from_sources(&[("en.toml", &source)]);
        let lexicon = format!(
            "language = \"en\"\nversion = 1\n[[term]]\ntext = {term:?}\ncategory = \"movement\"\nnote = \"n\"\n"
        );
        if let Ok(set) = LexiconSet::from_sources(&[("en.toml", &lexicon)]) {
            for text in [&text, &built, &term] {
                let _ = set.scan(text);
            }
        }
    }
}
