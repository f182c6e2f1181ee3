//! Destinations other than S3 (FACTS.md §2 "Destinations"), through the API layer so the request and
//! description shapes are AWS's (models/firehose.json): Redshift (intermediate S3 object, then COPY;
//! retry 3600 s by default; skipped objects in a manifest under errors/; no Snappy or ZIP), OpenSearch
//! (bulk indexing, index rotation, AmazonOpenSearchService-failed/, retry 300 s), HTTP endpoint (request
//! format, http-endpoint-failed/) and Splunk (HEC event format, splunk-failed/).

use std::io::Read;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kinesis_lab::api::firehose::FirehoseService;
use kinesis_lab::api::kinesis::ApiReply;
use kinesis_lab::api::{model, shape_check};
use kinesis_lab::engine::firehose::delivery::{Outcome, TARGET_RETRY_INTERVAL_MS};
use kinesis_lab::engine::firehose::{DeliveryKind, FirehoseConfig};
use serde_json::{json, Value};

const START_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";
const JDBC: &str = "jdbc:redshift://lab.abc123xyz.us-east-1.redshift.amazonaws.com:5439/dev";
const DOMAIN: &str = "arn:aws:es:us-east-1:123456789012:domain/logs";
const URL: &str = "https://collector.example.com/ingest";
const HEC: &str = "https://splunk.example.com:8088";

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

fn err(svc: &mut FirehoseService, op: &str, body: Value) -> (String, String) {
    match svc.call_json(op, &body) {
        ApiReply::Json { status, body } if status != 200 => (
            body["__type"].as_str().unwrap_or_default().to_string(),
            body.get("message").and_then(Value::as_str).unwrap_or_default().to_string(),
        ),
        other => panic!("{op} {body} unexpectedly succeeded: {other:?}"),
    }
}

fn s3_part(bucket: &str, compression: &str) -> Value {
    json!({"RoleARN": ROLE, "BucketARN": format!("arn:aws:s3:::{bucket}"), "CompressionFormat": compression,
           "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})
}

fn service_with(name: &str, member: &str, config: Value) -> FirehoseService {
    let mut svc = FirehoseService::new(FirehoseConfig::default(), START_MS);
    ok(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": name, member: config}));
    svc.engine.advance_by(svc.engine.config.transition_ms);
    svc
}

fn put(svc: &mut FirehoseService, name: &str, records: &[&str]) {
    let records: Vec<Value> = records.iter().map(|r| json!({"Data": STANDARD.encode(r)})).collect();
    let out = ok(svc, "PutRecordBatch", json!({"DeliveryStreamName": name, "Records": records}));
    assert_eq!(out["FailedPutCount"], 0);
}

fn describe(svc: &mut FirehoseService, name: &str) -> Value {
    ok(svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": name}))["DeliveryStreamDescription"]["Destinations"][0].clone()
}

fn objects(svc: &FirehoseService, bucket: &str, prefix: &str) -> Vec<(String, Vec<u8>)> {
    svc.engine.s3.list(bucket, prefix).map(|(k, o)| (k.to_string(), o.bytes.clone())).collect()
}

fn redshift(copy_options: &str, compression: &str, columns: Option<&str>) -> Value {
    let mut copy = json!({"DataTableName": "events", "CopyOptions": copy_options});
    if let Some(c) = columns {
        copy["DataTableColumns"] = json!(c);
    }
    json!({"RoleARN": ROLE, "ClusterJDBCURL": JDBC, "CopyCommand": copy, "Username": "firehose",
           "Password": "secret-password", "S3Configuration": s3_part("staging", compression)})
}

#[test]
fn redshift_loads_through_the_intermediate_bucket_with_copy() {
    let mut svc = service_with("to-redshift", "RedshiftDestinationConfiguration", redshift("json 'auto' gzip", "GZIP", Some("id,name")));
    let d = describe(&mut svc, "to-redshift");
    let r = &d["RedshiftDestinationDescription"];
    assert_eq!(r["ClusterJDBCURL"], JDBC);
    assert_eq!(r["RetryOptions"]["DurationInSeconds"], 3600, "model: default 3600 s");
    assert_eq!(r["S3DestinationDescription"]["CompressionFormat"], "GZIP");
    assert!(r.get("Password").is_none(), "the password is never described");

    put(&mut svc, "to-redshift", &[r#"{"id": 1, "NAME": "ada"}"#, r#"{"id": 2}"#]);
    svc.engine.advance_by(60_000);
    let staged = objects(&svc, "staging", "");
    assert_eq!(staged.len(), 1, "records land in the intermediate bucket first");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&staged[0].1[..]).read_to_string(&mut text).unwrap();
    assert!(text.contains("ada"));
    let table = &svc.engine.targets.redshift[JDBC].tables["events"];
    assert_eq!(table.row_count, 2);
    assert_eq!(table.rows[0], vec![Some("1".to_string()), Some("ada".to_string())], "names match case-insensitively");
    assert_eq!(table.rows[1], vec![Some("2".to_string()), None], "absent members load as NULL");
    assert_eq!(svc.engine.deliveries().last().unwrap().kind, DeliveryKind::RedshiftCopy);
}

#[test]
fn redshift_refuses_snappy_and_zip_and_reads_delimited_rows() {
    for format in ["Snappy", "ZIP", "HADOOP_SNAPPY"] {
        let mut svc = FirehoseService::new(FirehoseConfig::default(), START_MS);
        let (kind, message) = err(&mut svc, "CreateDeliveryStream",
            json!({"DeliveryStreamName": "r", "RedshiftDestinationConfiguration": redshift("", format, None)}));
        assert_eq!(kind, "InvalidArgumentException");
        assert!(message.contains(format), "{message}");
    }
    let mut svc = service_with("r", "RedshiftDestinationConfiguration", redshift("delimiter ','", "UNCOMPRESSED", Some("a,b,c")));
    // AppendDelimiterToRecord is not set, so each record carries its own newline.
    put(&mut svc, "r", &["1,2,3\n", "4,,6\n"]);
    svc.engine.advance_by(60_000);
    let table = &svc.engine.targets.redshift[JDBC].tables["events"];
    assert_eq!(table.row_count, 2);
    assert_eq!(table.rows[1], vec![Some("4".into()), None, Some("6".into())]);
}

#[test]
fn redshift_copy_failures_retry_for_the_duration_then_list_the_object_in_a_manifest() {
    // GZIP objects without the GZIP copy option cannot load: COPY fails every time.
    let mut config = redshift("json 'auto'", "GZIP", Some("id"));
    config["RetryOptions"] = json!({"DurationInSeconds": 60});
    let mut svc = service_with("r", "RedshiftDestinationConfiguration", config);
    put(&mut svc, "r", &[r#"{"id": 1}"#]);
    svc.engine.advance_by(60_000);
    assert_eq!(svc.engine.pending_batches().count(), 1, "COPY failed and waits for a retry");
    assert_eq!(svc.engine.targets.redshift[JDBC].tables["events"].row_count, 0);
    svc.engine.advance_by(60_000);
    assert_eq!(svc.engine.pending_batches().count(), 0);
    let manifests = objects(&svc, "staging", "errors/");
    assert_eq!(manifests.len(), 1, "a manifest of the skipped object under errors/");
    let line: Value = serde_json::from_slice(manifests[0].1.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let staged = objects(&svc, "staging", "2026/");
    assert_eq!(line["manifest"]["entries"][0]["url"], format!("s3://staging/{}", staged[0].0));
    assert_eq!(line["attemptsMade"], 1 + 60_000 / TARGET_RETRY_INTERVAL_MS);
    assert!(line["errorMessage"].as_str().unwrap().contains("GZIP"));
    let last = svc.engine.deliveries().last().unwrap();
    assert_eq!((last.kind, last.outcome), (DeliveryKind::RedshiftSkipped, Outcome::Lost));
}

fn opensearch(rotation: &str, backup: &str) -> Value {
    json!({"RoleARN": ROLE, "DomainARN": DOMAIN, "IndexName": "orders", "IndexRotationPeriod": rotation,
           "S3BackupMode": backup, "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
           "S3Configuration": s3_part("backup", "UNCOMPRESSED")})
}

#[test]
fn opensearch_indexes_documents_into_the_rotated_index_and_backs_up_failed_ones() {
    let mut svc = service_with("os", "AmazonopensearchserviceDestinationConfiguration", opensearch("OneHour", "FailedDocumentsOnly"));
    let d = describe(&mut svc, "os");
    assert_eq!(d["AmazonopensearchserviceDestinationDescription"]["RetryOptions"]["DurationInSeconds"], 300, "model default 300 s");
    put(&mut svc, "os", &[r#"{"order": 1}"#, "not json", r#"{"order": 2}"#]);
    svc.engine.advance_by(60_000);
    let domain = &svc.engine.targets.opensearch[DOMAIN];
    let index = &domain.indices["orders-2026-01-01-00"];
    assert_eq!(index.doc_count, 2, "FACTS §2: OneHour rotation names the index idx-yyyy-MM-dd-HH");
    let failed = objects(&svc, "backup", "AmazonOpenSearchService-failed/");
    assert_eq!(failed.len(), 1, "the document that is not JSON goes to the failed prefix");
    let line: Value = serde_json::from_slice(failed[0].1.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(STANDARD.decode(line["rawData"].as_str().unwrap()).unwrap(), b"not json");
    assert!(objects(&svc, "backup", "2026/").is_empty(), "FailedDocumentsOnly: nothing else in S3");
}

#[test]
fn opensearch_outage_retries_for_300_s_then_writes_everything_to_the_failed_prefix() {
    let mut svc = service_with("os", "AmazonopensearchserviceDestinationConfiguration", opensearch("NoRotation", "AllDocuments"));
    svc.engine.set_target_available(DOMAIN, false);
    put(&mut svc, "os", &[r#"{"a": 1}"#, r#"{"a": 2}"#]);
    svc.engine.advance_by(60_000 + 299_000);
    assert_eq!(svc.engine.pending_batches().count(), 1, "still retrying inside the 300 s");
    assert_eq!(objects(&svc, "backup", "2026/").len(), 1, "AllDocuments: every record is also in S3");
    svc.engine.advance_by(1_000);
    assert_eq!(svc.engine.pending_batches().count(), 0);
    let failed = objects(&svc, "backup", "AmazonOpenSearchService-failed/");
    assert_eq!(failed.len(), 1);
    let lines: Vec<&[u8]> = failed[0].1.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2);
    let totals = svc.engine.delivery_stream("os").unwrap().metrics.total();
    assert_eq!(totals.delivery_to_target_success, 0);
    assert_eq!(totals.delivery_to_target_attempts, 1 + 300_000 / TARGET_RETRY_INTERVAL_MS);
    // Back up: new data is indexed again.
    svc.engine.set_target_available(DOMAIN, true);
    put(&mut svc, "os", &[r#"{"a": 3}"#]);
    svc.engine.advance_by(60_000);
    assert_eq!(svc.engine.targets.opensearch[DOMAIN].indices["orders"].doc_count, 1);
}

#[test]
fn http_endpoint_receives_firehose_requests_and_splunk_receives_events() {
    let config = json!({"EndpointConfiguration": {"Url": URL, "Name": "collector"},
        "RequestConfiguration": {"ContentEncoding": "GZIP", "CommonAttributes": [{"AttributeName": "team", "AttributeValue": "data"}]},
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}, "S3Configuration": s3_part("http-backup", "UNCOMPRESSED")});
    let mut svc = service_with("h", "HttpEndpointDestinationConfiguration", config);
    assert_eq!(describe(&mut svc, "h")["HttpEndpointDestinationDescription"]["S3BackupMode"], "FailedDataOnly");
    put(&mut svc, "h", &["one", "two"]);
    svc.engine.advance_by(60_000);
    let request = &svc.engine.targets.http[URL].requests[0];
    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["records"].as_array().unwrap().len(), 2);
    assert_eq!(STANDARD.decode(body["records"][1]["data"].as_str().unwrap()).unwrap(), b"two");
    assert_eq!(body["requestId"], request.request_id);
    assert!(request.headers.iter().any(|(k, v)| k == "X-Amz-Firehose-Common-Attributes" && v.contains("\"team\":\"data\"")));
    assert!(request.compressed_bytes.is_some());

    let config = json!({"HECEndpoint": HEC, "HECEndpointType": "Event", "HECToken": "token",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}, "S3Configuration": s3_part("splunk-backup", "UNCOMPRESSED")});
    let mut svc = service_with("sp", "SplunkDestinationConfiguration", config);
    assert_eq!(describe(&mut svc, "sp")["SplunkDestinationDescription"]["HECAcknowledgmentTimeoutInSeconds"], 180);
    put(&mut svc, "sp", &[r#"{"event": "login"}"#, r#"{"no": "event"}"#]);
    svc.engine.advance_by(60_000);
    assert_eq!(svc.engine.targets.splunk[HEC].event_count, 1);
    assert_eq!(objects(&svc, "splunk-backup", "splunk-failed/").len(), 1, "the event HEC refused is backed up");
}

#[test]
fn destination_bounds_from_the_model() {
    let mut svc = FirehoseService::new(FirehoseConfig::default(), START_MS);
    // SplunkBufferingSizeInMBs max 5; SplunkBufferingIntervalInSeconds max 60 (model).
    let splunk = |hints: Value| json!({"DeliveryStreamName": "s", "SplunkDestinationConfiguration":
        {"HECEndpoint": HEC, "HECEndpointType": "Raw", "BufferingHints": hints, "S3Configuration": s3_part("b", "UNCOMPRESSED")}});
    let (kind, _) = err(&mut svc, "CreateDeliveryStream", splunk(json!({"SizeInMBs": 6, "IntervalInSeconds": 60})));
    assert_eq!(kind, "ValidationException");
    let (kind, _) = err(&mut svc, "CreateDeliveryStream", splunk(json!({"SizeInMBs": 5, "IntervalInSeconds": 61})));
    assert_eq!(kind, "ValidationException");
    // HttpEndpointUrl pattern https://.*
    let (kind, _) = err(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "h", "HttpEndpointDestinationConfiguration":
        {"EndpointConfiguration": {"Url": "http://plain.example.com"}, "S3Configuration": s3_part("b", "UNCOMPRESSED")}}));
    assert_eq!(kind, "ValidationException");
    // Two destinations at once.
    let (kind, _) = err(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "two",
        "ExtendedS3DestinationConfiguration": s3_part("b", "UNCOMPRESSED"), "RedshiftDestinationConfiguration": redshift("", "UNCOMPRESSED", None)}));
    assert_eq!(kind, "InvalidArgumentException");
    // A JDBC URL that is not Redshift's.
    let mut bad = redshift("", "UNCOMPRESSED", None);
    bad["ClusterJDBCURL"] = json!("jdbc:mysql://db.example.com:3306/dev");
    let (kind, _) = err(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "r", "RedshiftDestinationConfiguration": bad}));
    assert_eq!(kind, "ValidationException");
}

#[test]
fn a_table_that_does_not_exist_fails_copy() {
    let mut config = redshift("json 'auto'", "UNCOMPRESSED", None);
    config["RetryOptions"] = json!({"DurationInSeconds": 0});
    let mut svc = service_with("r", "RedshiftDestinationConfiguration", config);
    put(&mut svc, "r", &[r#"{"id": 1}"#]);
    svc.engine.advance_by(60_000);
    let manifests = objects(&svc, "staging", "errors/");
    assert_eq!(manifests.len(), 1, "retry duration 0: skipped after the first failure");
    assert!(String::from_utf8_lossy(&manifests[0].1).contains("relation \\\"events\\\" does not exist"));
}

/// UpdateDestination of the other destinations (model: RedshiftDestinationUpdate,
/// AmazonopensearchserviceDestinationUpdate, …; "Firehose merges the configuration parameters
/// specified"): what is buffered goes out under the old configuration, the version goes up, members not
/// given keep their values, and an update of another kind of destination is refused.
#[test]
fn update_destination_merges_into_the_other_destinations() {
    let mut svc = service_with("os", "AmazonopensearchserviceDestinationConfiguration", opensearch("NoRotation", "FailedDocumentsOnly"));
    put(&mut svc, "os", &[r#"{"before": 1}"#]);
    let update = json!({"DeliveryStreamName": "os", "CurrentDeliveryStreamVersionId": "1", "DestinationId": "destinationId-000000000001",
        "AmazonopensearchserviceDestinationUpdate": {"IndexName": "orders-v2", "RetryOptions": {"DurationInSeconds": 60},
            "S3Update": {"Prefix": "backup-v2/"}}});
    ok(&mut svc, "UpdateDestination", update.clone());
    let domain = &svc.engine.targets.opensearch[DOMAIN];
    assert_eq!(domain.indices["orders"].doc_count, 1, "buffered documents went out under the old index");
    put(&mut svc, "os", &[r#"{"after": 2}"#]);
    svc.engine.advance_by(60_000);
    assert_eq!(svc.engine.targets.opensearch[DOMAIN].indices["orders-v2"].doc_count, 1);
    let d = describe(&mut svc, "os");
    let os = &d["AmazonopensearchserviceDestinationDescription"];
    assert_eq!(os["IndexName"], "orders-v2");
    assert_eq!(os["RetryOptions"]["DurationInSeconds"], 60);
    assert_eq!(os["IndexRotationPeriod"], "NoRotation", "members not given keep their values");
    assert_eq!(os["S3DestinationDescription"]["Prefix"], "backup-v2/");
    assert_eq!(os["S3DestinationDescription"]["BucketARN"], "arn:aws:s3:::backup");
    let described = ok(&mut svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": "os"}));
    assert_eq!(described["DeliveryStreamDescription"]["VersionId"], "2");
    // The old version id is refused now; another kind of update is refused.
    let (kind, _) = err(&mut svc, "UpdateDestination", update);
    assert_eq!(kind, "ConcurrentModificationException");
    let (kind, message) = err(&mut svc, "UpdateDestination", json!({"DeliveryStreamName": "os", "CurrentDeliveryStreamVersionId": "2",
        "DestinationId": "destinationId-000000000001", "SplunkDestinationUpdate": {"HECEndpoint": HEC}}));
    assert_eq!(kind, "InvalidArgumentException");
    assert!(message.contains("AmazonopensearchserviceDestinationUpdate"), "{message}");
    // Bounds still apply to the merged result.
    let (kind, _) = err(&mut svc, "UpdateDestination", json!({"DeliveryStreamName": "os", "CurrentDeliveryStreamVersionId": "2",
        "DestinationId": "destinationId-000000000001", "AmazonopensearchserviceDestinationUpdate": {"BufferingHints": {"SizeInMBs": 101, "IntervalInSeconds": 60}}}));
    assert_eq!(kind, "ValidationException");

    let mut svc = service_with("r", "RedshiftDestinationConfiguration", redshift("json 'auto'", "UNCOMPRESSED", Some("id")));
    ok(&mut svc, "UpdateDestination", json!({"DeliveryStreamName": "r", "CurrentDeliveryStreamVersionId": "1",
        "DestinationId": "destinationId-000000000001",
        "RedshiftDestinationUpdate": {"CopyCommand": {"DataTableName": "events_v2", "DataTableColumns": "id,name", "CopyOptions": "json 'auto'"}}}));
    put(&mut svc, "r", &[r#"{"id": 7, "name": "x"}"#]);
    svc.engine.advance_by(60_000);
    assert_eq!(svc.engine.targets.redshift[JDBC].tables["events_v2"].rows[0], vec![Some("7".into()), Some("x".into())]);
}
