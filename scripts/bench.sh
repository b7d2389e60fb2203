#!/usr/bin/env bash
# Measures Plugboard against wasm-tools, wac and wasmtime (see crates/plugboard-bench) and writes
# the results to docs/benchmark-results.md.
#   scripts/bench.sh           # release build, 5 runs per case, peers installed (wac takes minutes)
#   scripts/bench.sh --quick   # one run, small inputs, whatever peers are already installed
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
quick=0
[ "${1:-}" = "--quick" ] && quick=1

# The peers: the shared installer when this checkout sits beside it, else what is on PATH.
peers="$ROOT/../shared/peers/install.sh"
if [ -x "$peers" ]; then
  if [ "$quick" = 1 ]; then
    eval "$("$peers")"
  else
    eval "$(PEERS_WAC=1 "$peers")"
  fi
fi

if [ "$quick" = 1 ]; then
  cargo build --locked --quiet -p plugboard-cli -p plugboard-bench
  "$CARGO_TARGET_DIR/debug/plugboard-bench" --quick
else
  cargo build --locked --quiet --release -p plugboard-cli -p plugboard-bench
  "$CARGO_TARGET_DIR/release/plugboard-bench" --runs 5 --out docs/benchmark-results.md
fi
