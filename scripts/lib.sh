# Shared settings for the scripts: sourced, not run.
# The cargo target dir lives outside the clone so every clone (and CI) reuses one build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/plugboard/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
step() { printf '\n==> %s\n' "$*" >&2; }
