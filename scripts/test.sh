#!/usr/bin/env bash
# Runs every check and test: formatting (`cargo fmt --check`), the lints
# (`cargo clippy -D warnings`), the unit and property tests of each crate, and the end-to-end
# tests that drive the kho binary. Installs what is missing first (scripts/setup-tests.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-tests.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo build --workspace --bins
cargo test --workspace --no-fail-fast "$@"
