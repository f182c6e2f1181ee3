//! Saving and restoring the engine's state (serde), for the browser sandbox's reload and export.
//!
//! The derives live on the state types themselves; this module holds the few representations JSON
//! needs help with, and the integrity check a restored engine must pass. The check exists because a
//! snapshot is user input (an imported file): state the engine could never reach on its own — open
//! shards that overlap, a byte count that disagrees with the records, a counter about to overflow —
//! is refused at load time instead of surfacing later as a panic, a hang or a wrong answer.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, Serializer};

use crate::engine::streams::hash::HASH_KEY_MAX;
use crate::engine::streams::limits::{MAX_MAX_RECORD_SIZE_KIB, MAX_RETENTION_HOURS, MIN_MAX_RECORD_SIZE_KIB, MIN_RETENTION_HOURS};
use crate::engine::streams::metrics::MetricPoint;
use crate::engine::streams::shard::{Shard, StoredRecord};
use crate::engine::streams::stream::Stream;
use crate::engine::streams::StreamsEngine;
use crate::engine::time::EpochMillis;

/// Any instant in a restored engine must be below this (2^50 ms is about 35,000 years after 1970), so the
/// engine's own time arithmetic (now + delays, closed + retention) cannot overflow.
pub const MAX_RESTORED_TIME_MS: EpochMillis = 1 << 50;

/// Counters (record counters, metric sums) must be below this so the engine can keep adding to them.
pub const MAX_RESTORED_COUNT: u64 = 1 << 62;

/// u128 values as decimal strings: JSON numbers that large lose precision in JavaScript.
pub mod u128_decimal {
    use super::*;

    pub fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        d.deserialize_str(DecimalVisitor)
    }

    struct DecimalVisitor;

    impl serde::de::Visitor<'_> for DecimalVisitor {
        type Value = u128;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a decimal string holding a 128-bit value")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<u128, E> {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::custom(format!("expected a decimal string holding a 128-bit value, found {text:?}")));
            }
            text.parse::<u128>().map_err(|_| E::custom(format!("{text} does not fit in 128 bits")))
        }
    }
}

/// Bytes as one standard base64 string (a third larger than the bytes, not four times as with a JSON
/// array of numbers).
pub mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map_err(|e| D::Error::custom(format!("record data is not base64: {e}")))
    }
}

/// A map whose keys are not strings (tuples), as a JSON array of `[key, value]` pairs.
pub mod map_as_pairs {
    use super::*;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(map: &BTreeMap<K, V>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        let pairs = Vec::<(K, V)>::deserialize(d)?;
        Ok(pairs.into_iter().collect())
    }
}

/// For `skip_serializing_if`: most per-second metrics are zero, and leaving them out keeps snapshots small.
pub fn is_zero(value: &u64) -> bool {
    *value == 0
}

/// The record data borrowed for serialisation as base64.
struct Base64Ref<'a>(&'a [u8]);

impl Serialize for Base64Ref<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        base64_bytes::serialize(self.0, s)
    }
}

struct Base64Buf(Vec<u8>);

impl<'de> Deserialize<'de> for Base64Buf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        base64_bytes::deserialize(d).map(Base64Buf)
    }
}

/// A stored record is the bulk of any snapshot, so it is a positional array rather than an object:
/// `[counter, arrival_ms, partition_key, data_base64, encrypted]`.
impl Serialize for StoredRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.counter, self.arrival_ms, &self.partition_key, Base64Ref(&self.data), self.encrypted).serialize(s)
    }
}

impl<'de> Deserialize<'de> for StoredRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (counter, arrival_ms, partition_key, Base64Buf(data), encrypted) =
            <(u64, EpochMillis, String, Base64Buf, bool)>::deserialize(d)?;
        Ok(StoredRecord { counter, arrival_ms, partition_key, data, encrypted })
    }
}

/// `StreamsEngine`'s serde impls: the derived ones (generated under `remote = "Self"`), plus the
/// integrity check after deserialising, so every payload that embeds an engine is checked.
impl Serialize for StreamsEngine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StreamsEngine::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for StreamsEngine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let engine = StreamsEngine::deserialize(d)?;
        engine.check_restored().map_err(|problem| D::Error::custom(format!("engine state is inconsistent: {problem}")))?;
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

impl StreamsEngine {
    /// Whether restored state is one the engine could have reached: the invariants its code relies on
    /// (ARCHITECTURE.md "Invariants") and bounds that keep its arithmetic from overflowing.
    pub fn check_restored(&self) -> Result<(), String> {
        ensure(time_ok(self.now_ms), || format!("the clock ({} ms) is beyond the supported range", self.now_ms))?;
        ensure(time_ok(self.config.transition_ms), || "transition_ms is out of range".into())?;
        ensure(self.next_incarnation < MAX_RESTORED_COUNT, || "next_incarnation is out of range".into())?;
        for (name, stream) in &self.streams {
            // The clock loop finds due changes by stream name; a key that disagrees would never complete.
            ensure(*name == stream.name, || format!("stream stored under {name:?} is named {:?}", stream.name))?;
            ensure(stream.incarnation < self.next_incarnation, || format!("stream {name}: incarnation not below next_incarnation"))?;
            check_stream(stream).map_err(|p| format!("stream {name}: {p}"))?;
        }
        self.subscriptions.check_restored()?;
        let s = &self.account_settings;
        ensure(s.commitment_started_ms.is_none_or(time_ok) && s.commitment_ended_ms.is_none_or(time_ok), || {
            "account settings: a commitment time is out of range".into()
        })
    }
}

fn check_stream(stream: &Stream) -> Result<(), String> {
    ensure(time_ok(stream.created_ms), || "created_ms is out of range".into())?;
    ensure((MIN_RETENTION_HOURS..=MAX_RETENTION_HOURS).contains(&stream.retention_hours), || {
        format!("retention of {} hours is outside {MIN_RETENTION_HOURS}..={MAX_RETENTION_HOURS}", stream.retention_hours)
    })?;
    ensure((MIN_MAX_RECORD_SIZE_KIB..=MAX_MAX_RECORD_SIZE_KIB).contains(&stream.max_record_size_kib), || {
        format!("maximum record size of {} KiB is out of range", stream.max_record_size_kib)
    })?;
    ensure(stream.next_counter < MAX_RESTORED_COUNT, || "next_counter is out of range".into())?;
    ensure(stream.pending.as_ref().is_none_or(|p| time_ok(p.due_ms)), || "pending change due time is out of range".into())?;
    ensure(stream.on_demand.scale_due.is_none_or(|(due, _)| time_ok(due)), || "on-demand scale due time is out of range".into())?;
    ensure(stream.on_demand.peaks.iter().all(|(_, b, r)| *b < MAX_RESTORED_COUNT && *r < MAX_RESTORED_COUNT), || {
        "an on-demand peak is out of range".into()
    })?;
    ensure(stream.shard_count_updates_ms.iter().chain(stream.mode_switches_ms.iter()).all(|t| time_ok(*t)), || {
        "a rate-window time is out of range".into()
    })?;
    for (key, consumer) in &stream.consumers {
        ensure(*key == consumer.name, || format!("consumer stored under {key:?} is named {:?}", consumer.name))?;
        ensure(time_ok(consumer.created_ms) && consumer.transition_due_ms.is_none_or(time_ok), || {
            format!("consumer {key}: a time is out of range")
        })?;
    }
    ensure(stream.metrics.is_restorable() && metric_values_ok(&stream.metrics), || "stream metrics are out of range".into())?;
    for (position, shard) in stream.shards.iter().enumerate() {
        check_shard(stream, position, shard).map_err(|p| format!("{}: {p}", shard.id()))?;
    }
    check_open_shards_tile(stream)
}

fn check_shard(stream: &Stream, position: usize, shard: &Shard) -> Result<(), String> {
    let count = stream.shards.len() as u64;
    // Shards are looked up by index into the stream's vector.
    ensure(shard.index == position as u64, || format!("stored at position {position}"))?;
    ensure(shard.range.start <= shard.range.end, || "hash range starts after it ends".into())?;
    let lineage_ok = [shard.parent, shard.adjacent_parent].into_iter().flatten().chain(shard.children.iter().copied()).all(|i| i < count);
    ensure(lineage_ok, || "lineage names a shard that does not exist".into())?;
    ensure(time_ok(shard.created_ms) && shard.closed_ms.is_none_or(time_ok), || "a time is out of range".into())?;
    ensure(shard.is_open() == shard.ending_sequence.is_none(), || "closed without an ending sequence number (or the reverse)".into())?;
    shard.records.check(stream.next_counter, time_ok)?;
    let bytes = shard.records.bytes();
    ensure(bytes == shard.stored_bytes, || format!("stored_bytes is {} but its records hold {bytes}", shard.stored_bytes))?;
    let buckets_ok = shard.write_bytes.is_restorable()
        && shard.write_records.is_restorable()
        && shard.read_debt.is_restorable();
    ensure(buckets_ok, || "a throughput counter is out of range".into())?;
    ensure(shard.metrics.is_restorable() && metric_values_ok(&shard.metrics), || "metrics are out of range".into())
}

/// ARCHITECTURE.md "Invariants": the open shards of a live stream cover [0, 2^128) exactly once. A
/// stream still CREATING has no shards yet.
fn check_open_shards_tile(stream: &Stream) -> Result<(), String> {
    let mut ranges: Vec<(u128, u128)> = stream.open_shards().map(|s| (s.range.start, s.range.end)).collect();
    if ranges.is_empty() {
        return ensure(stream.shards.is_empty(), || "every shard is closed: the hash space is not covered".into());
    }
    ranges.sort_unstable();
    ensure(ranges[0].0 == 0, || "the open shards do not start at hash key 0".into())?;
    for pair in ranges.windows(2) {
        let (low, high) = (pair[0], pair[1]);
        ensure(low.1 != HASH_KEY_MAX && low.1 + 1 == high.0, || {
            if high.0 <= low.1 {
                format!("open shard ranges overlap at hash key {}", high.0)
            } else {
                format!("hash keys {}..{} belong to no open shard", low.1 + 1, high.0)
            }
        })?;
    }
    let last = ranges[ranges.len() - 1].1;
    ensure(last == HASH_KEY_MAX, || format!("hash keys after {last} belong to no open shard"))
}

fn metric_values_ok(series: &crate::engine::streams::metrics::MetricSeries) -> bool {
    series.points().all(|(second, p)| *second < MAX_RESTORED_TIME_MS && metric_point_ok(p))
}

fn metric_point_ok(p: &MetricPoint) -> bool {
    // Listed field by field (no `..`), so a new metric cannot be added without being checked here.
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
    } = *p;
    [
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
    ]
    .iter()
    .all(|v| *v < MAX_RESTORED_COUNT)
}
