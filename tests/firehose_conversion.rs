//! Record format conversion in the delivery path (FACTS.md §2 "Format conversion"): a Glue table the
//! learner defines, JSON → Parquet (Snappy by default), CompressionFormat UNCOMPRESSED only, buffer ≥ 64
//! MiB (default 128), failed records under format-conversion-failed/ — and the pipeline:
//! a Kinesis data stream → Firehose → Parquet in S3.

use bytes::Bytes;
use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
use kinesis_lab::sim::Sandbox;
use parquet::basic::Compression;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::{json, Value};

const START: u64 = DEFAULT_SANDBOX_START_MS;
const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";

fn conversion() -> Value {
    json!({
        "Enabled": true,
        "SchemaConfiguration": {"DatabaseName": "lab", "TableName": "clicks", "RoleARN": ROLE},
        "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}},
    })
}

fn hose(sb: &mut Sandbox, op: &str, body: Value) -> Result<Value, (String, String)> {
    let reply = sb.firehose.call_json(op, &body);
    match reply.error_type() {
        None => Ok(reply.body().clone()),
        Some(t) => Err((t, reply.body()["message"].as_str().unwrap_or_default().to_string())),
    }
}

fn kinesis(sb: &mut Sandbox, op: &str, body: Value) {
    let reply = sb.service.call_json(op, &body);
    assert!(reply.error_type().is_none(), "{op}: {}", reply.body());
}

fn destination(extra: Value) -> Value {
    let mut d = json!({"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::lake", "Prefix": "clicks/",
        "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
        "DataFormatConversionConfiguration": conversion()});
    if let (Value::Object(d), Value::Object(extra)) = (&mut d, extra) {
        d.extend(extra);
    }
    d
}

#[test]
fn kinesis_stream_to_firehose_to_parquet_in_s3() {
    let mut sb = Sandbox::new(EngineConfig::default(), START);
    sb.firehose.engine.put_glue_table("lab", "clicks", &[("user", "string"), ("page", "string"), ("ms", "bigint")]).unwrap();
    kinesis(&mut sb, "CreateStream", json!({"StreamName": "clicks", "ShardCount": 2}));
    sb.advance_to(START + 1_000);
    hose(&mut sb, "CreateDeliveryStream", json!({
        "DeliveryStreamName": "to-lake",
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks", "RoleARN": ROLE},
        "ExtendedS3DestinationConfiguration": destination(json!({"BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60}})),
    }))
    .unwrap();
    sb.advance_to(START + 10_000);
    for i in 0..20 {
        let record = json!({"user": format!("u{}", i % 4), "PAGE": "/home", "ms": i});
        kinesis(&mut sb, "PutRecord", json!({"StreamName": "clicks", "PartitionKey": format!("u{}", i % 4),
            "Data": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, record.to_string())}));
    }
    kinesis(&mut sb, "PutRecord", json!({"StreamName": "clicks", "PartitionKey": "x", "Data": "bm90IGpzb24="}));
    sb.advance_to(START + 120_000);

    let objects: Vec<(String, Vec<u8>)> =
        sb.firehose.engine.s3.list("lake", "clicks/").map(|(k, o)| (k.to_string(), o.bytes.clone())).collect();
    assert_eq!(objects.len(), 1, "{:?}", objects.iter().map(|o| &o.0).collect::<Vec<_>>());
    let reader = SerializedFileReader::new(Bytes::from(objects[0].1.clone())).expect("a Parquet file");
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows(), 20);
    let columns: Vec<&str> = meta.file_metadata().schema_descr().columns().iter().map(|c| c.name()).collect();
    assert_eq!(columns, ["user", "page", "ms"], "the Glue table's columns, in order");
    assert_eq!(meta.row_group(0).column(0).compression(), Compression::SNAPPY, "Snappy by default");
    let first: Vec<(String, Field)> =
        reader.get_row_iter(None).unwrap().next().unwrap().unwrap().get_column_iter().map(|(n, f)| (n.clone(), f.clone())).collect();
    assert!(first.iter().any(|(n, f)| n == "page" && *f == Field::Str("/home".into())), "OpenX is case-insensitive: {first:?}");

    let failed: Vec<String> = sb
        .firehose
        .engine
        .s3
        .list("lake", "errors/format-conversion-failed/")
        .map(|(_, o)| String::from_utf8_lossy(&o.bytes).into_owned())
        .collect();
    assert_eq!(failed.len(), 1);
    let line: Value = serde_json::from_str(failed[0].lines().next().unwrap()).unwrap();
    assert_eq!(line["ErrorCode"], "DataFormatConversion.ParseError");
    assert_eq!(line["dataCatalogTable"]["tableName"], "clicks");
}

#[test]
fn conversion_rules_at_creation() {
    let mut sb = Sandbox::new(EngineConfig::default(), START);
    let create = |sb: &mut Sandbox, name: &str, d: Value| {
        hose(sb, "CreateDeliveryStream", json!({"DeliveryStreamName": name, "ExtendedS3DestinationConfiguration": d}))
    };
    let (t, m) = create(&mut sb, "a", destination(json!({"CompressionFormat": "GZIP"}))).unwrap_err();
    assert_eq!(t, "InvalidArgumentException");
    assert!(m.contains("UNCOMPRESSED"), "{m}");
    let (_, m) = create(&mut sb, "b", destination(json!({"BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60}}))).unwrap_err();
    assert!(m.contains("64"), "FACTS §2: buffer size ≥ 64 MiB with conversion: {m}");
    let mut orc = destination(json!({}));
    orc["DataFormatConversionConfiguration"]["OutputFormatConfiguration"] = json!({"Serializer": {"OrcSerDe": {}}});
    let (_, m) = create(&mut sb, "c", orc).unwrap_err();
    assert!(m.contains("ORC"), "{m}");
    create(&mut sb, "d", destination(json!({}))).unwrap();
    let described = hose(&mut sb, "DescribeDeliveryStream", json!({"DeliveryStreamName": "d"})).unwrap();
    let s3 = &described["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(s3["BufferingHints"]["SizeInMBs"], 128, "FACTS §2: default 128 MiB with conversion");
    assert_eq!(s3["DataFormatConversionConfiguration"]["SchemaConfiguration"]["TableName"], "clicks");
}

#[test]
fn a_missing_glue_table_fails_every_record() {
    let mut sb = Sandbox::new(EngineConfig::default(), START);
    hose(&mut sb, "CreateDeliveryStream", json!({"DeliveryStreamName": "h",
        "ExtendedS3DestinationConfiguration": destination(json!({"BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 0}}))})).unwrap();
    sb.advance_to(START + 10_000);
    hose(&mut sb, "PutRecord", json!({"DeliveryStreamName": "h", "Record": {"Data": "eyJ1c2VyIjoiYSJ9"}})).unwrap();
    sb.advance_to(START + 20_000);
    assert_eq!(sb.firehose.engine.s3.list("lake", "clicks/").count(), 0);
    let failed: Vec<String> =
        sb.firehose.engine.s3.list("lake", "errors/").map(|(_, o)| String::from_utf8_lossy(&o.bytes).into_owned()).collect();
    assert!(failed[0].contains("DataFormatConversion.InvalidSchema") && failed[0].contains("lab.clicks"), "{failed:?}");
}
