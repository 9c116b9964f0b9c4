#!/usr/bin/env bash
# The main job: install what is missing, build kho, load the sample dossiers into the default
# store (./kho-data, or $KHO_DATA), show what is stored, search it, verify it, then serve the
# web UI and the HTTP API on $KHO_ADDR (default 127.0.0.1:8080) with one demo user per role. Safe to run again
# (duplicates are recognised, nothing is stored twice, users are made once).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh  # what kho needs to run; the test tools (Garage, Chromium, the Python venv) are not built here
# The release profile optimizes the whole program at the link, whose largest process took 4.2 GB
# on the 2-core VM (docs/benchmarks.md, "The binary built whole, with jemalloc"). With less
# memory free than that, build without it (a slower kho) rather than have the build killed.
free_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2>/dev/null || echo 0)
if [ "${free_kb:-0}" -lt 5000000 ]; then
  echo "run.sh: $((${free_kb:-0} / 1024)) MB of memory free, less than the 5 GB the whole-program build needs: building kho without it (slower; docs/benchmarks.md)"
  export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
fi
cargo build --release --bin kho
kho=target/release/kho
export KHO_DATA="${KHO_DATA:-$PWD/kho-data}"

echo
echo "== Loading the sample dossiers (corpus/manifest.csv) into $KHO_DATA"
"$kho" ingest --manifest corpus/manifest.csv --json > target/sample-ingest.jsonl || true
"$kho" ingest --manifest corpus/manifest.csv | tail -n 1

echo
echo "== Registering the sample dossiers the one-stop system received (corpus/dossiers.csv)"
"$kho" dossier import corpus/dossiers.csv | tail -n 1

echo
echo "== What is stored"
grep -o '"id":"[a-z2-7]*"' target/sample-ingest.jsonl | cut -d'"' -f4 | while read -r id; do
  "$kho" show "$id"
  echo
done

echo "== Searching the way a clerk types (no diacritics): nguyen van duc"
"$kho" search "nguyen van duc"
echo

echo "== Checking every stored byte"
"$kho" verify
echo
echo "Store: $KHO_DATA. Try: $kho search \"hoa binh\" --valid-only, $kho show ID --text, $kho get ID -o copy.pdf, $kho --help"

# Demo users, one per role, made once with random passwords kept in target/demo-users.txt.
users=target/demo-users.txt
if [ ! -s "$users" ] || ! "$kho" user list | grep -q '^quantri'; then
  umask 077
  : > "$users"
  add_user() { # name role [binding flags...]
    local name=$1 role=$2 password
    shift 2
    password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
    if echo "$password" | "$kho" user add "$name" --role "$role" "$@" >/dev/null; then
      echo "$name $password ($role $*)" >> "$users"
    fi
  }
  add_user quantri admin
  add_user vanhanh operator
  add_user canbo clerk --agency H47.15
  add_user duc citizen --owner 049075001234
fi
addr="${KHO_ADDR:-127.0.0.1:8080}"
echo
echo "== Serving the web UI and the API on http://$addr (Ctrl-C stops it)"
echo "Demo users (name password role), from $users:"
sed 's/^/  /' "$users"
cat <<EOF
Open http://$addr/ in a browser and sign in: canbo (clerk: search, read, reuse; give a dossier
registered by the one-stop system (corpus/dossiers.csv), such as 000.00.01.H47-261127-0001, Đức's:
the clerk then reaches Đức's documents only), duc (citizen: his documents, his dossiers and who
read them), vanhanh (operator: upload, batch reports). Register more dossiers with
\`kho dossier import LIST.csv\` or POST /api/v1/dossiers (a token of role intake).
Or the API (with Đức's password from above):
  TOKEN=\$(curl -s -X POST http://$addr/api/v1/login -H 'content-type: application/json' \\
    -d '{"username":"duc","password":"PASSWORD"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -s "http://$addr/api/v1/search?q=nguyen+van+duc" -H "Authorization: Bearer \$TOKEN"
  curl -s http://$addr/api/v1/openapi.json
EOF
exec "$kho" serve --addr "$addr"
