//! A KCL-style application: a group of workers sharing a lease table (FACTS.md §1 "Producers and
//! consumers (libraries)"). One lease per shard says which worker processes it and where it has
//! checkpointed. Workers renew their leases; a lease not renewed within the failover time may be taken
//! by another worker, which resumes from the checkpoint, so records processed after the last
//! checkpoint are processed again (at-least-once delivery). Workers balance leases toward an even
//! share, and a child shard's lease waits until its parents are checkpointed at SHARD_END.
//!
//! The lease table lives here (the real one is a DynamoDB table named after the application); the
//! workers reach Kinesis only through the API, with polling GetRecords.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::KinesisService;
use crate::engine::time::EpochMillis;
use crate::sim::consumers::lag::ShardLag;
use crate::sim::consumers::stats::{CallCounts, DeliveredRecord, ErrorLog, RecordLog, SecondHistory, ShardStats, DEFAULT_RECORD_LOG_CAPACITY};
use crate::sim::consumers::wire::{
    self, call, compare_sequence, iterator_request, parse_batch, ApiFailure, ChildShardRef, StartPosition, EXPIRED_ITERATOR, NOT_FOUND,
    THROTTLED,
};
use crate::sim::consumers::ConsumerConfigError;

/// A worker that has not renewed a lease for this long is presumed dead and its lease may be taken.
/// KCL default: LeaseManagementConfig.failoverTimeMillis = 10,000 ms (amazon-kinesis-client). FACTS.md §1
/// states the rule ("a worker that dies loses its leases after failover time") without the figure.
pub const DEFAULT_FAILOVER_TIME_MS: u64 = 10_000;
/// The KCL's safety margin in lease timing (LeaseManagementConfig.epsilonMillis).
pub const LEASE_EPSILON_MS: u64 = 25;
/// Pause between GetRecords calls on one shard. FACTS.md does not give the KCL's figure, so this is
/// 1,000 ms (the KCL 1.x default; KCL 2.x's PollingConfig uses 1,500 ms).
pub const DEFAULT_IDLE_TIME_BETWEEN_READS_MS: u64 = 1_000;
/// How often the shard list is synchronised into the lease table (KCL default shardSyncIntervalMillis).
pub const DEFAULT_SHARD_SYNC_INTERVAL_MS: u64 = 60_000;
/// How often a record processor checkpoints by default; 0 means after every batch.
pub const DEFAULT_CHECKPOINT_INTERVAL_MS: u64 = 60_000;
/// The KCL steals at most one lease per taker run to balance load (maxLeasesToStealAtOneTime).
pub const DEFAULT_MAX_LEASES_TO_STEAL: usize = 1;
/// GetRecords Limit the KCL asks for (PollingConfig.maxRecords default, and the API's maximum).
pub const DEFAULT_MAX_RECORDS: u32 = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KclConfig {
    /// Also the lease table's name.
    pub application_name: String,
    pub stream_name: String,
    /// Where new leases of the stream's current shards start.
    pub initial_position: StartPosition,
    pub failover_time_ms: u64,
    pub idle_time_between_reads_ms: u64,
    /// 0 = checkpoint after every batch.
    pub checkpoint_interval_ms: u64,
    pub shard_sync_interval_ms: u64,
    pub max_records: u32,
    pub max_leases_to_steal: usize,
    pub record_log_capacity: usize,
}

impl KclConfig {
    pub fn new(application_name: &str, stream_name: &str) -> Self {
        KclConfig {
            application_name: application_name.to_string(),
            stream_name: stream_name.to_string(),
            initial_position: StartPosition::TrimHorizon,
            failover_time_ms: DEFAULT_FAILOVER_TIME_MS,
            idle_time_between_reads_ms: DEFAULT_IDLE_TIME_BETWEEN_READS_MS,
            checkpoint_interval_ms: DEFAULT_CHECKPOINT_INTERVAL_MS,
            shard_sync_interval_ms: DEFAULT_SHARD_SYNC_INTERVAL_MS,
            max_records: DEFAULT_MAX_RECORDS,
            max_leases_to_steal: DEFAULT_MAX_LEASES_TO_STEAL,
            record_log_capacity: DEFAULT_RECORD_LOG_CAPACITY,
        }
    }

    pub fn validate(&self) -> Result<(), ConsumerConfigError> {
        if self.application_name.trim().is_empty() {
            return Err(ConsumerConfigError::EmptyName);
        }
        if self.stream_name.trim().is_empty() {
            return Err(ConsumerConfigError::EmptyStreamName);
        }
        for (field, value) in [
            ("failover_time_ms", self.failover_time_ms),
            ("idle_time_between_reads_ms", self.idle_time_between_reads_ms),
            ("shard_sync_interval_ms", self.shard_sync_interval_ms),
        ] {
            if value == 0 {
                return Err(ConsumerConfigError::ZeroDuration { field });
            }
        }
        if !(1..=DEFAULT_MAX_RECORDS).contains(&self.max_records) {
            return Err(ConsumerConfigError::LimitOutOfRange { limit: self.max_records, max: DEFAULT_MAX_RECORDS });
        }
        Ok(())
    }

    /// Leases are renewed every third of the failover time, less the margin (the KCL's lease coordinator).
    pub fn renewer_interval_ms(&self) -> u64 {
        (self.failover_time_ms / 3).saturating_sub(LEASE_EPSILON_MS).max(1)
    }

    /// The lease taker runs every two failover times plus margins (the KCL's lease coordinator), so a
    /// dead worker's leases move between one and about three failover times after its last renewal.
    pub fn taker_interval_ms(&self) -> u64 {
        (self.failover_time_ms + LEASE_EPSILON_MS) * 2
    }
}

/// Where a lease's processing resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Checkpoint {
    TrimHorizon,
    Latest,
    AtTimestamp(EpochMillis),
    /// The last sequence number processed and checkpointed.
    Sequence(String),
    /// The shard was processed to its end.
    ShardEnd,
}

impl Checkpoint {
    fn initial(position: StartPosition) -> Checkpoint {
        match position {
            StartPosition::TrimHorizon => Checkpoint::TrimHorizon,
            StartPosition::Latest => Checkpoint::Latest,
            StartPosition::AtTimestamp(t) => Checkpoint::AtTimestamp(t),
        }
    }

    /// As the lease table shows it.
    pub fn label(&self) -> String {
        match self {
            Checkpoint::TrimHorizon => "TRIM_HORIZON".into(),
            Checkpoint::Latest => "LATEST".into(),
            Checkpoint::AtTimestamp(_) => "AT_TIMESTAMP".into(),
            Checkpoint::Sequence(s) => s.clone(),
            Checkpoint::ShardEnd => "SHARD_END".into(),
        }
    }
}

/// One row of the lease table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The shard id.
    pub lease_key: String,
    pub owner: Option<String>,
    /// Goes up on every renewal and every change of owner; a worker whose counter is stale has lost it.
    pub lease_counter: u64,
    pub checkpoint: Checkpoint,
    pub parent_shard_ids: Vec<String>,
    pub last_renewed_ms: EpochMillis,
}

impl Lease {
    fn is_expired(&self, now_ms: EpochMillis, failover_time_ms: u64) -> bool {
        self.owner.is_none() || now_ms > self.last_renewed_ms + failover_time_ms
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WorkerStats {
    pub records_processed: u64,
    /// Records this worker processed that some worker had processed before.
    pub records_reprocessed: u64,
    pub checkpoints: u64,
    /// Leases picked up after their owner stopped renewing (or that had no owner).
    pub leases_taken: u64,
    /// Leases taken from a live worker to even out the load.
    pub leases_stolen: u64,
    /// Leases this worker found taken by another.
    pub leases_lost: u64,
    pub throttled_calls: u64,
}

/// A worker's in-memory processing of one lease (lost when the worker dies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ShardWork {
    pub iterator: Option<String>,
    pub last_processed: Option<String>,
    pub last_checkpoint_ms: EpochMillis,
    pub next_read_ms: EpochMillis,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    pub id: String,
    pub alive: bool,
    pub stats: WorkerStats,
    next_renew_ms: EpochMillis,
    next_take_ms: EpochMillis,
    pub work: BTreeMap<String, ShardWork>,
}

impl Worker {
    fn new(id: String) -> Worker {
        Worker { id, alive: true, stats: WorkerStats::default(), next_renew_ms: 0, next_take_ms: 0, work: BTreeMap::new() }
    }
}

/// A KCL application: workers and their lease table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KclGroup {
    pub config: KclConfig,
    pub workers: Vec<Worker>,
    pub leases: BTreeMap<String, Lease>,
    next_worker_number: u64,
    /// None until the first shard sync.
    next_sync_ms: Option<EpochMillis>,
    /// Reading statistics per shard, whichever worker read it.
    pub shard_stats: BTreeMap<String, ShardStats>,
    /// The highest sequence number processed per shard, by any worker (to count reprocessing).
    high_water: BTreeMap<String, String>,
    pub history: SecondHistory,
    pub errors: ErrorLog,
    pub records: RecordLog,
    pub calls: CallCounts,
}

impl KclGroup {
    /// A group with `workers` workers (named worker-1, worker-2, …).
    pub fn new(config: KclConfig, workers: usize) -> Result<Self, ConsumerConfigError> {
        config.validate()?;
        let mut group = KclGroup {
            records: RecordLog::with_capacity(config.record_log_capacity),
            config,
            workers: Vec::new(),
            leases: BTreeMap::new(),
            next_worker_number: 1,
            next_sync_ms: None,
            shard_stats: BTreeMap::new(),
            high_water: BTreeMap::new(),
            history: SecondHistory::default(),
            errors: ErrorLog::default(),
            calls: CallCounts::default(),
        };
        for _ in 0..workers {
            group.add_worker();
        }
        Ok(group)
    }

    /// Start another worker; it takes leases on its first step. Returns its id.
    pub fn add_worker(&mut self) -> String {
        loop {
            let id = format!("worker-{}", self.next_worker_number);
            self.next_worker_number += 1;
            if !self.workers.iter().any(|w| w.id == id) {
                self.workers.push(Worker::new(id.clone()));
                return id;
            }
        }
    }

    /// The worker's process dies: it stops renewing and forgets what it had not checkpointed.
    pub fn kill_worker(&mut self, worker_id: &str) -> Result<(), ConsumerConfigError> {
        let w = self.worker_mut(worker_id)?;
        w.alive = false;
        w.work.clear();
        Ok(())
    }

    /// Start a killed worker again under the same id: it renews whatever leases it still holds and
    /// resumes them from their checkpoints.
    pub fn restart_worker(&mut self, worker_id: &str) -> Result<(), ConsumerConfigError> {
        let w = self.worker_mut(worker_id)?;
        if !w.alive {
            w.alive = true;
            w.work.clear();
            w.next_renew_ms = 0;
            w.next_take_ms = 0;
        }
        Ok(())
    }

    /// Shut a worker down cleanly: it checkpoints what it processed and gives up its leases.
    pub fn remove_worker(&mut self, worker_id: &str) -> Result<(), ConsumerConfigError> {
        let index = self
            .workers
            .iter()
            .position(|w| w.id == worker_id)
            .ok_or_else(|| ConsumerConfigError::NoSuchWorker { worker_id: worker_id.to_string() })?;
        let worker = self.workers.remove(index);
        for lease in self.leases.values_mut().filter(|l| l.owner.as_deref() == Some(worker_id)) {
            if worker.alive {
                if let Some(seq) = worker.work.get(&lease.lease_key).and_then(|w| w.last_processed.clone()) {
                    if lease.checkpoint != Checkpoint::ShardEnd {
                        lease.checkpoint = Checkpoint::Sequence(seq);
                    }
                }
            }
            lease.owner = None;
            lease.lease_counter += 1;
        }
        Ok(())
    }

    fn worker_mut(&mut self, worker_id: &str) -> Result<&mut Worker, ConsumerConfigError> {
        self.workers
            .iter_mut()
            .find(|w| w.id == worker_id)
            .ok_or_else(|| ConsumerConfigError::NoSuchWorker { worker_id: worker_id.to_string() })
    }

    /// The lease table, by lease key.
    pub fn lease_table(&self) -> Vec<&Lease> {
        self.leases.values().collect()
    }

    pub fn worker(&self, worker_id: &str) -> Option<&Worker> {
        self.workers.iter().find(|w| w.id == worker_id)
    }

    /// Leases a worker holds (not counting shards already at SHARD_END).
    pub fn leases_held(&self, worker_id: &str) -> usize {
        self.leases.values().filter(|l| l.owner.as_deref() == Some(worker_id) && l.checkpoint != Checkpoint::ShardEnd).count()
    }

    pub fn total_reprocessed(&self) -> u64 {
        self.workers.iter().map(|w| w.stats.records_reprocessed).sum()
    }

    pub fn total_processed(&self) -> u64 {
        self.workers.iter().map(|w| w.stats.records_processed).sum()
    }

    /// A lease's parents are all checkpointed at SHARD_END (or were never in the table).
    pub fn parents_done(&self, lease: &Lease) -> bool {
        lease.parent_shard_ids.iter().all(|p| self.leases.get(p).is_none_or(|pl| pl.checkpoint == Checkpoint::ShardEnd))
    }

    pub fn lag_by_shard(&self) -> Vec<ShardLag> {
        self.leases
            .values()
            .map(|l| {
                let s = self.shard_stats.get(&l.lease_key).cloned().unwrap_or_default();
                let finished = l.checkpoint == Checkpoint::ShardEnd;
                ShardLag {
                    shard_id: l.lease_key.clone(),
                    millis_behind_latest: s.millis_behind_latest,
                    iterator_age_ms: s.iterator_age_ms,
                    records_read: s.records_read,
                    throttled: s.throttled_calls,
                    finished,
                    waiting_on_parents: !finished && !self.parents_done(l),
                    owner: l.owner.clone(),
                }
            })
            .collect()
    }

    /// One tick: shard sync when due, then each live worker renews, takes and processes its leases.
    pub fn step(&mut self, service: &mut KinesisService, now_ms: EpochMillis, _tick_ms: u64) {
        if self.workers.iter().any(|w| w.alive) && self.next_sync_ms.is_none_or(|t| now_ms >= t) {
            self.sync_shards(service, now_ms);
        }
        for i in 0..self.workers.len() {
            if !self.workers[i].alive {
                continue;
            }
            self.renew(i, now_ms);
            self.forget_lost_leases(i);
            if now_ms >= self.workers[i].next_take_ms {
                self.take_leases(i, now_ms);
                self.workers[i].next_take_ms = now_ms + self.config.taker_interval_ms();
            }
            self.process(service, i, now_ms);
        }
    }

    /// Create leases for shards the table lacks. The first sync covers the stream's shards at the
    /// initial position (only open ones for LATEST: there is nothing new to read in closed ones);
    /// later syncs add open shards created since (read from TRIM_HORIZON). A lease whose shard has
    /// passed retention can never be read again, so it is ended.
    fn sync_shards(&mut self, service: &mut KinesisService, now_ms: EpochMillis) {
        self.calls.note("ListShards");
        let listing = match wire::list_shards(service, &self.config.stream_name) {
            Ok(listing) => listing,
            Err(f) => {
                self.errors.push(now_ms, "ListShards", None, &f);
                self.next_sync_ms = Some(now_ms + self.config.idle_time_between_reads_ms);
                return;
            }
        };
        let first = self.next_sync_ms.is_none();
        for info in &listing {
            if self.leases.contains_key(&info.shard_id) {
                continue;
            }
            let checkpoint = if first {
                if self.config.initial_position == StartPosition::Latest && !info.open {
                    continue;
                }
                Checkpoint::initial(self.config.initial_position)
            } else if info.open {
                Checkpoint::TrimHorizon
            } else {
                continue;
            };
            self.leases.insert(info.shard_id.clone(), new_lease(&info.shard_id, &info.parent_shard_ids, checkpoint));
        }
        for lease in self.leases.values_mut() {
            if lease.checkpoint != Checkpoint::ShardEnd && !listing.iter().any(|i| i.shard_id == lease.lease_key) {
                lease.checkpoint = Checkpoint::ShardEnd;
                lease.owner = None;
                let stats = self.shard_stats.entry(lease.lease_key.clone()).or_default();
                stats.finished = true;
                stats.expired = true;
            }
        }
        self.next_sync_ms = Some(now_ms + self.config.shard_sync_interval_ms);
    }

    fn renew(&mut self, i: usize, now_ms: EpochMillis) {
        if now_ms < self.workers[i].next_renew_ms {
            return;
        }
        let id = self.workers[i].id.clone();
        for lease in self.leases.values_mut().filter(|l| l.owner.as_deref() == Some(id.as_str())) {
            lease.lease_counter += 1;
            lease.last_renewed_ms = now_ms;
        }
        self.workers[i].next_renew_ms = now_ms + self.config.renewer_interval_ms();
    }

    /// Stop processing leases another worker has taken (their progress since the last checkpoint is lost).
    fn forget_lost_leases(&mut self, i: usize) {
        let id = self.workers[i].id.clone();
        let leases = &self.leases;
        let before = self.workers[i].work.len();
        self.workers[i].work.retain(|key, _| leases.get(key).is_some_and(|l| l.owner.as_deref() == Some(id.as_str())));
        self.workers[i].stats.leases_lost += (before - self.workers[i].work.len()) as u64;
    }

    /// The KCL's lease taker: aim for ceil(leases / workers) leases, taking expired (or unowned) leases
    /// first, and otherwise stealing from the most loaded worker if it holds more than that.
    fn take_leases(&mut self, i: usize, now_ms: EpochMillis) {
        let me = self.workers[i].id.clone();
        let failover = self.config.failover_time_ms;
        let active: Vec<&Lease> = self.leases.values().filter(|l| l.checkpoint != Checkpoint::ShardEnd).collect();
        if active.is_empty() {
            return;
        }
        // Workers are known by the live leases they hold, plus this one.
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for l in active.iter().filter(|l| !l.is_expired(now_ms, failover)) {
            if let Some(owner) = &l.owner {
                *counts.entry(owner.clone()).or_default() += 1;
            }
        }
        let mine = counts.get(&me).copied().unwrap_or(0);
        let workers = counts.len() + usize::from(!counts.contains_key(&me));
        let target = active.len().div_ceil(workers);
        if mine >= target {
            return;
        }
        let need = target - mine;
        let expired: Vec<String> =
            active.iter().filter(|l| l.is_expired(now_ms, failover)).take(need).map(|l| l.lease_key.clone()).collect();
        if !expired.is_empty() {
            for key in expired {
                self.assign(&key, &me, now_ms);
                self.workers[i].stats.leases_taken += 1;
            }
            return;
        }
        let most_loaded = counts.iter().filter(|(w, _)| **w != me).max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
        let Some((victim, &victim_count)) = most_loaded else { return };
        if victim_count <= target {
            return;
        }
        let steal = (victim_count - target).min(need).min(self.config.max_leases_to_steal);
        let keys: Vec<String> = active
            .iter()
            .rev()
            .filter(|l| l.owner.as_deref() == Some(victim.as_str()))
            .take(steal)
            .map(|l| l.lease_key.clone())
            .collect();
        for key in keys {
            self.assign(&key, &me, now_ms);
            self.workers[i].stats.leases_stolen += 1;
        }
    }

    fn assign(&mut self, key: &str, owner: &str, now_ms: EpochMillis) {
        if let Some(lease) = self.leases.get_mut(key) {
            lease.owner = Some(owner.to_string());
            lease.lease_counter += 1;
            lease.last_renewed_ms = now_ms;
        }
    }

    /// Read every lease the worker holds whose parents are done and whose turn it is.
    fn process(&mut self, service: &mut KinesisService, i: usize, now_ms: EpochMillis) {
        let me = self.workers[i].id.clone();
        let keys: Vec<String> = self
            .leases
            .values()
            .filter(|l| l.owner.as_deref() == Some(me.as_str()) && l.checkpoint != Checkpoint::ShardEnd && self.parents_done(l))
            .map(|l| l.lease_key.clone())
            .collect();
        for key in keys {
            let work = self.workers[i].work.entry(key.clone()).or_insert_with(|| ShardWork {
                last_checkpoint_ms: now_ms,
                next_read_ms: now_ms,
                ..Default::default()
            });
            if now_ms < work.next_read_ms {
                continue;
            }
            self.read_lease(service, i, &key, now_ms);
        }
    }

    fn read_lease(&mut self, service: &mut KinesisService, i: usize, key: &str, now_ms: EpochMillis) {
        let idle = self.config.idle_time_between_reads_ms;
        let Some(lease) = self.leases.get(key) else { return };
        let Some(work) = self.workers[i].work.get_mut(key) else { return };
        if work.iterator.is_none() {
            // Resume after what this worker processed, else after the lease's checkpoint.
            let (after, start) = match (&work.last_processed, &lease.checkpoint) {
                (Some(seq), _) | (None, Checkpoint::Sequence(seq)) => (Some(seq.clone()), StartPosition::TrimHorizon),
                (None, Checkpoint::TrimHorizon) => (None, StartPosition::TrimHorizon),
                (None, Checkpoint::Latest) => (None, StartPosition::Latest),
                (None, Checkpoint::AtTimestamp(t)) => (None, StartPosition::AtTimestamp(*t)),
                (None, Checkpoint::ShardEnd) => return,
            };
            self.calls.note("GetShardIterator");
            match call(service, "GetShardIterator", iterator_request(&self.config.stream_name, key, after.as_deref(), start)) {
                Ok(out) => work.iterator = out.get("ShardIterator").and_then(|v| v.as_str()).map(str::to_string),
                Err(f) => return self.on_failure(i, "GetShardIterator", key, &f, now_ms),
            }
        }
        let Some(iterator) = work.iterator.clone() else {
            work.next_read_ms = now_ms + idle;
            return;
        };
        self.calls.note("GetRecords");
        let out = match call(service, "GetRecords", json!({"ShardIterator": iterator, "Limit": self.config.max_records})) {
            Ok(out) => out,
            Err(f) => return self.on_failure(i, "GetRecords", key, &f, now_ms),
        };
        let batch = parse_batch(&out);
        self.process_records(i, key, &batch.records, now_ms);
        let stats = self.shard_stats.entry(key.to_string()).or_default();
        stats.note_read(&batch.records, batch.millis_behind_latest, now_ms);
        self.history.note_records(&batch.records, now_ms, 0);
        if let Some(behind) = batch.millis_behind_latest {
            self.history.note_millis_behind(behind, now_ms);
        }
        let checkpoint_every_batch = self.config.checkpoint_interval_ms == 0;
        let worker = &mut self.workers[i];
        let Some(work) = worker.work.get_mut(key) else { return };
        work.next_read_ms = now_ms + idle;
        if let Some(last) = batch.records.last() {
            work.last_processed = Some(last.sequence_number.clone());
        }
        match batch.next_shard_iterator {
            Some(next) => {
                work.iterator = Some(next);
                let due = checkpoint_every_batch || now_ms.saturating_sub(work.last_checkpoint_ms) >= self.config.checkpoint_interval_ms;
                if due {
                    work.last_checkpoint_ms = now_ms;
                    if let (Some(seq), Some(lease)) = (work.last_processed.clone(), self.leases.get_mut(key)) {
                        if lease.checkpoint != Checkpoint::Sequence(seq.clone()) {
                            lease.checkpoint = Checkpoint::Sequence(seq);
                            worker.stats.checkpoints += 1;
                        }
                    }
                }
            }
            None => {
                // The shard's end: checkpoint SHARD_END, let go of the lease and create the children's.
                worker.work.remove(key);
                worker.stats.checkpoints += 1;
                if let Some(lease) = self.leases.get_mut(key) {
                    lease.checkpoint = Checkpoint::ShardEnd;
                    lease.owner = None;
                    lease.lease_counter += 1;
                }
                self.shard_stats.entry(key.to_string()).or_default().finished = true;
                self.add_child_leases(batch.child_shards.as_deref().unwrap_or_default());
            }
        }
    }

    fn add_child_leases(&mut self, children: &[ChildShardRef]) {
        for c in children {
            if !self.leases.contains_key(&c.shard_id) {
                self.leases.insert(c.shard_id.clone(), new_lease(&c.shard_id, &c.parent_shard_ids, Checkpoint::TrimHorizon));
            }
        }
    }

    /// Hand the records to the (simulated) record processor, counting those some worker saw before.
    fn process_records(&mut self, i: usize, key: &str, records: &[wire::WireRecord], now_ms: EpochMillis) {
        let worker = &mut self.workers[i];
        for r in records {
            let seen = self.high_water.get(key).is_some_and(|hw| compare_sequence(&r.sequence_number, hw).is_le());
            worker.stats.records_processed += 1;
            if seen {
                worker.stats.records_reprocessed += 1;
            } else {
                self.high_water.insert(key.to_string(), r.sequence_number.clone());
            }
            self.records.push(DeliveredRecord {
                shard_id: key.to_string(),
                sequence_number: r.sequence_number.clone(),
                partition_key: r.partition_key.clone(),
                data_base64: r.data_base64.clone(),
                arrival_ms: r.arrival_ms,
                consumed_ms: now_ms,
                worker_id: Some(worker.id.clone()),
                reprocessed: seen,
            });
        }
    }

    fn on_failure(&mut self, i: usize, operation: &str, key: &str, failure: &ApiFailure, now_ms: EpochMillis) {
        let idle = self.config.idle_time_between_reads_ms;
        self.errors.push(now_ms, operation, Some(key), failure);
        let worker = &mut self.workers[i];
        let Some(work) = worker.work.get_mut(key) else { return };
        if failure.is(THROTTLED) {
            worker.stats.throttled_calls += 1;
            self.calls.throttled += 1;
            self.shard_stats.entry(key.to_string()).or_default().throttled_calls += 1;
            self.history.note_throttled(now_ms);
            // Back off half an idle period, not a whole one. Two applications on one shard that start
            // together call in the same millisecond; the first read's bytes are still owed (2 MiB/s per
            // shard, FACTS.md §1 "Reads"), so the second is refused. Retrying a whole period later would
            // meet the same collision forever and starve it; half a period puts it out of phase, as the
            // call latency of real workers does.
            work.next_read_ms = now_ms + idle / 2;
            return;
        }
        work.iterator = None;
        if failure.is(EXPIRED_ITERATOR) {
            work.next_read_ms = now_ms;
            return;
        }
        if failure.is(NOT_FOUND) {
            // The shard may have passed retention: a shard sync settles it.
            self.next_sync_ms = Some(now_ms);
        }
        work.next_read_ms = now_ms + idle;
    }
}

fn new_lease(shard_id: &str, parents: &[String], checkpoint: Checkpoint) -> Lease {
    Lease {
        lease_key: shard_id.to_string(),
        owner: None,
        lease_counter: 0,
        checkpoint,
        parent_shard_ids: parents.to_vec(),
        last_renewed_ms: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_timings_follow_the_kcl_coordinator() {
        let c = KclConfig::new("app", "s");
        assert_eq!(c.failover_time_ms, 10_000);
        assert_eq!(c.renewer_interval_ms(), 3_308);
        assert_eq!(c.taker_interval_ms(), 20_050);
    }

    #[test]
    fn taker_aims_for_a_fair_share_and_steals_one_at_a_time() {
        let mut g = KclGroup::new(KclConfig::new("app", "s"), 2).unwrap();
        for k in ["a", "b", "c", "d"] {
            g.leases.insert(k.into(), new_lease(k, &[], Checkpoint::TrimHorizon));
        }
        g.take_leases(0, 1_000);
        assert_eq!(g.leases_held("worker-1"), 4);
        g.take_leases(1, 1_000);
        assert_eq!((g.leases_held("worker-1"), g.leases_held("worker-2")), (3, 1));
        g.take_leases(1, 2_000);
        assert_eq!((g.leases_held("worker-1"), g.leases_held("worker-2")), (2, 2));
        g.take_leases(1, 3_000);
        assert_eq!((g.leases_held("worker-1"), g.leases_held("worker-2")), (2, 2));
    }

    #[test]
    fn unknown_workers_are_errors_not_panics() {
        let mut g = KclGroup::new(KclConfig::new("app", "s"), 1).unwrap();
        assert_eq!(g.kill_worker("nobody"), Err(ConsumerConfigError::NoSuchWorker { worker_id: "nobody".into() }));
        assert!(g.restart_worker("nobody").is_err());
        assert!(g.remove_worker("nobody").is_err());
    }
}
