//! Billing units and per-record rounding. Every constant names its source.

/// Hours in a billing month. AWS's pricing pages and Pricing Calculator price a month as 730 hours
/// (365 days × 24 h ÷ 12).
pub const HOURS_PER_MONTH: u64 = 730;

/// Seconds in a 730-hour billing month: 2,628,000.
pub const SECONDS_PER_MONTH: u64 = HOURS_PER_MONTH * 3600;

/// A KB on AWS's Kinesis pricing pages: "rounded up to the nearest 1 KB (1,024 bytes)" (Data Streams pricing,
/// on-demand Data-In).
pub const BYTES_PER_KB: u64 = 1024;

/// A billed GB: 2^30 bytes, consistent with the 1,024-byte KB above.
pub const BYTES_PER_GB: u64 = 1024 * 1024 * 1024;

/// A TB for tier bounds: 1,024 GB (AWS's Price List API expresses "500 TB" tiers as 512,000 GB).
pub const GB_PER_TB: u64 = 1024;

/// Provisioned PUT payload unit: 25 KB chunks of a record, rounded up per record (FACTS.md §5: 5 KB → 1,
/// 45 KB → 2, 1 MB → 40; AWS's "1 MB" there is 1,000 KB, since 1,000 ÷ 25 = 40).
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * BYTES_PER_KB;

/// On-demand Data-In counts each record rounded up to 1 KB (FACTS.md §5; AWS Data Streams pricing page).
pub const ON_DEMAND_RECORD_ROUNDING_BYTES: u64 = BYTES_PER_KB;

/// Firehose ingestion counts each record rounded up to 5 KB, per record and not per API call (FACTS.md §5;
/// AWS Firehose pricing page: a 3 KB record bills as 5 KB, a 12 KB record as 15 KB).
pub const FIREHOSE_RECORD_ROUNDING_BYTES: u64 = 5 * BYTES_PER_KB;

/// Retention included in the shard-hour / stream-hour price (FACTS.md §1: 24 h default and minimum).
pub const INCLUDED_RETENTION_HOURS: u32 = 24;

/// End of "extended" retention: 7 days. Beyond it, data is billed as long-term retention (FACTS.md §1).
pub const EXTENDED_RETENTION_MAX_HOURS: u32 = 7 * 24;

/// Longest retention: 8,760 h = 365 days (FACTS.md §1).
pub const MAX_RETENTION_HOURS: u32 = 8760;

/// Records per month at a steady rate: records/s × 2,628,000 s.
pub fn records_per_month(records_per_sec: u64) -> u128 {
    records_per_sec as u128 * SECONDS_PER_MONTH as u128
}

/// `bytes` rounded up to a whole number of `step`-byte chunks, as a count of chunks. A 0-byte record still
/// counts one chunk: AWS bills each record at least one unit. `step` must be > 0 (every caller passes a
/// constant).
pub fn chunks_per_record(bytes: u64, step: u64) -> u64 {
    if bytes == 0 {
        return 1;
    }
    bytes.div_ceil(step)
}

/// PUT payload units of one record of `bytes` bytes (25 KB chunks, rounded up).
pub fn put_payload_units(bytes: u64) -> u64 {
    chunks_per_record(bytes, PUT_PAYLOAD_UNIT_BYTES)
}

/// Billed size of one on-demand record: rounded up to whole KB (1,024 bytes).
pub fn on_demand_billed_bytes(bytes: u64) -> u64 {
    chunks_per_record(bytes, ON_DEMAND_RECORD_ROUNDING_BYTES) * ON_DEMAND_RECORD_ROUNDING_BYTES
}

/// Billed size of one Firehose record: rounded up to a multiple of 5 KB (5,120 bytes).
pub fn firehose_billed_bytes(bytes: u64) -> u64 {
    chunks_per_record(bytes, FIREHOSE_RECORD_ROUNDING_BYTES) * FIREHOSE_RECORD_ROUNDING_BYTES
}

/// Exact bytes as billed GB (2^30 bytes).
pub fn gb(bytes: u128) -> f64 {
    bytes as f64 / BYTES_PER_GB as f64
}
