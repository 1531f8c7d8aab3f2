// `aiperf speed-bench-report` (spec §1.1; docs/speed-bench.md): one matrix of models x SPEED-Bench
// categories out of several finished runs (one `aiperf profile` per category), with the
// speculative-decoding acceptance length, the acceptance rate or the output token throughput.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aiperf::cli {

/// `aiperf speed-bench-report PATHS... [OPTIONS]` (args after the command word). 0 ok, 1 no
/// runs or no SPEED-Bench results (or the CSV cannot be written), 2 bad options.
int run_speed_bench_report(const std::vector<std::string>& args);

namespace speed_bench {

enum class Metric { kAcceptLength, kAcceptRate, kThroughput };

/// Where warnings go (one line each, without the newline).
using WarnFn = std::function<void(const std::string&)>;

/// model -> category -> value (nullopt: the run is there but has no value).
using Matrix = std::map<std::string, std::map<std::string, std::optional<double>>>;

/// The 11 qualitative categories and the 3 throughput tiers, in the paper's column order.
const std::vector<std::string>& qualitative_categories();
const std::vector<std::string>& throughput_tiers();

/// Each path that holds a profile_export_aiperf.json, else its direct children that do (sorted
/// by name). A path that is not a directory is warned about and skipped.
std::vector<std::string> find_run_dirs(const std::vector<std::string>& paths, const WarnFn& warn);

/// The category ("coding") of a run's profile export: the dataset name after "speed_bench_",
/// from input_config.datasets[0].format (this program, AIPerf's v2 config), .datasets[0].dataset,
/// .input.public_dataset or .input.custom_dataset_type (older AIPerf).
std::optional<std::string> extract_category(const nlohmann::ordered_json& profile);

/// input_config.endpoint.model_names[0], else input_config.models.items[0].name, else "unknown".
std::string extract_model(const nlohmann::ordered_json& profile);

/// From a server_metrics_export.json: the engines' gauges, else vLLM's counters, else (length
/// only) any metric named like spec...accept...length.
std::optional<double> extract_accept_length(const nlohmann::ordered_json& server_metrics);
std::optional<double> extract_accept_rate(const nlohmann::ordered_json& server_metrics);

/// output_token_throughput.avg of a profile export.
std::optional<double> extract_throughput(const nlohmann::ordered_json& profile);

/// Reads every run; skipped runs are warned about.
Matrix build_report(const std::vector<std::string>& run_dirs, Metric metric, const WarnFn& warn);

/// The qualitative order if every category is one, else the tiers' order likewise, else sorted.
std::vector<std::string> detect_columns(const Matrix& m);

/// The CSV (Model, the columns, Overall; CRLF line ends and minimal quoting like Python's csv).
std::string render_csv(const Matrix& m, const std::vector<std::string>& columns);

/// The console table with its title.
std::string render_table(const Matrix& m, const std::vector<std::string>& columns, Metric metric);

}  // namespace speed_bench
}  // namespace aiperf::cli
