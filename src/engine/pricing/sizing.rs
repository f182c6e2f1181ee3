//! Provisioned shard count by AWS's rule of thumb (FACTS.md §5): shards = max(write KB/s ÷ 1000,
//! read KB/s ÷ 2000, records/s ÷ 1000), each rounded up, read bandwidth counting every classic consumer
//! (they share a shard's 2 MB/s; EFO consumers have their own pipe and do not count). KB = 1,024 bytes, so
//! the rule keeps a small margin under the 1 MiB/s and 2 MiB/s shard limits.

use serde::{Deserialize, Serialize};

use super::format::int;
use super::units::BYTES_PER_KB;
use super::workload::Workload;

/// KB/s one shard takes in by the rule of thumb.
pub const RULE_WRITE_KB_PER_SEC_PER_SHARD: u128 = 1000;
/// KB/s one shard serves to classic consumers by the rule of thumb.
pub const RULE_READ_KB_PER_SEC_PER_SHARD: u128 = 2000;
/// Records/s one shard takes in (FACTS.md §1: 1,000 records/s per shard).
pub const RECORDS_PER_SEC_PER_SHARD: u128 = 1000;

/// The sizing with each bound and its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardSizing {
    pub shards_for_write_bytes: u64,
    pub shards_for_read_bytes: u64,
    pub shards_for_records: u64,
    /// The largest bound, at least 1.
    pub shards: u64,
    /// One sentence per step, with the numbers.
    pub steps: Vec<String>,
}

fn ceil_div(a: u128, b: u128) -> u128 {
    a.div_ceil(b)
}

/// `ceil(bytes ÷ (kb_per_shard × 1,024))` saturated into u64.
fn shards_for(bytes_per_sec: u128, kb_per_shard: u128) -> u64 {
    u64::try_from(ceil_div(bytes_per_sec, kb_per_shard * BYTES_PER_KB as u128)).unwrap_or(u64::MAX)
}

/// Sizes a provisioned stream for `w` (its `shards` field is ignored).
pub fn size_shards(w: &Workload) -> ShardSizing {
    let write_bytes = w.write_bytes_per_sec();
    let read_bytes = write_bytes.saturating_mul(w.consumers_classic as u128);
    let kb = |b: u128| b as f64 / BYTES_PER_KB as f64;
    let shards_for_write_bytes = shards_for(write_bytes, RULE_WRITE_KB_PER_SEC_PER_SHARD);
    let shards_for_read_bytes = shards_for(read_bytes, RULE_READ_KB_PER_SEC_PER_SHARD);
    let shards_for_records =
        u64::try_from(ceil_div(w.records_per_sec as u128, RECORDS_PER_SEC_PER_SHARD)).unwrap_or(u64::MAX);
    let shards = shards_for_write_bytes.max(shards_for_read_bytes).max(shards_for_records).max(1);
    let steps = vec![
        format!(
            "Write: {} records/s × {} bytes = {} bytes/s = {} KB/s; ÷ 1000 KB/s per shard, rounded up = {} shard(s)",
            int(w.records_per_sec as u128),
            int(w.avg_record_bytes as u128),
            int(write_bytes),
            super::format::qty(kb(write_bytes)),
            shards_for_write_bytes
        ),
        format!(
            "Read: {} KB/s × {} classic consumer(s) = {} KB/s; ÷ 2000 KB/s per shard, rounded up = {} shard(s) \
             (enhanced fan-out consumers have their own 2 MB/s per shard and do not count)",
            super::format::qty(kb(write_bytes)),
            w.consumers_classic,
            super::format::qty(kb(read_bytes)),
            shards_for_read_bytes
        ),
        format!(
            "Records: {} records/s ÷ 1000 records/s per shard, rounded up = {} shard(s)",
            int(w.records_per_sec as u128),
            shards_for_records
        ),
        format!(
            "Shards = max({shards_for_write_bytes}, {shards_for_read_bytes}, {shards_for_records}) = {shards}{}",
            if shards_for_write_bytes.max(shards_for_read_bytes).max(shards_for_records) == 0 {
                " (a stream has at least 1 shard)"
            } else {
                ""
            }
        ),
    ];
    ShardSizing { shards_for_write_bytes, shards_for_read_bytes, shards_for_records, shards, steps }
}
