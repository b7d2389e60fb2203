#!/usr/bin/env bash
# Installs whatever is missing on a Debian 12 machine (root, or sudo available) for building,
# running and testing Plugboard. Idempotent: a second run takes seconds.
#   - the Rust toolchain pinned in rust-toolchain.toml, with the wasm32-wasip2 target
#   - Debian packages Tauri needs (WebKitGTK), plus Xvfb, WebKitWebDriver and ImageMagick
#   - docker-registry, the OCI distribution server the registry tests start on loopback
#   - npm dependencies of ui/ and tests/e2e/, and tauri-driver (for the end-to-end tests)
#   - the sample components (sample-components/build.sh)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

APT_PACKAGES=(
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libayatana-appindicator3-dev
  librsvg2-dev xvfb xauth webkit2gtk-driver imagemagick curl docker-registry
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt: installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v rustup >/dev/null; then
  step "rustup: installing"
  curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain none
  # shellcheck disable=SC1091
  source "$HOME/.cargo/env"
fi
step "rust: $(rustup toolchain install 2>&1 | tail -n 1)"

for pkg in ui tests/e2e; do
  [ -f "$pkg/package.json" ] || continue
  if [ ! -d "$pkg/node_modules" ] || [ "$pkg/package-lock.json" -nt "$pkg/node_modules/.package-lock.json" ]; then
    step "npm: installing $pkg dependencies"
    (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  step "cargo: installing tauri-driver"
  cargo install --locked --quiet tauri-driver --version '^2'
fi

step "samples: building"
sample-components/build.sh
