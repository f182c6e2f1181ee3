//! The sandbox's simulated consumers (polling, enhanced fan-out, KCL), driven tick by tick against a
//! `KinesisService` exactly as the sandbox driver does: advance the clock, let producers write, then
//! step every consumer. Each test names the AWS rule it checks.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use kinesis_lab::api::KinesisService;
use kinesis_lab::sim::consumers::kcl::Checkpoint;
use kinesis_lab::sim::consumers::stats::DeliveredRecord;
use kinesis_lab::sim::consumers::{
    Consumer, FanOutConfig, FanOutConsumer, KclConfig, KclGroup, PollingConfig, PollingConsumer, StartPosition,
};
use serde_json::json;

const TICK_MS: u64 = 100;
const KEYS: usize = 8;
/// Middle of the hash space: SplitShard's NewStartingHashKey for an even split.
const HALF: &str = "170141183460469231731687303715884105728";

/// A record a test producer wrote.
#[derive(Debug, Clone)]
struct Written {
    key: String,
    data: String,
    sequence: String,
    shard: String,
}

/// Writes `per_tick` records per tick, cycling over KEYS partition keys; each key's payloads count up.
#[derive(Default)]
struct Producer {
    written: Vec<Written>,
    per_key: BTreeMap<String, u64>,
}

impl Producer {
    fn put(&mut self, svc: &mut KinesisService, stream: &str, n: usize) {
        for _ in 0..n {
            let key = format!("key-{}", self.written.len() % KEYS);
            let count = self.per_key.entry(key.clone()).or_default();
            *count += 1;
            let data = format!("{key}:{count}");
            let out = ok(svc, "PutRecord", json!({"StreamName": stream, "PartitionKey": key, "Data": b64(data.as_bytes())}));
            self.written.push(Written {
                key,
                data,
                sequence: out["SequenceNumber"].as_str().unwrap().to_string(),
                shard: out["ShardId"].as_str().unwrap().to_string(),
            });
        }
    }
}

/// Advance tick by tick to `until_ms`: clock first, then `write` (the producers), then every consumer.
fn run(svc: &mut KinesisService, consumers: &mut [Consumer], until_ms: u64, mut write: impl FnMut(&mut KinesisService, u64)) {
    // Ticks fall on multiples of TICK_MS, as the sandbox's do.
    let mut now = svc.engine.now_ms() / TICK_MS * TICK_MS;
    while now + TICK_MS <= until_ms {
        now += TICK_MS;
        svc.engine.advance_to(now);
        write(svc, now);
        for c in consumers.iter_mut() {
            c.step(svc, now, TICK_MS);
        }
    }
}

fn polling(name: &str, stream: &str) -> Consumer {
    let mut config = PollingConfig::new(name, stream);
    config.record_log_capacity = 1_000_000;
    Consumer::Polling(PollingConsumer::new(config).unwrap())
}

fn fan_out(name: &str, stream: &str) -> Consumer {
    let mut config = FanOutConfig::new(name, stream);
    config.record_log_capacity = 1_000_000;
    Consumer::FanOut(FanOutConsumer::new(config).unwrap())
}

fn kcl(stream: &str, workers: usize, checkpoint_interval_ms: u64) -> KclGroup {
    let mut config = KclConfig::new("app", stream);
    config.checkpoint_interval_ms = checkpoint_interval_ms;
    config.record_log_capacity = 1_000_000;
    KclGroup::new(config, workers).unwrap()
}

fn delivered(c: &Consumer) -> Vec<DeliveredRecord> {
    assert_eq!(c.records().dropped, 0, "the test's record log must keep everything");
    c.records().records.iter().cloned().collect()
}

/// Every written record delivered exactly once.
fn assert_exactly_once(written: &[Written], got: &[DeliveredRecord]) {
    assert!(!written.is_empty(), "nothing was written");
    let got_seqs: Vec<&str> = got.iter().map(|r| r.sequence_number.as_str()).collect();
    let unique: BTreeSet<&str> = got_seqs.iter().copied().collect();
    assert_eq!(unique.len(), got_seqs.len(), "a record was delivered twice");
    let want: BTreeSet<&str> = written.iter().map(|w| w.sequence.as_str()).collect();
    assert_eq!(unique, want, "delivered records differ from written ones");
}

/// For each partition key, the first delivery of each record follows write order.
fn assert_per_key_order(written: &[Written], got: &[DeliveredRecord]) {
    let mut seen = BTreeSet::new();
    let mut by_key: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in got {
        if seen.insert(r.sequence_number.clone()) {
            by_key.entry(r.partition_key.as_str()).or_default().push(String::from_utf8(unb64(&r.data_base64)).unwrap());
        }
    }
    let mut want: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for w in written {
        want.entry(w.key.as_str()).or_default().push(w.data.clone());
    }
    assert_eq!(by_key, want, "per-key order broken");
}

// Source: FACTS.md §1 "Reads" (GetRecords, NextShardIterator null and ChildShards at a closed shard's end)
// and "Resharding and capacity" (read a parent to its end before its children to keep per-key order).
#[test]
fn polling_reads_every_record_once_in_key_order_across_a_split() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut consumers = vec![polling("reader", "s")];
    let mut producer = Producer::default();
    let split_at = START_MS + 20_000;
    let stop_at = START_MS + 60_000;
    run(&mut svc, &mut consumers, START_MS + 90_000, |svc, now| {
        if now == split_at {
            assert_eq!(now % TICK_MS, 0);
            ok(svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": HALF}));
        }
        if now <= stop_at {
            producer.put(svc, "s", 2);
        }
    });
    let shards_written: BTreeSet<&str> = producer.written.iter().map(|w| w.shard.as_str()).collect();
    assert_eq!(shards_written.len(), 3, "records reached the parent and both children");
    let got = delivered(&consumers[0]);
    assert_exactly_once(&producer.written, &got);
    assert_per_key_order(&producer.written, &got);
    let last_parent = got.iter().rposition(|r| r.shard_id == "shardId-000000000000").unwrap();
    let first_child = got.iter().position(|r| r.shard_id != "shardId-000000000000").unwrap();
    assert!(last_parent < first_child, "a child record came before the parent was finished");
    let lag = consumers[0].lag_by_shard();
    assert_eq!(lag.len(), 3);
    assert!(lag[0].finished && !lag[1].finished && !lag[2].finished);
    assert_eq!(lag.iter().map(|l| l.records_read).sum::<u64>(), producer.written.len() as u64);
    assert_eq!(consumers[0].errors().total, 0, "{:?}", consumers[0].errors());
}

// Source: FACTS.md §1 "Reads" — 5 GetRecords calls/s per shard shared by all classic consumers.
#[test]
fn six_pollers_on_one_shard_share_five_reads_per_second_and_one_alone_is_never_throttled() {
    let seconds = 120;
    let mut svc = service();
    stream(&mut svc, "shared", 1);
    stream(&mut svc, "alone", 1);
    let mut consumers: Vec<Consumer> = (1..=6).map(|i| polling(&format!("p{i}"), "shared")).collect();
    consumers.push(polling("solo", "alone"));
    let mut shared = Producer::default();
    let mut alone = Producer::default();
    run(&mut svc, &mut consumers, START_MS + seconds * 1_000, |svc, _| {
        shared.put(svc, "shared", 1);
        alone.put(svc, "alone", 1);
    });
    let calls = |c: &Consumer| match c {
        Consumer::Polling(p) => (p.calls.of("GetRecords"), p.calls.throttled),
        _ => unreachable!(),
    };
    let (attempts, throttled): (Vec<u64>, Vec<u64>) = consumers[..6].iter().map(calls).unzip();
    let successes: u64 = attempts.iter().sum::<u64>() - throttled.iter().sum::<u64>();
    // Six pollers want 6 reads/s; the shard grants at most 5.
    assert!(successes <= 5 * seconds + 5, "{successes} successful reads in {seconds} s");
    assert!(throttled.iter().sum::<u64>() >= seconds / 2, "throttled: {throttled:?}");
    assert!(throttled.iter().filter(|t| **t > 0).count() >= 5, "throttling should fall on most consumers: {throttled:?}");
    let throttle_error = consumers[..6]
        .iter()
        .flat_map(|c| c.errors().recent.iter())
        .find(|e| e.error_type == "ProvisionedThroughputExceededException")
        .expect("a throttling error was recorded");
    assert!(throttle_error.message.starts_with("Rate exceeded for shard shardId-000000000000 in stream shared under account"));
    for c in &consumers[..6] {
        // Shared, not starved: each still nearly keeps up with the stream (a throttled poller falls
        // behind for a few seconds, then catches up, since each read returns everything pending).
        let read: u64 = c.lag_by_shard().iter().map(|l| l.records_read).sum();
        assert!(read as usize * 10 >= shared.written.len() * 9, "{} read {read} of {}", c.name(), shared.written.len());
    }
    let (solo_attempts, solo_throttled) = calls(&consumers[6]);
    assert_eq!(solo_throttled, 0);
    assert!((seconds - 5..=seconds + 1).contains(&solo_attempts), "one read per second: {solo_attempts}");
    assert_exactly_once(&alone.written[..alone.written.len() - 10], &delivered(&consumers[6])[..alone.written.len() - 10]);
}

// Source: FACTS.md §1 "Reads" — latency: classic polling ~200 ms and more, enhanced fan-out ~70 ms.
#[test]
fn fan_out_latency_is_far_below_a_one_second_poller() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut consumers = vec![polling("classic", "s"), fan_out("efo", "s")];
    // Let the registration become ACTIVE and the subscription start before writing.
    run(&mut svc, &mut consumers, START_MS + 5_000, |_, _| {});
    let mut producer = Producer::default();
    run(&mut svc, &mut consumers, START_MS + 65_000, |svc, _| producer.put(svc, "s", 1));
    let classic = consumers[0].history().mean_latency_ms().unwrap();
    let efo = consumers[1].history().mean_latency_ms().unwrap();
    assert!((300..=1_000).contains(&classic), "classic mean latency {classic} ms");
    assert!((70..=120).contains(&efo), "enhanced fan-out mean latency {efo} ms");
    assert!(efo * 4 < classic);
    let points = consumers[1].latency_history();
    assert!(points.len() >= 55 && points.iter().all(|p| p.max_ms < 200 && p.avg_ms >= 70));
}

// Source: FACTS.md §1 "Enhanced fan-out" — a subscription lasts 5 minutes; the consumer subscribes again
// from ContinuationSequenceNumber, so nothing is lost or repeated.
#[test]
fn fan_out_resubscribes_every_five_minutes_without_loss_or_duplicates() {
    let mut svc = service();
    stream(&mut svc, "s", 2);
    let mut consumers = vec![fan_out("efo", "s")];
    let mut producer = Producer::default();
    let stop_at = START_MS + 12 * 60_000;
    run(&mut svc, &mut consumers, stop_at + 5_000, |svc, now| {
        if now <= stop_at && now % 500 == 0 {
            producer.put(svc, "s", 1);
        }
    });
    let Consumer::FanOut(c) = &consumers[0] else { unreachable!() };
    for shard in c.shards.shards.values() {
        // 12 minutes of 5-minute subscriptions: the first and two renewals.
        assert_eq!(shard.reader.subscriptions, 3, "{}", shard.shard_id);
    }
    let got = delivered(&consumers[0]);
    assert_exactly_once(&producer.written, &got);
    assert_per_key_order(&producer.written, &got);
    assert_eq!(c.errors.total, 0, "{:?}", c.errors);
    // Removing the consumer deregisters it.
    consumers[0].shutdown(&mut svc);
    let arn = ok(&mut svc, "DescribeStreamSummary", json!({"StreamName": "s"}))["StreamDescriptionSummary"]["StreamARN"].clone();
    let listed = ok(&mut svc, "ListStreamConsumers", json!({"StreamARN": arn}));
    assert_eq!(listed["Consumers"][0]["ConsumerStatus"], "DELETING");
}

// Source: FACTS.md §1 "Enhanced fan-out" — subscribing again within 5 s is refused with
// ResourceInUseException; the consumer records AWS's error and retries later, losing nothing.
#[test]
fn fan_out_retries_after_resource_in_use() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut consumers = vec![fan_out("efo", "s")];
    let mut producer = Producer::default();
    run(&mut svc, &mut consumers, START_MS + 8_000, |svc, _| producer.put(svc, "s", 1));
    let Consumer::FanOut(c) = &mut consumers[0] else { unreachable!() };
    let arn = c.consumer_arn().unwrap().to_string();
    // Another client subscribes the same consumer to the shard: that replaces (ends) ours, and our
    // immediate re-subscribe falls within 5 s of theirs.
    let theirs = svc.call_json(
        "SubscribeToShard",
        &json!({"ConsumerARN": arn, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "LATEST"}}),
    );
    assert!(theirs.is_ok(), "{theirs:?}");
    run(&mut svc, &mut consumers, START_MS + 20_000, |svc, _| producer.put(svc, "s", 1));
    let Consumer::FanOut(c) = &consumers[0] else { unreachable!() };
    let refused: Vec<_> = c.errors.recent.iter().filter(|e| e.error_type == "ResourceInUseException").collect();
    assert!((3..=5).contains(&refused.len()), "retried about once a second for 5 s: {refused:?}");
    assert!(refused[0].message.contains("Wait 5 seconds between subscribe calls"), "{}", refused[0].message);
    assert_eq!(c.shards.shards["shardId-000000000000"].reader.subscriptions, 2);
    assert_exactly_once(&producer.written, &delivered(&consumers[0]));
}

// Source: FACTS.md §1 "Producers and consumers (libraries)" — KCL workers balance leases; failover
// default 10 s from the KCL's LeaseManagementConfig.failoverTimeMillis.
#[test]
fn kcl_two_workers_split_four_leases_two_each() {
    let mut svc = service();
    stream(&mut svc, "s", 4);
    let mut consumers = vec![Consumer::Kcl(kcl("s", 2, 0))];
    let mut producer = Producer::default();
    run(&mut svc, &mut consumers, START_MS + 60_000, |svc, now| {
        if now <= START_MS + 50_000 {
            producer.put(svc, "s", 2);
        }
    });
    let Consumer::Kcl(g) = &consumers[0] else { unreachable!() };
    assert_eq!(g.leases.len(), 4);
    assert_eq!((g.leases_held("worker-1"), g.leases_held("worker-2")), (2, 2));
    assert!(g.workers.iter().all(|w| w.stats.records_processed > 0));
    // Checkpointing after every batch: balancing moved leases without any record processed twice.
    assert_eq!(g.total_reprocessed(), 0);
    assert_exactly_once(&producer.written, &delivered(&consumers[0]));
}

/// Kill worker-1 at `kill_at` and run on; returns the group, the written records, and when the dead
/// worker's leases changed hands (with their last renewal before the kill).
fn kill_and_fail_over(checkpoint_interval_ms: u64) -> (KclGroup, Vec<Written>, Vec<(u64, u64)>) {
    let mut svc = service();
    stream(&mut svc, "s", 4);
    let mut consumers = vec![Consumer::Kcl(kcl("s", 2, checkpoint_interval_ms))];
    let mut producer = Producer::default();
    let kill_at = START_MS + 45_000;
    let stop_at = START_MS + 90_000;
    run(&mut svc, &mut consumers, kill_at, |svc, _| producer.put(svc, "s", 2));
    let Consumer::Kcl(g) = &mut consumers[0] else { unreachable!() };
    let dead: BTreeMap<String, u64> =
        g.leases.values().filter(|l| l.owner.as_deref() == Some("worker-1")).map(|l| (l.lease_key.clone(), l.last_renewed_ms)).collect();
    assert_eq!(dead.len(), 2);
    g.kill_worker("worker-1").unwrap();
    let mut moved: BTreeMap<String, u64> = BTreeMap::new();
    for now in (kill_at + TICK_MS..=stop_at + 20_000).step_by(TICK_MS as usize) {
        run(&mut svc, &mut consumers, now, |svc, t| {
            if t <= stop_at {
                producer.put(svc, "s", 2);
            }
        });
        let Consumer::Kcl(g) = &consumers[0] else { unreachable!() };
        for key in dead.keys() {
            if g.leases[key].owner.as_deref() == Some("worker-2") {
                moved.entry(key.clone()).or_insert(now);
            }
        }
    }
    let Consumer::Kcl(g) = consumers.remove(0) else { unreachable!() };
    let timings = dead.iter().map(|(k, renewed)| (*renewed, moved.get(k).copied().unwrap_or(u64::MAX))).collect();
    (g, producer.written, timings)
}

// Source: FACTS.md §1 "Producers and consumers (libraries)" — a dead worker loses its leases after the
// failover time; processing resumes from the checkpoint (at-least-once: duplicates when checkpoints lag).
#[test]
fn kcl_failover_moves_leases_and_reprocesses_after_a_lagging_checkpoint() {
    let (g, written, timings) = kill_and_fail_over(30_000);
    let failover = g.config.failover_time_ms;
    let taker = g.config.taker_interval_ms();
    for (renewed, moved) in timings {
        assert!(moved > renewed + failover, "taken before the failover time: renewed {renewed}, moved {moved}");
        assert!(moved <= renewed + failover + taker + TICK_MS, "taken too late: renewed {renewed}, moved {moved}");
    }
    assert_eq!(g.leases_held("worker-2"), 4);
    assert!(g.total_reprocessed() > 0, "records after the last checkpoint are processed again");
    let w1 = g.worker("worker-1").unwrap();
    assert!(!w1.alive && w1.stats.records_processed > 0);
    let got: Vec<DeliveredRecord> = g.records.records.iter().cloned().collect();
    // Every record at least once, in key order by first delivery.
    let got_seqs: BTreeSet<&str> = got.iter().map(|r| r.sequence_number.as_str()).collect();
    assert_eq!(got_seqs, written.iter().map(|w| w.sequence.as_str()).collect());
    assert_per_key_order(&written, &got);
    assert_eq!(got.iter().filter(|r| r.reprocessed).count() as u64, g.total_reprocessed());
    assert!(got.iter().filter(|r| r.reprocessed).all(|r| r.worker_id.as_deref() == Some("worker-2")));
}

// Source: FACTS.md §1 "Producers and consumers (libraries)" — resuming from a checkpoint taken after
// every batch repeats nothing.
#[test]
fn kcl_failover_with_checkpoint_after_every_batch_reprocesses_nothing() {
    let (g, written, timings) = kill_and_fail_over(0);
    assert!(timings.iter().all(|(_, moved)| *moved != u64::MAX));
    assert_eq!(g.leases_held("worker-2"), 4);
    assert_eq!(g.total_reprocessed(), 0);
    let got: Vec<DeliveredRecord> = g.records.records.iter().cloned().collect();
    assert_exactly_once(&written, &got);
}

// Source: FACTS.md §1 "Resharding and capacity" and "Producers and consumers (libraries)" — the KCL
// processes parents before children: a child lease waits until its parent is checkpointed at SHARD_END.
#[test]
fn kcl_child_leases_wait_for_their_parent() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut group = kcl("s", 2, 0);
    group.config.shard_sync_interval_ms = 1_000;
    let mut consumers = vec![Consumer::Kcl(group)];
    let mut producer = Producer::default();
    // Killed at 15 s: worker-2's next lease-taker run (about 20 s after its first) comes before the
    // parent's lease expires, so worker-2 picks up the unowned child leases first.
    run(&mut svc, &mut consumers, START_MS + 15_000, |svc, _| producer.put(svc, "s", 2));
    let Consumer::Kcl(g) = &mut consumers[0] else { unreachable!() };
    assert_eq!(g.leases["shardId-000000000000"].owner.as_deref(), Some("worker-1"));
    // worker-1 dies holding the parent; the shard is split and writes go on to the children.
    g.kill_worker("worker-1").unwrap();
    ok(&mut svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": HALF}));
    let children = ["shardId-000000000001", "shardId-000000000002"];
    let mut saw_blocked_child = false;
    for now in (START_MS + 15_100..=START_MS + 90_000).step_by(TICK_MS as usize) {
        run(&mut svc, &mut consumers, now, |svc, t| {
            if t <= START_MS + 60_000 {
                producer.put(svc, "s", 2);
            }
        });
        let Consumer::Kcl(g) = &consumers[0] else { unreachable!() };
        let parent_done = g.leases["shardId-000000000000"].checkpoint == Checkpoint::ShardEnd;
        if !parent_done {
            for c in children {
                if let Some(lease) = g.leases.get(c) {
                    assert_eq!(lease.checkpoint, Checkpoint::TrimHorizon, "{c} moved before its parent ended");
                    assert_eq!(lease.parent_shard_ids, ["shardId-000000000000"]);
                    saw_blocked_child |= lease.owner.as_deref() == Some("worker-2");
                }
            }
            assert!(g.records.records.iter().all(|r| r.shard_id == "shardId-000000000000"));
            assert!(g.lag_by_shard().iter().filter(|l| l.shard_id != "shardId-000000000000").all(|l| l.waiting_on_parents));
        }
    }
    assert!(saw_blocked_child, "worker-2 held a child lease while the parent was still unfinished");
    let Consumer::Kcl(g) = &consumers[0] else { unreachable!() };
    assert_eq!(g.leases["shardId-000000000000"].checkpoint, Checkpoint::ShardEnd);
    let got: Vec<DeliveredRecord> = g.records.records.iter().cloned().collect();
    assert_exactly_once(&producer.written, &got);
    assert_per_key_order(&producer.written, &got);
    let last_parent = got.iter().rposition(|r| r.shard_id == "shardId-000000000000").unwrap();
    let first_child = got.iter().position(|r| r.shard_id != "shardId-000000000000").unwrap();
    assert!(last_parent < first_child);
}

// Source: FACTS.md §1 "Reads" / ARCHITECTURE.md invariants — errors carry AWS's type and message; a
// consumer whose stream is deleted records the errors and carries on without panicking.
#[test]
fn consumers_survive_their_stream_being_deleted() {
    let mut svc = service();
    stream(&mut svc, "s", 2);
    let mut consumers = vec![polling("p", "s"), fan_out("f", "s"), Consumer::Kcl(kcl("s", 2, 0))];
    let mut producer = Producer::default();
    run(&mut svc, &mut consumers, START_MS + 10_000, |svc, _| producer.put(svc, "s", 1));
    ok(&mut svc, "DeleteStream", json!({"StreamName": "s", "EnforceConsumerDeletion": true}));
    run(&mut svc, &mut consumers, START_MS + 80_000, |_, _| {});
    for c in &consumers {
        let errors = c.errors();
        assert!(errors.total > 0, "{} saw no error", c.name());
        let e = errors.recent.iter().find(|e| e.error_type == "ResourceNotFoundException").unwrap_or_else(|| panic!("{errors:?}"));
        assert!(e.message.contains("stream s under account 123456789012") || e.message.contains("Stream s under account"), "{}", e.message);
    }
}

// The sandbox is saved in the browser: every consumer must survive a JSON round trip unchanged, and
// carry on identically afterwards.
#[test]
fn consumers_round_trip_through_json_and_replay_identically() {
    let mut svc = service();
    stream(&mut svc, "s", 2);
    let mut consumers = vec![polling("p", "s"), fan_out("f", "s"), Consumer::Kcl(kcl("s", 2, 5_000))];
    let mut producer = Producer::default();
    run(&mut svc, &mut consumers, START_MS + 15_000, |svc, _| producer.put(svc, "s", 1));
    let saved = serde_json::to_string(&consumers).unwrap();
    let restored: Vec<Consumer> = serde_json::from_str(&saved).unwrap();
    assert_eq!(restored, consumers);
    assert_eq!(consumers[0].kind().label(), "classic (GetRecords)");
    assert_eq!(consumers[2].lag_by_shard().len(), 2);
    assert!(consumers.iter().all(|c| c.stream_name() == "s"));
}

// Source: FACTS.md §1 "Reads" — GetRecords Limit is 1–10,000; a poller polls no faster than the shard's
// 5 reads/s allow (200 ms). Bad settings are refused with a message, not a panic.
#[test]
fn bad_consumer_settings_are_refused() {
    let mut c = PollingConfig::new("p", "s");
    c.interval_ms = 100;
    assert_eq!(PollingConsumer::new(c.clone()).unwrap_err().to_string(), "The polling interval must be between 200 and 60000 ms (got 100 ms).");
    c.interval_ms = 1_000;
    c.limit = 10_001;
    assert_eq!(PollingConsumer::new(c).unwrap_err().to_string(), "GetRecords Limit must be between 1 and 10000 (got 10001).");
    assert!(FanOutConsumer::new(FanOutConfig::new("", "s")).is_err());
    let mut k = KclConfig::new("app", "s");
    k.failover_time_ms = 0;
    assert_eq!(KclGroup::new(k, 1).unwrap_err().to_string(), "failover_time_ms must be greater than zero.");
    let _ = StartPosition::AtTimestamp(START_MS);
}

// Source: FACTS.md §1 "Enhanced fan-out" (events carry ChildShards at a shard's end) and "Resharding and
// capacity" (parents before children): a fan-out consumer also keeps per-key order across a split.
#[test]
fn fan_out_follows_child_shards_in_key_order() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut consumers = vec![fan_out("efo", "s")];
    let mut producer = Producer::default();
    let split_at = START_MS + 20_000;
    run(&mut svc, &mut consumers, START_MS + 70_000, |svc, now| {
        if now == split_at {
            ok(svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": HALF}));
        }
        if now <= START_MS + 60_000 {
            producer.put(svc, "s", 2);
        }
    });
    let got = delivered(&consumers[0]);
    assert_exactly_once(&producer.written, &got);
    assert_per_key_order(&producer.written, &got);
    let lag = consumers[0].lag_by_shard();
    assert_eq!(lag.iter().map(|l| (l.shard_id.as_str(), l.finished)).collect::<Vec<_>>(),
        [("shardId-000000000000", true), ("shardId-000000000001", false), ("shardId-000000000002", false)]);
}

// Source: FACTS.md §1 "Reads" — an iterator expires 5 minutes after it was issued
// (ExpiredIteratorException); the poller gets a new one after its last sequence number and loses nothing.
#[test]
fn poller_recovers_from_an_expired_iterator() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut consumers = vec![polling("p", "s")];
    let mut producer = Producer::default();
    run(&mut svc, &mut consumers, START_MS + 10_000, |svc, _| producer.put(svc, "s", 1));
    // The consumer is paused (not stepped) for 6 minutes while records keep arriving.
    for _ in 0..360 {
        svc.engine.advance_by(1_000);
        producer.put(&mut svc, "s", 1);
    }
    let resume = svc.engine.now_ms() + 20_000;
    run(&mut svc, &mut consumers, resume, |_, _| {});
    let errors = consumers[0].errors();
    assert_eq!(errors.total, 1, "{errors:?}");
    assert_eq!(errors.recent[0].error_type, "ExpiredIteratorException");
    assert!(errors.recent[0].message.starts_with("Iterator expired. The iterator was created at time"), "{}", errors.recent[0].message);
    let got = delivered(&consumers[0]);
    assert_exactly_once(&producer.written, &got);
}

// Source: FACTS.md §1 "Resharding and capacity" — a closed shard becomes unreadable once its records pass
// retention; its children are then read without waiting for it.
#[test]
fn poller_reads_children_of_an_expired_parent() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut producer = Producer::default();
    producer.put(&mut svc, "s", 5);
    ok(&mut svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": HALF}));
    settle(&mut svc);
    svc.engine.advance_by(25 * 3_600_000);
    let mut late = Producer::default();
    late.put(&mut svc, "s", 16);
    let mut consumers = vec![polling("p", "s")];
    let until = svc.engine.now_ms() + 5_000;
    run(&mut svc, &mut consumers, until, |_, _| {});
    assert_eq!(consumers[0].lag_by_shard().len(), 2, "the parent is gone from ListShards");
    assert_exactly_once(&late.written, &delivered(&consumers[0]));
}

// Removing an enhanced fan-out consumer from the sandbox deregisters it, as an application shutting down
// would; otherwise it would keep counting against the 20-consumers-per-stream limit (FACTS.md §1).
#[test]
fn removing_a_fan_out_consumer_from_the_sandbox_deregisters_it() {
    use kinesis_lab::engine::streams::EngineConfig;
    use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
    use kinesis_lab::sim::Sandbox;
    let mut sb = Sandbox::new(EngineConfig::default(), DEFAULT_SANDBOX_START_MS);
    assert!(sb.service.call_json("CreateStream", &json!({"StreamName": "s", "ShardCount": 1})).is_ok());
    sb.advance_to(sb.now_ms() + 1_000);
    let id = sb.add_consumer(fan_out("efo", "s"));
    sb.advance_to(sb.now_ms() + 5_000);
    let listed = |sb: &mut Sandbox| {
        sb.service.call_json("ListStreamConsumers", &json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s"})).body()["Consumers"]
            .as_array()
            .map(|a| a.iter().map(|c| c["ConsumerStatus"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(listed(&mut sb), vec!["ACTIVE"]);
    assert!(sb.remove_consumer(id).is_ok());
    assert_eq!(listed(&mut sb), vec!["DELETING"]);
    sb.advance_to(sb.now_ms() + 5_000);
    assert!(listed(&mut sb).is_empty());
}

// Source: FACTS.md §1 "Reads" — a shard serves 2 MiB/s of reads shared by all its readers, so two KCL
// applications at 5 KB/s each are both served. Found by the KCL lab's author: two applications starting
// together called in the same millisecond, the second was refused for the first one's unpaid bytes, and
// retrying one idle period later met the same collision every time, so it read almost nothing.
#[test]
fn two_kcl_applications_on_one_shard_both_keep_up() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut second = KclConfig::new("app-2", "s");
    second.checkpoint_interval_ms = 0;
    second.record_log_capacity = 1_000_000;
    let mut consumers = vec![Consumer::Kcl(kcl("s", 1, 0)), Consumer::Kcl(KclGroup::new(second, 1).unwrap())];
    let payload = "x".repeat(100);
    let mut written = 0u64;
    run(&mut svc, &mut consumers, START_MS + 30_000, |svc, _| {
        for _ in 0..5 {
            ok(svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": format!("k{written}"), "Data": b64(payload.as_bytes())}));
            written += 1;
        }
    });
    for c in &consumers {
        let Consumer::Kcl(g) = c else { unreachable!() };
        let processed: u64 = g.workers.iter().map(|w| w.stats.records_processed).sum();
        // Each application is at most a couple of polls (1 s each) behind the producer.
        assert!(processed + 150 >= written, "{} processed {processed} of {written}", g.config.application_name);
    }
}
