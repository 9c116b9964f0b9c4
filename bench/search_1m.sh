#!/usr/bin/env bash
# Search at scale: N synthetic documents (default 1,000,000), then
#   - `kho reindex`: time, peak memory, index size;
#   - query latency p50/p99 in-process (top 20 with facets) for five kinds of query;
#   - the same corpus and queries in SQLite FTS5 (Python's sqlite3, unicode61 remove_diacritics 2).
#   bench/search_1m.sh [N] [WORKDIR]      (WORKDIR default /tmp/kho-search-bench; reused if present)
# KHO_RUNS (default 200) and FTS5_RUNS (default 20: FTS5 takes seconds per query on the common
# term and the filtered one) set the runs per query.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
work=${2:-/tmp/kho-search-bench}
cargo build --release --bin kho -p kho --quiet
cargo build --release -p kho-bench --quiet
mkdir -p "$work"
if [ ! -d "$work/store/catalog" ]; then
  /usr/bin/time -v target/release/kho-bench generate --docs "$n" --data "$work/store" --jsonl "$work/docs.jsonl" 2> "$work/generate.log"
fi
echo "== reindex"
/usr/bin/time -v target/release/kho --data "$work/store" reindex 2> "$work/reindex.log" | tee "$work/reindex.out"
grep -E "Maximum resident|Elapsed" "$work/reindex.log"
echo "index size: $(du -sh "$work/store/index" | cut -f1), catalogue: $(du -sh "$work/store/catalog" | cut -f1), JSONL: $(du -sh "$work/docs.jsonl" | cut -f1)"
echo "== kho queries"
target/release/kho-bench query --data "$work/store" --runs "${KHO_RUNS:-200}" | tee "$work/kho-query.md"
echo "== SQLite FTS5"
/usr/bin/time -v python3 bench/fts5.py "$work/docs.jsonl" "$work/fts5.db" --runs "${FTS5_RUNS:-20}" 2> "$work/fts5.log" | tee "$work/fts5-query.md"
grep -E "Maximum resident|Elapsed" "$work/fts5.log"
