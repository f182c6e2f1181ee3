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
pub mod conversion;
pub mod delivery;
pub mod destinations;
pub mod convert;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod partition;
mod partitioning;
pub mod prefix;
pub mod processing;
mod restore;
pub mod s3;
mod source_backup;
pub mod targets;
pub mod transform;
pub mod types;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::engine::streams::throttle::TokenBucket;
use crate::engine::time::{second_of, EpochMillis, MILLIS_PER_SECOND};
use compress::CompressionFormat;
use destinations::Target;
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
    /// Where each record ends in `data` (after its delimiter, if any): destinations that take records
    /// one by one (documents, rows, events) and format conversion need the boundaries. Saves from before
    /// it existed have none; their buffer is then read as one record.
    #[serde(default)]
    pub record_ends: Vec<u32>,
}

impl Buffer {
    /// Appends one record (and the delimiter after it, if any).
    pub fn push(&mut self, record_id: &str, arrival_ms: EpochMillis, data: &[u8], delimiter: &[u8]) {
        self.data.extend_from_slice(data);
        self.data.extend_from_slice(delimiter);
        self.record_ends.push(self.data.len() as u32);
        self.records += 1;
        let oldest = self.oldest_arrival_ms.get_or_insert(arrival_ms);
        *oldest = (*oldest).min(arrival_ms);
        if !record_id.is_empty() {
            self.first_record_id.get_or_insert_with(|| record_id.to_string());
            self.last_record_id = Some(record_id.to_string());
        }
    }

    /// The buffered records, each without the delimiter of `delimiter_len` bytes that follows it.
    pub fn record_slices(&self, delimiter_len: usize) -> Vec<&[u8]> {
        if self.record_ends.len() as u64 != self.records {
            return if self.data.is_empty() { Vec::new() } else { vec![&self.data[..]] };
        }
        let mut start = 0usize;
        let mut out = Vec::with_capacity(self.record_ends.len());
        for &end in &self.record_ends {
            let end = (end as usize).min(self.data.len());
            let body_end = end.saturating_sub(delimiter_len).max(start);
            out.push(&self.data[start..body_end]);
            start = end;
        }
        out
    }

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
    /// The S3 configuration: the destination itself for Extended S3; for the other destinations the
    /// intermediate bucket (Redshift) or the backup bucket (OpenSearch, HTTP endpoint, Splunk).
    pub destination: ExtendedS3Destination,
    /// Where the data goes when it is not S3 (older saves: S3).
    #[serde(default)]
    pub target: Target,
    /// Starts at 1; UpdateDestination adds one (FACTS §2).
    pub version_id: u64,
    pub create_timestamp_ms: EpochMillis,
    pub last_update_timestamp_ms: Option<EpochMillis>,
    /// When the pending status change (CREATING → ACTIVE, DELETING → gone) happens.
    pub transition_due_ms: Option<EpochMillis>,
    pub buffer: Buffer,
    /// Records waiting for the Lambda transform (empty without one).
    #[serde(default)]
    pub processing: processing::ProcessingStage,
    /// Dynamic partitioning: one buffer per partition (by its keys), instead of `buffer`.
    #[serde(default)]
    pub partitions: BTreeMap<String, partitioning::Partition>,
    /// Error-output lines waiting to be written, by error-output type (dynamic partitioning's refusals).
    #[serde(default)]
    pub error_lines: BTreeMap<String, Buffer>,
    /// Source records as received, for the S3 backup bucket (S3BackupMode Enabled).
    #[serde(default)]
    pub backup_buffer: Buffer,
    throttle: Throttle,
    pub metrics: FirehoseMetricSeries,
}

impl DeliveryStream {
    /// When the buffer's interval flush falls due (interval measured from the first buffered record).
    pub fn flush_due_ms(&self) -> Option<EpochMillis> {
        if self.status != DeliveryStreamStatus::Active {
            return None;
        }
        let interval_ms = self.buffering_hints().interval_in_seconds as u64 * MILLIS_PER_SECOND;
        let partitions = self.partitions.values().filter_map(|p| p.buffer.oldest_arrival_ms());
        let errors = self.error_lines.values().filter_map(Buffer::oldest_arrival_ms);
        let main = self.buffer.oldest_arrival_ms().into_iter().chain(partitions).chain(errors).min().map(|t| t + interval_ms);
        main.into_iter().chain(self.backup_due_ms()).min()
    }

    fn size_limit_bytes(&self) -> u64 {
        self.buffering_hints().size_in_mbs as u64 * MIB
    }

    /// The hints that govern the buffer: the destination's own (OpenSearch, HTTP, Splunk), else the S3
    /// configuration's (Extended S3, and Redshift, which buffers for its intermediate bucket).
    pub fn buffering_hints(&self) -> ResolvedBufferingHints {
        match &self.target {
            Target::S3 | Target::Redshift(_) => self.destination.buffering_hints,
            Target::OpenSearch(o) => o.buffering_hints,
            Target::Http(h) => h.buffering_hints,
            Target::Splunk(sp) => sp.buffering_hints,
        }
    }

    /// The Lambda processor's settings, when the stream transforms records (validated at creation; a
    /// tampered save that no longer validates transforms nothing).
    pub fn lambda_processor(&self) -> Option<processing::LambdaSettings> {
        self.processing().and_then(|p| processing::lambda_settings(p).ok().flatten())
    }

    /// The destination's ProcessingConfiguration.
    pub fn processing(&self) -> Option<&ProcessingConfiguration> {
        match &self.target {
            Target::S3 => self.destination.processing_configuration.as_ref(),
            Target::Redshift(_) => self.destination.processing_configuration.as_ref(),
            Target::OpenSearch(o) => o.processing_configuration.as_ref(),
            Target::Http(h) => h.processing_configuration.as_ref(),
            Target::Splunk(sp) => sp.processing_configuration.as_ref(),
        }
    }

    fn delimiter(&self) -> &'static [u8] {
        match self.processing() {
            Some(p) if p.appends_delimiter() => b"\n",
            _ => b"",
        }
    }
}

/// Something the clock reaches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    Transition(String),
    Process(String),
    Flush(String),
    Retry,
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
    /// Delivered, or lost after 24 hours of failed attempts (older saves: delivered).
    #[serde(default)]
    pub outcome: delivery::Outcome,
    #[serde(default)]
    pub attempts: u32,
    /// What was delivered where. For S3 kinds `bucket`/`key` name the object; for the other destinations
    /// `bucket` is the destination's address and `key` the table, index or request id.
    #[serde(default)]
    pub kind: DeliveryKind,
}

/// What a delivery-log entry records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryKind {
    #[default]
    S3Object,
    S3Backup,
    ErrorOutput,
    RedshiftCopy,
    /// COPY kept failing for the retry duration: the object is listed in a manifest under errors/.
    RedshiftSkipped,
    OpenSearchBulk,
    HttpRequest,
    SplunkEvents,
    /// A destination other than S3 kept failing for its retry duration: the records went to S3 as errors.
    GaveUp,
}

/// One simulated account-and-region's Firehose. Its serde impls are the derived ones plus a consistency
/// check after loading (`restore`), so a crafted save cannot put the engine in a state it relies on never
/// being in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct FirehoseEngine {
    pub config: FirehoseConfig,
    now_ms: EpochMillis,
    rng: Pcg64Mcg,
    streams: BTreeMap<String, DeliveryStream>,
    pub s3: S3Store,
    deliveries: VecDeque<Delivery>,
    /// Buckets taken down by the learner (an outage drill).
    #[serde(default)]
    unavailable_buckets: BTreeSet<String>,
    /// Objects whose put failed, waiting for a retry.
    #[serde(default)]
    pending_objects: VecDeque<delivery::PendingObject>,
    /// The simulated Redshift clusters, OpenSearch domains, HTTP endpoints and Splunk collectors.
    #[serde(default)]
    pub targets: targets::Targets,
    /// Deliveries to those that failed, waiting for a retry.
    #[serde(default)]
    pending_batches: VecDeque<delivery::PendingBatch>,
    /// Transform functions by Lambda ARN.
    #[serde(default)]
    functions: BTreeMap<String, transform::TransformFunction>,
    /// Invocations of learners' scripts waiting for the page's answer.
    #[serde(default)]
    waiting: VecDeque<processing::WaitingInvocation>,
    #[serde(default)]
    next_invocation: u64,
    #[serde(default)]
    invocation_log: VecDeque<processing::InvocationLog>,
    /// Compiled MetadataExtraction queries by text (rebuilt on demand after a load).
    #[serde(skip)]
    queries: QueryCache,
    /// The simulated Glue Data Catalog: tables by `database.table` (format conversion reads them).
    #[serde(default)]
    glue_tables: BTreeMap<String, convert::TableSchema>,
}

/// Compiled jq queries (not saved: compiled again from their text when needed).
#[derive(Clone, Default)]
struct QueryCache(BTreeMap<String, partition::PartitionQuery>);

impl std::fmt::Debug for QueryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl std::ops::Deref for QueryCache {
    type Target = BTreeMap<String, partition::PartitionQuery>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for QueryCache {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
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
            unavailable_buckets: BTreeSet::new(),
            pending_objects: VecDeque::new(),
            targets: targets::Targets::default(),
            pending_batches: VecDeque::new(),
            functions: BTreeMap::new(),
            waiting: VecDeque::new(),
            next_invocation: 1,
            invocation_log: VecDeque::new(),
            queries: QueryCache::default(),
            glue_tables: BTreeMap::new(),
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
    ///
    /// While a learner's script is being run by the page (`awaiting_transforms`), the clock holds: this
    /// does nothing, and it stops at the instant it sends a batch to a script.
    pub fn advance_to(&mut self, target_ms: EpochMillis) {
        if self.awaiting_transforms() {
            return;
        }
        while let Some((due, what)) = self.next_due(target_ms) {
            self.sample_freshness(due);
            self.now_ms = self.now_ms.max(due);
            match what {
                Due::Transition(name) => self.complete_transition(&name),
                Due::Process(name) => self.dispatch_transform(&name),
                Due::Flush(name) => self.flush_due(&name),
                Due::Retry => self.retry_due(due),
            }
            if self.awaiting_transforms() {
                return;
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
            let waiting = self
                .pending_objects
                .iter()
                .filter(|o| o.stream == stream.name)
                .map(|o| o.oldest_arrival_ms)
                .chain(self.pending_batches.iter().filter(|b| b.stream == stream.name).map(|b| b.oldest_arrival_ms));
            let staged = stream.processing.oldest_ms();
            let partitions = stream.partitions.values().filter_map(|p| p.buffer.oldest_arrival_ms());
            let Some(oldest) =
                stream.buffer.oldest_arrival_ms().into_iter().chain(staged).chain(partitions).chain(waiting).min()
            else {
                continue;
            };
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

    /// The earliest thing due at or before `limit_ms`. At one instant: status transitions first, then
    /// flushes (by stream name), then retries.
    fn next_due(&self, limit_ms: EpochMillis) -> Option<(EpochMillis, Due)> {
        let streams = self.streams.values().flat_map(|s| {
            let t = s.transition_due_ms.map(|d| (d, 0u8, Due::Transition(s.name.clone())));
            let p = if s.status == DeliveryStreamStatus::Active { self.processing_due_ms(&s.name) } else { None };
            let p = p.map(|d| (d, 1u8, Due::Process(s.name.clone())));
            let f = s.flush_due_ms().map(|d| (d, 2u8, Due::Flush(s.name.clone())));
            t.into_iter().chain(p).chain(f)
        });
        let retry = self
            .pending_objects
            .iter()
            .map(|o| o.next_attempt_ms)
            .chain(self.pending_batches.iter().map(|b| b.next_attempt_ms))
            .min()
            .map(|d| (d, 3u8, Due::Retry));
        streams
            .chain(retry)
            .filter(|(due, _, _)| *due <= limit_ms)
            .min_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)))
            .map(|(due, _, what)| (due, what))
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
        let source = match (stream_type, input.kinesis_stream_source_configuration.clone()) {
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
        let (destination, target) = resolve_any_destination(&input)?;
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
        self.s3.create_bucket_for_arn(&destination.bucket_arn, now);
        let stream = DeliveryStream {
            name: name.to_string(),
            arn: arn.clone(),
            status: DeliveryStreamStatus::Creating,
            stream_type,
            source,
            destination,
            target,
            version_id: 1,
            create_timestamp_ms: now,
            last_update_timestamp_ms: None,
            transition_due_ms: Some(now + self.config.transition_ms),
            buffer: Buffer::default(),
            processing: processing::ProcessingStage::default(),
            partitions: BTreeMap::new(),
            error_lines: BTreeMap::new(),
            backup_buffer: Buffer::default(),
            throttle: Throttle::new(self.config.direct_put_quota, now),
            metrics: FirehoseMetricSeries::new(self.config.metric_series_seconds),
        };
        if let Target::Redshift(r) = &stream.target {
            self.targets.prepare_redshift_table(&r.cluster_jdbc_url, &r.copy_command);
        }
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
                stream.processing = processing::ProcessingStage::default();
                stream.partitions.clear();
                stream.error_lines.clear();
                stream.backup_buffer = Buffer::default();
                self.pending_objects.retain(|o| o.stream != name);
                self.pending_batches.retain(|b| b.stream != name);
                self.waiting.retain(|w| w.stream != name);
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
                    dynamic_partitioning_configuration: d.dynamic_partitioning,
                    data_format_conversion_configuration: d.data_format_conversion.clone(),
                    source_backup: d.source_backup.clone(),
                },
                target: s.target.clone(),
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

    /// The checks every UpdateDestination starts with: the stream exists, is ACTIVE, and the caller saw
    /// its current version (ConcurrentModificationException otherwise).
    fn updatable(&self, name: &str, current_version_id: &str) -> FirehoseResult<&DeliveryStream> {
        let account = &self.config.account_id;
        let stream = self.streams.get(name).ok_or_else(|| FirehoseError::stream_not_found(name, account))?;
        if stream.status != DeliveryStreamStatus::Active {
            return Err(FirehoseError::stream_not_active(name, account, stream.status.wire_name()));
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
        Ok(stream)
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
        let stream = self.updatable(name, current_version_id)?;
        if stream.target != Target::S3 {
            // Not AWS-verified text. The other destinations have their own update members (`update_other_destination`).
            return Err(FirehoseError::invalid_argument(format!(
                "Firehose {name} delivers to {}: an ExtendedS3DestinationUpdate does not apply to it.",
                stream.target.label()
            )));
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
            dynamic_partitioning_configuration: d.dynamic_partitioning,
            data_format_conversion_configuration: update
                .data_format_conversion_configuration
                .clone()
                .or_else(|| d.data_format_conversion.clone()),
            s3_backup_mode: update
                .s3_backup_mode
                .clone()
                .or_else(|| d.source_backup.as_ref().map(|_| source_backup::ENABLED.to_string())),
            s3_backup_configuration: update
                .s3_backup_update
                .clone()
                .or_else(|| d.source_backup.as_deref().map(source_backup::as_configuration)),
        };
        if d.source_backup.is_some() && update.s3_backup_mode.as_deref() == Some("Disabled") {
            // FACTS §2: source record backup cannot be turned off once on. Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(
                "S3BackupMode cannot be changed from Enabled to Disabled once source record backup is on.",
            ));
        }
        if let Some(asked) = update.dynamic_partitioning_configuration {
            if asked.enabled.is_some() && asked.is_enabled() != d.partitioned() {
                // FACTS §2: enabled at creation and never disabled. Not AWS-verified text.
                return Err(FirehoseError::invalid_argument(
                    "Dynamic partitioning can only be enabled when a Firehose stream is created, and cannot be disabled.",
                ));
            }
        }
        let destination = resolve_destination(merged)?;
        // What was buffered under the old configuration is delivered with it. Staged records go to their
        // transform first (for a script, the update waits for nothing: its answer is applied when it comes).
        self.dispatch_transform(name);
        self.flush(name, FlushReason::Update);
        let now = self.now_ms;
        self.s3.create_bucket_for_arn(&destination.bucket_arn, now);
        let stream = self.streams.get_mut(name).expect("checked above");
        stream.destination = destination;
        stream.version_id += 1;
        stream.last_update_timestamp_ms = Some(now);
        Ok(stream.version_id)
    }

    /// UpdateDestination of a Redshift, OpenSearch, HTTP endpoint or Splunk destination: `update` is the
    /// request's *DestinationUpdate member (already validated against the model), merged into the
    /// current configuration, validated again as a whole, then applied after delivering what is buffered
    /// under the old one; the version goes up. The kind of destination cannot change here.
    pub fn update_other_destination(
        &mut self,
        name: &str,
        current_version_id: &str,
        destination_id: &str,
        update_member: &str,
        update: &serde_json::Value,
    ) -> FirehoseResult<u64> {
        let account = self.config.account_id.clone();
        let stream = self.updatable(name, current_version_id)?;
        if destination_id != DESTINATION_ID {
            return Err(FirehoseError::invalid_argument(format!(
                "Destination {destination_id} not found in Firehose {name} under account {account}."
            )));
        }
        let Some((config_member, expected_update)) = destinations::members(&stream.target) else {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(format!(
                "Firehose {name} delivers to Amazon S3: use ExtendedS3DestinationUpdate."
            )));
        };
        if update_member != expected_update {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(format!(
                "Firehose {name} delivers to {}: use {expected_update} (changing the kind of destination is not simulated).",
                stream.target.label()
            )));
        }
        let d = &stream.destination;
        let s3 = destinations::S3DestinationConfiguration {
            role_arn: d.role_arn.clone(),
            bucket_arn: d.bucket_arn.clone(),
            prefix: d.prefix.clone(),
            error_output_prefix: d.error_output_prefix.clone(),
            buffering_hints: Some(BufferingHints {
                size_in_mbs: Some(d.buffering_hints.size_in_mbs),
                interval_in_seconds: Some(d.buffering_hints.interval_in_seconds),
            }),
            compression_format: Some(d.compression_format),
        };
        let processing = match stream.target {
            Target::Redshift(_) => d.processing_configuration.clone(),
            _ => None,
        };
        let Some(mut merged) = destinations::as_request(&stream.target, s3, processing) else {
            return Err(FirehoseError::invalid_argument("This destination cannot be updated."));
        };
        destinations::merge_update(&mut merged, update);
        let input: CreateDeliveryStreamInput = serde_json::from_value(serde_json::json!({
            "DeliveryStreamName": name,
            config_member: merged,
        }))
        .map_err(|e| FirehoseError::invalid_argument(format!("{update_member}: {e}")))?;
        let (destination, target) = resolve_any_destination(&input)?;
        self.dispatch_transform(name);
        self.flush(name, FlushReason::Update);
        let now = self.now_ms;
        self.s3.create_bucket_for_arn(&destination.bucket_arn, now);
        if let Target::Redshift(r) = &target {
            self.targets.prepare_redshift_table(&r.cluster_jdbc_url, &r.copy_command);
        }
        let stream = self.streams.get_mut(name).ok_or_else(|| FirehoseError::stream_not_found(name, &account))?;
        stream.destination = destination;
        stream.target = target;
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

    /// Records Firehose read from its Kinesis data stream source (FACTS §2: it reads from LATEST, one
    /// GetRecords per second per shard; the sandbox does the reading through the Kinesis API, so the
    /// shard's read limits applied). KPL-aggregated records are split into their user records, as
    /// Firehose does. No Direct PUT quota applies. Returns the number of records taken.
    pub fn ingest_from_source<D: AsRef<[u8]>>(&mut self, name: &str, records: &[D]) -> FirehoseResult<u64> {
        let account = &self.config.account_id;
        let stream = self.streams.get(name).ok_or_else(|| FirehoseError::stream_not_found(name, account))?;
        if stream.stream_type != DeliveryStreamType::KinesisStreamAsSource {
            // Not AWS-verified text (no AWS call does this; it guards the sandbox's wiring).
            return Err(FirehoseError::invalid_argument(format!("Firehose {name} does not read a Kinesis data stream.")));
        }
        if stream.status != DeliveryStreamStatus::Active {
            return Err(FirehoseError::stream_not_active(name, account, stream.status.wire_name()));
        }
        let now = self.now_ms;
        let mut taken = 0;
        for r in records {
            let read = r.as_ref();
            if let Some(stream) = self.streams.get_mut(name) {
                let p = stream.metrics.at(now);
                p.kinesis_read_records += 1;
                p.kinesis_read_bytes += read.len() as u64;
            }
            for user in crate::engine::streams::agg::deaggregate("", read) {
                self.accept(name, &user.data);
                taken += 1;
            }
        }
        Ok(taken)
    }

    /// Takes an accepted record: counts it, gives it a RecordId, and sends it on — to the Lambda
    /// processing stage when the stream transforms records, else straight to the buffer.
    fn accept(&mut self, name: &str, data: &[u8]) -> String {
        let record_id = self.record_id();
        let now = self.now_ms;
        let Some(stream) = self.streams.get_mut(name) else { return record_id };
        let p = stream.metrics.at(now);
        p.incoming_bytes += data.len() as u64;
        p.incoming_records += 1;
        if stream.destination.source_backup.is_some() {
            self.stage_backup(name, &record_id, now, data);
        }
        let Some(stream) = self.streams.get(name) else { return record_id };
        if stream.lambda_processor().is_some() {
            self.stage_for_transform(name, &record_id, now, data);
        } else {
            self.route(name, &record_id, now, data, &partition::PartitionKeys::new());
        }
        record_id
    }

    /// Adds a record to the buffer, flushing on size: the buffer is delivered before a record that would
    /// take it over the size hint (a record is never split), and as soon as it reaches it.
    /// `arrival_ms` is when Firehose received it (object keys use the oldest record's).
    fn buffer_record(&mut self, name: &str, record_id: &str, arrival_ms: EpochMillis, data: &[u8]) {
        let Some(stream) = self.streams.get_mut(name) else { return };
        let len = data.len() as u64 + stream.delimiter().len() as u64;
        let over = stream.buffer.bytes() + len > stream.size_limit_bytes();
        if over && !stream.buffer.is_empty() {
            self.flush(name, FlushReason::Size);
        }
        let Some(stream) = self.streams.get_mut(name) else { return };
        let delimiter = stream.delimiter();
        stream.buffer.push(record_id, arrival_ms, data, delimiter);
        if stream.buffer.bytes() >= stream.size_limit_bytes() {
            self.flush(name, FlushReason::Size);
        }
    }

    /// A RecordId: AWS's are long opaque strings; here 96 base64 characters from the seeded generator.
    fn record_id(&mut self) -> String {
        let bytes: [u8; 32] = self.rng.random();
        let more: [u8; 40] = self.rng.random();
        let mut all = bytes.to_vec();
        all.extend_from_slice(&more);
        STANDARD.encode(all)
    }

    /// Delivers the stream's buffer now: one S3 object (Extended S3; Redshift's intermediate object, then
    /// COPY), or one batch for OpenSearch, an HTTP endpoint or Splunk (plus an S3 copy in the "all data"
    /// backup modes). A failed delivery is retried (see `attempt`, `attempt_batch`).
    fn flush(&mut self, name: &str, reason: FlushReason) {
        if reason == FlushReason::Update {
            self.flush_partitions_and_errors(name, reason);
            self.flush_backup(name, reason);
        }
        let now = self.now_ms;
        let Some(stream) = self.streams.get_mut(name) else { return };
        if stream.buffer.is_empty() {
            return;
        }
        let delimiter_len = stream.delimiter().len();
        let buffer = std::mem::take(&mut stream.buffer);
        let target = stream.target.clone();
        let oldest = buffer.oldest_arrival_ms.unwrap_or(now);
        match &target {
            Target::S3 | Target::Redshift(_) => {
                if let Some(object) = self.data_object(name, &buffer, reason, delivery::ObjectKind::Data, None) {
                    self.attempt(object);
                }
            }
            other => {
                if other.backs_up_everything() {
                    if let Some(object) = self.data_object(name, &buffer, reason, delivery::ObjectKind::Backup, None) {
                        self.attempt(object);
                    }
                }
                let records: Vec<Vec<u8>> = buffer.record_slices(delimiter_len).into_iter().map(<[u8]>::to_vec).collect();
                let retry_ms = other.retry_ms().unwrap_or(0);
                self.attempt_batch(delivery::PendingBatch {
                    stream: name.to_string(),
                    record_count: records.len() as u64,
                    records,
                    s3_key: None,
                    oldest_arrival_ms: oldest,
                    first_attempt_ms: now,
                    attempts: 0,
                    next_attempt_ms: now,
                    deadline_ms: now.saturating_add(retry_ms),
                    last_error_code: None,
                    last_error_message: None,
                });
            }
        }
    }

    /// The S3 object for a buffer: key from the prefix and the oldest record's arrival, compressed as set.
    fn data_object(
        &mut self,
        name: &str,
        buffer: &Buffer,
        reason: FlushReason,
        kind: delivery::ObjectKind,
        evaluated_prefix: Option<String>,
    ) -> Option<delivery::PendingObject> {
        let now = self.now_ms;
        let (dest, version, delimiter_len) = match self.streams.get(name) {
            Some(s) => (s.destination.clone(), s.version_id, s.delimiter().len()),
            None => return None,
        };
        // Format conversion: the object is the Parquet file of the records that converted (never
        // compressed again: the serializer compresses), or nothing if none did.
        let converted = match dest.data_format_conversion.as_ref().filter(|c| c.is_enabled() && kind == delivery::ObjectKind::Data) {
            Some(c) => Some(self.convert_buffer(name, c, buffer, delimiter_len)?),
            None => None,
        };
        let oldest = buffer.oldest_arrival_ms.unwrap_or(now);
        // Validated when configured; a tampered save falls back to the default prefix rather than panic.
        let evaluated = match evaluated_prefix {
            Some(p) => p,
            None => prefix::evaluate(&dest.prefixes().prefix, oldest, &mut self.rng, None),
        };
        let uuid = prefix::uuid(&mut self.rng);
        let format = if converted.is_some() { CompressionFormat::Uncompressed } else { dest.compression_format };
        // Not AWS-verified: a converted object gets no extension unless FileExtension (not simulated) says so.
        let key = prefix::object_key(&evaluated, name, version, oldest, &uuid, format.extension());
        let entry_name = key.rsplit('/').next().unwrap_or(&key).trim_end_matches(".zip").to_string();
        let stored = match converted {
            Some(parquet) => parquet,
            None => compress::compress(format, &buffer.data, &entry_name, now),
        };
        Some(delivery::PendingObject {
            stream: name.to_string(),
            bucket: s3::bucket_name(&dest.bucket_arn).unwrap_or(&dest.bucket_arn).to_string(),
            key,
            bytes: stored,
            records: buffer.records,
            raw_bytes: buffer.data.len() as u64,
            first_record_id: buffer.first_record_id.clone().unwrap_or_default(),
            last_record_id: buffer.last_record_id.clone().unwrap_or_default(),
            oldest_arrival_ms: oldest,
            first_attempt_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            reason,
            kind,
        })
    }

    /// Writes records Firehose could not deliver or process under the error-output prefix, with
    /// `error_type` (processing-failed, AmazonOpenSearchService-failed …) for `!{firehose:error-output-type}`;
    /// without an ErrorOutputPrefix, under `<error_type>/yyyy/MM/dd/HH/` (AWS custom-prefix page). One
    /// JSON line per record. Not compressed (a simulation choice: the lines stay readable in the browser).
    fn write_error_output(&mut self, name: &str, error_type: &str, lines: &[String], oldest_ms: EpochMillis, kind: delivery::ObjectKind) {
        let now = self.now_ms;
        let Some(stream) = self.streams.get(name) else { return };
        let dest = stream.destination.clone();
        let version = stream.version_id;
        let error_segments = dest.prefixes().error_output_prefix;
        let evaluated = match error_segments {
            Some(segs) => prefix::evaluate(&segs, oldest_ms, &mut self.rng, Some(error_type)),
            None => format!("{error_type}/{}", prefix::format_time(&prefix::default_timestamp_tokens(), oldest_ms)),
        };
        let uuid = prefix::uuid(&mut self.rng);
        let key = prefix::object_key(&evaluated, name, version, oldest_ms, &uuid, "");
        let mut bytes = lines.join("\n").into_bytes();
        bytes.push(b'\n');
        let object = delivery::PendingObject {
            stream: name.to_string(),
            bucket: s3::bucket_name(&dest.bucket_arn).unwrap_or(&dest.bucket_arn).to_string(),
            key,
            raw_bytes: bytes.len() as u64,
            bytes,
            records: lines.len() as u64,
            first_record_id: String::new(),
            last_record_id: String::new(),
            oldest_arrival_ms: oldest_ms,
            first_attempt_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            reason: FlushReason::Interval,
            kind,
        };
        self.attempt(object);
    }

    /// One attempt to deliver a batch to Redshift (COPY of its intermediate object), OpenSearch, an HTTP
    /// endpoint or Splunk. Record-level refusals (a document that is not JSON, an event without `event`)
    /// go to the error output at once; a destination that does not answer is retried until the retry
    /// duration ends, then the whole batch goes to S3 as errors (Redshift: listed in a manifest).
    fn attempt_batch(&mut self, mut batch: delivery::PendingBatch) {
        let now = self.now_ms;
        let Some(stream) = self.streams.get(&batch.stream) else { return };
        let target = stream.target.clone();
        let intermediate = stream.destination.clone();
        batch.attempts += 1;
        let outcome: Result<(u64, Vec<(usize, targets::TargetError)>, DeliveryKind, String, String), targets::TargetError> =
            match &target {
                Target::S3 => return,
                Target::Redshift(r) => {
                    let bucket = s3::bucket_name(&intermediate.bucket_arn).unwrap_or(&intermediate.bucket_arn).to_string();
                    let key = batch.s3_key.clone().unwrap_or_default();
                    let object = self.s3.get(&bucket, &key).map(|o| o.bytes.clone()).unwrap_or_default();
                    self.targets
                        .copy_into_redshift(&r.cluster_jdbc_url, &r.copy_command, &object, intermediate.compression_format)
                        .map(|rows| (rows, Vec::new(), DeliveryKind::RedshiftCopy, r.cluster_jdbc_url.clone(), r.copy_command.data_table_name.clone()))
                }
                Target::OpenSearch(o) => {
                    let index = targets::rotated_index(&o.index_name, o.rotation, now);
                    let rng = &mut self.rng;
                    self.targets
                        .bulk_index(&o.domain, &index, &batch.records, || prefix::random_string(rng, 20))
                        .map(|results| split_results(results, DeliveryKind::OpenSearchBulk, &o.domain, &index))
                }
                Target::Http(h) => {
                    let request_id = prefix::uuid(&mut self.rng);
                    let attributes: Vec<(String, String)> =
                        h.common_attributes.iter().map(|a| (a.attribute_name.clone(), a.attribute_value.clone())).collect();
                    let gzip = h.content_encoding == destinations::ContentEncoding::Gzip;
                    self.targets
                        .http_deliver(&h.url, &request_id, now, &batch.records, gzip, &attributes)
                        .map(|()| (batch.record_count, Vec::new(), DeliveryKind::HttpRequest, h.url.clone(), request_id))
                }
                Target::Splunk(sp) => self
                    .targets
                    .splunk_send(&sp.hec_endpoint, sp.endpoint_type, &batch.records)
                    .map(|results| {
                        let results = results.into_iter().map(|r| r.map(|()| String::new())).collect();
                        split_results(results, DeliveryKind::SplunkEvents, &sp.hec_endpoint, "")
                    }),
            };
        if let Some(stream) = self.streams.get_mut(&batch.stream) {
            let p = stream.metrics.at(now);
            p.delivery_to_target_attempts += 1;
            if let Ok((delivered, _, _, _, _)) = &outcome {
                p.delivery_to_target_success += 1;
                p.delivery_to_target_records += delivered;
                p.data_freshness_ms_max = p.data_freshness_ms_max.max(now.saturating_sub(batch.oldest_arrival_ms));
            }
        }
        match outcome {
            Ok((delivered, failures, kind, address, key)) => {
                self.log_target(&batch, kind, &address, &key, delivered, delivery::Outcome::Delivered);
                if !failures.is_empty() {
                    if let Some(error_type) = target.failed_output_type() {
                        let lines: Vec<String> = failures
                            .iter()
                            .filter_map(|(i, e)| batch.records.get(*i).map(|r| failed_line(&batch, r, e, now)))
                            .collect();
                        self.write_error_output(&batch.stream, error_type, &lines, batch.oldest_arrival_ms, delivery::ObjectKind::ErrorOutput);
                    }
                }
            }
            Err(e) if now >= batch.deadline_ms => self.give_up(batch, &target, e),
            Err(e) => {
                batch.last_error_code = Some(e.code);
                batch.last_error_message = Some(e.message);
                batch.next_attempt_ms = now.saturating_add(delivery::TARGET_RETRY_INTERVAL_MS).min(batch.deadline_ms);
                self.pending_batches.push_back(batch);
            }
        }
    }

    /// The retry duration is over: Redshift lists the object in a manifest under errors/ (in the
    /// intermediate bucket); the others write every record to their failed prefix.
    fn give_up(&mut self, batch: delivery::PendingBatch, target: &Target, error: targets::TargetError) {
        let now = self.now_ms;
        match target {
            Target::Redshift(r) => {
                let Some(stream) = self.streams.get(&batch.stream) else { return };
                let bucket = s3::bucket_name(&stream.destination.bucket_arn).unwrap_or(&stream.destination.bucket_arn).to_string();
                let key = batch.s3_key.clone().unwrap_or_default();
                let manifest = serde_json::json!({"entries": [{"url": format!("s3://{bucket}/{key}"), "mandatory": true}]});
                let line = serde_json::json!({
                    "attemptsMade": batch.attempts,
                    "errorCode": error.code,
                    "errorMessage": error.message,
                    "attemptEndingTimestamp": now,
                    "manifest": manifest,
                });
                // Not AWS-verified layout: AWS documents a manifest of skipped objects in the errors/ folder.
                self.write_error_output(&batch.stream, "errors/manifests", &[line.to_string()], batch.oldest_arrival_ms, delivery::ObjectKind::Manifest);
                self.log_target(&batch, DeliveryKind::RedshiftSkipped, &r.cluster_jdbc_url, &r.copy_command.data_table_name, 0, delivery::Outcome::Lost);
            }
            other => {
                let Some(error_type) = other.failed_output_type() else { return };
                let lines: Vec<String> = batch.records.iter().map(|r| failed_line(&batch, r, &error, now)).collect();
                self.write_error_output(&batch.stream, error_type, &lines, batch.oldest_arrival_ms, delivery::ObjectKind::ErrorOutput);
                let address = other.outage_key().unwrap_or_default();
                self.log_target(&batch, DeliveryKind::GaveUp, &address, error_type, 0, delivery::Outcome::Lost);
            }
        }
    }

    fn log_target(
        &mut self,
        batch: &delivery::PendingBatch,
        kind: DeliveryKind,
        address: &str,
        key: &str,
        delivered: u64,
        outcome: delivery::Outcome,
    ) {
        self.deliveries.push_back(Delivery {
            stream: batch.stream.clone(),
            bucket: address.to_string(),
            key: key.to_string(),
            records: if outcome == delivery::Outcome::Lost { batch.record_count } else { delivered },
            first_record_id: String::new(),
            last_record_id: String::new(),
            bytes: batch.records.iter().map(|r| r.len() as u64).sum(),
            stored_bytes: 0,
            delivered_ms: self.now_ms,
            reason: FlushReason::Interval,
            outcome,
            attempts: batch.attempts,
            kind,
        });
        while self.deliveries.len() > DELIVERY_LOG_MAX {
            self.deliveries.pop_front();
        }
    }

    /// One attempt to put an object: stored if its bucket is up; otherwise kept for a retry in
    /// `S3_RETRY_INTERVAL_MS`, until the oldest record in it is older than Firehose keeps data (FACTS §2:
    /// "S3 delivery is retried for up to 24 h, after which data is lost").
    fn attempt(&mut self, mut object: delivery::PendingObject) {
        let now = self.now_ms;
        object.attempts += 1;
        let available = !self.unavailable_buckets.contains(&object.bucket);
        if let Some(stream) = self.streams.get_mut(&object.stream) {
            let p = stream.metrics.at(now);
            p.delivery_to_s3_attempts += 1;
            if available {
                p.delivery_to_s3_success += 1;
                p.delivery_to_s3_records += object.records;
                p.delivery_to_s3_bytes += object.raw_bytes;
                p.data_freshness_ms_max = p.data_freshness_ms_max.max(now.saturating_sub(object.oldest_arrival_ms));
            }
        }
        if available {
            self.s3.put(
                &object.bucket,
                &object.key,
                S3Object {
                    bytes: std::mem::take(&mut object.bytes),
                    content_type: "application/octet-stream".into(),
                    content_encoding: None,
                    last_modified_ms: now,
                },
            );
            self.log_delivery(&object, delivery::Outcome::Delivered);
            self.after_s3_put(&object);
            return;
        }
        let give_up_ms = object.oldest_arrival_ms.saturating_add(delivery::DATA_RETENTION_MS);
        if now >= give_up_ms {
            self.log_delivery(&object, delivery::Outcome::Lost);
            return;
        }
        object.next_attempt_ms = now.saturating_add(delivery::S3_RETRY_INTERVAL_MS).min(give_up_ms);
        self.pending_objects.push_back(object);
    }

    /// A Redshift stream's intermediate object has landed: COPY it into the table (retried on failure).
    fn after_s3_put(&mut self, object: &delivery::PendingObject) {
        if object.kind != delivery::ObjectKind::Data {
            return;
        }
        let Some(Target::Redshift(r)) = self.streams.get(&object.stream).map(|s| &s.target) else { return };
        let retry_ms = r.retry_secs as u64 * MILLIS_PER_SECOND;
        let now = self.now_ms;
        self.attempt_batch(delivery::PendingBatch {
            stream: object.stream.clone(),
            records: Vec::new(),
            s3_key: Some(object.key.clone()),
            record_count: object.records,
            oldest_arrival_ms: object.oldest_arrival_ms,
            first_attempt_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            deadline_ms: now.saturating_add(retry_ms),
            last_error_code: None,
            last_error_message: None,
        });
    }

    fn log_delivery(&mut self, object: &delivery::PendingObject, outcome: delivery::Outcome) {
        self.deliveries.push_back(Delivery {
            stream: object.stream.clone(),
            bucket: object.bucket.clone(),
            key: object.key.clone(),
            records: object.records,
            first_record_id: object.first_record_id.clone(),
            last_record_id: object.last_record_id.clone(),
            bytes: object.raw_bytes,
            stored_bytes: if outcome == delivery::Outcome::Lost { 0 } else { object_len(&self.s3, object) },
            delivered_ms: self.now_ms,
            reason: object.reason,
            outcome,
            attempts: object.attempts,
            kind: match object.kind {
                delivery::ObjectKind::Data => DeliveryKind::S3Object,
                delivery::ObjectKind::Backup => DeliveryKind::S3Backup,
                delivery::ObjectKind::ErrorOutput | delivery::ObjectKind::Manifest => DeliveryKind::ErrorOutput,
            },
        });
        while self.deliveries.len() > DELIVERY_LOG_MAX {
            self.deliveries.pop_front();
        }
    }

    /// Retries whose time has come (oldest first).
    fn retry_due(&mut self, due_ms: EpochMillis) {
        let mut keep = VecDeque::new();
        let mut now_due = Vec::new();
        for object in std::mem::take(&mut self.pending_objects) {
            if object.next_attempt_ms <= due_ms {
                now_due.push(object);
            } else {
                keep.push_back(object);
            }
        }
        self.pending_objects = keep;
        for object in now_due {
            self.attempt(object);
        }
        let (due_batches, waiting): (VecDeque<_>, VecDeque<_>) =
            std::mem::take(&mut self.pending_batches).into_iter().partition(|b| b.next_attempt_ms <= due_ms);
        self.pending_batches = waiting;
        for batch in due_batches {
            self.attempt_batch(batch);
        }
    }

    // ---- outages ----

    /// Takes a simulated bucket down (`available` false) or brings it back. While it is down every
    /// delivery into it fails and is retried (DeliveryToS3.Success drops below 1, DataFreshness climbs).
    pub fn set_bucket_available(&mut self, bucket: &str, available: bool) {
        if available {
            self.unavailable_buckets.remove(bucket);
        } else {
            self.unavailable_buckets.insert(bucket.to_string());
        }
    }

    /// Takes a Redshift cluster (JDBC URL), OpenSearch domain (ARN or endpoint), HTTP endpoint (URL) or
    /// Splunk collector (HEC endpoint) down, or brings it back.
    pub fn set_target_available(&mut self, address: &str, available: bool) {
        if available {
            self.targets.unavailable.remove(address);
        } else {
            self.targets.unavailable.insert(address.to_string());
        }
    }

    /// Deliveries to destinations other than S3 waiting for a retry, oldest first.
    pub fn pending_batches(&self) -> impl Iterator<Item = &delivery::PendingBatch> {
        self.pending_batches.iter()
    }

    pub fn bucket_available(&self, bucket: &str) -> bool {
        !self.unavailable_buckets.contains(bucket)
    }

    /// Objects waiting for their bucket, oldest first.
    pub fn pending_objects(&self) -> impl Iterator<Item = &delivery::PendingObject> {
        self.pending_objects.iter()
    }
}

/// Per-record results of a bulk request or HEC post: how many went in, and the refusals by position.
#[allow(clippy::type_complexity)]
fn split_results(
    results: Vec<Result<String, targets::TargetError>>,
    kind: DeliveryKind,
    address: &str,
    key: &str,
) -> (u64, Vec<(usize, targets::TargetError)>, DeliveryKind, String, String) {
    let mut delivered = 0;
    let mut failures = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(_) => delivered += 1,
            Err(e) => failures.push((i, e)),
        }
    }
    (delivered, failures, kind, address.to_string(), key.to_string())
}

/// One line of a failed-delivery object (the shape AWS documents for error output: attemptsMade,
/// arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData in base64).
fn failed_line(batch: &delivery::PendingBatch, record: &[u8], error: &targets::TargetError, now: EpochMillis) -> String {
    serde_json::json!({
        "attemptsMade": batch.attempts,
        "arrivalTimestamp": batch.oldest_arrival_ms,
        "errorCode": error.code,
        "errorMessage": error.message,
        "attemptEndingTimestamp": now,
        "rawData": STANDARD.encode(record),
    })
    .to_string()
}

/// The stored size of a delivered object (0 if it is not there any more).
fn object_len(s3: &S3Store, object: &delivery::PendingObject) -> u64 {
    s3.get(&object.bucket, &object.key).map_or(0, |o| o.bytes.len() as u64)
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

/// Validates the one destination a CreateDeliveryStream names: its S3 part and, for Redshift, OpenSearch,
/// HTTP endpoint and Splunk, the destination itself.
fn resolve_any_destination(input: &CreateDeliveryStreamInput) -> FirehoseResult<(ExtendedS3Destination, Target)> {
    let given = [
        input.extended_s3_destination_configuration.is_some(),
        input.redshift_destination_configuration.is_some(),
        input.opensearch_destination_configuration.is_some(),
        input.http_endpoint_destination_configuration.is_some(),
        input.splunk_destination_configuration.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        // Not AWS-verified text.
        return Err(FirehoseError::invalid_argument(
            "Exactly one destination configuration must be specified (ExtendedS3, Redshift, Amazonopensearchservice, HttpEndpoint or Splunk).",
        ));
    }
    let s3_part = |c: &destinations::S3DestinationConfiguration, processing: Option<ProcessingConfiguration>| {
        ExtendedS3DestinationConfiguration {
            role_arn: c.role_arn.clone(),
            bucket_arn: c.bucket_arn.clone(),
            prefix: c.prefix.clone(),
            error_output_prefix: c.error_output_prefix.clone(),
            buffering_hints: c.buffering_hints,
            compression_format: c.compression_format,
            processing_configuration: processing,
            dynamic_partitioning_configuration: None,
            data_format_conversion_configuration: None,
            s3_backup_mode: None,
            s3_backup_configuration: None,
        }
    };
    if let Some(c) = &input.extended_s3_destination_configuration {
        return Ok((resolve_destination(c.clone())?, Target::S3));
    }
    if let Some(c) = &input.redshift_destination_configuration {
        let target = destinations::resolve_redshift(c)?;
        if let Some(p) = &c.processing_configuration {
            check_processors(p)?;
        }
        // Redshift's records are written to its intermediate bucket first: processing applies there.
        let s3 = resolve_destination(s3_part(&c.s3_configuration, c.processing_configuration.clone()))?;
        return Ok((s3, Target::Redshift(target)));
    }
    if let Some(c) = &input.opensearch_destination_configuration {
        let target = destinations::resolve_opensearch(c)?;
        if let Some(p) = &c.processing_configuration {
            check_processors(p)?;
        }
        return Ok((resolve_destination(s3_part(&c.s3_configuration, None))?, Target::OpenSearch(target)));
    }
    if let Some(c) = &input.http_endpoint_destination_configuration {
        let target = destinations::resolve_http(c)?;
        if let Some(p) = &c.processing_configuration {
            check_processors(p)?;
        }
        return Ok((resolve_destination(s3_part(&c.s3_configuration, None))?, Target::Http(target)));
    }
    match &input.splunk_destination_configuration {
        Some(c) => {
            let target = destinations::resolve_splunk(c)?;
            if let Some(p) = &c.processing_configuration {
                check_processors(p)?;
            }
            Ok((resolve_destination(s3_part(&c.s3_configuration, None))?, Target::Splunk(target)))
        }
        None => Err(FirehoseError::invalid_argument("Exactly one destination configuration must be specified.")),
    }
}

/// The processors the engine simulates.
fn check_processors(p: &ProcessingConfiguration) -> FirehoseResult<()> {
    for proc in &p.processors {
        if !matches!(
            proc.processor_type,
            ProcessorType::AppendDelimiterToRecord
                | ProcessorType::Lambda
                | ProcessorType::MetadataExtraction
                | ProcessorType::RecordDeAggregation
        ) {
            return Err(FirehoseError::invalid_argument(format!(
                "Processor type {:?} is not simulated yet; Lambda, MetadataExtraction, RecordDeAggregation and AppendDelimiterToRecord are.",
                proc.processor_type
            )));
        }
    }
    processing::lambda_settings(p)?;
    Ok(())
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
        check_processors(p)?;
    }
    let conversion = c.data_format_conversion_configuration.clone().filter(|d| d.is_enabled());
    let mut buffering_hints = buffering_hints;
    if let Some(conv) = &conversion {
        conversion::resolve(conv)?;
        if c.compression_format.is_some_and(|f| f != CompressionFormat::Uncompressed) {
            // FACTS §2: with conversion the S3 CompressionFormat must be UNCOMPRESSED (the serializer
            // compresses). Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(
                "CompressionFormat must be UNCOMPRESSED when data format conversion is enabled: the Parquet serializer compresses.",
            ));
        }
        if c.buffering_hints.is_none() {
            buffering_hints.size_in_mbs = convert::CONVERSION_BUFFER_DEFAULT_MIB;
        }
        conversion::check_buffer_size(buffering_hints.size_in_mbs)?;
    }
    let source_backup = match (c.s3_backup_mode.as_deref(), &c.s3_backup_configuration) {
        (Some(source_backup::ENABLED), Some(b)) => Some(Box::new(resolve_destination(source_backup::as_extended(b))?)),
        (Some(source_backup::ENABLED), None) => {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument("S3BackupConfiguration is required when S3BackupMode is Enabled."));
        }
        _ => None,
    };
    let dynamic_partitioning = c.dynamic_partitioning_configuration.filter(|d| d.is_enabled());
    let prefixes =
        prefix::validate_with_partitioning(c.prefix.as_deref(), c.error_output_prefix.as_deref(), dynamic_partitioning.is_some())?;
    partitioning::check_configuration(&prefixes, c.processing_configuration.as_ref(), dynamic_partitioning)?;
    Ok(ExtendedS3Destination {
        role_arn: c.role_arn,
        bucket_arn: c.bucket_arn,
        prefix: c.prefix.filter(|p| !p.is_empty()),
        error_output_prefix: c.error_output_prefix.filter(|p| !p.is_empty()),
        buffering_hints,
        compression_format: c.compression_format.unwrap_or(CompressionFormat::Uncompressed),
        processing_configuration: c.processing_configuration,
        dynamic_partitioning,
        data_format_conversion: conversion,
        source_backup,
    })
}
