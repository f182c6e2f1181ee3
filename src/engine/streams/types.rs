//! Requests and responses of the Kinesis Data Streams API, shaped exactly as in
//! aws-models/kinesis.json (member names, optionality). The engine speaks these types; the API layer
//! only turns JSON into them and back.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

use crate::engine::time::EpochMillis;

/// A blob: raw bytes in the engine, base64 text on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map(Blob).map_err(serde::de::Error::custom)
    }
}

/// A timestamp: epoch milliseconds in the engine, epoch seconds (a JSON number) on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub EpochMillis);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(1000) {
            s.serialize_u64(self.0 / 1000)
        } else {
            s.serialize_f64(self.0 as f64 / 1000.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let seconds = match &value {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        match seconds {
            Some(s) if s.is_finite() && s >= 0.0 => Ok(Timestamp((s * 1000.0).round() as u64)),
            _ => Err(serde::de::Error::custom("timestamp must be epoch seconds")),
        }
    }
}

macro_rules! request {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize, PartialEq)]
        #[serde(rename_all = "PascalCase", default)]
        pub struct $name { $($(#[$fmeta])* pub $field: $ty),* }
    };
}

macro_rules! response {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name { $($(#[$fmeta])* pub $field: $ty),* }
    };
}

request!(
    /// Stream address: AWS accepts a name or an ARN (and reserves StreamId).
    StreamRef {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    stream_id: Option<String>,
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamMode {
    #[default]
    Provisioned,
    OnDemand,
}

response!(StreamModeDetails { stream_mode: StreamMode });

request!(CreateStreamInput {
    stream_name: String,
    shard_count: Option<u32>,
    stream_mode_details: Option<StreamModeDetails>,
    tags: Option<BTreeMap<String, String>>,
    #[serde(rename = "MaxRecordSizeInKiB")]
    max_record_size_in_kib: Option<u32>,
    warm_throughput_mi_bps: Option<u32>,
});

request!(DeleteStreamInput {
    #[serde(flatten)]
    stream: StreamRef,
    enforce_consumer_deletion: Option<bool>,
});

request!(DescribeStreamInput {
    #[serde(flatten)]
    stream: StreamRef,
    limit: Option<u32>,
    exclusive_start_shard_id: Option<String>,
});

response!(HashKeyRange { starting_hash_key: String, ending_hash_key: String });

response!(SequenceNumberRange {
    starting_sequence_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ending_sequence_number: Option<String>,
});

response!(Shard {
    shard_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_shard_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjacent_parent_shard_id: Option<String>,
    hash_key_range: HashKeyRange,
    sequence_number_range: SequenceNumberRange,
});

response!(EnhancedMetrics { shard_level_metrics: Vec<String> });

response!(StreamDescription {
    stream_name: String,
    #[serde(rename = "StreamARN")]
    stream_arn: String,
    stream_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_mode_details: Option<StreamModeDetails>,
    shards: Vec<Shard>,
    has_more_shards: bool,
    retention_period_hours: u32,
    stream_creation_timestamp: Timestamp,
    enhanced_monitoring: Vec<EnhancedMetrics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
});

response!(DescribeStreamOutput { stream_description: StreamDescription });

response!(WarmThroughputObject {
    #[serde(rename = "TargetMiBps", skip_serializing_if = "Option::is_none")]
    target_mibps: Option<u32>,
    #[serde(rename = "CurrentMiBps", skip_serializing_if = "Option::is_none")]
    current_mibps: Option<u32>,
});

response!(StreamDescriptionSummary {
    stream_name: String,
    #[serde(rename = "StreamARN")]
    stream_arn: String,
    stream_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_mode_details: Option<StreamModeDetails>,
    retention_period_hours: u32,
    stream_creation_timestamp: Timestamp,
    enhanced_monitoring: Vec<EnhancedMetrics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
    open_shard_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warm_throughput: Option<WarmThroughputObject>,
    #[serde(rename = "MaxRecordSizeInKiB", skip_serializing_if = "Option::is_none")]
    max_record_size_in_kib: Option<u32>,
});

response!(DescribeStreamSummaryOutput { stream_description_summary: StreamDescriptionSummary });

request!(ListStreamsInput {
    limit: Option<u32>,
    exclusive_start_stream_name: Option<String>,
    next_token: Option<String>,
});

response!(StreamSummary {
    stream_name: String,
    #[serde(rename = "StreamARN")]
    stream_arn: String,
    stream_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_mode_details: Option<StreamModeDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_creation_timestamp: Option<Timestamp>,
});

response!(ListStreamsOutput {
    stream_names: Vec<String>,
    has_more_streams: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    stream_summaries: Vec<StreamSummary>,
});

request!(ShardFilter {
    #[serde(rename = "Type")]
    filter_type: String,
    shard_id: Option<String>,
    timestamp: Option<Timestamp>,
});

request!(ListShardsInput {
    #[serde(flatten)]
    stream: StreamRef,
    next_token: Option<String>,
    exclusive_start_shard_id: Option<String>,
    max_results: Option<u32>,
    stream_creation_timestamp: Option<Timestamp>,
    shard_filter: Option<ShardFilter>,
});

response!(ListShardsOutput {
    shards: Vec<Shard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
});

request!(RetentionInput {
    #[serde(flatten)]
    stream: StreamRef,
    retention_period_hours: i64,
});

request!(AddTagsInput {
    #[serde(flatten)]
    stream: StreamRef,
    tags: BTreeMap<String, String>,
});

request!(RemoveTagsInput {
    #[serde(flatten)]
    stream: StreamRef,
    tag_keys: Vec<String>,
});

request!(ListTagsForStreamInput {
    #[serde(flatten)]
    stream: StreamRef,
    exclusive_start_tag_key: Option<String>,
    limit: Option<u32>,
});

response!(Tag {
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
});

response!(ListTagsForStreamOutput { tags: Vec<Tag>, has_more_tags: bool });

request!(TagResourceInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    tags: BTreeMap<String, String>,
});

request!(UntagResourceInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    tag_keys: Vec<String>,
});

request!(ResourceArnInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
});

response!(ListTagsForResourceOutput { tags: Vec<Tag> });

request!(PutResourcePolicyInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    policy: String,
});

response!(GetResourcePolicyOutput { policy: String });

request!(SplitShardInput {
    #[serde(flatten)]
    stream: StreamRef,
    shard_to_split: String,
    new_starting_hash_key: String,
});

request!(MergeShardsInput {
    #[serde(flatten)]
    stream: StreamRef,
    shard_to_merge: String,
    adjacent_shard_to_merge: String,
});

request!(UpdateShardCountInput {
    #[serde(flatten)]
    stream: StreamRef,
    target_shard_count: u32,
    scaling_type: String,
});

response!(UpdateShardCountOutput {
    stream_name: String,
    current_shard_count: u32,
    target_shard_count: u32,
    #[serde(rename = "StreamARN")]
    stream_arn: String,
});

request!(UpdateStreamModeInput {
    #[serde(rename = "StreamARN")]
    stream_arn: String,
    stream_mode_details: StreamModeDetails,
    warm_throughput_mi_bps: Option<u32>,
});

request!(UpdateMaxRecordSizeInput {
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    #[serde(rename = "MaxRecordSizeInKiB")]
    max_record_size_in_kib: u32,
});

request!(UpdateStreamWarmThroughputInput {
    #[serde(flatten)]
    stream: StreamRef,
    warm_throughput_mi_bps: u32,
});

response!(UpdateStreamWarmThroughputOutput {
    #[serde(rename = "StreamARN")]
    stream_arn: String,
    stream_name: String,
    warm_throughput: WarmThroughputObject,
});

request!(EnhancedMonitoringInput {
    #[serde(flatten)]
    stream: StreamRef,
    shard_level_metrics: Vec<String>,
});

response!(EnhancedMonitoringOutput {
    stream_name: String,
    current_shard_level_metrics: Vec<String>,
    desired_shard_level_metrics: Vec<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: String,
});

request!(EncryptionInput {
    #[serde(flatten)]
    stream: StreamRef,
    encryption_type: String,
    key_id: String,
});

response!(DescribeLimitsOutput {
    shard_limit: u32,
    open_shard_count: u32,
    on_demand_stream_count: u32,
    on_demand_stream_count_limit: u32,
});

response!(MinimumThroughputBillingCommitmentOutput {
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    earliest_allowed_end_at: Option<Timestamp>,
});

response!(AccountSettingsOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum_throughput_billing_commitment: Option<MinimumThroughputBillingCommitmentOutput>,
});

request!(CommitmentInput { status: String });

request!(UpdateAccountSettingsInput { minimum_throughput_billing_commitment: CommitmentInput });

request!(PutRecordInput {
    #[serde(flatten)]
    stream: StreamRef,
    data: Blob,
    partition_key: String,
    explicit_hash_key: Option<String>,
    sequence_number_for_ordering: Option<String>,
});

response!(PutRecordOutput {
    shard_id: String,
    sequence_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_type: Option<String>,
});

request!(PutRecordsRequestEntry {
    data: Blob,
    explicit_hash_key: Option<String>,
    partition_key: String,
});

request!(PutRecordsInput {
    #[serde(flatten)]
    stream: StreamRef,
    records: Vec<PutRecordsRequestEntry>,
});

response!(PutRecordsResultEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
});

response!(PutRecordsOutput {
    failed_record_count: u32,
    records: Vec<PutRecordsResultEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_type: Option<String>,
});

request!(GetShardIteratorInput {
    #[serde(flatten)]
    stream: StreamRef,
    shard_id: String,
    shard_iterator_type: String,
    starting_sequence_number: Option<String>,
    timestamp: Option<Timestamp>,
});

response!(GetShardIteratorOutput { shard_iterator: String });

request!(GetRecordsInput {
    shard_iterator: String,
    limit: Option<u32>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
});

response!(Record {
    sequence_number: String,
    approximate_arrival_timestamp: Timestamp,
    data: Blob,
    partition_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_type: Option<String>,
});

response!(ChildShard { shard_id: String, parent_shards: Vec<String>, hash_key_range: HashKeyRange });

response!(GetRecordsOutput {
    records: Vec<Record>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_shard_iterator: Option<String>,
    millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    child_shards: Option<Vec<ChildShard>>,
});

request!(RegisterStreamConsumerInput {
    #[serde(rename = "StreamARN")]
    stream_arn: String,
    consumer_name: String,
    tags: Option<BTreeMap<String, String>>,
});

response!(Consumer {
    consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    consumer_arn: String,
    consumer_status: String,
    consumer_creation_timestamp: Timestamp,
});

response!(RegisterStreamConsumerOutput { consumer: Consumer });

request!(ConsumerRef {
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    consumer_name: Option<String>,
    #[serde(rename = "ConsumerARN")]
    consumer_arn: Option<String>,
});

response!(ConsumerDescription {
    consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    consumer_arn: String,
    consumer_status: String,
    consumer_creation_timestamp: Timestamp,
    #[serde(rename = "StreamARN")]
    stream_arn: String,
});

response!(DescribeStreamConsumerOutput { consumer_description: ConsumerDescription });

request!(ListStreamConsumersInput {
    #[serde(rename = "StreamARN")]
    stream_arn: String,
    next_token: Option<String>,
    max_results: Option<u32>,
    stream_creation_timestamp: Option<Timestamp>,
});

response!(ListStreamConsumersOutput {
    consumers: Vec<Consumer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
});

request!(StartingPosition {
    #[serde(rename = "Type")]
    position_type: String,
    sequence_number: Option<String>,
    timestamp: Option<Timestamp>,
});

request!(SubscribeToShardInput {
    #[serde(rename = "ConsumerARN")]
    consumer_arn: String,
    shard_id: String,
    starting_position: StartingPosition,
});

response!(SubscribeToShardEvent {
    records: Vec<Record>,
    continuation_sequence_number: String,
    millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    child_shards: Option<Vec<ChildShard>>,
});
