#!/usr/bin/env bash
# Installs what the tests need on top of what kho needs (scripts/setup.sh); safe to run again.
# Called by scripts/test.sh; scripts/run.sh (the main job) does without all of this.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
. "$root/scripts/lib/apt.sh"

# Debian packages: python3-venv for the test tools below, the headless browser the web UI tests
# drive (Chromium through chromedriver, W3C WebDriver), and openssl and socat, which put a TLS
# endpoint of a private certificate authority in front of Garage for the https test;
# libnss3-tools (certutil) gives `pdfsig` a trust store and zbar-tools (zbarimg) reads certified
# copies' QR codes back, both in the tests of signatures; qpdf joins test scans into stacks.
apt_install_missing setup-tests python3-venv chromium chromium-driver openssl socat libnss3-tools zbar-tools qpdf

# Python test tools, pinned, in a venv inside target/ (nothing installed system-wide):
# openapi-spec-validator checks the API's OpenAPI document; schemathesis fuzzes the running API
# against it; bagit (the Library of Congress's BagIt tool) validates `kho export` bags; pyHanko
# signs PDFs the way other agencies' software does, for the tests of signature checking;
# oidc-provider-mock is the OpenID Connect provider the sign-in's browser test runs on loopback
# (0.3.4: the last release for Python 3.11, Debian 12's); aiosmtpd is the SMTP sink the tests of
# citizens' e-mail notifications start.
py="$root/target/py"
if [ ! -x "$py/bin/openapi-spec-validator" ] || [ ! -x "$py/bin/schemathesis" ] || [ ! -x "$py/bin/bagit.py" ] \
  || ! "$py/bin/python" -c "import pyhanko.sign" 2>/dev/null || [ ! -x "$py/bin/oidc-provider-mock" ] \
  || ! "$py/bin/python" -c "import aiosmtpd.controller" 2>/dev/null; then
  echo "setup-tests: installing openapi-spec-validator, schemathesis, bagit, pyHanko, oidc-provider-mock and aiosmtpd into $py"
  python3 -m venv "$py"
  "$py/bin/pip" install -q --disable-pip-version-check openapi-spec-validator==0.9.0 \
    schemathesis==4.32.5 bagit==1.8.1 pyhanko==0.38.0 oidc-provider-mock==0.3.4 aiosmtpd==1.4.6
fi

# Garage, the S3-compatible object store that the tests of `--blobs s3://` run against (one node,
# and a three-node cluster). Debian does not package it: built once from crates.io (8.5 to 9
# minutes on 2 cores) into target/tools, and kept there. $KHO_GARAGE names another binary.
garage_version=2.5.0
if [ -z "${KHO_GARAGE:-}" ] && ! "$root/target/tools/bin/garage" --version 2>/dev/null | grep -q "cargo:$garage_version "; then
  echo "setup-tests: building Garage $garage_version into $root/target/tools (about 10 minutes, once)"
  cargo install garage --locked --quiet --version "$garage_version" --root "$root/target/tools"
fi
