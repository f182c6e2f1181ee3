//! A shard's stored records, in write order: plain records, and replicas — a stretch of traffic that
//! repeats a short sample period after period, kept as the sample plus a count.
//!
//! Replicas are how a long fast-forward of steady traffic stays cheap (see `sim::bulk`): 24 hours of
//! 1,000 records/s on each of 100 shards are 8.64 billion records, far too many to build one by one, yet a
//! reader must still be able to fetch any of them. A replica builds a record only when it is read. Its
//! records keep every invariant of plain ones: counters strictly increase (each repetition adds the
//! stream-wide count of the sample), arrival times never go backwards, and retention trims them from the
//! front like any other record.

use std::borrow::Cow;
use std::collections::VecDeque;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::streams::shard::StoredRecord;
use crate::engine::time::EpochMillis;

/// A sample of records repeated `repetitions` times: repetition `r` (1-based) is the sample with every
/// arrival time moved `r × period_ms` later and every counter `r × counter_stride` higher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replica {
    pub sample: Vec<StoredRecord>,
    pub period_ms: u64,
    pub counter_stride: u64,
    pub repetitions: u64,
    /// Records already trimmed from the front (retention).
    pub skipped: u64,
}

impl Replica {
    fn virtual_len(&self) -> u64 {
        self.repetitions.saturating_mul(self.sample.len() as u64)
    }

    fn len(&self) -> u64 {
        // Saturating: a damaged save may claim more skipped than held (`check` then refuses it).
        self.virtual_len().saturating_sub(self.skipped)
    }

    /// The record at virtual index `v` (counting trimmed ones).
    fn virtual_record(&self, v: u64) -> Option<StoredRecord> {
        let per = self.sample.len() as u64;
        if per == 0 || v >= self.virtual_len() {
            return None;
        }
        let repetition = v / per + 1;
        let base = &self.sample[(v % per) as usize];
        Some(StoredRecord {
            counter: base.counter.saturating_add(repetition.saturating_mul(self.counter_stride)),
            arrival_ms: base.arrival_ms.saturating_add(repetition.saturating_mul(self.period_ms)),
            partition_key: base.partition_key.clone(),
            data: base.data.clone(),
            encrypted: base.encrypted,
        })
    }

    fn counter_at(&self, v: u64) -> u64 {
        let per = self.sample.len() as u64;
        self.sample[(v % per) as usize].counter.saturating_add((v / per + 1).saturating_mul(self.counter_stride))
    }

    fn arrival_at(&self, v: u64) -> EpochMillis {
        let per = self.sample.len() as u64;
        self.sample[(v % per) as usize].arrival_ms.saturating_add((v / per + 1).saturating_mul(self.period_ms))
    }

    fn sample_bytes(&self) -> u64 {
        self.sample.iter().map(StoredRecord::billed_bytes).sum()
    }

    /// Bytes of the records still held.
    pub fn bytes(&self) -> u64 {
        let per = self.sample.len() as u64;
        if per == 0 {
            return 0;
        }
        let whole_skipped = self.skipped / per;
        let partial: u64 = (0..self.skipped % per).map(|i| self.sample[i as usize].billed_bytes()).sum();
        self.repetitions.saturating_sub(whole_skipped).saturating_mul(self.sample_bytes()).saturating_sub(partial)
    }

    /// First virtual index (≥ skipped) whose key is not below `target`, by binary search; keys rise with v.
    fn partition_point(&self, below: impl Fn(u64) -> bool) -> u64 {
        let (mut low, mut high) = (self.skipped, self.virtual_len());
        while low < high {
            let mid = low + (high - low) / 2;
            if below(mid) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Plain(VecDeque<StoredRecord>),
    Replica(Replica),
}

impl Segment {
    fn len(&self) -> u64 {
        match self {
            Segment::Plain(records) => records.len() as u64,
            Segment::Replica(r) => r.len(),
        }
    }

    fn get(&self, i: u64) -> Option<Cow<'_, StoredRecord>> {
        match self {
            Segment::Plain(records) => records.get(i as usize).map(Cow::Borrowed),
            Segment::Replica(r) => r.virtual_record(r.skipped + i).map(Cow::Owned),
        }
    }

    fn last(&self) -> Option<Cow<'_, StoredRecord>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }
}

/// A shard's records in write order (see the module docs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordLog {
    segments: VecDeque<Segment>,
    len: u64,
}

impl RecordLog {
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The segment holding global index `i`, and `i` within it.
    fn locate(&self, mut i: u64) -> Option<(usize, u64)> {
        for (s, segment) in self.segments.iter().enumerate() {
            let n = segment.len();
            if i < n {
                return Some((s, i));
            }
            i -= n;
        }
        None
    }

    pub fn get(&self, i: usize) -> Option<Cow<'_, StoredRecord>> {
        let (s, within) = self.locate(i as u64)?;
        self.segments[s].get(within)
    }

    pub fn front(&self) -> Option<Cow<'_, StoredRecord>> {
        self.get(0)
    }

    pub fn back(&self) -> Option<Cow<'_, StoredRecord>> {
        self.segments.back().and_then(Segment::last)
    }

    /// Records from index `start` on, in order (replica records are built as they are reached).
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = Cow<'_, StoredRecord>> + '_ {
        let (first_segment, mut within) = self.locate(start as u64).unwrap_or((self.segments.len(), 0));
        self.segments.iter().skip(first_segment).flat_map(move |segment| {
            let from = std::mem::take(&mut within);
            (from..segment.len()).map_while(move |i| segment.get(i))
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, StoredRecord>> + '_ {
        self.iter_from(0)
    }

    /// Index of the first record for which `below` is false, given `below` holds for a prefix.
    fn partition_point(&self, below_record: impl Fn(&StoredRecord) -> bool, below_counter: impl Fn(u64, EpochMillis) -> bool) -> usize {
        let mut offset = 0u64;
        for segment in &self.segments {
            let n = segment.len();
            let last_below = segment.last().is_some_and(|r| below_record(&r));
            if !last_below {
                let within = match segment {
                    Segment::Plain(records) => records.partition_point(|r| below_record(r)) as u64,
                    Segment::Replica(r) => r.partition_point(|v| below_counter(r.counter_at(v), r.arrival_at(v))) - r.skipped,
                };
                return (offset + within) as usize;
            }
            offset += n;
        }
        offset as usize
    }

    /// Index of the first record at or after stream position `counter`.
    pub fn first_at_or_after(&self, counter: u64) -> usize {
        self.partition_point(|r| r.counter < counter, |c, _| c < counter)
    }

    /// Index of the first record that arrived at or after `ms`.
    pub fn first_arrived_at_or_after(&self, ms: EpochMillis) -> usize {
        self.partition_point(|r| r.arrival_ms < ms, |_, a| a < ms)
    }

    pub fn push(&mut self, record: StoredRecord) {
        match self.segments.back_mut() {
            Some(Segment::Plain(records)) => records.push_back(record),
            _ => self.segments.push_back(Segment::Plain(VecDeque::from([record]))),
        }
        self.len += 1;
    }

    /// Appends a replica (ignored when it holds no records).
    pub fn push_replica(&mut self, replica: Replica) {
        let n = replica.len();
        if n == 0 {
            return;
        }
        self.segments.push_back(Segment::Replica(replica));
        self.len += n;
    }

    /// Drops records that arrived before `cutoff_ms`; returns (records, bytes) dropped.
    pub fn trim_before(&mut self, cutoff_ms: EpochMillis) -> (u64, u64) {
        let (mut records_dropped, mut bytes_dropped) = (0u64, 0u64);
        while let Some(front) = self.segments.front_mut() {
            match front {
                Segment::Plain(records) => {
                    while records.front().is_some_and(|r| r.arrival_ms < cutoff_ms) {
                        if let Some(r) = records.pop_front() {
                            records_dropped += 1;
                            bytes_dropped += r.billed_bytes();
                        }
                    }
                    if !records.is_empty() {
                        break;
                    }
                }
                Segment::Replica(r) => {
                    let keep_from = r.partition_point(|v| r.arrival_at(v) < cutoff_ms);
                    let before = r.bytes();
                    records_dropped += keep_from - r.skipped;
                    r.skipped = keep_from;
                    bytes_dropped += before - r.bytes();
                    if r.len() > 0 {
                        break;
                    }
                }
            }
            self.segments.pop_front();
        }
        self.len -= records_dropped;
        (records_dropped, bytes_dropped)
    }

    /// How many of the records held stand in replicas (repeated by a fast-forward).
    pub fn replicated_len(&self) -> u64 {
        self.segments.iter().map(|s| if let Segment::Replica(r) = s { r.len() } else { 0 }).sum()
    }

    /// Bytes (data + partition key) of every record held.
    pub fn bytes(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Plain(records) => records.iter().map(StoredRecord::billed_bytes).sum(),
                Segment::Replica(r) => r.bytes(),
            })
            .sum()
    }

    /// For restored state: records in strict counter order and arrival order, all below `next_counter`,
    /// replicas well formed. Checks each replica's ends rather than its (possibly billions of) records.
    pub(crate) fn check(&self, next_counter: u64, time_ok: impl Fn(EpochMillis) -> bool) -> Result<(), String> {
        let mut previous: Option<(u64, EpochMillis)> = None;
        let mut follow = |counter: u64, arrival: EpochMillis| -> Result<(), String> {
            if counter >= next_counter {
                return Err(format!("record {counter} is beyond the stream's counter"));
            }
            if !time_ok(arrival) {
                return Err(format!("record {counter} arrival time is out of range"));
            }
            if let Some((c, a)) = previous {
                // Reads binary-search the records by counter and retention trims by arrival from the front.
                if c >= counter || a > arrival {
                    return Err(format!("records {c} and {counter} are out of order"));
                }
            }
            previous = Some((counter, arrival));
            Ok(())
        };
        for segment in &self.segments {
            match segment {
                Segment::Plain(records) => {
                    for r in records {
                        follow(r.counter, r.arrival_ms)?;
                    }
                }
                Segment::Replica(r) => {
                    let sample = &r.sample;
                    let (Some(first), Some(last)) = (sample.first(), sample.last()) else {
                        return Err("a replica has an empty sample".into());
                    };
                    // Order first: the spans below subtract first from last.
                    let ordered = sample.windows(2).all(|w| w[0].counter < w[1].counter && w[0].arrival_ms <= w[1].arrival_ms);
                    let spans_ok = ordered
                        && r.period_ms > 0
                        && r.counter_stride > last.counter - first.counter
                        && r.period_ms >= last.arrival_ms - first.arrival_ms
                        && r.skipped < r.virtual_len();
                    if !spans_ok {
                        return Err("a replica's sample, period or counts are inconsistent".into());
                    }
                    let last_counter = r.repetitions.checked_mul(r.counter_stride).and_then(|d| last.counter.checked_add(d));
                    let last_arrival = r.repetitions.checked_mul(r.period_ms).and_then(|d| last.arrival_ms.checked_add(d));
                    let (Some(last_counter), Some(last_arrival)) = (last_counter, last_arrival) else {
                        return Err("a replica runs past the largest counter or time".into());
                    };
                    // Every record of the replica lies between its first and its last, which both fit.
                    // Within a replica the order holds by construction (checked on the sample above).
                    follow(r.counter_at(r.skipped), r.arrival_at(r.skipped))?;
                    if r.len() > 1 {
                        follow(last_counter, last_arrival)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Saved as one list: plain records as themselves (the format before replicas existed, so older saves
/// still load) and each replica as `{"replica": {...}}`.
enum Item {
    Record(StoredRecord),
    Replica(Replica),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplicaItem {
    replica: Replica,
}

/// An array is a record, an object a replica; each then keeps its own precise errors (an untagged enum
/// would only say that nothing matched).
impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct ItemVisitor;
        impl<'de> serde::de::Visitor<'de> for ItemVisitor {
            type Value = Item;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a record (an array) or a replica (an object)")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Item, A::Error> {
                StoredRecord::deserialize(SeqAccessDeserializer::new(seq)).map(Item::Record)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                ReplicaItem::deserialize(MapAccessDeserializer::new(map)).map(|r| Item::Replica(r.replica))
            }
        }
        d.deserialize_any(ItemVisitor)
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum ItemRef<'a> {
    Record(&'a StoredRecord),
    Replica { replica: &'a Replica },
}

impl Serialize for RecordLog {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.segments.iter().flat_map(|segment| -> Box<dyn Iterator<Item = ItemRef<'_>>> {
            match segment {
                Segment::Plain(records) => Box::new(records.iter().map(ItemRef::Record)),
                Segment::Replica(replica) => Box::new(std::iter::once(ItemRef::Replica { replica })),
            }
        }))
    }
}

impl<'de> Deserialize<'de> for RecordLog {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<Item>::deserialize(d)?;
        let mut log = RecordLog::default();
        for item in items {
            match item {
                Item::Record(r) => log.push(r),
                Item::Replica(replica) => log.push_replica(replica),
            }
        }
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(counter: u64, arrival_ms: EpochMillis) -> StoredRecord {
        StoredRecord { counter, arrival_ms, partition_key: format!("k{counter}"), data: vec![b'x'; 10], encrypted: false }
    }

    /// Plain records 0..3 at 100 ms steps, then a replica of a 2-record sample, 5 repetitions of 1 s with
    /// a counter stride of 10, then one more plain record.
    fn sample_log() -> RecordLog {
        let mut log = RecordLog::default();
        for c in 0..3 {
            log.push(rec(c, 1_000 + c * 100));
        }
        let sample = vec![rec(3, 1_300), rec(5, 1_400)];
        // (Saturating arithmetic inside replicas only matters for damaged saves; see the last test.)
        log.push_replica(Replica { sample, period_ms: 1_000, counter_stride: 10, repetitions: 5, skipped: 0 });
        log.push(rec(60, 6_500));
        log
    }

    #[test]
    fn replicas_read_like_the_records_they_stand_for() {
        let log = sample_log();
        assert_eq!(log.len(), 3 + 10 + 1);
        let all: Vec<(u64, u64)> = log.iter().map(|r| (r.counter, r.arrival_ms)).collect();
        assert_eq!(&all[..5], &[(0, 1_000), (1, 1_100), (2, 1_200), (13, 2_300), (15, 2_400)]);
        assert_eq!(all[12], (55, 6_400));
        assert_eq!(all[13], (60, 6_500));
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
        for (i, expected) in all.iter().enumerate() {
            let r = log.get(i).unwrap();
            assert_eq!((r.counter, r.arrival_ms), *expected);
            assert_eq!(log.iter_from(i).next().map(|r| r.counter), Some(expected.0));
            assert_eq!(log.first_at_or_after(expected.0), i);
            assert_eq!(log.first_at_or_after(expected.0 + 1), i + 1, "counters between records");
        }
        assert_eq!(log.first_arrived_at_or_after(2_350), 4);
        assert_eq!(log.first_arrived_at_or_after(99_999), 14);
        // The closed form agrees with the records one by one (replicas keep their sample's keys).
        assert_eq!(log.bytes(), log.iter().map(|r| r.billed_bytes()).sum::<u64>());
        assert_eq!(log.bytes(), 3 * 12 + 5 * (12 + 12) + 13);
        assert_eq!(log.back().unwrap().counter, 60);
        assert_eq!(log.replicated_len(), 10);
    }

    #[test]
    fn trimming_cuts_into_a_replica_and_keeps_bytes_exact() {
        let mut log = sample_log();
        let bytes_before = log.bytes();
        let (records, bytes) = log.trim_before(2_400);
        assert_eq!(records, 4);
        assert_eq!(log.front().unwrap().counter, 15);
        assert_eq!(log.bytes(), bytes_before - bytes);
        let (records, _) = log.trim_before(6_450);
        assert_eq!(records, 9);
        assert_eq!(log.len(), 1);
        assert_eq!(log.front().unwrap().counter, 60);
        log.trim_before(10_000);
        assert!(log.is_empty());
        assert_eq!(log.bytes(), 0);
    }

    #[test]
    fn saves_round_trip_and_old_saves_load() {
        let log = sample_log();
        let text = serde_json::to_string(&log).unwrap();
        let back: RecordLog = serde_json::from_str(&text).unwrap();
        assert_eq!(back, log);
        // A save from before replicas: a plain list of records.
        let old = serde_json::to_string(&vec![rec(0, 1), rec(1, 2)]).unwrap();
        let loaded: RecordLog = serde_json::from_str(&old).unwrap();
        assert_eq!(loaded.len(), 2);
        assert!(back.check(61, |_| true).is_ok());
        assert!(back.check(55, |_| true).is_err(), "records beyond the counter are refused");
    }

    /// A damaged save never panics: it loads, and `check` refuses it with a reason.
    #[test]
    fn damaged_replicas_are_refused_not_trusted() {
        let bad = [
            Replica { sample: vec![rec(5, 100), rec(3, 50)], period_ms: 1_000, counter_stride: 10, repetitions: 2, skipped: 0 },
            Replica { sample: vec![rec(3, 100)], period_ms: 1_000, counter_stride: 10, repetitions: 2, skipped: 9 },
            Replica { sample: vec![rec(3, 100)], period_ms: 1_000, counter_stride: u64::MAX / 2, repetitions: 4, skipped: 0 },
            Replica { sample: vec![rec(3, 100)], period_ms: 0, counter_stride: 10, repetitions: 2, skipped: 0 },
            Replica { sample: vec![], period_ms: 1_000, counter_stride: 10, repetitions: 2, skipped: 0 },
        ];
        for replica in bad {
            let text = format!("[{{\"replica\": {}}}]", serde_json::to_string(&replica).unwrap());
            let log: RecordLog = serde_json::from_str(&text).unwrap();
            assert!(log.check(u64::MAX, |_| true).is_err() || log.is_empty(), "{replica:?}");
            let _ = (log.len(), log.bytes(), log.front(), log.back());
        }
    }
}
