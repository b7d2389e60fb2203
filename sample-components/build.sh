#!/usr/bin/env bash
# Builds every sample component into target/samples/<name>.wasm. Incremental: cargo rebuilds only
# what changed, and a sample whose bytes did not change keeps its file (and its mtime).
#
#   sample-components/build.sh            # all samples
#   PLUGBOARD_SAMPLES_TARGET=dir build.sh # where cargo keeps its build (default ~/.cache/plugboard)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$root/target/samples"
export CARGO_TARGET_DIR="${PLUGBOARD_SAMPLES_TARGET:-$HOME/.cache/plugboard/samples-target}"
mkdir -p "$out"

cargo build --quiet --release --target wasm32-wasip2 --manifest-path "$here/Cargo.toml" --workspace

built="$CARGO_TARGET_DIR/wasm32-wasip2/release"
count=0
for manifest in "$here"/*/Cargo.toml; do
  name=$(basename "$(dirname "$manifest")")
  # A library (cdylib) is named with underscores, a command keeps its hyphens.
  src="$built/$name.wasm"
  [ -f "$src" ] || src="$built/${name//-/_}.wasm"
  if [ ! -f "$src" ]; then
    echo "build.sh: $name produced no .wasm" >&2
    exit 1
  fi
  cmp -s "$src" "$out/$name.wasm" || cp "$src" "$out/$name.wasm"
  count=$((count + 1))
done
echo "samples: $count components in ${out#"$root"/}" >&2
