#!/usr/bin/env bash
# Installs whatever is missing, builds Plugboard and opens it with the seed project
# (string-operations wired into consumer-app) on the canvas.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
scripts/setup.sh

if [ -x scripts/start-app.sh ]; then
  exec scripts/start-app.sh "$@"
fi

# Until the desktop app exists: compose the seed project with the CLI and show what it became.
step "plugboard: composing the seed project"
cargo build --quiet --locked -p plugboard-cli
plugboard="$CARGO_TARGET_DIR/debug/plugboard"
"$plugboard" compose projects/seed.plugboard.json -o target/seed.wasm
"$plugboard" inspect --wit target/seed.wasm
