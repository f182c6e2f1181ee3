//! Dynamic partitioning in the engine (FACTS.md §2 "Dynamic partitioning"): jq keys into the prefix, one
//! buffer per partition, at most 500 active partitions (overflow → error prefix), S3 only, enabled at
//! creation and never disabled, error prefix required, optional deaggregation, Lambda keys.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kinesis_lab::engine::firehose::transform::TransformFunction;
use kinesis_lab::engine::firehose::types::*;
use kinesis_lab::engine::firehose::{FirehoseConfig, FirehoseEngine};
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
use serde_json::{json, Value};

const START: u64 = DEFAULT_SANDBOX_START_MS;
const BUCKET: &str = "lake";

fn param(n: &str, v: &str) -> ProcessorParameter {
    ProcessorParameter { parameter_name: n.into(), parameter_value: v.into() }
}

fn processor(kind: ProcessorType, params: Vec<ProcessorParameter>) -> Processor {
    Processor { processor_type: kind, parameters: params }
}

fn config(prefix: &str, error_prefix: Option<&str>, processors: Vec<Processor>, enabled: bool) -> ExtendedS3DestinationConfiguration {
    ExtendedS3DestinationConfiguration {
        role_arn: "arn:aws:iam::123456789012:role/firehose".into(),
        bucket_arn: format!("arn:aws:s3:::{BUCKET}"),
        prefix: Some(prefix.into()),
        error_output_prefix: error_prefix.map(str::to_string),
        buffering_hints: Some(BufferingHints { size_in_mbs: Some(64), interval_in_seconds: Some(60) }),
        processing_configuration: Some(ProcessingConfiguration { enabled: Some(true), processors }),
        dynamic_partitioning_configuration: Some(DynamicPartitioningConfiguration { retry_options: None, enabled: Some(enabled) }),
        ..Default::default()
    }
}

fn query(q: &str) -> Processor {
    processor(ProcessorType::MetadataExtraction, vec![param("MetadataExtractionQuery", q), param("JsonParsingEngine", "JQ-1.6")])
}

fn engine(c: ExtendedS3DestinationConfiguration) -> FirehoseEngine {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    e.create_delivery_stream(CreateDeliveryStreamInput {
        delivery_stream_name: "clicks".into(),
        extended_s3_destination_configuration: Some(c),
        ..Default::default()
    })
    .unwrap();
    e.advance_by(e.config.transition_ms);
    e
}

fn objects(e: &FirehoseEngine, prefix: &str) -> Vec<(String, String)> {
    e.s3.list(BUCKET, prefix).map(|(k, o)| (k.to_string(), String::from_utf8_lossy(&o.bytes).into_owned())).collect()
}

const ERRORS: &str = "errors/!{firehose:error-output-type}/";

#[test]
fn records_land_under_the_prefix_their_keys_give_and_bad_ones_in_the_error_prefix() {
    let append = processor(ProcessorType::AppendDelimiterToRecord, vec![]);
    let mut e = engine(config("customers/!{partitionKeyFromQuery:customer_id}/", Some(ERRORS), vec![query("{customer_id: .customer_id}"), append], true));
    for r in [&br#"{"customer_id":"A","n":1}"#[..], br#"{"customer_id":"B","n":2}"#, br#"{"customer_id":"A","n":3}"#, b"not json", br#"{"n":5}"#] {
        e.put_record("clicks", r).unwrap();
    }
    assert_eq!(e.delivery_stream("clicks").unwrap().partitions.len(), 2, "one buffer per partition");
    e.advance_by(60_000);
    let a = objects(&e, "customers/A/");
    let b = objects(&e, "customers/B/");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].1, "{\"customer_id\":\"A\",\"n\":1}\n{\"customer_id\":\"A\",\"n\":3}\n");
    assert!(a[0].0.starts_with("customers/A/clicks-1-2026-01-01-00-00-05-"), "no timestamp appended: {}", a[0].0);
    assert_eq!(b.len(), 1);
    let errors = objects(&e, "errors/partitioning-failed/");
    assert_eq!(errors.len(), 1, "failures are batched like records");
    let lines: Vec<Value> = errors[0].1.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "the non-JSON record and the one without the key");
    assert_eq!(lines[0]["errorCode"], "DynamicPartitioning.MetadataExtractionFailed");
    assert_eq!(STANDARD.decode(lines[0]["rawData"].as_str().unwrap()).unwrap(), b"not json");
}

#[test]
fn at_most_500_active_partitions() {
    let mut e = engine(config("k=!{partitionKeyFromQuery:k}/", Some(ERRORS), vec![query("{k: .k}")], true));
    for k in 0..501 {
        e.put_record("clicks", format!(r#"{{"k":{k}}}"#).as_bytes()).unwrap();
    }
    assert_eq!(e.delivery_stream("clicks").unwrap().partitions.len(), 500);
    // A record for a partition already open is still taken.
    e.put_record("clicks", br#"{"k":7}"#).unwrap();
    e.advance_by(60_000);
    assert_eq!(objects(&e, "k=").len(), 500);
    assert_eq!(objects(&e, "k=7/")[0].1, "{\"k\":7}{\"k\":7}");
    let overflow = objects(&e, "errors/activePartitionExceeded/");
    assert_eq!(overflow.len(), 1);
    assert!(overflow[0].1.contains("ActivePartitionsLimitExceeded"));
    assert_eq!(e.delivery_stream("clicks").unwrap().partitions.len(), 0, "flushed partitions close");
}

#[test]
fn configuration_rules() {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let create = |e: &mut FirehoseEngine, name: &str, c| {
        e.create_delivery_stream(CreateDeliveryStreamInput {
            delivery_stream_name: name.into(),
            extended_s3_destination_configuration: Some(c),
            ..Default::default()
        })
    };
    // An error prefix is required.
    let err = create(&mut e, "a", config("k=!{partitionKeyFromQuery:k}/", None, vec![query("{k: .k}")], true)).unwrap_err();
    assert!(err.message.contains("ErrorOutputPrefix"), "{err}");
    // The prefix must use a partition key.
    let err = create(&mut e, "b", config("static/", Some(ERRORS), vec![query("{k: .k}")], true)).unwrap_err();
    assert!(err.message.contains("Dynamic Partitioning namespaces"), "{err}");
    // A query key needs the MetadataExtraction processor.
    let err = create(&mut e, "c", config("k=!{partitionKeyFromQuery:k}/", Some(ERRORS), vec![], true)).unwrap_err();
    assert!(err.message.contains("MetadataExtraction"), "{err}");
    // A query that does not parse.
    let err = create(&mut e, "d", config("k=!{partitionKeyFromQuery:k}/", Some(ERRORS), vec![query("{k: .k")], true)).unwrap_err();
    assert!(err.message.contains("jq"), "{err}");
    // Never turned on or off after creation.
    create(&mut e, "ok", config("k=!{partitionKeyFromQuery:k}/", Some(ERRORS), vec![query("{k: .k}")], true)).unwrap();
    e.advance_by(e.config.transition_ms);
    let off = ExtendedS3DestinationUpdate {
        dynamic_partitioning_configuration: Some(DynamicPartitioningConfiguration { retry_options: None, enabled: Some(false) }),
        ..Default::default()
    };
    let err = e.update_destination("ok", "1", kinesis_lab::engine::firehose::DESTINATION_ID, off).unwrap_err();
    assert!(err.message.contains("cannot be disabled"), "{err}");
}

#[test]
fn json_deaggregation_splits_a_record_into_its_objects() {
    let deagg = processor(ProcessorType::RecordDeAggregation, vec![param("SubRecordType", "JSON")]);
    let mut e = engine(config("t=!{partitionKeyFromQuery:t}/", Some(ERRORS), vec![deagg, query("{t: .t}")], true));
    e.put_record("clicks", br#"{"t":"x"} {"t":"y"}
{"t":"x"}"#).unwrap();
    e.advance_by(60_000);
    assert_eq!(objects(&e, "t=x/")[0].1, r#"{"t":"x"}{"t":"x"}"#);
    assert_eq!(objects(&e, "t=y/")[0].1, r#"{"t":"y"}"#);
}

#[test]
fn lambda_partition_keys_fill_partition_key_from_lambda() {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let arn = e.put_function(TransformFunction::Script { name: "keys".into(), source: String::new() }).unwrap();
    let lambda = processor(ProcessorType::Lambda, vec![param("LambdaArn", &arn), param("BufferIntervalInSeconds", "0")]);
    e.create_delivery_stream(CreateDeliveryStreamInput {
        delivery_stream_name: "clicks".into(),
        extended_s3_destination_configuration: Some(config("region=!{partitionKeyFromLambda:region}/", Some(ERRORS), vec![lambda], true)),
        ..Default::default()
    })
    .unwrap();
    e.advance_by(e.config.transition_ms);
    e.put_record("clicks", b"eu-1").unwrap();
    e.advance_by(100);
    let w = e.waiting_invocations().next().unwrap().clone();
    let event: Value = serde_json::from_str(&w.event_json()).unwrap();
    let id = event["records"][0]["recordId"].clone();
    let response = json!({"records": [{"recordId": id, "result": "Ok", "data": STANDARD.encode("eu-1"),
        "metadata": {"partitionKeys": {"region": "eu"}}}]});
    e.complete_invocation(w.id, Ok(response.to_string().into_bytes()));
    e.advance_by(60_000);
    assert_eq!(objects(&e, "region=eu/")[0].1, "eu-1");
}
