#!/usr/bin/env bash
# `kho reindex` inside a memory limit (docs/benchmarks.md, "Province scale"): the index rebuilt
# from the catalogue of STORE in a memory cgroup of LIMIT_MB (default 1024; page cache counted,
# as the kernel counts it), then the time, the largest resident set, and how often the kernel
# had to reclaim to stay under the limit. Without a limit the resident set also holds the
# index's memory-mapped files and what the allocator has not given back; the limit shows what
# the rebuild really needs. Needs root and the cgroup memory controller (v1 or v2).
#   bench/reindex_memory.sh STORE [LIMIT_MB]    (build first: cargo build --release -p kho)
set -euo pipefail
store=$1
limit_mb=${2:-1024}
kho=${KHO:-target/release/kho}
limit=$((limit_mb * 1024 * 1024))
if [ -d /sys/fs/cgroup/memory ] && [ -w /sys/fs/cgroup/memory ]; then
  group=/sys/fs/cgroup/memory/kho-reindex-bench
  mkdir -p "$group"
  echo "$limit" > "$group/memory.limit_in_bytes"
  echo 0 > "$group/memory.max_usage_in_bytes"
  report() { echo "cgroup v1: limit $limit_mb MB, highest usage $(( $(cat "$group/memory.max_usage_in_bytes") / 1048576 )) MB, reclaims at the limit $(cat "$group/memory.failcnt")"; }
elif grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
  group=/sys/fs/cgroup/kho-reindex-bench
  mkdir -p "$group"
  echo "$limit" > "$group/memory.max"
  report() { echo "cgroup v2: limit $limit_mb MB, highest usage $(( $(cat "$group/memory.peak" 2>/dev/null || echo 0) / 1048576 )) MB, $(grep -E '^(max|oom_kill) ' "$group/memory.events" | tr '\n' ' ')"; }
else
  echo "reindex_memory: no writable cgroup memory controller here (run as root on a cgroup v1 or v2 host)" >&2
  exit 1
fi
echo "kho reindex of $store in $limit_mb MB (load $(cut -d' ' -f1 /proc/loadavg))"
status=0
bash -c 'echo $$ > "$1/cgroup.procs"; shift; exec /usr/bin/time -f "%e s wall, %U s user, largest resident set %M KB" "$@"' \
  _ "$group" "$kho" --data "$store" reindex || status=$?
report
[ "$status" = 0 ] || echo "kho reindex did not finish in $limit_mb MB (exit $status; 137: killed by the kernel at the limit)"
exit "$status"
