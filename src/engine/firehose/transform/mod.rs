//! Firehose data transformation "the Lambda way" (FACTS.md §2, "Lambda transform"): pure and
//! deterministic, no I/O. The engine buffers records, packs them into invocation events (this module),
//! hands each event to a function (a built-in run here, or the learner's JavaScript run by the page), and
//! checks the answer against Firehose's contract (`response`). Records that fail are written under
//! `processing-failed/` as the JSON objects `failed` builds.
//!
//! Sources: AWS "Transform source data in Amazon Data Firehose" (data-transformation.html: buffer hints,
//! 6 MB each way, 5-minute run time), "Required parameters for data transformation"
//! (data-transformation-status-model.html: recordId, result, data), "Handle failure in data
//! transformation" (data-transformation-failure-handling.html: retries, the processing-failed object),
//! "Monitor … CloudWatch Logs" (monitoring-with-cloudwatch-logs.html: the Lambda.* error codes), and the
//! API reference's ProcessorParameter (defaults 3 retries, 60 s, 0.2–3 MB).
//!
//! Not simulated: the Kinesis-stream source's extra `kinesisRecordMetadata` per record and
//! `sourceKinesisStreamArn` (Direct PUT events only), MSK's `kafkaRecordValue`.

pub mod builtin;
pub mod failed;
pub mod response;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

pub use builtin::{validate_function_name, BuiltinTransform, TransformFunction};
pub use failed::{failed_invocation_records, processing_failed_lines, processing_failed_record, ProcessingFailedRecord};
pub use response::{parse_response, parse_response_detailed, InvocationError, ParsedResponse, TransformedRecord};

use super::limits::MIB;

// ---- Limits (with their sources) ----

/// Lambda's synchronous (RequestResponse) request payload limit: "6 MB" on the Firehose page; Lambda
/// refuses larger requests with "… payload is too large for the RequestResponse invocation type (limit
/// 6291456 bytes)" — 6 MiB exactly.
pub const LAMBDA_REQUEST_PAYLOAD_MAX_BYTES: usize = 6 * 1024 * 1024;
/// Lambda's synchronous response limit: "6 MB" on the Firehose page; Lambda's own error reads "Response
/// payload size exceeded maximum allowed payload size (6291556 bytes)" (100 bytes above 6 MiB).
pub const LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES: usize = 6_291_556;
/// "Amazon Data Firehose supports a Lambda invocation time of up to 5 minutes" (data-transformation.html).
pub const LAMBDA_MAX_INVOCATION_MS: u64 = 5 * 60 * 1000;

/// Lambda buffering size hint, in MB as the ProcessorParameter `BufferSizeInMBs` takes it: 0.2–3, default 1
/// (256 KB for Splunk and Snowflake). The project counts an S3 "MB" as a MiB (limits.rs); so does this.
pub const LAMBDA_BUFFER_SIZE_MIN_MB: f64 = 0.2;
pub const LAMBDA_BUFFER_SIZE_MAX_MB: f64 = 3.0;
pub const LAMBDA_BUFFER_SIZE_DEFAULT_MB: f64 = 1.0;
/// Lambda buffering interval hint (`BufferIntervalInSeconds`): 0–900 s, default 60 (30 for Snowflake).
pub const LAMBDA_BUFFER_INTERVAL_MIN_SECS: u32 = 0;
pub const LAMBDA_BUFFER_INTERVAL_MAX_SECS: u32 = 900;
pub const LAMBDA_BUFFER_INTERVAL_DEFAULT_SECS: u32 = 60;
/// `NumberOfRetries` default (ProcessorParameter; "retries the invocation three times by default").
pub const DEFAULT_NUMBER_OF_RETRIES: u32 = 3;

/// The buffering size hint in bytes for a `BufferSizeInMBs` value (MiB, rounded down).
pub fn buffer_size_bytes(size_in_mbs: f64) -> u64 {
    if !size_in_mbs.is_finite() || size_in_mbs <= 0.0 {
        return 0;
    }
    (size_in_mbs * MIB as f64) as u64
}

/// How many invocations Firehose makes for one batch at most: the first plus `NumberOfRetries` retries
/// (observed: a retry budget of 3 gives 4 invocations, each with a fresh invocationId). This is the
/// `attemptsMade` written for a batch that never succeeded.
pub fn max_attempts(number_of_retries: u32) -> u32 {
    number_of_retries.saturating_add(1)
}

/// The ARN Firehose gets for a function (written as `lambdaArn` in processing-failed objects).
pub fn lambda_arn(region: &str, account_id: &str, function_name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account_id}:function:{function_name}")
}

// ---- The event Lambda receives ----

/// One record of an invocation event, exactly as Lambda receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    #[serde(rename = "recordId")]
    pub record_id: String,
    /// Epoch milliseconds.
    #[serde(rename = "approximateArrivalTimestamp")]
    pub approximate_arrival_timestamp: u64,
    /// The record's bytes, base64 (standard alphabet, padded).
    pub data: String,
}

impl EventRecord {
    pub fn new(record_id: impl Into<String>, approximate_arrival_timestamp_ms: u64, raw: &[u8]) -> Self {
        EventRecord {
            record_id: record_id.into(),
            approximate_arrival_timestamp: approximate_arrival_timestamp_ms,
            data: STANDARD.encode(raw),
        }
    }

    /// The record's bytes (None only if `data` was not built by `new` and is not valid base64).
    pub fn raw(&self) -> Option<Vec<u8>> {
        STANDARD.decode(self.data.as_bytes()).ok()
    }

    /// The size of the record before base64, computed from the base64 text (what buffer hints count).
    pub fn raw_len(&self) -> u64 {
        let len = self.data.len() as u64;
        let padding = self.data.bytes().rev().take(2).filter(|b| *b == b'=').count() as u64;
        (len / 4 * 3).saturating_sub(padding)
    }

    /// Bytes this record takes inside the event's `records` array (its JSON, without the comma).
    pub fn json_len(&self) -> usize {
        serde_json::to_vec(self).map(|v| v.len()).unwrap_or(usize::MAX)
    }
}

/// The event Firehose sends to the function: `{invocationId, deliveryStreamArn, region, records}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformEvent {
    #[serde(rename = "invocationId")]
    pub invocation_id: String,
    #[serde(rename = "deliveryStreamArn")]
    pub delivery_stream_arn: String,
    pub region: String,
    pub records: Vec<EventRecord>,
}

/// Builds an event (the caller supplies a fresh invocation id per attempt).
pub fn build_event(
    invocation_id: impl Into<String>,
    delivery_stream_arn: impl Into<String>,
    region: impl Into<String>,
    records: Vec<EventRecord>,
) -> TransformEvent {
    TransformEvent {
        invocation_id: invocation_id.into(),
        delivery_stream_arn: delivery_stream_arn.into(),
        region: region.into(),
        records,
    }
}

impl TransformEvent {
    /// The JSON the function receives.
    pub fn to_json(&self) -> String {
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The request payload size in bytes (what the 6 MB limit counts).
    pub fn json_len(&self) -> usize {
        self.to_json().len()
    }

    /// The same records under a new invocation id (each retry gets a fresh one).
    pub fn retry_with_id(&self, invocation_id: impl Into<String>) -> TransformEvent {
        TransformEvent { invocation_id: invocation_id.into(), ..self.clone() }
    }
}

/// Why records could not be packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackError {
    /// One record alone makes an event larger than the payload limit (cannot happen with Firehose's
    /// 1,000 KiB records and the 6 MiB limit; reachable only with a smaller limit).
    RecordTooLarge { record_id: String, event_bytes: usize, max_event_bytes: usize },
}

/// Packs buffered records, in order, into invocation events. An event closes when its records reach the
/// buffering size hint (`buffer_size_bytes`, counted before base64 as Firehose counts it) or when one more
/// record would make its JSON larger than `max_event_bytes` (pass `LAMBDA_REQUEST_PAYLOAD_MAX_BYTES`).
/// Every record lands in exactly one event, in order. `next_invocation_id` is called once per event.
pub fn pack_events(
    delivery_stream_arn: &str,
    region: &str,
    records: Vec<EventRecord>,
    buffer_size_bytes: u64,
    max_event_bytes: usize,
    mut next_invocation_id: impl FnMut() -> String,
) -> Result<Vec<TransformEvent>, PackError> {
    /// The event being filled: it always holds at least one record.
    struct Open {
        event: TransformEvent,
        json_bytes: usize,
        raw_bytes: u64,
    }
    let mut events = Vec::new();
    let mut open: Option<Open> = None;
    for record in records {
        let record_json = record.json_len();
        if let Some(o) = open.as_mut() {
            // +1 for the comma before it (an open event is never empty).
            let grown = o.json_bytes.saturating_add(1).saturating_add(record_json);
            if grown <= max_event_bytes {
                o.json_bytes = grown;
                o.raw_bytes += record.raw_len();
                o.event.records.push(record);
                if o.raw_bytes >= buffer_size_bytes {
                    events.extend(open.take().map(|o| o.event));
                }
                continue;
            }
        }
        events.extend(open.take().map(|o| o.event));
        let mut event = build_event(next_invocation_id(), delivery_stream_arn, region, Vec::new());
        let json_bytes = event.json_len().saturating_add(record_json);
        if json_bytes > max_event_bytes {
            return Err(PackError::RecordTooLarge { record_id: record.record_id, event_bytes: json_bytes, max_event_bytes });
        }
        let raw_bytes = record.raw_len();
        event.records.push(record);
        if raw_bytes >= buffer_size_bytes {
            events.push(event);
        } else {
            open = Some(Open { event, json_bytes, raw_bytes });
        }
    }
    events.extend(open.map(|o| o.event));
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_len_matches_the_bytes() {
        for n in 0..10 {
            let raw = vec![7u8; n];
            assert_eq!(EventRecord::new("r", 0, &raw).raw_len(), n as u64);
        }
    }
}
