//! CloudWatch-style metrics (namespace AWS/Kinesis) per simulated second, at stream and shard level.
//! Source: FACTS.md §1 "Metrics". Latencies are modelled, not measured: see `modelled_latency_ms`.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::engine::time::{second_of, EpochMillis};

/// One second of one stream's (or shard's) metrics. Sums unless the name says max. Saved without its
/// zero fields (most are zero in any given second).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricPoint {
    /// IncomingBytes / IncomingRecords: accepted writes.
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub incoming_bytes: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub incoming_records: u64,
    /// PutRecord.Success and PutRecords.SuccessfulRecords (calls / records).
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub put_record_success: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub put_records_successful_records: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub put_records_total_records: u64,
    /// GetRecords.Bytes / GetRecords.Records (stream) = OutgoingBytes / OutgoingRecords (shard).
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub outgoing_bytes: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub outgoing_records: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub get_records_success: u64,
    /// GetRecords.IteratorAgeMilliseconds (max over the second).
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub iterator_age_ms_max: u64,
    /// WriteProvisionedThroughputExceeded / ReadProvisionedThroughputExceeded (records / calls).
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub write_throttled: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub read_throttled: u64,
    /// SubscribeToShard.RateExceeded and SubscribeToShardEvent.MillisBehindLatest (max).
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub subscribe_rate_exceeded: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub subscribe_millis_behind_max: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub subscribe_event_bytes: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub subscribe_event_records: u64,
    /// Sums of modelled latencies (divide by the matching success count for the average).
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub put_latency_ms_sum: u64,
    #[serde(skip_serializing_if = "crate::engine::streams::persist::is_zero")]
    pub get_latency_ms_sum: u64,
}

impl MetricPoint {
    /// Adds a later contribution: sums add, maxima take the larger.
    pub fn add(&mut self, other: &MetricPoint) {
        // Listed field by field (no `..`), so a new metric cannot be added without being handled here.
        let MetricPoint {
            incoming_bytes,
            incoming_records,
            put_record_success,
            put_records_successful_records,
            put_records_total_records,
            outgoing_bytes,
            outgoing_records,
            get_records_success,
            iterator_age_ms_max,
            write_throttled,
            read_throttled,
            subscribe_rate_exceeded,
            subscribe_millis_behind_max,
            subscribe_event_bytes,
            subscribe_event_records,
            put_latency_ms_sum,
            get_latency_ms_sum,
        } = *other;
        self.incoming_bytes += incoming_bytes;
        self.incoming_records += incoming_records;
        self.put_record_success += put_record_success;
        self.put_records_successful_records += put_records_successful_records;
        self.put_records_total_records += put_records_total_records;
        self.outgoing_bytes += outgoing_bytes;
        self.outgoing_records += outgoing_records;
        self.get_records_success += get_records_success;
        self.iterator_age_ms_max = self.iterator_age_ms_max.max(iterator_age_ms_max);
        self.write_throttled += write_throttled;
        self.read_throttled += read_throttled;
        self.subscribe_rate_exceeded += subscribe_rate_exceeded;
        self.subscribe_millis_behind_max = self.subscribe_millis_behind_max.max(subscribe_millis_behind_max);
        self.subscribe_event_bytes += subscribe_event_bytes;
        self.subscribe_event_records += subscribe_event_records;
        self.put_latency_ms_sum += put_latency_ms_sum;
        self.get_latency_ms_sum += get_latency_ms_sum;
    }

    /// What happened between `earlier` and `self` (two readings of the same second): sums subtract;
    /// a maximum counts only if it rose.
    pub fn since(&self, earlier: &MetricPoint) -> MetricPoint {
        let rose = |now: u64, then: u64| if now > then { now } else { 0 };
        MetricPoint {
            incoming_bytes: self.incoming_bytes.saturating_sub(earlier.incoming_bytes),
            incoming_records: self.incoming_records.saturating_sub(earlier.incoming_records),
            put_record_success: self.put_record_success.saturating_sub(earlier.put_record_success),
            put_records_successful_records: self.put_records_successful_records.saturating_sub(earlier.put_records_successful_records),
            put_records_total_records: self.put_records_total_records.saturating_sub(earlier.put_records_total_records),
            outgoing_bytes: self.outgoing_bytes.saturating_sub(earlier.outgoing_bytes),
            outgoing_records: self.outgoing_records.saturating_sub(earlier.outgoing_records),
            get_records_success: self.get_records_success.saturating_sub(earlier.get_records_success),
            iterator_age_ms_max: rose(self.iterator_age_ms_max, earlier.iterator_age_ms_max),
            write_throttled: self.write_throttled.saturating_sub(earlier.write_throttled),
            read_throttled: self.read_throttled.saturating_sub(earlier.read_throttled),
            subscribe_rate_exceeded: self.subscribe_rate_exceeded.saturating_sub(earlier.subscribe_rate_exceeded),
            subscribe_millis_behind_max: rose(self.subscribe_millis_behind_max, earlier.subscribe_millis_behind_max),
            subscribe_event_bytes: self.subscribe_event_bytes.saturating_sub(earlier.subscribe_event_bytes),
            subscribe_event_records: self.subscribe_event_records.saturating_sub(earlier.subscribe_event_records),
            put_latency_ms_sum: self.put_latency_ms_sum.saturating_sub(earlier.put_latency_ms_sum),
            get_latency_ms_sum: self.get_latency_ms_sum.saturating_sub(earlier.get_latency_ms_sum),
        }
    }
}

/// A bounded series of per-second points, newest last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSeries {
    points: VecDeque<(u64, MetricPoint)>,
    capacity_seconds: usize,
}

/// How many seconds of per-second detail each stream keeps.
pub const STREAM_SERIES_SECONDS: usize = 3_600;
/// How many seconds of per-second detail each shard keeps.
pub const SHARD_SERIES_SECONDS: usize = 900;

impl MetricSeries {
    pub fn new(capacity_seconds: usize) -> Self {
        MetricSeries { points: VecDeque::new(), capacity_seconds: capacity_seconds.max(1) }
    }

    /// The point for the second `now_ms` falls in, created if needed.
    pub fn at(&mut self, now_ms: EpochMillis) -> &mut MetricPoint {
        let second = second_of(now_ms);
        let is_current = self.points.back().is_some_and(|(s, _)| *s == second);
        if !is_current {
            self.points.push_back((second, MetricPoint::default()));
            while self.points.len() > self.capacity_seconds {
                self.points.pop_front();
            }
        }
        // Non-empty here: either the current second was already last, or it was just pushed.
        let last = self.points.len() - 1;
        &mut self.points[last].1
    }

    /// Points with their second, oldest first (seconds with no activity are absent).
    pub fn points(&self) -> impl DoubleEndedIterator<Item = &(u64, MetricPoint)> {
        self.points.iter()
    }

    /// How many seconds of detail the series keeps.
    pub fn capacity_seconds(&self) -> usize {
        self.capacity_seconds
    }

    pub fn get(&self, second: u64) -> Option<&MetricPoint> {
        self.points.iter().rev().find(|(s, _)| *s == second).map(|(_, p)| p)
    }

    /// For restored state (`persist`): `new`'s bounds hold and seconds are in order, as `at` keeps them.
    pub(crate) fn is_restorable(&self) -> bool {
        self.capacity_seconds >= 1
            && self.points.len() <= self.capacity_seconds
            && self.points.iter().zip(self.points.iter().skip(1)).all(|((a, _), (b, _))| a < b)
    }
}

/// A simple, documented latency model so the latency metrics move sensibly: a base cost plus transfer
/// time at 100 MiB/s. Labelled "modelled" wherever it is shown.
pub fn modelled_latency_ms(base_ms: u64, bytes: u64) -> u64 {
    base_ms + bytes / (100 * 1024 * 1024 / 1000)
}
pub const PUT_BASE_LATENCY_MS: u64 = 10;
pub const GET_BASE_LATENCY_MS: u64 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_groups_by_second_and_stays_bounded() {
        let mut s = MetricSeries::new(3);
        s.at(1_000).incoming_records += 1;
        s.at(1_999).incoming_records += 1;
        s.at(2_000).incoming_records += 5;
        assert_eq!(s.get(1).map(|p| p.incoming_records), Some(2));
        assert_eq!(s.get(2).map(|p| p.incoming_records), Some(5));
        s.at(3_000);
        s.at(4_000);
        assert_eq!(s.points().count(), 3);
        assert!(s.get(1).is_none());
    }
}
