#!/usr/bin/env bash
# One aiperf benchmark over several hosts with plain mpirun (docs/scale-out.md "Plain mpirun").
# Every host needs the same aiperf (with libaiperf_mpi.so beside it) at the same path, Open MPI
# (openmpi-bin), and passwordless ssh from this host.
#   deploy/hosts/run-over-hosts.sh hostfile http://server:8000 Qwen/Qwen3-0.6B
# hostfile: one line per host, e.g. "node1 slots=1".
set -euo pipefail
HOSTFILE=${1:?hostfile}
URL=${2:?server URL}
MODEL=${3:?model}
NP=$(grep -cv '^\s*\(#\|$\)' "$HOSTFILE")
AIPERF=${AIPERF:-$(command -v aiperf)}

# --enable-recovery: a rank that dies is reported and the others finish (Open MPI otherwise ends
# the whole job at once). -x passes the variable to every rank.
mpirun --hostfile "$HOSTFILE" -np "$NP" --map-by node --enable-recovery \
  -x AIPERF_RANK_TIMEOUT_S=15 \
  "$AIPERF" profile --model "$MODEL" --url "$URL" --endpoint-type chat --streaming \
  --concurrency $((1024 * NP)) --request-count $((20000 * NP)) --random-seed 42 \
  --ui none --artifact-dir "artifacts/over-$NP-hosts"
