#!/usr/bin/env bash
# The engine workload natively and as WebAssembly (in Node's V8), one after the other in one run.
# Usage: scripts/bench-wasm.sh   (prints the figures recorded in BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup-build.sh >/dev/null
cargo build --release --target wasm32-unknown-unknown -p kinesis-lab-wasm-bench
wasm-bindgen --target nodejs --out-dir benches/wasm/pkg target/wasm32-unknown-unknown/release/kinesis_lab_wasm_bench.wasm
# The root package.json says "type": "module"; the nodejs target emits CommonJS.
echo '{"type": "commonjs"}' > benches/wasm/pkg/package.json
cargo bench --bench engine 2>/dev/null | grep records/s
node benches/wasm/run.mjs
