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
