//! Every Kinesis Data Streams limit the engine enforces, with the source it comes from.
//! FACTS.md §1 collects them from the AWS quotas page
//! (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html) and the API model.

use crate::engine::time::{MILLIS_PER_DAY, MILLIS_PER_HOUR, MILLIS_PER_MINUTE};

pub const MIB: u64 = 1024 * 1024;

// ---- Writes (FACTS §1 "Writes") ----
/// Per-shard write bandwidth: 1 MiB/s, partition keys included.
pub const SHARD_WRITE_BYTES_PER_SEC: u64 = MIB;
/// Per-shard write rate: 1,000 records/s.
pub const SHARD_WRITE_RECORDS_PER_SEC: u64 = 1_000;
/// PutRecords takes 1–500 entries (aws-models/kinesis.json PutRecordsRequestEntryList).
pub const PUT_RECORDS_MAX_ENTRIES: usize = 500;
/// A whole PutRecords request may carry up to 10 MiB since Oct 2025 (before: 5 MiB).
pub const PUT_RECORDS_MAX_REQUEST_BYTES: u64 = 10 * MIB;
/// Every stream's record-size ceiling defaults to 1 MiB until raised.
pub const DEFAULT_MAX_RECORD_SIZE_KIB: u32 = 1024;
/// MaxRecordSizeInKiB bounds (aws-models/kinesis.json MaxRecordSizeInKiB).
pub const MIN_MAX_RECORD_SIZE_KIB: u32 = 1024;
pub const MAX_MAX_RECORD_SIZE_KIB: u32 = 10240;
/// Partition keys are 1–256 Unicode characters (aws-models PartitionKey).
pub const PARTITION_KEY_MAX_CHARS: usize = 256;

// ---- Reads (FACTS §1 "Reads") ----
/// GetRecords and GetShardIterator: 5 calls/s per shard, shared by every classic consumer.
pub const SHARD_READ_CALLS_PER_SEC: u32 = 5;
/// Per-shard read bandwidth: 2 MiB/s. A 10 MiB GetRecords therefore throttles the next 5 s.
pub const SHARD_READ_BYTES_PER_SEC: u64 = 2 * MIB;
/// GetRecords returns at most 10,000 records …
pub const GET_RECORDS_MAX_RECORDS: u32 = 10_000;
/// … and at most 10 MiB per call.
pub const GET_RECORDS_MAX_BYTES: u64 = 10 * MIB;
/// A shard iterator expires 5 minutes after it is returned.
pub const SHARD_ITERATOR_TTL_MS: u64 = 5 * MILLIS_PER_MINUTE;
/// ListShards / ListStreamConsumers NextToken lifetime (aws-models: "valid for 300 seconds").
pub const NEXT_TOKEN_TTL_MS: u64 = 5 * MILLIS_PER_MINUTE;

// ---- Enhanced fan-out (FACTS §1 "Enhanced fan-out") ----
pub const EFO_MAX_CONSUMERS_PER_STREAM: usize = 20;
pub const EFO_MAX_CREATING_CONSUMERS: usize = 5;
/// Each registered consumer gets its own 2 MiB/s per shard.
pub const EFO_SHARD_BYTES_PER_SEC: u64 = 2 * MIB;
/// A subscription pushes events for up to 5 minutes, then the consumer must re-subscribe.
pub const SUBSCRIPTION_LIFETIME_MS: u64 = 5 * MILLIS_PER_MINUTE;
/// SubscribeToShard again for the same consumer and shard within 5 s → ResourceInUseException.
pub const RESUBSCRIBE_MIN_INTERVAL_MS: u64 = 5_000;
/// With no new records, a subscription still sends an (empty) event about every 5 s.
pub const SUBSCRIPTION_HEARTBEAT_MS: u64 = 5_000;

// ---- Resharding and capacity (FACTS §1 "Resharding and capacity") ----
/// UpdateShardCount: at most 10 calls per rolling 24 hours per stream.
pub const UPDATE_SHARD_COUNT_MAX_PER_WINDOW: usize = 10;
pub const UPDATE_SHARD_COUNT_WINDOW_MS: u64 = MILLIS_PER_DAY;
/// UpdateShardCount target must lie within ½× and 2× the open shard count, and ≤ 10,000 per stream.
pub const MAX_SHARDS_PER_STREAM: u32 = 10_000;
/// Default account shard quota in the large regions (us-east-1, us-west-2, eu-west-1); 200 elsewhere.
pub const DEFAULT_ACCOUNT_SHARD_LIMIT: u32 = 500;
/// At most 5 streams in CREATING at once per account.
pub const MAX_CREATING_STREAMS: usize = 5;

// ---- Retention (FACTS §1 "Retention") ----
pub const DEFAULT_RETENTION_HOURS: u32 = 24;
pub const MIN_RETENTION_HOURS: u32 = 24;
pub const MAX_RETENTION_HOURS: u32 = 8_760;
pub const fn retention_ms(hours: u32) -> u64 {
    hours as u64 * MILLIS_PER_HOUR
}

// ---- Capacity modes (FACTS §1 "Capacity modes") ----
/// A new on-demand stream absorbs 4 MiB/s (and 4,000 records/s) of writes: four shards.
pub const ON_DEMAND_INITIAL_SHARDS: u32 = 4;
/// On-demand capacity grows to 2× the previous peak …
pub const ON_DEMAND_PEAK_MULTIPLIER: u64 = 2;
/// … over the previous 30 days …
pub const ON_DEMAND_PEAK_WINDOW_MS: u64 = 30 * MILLIS_PER_DAY;
/// … and a new peak takes about 15 minutes to be absorbed (traffic beyond 2× the old peak throttles meanwhile).
pub const ON_DEMAND_SCALE_DELAY_MS: u64 = 15 * MILLIS_PER_MINUTE;
/// 200 MiB/s of writes per on-demand stream in most regions.
pub const ON_DEMAND_MAX_WRITE_BYTES_PER_SEC: u64 = 200 * MIB;
/// Warm throughput can reach 10 GiB/s per on-demand stream (aws-models UpdateStreamWarmThroughput) …
pub const WARM_THROUGHPUT_MAX_MIBPS: u32 = 10 * 1024;
/// … and UpdateStreamWarmThroughput takes 5 calls/s per account.
pub const WARM_THROUGHPUT_CALLS_PER_SEC: u32 = 5;
/// 50 on-demand streams per account by default.
pub const DEFAULT_ON_DEMAND_STREAM_LIMIT: u32 = 50;
/// UpdateStreamMode: at most two switches per rolling 24 hours.
pub const STREAM_MODE_SWITCHES_PER_DAY: usize = 2;

// ---- Control plane call rates (FACTS §1, per account unless noted) ----
pub const CREATE_STREAM_CALLS_PER_SEC: u32 = 5;
pub const DELETE_STREAM_CALLS_PER_SEC: u32 = 5;
pub const SPLIT_SHARD_CALLS_PER_SEC: u32 = 5;
pub const MERGE_SHARDS_CALLS_PER_SEC: u32 = 5;
pub const ADD_TAGS_CALLS_PER_SEC: u32 = 5;
pub const DESCRIBE_STREAM_CALLS_PER_SEC: u32 = 10;
pub const DESCRIBE_STREAM_SUMMARY_CALLS_PER_SEC: u32 = 20;
/// ListShards: 1,000 calls/s per stream.
pub const LIST_SHARDS_CALLS_PER_SEC_PER_STREAM: u32 = 1_000;

// ---- Tags (Kinesis tagging docs) ----
pub const MAX_TAGS_PER_STREAM: usize = 50;
pub const MAX_TAGS_PER_CALL: usize = 10;
