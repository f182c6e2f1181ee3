#!/usr/bin/env bash
# Builds Kinesis Lab and serves it at http://127.0.0.1:8080 (rebuilding on change). Installs missing build
# tools first (scripts/setup-build.sh). Extra arguments go to `trunk serve`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup-build.sh
echo "[serve] Kinesis Lab will be at http://127.0.0.1:8080/ once the first build finishes (Ctrl-C stops it)"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080 "$@"
