#!/usr/bin/env bash
# Builds and runs bench/transport/sse_stream_bench.cpp against the transport library of a build
# tree (default build-tr), client pinned to CPU 1 (the server thread floats).
#   bench/transport/run.sh [concurrency=100] [events=100] [rounds=5]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD_DIR:-$ROOT/build-tr}
cmake --build "$B" --target aiperf_transport aiperf_common -j2 >/dev/null
g++ -std=c++20 -O2 -I"$ROOT/src" "$ROOT/bench/transport/sse_stream_bench.cpp" \
  "$B/src/libaiperf_transport.a" "$B/src/libaiperf_common.a" -lssl -lcrypto -pthread \
  -o "$B/sse_stream_bench"
"$B/sse_stream_bench" "$@"
