//! A simulated producer: renders records from a template at a steady rate and writes them with
//! PutRecord or PutRecords, optionally KPL-aggregated, through the API (the same JSON boto3 sends). Every
//! reply is counted — accepted, throttled, failed by error type — so throttling is always visible.

use std::collections::{BTreeMap, VecDeque};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use prost::encoding::encoded_len_varint;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::{ApiReply, KinesisService};
use crate::engine::streams::agg::{aggregate, UserRecordInput, KPL_MAGIC};
use crate::engine::streams::hash::{parse_hash_key, partition_key_hash_key};
use crate::engine::streams::limits::{MIB, PUT_RECORDS_MAX_ENTRIES};
use crate::engine::time::{second_of, EpochMillis, MILLIS_PER_SECOND};
use crate::sim::keys::{KeyError, KeyPicker, KeyStrategy};
use crate::sim::template::{RenderContext, Template, TemplateError};

/// Highest rate a producer may be set to: 100,000 records/s fills 100 shards (FACTS.md §1, 1,000
/// records/s per shard), the largest stream the UI aims to show.
pub const MAX_RATE_RECORDS_PER_SEC: f64 = 100_000.0;
/// Producer names: 1–128 characters, like the stream and consumer names they sit beside (FACTS.md §1).
pub const MAX_NAME_CHARS: usize = 128;
/// KPL `AggregationMaxSize`: default 51,200 bytes, allowed 64..=1,048,576 (the KPL's
/// `default_config.properties` / `configuration.h`). The upper bound is the default 1 MiB record limit
/// (FACTS.md §1 "Writes").
pub const KPL_AGGREGATION_MAX_BYTES_DEFAULT: u32 = 51_200;
pub const KPL_AGGREGATION_MIN_BYTES: u32 = 64;
pub const KPL_AGGREGATION_MAX_BYTES: u32 = 1_048_576;
/// Bytes (data + partition keys) the producer packs into one PutRecords call. 5 MiB is the KPL's
/// `CollectionMaxSize` default and the per-request limit before Oct 2025 (FACTS.md §1 "Writes"), so the
/// calls are valid under both the old and the current (10 MiB) limit.
pub const COLLECTION_MAX_BYTES: u64 = 5 * MIB;
/// KPL `RecordTtl` default: a record still unsent 30 s after it was produced is dropped ("expired").
pub const RECORD_TTL_MS: u64 = 30_000;
/// RecordTtl bounds here: the KPL's minimum (100 ms) up to one day.
pub const MIN_RECORD_TTL_MS: u64 = 100;
pub const MAX_RECORD_TTL_MS: u64 = 24 * 3_600_000;
/// Retry backlog bound (records). Without it a producer far above its shards' capacity would buffer
/// without limit; the KPL bounds it by memory and RecordTtl. Overflow counts as expired.
pub const MAX_PENDING_RECORDS: usize = 100_000;
/// Retry backoff: the first retry goes out on the next tick, each later one waits twice as long, up to
/// this ceiling. The AWS SDKs back off exponentially on throttling (their "standard" retry mode caps the
/// delay at 20 s); the KPL instead paces by its per-shard rate limiter. A short ceiling keeps retries
/// eager, as the KPL is, without resending the whole backlog every 100 ms.
pub const MAX_RETRY_BACKOFF_MS: u64 = 1_600;
/// Seconds of per-second history kept for the charts (15 minutes).
pub const HISTORY_SECONDS: usize = 900;
/// Longest stretch one `step` generates records for. The driver's ticks are far shorter; this only keeps
/// a stray huge step from allocating without bound (records beyond it are not generated, not hidden).
pub const MAX_STEP_MS: u64 = MILLIS_PER_SECOND;
/// The error code Kinesis gives a throttled write (FACTS.md §1 "Writes").
pub const THROTTLED: &str = "ProvisionedThroughputExceededException";

/// How records are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode")]
pub enum Batching {
    /// One PutRecord call per Kinesis record.
    PutRecord,
    /// PutRecords with up to `max_records` (1–500, FACTS.md §1) entries per call.
    PutRecords { max_records: u32 },
}

/// Whether user records are packed KPL-style into aggregated Kinesis records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode")]
pub enum Aggregation {
    Off,
    /// Pack user records bound for the same shard into aggregates of at most `max_bytes` (Kinesis
    /// record size: aggregate plus partition key). See `KPL_AGGREGATION_MAX_BYTES_DEFAULT`.
    Kpl { max_bytes: u32 },
}

/// Everything the learner sets on a producer (saved with the sandbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerConfig {
    pub name: String,
    pub stream_name: String,
    /// KDG-style template text (see `template`).
    pub template: String,
    pub rate_records_per_sec: f64,
    pub keys: KeyStrategy,
    pub batching: Batching,
    pub aggregation: Aggregation,
    /// Resend throttled records on the next tick (as the KPL and the SDKs' retry loops do) instead of
    /// dropping them.
    pub retry_throttled: bool,
    /// How long a throttled record may wait for a retry before it is dropped (KPL `RecordTtl`).
    #[serde(default = "default_record_ttl_ms")]
    pub record_ttl_ms: u64,
    pub seed: u64,
    pub enabled: bool,
}

fn default_record_ttl_ms() -> u64 {
    RECORD_TTL_MS
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            name: "producer-1".into(),
            stream_name: String::new(),
            template: r#"{"sensorId": {{random.number(50)}}, "temperature": {{random.float(10,40,1)}}, "status": "{{random.arrayElement(["OK","WARN","FAIL"])}}", "time": "{{date.now}}"}"#.into(),
            rate_records_per_sec: 10.0,
            keys: KeyStrategy::Random,
            batching: Batching::PutRecords { max_records: PUT_RECORDS_MAX_ENTRIES as u32 },
            aggregation: Aggregation::Off,
            retry_throttled: true,
            record_ttl_ms: RECORD_TTL_MS,
            seed: 1,
            enabled: true,
        }
    }
}

/// Why a producer configuration is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    Name { chars: usize },
    Rate { rate: f64 },
    MaxRecords { max_records: u32 },
    AggregationBytes { max_bytes: u32 },
    RecordTtl { record_ttl_ms: u64 },
    Template(TemplateError),
    Keys(KeyError),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Name { chars } => {
                write!(f, "the producer name must have 1 to {MAX_NAME_CHARS} characters (got {chars})")
            }
            ConfigError::Rate { rate } => {
                write!(f, "the rate must be a number of records per second from 0 to {MAX_RATE_RECORDS_PER_SEC} (got {rate})")
            }
            ConfigError::MaxRecords { max_records } => write!(
                f,
                "PutRecords takes 1 to {PUT_RECORDS_MAX_ENTRIES} records per call (got {max_records})"
            ),
            ConfigError::AggregationBytes { max_bytes } => write!(
                f,
                "the aggregated record size must be from {KPL_AGGREGATION_MIN_BYTES} to {KPL_AGGREGATION_MAX_BYTES} bytes (got {max_bytes})"
            ),
            ConfigError::RecordTtl { record_ttl_ms } => write!(
                f,
                "the record TTL must be from {MIN_RECORD_TTL_MS} to {MAX_RECORD_TTL_MS} ms (got {record_ttl_ms})"
            ),
            ConfigError::Template(e) => write!(f, "record template {e}"),
            ConfigError::Keys(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The parsed parts of a valid configuration.
#[derive(Debug, Clone, PartialEq)]
struct Compiled {
    template: Template,
    keys: KeyPicker,
}

impl ProducerConfig {
    /// Checks every field; the stream's existence is checked by the sandbox (through the API).
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.compile().map(|_| ())
    }

    fn compile(&self) -> Result<Compiled, ConfigError> {
        let chars = self.name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS {
            return Err(ConfigError::Name { chars });
        }
        let rate = self.rate_records_per_sec;
        if !rate.is_finite() || !(0.0..=MAX_RATE_RECORDS_PER_SEC).contains(&rate) {
            return Err(ConfigError::Rate { rate });
        }
        if let Batching::PutRecords { max_records } = self.batching {
            if max_records == 0 || max_records as usize > PUT_RECORDS_MAX_ENTRIES {
                return Err(ConfigError::MaxRecords { max_records });
            }
        }
        if let Aggregation::Kpl { max_bytes } = self.aggregation {
            if !(KPL_AGGREGATION_MIN_BYTES..=KPL_AGGREGATION_MAX_BYTES).contains(&max_bytes) {
                return Err(ConfigError::AggregationBytes { max_bytes });
            }
        }
        if !(MIN_RECORD_TTL_MS..=MAX_RECORD_TTL_MS).contains(&self.record_ttl_ms) {
            return Err(ConfigError::RecordTtl { record_ttl_ms: self.record_ttl_ms });
        }
        let template = Template::parse(&self.template).map_err(ConfigError::Template)?;
        let keys = self.keys.compile().map_err(ConfigError::Keys)?;
        Ok(Compiled { template, keys })
    }
}

/// One Kinesis record on its way out (plain, or an aggregate of several user records).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutRecord {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
    /// User records inside (1 unless aggregated).
    pub user_records: u32,
    /// When its first user record was produced (for RecordTtl).
    pub produced_ms: EpochMillis,
    /// The shard the producer's shard map expected (aggregates only).
    pub predicted_shard: Option<String>,
    /// Attempts so far that were throttled.
    #[serde(default)]
    pub throttled_attempts: u32,
    /// Earliest time of the next attempt (retries only).
    #[serde(default)]
    pub retry_at_ms: EpochMillis,
}

impl OutRecord {
    /// What Kinesis counts against the record and request limits: data plus partition key.
    pub fn size_bytes(&self) -> u64 {
        (self.data.len() + self.partition_key.len()) as u64
    }
}

/// A write a producer has prepared for the current tick and not yet sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreparedCall {
    PutRecord(OutRecord),
    PutRecords(Vec<OutRecord>),
}

impl PreparedCall {
    /// Kinesis records in the call (the unit the page budgets its work in).
    pub fn records(&self) -> u64 {
        match self {
            PreparedCall::PutRecord(_) => 1,
            PreparedCall::PutRecords(batch) => batch.len() as u64,
        }
    }
}

/// The last error any call returned, as AWS sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastError {
    pub operation: String,
    pub error_type: String,
    pub message: String,
    pub at_ms: EpochMillis,
}

/// What happened in one simulated second (counts of Kinesis records unless named user records).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondStats {
    pub second: u64,
    pub user_records_generated: u64,
    pub sent: u64,
    pub accepted: u64,
    pub throttled: u64,
    pub failed: u64,
    pub expired_user_records: u64,
}

/// A producer's running totals and recent per-second history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerStats {
    pub user_records_generated: u64,
    /// Kinesis records put on the wire, retries included.
    pub records_sent: u64,
    pub records_accepted: u64,
    pub user_records_accepted: u64,
    pub bytes_accepted: u64,
    /// Records refused with ProvisionedThroughputExceededException (a PutRecords entry or a PutRecord call).
    pub records_throttled: u64,
    /// Calls with at least one throttled record.
    pub calls_throttled: u64,
    /// Records refused for any other reason …
    pub records_failed: u64,
    /// … by error type (`InternalFailure`, `ResourceNotFoundException`, `ValidationException`, …).
    pub failed_by_type: BTreeMap<String, u64>,
    /// User records dropped unsent after RecordTtl or when the retry backlog was full.
    pub user_records_expired: u64,
    /// Every API call made (writes and the ListShards the aggregator uses for its shard map).
    pub calls: u64,
    pub put_calls: u64,
    pub list_shards_calls: u64,
    pub last_error: Option<LastError>,
    /// Kinesis records accepted per shard, from the ShardId in each reply.
    pub accepted_by_shard: BTreeMap<String, u64>,
    /// One entry per simulated second with activity, oldest first, at most HISTORY_SECONDS long.
    pub history: VecDeque<SecondStats>,
}

impl ProducerStats {
    fn second(&mut self, now_ms: EpochMillis) -> &mut SecondStats {
        let second = second_of(now_ms);
        if self.history.back().map(|s| s.second) != Some(second) {
            self.history.push_back(SecondStats { second, ..Default::default() });
            while self.history.len() > HISTORY_SECONDS
                || self.history.front().is_some_and(|s| s.second + HISTORY_SECONDS as u64 <= second)
            {
                self.history.pop_front();
            }
        }
        // Just pushed if it was missing, so the back is always there.
        let last = self.history.len() - 1;
        &mut self.history[last]
    }

    /// The history entry of one simulated second, if anything happened in it.
    pub fn at_second(&self, second: u64) -> Option<&SecondStats> {
        self.history.iter().rev().find(|s| s.second == second)
    }

    /// Sums of the history over seconds `from..to`.
    pub fn sum_seconds(&self, from: u64, to: u64) -> SecondStats {
        let mut total = SecondStats { second: from, ..Default::default() };
        for s in self.history.iter().filter(|s| (from..to).contains(&s.second)) {
            total.user_records_generated += s.user_records_generated;
            total.sent += s.sent;
            total.accepted += s.accepted;
            total.throttled += s.throttled;
            total.failed += s.failed;
            total.expired_user_records += s.expired_user_records;
        }
        total
    }

    fn note_error(&mut self, operation: &str, error_type: &str, message: &str, at_ms: EpochMillis) {
        self.last_error = Some(LastError {
            operation: operation.to_string(),
            error_type: error_type.to_string(),
            message: message.to_string(),
            at_ms,
        });
    }
}

/// Open shards by hash-key range, from ListShards: what the KPL uses to aggregate per shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardMap {
    /// (starting hash key, ending hash key, shard id), sorted by start.
    pub shards: Vec<(u128, u128, String)>,
}

impl ShardMap {
    pub fn shard_for(&self, hash_key: u128) -> Option<usize> {
        let i = self.shards.partition_point(|(start, _, _)| *start <= hash_key);
        let i = i.checked_sub(1)?;
        (self.shards[i].1 >= hash_key).then_some(i)
    }
}

/// A producer at work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "ProducerState", try_from = "ProducerState")]
pub struct Producer {
    config: ProducerConfig,
    compiled: Compiled,
    rng: Pcg64Mcg,
    /// User records generated so far (the `{{sequence}}` counter).
    generated: u64,
    /// The fraction of a record owed from earlier steps (so 0.5 records/s sends one every 2 s).
    carry: f64,
    /// Throttled records waiting to be resent.
    pending: VecDeque<OutRecord>,
    shard_map: Option<ShardMap>,
    stats: ProducerStats,
}

/// The saved form of a producer (the compiled template is rebuilt from the config when loaded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerState {
    pub config: ProducerConfig,
    pub rng: Pcg64Mcg,
    pub generated: u64,
    pub carry: f64,
    pub pending: VecDeque<OutRecord>,
    pub shard_map: Option<ShardMap>,
    pub stats: ProducerStats,
}

impl From<Producer> for ProducerState {
    fn from(p: Producer) -> Self {
        ProducerState {
            config: p.config,
            rng: p.rng,
            generated: p.generated,
            carry: p.carry,
            pending: p.pending,
            shard_map: p.shard_map,
            stats: p.stats,
        }
    }
}

impl TryFrom<ProducerState> for Producer {
    type Error = ConfigError;
    fn try_from(s: ProducerState) -> Result<Self, ConfigError> {
        let compiled = s.config.compile()?;
        let carry = if s.carry.is_finite() { s.carry.clamp(0.0, 1.0) } else { 0.0 };
        Ok(Producer {
            config: s.config,
            compiled,
            rng: s.rng,
            generated: s.generated,
            carry,
            pending: s.pending,
            shard_map: s.shard_map,
            stats: s.stats,
        })
    }
}

/// What a steady-state check compares for a producer, and the totals a replication scales.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProducerProbe {
    pub carry: f64,
    pub pending: usize,
    pub generated: u64,
    pub enabled: bool,
    /// The statistics without their per-second history.
    pub totals: ProducerStats,
}

impl SecondStats {
    fn add(&mut self, other: &SecondStats) {
        let SecondStats { second: _, user_records_generated, sent, accepted, throttled, failed, expired_user_records } = *other;
        self.user_records_generated += user_records_generated;
        self.sent += sent;
        self.accepted += accepted;
        self.throttled += throttled;
        self.failed += failed;
        self.expired_user_records += expired_user_records;
    }

    /// What happened between two readings of the same second.
    pub(crate) fn since(&self, earlier: &SecondStats) -> SecondStats {
        SecondStats {
            second: self.second,
            user_records_generated: self.user_records_generated.saturating_sub(earlier.user_records_generated),
            sent: self.sent.saturating_sub(earlier.sent),
            accepted: self.accepted.saturating_sub(earlier.accepted),
            throttled: self.throttled.saturating_sub(earlier.throttled),
            failed: self.failed.saturating_sub(earlier.failed),
            expired_user_records: self.expired_user_records.saturating_sub(earlier.expired_user_records),
        }
    }
}

/// `now + (now - then) × n` for a running total.
fn scaled(now: u64, then: u64, n: u64) -> u64 {
    now.saturating_add(now.saturating_sub(then).saturating_mul(n))
}

fn scaled_map(now: &mut BTreeMap<String, u64>, then: &BTreeMap<String, u64>, n: u64) {
    for (key, value) in now.iter_mut() {
        *value = scaled(*value, then.get(key).copied().unwrap_or(0), n);
    }
}

impl ProducerStats {
    /// Repeats the change since `then` `n` more times (fast-forward of steady traffic, `sim::bulk`).
    fn replicate_totals(&mut self, then: &ProducerStats, n: u64) {
        self.user_records_generated = scaled(self.user_records_generated, then.user_records_generated, n);
        self.records_sent = scaled(self.records_sent, then.records_sent, n);
        self.records_accepted = scaled(self.records_accepted, then.records_accepted, n);
        self.user_records_accepted = scaled(self.user_records_accepted, then.user_records_accepted, n);
        self.bytes_accepted = scaled(self.bytes_accepted, then.bytes_accepted, n);
        self.records_throttled = scaled(self.records_throttled, then.records_throttled, n);
        self.calls_throttled = scaled(self.calls_throttled, then.calls_throttled, n);
        self.records_failed = scaled(self.records_failed, then.records_failed, n);
        scaled_map(&mut self.failed_by_type, &then.failed_by_type, n);
        self.user_records_expired = scaled(self.user_records_expired, then.user_records_expired, n);
        self.calls = scaled(self.calls, then.calls, n);
        self.put_calls = scaled(self.put_calls, then.put_calls, n);
        self.list_shards_calls = scaled(self.list_shards_calls, then.list_shards_calls, n);
        scaled_map(&mut self.accepted_by_shard, &then.accepted_by_shard, n);
    }
}

/// A user record just generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRecord {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: String,
}

impl Producer {
    pub fn new(config: ProducerConfig) -> Result<Producer, ConfigError> {
        let compiled = config.compile()?;
        Ok(Producer {
            rng: Pcg64Mcg::seed_from_u64(config.seed),
            config,
            compiled,
            generated: 0,
            carry: 0.0,
            pending: VecDeque::new(),
            shard_map: None,
            stats: ProducerStats::default(),
        })
    }

    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }

    pub fn stats(&self) -> &ProducerStats {
        &self.stats
    }

    /// Records waiting to be resent after throttling.
    pub fn pending_records(&self) -> usize {
        self.pending.len()
    }

    /// User records inside the records waiting to be resent.
    pub fn pending_user_records(&self) -> u64 {
        self.pending.iter().map(|r| r.user_records as u64).sum()
    }

    /// True when a step could do anything (generate or resend).
    pub fn is_active(&self) -> bool {
        self.config.enabled && (self.config.rate_records_per_sec > 0.0 || !self.pending.is_empty())
    }

    /// Replaces the configuration. Statistics stay; a new seed restarts the random sequence; a new
    /// stream drops the retry backlog and the shard map.
    pub fn reconfigure(&mut self, config: ProducerConfig) -> Result<(), ConfigError> {
        let compiled = config.compile()?;
        if config.seed != self.config.seed {
            self.rng = Pcg64Mcg::seed_from_u64(config.seed);
        }
        if config.stream_name != self.config.stream_name {
            self.pending.clear();
            self.shard_map = None;
        }
        self.config = config;
        self.compiled = compiled;
        Ok(())
    }

    pub fn set_enabled(&mut self, enabled: bool) {
        self.config.enabled = enabled;
    }

    /// The state a steady-state check compares (see `sim::bulk`).
    pub(crate) fn probe(&self) -> ProducerProbe {
        let mut totals = self.stats.clone();
        totals.history.clear();
        ProducerProbe { carry: self.carry, pending: self.pending.len(), generated: self.generated, enabled: self.config.enabled, totals }
    }

    /// This producer's per-second history entry for the second `at_ms` falls in (zero if none).
    pub(crate) fn second_reading(&self, at_ms: EpochMillis) -> SecondStats {
        self.stats.at_second(second_of(at_ms)).cloned().unwrap_or_default()
    }

    /// How many ticks make a period after which this producer's fractional-record carry repeats: the
    /// fewest ticks whose due records are a whole number (`None` if no period up to `max_ticks` does).
    pub(crate) fn period_ticks(&self, tick_ms: u64, max_ticks: u64) -> Option<u64> {
        if !self.is_active() || self.config.rate_records_per_sec <= 0.0 {
            return Some(1);
        }
        (1..=max_ticks).find(|k| {
            let due = self.config.rate_records_per_sec * (*k * tick_ms) as f64 / MILLIS_PER_SECOND as f64;
            (due - due.round()).abs() < 1e-6
        })
    }

    /// Repeats the period that began at `start` (probed then) and ends now `repetitions` more times: totals
    /// scaled, the per-second history the charts show filled in, and every pending record and error time
    /// carried forward, so the producer is in the state that many steady periods would leave it.
    pub(crate) fn replicate(&mut self, start: &ProducerProbe, start_ms: EpochMillis, period_ms: u64, ticks: &[(u64, SecondStats)], repetitions: u64) {
        let shift_ms = repetitions * period_ms;
        self.stats.replicate_totals(&start.totals, repetitions);
        self.generated = scaled(self.generated, start.generated, repetitions);
        let end_ms = start_ms + period_ms + shift_ms;
        let history_from = end_ms.saturating_sub(HISTORY_SECONDS as u64 * MILLIS_PER_SECOND);
        let first = (history_from.saturating_sub(start_ms) / period_ms).max(1);
        for repetition in first..=repetitions {
            for (offset, delta) in ticks {
                let at = start_ms + repetition * period_ms + offset;
                if at > history_from {
                    self.stats.second(at).add(delta);
                }
            }
        }
        for r in self.pending.iter_mut() {
            r.produced_ms += shift_ms;
            r.retry_at_ms += shift_ms;
        }
        if let Some(e) = self.stats.last_error.as_mut().filter(|e| e.at_ms > start_ms) {
            e.at_ms += shift_ms;
        }
    }

    /// Generates the next user record (advancing the RNG and the sequence counter) without sending it.
    pub fn next_record(&mut self, now_ms: EpochMillis) -> GeneratedRecord {
        let ctx = RenderContext { record_index: self.generated, now_ms };
        let data = self.compiled.template.render(&mut self.rng, ctx);
        let key = self.compiled.keys.pick(&mut self.rng, ctx);
        self.generated += 1;
        GeneratedRecord { partition_key: key.partition_key, explicit_hash_key: key.explicit_hash_key, data }
    }

    /// How many records are due for a step of `tick_ms`, keeping the fraction for later.
    fn due_records(&mut self, tick_ms: u64) -> u64 {
        let seconds = tick_ms.min(MAX_STEP_MS) as f64 / MILLIS_PER_SECOND as f64;
        let owed = self.config.rate_records_per_sec * seconds + self.carry;
        let whole = owed.floor();
        self.carry = owed - whole;
        whole as u64
    }

    /// Everything this producer does in the tick ending at `now_ms` (the engine clock is already there):
    /// drop expired retries, generate the tick's records, aggregate if asked, and send retries then new
    /// records.
    pub fn step(&mut self, service: &mut KinesisService, now_ms: EpochMillis, tick_ms: u64) {
        for call in self.prepare(service, now_ms, tick_ms) {
            self.send(service, call, now_ms);
        }
    }

    /// Sends one prepared call (see `prepare`).
    pub fn send(&mut self, service: &mut KinesisService, call: PreparedCall, now_ms: EpochMillis) {
        match call {
            PreparedCall::PutRecord(record) => self.put_record(service, record, now_ms),
            PreparedCall::PutRecords(batch) => self.put_records(service, batch, now_ms),
        }
    }

    /// The first half of a step: drop expired retries, generate the tick's records, aggregate if asked,
    /// and return the calls to make, in order (retries first). The sandbox may spread sending them over
    /// several animation frames; the clock stays at the tick's end meanwhile, so the outcome is the same.
    pub fn prepare(&mut self, service: &mut KinesisService, now_ms: EpochMillis, tick_ms: u64) -> Vec<PreparedCall> {
        if !self.config.enabled {
            return Vec::new();
        }
        self.expire_pending(now_ms);
        let due = self.due_records(tick_ms);
        let mut fresh = Vec::with_capacity(due as usize);
        for _ in 0..due {
            let r = self.next_record(now_ms);
            fresh.push(UserRecordInput { partition_key: r.partition_key, explicit_hash_key: r.explicit_hash_key, data: r.data.into_bytes() });
        }
        if due > 0 {
            self.stats.user_records_generated += due;
            self.stats.second(now_ms).user_records_generated += due;
        }
        // Retries whose backoff has passed go first, oldest first; the others keep waiting.
        let mut outgoing = Vec::new();
        let mut waiting = VecDeque::new();
        for r in self.pending.drain(..) {
            if r.retry_at_ms <= now_ms {
                outgoing.push(r);
            } else {
                waiting.push_back(r);
            }
        }
        self.pending = waiting;
        match self.config.aggregation {
            Aggregation::Off => outgoing.extend(fresh.into_iter().map(|u| OutRecord {
                partition_key: u.partition_key,
                explicit_hash_key: u.explicit_hash_key,
                data: u.data,
                user_records: 1,
                produced_ms: now_ms,
                predicted_shard: None,
                throttled_attempts: 0,
                retry_at_ms: 0,
            })),
            Aggregation::Kpl { max_bytes } => {
                if !fresh.is_empty() && self.shard_map.is_none() {
                    self.refresh_shard_map(service, now_ms);
                }
                outgoing.extend(aggregate_by_shard(fresh, self.shard_map.as_ref(), max_bytes as u64, now_ms));
            }
        }
        match self.config.batching {
            Batching::PutRecord => outgoing.into_iter().map(PreparedCall::PutRecord).collect(),
            Batching::PutRecords { max_records } => {
                collect_batches(outgoing, max_records as usize).into_iter().map(PreparedCall::PutRecords).collect()
            }
        }
    }

    fn expire_pending(&mut self, now_ms: EpochMillis) {
        let before = self.pending.len();
        let mut expired_users = 0u64;
        let ttl_ms = self.config.record_ttl_ms;
        self.pending.retain(|r| {
            let keep = now_ms.saturating_sub(r.produced_ms) <= ttl_ms;
            if !keep {
                expired_users += r.user_records as u64;
            }
            keep
        });
        if self.pending.len() != before {
            self.count_expired(expired_users, now_ms);
        }
    }

    fn count_expired(&mut self, user_records: u64, now_ms: EpochMillis) {
        self.stats.user_records_expired += user_records;
        self.stats.second(now_ms).expired_user_records += user_records;
    }

    /// Keeps a throttled record for the next tick (when retrying), else it is simply lost.
    fn requeue(&mut self, mut record: OutRecord, now_ms: EpochMillis) {
        if !self.config.retry_throttled {
            return;
        }
        record.throttled_attempts = record.throttled_attempts.saturating_add(1);
        let shift = (record.throttled_attempts - 1).min(16);
        let backoff = (crate::sim::TICK_MS << shift).min(MAX_RETRY_BACKOFF_MS);
        // Due at the next tick for the first retry: the tick that ends `backoff` from now.
        record.retry_at_ms = now_ms + backoff;
        if self.pending.len() >= MAX_PENDING_RECORDS {
            self.count_expired(record.user_records as u64, now_ms);
            return;
        }
        self.pending.push_back(record);
    }

    /// ListShards (all pages) → the open shards' ranges. On any error the map stays empty and the
    /// aggregator treats the stream as one shard until the next try.
    fn refresh_shard_map(&mut self, service: &mut KinesisService, now_ms: EpochMillis) {
        let mut shards = Vec::new();
        let mut request = json!({ "StreamName": self.config.stream_name });
        loop {
            self.stats.calls += 1;
            self.stats.list_shards_calls += 1;
            let reply = service.call_json("ListShards", &request);
            let body = match reply {
                ApiReply::Json { status: 200, body } => body,
                other => {
                    let (t, m) = error_of(&other);
                    self.stats.note_error("ListShards", &t, &m, now_ms);
                    return;
                }
            };
            for s in body["Shards"].as_array().into_iter().flatten() {
                let open = s["SequenceNumberRange"]["EndingSequenceNumber"].is_null();
                let start = s["HashKeyRange"]["StartingHashKey"].as_str().and_then(parse_hash_key);
                let end = s["HashKeyRange"]["EndingHashKey"].as_str().and_then(parse_hash_key);
                if let (true, Some(start), Some(end), Some(id)) = (open, start, end, s["ShardId"].as_str()) {
                    shards.push((start, end, id.to_string()));
                }
            }
            match body["NextToken"].as_str() {
                Some(token) if !token.is_empty() => request = json!({ "NextToken": token }),
                _ => break,
            }
        }
        shards.sort();
        self.shard_map = Some(ShardMap { shards });
    }

    fn put_record(&mut self, service: &mut KinesisService, record: OutRecord, now_ms: EpochMillis) {
        let body = PutRecordBody {
            stream_name: &self.config.stream_name,
            data: STANDARD.encode(&record.data),
            partition_key: &record.partition_key,
            explicit_hash_key: record.explicit_hash_key.as_deref(),
        };
        let request = serde_json::to_vec(&body).unwrap_or_default();
        self.stats.calls += 1;
        self.stats.put_calls += 1;
        self.stats.records_sent += 1;
        self.stats.second(now_ms).sent += 1;
        match service.call("PutRecord", &request) {
            ApiReply::Json { status: 200, body } => {
                let shard = body["ShardId"].as_str().unwrap_or_default().to_string();
                self.accepted(&record, shard, now_ms);
            }
            other => {
                let (t, m) = error_of(&other);
                self.stats.note_error("PutRecord", &t, &m, now_ms);
                if t == THROTTLED {
                    self.stats.calls_throttled += 1;
                    self.throttled(record, now_ms);
                } else {
                    self.failed(&t, 1, now_ms);
                }
            }
        }
    }

    fn put_records(&mut self, service: &mut KinesisService, batch: Vec<OutRecord>, now_ms: EpochMillis) {
        let body = PutRecordsBody {
            stream_name: &self.config.stream_name,
            records: batch
                .iter()
                .map(|r| PutRecordsEntry {
                    data: STANDARD.encode(&r.data),
                    partition_key: &r.partition_key,
                    explicit_hash_key: r.explicit_hash_key.as_deref(),
                })
                .collect(),
        };
        let request = serde_json::to_vec(&body).unwrap_or_default();
        let count = batch.len() as u64;
        self.stats.calls += 1;
        self.stats.put_calls += 1;
        self.stats.records_sent += count;
        self.stats.second(now_ms).sent += count;
        let body = match service.call("PutRecords", &request) {
            ApiReply::Json { status: 200, body } => body,
            other => {
                // The whole call failed: every entry shares the call's error.
                let (t, m) = error_of(&other);
                self.stats.note_error("PutRecords", &t, &m, now_ms);
                if t == THROTTLED {
                    self.stats.calls_throttled += 1;
                    for record in batch {
                        self.throttled(record, now_ms);
                    }
                } else {
                    self.failed(&t, count, now_ms);
                }
                return;
            }
        };
        let results = body["Records"].as_array().cloned().unwrap_or_default();
        let mut any_throttled = false;
        let mut answered = 0usize;
        for (record, result) in batch.into_iter().zip(results.iter()) {
            answered += 1;
            match result["ErrorCode"].as_str() {
                None => {
                    let shard = result["ShardId"].as_str().unwrap_or_default().to_string();
                    self.accepted(&record, shard, now_ms);
                }
                Some(code) => {
                    let message = result["ErrorMessage"].as_str().unwrap_or_default();
                    self.stats.note_error("PutRecords", code, message, now_ms);
                    if code == THROTTLED {
                        any_throttled = true;
                        self.throttled(record, now_ms);
                    } else {
                        self.failed(code, 1, now_ms);
                    }
                }
            }
        }
        if answered < count as usize {
            // A reply that does not line up with the request would be an API bug; count it, never hide it.
            self.failed("MissingResultEntry", count - answered as u64, now_ms);
        }
        if any_throttled {
            self.stats.calls_throttled += 1;
        }
    }

    fn accepted(&mut self, record: &OutRecord, shard_id: String, now_ms: EpochMillis) {
        self.stats.records_accepted += 1;
        self.stats.user_records_accepted += record.user_records as u64;
        self.stats.bytes_accepted += record.size_bytes();
        self.stats.second(now_ms).accepted += 1;
        if record.predicted_shard.as_ref().is_some_and(|p| *p != shard_id) {
            // The KPL refreshes its shard map when a record lands somewhere unexpected (after resharding).
            self.shard_map = None;
        }
        *self.stats.accepted_by_shard.entry(shard_id).or_default() += 1;
    }

    fn throttled(&mut self, record: OutRecord, now_ms: EpochMillis) {
        self.stats.records_throttled += 1;
        self.stats.second(now_ms).throttled += 1;
        self.requeue(record, now_ms);
    }

    fn failed(&mut self, error_type: &str, records: u64, now_ms: EpochMillis) {
        self.stats.records_failed += records;
        self.stats.second(now_ms).failed += records;
        *self.stats.failed_by_type.entry(error_type.to_string()).or_default() += records;
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutRecordBody<'a> {
    stream_name: &'a str,
    data: String,
    partition_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    explicit_hash_key: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutRecordsBody<'a> {
    stream_name: &'a str,
    records: Vec<PutRecordsEntry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutRecordsEntry<'a> {
    data: String,
    partition_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    explicit_hash_key: Option<&'a str>,
}

/// `(__type, message)` of an error reply, with AWS's `namespace#Type` shortened.
fn error_of(reply: &ApiReply) -> (String, String) {
    match reply {
        ApiReply::Json { body, .. } => {
            let t = body["__type"].as_str().unwrap_or("UnknownError");
            let t = t.rsplit('#').next().unwrap_or(t).to_string();
            let m = body.get("message").or_else(|| body.get("Message")).and_then(Value::as_str).unwrap_or("");
            (t, m.to_string())
        }
        ApiReply::Subscribed { .. } => ("UnexpectedReply".into(), "a write answered with an event stream".into()),
    }
}

/// Splits records into PutRecords calls: at most `max_records` entries (≤ 500) and COLLECTION_MAX_BYTES
/// each, in order. A record larger than the byte cap goes alone (the API then judges it).
pub fn collect_batches(records: Vec<OutRecord>, max_records: usize) -> Vec<Vec<OutRecord>> {
    let max_records = max_records.clamp(1, PUT_RECORDS_MAX_ENTRIES);
    let mut batches = Vec::new();
    let mut current: Vec<OutRecord> = Vec::new();
    let mut bytes = 0u64;
    for r in records {
        let size = r.size_bytes();
        if !current.is_empty() && (current.len() >= max_records || bytes + size > COLLECTION_MAX_BYTES) {
            batches.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += size;
        current.push(r);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// The user record's routing hash key: its ExplicitHashKey if valid, else MD5 of its partition key.
fn hash_key_of(r: &UserRecordInput) -> u128 {
    r.explicit_hash_key.as_deref().and_then(parse_hash_key).unwrap_or_else(|| partition_key_hash_key(&r.partition_key))
}

/// One aggregate being filled, with its exact encoded size kept up to date.
struct Aggregator {
    records: Vec<UserRecordInput>,
    partition_keys: Vec<String>,
    explicit_keys: Vec<String>,
    /// Protobuf body bytes so far.
    body_bytes: u64,
    first_hash_key: u128,
    produced_ms: EpochMillis,
}

/// Bytes of a length-delimited protobuf field (1-byte tag: field numbers here are all < 16).
fn delimited_len(len: u64) -> u64 {
    1 + encoded_len_varint(len) as u64 + len
}

/// Magic bytes and MD5 trailer around the protobuf body (FACTS.md §1 "Producers and consumers").
const AGGREGATE_FRAME_BYTES: u64 = KPL_MAGIC.len() as u64 + 16;

impl Aggregator {
    fn new(produced_ms: EpochMillis) -> Self {
        Aggregator { records: Vec::new(), partition_keys: Vec::new(), explicit_keys: Vec::new(), body_bytes: 0, first_hash_key: 0, produced_ms }
    }

    /// Body bytes after adding `r` (new table entries plus the record message).
    fn bytes_with(&self, r: &UserRecordInput) -> u64 {
        let (pk_index, pk_new) = index_in(&self.partition_keys, &r.partition_key);
        let mut extra = if pk_new { delimited_len(r.partition_key.len() as u64) } else { 0 };
        let mut msg = 1 + encoded_len_varint(pk_index) as u64 + delimited_len(r.data.len() as u64);
        if let Some(ehk) = &r.explicit_hash_key {
            let (ehk_index, ehk_new) = index_in(&self.explicit_keys, ehk);
            if ehk_new {
                extra += delimited_len(ehk.len() as u64);
            }
            msg += 1 + encoded_len_varint(ehk_index) as u64;
        }
        self.body_bytes + extra + delimited_len(msg)
    }

    /// Size of the Kinesis record this aggregate would be (frame + body + the first partition key).
    fn record_bytes(body_bytes: u64, first_key_len: u64) -> u64 {
        AGGREGATE_FRAME_BYTES + body_bytes + first_key_len
    }

    fn push(&mut self, r: UserRecordInput, hash_key: u128, body_bytes: u64) {
        if self.records.is_empty() {
            self.first_hash_key = hash_key;
        }
        let (_, pk_new) = index_in(&self.partition_keys, &r.partition_key);
        if pk_new {
            self.partition_keys.push(r.partition_key.clone());
        }
        if let Some(ehk) = &r.explicit_hash_key {
            if index_in(&self.explicit_keys, ehk).1 {
                self.explicit_keys.push(ehk.clone());
            }
        }
        self.body_bytes = body_bytes;
        self.records.push(r);
    }

    fn first_key_len(&self, candidate: &UserRecordInput) -> u64 {
        self.records.first().unwrap_or(candidate).partition_key.len() as u64
    }

    /// The Kinesis record: a single user record goes as itself (the KPL skips the aggregate framing
    /// then); several go as one aggregate routed by the first record's hash key, given as
    /// ExplicitHashKey so the aggregate lands on the shard its records were grouped for.
    fn finish(self, predicted_shard: Option<String>) -> Option<OutRecord> {
        let produced_ms = self.produced_ms;
        let mut records = self.records;
        match records.len() {
            0 => None,
            1 => records.pop().map(|r| OutRecord {
                partition_key: r.partition_key,
                explicit_hash_key: r.explicit_hash_key,
                data: r.data,
                user_records: 1,
                produced_ms,
                predicted_shard: None,
                throttled_attempts: 0,
                retry_at_ms: 0,
            }),
            n => Some(OutRecord {
                partition_key: records[0].partition_key.clone(),
                explicit_hash_key: Some(self.first_hash_key.to_string()),
                data: aggregate(&records),
                user_records: n as u32,
                produced_ms,
                predicted_shard,
                throttled_attempts: 0,
                retry_at_ms: 0,
            }),
        }
    }
}

/// (index, is_new) of `key` in a key table. Tables stay small (keys of one aggregate).
fn index_in(table: &[String], key: &str) -> (u64, bool) {
    match table.iter().position(|k| k == key) {
        Some(i) => (i as u64, false),
        None => (table.len() as u64, true),
    }
}

/// Groups user records by the shard the map predicts and packs each group into aggregates of at most
/// `max_bytes` (as a Kinesis record). Order is kept within each shard's group.
pub fn aggregate_by_shard(
    records: Vec<UserRecordInput>,
    map: Option<&ShardMap>,
    max_bytes: u64,
    now_ms: EpochMillis,
) -> Vec<OutRecord> {
    let mut out = Vec::new();
    let mut open: BTreeMap<usize, Aggregator> = BTreeMap::new();
    let shard_id = |slot: usize| map.and_then(|m| m.shards.get(slot)).map(|s| s.2.clone());
    for r in records {
        let hash_key = hash_key_of(&r);
        let slot = map.and_then(|m| m.shard_for(hash_key)).unwrap_or(0);
        let agg = open.entry(slot).or_insert_with(|| Aggregator::new(now_ms));
        let with = agg.bytes_with(&r);
        if Aggregator::record_bytes(with, agg.first_key_len(&r)) <= max_bytes {
            agg.push(r, hash_key, with);
            continue;
        }
        // Full: ship what it holds and start a new aggregate with this record.
        let full = std::mem::replace(agg, Aggregator::new(now_ms));
        out.extend(full.finish(shard_id(slot)));
        let alone = agg.bytes_with(&r);
        if Aggregator::record_bytes(alone, r.partition_key.len() as u64) <= max_bytes {
            agg.push(r, hash_key, alone);
        } else {
            // Too big to aggregate at all: the KPL sends such a record by itself.
            out.push(OutRecord {
                partition_key: r.partition_key,
                explicit_hash_key: r.explicit_hash_key,
                data: r.data,
                user_records: 1,
                produced_ms: now_ms,
                predicted_shard: None,
                throttled_attempts: 0,
                retry_at_ms: 0,
            });
        }
    }
    for (slot, agg) in open {
        out.extend(agg.finish(shard_id(slot)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(pk: &str, ehk: Option<&str>, data: &str) -> UserRecordInput {
        UserRecordInput { partition_key: pk.into(), explicit_hash_key: ehk.map(str::to_string), data: data.as_bytes().to_vec() }
    }

    // The size bookkeeping must match what agg::aggregate really produces, or the cap would be wrong.
    #[test]
    fn aggregate_size_is_exact() {
        let inputs = vec![user("a", None, "x"), user("bb", Some("42"), "yyyy"), user("a", Some("42"), &"z".repeat(300))];
        let mut agg = Aggregator::new(0);
        for r in inputs.clone() {
            let with = agg.bytes_with(&r);
            agg.push(r, 0, with);
        }
        let blob = aggregate(&inputs);
        assert_eq!(blob.len() as u64, AGGREGATE_FRAME_BYTES + agg.body_bytes);
    }

    #[test]
    fn aggregates_respect_the_cap() {
        let inputs: Vec<_> = (0..200).map(|i| user(&format!("k{}", i % 7), None, &"d".repeat(i % 50))).collect();
        let out = aggregate_by_shard(inputs, None, 1_000, 0);
        assert!(out.len() > 1);
        assert!(out.iter().all(|r| r.size_bytes() <= 1_000), "an aggregate exceeds the cap");
        assert_eq!(out.iter().map(|r| r.user_records as u64).sum::<u64>(), 200);
    }

    // FACTS.md §1: PutRecords takes 1–500 entries; the collector also keeps calls under 5 MiB.
    #[test]
    fn batches_respect_entry_and_byte_limits() {
        let rec = |n: usize| OutRecord {
            partition_key: "k".into(),
            explicit_hash_key: None,
            data: vec![0; n],
            user_records: 1,
            produced_ms: 0,
            predicted_shard: None,
            throttled_attempts: 0,
            retry_at_ms: 0,
        };
        let batches = collect_batches((0..1234).map(|_| rec(10)).collect(), 500);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), vec![500, 500, 234]);
        let big = collect_batches((0..12).map(|_| rec(1024 * 1024 - 1)).collect(), 500);
        assert_eq!(big.iter().map(Vec::len).collect::<Vec<_>>(), vec![5, 5, 2]);
    }
}
