//! The Lambda processing stage (FACTS.md §2 "Lambda transform"): transform buffer hints, built-in
//! functions run in the engine, learners' scripts answered by the driver while the clock holds, the
//! record contract (Ok / Dropped / ProcessingFailed), 3 retries of a failed invocation, and
//! processing-failed/ objects with AWS's fields.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kinesis_lab::engine::firehose::transform::{BuiltinTransform, InvocationError, TransformFunction};
use kinesis_lab::engine::firehose::types::*;
use kinesis_lab::engine::firehose::{FirehoseConfig, FirehoseEngine};
use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
use kinesis_lab::sim::Sandbox;
use serde_json::{json, Value};

const START: u64 = DEFAULT_SANDBOX_START_MS;
const BUCKET: &str = "lake";

fn lambda(arn: &str, interval_s: u32) -> ProcessingConfiguration {
    let param = |n: &str, v: &str| ProcessorParameter { parameter_name: n.into(), parameter_value: v.into() };
    ProcessingConfiguration {
        enabled: Some(true),
        processors: vec![Processor {
            processor_type: ProcessorType::Lambda,
            parameters: vec![param("LambdaArn", arn), param("BufferIntervalInSeconds", &interval_s.to_string())],
        }],
    }
}

fn create(e: &mut FirehoseEngine, processing: ProcessingConfiguration) {
    e.create_delivery_stream(CreateDeliveryStreamInput {
        delivery_stream_name: "orders".into(),
        extended_s3_destination_configuration: Some(ExtendedS3DestinationConfiguration {
            role_arn: "arn:aws:iam::123456789012:role/firehose".into(),
            bucket_arn: format!("arn:aws:s3:::{BUCKET}"),
            buffering_hints: Some(BufferingHints { size_in_mbs: Some(1), interval_in_seconds: Some(0) }),
            processing_configuration: Some(processing),
            ..Default::default()
        }),
        ..Default::default()
    })
    .unwrap();
    e.advance_by(e.config.transition_ms);
}

fn engine_with(function: TransformFunction, interval_s: u32) -> FirehoseEngine {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let arn = e.put_function(function).unwrap();
    create(&mut e, lambda(&arn, interval_s));
    e
}

fn objects(e: &FirehoseEngine, prefix: &str) -> Vec<(String, String)> {
    e.s3.list(BUCKET, prefix).map(|(k, o)| (k.to_string(), String::from_utf8_lossy(&o.bytes).into_owned())).collect()
}

fn data_objects(e: &FirehoseEngine) -> String {
    objects(e, "2026/").into_iter().map(|(_, body)| body).collect()
}

#[test]
fn a_builtin_transform_runs_after_the_transform_buffer_interval() {
    let mut e = engine_with(TransformFunction::Builtin { name: "newline".into(), transform: BuiltinTransform::AppendNewline }, 60);
    e.put_record("orders", b"a").unwrap();
    e.put_record("orders", b"b").unwrap();
    e.advance_by(59_000);
    assert!(data_objects(&e).is_empty(), "the transform buffer waits for its 60 s interval");
    e.advance_by(1_000);
    assert_eq!(data_objects(&e), "a\nb\n", "transformed, then delivered (zero buffering after the transform)");
    let log: Vec<_> = e.invocation_log().collect();
    assert_eq!((log.len(), log[0].ok, log[0].records), (1, 2, 2));
}

#[test]
fn dropped_records_vanish_and_failed_ones_land_under_processing_failed() {
    let filter = BuiltinTransform::FilterByField { field: "kind".into(), equals: "keep".into(), keep_matching: true };
    let mut e = engine_with(TransformFunction::Builtin { name: "keep".into(), transform: filter }, 0);
    e.put_record_batch("orders", &[&br#"{"kind":"keep","n":1}"#[..], br#"{"kind":"drop"}"#, b"not json"]).unwrap();
    e.advance_by(1_000);
    assert_eq!(data_objects(&e), r#"{"kind":"keep","n":1}"#);
    let failed = objects(&e, "processing-failed/");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].0.starts_with("processing-failed/2026/01/01/00/orders-1-"), "{}", failed[0].0);
    let line: Value = serde_json::from_str(failed[0].1.lines().next().unwrap()).unwrap();
    for field in ["attemptsMade", "arrivalTimestamp", "errorCode", "errorMessage", "attemptEndingTimestamp", "rawData", "lambdaArn"] {
        assert!(line.get(field).is_some(), "processing-failed lines carry {field}: {line}");
    }
    assert_eq!(STANDARD.decode(line["rawData"].as_str().unwrap()).unwrap(), b"not json");
    assert_eq!(line["lambdaArn"], "arn:aws:lambda:us-east-1:123456789012:function:keep");
    let log = e.invocation_log().last().unwrap();
    assert_eq!((log.ok, log.dropped, log.failed), (1, 1, 1));
}

fn script() -> TransformFunction {
    TransformFunction::Script { name: "upper".into(), source: "exports.handler = async (e) => ({records: []});".into() }
}

/// The response a correct function gives: every record Ok with its data upper-cased.
fn upper_response(event_json: &str) -> Vec<u8> {
    let event: Value = serde_json::from_str(event_json).unwrap();
    let records: Vec<Value> = event["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let data = STANDARD.decode(r["data"].as_str().unwrap()).unwrap().to_ascii_uppercase();
            json!({"recordId": r["recordId"], "result": "Ok", "data": STANDARD.encode(data)})
        })
        .collect();
    json!({ "records": records }).to_string().into_bytes()
}

#[test]
fn a_script_invocation_holds_the_clock_until_the_page_answers() {
    let mut e = engine_with(script(), 0);
    e.put_record("orders", b"hello").unwrap();
    e.advance_by(100);
    assert!(e.awaiting_transforms());
    let held = e.now_ms();
    e.advance_by(60_000);
    assert_eq!(e.now_ms(), held, "the clock holds while the script runs");
    let w = e.waiting_invocations().next().unwrap().clone();
    let event: Value = serde_json::from_str(&w.event_json()).unwrap();
    assert_eq!(event["deliveryStreamArn"], "arn:aws:firehose:us-east-1:123456789012:deliverystream/orders");
    assert_eq!(event["records"][0]["data"], STANDARD.encode("hello"));
    // A save taken now carries the waiting invocation; answering either copy gives the same result.
    let mut restored: FirehoseEngine = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    for engine in [&mut e, &mut restored] {
        engine.complete_invocation(w.id, Ok(upper_response(&w.event_json())));
        assert!(!engine.awaiting_transforms());
        engine.advance_by(1_000);
    }
    assert_eq!(data_objects(&e), "HELLO");
    assert_eq!(data_objects(&restored), "HELLO");
}

#[test]
fn a_failing_script_is_retried_three_times_then_its_records_fail() {
    let mut e = engine_with(script(), 0);
    e.put_record("orders", b"x").unwrap();
    e.advance_by(100);
    let mut ids = Vec::new();
    for attempt in 1..=4 {
        let w = e.waiting_invocations().next().expect("an invocation waits").clone();
        assert_eq!(w.attempt, attempt);
        ids.push(serde_json::from_str::<Value>(&w.event_json()).unwrap()["invocationId"].as_str().unwrap().to_string());
        e.complete_invocation(w.id, Err(InvocationError::Thrown { message: "TypeError: boom".into() }));
    }
    assert!(!e.awaiting_transforms(), "NumberOfRetries 3: four attempts in all");
    ids.dedup();
    assert_eq!(ids.len(), 4, "each retry has a fresh invocationId");
    e.advance_by(1_000);
    let failed = objects(&e, "processing-failed/");
    let line: Value = serde_json::from_str(failed[0].1.lines().next().unwrap()).unwrap();
    assert_eq!(line["attemptsMade"], 4);
    assert_eq!(line["errorCode"], "Lambda.FunctionError");
    assert!(data_objects(&e).is_empty());
}

#[test]
fn a_broken_contract_fails_the_invocation_and_an_unknown_function_fails_its_records() {
    let mut e = engine_with(script(), 0);
    e.put_record("orders", b"x").unwrap();
    e.advance_by(100);
    let w = e.waiting_invocations().next().unwrap().clone();
    // No records at all: the record's id is missing from the response, so that record fails (no retry).
    e.complete_invocation(w.id, Ok(br#"{"records": []}"#.to_vec()));
    assert!(!e.awaiting_transforms());
    e.advance_by(1_000);
    let failed = objects(&e, "processing-failed/");
    let line: Value = serde_json::from_str(failed[0].1.lines().next().unwrap()).unwrap();
    assert_eq!(line["errorCode"], "Lambda.MissingRecordId", "{line}");
    assert_eq!(line["attemptsMade"], 1);
    // Not JSON at all: the invocation fails as a whole and is retried.
    let mut e = engine_with(script(), 0);
    e.put_record("orders", b"x").unwrap();
    e.advance_by(100);
    let w = e.waiting_invocations().next().unwrap().clone();
    e.complete_invocation(w.id, Ok(b"<html>".to_vec()));
    assert_eq!(e.waiting_invocations().next().unwrap().attempt, 2);

    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    create(&mut e, lambda("arn:aws:lambda:us-east-1:123456789012:function:missing", 0));
    e.put_record("orders", b"x").unwrap();
    e.advance_by(1_000);
    assert_eq!(objects(&e, "processing-failed/").len(), 1);
    assert!(!e.awaiting_transforms());
}

#[test]
fn lambda_parameters_are_checked_at_creation() {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let mut p = lambda("arn:aws:lambda:us-east-1:123456789012:function:f", 0);
    p.processors[0].parameters.push(ProcessorParameter { parameter_name: "BufferSizeInMBs".into(), parameter_value: "4".into() });
    let err = e
        .create_delivery_stream(CreateDeliveryStreamInput {
            delivery_stream_name: "x".into(),
            extended_s3_destination_configuration: Some(ExtendedS3DestinationConfiguration {
                role_arn: "arn:aws:iam::123456789012:role/firehose".into(),
                bucket_arn: "arn:aws:s3:::b".into(),
                processing_configuration: Some(p),
                ..Default::default()
            }),
            ..Default::default()
        })
        .unwrap_err();
    assert!(err.message.contains("BufferSizeInMBs"), "FACTS §2: Lambda batches of 0.2–3 MB: {err}");
}

/// The sandbox holds its whole clock while a script runs, so play and fast-forward wait for the answer.
#[test]
fn the_sandbox_clock_holds_for_a_script() {
    let mut sb = Sandbox::new(EngineConfig::default(), START);
    let arn = sb.firehose.engine.put_function(script()).unwrap();
    create(&mut sb.firehose.engine, lambda(&arn, 10));
    sb.advance_to(START + 10_000);
    sb.firehose.engine.put_record("orders", b"later").unwrap();
    sb.advance_to(START + 60_000);
    // Staged at 10 s with a 10 s interval: the batch goes out at 20 s and the clock stops there.
    assert_eq!(sb.now_ms(), START + 20_000);
    assert!(sb.awaiting_transforms());
    sb.fast_forward(3_600_000);
    assert_eq!(sb.now_ms(), START + 20_000, "fast-forward waits too");
    let w = sb.firehose.engine.waiting_invocations().next().unwrap().clone();
    sb.firehose.engine.complete_invocation(w.id, Ok(upper_response(&w.event_json())));
    sb.advance_to(START + 60_000);
    assert_eq!(sb.now_ms(), START + 60_000);
    let text: String = sb.firehose.engine.s3.list(BUCKET, "").map(|(_, o)| String::from_utf8_lossy(&o.bytes).into_owned()).collect();
    assert_eq!(text, "LATER");
}

/// FACTS.md §2: source record backup (S3BackupMode Enabled) keeps every record as received, before the
/// transform, in its own location with its own hints; it cannot be turned off once on.
#[test]
fn source_record_backup_keeps_the_records_before_the_transform() {
    use kinesis_lab::api::firehose::FirehoseService;
    let mut svc = FirehoseService::new(FirehoseConfig::default(), START);
    let arn = svc.engine.put_function(TransformFunction::Builtin { name: "nl".into(), transform: BuiltinTransform::AppendNewline }).unwrap();
    let body = json!({
        "DeliveryStreamName": "orders",
        "ExtendedS3DestinationConfiguration": {
            "RoleARN": "arn:aws:iam::123456789012:role/firehose", "BucketARN": "arn:aws:s3:::lake",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
            "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [
                {"ParameterName": "LambdaArn", "ParameterValue": arn},
                {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "0"}]}]},
            "S3BackupMode": "Enabled",
            "S3BackupConfiguration": {"RoleARN": "arn:aws:iam::123456789012:role/firehose", "BucketARN": "arn:aws:s3:::raw",
                "Prefix": "source/", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}, "CompressionFormat": "GZIP"},
        }
    });
    let reply = svc.call_json("CreateDeliveryStream", &body);
    assert!(reply.error_type().is_none(), "{}", reply.body());
    svc.engine.advance_by(svc.engine.config.transition_ms);
    let described = svc.call_json("DescribeDeliveryStream", &json!({"DeliveryStreamName": "orders"}));
    let s3 = &described.body()["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(s3["S3BackupMode"], "Enabled");
    assert_eq!(s3["S3BackupDescription"]["Prefix"], "source/");
    svc.engine.put_record("orders", b"a").unwrap();
    svc.engine.put_record("orders", b"b").unwrap();
    svc.engine.advance_by(1_000);
    let main: String = svc.engine.s3.list("lake", "").map(|(_, o)| String::from_utf8_lossy(&o.bytes).into_owned()).collect();
    assert_eq!(main, "a\nb\n", "transformed records in the destination");
    assert_eq!(svc.engine.s3.list("raw", "").count(), 0, "the backup waits for its own 60 s interval");
    svc.engine.advance_by(60_000);
    let backups: Vec<Vec<u8>> = svc.engine.s3.list("raw", "source/").map(|(_, o)| o.bytes.clone()).collect();
    assert_eq!(backups.len(), 1);
    let mut raw = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&backups[0][..]), &mut raw).unwrap();
    assert_eq!(raw, "ab", "the records as received, before the transform");
    let off = svc.call_json("UpdateDestination", &json!({"DeliveryStreamName": "orders", "CurrentDeliveryStreamVersionId": "1",
        "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": {"S3BackupMode": "Disabled"}}));
    assert_eq!(off.error_type().as_deref(), Some("InvalidArgumentException"), "{}", off.body());
}
