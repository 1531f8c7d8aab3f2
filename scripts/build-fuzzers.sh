#!/usr/bin/env bash
# Builds every tests/fuzz/*_fuzz.cpp as a standalone libFuzzer binary (clang 14, ASan + UBSan),
# compiling only the sources each target needs, and optionally runs each one briefly.
#
#   scripts/build-fuzzers.sh                 build into build-fuzz/
#   scripts/build-fuzzers.sh --run 20        build, then run each target for 20 s
#   scripts/build-fuzzers.sh --out DIR       build somewhere else
#   scripts/build-fuzzers.sh --only NAME     just this target (file name without .cpp)
#
# Needs: clang-14, libclang-rt-14-dev. Adding a target: drop tests/fuzz/<name>_fuzz.cpp and add
# its library sources (and link flags, and a seed function if wanted) in the tables below.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/build-fuzz"
RUN_SECS=0
ONLY=""
CXX=${FUZZ_CXX:-clang++-14}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --run) RUN_SECS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-fuzzers.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# Library sources per target, relative to the repository root, keyed by file name.
declare -A SOURCES=(
  [http_sse_fuzz]="src/aiperf/transport/http_response_parser.cpp src/aiperf/transport/sse_framer.cpp"
  [mock_request_parser_fuzz]="src/aiperf/mock/http_request_parser.cpp"
  [mooncake_trace_fuzz]="src/aiperf/dataset/custom/mooncake_trace.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [bailian_trace_fuzz]="src/aiperf/dataset/custom/bailian_trace.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [single_turn_fuzz]="src/aiperf/dataset/custom/single_turn.cpp src/aiperf/dataset/custom/multi_turn.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [burst_gpt_trace_fuzz]="src/aiperf/dataset/custom/burst_gpt_trace.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [raw_formats_fuzz]="src/aiperf/dataset/custom/raw_payload.cpp src/aiperf/dataset/custom/sagemaker_data_capture.cpp src/aiperf/dataset/custom/payload_text.cpp src/aiperf/dataset/custom/jsonl.cpp"
  [parquet_fuzz]="src/aiperf/dataset/public/parquet.cpp src/aiperf/dataset/public/parquet_format.cpp src/aiperf/dataset/public/parquet_delta.cpp"
  [report_records_fuzz]="src/aiperf/report/records_reader.cpp src/aiperf/report/artifact_readers.cpp"
  [plot_config_fuzz]="src/aiperf/report/plot_config.cpp src/aiperf/report/default_plot_config.cpp src/aiperf/metrics/catalog.cpp"
  [prom_parser_fuzz]="src/aiperf/telemetry/prom_parser.cpp"
  [team_wire_fuzz]="src/aiperf/cluster/record_codec.cpp"
)
# Extra link flags per target.
declare -A LIBS=(
  [http_sse_fuzz]=""
  [mock_request_parser_fuzz]=""
  [mooncake_trace_fuzz]="-lsimdjson"
  [bailian_trace_fuzz]="-lsimdjson"
  [single_turn_fuzz]="-lsimdjson"
  [burst_gpt_trace_fuzz]="-lsimdjson"
  [raw_formats_fuzz]="-lsimdjson"
  [parquet_fuzz]="-lsnappy -lzstd -lz"
  [report_records_fuzz]="-lsimdjson"
  [plot_config_fuzz]="-lyaml-cpp"
  [prom_parser_fuzz]=""
  [team_wire_fuzz]=""
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
seed_burst_gpt_trace_fuzz() {
  cp "$ROOT"/tests/data/traces/BurstGPT_1_first3rows.csv "$1/burst"
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

seed_parquet_fuzz() {
  cp "$ROOT"/tests/data/parquet/*.parquet "$1/"
}

mkdir -p "$OUT"
FLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -fno-omit-frame-pointer -I"$ROOT/src")
shopt -s nullglob
targets=("$ROOT"/tests/fuzz/*_fuzz.cpp)
[[ ${#targets[@]} -gt 0 ]] || { echo "no tests/fuzz/*_fuzz.cpp" >&2; exit 1; }

status=0
for src in "${targets[@]}"; do
  name=$(basename "$src" .cpp)
  [[ -n "$ONLY" && "$name" != "$ONLY" ]] && continue
  if [[ ! -v SOURCES[$name] ]]; then
    echo "build-fuzzers.sh: no source list for $name; add it to SOURCES in $0" >&2
    status=1
    continue
  fi
  srcs=()
  for s in ${SOURCES[$name]}; do srcs+=("$ROOT/$s"); done
  echo "== build $name"
  # shellcheck disable=SC2086
  "$CXX" "${FLAGS[@]}" "$src" "${srcs[@]}" -o "$OUT/$name" ${LIBS[$name]:-}
  if [[ "$RUN_SECS" != 0 ]]; then
    corpus="$OUT/corpus/$name"
    mkdir -p "$corpus"
    if [[ -z "$(ls -A "$corpus")" ]] && declare -F "seed_$name" >/dev/null; then
      "seed_$name" "$corpus"
    fi
    echo "== run $name for ${RUN_SECS}s"
    if ! (cd "$OUT" && "./$name" -max_total_time="$RUN_SECS" -print_final_stats=1 \
          -max_len=65536 -timeout=10 -rss_limit_mb=2048 "$corpus" 2>&1 | tail -n 15); then
      echo "== $name FAILED (crash input saved in $OUT)" >&2
      status=1
    fi
  fi
done
exit $status
