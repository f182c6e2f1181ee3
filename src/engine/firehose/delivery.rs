//! Delivery into the simulated S3 when it fails: an object that could not be written waits here and is
//! tried again until Firehose would have dropped its data (FACTS.md §2 "Failure").

use serde::{Deserialize, Serialize};

use super::FlushReason;
use crate::engine::time::{EpochMillis, MILLIS_PER_SECOND};

/// "Firehose keeps records at most 24 h" and S3 delivery is retried for up to 24 hours, after which the
/// data is lost (FACTS §2 "Failure"; AWS troubleshooting page: Direct PUT streams retain records 24 h).
pub const DATA_RETENTION_MS: u64 = 24 * 3_600 * MILLIS_PER_SECOND;
/// How often a failed S3 put is tried again. AWS does not publish a fixed figure for S3 (it backs off);
/// a simulation choice, short enough that a restored bucket is seen within seconds.
pub const S3_RETRY_INTERVAL_MS: u64 = 5 * MILLIS_PER_SECOND;

/// What became of an object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    #[default]
    Delivered,
    /// Still undeliverable when its oldest record was 24 hours old: its records are gone.
    Lost,
}

/// An object on its way to S3 (written at once when the bucket is up; otherwise waiting for a retry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingObject {
    pub stream: String,
    pub bucket: String,
    pub key: String,
    /// The object as it will be stored (compressed).
    #[serde(with = "crate::engine::firehose::s3::base64_bytes")]
    pub bytes: Vec<u8>,
    pub records: u64,
    /// Bytes before compression (what DeliveryToS3.Bytes counts).
    pub raw_bytes: u64,
    pub first_record_id: String,
    pub last_record_id: String,
    pub oldest_arrival_ms: EpochMillis,
    pub first_attempt_ms: EpochMillis,
    pub attempts: u32,
    pub next_attempt_ms: EpochMillis,
    pub reason: FlushReason,
}
