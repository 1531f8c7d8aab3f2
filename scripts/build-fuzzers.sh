#!/usr/bin/env bash
# Builds every tests/fuzz/*_fuzz.cpp as a standalone libFuzzer binary (clang 14, ASan + UBSan),
# compiling only the sources each target needs, and optionally runs each one briefly.
#
#   scripts/build-fuzzers.sh                 build into build-fuzz/
#   scripts/build-fuzzers.sh --run 20        build, then run each target for 20 s
#   scripts/build-fuzzers.sh --run-seed N    the smoke run's libFuzzer -seed (default: 1 when
#                                            CI=true, else 0, a fresh random seed each time).
#                                            With a fixed seed the run is a fixed number of
#                                            executions (RUNS_PER_10S below, scaled to --run's
#                                            seconds) without address randomization (the
#                                            comparison table libFuzzer mutates from holds
#                                            addresses), so it explores the same inputs on
#                                            every machine: a clean clone that passes here
#                                            passes in CI. A time limit of 3x --run is only a
#                                            backstop.
#   scripts/build-fuzzers.sh --out DIR       build somewhere else
#   scripts/build-fuzzers.sh --only NAME     just this target (file name without .cpp)
#   scripts/build-fuzzers.sh --seed NAME DIR write NAME's starting inputs into DIR, build nothing
#                                            (scripts/fuzz.sh: seeds live in tests/fuzz/corpus/)
#
# Needs: clang-14, libclang-rt-14-dev. Adding a target: drop tests/fuzz/<name>_fuzz.cpp and add
# its library sources (and link flags, and a seed function if wanted) in the tables below.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/build-fuzz"
RUN_SECS=0
RUN_SEED=$([[ "${CI:-}" == true ]] && echo 1 || echo 0)
ONLY=""
SEED_TARGET=""
SEED_DIR=""
CXX=${FUZZ_CXX:-clang++-14}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --run) RUN_SECS="$2"; shift 2 ;;
    --run-seed) RUN_SEED="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --seed) SEED_TARGET="$2"; SEED_DIR="$3"; shift 3 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-fuzzers.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# Executions per 10 seconds of smoke run with a fixed seed: about 80 % of what each target ran
# in 10 s in CI (2026-12-07), so the run takes about --run seconds there and here.
declare -A RUNS_PER_10S=(
  [bailian_trace_fuzz]=250000 [burst_gpt_trace_fuzz]=600000 [config_file_fuzz]=30000
  [endpoint_parsers_fuzz]=400000 [http_sse_fuzz]=220000 [kserve_response_fuzz]=1200000
  [mock_request_body_fuzz]=1400000 [mock_request_parser_fuzz]=450000
  [mooncake_trace_fuzz]=600000 [openai_response_fuzz]=1200000 [parquet_fuzz]=280000
  [plot_config_fuzz]=28000 [prom_parser_fuzz]=280000 [raw_formats_fuzz]=250000
  [report_records_fuzz]=1000 [single_turn_fuzz]=550000 [speed_bench_fuzz]=600000
  [team_wire_fuzz]=700000 [tokenizer_regex_fuzz]=130000
)

# Library sources per target, relative to the repository root, keyed by file name.
declare -A SOURCES=(
  [http_sse_fuzz]="src/aiperf/transport/http_response_parser.cpp src/aiperf/transport/sse_framer.cpp"
  [mock_request_parser_fuzz]="src/aiperf/mock/http_request_parser.cpp"
  [mooncake_trace_fuzz]="src/aiperf/dataset/custom/mooncake_trace.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [bailian_trace_fuzz]="src/aiperf/dataset/custom/bailian_trace.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [single_turn_fuzz]="src/aiperf/dataset/custom/single_turn.cpp src/aiperf/dataset/custom/multi_turn.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [burst_gpt_trace_fuzz]="src/aiperf/dataset/custom/burst_gpt_trace.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [speed_bench_fuzz]="src/aiperf/dataset/custom/speed_bench.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [raw_formats_fuzz]="src/aiperf/dataset/custom/raw_payload.cpp src/aiperf/dataset/custom/sagemaker_data_capture.cpp src/aiperf/dataset/custom/payload_text.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [parquet_fuzz]="src/aiperf/dataset/public/parquet.cpp src/aiperf/dataset/public/parquet_format.cpp src/aiperf/dataset/public/parquet_delta.cpp"
  [endpoint_parsers_fuzz]="$(cd "$ROOT" && echo src/aiperf/endpoint/*.cpp) src/aiperf/config/config.cpp src/aiperf/config/distribution.cpp src/aiperf/common/rng.cpp src/aiperf/common/json_string.cpp"
  [openai_response_fuzz]="src/aiperf/endpoint/openai_parse.cpp src/aiperf/endpoint/json_scan.cpp src/aiperf/endpoint/parsed_response.cpp"
  [mock_request_body_fuzz]="src/aiperf/mock/request_body.cpp"
  [config_file_fuzz]="$(cd "$ROOT" && ls src/aiperf/config/*.cpp | grep -v templates.cpp | tr '\n' ' ') src/aiperf/common/env.cpp src/aiperf/common/rng.cpp"
  [report_records_fuzz]="src/aiperf/report/records_reader.cpp src/aiperf/report/artifact_readers.cpp"
  [plot_config_fuzz]="src/aiperf/report/plot_config.cpp src/aiperf/report/default_plot_config.cpp src/aiperf/metrics/catalog.cpp src/aiperf/common/env.cpp"
  [prom_parser_fuzz]="src/aiperf/telemetry/prom_parser.cpp"
  [team_wire_fuzz]="src/aiperf/cluster/record_codec.cpp"
  [tokenizer_regex_fuzz]="src/aiperf/tokenizer/regex.cpp src/aiperf/tokenizer/regex_ascii.cpp src/aiperf/tokenizer/utf8.cpp"
  # Generated (gen_kserve below): protoc's C++ for our KServe v2 subset.
  [kserve_response_fuzz]="src/aiperf/kserve/tensors.cpp src/aiperf/export/json_writer.cpp src/aiperf/common/json_string.cpp $OUT/gen/kserve_v2.pb.cc"
)
# Extra link flags per target.
declare -A LIBS=(
  [http_sse_fuzz]=""
  [mock_request_parser_fuzz]=""
  [mooncake_trace_fuzz]="-lsimdjson"
  [bailian_trace_fuzz]="-lsimdjson"
  [single_turn_fuzz]="-lsimdjson"
  [burst_gpt_trace_fuzz]="-lsimdjson"
  [speed_bench_fuzz]="-lsimdjson"
  [raw_formats_fuzz]="-lsimdjson"
  [parquet_fuzz]="-lsnappy -lzstd -lz"
  [endpoint_parsers_fuzz]="-lsimdjson -lcrypto"
  [openai_response_fuzz]="-lsimdjson"
  [mock_request_body_fuzz]="-lsimdjson"
  [config_file_fuzz]="-lyaml-cpp -lcrypto"
  [report_records_fuzz]="-lsimdjson"
  [plot_config_fuzz]="-lyaml-cpp"
  [prom_parser_fuzz]=""
  [team_wire_fuzz]=""
  [tokenizer_regex_fuzz]="-lpcre2-8"
  [kserve_response_fuzz]="-lsimdjson -lprotobuf -lfmt"
)

# Seed corpora: seed_<target> DIR writes starting inputs into DIR (optional per target).
seed_http_sse_fuzz() {
  local dir=$1 f i=0
  # Mode byte 1 (close-delimited SSE head is prepended), then a split seed, then the stream.
  for f in "$ROOT"/tests/data/sse/*/*.sse; do
    { printf '\001\005'; cat "$f"; } >"$dir/sse_$((i++))"
  done
  # Mode 0: whole responses.
  printf '\000\003HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' >"$dir/cl"
  printf '\000\007HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n9;x=y\r\ndata: a\n\n\r\n0\r\nT: 1\r\n\r\n' >"$dir/chunked"
  # Mode 2: chunk framing supplied.
  printf '\002\002b\r\ndata: x\r\n\r\n\r\n4\r\ndata\r\n3\r\n: y\r\n1\r\n\n\r\n0\r\n\r\n' >"$dir/chunks"
}

# Dataset formats: every line of the trace samples is a starting input.
seed_jsonl_lines() {
  local dir=$1 prefix=$2 i=0 f line
  shift 2
  for f in "$@"; do
    while IFS= read -r line; do printf '%s%s' "$prefix" "$line" >"$dir/l_$((i++))"; done <"$f"
  done
}
seed_config_file_fuzz() {
  local dir=$1 f i=0
  for f in "$ROOT"/src/aiperf/config/templates/*.yaml "$ROOT"/tests/data/config/aiperf/*.yaml; do
    cp "$f" "$dir/cfg_$((i++))"
  done
}
seed_mooncake_trace_fuzz() {
  seed_jsonl_lines "$1" "" "$ROOT"/tests/data/traces/mooncake_trace_modes.jsonl \
    "$ROOT"/tests/data/traces/arxiv_mooncake_trace_first20.jsonl
}
seed_bailian_trace_fuzz() {
  seed_jsonl_lines "$1" "" "$ROOT"/tests/data/traces/bailian_trace_doc_example.jsonl \
    "$ROOT"/tests/data/traces/qwen_thinking_first_row_as_quoted.jsonl
}
seed_single_turn_fuzz() {
  seed_jsonl_lines "$1" $'\x00' "$ROOT"/tests/data/traces/single_turn_*.jsonl
  seed_jsonl_lines "$1" $'\x02' "$ROOT"/tests/data/traces/multi_turn_*.jsonl
}
seed_raw_formats_fuzz() {
  seed_jsonl_lines "$1" $'\x05' "$ROOT"/tests/data/traces/raw_payload.jsonl  # 5 % 5 == 0
  seed_jsonl_lines "$1" $'\x01' "$ROOT"/tests/data/traces/sagemaker_capture.jsonl
  { printf '\002'; cat "$ROOT"/tests/data/traces/inputs_json_example.json; } >"$1/inputs_json"
  seed_jsonl_lines "$1" $'\x03' "$ROOT"/tests/data/traces/raw_payload.jsonl
  printf '\x04%s' '2026-04-29T00:03:18.25+02:00' >"$1/iso"
}
seed_speed_bench_fuzz() {
  seed_jsonl_lines "$1" "" "$ROOT"/tests/data/speed_bench/*.jsonl
}
seed_burst_gpt_trace_fuzz() {
  cp "$ROOT"/tests/data/traces/BurstGPT_1_first3rows.csv "$1/burst"
}

# Responses recorded from the mock, each message prefixed with its endpoint's index in the
# --endpoint-type choices (config::endpoint_type_names()).
seed_endpoint_parsers_fuzz() {
  local dir=$1 i=0 f idx
  declare -A IDX=([responses]=3 [embeddings]=5 [tei]=6 [tgi]=7 [images]=8 [video]=9 [nim]=11
                  [cohere]=1 [messages]=13)
  for f in "$ROOT"/tests/data/endpoint/apis/*; do
    idx=${IDX[$(basename "$f" | cut -d_ -f1 | cut -d. -f1)]:-12}
    if [[ $f == *.sse ]]; then
      sed -n 's/^data: //p' "$f" | while IFS= read -r line; do
        printf "\\$(printf '%03o' "$idx")%s" "$line" >"$dir/e_${i}_$RANDOM"
      done
    else
      { printf "\\$(printf '%03o' "$idx")"; cat "$f"; } >"$dir/b_$((i++))"
    fi
  done
  for f in "$ROOT"/tests/data/endpoint/*.sse; do  # OpenAI-style streams for chat (0)
    sed -n 's/^data: \{0,1\}//p' "$f" | while IFS= read -r line; do
      printf '\000%s' "$line" >"$dir/c_$RANDOM$RANDOM"
    done
  done
}

# Response messages: the data lines of the SSE recordings (chat) and a few completions shapes.
seed_openai_response_fuzz() {
  local dir=$1 i=0 f line
  for f in "$ROOT"/tests/data/sse/*/*.sse; do
    while IFS= read -r line; do
      [[ $line == data:* ]] || continue
      printf '\000%s' "${line#data: }" >"$dir/chat_$((i++))"
      [[ $i -ge 200 ]] && break 2
    done <"$f"
  done
  printf '\001%s' '{"id":"c","object":"text_completion","choices":[{"index":0,"text":"hi","finish_reason":null}]}' >"$dir/cmpl"
  printf '\001%s' '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":2}}}' >"$dir/usage"
  printf '\000%s' '{"error":{"message":"boom","type":"server_error","code":500}}' >"$dir/error"
}
seed_mock_request_body_fuzz() {
  printf '\000%s' '{"model":"m","messages":[{"role":"user","content":"hello there"}],"stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":5}' >"$1/chat"
  printf '\000%s' '{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:x"}}]}],"max_tokens":3,"ignore_eos":true,"min_tokens":3}' >"$1/chat_parts"
  printf '\001%s' '{"model":"m","prompt":"once upon","max_tokens":4,"stream":false}' >"$1/cmpl"
  printf '\001%s' '{"model":"m","prompt":[1,2,3]}' >"$1/cmpl_ids"
  printf '\002%s' '{"model":"m","input":["a b",[1,2],"c"]}' >"$1/emb"
}
seed_report_records_fuzz() {
  cp "$ROOT"/tests/data/report/run_small/profile_export.jsonl "$1/run_small"
  head -n 3 "$ROOT"/tests/data/report/run_small/profile_export.jsonl >"$1/three"
}
seed_plot_config_fuzz() {
  # The built-in configuration is the richest seed; it is a C++ raw string in this file.
  sed -n '/R"YAML(/,/)YAML"/p' "$ROOT"/src/aiperf/report/default_plot_config.cpp |
    sed '1s/.*R"YAML(//; $d' >"$1/default.yaml"
  printf 'visualization:\n  multi_run_defaults: [a]\n  multi_run_plots:\n    a: {type: pareto, x: {metric: request_latency, stat: p99}, y: request_throughput_avg, groups: [model]}\n' >"$1/dict.yaml"
}
seed_prom_parser_fuzz() {
  local f i=0
  for f in "$ROOT"/tests/data/metrics/*.prom; do
    { printf '\000'; cat "$f"; } >"$1/text_$((i++))"
  done
  { printf '\001'; tail -n +2 "$ROOT"/tests/data/metrics/openmetrics_client_golang_random_example.om.txt; } >"$1/om"
}

# The tokenizer fixtures' texts (every script, whitespace and digit case of tests/data/tokenizers).
seed_tokenizer_regex_fuzz() {
  python3 - "$1" "$ROOT"/tests/data/tokenizers/o200k_base/cases.jsonl <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[2], encoding="utf-8")):
    with open(f"{sys.argv[1]}/t_{i}", "w", encoding="utf-8", newline="") as f:
        f.write(json.loads(line)["text"])
PY
}

# Responses as Triton's TensorRT-LLM and vLLM backends send them (protoc --encode from text),
# and bodies as the kserve endpoints render them.
seed_kserve_response_fuzz() {
  local proto_dir="$ROOT/src/aiperf/kserve/proto"
  enc() {
    protoc --proto_path="$proto_dir" --encode=inference.ModelStreamInferResponse kserve_v2.proto
  }
  { printf '\000'; printf '%s' 'infer_response { model_name: "ensemble" outputs { name: "text_output" datatype: "BYTES" shape: 1 shape: 1 } raw_output_contents: "\005\000\000\000 word" }' | enc; } >"$1/raw"
  { printf '\000'; printf '%s' 'infer_response { outputs { name: "text_output" datatype: "BYTES" shape: 1 contents { bytes_contents: " typed" } } parameters { key: "triton_final_response" value { bool_param: true } } }' | enc; } >"$1/typed_final"
  { printf '\000'; printf '%s' 'error_message: "boom"' | enc; } >"$1/error"
  printf '\001%s' '{"model":"ensemble","text_input":["hello there"],"max_tokens":[12],"stream":[true],"min_length":[12],"temperature":[0.5],"random_seed":[7]}' >"$1/trtllm"
  printf '\002%s' '{"model":"m","text_input":["hi"],"exclude_input_in_output":[true],"stream":[true],"sampling_parameters":["{\"max_tokens\": \"8\"}"]}' >"$1/vllm"
}

seed_parquet_fuzz() {
  cp "$ROOT"/tests/data/parquet/*.parquet "$1/"
}

if [[ -n "$SEED_TARGET" ]]; then
  mkdir -p "$SEED_DIR"
  if declare -F "seed_$SEED_TARGET" >/dev/null; then "seed_$SEED_TARGET" "$SEED_DIR"; fi
  # libFuzzer needs at least one input to start from.
  [[ -n "$(ls -A "$SEED_DIR")" ]] || printf 'x' >"$SEED_DIR/empty_seed"
  exit 0
fi

mkdir -p "$OUT"
# Every source is compiled once into an object (through ccache when installed), in parallel on
# every core, and shared by the targets that need it; each target is then one link.
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
CFLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer-no-link "${SAN[@]}" -fno-omit-frame-pointer
        -I"$ROOT/src" -I"$OUT/gen")
CC_LAUNCH=()
command -v ccache >/dev/null && CC_LAUNCH=(ccache)
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/aiperf-ccache}
# Paths under the checkout are hashed relative to it: a clone elsewhere (CI) hits the same cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
shopt -s nullglob
targets=("$ROOT"/tests/fuzz/*_fuzz.cpp)
[[ ${#targets[@]} -gt 0 ]] || { echo "no tests/fuzz/*_fuzz.cpp" >&2; exit 1; }

status=0
names=()
declare -A UNIQUE=()
for src in "${targets[@]}"; do
  name=$(basename "$src" .cpp)
  [[ -n "$ONLY" && "$name" != "$ONLY" ]] && continue
  if [[ ! -v SOURCES[$name] ]]; then
    echo "build-fuzzers.sh: no source list for $name; add it to SOURCES in $0" >&2
    status=1
    continue
  fi
  names+=("$name")
  UNIQUE["tests/fuzz/$name.cpp"]=1
  for s in ${SOURCES[$name]}; do UNIQUE[$s]=1; done
done
obj_of() { echo "$OUT/obj/${1%.cpp}.o"; }
compile_one() {  # source path relative to ROOT, or absolute (generated under $OUT)
  local o src=$1
  [[ $src == /* ]] || src="$ROOT/$src"
  o=$(obj_of "$1")
  mkdir -p "$(dirname "$o")"
  "${CC_LAUNCH[@]}" "$CXX" "${CFLAGS[@]}" -c "$src" -o "$o" || { echo "== compile $1 FAILED" >&2; return 1; }
}
# Generated sources: protoc's C++ for src/aiperf/kserve/proto/kserve_v2.proto (needs
# protobuf-compiler and libprotobuf-dev).
gen_kserve() {
  mkdir -p "$OUT/gen"
  protoc --proto_path="$ROOT/src/aiperf/kserve/proto" --cpp_out="$OUT/gen" \
    "$ROOT/src/aiperf/kserve/proto/kserve_v2.proto"
}
for name in "${names[@]}"; do
  [[ $name == kserve_response_fuzz ]] && gen_kserve
done
export -f compile_one obj_of
export OUT ROOT CXX
export CFLAGS_STR="${CFLAGS[*]}" CC_LAUNCH_STR="${CC_LAUNCH[*]}"
echo "== compile ${#UNIQUE[@]} sources for ${#names[@]} targets"
if ! printf '%s\n' "${!UNIQUE[@]}" | sort |
    xargs -P "$(nproc)" -I{} bash -c 'CFLAGS=($CFLAGS_STR); CC_LAUNCH=($CC_LAUNCH_STR); compile_one "$1"' _ {}; then
  echo "build-fuzzers.sh: a source did not compile" >&2
  exit 1
fi

for name in "${names[@]}"; do
  objs=("$(obj_of "tests/fuzz/$name.cpp")")
  for s in ${SOURCES[$name]}; do objs+=("$(obj_of "$s")"); done
  echo "== link $name"
  # shellcheck disable=SC2086
  "$CXX" -fsanitize=fuzzer "${SAN[@]}" "${objs[@]}" -o "$OUT/$name" ${LIBS[$name]:-}
  if [[ "$RUN_SECS" != 0 ]]; then
    # A smoke pass: new inputs go to build-fuzz/corpus/ (scripts/fuzz.sh's full corpus), the
    # repository's seeds (tests/fuzz/corpus/) are read as well.
    corpus="$OUT/corpus/$name"
    seeds="$ROOT/tests/fuzz/corpus/$name"
    mkdir -p "$corpus"
    dirs=("$corpus")
    [[ -d "$seeds" && -n "$(ls -A "$seeds")" ]] && dirs+=("$seeds")
    # The starting inputs too when the corpus is new (the repository may hold only a
    # regression input or two for a target).
    if [[ -z "$(ls -A "$corpus")" ]] && declare -F "seed_$name" >/dev/null; then
      "seed_$name" "$corpus"
    fi
    limit=(-max_total_time="$RUN_SECS")
    fixed=()
    if [[ "$RUN_SEED" != 0 ]]; then
      runs=$(( ${RUNS_PER_10S[$name]:-100000} * RUN_SECS / 10 ))
      limit=(-runs="$runs" -reload=0 -max_total_time=$((RUN_SECS * 3)))
      setarch -R true 2>/dev/null && fixed=(setarch -R)
      echo "== run $name: $runs executions (seed $RUN_SEED)"
    else
      echo "== run $name for ${RUN_SECS}s (seed $RUN_SEED)"
    fi
    if ! (cd "$OUT" && "${fixed[@]}" "./$name" "${limit[@]}" -seed="$RUN_SEED" -print_final_stats=1 \
          -max_len=65536 -timeout=10 -rss_limit_mb=2048 "${dirs[@]}" 2>&1 | tail -n 15); then
      echo "== $name FAILED (crash input saved in $OUT)" >&2
      status=1
    fi
  fi
done
exit $status
