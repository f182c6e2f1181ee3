//! The sandbox around the engine: simulated producers and consumers that act through the API, exactly as
//! a real client would, and the driver that moves them and the clock together.
//!
//! Time moves in ticks of `TICK_MS` aligned to the simulated clock: for each tick the engine clock goes
//! to the tick's boundary first (completing any change due by then), then every producer acts, then every
//! consumer. When nothing is active, the driver jumps straight to the target — the engine completes due
//! transitions at their own times, so nothing is lost by skipping empty ticks.

pub mod bulk;
pub mod consumers;
pub mod firehose_source;
pub mod keys;
pub mod producer;
pub mod template;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::firehose::FirehoseService;
use crate::api::{ApiReply, KinesisService};
use crate::engine::firehose::types::DeliveryStreamType;
use crate::engine::firehose::FirehoseConfig;
use crate::engine::streams::EngineConfig;
use crate::engine::time::EpochMillis;
use consumers::Consumer;
use producer::{ConfigError, PreparedCall, Producer, ProducerConfig};
use std::collections::VecDeque;

/// Length of one simulation tick at normal speed. 100 ms is also the KPL's default RecordMaxBufferedTime,
/// so a producer's once-per-tick flush matches the KPL's default batching delay.
pub const TICK_MS: u64 = 100;

fn default_firehose() -> FirehoseService {
    FirehoseService::new(FirehoseConfig::default(), 0)
}

/// A producer's stable id in the sandbox (never reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProducerId(pub u64);

/// A consumer's stable id in the sandbox (never reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConsumerId(pub u64);

/// Why a sandbox operation was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum SimError {
    UnknownProducer(ProducerId),
    UnknownConsumer(ConsumerId),
    Config(ConfigError),
    /// The API refused to describe the stream (usually ResourceNotFoundException), as AWS worded it.
    Stream { stream_name: String, error_type: String, message: String },
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::UnknownProducer(id) => write!(f, "there is no producer #{}", id.0),
            SimError::UnknownConsumer(id) => write!(f, "there is no consumer #{}", id.0),
            SimError::Config(e) => write!(f, "{e}"),
            SimError::Stream { stream_name, error_type, message } => {
                write!(f, "stream {stream_name}: {error_type}: {message}")
            }
        }
    }
}

impl std::error::Error for SimError {}

impl From<ConfigError> for SimError {
    fn from(e: ConfigError) -> Self {
        SimError::Config(e)
    }
}

/// A producer with its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerEntry {
    id: ProducerId,
    pub producer: Producer,
}

impl ProducerEntry {
    pub fn id(&self) -> ProducerId {
        self.id
    }
}

/// A consumer with its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerEntry {
    id: ConsumerId,
    pub consumer: Consumer,
}

impl ConsumerEntry {
    pub fn id(&self) -> ConsumerId {
        self.id
    }
}

/// One learner's sandbox: the simulated account plus everything acting on it. Saved whole (serde) in the
/// browser and in exported files.
#[derive(Serialize, Deserialize)]
pub struct Sandbox {
    pub service: KinesisService,
    /// The account's Firehose, on the same clock (absent from saves made before it existed).
    #[serde(default = "default_firehose")]
    pub firehose: FirehoseService,
    producers: Vec<ProducerEntry>,
    consumers: Vec<ConsumerEntry>,
    next_producer_id: u64,
    next_consumer_id: u64,
    /// A fast-forward's sample period in progress (`bulk`); not saved — a reload starts a new one.
    /// A tick part-way through its producers' calls (`advance_toward`).
    #[serde(default)]
    in_tick: Option<TickInProgress>,
    /// Firehose's readers of Kinesis-source delivery streams (one per stream, see `firehose_source`).
    #[serde(default)]
    firehose_readers: Vec<firehose_source::FirehoseSourceReader>,
    #[serde(skip)]
    attempt: Option<bulk::Attempt>,
    /// (fast-forward target, sample periods in a row that were not steady), see `bulk`.
    #[serde(skip)]
    bulk_failures: (EpochMillis, u32),
    #[serde(skip)]
    last_bulk: Option<bulk::BulkReport>,
}

impl Sandbox {
    pub fn new(config: EngineConfig, start_ms: EpochMillis) -> Self {
        // One account: the same id, region and state-transition time as Data Streams.
        let firehose_config = FirehoseConfig {
            account_id: config.account_id.clone(),
            region: config.region.clone(),
            transition_ms: config.transition_ms,
            ..FirehoseConfig::default()
        };
        Sandbox {
            firehose: FirehoseService::new(firehose_config, start_ms),
            service: KinesisService::new(config, start_ms),
            producers: Vec::new(),
            consumers: Vec::new(),
            next_producer_id: 1,
            next_consumer_id: 1,
            in_tick: None,
            firehose_readers: Vec::new(),
            attempt: None,
            bulk_failures: (0, 0),
            last_bulk: None,
        }
    }

    pub fn now_ms(&self) -> EpochMillis {
        self.service.engine.now_ms()
    }

    // ---- producers ----

    /// Adds a producer after checking its configuration and that its stream exists (DescribeStreamSummary,
    /// so the check is the one a real client would meet).
    pub fn add_producer(&mut self, config: ProducerConfig) -> Result<ProducerId, SimError> {
        let producer = Producer::new(config)?;
        self.check_stream(&producer.config().stream_name)?;
        let id = ProducerId(self.next_producer_id);
        self.next_producer_id += 1;
        self.producers.push(ProducerEntry { id, producer });
        Ok(id)
    }

    /// Replaces a producer's configuration (statistics are kept).
    pub fn update_producer(&mut self, id: ProducerId, config: ProducerConfig) -> Result<(), SimError> {
        config.validate()?;
        let current_stream = self.producer(id).ok_or(SimError::UnknownProducer(id))?.config().stream_name.clone();
        if config.stream_name != current_stream {
            self.check_stream(&config.stream_name)?;
        }
        let entry = self.entry_mut(id)?;
        entry.producer.reconfigure(config)?;
        Ok(())
    }

    pub fn remove_producer(&mut self, id: ProducerId) -> Result<Producer, SimError> {
        let index = self.producers.iter().position(|e| e.id == id).ok_or(SimError::UnknownProducer(id))?;
        Ok(self.producers.remove(index).producer)
    }

    pub fn set_producer_enabled(&mut self, id: ProducerId, enabled: bool) -> Result<(), SimError> {
        self.entry_mut(id)?.producer.set_enabled(enabled);
        Ok(())
    }

    pub fn producer(&self, id: ProducerId) -> Option<&Producer> {
        self.producers.iter().find(|e| e.id == id).map(|e| &e.producer)
    }

    pub fn producers(&self) -> &[ProducerEntry] {
        &self.producers
    }

    fn entry_mut(&mut self, id: ProducerId) -> Result<&mut ProducerEntry, SimError> {
        self.producers.iter_mut().find(|e| e.id == id).ok_or(SimError::UnknownProducer(id))
    }

    fn check_stream(&mut self, stream_name: &str) -> Result<(), SimError> {
        match self.service.call_json("DescribeStreamSummary", &json!({ "StreamName": stream_name })) {
            ApiReply::Json { status: 200, .. } => Ok(()),
            reply => {
                let body = reply.body();
                Err(SimError::Stream {
                    stream_name: stream_name.to_string(),
                    error_type: reply.error_type().unwrap_or_else(|| "UnknownError".into()),
                    message: body
                        .get("message")
                        .or_else(|| body.get("Message"))
                        .and_then(|m| m.as_str())
                        .unwrap_or("")
                        .to_string(),
                })
            }
        }
    }

    // ---- consumers ----

    pub fn add_consumer(&mut self, consumer: Consumer) -> ConsumerId {
        let id = ConsumerId(self.next_consumer_id);
        self.next_consumer_id += 1;
        self.consumers.push(ConsumerEntry { id, consumer });
        id
    }

    pub fn remove_consumer(&mut self, id: ConsumerId) -> Result<Consumer, SimError> {
        let index = self.consumers.iter().position(|e| e.id == id).ok_or(SimError::UnknownConsumer(id))?;
        let mut consumer = self.consumers.remove(index).consumer;
        // An enhanced fan-out consumer deregisters, as a real application shutting down would.
        consumer.shutdown(&mut self.service);
        Ok(consumer)
    }

    pub fn consumers(&self) -> &[ConsumerEntry] {
        &self.consumers
    }

    pub fn consumers_mut(&mut self) -> &mut [ConsumerEntry] {
        &mut self.consumers
    }

    // ---- time ----

    /// True when a tick could change anything beyond what the engine does on its own.
    fn anything_active(&self) -> bool {
        !self.consumers.is_empty() || self.producers.iter().any(|e| e.producer.is_active()) || self.firehose_reads()
    }

    /// Whether a Firehose delivery stream reads a Kinesis data stream (its reader acts every tick).
    pub(crate) fn firehose_reads(&self) -> bool {
        self.firehose.engine.delivery_streams().any(|s| s.stream_type == DeliveryStreamType::KinesisStreamAsSource)
    }

    /// Firehose's source readers, for views (what each has read, its errors).
    pub fn firehose_readers(&self) -> &[firehose_source::FirehoseSourceReader] {
        &self.firehose_readers
    }

    /// Moves the simulated clock to `target_ms`. Producers and consumers act only at tick boundaries
    /// (multiples of TICK_MS), each tick covering TICK_MS; between boundaries only the engine clock moves.
    /// So the outcome depends on the target times alone, never on how the moves were sliced: playing at
    /// 10× in uneven animation frames gives the same records, throttles and metrics as one big jump.
    /// Going backwards does nothing.
    pub fn advance_to(&mut self, target_ms: EpochMillis) {
        self.advance_toward(target_ms, u64::MAX);
    }

    /// Like `advance_to`, but stops once about `max_records` Kinesis records have been written, possibly
    /// in the middle of a tick (the clock then stands at that tick's boundary with some of its calls still
    /// to send). Calling again carries on exactly where it stopped, so the outcome is the same as one
    /// `advance_to`: the page uses this to keep each animation frame short under heavy traffic.
    ///
    /// While Firehose waits for a learner's transform script to answer, the whole sandbox holds (nothing
    /// moves), and a move stops at the instant Firehose would send a batch to a script: so the outcome
    /// depends on the script's answers, never on how long the page took to run them.
    pub fn advance_toward(&mut self, target_ms: EpochMillis, max_records: u64) {
        let Some(target_ms) = self.firehose_bound(target_ms) else { return };
        self.advance_streams_toward(target_ms, max_records);
        self.sync_firehose();
    }

    /// How far the clock may move toward `target_ms` given Firehose's transforms: None while a script's
    /// answer is awaited, else the target or the next instant a batch goes to a script, if sooner.
    pub(crate) fn firehose_bound(&self, target_ms: EpochMillis) -> Option<EpochMillis> {
        let engine = &self.firehose.engine;
        if engine.awaiting_transforms() {
            return None;
        }
        Some(engine.next_script_dispatch_ms().map_or(target_ms, |t| t.max(self.now_ms()).min(target_ms)))
    }

    /// True while Firehose waits for the page to run a learner's transform script.
    pub fn awaiting_transforms(&self) -> bool {
        self.firehose.engine.awaiting_transforms()
    }

    /// Firehose follows the Data Streams clock (its buffers flush at their own due times within a jump).
    pub(crate) fn sync_firehose(&mut self) {
        let now = self.now_ms();
        self.firehose.engine.advance_to(now);
    }

    fn advance_streams_toward(&mut self, target_ms: EpochMillis, max_records: u64) {
        let mut budget = max_records.max(1);
        loop {
            if self.awaiting_transforms() {
                return;
            }
            if self.in_tick.is_some() {
                if !self.continue_tick(&mut budget) {
                    return;
                }
                continue;
            }
            let now = self.now_ms();
            if now >= target_ms {
                return;
            }
            let boundary = ((now / TICK_MS) + 1).saturating_mul(TICK_MS);
            if !self.anything_active() || boundary > target_ms {
                self.service.engine.advance_to(target_ms);
                return;
            }
            if budget == 0 {
                return;
            }
            self.begin_tick(boundary);
        }
    }

    /// Whether a tick has calls still to send (see `advance_toward`).
    pub fn tick_in_progress(&self) -> bool {
        self.in_tick.is_some()
    }

    /// Moves the clock `duration_ms` forward (the +1 h / +24 h / +7 days buttons). Steady producer
    /// traffic is sampled and repeated rather than simulated record by record (see `bulk`), so long spans
    /// of heavy traffic take milliseconds; anything else runs the same ticks as `advance_to`.
    pub fn fast_forward(&mut self, duration_ms: u64) {
        let target_ms = self.now_ms().saturating_add(duration_ms);
        while self.now_ms() < target_ms && !self.awaiting_transforms() {
            self.fast_forward_toward(target_ms, u64::MAX);
        }
    }

    /// One whole tick: the engine clock to `tick_end`, then producers, then consumers.
    fn tick(&mut self, tick_end: EpochMillis, _tick_ms: u64) {
        self.finish_tick();
        self.begin_tick(tick_end);
        self.finish_tick();
    }

    /// Completes a tick left part-way by `advance_toward`.
    pub(crate) fn finish_tick(&mut self) {
        let mut unlimited = u64::MAX;
        self.continue_tick(&mut unlimited);
    }

    /// The engine clock to `tick_end`; every producer prepares its calls (in producer order).
    fn begin_tick(&mut self, tick_end: EpochMillis) {
        self.service.engine.advance_to(tick_end);
        let mut calls = VecDeque::new();
        for entry in &mut self.producers {
            for call in entry.producer.prepare(&mut self.service, tick_end, TICK_MS) {
                calls.push_back((entry.id, call));
            }
        }
        self.in_tick = Some(TickInProgress { tick_end, calls });
    }

    /// Sends prepared calls while `budget` (records) lasts; once all are sent, the consumers take their
    /// turn and the tick ends. Returns whether it ended.
    fn continue_tick(&mut self, budget: &mut u64) -> bool {
        let Some(mut work) = self.in_tick.take() else { return true };
        while let Some((id, call)) = work.calls.pop_front() {
            if *budget == 0 {
                work.calls.push_front((id, call));
                self.in_tick = Some(work);
                return false;
            }
            *budget = budget.saturating_sub(call.records());
            // A producer removed mid-tick simply sends nothing more.
            if let Some(entry) = self.producers.iter_mut().find(|e| e.id == id) {
                entry.producer.send(&mut self.service, call, work.tick_end);
            }
        }
        for entry in &mut self.consumers {
            entry.consumer.step(&mut self.service, work.tick_end, TICK_MS);
        }
        if self.firehose_reads() {
            // Firehose reads after the learner's consumers, at the tick's end on its own clock.
            self.firehose.engine.advance_to(work.tick_end);
            firehose_source::sync_readers(&mut self.firehose_readers, &self.firehose);
            firehose_source::step_readers(
                &mut self.firehose_readers,
                &mut self.service,
                &mut self.firehose,
                work.tick_end,
                TICK_MS,
            );
        }
        true
    }
}

/// A tick whose producers' calls are not all sent yet (saved with the sandbox, so nothing is lost).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TickInProgress {
    tick_end: EpochMillis,
    calls: VecDeque<(ProducerId, PreparedCall)>,
}
