//! Each check predicate, driven through the step language: unmet before the thing it looks for happens,
//! met after, with a detail that states the value found. Predicates the embedded labs already replay are
//! covered there too; these also cover the ones no lab uses yet.

use kinesis_lab::labs::checks::{evaluate_predicate, Outcome};
use kinesis_lab::labs::format::{Op, Predicate, ProducerField, Stat};
use kinesis_lab::labs::{self, Lab, LabRun};
use kinesis_lab::sim::Sandbox;

const LAB: &str = r#"
id = "shard-math"
title = "T"
services = ["streams"]
sandbox = "streams"
level = "foundation"
minutes = 10
summary = "S"
score = "fewest_api_calls"
[[objective]]
text = "O"
sources = [{ facts = "§1 Writes" }]
[start]
steps = ["aws kinesis create-stream --stream-name s --shard-count 2", "wait 1s"]
[[step]]
text = "Do it"
[[check]]
id = "c"
text = "C"
when = { kind = "open_shards", stream = "s", at_least = 2 }
[[hint]]
text = "H"
[solution]
text = "Why"
steps = ["wait 1s"]
"#;

fn setup() -> (Lab, Sandbox, LabRun) {
    let lab = labs::parse_lab_toml("labs/guided/shard-math.toml", LAB).unwrap_or_else(|e| panic!("{e:#?}"));
    let (sandbox, run) = labs::start(&lab).unwrap_or_else(|e| panic!("{e}"));
    (lab, sandbox, run)
}

fn eval(p: &Predicate, lab: &Lab, sb: &Sandbox, run: &LabRun) -> Outcome {
    evaluate_predicate(p, lab, sb, run)
}

fn step(sb: &mut Sandbox, run: &mut LabRun, line: &str) -> String {
    labs::run_step(sb, run, line).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn stream_shape_predicates() {
    let (lab, mut sb, mut run) = setup();
    let status = |s: &str| Predicate::StreamStatus { stream: "t".into(), status: s.into() };
    step(&mut sb, &mut run, "aws kinesis create-stream --stream-name t --shard-count 1");
    assert!(eval(&status("CREATING"), &lab, &sb, &run).met);
    assert!(!eval(&status("ACTIVE"), &lab, &sb, &run).met);
    step(&mut sb, &mut run, "wait 2s");
    let o = eval(&status("ACTIVE"), &lab, &sb, &run);
    assert!(o.met, "{}", o.detail);
    assert_eq!(o.detail, "stream t is ACTIVE");

    let mode = |m: &str| Predicate::StreamMode { stream: "s".into(), mode: m.into() };
    assert!(eval(&mode("PROVISIONED"), &lab, &sb, &run).met);
    assert!(!eval(&mode("ON_DEMAND"), &lab, &sb, &run).met);

    let retention = Predicate::RetentionHours { stream: "s".into(), at_least: Some(48), at_most: None, equals: None };
    assert!(!eval(&retention, &lab, &sb, &run).met);
    step(&mut sb, &mut run, "aws kinesis increase-stream-retention-period --stream-name s --retention-period-hours 48");
    step(&mut sb, &mut run, "wait 2s");
    assert!(eval(&retention, &lab, &sb, &run).met);

    let open = Predicate::OpenShards { stream: "s".into(), at_least: None, at_most: None, equals: Some(3) };
    let children = Predicate::ShardHasChildren { stream: "s".into(), count_at_least: 1 };
    let closed = Predicate::ClosedShards { stream: "s".into(), at_least: 1, holding_records: None };
    let expired = Predicate::ExpiredShards { stream: "s".into(), at_least: 1 };
    for p in [&open, &children, &closed, &expired] {
        assert!(!eval(p, &lab, &sb, &run).met, "{p:?}");
    }
    step(&mut sb, &mut run, "aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 1000");
    step(&mut sb, &mut run, "wait 2s");
    assert_eq!(eval(&open, &lab, &sb, &run).detail, "3 open shards (wanted exactly 3)");
    for p in [&open, &children, &closed] {
        assert!(eval(p, &lab, &sb, &run).met, "{p:?}");
    }
    // The parent never held a record; it expires once retention (48 h) has passed since it closed.
    let holding = Predicate::ClosedShards { stream: "s".into(), at_least: 1, holding_records: Some(true) };
    assert!(!eval(&holding, &lab, &sb, &run).met);
    step(&mut sb, &mut run, "fast-forward 49h");
    assert!(eval(&expired, &lab, &sb, &run).met, "{}", eval(&expired, &lab, &sb, &run).detail);
    assert!(!eval(&closed, &lab, &sb, &run).met);
    assert!(!eval(&Predicate::OpenShards { stream: "nope".into(), at_least: Some(1), at_most: None, equals: None }, &lab, &sb, &run).met);
}

#[test]
fn traffic_predicates() {
    let (lab, mut sb, mut run) = setup();
    let metric = Predicate::Metric {
        stream: "s".into(),
        shard: None,
        metric: "IncomingRecords".into(),
        stat: Stat::Sum,
        seconds: 5,
        op: Op::AtLeast,
        value: 400.0,
    };
    let accepted = Predicate::ProducerStats { producer: "p".into(), field: ProducerField::Accepted, op: Op::AtLeast, value: 500.0 };
    let throttled = Predicate::ProducerStats { producer: "p".into(), field: ProducerField::Throttled, op: Op::AtLeast, value: 1.0 };
    let seen = Predicate::WriteThrottlingSeen { stream: "s".into(), seconds: 10, shard: None, key: Some("key-0".into()) };
    let calm = Predicate::NoWriteThrottling { stream: "s".into(), seconds: 5, min_records_per_sec: 90.0 };
    for p in [&metric, &accepted, &seen, &calm] {
        assert!(!eval(p, &lab, &sb, &run).met, "{p:?}");
    }
    step(&mut sb, &mut run, "producer add name=p stream=s rate=100 bytes=100 keys=random");
    step(&mut sb, &mut run, "wait 7s");
    for p in [&metric, &accepted, &calm] {
        let o = eval(p, &lab, &sb, &run);
        assert!(o.met, "{p:?}: {}", o.detail);
    }
    assert!(!eval(&throttled, &lab, &sb, &run).met);
    assert!(!eval(&seen, &lab, &sb, &run).met);
    // A hot key at 1,500 records/s: its shard throttles, and the calm check fails.
    step(&mut sb, &mut run, "producer add name=hot stream=s rate=1500 bytes=10 keys=hot:4:100");
    step(&mut sb, &mut run, "wait 3s");
    let o = eval(&seen, &lab, &sb, &run);
    assert!(o.met, "{}", o.detail);
    assert!(o.detail.contains("on shard shardId-"), "{}", o.detail);
    assert!(!eval(&calm, &lab, &sb, &run).met);
    let hot_throttled = Predicate::ProducerStats { producer: "hot".into(), field: ProducerField::Throttled, op: Op::AtLeast, value: 1.0 };
    assert!(eval(&hot_throttled, &lab, &sb, &run).met);
    let shard_metric = Predicate::Metric {
        stream: "s".into(),
        shard: Some("shardId-000000000000".into()),
        metric: "IncomingRecords".into(),
        stat: Stat::Max,
        seconds: 3,
        op: Op::AtMost,
        value: 1000.0,
    };
    assert!(eval(&shard_metric, &lab, &sb, &run).met, "{}", eval(&shard_metric, &lab, &sb, &run).detail);
}

#[test]
fn consumer_predicates() {
    let (lab, mut sb, mut run) = setup();
    let efo = Predicate::ConsumerRegistered { stream: "s".into(), consumer_kind: Some("efo".into()), at_least: 1 };
    let records = Predicate::ConsumerRecords { consumer: "r".into(), at_least: 100, consumer_kind: None };
    let r_as_efo = Predicate::ConsumerRecords { consumer: "r".into(), at_least: 100, consumer_kind: Some("efo".into()) };
    let fan_as_efo = Predicate::ConsumerRecords { consumer: "fan".into(), at_least: 1, consumer_kind: Some("efo".into()) };
    let lag = Predicate::ConsumerLag { consumer: "r".into(), max_ms: 3_000 };
    let workers = Predicate::KclWorkers { consumer: "app".into(), alive: 1 };
    let no_loss = Predicate::KclNoLossAfterFailover { consumer: "app".into() };
    for p in [&efo, &records, &lag, &workers, &no_loss] {
        assert!(!eval(p, &lab, &sb, &run).met, "{p:?}");
    }
    step(&mut sb, &mut run, "producer add name=p stream=s rate=50 bytes=100");
    step(&mut sb, &mut run, "consumer add kind=polling name=r stream=s");
    step(&mut sb, &mut run, "consumer add kind=efo name=fan stream=s");
    step(&mut sb, &mut run, "consumer add kind=kcl name=app stream=s workers=2 checkpoint=1s failover=3s");
    step(&mut sb, &mut run, "wait 10s");
    for p in [&efo, &records, &lag, &fan_as_efo] {
        let o = eval(p, &lab, &sb, &run);
        assert!(o.met, "{p:?}: {}", o.detail);
    }
    // A polling reader does not satisfy a check that asks for an enhanced fan-out one.
    let o = eval(&r_as_efo, &lab, &sb, &run);
    assert!(!o.met && o.detail.contains("not efo"), "{}", o.detail);
    assert!(!eval(&workers, &lab, &sb, &run).met, "two workers are alive");
    assert!(!eval(&no_loss, &lab, &sb, &run).met, "no failover yet");
    step(&mut sb, &mut run, "consumer stop-worker app worker-1");
    assert!(eval(&workers, &lab, &sb, &run).met);
    step(&mut sb, &mut run, "wait 30s");
    let o = eval(&no_loss, &lab, &sb, &run);
    assert!(o.met, "{}", o.detail);
}

#[test]
fn firehose_predicates() {
    let (lab, mut sb, mut run) = setup();
    let status = Predicate::FirehoseStatus { delivery_stream: "logs".into(), status: "ACTIVE".into() };
    let objects = Predicate::FirehoseObjects { delivery_stream: "logs".into(), at_least: 1, prefix: None, flushed_by: None };
    let delivered = Predicate::FirehoseRecordsDelivered { delivery_stream: "logs".into(), at_least: 2 };
    for p in [&status, &objects, &delivered] {
        assert!(!eval(p, &lab, &sb, &run).met, "{p:?}");
    }
    step(
        &mut sb,
        &mut run,
        "aws firehose create-delivery-stream --delivery-stream-name logs --extended-s3-destination-configuration BucketARN=arn:aws:s3:::lab-bucket,RoleARN=arn:aws:iam::123456789012:role/firehose",
    );
    step(&mut sb, &mut run, "wait 5s");
    assert!(eval(&status, &lab, &sb, &run).met, "{}", eval(&status, &lab, &sb, &run).detail);
    step(&mut sb, &mut run, "aws firehose put-record --delivery-stream-name logs --record Data=aGVsbG8K");
    step(&mut sb, &mut run, "aws firehose put-record --delivery-stream-name logs --record Data=aGVsbG8K");
    assert!(!eval(&objects, &lab, &sb, &run).met, "still buffered");
    step(&mut sb, &mut run, "wait 400s");
    for p in [&objects, &delivered] {
        let o = eval(p, &lab, &sb, &run);
        assert!(o.met, "{p:?}: {}", o.detail);
    }
    let elsewhere = Predicate::FirehoseObjects { delivery_stream: "logs".into(), at_least: 1, prefix: Some("nothing-here/".into()), flushed_by: None };
    assert!(!eval(&elsewhere, &lab, &sb, &run).met);
}

#[test]
fn combinations_and_answers() {
    let (lab, sb, run) = setup();
    let yes = Predicate::OpenShards { stream: "s".into(), at_least: Some(2), at_most: None, equals: None };
    let no = Predicate::OpenShards { stream: "s".into(), at_least: Some(9), at_most: None, equals: None };
    assert!(eval(&Predicate::Any { of: vec![no.clone(), yes.clone()] }, &lab, &sb, &run).met);
    assert!(!eval(&Predicate::All { of: vec![no.clone(), yes.clone()] }, &lab, &sb, &run).met);
    assert!(eval(&Predicate::All { of: vec![yes] }, &lab, &sb, &run).met);
    assert!(!eval(&Predicate::All { of: vec![] }, &lab, &sb, &run).met);
    assert!(!eval(&Predicate::Answer { question: "none".into() }, &lab, &sb, &run).met);
}

#[test]
fn score_rules() {
    let (mut lab, mut sb, mut run) = setup();
    step(&mut sb, &mut run, "aws kinesis describe-stream-summary --stream-name s");
    step(&mut sb, &mut run, "producer add name=p stream=s rate=100 bytes=1000");
    step(&mut sb, &mut run, "wait 10s");
    let s = labs::score(&lab, &sb, &run);
    assert_eq!((s.value, s.text.as_str()), (1.0, "1 API calls"));
    lab.score = "shortest_sim_time".into();
    assert_eq!(labs::score(&lab, &sb, &run).value, 10.0);
    lab.score = "lowest_cost".into();
    let cost = labs::score(&lab, &sb, &run);
    // Two shards for a month (2 × 730 h × $0.015 = $21.90) plus PUT payload units: more than the shards alone.
    assert!(cost.value > 21.9 && cost.value < 100.0, "{cost:?}");
    assert!(cost.text.contains("100 records/s"), "{}", cost.text);
}
