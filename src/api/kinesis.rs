//! Kinesis Data Streams over JSON 1.1: `X-Amz-Target: Kinesis_20131202.<Operation>`.

use crate::api::error::{ApiError, ErrorType};
use crate::engine::streams::{EngineConfig, StreamsEngine};
use crate::engine::time::EpochMillis;

/// The target prefix every Kinesis Data Streams request carries.
pub const TARGET_PREFIX: &str = "Kinesis_20131202";

/// What a call produced.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiReply {
    /// A JSON body with its HTTP status (200 for success, 400/500 for errors).
    Json { status: u16, body: serde_json::Value },
    /// SubscribeToShard was accepted; events are then pulled with `KinesisService::poll_subscription`.
    Subscribed { subscription_id: u64 },
}

/// The Kinesis API over one simulated account.
pub struct KinesisService {
    pub engine: StreamsEngine,
}

impl KinesisService {
    pub fn new(config: EngineConfig, start_ms: EpochMillis) -> Self {
        KinesisService { engine: StreamsEngine::new(config, start_ms) }
    }

    /// Call an operation by name (`"CreateStream"`) with a JSON request body.
    pub fn call(&mut self, operation: &str, body: &[u8]) -> ApiReply {
        let _ = body;
        error_reply(ApiError::new(
            ErrorType::UnknownOperation,
            format!("{operation} is not wired yet"),
        ))
    }
}

fn error_reply(error: ApiError) -> ApiReply {
    ApiReply::Json { status: error.error_type.http_status(), body: error.to_json() }
}
