#!/usr/bin/env bash
# `kho reindex` of STORE, watched (docs/benchmarks.md, "Province scale"): wall time, CPU time
# (all threads), the largest heap (RssAnon) and mapped files (RssFile: tantivy reads the segments
# it merges through mmap) sampled from /proc every 0.2 s, and the segments the index is left
# with. One line every 2 s goes to ${TMPDIR:-/tmp}/reindex_sample.series (seconds, heap MB,
# mapped MB, the command's last line) to see where memory grows.
#   bench/reindex_sample.sh STORE            (build first: cargo build --release -p kho)
#   KHO=/path/to/other/kho KHO_INDEX_COMMIT_DOCS=20000 bench/reindex_sample.sh STORE
set -u
store=$1
kho=${KHO:-target/release/kho}
tmp=${TMPDIR:-/tmp}
out=$tmp/reindex_sample.out
series=$tmp/reindex_sample.series
: > "$series"
start=$(date +%s.%N)
elapsed() { awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.1f", a - b }'; }
"$kho" --data "$store" reindex > "$out" 2>&1 &
pid=$!
heap=0 mapped=0 both=0 cpu=0 n=0
while kill -0 $pid 2>/dev/null; do
  read -r a f < <(awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { print a + 0, f + 0 }' \
    "/proc/$pid/status" 2>/dev/null) || break
  # utime + stime of the whole process, in clock ticks, read while it still exists.
  cpu=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo "$cpu")
  [ "$a" -gt "$heap" ] && heap=$a
  [ "$f" -gt "$mapped" ] && mapped=$f
  [ $((a + f)) -gt "$both" ] && both=$((a + f))
  n=$((n + 1))
  if [ $((n % 10)) -eq 0 ]; then
    echo "$(elapsed) $((a / 1024)) $((f / 1024)) $(tr '\r' '\n' < "$out" | tail -1)" >> "$series"
  fi
  sleep 0.2
done
wait $pid
status=$?
echo "kho reindex: exit $status after $(elapsed) s, CPU $((cpu / $(getconf CLK_TCK))) s;" \
  "largest heap $((heap / 1024)) MB, mapped $((mapped / 1024)) MB, resident $((both / 1024)) MB"
tail -1 "$out"
python3 - "$store/index/meta.json" <<'EOF'
import json, sys
segments = json.load(open(sys.argv[1]))["segments"]
sizes = sorted((s["max_doc"] for s in segments), reverse=True)
print(f"index: {len(sizes)} segments, documents each: {sizes}")
EOF
exit $status
