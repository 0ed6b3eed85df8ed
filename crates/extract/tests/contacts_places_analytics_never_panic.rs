//! Never panics: contacts, places and analytics ids over arbitrary strings,
//! and over strings built from the pieces their scanners react to (digits,
//! separators, number words, look-alikes, link prefixes, id prefixes), so
//! the deep paths are exercised, not only the early exits.

use cartograph_extract::{
    find_contacts, find_place, find_tracking_ids, scope_class, LinkageKey, Place,
};
use proptest::prelude::*;

/// Fragments that steer the scanners into their deeper branches.
const PIECES: &[&str] = &[
    "0",
    "6",
    "64",
    "0664",
    "1234567",
    "+",
    "+43",
    "(0)",
    " ",
    "  ",
    "-",
    ".",
    "/",
    "*",
    ",",
    "|",
    "O",
    "l",
    "I",
    "S",
    "B",
    "О",
    "zero",
    "null",
    "sechs",
    "ноль",
    "п'ять",
    "sıfır",
    "plus",
    "плюс",
    "ID",
    "#",
    "№",
    ":",
    "\n",
    "tel:",
    "https://wa.me/",
    "t.me/",
    "t.me/+",
    "@anna",
    "Telegram: ",
    "instagram.com/",
    "viber://chat?number=%2B",
    "signal.me/#p/",
    "Wien",
    "в ",
    "Москв",
    "е",
    "Nice",
    "in ",
    "Monaco di Baviera",
    "'da",
    "UA-",
    "G-",
    "GTM-",
    "ca-pub-",
    "AW-",
    "ym(",
    "\"init\"",
    "fbq(",
    "'init'",
    "facebook.com/tr?id=",
    "Ya.Metrika({id:",
    "mc.yandex.ru/watch/",
    "yaCounter",
    "é",
    "\u{301}",
    "ʼ",
    "’",
    "\u{0}",
    "🙂",
];

fn pieces() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|parts| parts.concat())
}

fn exercise(text: &str, region: &str) {
    let key = LinkageKey::new([3; 32]);
    let hrefs: Vec<&str> = text.split_whitespace().collect();
    let signals = find_contacts(text, &hrefs, region, &key);
    for pseudonym in &signals.pseudonyms {
        assert_eq!(pseudonym.digest.len(), 64);
    }
    let places: Vec<Place> = text.split('\n').filter_map(find_place).collect();
    let _ = scope_class(&places, region);
    let _ = find_tracking_ids(text);
}

/// Cases per property: `CARTOGRAPH_FUZZ_CASES` when CI sets it.
fn fuzz_cases() -> u32 {
    std::env::var("CARTOGRAPH_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases()))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>(), region in "[A-Za-z]{0,3}") {
        exercise(&text, &region);
    }

    #[test]
    fn scanner_shaped_strings_never_panic(
        text in pieces(),
        region in prop::sample::select(&["AT", "DE", "RU", "ES", "IT", "GB", "", "zz"][..]),
    ) {
        exercise(&text, region);
    }
}
