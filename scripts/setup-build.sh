#!/usr/bin/env bash
# Installs the build tools Kinesis Lab needs, and only the ones that are missing or at the wrong version:
#   - the wasm32-unknown-unknown Rust target
#   - Trunk 0.21.14 (0.22 needs a newer rustc than the project's)
#   - wasm-bindgen-cli at exactly the version of the `wasm-bindgen` crate in Cargo.lock
#   - wasm-opt version 132 (npm's binaryen; Debian's 108 is too old for today's rustc output)
# Safe to run any number of times; quick when everything is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION="0.21.14"
WASM_OPT_VERSION="132"

say() { printf '[setup-build] %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1 || { say "error: '$1' is required but not installed ($2)"; exit 1; }; }

need cargo "install Rust with rustup: https://rustup.rs"
need rustup "install Rust with rustup: https://rustup.rs"

# 1. Cargo.lock pins the wasm-bindgen version everything else must match.
if [[ ! -f Cargo.lock ]]; then
    say "Cargo.lock missing: generating it"
    cargo generate-lockfile
fi

# 2. The wasm target.
if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
    say "ok: rust target wasm32-unknown-unknown"
else
    say "installing rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

# 3. Trunk.
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$have_trunk" == "$TRUNK_VERSION" ]]; then
    say "ok: trunk $TRUNK_VERSION"
else
    say "installing trunk $TRUNK_VERSION (found: ${have_trunk:-none}; takes several minutes)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# 4. wasm-bindgen-cli, at exactly the crate version in Cargo.lock.
want_bindgen="$(awk '
    $0 == "name = \"wasm-bindgen\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
    /^\[\[package\]\]/ { found = 0 }
' Cargo.lock)"
if [[ -z "$want_bindgen" ]]; then
    say "error: no wasm-bindgen package in Cargo.lock"
    exit 1
fi
have_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$have_bindgen" == "$want_bindgen" ]]; then
    say "ok: wasm-bindgen-cli $want_bindgen"
else
    # Without --locked on purpose: the CLI's own lockfile pins a crate version the registry no longer serves.
    say "installing wasm-bindgen-cli $want_bindgen (found: ${have_bindgen:-none}; takes a few minutes)"
    cargo install wasm-bindgen-cli --version "$want_bindgen" --force
fi

# 5. wasm-opt from binaryen.
have_opt="$(wasm-opt --version 2>/dev/null | awk '{print $3}' || true)"
if [[ "$have_opt" == "$WASM_OPT_VERSION" ]]; then
    say "ok: wasm-opt version $WASM_OPT_VERSION"
else
    need npm "install Node.js and npm (apt-get install -y nodejs npm)"
    say "installing wasm-opt version $WASM_OPT_VERSION via npm binaryen@$WASM_OPT_VERSION (found: ${have_opt:-none})"
    npm install -g "binaryen@$WASM_OPT_VERSION"
    hash -r
    have_opt="$(wasm-opt --version 2>/dev/null | awk '{print $3}' || true)"
    if [[ "$have_opt" != "$WASM_OPT_VERSION" ]]; then
        say "error: after installing, 'wasm-opt --version' reports '${have_opt:-nothing}' ($(command -v wasm-opt || echo 'not on PATH')); put npm's global bin ($(npm prefix -g)/bin) first on PATH"
        exit 1
    fi
fi

say "build tools ready"
