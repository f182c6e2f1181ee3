#!/usr/bin/env bash
# Everything CI checks, in order, stopping at the first failure:
#   1. Rust tests (engine, API, endpoint)            cargo test
#   2. the web app's release build to dist/          trunk build --release --offline
#   3. real-client conformance tests, if any         pytest tests/clients   (boto3, AWS CLI, aws_kinesis_agg, pyarrow)
#   4. browser tests in headless Chromium            node --test tests/browser/
# It first installs whatever is missing (build tools, Chromium, playwright-core, Python packages) and skips
# what is already there, so it works on a fresh machine and is quick on a warm one. Works without stdin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive
PYTHON="${PYTHON:-python3}"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/kinesis-lab-test.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT

section() { printf '\n==================== %s ====================\n' "$*"; }
note() { printf '[test] %s\n' "$*"; }
as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }

# Counters for the closing summary line, filled from each runner's own summary.
passed=0
skipped=0
breakdown=()
count() { # count LABEL PASSED SKIPPED
    passed=$((passed + $2))
    skipped=$((skipped + $3))
    if [[ $3 -gt 0 ]]; then breakdown+=("$1 $2 passed, $3 skipped"); else breakdown+=("$1 $2 passed"); fi
}
sum_matches() { # sum_matches REGEX FILE: adds up the first number of every line matching REGEX
    { grep -oE "$1" "$2" || true; } | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'
}

# ---------------------------------------------------------------------------------------------------------
section "Setup: tools (installs only what is missing)"

scripts/setup-build.sh

if [[ ! -x /usr/bin/chromium ]]; then
    note "installing Chromium from apt"
    as_root apt-get update
    as_root apt-get install -y chromium
else
    note "ok: $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    note "installing Node.js and npm from apt"
    as_root apt-get update
    as_root apt-get install -y nodejs npm
fi
want_pw="$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")"
have_pw="$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch { '' }")"
if [[ "$have_pw" != "$want_pw" ]]; then
    note "installing playwright-core $want_pw (npm ci; no browser download: the tests use /usr/bin/chromium)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
else
    note "ok: playwright-core $have_pw"
fi

# Python packages: install from the requirements file when any listed one is missing or at the wrong version.
if ! "$PYTHON" - tests/clients/requirements.txt <<'PY'
import sys
from importlib import metadata
missing = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, pinned = (part.strip() for part in line.partition("=="))
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        missing.append(name)
        continue
    if pinned and have != pinned:
        missing.append(f"{name} (have {have}, want {pinned})")
if missing:
    print("[test] missing Python packages: " + ", ".join(missing))
    sys.exit(1)
print("[test] ok: Python packages in tests/clients/requirements.txt")
PY
then
    note "installing Python packages from tests/clients/requirements.txt"
    if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
        as_root apt-get update
        as_root apt-get install -y python3-pip
    fi
    pip_install=("$PYTHON" -m pip install --quiet --disable-pip-version-check -r tests/clients/requirements.txt)
    # A distribution's own Python (PEP 668) refuses plain installs; this machine's tests own it, so allow it.
    "${pip_install[@]}" || "${pip_install[@]}" --break-system-packages
fi

# ---------------------------------------------------------------------------------------------------------
if grep -qE '^endpoint *=' Cargo.toml && [[ -f src/bin/kinesis_endpoint.rs ]]; then
    cargo_features=(--features endpoint)
else
    cargo_features=()
fi
section "Rust tests: cargo test --all-targets ${cargo_features[*]}"
# One run with the endpoint feature on covers the library, both binaries, the integration tests and the
# benches (in test mode) without running the library's tests twice.
cargo test --all-targets "${cargo_features[@]}" 2>&1 | tee "$LOGS/cargo.log"
count "cargo test:" \
    "$(sum_matches 'test result: [a-zA-Z]+\. [0-9]+ passed' "$LOGS/cargo.log")" \
    "$(sum_matches '[0-9]+ ignored' "$LOGS/cargo.log")"

# ---------------------------------------------------------------------------------------------------------
section "Web app: trunk build --release --offline (dist/)"
trunk build --release --offline
wasm_file="$(ls dist/*_bg.wasm)"
note "wasm: $(wc -c <"$wasm_file") bytes raw, $(gzip -9 -c "$wasm_file" | wc -c) bytes gzipped ($wasm_file)"

# ---------------------------------------------------------------------------------------------------------
section "Real clients: pytest tests/clients"
if compgen -G 'tests/clients/test_*.py' >/dev/null || compgen -G 'tests/clients/**/test_*.py' >/dev/null; then
    if [[ ${#cargo_features[@]} -gt 0 ]]; then
        note "building the native endpoint the tests start"
        cargo build --release --features endpoint --bin kinesis-endpoint
    fi
    set +e
    "$PYTHON" -m pytest tests/clients -q -p no:cacheprovider 2>&1 | tee "$LOGS/pytest.log"
    rc=${PIPESTATUS[0]}
    set -e
    if [[ $rc == 5 ]]; then
        note "pytest collected no tests in tests/clients"
    elif [[ $rc != 0 ]]; then
        note "pytest failed (exit $rc)"
        exit "$rc"
    fi
    count "pytest:" \
        "$(sum_matches '[0-9]+ passed' <(tail -n 3 "$LOGS/pytest.log"))" \
        "$(sum_matches '[0-9]+ skipped' <(tail -n 3 "$LOGS/pytest.log"))"
else
    note "no tests in tests/clients yet: skipped"
fi

# ---------------------------------------------------------------------------------------------------------
section "Browser: node --test tests/browser/ (headless Chromium)"
node --test --test-reporter=tap tests/browser/ 2>&1 | tee "$LOGS/browser.log"
count "browser:" \
    "$(sum_matches '^# pass [0-9]+' "$LOGS/browser.log")" \
    "$(sum_matches '^# skipped [0-9]+' "$LOGS/browser.log")"

# ---------------------------------------------------------------------------------------------------------
section "Summary"
printf '%s\n' "${breakdown[@]}"
echo "screenshots: tests/browser/screenshots/"
echo "$passed passed, 0 failed"
