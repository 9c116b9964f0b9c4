#!/usr/bin/env bash
# How soon `kho serve` answers on a large store (docs/benchmarks.md, "Province scale"):
# the time to the first 200 from /api/v1/health, what /api/v1/ready says then, the time to
# ready (the index caught up with the catalogue), and the server's resident memory at ready.
#   bench/serve_start.sh STORE [PORT]      (build first: cargo build --release -p kho)
set -u
store=$1
port=${2:-18722}
kho=${KHO:-target/release/kho}
base=http://127.0.0.1:$port
start=$(date +%s.%N)
"$kho" --data "$store" serve --addr "127.0.0.1:$port" --quiet > /dev/null 2> "${TMPDIR:-/tmp}/serve_start.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
elapsed() { awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }'; }
while [ "$(curl -s -o /dev/null -w '%{http_code}' $base/api/v1/health)" != 200 ]; do
  kill -0 $pid 2>/dev/null || { echo "kho serve exited:"; tail -3 "${TMPDIR:-/tmp}/serve_start.err"; exit 1; }
  sleep 0.05
done
echo "health 200 after $(elapsed) s; ready then: $(curl -s $base/api/v1/ready)"
last=0
while [ "$(curl -s -o /dev/null -w '%{http_code}' $base/api/v1/ready)" != 200 ]; do
  kill -0 $pid 2>/dev/null || { echo "kho serve exited:"; tail -3 "${TMPDIR:-/tmp}/serve_start.err"; exit 1; }
  now=$(date +%s)
  if [ $((now - last)) -ge 60 ]; then
    echo "  $(elapsed) s: $(curl -s $base/api/v1/ready) rss $(ps -o rss= -p $pid) KB"; last=$now
  fi
  sleep 0.2
done
echo "ready after $(elapsed) s; resident memory $(ps -o rss= -p $pid) KB (peak $(grep VmHWM /proc/$pid/status | awk '{print $2}') KB)"
