#!/usr/bin/env bash
# One-page scans through the whole batch (issue 18, "one-page scans leave cores idle"):
# the 7 JPEG files of corpus/scans200 and the page images of its 7 image-only PDFs as PNG
# (14 one-page 200-dpi scans), each copied COPIES times under other names and made unique, through
#   - `kho ingest --manifest --jobs J` (read, OCR, store, index), each kho binary given;
#   - the tesseract CLI alone on the same files, J at a time (xargs -P J), with the page
#     segmentation mode kho uses (-l vie --oem 1 --psm PSM, TSV output as kho reads it).
# Wall time, CPU time (user + sys, children included) and cores kept busy (CPU / wall) of each,
# measured one after the other in the same run, ROUNDS times.
#   bench/one_page_throughput.sh [JOBS] [COPIES] [ROUNDS] [PSM] [KHO...]
#     (defaults: 2, 2, 2, 3, target/release/kho)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
copies=${2:-2}
rounds=${3:-2}
psm=${4:-3}
shift $(($# < 4 ? $# : 4))
khos=("$@")
[ ${#khos[@]} -gt 0 ] || khos=("$PWD/target/release/kho")
work=$(mktemp -d /tmp/kho-one-page.XXXXXX)
trap 'rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1
mkdir -p "$work/src" "$work/files"
cp corpus/scans200/*.jpg "$work/src/"
for pdf in corpus/scans200/*.pdf; do
  pdfimages -png "$pdf" "$work/src/$(basename "$pdf" .pdf)"
done
echo "file,owner_id,doc_type" > "$work/files/manifest.csv"
n=0
for c in $(seq 1 "$copies"); do
  for f in "$work"/src/*; do
    n=$((n + 1))
    ext=${f##*.}
    name=$(printf 'scan-%03d.%s' "$n" "$ext")
    cp "$f" "$work/files/$name"
    # Unique bytes, same pixels: a JPEG comment / PNG text chunk would change the decoders'
    # path; trailing bytes after the image end are ignored by both libjpeg and libpng.
    printf 'kho-bench %s' "$n" >> "$work/files/$name"
    echo "$name,049075001234,other" >> "$work/files/manifest.csv"
  done
done
echo "pages: $n (one per file), jobs $jobs, psm $psm for tesseract alone; load: $(uptime | sed 's/.*load/load/')"

timed() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1; }
row() { # name wall user sys
  awk -v name="$1" -v w="$2" -v u="$3" -v s="$4" -v n="$n" \
    'BEGIN { printf "| %s | %.1f | %.2f | %.1f | %.2f |\n", name, w, n / w, u + s, (u + s) / w }'
}
echo "| run | seconds | pages/s | CPU seconds | cores busy |"
echo "|---|---:|---:|---:|---:|"
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/tess" && mkdir -p "$work/tess"
  read -r w u s < <(timed sh -c "ls '$work'/files/*.jpg '$work'/files/*.png | xargs -P '$jobs' -I{} sh -c \
    'tesseract \"\$1\" \"$work/tess/\$(basename \"\$1\")\" -l vie --oem 1 --psm $psm tsv >/dev/null 2>&1' _ {}")
  row "round $r: tesseract alone (xargs -P $jobs, psm $psm)" "$w" "$u" "$s"
  for kho in "${khos[@]}"; do
    rm -rf "$work/store"
    read -r w u s < <(timed "$kho" --data "$work/store" ingest --manifest "$work/files/manifest.csv" --jobs "$jobs")
    row "round $r: $kho ingest --jobs $jobs" "$w" "$u" "$s"
  done
done
echo "load after: $(uptime | sed 's/.*load/load/')"
