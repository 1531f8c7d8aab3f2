#!/usr/bin/env bash
# Load-independent A/B of client cost between two aiperf builds (issue 15): on a shared machine
# wall-clock and CPU seconds move by 2×, but these counts do not:
#   * user-space instructions per request, per thread (valgrind callgrind), marginal between a
#     small and a large run of the same workload, so start-up and exports at the end cancel;
#   * system calls and voluntary context switches (wake-ups) per request (perf stat, getrusage).
# Workloads, against bench/client_cost/sse_server.cpp (pinned to core 0, aiperf to core 1):
#   ns      non-streaming chat, concurrency 64
#   stream  streaming chat, concurrency 64, 100 events per response, one event per send()
#   rate    non-streaming at 2,000 req/s, constant arrivals (syscalls/wake-ups only)
# Usage: bench/client_cost/ab_counts.sh OLD_BUILD_DIR NEW_BUILD_DIR [workload...]
#   CALLGRIND=0 skips the (slow) instruction counts.  EXTRA="--flag ..." adds aiperf flags to NEW.
set -euo pipefail
cd "$(dirname "$0")/../.."
A=${1:?old build dir}
B=${2:?new build dir}
shift 2
WORKLOADS=${*:-ns stream rate}
CALLGRIND=${CALLGRIND:-1}
T=$(mktemp -d)
SP=""
trap 'kill $SP 2>/dev/null || true; rm -rf "$T"' EXIT
g++ -std=c++20 -O2 -Isrc bench/client_cost/sse_server.cpp -o "$T/sse_server"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 0 "$T/sse_server" --port "$PORT" --events 100 >"$T/server.log" 2>&1 &
SP=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done

args_of() {  # workload requests
  case $1 in
    ns) echo "--concurrency 64 --request-count $2 --osl 2" ;;
    stream) echo "--streaming --concurrency 64 --request-count $2 --osl 100" ;;
    rate) echo "--request-rate 2000 --arrival-pattern constant --request-count $2 --osl 2" ;;
  esac
}
sizes_of() {  # workload -> "small large" (callgrind) "small large" (perf)
  case $1 in
    ns) echo "1000 3000 2000 12000" ;;
    stream) echo "200 600 400 2400" ;;
    rate) echo "0 0 1000 5000" ;;
  esac
}
run_aiperf() {  # build prefix-cmd... -- workload n extra
  local b=$1; shift
  local pre=()
  while [ "$1" != "--" ]; do pre+=("$1"); shift; done
  shift
  local w=$1 n=$2 extra=$3
  # shellcheck disable=SC2046
  taskset -c 1 "${pre[@]}" "$b/src/aiperf" profile --model m --url "http://127.0.0.1:$PORT" \
    --endpoint-type chat --tokenizer builtin --ui none --random-seed 1 --workers-max 1 --isl 16 \
    --num-dataset-entries 100 --artifact-dir "$T/art" $(args_of "$w" "$n") $extra \
    >"$T/run.log" 2>&1 || { echo "aiperf failed:"; tail -3 "$T/run.log"; exit 1; }
}
# Instructions per thread: callgrind names threads by creation order; report the three largest
# marginal ones (main, record pipeline, I/O worker) and their sum.
cg_counts() {  # build workload n extra -> "thread:instr ..." file
  rm -f "$T"/cg.*
  run_aiperf "$1" valgrind --tool=callgrind --separate-threads=yes \
    --callgrind-out-file="$T/cg.%p" -- "$2" "$3" "$4"
  for f in "$T"/cg.*-*; do
    echo "${f##*-} $(awk '/^totals:/ {print $2}' "$f")"
  done
}
perf_counts() {  # build workload n extra -> "syscalls voluntary_switches"
  run_aiperf "$1" perf stat -x, -e raw_syscalls:sys_enter -o "$T/perf.txt" \
    /usr/bin/time -f '%w %c' -o "$T/time.txt" -- "$2" "$3" "$4"
  echo "$(awk -F, '/raw_syscalls/ {print $1}' "$T/perf.txt") $(cat "$T/time.txt")"
}

for w in $WORKLOADS; do
  read -r cs cl ps pl <<<"$(sizes_of "$w")"
  echo "== $w"
  for side in old new; do
    b=$A extra=""
    [ $side = new ] && b=$B extra=${EXTRA:-}
    if [ "$CALLGRIND" = 1 ] && [ "$cs" != 0 ]; then
      cg_counts "$b" "$w" "$cs" "$extra" >"$T/cs.txt"
      cg_counts "$b" "$w" "$cl" "$extra" >"$T/cl.txt"
      python3 - "$T/cs.txt" "$T/cl.txt" "$((cl - cs))" "$side" "$w" <<'PY'
import sys
small = dict(l.split() for l in open(sys.argv[1]))
large = dict(l.split() for l in open(sys.argv[2]))
n = int(sys.argv[3])
per = {t: (int(large[t]) - int(small.get(t, 0))) / n for t in large}
top = sorted(per.items(), key=lambda kv: -kv[1])[:4]
unit = "event" if sys.argv[5] == "stream" else "request"
div = 100 if unit == "event" else 1
parts = "  ".join(f"thread {t}: {v / div:,.0f}" for t, v in top)
print(f"  {sys.argv[4]}: user instructions per {unit}: total {sum(per.values()) / div:,.0f}   ({parts})")
PY
    fi
    read -r s1 v1 i1 <<<"$(perf_counts "$b" "$w" "$ps" "$extra")"
    read -r s2 v2 i2 <<<"$(perf_counts "$b" "$w" "$pl" "$extra")"
    python3 -c "
n = $pl - $ps
print(f'  $side: per request: {($s2 - $s1) / n:.2f} syscalls, {($v2 - $v1) / n:.3f} voluntary context switches (involuntary {($i2 - $i1) / n:.3f}, load-dependent)')"
  done
done
