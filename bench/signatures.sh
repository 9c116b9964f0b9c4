#!/usr/bin/env bash
# Certified copies and signature checks, per file, each side by side with the obvious outside
# tool on the same input in the same run: `kho certify` (build the copy, QR, PAdES B-B
# signature) against pyHanko signing the same original, and `kho verify-copy` (find the copy,
# check its signature and chain) against poppler's `pdfsig` (NSS) on the same copy. Every run
# is a process, as an operator's script would run it.
#   bench/signatures.sh [RUNS]      (default 20; KHO=path/to/kho, default target/debug/kho)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
kho=${KHO:-target/debug/kho}
py=target/py/bin/python
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KHO_DATA="$work/store" KHO_SIGNING_PASSWORD=bench

# A CA of our own, an agency certificate and its PKCS#12, and an NSS database for pdfsig.
(cd "$work"
 openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
   -subj "/C=VN/O=Bench Root/CN=Bench Root" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
 openssl req -newkey rsa:2048 -nodes -keyout agency.key -out agency.csr -utf8 \
   -subj "/C=VN/O=UBND xã Núi Thành/CN=Bộ phận Một cửa" 2>/dev/null
 openssl x509 -req -in agency.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out agency.pem -days 30 2>/dev/null
 openssl pkcs12 -export -inkey agency.key -in agency.pem -certfile ca.pem -out agency.p12 -passout pass:bench
 mkdir nss && certutil -N --empty-password -d sql:nss && certutil -A -n root -t CT,C,C -i ca.pem -d sql:nss)

# The input: a one-page born-digital result from the corpus (what copies are mostly made of).
original=corpus/giay-khai-sinh-nguyen-van-duc.pdf
id=$("$kho" ingest "$original" --owner 049075001234 --doc-type birth_certificate --json \
  | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
"$kho" trust add "$work/ca.pem" --name bench >/dev/null

ms() { python3 -c "import sys; print(f'{(float(sys.argv[2])-float(sys.argv[1]))*1000/float(sys.argv[3]):.1f}')" "$@"; }
now() { date +%s.%N; }

echo "machine: $(nproc) cores, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(now)
for i in $(seq "$runs"); do
  "$kho" certify "$id" -o "$work/copy-$i.pdf" --key "$work/agency.p12" >/dev/null
done
t1=$(now)
for i in $(seq "$runs"); do
  "$py" - "$original" "$work/hanko-$i.pdf" "$work/agency.key" "$work/agency.pem" "$work/ca.pem" <<'PY'
import sys
from pyhanko.sign import signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
inp, out, key, cert, ca = sys.argv[1:6]
signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(ca,))
with open(inp, 'rb') as f, open(out, 'wb') as o:
    signers.sign_pdf(IncrementalPdfFileWriter(f), signers.PdfSignatureMetadata(field_name='S'), signer=signer, output=o)
PY
done
t2=$(now)
for i in $(seq "$runs"); do "$kho" verify-copy "$work/copy-$i.pdf" >/dev/null; done
t3=$(now)
for i in $(seq "$runs"); do pdfsig -nssdir "sql:$work/nss" "$work/copy-$i.pdf" >/dev/null; done
t4=$(now)
grep -q "Signature is Valid" <(pdfsig -nssdir "sql:$work/nss" "$work/copy-1.pdf")
echo "make and sign a copy: kho certify $(ms "$t0" "$t1" "$runs") ms/file; pyHanko sign $(ms "$t1" "$t2" "$runs") ms/file"
echo "check a copy:         kho verify-copy $(ms "$t2" "$t3" "$runs") ms/file; pdfsig $(ms "$t3" "$t4" "$runs") ms/file"
echo "copy size: $(stat -c %s "$work/copy-1.pdf") bytes (original $(stat -c %s "$original"))"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
