#!/usr/bin/env bash
# Runs every test: unit and property tests of each crate, and the end-to-end tests that drive
# the kho binary. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --workspace --bins
cargo test --workspace --no-fail-fast "$@"
