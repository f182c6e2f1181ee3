//! The engine's half of fast-forwarding steady traffic (the driver is `sim::bulk`): a probe of a
//! stream's state cheap enough to take every tick, and `replicate`, which carries a sampled period of
//! writes forward `repetitions` times in one step — records as a replica (`record_log`), counters,
//! per-second metrics and throughput buckets exactly as that many repetitions of the period would leave
//! them. It never decides whether traffic is steady; the driver does, from two probes.

use crate::engine::streams::metrics::MetricPoint;
use crate::engine::streams::record_log::Replica;
use crate::engine::streams::stream::StreamStatus;
use crate::engine::streams::types::StreamMode;
use crate::engine::streams::StreamsEngine;
use crate::engine::time::{second_of, EpochMillis, MILLIS_PER_SECOND};

/// What a steady-state check compares between the start and the end of a sample period.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamProbe {
    pub at_ms: EpochMillis,
    /// Everything that shapes how writes are taken: status, mode, settings, and the open shards' ids and
    /// ranges. Equal shapes mean no control-plane change happened in between.
    pub shape: String,
    /// Provisioned, ACTIVE, nothing pending: the only streams replicated (on-demand capacity follows the
    /// traffic's peaks, so a period of it is not representative of the next).
    pub replicable: bool,
    pub next_counter: u64,
    /// Open shards: (index, thousandths of a record and of a byte the buckets refill per millisecond).
    pub refill_milli_per_ms: Vec<(u64, u128, u128)>,
}

/// Metric contributions of one tick: the stream's, and each open shard's (by index).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TickMetrics {
    pub stream: MetricPoint,
    pub shards: Vec<(u64, MetricPoint)>,
}

impl StreamsEngine {
    /// The earliest time any stream has a change due (state transitions, on-demand scaling, consumer
    /// registration): a replication must stop short of it.
    pub fn next_due_ms(&self) -> Option<EpochMillis> {
        self.streams.values().filter_map(super::stream_next_due).min()
    }

    pub fn probe(&self, name: &str) -> Option<StreamProbe> {
        let now = self.now_ms;
        let stream = self.streams.get(name)?;
        let mut shape = format!(
            "{:?}|{:?}|{}|{}|{:?}|{:?}",
            stream.status, stream.mode, stream.retention_hours, stream.max_record_size_kib, stream.encryption_key_id, stream.pending
        );
        let mut refill_milli_per_ms = Vec::new();
        for shard in stream.shards.iter().filter(|s| s.is_open()) {
            shape.push_str(&format!("|{}:{}-{}", shard.index, shard.range.start, shard.range.end));
            refill_milli_per_ms.push((shard.index, shard.write_records.refill_milli_over(1), shard.write_bytes.refill_milli_over(1)));
        }
        let replicable = stream.status == StreamStatus::Active && stream.mode == StreamMode::Provisioned && stream.pending.is_none();
        Some(StreamProbe { at_ms: now, shape, replicable, next_counter: stream.next_counter, refill_milli_per_ms })
    }

    /// Uses up every open shard's write burst allowance (see `sim::bulk`: a sample that starts with empty
    /// buckets can take no more than the buckets refill, so repeating it never breaks the limit).
    pub fn drain_write_buckets(&mut self, name: &str) {
        let now = self.now_ms;
        if let Some(stream) = self.streams.get_mut(name) {
            for shard in stream.shards.iter_mut().filter(|s| s.is_open()) {
                shard.write_records.drain(now);
                shard.write_bytes.drain(now);
            }
        }
    }

    /// The metric points of the second `at_ms` falls in, for the stream and its open shards (a reading
    /// taken before and after a tick gives that tick's contribution).
    pub fn metric_reading(&self, name: &str, at_ms: EpochMillis) -> TickMetrics {
        let second = second_of(at_ms);
        let Some(stream) = self.streams.get(name) else { return TickMetrics::default() };
        TickMetrics {
            stream: stream.metrics.get(second).copied().unwrap_or_default(),
            shards: stream.open_shards().map(|s| (s.index, s.metrics.get(second).copied().unwrap_or_default())).collect(),
        }
    }

    /// Repeats the period that started at `start` (and ends now) `repetitions` more times, as if the
    /// clock had run on to `now + repetitions × period`; the caller then moves the clock there (after
    /// replicating every stream, since all of them repeat the same period). `ticks` are the period's metric contributions with their
    /// offsets from the period's start. The caller has checked the period was steady (see `sim::bulk`).
    pub fn replicate(&mut self, name: &str, start: &StreamProbe, ticks: &[(u64, TickMetrics)], repetitions: u64) {
        let now = self.now_ms;
        let period_ms = now - start.at_ms;
        let Some(stream) = self.streams.get_mut(name) else { return };
        if repetitions == 0 || period_ms == 0 {
            return;
        }
        let stride = stream.next_counter - start.next_counter;
        let shift_ms = repetitions * period_ms;
        let end_ms = now + shift_ms;
        for shard in stream.shards.iter_mut().filter(|s| s.is_open()) {
            let from = shard.first_at_or_after(start.next_counter);
            let sample: Vec<_> = shard.records.iter_from(from).map(|r| r.into_owned()).collect();
            if !sample.is_empty() {
                shard.push_replica(Replica { sample, period_ms, counter_stride: stride, repetitions, skipped: 0 });
            }
            let (taken_records, taken_bytes) = ticks.iter().fold((0u128, 0u128), |(r, b), (_, tick)| {
                let own = tick.shards.iter().find(|(i, _)| *i == shard.index).map(|(_, p)| *p).unwrap_or_default();
                (r + own.incoming_records as u128 * 1000, b + own.incoming_bytes as u128 * 1000)
            });
            shard.write_records.carry_forward(period_ms, repetitions, taken_records);
            shard.write_bytes.carry_forward(period_ms, repetitions, taken_bytes);
        }
        stream.next_counter += repetitions * stride;
        // Metrics: only the seconds each series still keeps, oldest first (series grow at the end).
        let stream_from = end_ms.saturating_sub(stream.metrics.capacity_seconds() as u64 * MILLIS_PER_SECOND);
        for repetition in first_repetition(now, period_ms, stream_from, ticks)..=repetitions {
            for (offset, tick) in ticks {
                let at = start.at_ms + repetition * period_ms + offset;
                if at > stream_from {
                    stream.metrics.at(at).add(&tick.stream);
                }
            }
        }
        for shard in stream.shards.iter_mut().filter(|s| s.is_open()) {
            let own: Vec<(u64, MetricPoint)> = ticks
                .iter()
                .filter_map(|(offset, tick)| tick.shards.iter().find(|(i, _)| *i == shard.index).map(|(_, p)| (*offset, *p)))
                .collect();
            let shard_from = end_ms.saturating_sub(shard.metrics.capacity_seconds() as u64 * MILLIS_PER_SECOND);
            for repetition in first_repetition(now, period_ms, shard_from, ticks)..=repetitions {
                for (offset, point) in &own {
                    let at = start.at_ms + repetition * period_ms + offset;
                    if at > shard_from {
                        shard.metrics.at(at).add(point);
                    }
                }
            }
        }
    }
}

/// The first repetition (1-based) with a tick after `from_ms`: earlier ones fall outside the series.
fn first_repetition(now: EpochMillis, period_ms: u64, from_ms: EpochMillis, ticks: &[(u64, TickMetrics)]) -> u64 {
    let last_offset = ticks.iter().map(|(o, _)| *o).max().unwrap_or(0);
    // Repetition r's ticks end at now - period + r × period + last_offset.
    let base = now - period_ms + last_offset;
    if from_ms <= base {
        1
    } else {
        ((from_ms - base) / period_ms).max(1)
    }
}
