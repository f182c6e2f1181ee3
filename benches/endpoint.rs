//! The native endpoint against a peer (kinesalite) with the same client: PutRecords and GetRecords
//! throughput over loopback HTTP, throughput limits off on our side (kinesalite has none).
//!
//! Run by `scripts/bench-endpoint.sh`, which starts both servers and sets
//! `KINESIS_BENCH_TARGETS="kinesis-lab=http://127.0.0.1:P1,kinesalite=http://127.0.0.1:P2"`.
//! Rounds alternate between targets so machine noise falls on both; the medians are printed.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

const SHARDS: u32 = 4;
const THREADS: usize = 4;
const CALLS_PER_THREAD: usize = 25; // × 500 records × 100 bytes
const ROUNDS: usize = 3;

fn call(agent: &ureq::Agent, url: &str, op: &str, body: &Value) -> Result<Value, String> {
    let response = agent
        .post(url)
        .set("Content-Type", "application/x-amz-json-1.1")
        .set("X-Amz-Target", &format!("Kinesis_20131202.{op}"))
        .set("X-Amz-Date", "20260101T000000Z")
        .set("Authorization", "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
        .send_string(&body.to_string());
    match response {
        Ok(r) => r.into_string().map_err(|e| e.to_string()).map(|t| serde_json::from_str(&t).unwrap_or(Value::Null)),
        Err(ureq::Error::Status(code, r)) => Err(format!("{op}: HTTP {code}: {}", r.into_string().unwrap_or_default())),
        Err(e) => Err(format!("{op}: {e}")),
    }
}

fn wait_active(agent: &ureq::Agent, url: &str, name: &str) -> Result<(), String> {
    for _ in 0..200 {
        let d = call(agent, url, "DescribeStreamSummary", &json!({"StreamName": name}))?;
        if d["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE" {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{name} never became ACTIVE"))
}

/// One round against one target: (put records/s, get records/s).
fn round(url: &str, name: &str) -> Result<(f64, f64), String> {
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
    call(&agent, url, "CreateStream", &json!({"StreamName": name, "ShardCount": SHARDS}))?;
    wait_active(&agent, url, name)?;
    let data = "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA==";
    let start = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let url = url.to_string();
            let name = name.to_string();
            std::thread::spawn(move || -> Result<u64, String> {
                let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
                let mut ok = 0;
                for c in 0..CALLS_PER_THREAD {
                    let entries: Vec<Value> = (0..500).map(|i| json!({"PartitionKey": format!("t{t}-c{c}-{i}"), "Data": data})).collect();
                    let out = call(&agent, &url, "PutRecords", &json!({"StreamName": name, "Records": entries}))?;
                    ok += 500 - out["FailedRecordCount"].as_u64().unwrap_or(500);
                }
                Ok(ok)
            })
        })
        .collect();
    let mut put = 0;
    for h in handles {
        put += h.join().map_err(|_| "writer thread panicked".to_string())??;
    }
    let put_rate = put as f64 / start.elapsed().as_secs_f64();
    let shards = call(&agent, url, "ListShards", &json!({"StreamName": name}))?;
    let ids: Vec<String> = shards["Shards"].as_array().map(|a| a.iter().filter_map(|s| s["ShardId"].as_str().map(String::from)).collect()).unwrap_or_default();
    let start = Instant::now();
    let mut read = 0u64;
    for id in ids {
        let it = call(&agent, url, "GetShardIterator", &json!({"StreamName": name, "ShardId": id, "ShardIteratorType": "TRIM_HORIZON"}))?;
        let mut iterator = it["ShardIterator"].as_str().map(String::from);
        while let Some(i) = iterator.take() {
            let out = call(&agent, url, "GetRecords", &json!({"ShardIterator": i, "Limit": 10000}))?;
            let n = out["Records"].as_array().map_or(0, |r| r.len()) as u64;
            read += n;
            if n > 0 {
                iterator = out["NextShardIterator"].as_str().map(String::from);
            }
        }
    }
    let get_rate = read as f64 / start.elapsed().as_secs_f64();
    if read != put {
        return Err(format!("{name}: put {put} but read {read}"));
    }
    call(&agent, url, "DeleteStream", &json!({"StreamName": name}))?;
    Ok((put_rate, get_rate))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let Ok(targets) = std::env::var("KINESIS_BENCH_TARGETS") else {
        eprintln!("KINESIS_BENCH_TARGETS is not set; run scripts/bench-endpoint.sh");
        return;
    };
    let targets: Vec<(String, String)> =
        targets.split(',').filter_map(|t| t.split_once('=')).map(|(n, u)| (n.to_string(), u.to_string())).collect();
    let mut results: Vec<(Vec<f64>, Vec<f64>)> = vec![(vec![], vec![]); targets.len()];
    for r in 0..ROUNDS {
        for (i, (label, url)) in targets.iter().enumerate() {
            match round(url, &format!("bench-{r}")) {
                Ok((p, g)) => {
                    results[i].0.push(p);
                    results[i].1.push(g);
                }
                Err(e) => {
                    eprintln!("{label}: {e}");
                    std::process::exit(1);
                }
            }
        }
    }
    for ((label, _), (puts, gets)) in targets.iter().zip(results) {
        println!("{label:12} PutRecords median {:>9.0} records/s   GetRecords median {:>9.0} records/s", median(puts), median(gets));
    }
}
