//! Amazon Data Firehose: a pure, deterministic engine driven by the simulated clock (FACTS.md §2).
//!
//! Delivery streams take records by Direct PUT (within the per-stream quota), buffer them per stream,
//! flush on size or interval, whichever comes first, and write S3 objects (compressed as configured,
//! named as Firehose names them) into the engine's simulated S3. `advance_to` moves time and does
//! whatever falls due: status transitions and interval flushes, each at its own instant.
//!
//! Not simulated yet (issue 4, point 1): Lambda transforms, dynamic partitioning, format conversion,
//! destinations other than S3, destination outages and retries, Kinesis-stream source polling.

pub mod compress;
pub mod convert;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod prefix;
pub mod s3;
pub mod types;

use std::collections::{BTreeMap, VecDeque};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::engine::streams::throttle::TokenBucket;
use crate::engine::time::{second_of, EpochMillis, MILLIS_PER_SECOND};
use compress::CompressionFormat;
use error::{FirehoseError, FirehoseErrorKind, FirehoseResult};
use limits::*;
use metrics::FirehoseMetricSeries;
use s3::{S3Object, S3Store};
use types::*;

/// The one destination id a delivery stream has (AWS names it so).
pub const DESTINATION_ID: &str = "destinationId-000000000001";

/// The Direct PUT quota of each delivery stream (FACTS §2): set lower for the smaller regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectPutQuota {
    pub records_per_sec: u64,
    pub requests_per_sec: u64,
    pub bytes_per_sec: u64,
}

impl DirectPutQuota {
    /// us-east-1, us-west-2, eu-west-1.
    pub const LARGE_REGION: DirectPutQuota = DirectPutQuota {
        records_per_sec: DIRECT_PUT_RECORDS_PER_SEC,
        requests_per_sec: DIRECT_PUT_REQUESTS_PER_SEC,
        bytes_per_sec: DIRECT_PUT_BYTES_PER_SEC,
    };
    /// Every other region.
    pub const SMALL_REGION: DirectPutQuota = DirectPutQuota {
        records_per_sec: SMALL_REGION_DIRECT_PUT_RECORDS_PER_SEC,
        requests_per_sec: SMALL_REGION_DIRECT_PUT_REQUESTS_PER_SEC,
        bytes_per_sec: SMALL_REGION_DIRECT_PUT_BYTES_PER_SEC,
    };

    /// The default quota of a region.
    pub fn for_region(region: &str) -> Self {
        if matches!(region, "us-east-1" | "us-west-2" | "eu-west-1") {
            Self::LARGE_REGION
        } else {
            Self::SMALL_REGION
        }
    }
}

/// Settings of a Firehose simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirehoseConfig {
    pub account_id: String,
    pub region: String,
    /// Seeds every random string (record ids, object-name UUIDs, `!{firehose:random-string}`).
    pub seed: u64,
    /// How long CREATING and DELETING last, in simulated ms.
    pub transition_ms: u64,
    pub direct_put_quota: DirectPutQuota,
    /// Quota enforcement on (off only for load tests).
    pub enforce_limits: bool,
    pub delivery_stream_limit: usize,
    pub metric_series_seconds: usize,
}

impl Default for FirehoseConfig {
    fn default() -> Self {
        FirehoseConfig {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            seed: 0x00f1_5e40_5e00,
            transition_ms: DEFAULT_TRANSITION_MS,
            direct_put_quota: DirectPutQuota::LARGE_REGION,
            enforce_limits: true,
            delivery_stream_limit: DEFAULT_DELIVERY_STREAM_LIMIT,
            metric_series_seconds: METRIC_SERIES_SECONDS,
        }
    }
}

/// One delivery stream's buffer (one per stream; per partition once dynamic partitioning exists). It
/// holds the bytes exactly as they will be written (records concatenated, delimiters appended), not one
/// allocation per record, so a 128 MiB buffer of small records costs 128 MiB.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buffer {
    #[serde(with = "crate::engine::firehose::s3::base64_bytes")]
    pub data: Vec<u8>,
    pub records: u64,
    /// Arrival of the oldest buffered record (the object's timestamps come from it).
    pub oldest_arrival_ms: Option<EpochMillis>,
    pub first_record_id: Option<String>,
    pub last_record_id: Option<String>,
}

impl Buffer {
    pub fn oldest_arrival_ms(&self) -> Option<EpochMillis> {
        self.oldest_arrival_ms
    }

    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Bytes as they will be written, before compression.
    pub fn bytes(&self) -> u64 {
        self.data.len() as u64
    }
}

/// Per-stream Direct PUT token buckets (records, requests, bytes per second).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Throttle {
    records: TokenBucket,
    requests: TokenBucket,
    bytes: TokenBucket,
}

impl Throttle {
    fn new(q: DirectPutQuota, now_ms: EpochMillis) -> Self {
        Throttle {
            records: TokenBucket::full(q.records_per_sec, q.records_per_sec, now_ms),
            requests: TokenBucket::full(q.requests_per_sec, q.requests_per_sec, now_ms),
            bytes: TokenBucket::full(q.bytes_per_sec, q.bytes_per_sec, now_ms),
        }
    }
}

/// One delivery stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryStream {
    pub name: String,
    pub arn: String,
    pub status: DeliveryStreamStatus,
    pub stream_type: DeliveryStreamType,
    pub source: Option<KinesisStreamSourceConfiguration>,
    pub destination: ExtendedS3Destination,
    /// Starts at 1; UpdateDestination adds one (FACTS §2).
    pub version_id: u64,
    pub create_timestamp_ms: EpochMillis,
    pub last_update_timestamp_ms: Option<EpochMillis>,
    /// When the pending status change (CREATING → ACTIVE, DELETING → gone) happens.
    pub transition_due_ms: Option<EpochMillis>,
    pub buffer: Buffer,
    throttle: Throttle,
    pub metrics: FirehoseMetricSeries,
}

impl DeliveryStream {
    /// When the buffer's interval flush falls due (interval measured from the first buffered record).
    pub fn flush_due_ms(&self) -> Option<EpochMillis> {
        if self.status != DeliveryStreamStatus::Active {
            return None;
        }
        let interval_ms = self.destination.buffering_hints.interval_in_seconds as u64 * MILLIS_PER_SECOND;
        self.buffer.oldest_arrival_ms().map(|t| t + interval_ms)
    }

    fn size_limit_bytes(&self) -> u64 {
        self.destination.buffering_hints.size_in_mbs as u64 * MIB
    }

    fn delimiter(&self) -> &'static [u8] {
        match &self.destination.processing_configuration {
            Some(p) if p.appends_delimiter() => b"\n",
            _ => b"",
        }
    }
}

/// Why a buffer was flushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlushReason {
    Size,
    Interval,
    /// UpdateDestination: what was buffered under the old configuration is delivered with it.
    Update,
}

/// One S3 delivery, in the order they happened (for lineage views and tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub stream: String,
    pub bucket: String,
    pub key: String,
    /// The delivered records: `records` consecutive accepted records of the stream, from the first to
    /// the last id (a stream's records reach S3 in the order they were accepted).
    pub records: u64,
    pub first_record_id: String,
    pub last_record_id: String,
    /// Bytes before compression, and as stored.
    pub bytes: u64,
    pub stored_bytes: u64,
    pub delivered_ms: EpochMillis,
    pub reason: FlushReason,
}

/// One simulated account-and-region's Firehose.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirehoseEngine {
    pub config: FirehoseConfig,
    now_ms: EpochMillis,
    rng: Pcg64Mcg,
    streams: BTreeMap<String, DeliveryStream>,
    pub s3: S3Store,
    deliveries: VecDeque<Delivery>,
}

impl FirehoseEngine {
    pub fn new(config: FirehoseConfig, start_ms: EpochMillis) -> Self {
        let rng = Pcg64Mcg::seed_from_u64(config.seed);
        FirehoseEngine {
            config,
            now_ms: start_ms,
            rng,
            streams: BTreeMap::new(),
            s3: S3Store::default(),
            deliveries: VecDeque::new(),
        }
    }

    pub fn now_ms(&self) -> EpochMillis {
        self.now_ms
    }

    pub fn stream_arn(&self, name: &str) -> String {
        format!("arn:aws:firehose:{}:{}:deliverystream/{name}", self.config.region, self.config.account_id)
    }

    pub fn delivery_stream(&self, name: &str) -> Option<&DeliveryStream> {
        self.streams.get(name)
    }

    pub fn delivery_streams(&self) -> impl Iterator<Item = &DeliveryStream> {
        self.streams.values()
    }

    /// S3 deliveries, oldest first (the newest `DELIVERY_LOG_MAX` kept).
    pub fn deliveries(&self) -> impl DoubleEndedIterator<Item = &Delivery> {
        self.deliveries.iter()
    }

    // ---- time ----

    /// Moves the clock to `target_ms`, doing everything due on the way at its own instant: CREATING →
    /// ACTIVE, DELETING → removed, interval flushes (interval 0: on this advance). Never runs back.
    pub fn advance_to(&mut self, target_ms: EpochMillis) {
        while let Some((due, name, is_transition)) = self.next_due(target_ms) {
            self.sample_freshness(due);
            self.now_ms = self.now_ms.max(due);
            if is_transition {
                self.complete_transition(&name);
            } else {
                self.flush(&name, FlushReason::Interval);
            }
        }
        self.sample_freshness(target_ms);
        self.now_ms = self.now_ms.max(target_ms);
    }

    /// DeliveryToS3.DataFreshness for every second from now to `to_ms` in which a stream holds
    /// undelivered records: the age of its oldest one at the end of that second (or at `to_ms`). Only
    /// the seconds the series keeps are filled, so a long advance costs at most the series length.
    fn sample_freshness(&mut self, to_ms: EpochMillis) {
        let from_ms = self.now_ms;
        if to_ms < from_ms {
            return;
        }
        for stream in self.streams.values_mut() {
            let Some(oldest) = stream.buffer.oldest_arrival_ms() else { continue };
            let last = second_of(to_ms);
            let first = second_of(from_ms).max(last.saturating_sub(stream.metrics.capacity_seconds() as u64));
            for sec in first..=last {
                let at = (sec * MILLIS_PER_SECOND + MILLIS_PER_SECOND - 1).min(to_ms).max(from_ms);
                let p = stream.metrics.at(at);
                p.data_freshness_ms_max = p.data_freshness_ms_max.max(at.saturating_sub(oldest));
            }
        }
    }

    pub fn advance_by(&mut self, delta_ms: u64) {
        self.advance_to(self.now_ms.saturating_add(delta_ms));
    }

    /// The earliest thing due at or before `limit_ms`: (when, stream, is it a status transition).
    fn next_due(&self, limit_ms: EpochMillis) -> Option<(EpochMillis, String, bool)> {
        self.streams
            .values()
            .flat_map(|s| {
                let t = s.transition_due_ms.map(|d| (d, s.name.clone(), true));
                let f = s.flush_due_ms().map(|d| (d, s.name.clone(), false));
                t.into_iter().chain(f)
            })
            .filter(|(due, _, _)| *due <= limit_ms)
            .min_by_key(|(due, name, is_transition)| (*due, !*is_transition, name.clone()))
    }

    fn complete_transition(&mut self, name: &str) {
        let Some(stream) = self.streams.get_mut(name) else { return };
        stream.transition_due_ms = None;
        match stream.status {
            DeliveryStreamStatus::Creating => stream.status = DeliveryStreamStatus::Active,
            DeliveryStreamStatus::Deleting => {
                self.streams.remove(name);
            }
            _ => {}
        }
    }

    // ---- control plane ----

    /// CreateDeliveryStream: validates, then the stream is CREATING until `transition_ms` has passed.
    pub fn create_delivery_stream(&mut self, input: CreateDeliveryStreamInput) -> FirehoseResult<String> {
        let name = input.delivery_stream_name.as_str();
        validate_name(name)?;
        let stream_type = input.delivery_stream_type.unwrap_or_default();
        let source = match (stream_type, input.kinesis_stream_source_configuration) {
            (DeliveryStreamType::KinesisStreamAsSource, Some(src)) => {
                validate_kinesis_source(&src)?;
                Some(src)
            }
            (DeliveryStreamType::KinesisStreamAsSource, None) => {
                return Err(FirehoseError::invalid_argument(
                    "KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource.",
                ))
            }
            (DeliveryStreamType::DirectPut, Some(_)) => return Err(FirehoseError::invalid_argument(
                "KinesisStreamSourceConfiguration is only allowed when DeliveryStreamType is KinesisStreamAsSource.",
            )),
            (DeliveryStreamType::DirectPut, None) => None,
        };
        let Some(dest) = input.extended_s3_destination_configuration else {
            return Err(FirehoseError::invalid_argument(
                "Exactly one destination configuration must be specified (ExtendedS3DestinationConfiguration).",
            ));
        };
        let destination = resolve_destination(dest)?;
        if self.streams.contains_key(name) {
            return Err(FirehoseError::stream_exists(name, &self.config.account_id));
        }
        if self.streams.len() >= self.config.delivery_stream_limit {
            return Err(FirehoseError::new(
                FirehoseErrorKind::LimitExceeded,
                format!(
                    "You have already reached the limit of {} Firehose streams in this account and region.",
                    self.config.delivery_stream_limit
                ),
            ));
        }
        let now = self.now_ms;
        let arn = self.stream_arn(name);
        let stream = DeliveryStream {
            name: name.to_string(),
            arn: arn.clone(),
            status: DeliveryStreamStatus::Creating,
            stream_type,
            source,
            destination,
            version_id: 1,
            create_timestamp_ms: now,
            last_update_timestamp_ms: None,
            transition_due_ms: Some(now + self.config.transition_ms),
            buffer: Buffer::default(),
            throttle: Throttle::new(self.config.direct_put_quota, now),
            metrics: FirehoseMetricSeries::new(self.config.metric_series_seconds),
        };
        self.streams.insert(name.to_string(), stream);
        Ok(arn)
    }

    /// DeleteDeliveryStream: refused while CREATING (model); DELETING for `transition_ms`, then gone.
    /// Buffered data is dropped ("Deletes a Firehose stream and its data").
    pub fn delete_delivery_stream(&mut self, name: &str) -> FirehoseResult<()> {
        let account = self.config.account_id.clone();
        let now = self.now_ms;
        let transition = self.config.transition_ms;
        let stream = self.streams.get_mut(name).ok_or_else(|| FirehoseError::stream_not_found(name, &account))?;
        match stream.status {
            DeliveryStreamStatus::Creating => Err(FirehoseError::stream_not_active(name, &account, "CREATING")),
            DeliveryStreamStatus::Deleting => Ok(()),
            _ => {
                stream.status = DeliveryStreamStatus::Deleting;
                stream.transition_due_ms = Some(now + transition);
                stream.buffer = Buffer::default();
                Ok(())
            }
        }
    }

    /// DescribeDeliveryStream.
    pub fn describe_delivery_stream(&self, name: &str) -> FirehoseResult<DeliveryStreamDescription> {
        let s = self.streams.get(name).ok_or_else(|| FirehoseError::stream_not_found(name, &self.config.account_id))?;
        let d = &s.destination;
        Ok(DeliveryStreamDescription {
            delivery_stream_name: s.name.clone(),
            delivery_stream_arn: s.arn.clone(),
            delivery_stream_status: s.status,
            delivery_stream_type: s.stream_type,
            version_id: s.version_id.to_string(),
            create_timestamp_ms: s.create_timestamp_ms,
            last_update_timestamp_ms: s.last_update_timestamp_ms,
            source: s.source.as_ref().map(|src| SourceDescription {
                kinesis_stream_source_description: KinesisStreamSourceDescription {
                    kinesis_stream_arn: src.kinesis_stream_arn.clone(),
                    role_arn: src.role_arn.clone(),
                    delivery_start_timestamp_ms: s.create_timestamp_ms,
                },
            }),
            destinations: vec![DestinationDescription {
                destination_id: DESTINATION_ID.to_string(),
                extended_s3_destination_description: ExtendedS3DestinationDescription {
                    role_arn: d.role_arn.clone(),
                    bucket_arn: d.bucket_arn.clone(),
                    prefix: d.prefix.clone(),
                    error_output_prefix: d.error_output_prefix.clone(),
                    buffering_hints: d.buffering_hints,
                    compression_format: d.compression_format,
                    processing_configuration: d.processing_configuration.clone(),
                },
            }],
            has_more_destinations: false,
        })
    }

    /// ListDeliveryStreams: names in alphabetical order, after `exclusive_start`, at most `limit`
    /// (default 10, 1–10,000 per the model), optionally of one type.
    pub fn list_delivery_streams(
        &self,
        limit: Option<u32>,
        stream_type: Option<DeliveryStreamType>,
        exclusive_start: Option<&str>,
    ) -> FirehoseResult<ListDeliveryStreamsOutput> {
        let limit = limit.unwrap_or(LIST_DEFAULT_LIMIT);
        if limit < 1 {
            return Err(FirehoseError::validation("limit", "Member must have value greater than or equal to 1"));
        }
        if limit > LIST_MAX_LIMIT {
            return Err(FirehoseError::validation("limit", "Member must have value less than or equal to 10000"));
        }
        let mut names = self
            .streams
            .values()
            .filter(|s| stream_type.is_none_or(|t| s.stream_type == t))
            .filter(|s| exclusive_start.is_none_or(|start| s.name.as_str() > start))
            .map(|s| s.name.clone());
        let delivery_stream_names: Vec<String> = names.by_ref().take(limit as usize).collect();
        let has_more_delivery_streams = names.next().is_some();
        Ok(ListDeliveryStreamsOutput { delivery_stream_names, has_more_delivery_streams })
    }

    /// UpdateDestination: merges the given fields into the Extended S3 destination and bumps the version.
    /// The current version id must match (ConcurrentModificationException otherwise). What is buffered
    /// is delivered first under the old configuration and version.
    pub fn update_destination(
        &mut self,
        name: &str,
        current_version_id: &str,
        destination_id: &str,
        update: ExtendedS3DestinationUpdate,
    ) -> FirehoseResult<u64> {
        let account = self.config.account_id.clone();
        let stream = self.streams.get(name).ok_or_else(|| FirehoseError::stream_not_found(name, &account))?;
        if stream.status != DeliveryStreamStatus::Active {
            return Err(FirehoseError::stream_not_active(name, &account, stream.status.wire_name()));
        }
        if current_version_id != stream.version_id.to_string() {
            // Not AWS-verified text.
            return Err(FirehoseError::new(
                FirehoseErrorKind::ConcurrentModification,
                format!(
                    "Cannot update Firehose {name}: the current version id is {} but {current_version_id} was specified.",
                    stream.version_id
                ),
            ));
        }
        if destination_id != DESTINATION_ID {
            return Err(FirehoseError::invalid_argument(format!(
                "Destination {destination_id} not found in Firehose {name} under account {account}."
            )));
        }
        let d = &stream.destination;
        let merged = ExtendedS3DestinationConfiguration {
            role_arn: update.role_arn.unwrap_or_else(|| d.role_arn.clone()),
            bucket_arn: update.bucket_arn.unwrap_or_else(|| d.bucket_arn.clone()),
            prefix: update.prefix.or_else(|| d.prefix.clone()),
            error_output_prefix: update.error_output_prefix.or_else(|| d.error_output_prefix.clone()),
            buffering_hints: Some(update.buffering_hints.unwrap_or(BufferingHints {
                size_in_mbs: Some(d.buffering_hints.size_in_mbs),
                interval_in_seconds: Some(d.buffering_hints.interval_in_seconds),
            })),
            compression_format: Some(update.compression_format.unwrap_or(d.compression_format)),
            processing_configuration: update.processing_configuration.or_else(|| d.processing_configuration.clone()),
        };
        let destination = resolve_destination(merged)?;
        self.flush(name, FlushReason::Update);
        let now = self.now_ms;
        let stream = self.streams.get_mut(name).expect("checked above");
        stream.destination = destination;
        stream.version_id += 1;
        stream.last_update_timestamp_ms = Some(now);
        Ok(stream.version_id)
    }

    // ---- data plane ----

    fn writable(&mut self, name: &str) -> FirehoseResult<&mut DeliveryStream> {
        let account = &self.config.account_id;
        let stream = self.streams.get_mut(name).ok_or_else(|| FirehoseError::stream_not_found(name, account))?;
        if stream.stream_type == DeliveryStreamType::KinesisStreamAsSource {
            return Err(FirehoseError::not_direct_put());
        }
        if stream.status != DeliveryStreamStatus::Active {
            let status = stream.status.wire_name();
            return Err(FirehoseError::stream_not_active(name, account, status));
        }
        Ok(stream)
    }

    /// PutRecord: one record of at most 1,000 KiB (FACTS §2); ServiceUnavailableException over quota.
    pub fn put_record(&mut self, name: &str, data: &[u8]) -> FirehoseResult<PutRecordOutput> {
        self.writable(name)?;
        check_record_size(data, "record.data")?;
        let now = self.now_ms;
        let enforce = self.config.enforce_limits;
        let stream = self.streams.get_mut(name).expect("checked by writable");
        if enforce && !stream.throttle.requests.try_take(1, now) {
            stream.metrics.at(now).throttled_records += 1;
            return Err(FirehoseError::throttled());
        }
        if enforce && !take_record(&mut stream.throttle, data.len() as u64, now) {
            stream.metrics.at(now).throttled_records += 1;
            return Err(FirehoseError::throttled());
        }
        let record_id = self.accept(name, data);
        Ok(PutRecordOutput { record_id, encrypted: false })
    }

    /// PutRecordBatch: 1–500 records, 4 MiB in all, each ≤ 1,000 KiB (FACTS §2). Responses align with
    /// the request; records over the Direct PUT quota fail one by one with ServiceUnavailableException.
    pub fn put_record_batch<D: AsRef<[u8]>>(
        &mut self,
        name: &str,
        records: &[D],
    ) -> FirehoseResult<PutRecordBatchOutput> {
        self.writable(name)?;
        if records.is_empty() {
            return Err(FirehoseError::validation("records", "Member must have length greater than or equal to 1"));
        }
        if records.len() > PUT_RECORD_BATCH_MAX_RECORDS {
            return Err(FirehoseError::validation("records", "Member must have length less than or equal to 500"));
        }
        for (i, r) in records.iter().enumerate() {
            check_record_size(r.as_ref(), &format!("records.{}.member.data", i + 1))?;
        }
        let total: u64 = records.iter().map(|r| r.as_ref().len() as u64).sum();
        if total > PUT_RECORD_BATCH_MAX_BYTES {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(format!(
                "Records size exceeds 4 MiB limit: the batch carries {total} bytes, at most {PUT_RECORD_BATCH_MAX_BYTES} are allowed."
            )));
        }
        let now = self.now_ms;
        let enforce = self.config.enforce_limits;
        {
            let stream = self.streams.get_mut(name).expect("checked by writable");
            if enforce && !stream.throttle.requests.try_take(1, now) {
                stream.metrics.at(now).throttled_records += records.len() as u64;
                return Err(FirehoseError::throttled());
            }
        }
        let mut responses = Vec::with_capacity(records.len());
        let mut failed = 0u32;
        for r in records {
            let data = r.as_ref();
            let stream = self.streams.get_mut(name).expect("checked by writable");
            if enforce && !take_record(&mut stream.throttle, data.len() as u64, now) {
                stream.metrics.at(now).throttled_records += 1;
                failed += 1;
                responses.push(PutRecordBatchResponseEntry {
                    record_id: None,
                    error_code: Some(FirehoseErrorKind::ServiceUnavailable.wire_name().to_string()),
                    error_message: Some(error::SLOW_DOWN.to_string()),
                });
                continue;
            }
            let record_id = self.accept(name, data);
            responses.push(PutRecordBatchResponseEntry {
                record_id: Some(record_id),
                error_code: None,
                error_message: None,
            });
        }
        Ok(PutRecordBatchOutput { failed_put_count: failed, encrypted: false, request_responses: responses })
    }

    /// Adds an accepted record to the buffer, flushing on size: the buffer is delivered before a record
    /// that would take it over the size hint (a record is never split), and as soon as it reaches it.
    fn accept(&mut self, name: &str, data: &[u8]) -> String {
        let record_id = self.record_id();
        let now = self.now_ms;
        let stream = self.streams.get_mut(name).expect("accept follows writable");
        let len = data.len() as u64 + stream.delimiter().len() as u64;
        let p = stream.metrics.at(now);
        p.incoming_bytes += data.len() as u64;
        p.incoming_records += 1;
        let over = stream.buffer.bytes() + len > stream.size_limit_bytes();
        if over && !stream.buffer.is_empty() {
            self.flush(name, FlushReason::Size);
        }
        let stream = self.streams.get_mut(name).expect("still there");
        let delimiter = stream.delimiter();
        let buffer = &mut stream.buffer;
        buffer.data.extend_from_slice(data);
        buffer.data.extend_from_slice(delimiter);
        buffer.records += 1;
        buffer.oldest_arrival_ms.get_or_insert(now);
        buffer.first_record_id.get_or_insert_with(|| record_id.clone());
        buffer.last_record_id = Some(record_id.clone());
        if stream.buffer.bytes() >= stream.size_limit_bytes() {
            self.flush(name, FlushReason::Size);
        }
        record_id
    }

    /// A RecordId: AWS's are long opaque strings; here 96 base64 characters from the seeded generator.
    fn record_id(&mut self) -> String {
        let bytes: [u8; 32] = self.rng.random();
        let more: [u8; 40] = self.rng.random();
        let mut all = bytes.to_vec();
        all.extend_from_slice(&more);
        STANDARD.encode(all)
    }

    /// Writes the stream's buffer to S3 as one object, now.
    fn flush(&mut self, name: &str, reason: FlushReason) {
        let now = self.now_ms;
        let Some(stream) = self.streams.get_mut(name) else { return };
        if stream.buffer.is_empty() {
            return;
        }
        let buffer = std::mem::take(&mut stream.buffer);
        let dest = stream.destination.clone();
        let version = stream.version_id;
        let oldest = buffer.oldest_arrival_ms.unwrap_or(now);
        let data = buffer.data;
        // Validated when configured; a tampered save falls back to the default prefix rather than panic.
        let segments = prefix::validate(dest.prefix.as_deref(), dest.error_output_prefix.as_deref())
            .or_else(|_| prefix::validate(None, None))
            .map(|p| p.prefix)
            .unwrap_or_default();
        let evaluated = prefix::evaluate(&segments, oldest, &mut self.rng, None);
        let uuid = prefix::uuid(&mut self.rng);
        let format = dest.compression_format;
        let key = prefix::object_key(&evaluated, name, version, oldest, &uuid, format.extension());
        let entry_name = key.rsplit('/').next().unwrap_or(&key).trim_end_matches(".zip").to_string();
        let stored = compress::compress(format, &data, &entry_name, now);
        let bucket = s3::bucket_name(&dest.bucket_arn).unwrap_or(&dest.bucket_arn).to_string();
        let stored_bytes = stored.len() as u64;
        self.s3.put(
            &bucket,
            &key,
            S3Object {
                bytes: stored,
                content_type: "application/octet-stream".into(),
                content_encoding: None,
                last_modified_ms: now,
            },
        );
        let stream = self.streams.get_mut(name).expect("still there");
        let p = stream.metrics.at(now);
        p.delivery_to_s3_attempts += 1;
        p.delivery_to_s3_success += 1;
        p.delivery_to_s3_records += buffer.records;
        p.delivery_to_s3_bytes += data.len() as u64;
        p.data_freshness_ms_max = p.data_freshness_ms_max.max(now.saturating_sub(oldest));
        self.deliveries.push_back(Delivery {
            stream: name.to_string(),
            bucket,
            key,
            records: buffer.records,
            first_record_id: buffer.first_record_id.unwrap_or_default(),
            last_record_id: buffer.last_record_id.unwrap_or_default(),
            bytes: data.len() as u64,
            stored_bytes,
            delivered_ms: now,
            reason,
        });
        while self.deliveries.len() > DELIVERY_LOG_MAX {
            self.deliveries.pop_front();
        }
    }
}

/// Takes one record's worth of records/s and bytes/s, or nothing.
fn take_record(t: &mut Throttle, bytes: u64, now: EpochMillis) -> bool {
    if !t.records.try_take(1, now) {
        return false;
    }
    if !t.bytes.try_take(bytes, now) {
        t.records.give_back(1);
        return false;
    }
    true
}

fn check_record_size(data: &[u8], field: &str) -> FirehoseResult<()> {
    if data.len() as u64 > RECORD_MAX_BYTES {
        return Err(FirehoseError::validation(field, "Member must have length less than or equal to 1024000"));
    }
    Ok(())
}

/// Model DeliveryStreamName: 1–64 characters of `[a-zA-Z0-9_.-]`.
fn validate_name(name: &str) -> FirehoseResult<()> {
    const FIELD: &str = "deliveryStreamName";
    if name.is_empty() {
        return Err(FirehoseError::validation(FIELD, "Member must have length greater than or equal to 1"));
    }
    if name.chars().count() > DELIVERY_STREAM_NAME_MAX_CHARS {
        return Err(FirehoseError::validation(FIELD, "Member must have length less than or equal to 64"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err(FirehoseError::validation(
            FIELD,
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ));
    }
    Ok(())
}

/// Model RoleARN pattern `arn:.*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+`.
fn valid_role_arn(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:") else { return false };
    let Some(idx) = rest.find(":iam::") else { return false };
    let after = &rest[idx + 6..];
    let (account, role) = after.split_at(after.len().min(12));
    account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && role
            .strip_prefix(":role/")
            .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-/".contains(c)))
}

fn validate_kinesis_source(src: &KinesisStreamSourceConfiguration) -> FirehoseResult<()> {
    // Model KinesisStreamARN: arn:.*:kinesis:[a-zA-Z0-9\-]+:\d{12}:stream/[a-zA-Z0-9_.-]+
    let ok = src.kinesis_stream_arn.starts_with("arn:")
        && src.kinesis_stream_arn.contains(":kinesis:")
        && src.kinesis_stream_arn.rsplit_once(":stream/").is_some_and(|(_, n)| validate_name_chars(n));
    if !ok {
        return Err(FirehoseError::validation(
            "kinesisStreamSourceConfiguration.kinesisStreamARN",
            "Member must satisfy regular expression pattern: arn:.*:kinesis:[a-zA-Z0-9\\-]+:\\d{12}:stream/[a-zA-Z0-9_.-]+",
        ));
    }
    if !valid_role_arn(&src.role_arn) {
        return Err(FirehoseError::validation(
            "kinesisStreamSourceConfiguration.roleARN",
            "Member must satisfy regular expression pattern: arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+",
        ));
    }
    Ok(())
}

fn validate_name_chars(n: &str) -> bool {
    !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Validates an Extended S3 configuration and fills in the defaults (model and FACTS §2).
fn resolve_destination(c: ExtendedS3DestinationConfiguration) -> FirehoseResult<ExtendedS3Destination> {
    const P: &str = "extendedS3DestinationConfiguration";
    if !valid_role_arn(&c.role_arn) {
        return Err(FirehoseError::validation(
            &format!("{P}.roleARN"),
            "Member must satisfy regular expression pattern: arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+",
        ));
    }
    if s3::bucket_name(&c.bucket_arn).is_none() {
        return Err(FirehoseError::validation(
            &format!("{P}.bucketARN"),
            "Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}",
        ));
    }
    let buffering_hints = match c.buffering_hints {
        None => ResolvedBufferingHints::default(),
        Some(h) => {
            let (size, interval) = match (h.size_in_mbs, h.interval_in_seconds) {
                (Some(s), Some(i)) => (s, i),
                (None, None) => (S3_DEFAULT_BUFFER_SIZE_MIB, S3_DEFAULT_BUFFER_INTERVAL_SECS),
                // Model BufferingHints: "if you specify a value for it, you must also specify a value for
                // IntervalInSeconds, and vice versa" (FACTS §2: "set together"). Not AWS-verified text.
                _ => {
                    return Err(FirehoseError::invalid_argument(
                        "BufferingHints: SizeInMBs and IntervalInSeconds must be specified together.",
                    ))
                }
            };
            if size < S3_MIN_BUFFER_SIZE_MIB {
                return Err(FirehoseError::validation(
                    &format!("{P}.bufferingHints.sizeInMBs"),
                    "Member must have value greater than or equal to 1",
                ));
            }
            if size > S3_MAX_BUFFER_SIZE_MIB {
                return Err(FirehoseError::validation(
                    &format!("{P}.bufferingHints.sizeInMBs"),
                    "Member must have value less than or equal to 128",
                ));
            }
            if interval > S3_MAX_BUFFER_INTERVAL_SECS {
                return Err(FirehoseError::validation(
                    &format!("{P}.bufferingHints.intervalInSeconds"),
                    "Member must have value less than or equal to 900",
                ));
            }
            ResolvedBufferingHints { size_in_mbs: size, interval_in_seconds: interval }
        }
    };
    if let Some(p) = &c.processing_configuration {
        for proc in &p.processors {
            if proc.processor_type != ProcessorType::AppendDelimiterToRecord {
                return Err(FirehoseError::invalid_argument(format!(
                    "Processor type {:?} is not simulated yet; only AppendDelimiterToRecord is.",
                    proc.processor_type
                )));
            }
        }
    }
    prefix::validate(c.prefix.as_deref(), c.error_output_prefix.as_deref())?;
    Ok(ExtendedS3Destination {
        role_arn: c.role_arn,
        bucket_arn: c.bucket_arn,
        prefix: c.prefix.filter(|p| !p.is_empty()),
        error_output_prefix: c.error_output_prefix.filter(|p| !p.is_empty()),
        buffering_hints,
        compression_format: c.compression_format.unwrap_or(CompressionFormat::Uncompressed),
        processing_configuration: c.processing_configuration,
    })
}
