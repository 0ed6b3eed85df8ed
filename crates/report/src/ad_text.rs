//! The features of an ad's own text, and how two ads on two sites are found
//! to be one ad.
//!
//! Extract's SimHash (`text_fingerprint`) is built to recognise a repost on
//! one site. Across sites an aggregator shows the copied ad with its own
//! labels ("Teléfono" for "Telefon"), its own date format, its fields in
//! another order and a "via source" line; a card of a few dozen words then
//! moves well past the repost threshold. What a copy keeps is the ad's own
//! content: its words in order, its numbers (age, price, pieces of the
//! phone number). So an ad text becomes a set of features:
//! - words are folded (`cartograph_extract::fold`) and trimmed of
//!   punctuation; the site's boilerplate (words on nearly every card of the
//!   site: its labels, link texts) is dropped by the caller;
//! - each pair of neighbouring words is a feature, and each number is one,
//!   wherever it stands: numbers written next to each other are one run
//!   (a phone number in groups), of which a long run keeps its last seven
//!   digits (national and international spellings agree there); dates and
//!   times are left out, as a copy re-formats or re-dates them.
//!
//! Two ads are one when, of the features that are rare across the whole
//! report, the other holds at least [`COPY_CONTAINMENT_THRESHOLD`] of the
//! smaller ad's — weighed by rarity (inverse document frequency) — and at
//! least [`MIN_SHARED_RARE_FEATURES`] are shared. Features many ads carry
//! (the phrases every ad uses, "100% real", common prices) say nothing
//! about which ad it is, so they are left out (`rare_features`), and a
//! feature only an ad and its copy carry (a phone number, the name with
//! its tagline) weighs most: this is what keeps two ads built from one
//! phrase book apart. Candidates come from an inverted index of the rare
//! features, and the comparison is exact.

use std::collections::{BTreeSet, HashMap, HashSet};

/// Least share of the smaller ad's rare features found in the other.
pub const COPY_CONTAINMENT_THRESHOLD: f64 = 0.5;
/// Least number of rare features two ads share to be one ad.
pub const MIN_SHARED_RARE_FEATURES: usize = 3;
/// A feature on more ads than this share of all ads (and more than
/// [`COMMON_FEATURE_MIN_ADS`]) is common, not evidence of a copy.
pub const COMMON_FEATURE_SHARE: f64 = 0.01;
/// A feature on at most this many ads is always rare enough to count (an
/// ad, its copies and its reposts).
pub const COMMON_FEATURE_MIN_ADS: usize = 8;

/// The features of one ad text: sorted, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextFeatures(pub Vec<u64>);

impl TextFeatures {
    /// A 64-bit digest of the features, naming the ad text in the report.
    pub fn digest(&self) -> u64 {
        self.0.iter().fold(
            mix(self.0.len() as u64),
            |hash, feature| mix(hash ^ feature),
        )
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
    let mut words: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut features: Vec<u64> = Vec::with_capacity(tokens.len());
    // Numbers next to each other are one run: a phone number written in
    // groups. A run is a feature of its own (an age, a price, a phone
    // number), wherever it stands.
    let mut run = String::new();
    let flush = |run: &mut String, features: &mut Vec<u64>| {
        if run.is_empty() {
            return;
        }
        let kept = if run.len() >= PHONE_TAIL_DIGITS {
            &run[run.len() - PHONE_TAIL_DIGITS..]
        } else {
            run.as_str()
        };
        features.push(mix(word_hash(kept) ^ 0x6e75_6d62_6572));
        run.clear();
    };
    for token in tokens
        .iter()
        .copied()
        .filter(|token| !boilerplate.contains(*token))
    {
        match number_token(token) {
            Some(NumberToken::Number(digits)) => run.push_str(&digits),
            Some(NumberToken::DateOrTime) => flush(&mut run, &mut features),
            None => {
                flush(&mut run, &mut features);
                words.push(token);
            }
        }
    }
    flush(&mut run, &mut features);
    if words.len() == 1 {
        features.push(word_hash(words[0]));
    } else {
        features.extend(
            words
                .windows(2)
                .map(|pair| mix(word_hash(pair[0]).rotate_left(17) ^ word_hash(pair[1]))),
        );
    }
    features.sort_unstable();
    features.dedup();
    TextFeatures(features)
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
        for feature in &features.0 {
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

/// Pairs of ads of different owners sharing at least one rare feature,
/// each pair once, lower index first. `ads` yields (owner, rare features).
pub(crate) fn candidate_pairs(ads: &[(usize, Vec<u64>)]) -> BTreeSet<(usize, usize)> {
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (index, (_, features)) in ads.iter().enumerate() {
        for feature in features {
            postings.entry(*feature).or_default().push(index);
        }
    }
    let mut pairs = BTreeSet::new();
    for members in postings.values() {
        for (position, &first) in members.iter().enumerate() {
            for &second in &members[position + 1..] {
                if ads[first].0 != ads[second].0 {
                    pairs.insert((first.min(second), first.max(second)));
                }
            }
        }
    }
    pairs
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
            .0
            .iter()
            .chain(&copy.0)
            .map(|feature| (*feature, 1.0))
            .collect();
        let (share, shared) = containment(&source.0, &copy.0, &weights);
        assert!(share >= COPY_CONTAINMENT_THRESHOLD, "{share}");
        assert!(shared >= MIN_SHARED_RARE_FEATURES);
    }

    #[test]
    fn common_features_are_not_rare() {
        let common = features_of("ich spreche deutsch", &[]);
        let mut ads = vec![common.clone(); 20];
        ads.push(features_of("Heidi 27 Berlin", &[]));
        let rare = rare_features(ads.iter());
        assert!(common.0.iter().all(|feature| !rare.contains_key(feature)));
        assert_eq!(rare.len(), ads[20].0.len());
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
    fn candidates_pair_only_different_owners() {
        let ads = vec![
            (0, vec![1, 2]),
            (0, vec![2, 3]),
            (1, vec![3, 9]),
            (2, vec![7]),
        ];
        let pairs: Vec<(usize, usize)> = candidate_pairs(&ads).into_iter().collect();
        assert_eq!(pairs, [(1, 2)]);
    }
}
