#!/usr/bin/env bash
# A/B of client CPU per streamed event between two builds, alternating runs in one invocation so
# that machine noise hits both alike (this machine is shared). Mock server (--fast) pinned to
# core 0, aiperf to core 1; concurrency 1000, 100 events per response.
#   bench/ab_stream_cpu.sh OLD_BUILD_DIR NEW_BUILD_DIR [ROUNDS=3] [REQUESTS=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
A=${1:?old build dir}; B=${2:?new build dir}; ROUNDS=${3:-3}; N=${4:-10000}
MOCK=$B/src/aiperf-mock-server
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
T=$(mktemp -d); trap 'kill $MP 2>/dev/null || true; rm -rf "$T"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 0 "$MOCK" --host 127.0.0.1 --port "$PORT" --workers 1 --fast --sse-events-per-write 1 >"$T/mock.log" 2>&1 &
MP=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
for r in $(seq 1 "$ROUNDS"); do
  for b in "$A" "$B"; do
    /usr/bin/time -f '%U %S' -o "$T/time" taskset -c 1 "$b/src/aiperf" profile --model m \
      --url "http://127.0.0.1:$PORT" --tokenizer builtin --ui none --random-seed 1 --workers-max 1 \
      --artifact-dir "$T/art" --endpoint-type chat --streaming --concurrency 1000 \
      --request-count "$N" --isl 16 --osl 100 >/dev/null 2>&1
    read -r u s <"$T/time"
    python3 -c "print(f'round $r  $b: {($u+$s)*1e6/($N*100):.2f} us CPU per streamed event')"
  done
done
