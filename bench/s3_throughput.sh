#!/usr/bin/env bash
# Blob storage throughput against Garage (issue 9), on one machine:
#  1. kho's own BlobStore (`kho-bench blobs`): N new files put, read back re-hashed, put again
#     (dedupe: a HEAD, no upload), at three sizes and 1 or 4 threads, into
#       - a single-node Garage on loopback (replication 1; sqlite metadata; data on this disk),
#       - the local folder store (DIR/blobs: temp file, fsync, rename), for reference;
#  2. rclone (Debian's), the usual tool for copying files to S3, on the same files and Garage;
#  3. `kho ingest` of 2000 born-digital PDFs (bench/make_born_digital.py) into a local store
#     and into a store on the bucket: what the bucket costs the whole pipeline.
#   bench/s3_throughput.sh [WORKDIR]     (default /tmp/kho-s3-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/kho-s3-bench}
scripts/setup.sh >/dev/null
command -v rclone >/dev/null || { apt-get install -y -qq rclone >/dev/null; }
cargo build --release -p kho -p kho-bench --quiet
kho=$PWD/target/release/kho
bench=$PWD/target/release/kho-bench
garage=${KHO_GARAGE:-$PWD/target/tools/bin/garage}
rm -rf "$work" && mkdir -p "$work/garage"
cat > "$work/garage/garage.toml" <<TOML
metadata_dir = "$work/garage/meta"
data_dir = "$work/garage/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:3911"
rpc_public_addr = "127.0.0.1:3911"
rpc_secret = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:3910"
root_domain = ".s3.garage.localhost"
TOML
g() { "$garage" -c "$work/garage/garage.toml" "$@"; }
"$garage" -c "$work/garage/garage.toml" server > "$work/garage/server.log" 2>&1 &
garage_pid=$!
trap 'kill $garage_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do g status >/dev/null 2>&1 && break; sleep 0.2; done
g layout assign -z dc1 -c 10G "$(g node id -q | cut -c1-16)" >/dev/null
g layout apply --version 1 >/dev/null
for _ in $(seq 50); do g bucket create kho >/dev/null 2>&1 && break; sleep 0.2; done
key=$(g key create bench)
export AWS_ENDPOINT_URL=http://127.0.0.1:3910 AWS_REGION=garage
AWS_ACCESS_KEY_ID=$(echo "$key" | awk '/Key ID:/ {print $3}')
AWS_SECRET_ACCESS_KEY=$(echo "$key" | awk '/Secret key:/ {print $3}')
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
g bucket allow --read --write --owner kho --key bench >/dev/null

echo "## kho BlobStore"
echo "| store | files | threads | put | get (re-hashed) | put again (dedupe) |"
echo "|---|---|---|---|---|---|"
for spec in "2000 65536" "400 1048576" "12 33554432"; do
  set -- $spec
  for t in 1 4; do
    "$bench" blobs --to s3://kho/bench --files "$1" --size "$2" --threads "$t"
    "$bench" blobs --to "$work/local-$1-$t" --files "$1" --size "$2" --threads "$t"
  done
done

# (Debian's rclone 1.60 cannot use AWS_CA_BUNDLE with a plain-HTTP endpoint, hence env -u.)
echo "## rclone $(rclone version | head -1 | awk '{print $2}') on the same Garage"
export RCLONE_CONFIG_GARAGE_TYPE=s3 RCLONE_CONFIG_GARAGE_PROVIDER=Other RCLONE_CONFIG_GARAGE_ENDPOINT=$AWS_ENDPOINT_URL \
  RCLONE_CONFIG_GARAGE_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_GARAGE_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
  RCLONE_CONFIG_GARAGE_REGION=garage
echo "| files | transfers | upload | download |"
echo "|---|---|---|---|"
for spec in "2000 65536" "400 1048576" "12 33554432"; do
  set -- $spec
  src="$work/rclone-src-$1" && mkdir -p "$src"
  for i in $(seq 1 "$1"); do head -c "$2" /dev/urandom > "$src/f$i"; done
  mb=$(( $1 * $2 / 1000000 ))
  for t in 1 4; do
    up=$( { /usr/bin/time -f %e env -u AWS_CA_BUNDLE rclone copy "$src" "garage:kho/rclone-$1-$t" --transfers "$t" --checkers "$t" -q; } 2>&1 | tail -1)
    down=$( { /usr/bin/time -f %e env -u AWS_CA_BUNDLE rclone copy "garage:kho/rclone-$1-$t" "$work/rclone-dst-$1-$t" --transfers "$t" --checkers "$t" -q; } 2>&1 | tail -1)
    echo "| $1 x $2 B | $t | $(echo "$mb / $up" | bc -l | xargs printf %.1f) MB/s ($(echo "$1 / $up" | bc -l | xargs printf %.0f) files/s) | $(echo "$mb / $down" | bc -l | xargs printf %.1f) MB/s ($(echo "$1 / $down" | bc -l | xargs printf %.0f) files/s) |"
  done
done

echo "## kho ingest, 2000 born-digital PDFs, --jobs 2"
python3 bench/make_born_digital.py 2000 "$work/pdfs" >/dev/null
for target in local bucket; do
  args=(--data "$work/store-$target")
  [ "$target" = bucket ] && args+=(--blobs s3://kho/ingest)
  t=$( { /usr/bin/time -f "%e %M" "$kho" "${args[@]}" ingest --manifest "$work/pdfs/manifest.csv" --jobs 2 >/dev/null; } 2>&1 | tail -1)
  set -- $t
  echo "| $target | $(echo "2000 / $1" | bc -l | xargs printf %.0f) files/s | peak $(( $2 / 1024 )) MB |"
done
echo "## kho rebuild of those 2000 records on a new node"
t=$( { /usr/bin/time -f "%e %M" "$kho" --data "$work/store-rebuilt" --blobs s3://kho/ingest rebuild >/dev/null; } 2>&1 | tail -1)
set -- $t
echo "| rebuild | $(echo "2000 / $1" | bc -l | xargs printf %.0f) records/s | peak $(( $2 / 1024 )) MB |"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; Garage $("$garage" --version 2>/dev/null | head -1)"
