#!/usr/bin/env bash
# The province's indicators over a year (docs/benchmarks.md, "Indicators over a year"):
#   1. a store with a year of history made through the real services (`kho-bench history`:
#      DOCS documents stored, DOSSIERS dossiers registered on the 365 days before today, REUSES
#      reuses by clerks; every event moves the per-day counters in its own transaction);
#   2. the year's report from the counters (`kho report indicators`), time and peak memory;
#   3. the same report recomputed from the ledger (`kho report rebuild`, then the report), time
#      and peak memory; both reports must be equal.
#   bench/indicators_1m.sh [DOCS] [DOSSIERS] [REUSES] [WORKDIR]
#   (defaults 1000000 300000 1000000 /tmp/kho-indicators-bench; the store is reused if present)
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-1000000}
dossiers=${2:-300000}
reuses=${3:-1000000}
work=${4:-/tmp/kho-indicators-bench}
cargo build --release --bin kho -p kho --quiet
cargo build --release -p kho-bench --quiet
mkdir -p "$work"
kho() { target/release/kho --data "$work/store" "$@"; }
if [ ! -f "$work/history.done" ]; then
  /usr/bin/time -v target/release/kho-bench history --data "$work/store" \
    --docs "$docs" --dossiers "$dossiers" --reuses "$reuses" 2> "$work/history.log"
  touch "$work/history.done"
fi
grep -E "kho-bench history: .* in |Maximum resident|Elapsed" "$work/history.log"
from=$(date -u -d '365 days ago' +%F)
to=$(date -u +%F)
echo "store: $(du -sh "$work/store" | cut -f1) ($(du -sh "$work/store/catalog" | cut -f1) catalogue)"
for by in agency month; do
  echo "== report --by $by from the counters ($from .. $to)"
  /usr/bin/time -v target/release/kho --data "$work/store" report indicators \
    --from "$from" --to "$to" --by "$by" --json > "$work/report-$by.json" 2> "$work/report-$by.log"
  grep -E "Maximum resident|Elapsed" "$work/report-$by.log"
done
echo "== recomputed from the ledger: kho report rebuild"
/usr/bin/time -v target/release/kho --data "$work/store" report rebuild --json \
  > "$work/rebuild.json" 2> "$work/rebuild.log"
cat "$work/rebuild.json"
grep -E "Maximum resident|Elapsed" "$work/rebuild.log"
kho report indicators --from "$from" --to "$to" --by agency --json > "$work/report-agency-rebuilt.json"
if cmp -s "$work/report-agency.json" "$work/report-agency-rebuilt.json"; then
  echo "the report from the counters equals the report recomputed from the ledger"
else
  echo "DIFFERENT: $work/report-agency.json and $work/report-agency-rebuilt.json" >&2
  exit 1
fi
