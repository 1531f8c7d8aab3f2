#!/usr/bin/env bash
# Builds and runs bench/dataset/dataset_parse_bench.cpp (trace parsing: 5M-row BurstGPT CSV,
# 1M-row Mooncake JSONL, generated once under DIR). Figures: docs/datasets.md.
#   bench/dataset/run.sh [DIR=/tmp]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-/tmp}
OUT=${BUILD_DIR:-$ROOT/build-ds}
mkdir -p "$OUT"
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/src" "$ROOT/bench/dataset/dataset_parse_bench.cpp" \
  "$ROOT"/src/aiperf/dataset/custom/{jsonl,mooncake_trace,burst_gpt_trace}.cpp -lsimdjson \
  -o "$OUT/dataset_parse_bench"
"$OUT/dataset_parse_bench" burst "$DIR"
"$OUT/dataset_parse_bench" mooncake "$DIR"
