#!/usr/bin/env bash
# Page-text codecs for the catalogue, on real stored values (issue #22): N page texts of a store
# as the catalogue keeps them (JSON), then per value (each compressed alone, as a record is):
# zstd -3 alone, zstd -3 with a dictionary trained on 2,000 of them, lz4, all measured on the
# values not trained on; sizes and speeds from
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
# (not `ls | head`: under pipefail, ls killed by SIGPIPE would stop the script)
ls "$work"/texts/*.json > "$work/all.list"
head -2000 "$work/all.list" > "$work/train.list"
# Every codec is measured on the values the dictionary was not trained on.
tail -n +2001 "$work/all.list" > "$work/held.list"
zstd -q --train $(cat "$work/train.list") -o "$work/dict" --maxdict=65536
raw=$(cat $(cat "$work/held.list") | wc -c)
echo "values: $(wc -l < "$work/all.list"); dictionary: $(wc -c < "$work/dict") bytes trained on 2,000;"
echo "measured on the other $(wc -l < "$work/held.list"): $raw bytes of JSON as stored"
size_of() { # codec command per file, summing compressed sizes
  local total=0
  for f in $(cat "$work/held.list"); do
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
bench_files=$(tail -2000 "$work/held.list")
speed() { "$@" $bench_files 2>&1 | tr '\r' '\n' | grep 'MB/s' | tail -1; }
echo "zstd -3: $(speed zstd -b3)"
echo "zstd -3 + dictionary: $(speed zstd -b3 -D "$work/dict")"
echo "lz4: $(speed lz4 -b1)"
rm -rf "$work"
