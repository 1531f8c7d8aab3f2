#!/usr/bin/env bash
# One aiperf benchmark over several hosts with plain mpirun (docs/scale-out.md "Plain mpirun").
# Every host needs the same aiperf (with libaiperf_mpi.so beside it) at the same path, Open MPI
# (openmpi-bin), and passwordless ssh from this host.
#   deploy/hosts/run-over-hosts.sh hostfile http://server:8000 Qwen/Qwen3-0.6B [profile flags...]
# hostfile: one line per host, e.g. "node1 slots=1". CONCURRENCY and REQUESTS (per rank) set the
# load; any further arguments go to `aiperf profile`.
set -euo pipefail
HOSTFILE=${1:?hostfile}
URL=${2:?server URL}
MODEL=${3:?model}
shift 3
# One rank per slot ("node1 slots=2" runs two ranks there; a line without slots= is one).
NP=${NP:-$(awk '!/^[[:space:]]*(#|$)/ { n = 1; for (i = 2; i <= NF; i++) if ($i ~ /^slots=/) { sub("slots=", "", $i); n = $i } s += n } END { print s }' "$HOSTFILE")}
AIPERF=${AIPERF:-$(command -v aiperf)}

# --enable-recovery: a rank that dies is reported and the others finish (Open MPI otherwise ends
# the whole job at once). -x passes the variable to every rank.
# MPIRUN_EXTRA: more mpirun options (e.g. --allow-run-as-root in a container).
# shellcheck disable=SC2086
mpirun ${MPIRUN_EXTRA:-} --hostfile "$HOSTFILE" -np "$NP" --map-by node --enable-recovery \
  -x AIPERF_RANK_TIMEOUT_S=15 \
  "$AIPERF" profile --model "$MODEL" --url "$URL" --endpoint-type chat --streaming \
  --concurrency $((${CONCURRENCY:-1024} * NP)) --request-count $((${REQUESTS:-20000} * NP)) \
  --random-seed 42 --ui none --artifact-dir "artifacts/over-$NP-hosts" "$@"
