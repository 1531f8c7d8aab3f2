#!/usr/bin/env bash
# Installs the aiperf .deb on a clean Debian 12 (bookworm, minbase, made here by debootstrap in a
# throwaway directory), lets apt resolve its Depends, then checks `aiperf --version`,
# `man aiperf`, the demo (mock server + a streaming benchmark, with run_config.yaml written and
# replayed with -f) and `apt-get remove`. Prints the figures (seconds per step, sizes). Needs
# root, debootstrap and the Debian mirror (MIRROR, default deb.debian.org); several minutes, so
# it is a bench script, not a CI test (CI runs tests/package/check_deb.sh).
# With the aiperf-mpi package beside the .deb (built when libopenmpi-dev is installed) it is
# installed too and a two-rank benchmark runs under mpirun.
# Usage: bench/package/clean_debian_install.sh [path/to/aiperf_<ver>_<arch>.deb]
set -euo pipefail
cd "$(dirname "$0")/../.."
mirror=${MIRROR:-http://deb.debian.org/debian}
deb=${1:-}
if [ -z "$deb" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j2 >/dev/null
  out=$(mktemp -d)
  (cd build/release && cpack -G DEB -B "$out" >/dev/null)
  deb=$(ls "$out"/aiperf_*.deb)
fi
mpideb=$(ls "$(dirname "$deb")"/aiperf-mpi_*.deb 2>/dev/null || true)
root=$(mktemp -d /tmp/aiperf-bookworm.XXXXXX)
cleanup() {
  mountpoint -q "$root/proc" && umount "$root/proc"
  rm -rf "$root"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }

t0=$(now)
debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/aiperf-debootstrap.log 2>&1 \
  || { tail -20 /tmp/aiperf-debootstrap.log; exit 1; }
t1=$(now)
cp "$deb" "$root/tmp/aiperf.deb"
pkgs=(/tmp/aiperf.deb man-db)
if [ -n "$mpideb" ]; then cp "$mpideb" "$root/tmp/aiperf-mpi.deb"; pkgs+=(/tmp/aiperf-mpi.deb); fi
mount -t proc proc "$root/proc"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
in_root apt-get update -q >/tmp/aiperf-apt.log 2>&1
in_root apt-get install -y -q --no-install-recommends "${pkgs[@]}" >>/tmp/aiperf-apt.log 2>&1 \
  || { tail -20 /tmp/aiperf-apt.log; exit 1; }
t2=$(now)
in_root aiperf --version
in_root sh -c 'MANWIDTH=100 man aiperf | grep -q -- --request-rate' && echo "man aiperf: ok"
in_root genai-perf --version >/dev/null && echo "genai-perf: runs"
in_root bash -c '
  set -e
  aiperf-mock-server --port 0 --ttft 5 --itl 1 >/tmp/mock.log 2>&1 &
  for i in $(seq 50); do grep -q "listening on" /tmp/mock.log && break; sleep 0.1; done
  url=$(grep -o "http://[0-9.:]*" /tmp/mock.log | head -1)
  aiperf profile -m mock-model -u "$url" --streaming --concurrency 4 --request-count 50 \
    --isl 64 --osl 16 --ui none --artifact-dir /tmp/demo >/tmp/demo.log 2>&1
  grep -q "Request Latency" /tmp/demo.log
  aiperf profile -f /tmp/demo/run_config.yaml --artifact-dir /tmp/demo2 >/dev/null 2>&1
  cmp -s <(grep -o "\"payloads\".*" /tmp/demo/inputs.json) <(grep -o "\"payloads\".*" /tmp/demo2/inputs.json)
  kill %1'
echo "demo (mock server + profile, replayed from run_config.yaml): ok"
if [ -n "$mpideb" ]; then
  in_root bash -c '
    set -e
    aiperf-mock-server --port 0 --fast >/tmp/mock2.log 2>&1 &
    for i in $(seq 50); do grep -q "listening on" /tmp/mock2.log && break; sleep 0.1; done
    url=$(grep -o "http://[0-9.:]*" /tmp/mock2.log | head -1)
    mpirun --allow-run-as-root --oversubscribe -n 2 aiperf profile -m mock-model -u "$url" \
      --concurrency 4 --request-count 40 --isl 32 --osl 8 --ui none --artifact-dir /tmp/mpi \
      >/tmp/mpi.log 2>&1
    grep -A3 "\"request_count\"" /tmp/mpi/profile_export_aiperf.json | grep -q "\"avg\": 40.0"
    kill %1' && echo "aiperf-mpi: 2 ranks under mpirun: ok"
fi
t3=$(now)
in_root apt-get remove -y -q aiperf >>/tmp/aiperf-apt.log 2>&1
[ ! -e "$root/usr/bin/aiperf" ] && [ ! -e "$root/usr/bin/genai-perf" ] \
  && [ ! -e "$root/usr/lib/aiperf" ] && echo "apt-get remove: clean"
echo "figures: debootstrap $(secs "$t0" "$t1") s, apt install (aiperf + Depends + man-db) $(secs "$t1" "$t2") s," \
     "checks and demo $(secs "$t2" "$t3") s; .deb $(du -k "$deb" | cut -f1) KiB," \
     "Installed-Size $(dpkg-deb -f "$deb" Installed-Size) KiB"
