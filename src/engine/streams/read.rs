//! The read path for classic (polling) consumers: GetShardIterator and GetRecords (FACTS §1 "Reads").

use crate::engine::streams::error::{StreamsError, StreamsResult};
use crate::engine::streams::iterator::ShardIterator;
use crate::engine::streams::limits::*;
use crate::engine::streams::metrics::{modelled_latency_ms, GET_BASE_LATENCY_MS};
use crate::engine::streams::sequence::SequenceNumber;
use crate::engine::streams::shard::{parse_shard_id, shard_id, Shard};
use crate::engine::streams::stream::Stream;
use crate::engine::streams::types::*;
use crate::engine::streams::StreamsEngine;
use crate::engine::time::EpochMillis;

/// Where a read starts, resolved against a shard.
pub(crate) enum StartAt {
    TrimHorizon,
    Latest,
    AtSequence(String),
    AfterSequence(String),
    AtTimestamp(EpochMillis),
}

const ITERATOR_TYPES_MESSAGE: &str = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber.";

impl StartAt {
    /// Interpret ShardIteratorType with its StartingSequenceNumber / Timestamp, with AWS's messages.
    pub(crate) fn parse(kind: &str, sequence: Option<&str>, timestamp: Option<EpochMillis>) -> StreamsResult<StartAt> {
        match (kind, sequence) {
            ("TRIM_HORIZON" | "LATEST", Some(_)) => Err(StreamsError::invalid_argument(format!(
                "{ITERATOR_TYPES_MESSAGE} Request specified {kind} and also a StartingSequenceNumber."
            ))),
            ("TRIM_HORIZON", None) => Ok(StartAt::TrimHorizon),
            ("LATEST", None) => Ok(StartAt::Latest),
            ("AT_SEQUENCE_NUMBER", Some(s)) => Ok(StartAt::AtSequence(s.to_string())),
            ("AFTER_SEQUENCE_NUMBER", Some(s)) => Ok(StartAt::AfterSequence(s.to_string())),
            ("AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", None) => Err(StreamsError::invalid_argument(format!(
                "{ITERATOR_TYPES_MESSAGE} Request specified {kind} and no StartingSequenceNumber."
            ))),
            ("AT_TIMESTAMP", _) => match timestamp {
                Some(t) => Ok(StartAt::AtTimestamp(t)),
                None => Err(StreamsError::invalid_argument(
                    "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
                )),
            },
            _ => Err(StreamsError::invalid_argument(format!("{ITERATOR_TYPES_MESSAGE} Request specified {kind}."))),
        }
    }

    /// The stream-wide counter to read from in `shard`.
    pub(crate) fn position(&self, stream: &Stream, shard: &Shard, now: EpochMillis, account: &str, operation: &str) -> StreamsResult<u64> {
        let decode = |text: &str| -> StreamsResult<SequenceNumber> {
            let seq = SequenceNumber::decode(text).ok_or_else(|| {
                StreamsError::invalid_argument(format!(
                    "StartingSequenceNumber {text} used in {operation} on shard {} in stream {} under account {account} is invalid.",
                    shard.id(),
                    stream.name
                ))
            })?;
            if seq.shard_index != shard.index {
                return Err(StreamsError::invalid_argument(format!(
                    "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {}",
                    shard_id(seq.shard_index),
                    shard.id()
                )));
            }
            Ok(seq)
        };
        Ok(match self {
            StartAt::TrimHorizon => 0,
            StartAt::Latest => {
                if shard.is_open() {
                    stream.next_counter
                } else {
                    // A closed shard's tip is its end.
                    shard.ending_sequence.map_or(stream.next_counter, |s| s.counter)
                }
            }
            StartAt::AtSequence(text) => decode(text)?.counter,
            StartAt::AfterSequence(text) => decode(text)?.counter + 1,
            StartAt::AtTimestamp(t) => {
                if *t > now {
                    return Err(StreamsError::invalid_argument(format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {t}, currentTimestampInMillis: {now}"
                    )));
                }
                let i = shard.first_arrived_at_or_after(*t);
                match shard.records.get(i) {
                    Some(r) => r.counter,
                    None if shard.is_open() => stream.next_counter,
                    None => shard.ending_sequence.map_or(stream.next_counter, |s| s.counter),
                }
            }
        })
    }
}

/// The children of a closed shard as GetRecords / SubscribeToShard report them.
pub(crate) fn child_shards(stream: &Stream, shard: &Shard) -> Vec<ChildShard> {
    shard
        .children
        .iter()
        .filter_map(|c| stream.shard(*c))
        .map(|child| ChildShard {
            shard_id: child.id(),
            parent_shards: [child.parent, child.adjacent_parent].into_iter().flatten().map(shard_id).collect(),
            hash_key_range: HashKeyRange {
                starting_hash_key: child.range.start.to_string(),
                ending_hash_key: child.range.end.to_string(),
            },
        })
        .collect()
}

/// A record as the API returns it.
pub(crate) fn record_view(shard_index: u64, r: &crate::engine::streams::shard::StoredRecord) -> Record {
    Record {
        sequence_number: SequenceNumber { arrival_ms: r.arrival_ms, shard_index, counter: r.counter }.encode(),
        approximate_arrival_timestamp: Timestamp(r.arrival_ms),
        data: Blob(r.data.clone()),
        partition_key: r.partition_key.clone(),
        encryption_type: r.encrypted.then(|| "KMS".to_string()),
    }
}

/// A batch read from a shard: the records, where reading stops, and whether the shard's end was reached.
pub(crate) struct Batch {
    pub records: Vec<Record>,
    pub bytes: u64,
    pub next_position: u64,
    pub reached_end: bool,
    pub millis_behind_latest: u64,
    pub last_arrival_ms: Option<EpochMillis>,
}

/// Read up to `limit` records / `max_bytes` from `position`.
pub(crate) fn read_batch(shard: &Shard, position: u64, limit: usize, max_bytes: u64, now: EpochMillis) -> Batch {
    let start = shard.first_at_or_after(position);
    let mut records = Vec::new();
    let mut bytes = 0u64;
    let mut next_position = position;
    let mut last_arrival_ms = None;
    for r in shard.records.iter_from(start) {
        let size = r.billed_bytes();
        if records.len() >= limit || (!records.is_empty() && bytes + size > max_bytes) {
            break;
        }
        bytes += size;
        next_position = r.counter + 1;
        last_arrival_ms = Some(r.arrival_ms);
        records.push(record_view(shard.index, &r));
    }
    let unread = shard.records.get(start + records.len());
    let reached_end = !shard.is_open() && unread.is_none();
    // How far behind the tip the consumer is once it has this batch: the age of the last record it was
    // given (or of the first it still lacks); zero when nothing is left to read (aws-models GetRecordsOutput).
    let millis_behind_latest = match unread {
        None => 0,
        Some(next) => now.saturating_sub(last_arrival_ms.unwrap_or(next.arrival_ms)),
    };
    Batch { records, bytes, next_position, reached_end, millis_behind_latest, last_arrival_ms }
}

impl StreamsEngine {
    pub fn get_shard_iterator(&mut self, input: GetShardIteratorInput) -> StreamsResult<GetShardIteratorOutput> {
        let now = self.now_ms;
        let account = self.config.account_id.clone();
        let enforce = self.config.enforce_limits;
        let name = self.resolve_name(&input.stream)?;
        let index = parse_shard_id(&input.shard_id).ok_or_else(|| {
            StreamsError::not_found(format!("Could not find shard {} in stream {name} under account {account}.", input.shard_id))
        })?;
        let missing = || StreamsError::shard_not_found(&shard_id(index), &name, &account);
        let stream = self.streams.get_mut(&name).ok_or_else(missing)?;
        let visible = stream.shard(index).is_some_and(|s| !stream.is_expired(s, now));
        if !visible {
            return Err(missing());
        }
        let start = StartAt::parse(&input.shard_iterator_type, input.starting_sequence_number.as_deref(), input.timestamp.map(|t| t.0))?;
        let shard = stream.shard(index).ok_or_else(missing)?;
        let position = start.position(stream, shard, now, &account, "GetShardIterator")?;
        let incarnation = stream.incarnation;
        if enforce {
            let Some(shard) = stream.shard_mut(index) else { return Err(missing()) };
            if !shard.iterator_calls.try_call(SHARD_READ_CALLS_PER_SEC, now) {
                return Err(StreamsError::read_throttled(&shard_id(index), &name, &account));
            }
        }
        let iterator = ShardIterator { stream_incarnation: incarnation, shard_index: index, position, created_ms: now };
        Ok(GetShardIteratorOutput { shard_iterator: iterator.encode() })
    }

    pub fn get_records(&mut self, input: GetRecordsInput) -> StreamsResult<GetRecordsOutput> {
        let now = self.now_ms;
        let account = self.config.account_id.clone();
        let enforce = self.config.enforce_limits;
        let iterator = ShardIterator::decode(&input.shard_iterator)
            .filter(|it| it.created_ms <= now)
            .ok_or_else(|| StreamsError::invalid_argument("Invalid ShardIterator."))?;
        if now - iterator.created_ms > SHARD_ITERATOR_TTL_MS {
            return Err(StreamsError::iterator_expired(iterator.created_ms, now));
        }
        let shard_name = shard_id(iterator.shard_index);
        let Some(stream) = self.streams.values_mut().find(|s| s.incarnation == iterator.stream_incarnation) else {
            let name = self.names_by_incarnation.get(&iterator.stream_incarnation).cloned().unwrap_or_default();
            return Err(StreamsError::shard_not_found(&shard_name, &name, &account));
        };
        if let Some(arn) = &input.stream_arn {
            if *arn != stream.arn {
                return Err(StreamsError::invalid_argument(format!("StreamARN {arn} does not match the stream of the shard iterator.")));
            }
        }
        let name = stream.name.clone();
        let visible = stream.shard(iterator.shard_index).is_some_and(|s| !stream.is_expired(s, now));
        if !visible {
            return Err(StreamsError::shard_not_found(&shard_name, &name, &account));
        }
        let Some(shard) = stream.shard_mut(iterator.shard_index) else {
            return Err(StreamsError::shard_not_found(&shard_name, &name, &account));
        };
        if enforce {
            // Both rules are per shard and shared by every classic consumer: 5 calls/s and 2 MiB/s.
            let call_ok = shard.read_calls.try_call(SHARD_READ_CALLS_PER_SEC, now);
            if !call_ok || !shard.read_debt.is_clear(now) {
                shard.metrics.at(now).read_throttled += 1;
                stream.metrics.at(now).read_throttled += 1;
                return Err(StreamsError::read_throttled(&shard_name, &name, &account));
            }
        }
        let limit = input.limit.unwrap_or(GET_RECORDS_MAX_RECORDS).clamp(1, GET_RECORDS_MAX_RECORDS) as usize;
        let batch = read_batch(shard, iterator.position, limit, GET_RECORDS_MAX_BYTES, now);
        if enforce {
            shard.read_debt.add(batch.bytes, now);
        }
        let iterator_age = batch.last_arrival_ms.map_or(0, |a| now.saturating_sub(a));
        let sp = shard.metrics.at(now);
        sp.outgoing_bytes += batch.bytes;
        sp.outgoing_records += batch.records.len() as u64;
        sp.iterator_age_ms_max = sp.iterator_age_ms_max.max(iterator_age);
        let shard_snapshot_children = if batch.reached_end { stream.shard(iterator.shard_index).map(|s| child_shards(stream, s)) } else { None };
        let p = stream.metrics.at(now);
        p.get_records_success += 1;
        p.outgoing_bytes += batch.bytes;
        p.outgoing_records += batch.records.len() as u64;
        p.iterator_age_ms_max = p.iterator_age_ms_max.max(iterator_age);
        p.get_latency_ms_sum += modelled_latency_ms(GET_BASE_LATENCY_MS, batch.bytes);
        let next_shard_iterator = (!batch.reached_end).then(|| {
            ShardIterator { position: batch.next_position, created_ms: now, ..iterator }.encode()
        });
        Ok(GetRecordsOutput {
            records: batch.records,
            next_shard_iterator,
            millis_behind_latest: batch.millis_behind_latest,
            child_shards: shard_snapshot_children,
        })
    }
}
