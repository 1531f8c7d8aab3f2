// `aiperf speed-bench-report` (spec §1.1, AIPerf's speed_bench_report loader): a models x
// categories matrix out of per-category SPEED-Bench runs. The reading and rendering are in
// namespace speed_bench (unit-tested); run_speed_bench_report parses the command line.
#include "aiperf/cli/speed_bench_report.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "aiperf/cli/path_args.h"
#include "aiperf/common/error.h"
#include "aiperf/export/export.h"
#include "aiperf/export/util.h"

namespace aiperf::cli {
namespace speed_bench {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace {

constexpr const char* kProfileJson = "profile_export_aiperf.json";
constexpr const char* kServerMetricsJson = "server_metrics_export.json";
constexpr std::string_view kPrefix = "speed_bench_";

const char* const kAcceptLengthGauges[] = {"sglang:spec_accept_length",
                                           "vllm:spec_decode_mean_accepted_length",
                                           "trtllm:spec_accept_length"};
const char* const kAcceptRateGauges[] = {
    "sglang:spec_accept_rate", "vllm:spec_decode_draft_acceptance_rate", "trtllm:spec_accept_rate"};

/// series[0].stats.<stat> of a metric entry, when it is a number.
std::optional<double> series_stat(const ordered_json& metric, const char* stat) {
  if (!metric.is_object()) return std::nullopt;
  auto series = metric.find("series");
  if (series == metric.end() || !series->is_array() || series->empty()) return std::nullopt;
  const ordered_json& first = (*series)[0];
  if (!first.is_object()) return std::nullopt;
  auto stats = first.find("stats");
  if (stats == first.end() || !stats->is_object()) return std::nullopt;
  auto v = stats->find(stat);
  if (v == stats->end() || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

const ordered_json* metrics_of(const ordered_json& server_metrics) {
  if (!server_metrics.is_object()) return nullptr;
  auto m = server_metrics.find("metrics");
  return m != server_metrics.end() && m->is_object() ? &*m : nullptr;
}

std::optional<double> stat_of(const ordered_json& metrics, const std::string& name,
                              const char* stat) {
  auto it = metrics.find(name);
  return it == metrics.end() ? std::nullopt : series_stat(*it, stat);
}

/// A counter's total. Our export drops a counter's "_total" (as AIPerf's does) but an untyped
/// family keeps it, so both spellings are looked up.
std::optional<double> counter_total(const ordered_json& metrics, const std::string& name) {
  if (auto v = stat_of(metrics, name, "total")) return v;
  return stat_of(metrics, name + "_total", "total");
}

template <size_t N>
std::optional<double> first_gauge(const ordered_json& metrics, const char* const (&names)[N]) {
  for (const char* n : names) {
    if (auto v = stat_of(metrics, n, "avg")) return v;
  }
  return std::nullopt;
}

const ordered_json* member(const ordered_json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const ordered_json* path_of(const ordered_json& j, std::initializer_list<const char*> keys) {
  const ordered_json* cur = &j;
  for (const char* k : keys) {
    cur = member(*cur, k);
    if (!cur) return nullptr;
  }
  return cur;
}

/// input_config.datasets[0] (a list in this program and AIPerf; a name-keyed map in YAML form).
const ordered_json* first_dataset(const ordered_json& profile) {
  const ordered_json* ds = path_of(profile, {"input_config", "datasets"});
  if (!ds || ds->empty() || !(ds->is_array() || ds->is_object())) return nullptr;
  return &*ds->begin();
}

std::optional<std::string> category_of(const ordered_json* v) {
  if (!v || !v->is_string()) return std::nullopt;
  const std::string& s = v->get_ref<const std::string&>();
  if (s.size() <= kPrefix.size() || s.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  return s.substr(kPrefix.size());
}

/// The parsed file, or nullopt with the reason in *error.
std::optional<ordered_json> load_json(const fs::path& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return ordered_json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    *error = e.what();
    return std::nullopt;
  }
}

/// Two decimals, ties to even on the exact binary value (glibc's printf, as Python's format).
std::string fmt2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

/// The cells of a model's row after the name: the columns' values then Overall (the mean of
/// those present), `missing` where there is none.
std::vector<std::string> row_cells(const std::map<std::string, std::optional<double>>& data,
                                   const std::vector<std::string>& columns, const char* missing) {
  std::vector<std::string> cells;
  double sum = 0;
  size_t n = 0;
  for (const auto& col : columns) {
    auto it = data.find(col);
    if (it != data.end() && it->second) {
      cells.push_back(fmt2(*it->second));
      sum += *it->second;
      ++n;
    } else {
      cells.push_back(missing);
    }
  }
  cells.push_back(n ? fmt2(sum / double(n)) : std::string(missing));
  return cells;
}

std::optional<double> metric_value(const fs::path& dir, const ordered_json& profile, Metric metric,
                                   const WarnFn& warn) {
  if (metric == Metric::kThroughput) {
    auto v = extract_throughput(profile);
    if (!v) warn(fmt::format("{} has no output_token_throughput", (dir / kProfileJson).string()));
    return v;
  }
  const fs::path path = dir / kServerMetricsJson;
  if (!fs::exists(path)) {
    warn(fmt::format("no {} in {}", kServerMetricsJson, dir.string()));
    return std::nullopt;
  }
  std::string error;
  auto sm = load_json(path, &error);
  if (!sm) {
    warn(fmt::format("failed to read {}: {}", path.string(), error));
    return std::nullopt;
  }
  const bool length = metric == Metric::kAcceptLength;
  auto v = length ? extract_accept_length(*sm) : extract_accept_rate(*sm);
  if (!v) {
    warn(fmt::format("{} has no speculative-decoding acceptance {} metric", path.string(),
                     length ? "length" : "rate"));
  }
  return v;
}

}  // namespace

const std::vector<std::string>& qualitative_categories() {
  static const std::vector<std::string> k = {"coding", "humanities",    "math",      "multilingual",
                                             "qa",     "rag",           "reasoning", "roleplay",
                                             "stem",   "summarization", "writing"};
  return k;
}

const std::vector<std::string>& throughput_tiers() {
  static const std::vector<std::string> k = {"low_entropy", "mixed", "high_entropy"};
  return k;
}

std::vector<std::string> find_run_dirs(const std::vector<std::string>& paths, const WarnFn& warn) {
  std::vector<std::string> dirs;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      warn(fmt::format("{} {}, skipping", p,
                       fs::exists(p, ec) ? "is not a directory" : "does not exist"));
      continue;
    }
    if (fs::exists(fs::path(p) / kProfileJson, ec)) {
      dirs.push_back(p);
      continue;
    }
    std::vector<fs::path> children;
    for (const auto& e : fs::directory_iterator(p, ec)) {
      if (e.is_directory(ec) && fs::exists(e.path() / kProfileJson, ec)) {
        children.push_back(e.path());
      }
    }
    std::sort(children.begin(), children.end());
    for (const auto& c : children) dirs.push_back(c.string());
  }
  return dirs;
}

std::optional<std::string> extract_category(const ordered_json& profile) {
  if (const ordered_json* ds = first_dataset(profile)) {
    if (auto c = category_of(member(*ds, "format"))) return c;
    if (auto c = category_of(member(*ds, "dataset"))) return c;
  }
  if (auto c = category_of(path_of(profile, {"input_config", "input", "public_dataset"}))) {
    return c;
  }
  return category_of(path_of(profile, {"input_config", "input", "custom_dataset_type"}));
}

std::string extract_model(const ordered_json& profile) {
  const ordered_json* names = path_of(profile, {"input_config", "endpoint", "model_names"});
  if (names && names->is_array() && !names->empty() && (*names)[0].is_string()) {
    return (*names)[0].get<std::string>();
  }
  const ordered_json* items = path_of(profile, {"input_config", "models", "items"});
  if (items && items->is_array() && !items->empty()) {
    const ordered_json* name = member((*items)[0], "name");
    if (name && name->is_string()) return name->get<std::string>();
  }
  return "unknown";
}

std::optional<double> extract_accept_length(const ordered_json& server_metrics) {
  const ordered_json* metrics = metrics_of(server_metrics);
  if (!metrics) return std::nullopt;
  if (auto v = first_gauge(*metrics, kAcceptLengthGauges)) return v;
  // vLLM: each draft step yields one verified token plus the accepted draft tokens.
  auto accepted = counter_total(*metrics, "vllm:spec_decode_num_accepted_tokens");
  auto drafts = counter_total(*metrics, "vllm:spec_decode_num_drafts");
  if (accepted && drafts && *drafts > 0) return *accepted / *drafts + 1.0;
  // An engine not known by name: all of "spec", "accept" and "length" in the name.
  for (const auto& [name, data] : metrics->items()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (lower.find("spec") != std::string::npos && lower.find("accept") != std::string::npos &&
        lower.find("length") != std::string::npos) {
      if (auto v = series_stat(data, "avg")) return v;
    }
  }
  return std::nullopt;
}

std::optional<double> extract_accept_rate(const ordered_json& server_metrics) {
  const ordered_json* metrics = metrics_of(server_metrics);
  if (!metrics) return std::nullopt;
  if (auto v = first_gauge(*metrics, kAcceptRateGauges)) return v;
  auto accepted = counter_total(*metrics, "vllm:spec_decode_num_accepted_tokens");
  auto draft_tokens = counter_total(*metrics, "vllm:spec_decode_num_draft_tokens");
  if (accepted && draft_tokens && *draft_tokens > 0) return *accepted / *draft_tokens;
  return std::nullopt;
}

std::optional<double> extract_throughput(const ordered_json& profile) {
  const ordered_json* avg = path_of(profile, {"output_token_throughput", "avg"});
  if (avg && avg->is_number()) return avg->get<double>();
  return std::nullopt;
}

Matrix build_report(const std::vector<std::string>& run_dirs, Metric metric, const WarnFn& warn) {
  Matrix m;
  for (const auto& d : run_dirs) {
    const fs::path dir(d);
    std::string error;
    auto profile = load_json(dir / kProfileJson, &error);
    if (!profile) {
      warn(fmt::format("failed to read {}: {}, skipping", (dir / kProfileJson).string(), error));
      continue;
    }
    auto category = extract_category(*profile);
    if (!category) {
      warn(
          fmt::format("cannot determine the SPEED-Bench category of {} (its dataset is not a "
                      "speed_bench_* one), skipping",
                      d));
      continue;
    }
    std::string model = extract_model(*profile);
    m[model][*category] = metric_value(dir, *profile, metric, warn);
  }
  return m;
}

std::vector<std::string> detect_columns(const Matrix& m) {
  std::set<std::string> all;
  for (const auto& [model, data] : m) {
    for (const auto& [cat, v] : data) all.insert(cat);
  }
  for (const auto* order : {&qualitative_categories(), &throughput_tiers()}) {
    const bool subset = std::all_of(all.begin(), all.end(), [&](const std::string& c) {
      return std::find(order->begin(), order->end(), c) != order->end();
    });
    if (!subset) continue;
    std::vector<std::string> cols;
    for (const auto& c : *order) {
      if (all.count(c)) cols.push_back(c);
    }
    return cols;
  }
  return {all.begin(), all.end()};
}

std::string render_csv(const Matrix& m, const std::vector<std::string>& columns) {
  auto line = [](const std::vector<std::string>& fields) {
    std::string s;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) s += ',';
      s += exporter::detail::csv_field(fields[i]);
    }
    return s + "\r\n";
  };
  std::vector<std::string> header = {"Model"};
  header.insert(header.end(), columns.begin(), columns.end());
  header.push_back("Overall");
  std::string out = line(header);
  for (const auto& [model, data] : m) {
    std::vector<std::string> row = {model};
    for (auto& c : row_cells(data, columns, "")) row.push_back(std::move(c));
    out += line(row);
  }
  return out;
}

std::string render_table(const Matrix& m, const std::vector<std::string>& columns, Metric metric) {
  exporter::TextTable t;
  t.title = metric == Metric::kAcceptLength ? "SPEED-Bench Acceptance Length Report"
            : metric == Metric::kAcceptRate ? "SPEED-Bench Acceptance Rate Report"
                                            : "SPEED-Bench Throughput Report (tokens/sec)";
  t.columns.push_back({"Model", exporter::TextTable::Justify::kLeft});
  for (const auto& c : columns) t.columns.push_back({c, exporter::TextTable::Justify::kRight});
  t.columns.push_back({"Overall", exporter::TextTable::Justify::kRight});
  for (const auto& [model, data] : m) {
    std::vector<std::string> row = {model};
    for (auto& c : row_cells(data, columns, "-")) row.push_back(std::move(c));
    t.rows.push_back(std::move(row));
  }
  return t.render();
}

}  // namespace speed_bench

namespace {

const char* kUsage =
    "Usage: aiperf speed-bench-report PATHS... [OPTIONS]\n\n"
    "Assembles per-category SPEED-Bench runs (one `aiperf profile` per category, with\n"
    "--custom-dataset-type speed_bench_<category>) into a models x categories matrix, like the\n"
    "SPEED-Bench paper's. A path is a run directory (it holds profile_export_aiperf.json) or a\n"
    "folder of run directories. Acceptance figures come from each run's\n"
    "server_metrics_export.json (profile with --server-metrics).\n\n"
    "  --paths <path>...        the run directories or folders (same as positional arguments)\n"
    "  --empty-paths            forget the paths given so far\n"
    "  --output <file>          the CSV to write [default: speed_bench_report.csv]\n"
    "  --format csv|table|both  what to produce [default: both]\n"
    "  --metric accept_length|accept_rate|throughput\n"
    "                           the value of each cell [default: accept_length]\n";

struct ReportArgs {
  std::vector<std::string> paths;
  bool emptied = false;
  std::string output = "speed_bench_report.csv";
  bool csv = true, table = true;
  speed_bench::Metric metric = speed_bench::Metric::kAcceptLength;
};

void set_choice(ReportArgs& r, const std::string& flag, const std::string& v) {
  using speed_bench::Metric;
  if (flag == "--format") {
    if (v != "csv" && v != "table" && v != "both") {
      throw ConfigError("--format: invalid choice '" + v + "' (choose from: csv, table, both)");
    }
    r.csv = v != "table";
    r.table = v != "csv";
    return;
  }
  if (v == "accept_length") {
    r.metric = Metric::kAcceptLength;
  } else if (v == "accept_rate") {
    r.metric = Metric::kAcceptRate;
  } else if (v == "throughput") {
    r.metric = Metric::kThroughput;
  } else {
    throw ConfigError("--metric: invalid choice '" + v +
                      "' (choose from: accept_length, accept_rate, throughput)");
  }
}

ReportArgs parse(const std::vector<std::string>& args) {
  ReportArgs r;
  PathArgs scan(args);
  while (scan.next()) {
    const std::string& a = scan.flag();
    if (a == "--output") {
      r.output = scan.value();
    } else if (a == "--format" || a == "--metric") {
      set_choice(r, a, scan.value());
    } else {
      throw ConfigError("unknown option " + a + " (see aiperf speed-bench-report --help)");
    }
  }
  r.paths = scan.paths();
  r.emptied = scan.emptied();
  if (r.paths.empty() && !r.emptied) {
    throw ConfigError("missing PATHS: give run directories or folders of runs");
  }
  return r;
}

/// The report; a failure (exit 1) is thrown as InputError.
void generate(const ReportArgs& r) {
  auto warn = [](const std::string& w) { std::fprintf(stderr, "Warning: %s\n", w.c_str()); };
  auto dirs = speed_bench::find_run_dirs(r.paths, warn);
  if (dirs.empty()) throw InputError("no aiperf run directories found");
  std::printf("Found %zu run directories.\n", dirs.size());
  std::fflush(stdout);
  auto matrix = speed_bench::build_report(dirs, r.metric, warn);
  if (matrix.empty()) throw InputError("no SPEED-Bench results extracted");
  auto columns = speed_bench::detect_columns(matrix);
  if (r.table) std::fputs(speed_bench::render_table(matrix, columns, r.metric).c_str(), stdout);
  if (r.csv) {
    std::ofstream out(r.output, std::ios::binary | std::ios::trunc);
    std::string text = speed_bench::render_csv(matrix, columns);
    out << text;
    out.close();
    if (!out) {
      throw InputError(fmt::format("cannot write {}: {}", r.output, std::strerror(errno)));
    }
    std::printf("CSV written to %s\n", r.output.c_str());
  }
}

}  // namespace

int run_speed_bench_report(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  ReportArgs r;
  try {
    r = parse(args);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf speed-bench-report: error: %s\n", e.what());
    return kExitUsage;
  }
  try {
    generate(r);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "Error: %s.\n", e.what());
    return kExitBenchmarkFailed;
  }
  return 0;
}

}  // namespace aiperf::cli
