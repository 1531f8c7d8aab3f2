// The Server Metrics and GPU Telemetry rows of the `aiperf profile` option table (spec §1.3,
// §7.1, §7.2) and their cross-option rules (spec §1.4). Names and defaults are AIPerf's; help
// texts are our own words.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// AIPerf's test for a URL item: it starts with "http" or contains ':'.
bool looks_like_url(const std::string& item) {
  return item.rfind("http", 0) == 0 || item.find(':') != std::string::npos;
}

/// A metrics URL: http:// added when no scheme is given, trailing '/' dropped, "/metrics"
/// appended when there is no path. An explicit path is kept (/dcgm1/metrics, /stats, ...).
std::string metrics_url(std::string_view flag, const std::string& item) {
  std::string u = normalize_url(flag, item);
  while (!u.empty() && u.back() == '/') u.pop_back();
  size_t host = u.find("://");
  size_t path = u.find_first_of("/?#", host == std::string::npos ? 0 : host + 3);
  if (path == std::string::npos || u[path] != '/')
    u.insert(path == std::string::npos ? u.size() : path, "/metrics");
  return u;
}

bool is_local_url(const std::string& url) {
  for (const char* h : {"://localhost", "://127.", "://[::1]", "://0.0.0.0"}) {
    if (url.find(h) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::vector<OptionSpec> telemetry_options() {
  return {
      // ---------------------------------------------------------------- Server Metrics
      {{"--server-metrics"},
       ValueKind::kValue,
       "<url> ...",
       "<each --url>/metrics",
       "Server Metrics",
       "More Prometheus endpoints to scrape during the run, besides <each --url>/metrics which "
       "is always scraped: host:port, host:port/path or http(s) URLs (\"/metrics\" is added to "
       "a URL without a path).",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         for (const auto& v : values) {
           for (const auto& item : split_comma_list(flag, v)) {
             if (!looks_like_url(item)) {
               throw ConfigError(std::string(flag) + ": '" + item +
                                 "' is not a URL (expected host:port[/path] or http(s)://...)");
             }
             std::string u = metrics_url(flag, item);
             auto& urls = st.cfg.server_metrics_urls;
             if (std::find(urls.begin(), urls.end(), u) == urls.end()) urls.push_back(u);
           }
         }
       }},
      {{"--no-server-metrics"},
       ValueKind::kFlag,
       "",
       "off",
       "Server Metrics",
       "Do not scrape any server metrics.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.server_metrics_enabled = false;
       }},
      {{"--server-metrics-formats"},
       ValueKind::kValue,
       "json|csv|jsonl|parquet ...",
       "json csv",
       "Server Metrics",
       "Which server_metrics_export files to write: json (per-series statistics), csv (the "
       "same as a table), jsonl (every scrape as it came), parquet (the window's scrapes as "
       "rows: counters and histograms as increases since the window's start).",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         std::vector<std::string> formats;
         for (const auto& v : values) {
           for (const auto& item : split_comma_list(flag, v)) {
             std::string f = lower(item);
             static const std::vector<std::string_view> kFormats = {"json", "csv", "jsonl",
                                                                    "parquet"};
             f = std::string(kFormats[choose(flag, f, kFormats)]);
             if (std::find(formats.begin(), formats.end(), f) == formats.end()) {
               formats.push_back(f);
             }
           }
         }
         st.cfg.server_metrics_formats = formats;
       }},
      // ---------------------------------------------------------------- GPU Telemetry
      {{"--gpu-telemetry"},
       ValueKind::kValue,
       "pynvml|dashboard|<url>|<file.csv> ...",
       "DCGM at localhost:9400 and localhost:9401",
       "GPU Telemetry",
       "Show the GPU table at the end and choose the sources: DCGM exporter URLs (added to the "
       "default localhost:9400 and :9401, which are always tried), pynvml (read the local GPUs "
       "through NVML instead), a .csv of extra DCGM fields, dashboard.",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         Config& c = st.cfg;
         c.gpu_telemetry_console = true;
         for (const auto& v : values) {
           if (v.empty()) continue;  // a bare --gpu-telemetry: the default sources
           for (const auto& item : split_comma_list(flag, v)) {
             if (item.size() > 4 && lower(item.substr(item.size() - 4)) == ".csv") {
               if (!std::filesystem::is_regular_file(item)) {
                 throw ConfigError("GPU metrics file not found: " + item);
               }
               c.gpu_telemetry_metrics_files.push_back(item);
             } else if (lower(item) == "pynvml") {
               c.gpu_telemetry_nvml = true;
             } else if (item == "dashboard") {
               // AIPerf: live GPU telemetry in the dashboard; ours shows it whenever GPU data
               // comes in (docs/dashboard.md), so the item asks for nothing more.
             } else if (looks_like_url(item)) {
               std::string u = metrics_url(flag, item);
               auto& urls = c.gpu_telemetry_urls;
               if (std::find(urls.begin(), urls.end(), u) == urls.end()) urls.push_back(u);
             } else {
               throw ConfigError("Invalid GPU telemetry item: " + item +
                                 ". Valid options are: 'pynvml', 'dashboard', '.csv' file, and "
                                 "URLs.");
             }
           }
         }
       }},
      {{"--no-gpu-telemetry"},
       ValueKind::kFlag,
       "",
       "off",
       "GPU Telemetry",
       "Do not collect GPU telemetry (not even from the default DCGM endpoints).",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.gpu_telemetry_enabled = false;
       }},
  };
}

void resolve_telemetry(ParseState& st) {
  Config& c = st.cfg;
  if (st.given("--no-server-metrics") && st.given("--server-metrics")) {
    throw ConfigError(
        "Cannot use both --no-server-metrics and --server-metrics together. Use only one or the "
        "other.");
  }
  if (st.given("--no-gpu-telemetry") && st.given("--gpu-telemetry")) {
    throw ConfigError(
        "Cannot use both --no-gpu-telemetry and --gpu-telemetry together. Use only one or the "
        "other.");
  }
  if (c.gpu_telemetry_nvml && !c.gpu_telemetry_urls.empty()) {
    throw ConfigError(
        "Cannot use pynvml with DCGM URLs. Use either 'pynvml' for local GPU monitoring or URLs "
        "for DCGM endpoints, not both.");
  }
  if (c.gpu_telemetry_nvml) {
    for (const auto& u : c.urls) {
      if (!is_local_url(u)) {
        c.warnings.push_back(
            "--gpu-telemetry pynvml reads the GPUs of this machine, but --url " + u +
            " is not local: the GPU figures will not be the server's unless it runs here");
        break;
      }
    }
  }
}

}  // namespace aiperf::config::detail
