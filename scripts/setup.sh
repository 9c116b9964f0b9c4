#!/usr/bin/env bash
# Installs what kho needs and is missing on a Debian machine; safe to run again.
# Rust (cargo >= 1.85) must already be installed (rustup); everything else comes from apt.
set -euo pipefail

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: run as root (or install sudo) to install: ${*: -1}" >&2; exit 1; fi
}

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found. Install Rust 1.85 or newer (https://rustup.rs), then run this again." >&2
  exit 1
fi

# Debian packages: OCR engine with the Vietnamese model and page-orientation data, PDF tools
# used by the benchmarks, coreutils' sha256sum (tests compare against it), fonts for the corpus
# and the browser, python3-venv for the test tools below, the headless browser the web UI
# tests drive (Chromium through chromedriver, W3C WebDriver), and openssl and socat, which put a
# TLS endpoint of a private certificate authority in front of Garage for the https test.
packages=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils fonts-dejavu-core coreutils
  python3-venv chromium chromium-driver openssl socat qpdf)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  need_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive need_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python test tools, pinned, in a venv inside target/ (nothing installed system-wide):
# openapi-spec-validator checks the API's OpenAPI document; schemathesis fuzzes the running API
# against it; bagit (the Library of Congress's BagIt tool) validates `kho export` bags.
root="$(cd "$(dirname "$0")/.." && pwd)"
py="$root/target/py"
if [ ! -x "$py/bin/openapi-spec-validator" ] || [ ! -x "$py/bin/schemathesis" ] || [ ! -x "$py/bin/bagit.py" ]; then
  echo "setup: installing openapi-spec-validator, schemathesis and bagit into $py"
  python3 -m venv "$py"
  "$py/bin/pip" install -q --disable-pip-version-check openapi-spec-validator==0.9.0 schemathesis==4.32.5 bagit==1.8.1
fi

# Garage, the S3-compatible object store that the tests of `--blobs s3://` run against (one node,
# and a three-node cluster). Debian does not package it: built once from crates.io (8.5 to 9
# minutes on 2 cores) into target/tools, and kept there. $KHO_GARAGE names another binary.
garage_version=2.5.0
if [ -z "${KHO_GARAGE:-}" ] && ! "$root/target/tools/bin/garage" --version 2>/dev/null | grep -q "cargo:$garage_version "; then
  echo "setup: building Garage $garage_version into $root/target/tools (about 10 minutes, once)"
  cargo install garage --locked --quiet --version "$garage_version" --root "$root/target/tools"
fi
