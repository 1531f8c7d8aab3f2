// Export stage (spec §6): artifact names, profile_export_aiperf.json / .csv, the per-record
// profile_export.jsonl and profile_export_raw.jsonl writers, and the console report.
//
// Call order (one run):
//   ArtifactPaths paths = artifact_paths(cfg);
//   RecordWriters writers(cfg, ctx, paths);                 // per --export-level
//   for each record: const auto& v = agg.add(rec); writers.write(rec, v);
//   writers.close();
//   Results results = agg.finish();
//   write_summary_json(paths.summary_json, results, ctx, cfg, info);
//   write_summary_csv(paths.summary_csv, results, ctx);
//   print_console(stdout, results, ctx, &health, files);
//
// Threading: writers are single-threaded (one thread calls write()). Rendering functions are
// pure. File errors throw std::runtime_error naming the path. Writers keep references to the
// RunContext / Config they were built with: those must outlive them.
// Secrets: input_config and run_info.cli_command come from config::redacted_config_json and
// config::redacted_command_line; raw request headers redact credentials the same way.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/record/processed_record.h"

namespace aiperf::exporter {

inline constexpr const char* kRedacted = "<redacted>";
inline constexpr const char* kSchemaVersion = "1.3";

// ------------------------------------------------------------------ file names (spec §6.2)
struct ArtifactPaths {
  std::string dir;
  std::string summary_json;     // profile_export_aiperf.json | P.json
  std::string summary_csv;      // profile_export_aiperf.csv  | P.csv
  std::string records_jsonl;    // profile_export.jsonl       | P.jsonl
  std::string raw_jsonl;        // profile_export_raw.jsonl   | P_raw.jsonl
  std::string timeslices_json;  // profile_export_aiperf_timeslices.json | P_timeslices.json
  std::string timeslices_csv;   // profile_export_aiperf_timeslices.csv  | P_timeslices.csv
  // Telemetry (spec §7): server_metrics_export.{json,csv,jsonl,parquet} | P_server_metrics.*,
  // gpu_telemetry_export.jsonl | P_gpu_telemetry.jsonl.
  std::string server_metrics_json, server_metrics_csv, server_metrics_jsonl;
  std::string server_metrics_parquet;
  std::string gpu_telemetry_jsonl;
  // --network-latency-automatic probes: profile_export_network_latency.jsonl |
  // P_network_latency.jsonl.
  std::string network_latency_jsonl;
};
/// Paths inside cfg.artifact_dir (already resolved), honouring --profile-export-prefix (known
/// suffixes such as ".json", "_raw.jsonl" are stripped from the prefix first).
ArtifactPaths artifact_paths(const config::Config& cfg);
ArtifactPaths artifact_paths(const std::string& dir, const std::optional<std::string>& prefix);

// ------------------------------------------------------------------ client self-watch
/// Raw self-measurements of the client, gathered by the run (cli/transport).
struct ClientSelfStats {
  int64_t cpu_ns = 0;    // CPU time of all aiperf threads during profiling
  int64_t requests = 0;  // requests completed (valid + error) during profiling
  /// Per worker (I/O) thread: CPU time / wall time of the profiling phase, 0..1.
  std::vector<double> worker_thread_utilization;
  /// During profiling, summed over the client's threads (/proc/self/task/*/schedstat): time on a
  /// CPU and time runnable but waiting for one; unset where the kernel does not say.
  std::optional<double> on_cpu_ms, run_queue_wait_ms;
  int64_t involuntary_context_switches = 0;
  /// A just-in-time dataset (sessions rendered while the run goes): times the schedule found no
  /// session ready during profiling, sessions rendered, and the renderer's CPU time.
  int64_t dataset_stalls = 0;
  int64_t dataset_sessions = 0;
  int64_t dataset_cpu_ns = 0;
  /// The I/O threads were not allowed to run below the process's nice (affinity::enter_role).
  bool latency_boost_refused = false;
};

/// What the JSON ("client_health") and the console say about the client itself.
struct ClientHealth {
  double cpu_us_per_request = 0;
  double worker_thread_cpu_utilization = 0;  // busiest worker thread, 0..1
  std::optional<double> send_lateness_p50_ms, send_lateness_p99_ms, send_lateness_max_ms;
  /// Time the client's threads waited for a CPU core, and that wait / their time on a CPU.
  std::optional<double> run_queue_wait_ms, run_queue_wait_ratio;
  int64_t involuntary_context_switches = 0;
  /// Times a just-in-time dataset's renderer was behind the schedule (0 when none or not one),
  /// and its CPU per session.
  int64_t dataset_stalls = 0;
  std::optional<double> dataset_cpu_us_per_session;
  bool client_bottleneck = false;
  std::string reason;  // why it was (or was not) the bottleneck; one line
};

/// A worker thread this busy cannot react to its sockets in time.
inline constexpr double kBottleneckThreadUtilization = 0.85;
/// Sends this late (p99) mean the schedule was not kept.
inline constexpr double kBottleneckLatenessP99Ms = 1.0;
/// Threads that waited for a core this long relative to their time on one (and at least
/// kBusyMachineMinWaitMs in all) shared a busy machine: their timestamps carry that wait.
inline constexpr double kBusyMachineRunQueueRatio = 0.25;
inline constexpr double kBusyMachineMinWaitMs = 20.0;

/// Fills ClientHealth from the self-measurements and the send_lateness distribution in
/// `results`, and decides whether the client was the bottleneck (any threshold above).
ClientHealth assess_client_health(const ClientSelfStats& stats, const metrics::Results& results);

// ------------------------------------------------------------------ summary JSON (spec §6.3)
struct SummaryInfo {
  std::string aiperf_version;
  std::string benchmark_id;
  bool was_cancelled = false;
  /// Profiling phase wall-clock span (epoch ns); 0 = use the records' min start/max response.
  int64_t start_wall_ns = 0;
  int64_t end_wall_ns = 0;
  std::optional<ClientHealth> client_health;
  /// The seed the run derived its random streams from (run_info.random_seed); unset: the
  /// --random-seed of the config, if any.
  std::optional<uint64_t> random_seed;
  /// Extra top-level sections (key, JSON text) from run observers (telemetry, ...): a key of
  /// AIPerf's declared order (e.g. "telemetry_data") takes its declared place, others follow
  /// "client_health" in the order given.
  std::vector<std::pair<std::string, std::string>> sections;
  /// More run_info fields (key, JSON text) of a run that is part of a study (sweep_id, trial,
  /// run_label, variation_label, variation_index, variation_values). A field not given takes
  /// the value AIPerf's RunInfo documents for a single run: trial 0, variation "base", index 0,
  /// values {}. Written in AIPerf's order whatever the order here.
  std::vector<std::pair<std::string, std::string>> run_info;
};

/// Metrics the summary files carry: have a value, not EXPERIMENTAL, not INTERNAL (unless
/// AIPERF_DEV_SHOW_INTERNAL_METRICS).
bool exported_in_summary(const metrics::MetricInfo& m, const metrics::RunContext& ctx);

/// Python `datetime.fromtimestamp(ns / 1e9).isoformat()`: local time, no offset,
/// microseconds only when non-zero.
std::string iso_local_time(int64_t epoch_ns);

std::string render_summary_json(const metrics::Results& results, const metrics::RunContext& ctx,
                                const config::Config& cfg, const SummaryInfo& info);
void write_summary_json(const std::string& path, const metrics::Results& results,
                        const metrics::RunContext& ctx, const config::Config& cfg,
                        const SummaryInfo& info);

// ------------------------------------------------------------------ summary CSV (spec §6.4)
std::string render_summary_csv(const metrics::Results& results, const metrics::RunContext& ctx);
void write_summary_csv(const std::string& path, const metrics::Results& results,
                       const metrics::RunContext& ctx);

// ------------------------------------------------------------------ time slices (§6.6)
/// {"timeslices": [{"timeslice_index": i, "<tag>": {...}, ...}], "input_config": {...}}: every
/// slice's metrics as in the summary JSON. `slices` oldest first (metrics::TimesliceAggregator).
std::string render_timeslices_json(const std::vector<metrics::Results>& slices,
                                   const metrics::RunContext& ctx, const config::Config& cfg);
/// Tidy CSV: Timeslice,Metric,Unit,Stat,Value; per slice, metrics sorted by tag, each present
/// statistic in the order avg,min,max,sum,p1..p99,std.
std::string render_timeslices_csv(const std::vector<metrics::Results>& slices,
                                  const metrics::RunContext& ctx);
/// Writes both to paths.timeslices_json / .timeslices_csv (throws std::runtime_error).
void write_timeslices(const ArtifactPaths& paths, const std::vector<metrics::Results>& slices,
                      const metrics::RunContext& ctx, const config::Config& cfg);

// ------------------------------------------------------------------ per-record JSONL (§6.5)
namespace detail {
class RecordFile;  // record_file.h
class LineSpool;   // line_spool.h
}  // namespace detail

/// What the profile_export.jsonl line of a record carries that plots read back
/// (report::read_records): the request's start and end (wall epoch ns, its metadata's
/// request_start_ns and request_end_ns), whether it failed, and each scalar metric's value as
/// the line writes it (display unit; integer metrics rounded), in line order.
struct LineValues {
  int64_t start_wall_ns = 0;
  int64_t end_wall_ns = 0;
  bool error = false;
  std::vector<std::pair<metrics::MetricId, double>> metrics;
};

/// One line per profiling record (detail::RecordFile: a 1 MiB buffer, O_DIRECT where the file
/// system takes it, AIPERF_EXPORT_DIRECT_IO). The lines are rendered in idle time by a thread of
/// idle priority (detail::LineSpool) when `deferred` (unset: AIPERF_EXPORT_DEFERRED_LINES) and
/// --export-http-trace is off, else as records arrive; close() completes the file either way.
class JsonlWriter {
 public:
  JsonlWriter(const std::string& path, const metrics::RunContext& ctx,
              std::optional<bool> deferred = std::nullopt);
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  /// Writes `rec` (warmup records and records with neither metrics nor error are skipped).
  void write(const record::ProcessedRecord& rec, const metrics::RecordValues& values);
  /// Hands what is buffered to the kernel (to the renderer, when deferred). Like write(),
  /// throws std::runtime_error "cannot write <path>: <why>" on a failed write (ENOSPC, EFBIG).
  void flush();
  void close();
  /// Lines in the file (after close(), every line written).
  int64_t lines_written() const { return lines_; }
  /// Whether the lines are rendered in idle time (detail::LineSpool).
  bool deferred() const { return spool_ != nullptr; }

  /// The line for `rec` without the trailing newline (used by write; exposed for tests).
  static std::string render_line(const record::ProcessedRecord& rec,
                                 const metrics::RecordValues& values,
                                 const metrics::RunContext& ctx);
  /// The same into `out` (cleared first; its capacity is reused); false when nothing is written.
  static bool render_line_into(std::string& out, const record::ProcessedRecord& rec,
                               const metrics::RecordValues& values, const metrics::RunContext& ctx);
  /// The values of the line write() would write for `rec` into `out` (cleared first), without
  /// rendering it; false when write() writes no line (warmup; neither metrics nor error).
  /// `wanted` (per metric index; null: all) limits out.metrics to the metrics it flags.
  static bool line_values(const record::ProcessedRecord& rec, const metrics::RecordValues& values,
                          const metrics::RunContext& ctx, LineValues& out,
                          const uint8_t* wanted = nullptr);

 private:
  void put(const record::ProcessedRecord& rec, const metrics::RecordValues& values);

  std::unique_ptr<detail::RecordFile> file_;  // null once closed
  const metrics::RunContext& ctx_;
  int64_t lines_ = 0;
  std::string line_;                          // reused between records
  std::unique_ptr<detail::LineSpool> spool_;  // declared last: its renderer uses the above
};

/// profile_export_raw.jsonl (--export-level raw, spec §6.7).
class RawJsonlWriter {
 public:
  RawJsonlWriter(const std::string& path, const config::Config& cfg);
  ~RawJsonlWriter();
  RawJsonlWriter(const RawJsonlWriter&) = delete;
  RawJsonlWriter& operator=(const RawJsonlWriter&) = delete;

  void write(const record::ProcessedRecord& rec);
  /// Hands what is buffered to the kernel. Like write(), throws std::runtime_error "cannot
  /// write <path>: <why>" on a failed write (ENOSPC, EFBIG).
  void flush();
  void close();

  static std::string render_line(const record::ProcessedRecord& rec, const config::Config& cfg);

 private:
  std::unique_ptr<detail::RecordFile> file_;  // null once closed
  const config::Config& cfg_;
};

/// Whether --export-level writes profile_export.jsonl (records and raw do).
inline bool writes_record_lines(const config::Config& cfg) {
  return cfg.export_level == config::ExportLevel::kRecords ||
         cfg.export_level == config::ExportLevel::kRaw;
}

/// The per-record writers that --export-level asks for: records → profile_export.jsonl,
/// raw → that plus profile_export_raw.jsonl, summary → none. Creates the artifact directory.
class RecordWriters {
 public:
  RecordWriters(const config::Config& cfg, const metrics::RunContext& ctx,
                const ArtifactPaths& paths);
  void write(const record::ProcessedRecord& rec, const metrics::RecordValues& values);
  void flush();
  void close();
  /// (label, path) of the files written, for the console's closing lines.
  std::vector<std::pair<std::string, std::string>> files() const;
  /// The first write error ("cannot write <path>: No space left on device"), empty if none.
  /// After one, nothing more is written (the run goes on; it reports the error at the end).
  const std::string& error() const { return error_; }

 private:
  template <class Fn>
  void guard(Fn&& fn);
  std::optional<JsonlWriter> jsonl_;
  std::optional<RawJsonlWriter> raw_;
  std::string jsonl_path_, raw_path_;
  std::string error_;
};

// ------------------------------------------------------------------ console (spec §6.8)
/// Who we are in console titles: AIPerf's titles read "NVIDIA AIPerf | ..."; this program is not
/// NVIDIA's, so its tables say so (artifact names and keys stay AIPerf's).
inline constexpr std::string_view kConsoleTitle = "aiperf (C++)";
/// `aiperf (C++) | LLM Metrics` (group kDefault) or `... | LLM Metrics: Usage` etc.; empty
/// string when the group has no rows.
std::string render_metrics_table(const metrics::Results& results, const metrics::RunContext& ctx,
                                 metrics::ConsoleGroup group = metrics::ConsoleGroup::kDefault);
/// `aiperf (C++) | Error Summary`; empty when there were no errors.
std::string render_error_summary(const metrics::Results& results);
/// Panels shown only when the counts are > 0; empty otherwise.
std::string render_osl_mismatch_warning(const metrics::Results& results,
                                        const metrics::RunContext& ctx);
std::string render_usage_discrepancy_warning(const metrics::Results& results,
                                             const metrics::RunContext& ctx);
/// `aiperf (C++) | HTTP Trace Timing` (the http_req_* metrics), only with --show-trace-timing.
std::string render_http_trace_table(const metrics::Results& results,
                                    const metrics::RunContext& ctx);
/// aiperf-C++: a panel when streamed chunks carried several tokens on average (>= 1.5), with
/// inter_token_latency_per_token; empty otherwise.
std::string render_chunk_tokens_notice(const metrics::Results& results);
/// A line naming the network-adjusted metrics whose samples were clamped at 0; empty if none.
std::string render_network_clamp_warning(const metrics::Results& results);
/// aiperf-C++ extension: the client-side metrics table and the client health lines.
std::string render_client_section(const metrics::Results& results, const ClientHealth* health);

/// Everything, in AIPerf's order: error summary, main table(s), usage-discrepancy warning,
/// OSL-mismatch warning, the Client section, `panels` (from run observers: telemetry, ...),
/// then the `files` (label, path) lines.
std::string render_console(const metrics::Results& results, const metrics::RunContext& ctx,
                           const ClientHealth* health,
                           const std::vector<std::pair<std::string, std::string>>& files = {},
                           const std::vector<std::string>& panels = {});
void print_console(std::FILE* out, const metrics::Results& results, const metrics::RunContext& ctx,
                   const ClientHealth* health,
                   const std::vector<std::pair<std::string, std::string>>& files = {},
                   const std::vector<std::string>& panels = {});

/// A box-drawn table like Rich's default (heavy head). Exposed for the UI and tests.
struct TextTable {
  enum class Justify { kLeft, kRight };
  struct Column {
    std::string header;
    Justify justify = Justify::kRight;
  };
  std::string title;
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;  // cells may contain '\n'
  std::string render() const;
};

}  // namespace aiperf::exporter
