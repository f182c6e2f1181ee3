// Times the wasm build of the engine workload (same as benches/engine.rs) in Node's V8.
// Run by scripts/bench-wasm.sh after wasm-bindgen --target nodejs has written pkg/.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
const require = createRequire(import.meta.url);
const { Bench } = require('./pkg/kinesis_lab_wasm_bench.js');

const SHARDS = 4, BATCHES = 400, RUNS = 5;
const puts = [], gets = [];
for (let i = 0; i < RUNS; i++) {
  const b = new Bench(SHARDS);
  let t = performance.now();
  const put = b.put_records(BATCHES);
  const putS = (performance.now() - t) / 1000;
  t = performance.now();
  const read = b.get_records();
  const getS = (performance.now() - t) / 1000;
  if (put !== read) throw new Error(`put ${put} but read ${read}`);
  puts.push(put / putS); gets.push(read / getS);
  b.free();
}
const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`wasm   PutRecords (API layer, 500 × 100 B per call): median ${median(puts).toFixed(0)} records/s`);
console.log(`wasm   GetRecords (API layer, Limit 10,000):          median ${median(gets).toFixed(0)} records/s`);
