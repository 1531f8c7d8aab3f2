#!/usr/bin/env bash
# Whole-trace replay in bounded memory (docs/performance.md "Long runs and whole traces"): the
# generated 1M-row Mooncake JSONL and 5M-row BurstGPT CSV of bench/dataset (made once under DIR)
# are loaded whole, as columns, and their prompts rendered just in time. Two runs per file
# against the mock server (--fast):
#   replay  --fixed-schedule, the first REPLAY_MOONCAKE / REPLAY_BURST rows sent at their trace
#           times (the files span 50 min and 19 days: a prefix keeps the bench short);
#   drive   the same whole dataset sent back to back (--concurrency 64), REQUESTS requests.
# Prints, per run: rows loaded, requests, seconds, peak RSS and the columns' bytes from the log.
#
#   bench/trace_replay/run.sh [REQUESTS=200000] [DIR=/tmp]
#
# Uses build/release (cmake --preset release && cmake --build --preset release).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-200000}
DIR=${2:-/tmp}
REPLAY_MOONCAKE=${REPLAY_MOONCAKE:-3000}
REPLAY_BURST=${REPLAY_BURST:-30}
BIN="$ROOT/build/release/src"
OUT="$DIR/aiperf-trace-replay"
mkdir -p "$OUT"
MOONCAKE="$DIR/aiperf_bench_mooncake_1m.jsonl"
BURST="$DIR/aiperf_bench_burstgpt_5m.csv"
if [[ ! -f "$MOONCAKE" || ! -f "$BURST" ]]; then
  bash "$ROOT/bench/dataset/run.sh" "$DIR" >/dev/null
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/aiperf-mock-server" --host 127.0.0.1 --port "$PORT" --fast -q >"$OUT/mock.log" 2>&1 &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true' EXIT
sleep 1

one() {  # NAME FILE TYPE ARGS...
  local name=$1 file=$2 type=$3
  shift 3
  local art="$OUT/$name"
  rm -rf "$art"
  local t0; t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$OUT/$name.rss" "$BIN/aiperf" profile -m m \
    --url "http://127.0.0.1:$PORT" --tokenizer builtin --ui none --streaming \
    --input-file "$file" --custom-dataset-type "$type" --export-level summary \
    --artifact-dir "$art" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
  local t1; t1=$(date +%s.%N)
  python3 - "$name" "$art" "$OUT/$name.rss" "$t0" "$t1" <<'PY'
import json, re, sys
name, art, rss, t0, t1 = sys.argv[1:6]
s = json.load(open(f"{art}/profile_export_aiperf.json"))
log = open(f"{art}/logs/aiperf.log").read()
cols = re.search(r"dataset: \d+ conversations, rebuilt just in time \(compact form [0-9.]+ MB, made in [0-9.]+ ms\)", log)
ok = int(s["request_count"]["avg"])
err = int(s.get("error_request_count", {}).get("avg", 0))
kb = int(open(rss).read().split()[-1])
print(f"{name:18s} requests {ok} ok {err} errors, {float(t1) - float(t0):6.1f} s, "
      f"peak RSS {kb / 1024:6.1f} MB" + (f", dataset: {cols.group(0)}" if cols else ""))
PY
}

one mooncake-replay "$MOONCAKE" mooncake_trace --fixed-schedule --request-count "$REPLAY_MOONCAKE"
one mooncake-drive "$MOONCAKE" mooncake_trace --no-fixed-schedule --concurrency 64 --request-count "$N"
one burst-replay "$BURST" burst_gpt_trace --fixed-schedule --request-count "$REPLAY_BURST"
one burst-drive "$BURST" burst_gpt_trace --no-fixed-schedule --concurrency 64 --request-count "$N"
