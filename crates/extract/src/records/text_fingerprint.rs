//! A 64-bit SimHash (Charikar 2002) of a card's text, to recognise an ad
//! reposted under a new id: the same words with a new date, price or id
//! land a few bits away, another ad lands about 32 bits away.
//!
//! The text is folded first (`crate::fold`: case, marks, Cyrillic/Latin
//! look-alikes), then cut into words. Features are the words and the word
//! pairs (pairs keep word order, so two ads built from one phrase book
//! still differ), the phone number as one strong feature, and other
//! numbers weakly; dates and times, which a repost changes, are left out
//! (see `features`). Each feature's 64 hash bits vote ±weight; the sign of
//! each sum is one bit of the fingerprint.
//!
//! Threshold: [`REPOST_HAMMING_THRESHOLD`] = 8 of 64 bits. Manku, Jain &
//! Das Sarma (2007) use 3 for whole web pages; card texts are a few dozen
//! words, where one changed word moves more bits. Measured on the farm's
//! cards (`tests/fingerprints.rs`, farm seed 5, 8 sites): a repost with a new
//! date and price moves at most 6 bits; a repost with one word of the
//! description changed stays within 8 in 91 % of cases; 0.27 % of pairs of
//! distinct ads — built from a deliberately small phrase book — fall within
//! 8. The test keeps those figures from sliding.

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
const WORD_WEIGHT: i32 = 4;
const NUMBER_WEIGHT: i32 = 1;
const PHONE_WEIGHT: i32 = 8;

/// The SimHash of `text`; 0 for a text without words.
pub fn text_fingerprint(text: &str) -> u64 {
    let folded = fold_quickly(text);
    let features = features(&folded);
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

/// The weighted features of a folded text. Words weigh [`WORD_WEIGHT`]. A run of number tokens (`+43 664 016 7434`,
/// `2025-02-11`, `350`) is read as a whole: seven or more digits that are
/// not a date are a phone number, one feature of [`PHONE_WEIGHT`] (the
/// number an ad is reposted with); a date (`2025-02-11`, `11.02.2025`) or
/// time (`21:30`) is left out, since a repost changes it; any other number
/// (a price, an age) weighs [`NUMBER_WEIGHT`].
fn features(folded: &str) -> Vec<(u64, i32)> {
    let tokens: Vec<&str> = folded
        .split(|character: char| !crate::is_word_character(character))
        .filter(|token| !token.is_empty())
        .collect();
    let is_number = |token: &str| token.bytes().all(|byte| byte.is_ascii_digit());
    let mut features = Vec::with_capacity(tokens.len() * 2);
    let mut index = 0;
    while index < tokens.len() {
        if !is_number(tokens[index]) {
            features.push((stable_hash(tokens[index].as_bytes()), WORD_WEIGHT));
            index += 1;
            continue;
        }
        let run_end = tokens[index..]
            .iter()
            .position(|token| !is_number(token))
            .map_or(tokens.len(), |offset| index + offset);
        let run = &tokens[index..run_end];
        let digits: usize = run.iter().map(|token| token.len()).sum();
        if is_date_or_time(run) {
            // Left out: a repost changes it.
        } else if digits >= 7 {
            let joined: String = run.concat();
            features.push((stable_hash(joined.as_bytes()), PHONE_WEIGHT));
        } else {
            for token in run {
                features.push((stable_hash(token.as_bytes()), NUMBER_WEIGHT));
            }
        }
        index = run_end;
    }
    features
}

/// `2025 02 11`, `11 02 2025`, `11 2 25` (a date cut into tokens) or `21 30`
/// (a time).
fn is_date_or_time(run: &[&str]) -> bool {
    let lengths: Vec<usize> = run.iter().map(|token| token.len()).collect();
    match lengths.as_slice() {
        [4, 1..=2, 1..=2] | [1..=2, 1..=2, 4] | [1..=2, 1..=2, 2] => true,
        [1..=2, 2] => run[1].parse::<u32>().is_ok_and(|minutes| minutes < 60),
        _ => false,
    }
}

/// `crate::fold(text)` up to whitespace, faster: runs of ASCII are
/// lower-cased directly (fold maps an ASCII character to its lower case and
/// nothing else), only the other runs go through `fold`. Canonical
/// decomposition never reorders across an ASCII character (every one is a
/// starter), and fold's mapping is per character, so the words come out as
/// fold makes them; only runs of spaces may differ, and words are split on
/// every non-word character anyway.
fn fold_quickly(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii_length = rest.bytes().take_while(u8::is_ascii).count();
        if ascii_length > 0 {
            for byte in rest[..ascii_length].bytes() {
                folded.push(char::from(byte.to_ascii_lowercase()));
            }
            rest = &rest[ascii_length..];
            continue;
        }
        // Invariant: a run of non-ASCII ends at an ASCII byte, which is
        // always a character boundary in UTF-8.
        let other_length = rest
            .bytes()
            .position(|byte| byte.is_ascii())
            .unwrap_or(rest.len());
        let run = &rest[..other_length];
        // fold drops whitespace at the ends of what it is given; keep it as
        // a word break (a no-break space between two words).
        if run.starts_with(char::is_whitespace) {
            folded.push(' ');
        }
        folded.push_str(&fold(run));
        if run.ends_with(char::is_whitespace) {
            folded.push(' ');
        }
        rest = &rest[other_length..];
    }
    folded
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(|character: char| !crate::is_word_character(character))
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn quick_fold_makes_the_words_fold_makes() {
        for text in [
            "Nina, 31, NEW in Town! +44 7700 900123",
            "Straße in Zürich, Café Crème, 350 € pro Stunde",
            "Новая девушка в городе, звоните",
            "NEW іn tоwn mixed Cyrillic",
            "e\u{301}te\u{301} accents combining",
            "Bucureşti și Iași, 600 lei / oră",
            "350\u{a0}€ per\u{a0}hour, Zürich\u{2003}centre",
            "İstanbul'da yeni, ıslak ĞÜŞ",
            "",
        ] {
            assert_eq!(words(&fold_quickly(text)), words(&fold(text)), "{text:?}");
        }
    }
}
