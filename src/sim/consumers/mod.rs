//! Simulated consumers. Each acts only through `KinesisService` (the same JSON a real client sends):
//! a classic polling consumer, an enhanced fan-out consumer, and a KCL-style worker group with a lease
//! table. The sandbox driver calls `Consumer::step` once per tick, after producers have written.

pub mod fan_out;
pub mod kcl;
pub mod lag;
pub mod lineage;
pub mod polling;
pub mod stats;
pub mod wire;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api::KinesisService;
use crate::engine::time::EpochMillis;

pub use fan_out::{FanOutConfig, FanOutConsumer};
pub use kcl::{KclConfig, KclGroup};
pub use lag::{LatencyPoint, ShardLag};
pub use polling::{PollingConfig, PollingConsumer};
pub use stats::{ErrorLog, RecordLog, SecondHistory};
pub use wire::StartPosition;

/// Every kind of consumer the sandbox runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Consumer {
    Polling(PollingConsumer),
    FanOut(FanOutConsumer),
    Kcl(KclGroup),
}

/// Which kind a consumer is (for labels and the latency chart's legend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerKind {
    Polling,
    FanOut,
    Kcl,
}

impl ConsumerKind {
    pub fn label(self) -> &'static str {
        match self {
            ConsumerKind::Polling => "classic (GetRecords)",
            ConsumerKind::FanOut => "enhanced fan-out",
            ConsumerKind::Kcl => "KCL application",
        }
    }
}

impl Consumer {
    /// Does whatever this consumer would do during the tick that ends at `now_ms` (the engine's clock is
    /// already at `now_ms`); `tick_ms` is the tick's length.
    pub fn step(&mut self, service: &mut KinesisService, now_ms: EpochMillis, tick_ms: u64) {
        match self {
            Consumer::Polling(c) => c.step(service, now_ms, tick_ms),
            Consumer::FanOut(c) => c.step(service, now_ms, tick_ms),
            Consumer::Kcl(c) => c.step(service, now_ms, tick_ms),
        }
    }

    /// Called when the consumer is removed from the sandbox: an enhanced fan-out consumer deregisters
    /// (it would otherwise keep costing, and count toward the 20 consumers per stream).
    pub fn shutdown(&mut self, service: &mut KinesisService) {
        if let Consumer::FanOut(c) = self {
            c.shutdown(service);
        }
    }

    pub fn kind(&self) -> ConsumerKind {
        match self {
            Consumer::Polling(_) => ConsumerKind::Polling,
            Consumer::FanOut(_) => ConsumerKind::FanOut,
            Consumer::Kcl(_) => ConsumerKind::Kcl,
        }
    }

    /// The consumer's name (the KCL application name for a worker group).
    pub fn name(&self) -> &str {
        match self {
            Consumer::Polling(c) => &c.config.name,
            Consumer::FanOut(c) => &c.config.name,
            Consumer::Kcl(c) => &c.config.application_name,
        }
    }

    pub fn stream_name(&self) -> &str {
        match self {
            Consumer::Polling(c) => &c.config.stream_name,
            Consumer::FanOut(c) => &c.config.stream_name,
            Consumer::Kcl(c) => &c.config.stream_name,
        }
    }

    /// One row per shard the consumer knows, in shard-id order.
    pub fn lag_by_shard(&self) -> Vec<ShardLag> {
        match self {
            Consumer::Polling(c) => lag::from_table(&c.shards),
            Consumer::FanOut(c) => lag::from_table(&c.shards),
            Consumer::Kcl(c) => c.lag_by_shard(),
        }
    }

    /// Per-second history (records, throttling, MillisBehindLatest, latency), oldest first.
    pub fn history(&self) -> &SecondHistory {
        match self {
            Consumer::Polling(c) => &c.history,
            Consumer::FanOut(c) => &c.history,
            Consumer::Kcl(c) => &c.history,
        }
    }

    /// End-to-end latency per second, for the "classic vs enhanced fan-out" chart.
    pub fn latency_history(&self) -> Vec<LatencyPoint> {
        lag::latency_points(self.history())
    }

    /// The errors AWS answered with (type and message as sent).
    pub fn errors(&self) -> &ErrorLog {
        match self {
            Consumer::Polling(c) => &c.errors,
            Consumer::FanOut(c) => &c.errors,
            Consumer::Kcl(c) => &c.errors,
        }
    }

    /// The last records received (KCL: processed), oldest first.
    pub fn records(&self) -> &RecordLog {
        match self {
            Consumer::Polling(c) => &c.records,
            Consumer::FanOut(c) => &c.records,
            Consumer::Kcl(c) => &c.records,
        }
    }
}

/// A consumer configuration that cannot run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerConfigError {
    EmptyName,
    EmptyStreamName,
    IntervalOutOfRange { interval_ms: u64, min_ms: u64, max_ms: u64 },
    LimitOutOfRange { limit: u32, max: u32 },
    /// A KCL timing that must be positive is zero.
    ZeroDuration { field: &'static str },
    NoSuchWorker { worker_id: String },
}

impl fmt::Display for ConsumerConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsumerConfigError::EmptyName => write!(f, "A consumer needs a name."),
            ConsumerConfigError::EmptyStreamName => write!(f, "A consumer needs a stream to read."),
            ConsumerConfigError::IntervalOutOfRange { interval_ms, min_ms, max_ms } => {
                write!(f, "The polling interval must be between {min_ms} and {max_ms} ms (got {interval_ms} ms).")
            }
            ConsumerConfigError::LimitOutOfRange { limit, max } => {
                write!(f, "GetRecords Limit must be between 1 and {max} (got {limit}).")
            }
            ConsumerConfigError::ZeroDuration { field } => write!(f, "{field} must be greater than zero."),
            ConsumerConfigError::NoSuchWorker { worker_id } => write!(f, "There is no worker {worker_id}."),
        }
    }
}

impl std::error::Error for ConsumerConfigError {}

/// A reproducible seed from a consumer's name (FNV-1a), so two consumers jitter differently while a
/// saved sandbox replays identically.
pub fn seed_from_name(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}
