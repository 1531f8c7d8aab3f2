#!/usr/bin/env bash
# Client cost against the floor (issue 15). A minimal SSE server (sse_server.cpp) pinned to core
# 0; the floor client (floor_client.cpp: frames and stamps only) and aiperf alternately on core 1,
# median of ROUNDS runs each. Prints, idle and with `stress-ng --cpu 2` loading both cores:
#   1. streaming: µs CPU per event (marginal cost between a small and a +4,000-request run) for
#      1 and 8 events per send() at 64, 1,000 and 10,000 connections, and the aiperf/floor ratio
#   2. paced streams: 100k events/s over 1,024 streams (CPU per event, ratio)
#   3. non-streaming: aiperf req/s and CPU per request vs wrk -t1 -c64 (same server, same core)
#   4. send lateness p50/p99/max at 10 and 10,000 req/s
#   5. accuracy: median TTFT and ITL measured by both clients on paced streams (5 ms, 1 ms)
# Usage: bench/client_cost/run.sh [build-dir]   (default build/release)
#   SECTIONS="1 3" LOADS="idle loaded" ROUNDS=3 CONNS="64 1000 10000" bench/client_cost/run.sh
# Needs wrk and stress-ng (apt-get install wrk stress-ng).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/release}
AIPERF=$B/src/aiperf
[ -x "$AIPERF" ] || { echo "build first: cmake --preset release && cmake --build --preset release"; exit 1; }
for p in wrk stress-ng taskset; do
  command -v $p >/dev/null || { echo "needs $p: apt-get install wrk stress-ng util-linux"; exit 1; }
done
ROUNDS=${ROUNDS:-3}
LOADS=${LOADS:-idle loaded}
CONNS=${CONNS:-64 1000 10000}
want() { [[ " ${SECTIONS:-1 2 3 4 5} " == *" $1 "* ]]; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
T=$(mktemp -d)
SP=""; LP=""
cleanup() { kill $SP $LP 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
g++ -std=c++20 -O2 bench/client_cost/sse_server.cpp -o "$T/sse_server"
g++ -std=c++20 -O2 bench/client_cost/floor_client.cpp -o "$T/floor_client"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

server() {  # sse_server args...
  [ -n "$SP" ] && { kill $SP 2>/dev/null || true; wait $SP 2>/dev/null || true; }
  taskset -c 0 "$T/sse_server" --port "$PORT" "$@" >"$T/server.log" 2>&1 &
  SP=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return; sleep 0.05; done
  echo "server did not start"; cat "$T/server.log"; exit 1
}
load() {  # idle|loaded
  [ -n "$LP" ] && { kill $LP 2>/dev/null || true; wait $LP 2>/dev/null || true; LP=""; }
  if [ "$1" = loaded ]; then stress-ng --cpu 2 --quiet >/dev/null 2>&1 & LP=$!; sleep 1; fi
}
cpu_of() { read -r u s <"$1"; python3 -c "print($u + $s)"; }
floor_cpu() {  # conns requests stream -> cpu seconds
  taskset -c 1 "$T/floor_client" --port "$PORT" --connections "$1" --requests "$2" --stream "$3" \
    >"$T/floor.json"
  python3 -c "import json; print(json.load(open('$T/floor.json'))['cpu_s'])"
}
aiperf_run() {  # name args... (records /usr/bin/time user/sys)
  local name=$1; shift
  /usr/bin/time -f '%U %S' -o "$T/$name.time" taskset -c 1 "$AIPERF" profile --model m \
    --url "http://127.0.0.1:$PORT" --endpoint-type chat --tokenizer builtin --ui none \
    --random-seed 1 --workers-max 1 --isl 16 --artifact-dir "$T/$name" "$@" >"$T/$name.log" 2>&1 ||
    { echo "aiperf failed ($name):"; tail -3 "$T/$name.log"; exit 1; }
}
aiperf_cpu() {  # conns requests events -> cpu seconds
  aiperf_run a --streaming --concurrency "$1" --request-count "$2" --osl "$3"
  cpu_of "$T/a.time"
}
summary() {  # name python-expr over s (the summary JSON)
  python3 - "$T/$1" "$2" <<'PY'
import json, sys, glob
s = json.load(open(glob.glob(sys.argv[1] + "/**/profile_export_aiperf.json", recursive=True)[0]))
print(eval(sys.argv[2], {"s": s}))
PY
}
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
# marginal µs per event: (cpu(large) - cpu(small)) / (events(large) - events(small))
per_event() { python3 -c "print(f'{($2 - $1) * 1e6 / ($3 * $4):.2f}')" "$@"; }

stream_point() {  # label conns events_per_send events
  local label=$1 c=$2 events=$4 small large f=() a=()
  small=$(( c > 40 ? c : 40 )); large=$(( small + 4000 ))
  for _ in $(seq 1 "$ROUNDS"); do
    f+=("$(per_event "$(floor_cpu "$c" $small 1)" "$(floor_cpu "$c" $large 1)" 4000 "$events")")
    a+=("$(per_event "$(aiperf_cpu "$c" $small "$events")" "$(aiperf_cpu "$c" $large "$events")" 4000 "$events")")
  done
  local mf ma; mf=$(median "${f[@]}"); ma=$(median "${a[@]}")
  printf '  %-28s floor %6.2f us/event   aiperf %6.2f us/event   ratio %.2f   (aiperf runs: %s)\n' \
    "$label" "$mf" "$ma" "$(python3 -c "print($ma / max($mf, 1e-9))")" "${a[*]}"
}

for L in $LOADS; do
  load "$L"
  echo "=================== $L"
  if want 1; then
    echo "== 1. streaming, 100 events per response, marginal cost (median of $ROUNDS)"
    for eps in 1 8; do
      server --events 100 --events-per-send $eps
      for c in $CONNS; do stream_point "$eps event(s)/send, $c conns" "$c" $eps 100; done
    done
  fi
  if want 2; then
    echo "== 2. paced: 100k events/s over 1,024 streams (100 events, 10.24 ms apart)"
    server --events 100 --itl-us 10240 --ttft-us 10240
    f=(); a=()
    for _ in $(seq 1 "$ROUNDS"); do
      f+=("$(per_event "$(floor_cpu 1024 1024 1)" "$(floor_cpu 1024 5120 1)" 4096 100)")
      a+=("$(per_event "$(aiperf_cpu 1024 1024 100)" "$(aiperf_cpu 1024 5120 100)" 4096 100)")
    done
    mf=$(median "${f[@]}"); ma=$(median "${a[@]}")
    printf '  floor %.2f us/event   aiperf %.2f us/event   ratio %.2f\n' "$mf" "$ma" \
      "$(python3 -c "print($ma / max($mf, 1e-9))")"
  fi
  if want 3; then
    echo "== 3. non-streaming, 64 connections: aiperf vs wrk -t1 -c64"
    server --events 1
    printf 'wrk.method = "POST"\nwrk.body = [[{"model":"m","messages":[{"role":"user","content":"hello there"}]}]]\nwrk.headers["Content-Type"] = "application/json"\n' >"$T/post.lua"
    w=(); a=(); ac=()
    for _ in $(seq 1 "$ROUNDS"); do
      w+=("$(taskset -c 1 wrk -t1 -c64 -d5s -s "$T/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" |
        awk '/Requests\/sec/ {print $2}')")
      aiperf_run n --concurrency 64 --request-count 200000 --osl 2
      a+=("$(summary n 's["request_throughput"]["avg"]')")
      ac+=("$(python3 -c "print($(cpu_of "$T/n.time") * 1e6 / 200000)")")
    done
    mw=$(median "${w[@]}"); ma=$(median "${a[@]}")
    printf '  wrk %.0f req/s   aiperf %.0f req/s (%.1f us CPU/request)   ratio %.2f\n' "$mw" "$ma" \
      "$(median "${ac[@]}")" "$(python3 -c "print($ma / $mw)")"
  fi
  if want 4; then
    echo "== 4. send lateness (constant arrivals, 10 s)"
    server --events 1
    for rate in 10 10000; do
      aiperf_run r --request-rate $rate --arrival-pattern constant --request-count $((rate * 10)) --osl 2
      summary r '"  {:>6} req/s: p50={:.1f} us  p99={:.1f} us  max={:.1f} us  verdict: {}".format('"$rate"', s["send_lateness"]["p50"]*1000, s["send_lateness"]["p99"]*1000, s["send_lateness"]["max"]*1000, s.get("client_health", {}).get("reason", "?"))'
    done
  fi
  if want 5; then
    echo "== 5. accuracy on paced streams (TTFT 5 ms, ITL 1 ms, 20 events, 16 connections)"
    server --events 20 --ttft-us 5000 --itl-us 1000
    taskset -c 1 "$T/floor_client" --port "$PORT" --connections 16 --requests 800 --timings "$T/t.txt" >/dev/null
    aiperf_run acc --streaming --concurrency 16 --request-count 800 --osl 20
    python3 - "$T/t.txt" "$T/acc" <<'PY'
import glob, json, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
f_ttft = statistics.median(float(r[0]) / 1e6 for r in rows)
f_itl = statistics.median(float(r[1]) / 1e6 for r in rows)
recs = [json.loads(l) for l in open(glob.glob(sys.argv[2] + "/**/profile_export.jsonl", recursive=True)[0])]
a_ttft = statistics.median(r["metrics"]["time_to_first_token"]["value"] for r in recs)
a_itl = statistics.median(r["metrics"]["inter_token_latency"]["value"] for r in recs)
print(f"  median TTFT: floor {f_ttft*1000:.1f} us, aiperf {a_ttft*1000:.1f} us (diff {abs(a_ttft-f_ttft)*1000:.1f} us)")
print(f"  median ITL:  floor {f_itl*1000:.1f} us, aiperf {a_itl*1000:.1f} us (diff {abs(a_itl-f_itl)*1000:.1f} us)")
PY
  fi
done
