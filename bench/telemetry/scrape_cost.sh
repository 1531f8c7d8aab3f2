#!/usr/bin/env bash
# Builds and runs bench/telemetry/scrape_cost.cpp: the client's CPU for scraping 5 endpoints of
# ~2,000 series every 333 ms (issue 12 target: < 2 % of one core), without and with the JSONL
# stream, and the parse cost per scrape. Figures: docs/performance.md.
#   bench/telemetry/scrape_cost.sh [seconds=30]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-30}
OUT=${BUILD_DIR:-$ROOT/build-bench-telemetry}
mkdir -p "$OUT"
T="$ROOT/src/aiperf/telemetry"
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/src" "$ROOT/bench/telemetry/scrape_cost.cpp" \
  "$T"/{prom_parser,scrape_client,series_store,series_stats,endpoint_scraper,poller,server_metrics,json_util}.cpp \
  "$ROOT"/src/aiperf/transport/{http_response_parser,url}.cpp \
  -lspdlog -lfmt -lssl -lcrypto -lz -lpthread -o "$OUT/scrape_cost"
"$OUT/scrape_cost" "$SECS" 5 333 0
"$OUT/scrape_cost" "$SECS" 5 333 1
