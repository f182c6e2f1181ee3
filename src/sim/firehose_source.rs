//! Firehose's reader of a Kinesis data stream source (FACTS.md §2 "Sources"): for each delivery stream
//! whose source is a Kinesis data stream, a classic polling reader that starts at the delivery stream's
//! creation time (Firehose reads from LATEST: nothing written before it existed), calls GetRecords once
//! per second per shard, follows resharding parents before children, and hands every record to the
//! Firehose engine.
//!
//! The reading goes through `KinesisService` like any other consumer, so it shares the shard's 5 reads/s
//! and 2 MiB/s with the learner's own consumers and can be throttled by them — as on AWS, where a
//! Firehose reading a stream counts as one of its classic consumers.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::api::firehose::FirehoseService;
use crate::api::KinesisService;
use crate::engine::firehose::types::{DeliveryStreamStatus, DeliveryStreamType};
use crate::engine::time::EpochMillis;
use crate::sim::consumers::polling::{PollingConfig, PollingConsumer, MAX_GET_RECORDS_LIMIT};
use crate::sim::consumers::seed_from_name;
use crate::sim::consumers::wire::StartPosition;

/// "Firehose calls GetRecords once every second for each Kinesis shard" (FACTS.md §2).
pub const SOURCE_POLL_INTERVAL_MS: u64 = 1_000;

/// One delivery stream's reader of its source stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirehoseSourceReader {
    pub delivery_stream: String,
    /// The delivery stream's creation time: a stream deleted and created again under the same name gets
    /// a new reader (its starting point differs).
    pub created_ms: EpochMillis,
    pub reader: PollingConsumer,
}

/// The Kinesis stream name in a stream ARN (`arn:aws:kinesis:region:account:stream/NAME`).
pub fn stream_name_from_arn(arn: &str) -> Option<&str> {
    arn.rsplit_once(":stream/").map(|(_, name)| name).filter(|n| !n.is_empty())
}

/// Keeps one reader per ACTIVE Kinesis-source delivery stream: adds readers for new ones, drops those
/// whose delivery stream is gone or was made again.
pub fn sync_readers(readers: &mut Vec<FirehoseSourceReader>, firehose: &FirehoseService) {
    let engine = &firehose.engine;
    readers.retain(|r| {
        engine.delivery_stream(&r.delivery_stream).is_some_and(|s| {
            s.stream_type == DeliveryStreamType::KinesisStreamAsSource && s.create_timestamp_ms == r.created_ms
        })
    });
    for stream in engine.delivery_streams() {
        let wanted = stream.stream_type == DeliveryStreamType::KinesisStreamAsSource
            && stream.status == DeliveryStreamStatus::Active
            && !readers.iter().any(|r| r.delivery_stream == stream.name);
        if !wanted {
            continue;
        }
        let Some(source_name) = stream.source.as_ref().and_then(|s| stream_name_from_arn(&s.kinesis_stream_arn)) else {
            continue;
        };
        let mut config = PollingConfig::new(&format!("firehose-{}", stream.name), source_name);
        config.start = StartPosition::AtTimestamp(stream.create_timestamp_ms);
        config.interval_ms = SOURCE_POLL_INTERVAL_MS;
        config.limit = MAX_GET_RECORDS_LIMIT;
        config.seed = seed_from_name(&stream.arn);
        // The configuration above is within every bound PollingConfig checks.
        if let Ok(mut reader) = PollingConsumer::new(config) {
            reader.forward_records = true;
            readers.push(FirehoseSourceReader {
                delivery_stream: stream.name.clone(),
                created_ms: stream.create_timestamp_ms,
                reader,
            });
        }
    }
}

/// One tick of every reader: read what is due, then hand the records to Firehose (at `now_ms`, which
/// the Firehose clock must already have reached).
pub fn step_readers(
    readers: &mut [FirehoseSourceReader],
    kinesis: &mut KinesisService,
    firehose: &mut FirehoseService,
    now_ms: EpochMillis,
    tick_ms: u64,
) {
    for r in readers.iter_mut() {
        r.reader.step(kinesis, now_ms, tick_ms);
        if r.reader.outbox.is_empty() {
            continue;
        }
        let records: Vec<Vec<u8>> = r
            .reader
            .outbox
            .drain(..)
            .filter_map(|w| STANDARD.decode(w.data_base64.as_bytes()).ok())
            .collect();
        // A delivery stream deleted this tick refuses them: they were read but are not delivered, as when
        // a real delivery stream is deleted.
        let _ = firehose.engine.ingest_from_source(&r.delivery_stream, &records);
    }
}
