#!/usr/bin/env bash
# Installs whatever is missing, builds Plugboard and opens it with the seed project
# (string-operations wired into consumer-app) on the canvas.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
scripts/setup.sh

exec scripts/start-app.sh "$@"
