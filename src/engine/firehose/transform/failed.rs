//! The JSON object Firehose writes under `processing-failed/` for each record a transformation failed
//! (data-transformation-failure-handling.html): `{attemptsMade, arrivalTimestamp, errorCode, errorMessage,
//! attemptEndingTimestamp, rawData, lambdaArn}`, in that order, one object per line.
//!
//! AWS's page shows every value as a quoted placeholder; a real object (a DuplicatedRecordId failure,
//! 2019) has attemptsMade and both timestamps as JSON numbers (epoch milliseconds), which is what this
//! writes. The field is `lambdaArn` as AWS documents it (one third-party capture reports `lambdaARN`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// One line of a processing-failed object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingFailedRecord {
    /// The number of invocation requests attempted.
    #[serde(rename = "attemptsMade")]
    pub attempts_made: u32,
    /// When Firehose received the record (epoch ms).
    #[serde(rename = "arrivalTimestamp")]
    pub arrival_timestamp: u64,
    #[serde(rename = "errorCode")]
    pub error_code: String,
    #[serde(rename = "errorMessage")]
    pub error_message: String,
    /// When Firehose stopped attempting invocations (epoch ms).
    #[serde(rename = "attemptEndingTimestamp")]
    pub attempt_ending_timestamp: u64,
    /// The original record, base64.
    #[serde(rename = "rawData")]
    pub raw_data: String,
    #[serde(rename = "lambdaArn")]
    pub lambda_arn: String,
}

/// Builds the object for one failed record.
pub fn processing_failed_record(
    attempts_made: u32,
    arrival_timestamp_ms: u64,
    error_code: &str,
    error_message: &str,
    attempt_ending_timestamp_ms: u64,
    raw_data: &[u8],
    lambda_arn: &str,
) -> ProcessingFailedRecord {
    ProcessingFailedRecord {
        attempts_made,
        arrival_timestamp: arrival_timestamp_ms,
        error_code: error_code.to_string(),
        error_message: error_message.to_string(),
        attempt_ending_timestamp: attempt_ending_timestamp_ms,
        raw_data: STANDARD.encode(raw_data),
        lambda_arn: lambda_arn.to_string(),
    }
}

impl ProcessingFailedRecord {
    /// The object as one line of JSON (no newline).
    pub fn to_json(&self) -> String {
        // Strings and integers only: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The body of an error object: each record's JSON followed by a newline. (Not AWS-verified: whether the
/// last line ends with a newline.)
pub fn processing_failed_lines(records: &[ProcessingFailedRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    for record in records {
        out.extend_from_slice(record.to_json().as_bytes());
        out.push(b'\n');
    }
    out
}

/// The objects for every record of an invocation that failed after its last attempt (each record keeps
/// its own arrival time and original bytes).
pub fn failed_invocation_records(
    event: &super::TransformEvent,
    error: &super::InvocationError,
    attempts_made: u32,
    attempt_ending_timestamp_ms: u64,
    lambda_arn: &str,
) -> Vec<ProcessingFailedRecord> {
    let (code, message) = (error.error_code(), error.error_message());
    event
        .records
        .iter()
        .map(|r| ProcessingFailedRecord {
            attempts_made,
            arrival_timestamp: r.approximate_arrival_timestamp,
            error_code: code.to_string(),
            error_message: message.clone(),
            attempt_ending_timestamp: attempt_ending_timestamp_ms,
            // The event's data is already the record's bytes in base64.
            raw_data: r.data.clone(),
            lambda_arn: lambda_arn.to_string(),
        })
        .collect()
}
