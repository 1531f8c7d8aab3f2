#!/usr/bin/env bash
# Tokenizer figures: exactness on every shared fixture case, then load time and single-thread
# encode/count speed per tokenizer on a corpus (default: the fixtures' corpus.jsonl), and, when
# the npm packages are installed, the same corpus through the official HF tokenizers Node binding
# (Rust core) and npm tiktoken (WASM build of the tiktoken Rust core).
#   bench/tokenizer/run.sh [CORPUS.jsonl | prose] [SECONDS=2]
# "prose" builds a corpus of the 148 paragraphs over 200 chars of the shared AIPerf spec (English
# prose with tables and code; 135 KB).
# Env: BUILD_DIR (default build-tok), FIX (fixtures dir), NODE_MODULES (dir holding tokenizers/
#      and tiktoken/ from `npm install tokenizers@0.23.2 tiktoken@1.0.22`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD_DIR:-$ROOT/build-tok}
FIX=${FIX:-$ROOT/../shared/fixtures/tokenizers}
CORPUS=${1:-$FIX/corpus.jsonl}
SECS=${2:-2}
if [ "$CORPUS" = prose ]; then
  CORPUS=$B/prose.jsonl
  python3 - "${SPEC:-$ROOT/../shared/reference/aiperf-spec.md}" "$CORPUS" <<'PY'
import json, sys
paras = [p for p in open(sys.argv[1], encoding="utf-8").read().split("\n\n") if len(p) > 200]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for p in paras:
        f.write(json.dumps({"text": p}, ensure_ascii=False) + "\n")
PY
fi
cmake --build "$B" --target aiperf_tokenizer aiperf_common -j2 >/dev/null
LIBS=("$B/src/libaiperf_tokenizer.a" -lpcre2-8 -lutf8proc -lsentencepiece -pthread)
for prog in check_fixtures tokenizer_bench; do
  g++ -std=c++20 -O2 -I"$ROOT/src" "$ROOT/bench/tokenizer/$prog.cpp" "${LIBS[@]}" -o "$B/$prog"
done
echo "== exactness (all 187 cases per tokenizer)"
"$B/check_fixtures" "$FIX" || true
echo "== speed on $CORPUS (single thread)"
for t in builtin cl100k_base gpt2 qwen3 deepseek_v3 mistral_7b_v0.1 mistral_7b_v0.1/tokenizer.model bert_base_uncased t5_small; do
  case $t in
    builtin) spec=builtin ;;
    cl100k_base) spec=$FIX/cl100k_base/cl100k_base.tiktoken ;;
    *) spec=$FIX/$t ;;
  esac
  "$B/tokenizer_bench" "$spec" "$CORPUS" "$SECS"
done
if [ -n "${NODE_MODULES:-}" ] && [ -d "$NODE_MODULES/tokenizers" ]; then
  echo "== reference: HF tokenizers npm binding (TOKENIZERS_PARALLELISM=false, UV_THREADPOOL_SIZE=1)"
  for t in gpt2 qwen3 deepseek_v3 mistral_7b_v0.1 bert_base_uncased t5_small; do
    NODE_PATH=$NODE_MODULES TOKENIZERS_PARALLELISM=false UV_THREADPOOL_SIZE=1 RAYON_NUM_THREADS=1 \
      node "$ROOT/bench/tokenizer/hf_node_bench.js" "$FIX/$t" "$CORPUS" "$SECS"
  done
fi
if [ -n "${NODE_MODULES:-}" ] && [ -d "$NODE_MODULES/tiktoken" ]; then
  echo "== reference: npm tiktoken (WASM)"
  for t in o200k_base cl100k_base; do
    NODE_PATH=$NODE_MODULES node "$ROOT/bench/tokenizer/tiktoken_node_bench.js" "$t" "$CORPUS" "$SECS"
  done
fi
