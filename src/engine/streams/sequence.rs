//! Sequence numbers: 56-digit decimal strings, unique per shard and increasing over time (FACTS §1).
//!
//! Layout (ours; AWS's is opaque): `49` · arrival ms (15 digits) · shard index (12) · stream-wide
//! counter (19) · check digits (8). The counter alone orders records within a shard, and the shard index
//! lets the engine reject a sequence number used on the wrong shard, as AWS does.

use md5::{Digest, Md5};

use crate::engine::time::EpochMillis;

pub const SEQUENCE_NUMBER_DIGITS: usize = 56;
const PREFIX: &str = "49";
const TIME_DIGITS: usize = 15;
const SHARD_DIGITS: usize = 12;
const COUNTER_DIGITS: usize = 19;
const CHECK_DIGITS: usize = 8;

/// A decoded sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SequenceNumber {
    pub arrival_ms: EpochMillis,
    pub shard_index: u64,
    /// Position in the stream-wide write order.
    pub counter: u64,
}

impl SequenceNumber {
    pub fn encode(&self) -> String {
        let body = format!(
            "{PREFIX}{:0tw$}{:0sw$}{:0cw$}",
            self.arrival_ms % 10u64.pow(TIME_DIGITS as u32),
            self.shard_index,
            self.counter,
            tw = TIME_DIGITS,
            sw = SHARD_DIGITS,
            cw = COUNTER_DIGITS
        );
        let check = check_digits(&body);
        format!("{body}{check}")
    }

    /// Decode a sequence number this engine produced; `None` for anything else.
    pub fn decode(text: &str) -> Option<SequenceNumber> {
        if text.len() != SEQUENCE_NUMBER_DIGITS || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (body, check) = text.split_at(SEQUENCE_NUMBER_DIGITS - CHECK_DIGITS);
        if !body.starts_with(PREFIX) || check_digits(body) != check {
            return None;
        }
        let mut at = PREFIX.len();
        let mut field = |width: usize| {
            let value = body.get(at..at + width)?.parse::<u64>().ok();
            at += width;
            value
        };
        let arrival_ms = field(TIME_DIGITS)?;
        let shard_index = field(SHARD_DIGITS)?;
        let counter = field(COUNTER_DIGITS)?;
        Some(SequenceNumber { arrival_ms, shard_index, counter })
    }
}

/// Eight digits derived from the rest, so hand-typed or altered numbers are caught.
fn check_digits(body: &str) -> String {
    let digest = Md5::digest(body.as_bytes());
    let n = u64::from_be_bytes([digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7]]);
    format!("{:0w$}", n % 10u64.pow(CHECK_DIGITS as u32), w = CHECK_DIGITS)
}

/// Compare two sequence-number strings numerically (they may differ in length when they come from AWS).
pub fn compare_decimal(a: &str, b: &str) -> std::cmp::Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Source: FACTS.md §1 — sequence numbers are 56-digit decimal strings matching the model pattern.
    #[test]
    fn encodes_56_digits_and_round_trips() {
        let s = SequenceNumber { arrival_ms: 1_767_225_600_123, shard_index: 7, counter: 42 };
        let text = s.encode();
        assert_eq!(text.len(), 56);
        assert!(text.starts_with("49"));
        let pattern = regex_lite::Regex::new(r"^(0|([1-9]\d{0,128}))$").unwrap();
        assert!(pattern.is_match(&text));
        assert_eq!(SequenceNumber::decode(&text), Some(s));
    }

    #[test]
    fn rejects_altered_or_foreign_numbers() {
        let text = SequenceNumber { arrival_ms: 5, shard_index: 1, counter: 9 }.encode();
        let mut altered = text.clone().into_bytes();
        altered[30] = if altered[30] == b'9' { b'8' } else { b'9' };
        assert_eq!(SequenceNumber::decode(std::str::from_utf8(&altered).unwrap()), None);
        assert_eq!(SequenceNumber::decode("1"), None);
        assert_eq!(SequenceNumber::decode(&"4".repeat(56)), None);
    }

    proptest::proptest! {
        // Within a shard, later writes (higher counter, same or later time) always compare greater.
        #[test]
        fn order_follows_time_and_counter(t in 0u64..10_000_000_000_000, dt in 0u64..1_000_000, c in 0u64..1u64<<60, dc in 1u64..1000) {
            let a = SequenceNumber { arrival_ms: t, shard_index: 3, counter: c }.encode();
            let b = SequenceNumber { arrival_ms: t + dt, shard_index: 3, counter: c + dc }.encode();
            proptest::prop_assert_eq!(compare_decimal(&a, &b), std::cmp::Ordering::Less);
        }
    }
}
