#!/usr/bin/env bash
# One-off check of the NVML collector (--gpu-telemetry pynvml, libnvidia-ml.so.1 through dlopen)
# on a machine with an NVIDIA GPU; its output fills the device section of docs/telemetry.md.
# Runs aiperf against the bundled mock server for DURATION seconds while `nvidia-smi dmon`
# samples the same GPUs, then prints what each saw: per-GPU power, energy, utilization, memory,
# temperature and clocks from aiperf's export, nvidia-smi's view for comparison, and whether the
# energy counter's increase agrees with mean power x time.
#   bench/telemetry/nvml_device_check.sh [build-dir=build/release] [DURATION=10]
# Uses the built binaries when present, else builds only aiperf and aiperf-mock-server. Changes
# no GPU setting. Needs python3 for the summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/release}
DURATION=${2:-${DURATION:-10}}
if [ ! -x "$B/src/aiperf" ] || [ ! -x "$B/src/aiperf-mock-server" ]; then
  echo "== building aiperf and aiperf-mock-server in $B"
  cmake --preset release >/dev/null
  cmake --build --preset release -j"$(nproc)" --target aiperf aiperf-mock-server
fi
echo "== machine"
uname -srm
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=index,name,uuid,driver_version,power.limit,memory.total --format=csv
else
  echo "nvidia-smi: not found"
fi
(ldconfig -p | grep -m1 libnvidia-ml.so.1) || echo "libnvidia-ml.so.1: not in the ld cache"

T=$(mktemp -d)
MOCK_PID=""; DMON_PID=""
cleanup() { [ -n "$DMON_PID" ] && kill "$DMON_PID" 2>/dev/null; [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null; rm -rf "$T"; true; }
trap cleanup EXIT
"$B/src/aiperf-mock-server" --port 0 --ttft 20 --itl 5 >"$T/mock.log" 2>&1 &
MOCK_PID=$!
for _ in $(seq 50); do grep -q "listening on" "$T/mock.log" && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$T/mock.log" | head -1)
[ -n "$URL" ] || { echo "mock server did not start:"; cat "$T/mock.log"; exit 1; }
if command -v nvidia-smi >/dev/null; then
  # power (W), temperature, SM / memory utilization, clocks, one line per GPU per second
  nvidia-smi dmon -s puc -d 1 >"$T/dmon.txt" 2>&1 &
  DMON_PID=$!
fi
echo "== aiperf profile --gpu-telemetry pynvml (${DURATION} s against the mock at $URL)"
set +e
"$B/src/aiperf" profile -m mock-model --url "$URL" --streaming --concurrency 8 \
  --benchmark-duration "$DURATION" --osl 64 --isl 64 --ui none --no-server-metrics \
  --gpu-telemetry pynvml --output-artifact-dir "$T/run" >"$T/out.txt" 2>"$T/err.txt"
RC=$?
set -e
[ -n "$DMON_PID" ] && kill "$DMON_PID" 2>/dev/null && DMON_PID=""
echo "exit code: $RC"
echo "-- stderr"; cat "$T/err.txt"
echo "-- GPU tables"; sed -n '/GPU Telemetry |/,/^$/p;/GPU Power Efficiency/,/^$/p' "$T/out.txt"
if [ -f "$T/run/gpu_telemetry_export.jsonl" ]; then
  echo "-- gpu_telemetry_export.jsonl: $(wc -l <"$T/run/gpu_telemetry_export.jsonl") lines; first and last:"
  head -1 "$T/run/gpu_telemetry_export.jsonl"; tail -1 "$T/run/gpu_telemetry_export.jsonl"
fi
python3 - "$T/run" <<'PY' || true
import json, sys, collections
d = sys.argv[1]
try:
    s = json.load(open(d + "/profile_export_aiperf.json"))
except Exception as e:
    print("no summary:", e); sys.exit(0)
for k in ("total_gpu_power", "total_gpu_energy", "energy_per_output_token",
          "output_tokens_per_joule", "output_tokens_per_second_per_watt"):
    if k in s: print(f"{k}: {s[k]['avg']:.4f} {s[k]['unit']}")
rows = [json.loads(l) for l in open(d + "/gpu_telemetry_export.jsonl")]
by = collections.defaultdict(list)
for r in rows: by[r["gpu_index"]].append(r)
print("fields seen:", sorted({k for r in rows for k in r["telemetry_data"]}))
for g, rs in sorted(by.items()):
    t0, t1 = rs[0]["timestamp_ns"], rs[-1]["timestamp_ns"]
    e = [r["telemetry_data"].get("energy_consumption") for r in rs]
    p = [r["telemetry_data"].get("gpu_power_usage") for r in rs if "gpu_power_usage" in r["telemetry_data"]]
    if e[0] is not None and e[-1] is not None and p:
        joules = (e[-1] - e[0]) * 1e6
        mean_w = sum(p) / len(p)
        secs = (t1 - t0) / 1e9
        print(f"GPU {g}: {len(rs)} samples over {secs:.2f} s; energy counter +{joules:.1f} J, "
              f"mean power {mean_w:.1f} W x time = {mean_w * secs:.1f} J "
              f"(ratio {joules / max(mean_w * secs, 1e-9):.3f})")
    else:
        print(f"GPU {g}: {len(rs)} samples; no energy counter or no power reading")
PY
if [ -f "$T/dmon.txt" ]; then echo "-- nvidia-smi dmon (same period)"; cat "$T/dmon.txt"; fi
echo "== done (artifacts in $T/run are removed on exit)"
