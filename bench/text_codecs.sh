#!/usr/bin/env bash
# Page-text codecs for the catalogue, on real stored values (issue #22): N page texts of a store
# as the catalogue keeps them (JSON), then per value (each compressed alone, as a record is):
# zstd -3 alone, zstd -3 with a dictionary trained on 2,000 of them, lz4; sizes and speeds from
# the tools' own benchmark modes (-b, one value at a time with -S / per file).
#   bench/text_codecs.sh STORE [N] [WORKDIR]     (WORKDIR default /tmp/kho-text-codecs, deleted after)
set -euo pipefail
cd "$(dirname "$0")/.."
store=$1
n=${2:-10000}
work=${3:-/tmp/kho-text-codecs}
bench=${KHO_BENCH:-target/release/kho-bench}
rm -rf "$work"
mkdir -p "$work/texts"
"$bench" texts --data "$store" --out "$work/texts" --sample "$n"
raw=$(cat "$work"/texts/*.json | wc -c)
echo "values: $(ls "$work/texts" | wc -l), raw JSON: $raw bytes"
# (not `ls | head`: under pipefail, ls killed by SIGPIPE would stop the script)
ls "$work"/texts/*.json > "$work/all.list"
head -2000 "$work/all.list" > "$work/train.list"
zstd -q --train $(cat "$work/train.list") -o "$work/dict" --maxdict=65536
echo "dictionary: $(wc -c < "$work/dict") bytes (trained on 2,000 values)"
size_of() { # codec command per file, summing compressed sizes
  local total=0
  for f in "$work"/texts/*.json; do
    total=$((total + $("$@" < "$f" | wc -c)))
  done
  echo "$total"
}
z=$(size_of zstd -q -3 -c)
zd=$(size_of zstd -q -3 -c -D "$work/dict")
l=$(size_of lz4 -q -c)
printf '| codec | bytes | ratio |\n|---|---:|---:|\n'
printf '| JSON as stored | %d | 1.00 |\n' "$raw"
for row in "zstd -3|$z" "zstd -3 + dictionary|$zd" "lz4|$l"; do
  printf '| %s | %d | %.2f |\n' "${row%%|*}" "${row##*|}" "$(awk -v a="$raw" -v b="${row##*|}" 'BEGIN { print a / b }')"
done
echo "== speed over 2,000 values, each compressed alone (the tools' -b: compression, decompression MB/s)"
bench_files=$(ls "$work"/texts/*.json | tail -2000)
echo "zstd -3:"; zstd -b3 $bench_files 2>&1 | tr '\r' '\n' | tail -1
echo "zstd -3 + dictionary:"; zstd -b3 -D "$work/dict" $bench_files 2>&1 | tr '\r' '\n' | tail -1
echo "lz4:"; lz4 -b1 $bench_files 2>&1 | tr '\r' '\n' | tail -1
rm -rf "$work"
