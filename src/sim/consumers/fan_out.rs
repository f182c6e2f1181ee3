//! An enhanced fan-out consumer: RegisterStreamConsumer, then a SubscribeToShard subscription per shard
//! whose events it drains every tick. Each registered consumer has its own 2 MiB/s per shard, and a
//! subscription lasts 5 minutes, after which the consumer subscribes again from the last
//! ContinuationSequenceNumber (FACTS.md §1 "Enhanced fan-out").

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::KinesisService;
use crate::engine::time::EpochMillis;
use crate::sim::consumers::lineage::ShardTable;
use crate::sim::consumers::stats::{CallCounts, ErrorLog, RecordLog, SecondHistory, DEFAULT_RECORD_LOG_CAPACITY};
use crate::sim::consumers::wire::{self, call, parse_batch, starting_position, ApiFailure, StartPosition, IN_USE, LIMIT_EXCEEDED, NOT_FOUND};
use crate::sim::consumers::ConsumerConfigError;

/// AWS's typical propagation delay for enhanced fan-out: about 70 ms from write to delivery (FACTS.md §1
/// "Latency"). No pushed record reaches the consumer sooner, whatever tick it falls in.
pub const EFO_PUSH_PROPAGATION_MS: u64 = 70;
/// How often a CREATING consumer is described again while waiting for ACTIVE.
pub const REGISTRATION_POLL_MS: u64 = 500;
/// SubscribeToShard allows 1 call per second per consumer and shard (FACTS.md §1), so a refused
/// subscribe is retried a second later.
pub const SUBSCRIBE_RETRY_MS: u64 = 1_000;
/// After a failed control-plane call (describe, register), wait this long before the next try.
pub const CONTROL_RETRY_MS: u64 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FanOutConfig {
    /// The registered consumer's name (1–128 of `[a-zA-Z0-9_.-]`, checked by the API).
    pub name: String,
    pub stream_name: String,
    pub start: StartPosition,
    pub record_log_capacity: usize,
}

impl FanOutConfig {
    /// Defaults: TRIM_HORIZON.
    pub fn new(name: &str, stream_name: &str) -> Self {
        FanOutConfig {
            name: name.to_string(),
            stream_name: stream_name.to_string(),
            start: StartPosition::TrimHorizon,
            record_log_capacity: DEFAULT_RECORD_LOG_CAPACITY,
        }
    }

    pub fn validate(&self) -> Result<(), ConsumerConfigError> {
        if self.name.trim().is_empty() {
            return Err(ConsumerConfigError::EmptyName);
        }
        if self.stream_name.trim().is_empty() {
            return Err(ConsumerConfigError::EmptyStreamName);
        }
        Ok(())
    }
}

/// Where the consumer is in its registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Registration {
    /// Not registered yet (or the registration vanished and must be made again).
    Unregistered,
    /// Registered; waiting for DescribeStreamConsumer to say ACTIVE.
    Creating { consumer_arn: String },
    Active { consumer_arn: String },
    /// `shutdown` deregistered it; it does nothing more.
    Deregistered,
}

/// Per-shard subscription state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SubscriptionReader {
    pub subscription_id: Option<u64>,
    pub subscribed_ms: Option<EpochMillis>,
    /// The last ContinuationSequenceNumber received: the next subscription starts after it.
    pub continuation: Option<String>,
    pub next_subscribe_ms: EpochMillis,
    /// Subscriptions made on this shard so far.
    pub subscriptions: u64,
}

/// An enhanced fan-out consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FanOutConsumer {
    pub config: FanOutConfig,
    pub stream_arn: Option<String>,
    pub registration: Registration,
    next_control_ms: EpochMillis,
    pub shards: ShardTable<SubscriptionReader>,
    pub history: SecondHistory,
    pub errors: ErrorLog,
    pub records: RecordLog,
    pub calls: CallCounts,
}

impl FanOutConsumer {
    pub fn new(config: FanOutConfig) -> Result<Self, ConsumerConfigError> {
        config.validate()?;
        Ok(FanOutConsumer {
            records: RecordLog::with_capacity(config.record_log_capacity),
            config,
            stream_arn: None,
            registration: Registration::Unregistered,
            next_control_ms: 0,
            shards: ShardTable::default(),
            history: SecondHistory::default(),
            errors: ErrorLog::default(),
            calls: CallCounts::default(),
        })
    }

    pub fn consumer_arn(&self) -> Option<&str> {
        match &self.registration {
            Registration::Creating { consumer_arn } | Registration::Active { consumer_arn } => Some(consumer_arn),
            _ => None,
        }
    }

    /// One tick: register (or wait for ACTIVE), then subscribe where needed and drain every subscription.
    pub fn step(&mut self, service: &mut KinesisService, now_ms: EpochMillis, _tick_ms: u64) {
        match self.registration.clone() {
            Registration::Deregistered => {}
            Registration::Unregistered => {
                if now_ms >= self.next_control_ms {
                    self.register(service, now_ms);
                }
            }
            Registration::Creating { consumer_arn } => {
                if now_ms >= self.next_control_ms {
                    self.await_active(service, &consumer_arn, now_ms);
                }
            }
            Registration::Active { consumer_arn } => {
                self.sync_shards(service, now_ms);
                self.subscribe_ready(service, &consumer_arn, now_ms);
                self.drain(service, now_ms);
            }
        }
    }

    /// Deregister the consumer (when it is removed from the sandbox). Its subscriptions end with it.
    pub fn shutdown(&mut self, service: &mut KinesisService) {
        let now_ms = service.engine.now_ms();
        if let Some(arn) = self.consumer_arn().map(str::to_string) {
            self.calls.note("DeregisterStreamConsumer");
            if let Err(f) = call(service, "DeregisterStreamConsumer", json!({"ConsumerARN": arn})) {
                self.errors.push(now_ms, "DeregisterStreamConsumer", None, &f);
            }
        }
        for shard in self.shards.shards.values_mut() {
            shard.reader.subscription_id = None;
        }
        self.registration = Registration::Deregistered;
    }

    fn control_failed(&mut self, operation: &str, failure: &ApiFailure, now_ms: EpochMillis) {
        self.errors.push(now_ms, operation, None, failure);
        self.next_control_ms = now_ms + CONTROL_RETRY_MS;
    }

    fn register(&mut self, service: &mut KinesisService, now_ms: EpochMillis) {
        let stream_arn = match &self.stream_arn {
            Some(arn) => arn.clone(),
            None => {
                self.calls.note("DescribeStreamSummary");
                match call(service, "DescribeStreamSummary", json!({"StreamName": self.config.stream_name})) {
                    Ok(out) => match out["StreamDescriptionSummary"]["StreamARN"].as_str() {
                        Some(arn) => {
                            self.stream_arn = Some(arn.to_string());
                            arn.to_string()
                        }
                        None => return,
                    },
                    Err(f) => return self.control_failed("DescribeStreamSummary", &f, now_ms),
                }
            }
        };
        self.calls.note("RegisterStreamConsumer");
        let body = json!({"StreamARN": stream_arn, "ConsumerName": self.config.name});
        match call(service, "RegisterStreamConsumer", body) {
            Ok(out) => {
                if let Some(arn) = out["Consumer"]["ConsumerARN"].as_str() {
                    self.registration = Registration::Creating { consumer_arn: arn.to_string() };
                    self.next_control_ms = now_ms + REGISTRATION_POLL_MS;
                }
            }
            Err(f) if f.is(IN_USE) && f.message.contains("already exists") => {
                // Registered earlier under this name (a reloaded sandbox): adopt that registration.
                self.calls.note("DescribeStreamConsumer");
                let body = json!({"StreamARN": stream_arn, "ConsumerName": self.config.name});
                match call(service, "DescribeStreamConsumer", body) {
                    Ok(out) => {
                        if let Some(arn) = out["ConsumerDescription"]["ConsumerARN"].as_str() {
                            self.registration = Registration::Creating { consumer_arn: arn.to_string() };
                            self.next_control_ms = now_ms;
                        }
                    }
                    Err(f) => self.control_failed("DescribeStreamConsumer", &f, now_ms),
                }
            }
            Err(f) => {
                if f.is(NOT_FOUND) {
                    // The stream may have been deleted and created again: look its ARN up afresh.
                    self.stream_arn = None;
                }
                self.control_failed("RegisterStreamConsumer", &f, now_ms);
            }
        }
    }

    fn await_active(&mut self, service: &mut KinesisService, consumer_arn: &str, now_ms: EpochMillis) {
        self.calls.note("DescribeStreamConsumer");
        match call(service, "DescribeStreamConsumer", json!({"ConsumerARN": consumer_arn})) {
            Ok(out) => match out["ConsumerDescription"]["ConsumerStatus"].as_str() {
                Some("ACTIVE") => self.registration = Registration::Active { consumer_arn: consumer_arn.to_string() },
                Some("DELETING") => {
                    // Deregistered by someone else: register again once it is gone.
                    self.registration = Registration::Unregistered;
                    self.next_control_ms = now_ms + REGISTRATION_POLL_MS;
                }
                _ => self.next_control_ms = now_ms + REGISTRATION_POLL_MS,
            },
            Err(f) => {
                if f.is(NOT_FOUND) {
                    self.registration = Registration::Unregistered;
                    self.stream_arn = None;
                }
                self.control_failed("DescribeStreamConsumer", &f, now_ms);
            }
        }
    }

    fn sync_shards(&mut self, service: &mut KinesisService, now_ms: EpochMillis) {
        if !self.shards.listing_due(now_ms) {
            return;
        }
        self.calls.note("ListShards");
        match wire::list_shards(service, &self.config.stream_name) {
            Ok(listing) => self.shards.apply_listing(&listing, self.config.start, now_ms),
            Err(f) => {
                self.errors.push(now_ms, "ListShards", None, &f);
                self.shards.next_list_ms = now_ms + CONTROL_RETRY_MS;
            }
        }
    }

    fn subscribe_ready(&mut self, service: &mut KinesisService, consumer_arn: &str, now_ms: EpochMillis) {
        for shard_id in self.shards.ready_ids() {
            let Some(shard) = self.shards.shards.get_mut(&shard_id) else { continue };
            if shard.reader.subscription_id.is_some() || now_ms < shard.reader.next_subscribe_ms {
                continue;
            }
            let after = shard.reader.continuation.clone().or_else(|| shard.stats.last_sequence_number.clone());
            let body = json!({
                "ConsumerARN": consumer_arn,
                "ShardId": shard_id,
                "StartingPosition": starting_position(after.as_deref(), shard.start),
            });
            self.calls.note("SubscribeToShard");
            match wire::subscribe(service, body) {
                Ok(id) => {
                    shard.reader.subscription_id = Some(id);
                    shard.reader.subscribed_ms = Some(now_ms);
                    shard.reader.subscriptions += 1;
                }
                Err(f) => {
                    shard.reader.next_subscribe_ms = now_ms + SUBSCRIBE_RETRY_MS;
                    if f.is(LIMIT_EXCEEDED) {
                        shard.stats.throttled_calls += 1;
                        self.calls.throttled += 1;
                        self.history.note_throttled(now_ms);
                    }
                    // ResourceInUseException: subscribed again too soon (within 5 s); the retry waits.
                    self.errors.push(now_ms, "SubscribeToShard", Some(&shard_id), &f);
                    if f.is(NOT_FOUND) {
                        // The shard or the consumer is gone: list again and check the registration.
                        self.shards.next_list_ms = now_ms;
                        self.registration = Registration::Creating { consumer_arn: consumer_arn.to_string() };
                        self.next_control_ms = now_ms;
                        return;
                    }
                    if f.is(IN_USE) && f.message.contains("not ACTIVE") {
                        self.registration = Registration::Creating { consumer_arn: consumer_arn.to_string() };
                        self.next_control_ms = now_ms;
                        return;
                    }
                }
            }
        }
    }

    /// Take what each subscription pushed by now.
    fn drain(&mut self, service: &mut KinesisService, now_ms: EpochMillis) {
        let ids: Vec<(String, u64)> =
            self.shards.shards.values().filter_map(|s| s.reader.subscription_id.map(|id| (s.shard_id.clone(), id))).collect();
        for (shard_id, id) in ids {
            let poll = service.poll_subscription(id);
            let Some(shard) = self.shards.shards.get_mut(&shard_id) else { continue };
            let mut children = Vec::new();
            for event in &poll.events {
                // Read the event in its wire shape, like any other response.
                let Ok(value) = serde_json::to_value(event) else { continue };
                let batch = parse_batch(&value);
                shard.stats.note_read(&batch.records, batch.millis_behind_latest, now_ms);
                self.history.note_records(&batch.records, now_ms, EFO_PUSH_PROPAGATION_MS);
                if let Some(behind) = batch.millis_behind_latest {
                    self.history.note_millis_behind(behind, now_ms);
                }
                self.records.push_batch(&shard_id, &batch.records, now_ms, EFO_PUSH_PROPAGATION_MS);
                if let Some(c) = batch.continuation_sequence_number {
                    shard.reader.continuation = Some(c);
                }
                if let Some(c) = batch.child_shards {
                    // The shard's end: its children come next (FACTS.md §1).
                    shard.stats.finished = true;
                    children.extend(c);
                }
            }
            if poll.ended {
                shard.reader.subscription_id = None;
                shard.reader.next_subscribe_ms = now_ms;
                if let Some(e) = &poll.error {
                    let failure = ApiFailure { error_type: e.kind.wire_name().to_string(), message: e.message.clone() };
                    self.errors.push(now_ms, "SubscribeToShard", Some(&shard_id), &failure);
                    self.shards.next_list_ms = now_ms;
                }
            }
            self.shards.add_children(&children);
        }
    }
}
