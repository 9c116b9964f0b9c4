#!/usr/bin/env bash
# schemathesis (PyPI; scripts/setup.sh installs it into target/py) against a running `kho serve`:
# requests generated from /api/v1/openapi.json, as the holder of TOKEN. Fails on any 5xx and on
# any answer that breaks the document (status, content type, headers, body schema). Logout is
# left out (it would end the token under test). A fixed seed makes a failure replayable.
#   scripts/schemathesis.sh BASE_URL TOKEN [EXAMPLES_PER_OPERATION]
#   e.g. scripts/schemathesis.sh http://127.0.0.1:8080 "$(kho token create --role operator)" 50
# schemathesis keeps a cache (.schemathesis/) in the folder it is run from.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
url=${1:?usage: scripts/schemathesis.sh BASE_URL TOKEN [EXAMPLES]}
token=${2:?usage: scripts/schemathesis.sh BASE_URL TOKEN [EXAMPLES]}
examples=${3:-50}
exec "$root/target/py/bin/schemathesis" run "${url%/}/api/v1/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --exclude-path-regex logout -n "$examples" --seed "${SCHEMATHESIS_SEED:-20261127}" --no-color
