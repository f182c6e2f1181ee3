//! The Firehose engine's accounting invariant (ARCHITECTURE.md, Firehose engine): whatever the puts, clock
//! moves and bucket outages, every accepted record ends in exactly one place — a data object, the error
//! output, dropped by its transform, or lost after 24 hours of failed puts — and none twice; within one
//! partition (or the whole stream without partitioning) records land in the order they were accepted.
//! Sources: FACTS.md §2 (buffering, Lambda transform, dynamic partitioning, "S3 delivery is retried for up
//! to 24 h, after which data is lost").

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kinesis_lab::engine::firehose::delivery::Outcome;
use kinesis_lab::engine::firehose::transform::{BuiltinTransform, TransformFunction};
use kinesis_lab::engine::firehose::types::*;
use kinesis_lab::engine::firehose::{DeliveryKind, FirehoseConfig, FirehoseEngine};
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
use proptest::prelude::*;
use serde_json::Value;

const BUCKET: &str = "lake";

#[derive(Debug, Clone)]
enum Op {
    Put(u8),
    Advance(u32),
    Bucket(bool),
}

#[derive(Debug, Clone, Copy)]
enum Setup {
    Plain,
    Filtered,
    Partitioned,
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            4 => (1u8..30).prop_map(Op::Put),
            4 => (0u32..180_000).prop_map(Op::Advance),
            1 => any::<bool>().prop_map(Op::Bucket),
        ],
        1..40,
    )
}

fn param(n: &str, v: &str) -> ProcessorParameter {
    ProcessorParameter { parameter_name: n.into(), parameter_value: v.into() }
}

fn engine(setup: Setup, size_mib: u32, interval_s: u32) -> FirehoseEngine {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), DEFAULT_SANDBOX_START_MS);
    let append = Processor { processor_type: ProcessorType::AppendDelimiterToRecord, parameters: vec![] };
    let mut processors = vec![append];
    let mut prefix = None;
    let mut dp = None;
    match setup {
        Setup::Plain => {}
        Setup::Filtered => {
            let keep = BuiltinTransform::FilterByField { field: "k".into(), equals: "0".into(), keep_matching: false };
            let arn = e.put_function(TransformFunction::Builtin { name: "drop-k0".into(), transform: keep }).unwrap();
            processors.push(Processor {
                processor_type: ProcessorType::Lambda,
                parameters: vec![param("LambdaArn", &arn), param("BufferIntervalInSeconds", "30")],
            });
        }
        Setup::Partitioned => {
            processors.push(Processor {
                processor_type: ProcessorType::MetadataExtraction,
                parameters: vec![param("MetadataExtractionQuery", "{k: .k}"), param("JsonParsingEngine", "JQ-1.6")],
            });
            prefix = Some("k=!{partitionKeyFromQuery:k}/".to_string());
            dp = Some(DynamicPartitioningConfiguration { retry_options: None, enabled: Some(true) });
        }
    }
    e.create_delivery_stream(CreateDeliveryStreamInput {
        delivery_stream_name: "s".into(),
        extended_s3_destination_configuration: Some(ExtendedS3DestinationConfiguration {
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            bucket_arn: format!("arn:aws:s3:::{BUCKET}"),
            prefix,
            error_output_prefix: Some("errors/!{firehose:error-output-type}/".into()),
            buffering_hints: Some(BufferingHints { size_in_mbs: Some(size_mib), interval_in_seconds: Some(interval_s) }),
            processing_configuration: Some(ProcessingConfiguration { enabled: Some(true), processors }),
            dynamic_partitioning_configuration: dp,
            ..Default::default()
        }),
        ..Default::default()
    })
    .unwrap();
    e.advance_by(e.config.transition_ms);
    e
}

/// Record n: a JSON object with its number, a partition key, and padding so 1 MiB buffers fill now and then.
fn record(n: u32) -> Vec<u8> {
    let malformed = n % 23 == 22;
    if malformed {
        return format!("not-json-{n}").into_bytes();
    }
    format!(r#"{{"n":{n},"k":"{}","pad":"{}"}}"#, n % 5, "x".repeat((n as usize * 7919) % 60_000)).into_bytes()
}

fn number_of(line: &[u8]) -> u32 {
    if let Some(rest) = line.strip_prefix(b"not-json-") {
        return String::from_utf8_lossy(rest).parse().unwrap();
    }
    let v: Value = serde_json::from_slice(line).unwrap();
    v["n"].as_u64().unwrap() as u32
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_record_ends_in_exactly_one_place(
        setup in prop_oneof![Just(Setup::Plain), Just(Setup::Filtered), Just(Setup::Partitioned)],
        size_mib in 1u32..3,
        interval_s in 0u32..120,
        ops in ops(),
    ) {
        let mut e = engine(setup, size_mib, interval_s);
        let mut next = 0u32;
        let mut accepted = Vec::new();
        for op in ops {
            match op {
                Op::Put(count) => {
                    let batch: Vec<Vec<u8>> = (0..count as u32).map(|i| record(next + i)).collect();
                    let out = e.put_record_batch("s", &batch).unwrap();
                    for (i, r) in out.request_responses.iter().enumerate() {
                        if r.record_id.is_some() {
                            accepted.push(next + i as u32);
                        }
                    }
                    next += count as u32;
                }
                Op::Advance(ms) => e.advance_by(ms as u64),
                Op::Bucket(up) => e.set_bucket_available(BUCKET, up),
            }
        }
        e.set_bucket_available(BUCKET, true);
        e.advance_by(25 * 3_600_000);

        // Where each record went.
        let mut seen: BTreeMap<u32, &'static str> = BTreeMap::new();
        let mut place = |n: u32, what: &'static str| -> Result<(), TestCaseError> {
            prop_assert!(seen.insert(n, what).is_none(), "record {} delivered twice (now as {})", n, what);
            Ok(())
        };
        for (key, object) in e.s3.list(BUCKET, "") {
            let lines = object.bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty());
            if key.starts_with("errors/") {
                for line in lines {
                    let v: Value = serde_json::from_slice(line).unwrap();
                    let raw = STANDARD.decode(v["rawData"].as_str().unwrap()).unwrap();
                    place(number_of(&raw), "error output")?;
                }
            } else {
                let numbers: Vec<u32> = lines.map(number_of).collect();
                prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]), "order kept within {}: {:?}", key, numbers);
                for n in numbers {
                    place(n, "data object")?;
                }
            }
        }
        let dropped: u64 = e.invocation_log().map(|l| l.dropped).sum();
        let lost: u64 = e
            .deliveries()
            .filter(|d| d.outcome == Outcome::Lost && d.kind == DeliveryKind::S3Object)
            .map(|d| d.records)
            .sum();
        prop_assert_eq!(e.pending_objects().count(), 0);
        prop_assert!(e.delivery_stream("s").unwrap().buffer.is_empty());
        prop_assert!(seen.keys().all(|n| accepted.contains(n)), "only accepted records land");
        prop_assert_eq!(seen.len() as u64 + dropped + lost, accepted.len() as u64,
            "delivered {} + dropped {} + lost {} = accepted {}", seen.len(), dropped, lost, accepted.len());
        if matches!(setup, Setup::Filtered) {
            let kept_k0 = seen.iter().filter(|(n, w)| **w == "data object" && **n % 5 == 0 && **n % 23 != 22).count();
            prop_assert_eq!(kept_k0, 0, "the filter dropped k=0");
        }
    }
}
