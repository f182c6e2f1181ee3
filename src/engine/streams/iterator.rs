//! Shard iterators: opaque base64 tokens that say where the next GetRecords reads from.
//! They expire 5 minutes after they are returned (FACTS §1 "Reads").

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use md5::{Digest, Md5};

use crate::engine::time::EpochMillis;

const MAGIC: &[u8; 4] = b"KLI1";
const PAYLOAD_LEN: usize = 4 + 8 * 4;
const CHECK_LEN: usize = 8;

/// What an iterator points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardIterator {
    /// Which incarnation of the stream (a deleted and re-created stream does not accept old iterators).
    pub stream_incarnation: u64,
    pub shard_index: u64,
    /// Read records whose stream-wide counter is ≥ this.
    pub position: u64,
    /// When the iterator was handed out; it expires `SHARD_ITERATOR_TTL_MS` later.
    pub created_ms: EpochMillis,
}

impl ShardIterator {
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(PAYLOAD_LEN + CHECK_LEN);
        bytes.extend_from_slice(MAGIC);
        for v in [self.stream_incarnation, self.shard_index, self.position, self.created_ms] {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        let check = checksum(&bytes);
        bytes.extend_from_slice(&check);
        STANDARD.encode(bytes)
    }

    /// `None` for anything this engine did not issue (or that was altered).
    pub fn decode(token: &str) -> Option<ShardIterator> {
        let bytes = STANDARD.decode(token).ok()?;
        if bytes.len() != PAYLOAD_LEN + CHECK_LEN || &bytes[..4] != MAGIC {
            return None;
        }
        let (payload, check) = bytes.split_at(PAYLOAD_LEN);
        if checksum(payload) != check {
            return None;
        }
        let field = |i: usize| {
            let start = 4 + i * 8;
            let mut buf = [0u8; 8];
            buf.copy_from_slice(&payload[start..start + 8]);
            u64::from_be_bytes(buf)
        };
        Some(ShardIterator { stream_incarnation: field(0), shard_index: field(1), position: field(2), created_ms: field(3) })
    }
}

fn checksum(payload: &[u8]) -> [u8; CHECK_LEN] {
    let digest = Md5::digest(payload);
    let mut out = [0u8; CHECK_LEN];
    out.copy_from_slice(&digest[..CHECK_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_fits_the_model_length() {
        let it = ShardIterator { stream_incarnation: 3, shard_index: 12, position: 99, created_ms: 1_700_000_000_000 };
        let token = it.encode();
        // Source: aws-models/kinesis.json ShardIterator length 1–512.
        assert!(!token.is_empty() && token.len() <= 512);
        assert_eq!(ShardIterator::decode(&token), Some(it));
    }

    #[test]
    fn rejects_garbage_and_tampering() {
        assert_eq!(ShardIterator::decode("not-an-iterator"), None);
        let token = ShardIterator { stream_incarnation: 1, shard_index: 0, position: 0, created_ms: 0 }.encode();
        let mut bytes = STANDARD.decode(&token).unwrap();
        bytes[20] ^= 1;
        assert_eq!(ShardIterator::decode(&STANDARD.encode(bytes)), None);
    }
}
