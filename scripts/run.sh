#!/usr/bin/env bash
# The main job: install what is missing, build kho, load the sample dossiers into the default
# store (./kho-data, or $KHO_DATA), show what is stored, search it, and verify it. Safe to run
# again (duplicates are recognised, nothing is stored twice).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --bin kho
kho=target/release/kho
export KHO_DATA="${KHO_DATA:-$PWD/kho-data}"

echo
echo "== Loading the sample dossiers (corpus/manifest.csv) into $KHO_DATA"
"$kho" ingest --manifest corpus/manifest.csv --json > target/sample-ingest.jsonl || true
"$kho" ingest --manifest corpus/manifest.csv | tail -n 1

echo
echo "== What is stored"
grep -o '"id":"[a-z2-7]*"' target/sample-ingest.jsonl | cut -d'"' -f4 | while read -r id; do
  "$kho" show "$id"
  echo
done

echo "== Searching the way a clerk types (no diacritics): nguyen van duc"
"$kho" search "nguyen van duc"
echo

echo "== Checking every stored byte"
"$kho" verify
echo
echo "Store: $KHO_DATA. Try: $kho search \"hoa binh\" --valid-only, $kho show ID --text, $kho get ID -o copy.pdf, $kho --help"
