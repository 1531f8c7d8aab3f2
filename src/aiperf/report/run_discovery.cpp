// Finding runs under the --paths (globs, run directories, study and sweep trees) and loading
// them. A run is any directory that holds profile_export_aiperf.json (spec §6.2); repeats of a
// study sit in <cell>/profile_runs/run_000k/ with the cell's confidence statistics in
// <cell>/aggregate/ (spec §8.1).
#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "aiperf/common/error.h"
#include "aiperf/report/report.h"

namespace aiperf::report {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> expand_glob(const std::string& pattern) {
  glob_t g{};
  std::vector<std::string> out;
  int rc = ::glob(pattern.c_str(), GLOB_TILDE | GLOB_BRACE | GLOB_NOCHECK, nullptr, &g);
  if (rc == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  if (out.empty()) out.push_back(pattern);
  return out;
}

/// Directories under `root` (itself included) that hold a summary, sorted by path.
std::vector<std::string> summary_dirs(const fs::path& root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  if (fs::exists(root / kSummaryJson, ec)) dirs.push_back(root.string());
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& e = *it;
    std::string name = e.path().filename().string();
    if (e.is_directory(ec) && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (name == kSummaryJson && e.is_regular_file(ec) && e.path().parent_path() != root) {
      dirs.push_back(e.path().parent_path().string());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

std::string no_runs_message(const std::string& arg, const fs::path& p) {
  std::error_code ec;
  if (fs::exists(p / kRecordsJsonl, ec)) {
    return arg + ": has " + kRecordsJsonl + " but no " + kSummaryJson +
           " (the run did not finish writing its results; re-run it, or point at a finished run)";
  }
  return arg + ": no runs found (no " + std::string(kSummaryJson) +
         " below it; point --paths at a run's artifact directory or a folder of runs)";
}

/// Model and load settings from the summary's input_config (AIPerf's nested shape or ours).
void read_identity(const Summary& s, RunInfo& info) {
  const nlohmann::json* ic = s.doc.contains("input_config") ? &s.doc["input_config"] : nullptr;
  if (ic == nullptr || !ic->is_object()) return;
  if (ic->contains("models")) {
    const auto& m = (*ic)["models"];
    if (m.is_object() && m.contains("items") && m["items"].is_array() && !m["items"].empty()) {
      info.model = m["items"][0].value("name", "");
    } else if (m.is_array() && !m.empty() && m[0].is_string()) {
      info.model = m[0].get<std::string>();
    }
  }
  if (ic->contains("phases") && (*ic)["phases"].is_array()) {
    for (const auto& ph : (*ic)["phases"]) {
      if (ph.value("name", "") != "profiling") continue;
      if (ph.contains("concurrency") && ph["concurrency"].is_number()) {
        info.concurrency = ph["concurrency"].get<double>();
      }
      if (ph.contains("rate") && ph["rate"].is_number()) {
        info.request_rate = ph["rate"].get<double>();
      }
    }
  }
  if (!info.concurrency && ic->contains("loadgen") && (*ic)["loadgen"].is_object()) {
    const auto& lg = (*ic)["loadgen"];
    if (lg.contains("concurrency") && lg["concurrency"].is_number()) {
      info.concurrency = lg["concurrency"].get<double>();
    }
    if (lg.contains("request_rate") && lg["request_rate"].is_number()) {
      info.request_rate = lg["request_rate"].get<double>();
    }
  }
}

RunInfo identify(const std::string& dir) {
  static const std::regex kTrial(R"((run|trial)_(\d+))");
  RunInfo info;
  info.dir = dir;
  fs::path p = fs::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  const std::string leaf = p.filename().string();
  const fs::path parent = p.parent_path();
  std::smatch m;
  info.cell = p.string();
  if (parent.filename() == "profile_runs" && std::regex_match(leaf, m, kTrial)) {
    // <cell>/profile_runs/run_000k (repeats) or <point>/profile_runs/trial_000k (sweep,
    // independent mode): the cell is the directory above profile_runs/.
    info.trial = std::stoi(m[2].str());
    const fs::path cell = parent.parent_path();
    info.cell = cell.string();
    info.group = cell.filename().string();
    info.name = info.group + "/" + leaf;
    info.aggregate_path = (cell / "aggregate" / kAggregateJson).string();
  } else if (const std::string pl = parent.filename().string();
             std::regex_match(pl, m, kTrial) && m[1] == "trial" &&
             parent.parent_path().filename() == "profile_runs") {
    // <base>/profile_runs/trial_000k/<point> (sweep, repeated mode).
    info.trial = std::stoi(m[2].str());
    const fs::path base = parent.parent_path().parent_path();
    info.cell = (base / leaf).string();
    info.group = leaf;
    info.name = leaf + "/" + pl;
    info.aggregate_path = (base / "aggregate" / leaf / kAggregateJson).string();
  } else {
    info.name = leaf;
    info.group = parent.filename().string();
  }
  if (info.name.empty()) info.name = fs::absolute(p).filename().string();
  return info;
}

/// Gives runs that share a label the shortest distinguishing path suffix instead.
void make_names_unique(std::vector<RunInfo>& runs) {
  std::map<std::string, int> seen;
  for (const auto& r : runs) seen[r.name]++;
  for (auto& r : runs) {
    if (seen[r.name] < 2) continue;
    fs::path p = fs::absolute(r.dir).lexically_normal();
    std::vector<std::string> parts;
    for (const auto& e : p) parts.push_back(e.string());
    r.name = parts.size() >= 3
                 ? parts[parts.size() - 3] + "/" + parts[parts.size() - 2] + "/" + parts.back()
                 : p.string();
  }
}

}  // namespace

std::vector<RunInfo> discover_runs(const std::vector<std::string>& paths) {
  std::vector<RunInfo> runs;
  std::set<std::string> seen;
  for (const auto& arg : paths) {
    for (const auto& match : expand_glob(arg)) {
      fs::path p(match);
      std::error_code ec;
      if (!fs::exists(p, ec)) throw ConfigError("--paths: " + match + " does not exist");
      if (fs::is_regular_file(p, ec)) {
        if (p.filename() != kSummaryJson) {
          throw ConfigError("--paths: " + match + " is a file; give a run directory (or its " +
                            kSummaryJson + ")");
        }
        p = p.parent_path().empty() ? fs::path(".") : p.parent_path();
      }
      auto dirs = summary_dirs(p);
      if (dirs.empty()) throw ConfigError("--paths: " + no_runs_message(match, p));
      for (const auto& d : dirs) {
        std::string key = fs::weakly_canonical(d, ec).string();
        if (seen.insert(key).second) runs.push_back(identify(d));
      }
    }
  }
  make_names_unique(runs);
  return runs;
}

RunData load_run(const RunInfo& info, const LoadOptions& opts) {
  RunData r;
  r.info = info;
  fs::path dir(info.dir);
  const std::string summary =
      opts.summary_path.empty() ? (dir / kSummaryJson).string() : opts.summary_path;
  const std::string records =
      opts.records_path.empty() ? (dir / kRecordsJsonl).string() : opts.records_path;
  r.summary = read_summary(summary);
  read_identity(r.summary, r.info);
  std::error_code ec;
  if (opts.requests) {
    r.requests = std::move(*opts.requests);
  } else if (opts.records && fs::exists(records, ec)) {
    r.requests = read_records(records, opts.records_options);
  }
  const std::string slices =
      opts.timeslices_path.empty() ? (dir / kTimeslicesJson).string() : opts.timeslices_path;
  if (fs::exists(slices, ec)) r.timeslices = read_timeslices(slices);
  const std::string gpu = opts.gpu_telemetry_path.empty() ? (dir / kGpuTelemetryJsonl).string()
                                                          : opts.gpu_telemetry_path;
  if (fs::exists(gpu, ec)) r.gpu = read_gpu_telemetry(gpu);
  if (!info.aggregate_path.empty() && fs::exists(info.aggregate_path, ec)) {
    r.aggregate = read_aggregate(info.aggregate_path);
  }
  return r;
}

std::vector<std::string> default_record_columns() {
  return {"time_to_first_token",
          "time_to_second_token",
          "inter_token_latency",
          "request_latency",
          "output_sequence_length",
          "input_sequence_length",
          "output_token_throughput_per_user"};
}

bool RunData::has_records_file() const {
  std::error_code ec;
  return fs::exists(fs::path(info.dir) / kRecordsJsonl, ec);
}

}  // namespace aiperf::report
