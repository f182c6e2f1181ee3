//! Amazon Kinesis Data Streams, simulated. Source of every rule: FACTS.md §1.

pub mod hash;

use crate::engine::time::EpochMillis;

/// Account-level settings of a simulation.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub account_id: String,
    pub region: String,
    pub shard_limit: u32,
    pub transition_ms: u64,
    pub enforce_limits: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            shard_limit: 500,
            transition_ms: 500,
            enforce_limits: true,
        }
    }
}

pub struct StreamsEngine {
    pub config: EngineConfig,
    now_ms: EpochMillis,
}

impl StreamsEngine {
    pub fn new(config: EngineConfig, start_ms: EpochMillis) -> Self {
        StreamsEngine { config, now_ms: start_ms }
    }
    pub fn now_ms(&self) -> EpochMillis {
        self.now_ms
    }
}
