#!/usr/bin/env bash
# Measures how long the local Elasticsearch node takes to come up, and what a first build downloads.
#
#   cold: Maven resolution into an empty temporary repository + build + start until health is
#         yellow or green (what a fresh machine or CI pays once);
#   warm: already built, start until healthy (every later start);
#   download: size of that temporary repository (server jars, Netty, Lucene, Maven plugins).
#
# Usage: measure_start.sh [PORT]   (default 9251). Needs Maven Central for the cold run. Leaves
# nothing running and removes its temporary folders.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${1:-9251}"
SCRATCH="$(mktemp -d /tmp/esnode-measure.XXXXXX)"
NODE_PID=""

cleanup() {
  if [[ -n "$NODE_PID" ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID"
    wait "$NODE_PID" 2>/dev/null || true
  fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "measure_start.sh: port $PORT is already in use; pass another port" >&2
  exit 1
fi

# Starts the node in the background and waits (at most 120 s) until cluster health is yellow/green.
start_and_wait() {
  local run_dir="$1"
  bash "$HERE/elasticsearch.sh" run --port "$PORT" --data-dir "$run_dir/data" --logs-dir "$run_dir/logs" \
    --heap-mb 768 > "$run_dir/stdout.txt" 2>&1 &
  NODE_PID=$!
  local deadline=$((SECONDS + 120))
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/_cluster/health?wait_for_status=yellow&timeout=1s"; do
    if ! kill -0 "$NODE_PID" 2>/dev/null || (( SECONDS > deadline )); then
      echo "measure_start.sh: the node did not become healthy; its output:" >&2
      cat "$run_dir/stdout.txt" >&2
      exit 1
    fi
    sleep 0.1
  done
}

stop_node() {
  kill -TERM "$NODE_PID"
  wait "$NODE_PID" 2>/dev/null || true
  NODE_PID=""
}

mkdir -p "$SCRATCH/cold" "$SCRATCH/warm" "$SCRATCH/m2"
t0="$(now)"
ESNODE_MAVEN_REPO="$SCRATCH/m2" ESNODE_TARGET="$SCRATCH/cold/target" start_and_wait "$SCRATCH/cold"
cold="$(elapsed "$t0")"
stop_node
download_mb="$(du -sm "$SCRATCH/m2" | cut -f1)"

bash "$HERE/elasticsearch.sh" build
t0="$(now)"
start_and_wait "$SCRATCH/warm"
warm="$(elapsed "$t0")"
stop_node

echo "cold start (empty Maven repo, build, start to healthy): ${cold} s"
echo "warm start (built, start to healthy): ${warm} s"
echo "downloaded by the cold build: ${download_mb} MB"
