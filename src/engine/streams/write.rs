//! The write path: PutRecord and PutRecords (FACTS §1 "Writes").

use crate::engine::streams::error::{ErrorKind, StreamsError, StreamsResult};
use crate::engine::streams::hash::{parse_hash_key, partition_key_hash_key};
use crate::engine::streams::limits::PUT_RECORDS_MAX_REQUEST_BYTES;
use crate::engine::streams::metrics::{modelled_latency_ms, PUT_BASE_LATENCY_MS};
use crate::engine::streams::sequence::SequenceNumber;
use crate::engine::streams::shard::StoredRecord;
use crate::engine::streams::stream::{Stream, StreamStatus};
use crate::engine::streams::types::*;
use crate::engine::streams::StreamsEngine;
use crate::engine::time::EpochMillis;

/// Where one accepted record went.
struct Accepted {
    shard_id: String,
    sequence_number: String,
}

impl StreamsEngine {
    /// A stream that accepts writes: ACTIVE or UPDATING. AWS answers writes to a CREATING or DELETING
    /// stream as if it did not exist.
    fn writable_stream(&mut self, r: &StreamRef) -> StreamsResult<&mut Stream> {
        let account = self.config.account_id.clone();
        let stream = self.lookup_mut(r)?;
        match stream.status {
            StreamStatus::Active | StreamStatus::Updating => Ok(stream),
            _ => Err(StreamsError::stream_not_found(&stream.name, &account)),
        }
    }

    pub fn put_record(&mut self, input: PutRecordInput) -> StreamsResult<PutRecordOutput> {
        let now = self.now_ms;
        let enforce = self.config.enforce_limits;
        let account = self.config.account_id.clone();
        let stream = self.writable_stream(&input.stream)?;
        let hash_key = route(&input.partition_key, input.explicit_hash_key.as_deref())?;
        if let Some(seq) = &input.sequence_number_for_ordering {
            check_ordering_sequence(seq, stream, now, &account)?;
        }
        check_record_size(stream, &input.partition_key, &input.data.0)?;
        let accepted = append(stream, hash_key, input.partition_key, input.data.0, now, enforce, &account)?;
        let point = stream.metrics.at(now);
        point.put_record_success += 1;
        Ok(PutRecordOutput {
            shard_id: accepted.shard_id,
            sequence_number: accepted.sequence_number,
            encryption_type: Some(stream.encryption_type().into()),
        })
    }

    /// PutRecords: entries are tried in order; a throttled entry fails alone and the rest go on
    /// (partial failure is normal). Results line up with the request.
    pub fn put_records(&mut self, input: PutRecordsInput) -> StreamsResult<PutRecordsOutput> {
        let now = self.now_ms;
        let enforce = self.config.enforce_limits;
        let account = self.config.account_id.clone();
        let stream = self.writable_stream(&input.stream)?;
        // Whole-request checks come first: a bad key or an oversized entry fails the call.
        let mut request_bytes = 0u64;
        let mut routes = Vec::with_capacity(input.records.len());
        for entry in &input.records {
            routes.push(route(&entry.partition_key, entry.explicit_hash_key.as_deref())?);
            check_record_size(stream, &entry.partition_key, &entry.data.0)?;
            request_bytes += (entry.data.0.len() + entry.partition_key.len()) as u64;
        }
        if request_bytes > PUT_RECORDS_MAX_REQUEST_BYTES {
            return Err(StreamsError::invalid_argument(format!(
                "Records size exceeds {} MB limit",
                PUT_RECORDS_MAX_REQUEST_BYTES / (1024 * 1024)
            )));
        }
        let total = input.records.len() as u64;
        let mut failed = 0u32;
        let mut results = Vec::with_capacity(input.records.len());
        for (entry, hash_key) in input.records.into_iter().zip(routes) {
            match append(stream, hash_key, entry.partition_key, entry.data.0, now, enforce, &account) {
                Ok(a) => results.push(PutRecordsResultEntry {
                    sequence_number: Some(a.sequence_number),
                    shard_id: Some(a.shard_id),
                    error_code: None,
                    error_message: None,
                }),
                Err(e) => {
                    failed += 1;
                    results.push(PutRecordsResultEntry {
                        sequence_number: None,
                        shard_id: None,
                        error_code: Some(error_code(e.kind).into()),
                        error_message: Some(e.message),
                    });
                }
            }
        }
        let point = stream.metrics.at(now);
        point.put_records_total_records += total;
        point.put_records_successful_records += total - failed as u64;
        Ok(PutRecordsOutput { failed_record_count: failed, records: results, encryption_type: Some(stream.encryption_type().into()) })
    }
}

fn error_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
        _ => "InternalFailure",
    }
}

/// The hash key a record routes by: ExplicitHashKey if given, else MD5 of the partition key.
fn route(partition_key: &str, explicit: Option<&str>) -> StreamsResult<u128> {
    match explicit {
        None => Ok(partition_key_hash_key(partition_key)),
        Some(text) => parse_hash_key(text).ok_or_else(|| {
            StreamsError::invalid_argument(format!(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
            ))
        }),
    }
}

/// A record (data plus partition key) must fit the stream's MaxRecordSizeInKiB (default 1 MiB).
fn check_record_size(stream: &Stream, partition_key: &str, data: &[u8]) -> StreamsResult<()> {
    let size = (data.len() + partition_key.len()) as u64;
    let max = stream.max_record_bytes();
    if size > max {
        return Err(StreamsError::invalid_argument(format!(
            "Record size {size} bytes exceeds the maximum record size of {max} bytes ({} KiB) for stream {}. Raise it with UpdateMaxRecordSize (up to 10240 KiB).",
            stream.max_record_size_kib, stream.name
        )));
    }
    Ok(())
}

/// SequenceNumberForOrdering must be a sequence number of this stream that is not from the future.
fn check_ordering_sequence(text: &str, stream: &Stream, now: EpochMillis, account: &str) -> StreamsResult<()> {
    match SequenceNumber::decode(text) {
        Some(seq) if seq.arrival_ms <= now && seq.counter < stream.next_counter => Ok(()),
        _ => Err(StreamsError::invalid_argument(format!(
            "ExclusiveMinimumSequenceNumber {text} used in PutRecord on stream {} under account {account} is invalid.",
            stream.name
        ))),
    }
}

/// Route, throttle-check and store one record.
fn append(
    stream: &mut Stream,
    hash_key: u128,
    partition_key: String,
    data: Vec<u8>,
    now: EpochMillis,
    enforce: bool,
    account: &str,
) -> StreamsResult<Accepted> {
    let Some(index) = stream.open_shard_for(hash_key) else {
        // Open shards always tile the hash space; reaching here would be an engine bug.
        return Err(StreamsError::new(ErrorKind::InternalFailure, "Internal error: no open shard for hash key"));
    };
    let bytes = (data.len() + partition_key.len()) as u64;
    let name = stream.name.clone();
    let encrypted = stream.is_encrypted();
    let Some(shard) = stream.shard_mut(index) else {
        return Err(StreamsError::new(ErrorKind::InternalFailure, "Internal error: missing shard"));
    };
    if enforce {
        let records_ok = shard.write_records.try_take(1, now);
        let bytes_ok = records_ok && shard.write_bytes.try_take(bytes, now);
        if !bytes_ok {
            if records_ok {
                shard.write_records.give_back(1);
            }
            let id = shard.id();
            stream.metrics.at(now).write_throttled += 1;
            if let Some(shard) = stream.shard_mut(index) {
                shard.metrics.at(now).write_throttled += 1;
            }
            return Err(StreamsError::write_throttled(&id, &name, account));
        }
    }
    let counter = stream.take_counter();
    let sequence = SequenceNumber { arrival_ms: now, shard_index: index, counter };
    let record = StoredRecord { counter, arrival_ms: now, partition_key, data, encrypted };
    let latency = modelled_latency_ms(PUT_BASE_LATENCY_MS, bytes);
    let Some(shard) = stream.shard_mut(index) else {
        return Err(StreamsError::new(ErrorKind::InternalFailure, "Internal error: missing shard"));
    };
    shard.push(record);
    let sp = shard.metrics.at(now);
    sp.incoming_bytes += bytes;
    sp.incoming_records += 1;
    let shard_id = shard.id();
    let p = stream.metrics.at(now);
    p.incoming_bytes += bytes;
    p.incoming_records += 1;
    p.put_latency_ms_sum += latency;
    Ok(Accepted { shard_id, sequence_number: sequence.encode() })
}
