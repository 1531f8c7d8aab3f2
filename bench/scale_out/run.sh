#!/usr/bin/env bash
# Scale-out figure (docs/performance.md "Scale-out"): STREAMS concurrent streams from NP aiperf
# ranks under mpirun, against MOCKS mock servers on their own ports (each process stays under
# its open-file limit: STREAMS/NP connections per rank, STREAMS/MOCKS per server). Prints the
# most streams the servers held at once (from their ground-truth logs), and per rank its peak
# RSS and CPU per streamed event (from the run's scale_out section).
#   bash bench/scale_out/run.sh [build-dir]
# Knobs (environment): STREAMS=40000 NP=3 MOCKS=4 OSL=20 ITL_MS=1000 TTFT_MS=2000
set -euo pipefail
B=${1:-build/release}
AIPERF=$B/src/aiperf
MOCK=$B/src/aiperf-mock-server
STREAMS=${STREAMS:-40000}
NP=${NP:-3}
MOCKS=${MOCKS:-4}
OSL=${OSL:-20}
ITL_MS=${ITL_MS:-1000}
TTFT_MS=${TTFT_MS:-2000}
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
urls=()
for i in $(seq 1 "$MOCKS"); do
  port=$(free_port)
  "$MOCK" --host 127.0.0.1 --port "$port" --workers 1 --quiet --ttft "$TTFT_MS" --itl "$ITL_MS" \
    --record-requests "$T/truth$i.jsonl" >"$T/mock$i.log" 2>&1 &
  pids+=($!)
  urls+=(--url "http://127.0.0.1:$port")
done
sleep 1
echo "open-file limit per process: $(ulimit -n); $STREAMS streams = $((STREAMS / NP)) per rank, $((STREAMS / MOCKS)) per server"
/usr/bin/time -v mpirun --allow-run-as-root --oversubscribe -np "$NP" "$AIPERF" profile \
  --model m "${urls[@]}" --endpoint-type chat --streaming --tokenizer builtin \
  --isl 16 --osl "$OSL" --concurrency "$STREAMS" --request-count "$STREAMS" \
  --random-seed 1 --ui none --workers-max 1 --artifact-dir "$T/run" \
  >"$T/aiperf.out" 2>"$T/aiperf.err" || { tail -20 "$T/aiperf.err"; exit 1; }
cleanup
python3 - "$T" "$MOCKS" <<'PY'
import json, sys, glob
t, mocks = sys.argv[1], int(sys.argv[2])
ev = []
n = 0
for i in range(1, mocks + 1):
    for line in open(f"{t}/truth{i}.jsonl"):
        g = json.loads(line); n += 1
        ev.append((g["arrival_mono_ns"], 1)); ev.append((g["completion_mono_ns"], -1))
ev.sort()
cur = most = 0
for _, d in ev:
    cur += d; most = max(most, cur)
s = json.load(open(glob.glob(f"{t}/run/**/profile_export_aiperf.json", recursive=True)[0]))
print(f"requests seen by the servers: {n}; most streams open at once: {most}")
print(f"request_count {s['request_count']['avg']:.0f}, errors {s.get('error_request_count', {}).get('avg', 0)}")
print("rank  requests  responses  peak RSS MB  CPU s  CPU ns/event  lateness p99 ms")
for r in s["scale_out"]["per_rank"]:
    lat = r["send_lateness_ms"]["p99"] if r["send_lateness_ms"] else float("nan")
    print(f"{r['rank']:>4}  {r['requests']:>8}  {r['responses']:>9}  {r['peak_rss_mb']:>11.1f}  "
          f"{r['cpu_s']:>5.1f}  {r['cpu_ns_per_response'] or 0:>12.0f}  {lat:>15.3f}")
PY
grep -E "Maximum resident|Elapsed" "$T/aiperf.err" || true
