//! A 64-bit SimHash (Charikar 2002) of a card's text, to recognise an ad
//! reposted under a new id: the same words with a new date, price or id
//! land a few bits away, another ad lands about 32 bits away.
//!
//! The text is folded first (`crate::fold`: case, marks, Cyrillic/Latin
//! look-alikes), then cut into words. Features are the words and the word
//! pairs (pairs keep word order, so two ads built from one phrase book
//! still differ); tokens made only of digits — dates, prices, counters,
//! ids, the parts that change on a repost — count a quarter as much as a
//! word. Each feature's 64 hash bits vote ±weight; the sign of each sum is
//! one bit of the fingerprint.
//!
//! Threshold: [`REPOST_HAMMING_THRESHOLD`] bits. Manku, Jain & Das Sarma
//! (2007) use 3 of 64 for whole web pages; card texts are a few dozen words,
//! where one changed word moves more bits, so the threshold is wider. The
//! crate's tests check both sides on farm-like cards: a repost with a new
//! date, price and id stays within it, distinct ads of one site stay out.

use crate::fold;
use crate::records::stable_hash::{combine, stable_hash};

/// Fingerprints at most this many bits apart are taken to be the same ad.
pub const REPOST_HAMMING_THRESHOLD: u32 = 10;

/// Weight of a word against a digits-only token.
const WORD_WEIGHT: i32 = 4;
const NUMBER_WEIGHT: i32 = 1;

/// The SimHash of `text`; 0 for a text without words.
pub fn text_fingerprint(text: &str) -> u64 {
    let folded = fold(text);
    let tokens: Vec<&str> = folded
        .split(|character: char| !crate::is_word_character(character))
        .filter(|token| !token.is_empty())
        .collect();
    if tokens.is_empty() {
        return 0;
    }
    let weight = |token: &str| {
        if token.bytes().all(|byte| byte.is_ascii_digit()) {
            NUMBER_WEIGHT
        } else {
            WORD_WEIGHT
        }
    };
    let mut votes = [0i32; 64];
    let mut vote = |hash: u64, weight: i32| {
        for (bit, tally) in votes.iter_mut().enumerate() {
            if hash >> bit & 1 == 1 {
                *tally += weight;
            } else {
                *tally -= weight;
            }
        }
    };
    let hashes: Vec<u64> = tokens
        .iter()
        .map(|token| stable_hash(token.as_bytes()))
        .collect();
    for (token, &hash) in tokens.iter().zip(&hashes) {
        vote(hash, weight(token));
    }
    for (pair, hash_pair) in tokens.windows(2).zip(hashes.windows(2)) {
        vote(
            combine(hash_pair[0], hash_pair[1]),
            weight(pair[0]).min(weight(pair[1])),
        );
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

/// How many bits two fingerprints differ in.
pub fn fingerprint_distance(first: u64, second: u64) -> u32 {
    (first ^ second).count_ones()
}

/// Whether two card texts are probably the same ad (a repost); both must
/// have text.
pub fn is_probable_repost(first: u64, second: u64) -> bool {
    first != 0 && second != 0 && fingerprint_distance(first, second) <= REPOST_HAMMING_THRESHOLD
}
