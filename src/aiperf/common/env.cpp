#include "aiperf/common/env.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "aiperf/common/error.h"

extern char** environ;

namespace aiperf::env {
namespace {

// Names, defaults and meanings of the AIPERF_ rows that AIPerf also has are AIPerf's
// (docs/environment-variables.md of AIPerf 0.11); the others are this build's own.
const std::vector<Variable> kTable = {
    // ------------------------------------------------------------------ METRICS
    {"AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD", Kind::kNumber, "5.0", "Metrics",
     "Percent difference between the requested and the received output length above which a "
     "request counts in osl_mismatch_count (the effective threshold is the smaller of this "
     "share of the requested length and AIPERF_METRICS_OSL_MISMATCH_MAX_TOKEN_THRESHOLD).",
     0, 100},
    {"AIPERF_METRICS_OSL_MISMATCH_MAX_TOKEN_THRESHOLD", Kind::kInt, "50", "Metrics",
     "Upper bound, in tokens, of the OSL mismatch threshold (keeps it tight for long outputs).", 1,
     1e12},
    {"AIPERF_METRICS_USAGE_PCT_DIFF_THRESHOLD", Kind::kNumber, "10.0", "Metrics",
     "Percent difference between the server's usage token counts and the client's count above "
     "which a request counts in usage_discrepancy_count.",
     0, 100},
    // ------------------------------------------------------------------ HTTP
    {"AIPERF_HTTP_SSL_VERIFY", Kind::kBool, "true", "HTTP",
     "Verify the server's TLS certificate. false has the effect of --insecure (for test servers "
     "with self-signed certificates only)."},
    {"AIPERF_HTTP_RX_TIMESTAMPS", Kind::kBool, "true", "HTTP",
     "Time response bytes received over plain TCP by when the kernel received them "
     "(SO_TIMESTAMPNS) rather than when the client's thread got round to reading them, so "
     "that TTFT, ITL and latency leave out the client's own wake-up and scheduling delays "
     "(tens of microseconds on an idle virtual machine, milliseconds on a busy one). TLS "
     "connections are timed at the read. false times every read when it returns, as AIPerf "
     "does. Our extension."},
    // ------------------------------------------------------------------ EXPORT
    {"AIPERF_EXPORT_DIRECT_IO", Kind::kBool, "true", "Export",
     "Write profile_export.jsonl and profile_export_raw.jsonl (and the unlinked file that "
     "holds their lines' data while the run saturates its cores) with O_DIRECT where the file "
     "system takes it: whole 4 KiB blocks go to the disk without a copy into the page cache, "
     "which at tens of thousands of records a second was the record pipeline's largest cost "
     "and fills the page cache of the machine being measured. File systems that refuse it "
     "(tmpfs before Linux 6.6, some FUSE) are written through the page cache as with false. "
     "Our extension."},
    {"AIPERF_EXPORT_DEFERRED_LINES", Kind::kBool, "true", "Export",
     "Render profile_export.jsonl's lines on a thread of idle priority (SCHED_IDLE) from a "
     "compact copy of each record's values, rather than on the record pipeline as records "
     "arrive: where the client's cores are saturated, the 2 KB of JSON per request no longer "
     "take CPU from the threads that send and stamp requests, and the lines not rendered during "
     "the run are rendered when it ends (the file is complete when the run's exports are). "
     "Lines wait in memory up to 4 MB, beyond that in an unlinked file beside the JSONL. "
     "With --export-http-trace lines are rendered as records arrive; with "
     "AIPERF_THREAD_PRIORITIES=false the thread keeps the default priority. Our extension."},
    // ------------------------------------------------------------------ SERVER METRICS
    {"AIPERF_SERVER_METRICS_COLLECTION_INTERVAL", Kind::kNumber, "0.333", "Server metrics",
     "Seconds between two scrapes of each Prometheus endpoint during the run.", 0.001, 300},
    {"AIPERF_SERVER_METRICS_COLLECTION_FLUSH_PERIOD", Kind::kNumber, "2.0", "Server metrics",
     "Seconds the scrapes go on after the profiling phase ends, so that counters the server "
     "updates late are still seen.",
     0, 30},
    {"AIPERF_SERVER_METRICS_REACHABILITY_TIMEOUT", Kind::kNumber, "10", "Server metrics",
     "Seconds the first scrape of an endpoint may take before the endpoint is reported "
     "unreachable and left out.",
     1, 300},
    // ------------------------------------------------------------------ GPU
    {"AIPERF_GPU_COLLECTION_INTERVAL", Kind::kNumber, "0.333", "GPU telemetry",
     "Seconds between two GPU samples (DCGM scrapes or NVML reads).", 0.01, 300},
    {"AIPERF_GPU_DEFAULT_DCGM_ENDPOINTS", Kind::kString,
     "http://localhost:9400/metrics,http://localhost:9401/metrics", "GPU telemetry",
     "DCGM exporter URLs that are always tried (a comma list; a JSON-style list is accepted, "
     "and [] tries none)."},
    {"AIPERF_GPU_REACHABILITY_TIMEOUT", Kind::kNumber, "10", "GPU telemetry",
     "Seconds the first scrape of a DCGM endpoint may take before it is reported unreachable.", 1,
     300},
    // ------------------------------------------------------------------ TIMING
    {"AIPERF_TIMING_RATE_RAMP_UPDATE_INTERVAL", Kind::kNumber, "0.1", "Timing",
     "Seconds between two steps of a --request-rate-ramp-duration ramp (the rate is raised "
     "linearly, one step per interval).",
     0.01, 10},
    // ------------------------------------------------------------------ WORKERS
    {"AIPERF_WORKER_CPU_UTILIZATION_FACTOR", Kind::kNumber, "0.75", "Workers",
     "Share of the machine's cores the default --workers-max is drawn from: max(1, "
     "min(int(cores x factor) - 1, AIPERF_WORKER_MAX_WORKERS_CAP)).",
     0.1, 1.0},
    {"AIPERF_WORKER_MAX_WORKERS_CAP", Kind::kInt, "32", "Workers",
     "Most I/O workers the default --workers-max gives, whatever the number of cores.", 1, 10000},
    {"AIPERF_WORKER_CPU_PINNING", Kind::kBool, "true", "Workers",
     "Give each I/O worker thread a core of its own, and keep every other thread on the rest, "
     "when the process may use at least two more cores than it has workers (not under MPI, "
     "where ranks share hosts). false leaves placement to the kernel. Our extension."},
    {"AIPERF_THREAD_PRIORITIES", Kind::kBool, "true", "Workers",
     "Schedule a run's threads by what they do: the timing thread, and an I/O worker while it "
     "holds requests to send at set times (rate, trace and user-centric runs; a closed loop "
     "only for turns sent after a delay), ask the kernel for a short time slice (Linux 6.12 "
     "and later) and, where permitted (CAP_SYS_NICE "
     "or ulimit -e 30), run at 10 below the process's nice, so a send that is due preempts "
     "other work on its core, and SCHED_FIFO where real-time scheduling is permitted "
     "(CAP_SYS_NICE or ulimit -r 1; not while the record pipeline is 4,096 records behind); "
     "the record pipeline runs one step below the I/O workers (at "
     "the process's nice while one is raised, else at nice +10, unless it falls far behind or "
     "raising is not permitted), so its batches give way to the event loop. false leaves every "
     "thread at the process's defaults. Our extension."},
    // ------------------------------------------------------------------ SCALE-OUT AND PLUGINS
    {"AIPERF_RANK_TIMEOUT_S", Kind::kNumber, "10", "Scale-out",
     "Seconds a rank of an MPI run may stay silent before rank 0 reports it lost "
     "(docs/scale-out.md).",
     0.001, 86400},
    {"AIPERF_MPI_MODULE", Kind::kPath, "libaiperf_mpi.so beside the binary", "Scale-out",
     "The MPI module to load under an MPI launcher (one built against the launcher's MPI)."},
    {"AIPERF_PLUGIN_PATH", Kind::kString, "", "Plugins",
     "More directories (colon-separated) searched for plugin shared objects (docs/plugins.md)."},
    // ------------------------------------------------------------------ UI
    {"AIPERF_UI_SPINNER_REFRESH_RATE", Kind::kNumber, "0.25", "UI",
     "Seconds between redraws of the --ui simple progress bar on a terminal.", 0.01, 100},
    {"AIPERF_UI_PLAIN_PROGRESS_INTERVAL", Kind::kNumber, "10.0", "UI",
     "Seconds between the progress lines --ui simple prints when its output is not a terminal "
     "(logs, CI).",
     0.1, 100000},
    // ------------------------------------------------------------------ DATASET
    {"AIPERF_DATASET_CACHE", Kind::kPath, "$XDG_CACHE_HOME/aiperf/datasets", "Dataset",
     "Directory where public datasets (--public-dataset) are downloaded once and kept."},
    {"AIPERF_SHAREGPT_URL", Kind::kString, "AIPerf's ShareGPT URL", "Dataset",
     "Where --public-dataset sharegpt is downloaded from (a mirror, or a local test server)."},
    {"AIPERF_SPEC_BENCH_URL", Kind::kString, "AIPerf's pinned Spec-Bench URL", "Dataset",
     "Where --public-dataset spec_bench is downloaded from."},
    {"AIPERF_MEMORY_LIMIT_BYTES", Kind::kNumber, "MemAvailable of /proc/meminfo", "Dataset",
     "Memory, in bytes, that large dataset files are checked against before they are loaded "
     "(mainly for tests).",
     1, 1e300},
    // ------------------------------------------------------------------ DEV
    {"AIPERF_DEV_MODE", Kind::kBool, "false", "Dev",
     "Developer mode: experimental metrics are computed and shown."},
    {"AIPERF_DEV_SHOW_EXPERIMENTAL_METRICS", Kind::kBool, "false", "Dev",
     "Compute and show the experimental metrics without the rest of developer mode."},
    {"AIPERF_DEV_SHOW_INTERNAL_METRICS", Kind::kBool, "false", "Dev",
     "Write the internal metrics to the summary files (they are never shown on the console)."},
    // ------------------------------------------------------------------ outside variables
    {"HF_TOKEN", Kind::kString, "", "Hugging Face",
     "Access token sent to the Hub (and only to the Hub's host) for gated or private tokenizers "
     "and datasets. HUGGING_FACE_HUB_TOKEN is read when it is unset, then the token file under "
     "HF_HOME."},
    {"HUGGING_FACE_HUB_TOKEN", Kind::kString, "", "Hugging Face", "Older name of HF_TOKEN."},
    {"HF_ENDPOINT", Kind::kString, "https://huggingface.co", "Hugging Face",
     "Base URL of the Hugging Face Hub (a mirror)."},
    {"HF_HOME", Kind::kPath, "~/.cache/huggingface", "Hugging Face",
     "Root of the Hugging Face cache and token file."},
    {"HF_HUB_CACHE", Kind::kPath, "$HF_HOME/hub", "Hugging Face",
     "Cache of downloaded tokenizer files (the huggingface_hub layout)."},
    {"HUGGINGFACE_HUB_CACHE", Kind::kPath, "", "Hugging Face", "Older name of HF_HUB_CACHE."},
    {"HF_HUB_OFFLINE", Kind::kBool, "false", "Hugging Face",
     "Never download: use what the cache holds."},
    {"TRANSFORMERS_OFFLINE", Kind::kBool, "false", "Hugging Face", "Same as HF_HUB_OFFLINE."},
    {"HF_DATASETS_OFFLINE", Kind::kBool, "false", "Hugging Face",
     "Same as HF_HUB_OFFLINE, for public datasets."},
    {"XDG_CACHE_HOME", Kind::kPath, "~/.cache", "System", "Base of the default cache directories."},
    {"XDG_DATA_HOME", Kind::kPath, "~/.local/share", "System",
     "Where --install-completion puts the bash completion script."},
    {"XDG_CONFIG_HOME", Kind::kPath, "~/.config", "System",
     "Where --install-completion puts the fish completion script."},
    {"HOME", Kind::kPath, "", "System",
     "The user's home directory (default cache locations, ~/.aiperf/plot_config.yaml)."},
    {"SHELL", Kind::kString, "", "System", "The shell --install-completion targets by default."},
    {"TERM", Kind::kString, "", "System",
     "--ui dashboard needs a terminal type other than dumb (else simple progress is shown)."},
    {"TMPDIR", Kind::kPath, "/tmp", "System", "Scratch files of synthetic video generation."},
    {"PATH", Kind::kString, "", "System", "Where the ffmpeg program is looked for (--video-*)."},
};

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::optional<bool> parse_bool(const std::string& v) {
  const std::string s = lower(v);
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

[[noreturn]] void bad(const Variable& var, const std::string& value, const std::string& want) {
  throw ConfigError("environment variable " + std::string(var.name) + "='" + value +
                    "': expected " + want + " (unset it or fix the value)");
}

double parse_checked_number(const Variable& var, const std::string& v, bool integral) {
  char* end = nullptr;
  errno = 0;
  const double d = std::strtod(v.c_str(), &end);
  const bool whole = end && *end == '\0' && end != v.c_str();
  if (!whole || !std::isfinite(d) || (integral && d != std::floor(d))) {
    bad(var, v, integral ? "a whole number" : "a number");
  }
  if (var.min != var.max && (d < var.min || d > var.max)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "a number in [%g, %g]", var.min, var.max);
    bad(var, v, buf);
  }
  return d;
}

void check_value(const Variable& var, const std::string& v) {
  switch (var.kind) {
    case Kind::kBool:
      if (!parse_bool(v)) bad(var, v, "true or false (1/0, yes/no, on/off)");
      break;
    case Kind::kNumber:
      parse_checked_number(var, v, false);
      break;
    case Kind::kInt:
      parse_checked_number(var, v, true);
      break;
    case Kind::kString:
    case Kind::kPath:
      break;
  }
}

}  // namespace

const std::vector<Variable>& table() {
  return kTable;
}

const Variable& variable(std::string_view name) {
  for (const auto& v : kTable) {
    if (name == v.name) return v;
  }
  throw std::logic_error("environment variable " + std::string(name) +
                         " is read but not listed in src/aiperf/common/env.cpp");
}

std::optional<std::string> raw(std::string_view name) {
  const Variable& var = variable(name);
  const char* v = std::getenv(var.name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::optional<std::string> user_variable(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

bool flag(std::string_view name) {
  auto v = raw(name);
  if (!v) {
    return parse_bool(variable(name).default_text).value_or(false);
  }
  auto b = parse_bool(*v);
  if (!b) bad(variable(name), *v, "true or false (1/0, yes/no, on/off)");
  return *b;
}

double number(std::string_view name, double fallback) {
  auto v = raw(name);
  return v ? parse_checked_number(variable(name), *v, false) : fallback;
}

long long integer(std::string_view name, long long fallback) {
  auto v = raw(name);
  return v ? static_cast<long long>(parse_checked_number(variable(name), *v, true)) : fallback;
}

std::string string(std::string_view name, const std::string& fallback) {
  return raw(name).value_or(fallback);
}

std::vector<std::string> check(const std::vector<std::string>& environ_entries) {
  std::vector<std::string> warnings;
  for (const auto& entry : environ_entries) {
    const size_t eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
    if (name.rfind("AIPERF_", 0) != 0) continue;
    const Variable* known = nullptr;
    for (const auto& v : kTable) {
      if (name == v.name) known = &v;
    }
    if (known) {
      if (!value.empty()) check_value(*known, value);
      continue;
    }
    std::string best;
    size_t best_d = std::max<size_t>(3, name.size() / 5) + 1;
    for (const auto& v : kTable) {
      const size_t d = distance(name, v.name);
      if (d < best_d) {
        best_d = d;
        best = v.name;
      }
    }
    warnings.push_back("unknown environment variable " + name + " ignored" +
                       (best.empty() ? std::string(" (see docs/environment-variables.md)")
                                     : "; did you mean " + best + "?"));
  }
  return warnings;
}

void check_process_environment() {
  static std::set<std::string> printed;  // once per process
  std::vector<std::string> entries;
  for (char** e = environ; e && *e; ++e) entries.emplace_back(*e);
  for (const auto& w : check(entries)) {
    if (printed.insert(w).second) std::fprintf(stderr, "aiperf: warning: %s\n", w.c_str());
  }
}

std::string markdown() {
  std::string out =
      "# Environment variables\n\n"
      "<!-- Generated from src/aiperf/common/env.cpp by `aiperf-docgen env-md`; a unit test "
      "fails when this file differs. Edit the table, then regenerate. -->\n\n"
      "aiperf reads the variables below. The `AIPERF_` ones follow AIPerf's pattern "
      "`AIPERF_<SECTION>_<NAME>`; an `AIPERF_` variable that is not listed here is reported "
      "once as a warning (a typo should not pass silently), and a listed one whose value cannot "
      "be read is a configuration error (exit 2). The others are outside conventions that "
      "aiperf honours.\n";
  std::string section;
  for (const auto& v : kTable) {
    if (section != v.section) {
      section = v.section;
      out += "\n## " + section + "\n\n| Variable | Default | Meaning |\n|---|---|---|\n";
    }
    std::string meaning = v.meaning;
    if (v.min != v.max) {
      char buf[96];
      std::snprintf(buf, sizeof buf, " Range: %g to %g.", v.min, v.max);
      if (v.max < 1e11) meaning += buf;
    }
    out.append("| `").append(v.name).append("` | ");
    if (*v.default_text) {
      out.append("`").append(v.default_text).append("`");
    } else {
      out.append("unset");
    }
    out.append(" | ").append(meaning).append(" |\n");
  }
  return out;
}

}  // namespace aiperf::env
