#!/usr/bin/env bash
# Measures the canvas of the real app (docs/benchmarks.md, "Canvas"): opens the seed project and
# a generated 100-node project under its own Xvfb (:95, 1600x1000, software rendering) and counts
# frames while idle, zooming and dragging a node. Prints a table and writes
# target/bench/canvas.json. Not a test: it asserts nothing about time.
#
#   scripts/bench-canvas.sh [--no-build]   (--no-build: reuse the app built at $APP_BIN)
#   env: CANVAS_BENCH_RUNS (3), CANVAS_BENCH_SPAN_MS (3000), CANVAS_BENCH_OUT (target/bench/canvas.json)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/app-lib.sh"
cd "$ROOT"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "usage: scripts/bench-canvas.sh [--no-build]" >&2; exit 2 ;;
  esac
done
if [ "$build" = 1 ]; then
  build_app
elif [ ! -x "$APP_BIN" ]; then
  echo "no app at $APP_BIN: run without --no-build" >&2
  exit 1
fi

big="$ROOT/projects/generated/big-100.plugboard.json"
node scripts/gen-big-project.mjs "$big" >/dev/null
# As in CI, Xvfb has no GPU: WebKit and Mesa draw in software.
start_xvfb "${CANVAS_BENCH_DISPLAY:-:95}" 1600x1000
port="${CANVAS_BENCH_DRIVER_PORT:-4459}"
# An empty consent folder, so no project asks for grants on the way.
PLUGBOARD_CONFIG_DIR="$(mktemp -d)"
export PLUGBOARD_CONFIG_DIR
start_tauri_driver "$port"
step "canvas benchmark (rustc processes now: $(pgrep -c rustc || true); load: $(cut -d' ' -f1-3 /proc/loadavg))"
(cd tests/e2e && PLUGBOARD_APP="$APP_BIN" PLUGBOARD_ROOT="$ROOT" TAURI_DRIVER_PORT="$port" \
  CANVAS_BENCH_BIG="$big" npx vitest run --config vitest.bench.config.ts)
