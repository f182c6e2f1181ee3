//! Uniform views of how far behind a consumer is, for the sandbox's charts and tables.

use serde::{Deserialize, Serialize};

use crate::sim::consumers::lineage::ShardTable;
use crate::sim::consumers::stats::SecondHistory;

/// One shard's row in the lag table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardLag {
    pub shard_id: String,
    /// The last MillisBehindLatest AWS reported (None before the first read).
    pub millis_behind_latest: Option<u64>,
    /// CloudWatch-style iterator age at the last read (0 when that read was caught up).
    pub iterator_age_ms: u64,
    pub records_read: u64,
    pub throttled: u64,
    /// Read to its end (or passed retention).
    pub finished: bool,
    /// Waiting for a parent shard to be finished first.
    pub waiting_on_parents: bool,
    /// KCL only: the worker holding the lease.
    pub owner: Option<String>,
}

/// One second of end-to-end latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencyPoint {
    /// Epoch second.
    pub second: u64,
    pub avg_ms: u64,
    pub max_ms: u64,
    pub samples: u64,
}

pub(crate) fn from_table<R>(table: &ShardTable<R>) -> Vec<ShardLag> {
    table
        .shards
        .values()
        .map(|s| ShardLag {
            shard_id: s.shard_id.clone(),
            millis_behind_latest: s.stats.millis_behind_latest,
            iterator_age_ms: s.stats.iterator_age_ms,
            records_read: s.stats.records_read,
            throttled: s.stats.throttled_calls,
            finished: s.stats.finished,
            waiting_on_parents: !s.stats.finished && !table.parents_done(s),
            owner: None,
        })
        .collect()
}

/// Seconds in which records were received, with their average and maximum latency.
pub fn latency_points(history: &SecondHistory) -> Vec<LatencyPoint> {
    history
        .samples
        .iter()
        .filter_map(|s| {
            s.latency_avg_ms().map(|avg_ms| LatencyPoint {
                second: s.second,
                avg_ms,
                max_ms: s.latency_max_ms,
                samples: s.latency_samples,
            })
        })
        .collect()
}
