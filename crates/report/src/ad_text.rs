//! The features of an ad's own text, and how two ads on two sites are found
//! to be one ad.
//!
//! Extract's SimHash (`text_fingerprint`) is built to recognise a repost on
//! one site. Across sites an aggregator shows the copied ad with its own
//! labels ("Teléfono" for "Telefon"), its own date format, its fields in
//! another order and a "via source" line; a card of a few dozen words then
//! moves well past the repost threshold. What a copy keeps is the ad's own
//! content and its contact. So an ad text becomes a set of features: words
//! folded (`cartograph_extract::fold`) and trimmed of punctuation, the
//! site's boilerplate (words on nearly every card: labels, link texts)
//! dropped by the caller, numbers written next to each other taken as one
//! run (a phone number in groups; a long run keeps its last seven digits,
//! where national and international spellings agree), dates and times left
//! out (a copy re-formats or re-dates them); each pair of neighbouring
//! tokens is a feature.
//!
//! Two ads are one when the other holds at least
//! [`COPY_CONTAINMENT_THRESHOLD`] of the smaller ad's rare features,
//! weighed by rarity (inverse document frequency), with at least
//! [`MIN_SHARED_RARE_FEATURES`] shared — and they name a common contact
//! (`connections::copied_ads`; without a contact on one side the bar is
//! [`COPY_CONTAINMENT_WITHOUT_CONTACT`]). Features many ads carry (stock
//! phrases, "100% real", common prices) say nothing about which ad it is
//! and are left out (`rare_features`). Measured on a 100-site farm
//! (BENCHMARKS.md): without the contact rule, stock phrases of a big site
//! matched thousands of unrelated ads; with it, no false pair. Candidates
//! come from an inverted index of the rare features; the comparison is
//! exact.

use std::collections::{HashMap, HashSet};

/// Least share (by rarity) of the smaller ad's rare features found in the
/// other, for two ads that name the same contact.
pub const COPY_CONTAINMENT_THRESHOLD: f64 = 0.5;
/// The same, when one of the two names no contact the report recognised.
pub const COPY_CONTAINMENT_WITHOUT_CONTACT: f64 = 0.8;
/// Least number of rare features two ads share to be one ad.
pub const MIN_SHARED_RARE_FEATURES: usize = 3;
/// A feature on more ads than this share of all ads (and more than
/// [`COMMON_FEATURE_MIN_ADS`]) is common, not evidence of a copy.
pub const COMMON_FEATURE_SHARE: f64 = 0.01;
/// A feature on at most this many ads is always rare enough to count (an
/// ad, its copies and its reposts).
pub const COMMON_FEATURE_MIN_ADS: usize = 8;

/// The features of one ad text: shingles, sorted, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextFeatures {
    pub shingles: Vec<u64>,
}

impl TextFeatures {
    /// A 64-bit digest of the features, naming the ad text in the report.
    pub fn digest(&self) -> u64 {
        self.shingles
            .iter()
            .fold(mix(self.shingles.len() as u64), |hash, feature| {
                mix(hash ^ feature)
            })
    }
}

/// The tokens of a folded card text: punctuation trimmed, empty ones and
/// single letters dropped (numbers of one digit kept).
pub(crate) fn content_tokens(folded: &str) -> Vec<&str> {
    folded
        .split_whitespace()
        .map(|word| word.trim_matches(|character: char| !character.is_alphanumeric()))
        .filter(|word| {
            word.chars().count() >= 2
                || word
                    .chars()
                    .next()
                    .is_some_and(|character| character.is_ascii_digit())
        })
        .collect()
}

/// Tokens per feature. Pairs survive a copy that moves the ad's fields
/// around (a classifieds row shows price and place after the text, an
/// aggregator before it); longer runs break at every moved seam. Stock
/// phrases shared by unrelated ads are kept apart by rarity weights and,
/// above all, by the contact (`connections::copied_ads`).
pub(crate) const SHINGLE_TOKENS: usize = 2;
/// Digits of a phone-like run that survive national and international
/// spellings (`028 9649 6147`, `+44 28 9649 6147`).
const PHONE_TAIL_DIGITS: usize = 7;

/// What a token holding digits is.
enum NumberToken {
    /// A date or a time (`01.01.2025`, `31/12`, `11:19`): copies re-format
    /// or re-date them, so they are left out.
    DateOrTime,
    /// A number (`42`, `4,850`, `0664`), its digits.
    Number(String),
}

fn number_token(token: &str) -> Option<NumberToken> {
    if !token.chars().any(|character| character.is_ascii_digit()) {
        return None;
    }
    let separators = token
        .chars()
        .filter(|character| matches!(character, '.' | '-'))
        .count();
    if token.contains([':', '/']) || separators >= 2 {
        return Some(NumberToken::DateOrTime);
    }
    Some(NumberToken::Number(
        token.chars().filter(char::is_ascii_digit).collect(),
    ))
}

/// The features of `tokens` without `boilerplate`.
pub(crate) fn text_features(tokens: &[&str], boilerplate: &HashSet<String>) -> TextFeatures {
    // The text as a sequence of token hashes: words, and numbers written
    // next to each other as one run (a phone number in groups), of which a
    // long run keeps its last digits; dates and times are left out.
    let mut sequence: Vec<u64> = Vec::with_capacity(tokens.len());
    let mut run = String::new();
    let flush = |run: &mut String, sequence: &mut Vec<u64>| {
        if run.is_empty() {
            return;
        }
        let kept = if run.len() >= PHONE_TAIL_DIGITS {
            &run[run.len() - PHONE_TAIL_DIGITS..]
        } else {
            run.as_str()
        };
        sequence.push(mix(word_hash(kept) ^ 0x6e75_6d62_6572));
        run.clear();
    };
    for token in tokens
        .iter()
        .copied()
        .filter(|token| !boilerplate.contains(*token))
    {
        match number_token(token) {
            Some(NumberToken::Number(digits)) => run.push_str(&digits),
            Some(NumberToken::DateOrTime) => flush(&mut run, &mut sequence),
            None => {
                flush(&mut run, &mut sequence);
                sequence.push(word_hash(token));
            }
        }
    }
    flush(&mut run, &mut sequence);
    let width = SHINGLE_TOKENS.min(sequence.len());
    let mut features: Vec<u64> = if width == 0 {
        Vec::new()
    } else {
        sequence
            .windows(width)
            .map(|shingle| {
                shingle
                    .iter()
                    .fold(0x7368_696e_676c_6573_u64, |hash, token| {
                        mix(hash.rotate_left(17) ^ token)
                    })
            })
            .collect()
    };
    features.sort_unstable();
    features.dedup();
    TextFeatures { shingles: features }
}

/// The features that are rare across `all` ads of the report (on at most
/// `max(COMMON_FEATURE_MIN_ADS, COMMON_FEATURE_SHARE × ads)` of them), each
/// with its weight: the log of ads over ads carrying it (inverse document
/// frequency), so a feature only an ad and its copy share counts most.
pub(crate) fn rare_features<'ads>(
    all: impl Iterator<Item = &'ads TextFeatures>,
) -> HashMap<u64, f64> {
    let mut ads_per_feature: HashMap<u64, usize> = HashMap::new();
    let mut ads = 0_usize;
    for features in all {
        ads += 1;
        for feature in &features.shingles {
            *ads_per_feature.entry(*feature).or_default() += 1;
        }
    }
    let most = COMMON_FEATURE_MIN_ADS.max((ads as f64 * COMMON_FEATURE_SHARE).ceil() as usize);
    // At least 2, so a feature on every ad of a tiny report still weighs.
    let total = (ads as f64).max(2.0 * most as f64);
    ads_per_feature
        .into_iter()
        .filter(|(_, count)| *count <= most)
        .map(|(feature, count)| (feature, (total / count as f64).ln()))
        .collect()
}

/// The weighted share of the smaller set (by weight) found in the other,
/// and the count shared; both sets sorted, every feature in `weights`.
pub(crate) fn containment(
    first: &[u64],
    second: &[u64],
    weights: &HashMap<u64, f64>,
) -> (f64, usize) {
    let weight = |feature: &u64| weights.get(feature).copied().unwrap_or(0.0);
    let first_weight: f64 = first.iter().map(weight).sum();
    let second_weight: f64 = second.iter().map(weight).sum();
    let smaller = first_weight.min(second_weight);
    if smaller <= 0.0 {
        return (0.0, 0);
    }
    let (mut left, mut right, mut shared, mut shared_weight) = (0, 0, 0, 0.0);
    while left < first.len() && right < second.len() {
        match first[left].cmp(&second[right]) {
            std::cmp::Ordering::Less => left += 1,
            std::cmp::Ordering::Greater => right += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                shared_weight += weight(&first[left]);
                left += 1;
                right += 1;
            }
        }
    }
    ((shared_weight / smaller).min(1.0), shared)
}

/// Calls `visit(first, second)` once for every pair of ads of different
/// owners sharing at least one rare feature, `first < second`. `ads` holds
/// (owner, rare features). Pairs are visited ad by ad, never collected, so
/// memory stays that of the index however many pairs stock phrases make.
pub(crate) fn for_each_candidate_pair(
    ads: &[(usize, Vec<u64>)],
    mut visit: impl FnMut(usize, usize),
) {
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (index, (_, features)) in ads.iter().enumerate() {
        for feature in features {
            postings.entry(*feature).or_default().push(index);
        }
    }
    let mut visited: HashSet<usize> = HashSet::new();
    for (first, (owner, features)) in ads.iter().enumerate() {
        visited.clear();
        for feature in features {
            for &second in postings.get(feature).map_or(&[][..], Vec::as_slice) {
                if second > first && ads[second].0 != *owner && visited.insert(second) {
                    visit(first, second);
                }
            }
        }
    }
}

/// FNV-1a of a word, then mixed: stable across runs and platforms.
fn word_hash(word: &str) -> u64 {
    mix(word.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    }))
}

/// The splitmix64 finaliser.
fn mix(mut value: u64) -> u64 {
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cartograph_extract::fold;

    fn features_of(text: &str, boilerplate: &[&str]) -> TextFeatures {
        let folded = fold(text);
        let boilerplate = boilerplate.iter().map(|word| fold(word)).collect();
        text_features(&content_tokens(&folded), &boilerplate)
    }

    #[test]
    fn a_copy_with_other_labels_order_and_dates_contains_the_ad() {
        let source = features_of(
            "Chloe, 42 – warm smile Fond of good conversation, music and travel. from Ukraine! \
             Appointments by phone or message. Phone 028 9649 6147 Manchester £4,850 for 14 days \
             01/01/2025",
            &["phone"],
        );
        let copy = features_of(
            "Chloe, 42 – warm smile vor 11 Stunden Manchester £4,850 for 14 days Fond of good \
             conversation, music and travel. from Ukraine! Appointments by phone or message. \
             Telefon +44 28 9649 6147 via zara-ads-1",
            &["telefon", "via"],
        );
        let weights = source
            .shingles
            .iter()
            .chain(&copy.shingles)
            .map(|feature| (*feature, 1.0))
            .collect();
        let (share, shared) = containment(&source.shingles, &copy.shingles, &weights);
        assert!(share >= COPY_CONTAINMENT_THRESHOLD, "{share}");
        assert!(shared >= MIN_SHARED_RARE_FEATURES);
    }

    #[test]
    fn common_features_are_not_rare() {
        let common = features_of("ich spreche deutsch", &[]);
        let mut ads = vec![common.clone(); 20];
        ads.push(features_of("Heidi 27 Berlin", &[]));
        let rare = rare_features(ads.iter());
        assert!(common
            .shingles
            .iter()
            .all(|feature| !rare.contains_key(feature)));
        assert_eq!(rare.len(), ads[20].shingles.len());
    }

    #[test]
    fn containment_weighs_shared_features() {
        let weights: HashMap<u64, f64> = [(1, 1.0), (2, 1.0), (3, 1.0), (4, 1.0), (6, 1.0)].into();
        assert_eq!(
            containment(&[1, 2, 3, 4], &[2, 4, 6], &weights),
            (2.0 / 3.0, 2)
        );
        assert_eq!(containment(&[], &[1], &weights), (0.0, 0));
        let rarer: HashMap<u64, f64> = [(1, 3.0), (2, 1.0), (3, 1.0)].into();
        assert_eq!(containment(&[1, 2], &[1, 3], &rarer), (0.75, 1));
    }

    #[test]
    fn candidates_pair_only_different_owners_once() {
        let ads = vec![
            (0, vec![1, 2]),
            (0, vec![2, 3]),
            (1, vec![2, 3, 9]),
            (2, vec![7]),
        ];
        let mut pairs = Vec::new();
        for_each_candidate_pair(&ads, |first, second| pairs.push((first, second)));
        pairs.sort_unstable();
        assert_eq!(pairs, [(0, 2), (1, 2)]);
    }
}
