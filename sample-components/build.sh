#!/usr/bin/env bash
# Builds every sample component into target/samples/<name>.wasm (and copies the WebAssembly text
# ones, sample-components/wat/*.wat, beside them). Incremental: cargo rebuilds only
# what changed, a sample whose bytes did not change keeps its file (and its mtime), and a Python
# or JavaScript sample is rebuilt only when its source or WIT is newer than its component.
#
#   sample-components/build.sh                 # all samples
#   PLUGBOARD_SAMPLES_TARGET=dir build.sh      # where cargo keeps its build (default ~/.cache/plugboard)
#   PLUGBOARD_POLYGLOT=0 build.sh              # only the Rust samples
#
# The polyglot samples use componentize-py and componentize-js at pinned versions, installed from
# PyPI and npm into ~/.cache/plugboard/tools on first use.
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

# The WebAssembly text samples (hand-written hostile components) are read by Plugboard as they
# are: copied beside the built ones.
for wat in "$here"/wat/*.wat; do
  name=$(basename "$wat")
  cmp -s "$wat" "$out/$name" || cp "$wat" "$out/$name"
  count=$((count + 1))
done

if [ "${PLUGBOARD_POLYGLOT:-1}" != 0 ]; then
  tools="${PLUGBOARD_TOOLS:-$HOME/.cache/plugboard/tools}"
  py="$tools/componentize-py-0.25.1"
  js="$tools/componentize-js-0.23.0"
  # The WASI 0.2 WIT (cli, http, …) the Python command and proxy are built against: the copy inside
  # the wasmtime-wasi-http crate Plugboard's own host is built from, so guest and host agree.
  wasi_wit=$(cargo metadata --format-version 1 --locked --manifest-path "$root/Cargo.toml" 2>/dev/null |
    python3 -c 'import json, os, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "wasmtime-wasi-http":
        print(os.path.join(os.path.dirname(p["manifest_path"]), "wit"))')
  [ -d "$wasi_wit" ] || { echo "build.sh: cannot find the WASI WIT of wasmtime-wasi-http" >&2; exit 1; }

  # stale OUT INPUT…: whether OUT is missing or older than any file under the inputs.
  stale() {
    local target=$1; shift
    [ ! -f "$target" ] || [ -n "$(find "$@" -newer "$target" -type f 2>/dev/null | head -n 1)" ]
  }
  python_sample() { # name wit-dir world
    local name=$1 wit=$2 world=$3 src="$here/python/$1"
    stale "$out/$name.wasm" "$src" "$wit" || { count=$((count + 1)); return; }
    if [ ! -x "$py/bin/componentize-py" ]; then
      python3 -m venv "$py" >&2
      "$py/bin/pip" install -q --disable-pip-version-check 'componentize-py==0.25.1' >&2
    fi
    (cd "$src" && "$py/bin/componentize-py" -q -d "$wit" -w "$world" componentize app -o "$out/$name.wasm.tmp")
    mv "$out/$name.wasm.tmp" "$out/$name.wasm"
    count=$((count + 1))
  }
  javascript_sample() { # name wit-dir world
    local name=$1 wit=$2 world=$3 src="$here/javascript/$1"
    stale "$out/$name.wasm" "$src" "$wit" || { count=$((count + 1)); return; }
    if [ ! -x "$js/node_modules/.bin/componentize-js" ]; then
      mkdir -p "$js"
      npm install --prefix "$js" --no-audit --no-fund --loglevel=error \
        '@bytecodealliance/componentize-js@0.23.0' >&2
    fi
    "$js/node_modules/.bin/componentize-js" --wit "$wit" --world-name "$world" \
      --out "$out/$name.wasm.tmp" "$src/app.js" >/dev/null
    mv "$out/$name.wasm.tmp" "$out/$name.wasm"
    count=$((count + 1))
  }

  python_sample py-stringops "$root/wit/stringoperations" string-operations
  python_sample py-kv-store "$root/wit/kv" kv-store
  python_sample py-command "$wasi_wit" wasi:cli/command@0.2.12
  python_sample py-http-proxy "$wasi_wit" wasi:http/proxy@0.2.12
  javascript_sample js-stringops "$root/wit/stringoperations" string-operations
fi
echo "samples: $count components in ${out#"$root"/}" >&2
