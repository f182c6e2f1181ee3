//! Every Amazon Data Firehose limit the engine enforces, with its source: FACTS.md §2 (from the AWS
//! quotas page, https://docs.aws.amazon.com/firehose/latest/dev/limits.html) and the API model
//! (aws-models/firehose.json).

use crate::engine::time::MILLIS_PER_SECOND;

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * KIB;

// ---- PutRecord / PutRecordBatch (FACTS §2) ----
/// A PutRecordBatch takes 1–500 records (model: PutRecordBatchRequestEntryList min 1, max 500).
pub const PUT_RECORD_BATCH_MAX_RECORDS: usize = 500;
/// A whole PutRecordBatch carries at most 4 MiB of data ("up to a limit of 4 MB for the entire request").
pub const PUT_RECORD_BATCH_MAX_BYTES: u64 = 4 * MIB;
/// One record is at most 1,000 KiB before base64 (model: Data max 1024000).
pub const RECORD_MAX_BYTES: u64 = 1_000 * KIB;

// ---- Direct PUT quota per delivery stream (FACTS §2) ----
/// US East (N. Virginia), US West (Oregon), Europe (Ireland): 500,000 records/s …
pub const DIRECT_PUT_RECORDS_PER_SEC: u64 = 500_000;
/// … 2,000 requests/s (PutRecord and PutRecordBatch together) …
pub const DIRECT_PUT_REQUESTS_PER_SEC: u64 = 2_000;
/// … and 5 MiB/s.
pub const DIRECT_PUT_BYTES_PER_SEC: u64 = 5 * MIB;
/// The other regions (AWS quotas page): 100,000 records/s, 1,000 requests/s, 1 MiB/s.
pub const SMALL_REGION_DIRECT_PUT_RECORDS_PER_SEC: u64 = 100_000;
pub const SMALL_REGION_DIRECT_PUT_REQUESTS_PER_SEC: u64 = 1_000;
pub const SMALL_REGION_DIRECT_PUT_BYTES_PER_SEC: u64 = MIB;

// ---- S3 buffering hints (FACTS §2; model SizeInMBs 1–128, IntervalInSeconds 0–900) ----
pub const S3_MIN_BUFFER_SIZE_MIB: u32 = 1;
pub const S3_MAX_BUFFER_SIZE_MIB: u32 = 128;
pub const S3_DEFAULT_BUFFER_SIZE_MIB: u32 = 5;
/// 0 = zero buffering (added Dec 2023; older notes say 60 s minimum).
pub const S3_MIN_BUFFER_INTERVAL_SECS: u32 = 0;
pub const S3_MAX_BUFFER_INTERVAL_SECS: u32 = 900;
pub const S3_DEFAULT_BUFFER_INTERVAL_SECS: u32 = 300;

// ---- Prefixes (FACTS §2; model Prefix/ErrorOutputPrefix max 1024 unevaluated) ----
/// An evaluated Prefix or ErrorOutputPrefix is at most 512 characters.
pub const PREFIX_MAX_EVALUATED_CHARS: usize = 512;
/// The model's bound on the unevaluated text.
pub const PREFIX_MAX_CHARS: usize = 1024;
/// `!{firehose:random-string}` evaluates to 11 characters (AWS custom-prefix page).
pub const RANDOM_STRING_CHARS: usize = 11;

// ---- Names and account ----
/// Model DeliveryStreamName: 1–64 of `[a-zA-Z0-9_.-]`.
pub const DELIVERY_STREAM_NAME_MAX_CHARS: usize = 64;
/// "By default, you can create up to 5,000 Firehose streams per Amazon Web Services Region" (model,
/// CreateDeliveryStream).
pub const DEFAULT_DELIVERY_STREAM_LIMIT: usize = 5_000;
/// ListDeliveryStreams Limit: default 10, 1–10,000 (model).
pub const LIST_DEFAULT_LIMIT: u32 = 10;
pub const LIST_MAX_LIMIT: u32 = 10_000;

// ---- Simulation choices (not AWS numbers) ----
/// How long CREATING and DELETING last by default, in simulated ms (AWS: "a few seconds" to minutes).
pub const DEFAULT_TRANSITION_MS: u64 = 5 * MILLIS_PER_SECOND;
/// Per-second metric points kept per delivery stream.
pub const METRIC_SERIES_SECONDS: usize = 3_600;
/// Deliveries remembered in the engine's delivery log (newest kept).
pub const DELIVERY_LOG_MAX: usize = 10_000;
