#!/usr/bin/env bash
# Hashing and storing large files: `kho ingest` (read, sha256, write the blob, fsync, record) and
# `kho verify` (re-hash every blob) against coreutils `sha256sum` on the same file.
#   bench/hashing.sh [SIZE_MIB]      (default 400)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-400}
kho=target/release/kho
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A valid PDF as large as asked: one page with a line of text, and the bulk in an image object
# (as a scan's page image would be), so that the time is storage, not OCR.
python3 - "$work/big.pdf" "$size" <<'PY'
import os, sys, zlib
path, mib = sys.argv[1], int(sys.argv[2])
blob = os.urandom(mib * 1024 * 1024)
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (Giay khai sinh) Tj ET\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(blob) + blob + b"\nendstream"]
out = b"%PDF-1.4\n"; offs = []
for i, o in enumerate(objs):
    offs.append(len(out)); out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x
open(path, "wb").write(out)
PY
sync
t() { local s; s=$(date +%s.%N); "$@" > /dev/null; echo "$(date +%s.%N) - $s" | bc; }
cat "$work/big.pdf" > /dev/null   # warm the page cache: compare hashing, not the disk
sum_s=$(t sha256sum "$work/big.pdf")
ingest_s=$(t "$kho" --data "$work/store" ingest "$work/big.pdf" --owner 049075001234 --doc-type other)
"$kho" --data "$work/store" verify --json | grep -q '"blobs_checked":1,' || { echo "the file was not stored" >&2; exit 1; }
verify_s=$(t "$kho" --data "$work/store" verify)
printf '| %s | %s MiB | %.2f s | %.0f MiB/s |\n' "sha256sum" "$size" "$sum_s" "$(echo "$size / $sum_s" | bc -l)"
printf '| %s | %s MiB | %.2f s | %.0f MiB/s |\n' "kho ingest (hash + blob write + fsync + record)" "$size" "$ingest_s" "$(echo "$size / $ingest_s" | bc -l)"
printf '| %s | %s MiB | %.2f s | %.0f MiB/s |\n' "kho verify (re-hash the blob)" "$size" "$verify_s" "$(echo "$size / $verify_s" | bc -l)"
