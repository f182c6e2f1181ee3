//! Firehose in the sandbox: the same account and clock as Data Streams, driven from the terminal's CLI
//! (`cli::run_with`), saved and restored with the sandbox, and absent from older saves without harm.

mod common;

use common::{ok, START_MS};
use kinesis_lab::cli::run_with;
use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::sim::Sandbox;
use serde_json::json;

fn cli(sb: &mut Sandbox, line: &str) -> String {
    let out = run_with(line, &mut sb.service, &mut sb.firehose);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

/// FACTS.md §2: CREATING → ACTIVE, then buffering (here 60 s, whichever first) delivers to S3 as the
/// sandbox clock moves — including through a fast-forward.
#[test]
fn firehose_follows_the_sandbox_clock_and_is_saved_with_it() {
    let mut sb = Sandbox::new(EngineConfig::default(), START_MS);
    cli(&mut sb, "aws firehose create-delivery-stream --delivery-stream-name hose --extended-s3-destination-configuration RoleARN=arn:aws:iam::123456789012:role/f,BucketARN=arn:aws:s3:::lab,BufferingHints={SizeInMBs=1,IntervalInSeconds=60}");
    assert!(cli(&mut sb, "aws firehose describe-delivery-stream --delivery-stream-name hose").contains("\"CREATING\""));
    sb.advance_to(START_MS + 1_000);
    assert!(cli(&mut sb, "aws firehose describe-delivery-stream --delivery-stream-name hose").contains("\"ACTIVE\""));
    cli(&mut sb, "aws firehose put-record --delivery-stream-name hose --record Data=aGVsbG8K");
    assert_eq!(sb.firehose.engine.now_ms(), START_MS + 1_000);
    // A save taken now, restored, carries the buffered record.
    let text = serde_json::to_string(&sb).unwrap();
    let mut restored: Sandbox = serde_json::from_str(&text).unwrap();
    for s in [&mut sb, &mut restored] {
        s.fast_forward(2 * 60_000);
        assert_eq!(s.firehose.engine.now_ms(), s.now_ms(), "one clock");
    }
    let objects = |s: &Sandbox| serde_json::to_string(&s.firehose.engine).unwrap();
    assert_eq!(objects(&sb), objects(&restored));
    assert!(objects(&sb).contains("hose-1-"), "an object named after the stream and version landed");
}

/// A sandbox saved before Firehose existed (no `firehose` member) still loads, with an empty Firehose.
#[test]
fn saves_from_before_firehose_still_load() {
    let mut sb = Sandbox::new(EngineConfig::default(), START_MS);
    ok(&mut sb.service, "CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    // The members a save had then (u128 counters keep this as text rather than a serde_json::Value).
    let old_text = format!(
        r#"{{"service":{},"producers":[],"consumers":[],"next_producer_id":1,"next_consumer_id":1}}"#,
        serde_json::to_string(&sb.service).unwrap()
    );
    let mut old: Sandbox = serde_json::from_str(&old_text).unwrap();
    old.advance_to(START_MS + 1_000);
    assert!(cli(&mut old, "aws firehose list-delivery-streams").contains("\"DeliveryStreamNames\": []"));
    assert_eq!(old.firehose.engine.now_ms(), START_MS + 1_000);
}

fn hose(sb: &mut Sandbox, op: &str, body: serde_json::Value) -> serde_json::Value {
    let reply = sb.firehose.call_json(op, &body);
    assert!(reply.error_type().is_none(), "{op}: {}", reply.body());
    reply.body().clone()
}

/// Every object the Firehose engine wrote, concatenated in key order, as text.
fn delivered_text(sb: &Sandbox, bucket: &str) -> String {
    sb.firehose.engine.s3.list(bucket, "").map(|(_, o)| String::from_utf8_lossy(&o.bytes).into_owned()).collect()
}

/// FACTS.md §2 "Sources": a Kinesis-source delivery stream reads from LATEST (nothing written before it
/// existed), refuses Direct PUT, reads each shard through GetRecords about once a second, follows a split
/// shard's children after the parent, and delivers every record read, in order per partition key.
#[test]
fn kinesis_source_reads_from_latest_follows_resharding_and_delivers_everything() {
    let mut sb = Sandbox::new(EngineConfig::default(), START_MS);
    ok(&mut sb.service, "CreateStream", json!({"StreamName": "src", "ShardCount": 2}));
    sb.advance_to(START_MS + 1_000);
    for i in 0..5 {
        ok(&mut sb.service, "PutRecord", json!({"StreamName": "src", "PartitionKey": format!("k{}", i % 3),
            "Data": common::b64(format!("before-{i}|").as_bytes())}));
    }
    sb.advance_to(START_MS + 2_000);
    hose(&mut sb, "CreateDeliveryStream", json!({
        "DeliveryStreamName": "hose",
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {
            "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/src",
            "RoleARN": "arn:aws:iam::123456789012:role/firehose"},
        "ExtendedS3DestinationConfiguration": {
            "RoleARN": "arn:aws:iam::123456789012:role/firehose", "BucketARN": "arn:aws:s3:::lake",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}}
    }));
    sb.advance_to(START_MS + 10_000);
    let refused = sb.firehose.call_json("PutRecord", &json!({"DeliveryStreamName": "hose", "Record": {"Data": "eA=="}}));
    assert_eq!(refused.error_type().as_deref(), Some("InvalidArgumentException"), "{}", refused.body());

    let mut sent = Vec::new();
    for i in 0..10 {
        let data = format!("after-{i}:k{}|", i % 3);
        ok(&mut sb.service, "PutRecord", json!({"StreamName": "src", "PartitionKey": format!("k{}", i % 3),
            "Data": common::b64(data.as_bytes())}));
        sent.push(data);
        sb.advance_to(START_MS + 10_000 + (i + 1) * 300);
    }
    ok(&mut sb.service, "SplitShard", json!({"StreamName": "src", "ShardToSplit": "shardId-000000000000",
        "NewStartingHashKey": "85070591730234615865843651857942052864"}));
    sb.advance_to(START_MS + 30_000);
    for i in 10..20 {
        let data = format!("after-{i}:k{}|", i % 3);
        ok(&mut sb.service, "PutRecord", json!({"StreamName": "src", "PartitionKey": format!("k{}", i % 3),
            "Data": common::b64(data.as_bytes())}));
        sent.push(data);
        sb.advance_to(START_MS + 30_000 + (i - 9) * 300);
    }
    sb.advance_to(START_MS + 200_000);

    let text = delivered_text(&sb, "lake");
    assert!(!text.contains("before-"), "records written before the delivery stream existed are not read: {text}");
    let got: Vec<&str> = text.split('|').filter(|s| !s.is_empty()).collect();
    assert_eq!(got.len(), sent.len(), "every record delivered once: {text}");
    for key in ["k0", "k1", "k2"] {
        let want: Vec<&str> = sent.iter().map(|s| s.trim_end_matches('|')).filter(|s| s.ends_with(key)).collect();
        let have: Vec<&str> = got.iter().copied().filter(|s| s.ends_with(key)).collect();
        assert_eq!(have, want, "order kept for partition key {key}");
    }
    let totals = sb.firehose.engine.delivery_stream("hose").unwrap().metrics.total();
    assert_eq!(totals.kinesis_read_records, 20);
    // About one GetRecords per second per open shard: 2 shards for ~20 s, then 3 (the parent closes).
    let calls = sb.firehose_readers()[0].reader.calls.by_operation.get("GetRecords").copied().unwrap_or(0);
    assert!((350..=650).contains(&calls), "GetRecords calls over ~190 s: {calls}");
}
