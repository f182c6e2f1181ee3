//! The consumers' side of the Kinesis API: calls through `KinesisService` with the JSON a real client
//! sends, and parsing of the few response fields consumers read. Nothing here touches engine state.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::{ApiReply, KinesisService};
use crate::engine::time::EpochMillis;

/// AWS's throttling error for reads (FACTS.md §1 "Reads").
pub const THROTTLED: &str = "ProvisionedThroughputExceededException";
/// A shard iterator older than 5 minutes (FACTS.md §1 "Reads").
pub const EXPIRED_ITERATOR: &str = "ExpiredIteratorException";
pub const NOT_FOUND: &str = "ResourceNotFoundException";
pub const IN_USE: &str = "ResourceInUseException";
pub const LIMIT_EXCEEDED: &str = "LimitExceededException";

/// ListShards pages followed before giving up on one listing (a stream has at most 10,000 shards and a
/// page holds up to 1,000, so 20 pages is generous).
const MAX_LIST_PAGES: usize = 20;

/// An error reply, as AWS sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiFailure {
    pub error_type: String,
    pub message: String,
}

impl ApiFailure {
    pub fn is(&self, error_type: &str) -> bool {
        self.error_type == error_type
    }

    fn from_reply(reply: &ApiReply) -> ApiFailure {
        let body = reply.body();
        let message = body.get("message").or_else(|| body.get("Message")).and_then(Value::as_str).unwrap_or_default();
        ApiFailure { error_type: reply.error_type().unwrap_or_else(|| "UnknownError".into()), message: message.to_string() }
    }
}

/// Call an operation that answers JSON.
pub fn call(service: &mut KinesisService, operation: &str, body: Value) -> Result<Value, ApiFailure> {
    match service.call_json(operation, &body) {
        ApiReply::Json { status: 200, body } => Ok(body),
        ApiReply::Subscribed { .. } => Err(ApiFailure {
            error_type: "UnexpectedReply".into(),
            message: format!("{operation} answered with a subscription"),
        }),
        reply => Err(ApiFailure::from_reply(&reply)),
    }
}

/// SubscribeToShard: the subscription's id, whose events are then pulled with `poll_subscription`.
pub fn subscribe(service: &mut KinesisService, body: Value) -> Result<u64, ApiFailure> {
    match service.call_json("SubscribeToShard", &body) {
        ApiReply::Subscribed { subscription_id } => Ok(subscription_id),
        ApiReply::Json { status: 200, .. } => Err(ApiFailure {
            error_type: "UnexpectedReply".into(),
            message: "SubscribeToShard answered without a subscription".into(),
        }),
        reply => Err(ApiFailure::from_reply(&reply)),
    }
}

/// Where a consumer starts reading a shard it has no position in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartPosition {
    TrimHorizon,
    Latest,
    /// Epoch milliseconds.
    AtTimestamp(EpochMillis),
}

impl StartPosition {
    /// The GetShardIterator / SubscribeToShard fields for this position.
    fn fields(self) -> (&'static str, Option<Value>) {
        match self {
            StartPosition::TrimHorizon => ("TRIM_HORIZON", None),
            StartPosition::Latest => ("LATEST", None),
            // Timestamps travel as epoch seconds (a JSON number) in the JSON 1.1 protocol.
            StartPosition::AtTimestamp(ms) => ("AT_TIMESTAMP", Some(json!(ms as f64 / 1000.0))),
        }
    }
}

/// Where to resume: after the last sequence number processed, else at the start position.
pub fn iterator_request(stream_name: &str, shard_id: &str, after: Option<&str>, start: StartPosition) -> Value {
    match after {
        Some(seq) => json!({"StreamName": stream_name, "ShardId": shard_id,
            "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}),
        None => {
            let (kind, timestamp) = start.fields();
            let mut body = json!({"StreamName": stream_name, "ShardId": shard_id, "ShardIteratorType": kind});
            if let Some(t) = timestamp {
                body["Timestamp"] = t;
            }
            body
        }
    }
}

/// SubscribeToShard's StartingPosition for the same choice.
pub fn starting_position(after: Option<&str>, start: StartPosition) -> Value {
    match after {
        Some(seq) => json!({"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": seq}),
        None => {
            let (kind, timestamp) = start.fields();
            let mut body = json!({"Type": kind});
            if let Some(t) = timestamp {
                body["Timestamp"] = t;
            }
            body
        }
    }
}

/// One record as GetRecords or a SubscribeToShardEvent carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRecord {
    pub sequence_number: String,
    pub arrival_ms: EpochMillis,
    pub partition_key: String,
    /// The payload, base64 as on the wire.
    pub data_base64: String,
    /// Payload bytes (decoded length).
    pub data_bytes: u64,
}

/// A batch of records with what the reader needs to carry on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WireBatch {
    pub records: Vec<WireRecord>,
    pub millis_behind_latest: Option<u64>,
    /// GetRecords: the next iterator (null at the end of a closed shard).
    pub next_shard_iterator: Option<String>,
    /// SubscribeToShardEvent: where to resume.
    pub continuation_sequence_number: Option<String>,
    /// Present once the end of a closed shard is reached.
    pub child_shards: Option<Vec<ChildShardRef>>,
}

/// A child named in `ChildShards`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildShardRef {
    pub shard_id: String,
    pub parent_shard_ids: Vec<String>,
}

/// GetRecords output or a SubscribeToShardEvent (same member names).
pub fn parse_batch(body: &Value) -> WireBatch {
    let records = body.get("Records").and_then(Value::as_array).map(|rs| rs.iter().filter_map(parse_record).collect()).unwrap_or_default();
    let child_shards = body.get("ChildShards").and_then(Value::as_array).map(|cs| {
        cs.iter()
            .filter_map(|c| {
                let shard_id = c.get("ShardId")?.as_str()?.to_string();
                let parent_shard_ids = c
                    .get("ParentShards")
                    .and_then(Value::as_array)
                    .map(|ps| ps.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default();
                Some(ChildShardRef { shard_id, parent_shard_ids })
            })
            .collect()
    });
    WireBatch {
        records,
        millis_behind_latest: body.get("MillisBehindLatest").and_then(Value::as_u64),
        next_shard_iterator: body.get("NextShardIterator").and_then(Value::as_str).map(str::to_string),
        continuation_sequence_number: body.get("ContinuationSequenceNumber").and_then(Value::as_str).map(str::to_string),
        child_shards,
    }
}

fn parse_record(r: &Value) -> Option<WireRecord> {
    let data_base64 = r.get("Data").and_then(Value::as_str).unwrap_or_default().to_string();
    Some(WireRecord {
        sequence_number: r.get("SequenceNumber")?.as_str()?.to_string(),
        arrival_ms: r.get("ApproximateArrivalTimestamp").and_then(epoch_seconds_to_ms).unwrap_or(0),
        partition_key: r.get("PartitionKey").and_then(Value::as_str).unwrap_or_default().to_string(),
        data_bytes: base64_decoded_len(&data_base64),
        data_base64,
    })
}

/// A JSON 1.1 timestamp (epoch seconds, possibly fractional) in epoch milliseconds.
fn epoch_seconds_to_ms(v: &Value) -> Option<EpochMillis> {
    let seconds = v.as_f64()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * 1000.0).round() as EpochMillis)
}

fn base64_decoded_len(text: &str) -> u64 {
    let padding = text.bytes().rev().take_while(|b| *b == b'=').count();
    ((text.len() / 4 * 3).saturating_sub(padding)) as u64
}

/// A shard as ListShards reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub shard_id: String,
    /// ParentShardId then AdjacentParentShardId, when present.
    pub parent_shard_ids: Vec<String>,
    /// No EndingSequenceNumber yet.
    pub open: bool,
}

/// Every shard of the stream that is still readable (ListShards, following NextToken).
pub fn list_shards(service: &mut KinesisService, stream_name: &str) -> Result<Vec<ShardInfo>, ApiFailure> {
    let mut shards = Vec::new();
    let mut body = json!({"StreamName": stream_name});
    for _ in 0..MAX_LIST_PAGES {
        let page = call(service, "ListShards", body)?;
        for s in page.get("Shards").and_then(Value::as_array).into_iter().flatten() {
            let Some(shard_id) = s.get("ShardId").and_then(Value::as_str) else { continue };
            let parent_shard_ids = ["ParentShardId", "AdjacentParentShardId"]
                .iter()
                .filter_map(|k| s.get(*k).and_then(Value::as_str))
                .map(str::to_string)
                .collect();
            let open = s.get("SequenceNumberRange").and_then(|r| r.get("EndingSequenceNumber")).is_none_or(Value::is_null);
            shards.push(ShardInfo { shard_id: shard_id.to_string(), parent_shard_ids, open });
        }
        match page.get("NextToken").and_then(Value::as_str) {
            Some(token) => body = json!({"NextToken": token}),
            None => return Ok(shards),
        }
    }
    Ok(shards)
}

/// Sequence numbers are decimal strings too long for any integer type: compare them as numbers.
pub fn compare_sequence(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_compare_numerically() {
        assert_eq!(compare_sequence("9", "10"), Ordering::Less);
        assert_eq!(compare_sequence("0010", "10"), Ordering::Equal);
        assert_eq!(compare_sequence("49000000000000000000000000000000000000000000000000000002", "49000000000000000000000000000000000000000000000000000001"), Ordering::Greater);
    }

    #[test]
    fn base64_lengths() {
        assert_eq!(base64_decoded_len(""), 0);
        assert_eq!(base64_decoded_len("eA=="), 1);
        assert_eq!(base64_decoded_len("eHk="), 2);
        assert_eq!(base64_decoded_len("eHl6"), 3);
    }

    #[test]
    fn arrival_timestamps_in_seconds_become_millis() {
        assert_eq!(epoch_seconds_to_ms(&json!(1767225600.123)), Some(1_767_225_600_123));
        assert_eq!(epoch_seconds_to_ms(&json!(1767225600)), Some(1_767_225_600_000));
        assert_eq!(epoch_seconds_to_ms(&json!(-1)), None);
    }
}
