//! Places named on ad cards, and the geographical scope of a site.
//!
//! A built-in gazetteer (`data/places.txt`) covers the OSCE region: the 57
//! participating states and, for each, its capital and largest cities with
//! their first-level region, native names and the exonyms and
//! transliterations used in en de fr es it ru uk ro pl tr (Wien / Vienna /
//! Vienne / Viena / Вена / Відень / Wiedeń / Viyana). Names are matched on
//! the folded text (`crate::fold`: case, marks and Cyrillic look-alikes do
//! not matter), word-bounded, with one Aho-Corasick pass.
//!
//! How a text is resolved to one place:
//! - A match inside a longer match is dropped ("Monaco di Baviera" is
//!   München, not Monaco; "Las Palmas de Gran Canaria" is not Palma).
//! - A city beats a country ("Luxembourg" is the city; "Girl from Romania,
//!   now in Wien" is Wien), and the first city in the text wins.
//! - Names that are also ordinary words or first names (marked `~` in the
//!   data: Nice, Split, Bar, Sofia, Martin, Roma, …) count only after a
//!   location cue ("in", "à", "в", "w", "din", …), before a Turkish
//!   locative suffix ("Nice'de"), or when they are the whole text (a
//!   location field), and only when the text writes them capitalised
//!   ("have a nice day" is no place).
//! - A name written the same for two cities resolves to the one listed
//!   first in the data.
//! - Cyrillic names also match with the common Russian and Ukrainian case
//!   endings ("в Москве", "из Минска", "у Харкові" via its stem); Polish
//!   and Czech locatives whose stem changes are listed in the data.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

/// One place of the gazetteer: a city, or a whole country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Place {
    /// Stable key: `"at/wien"` for a city, `"at"` for a country.
    pub key: &'static str,
    /// Canonical name: the native name of a city, the English name of a
    /// country.
    pub name: &'static str,
    /// ISO 3166 alpha-2 code, lower case (`"at"`).
    pub country: &'static str,
    /// First-level region of a city (`"Steiermark"`); empty for a country.
    pub region: &'static str,
}

impl Place {
    /// Whether this place is a whole country rather than a city.
    pub fn is_country(&self) -> bool {
        self.region.is_empty()
    }
}

/// How far the places of a site's ads spread (mapping field e).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeClass {
    /// No place was found: reporting "local" would claim a scope nobody
    /// saw.
    #[default]
    Unknown,
    /// One city.
    Local,
    /// Several cities of one first-level region.
    Regional,
    /// Several regions of the home country, or the country named as a
    /// whole.
    National,
    /// Places in more than one country, or in a country other than home.
    International,
}

/// The place `text` names, if any (see the module doc for how a text that
/// names several is resolved).
pub fn find_place(text: &str) -> Option<Place> {
    find_place_folded(text, &crate::fold(text))
}

/// [`find_place`] of a text already folded (`folded` is `fold(text)`).
pub(crate) fn find_place_folded(text: &str, folded: &str) -> Option<Place> {
    let gazetteer = gazetteer();
    let mut candidates: Vec<Candidate> = Vec::new();
    for found in gazetteer.automaton.find_overlapping_iter(folded) {
        let pattern = &gazetteer.patterns[found.pattern().as_usize()];
        let Some(end) = word_end(folded, found.end(), pattern.inflects) else {
            continue;
        };
        if !starts_word(folded, found.start()) {
            continue;
        }
        if pattern.needs_cue
            && !(has_cue(folded, found.start(), end) && text.contains(pattern.capital_prefix))
        {
            continue;
        }
        candidates.push(Candidate {
            start: found.start(),
            end,
            place_index: pattern.place_index,
        });
    }
    // Longest first at each start, so contained matches can be dropped.
    candidates.sort_by_key(|candidate| {
        (
            candidate.start,
            std::cmp::Reverse(candidate.end),
            candidate.place_index,
        )
    });
    let mut kept: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        // Strictly inside a longer match; the same span for two places
        // (a city-state and its country) keeps both.
        let contained = kept.iter().any(|outer| {
            outer.start <= candidate.start
                && candidate.end <= outer.end
                && outer.end - outer.start > candidate.end - candidate.start
        });
        if !contained {
            kept.push(candidate);
        }
    }
    let places = &gazetteer.places;
    kept.iter()
        .map(|candidate| places[candidate.place_index])
        .find(|place| !place.is_country())
        .or_else(|| kept.first().map(|candidate| places[candidate.place_index]))
}

/// The scope class of a site whose ads name `places` (repeats allowed),
/// for a site at home in `home_country` (ISO alpha-2, any case).
///
/// The rule, in order: no places → `Unknown`; places in two or more
/// countries, or in one country that is not home → `International`; a
/// country named as a whole, or cities in two or more first-level regions
/// → `National`; two or more cities of one region → `Regional`; one city
/// → `Local`.
pub fn scope_class(places: &[Place], home_country: &str) -> ScopeClass {
    let Some(first) = places.first() else {
        return ScopeClass::Unknown;
    };
    let one_country = places.iter().all(|place| place.country == first.country);
    if !one_country || !first.country.eq_ignore_ascii_case(home_country.trim()) {
        return ScopeClass::International;
    }
    let whole_country = places.iter().any(Place::is_country);
    let one_region = places.iter().all(|place| place.region == first.region);
    if whole_country || !one_region {
        return ScopeClass::National;
    }
    if places.iter().all(|place| place.key == first.key) {
        ScopeClass::Local
    } else {
        ScopeClass::Regional
    }
}

/// The gazetteer's place with `key` (`"at/wien"`, `"at"`), so that a stored
/// key can be turned back into its country and region.
pub fn place_by_key(key: &str) -> Option<Place> {
    gazetteer()
        .places
        .iter()
        .find(|place| place.key == key)
        .copied()
}

/// Builds the gazetteer now, so the first page is not slower than the rest.
pub(crate) fn warm_up() {
    let _ = gazetteer();
    let _ = case_endings();
    let _ = location_cues();
}

/// Number of countries and cities in the gazetteer (for reports and tests).
pub fn gazetteer_size() -> (usize, usize) {
    let places = &gazetteer().places;
    let countries = places.iter().filter(|place| place.is_country()).count();
    (countries, places.len() - countries)
}

const GAZETTEER_DATA: &str = include_str!("../data/places.txt");

struct Gazetteer {
    places: Vec<Place>,
    patterns: Vec<Pattern>,
    automaton: AhoCorasick,
}

/// One folded name in the automaton.
struct Pattern {
    place_index: usize,
    needs_cue: bool,
    /// The first three letters of an ambiguous name as the data writes it,
    /// capital first ("Nic"): "have a nice day" has a cue ("a") but is no
    /// place, because the raw text never writes the name capitalised.
    capital_prefix: &'static str,
    /// A Cyrillic stem that may carry a case ending ("москв" + "е").
    inflects: bool,
}

struct Candidate {
    start: usize,
    end: usize,
    place_index: usize,
}

fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| build_gazetteer(GAZETTEER_DATA))
}

/// Parses the data file. Its format is checked by the tests; a malformed
/// line is skipped rather than taking the extractor down.
fn build_gazetteer(data: &'static str) -> Gazetteer {
    let mut places = Vec::new();
    let mut patterns = Vec::new();
    let mut folded_names: Vec<String> = Vec::new();
    for line in data.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('|');
        let (Some(key), Some(canonical), Some(third)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (place, other_names) = match key.strip_prefix('@') {
            Some(code) => (
                Place {
                    key: code,
                    name: canonical.trim_start_matches('~'),
                    country: code,
                    region: "",
                },
                third,
            ),
            None => {
                let Some((country, _)) = key.split_once('/') else {
                    continue;
                };
                let place = Place {
                    key,
                    name: canonical.trim_start_matches('~'),
                    country,
                    region: third,
                };
                (place, fields.next().unwrap_or(""))
            }
        };
        let place_index = places.len();
        places.push(place);
        let mut seen_for_place: Vec<String> = Vec::new();
        for written in std::iter::once(canonical).chain(other_names.split(',')) {
            let written = written.trim();
            let needs_cue = written.starts_with('~');
            let folded = crate::fold(written.trim_start_matches('~'));
            if folded.is_empty() || seen_for_place.contains(&folded) {
                continue;
            }
            seen_for_place.push(folded.clone());
            let unmarked = written.trim_start_matches('~');
            let prefix_end = unmarked
                .char_indices()
                .nth(3)
                .map_or(unmarked.len(), |(index, _)| index);
            let capital_prefix = &unmarked[..prefix_end];
            patterns.push(Pattern {
                place_index,
                needs_cue,
                capital_prefix,
                inflects: false,
            });
            folded_names.push(folded.clone());
            if let Some(stem) = cyrillic_stem(written, &folded) {
                patterns.push(Pattern {
                    place_index,
                    needs_cue,
                    capital_prefix,
                    inflects: true,
                });
                folded_names.push(stem);
            }
        }
    }
    // A few thousand short names: far below the automaton's size limits.
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&folded_names)
        .expect("gazetteer automaton builds");
    Gazetteer {
        places,
        patterns,
        automaton,
    }
}

/// The stem a Cyrillic name declines from: the name without its final
/// vowel or soft sign ("москва" → "москв"), or the name itself when it ends
/// in a consonant ("минск"). Only for names of five letters or more, so
/// short names ("рим", "ош") never match a longer word.
fn cyrillic_stem(written: &str, folded: &str) -> Option<String> {
    // The fold turns many Cyrillic letters Latin, so look at the name as
    // written.
    let is_cyrillic = written
        .chars()
        .any(|character| ('\u{0400}'..='\u{04FF}').contains(&character));
    if !is_cyrillic || folded.chars().count() < 5 || folded.contains(' ') {
        return None;
    }
    let last = folded.chars().next_back()?;
    // Folded forms: а → a, о → o, е → e, у → y, і → i; я, ь, и, ы stay.
    if matches!(
        last,
        'a' | 'я' | 'o' | 'e' | 'ь' | 'и' | 'ы' | 'y' | 'i' | 'й'
    ) {
        let stem_length = folded.len() - last.len_utf8();
        Some(folded[..stem_length].to_owned())
    } else {
        Some(folded.to_owned())
    }
}

/// Russian and Ukrainian case endings (folded on first use).
const CASE_ENDINGS: &[&str] = &[
    "а", "я", "у", "ю", "е", "и", "і", "ї", "ы", "ой", "ей", "ом", "ем", "ою", "ею", "ові", "еві",
];

fn case_endings() -> &'static [String] {
    static ENDINGS: OnceLock<Vec<String>> = OnceLock::new();
    ENDINGS.get_or_init(|| {
        CASE_ENDINGS
            .iter()
            .map(|ending| crate::fold(ending))
            .collect()
    })
}

/// Where the matched name ends as a word: at `end` when a non-word
/// character follows, or, for an inflecting stem, after a case ending.
fn word_end(folded: &str, end: usize, inflects: bool) -> Option<usize> {
    let rest = &folded[end..];
    let at_boundary = |text: &str| !text.chars().next().is_some_and(crate::is_word_character);
    if !inflects {
        return at_boundary(rest).then_some(end);
    }
    case_endings()
        .iter()
        .filter(|ending| rest.starts_with(*ending) && at_boundary(&rest[ending.len()..]))
        .map(|ending| end + ending.len())
        .next()
}

fn starts_word(folded: &str, start: usize) -> bool {
    !folded[..start]
        .chars()
        .next_back()
        .is_some_and(crate::is_word_character)
}

/// Words before a place name that say it is a place ("in Nice", "à Nice",
/// "в Софии", "w Sofii"), in en de fr es it ru uk ro pl tr.
const LOCATION_CUES: &[&str] = &[
    "in",
    "at",
    "near",
    "from",
    "to",
    "around",
    "im",
    "bei",
    "nach",
    "aus",
    "von",
    "um",
    "à",
    "a",
    "au",
    "de",
    "près",
    "vers",
    "en",
    "cerca",
    "da",
    "di",
    "vicino",
    "в",
    "во",
    "из",
    "у",
    "около",
    "под",
    "з",
    "із",
    "біля",
    "în",
    "la",
    "din",
    "lângă",
    "w",
    "we",
    "z",
    "ze",
    "koło",
    "pod",
    "do",
];

/// Whether the match at `start..end` is confirmed as a place: a location
/// cue right before it, a Turkish locative suffix right after it, or no
/// other word in the text.
fn has_cue(folded: &str, start: usize, end: usize) -> bool {
    let before = folded[..start].trim_end_matches([' ', ',', ':', '(']);
    let after = &folded[end..];
    if before.is_empty()
        && after
            .trim_matches(|c: char| !crate::is_word_character(c))
            .is_empty()
    {
        return true;
    }
    let turkish_locative = [
        "'da", "'de", "'ta", "'te", "'dan", "'den", "'tan", "'ten", "’da", "’de",
    ]
    .iter()
    .any(|suffix| after.starts_with(suffix));
    if turkish_locative {
        return true;
    }
    let previous_word_start = before
        .rfind(|character: char| !crate::is_word_character(character))
        .map_or(0, |index| {
            index + before[index..].chars().next().map_or(1, char::len_utf8)
        });
    let previous_word = &before[previous_word_start..];
    !previous_word.is_empty()
        && location_cues()
            .iter()
            .any(|cue| cue.as_str() == previous_word)
}

fn location_cues() -> &'static [String] {
    static CUES: OnceLock<Vec<String>> = OnceLock::new();
    CUES.get_or_init(|| LOCATION_CUES.iter().map(|cue| crate::fold(cue)).collect())
}
