//! The benchmark workload exported to JavaScript. Timing happens in `run.mjs` (performance.now()), so
//! the wasm side stays free of clocks, exactly like the engine.

use kinesis_lab::engine::workload;
use wasm_bindgen::prelude::*;

/// A service set up for the workload, held between the timed phases.
#[wasm_bindgen]
pub struct Bench {
    service: kinesis_lab::api::KinesisService,
}

#[wasm_bindgen]
impl Bench {
    #[wasm_bindgen(constructor)]
    pub fn new(shards: u32) -> Bench {
        Bench { service: workload::setup(shards) }
    }

    /// PutRecords through the API layer; returns records accepted.
    pub fn put_records(&mut self, batches: u32) -> f64 {
        workload::put_records(&mut self.service, batches) as f64
    }

    /// GetRecords over every shard; returns records read.
    pub fn get_records(&mut self) -> f64 {
        workload::get_records(&mut self.service) as f64
    }
}
