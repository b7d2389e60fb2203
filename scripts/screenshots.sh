#!/usr/bin/env bash
# Runs the real app under its own Xvfb (:99) and photographs it into docs/: the seed project, the
# inspector, a wire being dragged (refusing imports dimmed), a refused wire, a compile result, a
# run with its output, grants per node with the capability log, an invocation through a form,
# the HTTP proxy with the request tester, hot reload, a project from elsewhere asking for its
# grants, a run out of memory, and the calls across a wire (counted, pulsing, listed in the
# Calls tab), an interface unfolded into its functions, an invoke session and the wasmtime line
# with the world badge, auto-wire suggestions, a stub answering a consumer and a WAC document
# opened as a project, a composition unfolded in place, components pulled from a registry (its
# Add dialog, badges and the newer marker) and the seed exported to Spin. Look at them before
# committing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/app-lib.sh"
cd "$ROOT"

build_app
mkdir -p docs
start_xvfb "${SCREENSHOT_DISPLAY:-:99}" 1600x1000
port="${TAURI_DRIVER_PORT:-4454}"
# An empty consent folder: a project from elsewhere asks, as it would the first time.
PLUGBOARD_CONFIG_DIR="$(mktemp -d)"
export PLUGBOARD_CONFIG_DIR
start_tauri_driver "$port"
step "screenshots: docs/*.png"
(cd tests/e2e && PLUGBOARD_APP="$APP_BIN" PLUGBOARD_ROOT="$ROOT" TAURI_DRIVER_PORT="$port" \
  npx vitest run --config vitest.shots.config.ts)
ls -l docs/*.png
