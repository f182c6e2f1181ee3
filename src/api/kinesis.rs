//! Kinesis Data Streams over JSON 1.1: `X-Amz-Target: Kinesis_20131202.<Operation>`.
//!
//! A call is: parse the body, validate and normalise it against AWS's model (`validate`), turn it into
//! the engine's request type, run the engine, and serialise the engine's response (which has the
//! model's output shape). All 39 operations of aws-models/kinesis.json are wired.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::api::error::{ApiError, ErrorType};
use crate::api::model;
use crate::api::validate::normalize_request;
use crate::engine::streams::error::StreamsError;
use crate::engine::streams::{EngineConfig, StreamsEngine, SubscriptionPoll};
use crate::engine::time::EpochMillis;

/// The target prefix every Kinesis Data Streams request carries.
pub const TARGET_PREFIX: &str = "Kinesis_20131202";

/// What a call produced.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiReply {
    /// A JSON body with its HTTP status (200 for success, 400/500 for errors). Operations without an
    /// output shape answer `null`: AWS sends them an empty HTTP body.
    Json { status: u16, body: Value },
    /// SubscribeToShard was accepted; events are then pulled with `KinesisService::poll_subscription`.
    Subscribed { subscription_id: u64 },
}

impl ApiReply {
    pub fn is_ok(&self) -> bool {
        matches!(self, ApiReply::Json { status: 200, .. } | ApiReply::Subscribed { .. })
    }

    /// The JSON body (an empty object for a subscription).
    pub fn body(&self) -> Value {
        match self {
            ApiReply::Json { body, .. } => body.clone(),
            ApiReply::Subscribed { .. } => Value::Object(Default::default()),
        }
    }

    /// The `__type` of an error reply.
    pub fn error_type(&self) -> Option<String> {
        match self {
            ApiReply::Json { status, body } if *status != 200 => body.get("__type").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    }
}

/// The Kinesis API over one simulated account. Serialisable (its engine is its whole state), for the
/// sandbox's save and export.
#[derive(Serialize, serde::Deserialize)]
pub struct KinesisService {
    pub engine: StreamsEngine,
}

impl KinesisService {
    pub fn new(config: EngineConfig, start_ms: EpochMillis) -> Self {
        KinesisService { engine: StreamsEngine::new(config, start_ms) }
    }

    /// Call by full `X-Amz-Target` (`Kinesis_20131202.CreateStream`).
    pub fn call_target(&mut self, target: &str, body: &[u8]) -> ApiReply {
        match target.split_once('.') {
            Some((TARGET_PREFIX, operation)) => self.call(operation, body),
            _ => error_reply(ApiError::new(ErrorType::UnknownOperation, "")),
        }
    }

    /// Call an operation by name (`"CreateStream"`) with a JSON request body.
    pub fn call(&mut self, operation: &str, body: &[u8]) -> ApiReply {
        match self.dispatch(operation, body) {
            Ok(reply) => reply,
            Err(e) => error_reply(e),
        }
    }

    /// Call with a JSON value (what the UI and terminal use).
    pub fn call_json(&mut self, operation: &str, body: &Value) -> ApiReply {
        self.call(operation, body.to_string().as_bytes())
    }

    pub fn poll_subscription(&mut self, subscription_id: u64) -> SubscriptionPoll {
        self.engine.poll_subscription(subscription_id)
    }

    fn dispatch(&mut self, operation: &str, body: &[u8]) -> Result<ApiReply, ApiError> {
        let model = model::kinesis();
        if model.operation(operation).is_none() {
            return Err(ApiError::new(ErrorType::UnknownOperation, ""));
        }
        let value = parse_body(body)?;
        let input = normalize_request(model, operation, &value)?;
        let e = &mut self.engine;
        let out = match operation {
            "AddTagsToStream" => void(e.add_tags_to_stream(parse(input)?)),
            "CreateStream" => void(e.create_stream(parse(input)?)),
            "DecreaseStreamRetentionPeriod" => void(e.decrease_retention(parse(input)?)),
            "DeleteResourcePolicy" => void(e.delete_resource_policy(parse(input)?)),
            "DeleteStream" => void(e.delete_stream(parse(input)?)),
            "DeregisterStreamConsumer" => void(e.deregister_stream_consumer(parse(input)?)),
            "DescribeAccountSettings" => json(e.describe_account_settings()),
            "DescribeLimits" => json(e.describe_limits()),
            "DescribeStream" => json(e.describe_stream(parse(input)?)),
            "DescribeStreamConsumer" => json(e.describe_stream_consumer(parse(input)?)),
            "DescribeStreamSummary" => json(e.describe_stream_summary(parse(input)?)),
            "DisableEnhancedMonitoring" => json(e.set_enhanced_monitoring(parse(input)?, false)),
            "EnableEnhancedMonitoring" => json(e.set_enhanced_monitoring(parse(input)?, true)),
            "GetRecords" => json(e.get_records(parse(input)?)),
            "GetResourcePolicy" => json(e.get_resource_policy(parse(input)?)),
            "GetShardIterator" => json(e.get_shard_iterator(parse(input)?)),
            "IncreaseStreamRetentionPeriod" => void(e.increase_retention(parse(input)?)),
            "ListShards" => json(e.list_shards(parse(input)?)),
            "ListStreamConsumers" => json(e.list_stream_consumers(parse(input)?)),
            "ListStreams" => json(e.list_streams(parse(input)?)),
            "ListTagsForResource" => json(e.list_tags_for_resource(parse(input)?)),
            "ListTagsForStream" => json(e.list_tags_for_stream(parse(input)?)),
            "MergeShards" => void(e.merge_shards(parse(input)?)),
            "PutRecord" => json(e.put_record(parse(input)?)),
            "PutRecords" => json(e.put_records(parse(input)?)),
            "PutResourcePolicy" => void(e.put_resource_policy(parse(input)?)),
            "RegisterStreamConsumer" => json(e.register_stream_consumer(parse(input)?)),
            "RemoveTagsFromStream" => void(e.remove_tags_from_stream(parse(input)?)),
            "SplitShard" => void(e.split_shard(parse(input)?)),
            "StartStreamEncryption" => void(e.start_stream_encryption(parse(input)?)),
            "StopStreamEncryption" => void(e.stop_stream_encryption(parse(input)?)),
            "SubscribeToShard" => {
                let id = e.subscribe_to_shard(parse(input)?)?;
                return Ok(ApiReply::Subscribed { subscription_id: id });
            }
            "TagResource" => void(e.tag_resource(parse(input)?)),
            "UntagResource" => void(e.untag_resource(parse(input)?)),
            "UpdateAccountSettings" => json(e.update_account_settings(parse(input)?)),
            "UpdateMaxRecordSize" => void(e.update_max_record_size(parse(input)?)),
            "UpdateShardCount" => json(e.update_shard_count(parse(input)?)),
            "UpdateStreamMode" => void(e.update_stream_mode(parse(input)?)),
            "UpdateStreamWarmThroughput" => json(e.update_stream_warm_throughput(parse(input)?)),
            other => Err(ApiError::new(ErrorType::UnknownOperation, format!("Operation {other} is not implemented."))),
        }?;
        Ok(ApiReply::Json { status: 200, body: out })
    }
}

/// The names of every operation the service answers (all of the model's).
pub fn operation_names() -> Vec<String> {
    model::kinesis().operation_names().to_vec()
}

/// An empty body is AWS's `SerializationException` without a message; a body that is not a JSON
/// object is one too.
fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::new(ErrorType::Serialization, ""));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) | Err(_) => Err(ApiError::new(ErrorType::Serialization, "")),
    }
}

fn parse<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::new(ErrorType::Serialization, e.to_string()))
}

fn json<T: Serialize>(result: Result<T, StreamsError>) -> Result<Value, ApiError> {
    let out = result?;
    serde_json::to_value(out).map_err(|e| ApiError::new(ErrorType::InternalFailure, e.to_string()))
}

/// Operations with no output shape: AWS answers 200 with an empty body (`null` here).
fn void(result: Result<(), StreamsError>) -> Result<Value, ApiError> {
    result?;
    Ok(Value::Null)
}

fn error_reply(error: ApiError) -> ApiReply {
    ApiReply::Json { status: error.error_type.http_status(), body: error.to_json() }
}
