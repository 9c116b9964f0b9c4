#!/usr/bin/env bash
# Installs what kho needs to run and is missing on a Debian machine; safe to run again. The
# main job (scripts/run.sh) needs only this; the tests need more (scripts/setup-tests.sh).
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

# Debian packages kho runs with: the OCR engine with the Vietnamese model and page-orientation
# data, poppler's tools (page images and previews of PDFs), fonts for PDFs that do not embed
# theirs, and coreutils. The test tools are scripts/setup-tests.sh's.
packages=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils fonts-dejavu-core coreutils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  need_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive need_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
