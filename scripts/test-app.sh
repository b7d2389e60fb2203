#!/usr/bin/env bash
# The desktop app's checks, called by scripts/test.sh after the Rust tests: eslint, prettier and
# tsc over ui/ and tests/e2e/, the UI's unit tests (vitest), a build of the UI and of the app, and
# the end-to-end tests driving the real app through tauri-driver + WebKitWebDriver under Xvfb
# (its own Xvfb :99 when DISPLAY is unset). Exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/app-lib.sh"
cd "$ROOT"

step "ui: eslint, prettier, tsc"
(cd ui && npx eslint --max-warnings 0 . && npx prettier --check --log-level warn . ../tests/e2e && npx tsc --noEmit)
(cd tests/e2e && npx tsc --noEmit)

step "ui: unit tests"
(cd ui && npx vitest run)

step "ui: a release build carries no test hook"
release_ui="$(mktemp -d)"
(cd ui && npx vite build --logLevel warn --outDir "$release_ui" --emptyOutDir)
if grep -rq "__PLUGBOARD_TEST__" "$release_ui"; then
  echo "the release UI build contains the test hook" >&2
  exit 1
fi
rm -rf "$release_ui"

build_app

step "e2e: the real app under tauri-driver"
if [ -z "${DISPLAY:-}" ]; then
  start_xvfb :99 1920x1080
fi
port="${TAURI_DRIVER_PORT:-4444}"
# The app remembers accepted grants under its config folder: the tests start from an empty one.
PLUGBOARD_CONFIG_DIR="$(mktemp -d)"
export PLUGBOARD_CONFIG_DIR
start_tauri_driver "$port"
(cd tests/e2e && PLUGBOARD_APP="$APP_BIN" PLUGBOARD_ROOT="$ROOT" TAURI_DRIVER_PORT="$port" npx vitest run)
