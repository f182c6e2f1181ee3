//! Enhanced fan-out: registered consumers and SubscribeToShard subscriptions that push events
//! (FACTS §1 "Enhanced fan-out").
//!
//! A subscription is pulled, not pushed, by its driver (the endpoint thread or the UI tick): each
//! `poll_subscription` delivers what a real subscription would have pushed by the current simulated
//! time, within the consumer's own 2 MiB/s per shard.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::streams::error::{StreamsError, StreamsResult};
use crate::engine::streams::limits::*;
use crate::engine::streams::read::{child_shards, read_batch, StartAt};
use crate::engine::streams::sequence::SequenceNumber;
use crate::engine::streams::shard::{parse_shard_id, shard_id};
use crate::engine::streams::stream::{Consumer, ConsumerStatus, Stream, StreamStatus};
use crate::engine::streams::throttle::{CallsPerSecond, TokenBucket};
use crate::engine::streams::tokens::PageToken;
use crate::engine::streams::types::*;
use crate::engine::streams::StreamsEngine;
use crate::engine::time::EpochMillis;

/// SubscribeToShard: 1 call per second per consumer per shard.
pub const SUBSCRIBE_CALLS_PER_SEC: u32 = 1;

/// A live SubscribeToShard subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: u64,
    pub stream_name: String,
    pub stream_incarnation: u64,
    pub consumer_arn: String,
    pub shard_index: u64,
    /// Next stream-wide counter to deliver.
    pub position: u64,
    pub started_ms: EpochMillis,
    pub last_event_ms: Option<EpochMillis>,
    pub continuation: String,
    pub budget: TokenBucket,
    pub ended: bool,
}

/// What one poll produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionPoll {
    pub events: Vec<SubscribeToShardEvent>,
    /// The subscription is over (5 minutes passed, the shard ended, or the consumer/stream went away);
    /// the consumer must call SubscribeToShard again (or move on to the child shards).
    pub ended: bool,
    /// Set when the subscription ended because its resource disappeared.
    pub error: Option<StreamsError>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Subscriptions {
    by_id: BTreeMap<u64, Subscription>,
    next_id: u64,
    /// Keyed by (consumer ARN, shard index); saved as `[key, value]` pairs (JSON keys must be strings).
    #[serde(with = "crate::engine::streams::persist::map_as_pairs")]
    last_success_ms: BTreeMap<(String, u64), EpochMillis>,
    #[serde(with = "crate::engine::streams::persist::map_as_pairs")]
    call_rates: BTreeMap<(String, u64), CallsPerSecond>,
}

impl Subscriptions {
    pub fn end_for_stream(&mut self, stream: &str) {
        for s in self.by_id.values_mut().filter(|s| s.stream_name == stream) {
            s.ended = true;
        }
    }

    fn end_for_consumer(&mut self, consumer_arn: &str) {
        for s in self.by_id.values_mut().filter(|s| s.consumer_arn == consumer_arn) {
            s.ended = true;
        }
    }

    /// For restored state (`persist`): ids can still be handed out, and times and budgets are in range.
    pub(crate) fn check_restored(&self) -> Result<(), String> {
        use crate::engine::streams::persist::{MAX_RESTORED_COUNT, MAX_RESTORED_TIME_MS};
        if self.next_id >= MAX_RESTORED_COUNT {
            return Err("subscriptions: next_id is out of range".into());
        }
        for (id, s) in &self.by_id {
            let times_ok = s.started_ms < MAX_RESTORED_TIME_MS && s.last_event_ms.is_none_or(|t| t < MAX_RESTORED_TIME_MS);
            if !times_ok || !s.budget.is_restorable() {
                return Err(format!("subscription {id}: a time or its budget is out of range"));
            }
        }
        if self.last_success_ms.values().any(|t| *t >= MAX_RESTORED_TIME_MS) {
            return Err("subscriptions: a subscribe time is out of range".into());
        }
        Ok(())
    }
}

/// CREATING → ACTIVE and DELETING → gone for consumers whose time has come.
pub(crate) fn complete_consumer_transitions(stream: &mut Stream, now: EpochMillis) {
    let mut gone = Vec::new();
    for consumer in stream.consumers.values_mut() {
        if consumer.transition_due_ms.is_some_and(|due| due <= now) {
            consumer.transition_due_ms = None;
            match consumer.status {
                ConsumerStatus::Creating => consumer.status = ConsumerStatus::Active,
                ConsumerStatus::Deleting => gone.push(consumer.name.clone()),
                ConsumerStatus::Active => {}
            }
        }
    }
    for name in gone {
        stream.consumers.remove(&name);
    }
}

fn consumer_view(c: &Consumer) -> crate::engine::streams::types::Consumer {
    crate::engine::streams::types::Consumer {
        consumer_name: c.name.clone(),
        consumer_arn: c.arn.clone(),
        consumer_status: c.status.as_str().into(),
        consumer_creation_timestamp: Timestamp(c.created_ms),
    }
}

impl StreamsEngine {
    fn stream_by_arn(&mut self, arn: &str) -> StreamsResult<&mut Stream> {
        let r = StreamRef { stream_arn: Some(arn.to_string()), ..Default::default() };
        self.lookup_mut(&r)
    }

    /// Find a consumer by its ARN, or by stream ARN plus name: (stream name, consumer name).
    fn find_consumer(&self, r: &ConsumerRef) -> StreamsResult<(String, String)> {
        let not_found = |what: &str| StreamsError::not_found(format!("Consumer {what} under account {} not found.", self.account()));
        match (&r.consumer_arn, &r.stream_arn, &r.consumer_name) {
            (Some(arn), _, _) => {
                let (stream_arn, name) = crate::engine::streams::control::split_consumer_arn(arn);
                let name = name.ok_or_else(|| not_found(arn))?;
                let stream_name = self.name_from_arn(stream_arn).map_err(|_| not_found(arn))?;
                let stream = self.streams.get(&stream_name).ok_or_else(|| not_found(arn))?;
                stream.consumers.get(name).filter(|c| c.arn == *arn).ok_or_else(|| not_found(arn))?;
                Ok((stream_name, name.to_string()))
            }
            (None, Some(stream_arn), Some(name)) => {
                let stream_name = self.name_from_arn(stream_arn)?;
                let stream =
                    self.streams.get(&stream_name).ok_or_else(|| StreamsError::stream_not_found(&stream_name, self.account()))?;
                stream.consumers.get(name).ok_or_else(|| not_found(name))?;
                Ok((stream_name, name.clone()))
            }
            _ => Err(StreamsError::invalid_argument("Either ConsumerARN or both StreamARN and ConsumerName must be provided.")),
        }
    }

    pub fn register_stream_consumer(&mut self, input: RegisterStreamConsumerInput) -> StreamsResult<RegisterStreamConsumerOutput> {
        let now = self.now_ms;
        let due = now + self.config.transition_ms;
        let account = self.config.account_id.clone();
        let stream = self.stream_by_arn(&input.stream_arn)?;
        if matches!(stream.status, StreamStatus::Creating | StreamStatus::Deleting) {
            return Err(StreamsError::stream_not_active(&stream.name, &account, stream.status.as_str()));
        }
        if stream.consumers.contains_key(&input.consumer_name) {
            return Err(StreamsError::in_use(format!(
                "Consumer {} under stream {} already exists for account {account}.",
                input.consumer_name, stream.name
            )));
        }
        if stream.consumers.len() >= EFO_MAX_CONSUMERS_PER_STREAM {
            return Err(StreamsError::limit_exceeded(format!(
                "Stream {} under account {account} already has {EFO_MAX_CONSUMERS_PER_STREAM} registered consumers, the maximum.",
                stream.name
            )));
        }
        if stream.consumers.values().filter(|c| c.status == ConsumerStatus::Creating).count() >= EFO_MAX_CREATING_CONSUMERS {
            return Err(StreamsError::limit_exceeded(format!(
                "Stream {} under account {account} already has {EFO_MAX_CREATING_CONSUMERS} consumers in CREATING state; wait for them to become ACTIVE.",
                stream.name
            )));
        }
        let consumer = Consumer {
            name: input.consumer_name.clone(),
            arn: format!("{}/consumer/{}:{}", stream.arn, input.consumer_name, now / 1000),
            created_ms: now,
            status: ConsumerStatus::Creating,
            transition_due_ms: Some(due),
            tags: input.tags.unwrap_or_default(),
        };
        let view = consumer_view(&consumer);
        stream.consumers.insert(input.consumer_name, consumer);
        Ok(RegisterStreamConsumerOutput { consumer: view })
    }

    pub fn deregister_stream_consumer(&mut self, input: ConsumerRef) -> StreamsResult<()> {
        let due = self.now_ms + self.config.transition_ms;
        let (stream_name, name) = self.find_consumer(&input)?;
        let mut arn = None;
        if let Some(c) = self.streams.get_mut(&stream_name).and_then(|s| s.consumers.get_mut(&name)) {
            c.status = ConsumerStatus::Deleting;
            c.transition_due_ms = Some(due);
            arn = Some(c.arn.clone());
        }
        if let Some(arn) = arn {
            self.subscriptions.end_for_consumer(&arn);
        }
        Ok(())
    }

    pub fn describe_stream_consumer(&mut self, input: ConsumerRef) -> StreamsResult<DescribeStreamConsumerOutput> {
        let (stream_name, name) = self.find_consumer(&input)?;
        let stream = self.streams.get(&stream_name).ok_or_else(|| StreamsError::stream_not_found(&stream_name, self.account()))?;
        let c = stream.consumers.get(&name).ok_or_else(|| StreamsError::not_found(format!("Consumer {name} not found.")))?;
        Ok(DescribeStreamConsumerOutput {
            consumer_description: ConsumerDescription {
                consumer_name: c.name.clone(),
                consumer_arn: c.arn.clone(),
                consumer_status: c.status.as_str().into(),
                consumer_creation_timestamp: Timestamp(c.created_ms),
                stream_arn: stream.arn.clone(),
            },
        })
    }

    pub fn list_stream_consumers(&mut self, input: ListStreamConsumersInput) -> StreamsResult<ListStreamConsumersOutput> {
        let now = self.now_ms;
        let stream = self.stream_by_arn(&input.stream_arn)?;
        let after = match &input.next_token {
            Some(token) => Some(PageToken::decode(token, "ListStreamConsumers", now)?.position),
            None => None,
        };
        let limit = input.max_results.unwrap_or(100).max(1) as usize;
        let all: Vec<&Consumer> = stream.consumers.values().filter(|c| after.as_ref().is_none_or(|a| c.name.as_str() > a.as_str())).collect();
        let has_more = all.len() > limit;
        let page: Vec<&Consumer> = all.into_iter().take(limit).collect();
        let next_token = match (has_more, page.last()) {
            (true, Some(last)) => Some(
                PageToken { listing: "ListStreamConsumers".into(), subject: stream.name.clone(), position: last.name.clone(), issued_ms: now }
                    .encode(),
            ),
            _ => None,
        };
        Ok(ListStreamConsumersOutput { consumers: page.into_iter().map(consumer_view).collect(), next_token })
    }

    /// Start a subscription; its events are then pulled with `poll_subscription`.
    pub fn subscribe_to_shard(&mut self, input: SubscribeToShardInput) -> StreamsResult<u64> {
        let now = self.now_ms;
        let account = self.config.account_id.clone();
        let enforce = self.config.enforce_limits;
        let (stream_name, consumer_name) = self.find_consumer(&ConsumerRef { consumer_arn: Some(input.consumer_arn.clone()), ..Default::default() })?;
        let key = (input.consumer_arn.clone(), parse_shard_id(&input.shard_id).unwrap_or(u64::MAX));
        if enforce && !self.subscriptions.call_rates.entry(key.clone()).or_default().try_call(SUBSCRIBE_CALLS_PER_SEC, now) {
            if let Some(s) = self.streams.get_mut(&stream_name) {
                s.metrics.at(now).subscribe_rate_exceeded += 1;
            }
            return Err(StreamsError::limit_exceeded(format!(
                "Rate exceeded for consumer {} and shard {} in stream {stream_name} under account {account}.",
                input.consumer_arn, input.shard_id
            )));
        }
        let stream = self.streams.get(&stream_name).ok_or_else(|| StreamsError::stream_not_found(&stream_name, &account))?;
        let consumer = stream.consumers.get(&consumer_name).ok_or_else(|| StreamsError::not_found("Consumer not found."))?;
        if consumer.status != ConsumerStatus::Active {
            return Err(StreamsError::in_use(format!(
                "Consumer {} under account {account} is not ACTIVE, instead in state {}.",
                consumer.arn,
                consumer.status.as_str()
            )));
        }
        let index = parse_shard_id(&input.shard_id)
            .filter(|i| stream.shard(*i).is_some_and(|s| !stream.is_expired(s, now)))
            .ok_or_else(|| StreamsError::shard_not_found(&input.shard_id, &stream_name, &account))?;
        if let Some(last) = self.subscriptions.last_success_ms.get(&key) {
            if now.saturating_sub(*last) < RESUBSCRIBE_MIN_INTERVAL_MS {
                return Err(StreamsError::in_use(format!(
                    "Another active subscription exists for this consumer: {} and shard {} in stream {stream_name} under account {account}. Wait 5 seconds between subscribe calls.",
                    input.consumer_arn,
                    shard_id(index)
                )));
            }
        }
        let p = &input.starting_position;
        let start = StartAt::parse(&p.position_type, p.sequence_number.as_deref(), p.timestamp.map(|t| t.0))?;
        let shard = stream.shard(index).ok_or_else(|| StreamsError::shard_not_found(&input.shard_id, &stream_name, &account))?;
        let position = start.position(stream, shard, now, &account, "SubscribeToShard")?;
        let continuation = if position == 0 {
            shard.starting_sequence.encode()
        } else {
            SequenceNumber { arrival_ms: now, shard_index: index, counter: position - 1 }.encode()
        };
        let incarnation = stream.incarnation;
        // A new subscription replaces the consumer's previous one on this shard.
        let consumer_arn = input.consumer_arn.clone();
        for s in self.subscriptions.by_id.values_mut().filter(|s| s.consumer_arn == consumer_arn && s.shard_index == index) {
            s.ended = true;
        }
        self.subscriptions.last_success_ms.insert(key, now);
        let id = self.subscriptions.next_id;
        self.subscriptions.next_id += 1;
        self.subscriptions.by_id.insert(
            id,
            Subscription {
                id,
                stream_name,
                stream_incarnation: incarnation,
                consumer_arn,
                shard_index: index,
                position,
                started_ms: now,
                last_event_ms: None,
                continuation,
                budget: TokenBucket::full(EFO_SHARD_BYTES_PER_SEC, EFO_SHARD_BYTES_PER_SEC, now),
                ended: false,
            },
        );
        Ok(id)
    }

    /// Deliver what the subscription would have pushed by now. Ended subscriptions are forgotten after
    /// the poll that reports the end.
    pub fn poll_subscription(&mut self, id: u64) -> SubscriptionPoll {
        let now = self.now_ms;
        let account = self.config.account_id.clone();
        let enforce = self.config.enforce_limits;
        let Some(sub) = self.subscriptions.by_id.get_mut(&id) else {
            return SubscriptionPoll { events: vec![], ended: true, error: None };
        };
        let stream = self.streams.values_mut().find(|s| s.incarnation == sub.stream_incarnation && s.name == sub.stream_name);
        let Some(stream) = stream.filter(|s| s.status != StreamStatus::Deleting) else {
            let error = StreamsError::stream_not_found(&sub.stream_name, &account);
            self.subscriptions.by_id.remove(&id);
            return SubscriptionPoll { events: vec![], ended: true, error: Some(error) };
        };
        if sub.ended {
            self.subscriptions.by_id.remove(&id);
            return SubscriptionPoll { events: vec![], ended: true, error: None };
        }
        let Some(shard) = stream.shard(sub.shard_index) else {
            self.subscriptions.by_id.remove(&id);
            return SubscriptionPoll { events: vec![], ended: true, error: None };
        };
        let budget = if enforce { sub.budget.available(now) } else { u64::MAX };
        let batch = if budget == 0 { None } else { Some(read_batch(shard, sub.position, GET_RECORDS_MAX_RECORDS as usize, budget, now)) };
        let mut events = Vec::new();
        let expired = now.saturating_sub(sub.started_ms) >= SUBSCRIPTION_LIFETIME_MS;
        if let Some(batch) = batch {
            let heartbeat_due = sub.last_event_ms.is_none_or(|t| now.saturating_sub(t) >= SUBSCRIPTION_HEARTBEAT_MS);
            if !batch.records.is_empty() || batch.reached_end || heartbeat_due {
                if let Some(last) = batch.records.last() {
                    sub.continuation = last.sequence_number.clone();
                }
                if enforce {
                    let _ = sub.budget.try_take(batch.bytes.min(budget), now);
                }
                sub.position = batch.next_position;
                sub.last_event_ms = Some(now);
                let children = batch.reached_end.then(|| child_shards(stream, shard));
                let p = stream.metrics.at(now);
                p.subscribe_event_bytes += batch.bytes;
                p.subscribe_event_records += batch.records.len() as u64;
                p.subscribe_millis_behind_max = p.subscribe_millis_behind_max.max(batch.millis_behind_latest);
                events.push(SubscribeToShardEvent {
                    records: batch.records,
                    continuation_sequence_number: sub.continuation.clone(),
                    millis_behind_latest: batch.millis_behind_latest,
                    child_shards: children,
                });
                if batch.reached_end {
                    sub.ended = true;
                }
            }
        }
        let ended = sub.ended || expired;
        if ended {
            self.subscriptions.by_id.remove(&id);
        }
        SubscriptionPoll { events, ended, error: None }
    }

    /// The subscription, if it is still live.
    pub fn subscription(&self, id: u64) -> Option<&Subscription> {
        self.subscriptions.by_id.get(&id)
    }
}
