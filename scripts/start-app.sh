#!/usr/bin/env bash
# Builds the UI and the desktop app, then opens it with the seed project (string-operations
# wired into consumer-app) on the canvas. Called by scripts/start.sh after setup; arguments are
# passed to the app instead of the seed project.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/app-lib.sh"
cd "$ROOT"
trap - EXIT

build_app
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "no display: run this from a desktop session (or set DISPLAY)" >&2
  exit 1
fi
if [ $# -eq 0 ]; then
  set -- "$ROOT/projects/seed.plugboard.json"
fi
step "plugboard: opening $*"
PLUGBOARD_ROOT="$ROOT" exec "$APP_BIN" "$@"
