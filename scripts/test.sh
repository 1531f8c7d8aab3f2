#!/usr/bin/env bash
# Builds everything (release preset) and runs every test: unit, integration (real binaries over
# 127.0.0.1) and a short libFuzzer pass. This is the command .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/aiperf-ccache}
# Paths under the checkout are hashed relative to it: a clone elsewhere (CI) hits the same cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
cmake --preset release >/dev/null
cmake --build --preset release -j2
# A short libFuzzer pass over every parser of outside input (clang, ASan+UBSan), then the tests:
# ctest's summary is the last thing printed.
if [ -x scripts/build-fuzzers.sh ]; then
  scripts/build-fuzzers.sh --run "${AIPERF_FUZZ_SECONDS:-10}"
fi
ctest --preset release -j2
