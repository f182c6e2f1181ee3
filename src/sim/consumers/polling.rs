//! A classic (shared-throughput) consumer: ListShards, then GetShardIterator + GetRecords on every shard
//! once per interval. Every classic consumer of a shard shares its 5 GetRecords calls/s and 2 MiB/s
//! (FACTS.md §1 "Reads"); the engine enforces that, so several of these on one stream throttle each other.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::KinesisService;
use crate::engine::time::EpochMillis;
use crate::sim::consumers::lineage::ShardTable;
use crate::sim::consumers::stats::{CallCounts, ErrorLog, RecordLog, SecondHistory, DEFAULT_RECORD_LOG_CAPACITY};
use crate::sim::consumers::wire::{
    self, call, iterator_request, parse_batch, ApiFailure, StartPosition, EXPIRED_ITERATOR, NOT_FOUND, THROTTLED,
};
use crate::sim::consumers::{seed_from_name, ConsumerConfigError};

/// A simple polling loop reads once a second unless told otherwise.
pub const DEFAULT_POLL_INTERVAL_MS: u64 = 1_000;
/// One shard takes 5 GetRecords calls per second from all classic consumers together (FACTS.md §1),
/// so polling more often than every 200 ms can only throttle.
pub const MIN_POLL_INTERVAL_MS: u64 = 200;
/// Well inside the 5-minute iterator lifetime (FACTS.md §1), so a healthy poller never sees its
/// iterator expire.
pub const MAX_POLL_INTERVAL_MS: u64 = 60_000;
/// GetRecords Limit: 1–10,000 records (FACTS.md §1, aws-models GetRecordsInputLimit).
pub const MAX_GET_RECORDS_LIMIT: u32 = 10_000;

/// What a polling consumer is asked to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollingConfig {
    pub name: String,
    pub stream_name: String,
    pub start: StartPosition,
    pub interval_ms: u64,
    /// GetRecords Limit.
    pub limit: u32,
    /// Records kept for display (tests keep them all).
    pub record_log_capacity: usize,
    /// Seeds the jitter of retries, so runs are reproducible.
    pub seed: u64,
}

impl PollingConfig {
    /// Defaults: TRIM_HORIZON, 1 s, 10,000 records per call.
    pub fn new(name: &str, stream_name: &str) -> Self {
        PollingConfig {
            name: name.to_string(),
            stream_name: stream_name.to_string(),
            start: StartPosition::TrimHorizon,
            interval_ms: DEFAULT_POLL_INTERVAL_MS,
            limit: MAX_GET_RECORDS_LIMIT,
            record_log_capacity: DEFAULT_RECORD_LOG_CAPACITY,
            seed: seed_from_name(name),
        }
    }

    pub fn validate(&self) -> Result<(), ConsumerConfigError> {
        if self.name.trim().is_empty() {
            return Err(ConsumerConfigError::EmptyName);
        }
        if self.stream_name.trim().is_empty() {
            return Err(ConsumerConfigError::EmptyStreamName);
        }
        if !(MIN_POLL_INTERVAL_MS..=MAX_POLL_INTERVAL_MS).contains(&self.interval_ms) {
            return Err(ConsumerConfigError::IntervalOutOfRange {
                interval_ms: self.interval_ms,
                min_ms: MIN_POLL_INTERVAL_MS,
                max_ms: MAX_POLL_INTERVAL_MS,
            });
        }
        if !(1..=MAX_GET_RECORDS_LIMIT).contains(&self.limit) {
            return Err(ConsumerConfigError::LimitOutOfRange { limit: self.limit, max: MAX_GET_RECORDS_LIMIT });
        }
        Ok(())
    }
}

/// Per-shard reading state of a polling consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PollReader {
    pub iterator: Option<String>,
    /// When the next call on this shard is due (None until the shard is first scheduled).
    pub next_read_ms: Option<EpochMillis>,
}

/// A classic polling consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollingConsumer {
    pub config: PollingConfig,
    pub shards: ShardTable<PollReader>,
    pub history: SecondHistory,
    pub errors: ErrorLog,
    pub records: RecordLog,
    pub calls: CallCounts,
    rng: Pcg64Mcg,
    /// When set, every record read is also queued in `outbox` for whoever drives this reader (Firehose's
    /// Kinesis-source reader takes them from there); the record log alone is bounded and for display.
    #[serde(default)]
    pub forward_records: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbox: Vec<wire::WireRecord>,
}

impl PollingConsumer {
    pub fn new(config: PollingConfig) -> Result<Self, ConsumerConfigError> {
        config.validate()?;
        Ok(PollingConsumer {
            rng: Pcg64Mcg::seed_from_u64(config.seed),
            records: RecordLog::with_capacity(config.record_log_capacity),
            shards: ShardTable::default(),
            history: SecondHistory::default(),
            errors: ErrorLog::default(),
            calls: CallCounts::default(),
            config,
            forward_records: false,
            outbox: Vec::new(),
        })
    }

    /// One tick: list shards when due, then read every shard whose turn it is.
    pub fn step(&mut self, service: &mut KinesisService, now_ms: EpochMillis, _tick_ms: u64) {
        if self.shards.listing_due(now_ms) {
            self.calls.note("ListShards");
            match wire::list_shards(service, &self.config.stream_name) {
                Ok(listing) => self.shards.apply_listing(&listing, self.config.start, now_ms),
                Err(f) => {
                    self.errors.push(now_ms, "ListShards", None, &f);
                    self.shards.next_list_ms = now_ms + self.config.interval_ms;
                }
            }
        }
        for shard_id in self.shards.ready_ids() {
            self.poll_shard(service, &shard_id, now_ms);
        }
    }

    fn poll_shard(&mut self, service: &mut KinesisService, shard_id: &str, now_ms: EpochMillis) {
        let interval = self.config.interval_ms;
        let Some(shard) = self.shards.shards.get_mut(shard_id) else { return };
        // A new shard's first read lands somewhere in the coming interval, as independent pollers'
        // phases do: it keeps several consumers of one shard from always calling in the same order.
        let due = *shard.reader.next_read_ms.get_or_insert_with(|| now_ms + self.rng.random_range(0..interval));
        if now_ms < due {
            return;
        }
        if shard.reader.iterator.is_none() {
            let body = iterator_request(&self.config.stream_name, shard_id, shard.stats.last_sequence_number.as_deref(), shard.start);
            self.calls.note("GetShardIterator");
            match call(service, "GetShardIterator", body) {
                Ok(out) => match out.get("ShardIterator").and_then(|v| v.as_str()) {
                    Some(it) => shard.reader.iterator = Some(it.to_string()),
                    None => {
                        shard.reader.next_read_ms = Some(now_ms + interval);
                        return;
                    }
                },
                Err(f) => return self.on_failure("GetShardIterator", shard_id, &f, now_ms),
            }
        }
        let Some(iterator) = shard.reader.iterator.clone() else { return };
        self.calls.note("GetRecords");
        match call(service, "GetRecords", json!({"ShardIterator": iterator, "Limit": self.config.limit})) {
            Ok(out) => {
                let batch = parse_batch(&out);
                shard.stats.note_read(&batch.records, batch.millis_behind_latest, now_ms);
                // Real pollers drift: call latency varies, so the next call lands a tenth of the interval
                // early, on time or late (on average on time). Without the drift, pollers sharing a shard
                // settle into fixed phases and the same one loses the race for the 5 calls every second.
                let drift = interval / 10;
                let next = match self.rng.random_range(0..3u8) {
                    0 => now_ms + interval - drift,
                    1 => now_ms + interval,
                    _ => now_ms + interval + drift,
                };
                shard.reader.next_read_ms = Some(next);
                self.history.note_records(&batch.records, now_ms, 0);
                if let Some(behind) = batch.millis_behind_latest {
                    self.history.note_millis_behind(behind, now_ms);
                }
                self.records.push_batch(shard_id, &batch.records, now_ms, 0);
                if self.forward_records {
                    self.outbox.extend(batch.records.iter().cloned());
                }
                match batch.next_shard_iterator {
                    Some(next) => shard.reader.iterator = Some(next),
                    None => {
                        // The end of a closed shard: its children come next (FACTS.md §1 "Reads").
                        shard.reader.iterator = None;
                        shard.stats.finished = true;
                        if let Some(children) = batch.child_shards {
                            self.shards.add_children(&children);
                        }
                    }
                }
            }
            Err(f) => self.on_failure("GetRecords", shard_id, &f, now_ms),
        }
    }

    /// Record the error as AWS sent it and decide when to try again.
    fn on_failure(&mut self, operation: &str, shard_id: &str, failure: &ApiFailure, now_ms: EpochMillis) {
        let interval = self.config.interval_ms;
        self.errors.push(now_ms, operation, Some(shard_id), failure);
        let jitter = self.rng.random_range(0..interval);
        let Some(shard) = self.shards.shards.get_mut(shard_id) else { return };
        let next = if failure.is(THROTTLED) {
            // Back off with jitter, as the AWS SDKs do, and keep the iterator: it is still good.
            shard.stats.throttled_calls += 1;
            self.calls.throttled += 1;
            self.history.note_throttled(now_ms);
            now_ms + interval / 2 + jitter
        } else if failure.is(EXPIRED_ITERATOR) {
            // Fetch a fresh iterator after the last sequence number read, on the next tick.
            shard.reader.iterator = None;
            now_ms
        } else {
            shard.reader.iterator = None;
            if failure.is(NOT_FOUND) {
                // The shard (or the stream) is gone: a new listing tells which.
                self.shards.next_list_ms = now_ms;
            }
            now_ms + interval
        };
        shard.reader.next_read_ms = Some(next);
    }
}
