#!/usr/bin/env bash
# The native endpoint against kinesalite (npm) on loopback, same client, same workload, one run.
# Usage: scripts/bench-endpoint.sh   (prints the figures recorded in BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/bench-tools
if [ ! -x "$tools/node_modules/.bin/kinesalite" ]; then
  mkdir -p "$tools"
  # --prefix keeps npm from walking up to the project's own package.json.
  npm install --prefix "$tools" --no-audit --no-fund --silent kinesalite@3.3.3 >/dev/null
fi
cargo build --release --features endpoint --bin kinesis-endpoint
lab_port=4711; kl_port=4712
target/release/kinesis-endpoint --port "$lab_port" --no-limits --transition-ms 50 >/dev/null 2>&1 &
lab_pid=$!
node "$tools/node_modules/.bin/kinesalite" --port "$kl_port" --createStreamMs 50 --deleteStreamMs 50 --shardLimit 1000 >/dev/null 2>&1 &
kl_pid=$!
trap 'kill $lab_pid $kl_pid 2>/dev/null || true' EXIT
sleep 1
KINESIS_BENCH_TARGETS="kinesis-lab=http://127.0.0.1:$lab_port,kinesalite=http://127.0.0.1:$kl_port" \
  cargo bench --bench endpoint
