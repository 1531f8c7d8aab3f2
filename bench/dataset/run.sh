#!/usr/bin/env bash
# Builds and runs bench/dataset/dataset_parse_bench.cpp (trace parsing: 5M-row BurstGPT CSV,
# 1M-row Mooncake JSONL, generated once under DIR), then bench/dataset/prompt_bench.cpp
# (exact-length prompts: cut at piece boundaries against decoded and repaired; it links the
# libraries of a release build, BUILD=build/release). Figures: docs/datasets.md.
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
B=${BUILD:-$ROOT/build/release}
cmake --build "$B" --target aiperf_dataset aiperf_tokenizer aiperf_config aiperf_common >/dev/null
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/src" -I"$B/src" "$ROOT/bench/dataset/prompt_bench.cpp" \
  "$B"/src/lib{aiperf_dataset,aiperf_tokenizer,aiperf_config,aiperf_common}.a -lpcre2-8 -lutf8proc \
  -lsentencepiece -lcrypto -pthread -o "$OUT/prompt_bench"
taskset -c "${CPU:-1}" "$OUT/prompt_bench" 550 5000 5
