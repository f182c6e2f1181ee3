//! Sandbox speed, natively: simulated seconds per wall second for tick-by-tick play (`advance_to`, the
//! baseline: every record built, routed and stored) and for fast-forward (`fast_forward`, which samples
//! steady traffic and repeats it, `sim::bulk`), with a producer at each stream's full write rate.
//! `cargo bench --bench sandbox`. The browser figures (same code in wasm) come from
//! `benches/browser/frames.mjs`.

use std::time::Instant;

use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
use kinesis_lab::sim::keys::KeyStrategy;
use kinesis_lab::sim::producer::ProducerConfig;
use kinesis_lab::sim::Sandbox;
use serde_json::json;

fn running(shards: u32, rate: f64) -> Sandbox {
    let mut sb = Sandbox::new(EngineConfig::default(), DEFAULT_SANDBOX_START_MS);
    let ok = sb.service.call_json("CreateStream", &json!({"StreamName": "bench", "ShardCount": shards})).is_ok();
    assert!(ok, "CreateStream");
    sb.advance_to(sb.now_ms() + 1_000);
    let config = ProducerConfig {
        name: "bench".into(),
        stream_name: "bench".into(),
        rate_records_per_sec: rate,
        keys: KeyStrategy::Random,
        retry_throttled: false,
        ..ProducerConfig::default()
    };
    sb.add_producer(config).expect("producer");
    // Past the first seconds, when the shards' full buckets let a burst through.
    sb.advance_to(sb.now_ms() + 2_000);
    sb
}

/// (simulated s per wall s, records accepted in the span)
fn measure(shards: u32, rate: f64, sim_seconds: u64, bulk: bool) -> (f64, u64) {
    let mut sb = running(shards, rate);
    let before = sb.producers()[0].producer.stats().records_accepted;
    let t = Instant::now();
    if bulk {
        sb.fast_forward(sim_seconds * 1_000);
    } else {
        sb.advance_to(sb.now_ms() + sim_seconds * 1_000);
    }
    let wall = t.elapsed().as_secs_f64();
    (sim_seconds as f64 / wall, sb.producers()[0].producer.stats().records_accepted - before)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a quick smoke test instead.
    let measuring = std::env::args().any(|a| a == "--bench");
    let cases: &[(u32, f64, u64, bool)] = if measuring {
        &[(4, 4_000.0, 60, false), (4, 4_000.0, 86_400, true), (100, 100_000.0, 5, false), (100, 100_000.0, 86_400, true)]
    } else {
        &[(2, 50.0, 60, false), (2, 50.0, 600, true)]
    };
    for &(shards, rate, seconds, bulk) in cases {
        let (speed, accepted) = measure(shards, rate, seconds, bulk);
        let how = if bulk { "fast-forward" } else { "play (ticks)" };
        println!("native {how}: {shards} shards, {rate} records/s, {seconds} s: {speed:.1} simulated s per wall s ({accepted} records accepted)");
    }
}
