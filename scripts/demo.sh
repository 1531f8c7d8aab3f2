#!/usr/bin/env bash
# Builds aiperf and its mock server, starts the mock server on a free local port, runs a real
# streaming benchmark against it and prints AIPerf's results table. Extra arguments are passed
# to `aiperf profile` (e.g. --concurrency 64 --request-count 2000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/aiperf-ccache}
# Paths under the checkout are hashed relative to it: a clone elsewhere (CI) hits the same cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target aiperf aiperf-mock-server
BIN=build/release/src
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/aiperf-mock-server" --host 127.0.0.1 --port "$PORT" --ttft 50 --itl 10 >/tmp/aiperf-demo-mock.log 2>&1 &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
"$BIN/aiperf" profile --model mock-model --url "http://127.0.0.1:$PORT" --endpoint-type chat \
  --streaming --concurrency 16 --request-count 200 --isl 128 --osl 64 --tokenizer builtin \
  --random-seed 1 --artifact-dir artifacts/demo "$@"
