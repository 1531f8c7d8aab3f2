#!/usr/bin/env bash
# Installs every build and test dependency from Debian packages. Idempotent: safe to run again.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config git python3 curl openssl time
  libssl-dev libsimdjson-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libyaml-cpp-dev libpcre2-dev libutf8proc-dev libsentencepiece-dev libboost-dev
  libpng-dev libjpeg-dev libmp3lame-dev ffmpeg libsnappy-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev clang-14 libclang-rt-14-dev
  dpkg-dev zsh fish  # cpack's dpkg-shlibdeps; completion scripts checked in their shells
  gnuplot-nox fonts-dejavu-core chromium tmux
  prometheus-node-exporter prometheus  # real exporters the telemetry tests start on free ports
  libopenmpi-dev openmpi-bin
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc  # Triton's KServe v2 gRPC
)
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
else
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  echo "install-deps: installed ${missing[*]}"
fi

# npm packages embedded by the build (the HTML report's chart library, docs/plots.md), pinned
# with their registry integrity in scripts/npm-pins.txt and unpacked to $AIPERF_NPM_DIR.
NPM_DIR=${AIPERF_NPM_DIR:-/usr/local/share/aiperf/npm}
NPM_REGISTRY=${AIPERF_NPM_REGISTRY:-https://registry.npmjs.org}
while read -r name version integrity; do
  case "$name" in ''|'#'*) continue ;; esac
  dest="$NPM_DIR/$name-$version"
  if [ "$(cat "$dest/.integrity" 2>/dev/null)" = "$integrity" ]; then continue; fi
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/pkg.tgz" "$NPM_REGISTRY/$name/-/$name-$version.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tmp/pkg.tgz" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "install-deps: $name@$version does not match its pinned integrity (got $got)" >&2
    rm -rf "$tmp"; exit 1
  fi
  $SUDO rm -rf "$dest" && $SUDO mkdir -p "$dest"
  $SUDO tar -xzf "$tmp/pkg.tgz" -C "$dest" --strip-components=1 --no-same-owner
  echo "$integrity" | $SUDO tee "$dest/.integrity" >/dev/null
  rm -rf "$tmp"
  echo "install-deps: $name@$version in $dest"
done < "$(dirname "$0")/npm-pins.txt"
