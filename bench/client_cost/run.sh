#!/usr/bin/env bash
# Client cost against the floor (issue 15). A minimal SSE server (sse_server.cpp) pinned to core
# 0; the floor client (floor_client.cpp: frames and stamps only), wrk and aiperf alternately on
# core 1, median of ROUNDS runs each. Sections, each idle and with `stress-ng --cpu 2` loading
# both cores (LOADS):
#   1. streaming: µs CPU per event (marginal cost between a small and a +4,000-request run) for
#      1 and 8 events per send() at 64, 1,000 and 10,000 connections, and the aiperf/floor ratio
#   2. paced streams: 100k events/s over 1,024 streams (CPU per event, ratio)
#   3. non-streaming, 64 connections: req/s and CPU per request, aiperf vs wrk -t1 -c64; aiperf
#      also with --export-level summary (no per-record file), which shows what the ~2 KB
#      profile_export.jsonl line of every request costs
#   4. send lateness p50/p99/max at 10 and 10,000 req/s (the latter also with a dataset built
#      ahead: 10000p), and the client-health verdict; the floor client on the same schedule
#      (--rate: a timerfd wake per due time, nothing else) gives this machine's floor
#   5. accuracy: median TTFT and ITL of both clients on the same paced streams (5 ms, 1 ms),
#      reads stamped with the kernel's arrival time (aiperf's default) and when they return
#   6. aiperf-mock-server --fast on one core: SSE events/s, the floor client as the load
#   7. aiperf CPU per event with --workers-max 1 and 2 (events/s per core), both cores
#   8. io_uring weighed at the floor: the floor client on io_uring (--io uring: multishot
#      receive into provided buffers, sends as SQEs, one io_uring_enter per pass) against itself
#      on epoll: streaming CPU per event (1 and 8 per send, 64 and 1,000 connections),
#      non-streaming req/s, CPU per request at 10k req/s. Needs liburing-dev (skipped without)
# CPU figures are user+system seconds of the client process (getrusage / GNU time): they do not
# count the time other processes took, so they stay comparable when the machine is loaded;
# req/s and lateness do not. A table of every figure with its goal closes the output.
# Usage: bench/client_cost/run.sh [build-dir]   (default build/release)
#   SECTIONS="1 3" LOADS="idle loaded" ROUNDS=3 CONNS="64 1000 10000" bench/client_cost/run.sh
#   RATES="10 10000 10000p" (section 4); section 8 runs only when named (SECTIONS="8")
# Needs wrk and stress-ng (apt-get install wrk stress-ng), g++, python3, taskset; section 8
# liburing-dev.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/release}
AIPERF=$B/src/aiperf
MOCK=$B/src/aiperf-mock-server
[ -x "$AIPERF" ] || { echo "build first: cmake --preset release && cmake --build --preset release"; exit 1; }
for p in wrk stress-ng taskset g++ python3; do
  command -v $p >/dev/null || { echo "needs $p: apt-get install wrk stress-ng util-linux g++ python3"; exit 1; }
done
ROUNDS=${ROUNDS:-3}
LOADS=${LOADS:-idle loaded}
CONNS=${CONNS:-64 1000 10000}
want() { [[ " ${SECTIONS:-1 2 3 4 5 6 7} " == *" $1 "* ]]; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
T=$(mktemp -d)
SP=""; LP=""
cleanup() { kill $SP $LP 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
g++ -std=c++20 -O2 -Isrc bench/client_cost/sse_server.cpp -o "$T/sse_server"
g++ -std=c++20 -O2 -Isrc bench/client_cost/floor_client.cpp -o "$T/floor_client"
URING=""
if [ -e /usr/include/liburing.h ] && g++ -std=c++20 -O2 -Isrc -DFLOOR_URING \
  bench/client_cost/floor_client.cpp -o "$T/floor_uring" -luring; then URING=$T/floor_uring; fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RES=$T/results.tsv
: >"$RES"
row() {  # section setup load reference-label reference aiperf ratio goal
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RES"
}

wait_port() {
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return; sleep 0.05; done
  echo "server did not start"; cat "$T/server.log"; exit 1
}
stop_server() {
  if [ -n "$SP" ]; then kill $SP 2>/dev/null || true; wait $SP 2>/dev/null || true; SP=""; fi
}
server() {  # sse_server args...
  stop_server
  taskset -c 0 "$T/sse_server" --port "$PORT" "$@" >"$T/server.log" 2>&1 &
  SP=$!
  wait_port
}
load() {  # idle|loaded
  if [ -n "$LP" ]; then kill $LP 2>/dev/null || true; wait $LP 2>/dev/null || true; LP=""; fi
  if [ "$1" = loaded ]; then stress-ng --cpu 2 --quiet >/dev/null 2>&1 & LP=$!; sleep 1; fi
}
cpu_of() { read -r u s <"$1"; python3 -c "print($u + $s)"; }
py() { python3 -c "print($1)"; }
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
# marginal µs per event: (cpu(large) - cpu(small)) / (events(large) - events(small))
per_event() { python3 -c "print(f'{($2 - $1) * 1e6 / ($3 * $4):.3f}')" "$@"; }
floor_cpu() {  # conns requests stream -> cpu seconds
  taskset -c 1 "$T/floor_client" --port "$PORT" --connections "$1" --requests "$2" --stream "$3" \
    >"$T/floor.json"
  python3 -c "import json; print(json.load(open('$T/floor.json'))['cpu_s'])"
}
# aiperf pinned to core 1 with one I/O worker; --num-dataset-entries keeps the synthetic dataset
# (built before the run) the same size in the small and the large run. DATASET replaces those
# dataset flags (section 4: the default dataset as a user gets it).
aiperf_run() {  # name args... (records GNU time user/sys)
  local name=$1; shift
  rm -rf "${T:?}/$name"
  /usr/bin/time -f '%U %S' -o "$T/$name.time" taskset -c "${ACPU:-1}" "$AIPERF" profile --model m \
    --url "http://127.0.0.1:$PORT" --endpoint-type chat --tokenizer builtin --ui none \
    --random-seed 1 --workers-max "${WORKERS:-1}" ${DATASET---isl 16 --num-dataset-entries 1000} \
    --artifact-dir "$T/$name" "$@" >"$T/$name.log" 2>&1 ||
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

stream_point() {  # label conns events_per_send events load
  local label=$1 c=$2 events=$4 small large f=() a=()
  small=$(( c > 40 ? c : 40 )); large=$(( small + 4000 ))
  for _ in $(seq 1 "$ROUNDS"); do
    f+=("$(per_event "$(floor_cpu "$c" $small 1)" "$(floor_cpu "$c" $large 1)" 4000 "$events")")
    a+=("$(per_event "$(aiperf_cpu "$c" $small "$events")" "$(aiperf_cpu "$c" $large "$events")" 4000 "$events")")
  done
  local mf ma r; mf=$(median "${f[@]}"); ma=$(median "${a[@]}"); r=$(py "round($ma / max($mf, 1e-9), 2)")
  printf '  %-28s floor %6.3f us/event   aiperf %6.3f us/event   ratio %.2f   (aiperf runs: %s)\n' \
    "$label" "$mf" "$ma" "$r" "${a[*]}"
  row "1 streaming CPU/event" "$label" "$5" "floor us/event" "$mf" "$ma" "$r" "<= 1.5"
}

for L in $LOADS; do
  load "$L"
  echo "=================== $L"
  if want 1; then
    echo "== 1. streaming, 100 events per response, marginal cost (median of $ROUNDS)"
    for eps in 1 8; do
      server --events 100 --events-per-send $eps
      for c in $CONNS; do stream_point "$eps event(s)/send, $c conns" "$c" $eps 100 "$L"; done
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
    mf=$(median "${f[@]}"); ma=$(median "${a[@]}"); r=$(py "round($ma / max($mf, 1e-9), 2)")
    printf '  floor %.3f us/event   aiperf %.3f us/event   ratio %.2f\n' "$mf" "$ma" "$r"
    row "2 paced CPU/event" "100k events/s, 1,024 streams" "$L" "floor us/event" "$mf" "$ma" "$r" "<= 1.5"
  fi
  if want 3; then
    echo "== 3. non-streaming, 64 connections: aiperf vs wrk -t1 -c64"
    server --events 1
    printf 'wrk.method = "POST"\nwrk.body = [[{"model":"m","messages":[{"role":"user","content":"hello there"}]}]]\nwrk.headers["Content-Type"] = "application/json"\n' >"$T/post.lua"
    w=(); wc=(); a=(); ac=(); q=()
    for _ in $(seq 1 "$ROUNDS"); do
      /usr/bin/time -f '%U %S' -o "$T/wrk.time" taskset -c 1 wrk -t1 -c64 -d5s -s "$T/post.lua" \
        "http://127.0.0.1:$PORT/v1/chat/completions" >"$T/wrk.out"
      n=$(awk '/requests in/ {print $1}' "$T/wrk.out")
      w+=("$(awk '/Requests\/sec/ {print $2}' "$T/wrk.out")")
      wc+=("$(py "$(cpu_of "$T/wrk.time") * 1e6 / $n")")
      aiperf_run n --concurrency 64 --request-count 200000 --osl 2
      a+=("$(summary n 's["request_throughput"]["avg"]')")
      ac+=("$(py "$(cpu_of "$T/n.time") * 1e6 / 200000")")
      aiperf_run s --concurrency 64 --request-count 200000 --osl 2 --export-level summary
      q+=("$(summary s 's["request_throughput"]["avg"]')")
    done
    mw=$(median "${w[@]}"); ma=$(median "${a[@]}"); mwc=$(median "${wc[@]}"); mac=$(median "${ac[@]}")
    mq=$(median "${q[@]}")
    r=$(py "round($ma / $mw, 2)"); rc=$(py "round($mwc / $mac, 2)"); rq=$(py "round($mq / $mw, 2)")
    printf '  wrk %.0f req/s (%.1f us CPU/request)   aiperf %.0f req/s (%.1f us CPU/request)   ratio %.2f (CPU: %.2f)\n' \
      "$mw" "$mwc" "$ma" "$mac" "$r" "$rc"
    printf '  aiperf --export-level summary %.0f req/s   ratio %.2f\n' "$mq" "$rq"
    row "3 non-streaming req/s" "64 connections" "$L" "wrk req/s" "$(py "round($mw)")" "$(py "round($ma)")" "$r" ">= 0.8"
    row "3 non-streaming req/s" "64 conns, --export-level summary" "$L" "wrk req/s" "$(py "round($mw)")" "$(py "round($mq)")" "$rq" ">= 0.8"
    # The whole process's CPU (start-up, and the JSONL lines rendered in idle time or at the end
    # included): information beside the req/s goal, not a goal of its own.
    row "3 non-streaming CPU/request" "64 connections" "$L" "wrk us/request" "$(py "round($mwc, 1)")" "$(py "round($mac, 1)")" "$rc" "- (whole process)"
  fi
  if want 4; then
    echo "== 4. send lateness (constant arrivals, 10 s)"
    server --events 1
    # The default synthetic dataset (one 550-token prompt per request) is rendered session by
    # session while the run goes (~10-16 us of CPU each); "10000p" builds 1,000 sessions of the
    # same size ahead instead, so that the figure is the timing path's and not the renderer's
    # (which the verdict names when behind).
    for rate in ${RATES:-10 10000 10000p}; do
      if [ "$rate" != 10000p ]; then  # the floor's schedule does not depend on a dataset
        taskset -c 1 "$T/floor_client" --port "$PORT" --connections 64 --stream 0 --max-tokens 2 \
          --rate "$rate" --requests $((rate * 10)) >"$T/floor.json"
        ftext=$(python3 -c "import json; f = json.load(open('$T/floor.json')); print('p50={:.1f} us  p99={:.1f} us  max={:.1f} us'.format(f['lateness_p50_us'], f['lateness_p99_us'], f['lateness_max_us']))")
        printf '  %6s req/s: floor %s\n' "$rate" "$ftext"
        row "4 send lateness, floor" "$rate req/s" "$L" "-" "-" "$ftext" "-" "-"
      fi
      ds=""; [ "$rate" = 10000p ] && ds="--num-dataset-entries 1000"
      DATASET=$ds aiperf_run r --request-rate ${rate%p} --arrival-pattern constant \
        --request-count $((${rate%p} * 10)) --osl 2
      line=$(summary r '"p50={:.1f} us  p99={:.1f} us  max={:.1f} us|{:.1f}|{}".format(s["send_lateness"]["p50"]*1000, s["send_lateness"]["p99"]*1000, s["send_lateness"]["max"]*1000, s["send_lateness"]["p99"]*1000, s.get("client_health", {}).get("reason", "?"))')
      IFS='|' read -r text p99 verdict <<<"$line"
      printf '  %6s req/s: %s   verdict: %s\n' "$rate" "$text" "$verdict"
      goal="-"; [ "${rate%p}" = 10000 ] && { [ "$L" = idle ] && goal="p99 <= 100 us" || goal="p99 <= 1000 us"; }
      row "4 send lateness" "$rate req/s" "$L" "-" "-" "$text" "-" "$goal"
      row "4 verdict" "$rate req/s" "$L" "-" "-" "$verdict" "-" "names lateness of ms"
    done
  fi
  if want 5; then
    # The server logs its own times per response (--log: the kernel's arrival stamp of the
    # request, the write of each event): each client's excess over them (its TTFT minus the
    # server's arrival-to-first-write, its ITL minus the server's write gaps) is what the client
    # adds; the two excesses must agree. Server timer lateness, which a loaded machine adds to
    # both runs differently, cancels. Twice: with the kernel's arrival stamps (aiperf's default,
    # AIPERF_HTTP_RX_TIMESTAMPS; the floor's --kernel-stamps 1), and stamped when each read
    # returns (both clients then also count their own wake-up delays). Medians of ROUNDS runs.
    echo "== 5. accuracy on paced streams (TTFT 5 ms, ITL 1 ms, 20 events, 16 connections)"
    for stamps in kernel read; do
      k=1; [ "$stamps" = read ] && k=0
      fx=(); ax=(); fy=(); ay=()
      for _ in $(seq 1 "$ROUNDS"); do
        server --events 20 --ttft-us 5000 --itl-us 1000 --log "$T/srv_floor.txt"
        taskset -c 1 "$T/floor_client" --port "$PORT" --connections 16 --requests 800 \
          --kernel-stamps "$k" --timings "$T/t.txt" >/dev/null
        server --events 20 --ttft-us 5000 --itl-us 1000 --log "$T/srv_aiperf.txt"
        AIPERF_HTTP_RX_TIMESTAMPS=$k aiperf_run acc --streaming --concurrency 16 --request-count 800 --osl 20
        stop_server
        out=$(python3 - "$T/t.txt" "$T/acc" "$T/srv_floor.txt" "$T/srv_aiperf.txt" <<'PY'
import glob, json, statistics as st, sys
def server(path):  # medians of the server's own TTFT and ITL, us
    rows = [[int(x) for x in l.split()] for l in open(path) if l.strip()]
    return (st.median((r[1] - r[0]) / 1e3 for r in rows),
            st.median((r[2] - r[1]) / 1e3 / (r[3] - 1) for r in rows))
rows = [l.split() for l in open(sys.argv[1])]
f_ttft = st.median(float(r[0]) / 1e3 for r in rows)
f_itl = st.median(float(r[1]) / 1e3 for r in rows)
recs = [json.loads(l) for l in open(glob.glob(sys.argv[2] + "/**/profile_export.jsonl", recursive=True)[0])]
a_ttft = st.median(r["metrics"]["time_to_first_token"]["value"] * 1e3 for r in recs)
a_itl = st.median(r["metrics"]["inter_token_latency"]["value"] * 1e3 for r in recs)
sf, sa = server(sys.argv[3]), server(sys.argv[4])
print(f"{f_ttft - sf[0]:.1f} {a_ttft - sa[0]:.1f} {f_itl - sf[1]:.1f} {a_itl - sa[1]:.1f}")
PY
)
        read -r a b c d <<<"$out"
        fx+=("$a"); ax+=("$b"); fy+=("$c"); ay+=("$d")
      done
      mfx=$(median "${fx[@]}"); max=$(median "${ax[@]}"); mfy=$(median "${fy[@]}"); may=$(median "${ay[@]}")
      dt=$(py "round(abs($max - $mfx), 1)"); di=$(py "round(abs($may - $mfy), 1)")
      printf '  %s stamps: median TTFT over the server'"'"'s own: floor %+.1f us, aiperf %+.1f us (diff %s us); ITL: floor %+.1f us, aiperf %+.1f us (diff %s us)\n' \
        "$stamps" "$mfx" "$max" "$dt" "$mfy" "$may" "$di"
      goal="diff < 20 us"; [ "$stamps" = read ] && goal="-"
      row "5 accuracy TTFT excess, $stamps stamps" "5 ms TTFT, 16 streams" "$L" "floor us" "$mfx" "$max" "diff $dt us" "$goal"
      row "5 accuracy ITL excess, $stamps stamps" "1 ms ITL, 16 streams" "$L" "floor us" "$mfy" "$may" "diff $di us" "$goal"
    done
  fi
  if want 6 && [ -x "$MOCK" ]; then
    echo "== 6. aiperf-mock-server --fast, one worker on core 0; floor client on core 1, 64 streams x 2,000 tokens"
    stop_server
    taskset -c 0 "$MOCK" --host 127.0.0.1 --port "$PORT" --fast --workers 1 --quiet >"$T/server.log" 2>&1 &
    SP=$!
    wait_port
    e=(); pc=()
    for _ in $(seq 1 "$ROUNDS"); do
      c0=$(python3 -c "f=open('/proc/$SP/stat').read().rsplit(')',1)[1].split(); print(int(f[11])+int(f[12]))")
      taskset -c 1 "$T/floor_client" --port "$PORT" --connections 64 --requests 320 --max-tokens 2000 >"$T/mock.json"
      c1=$(python3 -c "f=open('/proc/$SP/stat').read().rsplit(')',1)[1].split(); print(int(f[11])+int(f[12]))")
      e+=("$(python3 -c "import json,os; j=json.load(open('$T/mock.json')); print(round(j['events']/j['wall_s']))")")
      busy=$(python3 -c "import json,os; j=json.load(open('$T/mock.json')); print(round(($c1-$c0)/os.sysconf('SC_CLK_TCK')/j['wall_s']*100))")
      # per second of server CPU: the capacity of one core, whatever else ran on it
      pc+=("$(python3 -c "import json,os; j=json.load(open('$T/mock.json')); print(round(j['events']/max(($c1-$c0)/os.sysconf('SC_CLK_TCK'), 1e-3)))")")
    done
    me=$(median "${e[@]}"); mp=$(median "${pc[@]}")
    printf '  %.0f SSE events/s (runs: %s; server core busy %s%% in the last run); %.0f events per server CPU second\n' \
      "$me" "${e[*]}" "$busy" "$mp"
    row "6 mock server events/s" "--fast, 1 worker, 1 core" "$L" "-" "-" "$(py "round($me)")" "-" ">= 300000"
    row "6 mock server events/CPU-s" "--fast, 1 worker" "$L" "-" "-" "$(py "round($mp)")" "-" "-"
    stop_server
  fi
  if want 7; then
    echo "== 7. events/s per core, --workers-max 1 and 2 (aiperf on both cores, server on core 0)"
    server --events 100 --events-per-send 8
    for wk in 1 2; do
      a=()
      for _ in $(seq 1 "$ROUNDS"); do
        a+=("$(per_event "$(ACPU=0,1 WORKERS=$wk aiperf_cpu 256 256 100)" "$(ACPU=0,1 WORKERS=$wk aiperf_cpu 256 4256 100)" 4000 100)")
      done
      ma=$(median "${a[@]}")
      printf '  %s worker(s): %.3f us CPU per event = %.0f events/s per core\n' "$wk" "$ma" "$(py "1e6 / $ma")"
      row "7 events/s per core" "$wk worker(s), 8 events/send" "$L" "-" "-" "$(py "round(1e6 / $ma)")" "-" "-"
    done
  fi
  if want 8; then
    if [ -z "$URING" ]; then
      echo "== 8. skipped: needs liburing-dev (apt-get install liburing-dev)"
    else
      echo "== 8. io_uring vs epoll, both the floor client (frames and stamps only)"
      io_field() {  # io field args... -> the field of the floor client's JSON line
        local io=$1 f=$2; shift 2
        taskset -c 1 "$URING" --port "$PORT" --io "$io" "$@" >"$T/uring.json"
        python3 -c "import json; print(json.load(open('$T/uring.json'))['$f'])"
      }
      for eps in 1 8; do
        server --events 100 --events-per-send $eps
        for c in 64 1000; do
          e=(); u=()
          for _ in $(seq 1 "$ROUNDS"); do
            small=$(( c > 40 ? c : 40 ))
            e+=("$(per_event "$(io_field epoll cpu_s --connections $c --requests $small)" "$(io_field epoll cpu_s --connections $c --requests $((small + 4000)))" 4000 100)")
            u+=("$(per_event "$(io_field uring cpu_s --connections $c --requests $small)" "$(io_field uring cpu_s --connections $c --requests $((small + 4000)))" 4000 100)")
          done
          me=$(median "${e[@]}"); mu=$(median "${u[@]}"); r=$(py "round($mu / $me, 2)")
          printf '  %s event(s)/send, %4s conns: epoll %.3f us/event   io_uring %.3f us/event   ratio %.2f\n' "$eps" "$c" "$me" "$mu" "$r"
          row "8 io_uring floor CPU/event" "$eps event(s)/send, $c conns" "$L" "epoll us/event" "$me" "$mu" "$r" "-"
        done
      done
      server --events 1
      e=(); u=(); ec=(); uc=()
      for _ in $(seq 1 "$ROUNDS"); do
        for io in epoll uring; do
          taskset -c 1 "$URING" --port "$PORT" --io $io --connections 64 --stream 0 --max-tokens 2 --requests 300000 >"$T/uring.json"
          rps=$(python3 -c "import json; j = json.load(open('$T/uring.json')); print(j['requests'] / j['wall_s'])")
          if [ $io = epoll ]; then e+=("$rps"); else u+=("$rps"); fi
          taskset -c 1 "$URING" --port "$PORT" --io $io --connections 64 --stream 0 --max-tokens 2 --rate 10000 --requests 50000 >"$T/uring.json"
          cpr=$(python3 -c "import json; j = json.load(open('$T/uring.json')); print(j['cpu_s'] * 1e6 / j['requests'])")
          if [ $io = epoll ]; then ec+=("$cpr"); else uc+=("$cpr"); fi
        done
      done
      me=$(median "${e[@]}"); mu=$(median "${u[@]}"); r=$(py "round($mu / $me, 2)")
      printf '  non-streaming, 64 conns: epoll %.0f req/s   io_uring %.0f req/s   ratio %.2f\n' "$me" "$mu" "$r"
      row "8 io_uring floor req/s" "non-streaming, 64 conns" "$L" "epoll req/s" "$(py "round($me)")" "$(py "round($mu)")" "$r" "-"
      me=$(median "${ec[@]}"); mu=$(median "${uc[@]}"); r=$(py "round($mu / $me, 2)")
      printf '  10k req/s: epoll %.1f us CPU/request   io_uring %.1f   ratio %.2f\n' "$me" "$mu" "$r"
      row "8 io_uring floor CPU/request" "10k req/s constant" "$L" "epoll us/request" "$(py "round($me, 1)")" "$(py "round($mu, 1)")" "$r" "-"
    fi
  fi
done
load idle

echo
echo "== summary ($(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
python3 - "$RES" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
head = ["section", "set-up", "load", "reference", "ref", "aiperf", "ratio", "goal"]
w = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
fmt = "| " + " | ".join("{:<%d}" % x for x in w) + " |"
print(fmt.format(*head))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print(fmt.format(*r))
PY
