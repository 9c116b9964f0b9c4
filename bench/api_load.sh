#!/usr/bin/env bash
# The API under load: wrk against `kho serve` on loopback, 64 connections, 2 threads.
#   bench/api_load.sh [DOCS] [SECONDS] [WORKDIR]   (defaults: 100000 documents, 20 s, /tmp/kho-api-bench)
#   KHO=/path/to/kho KHO_STORE=DIR bench/api_load.sh ...   another build (a before/after), another
#   copy of the store (each run's reads grow its ledger)
# A store of DOCS synthetic documents plus the six samples is made once (reused if present).
# Measured: metadata GET (a document's record, ledgered), search (top 20 with facets, each hit
# ledgered), and health (no auth, no store) as the floor of HTTP itself.
# Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-100000}
seconds=${2:-20}
work=${3:-/tmp/kho-api-bench}
command -v wrk >/dev/null || { echo "api_load: install wrk (apt-get install wrk)" >&2; exit 1; }
store=${KHO_STORE:-$work/store}
mkdir -p "$work"
if [ -z "${KHO:-}" ]; then
  cargo build --release --bin kho -p kho --quiet
fi
kho="${KHO:-target/release/kho} --data $store"
if [ ! -d "$store/catalog" ]; then
  cargo build --release -p kho-bench --quiet
  target/release/kho-bench generate --docs "$docs" --data "$store"
  $kho ingest --manifest corpus/manifest.csv > /dev/null
  $kho reindex > /dev/null
fi
id=$($kho search 049075001234 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["id"])')
operator=$($kho token create --role operator --name bench-operator)
clerk=$($kho token create --role clerk --agency H47.15 --name bench-clerk)
port=18321
# The clerk reads for an invented dossier: checked by its format, as before dossiers were
# registered (#20; the default, `registered`, would refuse it).
$kho serve --addr 127.0.0.1:$port --quiet --stop-on-eof --dossier-check format < <(sleep $((seconds * 3 + 60))) > "$work/serve.out" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.2; done
base=http://127.0.0.1:$port
reason="dossier_code=000.00.00.H47-261120-0007&purpose=doi+chieu"
run() { # name url token
  local out
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency -H "Authorization: Bearer $3" "$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "${errors:-none}"
}
echo "| request | requests/s | p50 | p99 | errors |"
echo "|---|---:|---:|---:|---|"
run "health (no auth, no store)" "$base/api/v1/health" none
run "metadata GET (ledgered read)" "$base/api/v1/documents/$id" "$operator"
run "search, 3 words, top 20 + facets (20 reads ledgered)" "$base/api/v1/search?q=nguyen+van+duc&$reason" "$clerk"
run "search by owner ID" "$base/api/v1/search?q=049075001234&$reason" "$clerk"
echo "store: $docs synthetic + 6 sample documents; ledger events now: $(curl -s $base/metrics | awk '/^kho_ledger_events/ {print $2}')"
