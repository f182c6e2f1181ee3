//! Partition keys to hash keys, and hash-key ranges. Source: FACTS.md §1 "Identifiers and routing".

use md5::{Digest, Md5};

/// The top of the hash-key space: 2^128 − 1.
pub const HASH_KEY_MAX: u128 = u128::MAX;

/// The 16-byte MD5 digest of the key's UTF-8 bytes.
pub fn partition_key_md5(partition_key: &str) -> [u8; 16] {
    Md5::digest(partition_key.as_bytes()).into()
}

/// MD5 as 32 lowercase hex digits (what the explainer shows).
pub fn partition_key_md5_hex(partition_key: &str) -> String {
    partition_key_md5(partition_key).iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash key Kinesis routes by: MD5 of the UTF-8 partition key read as a big-endian unsigned 128-bit integer.
pub fn partition_key_hash_key(partition_key: &str) -> u128 {
    u128::from_be_bytes(partition_key_md5(partition_key))
}

/// An inclusive range of hash keys, `[start, end]` (saved as decimal strings, as AWS writes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct HashRange {
    #[serde(with = "crate::engine::streams::persist::u128_decimal")]
    pub start: u128,
    #[serde(with = "crate::engine::streams::persist::u128_decimal")]
    pub end: u128,
}

impl HashRange {
    pub const FULL: HashRange = HashRange { start: 0, end: HASH_KEY_MAX };

    pub fn contains(&self, hash_key: u128) -> bool {
        self.start <= hash_key && hash_key <= self.end
    }

    /// True when `other` starts right after `self` ends (or the reverse): the MergeShards adjacency rule.
    pub fn is_adjacent_to(&self, other: &HashRange) -> bool {
        (self.end != HASH_KEY_MAX && self.end + 1 == other.start)
            || (other.end != HASH_KEY_MAX && other.end + 1 == self.start)
    }

    /// The union of two adjacent ranges.
    pub fn union(&self, other: &HashRange) -> HashRange {
        HashRange { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The number of hash keys in the range, saturating at u128::MAX for the full space.
    pub fn width(&self) -> u128 {
        (self.end - self.start).saturating_add(1)
    }
}

/// The ranges AWS gives N shards at creation (or after uniform scaling): shard i covers
/// [i·⌊2^128/N⌋, (i+1)·⌊2^128/N⌋ − 1], and the last shard ends at 2^128 − 1.
pub fn uniform_ranges(shard_count: u32) -> Vec<HashRange> {
    let n = shard_count.max(1) as u128;
    // ⌊2^128 / n⌋ computed without overflowing: (2^128 − 1) / n, then fix up when n divides 2^128 exactly.
    let step = step_for(n);
    (0..n)
        .map(|i| {
            let start = i * step;
            let end = if i + 1 == n { HASH_KEY_MAX } else { (i + 1) * step - 1 };
            HashRange { start, end }
        })
        .collect()
}

/// The i-th boundary of a uniform N-way division (boundary 0 is 0).
pub fn uniform_boundary(shard_count: u32, i: u32) -> u128 {
    step_for(shard_count.max(1) as u128) * i as u128
}

fn step_for(n: u128) -> u128 {
    if n == 1 {
        // 2^128 itself does not fit; a single shard covers everything.
        return 0;
    }
    let q = HASH_KEY_MAX / n;
    let r = HASH_KEY_MAX % n;
    // 2^128 = (2^128 − 1) + 1, so ⌊2^128/n⌋ = q + 1 exactly when r + 1 == n.
    if r + 1 == n {
        q + 1
    } else {
        q
    }
}

/// Parse an ExplicitHashKey / NewStartingHashKey decimal string into the hash space.
pub fn parse_hash_key(text: &str) -> Option<u128> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u128>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Source: FACTS.md §1, the three ranges AWS returns for a 3-shard stream.
    #[test]
    fn three_shards_match_aws_ranges() {
        let r = uniform_ranges(3);
        assert_eq!(r[0].start, 0);
        assert_eq!(r[0].end, 113427455640312821154458202477256070484);
        assert_eq!(r[1].start, 113427455640312821154458202477256070485);
        assert_eq!(r[1].end, 226854911280625642308916404954512140969);
        assert_eq!(r[2].start, 226854911280625642308916404954512140970);
        assert_eq!(r[2].end, 340282366920938463463374607431768211455);
    }

    #[test]
    fn one_and_two_shards() {
        assert_eq!(uniform_ranges(1), vec![HashRange::FULL]);
        let two = uniform_ranges(2);
        assert_eq!(two[0].end, 170141183460469231731687303715884105727);
        assert_eq!(two[1].start, 170141183460469231731687303715884105728);
    }

    // Source: FACTS.md §1 — hash key is MD5 of the UTF-8 key, big-endian.
    #[test]
    fn md5_routing_of_a_known_key() {
        // md5("a") = 0cc175b9c0f1b6a831c399e269772661
        assert_eq!(partition_key_md5_hex("a"), "0cc175b9c0f1b6a831c399e269772661");
        assert_eq!(partition_key_hash_key("a"), 0x0cc175b9c0f1b6a831c399e269772661u128);
    }

    #[test]
    fn hash_key_parsing_rejects_overflow_and_junk() {
        assert_eq!(parse_hash_key("340282366920938463463374607431768211455"), Some(HASH_KEY_MAX));
        assert_eq!(parse_hash_key("340282366920938463463374607431768211456"), None);
        assert_eq!(parse_hash_key("-1"), None);
        assert_eq!(parse_hash_key(""), None);
    }

    proptest::proptest! {
        // Uniform ranges cover the whole space exactly once, for any shard count.
        #[test]
        fn uniform_ranges_tile_the_space(n in 1u32..2000) {
            let r = uniform_ranges(n);
            proptest::prop_assert_eq!(r.len() as u32, n);
            proptest::prop_assert_eq!(r[0].start, 0);
            proptest::prop_assert_eq!(r[r.len() - 1].end, HASH_KEY_MAX);
            for w in r.windows(2) {
                proptest::prop_assert_eq!(w[0].end + 1, w[1].start);
                proptest::prop_assert!(w[0].start <= w[0].end);
            }
        }
    }
}
