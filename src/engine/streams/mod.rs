//! Amazon Kinesis Data Streams, simulated. Every rule comes from FACTS.md §1 and the API model.
//!
//! `StreamsEngine` is one AWS account in one region. Operations take the request types of `types`
//! (the API model's shapes) and return its response types or a `StreamsError` carrying AWS's error
//! type and message. Time moves only through `advance_to`.

pub mod agg;
pub mod bulk;
mod control;
pub mod efo;
pub mod error;
pub mod hash;
pub mod iterator;
pub mod limits;
pub mod metrics;
mod ondemand;
pub mod persist;
mod read;
pub mod record_log;
mod reshard;
pub mod sequence;
pub mod shard;
pub mod stream;
pub mod throttle;
mod tokens;
pub mod types;
mod write;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::time::EpochMillis;
use error::{StreamsError, StreamsResult};
use stream::{Stream, StreamStatus};
use throttle::CallsPerSecond;
use types::StreamRef;

pub use efo::{Subscription, SubscriptionPoll};
/// The API shapes of a stored shard and record, for read-only observers (`api::observe`).
pub(crate) use control::shard_view;
pub(crate) use read::record_view;

/// Account-level settings of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineConfig {
    pub account_id: String,
    pub region: String,
    /// The account's open-shard quota (DescribeLimits ShardLimit).
    pub shard_limit: u32,
    pub on_demand_stream_limit: u32,
    /// How long CREATING, UPDATING and DELETING last, in simulated milliseconds.
    pub transition_ms: u64,
    /// Throughput and call-rate limits on (off only for load tests).
    pub enforce_limits: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            shard_limit: limits::DEFAULT_ACCOUNT_SHARD_LIMIT,
            on_demand_stream_limit: limits::DEFAULT_ON_DEMAND_STREAM_LIMIT,
            transition_ms: 500,
            enforce_limits: true,
        }
    }
}

/// On-demand Advantage commitment (DescribeAccountSettings / UpdateAccountSettings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountSettings {
    pub commitment_enabled: bool,
    pub commitment_started_ms: Option<EpochMillis>,
    pub commitment_ended_ms: Option<EpochMillis>,
}

/// One simulated AWS account's Kinesis Data Streams.
///
/// Serialisable for the sandbox's save and export (`engine::snapshot`); `persist` implements the serde
/// traits around these derived functions so that a restored engine is checked for consistency.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct StreamsEngine {
    pub config: EngineConfig,
    now_ms: EpochMillis,
    streams: BTreeMap<String, Stream>,
    next_incarnation: u64,
    /// Names of every stream ever created, by incarnation (for messages about deleted streams).
    names_by_incarnation: BTreeMap<u64, String>,
    /// Per-account call counters for the control-plane rate rules. Keys borrow the operation's name
    /// while running and own it after a restore (`Cow`), so counting a call allocates nothing.
    call_rates: BTreeMap<Cow<'static, str>, CallsPerSecond>,
    /// Per-stream ListShards counters.
    list_shards_rates: BTreeMap<String, CallsPerSecond>,
    resource_policies: BTreeMap<String, String>,
    pub account_settings: AccountSettings,
    subscriptions: efo::Subscriptions,
}

impl StreamsEngine {
    pub fn new(config: EngineConfig, start_ms: EpochMillis) -> Self {
        StreamsEngine {
            config,
            now_ms: start_ms,
            streams: BTreeMap::new(),
            next_incarnation: 1,
            names_by_incarnation: BTreeMap::new(),
            call_rates: BTreeMap::new(),
            list_shards_rates: BTreeMap::new(),
            resource_policies: BTreeMap::new(),
            account_settings: AccountSettings::default(),
            subscriptions: efo::Subscriptions::default(),
        }
    }

    pub fn now_ms(&self) -> EpochMillis {
        self.now_ms
    }

    /// Move the simulated clock forward to `target_ms`, completing every asynchronous change that falls
    /// due on the way (each at its own due time), then trimming data past retention. Going backwards is a
    /// no-op: simulated time never runs back.
    pub fn advance_to(&mut self, target_ms: EpochMillis) {
        while let Some((due_ms, name)) = self.next_due(target_ms) {
            self.now_ms = self.now_ms.max(due_ms);
            self.complete_due(&name);
        }
        self.now_ms = self.now_ms.max(target_ms);
        self.apply_retention();
        self.evaluate_on_demand();
    }

    /// Advance by `delta_ms` of simulated time.
    pub fn advance_by(&mut self, delta_ms: u64) {
        self.advance_to(self.now_ms.saturating_add(delta_ms));
    }

    /// The earliest change due at or before `limit_ms`: (due time, stream name).
    fn next_due(&self, limit_ms: EpochMillis) -> Option<(EpochMillis, String)> {
        self.streams
            .values()
            .filter_map(|s| stream_next_due(s).map(|due| (due, s.name.clone())))
            .filter(|(due, _)| *due <= limit_ms)
            .min()
    }

    fn complete_due(&mut self, name: &str) {
        let now = self.now_ms;
        let Some(stream) = self.streams.get_mut(name) else { return };
        // Consumer transitions first (they cannot depend on stream changes due at the same instant).
        efo::complete_consumer_transitions(stream, now);
        if let Some((due, target)) = stream.on_demand.scale_due {
            if due <= now && stream.status == StreamStatus::Active {
                stream.on_demand.scale_due = None;
                reshard::scale_uniformly(stream, target, now);
                stream.auto_scaled = true;
            } else if due <= now {
                // Busy with another change: try again when it is done (or give up if nothing is pending,
                // which cannot happen for a non-ACTIVE stream but must not loop if it did).
                stream.on_demand.scale_due = stream.pending.as_ref().map(|p| (p.due_ms, target));
            }
        }
        let due_change = stream.pending.as_ref().filter(|p| p.due_ms <= now).map(|p| p.change.clone());
        if let Some(change) = due_change {
            stream.pending = None;
            if control::apply_change(stream, change, now) == control::AfterChange::Remove {
                self.remove_stream(name);
            }
        }
    }

    fn remove_stream(&mut self, name: &str) {
        self.streams.remove(name);
        self.list_shards_rates.remove(name);
        self.subscriptions.end_for_stream(name);
    }

    fn apply_retention(&mut self) {
        let now = self.now_ms;
        for stream in self.streams.values_mut() {
            let cutoff = now.saturating_sub(stream.retention_ms());
            for shard in stream.shards.iter_mut() {
                shard.trim_before(cutoff);
            }
        }
    }

    fn evaluate_on_demand(&mut self) {
        let now = self.now_ms;
        for stream in self.streams.values_mut() {
            ondemand::evaluate(stream, now);
        }
    }

    // ---- lookups shared by the operations ----

    pub fn account(&self) -> &str {
        &self.config.account_id
    }

    pub fn stream_arn(&self, name: &str) -> String {
        format!("arn:aws:kinesis:{}:{}:stream/{}", self.config.region, self.config.account_id, name)
    }

    /// All streams, by name (read-only, for views).
    pub fn streams(&self) -> impl Iterator<Item = &Stream> {
        self.streams.values()
    }

    pub fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.get(name)
    }

    /// The stream name a request addresses (by StreamName or StreamARN).
    fn resolve_name(&self, r: &StreamRef) -> StreamsResult<String> {
        match (&r.stream_name, &r.stream_arn) {
            (Some(name), None) => Ok(name.clone()),
            (None, Some(arn)) => self.name_from_arn(arn),
            (Some(name), Some(arn)) => {
                let from_arn = self.name_from_arn(arn)?;
                if &from_arn == name {
                    Ok(from_arn)
                } else {
                    Err(StreamsError::invalid_argument(format!(
                        "StreamARN {arn} and StreamName {name} do not refer to the same stream."
                    )))
                }
            }
            (None, None) => Err(StreamsError::invalid_argument("Either StreamName or StreamARN should be provided.")),
        }
    }

    /// Stream name from `arn:aws:kinesis:<region>:<account>:stream/<name>`; another account or region
    /// is a stream that does not exist here.
    fn name_from_arn(&self, arn: &str) -> StreamsResult<String> {
        let prefix = format!("arn:aws:kinesis:{}:{}:stream/", self.config.region, self.config.account_id);
        match arn.strip_prefix(&prefix) {
            Some(name) if !name.is_empty() && !name.contains('/') => Ok(name.to_string()),
            _ => Err(StreamsError::not_found(format!("Stream with ARN {arn} not found."))),
        }
    }

    fn lookup(&self, r: &StreamRef) -> StreamsResult<&Stream> {
        let name = self.resolve_name(r)?;
        self.streams.get(&name).ok_or_else(|| StreamsError::stream_not_found(&name, self.account()))
    }

    fn lookup_mut(&mut self, r: &StreamRef) -> StreamsResult<&mut Stream> {
        let name = self.resolve_name(r)?;
        let account = self.config.account_id.clone();
        self.streams.get_mut(&name).ok_or_else(|| StreamsError::stream_not_found(&name, &account))
    }

    /// Count a control-plane call against its per-account rate (when limits are on).
    fn count_call(&mut self, operation: &'static str, per_second: u32) -> StreamsResult<()> {
        if !self.config.enforce_limits {
            return Ok(());
        }
        let now = self.now_ms;
        let counter = self.call_rates.entry(Cow::Borrowed(operation)).or_default();
        if counter.try_call(per_second, now) {
            Ok(())
        } else {
            Err(StreamsError::control_plane_rate(operation, &self.config.account_id))
        }
    }

    /// Open shards across every stream of the account (what the shard quota counts).
    pub fn open_shards_in_account(&self) -> u32 {
        self.streams.values().map(|s| s.open_shard_count()).sum()
    }
}

fn stream_next_due(stream: &Stream) -> Option<EpochMillis> {
    let pending = stream.pending.as_ref().map(|p| p.due_ms);
    let scale = stream.on_demand.scale_due.map(|(due, _)| due);
    let consumer = stream.consumers.values().filter_map(|c| c.transition_due_ms).min();
    [pending, scale, consumer].into_iter().flatten().min()
}

/// Shortcut used by tests and views: a request addressing a stream by name.
pub fn by_name(name: &str) -> StreamRef {
    StreamRef { stream_name: Some(name.to_string()), ..Default::default() }
}
