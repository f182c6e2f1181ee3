//! Fast-forward of steady traffic (`sim::bulk`): a sampled period repeated must keep every limit
//! (FACTS.md §1 "Writes": 1,000 records/s and 1 MiB/s per shard), lose and duplicate nothing, keep the
//! records readable in order through the API, agree with tick-by-tick play on every total when the traffic
//! is steady, and never depend on how the work was split.

mod common;

use common::{ok, START_MS};
use kinesis_lab::api::observe;
use kinesis_lab::engine::streams::sequence::SequenceNumber;
use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::sim::consumers::polling::{PollingConfig, PollingConsumer};
use kinesis_lab::sim::consumers::Consumer;
use kinesis_lab::sim::keys::KeyStrategy;
use kinesis_lab::sim::producer::ProducerConfig;
use kinesis_lab::sim::Sandbox;
use proptest::prelude::*;
use serde_json::json;

const SECOND: u64 = 1_000;
const HOUR: u64 = 3_600 * SECOND;

fn sandbox(shards: u32) -> Sandbox {
    let mut sb = Sandbox::new(EngineConfig::default(), START_MS);
    ok(&mut sb.service, "CreateStream", json!({"StreamName": "s", "ShardCount": shards}));
    sb.advance_to(START_MS + SECOND);
    sb
}

/// 3,000 records/s, all on one key: one shard overloaded three times over.
fn hot(rate: f64) -> ProducerConfig {
    ProducerConfig {
        stream_name: "s".into(),
        rate_records_per_sec: rate,
        keys: KeyStrategy::HotKey { keys: 10, hot_percent: 100 },
        retry_throttled: false,
        ..ProducerConfig::default()
    }
}

fn stored_records(sb: &Sandbox) -> u64 {
    observe::shards(&sb.service.engine, "s").iter().map(|s| s.stored_records as u64).sum()
}

/// Steady overload: a fast-forward and tick-by-tick play agree on every count, and each whole second
/// takes exactly the shard's 1,000-record limit (FACTS.md §1).
#[test]
fn fast_forward_agrees_with_play_on_steady_overload() {
    let mut played = sandbox(2);
    let mut jumped = sandbox(2);
    for sb in [&mut played, &mut jumped] {
        sb.add_producer(hot(3_000.0)).unwrap();
        sb.advance_to(sb.now_ms() + 3 * SECOND); // past the first second's full bucket
    }
    // An odd span, so the fast-forward ends with a few plain ticks after the repeated stretch.
    let target = played.now_ms() + 3 * 60 * SECOND + 350;
    played.advance_to(target);
    jumped.fast_forward(target - jumped.now_ms());
    assert_eq!(jumped.now_ms(), target);
    let report = jumped.last_bulk().expect("the fast-forward repeated a sample");
    assert!(!report.drained && report.repetitions * report.period_ms >= 170 * SECOND, "{report:?}");
    // Both play on: the state the repetition left (buckets, carry) behaves like the played one.
    let target = target + 5 * SECOND;
    played.advance_to(target);
    jumped.advance_to(target);
    let (p, j) = (played.producers()[0].producer.stats(), jumped.producers()[0].producer.stats());
    assert_eq!(
        (p.user_records_generated, p.records_sent, p.records_accepted, p.records_throttled, p.bytes_accepted > 0),
        (j.user_records_generated, j.records_sent, j.records_accepted, j.records_throttled, true)
    );
    assert_eq!(p.accepted_by_shard, j.accepted_by_shard);
    assert_eq!(stored_records(&played), stored_records(&jumped));
    assert_eq!(stored_records(&jumped), j.records_accepted, "every accepted record is stored once");
    // The charts' per-second metrics: the same, second by second, and at the limit.
    let pm = observe::stream_metrics(&played.service.engine, "s", 3_600);
    let jm = observe::stream_metrics(&jumped.service.engine, "s", 3_600);
    assert_eq!(pm.len(), jm.len());
    for ((ps, pp), (js, jp)) in pm.iter().zip(&jm) {
        assert_eq!((ps, pp.incoming_records, pp.write_throttled), (js, jp.incoming_records, jp.write_throttled));
    }
    let whole: Vec<_> = jm.iter().filter(|(s, _)| *s < target / SECOND).rev().take(150).collect();
    assert!(whole.iter().all(|(_, p)| p.incoming_records == 1_000 && p.write_throttled == 2_000), "{:?}", &whole[..3]);
    // The producer's own per-second history agrees too.
    assert_eq!(p.history.len(), j.history.len());
    assert!(p.history.iter().zip(&j.history).all(|(a, b)| a == b));
}

/// A day of a full-rate stream (every shard at 1,000 records/s): no second above the limit, every record
/// stored exactly once and in order, and retention trimming the oldest hour exactly.
#[test]
fn a_day_of_full_rate_traffic_keeps_limits_order_and_retention() {
    let mut sb = sandbox(4);
    let id = sb
        .add_producer(ProducerConfig {
            stream_name: "s".into(),
            rate_records_per_sec: 4_000.0,
            keys: KeyStrategy::Uniform { keys: 80 },
            retry_throttled: false,
            ..ProducerConfig::default()
        })
        .unwrap();
    sb.advance_to(sb.now_ms() + 2 * SECOND);
    sb.fast_forward(25 * HOUR);
    let stats = sb.producer(id).unwrap().stats().clone();
    assert!(stats.user_records_generated >= 25 * 3_600 * 4_000, "{}", stats.user_records_generated);
    for shard in observe::shards(&sb.service.engine, "s") {
        let metrics = observe::shard_metrics(&sb.service.engine, "s", &shard.shard.shard_id, 900);
        assert!(metrics.len() >= 899);
        // One second's allowance refilled at 1,000 records/s: never more than the refill plus one bucket.
        let taken: u64 = metrics.iter().map(|(_, p)| p.incoming_records).sum();
        assert!(taken <= 1_000 * (metrics.len() as u64 + 1), "{}: {taken} in {} s", shard.shard.shard_id, metrics.len());
        assert!(metrics.iter().all(|(_, p)| p.incoming_records <= 2_000), "{}: a second above a full bucket plus its refill", shard.shard.shard_id);
        // Retention (24 h by default, FACTS.md §1): nothing older is kept, and the last day is all there.
        let oldest = shard.oldest_arrival_ms.unwrap();
        assert!(oldest >= sb.now_ms() - 24 * HOUR && oldest < sb.now_ms() - 24 * HOUR + SECOND);
        assert!(shard.stored_records as u64 >= taken * 95, "a day is about 96 of the last 15 minutes");
    }
    // Read a shard's records in pages from the front and at an arbitrary point: counters strictly rise and
    // arrival times never go back, across the seams between played and repeated records.
    let engine = &sb.service.engine;
    let (_, total) = observe::shard_records(engine, "s", "shardId-000000000000", 0, 0);
    for skip in [0, 1, total / 3, total / 2, total - 2_000] {
        let (page, _) = observe::shard_records(engine, "s", "shardId-000000000000", skip, 2_000);
        let seqs: Vec<SequenceNumber> = page.iter().map(|r| SequenceNumber::decode(&r.sequence_number).unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0].counter < w[1].counter && w[0].arrival_ms <= w[1].arrival_ms), "at {skip}");
    }
}

/// Random keys at a stream's full rate: each shard's demand wobbles around its limit, so a plain sample
/// borrows saved-up allowance on some shard; the fast-forward then samples with the allowance used up
/// and still repeats — never above the limit on any shard in any second.
#[test]
fn uneven_traffic_at_the_limit_is_still_repeated_within_the_limit() {
    let mut sb = sandbox(4);
    let id = sb
        .add_producer(ProducerConfig { stream_name: "s".into(), rate_records_per_sec: 4_000.0, keys: KeyStrategy::Random, retry_throttled: false, ..ProducerConfig::default() })
        .unwrap();
    sb.advance_to(sb.now_ms() + 3 * SECOND);
    let before = sb.producer(id).unwrap().stats().records_accepted;
    sb.fast_forward(HOUR);
    let report = sb.last_bulk().expect("repeated");
    assert!(report.repetitions * report.period_ms >= HOUR - 10 * SECOND, "{report:?}");
    let accepted = sb.producer(id).unwrap().stats().records_accepted - before;
    // The limit is a bucket of one second's allowance refilled at 1,000 records/s: over any stretch a shard
    // takes at most the refill plus one full bucket.
    assert!(accepted <= 4 * 1_000 * (3_600 + 1), "{accepted} is above four shards' limit for an hour");
    assert!(accepted >= 4 * 970 * 3_600, "{accepted}: far more throttled than uneven traffic explains");
    for shard in observe::shards(&sb.service.engine, "s") {
        let metrics = observe::shard_metrics(&sb.service.engine, "s", &shard.shard.shard_id, 900);
        let taken: u64 = metrics.iter().map(|(_, p)| p.incoming_records).sum();
        assert!(taken <= 1_000 * (metrics.len() as u64 + 1), "{}: {taken} in {} s", shard.shard.shard_id, metrics.len());
    }
}

/// Through the API, as boto3 would: AT_TIMESTAMP into the repeated stretch, then GetRecords and
/// AT_SEQUENCE_NUMBER with a sequence number taken from it.
#[test]
fn repeated_records_are_read_through_the_api() {
    let mut sb = sandbox(1);
    sb.add_producer(hot(500.0)).unwrap();
    sb.advance_to(sb.now_ms() + 2 * SECOND);
    sb.fast_forward(2 * HOUR);
    let middle = sb.now_ms() - HOUR;
    let svc = &mut sb.service;
    let it = ok(svc, "GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": middle as f64 / 1_000.0}));
    let page = ok(svc, "GetRecords", json!({"ShardIterator": it["ShardIterator"], "Limit": 1_000}));
    let records = page["Records"].as_array().unwrap();
    assert_eq!(records.len(), 1_000);
    let first_arrival = records[0]["ApproximateArrivalTimestamp"].as_f64().unwrap();
    assert!((first_arrival * 1_000.0) as u64 >= middle && (first_arrival * 1_000.0) as u64 <= middle + 100);
    assert!(page["MillisBehindLatest"].as_u64().unwrap() >= HOUR - 2 * SECOND);
    let seq = records[500]["SequenceNumber"].as_str().unwrap().to_string();
    let it = ok(svc, "GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}));
    svc.engine.advance_by(SECOND);
    let again = ok(svc, "GetRecords", json!({"ShardIterator": it["ShardIterator"], "Limit": 10}));
    assert_eq!(again["Records"][0]["SequenceNumber"].as_str(), Some(seq.as_str()));
    assert_eq!(again["Records"][0]["Data"], records[500]["Data"]);
}

/// With a consumer reading, nothing is repeated: a fast-forward is exactly tick-by-tick play.
#[test]
fn with_a_consumer_fast_forward_is_exactly_play() {
    let build = || {
        let mut sb = sandbox(1);
        sb.add_producer(hot(200.0)).unwrap();
        sb.add_consumer(Consumer::Polling(PollingConsumer::new(PollingConfig::new("reader", "s")).unwrap()));
        sb
    };
    let (mut a, mut b) = (build(), build());
    a.fast_forward(90 * SECOND);
    b.advance_to(b.now_ms() + 90 * SECOND);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
}

/// Rates that give a whole number of records only over several ticks (here 2.5 per tick) still repeat
/// exactly: the sampled period is long enough for the fraction to come round.
#[test]
fn fractional_rates_repeat_over_a_whole_period() {
    let mut played = sandbox(1);
    let mut jumped = sandbox(1);
    for sb in [&mut played, &mut jumped] {
        sb.add_producer(hot(25.0)).unwrap();
        sb.advance_to(sb.now_ms() + SECOND);
    }
    let target = played.now_ms() + HOUR;
    played.advance_to(target);
    jumped.fast_forward(HOUR);
    let (p, j) = (played.producers()[0].producer.stats(), jumped.producers()[0].producer.stats());
    assert_eq!((p.user_records_generated, p.records_accepted), (j.user_records_generated, j.records_accepted));
    assert_eq!(p.records_accepted, 25 * 3_601);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// However the fast-forward is split into pieces (the page does a little per animation frame), the
    /// sandbox ends in the same state.
    #[test]
    fn splitting_a_fast_forward_never_changes_it(pieces in proptest::collection::vec(1u64..40, 1..30), rate in prop_oneof![Just(3_000.0), Just(450.0), Just(15.0)]) {
        let build = || {
            let mut sb = sandbox(2);
            sb.add_producer(hot(rate)).unwrap();
            sb.advance_to(sb.now_ms() + 1_550);
            sb
        };
        let mut whole = build();
        let target = whole.now_ms() + 20 * 60 * SECOND;
        whole.fast_forward(target - whole.now_ms());
        let mut split = build();
        for max_ticks in pieces.iter().cycle() {
            if split.now_ms() >= target {
                break;
            }
            split.fast_forward_toward(target, *max_ticks);
        }
        prop_assert!(serde_json::to_string(&whole).unwrap() == serde_json::to_string(&split).unwrap());
    }
}
