//! Loading a saved Firehose engine: the derived serde impls plus a check that the state is one the engine
//! could have reached (names agree with their keys, buffers agree with their record boundaries, every
//! configuration still validates, queued work names streams that exist), so a crafted or damaged save is
//! refused with a clear message instead of misbehaving later.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::destinations::Target;
use super::limits::{MIB, RECORD_MAX_BYTES, S3_MAX_BUFFER_SIZE_MIB};
use super::{prefix, processing, FirehoseEngine};
use crate::engine::streams::persist::{MAX_RESTORED_COUNT, MAX_RESTORED_TIME_MS};
use crate::engine::time::EpochMillis;

impl Serialize for FirehoseEngine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FirehoseEngine::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for FirehoseEngine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let engine = FirehoseEngine::deserialize(d)?;
        engine
            .check_restored()
            .map_err(|problem| D::Error::custom(format!("Firehose state is inconsistent: {problem}")))?;
        Ok(engine)
    }
}

fn ensure(ok: bool, problem: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(problem())
    }
}

fn time_ok(ms: EpochMillis) -> bool {
    ms < MAX_RESTORED_TIME_MS
}

/// The largest buffer the engine can hold: the biggest size hint plus one record.
const MAX_BUFFER_BYTES: u64 = S3_MAX_BUFFER_SIZE_MIB as u64 * MIB + RECORD_MAX_BYTES + 1;

impl FirehoseEngine {
    /// Whether restored state is one the engine could have reached.
    pub fn check_restored(&self) -> Result<(), String> {
        ensure(time_ok(self.now_ms), || format!("the clock ({} ms) is beyond the supported range", self.now_ms))?;
        ensure(time_ok(self.config.transition_ms), || "transition_ms is out of range".into())?;
        ensure(self.next_invocation < MAX_RESTORED_COUNT, || "next_invocation is out of range".into())?;
        for (name, s) in &self.streams {
            ensure(*name == s.name, || format!("stream stored under {name:?} is named {:?}", s.name))?;
            let at = |p: String| format!("delivery stream {name}: {p}");
            ensure(s.version_id >= 1 && s.version_id < MAX_RESTORED_COUNT, || at("version id out of range".into()))?;
            ensure(time_ok(s.create_timestamp_ms) && s.transition_due_ms.is_none_or(time_ok), || at("a time is out of range".into()))?;
            let b = &s.buffer;
            ensure(b.bytes() <= MAX_BUFFER_BYTES, || at("buffer larger than any size hint allows".into()))?;
            ensure(b.oldest_arrival_ms.is_none_or(time_ok), || at("buffer arrival out of range".into()))?;
            ensure(b.is_empty() == b.oldest_arrival_ms.is_none(), || at("buffer records and arrival disagree".into()))?;
            if !b.record_ends.is_empty() {
                let rising = b.record_ends.windows(2).all(|w| w[0] <= w[1]);
                let ends_at_data = b.record_ends.last().is_some_and(|e| *e as usize == b.data.len());
                ensure(rising && ends_at_data && b.record_ends.len() as u64 == b.records, || {
                    at("buffer record boundaries do not match its data".into())
                })?;
            }
            let d = &s.destination;
            prefix::validate_with_partitioning(d.prefix.as_deref(), d.error_output_prefix.as_deref(), d.partitioned())
                .map_err(|e| at(e.message))?;
            ensure(s.partitions.len() <= super::partition::MAX_ACTIVE_PARTITIONS_RAISED, || at("too many partitions".into()))?;
            ensure(d.partitioned() || s.partitions.is_empty(), || at("partition buffers without dynamic partitioning".into()))?;
            let hints = s.buffering_hints();
            ensure(hints.size_in_mbs >= 1 && hints.size_in_mbs <= S3_MAX_BUFFER_SIZE_MIB && hints.interval_in_seconds <= 900, || {
                at("buffering hints out of range".into())
            })?;
            if let Some(p) = s.processing() {
                processing::lambda_settings(p).map_err(|e| at(e.message))?;
            }
            ensure(s.processing.staged.iter().all(|r| time_ok(r.arrival_ms)), || at("a staged record's arrival is out of range".into()))?;
            if let Some(retry_ms) = s.target.retry_ms() {
                ensure(retry_ms <= 7_200_000, || at("retry duration out of range".into()))?;
            }
            if let Target::OpenSearch(o) = &s.target {
                ensure(!o.index_name.is_empty(), || at("empty index name".into()))?;
            }
        }
        for o in &self.pending_objects {
            ensure(self.streams.contains_key(&o.stream), || format!("a pending object names unknown stream {:?}", o.stream))?;
            ensure(time_ok(o.next_attempt_ms) && time_ok(o.oldest_arrival_ms), || "a pending object's time is out of range".into())?;
        }
        for b in &self.pending_batches {
            ensure(self.streams.contains_key(&b.stream), || format!("a pending batch names unknown stream {:?}", b.stream))?;
            ensure(time_ok(b.next_attempt_ms) && time_ok(b.deadline_ms), || "a pending batch's time is out of range".into())?;
        }
        for w in &self.waiting {
            ensure(self.streams.contains_key(&w.stream), || format!("a waiting invocation names unknown stream {:?}", w.stream))?;
            ensure(w.id < self.next_invocation, || "a waiting invocation's id is not below next_invocation".into())?;
        }
        Ok(())
    }
}
