//! Sandbox fast-forward, natively: how many simulated seconds per wall second the driver (`Sandbox`)
//! achieves with a producer running, at two traffic levels. `cargo bench --bench sandbox`.
//! The browser figure (same code in wasm, plus drawing) comes from `benches/browser/frames.mjs`.

use std::time::Instant;

use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;
use kinesis_lab::sim::keys::KeyStrategy;
use kinesis_lab::sim::producer::ProducerConfig;
use kinesis_lab::sim::Sandbox;
use serde_json::json;

fn run(shards: u32, rate: f64, sim_seconds: u64) -> (f64, u64) {
    let mut sb = Sandbox::new(EngineConfig::default(), DEFAULT_SANDBOX_START_MS);
    let ok = sb.service.call_json("CreateStream", &json!({"StreamName": "bench", "ShardCount": shards})).is_ok();
    assert!(ok, "CreateStream");
    sb.advance_to(sb.now_ms() + 1_000);
    let config = ProducerConfig {
        name: "bench".into(),
        stream_name: "bench".into(),
        rate_records_per_sec: rate,
        keys: KeyStrategy::Uniform { keys: shards * 20 },
        ..ProducerConfig::default()
    };
    sb.add_producer(config).expect("producer");
    let t = Instant::now();
    sb.fast_forward(sim_seconds * 1_000);
    let wall = t.elapsed().as_secs_f64();
    let accepted = sb.producers()[0].producer.stats().records_accepted;
    (sim_seconds as f64 / wall, accepted)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a quick smoke test instead.
    let measuring = std::env::args().any(|a| a == "--bench");
    let cases: &[(u32, f64, u64)] = if measuring { &[(4, 200.0, 3_600), (100, 100_000.0, 10)] } else { &[(2, 50.0, 60)] };
    for &(shards, rate, seconds) in cases {
        let (speed, accepted) = run(shards, rate, seconds);
        println!("native sandbox fast-forward: {shards} shards, {rate} records/s, {seconds} s: {speed:.1} simulated s per wall s ({accepted} records accepted)");
    }
}
