#!/usr/bin/env bash
# `aiperf plot` on a 1M-request run (issue 13): time, peak RSS and output sizes.
#   1. a real 200-request mock run gives the summary and the shape of a record line;
#   2. bench/report/make_records.py replicates its records to N lines (timestamps spread over
#      a one-hour run, latencies varied) -> profile_export.jsonl (~1.3 GB at 1M lines);
#   3. prints: records reader throughput, `aiperf plot` wall/CPU/RSS (PNG+SVG+HTML), the HTML
#      report's size, and `aiperf plot --no-html` for comparison.
# Usage: bench/report/plot_1m.sh [build-dir] [lines]   (defaults: build/release 1000000)
# Needs ~1.5 GB free in $TMPDIR (removed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/release}
N=${2:-1000000}
AIPERF=$B/src/aiperf
MOCK=$B/src/aiperf-mock-server
[ -x "$AIPERF" ] && [ -x "$MOCK" ] || { echo "build first: cmake --build --preset release"; exit 1; }
T=$(mktemp -d); trap 'kill $MP 2>/dev/null || true; rm -rf "$T"' EXIT
export HOME=$T/home  # a fresh ~/.aiperf/plot_config.yaml (the defaults)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$MOCK" --host 127.0.0.1 --port "$PORT" --ttft 5 --itl 1 >"$T/mock.log" 2>&1 &
MP=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
"$AIPERF" profile --model m --url "http://127.0.0.1:$PORT" --endpoint-type chat --streaming \
  --tokenizer builtin --osl 32 --isl 128 --ui none --concurrency 8 --request-count 200 \
  --artifact-dir "$T/seed" >"$T/seed.log" 2>&1 || { tail -5 "$T/seed.log"; exit 1; }
kill $MP; wait $MP 2>/dev/null || true

mkdir -p "$T/run"
cp "$T/seed/profile_export_aiperf.json" "$T/run/"
python3 bench/report/make_records.py "$T/seed/profile_export.jsonl" "$N" >"$T/run/profile_export.jsonl"
SIZE=$(stat -c %s "$T/run/profile_export.jsonl")
echo "records: $N lines, $(( SIZE / 1000000 )) MB"

sync
cat "$T/run/profile_export.jsonl" >/dev/null  # warm the page cache: measure parsing, not the disk
/usr/bin/time -f '%e %U %S %M' -o "$T/plot.time" "$AIPERF" plot --paths "$T/run" --output "$T/out" --verbose >"$T/plot.log" 2>&1 ||
  { tail -5 "$T/plot.log"; exit 1; }
read -r WALL USR SYS RSS <"$T/plot.time"
echo "aiperf plot (PNG + SVG + HTML): ${WALL} s wall, ${USR} s user, ${SYS} s sys (gnuplot included), peak RSS $(( RSS / 1024 )) MB"
grep -E '^(Read|Built|Drew|Wrote)' "$T/plot.log" | sed 's/^/  /'
/usr/bin/time -f '%e %U %S %M' -o "$T/nohtml.time" "$AIPERF" plot --paths "$T/run" --output "$T/out2" --no-html >/dev/null 2>&1
read -r WALL USR SYS RSS <"$T/nohtml.time"
echo "aiperf plot --no-html:           ${WALL} s wall, ${USR} s user, ${SYS} s sys, peak RSS $(( RSS / 1024 )) MB"
echo "HTML report: $(( $(stat -c %s "$T/out/report.html") / 1000 )) kB"
echo "PNG files: $(ls "$T/out"/*.png | wc -l), total $(( $(cat "$T/out"/*.png | wc -c) / 1000 )) kB;" \
     "SVG total $(( $(cat "$T/out"/*.svg | wc -c) / 1000 )) kB"
