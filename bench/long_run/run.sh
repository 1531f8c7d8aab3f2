#!/usr/bin/env bash
# A long run in bounded memory (docs/performance.md "Long runs"): N requests (default 10M)
# against the mock server (--fast), short outputs, one synthetic entry per request (AIPerf's
# default dataset size, rebuilt just in time). Samples the client's RSS every second and prints
# the figures: requests/s, RSS after warm-up (the first 10 % of the profiling phase), peak RSS
# after it, and the bytes
# of the exact-percentile arrays (the part that must grow with N).
#
#   bench/long_run/run.sh [REQUESTS=10000000] [OUT_DIR=/tmp/aiperf-long-run]
#
# Uses build/release (cmake --preset release && cmake --build --preset release). Runs for
# about REQUESTS / (requests per second) seconds; inputs.json (every payload) is written too
# (~0.45 KB per request at --isl 64). --export-level summary: the per-request JSONL is not
# written (15 GB at 10M requests).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000000}
OUT=${2:-/tmp/aiperf-long-run}
BIN="$ROOT/build/release/src"
CONCURRENCY=${CONCURRENCY:-64}
ISL=${ISL:-64}
mkdir -p "$OUT"
rm -rf "$OUT/art"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/aiperf-mock-server" --host 127.0.0.1 --port "$PORT" --fast -q >"$OUT/mock.log" 2>&1 &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true' EXIT
sleep 1
START=$(date +%s.%N)
"$BIN/aiperf" profile -m m --url "http://127.0.0.1:$PORT" --tokenizer builtin --ui none \
  --streaming --request-count "$N" --concurrency "$CONCURRENCY" --osl 2 --isl "$ISL" \
  --export-level summary --artifact-dir "$OUT/art" >"$OUT/aiperf.out" 2>"$OUT/aiperf.err" &
AP=$!
: >"$OUT/rss.csv"
while kill -0 $AP 2>/dev/null; do
  kb=$(awk '/VmRSS/ {print $2}' /proc/$AP/status 2>/dev/null || true)
  [ -n "$kb" ] && echo "$(date +%s.%N),$kb" >>"$OUT/rss.csv"
  sleep 1
done
wait $AP
END=$(date +%s.%N)
python3 - "$OUT" "$N" "$START" "$END" <<'PY'
import json, re, sys
out, n, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
rows = [tuple(map(float, l.split(","))) for l in open(f"{out}/rss.csv") if l.strip()]
log = open(f"{out}/art/logs/aiperf.log").read()
m = re.search(r"exact-percentile values: (\d+) held, ([0-9.]+) MB", log)
phase = re.search(r"phase profiling ended after ([0-9.]+) s", log)
s = json.load(open(f"{out}/art/profile_export_aiperf.json"))
# Warm-up: the preparation (inputs.json) and the first 10 % of the profiling phase.
import datetime
end_line = re.search(r"^(\S+ \S+) info +phase profiling ended after ([0-9.]+) s", log, re.M)
phase_end = datetime.datetime.strptime(end_line.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
phase_s = float(end_line.group(2))
warm_t = phase_end - phase_s + 0.1 * phase_s
warm = [kb for t, kb in rows if t <= warm_t][-1]
peak_after = max(kb for t, kb in rows if t > warm_t)
peak = max(kb for _, kb in rows)
arrays_mb = float(m.group(2))
print(f"requests: {int(s['request_count']['avg'])} ok, "
      f"{int(s.get('error_request_count', {}).get('avg', 0))} errors, "
      f"{s['request_throughput']['avg']:.0f} req/s over {float(phase.group(1)):.0f} s "
      f"(whole run {end - start:.0f} s)")
print(f"rss: {warm / 1024:.1f} MB after warm-up (10 % of the run), {peak_after / 1024:.1f} MB peak after "
      f"it, {peak / 1024:.1f} MB peak overall")
print(f"exact-percentile arrays: {int(m.group(1))} values, {arrays_mb:.1f} MB")
print(f"growth after warm-up beyond the arrays: {peak_after / 1024 - warm / 1024 - arrays_mb:.1f} MB")
PY
