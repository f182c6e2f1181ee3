//! The Firehose API layer (src/api/firehose.rs): every supported operation through `FirehoseService`,
//! successful responses checked against the output shapes of AWS's model (models/firehose.json), errors
//! checked for AWS's `__type` and message. Each test names its source.

use kinesis_lab::api::firehose::{FirehoseService, UNSUPPORTED_TYPE};
use kinesis_lab::api::kinesis::ApiReply;
use kinesis_lab::api::{model, shape_check};
use kinesis_lab::engine::firehose::{DirectPutQuota, FirehoseConfig};
use serde_json::{json, Value};

const START_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";
const BUCKET: &str = "arn:aws:s3:::lab-bucket";

fn service() -> FirehoseService {
    FirehoseService::new(FirehoseConfig::default(), START_MS)
}

fn service_with(f: impl FnOnce(&mut FirehoseConfig)) -> FirehoseService {
    let mut config = FirehoseConfig::default();
    f(&mut config);
    FirehoseService::new(config, START_MS)
}

/// Call and require success; the body must match the model's output shape exactly.
fn ok(svc: &mut FirehoseService, op: &str, body: Value) -> Value {
    match svc.call_json(op, &body) {
        ApiReply::Json { status: 200, body: out } => {
            if let Err(e) = shape_check::check_response(model::firehose(), op, &out) {
                panic!("{op} response does not match the model: {e}\n{out}");
            }
            out
        }
        other => panic!("{op} {body} failed: {other:?}"),
    }
}

/// Call and require an error; returns (HTTP status, __type, message).
fn err(svc: &mut FirehoseService, op: &str, body: Value) -> (u16, String, String) {
    match svc.call_json(op, &body) {
        ApiReply::Json { status, body } if status != 200 => (
            status,
            body["__type"].as_str().unwrap_or_default().to_string(),
            body.get("message").and_then(Value::as_str).unwrap_or_default().to_string(),
        ),
        other => panic!("{op} {body} unexpectedly succeeded: {other:?}"),
    }
}

fn s3_config() -> Value {
    json!({"RoleARN": ROLE, "BucketARN": BUCKET, "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})
}

fn create(svc: &mut FirehoseService, name: &str) -> Value {
    ok(svc, "CreateDeliveryStream", json!({"DeliveryStreamName": name, "ExtendedS3DestinationConfiguration": s3_config()}))
}

fn settle(svc: &mut FirehoseService) {
    let t = svc.engine.config.transition_ms + 1;
    svc.engine.advance_by(t);
}

fn active(svc: &mut FirehoseService, name: &str) {
    create(svc, name);
    settle(svc);
}

fn describe(svc: &mut FirehoseService, name: &str) -> Value {
    ok(svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": name}))["DeliveryStreamDescription"].clone()
}

fn one_error(rest: &str) -> String {
    format!("1 validation error detected: {rest}")
}

// ---- happy paths ----

// Source: model CreateDeliveryStreamOutput {DeliveryStreamARN}, DeliveryStreamARN pattern; FACTS.md §2
// "States CREATING → ACTIVE"; model ExtendedS3DestinationDescription required members.
#[test]
fn create_then_describe_creating_then_active() {
    let mut svc = service();
    let out = create(&mut svc, "orders");
    assert_eq!(out["DeliveryStreamARN"], "arn:aws:firehose:us-east-1:123456789012:deliverystream/orders");
    let d = describe(&mut svc, "orders");
    assert_eq!(d["DeliveryStreamStatus"], "CREATING");
    assert_eq!(d["DeliveryStreamType"], "DirectPut");
    assert_eq!(d["VersionId"], "1");
    assert_eq!(d["CreateTimestamp"], json!(START_MS as f64 / 1000.0));
    assert_eq!(d["HasMoreDestinations"], false);
    let dest = &d["Destinations"][0];
    assert_eq!(dest["DestinationId"], "destinationId-000000000001");
    let s3 = &dest["ExtendedS3DestinationDescription"];
    assert_eq!(s3["BufferingHints"], json!({"SizeInMBs": 1, "IntervalInSeconds": 60}));
    assert_eq!(s3["CompressionFormat"], "UNCOMPRESSED");
    assert_eq!(s3["EncryptionConfiguration"], json!({"NoEncryptionConfig": "NoEncryption"}));
    settle(&mut svc);
    assert_eq!(describe(&mut svc, "orders")["DeliveryStreamStatus"], "ACTIVE");
}

// Source: FACTS.md §2 buffering defaults "S3 1–128 MiB (default 5) and 0–900 s (default 300)".
#[test]
fn create_without_hints_describes_defaults() {
    let mut svc = service();
    ok(
        &mut svc,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "d", "DeliveryStreamType": "DirectPut",
               "ExtendedS3DestinationConfiguration": {"RoleARN": ROLE, "BucketARN": BUCKET, "CompressionFormat": "GZIP",
                   "EncryptionConfiguration": {"NoEncryptionConfig": "NoEncryption"}, "S3BackupMode": "Disabled",
                   "CloudWatchLoggingOptions": {"Enabled": false}}}),
    );
    let s3 = &describe(&mut svc, "d")["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(s3["BufferingHints"], json!({"SizeInMBs": 5, "IntervalInSeconds": 300}));
    assert_eq!(s3["CompressionFormat"], "GZIP");
}

// Source: model KinesisStreamSourceDescription {KinesisStreamARN, RoleARN, DeliveryStartTimestamp};
// FACTS.md §2 (a Kinesis-stream source reads from LATEST).
#[test]
fn kinesis_source_is_described() {
    let mut svc = service();
    let stream = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks";
    ok(
        &mut svc,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "k", "DeliveryStreamType": "KinesisStreamAsSource",
               "KinesisStreamSourceConfiguration": {"KinesisStreamARN": stream, "RoleARN": ROLE},
               "ExtendedS3DestinationConfiguration": s3_config()}),
    );
    let d = describe(&mut svc, "k");
    assert_eq!(d["DeliveryStreamType"], "KinesisStreamAsSource");
    assert_eq!(d["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"], stream);
    assert_eq!(d["Source"]["KinesisStreamSourceDescription"]["DeliveryStartTimestamp"], json!(START_MS as f64 / 1000.0));
}

// Source: model DeleteDeliveryStreamOutput {} ; DeliveryStreamStatus enum (DELETING).
#[test]
fn delete_goes_deleting_then_gone() {
    let mut svc = service();
    active(&mut svc, "gone");
    assert_eq!(ok(&mut svc, "DeleteDeliveryStream", json!({"DeliveryStreamName": "gone"})), json!({}));
    assert_eq!(describe(&mut svc, "gone")["DeliveryStreamStatus"], "DELETING");
    settle(&mut svc);
    let (status, t, _) = err(&mut svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": "gone"}));
    assert_eq!((status, t.as_str()), (400, "ResourceNotFoundException"));
}

// Source: model ListDeliveryStreamsInput {Limit, DeliveryStreamType, ExclusiveStartDeliveryStreamName},
// ListDeliveryStreamsOutput {DeliveryStreamNames, HasMoreDeliveryStreams}.
#[test]
fn list_pages_and_filters() {
    let mut svc = service();
    for n in ["c", "a", "b"] {
        create(&mut svc, n);
    }
    let page = ok(&mut svc, "ListDeliveryStreams", json!({"Limit": 2}));
    assert_eq!(page, json!({"DeliveryStreamNames": ["a", "b"], "HasMoreDeliveryStreams": true}));
    let rest = ok(&mut svc, "ListDeliveryStreams", json!({"Limit": 2, "ExclusiveStartDeliveryStreamName": "b"}));
    assert_eq!(rest, json!({"DeliveryStreamNames": ["c"], "HasMoreDeliveryStreams": false}));
    let kinesis = ok(&mut svc, "ListDeliveryStreams", json!({"DeliveryStreamType": "KinesisStreamAsSource"}));
    assert_eq!(kinesis["DeliveryStreamNames"], json!([]));
    let msk = ok(&mut svc, "ListDeliveryStreams", json!({"DeliveryStreamType": "MSKAsSource"}));
    assert_eq!(msk["DeliveryStreamNames"], json!([]));
    assert_eq!(ok(&mut svc, "ListDeliveryStreams", json!({}))["DeliveryStreamNames"], json!(["a", "b", "c"]));
}

// Source: model UpdateDestination ("Firehose merges the configuration parameters", version id must
// match: ConcurrentModificationException); FACTS.md §2 "version starts at 1 and goes up on each UpdateDestination".
#[test]
fn update_destination_merges_and_bumps_version() {
    let mut svc = service();
    active(&mut svc, "u");
    let update = json!({"DeliveryStreamName": "u", "CurrentDeliveryStreamVersionId": "1",
        "DestinationId": "destinationId-000000000001",
        "ExtendedS3DestinationUpdate": {"BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 900}, "Prefix": "logs/"}});
    assert_eq!(ok(&mut svc, "UpdateDestination", update.clone()), json!({}));
    let d = describe(&mut svc, "u");
    assert_eq!(d["VersionId"], "2");
    assert!(d["LastUpdateTimestamp"].is_number());
    let s3 = &d["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(s3["BufferingHints"], json!({"SizeInMBs": 64, "IntervalInSeconds": 900}));
    assert_eq!(s3["Prefix"], "logs/");
    assert_eq!(s3["BucketARN"], BUCKET);
    // The same request again carries a stale version id.
    let (status, t, _) = err(&mut svc, "UpdateDestination", update);
    assert_eq!((status, t.as_str()), (400, "ConcurrentModificationException"));
}

// Source: model PutRecordOutput {RecordId (required), Encrypted}; FACTS.md §2 flush "whichever comes first".
#[test]
fn put_record_returns_record_id_and_is_delivered() {
    let mut svc = service();
    active(&mut svc, "p");
    let out = ok(&mut svc, "PutRecord", json!({"DeliveryStreamName": "p", "Record": {"Data": "aGVsbG8="}}));
    assert!(out["RecordId"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(out["Encrypted"], false);
    assert_eq!(svc.engine.deliveries().count(), 0);
    svc.engine.advance_by(61_000);
    assert_eq!(svc.engine.deliveries().count(), 1);
}

// Source: FACTS.md §2 "Response FailedPutCount + RequestResponses aligned with the request (RecordId or
// ErrorCode/ErrorMessage)"; model PutRecordBatchOutput.
#[test]
fn put_record_batch_partial_failure_is_aligned() {
    let mut svc = service_with(|c| {
        c.direct_put_quota = DirectPutQuota { records_per_sec: 2, ..DirectPutQuota::LARGE_REGION };
    });
    active(&mut svc, "b");
    let records: Vec<Value> = (0..5).map(|_| json!({"Data": "eA=="})).collect();
    let out = ok(&mut svc, "PutRecordBatch", json!({"DeliveryStreamName": "b", "Records": records}));
    assert_eq!(out["FailedPutCount"], 3);
    let responses = out["RequestResponses"].as_array().expect("RequestResponses");
    assert_eq!(responses.len(), 5);
    for r in &responses[..2] {
        assert!(r["RecordId"].is_string() && r.get("ErrorCode").is_none(), "{r}");
    }
    for r in &responses[2..] {
        assert_eq!(r["ErrorCode"], "ServiceUnavailableException");
        assert_eq!(r["ErrorMessage"], "Slow down.");
        assert!(r.get("RecordId").is_none());
    }
}

// Source: model PutRecordBatchOutput; all records accepted → FailedPutCount 0.
#[test]
fn put_record_batch_all_accepted() {
    let mut svc = service();
    active(&mut svc, "b");
    let out = ok(&mut svc, "PutRecordBatch", json!({"DeliveryStreamName": "b", "Records": [{"Data": "YQ=="}, {"Data": "Yg=="}]}));
    assert_eq!(out["FailedPutCount"], 0);
    assert_eq!(out["RequestResponses"].as_array().map(Vec::len), Some(2));
}

// ---- validation errors (model constraints, AWS's ValidationException text) ----

// Source: model CreateDeliveryStreamInput required [DeliveryStreamName].
#[test]
fn missing_required_member() {
    let mut svc = service();
    let (status, t, m) = err(&mut svc, "CreateDeliveryStream", json!({"ExtendedS3DestinationConfiguration": s3_config()}));
    assert_eq!((status, t.as_str()), (400, "ValidationException"));
    assert_eq!(m, one_error("Value null at 'deliveryStreamName' failed to satisfy constraint: Member must not be null"));
    let (_, t, m) = err(&mut svc, "PutRecord", json!({"DeliveryStreamName": "p", "Record": {}}));
    assert_eq!(t, "ValidationException");
    assert_eq!(m, one_error("Value null at 'record.data' failed to satisfy constraint: Member must not be null"));
}

// Source: model DeliveryStreamType enum [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource],
// printed in AWS's hash-set order (validate::aws_enum_order); CompressionFormat enum.
#[test]
fn bad_enum() {
    let mut svc = service();
    let (_, t, m) = err(
        &mut svc,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "e", "DeliveryStreamType": "Pigeon", "ExtendedS3DestinationConfiguration": s3_config()}),
    );
    assert_eq!(t, "ValidationException");
    assert_eq!(
        m,
        one_error("Value 'Pigeon' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: [DirectPut, DatabaseAsSource, MSKAsSource, KinesisStreamAsSource]")
    );
    let mut config = s3_config();
    config["CompressionFormat"] = json!("LZ4");
    let (_, _, m) = err(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "e", "ExtendedS3DestinationConfiguration": config}));
    assert_eq!(
        m,
        one_error("Value 'LZ4' at 'extendedS3DestinationConfiguration.compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [ZIP, HADOOP_SNAPPY, Snappy, GZIP, UNCOMPRESSED]")
    );
}

// Source: model SizeInMBs {min 1, max 128}, IntervalInSeconds {min 0, max 900}; FACTS.md §2 "S3 1–128 MiB, 0–900 s".
#[test]
fn buffering_hints_out_of_range() {
    let mut svc = service();
    let body = |size: i64, interval: i64| {
        json!({"DeliveryStreamName": "h", "ExtendedS3DestinationConfiguration":
            {"RoleARN": ROLE, "BucketARN": BUCKET, "BufferingHints": {"SizeInMBs": size, "IntervalInSeconds": interval}}})
    };
    let (_, t, m) = err(&mut svc, "CreateDeliveryStream", body(0, 60));
    assert_eq!(t, "ValidationException");
    assert_eq!(m, one_error("Value '0' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value greater than or equal to 1"));
    let (_, _, m) = err(&mut svc, "CreateDeliveryStream", body(129, 60));
    assert_eq!(m, one_error("Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128"));
    let (_, _, m) = err(&mut svc, "CreateDeliveryStream", body(5, 901));
    assert_eq!(m, one_error("Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900"));
    let (_, _, m) = err(&mut svc, "CreateDeliveryStream", body(200, -1));
    assert!(m.starts_with("2 validation errors detected: "), "{m}");
    // The bounds themselves are accepted (interval 0 = zero buffering, FACTS.md §2).
    ok(&mut svc, "CreateDeliveryStream", body(128, 0));
}

// Source: model DeliveryStreamName {min 1, max 64, pattern [a-zA-Z0-9_.-]+}.
#[test]
fn name_pattern_and_length() {
    let mut svc = service();
    let (_, t, m) = err(&mut svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": "bad name!"}));
    assert_eq!(t, "ValidationException");
    assert_eq!(m, one_error("Value 'bad name!' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
    let long = "x".repeat(65);
    let (_, _, m) = err(&mut svc, "DeleteDeliveryStream", json!({"DeliveryStreamName": long}));
    assert_eq!(m, one_error(&format!("Value '{long}' at 'deliveryStreamName' failed to satisfy constraint: Member must have length less than or equal to 64")));
}

// Source: model PutRecordBatchRequestEntryList {min 1, max 500}; FACTS.md §2 "≤ 500 records".
#[test]
fn put_record_batch_record_count_bounds() {
    let mut svc = service();
    active(&mut svc, "b");
    let (_, t, m) = err(&mut svc, "PutRecordBatch", json!({"DeliveryStreamName": "b", "Records": []}));
    assert_eq!(t, "ValidationException");
    assert_eq!(m, one_error("Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    let records: Vec<Value> = (0..501).map(|_| json!({"Data": "eA=="})).collect();
    let (_, t, m) = err(&mut svc, "PutRecordBatch", json!({"DeliveryStreamName": "b", "Records": records}));
    assert_eq!(t, "ValidationException");
    assert!(m.contains("at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"), "{m}");
}

// Source: AWS JSON 1.1 (Coral) deserialization: a value of the wrong JSON kind, or an empty body, is a
// SerializationException (same front end as Kinesis, kinesalite tests).
#[test]
fn serialization_errors() {
    let mut svc = service();
    let (_, t, _) = err(&mut svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": 5}));
    assert_eq!(t, "SerializationException");
    match svc.call("ListDeliveryStreams", b"") {
        ApiReply::Json { status: 400, body } => assert_eq!(body, json!({"__type": "SerializationException"})),
        other => panic!("{other:?}"),
    }
}

// ---- engine errors' __type ----

// Source: model operation errors (ResourceNotFoundException, ResourceInUseException, InvalidArgumentException,
// LimitExceededException, ServiceUnavailableException fault → 5xx); FACTS.md §2 (Kinesis-source streams
// refuse PutRecord).
#[test]
fn engine_errors_keep_their_aws_types() {
    let mut svc = service_with(|c| {
        c.delivery_stream_limit = 2;
        c.direct_put_quota = DirectPutQuota { requests_per_sec: 1, ..DirectPutQuota::LARGE_REGION };
    });
    let (status, t, m) = err(&mut svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": "nope"}));
    assert_eq!((status, t.as_str()), (400, "ResourceNotFoundException"));
    assert_eq!(m, "Firehose nope under account 123456789012 not found.");

    create(&mut svc, "a");
    let (_, t, _) = err(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "a", "ExtendedS3DestinationConfiguration": s3_config()}));
    assert_eq!(t, "ResourceInUseException");
    let (_, t, _) = err(&mut svc, "PutRecord", json!({"DeliveryStreamName": "a", "Record": {"Data": "eA=="}}));
    assert_eq!(t, "ResourceInUseException", "CREATING refuses writes");

    ok(
        &mut svc,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "k", "DeliveryStreamType": "KinesisStreamAsSource",
               "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s", "RoleARN": ROLE},
               "ExtendedS3DestinationConfiguration": s3_config()}),
    );
    let (_, t, _) = err(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "c", "ExtendedS3DestinationConfiguration": s3_config()}));
    assert_eq!(t, "LimitExceededException");
    settle(&mut svc);
    let (_, t, m) = err(&mut svc, "PutRecord", json!({"DeliveryStreamName": "k", "Record": {"Data": "eA=="}}));
    assert_eq!(t, "InvalidArgumentException");
    assert_eq!(m, "This operation is not permitted on KinesisStreamAsSource delivery stream type.");

    ok(&mut svc, "PutRecord", json!({"DeliveryStreamName": "a", "Record": {"Data": "eA=="}}));
    let (status, t, m) = err(&mut svc, "PutRecord", json!({"DeliveryStreamName": "a", "Record": {"Data": "eA=="}}));
    assert_eq!((status, t.as_str(), m.as_str()), (500, "ServiceUnavailableException", "Slow down."));
}

// ---- operations and members not simulated, unknown operations ----

// Source: model operations (12); Kinesis Lab simulates 7 of them and names the others when refusing.
#[test]
fn unsupported_operations_name_themselves() {
    let mut svc = service();
    for op in ["TagDeliveryStream", "UntagDeliveryStream", "ListTagsForDeliveryStream", "StartDeliveryStreamEncryption", "StopDeliveryStreamEncryption"] {
        // A request valid against the model, so the refusal is about the operation itself.
        let body = json!({"DeliveryStreamName": "s", "Tags": [{"Key": "k"}], "TagKeys": ["k"]});
        let (status, t, m) = err(&mut svc, op, body);
        assert_eq!((status, t.as_str()), (400, UNSUPPORTED_TYPE), "{op}");
        assert!(m.contains(op) && m.contains("Kinesis Lab does not simulate"), "{op}: {m}");
    }
}

// Source: model CreateDeliveryStreamInput.Tags / ExtendedS3DestinationConfiguration.CustomTimeZone
// (features the engine does not simulate are refused by name, never silently dropped).
#[test]
fn unsupported_members_are_refused_by_name() {
    let mut svc = service();
    let (_, t, m) = err(
        &mut svc,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "t", "Tags": [{"Key": "team"}], "ExtendedS3DestinationConfiguration": s3_config()}),
    );
    assert_eq!(t, UNSUPPORTED_TYPE);
    assert!(m.contains("Tags"), "{m}");
    let mut config = s3_config();
    config["CustomTimeZone"] = json!("Europe/Paris");
    let (_, t, m) = err(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "t", "ExtendedS3DestinationConfiguration": config}));
    assert_eq!(t, UNSUPPORTED_TYPE);
    assert!(m.contains("CustomTimeZone"), "{m}");
    assert_eq!(svc.engine.delivery_streams().count(), 0);
}

// Source: AWS answers an unknown target with a bare {"__type":"UnknownOperationException"} (as for Kinesis).
#[test]
fn unknown_operation_and_target_prefix() {
    let mut svc = service();
    match svc.call("CreateStream", b"{}") {
        ApiReply::Json { status: 400, body } => assert_eq!(body, json!({"__type": "UnknownOperationException"})),
        other => panic!("{other:?}"),
    }
    match svc.call_target("Kinesis_20131202.ListDeliveryStreams", b"{}") {
        ApiReply::Json { status: 400, body } => assert_eq!(body, json!({"__type": "UnknownOperationException"})),
        other => panic!("{other:?}"),
    }
    let reply = svc.call_target("Firehose_20150804.ListDeliveryStreams", b"{}");
    assert!(reply.is_ok(), "{reply:?}");
}
