//! Fast-forward of steady traffic. Simulating every record is impossible at scale — 24 hours of a
//! 100-shard stream at its full 100,000 records/s are 8.64 billion records — so a fast-forward samples:
//! it runs ticks as usual, and once one period of ticks leaves the sandbox where it started (same
//! shards and settings, same throughput-bucket levels, same producer carry and backlog: a steady state),
//! it repeats that period up to the target in one step (`StreamsEngine::replicate`,
//! `Producer::replicate`). Every limit still holds, because each repetition is a copy of a period that was
//! really simulated, and the records stay readable (built when read, `record_log::Replica`).
//!
//! When it applies: only producers are active (consumers read, so they run tick by tick), every stream a
//! producer writes is provisioned, ACTIVE and has nothing pending, and no change falls due before the
//! target. Otherwise a fast-forward is ticks only, exactly as playing is. Either way the outcome depends
//! only on the sandbox and the target, never on how the work was split across animation frames.

use std::collections::BTreeSet;

use crate::engine::streams::bulk::{StreamProbe, TickMetrics};
use crate::engine::time::EpochMillis;
use crate::sim::producer::{ProducerProbe, SecondStats, MAX_PENDING_RECORDS};
use crate::sim::{Sandbox, TICK_MS};

/// The longest period sampled, in ticks (60 s). A producer whose rate gives a whole number of records
/// only over a longer span (say 0.01 records/s) is fast-forwarded tick by tick.
pub const MAX_PERIOD_TICKS: u64 = 600;

/// How many records a sample period is made long enough to hold (see `start_attempt`).
pub const SAMPLE_RECORDS: u64 = 10_000;

/// Sample periods tried as they come before one starts with the burst allowance used up.
pub const PLAIN_ATTEMPTS: u32 = 1;

/// What the last repetition did, for the page to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkReport {
    pub period_ms: u64,
    pub repetitions: u64,
    /// The sample started with the shards' burst allowance used up (see `start_attempt`).
    pub drained: bool,
}

/// A sample period in progress.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    target_ms: EpochMillis,
    start_ms: EpochMillis,
    period_ticks: u64,
    /// Whether the shards' burst allowance was used up at the start (see `start_attempt`).
    drained: bool,
    streams: Vec<(String, StreamProbe)>,
    producers: Vec<ProducerProbe>,
    /// Per tick: its offset from the start, then each stream's and each producer's contribution.
    ticks: Vec<(u64, Vec<TickMetrics>, Vec<SecondStats>)>,
}

impl Sandbox {
    /// Streams the active producers write to.
    fn producer_streams(&self) -> Vec<String> {
        let names: BTreeSet<String> =
            self.producers.iter().filter(|e| e.producer.is_active()).map(|e| e.producer.config().stream_name.clone()).collect();
        names.into_iter().collect()
    }

    /// A sample period could start now: producers only, every stream replicable, a period that exists.
    fn sample_period_ticks(&mut self) -> Option<u64> {
        // Consumers, and Firehose reading a stream, read what producers write: run them tick by tick.
        if !self.consumers.is_empty() || self.firehose_reads() {
            return None;
        }
        let mut period = 1u64;
        for entry in &self.producers {
            let own = entry.producer.period_ticks(TICK_MS, MAX_PERIOD_TICKS)?;
            period = lcm(period, own);
            if period > MAX_PERIOD_TICKS {
                return None;
            }
        }
        Some(period)
    }

    /// Starts a sample period now, if one could be repeated. After `PLAIN_ATTEMPTS` periods that were not
    /// steady, the next sample starts with every written shard's burst allowance used up: a shard can then
    /// take no more in the period than its buckets refill, so the sample is sustainable by construction.
    /// That is the one place a fast-forward departs from play: traffic at a stream's very limit, spread
    /// unevenly, loses the few records that saved-up allowance would have let through.
    fn start_attempt(&mut self, target_ms: EpochMillis) -> Option<Attempt> {
        if !self.now_ms().is_multiple_of(TICK_MS) {
            return None;
        }
        let base_ticks = self.sample_period_ticks()?;
        let names = self.producer_streams();
        if self.bulk_failures.0 != target_ms {
            self.bulk_failures = (target_ms, 0);
        }
        let drained = self.bulk_failures.1 >= PLAIN_ATTEMPTS;
        // The sample is repeated as it is, so a short one would fix chance unevenness for the whole span
        // (one shard drawing 10% more keys in one tick would do so for a day); and a drained one loses
        // what unevenness within it exceeds the refill. So the period is made as long as
        // `SAMPLE_RECORDS` allow, up to `MAX_PERIOD_TICKS`, in whole base periods.
        let rate: f64 = self.producers.iter().filter(|e| e.producer.is_active()).map(|e| e.producer.config().rate_records_per_sec.max(0.0)).sum();
        let per_base = (rate * (base_ticks * TICK_MS) as f64 / 1_000.0).max(1.0);
        let fit = ((SAMPLE_RECORDS as f64 / per_base).floor() as u64).clamp(1, (MAX_PERIOD_TICKS / base_ticks).max(1));
        let period_ticks = base_ticks * fit;
        let mut streams = Vec::new();
        for name in names {
            self.service.engine.probe(&name).filter(|p| p.replicable)?;
            if drained {
                self.service.engine.drain_write_buckets(&name);
            }
            let probe = self.service.engine.probe(&name)?;
            streams.push((name, probe));
        }
        Some(Attempt {
            target_ms,
            start_ms: self.now_ms(),
            period_ticks,
            drained,
            streams,
            producers: self.producers.iter().map(|e| e.producer.probe()).collect(),
            ticks: Vec::new(),
        })
    }

    /// One tick, with each stream's and producer's contribution to it recorded in `attempt`.
    fn sampled_tick(&mut self, attempt: &mut Attempt, tick_end: EpochMillis) {
        let engine_before: Vec<TickMetrics> =
            attempt.streams.iter().map(|(name, _)| self.service.engine.metric_reading(name, tick_end)).collect();
        let producers_before: Vec<SecondStats> = self.producers.iter().map(|e| e.producer.second_reading(tick_end)).collect();
        self.tick(tick_end, TICK_MS);
        let engine_delta = attempt
            .streams
            .iter()
            .zip(engine_before)
            .map(|((name, _), before)| {
                let after = self.service.engine.metric_reading(name, tick_end);
                TickMetrics {
                    stream: after.stream.since(&before.stream),
                    shards: after
                        .shards
                        .iter()
                        .map(|(i, p)| (*i, before.shards.iter().find(|(j, _)| j == i).map_or(*p, |(_, b)| p.since(b))))
                        .collect(),
                }
            })
            .collect();
        let producer_delta =
            self.producers.iter().zip(producers_before).map(|(e, before)| e.producer.second_reading(tick_end).since(&before)).collect();
        attempt.ticks.push((tick_end - attempt.start_ms, engine_delta, producer_delta));
    }

    /// After a whole period: was it steady? Then repeat it as often as fits before the target (and before
    /// any change falls due). Returns whether it repeated.
    fn finish_attempt(&mut self, attempt: Attempt) -> bool {
        let now = self.now_ms();
        let period_ms = now - attempt.start_ms;
        let mut end_limit = attempt.target_ms;
        if let Some(due) = self.service.engine.next_due_ms() {
            end_limit = end_limit.min(due.saturating_sub(1));
        }
        let repetitions = end_limit.saturating_sub(now) / period_ms.max(1);
        if repetitions == 0 || period_ms == 0 {
            return false;
        }
        if !self.was_steady(&attempt) {
            self.bulk_failures.1 += 1;
            return false;
        }
        self.bulk_failures.1 = 0;
        self.last_bulk = Some(BulkReport { period_ms, repetitions, drained: attempt.drained });
        for (i, (name, start)) in attempt.streams.iter().enumerate() {
            let ticks: Vec<(u64, TickMetrics)> = attempt.ticks.iter().map(|(o, m, _)| (*o, m[i].clone())).collect();
            self.service.engine.replicate(name, start, &ticks, repetitions);
        }
        for (i, entry) in self.producers.iter_mut().enumerate() {
            let ticks: Vec<(u64, SecondStats)> = attempt.ticks.iter().map(|(o, _, p)| (*o, p[i].clone())).collect();
            entry.producer.replicate(&attempt.producers[i], attempt.start_ms, period_ms, &ticks, repetitions);
        }
        // Streams nobody writes to (and the clock itself) move on as they would have.
        self.service.engine.advance_to(now + repetitions * period_ms);
        true
    }

    /// The period left everything as it found it (see the module docs), and every record the streams took
    /// came from the producers.
    fn was_steady(&mut self, attempt: &Attempt) -> bool {
        if self.producers.len() != attempt.producers.len() || self.producer_streams().len() != attempt.streams.len() {
            return false;
        }
        let period_ms = self.now_ms() - attempt.start_ms;
        let producers_same = self.producers.iter().zip(&attempt.producers).all(|(e, before)| {
            let now = e.producer.probe();
            // A backlog that shrank fed the period from earlier periods: repeating it would send records
            // that were never generated. A full backlog stays full.
            let backlog_kept = now.pending == before.pending || (now.pending >= before.pending && now.pending >= MAX_PENDING_RECORDS / 2);
            // A shard-map refresh (ListShards) is a one-off: a period holding one is not typical.
            let no_one_offs = now.totals.list_shards_calls == before.totals.list_shards_calls;
            (now.carry - before.carry).abs() < 1e-9 && backlog_kept && no_one_offs && now.enabled == before.enabled
        });
        if !producers_same {
            return false;
        }
        for (i, (name, before)) in attempt.streams.iter().enumerate() {
            let Some(after) = self.service.engine.probe(name) else { return false };
            // Each shard took no more than its buckets refill over the period, so the period can repeat
            // for ever without breaking the limit (a period that spent saved-up allowance cannot).
            let sustainable = before.refill_milli_per_ms.iter().all(|(shard, records_per_ms, bytes_per_ms)| {
                let (records, bytes) = attempt.ticks.iter().fold((0u128, 0u128), |(r, b), (_, m, _)| {
                    let own = m[i].shards.iter().find(|(j, _)| j == shard).map(|(_, p)| *p).unwrap_or_default();
                    (r + own.incoming_records as u128, b + own.incoming_bytes as u128)
                });
                records * 1000 <= records_per_ms * period_ms as u128 && bytes * 1000 <= bytes_per_ms * period_ms as u128
            });
            let taken: u64 = attempt.ticks.iter().map(|(_, m, _)| m[i].stream.incoming_records).sum();
            let written = after.next_counter - before.next_counter;
            if !after.replicable || after.shape != before.shape || !sustainable || taken != written {
                return false;
            }
        }
        true
    }

    /// The last time a fast-forward repeated a sample: its period, how often, and whether it was drained.
    pub fn last_bulk(&self) -> Option<BulkReport> {
        self.last_bulk
    }

    /// Takes the report of the last repetition (so the next fast-forward starts without one).
    pub fn take_last_bulk(&mut self) -> Option<BulkReport> {
        self.last_bulk.take()
    }

    /// Works toward a fast-forward to `target_ms`: at most `max_ticks` ticks, each possibly followed by one
    /// repetition step. Call again until `now_ms() >= target_ms`; how the work is split never changes the
    /// outcome. Anything else that moves the clock in between simply starts a new sample.
    /// Like `advance_toward`, the clock holds while Firehose waits for a transform script.
    pub fn fast_forward_toward(&mut self, target_ms: EpochMillis, max_ticks: u64) {
        let Some(target_ms) = self.firehose_bound(target_ms) else { return };
        self.fast_forward_streams_toward(target_ms, max_ticks);
        self.sync_firehose();
    }

    fn fast_forward_streams_toward(&mut self, target_ms: EpochMillis, max_ticks: u64) {
        self.finish_tick();
        let mut ticks = 0;
        while self.now_ms() < target_ms && ticks < max_ticks.max(1) && !self.awaiting_transforms() {
            let now = self.now_ms();
            let boundary = ((now / TICK_MS) + 1).saturating_mul(TICK_MS);
            if !self.anything_active() || boundary > target_ms {
                self.attempt = None;
                self.service.engine.advance_to(target_ms);
                return;
            }
            let fresh = |a: &Attempt| a.target_ms == target_ms && a.start_ms + a.ticks.len() as u64 * TICK_MS == now;
            let mut attempt = match self.attempt.take().filter(fresh) {
                Some(a) => Some(a),
                None => self.start_attempt(target_ms),
            };
            ticks += 1;
            let Some(mut a) = attempt.take() else {
                self.tick(boundary, TICK_MS);
                continue;
            };
            self.sampled_tick(&mut a, boundary);
            if (a.ticks.len() as u64) < a.period_ticks {
                self.attempt = Some(a);
            } else {
                self.finish_attempt(a);
            }
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn lcm(a: u64, b: u64) -> u64 {
    a / gcd(a, b).max(1) * b
}
