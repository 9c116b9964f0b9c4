#!/usr/bin/env bash
# Fuzzes kho's parsers with cargo-fuzz (libFuzzer + AddressSanitizer) on the stable toolchain.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 600 seconds each, every target, two at a time)
# Targets (fuzz/fuzz_targets, bodies in tests/src/fuzz.rs): sniff_inspect pdf_extract tiff_pages
# image_decode manifest query. Starts from fuzz/seeds/TARGET (committed) and grows fuzz/corpus/TARGET (not
# committed); a crash lands in fuzz/artifacts/TARGET: fix it, then copy the input to
# fuzz/regressions/TARGET, which the test suite replays (tests/tests/e2e/fuzz_inputs.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sniff_inspect pdf_extract tiff_pages image_decode manifest query)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1   # cargo-fuzz needs -Z flags; the machine has only stable Rust
(cd fuzz && cargo fuzz build -O)
run() {
  local target=$1
  mkdir -p "fuzz/corpus/$target"
  (cd fuzz && cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
    > "../target/fuzz-$target.log" 2>&1) \
    && echo "fuzz: $target: $seconds s, no crash ($(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "target/fuzz-$target.log"))" \
    || { echo "fuzz: $target: CRASH, see target/fuzz-$target.log and fuzz/artifacts/$target"; return 1; }
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  pids=()
  for target in "${targets[@]:i:2}"; do run "$target" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done
exit $status
