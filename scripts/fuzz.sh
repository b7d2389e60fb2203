#!/usr/bin/env bash
# Fuzzes one of the engine's parsers of untrusted input for a while, by hand (CI only replays the
# committed corpus, as tests):
#
#   scripts/fuzz.sh inspect 600    # component bytes, for 600 seconds
#   scripts/fuzz.sh project 600    # project files
#
# Uses cargo-fuzz (libFuzzer; installed on first use) on the stable toolchain with
# RUSTC_BOOTSTRAP=1 for its sanitizer flags, in its own target dir (an instrumented build of the
# engine and wasmtime: ~20 minutes the first time). New inputs that reach new code are added to
# fuzz/corpus/TARGET; before committing them, minimize the corpus (`cargo fuzz cmin TARGET`, with
# the same environment) and keep inputs under 64 KiB (inputs are capped at that size, but the
# seed components are larger and their mutations would make the repository heavy). A crash
# leaves its input in fuzz/artifacts/TARGET: add it to the corpus once fixed, so the replay tests
# keep it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT/fuzz"
target="${1:?usage: scripts/fuzz.sh inspect|project SECONDS}"
seconds="${2:-600}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  step "cargo: installing cargo-fuzz"
  cargo install --locked --quiet cargo-fuzz
fi
export CARGO_TARGET_DIR="${PLUGBOARD_FUZZ_TARGET:-$HOME/.cache/plugboard/fuzz-target}"
step "fuzz: $target for $seconds s"
# Memory bombs in the input would be the engine's own bug: cap what one input may take.
RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=30 -print_final_stats=1
