//! A fixed, deterministic workload for benchmarks: the same code runs natively (`cargo bench`) and in
//! the browser (the `#bench` page), so the two figures compare like with like. Timing is the caller's.

use crate::api::kinesis::KinesisService;
use crate::engine::streams::EngineConfig;
use crate::engine::time::DEFAULT_SANDBOX_START_MS;
use serde_json::json;

/// What one workload run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkloadCounts {
    pub records_put: u64,
    pub records_read: u64,
}

/// A stream with `shards` shards, limits off; returns the service ready for the workload.
pub fn setup(shards: u32) -> KinesisService {
    let config = EngineConfig { enforce_limits: false, ..EngineConfig::default() };
    let mut svc = KinesisService::new(config, DEFAULT_SANDBOX_START_MS);
    svc.call_json("CreateStream", &json!({"StreamName": "bench", "ShardCount": shards}));
    svc.engine.advance_by(1_000);
    svc
}

/// PutRecords through the full API layer (JSON in, validation, engine, JSON out): `batches` calls of
/// 500 records of 100 bytes with distinct partition keys.
pub fn put_records(svc: &mut KinesisService, batches: u32) -> u64 {
    let data = base64_100_bytes();
    let mut put = 0;
    for b in 0..batches {
        let entries: Vec<_> = (0..500).map(|i| json!({"PartitionKey": format!("k{b}-{i}"), "Data": data})).collect();
        let reply = svc.call_json("PutRecords", &json!({"StreamName": "bench", "Records": entries}));
        let failed = reply.body().get("FailedRecordCount").and_then(|v| v.as_u64()).unwrap_or(500);
        put += 500 - failed;
        svc.engine.advance_by(1);
    }
    put
}

/// Read every shard from TRIM_HORIZON to the end with GetRecords (Limit 10,000) through the API layer.
pub fn get_records(svc: &mut KinesisService) -> u64 {
    let shards = svc.call_json("ListShards", &json!({"StreamName": "bench"})).body();
    let ids: Vec<String> = shards["Shards"].as_array().map(|a| a.iter().filter_map(|s| s["ShardId"].as_str().map(String::from)).collect()).unwrap_or_default();
    let mut read = 0u64;
    for id in ids {
        let body = svc.call_json("GetShardIterator", &json!({"StreamName": "bench", "ShardId": id, "ShardIteratorType": "TRIM_HORIZON"})).body();
        let mut iterator = body["ShardIterator"].as_str().map(String::from);
        while let Some(it) = iterator.take() {
            let out = svc.call_json("GetRecords", &json!({"ShardIterator": it, "Limit": 10000})).body();
            let n = out["Records"].as_array().map_or(0, |r| r.len()) as u64;
            read += n;
            if n > 0 {
                iterator = out["NextShardIterator"].as_str().map(String::from);
            }
        }
    }
    read
}

fn base64_100_bytes() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode([b'x'; 100])
}

/// The whole workload: put `batches` × 500 records into a `shards`-shard stream, then read them all.
pub fn run(shards: u32, batches: u32) -> WorkloadCounts {
    let mut svc = setup(shards);
    let records_put = put_records(&mut svc, batches);
    let records_read = get_records(&mut svc);
    WorkloadCounts { records_put, records_read }
}
