// The registries `aiperf plugins` lists (spec §9.4): AIPerf's category names, filled from each
// stage's own table where it has one (endpoint, arrival pattern, public datasets) and from the
// config enums otherwise, plus what loaded plugins add. A new family of built-ins adds its
// category here in one block.
#include <map>

#include "aiperf/config/speed_bench.h"
#include "aiperf/config/workload.h"
#include "aiperf/dataset/public/public_loaders.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/plugin/plugin.h"
#include "aiperf/schedule/arrival.h"

namespace aiperf::plugin {

namespace {

/// endpoint name → the plugin package that registered it.
std::map<std::string, std::string> plugin_endpoint_packages() {
  std::map<std::string, std::string> m;
  for (const LoadedPlugin& p : loaded_plugins()) {
    for (const std::string& e : p.endpoints) m[e] = p.package;
  }
  return m;
}

Category endpoints() {
  Category c{"endpoint",
             "How a request body is written and a response read, for each API (--endpoint-type).",
             {}};
  auto pkgs = plugin_endpoint_packages();
  for (const endpoint::EndpointEntry& e : endpoint::registry()) {
    auto it = pkgs.find(e.name);
    c.entries.push_back({e.name, e.description, it == pkgs.end() ? "aiperf" : it->second});
  }
  return c;
}

Category custom_loaders() {
  using T = config::CustomDatasetType;
  static const std::pair<T, const char*> kRows[] = {
      {T::kSingleTurn, "one request per line: text, texts, images, audio, timestamps"},
      {T::kMultiTurn, "sessions of several turns with delays (session_id groups lines)"},
      {T::kMooncakeTrace, "Mooncake trace: timestamps, lengths and hash ids of shared prefixes"},
      {T::kBailianTrace, "Alibaba Bailian trace rows replayed with their timing"},
      {T::kBurstGptTrace, "BurstGPT CSV rows: timestamps and request/response lengths"},
      {T::kRandomPool, "a pool of prompts drawn at random (shuffled) for each request"},
      {T::kRawPayload, "each line is a whole request body sent as it is"},
      {T::kInputsJson, "an inputs.json of an earlier run: its payloads sent again"},
      {T::kSageMakerDataCapture, "SageMaker data-capture JSONL: the captured request bodies"},
  };
  Category c{"custom_dataset_loader",
             "Readers of dataset files (--input-file with --custom-dataset-type).",
             {}};
  for (const auto& [t, d] : kRows) c.entries.push_back({config::to_string(t), d});
  for (const config::SpeedBenchFormat& f : config::speed_bench_formats()) {
    c.entries.push_back({f.name, f.category.empty()
                                     ? std::string("SPEED-Bench JSONL rows, every category")
                                     : "SPEED-Bench JSONL rows of category " + f.category});
  }
  return c;
}

Category public_loaders() {
  Category c{
      "public_dataset_loader", "Shared benchmark datasets fetched by name (--public-dataset).", {}};
  for (const dataset::PublicDatasetInfo& d : dataset::public_datasets()) {
    std::string desc;
    if (d.kind == dataset::PublicKind::kUnsupported) {
      desc = "known, not supported here: " + std::string(d.note);
    } else if (!d.hf_repo.empty()) {
      desc = "Hugging Face " + std::string(d.hf_repo) + " (" + std::string(d.hf_split) + ")";
    } else {
      desc = "downloaded from its project's URL";
    }
    c.entries.push_back({std::string(d.name), desc});
  }
  return c;
}

Category samplers() {
  return {"dataset_sampler",
          "Which conversation each new session takes (--dataset-sampling-strategy).",
          {{"sequential", "in dataset order, wrapping around"},
           {"random", "uniformly at random, with replacement"},
           {"shuffle", "a random permutation, reshuffled when used up"}}};
}

Category timing() {
  return {"timing_strategy",
          "When requests are sent: the load generator's mode.",
          {{"request_rate",
            "--concurrency alone: closed loop of session slots; with --request-rate: open loop "
            "at the arrival pattern's times"},
           {"fixed_schedule", "replay a trace at its timestamps (--fixed-schedule)"},
           {"user_centric_rate",
            "--num-users users each sending a turn every num_users/rate seconds"}}};
}

Category arrivals() {
  Category c{
      "arrival_pattern", "Gaps between arrivals in request-rate mode (--arrival-pattern).", {}};
  for (const schedule::ArrivalPatternInfo& a : schedule::arrival_patterns()) {
    c.entries.push_back({std::string(a.name), std::string(a.description)});
  }
  return c;
}

Category data_exporters() {
  Category c{"data_exporter",
             "Files written after a run (--export-level chooses the per-request ones).",
             {{"json", "profile_export_aiperf.json: every statistic, run info and errors"},
              {"csv", "profile_export_aiperf.csv: the statistics as a table"},
              {"jsonl", "profile_export.jsonl: one line per request (records, raw)"},
              {"raw", "profile_export_raw.jsonl: request and response bodies (raw)"},
              {"timeslices", "profile_export_aiperf_timeslices.json/.csv (--slice-duration)"},
              {"inputs", "inputs.json: every request body as rendered before the run"}}};
  for (const ExporterEntry& x : plugin_exporters()) {
    c.entries.push_back({x.name, x.description, x.package});
  }
  return c;
}

Category console_exporters() {
  return {"console_exporter",
          "What the console shows after a run.",
          {{"metrics", "the metric tables (LLM metrics, usage, client metrics)"},
           {"client_health", "the client's own CPU and send lateness, and whether it kept up"},
           {"errors", "requests that failed, grouped by code, type and message"},
           {"scale_out", "per-rank figures of a run under mpirun (requests, lateness, clocks)"}}};
}

Category uis() {
  return {"ui",
          "The live display during a run (--ui-type).",
          {{"none", "nothing until the results"},
           {"simple", "a progress line per phase"},
           {"dashboard", "accepted; shown as simple in this build"}}};
}

Category transports() {
  return {"transport",
          "How requests reach the server.",
          {{"http",
            "HTTP/1.1 with keep-alive and TLS, chunked and SSE, on one epoll loop per "
            "worker thread"}}};
}

Category service_managers() {
  return {"service_manager",
          "How the work of one run is spread over processes.",
          {{"in_process", "one process: worker threads, the record pipeline and the schedule"},
           {"mpi",
            "N ranks under mpirun, srun or an MPIJob: rank 0 gathers every record "
            "(docs/scale-out.md)"}}};
}

}  // namespace

std::vector<Category> categories() {
  return {arrivals(),  console_exporters(), custom_loaders(),   data_exporters(), samplers(),
          endpoints(), public_loaders(),    service_managers(), timing(),         transports(),
          uis()};
}

}  // namespace aiperf::plugin
