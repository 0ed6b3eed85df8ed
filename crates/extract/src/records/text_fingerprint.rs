//! A 64-bit SimHash (Charikar 2002) of a card's text, to recognise an ad
//! reposted under a new id: the same words with a new date, price or id
//! land a few bits away, another ad lands about 32 bits away.
//!
//! The text is folded first (`crate::fold`: case, marks, Cyrillic/Latin
//! look-alikes), then cut into words. Features are the words, the phone
//! number as one strong feature, and other numbers weakly; what a repost
//! changes is left out: dates and times, the words of the date vocabulary
//! ("today", "вчера", "ago", month names) and the numbers before them (see
//! `features`). Each feature's 64 hash bits vote ±weight; the sign of each
//! sum is one bit of the fingerprint.
//!
//! Threshold: [`REPOST_HAMMING_THRESHOLD`] = 8 of 64 bits. Manku, Jain &
//! Das Sarma (2007) use 3 for whole web pages; card texts are a few dozen
//! words, where one changed word moves more bits. Measured on the farm's
//! cards (`tests/fingerprints.rs`, farm seed 5, 40 sites, eight pages a
//! site): every repost the truth names lies within 8 bits (141 of 141); a
//! repost with a new date and price moves at most 5 bits; one with a word
//! of the description changed stays within 8 in 86 % of cases; 0.14 % of
//! pairs of distinct ads — built from a deliberately small phrase book —
//! fall within 8. A site's repost groups also require the same contacts
//! (`site/dedupe.rs`). The test keeps those figures from sliding.

use crate::fold;
use crate::records::stable_hash::stable_hash;

/// Fingerprints at most this many bits apart are taken to be the same ad.
pub const REPOST_HAMMING_THRESHOLD: u32 = 8;

/// For each byte value, the sign (+1 for a set bit, −1 for a clear one) of
/// its eight bits, lowest first.
const BYTE_SIGNS: [[i32; 8]; 256] = {
    let mut table = [[0i32; 8]; 256];
    let mut value = 0;
    while value < 256 {
        let mut bit = 0;
        while bit < 8 {
            table[value][bit] = if (value >> bit) & 1 == 1 { 1 } else { -1 };
            bit += 1;
        }
        value += 1;
    }
    table
};

/// Weights of the features; see [`features`].
///
/// A word weighs [`WORD_WEIGHT`] plus 0–15 from its own hash: with equal
/// weights the words of a short card cancel exactly on many bits (about
/// one bit in six for twenty words), and a changed price or age, however
/// light, would decide all of those; with weights that differ, exact ties
/// are rare and a number moves a bit or two.
const WORD_WEIGHT: i32 = 16;
const NUMBER_WEIGHT: i32 = 4;
const PHONE_WEIGHT: i32 = 40;

/// The SimHash of `text`; 0 for a text without words.
pub fn text_fingerprint(text: &str) -> u64 {
    text_fingerprint_folded(&fold(text))
}

/// [`text_fingerprint`] of a text already folded.
pub(crate) fn text_fingerprint_folded(folded: &str) -> u64 {
    let features = features(folded);
    if features.is_empty() {
        return 0;
    }
    let mut votes = [0i32; 64];
    for (hash, weight) in features {
        // +weight for a 1 bit, −weight for a 0 bit, eight bits at a time
        // from a table of signs (eight lanes vectorise; 64 shifts do not).
        for (byte_index, lanes) in votes.chunks_exact_mut(8).enumerate() {
            let signs = &BYTE_SIGNS[((hash >> (8 * byte_index)) & 0xff) as usize];
            for (tally, sign) in lanes.iter_mut().zip(signs) {
                *tally += sign * weight;
            }
        }
    }
    votes
        .iter()
        .enumerate()
        .fold(0u64, |fingerprint, (bit, &tally)| {
            if tally > 0 {
                fingerprint | 1 << bit
            } else {
                fingerprint
            }
        })
}

/// The weighted features of a folded text. Words weigh [`WORD_WEIGHT`],
/// except what a repost changes: words of the date vocabulary ("today",
/// "вчера", "ago", month and weekday names) and the numbers right before
/// them ("vor 18 Tagen", "3 марта") are left out, and tokens of
/// letters and digits ("member6912", "id4821") weigh [`NUMBER_WEIGHT`]. A
/// run of number tokens (`+43 664 016 7434`, `16/12/2024 19:03`, `350`) is
/// read as a whole: full dates (`16/12/2024`, `2024-12-16`; a two-digit
/// year only when the run is nothing else) and times (`19:03`) are left
/// out; what remains, when it has seven digits or more, is a phone number,
/// one feature of [`PHONE_WEIGHT`] (the number an ad is reposted with);
/// any other number (a price, an age) weighs [`NUMBER_WEIGHT`].
fn features(folded: &str) -> Vec<(u64, i32)> {
    let tokens = tokens(folded);
    let date_words = crate::dates::date_words();
    let mut features = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        if !token.is_number {
            let has_digit = token.text.bytes().any(|byte| byte.is_ascii_digit());
            if has_digit {
                features.push((stable_hash(token.text.as_bytes()), NUMBER_WEIGHT));
            } else if !date_words.contains(token.text) {
                let hash = stable_hash(token.text.as_bytes());
                features.push((hash, WORD_WEIGHT + (hash >> 60) as i32));
            }
            index += 1;
            continue;
        }
        let run_end = tokens[index..]
            .iter()
            .position(|token| !token.is_number)
            .map_or(tokens.len(), |offset| index + offset);
        // "vor 18 Tagen", "3 days ago", "3 de enero": the day or amount of
        // a date.
        let is_date_word = |index: usize| {
            tokens
                .get(index)
                .is_some_and(|token| date_words.contains(token.text))
        };
        let next_is_date_word = is_date_word(run_end)
            || (tokens
                .get(run_end)
                .is_some_and(|token| matches!(token.text, "de" | "di" | "du"))
                && is_date_word(run_end + 1));
        if !next_is_date_word {
            number_run_features(&tokens[index..run_end], &mut features);
        }
        index = run_end;
    }
    features
}

/// A token of a folded text: a maximal run of word characters, and the
/// non-word characters before it.
struct FingerprintToken<'text> {
    text: &'text str,
    /// The separator before the token, spaces trimmed (`/`, `:`, `.`).
    separator: &'text str,
    is_number: bool,
}

fn tokens(folded: &str) -> Vec<FingerprintToken<'_>> {
    let mut tokens = Vec::new();
    let mut rest = folded;
    while !rest.is_empty() {
        let word_start = rest
            .char_indices()
            .find(|(_, character)| crate::is_word_character(*character))
            .map_or(rest.len(), |(position, _)| position);
        let separator = rest[..word_start].trim();
        rest = &rest[word_start..];
        if rest.is_empty() {
            break;
        }
        let word_end = rest
            .char_indices()
            .find(|(_, character)| !crate::is_word_character(*character))
            .map_or(rest.len(), |(position, _)| position);
        let text = &rest[..word_end];
        tokens.push(FingerprintToken {
            text,
            separator,
            is_number: text.bytes().all(|byte| byte.is_ascii_digit()),
        });
        rest = &rest[word_end..];
    }
    tokens
}

/// The features of one run of number tokens; see [`features`].
fn number_run_features(run: &[FingerprintToken<'_>], features: &mut Vec<(u64, i32)>) {
    let mut rest: Vec<&str> = Vec::with_capacity(run.len());
    let mut index = 0;
    while index < run.len() {
        if index + 2 < run.len() && is_date(&run[index..index + 3], run.len() == 3) {
            index += 3;
            continue;
        }
        if index + 1 < run.len() && is_time(&run[index..index + 2]) {
            index += 2;
            continue;
        }
        rest.push(run[index].text);
        index += 1;
    }
    let digits: usize = rest.iter().map(|token| token.len()).sum();
    if digits >= 7 {
        let joined: String = rest.concat();
        features.push((stable_hash(joined.as_bytes()), PHONE_WEIGHT));
    } else {
        for token in rest {
            features.push((stable_hash(token.as_bytes()), NUMBER_WEIGHT));
        }
    }
}

/// Three numbers joined by one date sign (`.`, `/`, `-`) in a date's
/// shape: a real day and month with a four-digit year in either order, or,
/// when the run is only these three, a two-digit year too.
fn is_date(tokens: &[FingerprintToken<'_>], whole_run: bool) -> bool {
    let sign = tokens[1].separator;
    if !matches!(sign, "." | "/" | "-") || tokens[2].separator != sign {
        return false;
    }
    let value = |token: &FingerprintToken<'_>| token.text.parse::<u32>().unwrap_or(0);
    let day =
        |token: &FingerprintToken<'_>| token.text.len() <= 2 && (1..=31).contains(&value(token));
    let month =
        |token: &FingerprintToken<'_>| token.text.len() <= 2 && (1..=12).contains(&value(token));
    let year = |token: &FingerprintToken<'_>| {
        (token.text.len() == 4 && (1900..=2099).contains(&value(token)))
            || (whole_run && token.text.len() == 2)
    };
    let [first, second, third] = [&tokens[0], &tokens[1], &tokens[2]];
    (year(third) && ((day(first) && month(second)) || (month(first) && day(second))))
        || (first.text.len() == 4 && year(first) && month(second) && day(third))
}

/// Two numbers joined by `:` in a time's shape (`19:03`).
fn is_time(tokens: &[FingerprintToken<'_>]) -> bool {
    let value = |token: &FingerprintToken<'_>| token.text.parse::<u32>().unwrap_or(99);
    tokens[1].separator == ":"
        && tokens[0].text.len() <= 2
        && tokens[1].text.len() == 2
        && value(&tokens[0]) <= 24
        && value(&tokens[1]) < 60
}

/// How many bits two fingerprints differ in.
pub fn fingerprint_distance(first: u64, second: u64) -> u32 {
    (first ^ second).count_ones()
}

/// Whether two card texts are probably the same ad (a repost); both must
/// have text.
pub fn is_probable_repost(first: u64, second: u64) -> bool {
    first != 0 && second != 0 && fingerprint_distance(first, second) <= REPOST_HAMMING_THRESHOLD
}
