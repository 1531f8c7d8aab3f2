#!/usr/bin/env bash
# SSE events per second that aiperf-mock-server sustains in --fast mode on ONE core.
# The server runs with --workers 1 pinned (taskset) to SERVER_CPU; a small Python load generator
# (load_client.py) pinned to the other CPUs keeps CONNECTIONS streams open, each asking for
# TOKENS tokens per request. The figure is the server's own vllm:generation_tokens_total delta
# (one SSE event per token; --fast writes 16 per send) over DURATION seconds, read from
# /vllm/metrics. Add ARGS="--sse-events-per-write 1" for one send per event.
#
#   bench/mock_server/sse_events_per_second.sh [path/to/aiperf-mock-server]
# Env: SERVER_CPU (0), CLIENT_CPUS (all others), CONNECTIONS (64), TOKENS (2000), DURATION (5),
#      CLIENT_PROCS (number of client CPUs, at most 4).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
MOCK=${1:-$(find "$here/../.." -path '*/build*' -type f -name aiperf-mock-server -perm -u+x | head -n 1)}
[ -x "$MOCK" ] || { echo "no aiperf-mock-server binary (pass its path)" >&2; exit 2; }
ncpu=$(nproc)
SERVER_CPU=${SERVER_CPU:-0}
if [ -z "${CLIENT_CPUS:-}" ]; then
  CLIENT_CPUS=$(seq -s, 0 $((ncpu - 1)) | tr ',' '\n' | grep -vx "$SERVER_CPU" | paste -sd, -)
  [ -n "$CLIENT_CPUS" ] || CLIENT_CPUS=$SERVER_CPU
fi
nclient=$(echo "$CLIENT_CPUS" | tr ',' '\n' | wc -l)
CLIENT_PROCS=${CLIENT_PROCS:-$(( nclient < 4 ? nclient : 4 ))}
CONNECTIONS=${CONNECTIONS:-64}
TOKENS=${TOKENS:-2000}
DURATION=${DURATION:-5}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
taskset -c "$SERVER_CPU" "$MOCK" --host 127.0.0.1 --port "$port" --fast --workers 1 --quiet ${ARGS:-} >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
taskset -c "$CLIENT_CPUS" python3 "$here/load_client.py" --port "$port" --connections "$CONNECTIONS" \
  --tokens "$TOKENS" --duration "$DURATION" --procs "$CLIENT_PROCS" --server-pid "$server"
