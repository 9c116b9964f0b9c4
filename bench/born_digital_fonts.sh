#!/usr/bin/env bash
# Born-digital PDFs as offices write them (issue 18, "born-digital PDFs with embedded fonts"):
# N one-page Vietnamese letters with embedded subset TrueType fonts from six producers
# (`bench/make_born_digital.py --fonts`, made once into SETDIR and kept), through
#   - `pdftotext` run once per file, J at a time (xargs -P J): the obvious reference;
#   - `kho ingest --manifest --jobs J` into an empty store (read, inspect, extract the text
#     layer, hash, write and fsync the blob, record, index), each kho binary given;
# one after the other in the same run, ROUNDS times. Files/s of each and the ratio.
# The generator needs the producers (see bench/admin_docs.py) and a Python with them:
#   PYTHON=/path/to/venv/bin/python bench/born_digital_fonts.sh [N] [ROUNDS] [SETDIR] [KHO...]
#     (defaults: 1200, 2, /tmp/kho-bd-fonts, target/release/kho)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1200}
rounds=${2:-2}
set_dir=${3:-/tmp/kho-bd-fonts}
shift $(($# < 3 ? $# : 3))
khos=("$@")
[ ${#khos[@]} -gt 0 ] || khos=("$PWD/target/release/kho")
if [ ! -f "$set_dir/manifest.csv" ] || [ "$(($(wc -l < "$set_dir/manifest.csv") - 1))" -ne "$n" ]; then
  rm -rf "$set_dir"
  "${PYTHON:-python3}" bench/make_born_digital.py --fonts "$n" "$set_dir"
fi
work=$(mktemp -d /tmp/kho-bd-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "files: $n; producers: $(for f in $(find "$set_dir/pdf" -name '*.pdf' | head -12); do pdfinfo "$f" | awk -F': *' '/^Producer/ {print $2}'; done | sort -u | cut -c1-24 | paste -sd, -)"
echo "load: $(uptime | sed 's/.*load/load/')"
timed() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1; }
echo "| run | seconds | files/s | CPU seconds |"
echo "|---|---:|---:|---:|"
cat /dev/null > "$work/list"
find "$set_dir/pdf" -name '*.pdf' -print0 > "$work/list"
sync
for r in $(seq 1 "$rounds"); do
  read -r w u s < <(timed sh -c "xargs -0 -P ${JOBS:-2} -I{} pdftotext -enc UTF-8 {} /dev/null < '$work/list'")
  awk -v w="$w" -v u="$u" -v s="$s" -v n="$n" -v r="$r" \
    'BEGIN { printf "| round %d: pdftotext once per file (xargs -P 2) | %.2f | %.0f | %.1f |\n", r, w, n / w, u + s }'
  for kho in "${khos[@]}"; do
    rm -rf "$work/store"
    read -r w u s < <(timed "$kho" --data "$work/store" ingest --manifest "$set_dir/manifest.csv" --jobs "${JOBS:-2}")
    awk -v w="$w" -v u="$u" -v s="$s" -v n="$n" -v r="$r" -v k="$kho" \
      'BEGIN { printf "| round %d: %s ingest --manifest | %.2f | %.0f | %.1f |\n", r, k, w, n / w, u + s }'
  done
done
echo "load after: $(uptime | sed 's/.*load/load/')"
