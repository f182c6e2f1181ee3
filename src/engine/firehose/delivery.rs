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
    #[serde(default)]
    pub kind: ObjectKind,
}

/// How often a failed delivery to Redshift, OpenSearch, an HTTP endpoint or Splunk is tried again within
/// its retry duration. A simulation choice (AWS backs off; it publishes only the durations).
pub const TARGET_RETRY_INTERVAL_MS: u64 = 5 * MILLIS_PER_SECOND;

/// What an S3 object is: delivered data, or something Firehose writes about data it could not deliver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectKind {
    /// Records for the destination (for Redshift: the intermediate object COPY loads).
    #[default]
    Data,
    /// A copy of every record (S3 backup mode AllDocuments / AllData / AllEvents).
    Backup,
    /// Records under an error-output prefix (processing-failed/, AmazonOpenSearchService-failed/ …).
    ErrorOutput,
    /// Redshift's manifest of objects COPY skipped, under errors/.
    Manifest,
}

/// A batch for a destination other than S3, delivered at once or retried until its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingBatch {
    pub stream: String,
    /// The records (OpenSearch, HTTP endpoint, Splunk); empty for Redshift, which loads `s3_key`.
    #[serde(with = "base64_records")]
    pub records: Vec<Vec<u8>>,
    /// Redshift: the intermediate object COPY loads.
    pub s3_key: Option<String>,
    pub record_count: u64,
    pub oldest_arrival_ms: EpochMillis,
    pub first_attempt_ms: EpochMillis,
    pub attempts: u32,
    pub next_attempt_ms: EpochMillis,
    /// The end of the destination's retry duration: a failure at or after it is final.
    pub deadline_ms: EpochMillis,
    pub last_error_code: Option<String>,
    pub last_error_message: Option<String>,
}

/// Records saved as a list of base64 strings.
mod base64_records {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(records: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(records.iter().map(|r| STANDARD.encode(r)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts
            .iter()
            .map(|t| STANDARD.decode(t.as_bytes()).map_err(|e| D::Error::custom(format!("record is not base64: {e}"))))
            .collect()
    }
}
