#!/usr/bin/env bash
# Differential test beyond the fixtures: random stress texts through `aiperf tokenize` and through
# the official oracles (HF tokenizers npm binding, npm tiktoken); prints mismatch counts.
#   bench/tokenizer/differential/run.sh AIPERF_BINARY [SEEDS="1 2 3"]
# Env: FIX (fixtures dir), NODE_MODULES (with tokenizers@0.23.2 and tiktoken@1.0.22 installed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
AIPERF=${1:?path to the aiperf binary}
SEEDS=${2:-1 2 3}
FIX=${FIX:-$here/../../../../shared/fixtures/tokenizers}
export NODE_PATH=${NODE_MODULES:?set NODE_MODULES}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for seed in $SEEDS; do
  python3 "$here/gen_texts.py" "$seed" >"$tmp/in.jsonl"
  for t in gpt2 qwen3 deepseek_v3 mistral_7b_v0.1 bert_base_uncased t5_small; do
    for sp in 0 1; do
      node "$here/hf_oracle.js" "$FIX/$t" "$tmp/in.jsonl" $sp >"$tmp/want.jsonl"
      args=(); [ $sp = 1 ] && args=(--add-special-tokens)
      "$AIPERF" tokenize --tokenizer "$FIX/$t" "${args[@]}" --decode --input-file "$tmp/in.jsonl" >"$tmp/got.jsonl"
      python3 "$here/compare.py" "$tmp/want.jsonl" "$tmp/got.jsonl" "$tmp/in.jsonl" "$t/special=$sp/seed=$seed"
    done
  done
  for t in o200k_base cl100k_base; do
    node "$here/tiktoken_oracle.js" $t "$tmp/in.jsonl" >"$tmp/want.jsonl"
    spec=builtin; [ $t = cl100k_base ] && spec=$FIX/cl100k_base/cl100k_base.tiktoken
    "$AIPERF" tokenize --tokenizer "$spec" --add-special-tokens --input-file "$tmp/in.jsonl" >"$tmp/got.jsonl"
    python3 "$here/compare.py" "$tmp/want.jsonl" "$tmp/got.jsonl" "$tmp/in.jsonl" "$t/all-special/seed=$seed"
  done
done
