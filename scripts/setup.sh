#!/usr/bin/env bash
# Installs what kho needs to run and is missing on a Debian machine; safe to run again. The
# main job (scripts/run.sh) needs only this; the tests need more (scripts/setup-tests.sh).
# Rust (cargo >= 1.85) must already be installed (rustup); everything else comes from apt.
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found. Install Rust 1.85 or newer (https://rustup.rs), then run this again." >&2
  exit 1
fi

# Debian packages kho runs with: the OCR engine with the Vietnamese model and page-orientation
# data, poppler's tools (page images and previews of PDFs), fonts for PDFs that do not embed
# theirs, and coreutils; libssl-dev and pkg-config build the `openssl` crate (PDF signatures,
# certified copies) against the system's OpenSSL. The test tools are scripts/setup-tests.sh's.
apt_install_missing setup tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils \
  fonts-dejavu-core coreutils libssl-dev pkg-config
