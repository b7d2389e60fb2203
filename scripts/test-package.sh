#!/usr/bin/env bash
# Builds the Debian package (the dev-profile build, scripts/package.sh), installs it on this
# machine with apt, and smoke-tests both binaries from a folder far from the repository: `plugboard
# --version`, a CLI run of the installed seed project, and the installed app under Xvfb through
# WebDriver (tests/e2e/installed.smoke.ts). The package is removed again on exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/app-lib.sh"
cd "$ROOT"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

scripts/package.sh
deb="$(ls "$ROOT"/target/package/*.deb)"

step "package: installing $(basename "$deb")"
uninstall() { as_root apt-get remove -y -qq plugboard >/dev/null 2>&1 || true; }
trap 'uninstall; stop_started' EXIT
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$deb" >/dev/null

scratch="$(mktemp -d)"
cd "$scratch"
step "package: the installed CLI"
version="$(/usr/bin/plugboard --version)"
[ "$version" = "plugboard $(grep -m1 '^version' "$ROOT/Cargo.toml" | cut -d'"' -f2)" ] || {
  echo "unexpected version: $version" >&2
  exit 1
}
seed_output="$(/usr/bin/plugboard run /usr/lib/Plugboard/library/projects/seed.plugboard.json)"
grep -q "Words: 4" <<<"$seed_output" || {
  echo "the installed seed project did not run: $seed_output" >&2
  exit 1
}

step "package: the installed app, under tauri-driver"
if [ -z "${DISPLAY:-}" ]; then
  start_xvfb :98 1920x1080
fi
port=4464
PLUGBOARD_CONFIG_DIR="$(mktemp -d)"
export PLUGBOARD_CONFIG_DIR
unset PLUGBOARD_ROOT
# tauri-driver starts the app in its own folder: a scratch one, so no repository is found.
start_tauri_driver "$port"
(cd "$ROOT/tests/e2e" && PLUGBOARD_APP=/usr/bin/plugboard-app TAURI_DRIVER_PORT="$port" \
  npx vitest run --config vitest.smoke.config.ts)
step "package: installed and smoke-tested"
