//! Deterministic randomness for the farm: a tiny SplitMix64 generator keyed by
//! the farm seed and a label path, so that every site (and later every day or
//! fault) draws from its own stream. Site 7 of a 10-site farm is byte for byte
//! site 7 of a 10,000-site farm, and no upgrade of an outside crate can change
//! what a seed produces (which is why this is not `rand::StdRng`).

/// A seeded stream of pseudo-random numbers (SplitMix64).
#[derive(Debug, Clone)]
pub(crate) struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// The stream for `label` number `index` under the farm `seed`.
    pub(crate) fn derive(seed: u64, label: &str, index: u64) -> SeededRandom {
        let mut label_hash: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a offset basis
        for byte in label.bytes() {
            label_hash ^= u64::from(byte);
            label_hash = label_hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut generator = SeededRandom {
            state: seed ^ label_hash.rotate_left(17) ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        };
        // Stir once so that neighbouring seeds and indices start far apart.
        generator.next_u64();
        generator
    }

    /// The stream for item `item` of `label` number `index`: one ad of one
    /// site, one day of one site. Streams of neighbouring items are unrelated.
    pub(crate) fn derive_item(seed: u64, label: &str, index: u64, item: u64) -> SeededRandom {
        let mut generator = SeededRandom::derive(seed, label, index);
        generator.state ^= item.wrapping_mul(0xd6e8_feb8_6659_fd93).rotate_left(29);
        generator.next_u64();
        generator
    }

    /// One draw of [`SeededRandom::derive_item`]: a stateless hash of the key.
    pub(crate) fn hash_item(seed: u64, label: &str, index: u64, item: u64) -> u64 {
        SeededRandom::derive_item(seed, label, index, item).next_u64()
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        mixed ^ (mixed >> 31)
    }

    /// A number in `0..bound`; a `bound` of zero yields zero.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        // Multiply-high reduction: the bias is below 2^-32 for the small
        // bounds the farm uses, far under anything a test could notice.
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A number in `low..=high` (`low` when `high < low`).
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        low + self.below(high - low + 1)
    }

    /// A number in `low..=high` as a `usize`.
    pub(crate) fn between_usize(&mut self, low: usize, high: usize) -> usize {
        // Farm sizes are far below u64::MAX, so the round trip is lossless.
        self.between(low as u64, high as u64) as usize
    }

    /// True with probability `numerator / denominator`.
    pub(crate) fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'items, Item>(&mut self, items: &'items [Item]) -> &'items Item {
        // Invariant: callers pass the farm's constant, non-empty word lists.
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::SeededRandom;

    #[test]
    fn same_label_same_stream_and_different_labels_differ() {
        let mut first = SeededRandom::derive(42, "site", 3);
        let mut again = SeededRandom::derive(42, "site", 3);
        let mut other_index = SeededRandom::derive(42, "site", 4);
        let mut other_seed = SeededRandom::derive(43, "site", 3);
        let first_values: Vec<u64> = (0..8).map(|_| first.next_u64()).collect();
        let again_values: Vec<u64> = (0..8).map(|_| again.next_u64()).collect();
        let index_values: Vec<u64> = (0..8).map(|_| other_index.next_u64()).collect();
        let seed_values: Vec<u64> = (0..8).map(|_| other_seed.next_u64()).collect();
        assert_eq!(first_values, again_values);
        assert_ne!(first_values, index_values);
        assert_ne!(first_values, seed_values);
    }

    #[test]
    fn between_stays_in_bounds() {
        let mut generator = SeededRandom::derive(1, "bounds", 0);
        for _ in 0..10_000 {
            let value = generator.between(5, 20);
            assert!((5..=20).contains(&value));
        }
        assert_eq!(generator.between(7, 7), 7);
        assert_eq!(generator.below(0), 0);
    }
}
