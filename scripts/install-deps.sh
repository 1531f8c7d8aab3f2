#!/usr/bin/env bash
# Installs every build and test dependency from Debian packages. Idempotent: safe to run again.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config git python3 curl openssl time
  libssl-dev libsimdjson-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libyaml-cpp-dev libpcre2-dev libutf8proc-dev libsentencepiece-dev libboost-dev
  libpng-dev libjpeg-dev libmp3lame-dev ffmpeg libsnappy-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev clang-14 libclang-rt-14-dev
  prometheus-node-exporter prometheus  # real exporters the telemetry tests start on free ports
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
