//! Shared harness for the engine tests: every call goes through the API layer, and every successful
//! response is checked against AWS's output shape for that operation.
#![allow(dead_code)]

use kinesis_lab::api::kinesis::{ApiReply, KinesisService};
use kinesis_lab::api::{model, shape_check};
use kinesis_lab::engine::streams::EngineConfig;
use serde_json::{json, Value};

pub const START_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
pub const ACCOUNT: &str = "123456789012";

pub fn service() -> KinesisService {
    KinesisService::new(EngineConfig::default(), START_MS)
}

pub fn service_with(f: impl FnOnce(&mut EngineConfig)) -> KinesisService {
    let mut config = EngineConfig::default();
    f(&mut config);
    KinesisService::new(config, START_MS)
}

/// Call and require success; the body must match the model's output shape exactly.
pub fn ok(svc: &mut KinesisService, op: &str, body: Value) -> Value {
    match svc.call_json(op, &body) {
        ApiReply::Json { status: 200, body: out } => {
            if let Err(e) = shape_check::check_response(model::kinesis(), op, &out) {
                panic!("{op} response does not match the model: {e}\n{out}");
            }
            out
        }
        other => panic!("{op} {body} failed: {other:?}"),
    }
}

/// Call and require an error; returns (type, message).
pub fn err(svc: &mut KinesisService, op: &str, body: Value) -> (String, String) {
    match svc.call_json(op, &body) {
        ApiReply::Json { status, body } if status != 200 => (
            body["__type"].as_str().unwrap_or_default().to_string(),
            body.get("message").or_else(|| body.get("Message")).and_then(Value::as_str).unwrap_or_default().to_string(),
        ),
        other => panic!("{op} {body} unexpectedly succeeded: {other:?}"),
    }
}

/// Create a provisioned stream and let it become ACTIVE.
pub fn stream(svc: &mut KinesisService, name: &str, shards: u32) {
    ok(svc, "CreateStream", json!({"StreamName": name, "ShardCount": shards}));
    settle(svc);
}

/// Let every pending transition complete (one transition period plus a little).
pub fn settle(svc: &mut KinesisService) {
    let t = svc.engine.config.transition_ms + 1;
    svc.engine.advance_by(t);
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).expect("base64")
}

pub fn put(svc: &mut KinesisService, stream: &str, key: &str, data: &[u8]) -> Value {
    ok(svc, "PutRecord", json!({"StreamName": stream, "PartitionKey": key, "Data": b64(data)}))
}

pub fn iterator(svc: &mut KinesisService, stream: &str, shard: &str, kind: &str) -> String {
    let out = ok(svc, "GetShardIterator", json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": kind}));
    out["ShardIterator"].as_str().expect("iterator").to_string()
}

pub fn shards(svc: &mut KinesisService, stream: &str) -> Vec<Value> {
    ok(svc, "ListShards", json!({"StreamName": stream}))["Shards"].as_array().cloned().unwrap_or_default()
}

pub fn open_shards(svc: &mut KinesisService, stream: &str) -> Vec<Value> {
    shards(svc, stream).into_iter().filter(|s| s["SequenceNumberRange"].get("EndingSequenceNumber").is_none()).collect()
}

/// Read a shard to its current end (or its closed end), pausing between calls to stay within 5 calls/s.
pub fn read_all(svc: &mut KinesisService, stream: &str, shard: &str) -> (Vec<Value>, Option<Value>) {
    let mut it = Some(iterator(svc, stream, shard, "TRIM_HORIZON"));
    let mut records = Vec::new();
    let mut children = None;
    while let Some(i) = it.take() {
        svc.engine.advance_by(250);
        let out = ok(svc, "GetRecords", json!({"ShardIterator": i}));
        let batch = out["Records"].as_array().cloned().unwrap_or_default();
        let empty = batch.is_empty();
        records.extend(batch);
        if let Some(c) = out.get("ChildShards") {
            children = Some(c.clone());
        }
        match out.get("NextShardIterator").and_then(Value::as_str) {
            Some(next) if !empty => it = Some(next.to_string()),
            _ => {}
        }
    }
    (records, children)
}
