//! Reposts under new ids: ads whose text fingerprints lie within
//! [`REPOST_HAMMING_THRESHOLD`] bits of each other are one ad.
//!
//! Groups are formed leader-first, in the order the ads were seen: an ad
//! joins the group of the nearest earlier group leader within the
//! threshold, or leads a new group. Joining a leader rather than any
//! member keeps chains out (A near B near C does not make A and C one
//! ad when they are far apart), which matters on sites whose ads are
//! written from one phrase book.
//!
//! Comparing every ad with every leader is quadratic (a site of 50,000
//! ads). By the pigeonhole principle, two 64-bit fingerprints at most `k`
//! bits apart agree exactly on at least one of `k + 1` disjoint bands, so
//! leaders are bucketed by each band's bits and an ad is compared only with
//! the leaders sharing one of its buckets; with `k = 8`, nine bands of
//! seven or eight bits, no leader within the threshold is missed.
//!
//! A repost keeps its contact: two ads whose contact pseudonyms differ are
//! two advertisers using the same boilerplate, however close their words
//! (agencies and phrase books make such texts common), so an ad joins only
//! a leader with the same set of contacts (or both none).

use std::collections::HashMap;

use crate::page::AdSignals;
use crate::records::{fingerprint_distance, REPOST_HAMMING_THRESHOLD};

/// For each ad, the index of the first ad of its group (itself when it
/// leads one): ads that are reposts of one another, by text fingerprint
/// within [`REPOST_HAMMING_THRESHOLD`] and the same contacts. An ad whose
/// fingerprint is 0 (a card without words) is never grouped.
pub fn repost_groups(ads: &[&AdSignals]) -> Vec<usize> {
    let fingerprints: Vec<u64> = ads.iter().map(|ad| ad.text_fingerprint).collect();
    groups_by_fingerprint(&fingerprints, |leader, ad| {
        ads[leader].contacts == ads[ad].contacts
    })
}

/// Leader-first groups by fingerprint, joining a leader only when
/// `compatible(leader, ad)`.
fn groups_by_fingerprint(
    fingerprints: &[u64],
    compatible: impl Fn(usize, usize) -> bool,
) -> Vec<usize> {
    let bands = REPOST_HAMMING_THRESHOLD as usize + 1;
    let band_keys = |fingerprint: u64| {
        (0..bands).map(move |band| {
            let (shift, width) = band_bits(band, bands);
            let mask = (1u64 << width) - 1;
            (band, (fingerprint >> shift) & mask)
        })
    };
    let mut leaders_by_band: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    let mut groups = Vec::with_capacity(fingerprints.len());
    for (index, &fingerprint) in fingerprints.iter().enumerate() {
        if fingerprint == 0 {
            groups.push(index);
            continue;
        }
        let mut nearest: Option<(u32, usize)> = None;
        for key in band_keys(fingerprint) {
            for &leader in leaders_by_band.get(&key).map_or(&[][..], Vec::as_slice) {
                let distance = fingerprint_distance(fingerprints[leader], fingerprint);
                let better = nearest.is_none_or(|best| (distance, leader) < best);
                if distance <= REPOST_HAMMING_THRESHOLD && better && compatible(leader, index) {
                    nearest = Some((distance, leader));
                }
            }
        }
        match nearest {
            Some((_, leader)) => groups.push(leader),
            None => {
                groups.push(index);
                for key in band_keys(fingerprint) {
                    leaders_by_band.entry(key).or_default().push(index);
                }
            }
        }
    }
    groups
}

/// The first bit and the width of `band` of `bands` covering 64 bits.
fn band_bits(band: usize, bands: usize) -> (u32, u32) {
    let start = band * 64 / bands;
    let end = (band + 1) * 64 / bands;
    (start as u32, (end - start) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same grouping by scanning every earlier leader.
    fn groups_by_every_leader(fingerprints: &[u64]) -> Vec<usize> {
        let mut groups: Vec<usize> = Vec::new();
        for (index, &fingerprint) in fingerprints.iter().enumerate() {
            let nearest = (0..index)
                .filter(|&leader| groups[leader] == leader && fingerprints[leader] != 0)
                .map(|leader| {
                    (
                        fingerprint_distance(fingerprints[leader], fingerprint),
                        leader,
                    )
                })
                .filter(|(distance, _)| *distance <= REPOST_HAMMING_THRESHOLD)
                .min();
            match nearest {
                Some((_, leader)) if fingerprint != 0 => groups.push(leader),
                _ => groups.push(index),
            }
        }
        groups
    }

    #[test]
    fn bands_find_the_nearest_leader_within_the_threshold() {
        // Random fingerprints, and near copies at every distance up to 12.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut fingerprints = Vec::new();
        for _ in 0..300 {
            let base = next();
            fingerprints.push(base);
            for _ in 0..2 {
                let flips = (next() % 13) as u32;
                let mut copy = base;
                for _ in 0..flips {
                    copy ^= 1 << (next() % 64);
                }
                fingerprints.push(copy);
            }
        }
        fingerprints.push(0);
        fingerprints.push(0);
        let always = |_: usize, _: usize| true;
        assert_eq!(
            groups_by_fingerprint(&fingerprints, always),
            groups_by_every_leader(&fingerprints)
        );
        // No chains: the last is 9 bits from the leader though 1 from the second.
        let groups = groups_by_fingerprint(&[5, 0, 0, 5 ^ 0xff, 5 ^ 0x1ff], always);
        assert_eq!(groups, vec![0, 1, 2, 0, 4]);
        // An incompatible leader is not joined.
        let groups = groups_by_fingerprint(&[5, 5, 5], |leader, ad| leader + ad != 1);
        assert_eq!(groups, vec![0, 1, 0]);
    }

    #[test]
    fn bands_cover_all_64_bits() {
        let bands = REPOST_HAMMING_THRESHOLD as usize + 1;
        let mut covered = 0u32;
        for band in 0..bands {
            covered += band_bits(band, bands).1;
        }
        assert_eq!(covered, 64);
    }
}
