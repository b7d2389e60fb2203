#!/usr/bin/env bash
# Installs whatever is missing, then runs every check and test Plugboard has: formatting, clippy,
# the engine's and the CLI's tests on real components, and the desktop app's checks and
# end-to-end tests (scripts/test-app.sh). Exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$(date +%s)

scripts/setup.sh

step "rust: formatting"
cargo fmt --all --check
(cd sample-components && cargo fmt --all --check)

step "rust: build (dev profile, dependencies optimised)"
cargo build --workspace --all-targets --locked

step "rust: clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "rust: tests"
cargo test --workspace --locked

step "benchmarks: the harness in quick mode (asserts nothing about time)"
"$CARGO_TARGET_DIR/debug/plugboard-bench" --quick >/dev/null

step "bindings: the committed TypeScript types match the Rust ones"
if [ -n "$(git status --porcelain -- ui/src/ipc/bindings)" ]; then
  git status --porcelain -- ui/src/ipc/bindings >&2
  echo "ui/src/ipc/bindings is stale: run 'cargo test' and commit the result" >&2
  exit 1
fi

if [ -x scripts/test-app.sh ]; then
  scripts/test-app.sh
fi

step "package: build, install and smoke-test the .deb"
scripts/test-package.sh

step "all tests passed in $(( $(date +%s) - started )) s"
