//! The sandbox's producers and driver: templates, key strategies, batching, KPL aggregation, throttling
//! and its statistics. Producers act only through the API, so these tests read results back through the
//! API too.

mod common;

use std::collections::BTreeMap;

use common::{ok, open_shards, read_all, unb64, START_MS};
use kinesis_lab::engine::streams::agg::deaggregate;
use kinesis_lab::engine::streams::hash::{parse_hash_key, partition_key_hash_key};
use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::sim::keys::{KeyError, KeyStrategy};
use kinesis_lab::sim::producer::{
    Aggregation, Batching, ConfigError, Producer, ProducerConfig, KPL_AGGREGATION_MAX_BYTES_DEFAULT, THROTTLED,
};
use kinesis_lab::sim::template::{RenderContext, Template, TemplateError};
use kinesis_lab::sim::{ProducerId, Sandbox, SimError, TICK_MS};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde_json::{json, Value};

const SECOND: u64 = 1_000;

fn sandbox_with_stream(name: &str, shards: u32) -> Sandbox {
    let mut sb = Sandbox::new(EngineConfig::default(), START_MS);
    ok(&mut sb.service, "CreateStream", json!({"StreamName": name, "ShardCount": shards}));
    sb.fast_forward(SECOND);
    sb
}

fn config(stream: &str) -> ProducerConfig {
    ProducerConfig { stream_name: stream.into(), ..ProducerConfig::default() }
}

fn render(template: &str, seed: u64, ctx: RenderContext) -> String {
    let t = Template::parse(template).expect("template parses");
    t.render(&mut Pcg64Mcg::seed_from_u64(seed), ctx)
}

// ---------------------------------------------------------------- templates

#[test]
fn every_field_renders_within_its_range() {
    let t = Template::parse(
        r#"{"n":{{random.number(10)}},"o":{{random.number({"min":5,"max":7})}},"p":{{random.number(-3,-1)}},"f":{{random.float(1.5,2.5,3)}},"c":"{{random.arrayElement(["red","green"])}}","b":{{random.boolean}},"u":"{{random.uuid}}","w":"{{random.word}}","fn":"{{name.firstName}}","s":{{sequence}},"s9":{{sequence(100)}},"d":"{{date.now}}","e":{{date.epoch}},"x":{{random.number({"min":1,"max":2,"precision":0.25})}},"a":"{{random.alphaNumeric(12)}}"}"#,
    )
    .unwrap();
    let mut rng = Pcg64Mcg::seed_from_u64(42);
    let mut seen_colors = std::collections::BTreeSet::new();
    for i in 0..500u64 {
        let now = START_MS + i * 10;
        let text = t.render(&mut rng, RenderContext { record_index: i, now_ms: now });
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        assert!((0..=10).contains(&v["n"].as_i64().unwrap()));
        assert!((5..=7).contains(&v["o"].as_i64().unwrap()));
        assert!((-3..=-1).contains(&v["p"].as_i64().unwrap()));
        let f = v["f"].as_f64().unwrap();
        assert!((1.5..=2.5).contains(&f));
        // Three decimals, as asked.
        assert_eq!(text.split("\"f\":").nth(1).unwrap().split(',').next().unwrap().split('.').nth(1).unwrap().len(), 3);
        seen_colors.insert(v["c"].as_str().unwrap().to_string());
        assert!(v["b"].is_boolean());
        let u = v["u"].as_str().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4", "UUID version nibble: {u}");
        assert!("89ab".contains(&u[19..20]), "UUID variant: {u}");
        assert!(!v["w"].as_str().unwrap().is_empty());
        assert!(!v["fn"].as_str().unwrap().is_empty());
        assert_eq!(v["s"].as_u64().unwrap(), i + 1, "sequence starts at 1 and counts records");
        assert_eq!(v["s9"].as_u64().unwrap(), i + 100);
        assert_eq!(v["e"].as_u64().unwrap(), now);
        let x = v["x"].as_f64().unwrap();
        assert!([1.0, 1.25, 1.5, 1.75, 2.0].contains(&x), "precision 0.25 step: {x}");
        let a = v["a"].as_str().unwrap();
        assert!(a.len() == 12 && a.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    assert_eq!(seen_colors.len(), 2, "both choices appear");
    let first = t.render(&mut rng, RenderContext { record_index: 0, now_ms: START_MS + 1_234 });
    assert!(first.contains(r#""d":"2026-01-01T00:00:01.234Z""#), "{first}");
}

#[test]
fn a_fixed_seed_renders_the_same_text_every_time() {
    let tpl = r#"{"id":"{{random.uuid}}","v":{{random.number(1000)}},"t":{{random.float(0,1,4)}},"k":"{{random.arrayElement(["a","b","c"])}}"}"#;
    let ctx = RenderContext { record_index: 0, now_ms: START_MS };
    let a = render(tpl, 7, ctx);
    assert_eq!(a, render(tpl, 7, ctx));
    assert_ne!(a, render(tpl, 8, ctx), "another seed gives other values");
    // Text outside placeholders is copied exactly.
    assert_eq!(render("plain {text} }} here", 1, ctx), "plain {text} }} here");
    assert_eq!(render("{{sequence(-5)}}/{{date.epoch}}", 1, RenderContext { record_index: 3, now_ms: 99 }), "-2/99");
}

#[test]
fn template_errors_say_where_and_why() {
    let cases: Vec<(&str, TemplateError)> = vec![
        ("abc {{random.number(5)", TemplateError::Unclosed { offset: 4 }),
        ("{{}}", TemplateError::EmptyPlaceholder { offset: 0 }),
        ("x{{faker.nope}}", TemplateError::UnknownField { offset: 1, name: "faker.nope".into() }),
    ];
    for (src, want) in cases {
        assert_eq!(Template::parse(src).unwrap_err(), want, "{src}");
    }
    let bad_args = [
        r#"{{random.number(9, 2)}}"#,
        r#"{{random.number("x")}}"#,
        r#"{{random.arrayElement([])}}"#,
        r#"{{random.arrayElement([a, b])}}"#,
        r#"{{random.float(1, 2, 99)}}"#,
        r#"{{random.uuid(3)}}"#,
        r#"{{random.number({"min": 1, "maxx": 2})}}"#,
        r#"{{date.now("YYYY")}}"#,
    ];
    for src in bad_args {
        match Template::parse(src) {
            Err(e @ TemplateError::BadArguments { offset: 0, .. }) => assert!(e.to_string().starts_with("at offset 0: ")),
            other => panic!("{src}: expected BadArguments, got {other:?}"),
        }
    }
    let e = Template::parse("{{random.number(5) x}}").unwrap_err();
    assert!(matches!(e, TemplateError::Syntax { offset: 0, .. }), "{e:?}");
    assert!(Template::parse("id={{ random.number( 5 ) }}").is_ok(), "spaces inside a placeholder are fine");
}

// ---------------------------------------------------------------- determinism

fn run_producer(seed: u64) -> (kinesis_lab::sim::producer::ProducerStats, Vec<(String, Vec<u8>)>) {
    let mut sb = sandbox_with_stream("det", 2);
    let id = sb
        .add_producer(ProducerConfig {
            seed,
            rate_records_per_sec: 250.0,
            keys: KeyStrategy::Uniform { keys: 20 },
            template: r#"{"v":{{random.number(100)}},"t":"{{date.now}}","s":{{sequence}}}"#.into(),
            ..config("det")
        })
        .unwrap();
    sb.fast_forward(3 * SECOND);
    sb.set_producer_enabled(id, false).unwrap();
    let stats = sb.producer(id).unwrap().stats().clone();
    let mut data = Vec::new();
    for shard in ["shardId-000000000000", "shardId-000000000001"] {
        let (records, _) = read_all(&mut sb.service, "det", shard);
        data.extend(records.iter().map(|r| (r["PartitionKey"].as_str().unwrap().to_string(), unb64(r["Data"].as_str().unwrap()))));
    }
    (stats, data)
}

#[test]
fn the_same_seed_gives_the_same_records_and_stats() {
    let (stats_a, data_a) = run_producer(99);
    let (stats_b, data_b) = run_producer(99);
    assert_eq!(stats_a, stats_b);
    assert_eq!(data_a, data_b);
    assert_eq!(data_a.len(), 750, "250 records/s for 3 s");
    let (_, data_c) = run_producer(100);
    assert_ne!(data_a, data_c);
}

#[test]
fn fractional_rates_carry_over_ticks() {
    let mut sb = sandbox_with_stream("slow", 1);
    let id = sb.add_producer(ProducerConfig { rate_records_per_sec: 0.5, ..config("slow") }).unwrap();
    sb.fast_forward(10 * SECOND);
    assert_eq!(sb.producer(id).unwrap().stats().user_records_generated, 5);
    let fast = sb.add_producer(ProducerConfig { rate_records_per_sec: 33.3, name: "fast".into(), ..config("slow") }).unwrap();
    sb.fast_forward(10 * SECOND);
    assert_eq!(sb.producer(fast).unwrap().stats().user_records_generated, 333);
}

// ---------------------------------------------------------------- throttling

// Source: FACTS.md §1 "Writes" — 1,000 records/s per shard; excess → ProvisionedThroughputExceededException.
#[test]
fn a_hot_key_on_one_shard_is_throttled_to_a_thousand_per_second() {
    let mut sb = sandbox_with_stream("hot", 1);
    let id = sb
        .add_producer(ProducerConfig {
            rate_records_per_sec: 3_000.0,
            keys: KeyStrategy::HotKey { keys: 10, hot_percent: 90 },
            retry_throttled: false,
            ..config("hot")
        })
        .unwrap();
    sb.fast_forward(20 * SECOND);
    let stats = sb.producer(id).unwrap().stats().clone();
    let first = START_MS / SECOND + 5;
    for second in first..first + 12 {
        let s = stats.at_second(second).expect("history has the second");
        assert_eq!(s.user_records_generated, 3_000);
        assert!((950..=1_050).contains(&s.accepted), "second {second}: accepted {}", s.accepted);
        assert_eq!(s.accepted + s.throttled, 3_000, "every record is either accepted or throttled");
    }
    assert_eq!(stats.records_sent, stats.records_accepted + stats.records_throttled + stats.records_failed);
    assert!(stats.records_throttled > 30_000, "throttled {}", stats.records_throttled);
    assert!(stats.calls_throttled > 0);
    assert_eq!(stats.records_failed, 0);
    let last = stats.last_error.expect("the throttling is reported");
    assert_eq!(last.error_type, THROTTLED);
    assert!(last.message.starts_with("Rate exceeded for shard shardId-000000000000 in stream hot under account"), "{}", last.message);
    assert_eq!(stats.accepted_by_shard.keys().collect::<Vec<_>>(), vec!["shardId-000000000000"]);
    assert_eq!(stats.accepted_by_shard["shardId-000000000000"], stats.records_accepted);
}

fn wait_until_active(sb: &mut Sandbox, stream: &str) {
    for _ in 0..50 {
        let d = ok(&mut sb.service, "DescribeStreamSummary", json!({"StreamName": stream}));
        if d["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE" {
            return;
        }
        sb.advance_to(sb.now_ms() + 200);
    }
    panic!("stream {stream} never became ACTIVE");
}

// Source: FACTS.md §1 "Resharding and capacity" — UpdateShardCount within ½×–2×; new writes go to the children.
#[test]
fn scaling_to_four_shards_with_uniform_keys_ends_the_throttling() {
    let mut sb = sandbox_with_stream("grow", 1);
    let id = sb
        .add_producer(ProducerConfig {
            rate_records_per_sec: 3_000.0,
            keys: KeyStrategy::Uniform { keys: 1_000 },
            retry_throttled: false,
            ..config("grow")
        })
        .unwrap();
    sb.fast_forward(5 * SECOND);
    assert!(sb.producer(id).unwrap().stats().records_throttled > 0, "one shard cannot take 3,000 records/s");
    for target in [2, 4] {
        ok(&mut sb.service, "UpdateShardCount", json!({"StreamName": "grow", "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}));
        wait_until_active(&mut sb, "grow");
    }
    assert_eq!(open_shards(&mut sb.service, "grow").len(), 4);
    sb.fast_forward(2 * SECOND);
    let before = sb.producer(id).unwrap().stats().clone();
    sb.fast_forward(10 * SECOND);
    let stats = sb.producer(id).unwrap().stats().clone();
    let now_s = sb.now_ms() / SECOND;
    assert_eq!(stats.sum_seconds(now_s - 9, now_s + 1).throttled, 0, "no throttling on four shards");
    assert_eq!(stats.records_throttled, before.records_throttled);
    assert_eq!(stats.records_accepted - before.records_accepted, 30_000);
    let open: Vec<String> = open_shards(&mut sb.service, "grow").iter().map(|s| s["ShardId"].as_str().unwrap().to_string()).collect();
    for shard in &open {
        let gained = stats.accepted_by_shard.get(shard).copied().unwrap_or(0) - before.accepted_by_shard.get(shard).copied().unwrap_or(0);
        assert!((6_000..=9_000).contains(&gained), "{shard} took {gained} of 30,000 in 10 s");
    }
}

#[test]
fn retried_records_are_resent_and_expire_after_the_record_ttl() {
    let mut sb = sandbox_with_stream("retry", 1);
    let id = sb
        .add_producer(ProducerConfig {
            rate_records_per_sec: 1_500.0,
            keys: KeyStrategy::Uniform { keys: 10 },
            retry_throttled: true,
            record_ttl_ms: 5_000,
            ..config("retry")
        })
        .unwrap();
    sb.fast_forward(10 * SECOND);
    let p = sb.producer(id).unwrap();
    let s = p.stats();
    assert!(s.records_throttled > 0);
    assert!(p.pending_records() > 0, "throttled records wait for the next tick");
    // Retries count as sends: each attempt is accepted, throttled or failed.
    assert_eq!(s.records_sent, s.records_accepted + s.records_throttled + s.records_failed);
    assert_eq!(s.user_records_expired, 0);
    sb.fast_forward(15 * SECOND);
    let p = sb.producer(id).unwrap();
    let s = p.stats();
    // 500 records/s more than the shard takes: the backlog grows until its records pass RecordTtl
    // (5 s here; the KPL's default is 30 s) and expire. Every user record is accepted, expired or still waiting.
    assert!(s.user_records_expired > 0, "backlog records expire after RecordTtl: {s:?} pending {}", p.pending_user_records());
    assert_eq!(s.user_records_generated, 37_500);
    assert_eq!(s.user_records_generated, s.user_records_accepted + s.user_records_expired + p.pending_user_records());
    // Source: FACTS.md §1 — 1,000 records/s per shard (plus the bucket's first second of burst).
    assert!((25_000..=26_100).contains(&s.user_records_accepted), "{}", s.user_records_accepted);
    assert!(p.pending_user_records() <= 1_500 * 5, "nothing older than the TTL waits");
}

// ---------------------------------------------------------------- batching

// Source: aws-models/kinesis.json PutRecordsRequestEntryList (1–500) and FACTS.md §1 "Writes".
#[test]
fn put_records_batches_hold_at_most_the_configured_count() {
    let mut sb = sandbox_with_stream("batch", 40);
    let big = sb
        .add_producer(ProducerConfig { rate_records_per_sec: 20_000.0, name: "big".into(), ..config("batch") })
        .unwrap();
    let small = sb
        .add_producer(ProducerConfig {
            rate_records_per_sec: 100.0,
            name: "small".into(),
            batching: Batching::PutRecords { max_records: 7 },
            ..config("batch")
        })
        .unwrap();
    let single = sb
        .add_producer(ProducerConfig {
            rate_records_per_sec: 50.0,
            name: "single".into(),
            batching: Batching::PutRecord,
            ..config("batch")
        })
        .unwrap();
    sb.fast_forward(SECOND);
    let s = sb.producer(big).unwrap().stats();
    // 2,000 records per 100 ms tick → exactly four calls of 500.
    assert_eq!(s.records_sent, 20_000);
    assert_eq!(s.put_calls, 40);
    let s = sb.producer(small).unwrap().stats();
    // 10 records per tick → calls of 7 and 3.
    assert_eq!((s.records_sent, s.put_calls), (100, 20));
    let s = sb.producer(single).unwrap().stats();
    assert_eq!((s.records_sent, s.put_calls), (50, 50));
    for id in [big, small, single] {
        let s = sb.producer(id).unwrap().stats();
        assert_eq!(s.records_accepted, s.records_sent, "no throttling on 40 shards: {s:?}");
    }
}

// ---------------------------------------------------------------- aggregation

fn expected_records(config: &ProducerConfig, n: usize) -> Vec<(String, Vec<u8>)> {
    let mut p = Producer::new(config.clone()).unwrap();
    (0..n).map(|_| p.next_record(START_MS)).map(|r| (r.partition_key, r.data.into_bytes())).collect()
}

fn read_user_records(sb: &mut Sandbox, stream: &str, shard: &str) -> (usize, Vec<(String, Vec<u8>)>) {
    let (records, _) = read_all(&mut sb.service, stream, shard);
    let mut users = Vec::new();
    for r in &records {
        let data = unb64(r["Data"].as_str().unwrap());
        users.extend(deaggregate(r["PartitionKey"].as_str().unwrap(), &data).into_iter().map(|u| (u.partition_key, u.data)));
    }
    (records.len(), users)
}

// Source: FACTS.md §1 "Producers and consumers" — KPL aggregation packs user records into one Kinesis
// record; a shard's 1,000 records/s counts Kinesis records, so aggregation lifts the user-record rate.
#[test]
fn aggregated_records_deaggregate_to_exactly_the_user_records_in_order() {
    let mut sb = sandbox_with_stream("agg", 1);
    let cfg = ProducerConfig {
        rate_records_per_sec: 2_000.0,
        keys: KeyStrategy::Uniform { keys: 50 },
        template: r#"{"seq":{{sequence}},"v":{{random.number(1000000)}},"w":"{{random.word}}"}"#.into(),
        aggregation: Aggregation::Kpl { max_bytes: KPL_AGGREGATION_MAX_BYTES_DEFAULT },
        retry_throttled: false,
        ..config("agg")
    };
    let id = sb.add_producer(cfg.clone()).unwrap();
    // Played tick by tick (a fast-forward would repeat a steady sample rather than render each record).
    sb.advance_to(sb.now_ms() + 5 * SECOND);
    sb.set_producer_enabled(id, false).unwrap();
    let stats = sb.producer(id).unwrap().stats().clone();
    assert_eq!(stats.user_records_generated, 10_000);
    assert_eq!(stats.records_throttled, 0, "2,000 user records/s fit one shard once aggregated");
    assert_eq!(stats.user_records_accepted, 10_000);
    assert!(stats.records_accepted <= 100, "about one aggregate per tick, got {}", stats.records_accepted);
    let (kinesis_records, users) = read_user_records(&mut sb, "agg", "shardId-000000000000");
    assert_eq!(kinesis_records as u64, stats.records_accepted);
    assert_eq!(users, expected_records(&cfg, 10_000));
}

#[test]
fn aggregates_are_grouped_by_shard_and_stay_under_the_size_cap() {
    let mut sb = sandbox_with_stream("agg4", 4);
    let max_bytes = 4_096;
    let cfg = ProducerConfig {
        rate_records_per_sec: 3_000.0,
        keys: KeyStrategy::Random,
        template: r#"{"seq":{{sequence}},"pad":"{{random.alphaNumeric(40)}}"}"#.into(),
        aggregation: Aggregation::Kpl { max_bytes },
        batching: Batching::PutRecords { max_records: 100 },
        ..config("agg4")
    };
    let id = sb.add_producer(cfg.clone()).unwrap();
    sb.fast_forward(3 * SECOND);
    sb.set_producer_enabled(id, false).unwrap();
    let stats = sb.producer(id).unwrap().stats().clone();
    assert_eq!(stats.user_records_accepted, 9_000);
    assert_eq!(stats.list_shards_calls, 1, "the shard map is read once while the shards do not change");
    let mut all = Vec::new();
    for shard in open_shards(&mut sb.service, "agg4") {
        let start = parse_hash_key(shard["HashKeyRange"]["StartingHashKey"].as_str().unwrap()).unwrap();
        let end = parse_hash_key(shard["HashKeyRange"]["EndingHashKey"].as_str().unwrap()).unwrap();
        let id = shard["ShardId"].as_str().unwrap();
        let (records, _) = read_all(&mut sb.service, "agg4", id);
        for r in &records {
            let data = unb64(r["Data"].as_str().unwrap());
            assert!(data.len() + r["PartitionKey"].as_str().unwrap().len() <= max_bytes as usize);
            for u in deaggregate(r["PartitionKey"].as_str().unwrap(), &data) {
                let h = partition_key_hash_key(&u.partition_key);
                assert!(start <= h && h <= end, "a user record of another shard was packed into {id}");
                all.push((u.partition_key, u.data));
            }
        }
    }
    let mut expected = expected_records(&cfg, 9_000);
    expected.sort();
    all.sort();
    assert_eq!(all, expected);
}

// ---------------------------------------------------------------- keys

// Source: FACTS.md §1 "Identifiers and routing" — ExplicitHashKey overrides the partition key's hash.
#[test]
fn a_fixed_explicit_hash_key_sends_everything_to_its_shard() {
    let mut sb = sandbox_with_stream("ehk", 4);
    // The start of the third shard's range (FACTS.md §1: shard i starts at i·⌊2^128/N⌋).
    let hash_key = (1u128 << 127).to_string();
    let id = sb
        .add_producer(ProducerConfig {
            rate_records_per_sec: 200.0,
            keys: KeyStrategy::ExplicitHashKey { hash_key },
            ..config("ehk")
        })
        .unwrap();
    sb.fast_forward(2 * SECOND);
    let s = sb.producer(id).unwrap().stats();
    assert_eq!(s.accepted_by_shard, BTreeMap::from([("shardId-000000000002".to_string(), 400)]));
}

// Source: FACTS.md §1 "Writes" — a record (data + key) may not exceed the stream's 1 MiB default.
#[test]
fn oversized_records_fail_and_are_counted_by_error_type() {
    let mut sb = sandbox_with_stream("big", 1);
    let id = sb
        .add_producer(ProducerConfig {
            rate_records_per_sec: 2.0,
            template: "{{random.alphaNumeric(1048576)}}".into(),
            batching: Batching::PutRecord,
            ..config("big")
        })
        .unwrap();
    sb.fast_forward(SECOND);
    let s = sb.producer(id).unwrap().stats();
    assert_eq!(s.records_failed, 2);
    assert_eq!(s.failed_by_type.get("InvalidArgumentException"), Some(&2));
    assert_eq!(s.records_throttled, 0);
    let last = s.last_error.as_ref().unwrap();
    assert_eq!((last.operation.as_str(), last.error_type.as_str()), ("PutRecord", "InvalidArgumentException"));
    assert!(last.message.contains("exceeds the maximum record size"), "{}", last.message);
}

// ---------------------------------------------------------------- configuration errors

#[test]
fn bad_configurations_are_refused_with_clear_errors() {
    let mut sb = sandbox_with_stream("s", 1);
    match sb.add_producer(config("missing")) {
        Err(SimError::Stream { error_type, message, .. }) => {
            assert_eq!(error_type, "ResourceNotFoundException");
            assert!(message.contains("missing"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let bad: Vec<(ProducerConfig, &str)> = vec![
        (ProducerConfig { rate_records_per_sec: -1.0, ..config("s") }, "rate"),
        (ProducerConfig { rate_records_per_sec: f64::NAN, ..config("s") }, "rate"),
        (ProducerConfig { rate_records_per_sec: 100_001.0, ..config("s") }, "rate"),
        (ProducerConfig { name: String::new(), ..config("s") }, "name"),
        (ProducerConfig { batching: Batching::PutRecords { max_records: 501 }, ..config("s") }, "1 to 500"),
        (ProducerConfig { batching: Batching::PutRecords { max_records: 0 }, ..config("s") }, "1 to 500"),
        (ProducerConfig { aggregation: Aggregation::Kpl { max_bytes: 10 }, ..config("s") }, "aggregated record size"),
        (ProducerConfig { template: "{{random.nope}}".into(), ..config("s") }, "unknown field 'random.nope'"),
        (ProducerConfig { record_ttl_ms: 0, ..config("s") }, "record TTL"),
        (ProducerConfig { keys: KeyStrategy::Uniform { keys: 0 }, ..config("s") }, "number of keys"),
        (ProducerConfig { keys: KeyStrategy::HotKey { keys: 5, hot_percent: 101 }, ..config("s") }, "percentage"),
        (
            ProducerConfig {
                keys: KeyStrategy::ExplicitHashKey { hash_key: "340282366920938463463374607431768211456".into() },
                ..config("s")
            },
            "2^128",
        ),
        (ProducerConfig { keys: KeyStrategy::ExplicitHashKey { hash_key: "007".into() }, ..config("s") }, "leading zeros"),
        (ProducerConfig { keys: KeyStrategy::Template { template: "x".repeat(257) }, ..config("s") }, "1 to 256"),
    ];
    for (cfg, words) in bad {
        match sb.add_producer(cfg.clone()) {
            Err(e @ SimError::Config(_)) => assert!(e.to_string().contains(words), "{e} (wanted '{words}')"),
            other => panic!("{cfg:?}: {other:?}"),
        }
    }
    assert!(matches!(
        ProducerConfig { keys: KeyStrategy::Uniform { keys: 0 }, ..config("s") }.validate(),
        Err(ConfigError::Keys(KeyError::KeyCount { keys: 0 }))
    ));
    assert!(sb.producers().is_empty());
    assert_eq!(sb.set_producer_enabled(ProducerId(77), true), Err(SimError::UnknownProducer(ProducerId(77))));
    assert!(sb.remove_producer(ProducerId(77)).is_err());
}

#[test]
fn update_and_remove_keep_ids_stable() {
    let mut sb = sandbox_with_stream("s", 1);
    let a = sb.add_producer(config("s")).unwrap();
    let b = sb.add_producer(ProducerConfig { name: "b".into(), ..config("s") }).unwrap();
    assert_ne!(a, b);
    sb.fast_forward(SECOND);
    sb.update_producer(a, ProducerConfig { rate_records_per_sec: 20.0, ..config("s") }).unwrap();
    assert_eq!(sb.producer(a).unwrap().stats().user_records_generated, 10, "statistics survive an update");
    assert!(matches!(sb.update_producer(a, config("nope")), Err(SimError::Stream { .. })));
    sb.remove_producer(a).unwrap();
    let c = sb.add_producer(config("s")).unwrap();
    assert!(c != a && c != b, "ids are never reused");
    assert_eq!(sb.producers().iter().map(|e| e.id()).collect::<Vec<_>>(), vec![b, c]);
}

#[test]
fn idle_sandboxes_jump_and_disabled_producers_do_nothing() {
    let mut sb = sandbox_with_stream("s", 1);
    let id = sb.add_producer(ProducerConfig { enabled: false, ..config("s") }).unwrap();
    let start = sb.now_ms();
    sb.fast_forward(7 * 24 * 3_600 * SECOND);
    assert_eq!(sb.now_ms(), start + 7 * 24 * 3_600 * SECOND);
    assert_eq!(sb.producer(id).unwrap().stats().calls, 0);
    sb.advance_to(start); // backwards: nothing happens
    assert_eq!(sb.now_ms(), start + 7 * 24 * 3_600 * SECOND);
    // Ticks end on the TICK_MS grid, so an odd step stays exact.
    sb.set_producer_enabled(id, true).unwrap();
    sb.advance_to(sb.now_ms() + TICK_MS / 2);
    sb.advance_to(sb.now_ms() + TICK_MS / 2);
    sb.advance_to(sb.now_ms() + 9 * TICK_MS);
    assert_eq!(sb.producer(id).unwrap().stats().user_records_generated, 10);
}

#[test]
fn a_saved_producer_resumes_identically() {
    let mut sb = sandbox_with_stream("s", 2);
    let id = sb.add_producer(ProducerConfig { rate_records_per_sec: 1_234.5, ..config("s") }).unwrap();
    sb.fast_forward(3 * SECOND);
    let p = sb.producer(id).unwrap().clone();
    let text = serde_json::to_string(&p).unwrap();
    let mut restored: Producer = serde_json::from_str(&text).unwrap();
    assert_eq!(restored, p);
    let mut original = p;
    for _ in 0..5 {
        assert_eq!(original.next_record(START_MS), restored.next_record(START_MS));
    }
}

// ---------------------------------------------------------------- properties

fn key_strategy() -> impl Strategy<Value = KeyStrategy> {
    prop_oneof![
        Just(KeyStrategy::Random),
        (0u32..2_000).prop_map(|keys| KeyStrategy::Uniform { keys }),
        (0u32..50, 0u8..=105).prop_map(|(keys, hot_percent)| KeyStrategy::HotKey { keys, hot_percent }),
        prop_oneof![Just("0".to_string()), Just("340282366920938463463374607431768211455".to_string()), "[0-9]{1,40}", ".{0,5}"]
            .prop_map(|hash_key| KeyStrategy::ExplicitHashKey { hash_key }),
        prop_oneof![Just("k-{{random.number(9)}}".to_string()), Just("{{random.alphaNumeric(300)}}".to_string()), ".{0,12}"]
            .prop_map(|template| KeyStrategy::Template { template }),
    ]
}

fn template_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(ProducerConfig::default().template),
        1 => Just(r#"{{random.alphaNumeric(3000)}}"#.to_string()),
        1 => Just(String::new()),
        1 => "\\{\\{[a-z.]{0,20}(\\([0-9, \\[\\]\"a-z{}:]{0,20}\\))?\\}\\}",
        2 => ".{0,40}",
    ]
}

/// How many generated configurations were valid (so the property is not vacuous).
static ACCEPTED_CONFIGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn the_property_test_exercises_valid_configurations() {
    random_configurations_never_panic();
    assert!(ACCEPTED_CONFIGS.load(std::sync::atomic::Ordering::Relaxed) >= 8, "too few valid configurations were tried");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Whatever the configuration, nothing panics and every record sent is accounted for exactly once.
    #[test]
    fn random_configurations_never_panic(
        rate in prop_oneof![1 => Just(0.0), 8 => 0.0f64..3_000.0, 1 => Just(-3.0), 1 => Just(f64::INFINITY)],
        keys in key_strategy(),
        template in template_text(),
        batching in prop_oneof![Just(Batching::PutRecord), (0u32..520).prop_map(|max_records| Batching::PutRecords { max_records })],
        aggregation in prop_oneof![Just(Aggregation::Off), (0u32..1_100_000).prop_map(|max_bytes| Aggregation::Kpl { max_bytes })],
        retry_throttled: bool,
        seed: u64,
        stream in prop_oneof![9 => Just("p".to_string()), 1 => Just("gone".to_string())],
        delete_stream: bool,
    ) {
        let mut sb = sandbox_with_stream("p", 2);
        let cfg = ProducerConfig { rate_records_per_sec: rate, keys, template, batching, aggregation, retry_throttled, seed, stream_name: stream, ..ProducerConfig::default() };
        let Ok(id) = sb.add_producer(cfg) else { return Ok(()) };
        ACCEPTED_CONFIGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sb.fast_forward(1_000);
        if delete_stream {
            ok(&mut sb.service, "DeleteStream", json!({"StreamName": "p"}));
        }
        sb.fast_forward(1_000);
        let s = sb.producer(id).unwrap().stats();
        prop_assert_eq!(s.records_sent, s.records_accepted + s.records_throttled + s.records_failed);
        prop_assert_eq!(s.failed_by_type.values().sum::<u64>(), s.records_failed);
        prop_assert_eq!(s.accepted_by_shard.values().sum::<u64>(), s.records_accepted);
        prop_assert!(s.user_records_accepted + s.user_records_expired <= s.user_records_generated);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The outcome depends on the target times only, never on how the moves were sliced: the browser plays
    /// in uneven animation frames, and a lab replayed later must see the same records, throttles and metrics.
    #[test]
    fn slicing_the_clock_never_changes_the_outcome(slices in proptest::collection::vec(1u64..700, 1..12), rate in 500.0f64..3_000.0) {
        let build = || {
            let mut sb = sandbox_with_stream("s", 1);
            sb.add_producer(ProducerConfig { rate_records_per_sec: rate, keys: KeyStrategy::HotKey { keys: 10, hot_percent: 100 }, ..config("s") }).unwrap();
            sb
        };
        let mut sliced = build();
        for ms in &slices {
            sliced.advance_to(sliced.now_ms() + ms);
        }
        let mut jumped = build();
        jumped.advance_to(sliced.now_ms());
        prop_assert!(serde_json::to_string(&sliced).unwrap() == serde_json::to_string(&jumped).unwrap(), "slices {:?} changed the outcome", slices);
    }
}

/// With producers acting on the tick grid, a shard under more demand than it can take accepts exactly its
/// limit in every whole second (FACTS.md §1: 1,000 records/s per shard).
#[test]
fn an_overloaded_shard_accepts_exactly_its_record_limit_each_second() {
    let mut sb = sandbox_with_stream("s", 1);
    let id = sb.add_producer(ProducerConfig { rate_records_per_sec: 3_000.0, keys: KeyStrategy::HotKey { keys: 10, hot_percent: 100 }, ..config("s") }).unwrap();
    // Uneven slices, as animation frames give.
    for ms in [166, 16, 17, 250, 33, 1, 166].iter().cycle().take(70) {
        sb.advance_to(sb.now_ms() + ms);
    }
    let history = &sb.producer(id).unwrap().stats().history;
    assert!(history.len() >= 5);
    for second in history.iter().skip(1).take(history.len() - 2) {
        assert_eq!(second.accepted, 1_000, "{second:?}");
    }
    // The stream's own metric (what the charts draw) agrees for every whole second.
    let now_second = sb.now_ms() / SECOND;
    let metrics = kinesis_lab::api::observe::stream_metrics(&sb.service.engine, "s", 60);
    let whole: Vec<_> = metrics.iter().filter(|(second, _)| *second > START_MS / SECOND + 1 && *second < now_second).collect();
    assert!(whole.len() >= 5, "{metrics:?}");
    for (second, point) in whole {
        assert_eq!(point.incoming_records, 1_000, "second {second}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The page spreads a heavy tick's calls over several frames (`advance_toward` with a record budget);
    /// however it is cut, the sandbox ends exactly where one `advance_to` would, and a save taken mid-tick
    /// carries on identically.
    #[test]
    fn spreading_a_tick_over_frames_never_changes_the_outcome(budgets in proptest::collection::vec(1u64..1_500, 1..20), save_at in 0usize..20) {
        let build = || {
            let mut sb = sandbox_with_stream("s", 2);
            sb.add_producer(ProducerConfig { rate_records_per_sec: 4_000.0, batching: Batching::PutRecords { max_records: 100 }, ..config("s") }).unwrap();
            sb.add_producer(ProducerConfig { name: "single".into(), rate_records_per_sec: 300.0, batching: Batching::PutRecord, seed: 7, ..config("s") }).unwrap();
            sb
        };
        let mut whole = build();
        let target = whole.now_ms() + 2 * SECOND;
        whole.advance_to(target);
        let mut pieces = build();
        let mut step = 0;
        while pieces.now_ms() < target || pieces.tick_in_progress() {
            pieces.advance_toward(target, budgets[step % budgets.len()]);
            if step == save_at {
                let text = serde_json::to_string(&pieces).unwrap();
                pieces = serde_json::from_str(&text).unwrap();
            }
            step += 1;
        }
        prop_assert!(step > 1, "the budget split the work");
        prop_assert!(serde_json::to_string(&whole).unwrap() == serde_json::to_string(&pieces).unwrap());
    }
}
