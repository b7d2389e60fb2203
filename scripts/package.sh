#!/usr/bin/env bash
# Builds Plugboard's Debian package into target/package/ with Tauri's bundler (the npm package
# @tauri-apps/cli: nothing is downloaded at build time). The package holds the app
# (/usr/bin/plugboard-app), the CLI (/usr/bin/plugboard), a desktop entry and icon, and the
# sample library (built components, projects and their WIT) as read-only app resources under
# /usr/lib/Plugboard/library.
#   scripts/package.sh            packages the dev-profile build (what CI already has: quick)
#   scripts/package.sh --release  the release package
# Install it with: sudo apt install ./target/package/plugboard_<version>_amd64.deb
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

profile=debug
tauri_flags=(--debug)
# The dev profile's CLI is the one the workspace build made (scripts/test.sh): building it alone
# would resolve its dependencies' features differently and compile most of them again (~8 min).
cargo_flags=(--workspace --all-targets)
if [ "${1:-}" = "--release" ]; then
  profile=release
  tauri_flags=()
  cargo_flags=(-p plugboard-cli --release)
fi

[ -d target/samples ] || sample-components/build.sh

step "ui: build (as released: no test hook)"
(cd ui && npx vite build --logLevel warn)

step "cli: build ($profile)"
cargo build --locked "${cargo_flags[@]}"

# The bundle's settings that depend on this machine's paths go in a config of their own, merged
# over src-tauri/tauri.conf.json for this build only.
config="$(mktemp --suffix .json)"
trap 'rm -f "$config"' EXIT
cat >"$config" <<JSON
{
  "bundle": {
    "active": true,
    "targets": ["deb"],
    "category": "DeveloperTool",
    "shortDescription": "Compose WebAssembly components visually and run them under capabilities you control",
    "longDescription": "Plugboard loads WebAssembly components as nodes whose WIT imports and exports are ports, wires them with the engine checking every drop, composes the graph into one component and runs it in wasmtime under capability toggles. Includes the plugboard command line and a sample library.",
    "resources": {
      "$ROOT/projects/": "library/projects/",
      "$ROOT/target/samples/": "library/target/samples/",
      "$ROOT/wit/": "library/wit/"
    },
    "linux": {
      "deb": {
        "files": { "/usr/bin/plugboard": "$CARGO_TARGET_DIR/$profile/plugboard" }
      }
    }
  }
}
JSON

step "package: tauri build ($profile, deb)"
(cd src-tauri && "$ROOT/ui/node_modules/.bin/tauri" build "${tauri_flags[@]}" --ci --bundles deb --config "$config")

mkdir -p target/package
rm -f target/package/*.deb
cp "$CARGO_TARGET_DIR/$profile/bundle/deb/"*.deb target/package/
step "package: $(ls target/package/*.deb)"
