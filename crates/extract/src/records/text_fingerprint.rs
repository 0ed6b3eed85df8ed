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

/// Weights of the features; see [`features`].
const WORD_WEIGHT: i32 = 4;
const NUMBER_WEIGHT: i32 = 1;
const PHONE_WEIGHT: i32 = 8;

/// The SimHash of `text`; 0 for a text without words.
pub fn text_fingerprint(text: &str) -> u64 {
    let folded = fold(text);
    let features = features(&folded);
    if features.is_empty() {
        return 0;
    }
    let mut votes = [0i32; 64];
    for (hash, weight) in features {
        for (bit, tally) in votes.iter_mut().enumerate() {
            if hash >> bit & 1 == 1 {
                *tally += weight;
            } else {
                *tally -= weight;
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

/// How many bits two fingerprints differ in.
pub fn fingerprint_distance(first: u64, second: u64) -> u32 {
    (first ^ second).count_ones()
}

/// Whether two card texts are probably the same ad (a repost); both must
/// have text.
pub fn is_probable_repost(first: u64, second: u64) -> bool {
    first != 0 && second != 0 && fingerprint_distance(first, second) <= REPOST_HAMMING_THRESHOLD
}
