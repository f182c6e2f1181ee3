//! Engine throughput, natively: PutRecords and GetRecords through the full API layer.
//! `cargo bench --bench engine` — prints records/s; BENCHMARKS.md records the figures next to the
//! same workload in wasm (the `#bench` page) measured in the same session.

use std::time::Instant;

use kinesis_lab::engine::workload;

fn main() {
    const SHARDS: u32 = 4;
    const BATCHES: u32 = 400; // 200,000 records of 100 bytes
    let mut put_rates = vec![];
    let mut get_rates = vec![];
    for _ in 0..5 {
        let mut svc = workload::setup(SHARDS);
        let t = Instant::now();
        let put = workload::put_records(&mut svc, BATCHES);
        let put_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let read = workload::get_records(&mut svc);
        let get_s = t.elapsed().as_secs_f64();
        assert_eq!(put, read, "every record put is read back");
        put_rates.push(put as f64 / put_s);
        get_rates.push(read as f64 / get_s);
    }
    put_rates.sort_by(f64::total_cmp);
    get_rates.sort_by(f64::total_cmp);
    println!("native PutRecords (API layer, 500 × 100 B per call): median {:.0} records/s", put_rates[2]);
    println!("native GetRecords (API layer, Limit 10,000):          median {:.0} records/s", get_rates[2]);
}
