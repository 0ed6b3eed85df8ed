//! The gazetteer's coverage, place names in many languages, ambiguous
//! names, and the scope class rule.

use std::collections::{BTreeMap, BTreeSet};

use cartograph_extract::{find_place, gazetteer_size, scope_class, Place, ScopeClass};

const DATA: &str = include_str!("../data/places.txt");

/// The 57 participating States of the OSCE.
const OSCE_STATES: &[&str] = &[
    "al", "ad", "am", "at", "az", "by", "be", "ba", "bg", "ca", "hr", "cy", "cz", "dk", "ee", "fi",
    "fr", "ge", "de", "gr", "va", "hu", "is", "ie", "it", "kz", "kg", "lv", "li", "lt", "lu", "mt",
    "md", "mc", "mn", "me", "mk", "nl", "no", "pl", "pt", "ro", "ru", "sm", "rs", "sk", "si", "es",
    "se", "ch", "tj", "tr", "tm", "ua", "gb", "us", "uz",
];

/// Countries for which the capital and at least the 8 largest cities are
/// required.
const LARGE_COVERAGE: &[&str] = &[
    "at", "de", "ch", "fr", "be", "nl", "gb", "ie", "it", "es", "pt", "pl", "cz", "sk", "hu", "ro",
    "md", "ua", "ru", "by", "tr", "bg", "gr", "rs", "hr", "si", "ba", "me", "mk", "al", "lt", "lv",
    "ee", "fi", "se", "no", "dk",
];

#[test]
fn gazetteer_covers_the_osce_region() {
    let mut countries = BTreeSet::new();
    let mut cities_per_country: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keys = BTreeSet::new();
    for line in DATA
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
    {
        let fields: Vec<&str> = line.split('|').collect();
        if let Some(code) = fields[0].strip_prefix('@') {
            assert_eq!(fields.len(), 3, "country line {line}");
            assert!(countries.insert(code), "country {code} twice");
        } else {
            assert_eq!(fields.len(), 4, "city line {line}");
            assert!(keys.insert(fields[0]), "key {} twice", fields[0]);
            let (country, slug) = fields[0].split_once('/').expect("country/slug key");
            assert!(
                slug.bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte == b'-'),
                "{slug}"
            );
            assert!(!fields[2].is_empty(), "region of {}", fields[0]);
            // Every city is findable in Russian or Ukrainian Cyrillic, or is
            // itself written in a non-Latin script.
            assert!(
                line.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
                "no Cyrillic name for {}",
                fields[0]
            );
            *cities_per_country.entry(country).or_default() += 1;
        }
    }
    let expected: BTreeSet<&str> = OSCE_STATES.iter().copied().collect();
    assert_eq!(countries, expected);
    assert_eq!(OSCE_STATES.len(), 57);
    for country in OSCE_STATES {
        let cities = cities_per_country.get(country).copied().unwrap_or(0);
        let required = if LARGE_COVERAGE.contains(country) {
            9
        } else if *country == "va" {
            1 // the Holy See has one city
        } else {
            3
        };
        assert!(
            cities >= required,
            "{country}: {cities} cities, need {required}"
        );
    }
    assert_eq!(gazetteer_size(), (57, keys.len()));
}

fn check(text: &str, expected_key: Option<&str>) {
    let found = find_place(text).map(|place| place.key);
    assert_eq!(found, expected_key, "place in {text:?}");
}

#[test]
fn one_city_in_many_languages() {
    for text in [
        "Wien",
        "Vienna",
        "Vienne",
        "Viena",
        "Вена",
        "Відень",
        "Wiedeń",
        "Viyana",
        "WIEN",
        "Вeна",
        "1020 Wien, Leopoldstadt",
        "Neu in Wien!",
        "Viyana'da yeni",
    ] {
        check(text, Some("at/wien"));
    }
    for (text, key) in [
        ("München", "de/muenchen"),
        ("Muenchen", "de/muenchen"),
        ("Monachium", "de/muenchen"),
        ("Мюнхен", "de/muenchen"),
        ("Köln", "de/koeln"),
        ("Cologne", "de/koeln"),
        ("Kyiv", "ua/kyiv"),
        ("Kiev", "ua/kyiv"),
        ("Київ", "ua/kyiv"),
        ("Киев", "ua/kyiv"),
        ("Chișinău", "md/chisinau"),
        ("Chisinau", "md/chisinau"),
        ("Кишинёв", "md/chisinau"),
        ("Bükreş", "ro/bucuresti"),
        ("Bucuresti", "ro/bucuresti"),
        ("Θεσσαλονίκη", "gr/thessaloniki"),
        ("Selanik", "gr/thessaloniki"),
        ("Београд", "rs/beograd"),
        ("Belgrado", "rs/beograd"),
        ("St. Pölten", "at/sankt-poelten"),
        ("Sankt Pölten", "at/sankt-poelten"),
        ("Novi Sad", "rs/novi-sad"),
        ("Den Haag", "nl/den-haag"),
        ("The Hague", "nl/den-haag"),
        ("Łódź", "pl/lodz"),
        ("Lodz", "pl/lodz"),
        ("İstanbul'da", "tr/istanbul"),
        ("Istanbul", "tr/istanbul"),
        ("Tbilisi", "ge/tbilisi"),
        ("New York", "us/new-york"),
    ] {
        check(text, Some(key));
    }
}

#[test]
fn inflected_forms() {
    for (text, key) in [
        ("Встречи в Москве", "ru/moskva"),
        ("из Минска", "by/minsk"),
        ("в Санкт-Петербурге", "ru/sankt-peterburg"),
        ("в Одессе", "ua/odesa"),
        ("в Софии", "bg/sofia"),
        ("у Харкові", "ua/kharkiv"),
        ("у Києві", "ua/kyiv"),
        ("в Одесі", "ua/odesa"),
        ("w Warszawie", "pl/warszawa"),
        ("we Wrocławiu", "pl/wroclaw"),
        ("v Praze", "cz/praha"),
        ("в Риме", "it/roma"),
    ] {
        check(text, Some(key));
    }
}

#[test]
fn ambiguous_names() {
    for (text, key) in [
        // Longest match wins; a contained name is dropped.
        ("Monaco di Baviera", Some("de/muenchen")),
        ("Monaco", Some("mc/monaco")),
        ("Monte Carlo", Some("mc/monte-carlo")),
        ("Las Palmas de Gran Canaria", Some("es/las-palmas")),
        ("Palma de Mallorca", Some("es/palma")),
        ("Frankfurt am Main", Some("de/frankfurt-am-main")),
        ("Frankfurt", Some("de/frankfurt-am-main")),
        ("Andorra la Vella", Some("ad/andorra-la-vella")),
        // A city beats a country, also when the country comes first.
        ("Luxembourg", Some("lu/luxembourg")),
        ("San Marino", Some("sm/san-marino")),
        ("Girl from Romania, now in Wien", Some("at/wien")),
        ("Romania", Some("ro")),
        ("Österreich", Some("at")),
        ("Berlin und Hamburg", Some("de/berlin")),
        // Ordinary words and first names need a location cue.
        ("Nice girl, very friendly", None),
        ("Have a nice day", None),
        ("Now in Nice", Some("fr/nice")),
        ("Nice", Some("fr/nice")),
        ("Nice'de yeni", Some("fr/nice")),
        ("Sofia, 24, new here", None),
        ("Sofia", Some("bg/sofia")),
        ("в София", Some("bg/sofia")),
        ("Split the bill", None),
        ("in Split", Some("hr/split")),
        ("Martin, 30", None),
        ("Meet at the bar", None),
        ("Roma people", None),
        ("a Roma per tre giorni", Some("it/roma")),
        ("Larissa, 22", None),
        ("Porto de Galinhas", None),
        // Word boundaries.
        ("Wiener Schnitzel", None),
        ("Romantic evening", None),
        ("Parisienne style", None),
        ("Barcelona", Some("es/barcelona")),
        ("", None),
    ] {
        check(text, key);
    }
}

fn place(text: &str) -> Place {
    find_place(text).unwrap_or_else(|| panic!("no place in {text:?}"))
}

#[test]
fn scope_class_rule() {
    use ScopeClass::*;
    let wien = place("Wien");
    let graz = place("Graz");
    let leoben_region_graz = place("Graz");
    let linz = place("Linz");
    let wels = place("Wels");
    let austria = place("Österreich");
    let muenchen = place("München");
    for (places, home, expected) in [
        (vec![], "at", Unknown),
        (vec![wien], "at", Local),
        (vec![wien, wien], "AT", Local),
        (vec![graz, leoben_region_graz], "at", Local),
        (vec![linz, wels], "at", Regional),
        (vec![wien, graz], "at", National),
        (vec![austria], "at", National),
        (vec![wien, austria], "at", National),
        (vec![wien, muenchen], "at", International),
        (vec![muenchen], "at", International),
        (vec![muenchen], "de", Local),
    ] {
        assert_eq!(
            scope_class(&places, home),
            expected,
            "{places:?} at home in {home}"
        );
    }
}
