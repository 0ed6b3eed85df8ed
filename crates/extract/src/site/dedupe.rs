//! Reposts under new ids: ads whose text fingerprints lie within
//! [`REPOST_HAMMING_THRESHOLD`] bits of each other are one ad.
//!
//! Comparing every pair is quadratic (a site of 50,000 ads has over a
//! billion pairs). By the pigeonhole principle, two 64-bit fingerprints at
//! most `k` bits apart agree exactly on at least one of `k + 1` disjoint
//! bands, so the ads are bucketed by each band's bits and only ads sharing
//! a bucket are compared. With `k = 8`, nine bands of seven or eight bits:
//! the comparisons are about a hundredth of all pairs per band, and no
//! pair within the threshold is missed. Pairs are joined with union-find,
//! so a chain of small edits stays one ad.

use std::collections::HashMap;

use crate::records::{fingerprint_distance, REPOST_HAMMING_THRESHOLD};

/// For each fingerprint, the index of the first fingerprint of its group
/// (itself when it starts one). A fingerprint of 0 (a card without words)
/// is never grouped.
pub(crate) fn repost_groups(fingerprints: &[u64]) -> Vec<usize> {
    let mut parents: Vec<usize> = (0..fingerprints.len()).collect();
    let bands = REPOST_HAMMING_THRESHOLD as usize + 1;
    let mut buckets: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for band in 0..bands {
        buckets.clear();
        let (shift, width) = band_bits(band, bands);
        let mask = if width >= 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        for (index, &fingerprint) in fingerprints.iter().enumerate() {
            if fingerprint == 0 {
                continue;
            }
            buckets
                .entry((band, (fingerprint >> shift) & mask))
                .or_default()
                .push(index);
        }
        for members in buckets.values() {
            for (position, &first) in members.iter().enumerate() {
                for &second in &members[position + 1..] {
                    if find(&mut parents, first) == find(&mut parents, second) {
                        continue;
                    }
                    if fingerprint_distance(fingerprints[first], fingerprints[second])
                        <= REPOST_HAMMING_THRESHOLD
                    {
                        union(&mut parents, first, second);
                    }
                }
            }
        }
    }
    (0..fingerprints.len())
        .map(|index| find(&mut parents, index))
        .collect()
}

/// The first bit and the width of `band` of `bands` covering 64 bits.
fn band_bits(band: usize, bands: usize) -> (u32, u32) {
    let start = band * 64 / bands;
    let end = (band + 1) * 64 / bands;
    (start as u32, (end - start) as u32)
}

fn find(parents: &mut [usize], index: usize) -> usize {
    let mut root = index;
    while parents[root] != root {
        root = parents[root];
    }
    let mut current = index;
    while parents[current] != root {
        let next = parents[current];
        parents[current] = root;
        current = next;
    }
    root
}

/// Joins two groups under the smaller root, so a group is named by its
/// first member.
fn union(parents: &mut [usize], first: usize, second: usize) {
    let (first_root, second_root) = (find(parents, first), find(parents, second));
    let (low, high) = (first_root.min(second_root), first_root.max(second_root));
    parents[high] = low;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over every pair, for comparison.
    fn groups_by_every_pair(fingerprints: &[u64]) -> Vec<usize> {
        let mut parents: Vec<usize> = (0..fingerprints.len()).collect();
        for first in 0..fingerprints.len() {
            for second in first + 1..fingerprints.len() {
                if fingerprints[first] != 0
                    && fingerprints[second] != 0
                    && fingerprint_distance(fingerprints[first], fingerprints[second])
                        <= REPOST_HAMMING_THRESHOLD
                {
                    union(&mut parents, first, second);
                }
            }
        }
        (0..fingerprints.len())
            .map(|index| find(&mut parents, index))
            .collect()
    }

    #[test]
    fn bands_find_every_pair_within_the_threshold() {
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
            let flips = (next() % 13) as u32;
            let mut copy = base;
            for _ in 0..flips {
                copy ^= 1 << (next() % 64);
            }
            fingerprints.push(copy);
        }
        fingerprints.push(0);
        fingerprints.push(0);
        assert_eq!(
            repost_groups(&fingerprints),
            groups_by_every_pair(&fingerprints)
        );
        let groups = repost_groups(&[5, 0, 0, 5 ^ 0xff, 5 ^ (0x1ff << 20)]);
        assert_eq!(groups, vec![0, 1, 2, 0, 4]);
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
