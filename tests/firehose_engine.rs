//! The Firehose engine against FACTS.md §2 (each test names the line it checks) and the API model
//! (aws-models/firehose.json).

use std::io::Read;

use kinesis_lab::engine::firehose::compress::CompressionFormat;
use kinesis_lab::engine::firehose::error::{FirehoseError, FirehoseErrorKind};
use kinesis_lab::engine::firehose::limits::{KIB, MIB};
use kinesis_lab::engine::firehose::types::*;
use kinesis_lab::engine::firehose::{DirectPutQuota, FirehoseConfig, FirehoseEngine, FlushReason, DESTINATION_ID};
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
use proptest::prelude::*;

const START: u64 = DEFAULT_SANDBOX_START_MS; // 2026-01-01T00:00:00Z
const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";
const BUCKET_ARN: &str = "arn:aws:s3:::lab-bucket";
const BUCKET: &str = "lab-bucket";

fn s3_config() -> ExtendedS3DestinationConfiguration {
    ExtendedS3DestinationConfiguration { role_arn: ROLE.into(), bucket_arn: BUCKET_ARN.into(), ..Default::default() }
}

fn with_hints(size: u32, interval: u32) -> ExtendedS3DestinationConfiguration {
    ExtendedS3DestinationConfiguration {
        buffering_hints: Some(BufferingHints { size_in_mbs: Some(size), interval_in_seconds: Some(interval) }),
        ..s3_config()
    }
}

fn create_input(name: &str, dest: ExtendedS3DestinationConfiguration) -> CreateDeliveryStreamInput {
    CreateDeliveryStreamInput {
        delivery_stream_name: name.into(),
        extended_s3_destination_configuration: Some(dest),
        ..Default::default()
    }
}

/// An engine with one ACTIVE Direct PUT stream named "orders".
fn engine_with(dest: ExtendedS3DestinationConfiguration) -> FirehoseEngine {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    e.create_delivery_stream(create_input("orders", dest)).unwrap();
    e.advance_by(e.config.transition_ms);
    assert_eq!(e.describe_delivery_stream("orders").unwrap().delivery_stream_status, DeliveryStreamStatus::Active);
    e
}

fn assert_err<T: std::fmt::Debug>(r: Result<T, FirehoseError>, kind: FirehoseErrorKind, message: &str) {
    let e = r.expect_err("expected an error");
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!(e.message, message);
}

fn keys(e: &FirehoseEngine) -> Vec<String> {
    e.s3.bucket(BUCKET).map(|b| b.keys().cloned().collect()).unwrap_or_default()
}

fn object_bytes(e: &FirehoseEngine, key: &str) -> Vec<u8> {
    e.s3.get(BUCKET, key).unwrap().bytes.clone()
}

// ---------------------------------------------------------------- model: lifecycle and describe

#[test]
fn create_is_creating_then_active_with_arn_and_version_1() {
    // FACTS.md §2 "States CREATING → ACTIVE"; "version starts at 1".
    let mut e = FirehoseEngine::new(FirehoseConfig { transition_ms: 7_000, ..Default::default() }, START);
    let arn = e.create_delivery_stream(create_input("orders", s3_config())).unwrap();
    assert_eq!(arn, "arn:aws:firehose:us-east-1:123456789012:deliverystream/orders");
    let d = e.describe_delivery_stream("orders").unwrap();
    assert_eq!(d.delivery_stream_status, DeliveryStreamStatus::Creating);
    assert_eq!(d.delivery_stream_type, DeliveryStreamType::DirectPut);
    assert_eq!(d.version_id, "1");
    assert_eq!(d.destinations.len(), 1);
    assert_eq!(d.destinations[0].destination_id, DESTINATION_ID);
    let s3 = &d.destinations[0].extended_s3_destination_description;
    // Model defaults: 5 MiB / 300 s, UNCOMPRESSED.
    assert_eq!(s3.buffering_hints, ResolvedBufferingHints { size_in_mbs: 5, interval_in_seconds: 300 });
    assert_eq!(s3.compression_format, CompressionFormat::Uncompressed);
    assert!(!d.has_more_destinations);
    // Writes are refused until ACTIVE.
    assert_err(
        e.put_record("orders", b"x"),
        FirehoseErrorKind::ResourceInUse,
        "Firehose orders under account 123456789012 is not ACTIVE, instead in state CREATING.",
    );
    e.advance_by(6_999);
    assert_eq!(e.describe_delivery_stream("orders").unwrap().delivery_stream_status, DeliveryStreamStatus::Creating);
    e.advance_by(1);
    assert_eq!(e.describe_delivery_stream("orders").unwrap().delivery_stream_status, DeliveryStreamStatus::Active);
    // Describe serialises in the model's member names.
    let json = serde_json::to_value(e.describe_delivery_stream("orders").unwrap()).unwrap();
    assert_eq!(json["DeliveryStreamARN"], arn);
    assert_eq!(json["DeliveryStreamStatus"], "ACTIVE");
    assert_eq!(json["Destinations"][0]["ExtendedS3DestinationDescription"]["BufferingHints"]["SizeInMBs"], 5);
    assert_eq!(json["Destinations"][0]["ExtendedS3DestinationDescription"]["CompressionFormat"], "UNCOMPRESSED");
}

#[test]
fn delete_goes_deleting_then_gone_and_refuses_creating() {
    // Model DeleteDeliveryStream: not in CREATING; DELETING, then removed.
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    e.create_delivery_stream(create_input("orders", s3_config())).unwrap();
    assert_err(
        e.delete_delivery_stream("orders"),
        FirehoseErrorKind::ResourceInUse,
        "Firehose orders under account 123456789012 is not ACTIVE, instead in state CREATING.",
    );
    e.advance_by(e.config.transition_ms);
    e.delete_delivery_stream("orders").unwrap();
    assert_eq!(e.describe_delivery_stream("orders").unwrap().delivery_stream_status, DeliveryStreamStatus::Deleting);
    e.advance_by(e.config.transition_ms);
    assert_err(
        e.describe_delivery_stream("orders"),
        FirehoseErrorKind::ResourceNotFound,
        "Firehose orders under account 123456789012 not found.",
    );
    assert_err(
        e.delete_delivery_stream("orders"),
        FirehoseErrorKind::ResourceNotFound,
        "Firehose orders under account 123456789012 not found.",
    );
}

#[test]
fn duplicate_name_and_bad_names_are_refused() {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    e.create_delivery_stream(create_input("orders", s3_config())).unwrap();
    assert_err(
        e.create_delivery_stream(create_input("orders", s3_config())),
        FirehoseErrorKind::ResourceInUse,
        "Firehose orders under account 123456789012 already exists.",
    );
    // Model DeliveryStreamName: 1–64 of [a-zA-Z0-9_.-].
    assert_err(
        e.create_delivery_stream(create_input("bad name", s3_config())),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
    assert_err(
        e.create_delivery_stream(create_input(&"a".repeat(65), s3_config())),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'deliveryStreamName' failed to satisfy constraint: Member must have length less than or equal to 64",
    );
    e.create_delivery_stream(create_input(&"a".repeat(64), s3_config())).unwrap();
}

#[test]
fn destination_validation_errors() {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let mut c = |dest| e.create_delivery_stream(create_input("s", dest));
    // Model BufferingHints: SizeInMBs 1–128, IntervalInSeconds 0–900 (FACTS.md §2 "S3 1–128 MiB … 0–900 s").
    assert_err(
        c(with_hints(0, 60)),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_err(
        c(with_hints(129, 60)),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128",
    );
    assert_err(
        c(with_hints(5, 901)),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
    );
    // FACTS.md §2 "Size and interval are set together".
    let half = ExtendedS3DestinationConfiguration {
        buffering_hints: Some(BufferingHints { size_in_mbs: Some(5), interval_in_seconds: None }),
        ..s3_config()
    };
    assert_err(
        c(half),
        FirehoseErrorKind::InvalidArgument,
        "BufferingHints: SizeInMBs and IntervalInSeconds must be specified together.",
    );
    let bad_bucket = ExtendedS3DestinationConfiguration { bucket_arn: "lab-bucket".into(), ..s3_config() };
    assert_err(
        c(bad_bucket),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'extendedS3DestinationConfiguration.bucketARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}",
    );
    let bad_role = ExtendedS3DestinationConfiguration { role_arn: "arn:aws:iam::1234:role/x".into(), ..s3_config() };
    assert_eq!(c(bad_role).unwrap_err().kind, FirehoseErrorKind::Validation);
    // Edges accepted: 1 MiB / 0 s and 128 MiB / 900 s.
    assert!(c(with_hints(1, 0)).is_ok());
    assert!(e.create_delivery_stream(create_input("t", with_hints(128, 900))).is_ok());
    let none = CreateDeliveryStreamInput { delivery_stream_name: "u".into(), ..Default::default() };
    assert_err(
        e.create_delivery_stream(none),
        FirehoseErrorKind::InvalidArgument,
        "Exactly one destination configuration must be specified (ExtendedS3, Redshift, Amazonopensearchservice, HttpEndpoint or Splunk).",
    );
}

#[test]
fn list_is_alphabetical_paged_and_filtered() {
    // Model ListDeliveryStreams: default limit 10, ExclusiveStartDeliveryStreamName, DeliveryStreamType.
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    for i in (0..12).rev() {
        e.create_delivery_stream(create_input(&format!("s{i:02}"), s3_config())).unwrap();
    }
    e.create_delivery_stream(CreateDeliveryStreamInput {
        delivery_stream_name: "from-kds".into(),
        delivery_stream_type: Some(DeliveryStreamType::KinesisStreamAsSource),
        kinesis_stream_source_configuration: Some(KinesisStreamSourceConfiguration {
            kinesis_stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks".into(),
            role_arn: ROLE.into(),
        }),
        extended_s3_destination_configuration: Some(s3_config()),
        ..Default::default()
    })
    .unwrap();
    let first = e.list_delivery_streams(None, Some(DeliveryStreamType::DirectPut), None).unwrap();
    assert_eq!(first.delivery_stream_names.len(), 10);
    assert_eq!(first.delivery_stream_names[0], "s00");
    assert!(first.has_more_delivery_streams);
    let rest = e.list_delivery_streams(None, Some(DeliveryStreamType::DirectPut), Some("s09")).unwrap();
    assert_eq!(rest.delivery_stream_names, vec!["s10", "s11"]);
    assert!(!rest.has_more_delivery_streams);
    let kds = e.list_delivery_streams(Some(100), Some(DeliveryStreamType::KinesisStreamAsSource), None).unwrap();
    assert_eq!(kds.delivery_stream_names, vec!["from-kds"]);
    assert_eq!(e.list_delivery_streams(Some(100), None, None).unwrap().delivery_stream_names.len(), 13);
    assert_err(
        e.list_delivery_streams(Some(0), None, None),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
}

#[test]
fn update_destination_bumps_version_merges_and_checks_version() {
    // FACTS.md §2 "version starts at 1 and goes up on each UpdateDestination"; model: merge, version check.
    let mut e = engine_with(with_hints(5, 60));
    e.put_record("orders", b"old-config").unwrap();
    let v = e
        .update_destination(
            "orders",
            "1",
            DESTINATION_ID,
            ExtendedS3DestinationUpdate { compression_format: Some(CompressionFormat::Gzip), ..Default::default() },
        )
        .unwrap();
    assert_eq!(v, 2);
    let d = e.describe_delivery_stream("orders").unwrap();
    assert_eq!(d.version_id, "2");
    let s3 = &d.destinations[0].extended_s3_destination_description;
    assert_eq!(s3.compression_format, CompressionFormat::Gzip);
    assert_eq!(s3.buffering_hints.interval_in_seconds, 60, "unspecified fields keep their values");
    assert!(d.last_update_timestamp_ms.is_some());
    // What was buffered went out under version 1, uncompressed.
    let ks = keys(&e);
    assert_eq!(ks.len(), 1);
    assert!(ks[0].contains("/orders-1-2026-01-01-00-00-"), "{}", ks[0]);
    assert!(!ks[0].ends_with(".gz"));
    assert_eq!(e.deliveries().last().unwrap().reason, FlushReason::Update);
    // New data goes out as version 2, gzipped.
    e.put_record("orders", b"new-config").unwrap();
    e.advance_by(60_000);
    let ks = keys(&e);
    assert_eq!(ks.len(), 2);
    assert!(ks.iter().any(|k| k.contains("/orders-2-") && k.ends_with(".gz")), "{ks:?}");
    assert_err(
        e.update_destination("orders", "1", DESTINATION_ID, Default::default()),
        FirehoseErrorKind::ConcurrentModification,
        "Cannot update Firehose orders: the current version id is 2 but 1 was specified.",
    );
    assert_err(
        e.update_destination("nope", "1", DESTINATION_ID, Default::default()),
        FirehoseErrorKind::ResourceNotFound,
        "Firehose nope under account 123456789012 not found.",
    );
    assert_eq!(
        e.update_destination("orders", "2", "destinationId-9", Default::default()).unwrap_err().kind,
        FirehoseErrorKind::InvalidArgument
    );
    // Bad hints in an update are refused and leave the version alone.
    let bad = ExtendedS3DestinationUpdate {
        buffering_hints: Some(BufferingHints { size_in_mbs: Some(200), interval_in_seconds: Some(60) }),
        ..Default::default()
    };
    assert_eq!(
        e.update_destination("orders", "2", DESTINATION_ID, bad).unwrap_err().kind,
        FirehoseErrorKind::Validation
    );
    assert_eq!(e.describe_delivery_stream("orders").unwrap().version_id, "2");
}

// ---------------------------------------------------------------- PutRecord / PutRecordBatch

#[test]
fn kinesis_source_refuses_puts() {
    // FACTS.md §2 "a Kinesis data stream (then Firehose PutRecord/PutRecordBatch are refused)".
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    e.create_delivery_stream(CreateDeliveryStreamInput {
        delivery_stream_name: "from-kds".into(),
        delivery_stream_type: Some(DeliveryStreamType::KinesisStreamAsSource),
        kinesis_stream_source_configuration: Some(KinesisStreamSourceConfiguration {
            kinesis_stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks".into(),
            role_arn: ROLE.into(),
        }),
        extended_s3_destination_configuration: Some(s3_config()),
        ..Default::default()
    })
    .unwrap();
    e.advance_by(e.config.transition_ms);
    let msg = "This operation is not permitted on KinesisStreamAsSource delivery stream type.";
    assert_err(e.put_record("from-kds", b"x"), FirehoseErrorKind::InvalidArgument, msg);
    assert_err(e.put_record_batch("from-kds", &[b"x"]), FirehoseErrorKind::InvalidArgument, msg);
    let d = e.describe_delivery_stream("from-kds").unwrap();
    assert_eq!(
        d.source.unwrap().kinesis_stream_source_description.kinesis_stream_arn,
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"
    );
    // A Kinesis source needs its configuration.
    let missing = CreateDeliveryStreamInput {
        delivery_stream_name: "x".into(),
        delivery_stream_type: Some(DeliveryStreamType::KinesisStreamAsSource),
        extended_s3_destination_configuration: Some(s3_config()),
        ..Default::default()
    };
    assert_eq!(e.create_delivery_stream(missing).unwrap_err().kind, FirehoseErrorKind::InvalidArgument);
}

#[test]
fn unknown_stream_is_resource_not_found() {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let msg = "Firehose ghost under account 123456789012 not found.";
    assert_err(e.put_record("ghost", b"x"), FirehoseErrorKind::ResourceNotFound, msg);
    assert_err(e.put_record_batch("ghost", &[b"x"]), FirehoseErrorKind::ResourceNotFound, msg);
}

#[test]
fn batch_limits_500_records_4_mib_1000_kib() {
    // FACTS.md §2 "≤ 500 records and ≤ 4 MiB per batch; ≤ 1,000 KiB per record before base64".
    let mut e = engine_with(with_hints(128, 900));
    let small = vec![vec![b'a'; 10]; 501];
    assert_err(
        e.put_record_batch("orders", &small),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
    );
    let empty: Vec<Vec<u8>> = vec![];
    assert_err(
        e.put_record_batch("orders", &empty),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    assert_eq!(e.put_record_batch("orders", &small[..500]).unwrap().failed_put_count, 0);
    let just_over = vec![vec![0u8; 1_024_001]];
    assert_err(
        e.put_record_batch("orders", &just_over),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1024000",
    );
    assert_err(
        e.put_record("orders", &just_over[0]),
        FirehoseErrorKind::Validation,
        "1 validation error detected: Value at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000",
    );
    e.put_record("orders", &vec![0u8; 1_024_000]).unwrap();
    // 5 records of 1,000 KiB = 5,120,000 bytes > 4 MiB (4,194,304); 4 records = 4,096,000 fit.
    e.advance_by(1_000); // refill the 5 MiB/s byte bucket
    let big = vec![vec![1u8; 1_024_000]; 5];
    assert_err(
        e.put_record_batch("orders", &big),
        FirehoseErrorKind::InvalidArgument,
        "Records size exceeds 4 MiB limit: the batch carries 5120000 bytes, at most 4194304 are allowed.",
    );
    assert_eq!(e.put_record_batch("orders", &big[..4]).unwrap().failed_put_count, 0);
}

#[test]
fn batch_responses_align_and_throttle_per_entry() {
    // FACTS.md §2 "FailedPutCount + RequestResponses aligned with the request (RecordId or
    // ErrorCode/ErrorMessage)"; "Direct PUT quota … (smaller elsewhere)" — a settable quota.
    let quota = DirectPutQuota { records_per_sec: 10, requests_per_sec: 3, bytes_per_sec: MIB };
    let mut e = FirehoseEngine::new(FirehoseConfig { direct_put_quota: quota, ..Default::default() }, START);
    e.create_delivery_stream(create_input("orders", with_hints(128, 900))).unwrap();
    e.advance_by(e.config.transition_ms);
    let records: Vec<Vec<u8>> = (0..15).map(|i| format!("r{i}").into_bytes()).collect();
    let out = e.put_record_batch("orders", &records).unwrap();
    assert_eq!(out.request_responses.len(), 15);
    assert_eq!(out.failed_put_count, 5);
    for (i, r) in out.request_responses.iter().enumerate() {
        if i < 10 {
            assert!(r.record_id.is_some() && r.error_code.is_none(), "entry {i}");
        } else {
            assert_eq!(r.record_id, None);
            assert_eq!(r.error_code.as_deref(), Some("ServiceUnavailableException"));
            assert_eq!(r.error_message.as_deref(), Some("Slow down."));
        }
    }
    let ids: std::collections::HashSet<_> = out.request_responses.iter().filter_map(|r| r.record_id.clone()).collect();
    assert_eq!(ids.len(), 10, "record ids are unique");
    // PutRecord over the records quota: the whole call fails.
    assert_err(e.put_record("orders", b"x"), FirehoseErrorKind::ServiceUnavailable, "Slow down.");
    // Requests/s: 3 per second. The third call is let in (its record is over quota, so it fails
    // per entry); the fourth is refused whole.
    let third = e.put_record_batch("orders", &[b"x"]).unwrap();
    assert_eq!(third.failed_put_count, 1);
    assert_err(e.put_record_batch("orders", &[b"x", b"y"]), FirehoseErrorKind::ServiceUnavailable, "Slow down.");
    let m = e.delivery_stream("orders").unwrap().metrics.total();
    assert_eq!(m.incoming_records, 10);
    assert_eq!(m.throttled_records, 5 + 1 + 1 + 2);
    // A second later the buckets have refilled.
    e.advance_by(1_000);
    assert_eq!(e.put_record_batch("orders", &records[..10]).unwrap().failed_put_count, 0);
    // Bytes/s: 1 MiB per second.
    e.advance_by(1_000);
    let big = vec![vec![0u8; 600 * KIB as usize]; 2];
    let out = e.put_record_batch("orders", &big).unwrap();
    assert_eq!(out.failed_put_count, 1);
    assert!(out.request_responses[0].record_id.is_some());
}

#[test]
fn default_quota_is_large_region_and_small_regions_are_smaller() {
    // FACTS.md §2 "Direct PUT quota in large regions: 500,000 records/s, 2,000 requests/s, 5 MiB/s".
    assert_eq!(FirehoseConfig::default().direct_put_quota, DirectPutQuota::LARGE_REGION);
    assert_eq!(DirectPutQuota::LARGE_REGION.records_per_sec, 500_000);
    assert_eq!(DirectPutQuota::LARGE_REGION.requests_per_sec, 2_000);
    assert_eq!(DirectPutQuota::LARGE_REGION.bytes_per_sec, 5 * MIB);
    assert_eq!(DirectPutQuota::for_region("eu-west-1"), DirectPutQuota::LARGE_REGION);
    let small = DirectPutQuota::for_region("ap-south-2");
    assert!(small.records_per_sec < 500_000 && small.bytes_per_sec < 5 * MIB);
    // 2,000 PutRecord calls in one second pass; the 2,001st is throttled.
    let mut e = engine_with(with_hints(128, 900));
    for _ in 0..2_000 {
        e.put_record("orders", b"x").unwrap();
    }
    assert_eq!(e.put_record("orders", b"x").unwrap_err().kind, FirehoseErrorKind::ServiceUnavailable);
}

// ---------------------------------------------------------------- buffering

#[test]
fn interval_flush_when_time_comes_first() {
    // FACTS.md §2 "whichever comes first": 60 s passes before 5 MiB arrive.
    let mut e = engine_with(with_hints(5, 60));
    e.put_record("orders", b"a").unwrap();
    e.advance_by(30_000);
    e.put_record("orders", b"b").unwrap();
    e.advance_by(29_999);
    assert!(keys(&e).is_empty(), "not before 60 s from the first record");
    e.advance_by(1);
    let ks = keys(&e);
    assert_eq!(ks.len(), 1);
    assert_eq!(object_bytes(&e, &ks[0]), b"ab", "no delimiter without AppendDelimiterToRecord (FACTS.md §2)");
    let d = e.deliveries().last().unwrap();
    assert_eq!(d.reason, FlushReason::Interval);
    assert_eq!(d.delivered_ms, START + e.config.transition_ms + 60_000);
    assert_eq!(e.s3.get(BUCKET, &ks[0]).unwrap().last_modified_ms, d.delivered_ms);
}

#[test]
fn interval_flush_lands_at_its_own_instant_in_a_long_advance() {
    let mut e = engine_with(with_hints(5, 60));
    let t0 = e.now_ms();
    e.put_record("orders", b"a").unwrap();
    e.advance_by(3_600_000);
    assert_eq!(e.deliveries().last().unwrap().delivered_ms, t0 + 60_000);
}

#[test]
fn size_flush_when_size_comes_first_and_records_are_never_split() {
    // FACTS.md §2 "whichever comes first"; "A record is never split across objects".
    let mut e = engine_with(with_hints(1, 900));
    let rec = vec![b'x'; 300 * KIB as usize];
    for _ in 0..3 {
        e.put_record("orders", &rec).unwrap(); // 900 KiB buffered
    }
    assert!(keys(&e).is_empty());
    e.put_record("orders", &rec).unwrap(); // would make 1,200 KiB > 1 MiB: the 3 go out first
    let ks = keys(&e);
    assert_eq!(ks.len(), 1);
    assert_eq!(object_bytes(&e, &ks[0]).len(), 900 * KIB as usize);
    assert_eq!(e.deliveries().last().unwrap().reason, FlushReason::Size);
    // Exactly reaching the size flushes at once.
    let mut e = engine_with(with_hints(1, 900));
    e.put_record("orders", &vec![b'y'; 512 * KIB as usize]).unwrap();
    e.put_record("orders", &vec![b'z'; 512 * KIB as usize]).unwrap();
    assert_eq!(keys(&e).len(), 1);
    assert_eq!(object_bytes(&e, &keys(&e)[0]).len(), MIB as usize);
}

#[test]
fn size_is_measured_before_compression() {
    // FACTS.md §2 "size is measured before compression": 1 MiB of zeros gzips to a few KiB but still flushes.
    let mut e = engine_with(ExtendedS3DestinationConfiguration {
        compression_format: Some(CompressionFormat::Gzip),
        ..with_hints(1, 900)
    });
    e.put_record("orders", &vec![0u8; 1_000 * KIB as usize]).unwrap();
    e.put_record("orders", &vec![0u8; 24 * KIB as usize]).unwrap();
    let ks = keys(&e);
    assert_eq!(ks.len(), 1);
    assert!(e.s3.get(BUCKET, &ks[0]).unwrap().bytes.len() < 64 * KIB as usize);
    assert_eq!(e.deliveries().last().unwrap().bytes, MIB);
}

#[test]
fn zero_buffering_flushes_on_the_next_advance() {
    // FACTS.md §2 "Interval 0 = zero buffering (delivery within seconds; added Dec 2023)".
    let mut e = engine_with(with_hints(5, 0));
    e.put_record("orders", b"one").unwrap();
    e.put_record("orders", b"two").unwrap();
    assert!(keys(&e).is_empty(), "a put does not deliver by itself");
    let t = e.now_ms();
    e.advance_to(t);
    assert_eq!(keys(&e).len(), 1);
    assert_eq!(object_bytes(&e, &keys(&e)[0]), b"onetwo");
    assert_eq!(e.deliveries().last().unwrap().delivered_ms, t);
    e.put_record("orders", b"three").unwrap();
    e.advance_by(1);
    assert_eq!(keys(&e).len(), 2);
}

#[test]
fn append_delimiter_adds_newlines() {
    // FACTS.md §2 "Records are concatenated with no delimiter unless the AppendDelimiterToRecord processor is on".
    let mut e = engine_with(ExtendedS3DestinationConfiguration {
        processing_configuration: Some(ProcessingConfiguration {
            enabled: Some(true),
            processors: vec![Processor { processor_type: ProcessorType::AppendDelimiterToRecord, parameters: vec![] }],
        }),
        ..with_hints(1, 60)
    });
    e.put_record_batch("orders", &[&b"{\"a\":1}"[..], b"{\"a\":2}"]).unwrap();
    e.advance_by(60_000);
    assert_eq!(object_bytes(&e, &keys(&e)[0]), b"{\"a\":1}\n{\"a\":2}\n");
    // A Lambda processor needs its function's ARN.
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let lambda = ExtendedS3DestinationConfiguration {
        processing_configuration: Some(ProcessingConfiguration {
            enabled: Some(true),
            processors: vec![Processor { processor_type: ProcessorType::Lambda, parameters: vec![] }],
        }),
        ..s3_config()
    };
    assert_err(
        e.create_delivery_stream(create_input("l", lambda)),
        FirehoseErrorKind::InvalidArgument,
        "The Lambda processor needs a LambdaArn parameter.",
    );
}

#[test]
fn deleting_drops_the_buffer() {
    let mut e = engine_with(with_hints(5, 60));
    e.put_record("orders", b"lost").unwrap();
    e.delete_delivery_stream("orders").unwrap();
    e.advance_by(120_000);
    assert!(keys(&e).is_empty());
}

// ---------------------------------------------------------------- object keys and prefixes

fn key_after_one_record(dest: ExtendedS3DestinationConfiguration, at_ms: u64) -> String {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), at_ms);
    e.create_delivery_stream(create_input("orders", ExtendedS3DestinationConfiguration { ..dest })).unwrap();
    e.advance_by(e.config.transition_ms);
    e.put_record("orders", b"x").unwrap();
    e.advance_by(900_000);
    let ks = keys(&e);
    assert_eq!(ks.len(), 1);
    ks[0].clone()
}

/// 2026-03-04T05:06:00Z; the record arrives 5 s later (the default transition), at 05:06:05.
const T_0306: u64 = 1_772_600_760_000;

fn split_key(key: &str) -> (String, String) {
    let (prefix, name) =
        key.rsplit_once('/').map(|(p, n)| (format!("{p}/"), n.to_string())).unwrap_or((String::new(), key.to_string()));
    (prefix, name)
}

fn assert_uuid(s: &str) {
    assert_eq!(s.len(), 36, "{s}");
    for (i, c) in s.chars().enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            assert_eq!(c, '-', "{s}");
        } else {
            assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase(), "{s}");
        }
    }
}

#[test]
fn default_key_format() {
    // FACTS.md §2 "S3 object key: <evaluated prefix><stream name>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><ext>;
    // default prefix YYYY/MM/dd/HH/ in UTC from the oldest record's arrival".
    let key = key_after_one_record(with_hints(5, 60), T_0306);
    let (prefix, name) = split_key(&key);
    assert_eq!(prefix, "2026/03/04/05/");
    let stem = "orders-1-2026-03-04-05-06-05-";
    assert!(name.starts_with(stem), "{name}");
    assert_uuid(&name[stem.len()..]);
}

#[test]
fn custom_prefix_without_timestamp_gets_one_appended() {
    // FACTS.md §2 "A prefix without a timestamp expression gets !{timestamp:yyyy/MM/dd/HH/} appended".
    let key = key_after_one_record(
        ExtendedS3DestinationConfiguration { prefix: Some("logs/".into()), ..with_hints(5, 60) },
        T_0306,
    );
    assert!(key.starts_with("logs/2026/03/04/05/orders-1-2026-03-04-05-06-05-"), "{key}");
}

#[test]
fn timestamp_and_random_string_expressions() {
    // FACTS.md §2 "Prefix namespaces: !{timestamp:…}, !{firehose:random-string}".
    let dest = ExtendedS3DestinationConfiguration {
        prefix: Some("y=!{timestamp:yyyy}/m=!{timestamp:MM}/d=!{timestamp:dd}/t=!{timestamp:HH'h'mm'm'ss's'}/r=!{firehose:random-string}/".into()),
        error_output_prefix: Some("err/!{firehose:error-output-type}/".into()),
        ..with_hints(5, 60)
    };
    let key = key_after_one_record(dest, T_0306);
    let parts: Vec<&str> = key.split('/').collect();
    assert_eq!(&parts[..4], &["y=2026", "m=03", "d=04", "t=05h06m05s"], "{key}");
    let random = parts[4].strip_prefix("r=").unwrap();
    assert_eq!(random.len(), 11);
    assert!(random.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(parts[5].starts_with("orders-1-2026-03-04-05-06-05-"), "no extra timestamp appended: {key}");
}

#[test]
fn prefix_uses_the_oldest_records_arrival() {
    // FACTS.md §2 "in UTC from the oldest record's arrival": records spanning an hour boundary.
    let start = 1_767_229_190_000; // 2026-01-01T00:59:50Z
    let mut e = FirehoseEngine::new(FirehoseConfig { transition_ms: 1_000, ..Default::default() }, start);
    e.create_delivery_stream(create_input("orders", with_hints(5, 60))).unwrap();
    e.advance_by(1_000);
    e.put_record("orders", b"a").unwrap(); // 00:59:51
    e.advance_by(20_000);
    e.put_record("orders", b"b").unwrap(); // 01:00:11
    e.advance_by(60_000);
    let ks = keys(&e);
    assert_eq!(ks.len(), 1);
    assert!(ks[0].starts_with("2026/01/01/00/orders-1-2026-01-01-00-59-51-"), "{}", ks[0]);
}

#[test]
fn prefix_validation_errors() {
    // FACTS.md §2 "!{firehose:error-output-type} (only in ErrorOutputPrefix)"; "a custom ErrorOutputPrefix
    // must contain the error-output-type expression; 512 chars max".
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    let mut n = 0;
    let mut c = |prefix: Option<&str>, error: Option<&str>| {
        n += 1;
        e.create_delivery_stream(create_input(
            &format!("p{n}"),
            ExtendedS3DestinationConfiguration {
                prefix: prefix.map(String::from),
                error_output_prefix: error.map(String::from),
                ..s3_config()
            },
        ))
    };
    assert_err(
        c(Some("a/!{firehose:error-output-type}/"), Some("e/!{firehose:error-output-type}/")),
        FirehoseErrorKind::InvalidArgument,
        "Prefix: the expression !{firehose:error-output-type} is allowed only in ErrorOutputPrefix.",
    );
    assert_err(
        c(Some("a/"), Some("e/!{timestamp:yyyy}/")),
        FirehoseErrorKind::InvalidArgument,
        "ErrorOutputPrefix: a prefix with expressions must contain at least one !{firehose:error-output-type} expression.",
    );
    assert_err(
        c(Some("a/!{timestamp:yyyy}/"), None),
        FirehoseErrorKind::InvalidArgument,
        "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.",
    );
    assert_err(
        c(Some("a/!{timestamp:yyyy/MM"), Some("e/")),
        FirehoseErrorKind::InvalidArgument,
        "Prefix: the expression starting at '!{timestamp:yyyy/MM' is not closed with '}'.",
    );
    assert_err(
        c(Some("a/!{timestamp:YYYY}/"), Some("e/!{firehose:error-output-type}")),
        FirehoseErrorKind::InvalidArgument,
        "Prefix: the timestamp format 'YYYY' is invalid: unsupported pattern 'YYYY'. Supported: yyyy, MM, dd, HH, mm, ss and literal text.",
    );
    assert_err(
        c(Some("a/!{firehose:bogus}/"), Some("e/!{firehose:error-output-type}")),
        FirehoseErrorKind::InvalidArgument,
        "Prefix: unknown expression !{firehose:bogus}. Supported: !{timestamp:<format>}, !{firehose:random-string}, !{firehose:error-output-type}.",
    );
    assert_err(
        c(Some("!{partitionKeyFromQuery:customer}/"), Some("e/!{firehose:error-output-type}")),
        FirehoseErrorKind::InvalidArgument,
        "Prefix: the expression !{partitionKeyFromQuery:customer} needs dynamic partitioning, which is not enabled for this Firehose stream.",
    );
    // 512 evaluated characters: 498 literal + the appended yyyy/MM/dd/HH/ (14) = 512 passes; 499 fails.
    assert!(c(Some(&"a".repeat(498)), None).is_ok());
    assert_err(
        c(Some(&"a".repeat(499)), None),
        FirehoseErrorKind::InvalidArgument,
        "Prefix: the evaluated prefix can be longer than 512 characters.",
    );
    assert_eq!(c(Some(&"a".repeat(1025)), None).unwrap_err().kind, FirehoseErrorKind::Validation);
    // ErrorOutputPrefix: the longest error-output-type, "AmazonOpenSearchService-failed", is 30 characters.
    let eop = |n: usize| format!("{}!{{firehose:error-output-type}}", "e".repeat(n));
    assert!(c(Some("ok/"), Some(&eop(482))).is_ok());
    assert_err(
        c(Some("ok/"), Some(&eop(483))),
        FirehoseErrorKind::InvalidArgument,
        "ErrorOutputPrefix: the evaluated prefix can be longer than 512 characters.",
    );
}

#[test]
fn extensions_by_compression() {
    // FACTS.md §2 "Compression: UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY".
    for (format, ext) in [
        (CompressionFormat::Uncompressed, None),
        (CompressionFormat::Gzip, Some(".gz")),
        (CompressionFormat::Zip, Some(".zip")),
        (CompressionFormat::Snappy, Some(".snappy")),
        (CompressionFormat::HadoopSnappy, Some(".snappy")),
    ] {
        let key = key_after_one_record(
            ExtendedS3DestinationConfiguration { compression_format: Some(format), ..with_hints(5, 60) },
            START,
        );
        let name = split_key(&key).1;
        match ext {
            Some(ext) => assert!(name.ends_with(ext), "{format:?}: {name}"),
            None => assert_uuid(&name[name.len() - 36..]),
        }
    }
}

#[test]
fn same_seed_same_keys() {
    // DESIGN.md: no unseeded randomness, so the same inputs give the same outputs.
    let run = |seed| {
        let mut e = FirehoseEngine::new(FirehoseConfig { seed, ..Default::default() }, START);
        e.create_delivery_stream(create_input("orders", with_hints(5, 60))).unwrap();
        e.advance_by(5_000);
        let id = e.put_record("orders", b"x").unwrap().record_id;
        e.advance_by(60_000);
        (id, keys(&e))
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

// ---------------------------------------------------------------- compression, read back by standard readers

fn delivered_with(format: CompressionFormat, records: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
    let mut e =
        engine_with(ExtendedS3DestinationConfiguration { compression_format: Some(format), ..with_hints(5, 60) });
    for batch in records.chunks(500) {
        assert_eq!(e.put_record_batch("orders", batch).unwrap().failed_put_count, 0);
    }
    e.advance_by(60_000);
    let ks = keys(&e);
    assert_eq!(ks.len(), 1);
    let object = e.s3.get(BUCKET, &ks[0]).unwrap();
    assert_eq!(object.content_type, "application/octet-stream");
    (object.bytes.clone(), records.concat())
}

fn sample_records() -> Vec<Vec<u8>> {
    (0..400).map(|i| format!("{{\"order\":{i},\"item\":\"widget-{}\"}}\n", i % 7).into_bytes()).collect()
}

#[test]
fn gzip_objects_decode_with_gzdecoder() {
    let (stored, original) = delivered_with(CompressionFormat::Gzip, &sample_records());
    assert_eq!(&stored[..2], &[0x1f, 0x8b]);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&stored[..]).read_to_end(&mut out).unwrap();
    assert_eq!(out, original);
    assert!(stored.len() < original.len());
}

#[test]
fn gzip_objects_decode_with_system_gzip() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if Command::new("gzip").arg("--version").stdout(Stdio::null()).status().is_err() {
        println!("note: no `gzip` on this machine; system gunzip check skipped");
        return;
    }
    let (stored, original) = delivered_with(CompressionFormat::Gzip, &sample_records());
    let mut child = Command::new("gzip").arg("-dc").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&stored).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, original);
}

#[test]
fn zip_objects_decode_with_the_zip_crate() {
    let (stored, original) = delivered_with(CompressionFormat::Zip, &sample_records());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(stored)).unwrap();
    assert_eq!(archive.len(), 1);
    let mut file = archive.by_index(0).unwrap();
    assert!(file.name().starts_with("orders-1-"), "{}", file.name());
    let mut out = Vec::new();
    file.read_to_end(&mut out).unwrap();
    assert_eq!(out, original);
}

#[test]
fn zip_objects_decode_with_system_unzip() {
    use std::process::{Command, Stdio};
    if Command::new("unzip").arg("-v").stdout(Stdio::null()).status().is_err() {
        println!("note: no `unzip` on this machine; system unzip check skipped");
        return;
    }
    let (stored, original) = delivered_with(CompressionFormat::Zip, &sample_records());
    let path = std::env::temp_dir().join(format!("firehose-engine-test-{}.zip", std::process::id()));
    std::fs::write(&path, &stored).unwrap();
    let out = Command::new("unzip").arg("-p").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, original);
}

#[test]
fn snappy_objects_decode_with_framedecoder() {
    let (stored, original) = delivered_with(CompressionFormat::Snappy, &sample_records());
    assert_eq!(&stored[..10], b"\xff\x06\x00\x00sNaPpY", "framing-format stream identifier");
    let mut out = Vec::new();
    snap::read::FrameDecoder::new(&stored[..]).read_to_end(&mut out).unwrap();
    assert_eq!(out, original);
}

/// Hadoop's BlockDecompressorStream over Snappy, written out: [u32 BE raw length][u32 BE chunk length][chunk]…
fn hadoop_snappy_decode(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    while !data.is_empty() {
        let raw_len = be(&data[..4]);
        let mut got = 0;
        data = &data[4..];
        while got < raw_len {
            let n = be(&data[..4]);
            let chunk = snap::raw::Decoder::new().decompress_vec(&data[4..4 + n]).unwrap();
            got += chunk.len();
            out.extend_from_slice(&chunk);
            data = &data[4 + n..];
        }
        assert_eq!(got, raw_len);
    }
    out
}

#[test]
fn hadoop_snappy_objects_decode_block_by_block() {
    // More than one 256 KiB Hadoop block.
    let records: Vec<Vec<u8>> = (0..700).map(|i| format!("{i:>999}\n").into_bytes()).collect();
    let (stored, original) = delivered_with(CompressionFormat::HadoopSnappy, &records);
    assert!(original.len() > 2 * 256 * 1024);
    assert_eq!(hadoop_snappy_decode(&stored), original);
}

// ---------------------------------------------------------------- metrics

#[test]
fn metrics_per_second() {
    // FACTS.md §2 "Metrics: IncomingBytes, IncomingRecords, DeliveryToS3.Success, DeliveryToS3.DataFreshness
    // (age of oldest undelivered record), DeliveryToS3.Records/Bytes, ThrottledRecords".
    let mut e = engine_with(with_hints(5, 60));
    let t0 = e.now_ms();
    e.put_record_batch("orders", &[&b"abc"[..], b"de"]).unwrap();
    e.advance_by(30_000);
    let s = e.delivery_stream("orders").unwrap();
    let p0 = s.metrics.get(t0 / 1000).unwrap();
    assert_eq!((p0.incoming_records, p0.incoming_bytes), (2, 5));
    assert_eq!(s.metrics.get((t0 + 30_000) / 1000).unwrap().data_freshness_ms_max, 30_000);
    e.advance_by(30_000);
    let s = e.delivery_stream("orders").unwrap();
    let p = s.metrics.get((t0 + 60_000) / 1000).unwrap();
    assert_eq!(p.delivery_to_s3_success, 1);
    assert_eq!(p.delivery_to_s3_attempts, 1);
    assert_eq!(p.delivery_to_s3_records, 2);
    assert_eq!(p.delivery_to_s3_bytes, 5);
    assert_eq!(p.data_freshness_ms_max, 60_000);
    // Every second in between has its freshness, growing by a second each second.
    for k in 1..59u64 {
        let sec = (t0 + k * 1000) / 1000;
        let expected = (sec * 1000 + 999 - t0).min(60_000);
        assert_eq!(s.metrics.get(sec).unwrap().data_freshness_ms_max, expected, "second {k}");
    }
    // Nothing left undelivered: no freshness afterwards.
    e.advance_by(5_000);
    let s = e.delivery_stream("orders").unwrap();
    assert!(s.metrics.get((t0 + 65_000) / 1000).is_none());
}

#[test]
fn metric_history_is_bounded() {
    let mut e =
        FirehoseEngine::new(FirehoseConfig { metric_series_seconds: 5, transition_ms: 0, ..Default::default() }, START);
    e.create_delivery_stream(create_input("orders", with_hints(5, 900))).unwrap();
    e.advance_by(0);
    for _ in 0..20 {
        e.put_record("orders", b"x").unwrap();
        e.advance_by(1_000);
    }
    assert_eq!(e.delivery_stream("orders").unwrap().metrics.points().count(), 5);
}

#[test]
fn engine_state_round_trips_through_serde() {
    let mut e = engine_with(with_hints(5, 60));
    e.put_record("orders", b"buffered").unwrap();
    let saved = serde_json::to_string(&e).unwrap();
    let mut restored: FirehoseEngine = serde_json::from_str(&saved).unwrap();
    e.advance_by(60_000);
    restored.advance_by(60_000);
    assert_eq!(keys(&e), keys(&restored));
    assert_eq!(e.put_record("orders", b"y").unwrap(), restored.put_record("orders", b"y").unwrap());
}

// ---------------------------------------------------------------- property: nothing lost, nothing duplicated

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// FACTS.md §2 "whichever comes first" and "A record is never split across objects": every accepted
    /// record lands in exactly one object, whole and in order, for random sizes, hints and steps.
    #[test]
    fn every_accepted_record_lands_once_in_order(
        size_mib in 1u32..=2,
        interval in prop_oneof![Just(0u32), 1u32..=120, Just(900u32)],
        delimiter in any::<bool>(),
        ops in prop::collection::vec((1usize..=8, 0usize..=700_000, 0u64..=40_000), 1..40),
    ) {
        let processing = delimiter.then(|| ProcessingConfiguration {
            enabled: Some(true),
            processors: vec![Processor { processor_type: ProcessorType::AppendDelimiterToRecord, parameters: vec![] }],
        });
        let mut e = engine_with(ExtendedS3DestinationConfiguration {
            processing_configuration: processing,
            ..with_hints(size_mib, interval)
        });
        let mut sent: Vec<(String, Vec<u8>)> = Vec::new();
        let mut counter = 0u32;
        for (batch, max_len, step) in ops {
            let records: Vec<Vec<u8>> = (0..batch)
                .map(|_| {
                    counter += 1;
                    let mut r = counter.to_be_bytes().to_vec();
                    r.resize(4 + (counter as usize * 7919) % (max_len + 1), (counter % 251) as u8);
                    r
                })
                .collect();
            // Keep the batch within 4 MiB (FACTS.md §2) by dropping records from its end.
            let mut records = records;
            while records.iter().map(Vec::len).sum::<usize>() as u64 > 4 * MIB {
                records.pop();
            }
            let out = e.put_record_batch("orders", &records).unwrap();
            for (r, resp) in records.into_iter().zip(out.request_responses) {
                if let Some(id) = resp.record_id {
                    sent.push((id, r));
                }
            }
            e.advance_by(step);
        }
        e.advance_by(interval as u64 * 1000 + 1);
        prop_assert!(e.delivery_stream("orders").unwrap().buffer.is_empty());
        // Walk the deliveries in order: each takes the next `records` accepted records, whole.
        let mut next = 0usize;
        let limit = size_mib as u64 * MIB;
        for d in e.deliveries() {
            prop_assert!(d.records > 0);
            let taken = &sent[next..next + d.records as usize];
            prop_assert_eq!(&d.first_record_id, &taken[0].0);
            prop_assert_eq!(&d.last_record_id, &taken[taken.len() - 1].0);
            let mut expected = Vec::new();
            for (_, r) in taken {
                expected.extend_from_slice(r);
                if delimiter {
                    expected.push(b'\n');
                }
            }
            let body = object_bytes(&e, &d.key);
            prop_assert_eq!(&body, &expected);
            prop_assert!(body.len() as u64 <= limit, "object over the size hint");
            next += d.records as usize;
        }
        prop_assert_eq!(next, sent.len(), "every accepted record delivered");
        prop_assert_eq!(e.s3.object_count(), e.deliveries().count());
    }
}
