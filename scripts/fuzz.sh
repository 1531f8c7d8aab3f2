#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/*_fuzz.cpp) with its corpus, then minimizes the corpus.
# Two corpora per target: the full one in build-fuzz/corpus/<target>/ (not committed; it grows
# from run to run on this machine) and the repository's seeds in tests/fuzz/corpus/<target>/,
# the minimized inputs under 2 KB (16 KB for Parquet), so a fresh clone starts from the coverage
# already found while the repository stays small (< 1 MB in all). Crashes are saved under
# build-fuzz/crashes/<target>/; each one found must become a regression test
# (tests/unit/*/fuzz_regression_test.cpp) before its fix is committed. docs/reliability.md has
# the executions and findings per target.
#
#   scripts/fuzz.sh [MINUTES]          every target for MINUTES wall minutes (default 5)
#     --cpu-minutes M                  instead: each target until it has used M CPU minutes
#                                      (the issue's bar; on a shared machine wall time says little)
#     --out DIR                        binaries, full corpora and logs here (default build-fuzz/)
#     --only NAME[,NAME...]            just these targets
#     --jobs N                         targets run at once (default 1; the machine is shared)
#     --no-build                       use the binaries already in build-fuzz/
#     --no-minimize                    keep new inputs in build-fuzz/corpus/ only
#
# Runs at the lowest CPU priority (nice 19). Prints one line per target: executions, CPU seconds,
# corpus size before/after, crashes. Needs what scripts/build-fuzzers.sh needs (clang 14).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/build-fuzz"
MINUTES=5
ONLY=""
JOBS=1
BUILD=1
MINIMIZE=1
CPU_MINUTES=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --cpu-minutes) CPU_MINUTES="$2"; shift 2 ;;
    --out) OUT=$(realpath -m "$2"); shift 2 ;;
    --no-minimize) MINIMIZE=0; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) MINUTES="$1"; shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# Every target, or those of --only in the order given (the least fuzzed first, say).
targets=()
if [[ -n "$ONLY" ]]; then
  IFS=, read -r -a wanted <<<"$ONLY"
  for name in "${wanted[@]}"; do
    [[ -f "$ROOT/tests/fuzz/$name.cpp" ]] || { echo "fuzz.sh: no target '$name'" >&2; exit 2; }
    targets+=("$name")
  done
else
  for src in "$ROOT"/tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
[[ ${#targets[@]} -gt 0 ]] || { echo "fuzz.sh: no target matches '$ONLY'" >&2; exit 2; }

if [[ $BUILD == 1 ]]; then
  for t in "${targets[@]}"; do
    nice -n 19 "$ROOT/scripts/build-fuzzers.sh" --out "$OUT" --only "$t" >/dev/null
  done
fi
mkdir -p "$OUT/logs"

# Options per target (max input length: Parquet files are larger than the text formats).
max_len() { [[ $1 == parquet_fuzz ]] && echo 262144 || echo 65536; }
# Largest input kept in the repository's seed corpus.
seed_max_bytes() { [[ $1 == parquet_fuzz ]] && echo 16384 || echo 2048; }

# CPU seconds (user + system) used by PID and its children so far: /proc's utime + stime of the
# fuzzer, the child of /usr/bin/time.
cpu_of() {
  local tck; tck=$(getconf CLK_TCK)
  local child; child=$(pgrep -P "$1" | head -1)
  [[ -n "$child" ]] || { echo 0; return; }
  awk -v t="$tck" '{ print int(($14 + $15) / t) }' "/proc/$child/stat" 2>/dev/null || echo 0
}
watch_cpu() {
  local pid=$1 budget=$2
  while kill -0 "$pid" 2>/dev/null; do
    if [[ $(cpu_of "$pid") -ge $budget ]]; then
      pkill -INT -P "$pid" 2>/dev/null || true
      return
    fi
    sleep 10
  done
}

fuzz_one() {
  local t=$1 seeds="$ROOT/tests/fuzz/corpus/$1" corpus="$OUT/corpus/$1" crashes="$OUT/crashes/$1"
  local log="$OUT/logs/$t.log"
  mkdir -p "$seeds" "$corpus" "$crashes"
  if [[ -z "$(ls -A "$seeds")" ]]; then
    "$ROOT/scripts/build-fuzzers.sh" --seed "$t" "$seeds" >/dev/null
  fi
  local before=$(( $(ls "$corpus" | wc -l) + $(ls "$seeds" | wc -l) ))
  local rc=0 wall=$((MINUTES * 60))
  # With a CPU budget the wall limit is only a backstop (a day); a watcher interrupts the
  # fuzzer (SIGINT: libFuzzer prints its final stats and exits 72) once it has used the budget.
  [[ $CPU_MINUTES != 0 ]] && wall=86400
  # New inputs land in the full corpus; the seeds are read, not written, until the merge.
  ( cd "$OUT" && exec /usr/bin/time -f "cpu_seconds %U %S" -o "$OUT/logs/$t.time" \
      nice -n 19 "./$t" -max_total_time=$wall -print_final_stats=1 \
      -max_len="$(max_len "$t")" -timeout=60 -rss_limit_mb=2048 \
      -artifact_prefix="$crashes/" "$corpus" "$seeds" ) >"$log" 2>&1 &
  local pid=$!
  if [[ $CPU_MINUTES != 0 ]]; then
    watch_cpu "$pid" "$((CPU_MINUTES * 60))" &
  fi
  wait "$pid" || rc=$?
  [[ $rc == 72 ]] && rc=0  # interrupted at its CPU budget
  if [[ $MINIMIZE == 1 ]]; then
    local merged="$OUT/merged/$t"
    rm -rf "$merged"; mkdir -p "$merged"
    ( cd "$OUT" && nice -n 19 "./$t" -merge=1 -max_len="$(max_len "$t")" -timeout=60 \
        -rss_limit_mb=2048 "$merged" "$seeds" "$corpus" ) >"$OUT/logs/$t.merge.log" 2>&1 || true
    if [[ -n "$(ls -A "$merged")" ]]; then
      rm -f "$corpus"/* "$seeds"/*
      cp "$merged"/* "$corpus"/
      find "$merged" -type f -size -"$(seed_max_bytes "$t")"c -exec cp {} "$seeds"/ \;
      [[ -n "$(ls -A "$seeds")" ]] || "$ROOT/scripts/build-fuzzers.sh" --seed "$t" "$seeds" >/dev/null
    fi
  fi
  local execs cpu after ncrash
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cpu=$(awk '/cpu_seconds/ {printf "%.0f", $2 + $3}' "$OUT/logs/$t.time" 2>/dev/null)
  after=$(ls "$corpus" | wc -l)
  after="$after (seeds in the repository: $(ls "$seeds" | wc -l))"
  ncrash=$(ls "$crashes" | wc -l)
  printf '%-28s execs=%-12s cpu_s=%-6s corpus=%s->%s crashes=%s rc=%s\n' "$t" "${execs:-?}" \
    "${cpu:-?}" "$before" "$after" "$ncrash" "$rc" | tee -a "$OUT/logs/summary.txt"
  [[ $rc == 0 ]]
}

status=0
running=0
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  running=$((running + 1))
  if [[ $running -ge $JOBS ]]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [[ $running -gt 0 ]]; do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
