#!/usr/bin/env bash
# Batch throughput (issue 6):
#  1. OCR: 42 image-only PDFs of 12 scanned A4 pages each (504 pages, 300 dpi; the committed
#     corpus's scanned PDFs with DCT, Flate, Flate+DCT and CCITT images, concatenated, each file
#     made unique), through
#       - kho ingest --manifest --jobs J (the whole pipeline: read, OCR, store, index);
#       - the tesseract CLI alone on the same pages (rendered to PNG beforehand, not timed),
#         J at a time (xargs -P J), the same options kho uses (vie, oem 1, psm 3, TSV);
#       - ocrmypdf (the engine of Paperless-ngx) --jobs J, one file after another, PDF output
#         without PDF/A or optimisation, with kho's tesseract options.
#  2. Born-digital: N one-page text PDFs (bench/make_born_digital.py) for N = 1000, 10000, 30000:
#     files/s and peak memory (/usr/bin/time).
#   bench/batch_throughput.sh [JOBS] [WORKDIR]     (defaults: 2, /tmp/kho-batch-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
work=${2:-/tmp/kho-batch-bench}
cargo build --release --bin kho -p kho --quiet
kho=$PWD/target/release/kho
rm -rf "$work" && mkdir -p "$work/scans" "$work/pages" "$work/ocrmypdf"
export OMP_THREAD_LIMIT=1
src=corpus/extraction
parts=()
for f in giay-phep-xay-dung-le-van-an.scan-dct.pdf giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa.scan-flate.pdf \
         giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.scan-flate-dct.pdf giay-chung-nhan-dang-ky-ho-kinh-doanh-do-thi-nga.scan-ccitt.pdf; do
  parts+=("$src/$f")
done
echo "file,owner_id,doc_type" > "$work/scans/manifest.csv"
for i in $(seq -w 1 42); do
  qpdf --empty --pages "${parts[@]}" "${parts[@]}" -- "$work/scans/scan-$i.pdf"
  printf '%%kho-bench nonce %s\n' "$i" >> "$work/scans/scan-$i.pdf"   # unique bytes, same pages
  echo "scan-$i.pdf,049075001234,other" >> "$work/scans/manifest.csv"
done
pages=$(for f in "$work"/scans/*.pdf; do pdfinfo "$f" | awk '/^Pages/ {print $2}'; done | paste -sd+ | bc)
echo "pages: $pages"
for f in "$work"/scans/*.pdf; do pdftoppm -r 300 -gray -png "$f" "$work/pages/$(basename "$f" .pdf)"; done

timed() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
echo "== kho"
read -r kho_s kho_kb < <(timed "$kho" --data "$work/store" ingest --manifest "$work/scans/manifest.csv" --jobs "$jobs")
echo "== tesseract alone"
start=$(date +%s.%N)
find "$work/pages" -name '*.png' -print0 | xargs -0 -P "$jobs" -I{} sh -c \
  'tesseract "$1" "$1" -l vie --oem 1 --psm 3 tsv >/dev/null 2>&1' _ {}
tess_s=$(echo "$(date +%s.%N) - $start" | bc)
echo "== ocrmypdf"
start=$(date +%s.%N)
for f in "$work"/scans/*.pdf; do
  ocrmypdf --jobs "$jobs" -l vie --output-type pdf --optimize 0 --tesseract-oem 1 \
    --tesseract-pagesegmode 3 --force-ocr --quiet "$f" "$work/ocrmypdf/$(basename "$f")"
done
ocr_s=$(echo "$(date +%s.%N) - $start" | bc)

echo
echo "| tool ($jobs jobs, $pages pages) | seconds | pages/s | vs tesseract alone |"
echo "|---|---:|---:|---:|"
row() { printf '| %s | %.1f | %.2f | %.0f%% |\n' "$1" "$2" "$(echo "$pages / $2" | bc -l)" "$(echo "$tess_s / $2 * 100" | bc -l)"; }
row "tesseract CLI alone" "$tess_s"
row "kho ingest (read, OCR, store, index)" "$kho_s"
row "ocrmypdf" "$ocr_s"
printf 'kho / ocrmypdf: %.2fx; kho peak memory %d MB\n' "$(echo "$ocr_s / $kho_s" | bc -l)" "$((kho_kb / 1024))"

echo
echo "| born-digital one-page PDFs | seconds | files/s | peak memory |"
echo "|---|---:|---:|---:|"
for n in 1000 10000 30000; do
  python3 bench/make_born_digital.py "$n" "$work/bd$n"
  read -r s kb < <(timed "$kho" --data "$work/bd$n-store" ingest --manifest "$work/bd$n/manifest.csv" --jobs "$jobs")
  printf '| %d | %.1f | %.0f | %d MB |\n' "$n" "$s" "$(echo "$n / $s" | bc -l)" "$((kb / 1024))"
  rm -rf "$work/bd$n" "$work/bd$n-store"
done
