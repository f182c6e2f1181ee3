//! A data stream: identity, status, shards, settings and pending asynchronous changes.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::engine::streams::hash::{HashRange, uniform_ranges};
use crate::engine::streams::limits::{retention_ms, MIB};
use crate::engine::streams::metrics::{MetricSeries, STREAM_SERIES_SECONDS};
use crate::engine::streams::sequence::SequenceNumber;
use crate::engine::streams::shard::Shard;
use crate::engine::streams::types::StreamMode;
use crate::engine::time::EpochMillis;

/// Stream states (aws-models StreamStatus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamStatus {
    Creating,
    Active,
    Updating,
    Deleting,
}

impl StreamStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
            StreamStatus::Deleting => "DELETING",
        }
    }
}

/// An asynchronous change that completes when the simulated clock reaches `due_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// CREATING → ACTIVE, creating the stream's first shards.
    Activate { shard_count: u32 },
    /// UPDATING → ACTIVE after a change that was applied at once (retention, monitoring, record size).
    Settle,
    Split {
        shard: u64,
        #[serde(with = "crate::engine::streams::persist::u128_decimal")]
        new_starting_hash_key: u128,
    },
    Merge { shard: u64, adjacent: u64 },
    /// UpdateShardCount (uniform scaling) or on-demand scaling to this many open shards.
    Scale { target: u32 },
    SwitchMode { mode: StreamMode, warm_mibps: Option<u32> },
    StartEncryption { key_id: String },
    StopEncryption,
    /// DELETING → gone.
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub due_ms: EpochMillis,
    pub change: Change,
}

/// An enhanced fan-out consumer registered on a stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consumer {
    pub name: String,
    pub arn: String,
    pub created_ms: EpochMillis,
    pub status: ConsumerStatus,
    /// When CREATING → ACTIVE or DELETING → gone happens.
    pub transition_due_ms: Option<EpochMillis>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsumerStatus {
    Creating,
    Active,
    Deleting,
}

impl ConsumerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerStatus::Creating => "CREATING",
            ConsumerStatus::Active => "ACTIVE",
            ConsumerStatus::Deleting => "DELETING",
        }
    }
}

/// On-demand capacity bookkeeping (FACTS §1 "Capacity modes").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OnDemandState {
    /// Peak write rate per minute: (minute, max bytes in one second, max records in one second).
    pub peaks: VecDeque<(u64, u64, u64)>,
    /// Seconds up to (excluding) this one have been folded into `peaks`.
    pub folded_before_second: u64,
    /// A scale-up that has been decided and completes at this time.
    pub scale_due: Option<(EpochMillis, u32)>,
    /// Warm throughput asked for with UpdateStreamWarmThroughput / WarmThroughputMiBps.
    pub warm_target_mibps: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stream {
    pub name: String,
    pub arn: String,
    /// AWS's StreamId: `[a-z0-9]{20}-[a-z0-9]{3}`.
    pub stream_id: String,
    /// Distinguishes a re-created stream of the same name (old iterators must not work on it).
    pub incarnation: u64,
    pub status: StreamStatus,
    pub mode: StreamMode,
    pub created_ms: EpochMillis,
    pub retention_hours: u32,
    /// Every shard ever created, indexed by shard number (expired ones stay, flagged by `is_expired`).
    pub shards: Vec<Shard>,
    /// The next stream-wide record counter (every record and shard boundary takes one).
    pub next_counter: u64,
    pub tags: BTreeMap<String, String>,
    pub encryption_key_id: Option<String>,
    pub shard_level_metrics: BTreeSet<String>,
    pub max_record_size_kib: u32,
    pub pending: Option<Pending>,
    /// Times of recent UpdateShardCount calls (10 per rolling 24 h).
    pub shard_count_updates_ms: VecDeque<EpochMillis>,
    /// Times of recent UpdateStreamMode calls (2 per rolling 24 h).
    pub mode_switches_ms: VecDeque<EpochMillis>,
    pub consumers: BTreeMap<String, Consumer>,
    pub on_demand: OnDemandState,
    pub metrics: MetricSeries,
    /// Shards the engine split or merged for on-demand scaling (shown as such in the UI).
    pub auto_scaled: bool,
}

impl Stream {
    pub fn new(
        name: &str,
        arn: String,
        stream_id: String,
        incarnation: u64,
        mode: StreamMode,
        max_record_size_kib: u32,
        now_ms: EpochMillis,
    ) -> Self {
        
        Stream {
            name: name.to_string(),
            arn,
            stream_id,
            incarnation,
            status: StreamStatus::Creating,
            mode,
            created_ms: now_ms,
            retention_hours: crate::engine::streams::limits::DEFAULT_RETENTION_HOURS,
            shards: Vec::new(),
            next_counter: 0,
            tags: BTreeMap::new(),
            encryption_key_id: None,
            shard_level_metrics: BTreeSet::new(),
            max_record_size_kib,
            pending: None,
            shard_count_updates_ms: VecDeque::new(),
            mode_switches_ms: VecDeque::new(),
            consumers: BTreeMap::new(),
            on_demand: OnDemandState::default(),
            metrics: MetricSeries::new(STREAM_SERIES_SECONDS),
            auto_scaled: false,
        }
    }

    /// Create the first shards with AWS's uniform ranges (when CREATING completes).
    pub fn create_initial_shards(&mut self, shard_count: u32, now_ms: EpochMillis) {
        for range in uniform_ranges(shard_count) {
            self.add_shard(range, (None, None), now_ms);
        }
    }

    pub fn max_record_bytes(&self) -> u64 {
        self.max_record_size_kib as u64 * 1024
    }

    pub fn retention_ms(&self) -> u64 {
        retention_ms(self.retention_hours)
    }

    /// Take the next counter value (records and shard boundaries share one increasing sequence).
    pub fn take_counter(&mut self) -> u64 {
        let c = self.next_counter;
        self.next_counter += 1;
        c
    }

    pub fn sequence_number(&self, shard_index: u64, counter: u64, arrival_ms: EpochMillis) -> SequenceNumber {
        SequenceNumber { arrival_ms, shard_index, counter }
    }

    /// Create a shard over `range` with the given parents; returns its index.
    pub fn add_shard(&mut self, range: HashRange, parents: (Option<u64>, Option<u64>), now_ms: EpochMillis) -> u64 {
        let index = self.shards.len() as u64;
        let counter = self.take_counter();
        let start = self.sequence_number(index, counter, now_ms);
        let max_bytes = self.max_record_bytes();
        self.shards.push(Shard::new(index, range, parents, start, max_bytes, now_ms));
        index
    }

    /// Close a shard (it keeps its records until they pass retention).
    pub fn close_shard(&mut self, index: u64, children: Vec<u64>, now_ms: EpochMillis) {
        let counter = self.take_counter();
        let ending = self.sequence_number(index, counter, now_ms);
        if let Some(shard) = self.shards.get_mut(index as usize) {
            shard.ending_sequence = Some(ending);
            shard.closed_ms = Some(now_ms);
            shard.children = children;
        }
    }

    pub fn shard(&self, index: u64) -> Option<&Shard> {
        self.shards.get(index as usize)
    }

    pub fn shard_mut(&mut self, index: u64) -> Option<&mut Shard> {
        self.shards.get_mut(index as usize)
    }

    /// A closed shard whose every record has passed retention is gone for readers (FACTS §1).
    pub fn is_expired(&self, shard: &Shard, now_ms: EpochMillis) -> bool {
        match shard.closed_ms {
            Some(closed) => shard.records.is_empty() && closed + self.retention_ms() <= now_ms,
            None => false,
        }
    }

    /// Shards a reader can still see (open, or closed but within retention), in index order.
    pub fn visible_shards(&self, now_ms: EpochMillis) -> impl Iterator<Item = &Shard> {
        self.shards.iter().filter(move |s| !self.is_expired(s, now_ms))
    }

    pub fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.shards.iter().filter(|s| s.is_open())
    }

    pub fn open_shard_count(&self) -> u32 {
        self.open_shards().count() as u32
    }

    /// The open shard whose range holds `hash_key`. Open ranges always tile the space, so there is one.
    pub fn open_shard_for(&self, hash_key: u128) -> Option<u64> {
        self.open_shards().find(|s| s.range.contains(hash_key)).map(|s| s.index)
    }

    pub fn is_encrypted(&self) -> bool {
        self.encryption_key_id.is_some()
    }

    pub fn encryption_type(&self) -> &'static str {
        if self.is_encrypted() {
            "KMS"
        } else {
            "NONE"
        }
    }

    /// Bytes stored across all shards.
    pub fn stored_bytes(&self) -> u64 {
        self.shards.iter().map(|s| s.stored_bytes).sum()
    }

    /// Write capacity (bytes/s) of the open shards.
    pub fn write_capacity_bytes_per_sec(&self) -> u64 {
        self.open_shard_count() as u64 * MIB
    }
}
