#!/usr/bin/env bash
# Client overhead figures (issue: measurement engine). Pins the mock server (--fast) to core 0 and
# aiperf to core 1, then prints:
#   1. client CPU µs per streamed event and per request (concurrency 1000, 100-event responses)
#   2. non-streaming requests/s (concurrency 256)
#   3. send lateness p50/p99/max at 2k and 10k req/s (constant arrivals)
#   4. peak RSS of aiperf holding 10k concurrent streams
# Usage: bench/client_bench.sh [build-dir]   (default build/release)
#        SECTIONS="1 4" bench/client_bench.sh ...   runs only those sections
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/release}
AIPERF=$B/src/aiperf
MOCK=$B/src/aiperf-mock-server
[ -x "$AIPERF" ] && [ -x "$MOCK" ] || { echo "build first: cmake --preset release && cmake --build --preset release"; exit 1; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
T=$(mktemp -d); trap 'kill $MP 2>/dev/null || true; rm -rf "$T"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start_mock() {  # args...
  taskset -c 0 "$MOCK" --host 127.0.0.1 --port "$PORT" --workers 1 "$@" >"$T/mock.log" 2>&1 &
  MP=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return; sleep 0.05; done
  echo "mock server did not start"; cat "$T/mock.log"; exit 1
}
stop_mock() { kill "$MP" 2>/dev/null || true; wait "$MP" 2>/dev/null || true; }

profile() {  # name, args... ; runs aiperf pinned to core 1 and records /usr/bin/time output
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$T/$name.time" taskset -c 1 "$AIPERF" profile \
    --model mock-model --url "http://127.0.0.1:$PORT" --tokenizer builtin --ui none \
    --random-seed 1 --workers-max 1 --artifact-dir "$T/$name" "$@" >"$T/$name.log" 2>&1 ||
    { echo "aiperf failed ($name):"; tail -5 "$T/$name.log"; exit 1; }
}
want() { [[ " ${SECTIONS:-1 2 3 4} " == *" $1 "* ]]; }
json() { python3 - "$T/$1" "$2" <<'PY'
import json, sys, glob
s = json.load(open(glob.glob(sys.argv[1] + "/**/profile_export_aiperf.json", recursive=True)[0]))
print(eval(sys.argv[2], {"s": s}))
PY
}

if want 1 || want 2; then
start_mock --fast --sse-events-per-write 1  # one event per write: the client's worst case
fi
if want 1; then
echo "== 1. streaming: concurrency 1000, 100 events per response"
profile stream --endpoint-type chat --streaming --concurrency 1000 --request-count 20000 --isl 16 --osl 100
read -r wall user sys rss <"$T/stream.time"
n=$(json stream 's["request_count"]["avg"]')
python3 -c "
cpu=($user+$sys)*1e6; n=$n
print(f'requests={n:.0f} wall_s={$wall} client_cpu_s={($user+$sys):.2f}')
print(f'client CPU per request: {cpu/n:.1f} us   per streamed event (100/request): {cpu/(n*100):.2f} us')"

fi
if want 2; then
echo "== 2. non-streaming: concurrency 256"
profile nonstream --endpoint-type completions --concurrency 256 --request-count 100000 --isl 16 --osl 1
echo "requests/s: $(json nonstream 'round(s["request_throughput"]["avg"])')"
read -r wall user sys rss <"$T/nonstream.time"
python3 -c "print(f'client CPU per request: {($user+$sys)*1e6/100000:.1f} us')"
fi
if want 1 || want 2; then
stop_mock
fi

want 3 && for rate in 2000 10000; do
  echo "== 3. send lateness at $rate req/s (constant arrivals, 10 s)"
  start_mock --fast --sse-events-per-write 1
  profile rate$rate --endpoint-type completions --request-rate $rate --arrival-pattern constant \
    --request-count $((rate * 10)) --isl 16 --osl 1
  json rate$rate '"  p50={:.1f} us  p99={:.1f} us  max={:.1f} us  achieved={:.0f} req/s".format(s["send_lateness"]["p50"]*1000, s["send_lateness"]["p99"]*1000, s["send_lateness"]["max"]*1000, s["request_throughput"]["avg"])'
  stop_mock
done

if want 4; then
echo "== 4. peak RSS at 10k concurrent streams (one I/O worker; 2 s to first token, then 100 ms/token)"
start_mock --ttft 2000 --itl 100
for osl in 1 20; do
  profile rss$osl --endpoint-type chat --streaming --concurrency 10000 --request-count 10000 \
    --num-dataset-entries 100 --isl 16 --osl $osl
  read -r wall user sys rss <"$T/rss$osl.time"
  echo "  $osl-token answers: aiperf peak RSS $((rss / 1024)) MB ($(json rss$osl 'int(s["request_count"]["avg"])') streams completed)"
done
stop_mock
fi
