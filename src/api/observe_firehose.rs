//! Read-only views of the account's Firehose for the page's drawings (delivery-stream list, buffer
//! gauges, delivery timeline, S3 browser, charts), like `observe` for Data Streams: they take
//! `&FirehoseEngine`, so they cannot change anything, and they cost no API call.
//!
//! The description is the API's own `DescribeDeliveryStream` JSON (built by the API's code), so the page
//! reads the same members boto3 would. What the API does not expose — the buffer's fill, the deliveries
//! log, the simulated S3 bucket's objects and the per-second metrics — is read here, and only here, so a
//! change in the engine's internals touches this one file.

use serde_json::Value;

use crate::api::firehose::render_description;
use crate::engine::firehose::metrics::FirehoseMetricPoint;
use crate::engine::firehose::delivery::{Outcome, DATA_RETENTION_MS};
use crate::engine::firehose::processing::InvocationLog;
use crate::engine::firehose::destinations::Target;
use crate::engine::firehose::s3::bucket_name;
use crate::engine::firehose::targets::Targets;
use crate::engine::firehose::transform::{BuiltinTransform, TransformFunction};
use crate::engine::firehose::{DeliveryKind, DeliveryStream, FirehoseEngine, FlushReason};
use crate::engine::time::EpochMillis;

/// One delivery stream's buffer: what it holds now and when its interval flush falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BufferState {
    /// Bytes as they will be written (delimiters included), before compression.
    pub bytes: u64,
    pub records: u64,
    pub oldest_arrival_ms: Option<EpochMillis>,
    /// When the interval flush falls due (None while empty or not ACTIVE).
    pub flush_due_ms: Option<EpochMillis>,
}

/// One delivery stream as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryStreamOverview {
    pub name: String,
    /// `DeliveryStreamDescription` exactly as DescribeDeliveryStream returns it.
    pub description: Value,
    pub buffer: BufferState,
    /// When a pending CREATING or DELETING completes.
    pub transition_due_ms: Option<EpochMillis>,
}

/// One S3 delivery (an object written), as the delivery timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryView {
    pub stream: String,
    pub bucket: String,
    pub key: String,
    pub records: u64,
    /// Before compression, and as stored.
    pub bytes: u64,
    pub stored_bytes: u64,
    pub delivered_ms: EpochMillis,
    /// "size", "interval" or "update": which trigger flushed the buffer.
    pub reason: &'static str,
}

/// One stored object, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectView {
    pub key: String,
    pub size_bytes: u64,
    pub last_modified_ms: EpochMillis,
    pub content_type: String,
}

/// A bucket with how much it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketView {
    pub name: String,
    pub objects: usize,
    pub bytes: u64,
}

fn reason_name(reason: FlushReason) -> &'static str {
    match reason {
        FlushReason::Size => "size",
        FlushReason::Interval => "interval",
        FlushReason::Update => "update",
    }
}

fn overview(engine: &FirehoseEngine, s: &DeliveryStream) -> Option<DeliveryStreamOverview> {
    let description = engine.describe_delivery_stream(&s.name).ok()?;
    Some(DeliveryStreamOverview {
        name: s.name.clone(),
        description: render_description(&description, None),
        buffer: BufferState {
            bytes: s.buffer.bytes(),
            records: s.buffer.records,
            oldest_arrival_ms: s.buffer.oldest_arrival_ms(),
            flush_due_ms: s.flush_due_ms(),
        },
        transition_due_ms: s.transition_due_ms,
    })
}

/// Every delivery stream of the account, in name order.
pub fn delivery_streams(engine: &FirehoseEngine) -> Vec<DeliveryStreamOverview> {
    engine.delivery_streams().filter_map(|s| overview(engine, s)).collect()
}

/// One delivery stream, if it exists.
pub fn delivery_stream(engine: &FirehoseEngine, name: &str) -> Option<DeliveryStreamOverview> {
    overview(engine, engine.delivery_stream(name)?)
}

/// The newest `limit` deliveries, newest first; of one delivery stream when `stream` is given.
pub fn deliveries(engine: &FirehoseEngine, stream: Option<&str>, limit: usize) -> Vec<DeliveryView> {
    engine
        .deliveries()
        .rev()
        .filter(|d| stream.is_none_or(|s| d.stream == s))
        .take(limit)
        .map(|d| DeliveryView {
            stream: d.stream.clone(),
            bucket: d.bucket.clone(),
            key: d.key.clone(),
            records: d.records,
            bytes: d.bytes,
            stored_bytes: d.stored_bytes,
            delivered_ms: d.delivered_ms,
            reason: reason_name(d.reason),
        })
        .collect()
}

/// How many deliveries the log holds for `stream` (or in all).
pub fn delivery_count(engine: &FirehoseEngine, stream: Option<&str>) -> usize {
    engine.deliveries().filter(|d| stream.is_none_or(|s| d.stream == s)).count()
}

/// The simulated S3's buckets, in name order.
pub fn buckets(engine: &FirehoseEngine) -> Vec<BucketView> {
    engine
        .s3
        .bucket_names()
        .map(|name| {
            let objects = engine.s3.bucket(name);
            BucketView {
                name: name.to_string(),
                objects: objects.map_or(0, |o| o.len()),
                bytes: objects.map_or(0, |o| o.values().map(|x| x.bytes.len() as u64).sum()),
            }
        })
        .collect()
}

/// The objects of `bucket` under `prefix`, in S3's listing order (UTF-8 binary order of keys).
pub fn objects(engine: &FirehoseEngine, bucket: &str, prefix: &str) -> Vec<ObjectView> {
    engine
        .s3
        .list(bucket, prefix)
        .map(|(key, o)| ObjectView {
            key: key.to_string(),
            size_bytes: o.bytes.len() as u64,
            last_modified_ms: o.last_modified_ms,
            content_type: o.content_type.clone(),
        })
        .collect()
}

/// Runs `f` on an object's stored bytes (as GetObject would return them), if it exists.
pub fn with_object_bytes<R>(engine: &FirehoseEngine, bucket: &str, key: &str, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    engine.s3.get(bucket, key).map(|o| f(&o.bytes))
}

/// The newest `seconds` per-second metric points of a delivery stream (CloudWatch AWS/Firehose).
pub fn metrics(engine: &FirehoseEngine, stream: &str, seconds: usize) -> Vec<(u64, FirehoseMetricPoint)> {
    let Some(s) = engine.delivery_stream(stream) else { return Vec::new() };
    let mut v: Vec<_> = s.metrics.points().rev().take(seconds).copied().collect();
    v.reverse();
    v
}


// ---- the Lambda stage, partitions, Glue tables, other destinations and retries ----

/// A transform function as the functions panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionView {
    pub arn: String,
    pub name: String,
    /// "script" for a learner's JavaScript, otherwise the built-in's short description.
    pub kind: String,
    /// The script's source (empty for a built-in).
    pub source: String,
}

/// Every transform function, in ARN order.
pub fn functions(engine: &FirehoseEngine) -> Vec<FunctionView> {
    engine
        .functions()
        .map(|(arn, f)| match f {
            TransformFunction::Script { name, source } => {
                FunctionView { arn: arn.clone(), name: name.clone(), kind: "script".into(), source: source.clone() }
            }
            TransformFunction::Builtin { name, transform } => {
                FunctionView { arn: arn.clone(), name: name.clone(), kind: builtin_summary(transform), source: String::new() }
            }
        })
        .collect()
}

/// A built-in transform in a few words, with its parameters.
pub fn builtin_summary(t: &BuiltinTransform) -> String {
    match t {
        BuiltinTransform::JsonToCsv { columns, delimiter } => {
            format!("JSON to CSV (columns {}, delimiter {delimiter:?})", columns.join(", "))
        }
        BuiltinTransform::AppendNewline => "append a newline".into(),
        BuiltinTransform::FilterByField { field, equals, keep_matching } => {
            format!("{} records whose {field} = {equals}", if *keep_matching { "keep" } else { "drop" })
        }
    }
}

/// The engine's invocation log, newest first (at most `limit`), of one stream when `stream` is given.
pub fn invocations(engine: &FirehoseEngine, stream: Option<&str>, limit: usize) -> Vec<InvocationLog> {
    engine.invocation_log().rev().filter(|l| stream.is_none_or(|s| l.stream == s)).take(limit).cloned().collect()
}

/// Script invocations waiting for the page (the clock holds while there are any).
pub fn waiting_invocations(engine: &FirehoseEngine) -> usize {
    engine.waiting_invocations().count()
}

/// One active partition of a dynamically partitioned stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionView {
    /// `name=value` pairs: the query's keys, then the Lambda's.
    pub keys: Vec<(String, String)>,
    pub bytes: u64,
    pub records: u64,
    pub oldest_arrival_ms: Option<EpochMillis>,
}

/// The active partitions of `stream` (each holds its own buffer), in key order.
pub fn partitions(engine: &FirehoseEngine, stream: &str) -> Vec<PartitionView> {
    let Some(s) = engine.delivery_stream(stream) else { return Vec::new() };
    s.partitions
        .values()
        .map(|p| PartitionView {
            keys: p
                .query_keys
                .iter()
                .map(|(k, v)| (format!("partitionKeyFromQuery:{k}"), v.clone()))
                .chain(p.lambda_keys.iter().map(|(k, v)| (format!("partitionKeyFromLambda:{k}"), v.clone())))
                .collect(),
            bytes: p.buffer.bytes(),
            records: p.buffer.records,
            oldest_arrival_ms: p.buffer.oldest_arrival_ms(),
        })
        .collect()
}

/// The simulated Glue catalog's tables: `database.table` and its `(column, type)` pairs.
pub fn glue_tables(engine: &FirehoseEngine) -> Vec<(String, Vec<(String, String)>)> {
    engine
        .glue_tables()
        .map(|(name, t)| (name.clone(), t.columns.iter().map(|c| (c.name.clone(), c.glue_type.to_type_string())).collect()))
        .collect()
}

/// One delivery-log entry of any kind (S3 object, backup, error output, COPY, bulk, HTTP, Splunk, gave up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub kind: DeliveryKind,
    /// False when the records were lost (24 hours of failed S3 attempts).
    pub delivered: bool,
    pub attempts: u32,
    /// The bucket, or the destination's address.
    pub bucket: String,
    /// The object key, or the table, index or request id.
    pub key: String,
    pub records: u64,
    pub at_ms: EpochMillis,
}

/// The newest `limit` deliveries of `stream` with their kind and outcome, newest first.
pub fn delivery_log(engine: &FirehoseEngine, stream: &str, limit: usize) -> Vec<LogEntry> {
    engine
        .deliveries()
        .rev()
        .filter(|d| d.stream == stream)
        .take(limit)
        .map(|d| LogEntry {
            kind: d.kind,
            delivered: d.outcome == Outcome::Delivered,
            attempts: d.attempts,
            bucket: d.bucket.clone(),
            key: d.key.clone(),
            records: d.records,
            at_ms: d.delivered_ms,
        })
        .collect()
}

/// Something waiting for a retry: an S3 object whose bucket is down, or a batch for another destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryView {
    pub stream: String,
    /// "S3 object <key>" or the destination's kind of batch.
    pub what: String,
    pub records: u64,
    pub attempts: u32,
    pub next_attempt_ms: EpochMillis,
    /// When the records are given up (24 h after the oldest record for S3; the retry duration otherwise).
    pub deadline_ms: EpochMillis,
    pub last_error: String,
}

/// The retry queue of `stream`, oldest first.
pub fn retries(engine: &FirehoseEngine, stream: &str) -> Vec<RetryView> {
    let objects = engine.pending_objects().filter(|o| o.stream == stream).map(|o| RetryView {
        stream: o.stream.clone(),
        what: format!("S3 object s3://{}/{}", o.bucket, o.key),
        records: o.records,
        attempts: o.attempts,
        next_attempt_ms: o.next_attempt_ms,
        deadline_ms: o.oldest_arrival_ms.saturating_add(DATA_RETENTION_MS),
        // Not AWS-verified text.
        last_error: format!("The bucket {} is unavailable (outage switch).", o.bucket),
    });
    let batches = engine.pending_batches().filter(|b| b.stream == stream).map(|b| RetryView {
        stream: b.stream.clone(),
        what: match &b.s3_key {
            Some(k) => format!("Redshift COPY of {k}"),
            None => "batch for the destination".into(),
        },
        records: b.record_count,
        attempts: b.attempts,
        next_attempt_ms: b.next_attempt_ms,
        deadline_ms: b.deadline_ms,
        last_error: match (&b.last_error_code, &b.last_error_message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => String::new(),
        },
    });
    objects.chain(batches).collect()
}

/// Whether the simulated bucket is up (the outage switch).
pub fn bucket_available(engine: &FirehoseEngine, bucket: &str) -> bool {
    engine.bucket_available(bucket)
}

/// Whether a destination address (JDBC URL, domain, URL, HEC endpoint) is up.
pub fn target_available(engine: &FirehoseEngine, address: &str) -> bool {
    !engine.targets.unavailable.contains(address)
}

/// The simulated destination systems (read-only).
pub fn targets(engine: &FirehoseEngine) -> &Targets {
    &engine.targets
}


/// Where a delivery stream writes: its bucket (the destination, the intermediate or the backup bucket),
/// the destination's label, and the address an outage switch takes down (None for S3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationView {
    pub bucket: String,
    pub label: &'static str,
    pub address: Option<String>,
    /// Redshift: the table COPY loads; OpenSearch: the index name before rotation.
    pub table_or_index: Option<String>,
}

/// What `stream` delivers to, if it exists.
pub fn destination(engine: &FirehoseEngine, stream: &str) -> Option<DestinationView> {
    let s = engine.delivery_stream(stream)?;
    Some(DestinationView {
        bucket: bucket_name(&s.destination.bucket_arn).unwrap_or_default().to_string(),
        label: s.target.label(),
        address: s.target.outage_key(),
        table_or_index: match &s.target {
            Target::Redshift(r) => Some(r.copy_command.data_table_name.clone()),
            Target::OpenSearch(o) => Some(o.index_name.clone()),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::firehose::FirehoseService;
    use crate::api::kinesis::ApiReply;
    use crate::engine::firehose::FirehoseConfig;

    const START_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn ok(svc: &mut FirehoseService, op: &str, body: Value) -> Value {
        match svc.call_json(op, &body) {
            ApiReply::Json { status: 200, body } => body,
            other => panic!("{op} failed: {other:?}"),
        }
    }

    fn service_with_stream() -> FirehoseService {
        let mut svc = FirehoseService::new(FirehoseConfig::default(), START_MS);
        ok(
            &mut svc,
            "CreateDeliveryStream",
            json!({"DeliveryStreamName": "hose", "ExtendedS3DestinationConfiguration": {
                "RoleARN": "arn:aws:iam::123456789012:role/f", "BucketARN": "arn:aws:s3:::lab",
                "Prefix": "raw/", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
                "CompressionFormat": "GZIP"}}),
        );
        svc.engine.advance_by(svc.engine.config.transition_ms);
        svc
    }

    // The description is DescribeDeliveryStream's own (same JSON), and observing it is not a call.
    #[test]
    fn description_matches_describe_delivery_stream() {
        let mut svc = service_with_stream();
        let observed = delivery_stream(&svc.engine, "hose").expect("exists");
        let described = ok(&mut svc, "DescribeDeliveryStream", json!({"DeliveryStreamName": "hose"}));
        assert_eq!(observed.description, described["DeliveryStreamDescription"]);
        assert_eq!(observed.description["DeliveryStreamStatus"], "ACTIVE");
        assert!(delivery_stream(&svc.engine, "nope").is_none());
    }

    // FACTS.md §2 buffering: records wait in the buffer until the interval (here 60 s, counted from the
    // first record) passes; the buffer view shows them, then the delivery and its object appear.
    #[test]
    fn buffer_then_delivery_then_object() {
        let mut svc = service_with_stream();
        let t0 = svc.engine.now_ms();
        ok(&mut svc, "PutRecord", json!({"DeliveryStreamName": "hose", "Record": {"Data": "aGVsbG8K"}}));
        let b = delivery_stream(&svc.engine, "hose").unwrap().buffer;
        assert_eq!((b.bytes, b.records, b.oldest_arrival_ms, b.flush_due_ms), (6, 1, Some(t0), Some(t0 + 60_000)));
        assert!(deliveries(&svc.engine, None, 10).is_empty());
        svc.engine.advance_by(60_000);
        let d = deliveries(&svc.engine, Some("hose"), 10);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].records, d[0].bytes, d[0].reason, d[0].bucket.as_str()), (1, 6, "interval", "lab"));
        assert!(d[0].key.starts_with("raw/2026/01/01/00/hose-1-2026-01-01-00-00-"), "{}", d[0].key);
        assert_eq!(delivery_stream(&svc.engine, "hose").unwrap().buffer, BufferState::default());
        let listed = objects(&svc.engine, "lab", "raw/");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].key, d[0].key);
        assert_eq!(listed[0].size_bytes, d[0].stored_bytes);
        let gz = with_object_bytes(&svc.engine, "lab", &d[0].key, |b| b[..2].to_vec()).unwrap();
        assert_eq!(gz, vec![0x1f, 0x8b]);
        assert_eq!(buckets(&svc.engine), vec![BucketView { name: "lab".into(), objects: 1, bytes: d[0].stored_bytes }]);
        assert_eq!(delivery_count(&svc.engine, Some("other")), 0);
        let m = metrics(&svc.engine, "hose", 3_600);
        assert_eq!(m.iter().map(|(_, p)| p.incoming_records).sum::<u64>(), 1);
        assert_eq!(m.iter().map(|(_, p)| p.delivery_to_s3_records).sum::<u64>(), 1);
    }

    // The Lambda stage as the functions panel reads it: the function listed with its kind, and one
    // invocation logged with its counts (FilterByField keeps one record of two, drops the other).
    #[test]
    fn functions_and_invocation_log() {
        use crate::engine::firehose::transform::{BuiltinTransform, TransformFunction};
        let mut svc = FirehoseService::new(FirehoseConfig::default(), START_MS);
        let filter = BuiltinTransform::FilterByField { field: "k".into(), equals: "keep".into(), keep_matching: true };
        let arn = svc.engine.put_function(TransformFunction::Builtin { name: "keeper".into(), transform: filter }).unwrap();
        let f = functions(&svc.engine);
        assert_eq!((f.len(), f[0].arn.as_str(), f[0].name.as_str()), (1, arn.as_str(), "keeper"));
        assert_eq!(f[0].kind, "keep records whose k = keep");
        ok(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "t", "ExtendedS3DestinationConfiguration": {
            "RoleARN": "arn:aws:iam::123456789012:role/f", "BucketARN": "arn:aws:s3:::lab",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
            "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [
                {"ParameterName": "LambdaArn", "ParameterValue": arn}, {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "0"}]}]}}}));
        svc.engine.advance_by(svc.engine.config.transition_ms);
        // {"k":"keep"} and {"k":"no"}, base64.
        ok(&mut svc, "PutRecordBatch", json!({"DeliveryStreamName": "t", "Records": [{"Data": "eyJrIjoia2VlcCJ9"}, {"Data": "eyJrIjoibm8ifQ=="}]}));
        svc.engine.advance_by(2_000);
        let log = invocations(&svc.engine, Some("t"), 10);
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].records, log[0].ok, log[0].dropped, log[0].failed), (2, 1, 1, 0));
        assert!(invocations(&svc.engine, Some("other"), 10).is_empty());
        assert_eq!(waiting_invocations(&svc.engine), 0);
    }

    // FACTS.md §2 "Failure": while the bucket is down the object waits in the retry queue (5 s apart),
    // with a deadline 24 h after its oldest record; when the bucket is back it is delivered.
    #[test]
    fn retry_queue_while_the_bucket_is_down() {
        let mut svc = service_with_stream();
        assert_eq!(destination(&svc.engine, "hose").map(|d| (d.bucket, d.label, d.address)), Some(("lab".into(), "Amazon S3", None)));
        svc.engine.set_bucket_available("lab", false);
        assert!(!bucket_available(&svc.engine, "lab"));
        let t0 = svc.engine.now_ms();
        ok(&mut svc, "PutRecord", json!({"DeliveryStreamName": "hose", "Record": {"Data": "aGVsbG8K"}}));
        svc.engine.advance_by(61_000);
        let r = retries(&svc.engine, "hose");
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].records, r[0].deadline_ms), (1, t0 + 24 * 3_600_000));
        assert!(r[0].attempts >= 1 && r[0].what.starts_with("S3 object s3://lab/raw/"), "{r:?}");
        assert!(retries(&svc.engine, "other").is_empty());
        svc.engine.set_bucket_available("lab", true);
        svc.engine.advance_by(5_000);
        assert!(retries(&svc.engine, "hose").is_empty());
        let log = delivery_log(&svc.engine, "hose", 10);
        assert_eq!((log.len(), log[0].kind, log[0].delivered), (1, DeliveryKind::S3Object, true));
    }

    // Dynamic partitioning: one partition per distinct key, each with its own buffer.
    #[test]
    fn partitions_by_query_key() {
        let mut svc = FirehoseService::new(FirehoseConfig::default(), START_MS);
        ok(&mut svc, "CreateDeliveryStream", json!({"DeliveryStreamName": "p", "ExtendedS3DestinationConfiguration": {
            "RoleARN": "arn:aws:iam::123456789012:role/f", "BucketARN": "arn:aws:s3:::lab",
            "Prefix": "k=!{partitionKeyFromQuery:k}/", "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 600},
            "DynamicPartitioningConfiguration": {"Enabled": true},
            "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
                {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{k: .k}"},
                {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]}}}));
        svc.engine.advance_by(svc.engine.config.transition_ms);
        // {"k":"a"}, {"k":"b"}, {"k":"a"}
        ok(&mut svc, "PutRecordBatch", json!({"DeliveryStreamName": "p", "Records": [
            {"Data": "eyJrIjoiYSJ9"}, {"Data": "eyJrIjoiYiJ9"}, {"Data": "eyJrIjoiYSJ9"}]}));
        let p = partitions(&svc.engine, "p");
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].keys, vec![("partitionKeyFromQuery:k".to_string(), "a".to_string())]);
        assert_eq!((p[0].records, p[1].records), (2, 1));
        assert_eq!(p[0].bytes, 18);
        assert!(partitions(&svc.engine, "nope").is_empty());
    }
}
