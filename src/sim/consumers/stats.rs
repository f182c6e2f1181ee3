//! What consumers remember about their own reading: per-shard counters, a per-second history, the
//! errors AWS sent them and the last records they received. All bounded, since the sandbox is saved.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::engine::time::{second_of, EpochMillis};
use crate::sim::consumers::wire::{ApiFailure, WireRecord};

/// Seconds of history kept (15 minutes: long enough to watch a 5-minute subscription end twice).
pub const HISTORY_SECONDS: u64 = 900;
/// Errors kept for display; older ones are only counted.
pub const ERROR_LOG_CAPACITY: usize = 50;
/// Records kept for display unless a consumer asks for more.
pub const DEFAULT_RECORD_LOG_CAPACITY: usize = 100;

/// One shard as one consumer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ShardStats {
    pub records_read: u64,
    pub bytes_read: u64,
    pub throttled_calls: u64,
    /// The last MillisBehindLatest AWS reported (None before the first successful read).
    pub millis_behind_latest: Option<u64>,
    /// CloudWatch's GetRecords.IteratorAgeMilliseconds for this reader: at its last successful read,
    /// the read time minus the arrival time of the newest record returned, and 0 when the read returned
    /// nothing (the reader is caught up). That is how CloudWatch defines the metric, so the sandbox's
    /// consumer view and its CloudWatch view agree.
    pub iterator_age_ms: u64,
    /// The reader reached the end of this (closed) shard, or the shard passed retention.
    pub finished: bool,
    /// The shard disappeared (its records passed retention) before the reader finished it.
    pub expired: bool,
    pub last_sequence_number: Option<String>,
    /// Simulated time of the last successful read or event.
    pub last_read_ms: Option<EpochMillis>,
}

impl ShardStats {
    /// Count a successful read of `records` at `now_ms`.
    pub fn note_read(&mut self, records: &[WireRecord], millis_behind: Option<u64>, now_ms: EpochMillis) {
        self.records_read += records.len() as u64;
        self.bytes_read += records.iter().map(|r| r.data_bytes).sum::<u64>();
        if millis_behind.is_some() {
            self.millis_behind_latest = millis_behind;
        }
        self.iterator_age_ms = records.iter().map(|r| r.arrival_ms).max().map_or(0, |newest| now_ms.saturating_sub(newest));
        if let Some(last) = records.last() {
            self.last_sequence_number = Some(last.sequence_number.clone());
        }
        self.last_read_ms = Some(now_ms);
    }
}

/// End-to-end latency of one record: consume time − ApproximateArrivalTimestamp. The simulated clock
/// moves in ticks and producers write at tick boundaries, so a record handed over in the tick it was
/// written would show 0 ms; `min_delivery_ms` is the transport's own delay, below which no real
/// client receives a record.
pub fn delivery_latency_ms(arrival_ms: EpochMillis, now_ms: EpochMillis, min_delivery_ms: u64) -> u64 {
    now_ms.saturating_sub(arrival_ms).max(min_delivery_ms)
}

/// One simulated second of a consumer's reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SecondSample {
    /// Epoch second.
    pub second: u64,
    pub records: u64,
    pub bytes: u64,
    pub throttled_calls: u64,
    pub max_millis_behind_latest: u64,
    /// End-to-end latency (consume time − ApproximateArrivalTimestamp) of the records received.
    pub latency_sum_ms: u64,
    pub latency_samples: u64,
    pub latency_max_ms: u64,
}

impl SecondSample {
    pub fn latency_avg_ms(&self) -> Option<u64> {
        (self.latency_samples > 0).then(|| self.latency_sum_ms / self.latency_samples)
    }
}

/// Per-second history, newest last. Seconds with nothing to report are not stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SecondHistory {
    pub samples: VecDeque<SecondSample>,
}

impl SecondHistory {
    fn at(&mut self, now_ms: EpochMillis) -> &mut SecondSample {
        let second = second_of(now_ms);
        while self.samples.front().is_some_and(|s| s.second + HISTORY_SECONDS <= second) {
            self.samples.pop_front();
        }
        if self.samples.back().is_none_or(|s| s.second < second) {
            self.samples.push_back(SecondSample { second, ..Default::default() });
        }
        // Time never runs back, so the newest sample is this second's (an older `now_ms` lands in it too).
        let last = self.samples.len() - 1;
        &mut self.samples[last]
    }

    /// Records received at `now_ms`; each contributes one latency sample, never below
    /// `min_delivery_ms` (the transport's own delay: see `delivery_latency_ms`).
    pub fn note_records(&mut self, records: &[WireRecord], now_ms: EpochMillis, min_delivery_ms: u64) {
        if records.is_empty() {
            return;
        }
        let s = self.at(now_ms);
        s.records += records.len() as u64;
        for r in records {
            s.bytes += r.data_bytes;
            let latency = delivery_latency_ms(r.arrival_ms, now_ms, min_delivery_ms);
            s.latency_sum_ms += latency;
            s.latency_samples += 1;
            s.latency_max_ms = s.latency_max_ms.max(latency);
        }
    }

    pub fn note_throttled(&mut self, now_ms: EpochMillis) {
        self.at(now_ms).throttled_calls += 1;
    }

    pub fn note_millis_behind(&mut self, millis_behind: u64, now_ms: EpochMillis) {
        let s = self.at(now_ms);
        s.max_millis_behind_latest = s.max_millis_behind_latest.max(millis_behind);
    }

    pub fn total_records(&self) -> u64 {
        self.samples.iter().map(|s| s.records).sum()
    }

    pub fn total_throttled(&self) -> u64 {
        self.samples.iter().map(|s| s.throttled_calls).sum()
    }

    /// Mean latency over every sample kept (None when nothing was received).
    pub fn mean_latency_ms(&self) -> Option<u64> {
        let (sum, n) = self.samples.iter().fold((0, 0), |(sum, n), s| (sum + s.latency_sum_ms, n + s.latency_samples));
        (n > 0).then(|| sum / n)
    }
}

/// API calls a consumer made, by operation, and how many were throttled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CallCounts {
    pub by_operation: std::collections::BTreeMap<String, u64>,
    pub throttled: u64,
}

impl CallCounts {
    pub fn note(&mut self, operation: &str) {
        *self.by_operation.entry(operation.to_string()).or_default() += 1;
    }

    pub fn of(&self, operation: &str) -> u64 {
        self.by_operation.get(operation).copied().unwrap_or(0)
    }
}

/// An error AWS answered a consumer with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerError {
    pub at_ms: EpochMillis,
    pub operation: String,
    pub shard_id: Option<String>,
    /// AWS's `__type`, e.g. `ExpiredIteratorException`.
    pub error_type: String,
    /// AWS's message, as sent.
    pub message: String,
}

/// The most recent errors, plus a count of all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ErrorLog {
    pub recent: VecDeque<ConsumerError>,
    pub total: u64,
}

impl ErrorLog {
    pub fn push(&mut self, at_ms: EpochMillis, operation: &str, shard_id: Option<&str>, failure: &ApiFailure) {
        self.total += 1;
        if self.recent.len() >= ERROR_LOG_CAPACITY {
            self.recent.pop_front();
        }
        self.recent.push_back(ConsumerError {
            at_ms,
            operation: operation.to_string(),
            shard_id: shard_id.map(str::to_string),
            error_type: failure.error_type.clone(),
            message: failure.message.clone(),
        });
    }

    pub fn count_of(&self, error_type: &str) -> usize {
        self.recent.iter().filter(|e| e.error_type == error_type).count()
    }
}

/// A record as a consumer received (or, for the KCL, processed) it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveredRecord {
    pub shard_id: String,
    pub sequence_number: String,
    pub partition_key: String,
    pub data_base64: String,
    pub arrival_ms: EpochMillis,
    pub consumed_ms: EpochMillis,
    /// KCL only: the worker that processed it.
    pub worker_id: Option<String>,
    /// KCL only: this record had been processed before (at-least-once delivery).
    pub reprocessed: bool,
}

/// The last records received, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLog {
    pub capacity: usize,
    pub records: VecDeque<DeliveredRecord>,
    /// Records that fell off the front.
    pub dropped: u64,
}

impl Default for RecordLog {
    fn default() -> Self {
        RecordLog::with_capacity(DEFAULT_RECORD_LOG_CAPACITY)
    }
}

impl RecordLog {
    pub fn with_capacity(capacity: usize) -> Self {
        RecordLog { capacity, records: VecDeque::new(), dropped: 0 }
    }

    pub fn push(&mut self, record: DeliveredRecord) {
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        if self.records.len() >= self.capacity {
            self.records.pop_front();
            self.dropped += 1;
        }
        self.records.push_back(record);
    }

    pub fn push_batch(&mut self, shard_id: &str, records: &[WireRecord], now_ms: EpochMillis, min_delivery_ms: u64) {
        for r in records {
            self.push(DeliveredRecord {
                shard_id: shard_id.to_string(),
                sequence_number: r.sequence_number.clone(),
                partition_key: r.partition_key.clone(),
                data_base64: r.data_base64.clone(),
                arrival_ms: r.arrival_ms,
                consumed_ms: r.arrival_ms + delivery_latency_ms(r.arrival_ms, now_ms, min_delivery_ms),
                worker_id: None,
                reprocessed: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(arrival_ms: EpochMillis) -> WireRecord {
        WireRecord { sequence_number: "1".into(), arrival_ms, partition_key: "k".into(), data_base64: "eA==".into(), data_bytes: 1 }
    }

    #[test]
    fn history_is_bounded_to_its_window() {
        let mut h = SecondHistory::default();
        for s in 0..(HISTORY_SECONDS + 100) {
            h.note_records(&[rec(s * 1000)], s * 1000 + 250, 0);
        }
        assert_eq!(h.samples.len() as u64, HISTORY_SECONDS);
        assert_eq!(h.samples.front().map(|s| s.second), Some(100));
        assert_eq!(h.mean_latency_ms(), Some(250));
    }

    #[test]
    fn latency_average_and_max_per_second() {
        let mut h = SecondHistory::default();
        h.note_records(&[rec(1_000), rec(1_400)], 1_500, 0);
        let s = &h.samples[0];
        assert_eq!((s.latency_avg_ms(), s.latency_max_ms, s.records), (Some(300), 500, 2));
    }

    #[test]
    fn iterator_age_is_zero_when_a_read_returns_nothing() {
        let mut st = ShardStats::default();
        st.note_read(&[rec(1_000), rec(2_000)], Some(0), 5_000);
        assert_eq!(st.iterator_age_ms, 3_000);
        st.note_read(&[], Some(0), 6_000);
        assert_eq!(st.iterator_age_ms, 0);
    }

    #[test]
    fn latency_never_below_the_transport_delay() {
        let mut h = SecondHistory::default();
        h.note_records(&[rec(1_000), rec(800)], 1_000, 70);
        assert_eq!((h.samples[0].latency_sum_ms, h.samples[0].latency_max_ms), (70 + 200, 200));
    }

    #[test]
    fn record_log_drops_oldest() {
        let mut log = RecordLog::with_capacity(2);
        log.push_batch("s", &[rec(1), rec(2), rec(3)], 10, 0);
        assert_eq!(log.records.len(), 2);
        assert_eq!(log.dropped, 1);
        assert_eq!(log.records[0].arrival_ms, 2);
    }
}
