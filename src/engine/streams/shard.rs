//! A shard: its hash-key range, lineage, stored records and throughput accounting.

use crate::engine::streams::hash::HashRange;
use crate::engine::streams::limits::{
    MIB, SHARD_READ_BYTES_PER_SEC, SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC,
};
use crate::engine::streams::metrics::{MetricSeries, SHARD_SERIES_SECONDS};
use crate::engine::streams::record_log::{RecordLog, Replica};
use crate::engine::streams::sequence::SequenceNumber;
use crate::engine::streams::throttle::{CallsPerSecond, ReadDebt, TokenBucket};
use crate::engine::time::EpochMillis;

/// `shardId-` + 12 zero-padded digits (FACTS §1).
pub fn shard_id(index: u64) -> String {
    format!("shardId-{index:012}")
}

/// Read a shard id the way AWS does: the digits after the last `-` (or the whole text), e.g.
/// `shardId-000000000005`, `shardId-5` and `5` all name shard 5. `None` when it names no index.
pub fn parse_shard_id(text: &str) -> Option<u64> {
    let digits = text.rsplit('-').next().unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().filter(|i| *i <= i32::MAX as u64)
}

/// One stored record. Serialised compactly by `persist` (a positional array with base64 data).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    /// Stream-wide write order; encodes into the sequence number.
    pub counter: u64,
    pub arrival_ms: EpochMillis,
    pub partition_key: String,
    pub data: Vec<u8>,
    pub encrypted: bool,
}

impl StoredRecord {
    /// Bytes that count against throughput: data plus partition key (FACTS §1 "Writes").
    pub fn billed_bytes(&self) -> u64 {
        (self.data.len() + self.partition_key.len()) as u64
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u64,
    pub range: HashRange,
    pub parent: Option<u64>,
    pub adjacent_parent: Option<u64>,
    pub created_ms: EpochMillis,
    pub starting_sequence: SequenceNumber,
    /// Set when the shard is closed by a split or merge.
    pub ending_sequence: Option<SequenceNumber>,
    pub closed_ms: Option<EpochMillis>,
    /// Children, set when closed.
    pub children: Vec<u64>,
    pub records: RecordLog,
    /// Bytes currently stored (for bounded memory and the UI).
    pub stored_bytes: u64,
    pub write_bytes: TokenBucket,
    pub write_records: TokenBucket,
    pub read_calls: CallsPerSecond,
    pub iterator_calls: CallsPerSecond,
    pub read_debt: ReadDebt,
    pub metrics: MetricSeries,
}

impl Shard {
    pub fn new(
        index: u64,
        range: HashRange,
        parents: (Option<u64>, Option<u64>),
        starting_sequence: SequenceNumber,
        max_record_bytes: u64,
        now_ms: EpochMillis,
    ) -> Self {
        Shard {
            index,
            range,
            parent: parents.0,
            adjacent_parent: parents.1,
            created_ms: now_ms,
            starting_sequence,
            ending_sequence: None,
            closed_ms: None,
            children: Vec::new(),
            records: RecordLog::default(),
            stored_bytes: 0,
            write_bytes: TokenBucket::full(write_burst_bytes(max_record_bytes), SHARD_WRITE_BYTES_PER_SEC, now_ms),
            write_records: TokenBucket::full(SHARD_WRITE_RECORDS_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC, now_ms),
            read_calls: CallsPerSecond::default(),
            iterator_calls: CallsPerSecond::default(),
            read_debt: ReadDebt::new(SHARD_READ_BYTES_PER_SEC, now_ms),
            metrics: MetricSeries::new(SHARD_SERIES_SECONDS),
        }
    }

    pub fn id(&self) -> String {
        shard_id(self.index)
    }

    pub fn is_open(&self) -> bool {
        self.closed_ms.is_none()
    }

    /// Index of the first stored record at or after stream position `counter`.
    pub fn first_at_or_after(&self, counter: u64) -> usize {
        self.records.first_at_or_after(counter)
    }

    /// Index of the first stored record that arrived at or after `ms`.
    pub fn first_arrived_at_or_after(&self, ms: EpochMillis) -> usize {
        self.records.first_arrived_at_or_after(ms)
    }

    pub fn push(&mut self, record: StoredRecord) {
        self.stored_bytes += record.billed_bytes();
        self.records.push(record);
    }

    /// Appends a replica of steady traffic (see `record_log`).
    pub fn push_replica(&mut self, replica: Replica) {
        self.stored_bytes += replica.bytes();
        self.records.push_replica(replica);
    }

    /// Drop records that arrived before `cutoff_ms` (retention). Returns how many went.
    pub fn trim_before(&mut self, cutoff_ms: EpochMillis) -> usize {
        let (records, bytes) = self.records.trim_before(cutoff_ms);
        self.stored_bytes -= bytes;
        records as usize
    }

    pub fn set_max_record_bytes(&mut self, max_record_bytes: u64, now_ms: EpochMillis) {
        self.write_bytes.set_capacity(write_burst_bytes(max_record_bytes), now_ms);
    }
}

/// The write bucket holds one second of bandwidth, or one maximum-size record if that is larger: the
/// "burst allowance" that lets a stream with a 10 MiB record ceiling accept an occasional 10 MiB record
/// while averaging 1 MiB/s (AWS "Handle large records").
fn write_burst_bytes(max_record_bytes: u64) -> u64 {
    max_record_bytes.max(MIB)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Source: FACTS.md §1 — shard ids are `shardId-` + 12 zero-padded digits.
    #[test]
    fn shard_id_format_and_lenient_parsing() {
        assert_eq!(shard_id(5), "shardId-000000000005");
        assert_eq!(parse_shard_id("shardId-000000000005"), Some(5));
        assert_eq!(parse_shard_id("shardId-5"), Some(5));
        assert_eq!(parse_shard_id("5"), Some(5));
        assert_eq!(parse_shard_id("shardId-x"), None);
        assert_eq!(parse_shard_id("2147483648"), None);
    }
}
