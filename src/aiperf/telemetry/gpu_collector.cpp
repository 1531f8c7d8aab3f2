// DCGM and NVML collection (gpu_collector.h).
#include "aiperf/telemetry/gpu_collector.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "aiperf/common/clock.h"

namespace aiperf::telemetry {

GpuCollector::GpuCollector(GpuSettings settings) : settings_(std::move(settings)) {
  defs_ = default_gpu_metrics();
  for (const std::string& csv : settings_.custom_csvs) load_custom_gpu_metrics(csv, &defs_);
  for (size_t i = 0; i < settings_.dcgm_urls.size(); ++i) {
    auto s = std::make_unique<Source>();
    s->name = settings_.dcgm_urls[i];
    s->store = std::make_unique<GpuStore>(&defs_);
    EndpointSettings es;
    es.interval_ns = settings_.interval_ns;
    es.scrape = settings_.scrape;
    es.quiet_if_unreachable =
        i >= settings_.dcgm_user_given.size() || !settings_.dcgm_user_given[i];
    es.quiet_if_refused = es.quiet_if_unreachable;
    es.trtllm_fallback = false;
    es.what = "GPU telemetry";
    es.silence_hint = "--no-gpu-telemetry";
    Source* src = s.get();
    s->scraper = std::make_unique<EndpointScraper>(s->name, es, [this, src](const ScrapedBody& b) {
      auto recs = gpu_records_from_dcgm(b.exposition, defs_);
      for (auto& r : recs) src->store->add(r.id, b.mono_ns, b.wall_ns, r.values);
      write_lines(*src, b.wall_ns, recs);
    });
    sources_.push_back(std::move(s));
  }
  if (settings_.nvml || settings_.amdsmi) {
    auto s = std::make_unique<Source>();
    s->name = settings_.nvml ? kNvmlSource : kAmdSmiSource;
    s->store = std::make_unique<GpuStore>(&defs_);
    nvml_source_ = s.get();
    sources_.push_back(std::move(s));
  }
}

GpuCollector::~GpuCollector() {
  stop();
}

void GpuCollector::write_lines(Source& s, int64_t wall_ns, const std::vector<GpuRecord>& recs) {
  if (!recs.empty()) {
    std::lock_guard lk(live_mu_);
    auto it =
        std::find_if(latest_.begin(), latest_.end(), [&](const auto& p) { return p.first == &s; });
    if (it == latest_.end()) it = latest_.insert(latest_.end(), {&s, {}});
    it->second = recs;
  }
  std::lock_guard lk(jsonl_mu_);
  if (settings_.jsonl_path.empty() || recs.empty()) return;
  if (!jsonl_) {
    try {
      jsonl_ = std::make_unique<JsonlFile>(settings_.jsonl_path);
    } catch (const std::exception& e) {
      spdlog::warn("GPU telemetry: {}", e.what());
      settings_.jsonl_path.clear();
      return;
    }
  }
  for (const GpuRecord& r : recs) {
    render_gpu_line(s.line, s.name, wall_ns, r, defs_);
    jsonl_->write_line(s.line);
  }
}

std::vector<std::string> GpuCollector::live_lines() const {
  auto index = [&](const char* field) {
    for (size_t i = 0; i < defs_.size(); ++i) {
      if (defs_[i].field == field) return i;
    }
    return defs_.size();
  };
  struct Col {
    size_t i, amd;  // NVIDIA's field, AMD's
    const char *before, *format;
  };
  const Col cols[] = {{index("gpu_utilization"), index("amd_gfx_activity"), "util ", "{:.0f} %"},
                      {index("gpu_power_usage"), index("amd_power"), "", "{:.0f} W"},
                      {index("gpu_memory_used"), index("amd_memory_used"), "mem ", "{:.1f} GB"},
                      {index("gpu_temperature"), index("amd_temperature"), "", "{:.0f} °C"}};
  std::lock_guard lk(live_mu_);
  std::vector<std::string> out;
  for (const auto& [src, recs] : latest_) {
    for (const GpuRecord& r : recs) {
      std::string line = fmt::format("gpu{} {}", r.id.gpu_index, r.id.model_name);
      for (const Col& c : cols) {
        for (size_t i : {c.i, c.amd}) {
          if (i >= r.values.size() || !std::isfinite(r.values[i])) continue;
          line += "  " + std::string(c.before) + fmt::format(fmt::runtime(c.format), r.values[i]);
          break;
        }
      }
      if (latest_.size() > 1) line += "  (" + src->name + ")";
      out.push_back(std::move(line));
    }
  }
  return out;
}

bool GpuCollector::nvml_tick() {
  const int64_t mono = mono_ns(), wall = wall_ns();
  std::vector<GpuRecord> recs;
  if (nvml_) {
    for (size_t i = 0; i < nvml_->gpus().size(); ++i) {
      recs.push_back(NvmlLibrary::to_record(nvml_->gpus()[i], nvml_->read(i), defs_));
    }
  } else {
    for (size_t i = 0; i < amdsmi_->gpus().size(); ++i) {
      recs.push_back(AmdSmiLibrary::to_record(amdsmi_->gpus()[i], amdsmi_->read(i), defs_));
    }
  }
  for (auto& r : recs) nvml_source_->store->add(r.id, mono, wall, r.values);
  write_lines(*nvml_source_, wall, recs);
  return true;
}

void GpuCollector::start() {
  for (auto& s : sources_) {
    if (s->scraper) s->scraper->start();
  }
  if (nvml_source_ && settings_.nvml) {
    nvml_ = NvmlLibrary::open(&nvml_error_, settings_.nvml_library);
    if (!nvml_) {
      spdlog::warn("GPU telemetry (pynvml): {}; no GPU metrics for this run", nvml_error_);
      return;
    }
    spdlog::info("GPU telemetry (pynvml): {} GPU(s) through NVML", nvml_->gpus().size());
    nvml_poller_.start(settings_.interval_ns, [this] { return nvml_tick(); });
  } else if (nvml_source_) {
    amdsmi_ = AmdSmiLibrary::open(&nvml_error_, settings_.amdsmi_library);
    if (!amdsmi_) {
      spdlog::warn("GPU telemetry (amdsmi): {}; no GPU metrics for this run", nvml_error_);
      return;
    }
    spdlog::info("GPU telemetry (amdsmi): {} GPU(s) through AMD SMI", amdsmi_->gpus().size());
    nvml_poller_.start(settings_.interval_ns, [this] { return nvml_tick(); });
  }
}

void GpuCollector::scrape_all_now(int64_t timeout_ns) {
  wait_all(request_all(), mono_ns() + timeout_ns);
}

std::vector<uint64_t> GpuCollector::request_all() {
  std::vector<uint64_t> tickets;
  for (auto& s : sources_) tickets.push_back(s->scraper ? s->scraper->request_scrape() : 0);
  tickets.push_back(nvml_ || amdsmi_ ? nvml_poller_.request() : 0);
  return tickets;
}

void GpuCollector::wait_all(const std::vector<uint64_t>& tickets, int64_t deadline) {
  for (size_t i = 0; i < sources_.size() && i < tickets.size(); ++i) {
    if (sources_[i]->scraper) sources_[i]->scraper->wait_scrape(tickets[i], deadline);
  }
  if (tickets.size() > sources_.size()) nvml_poller_.wait(tickets.back(), deadline);
}

void GpuCollector::stop() {
  for (auto& s : sources_) {
    if (s->scraper) s->scraper->stop();
  }
  nvml_poller_.stop();
  nvml_.reset();
  amdsmi_.reset();
  std::lock_guard lk(jsonl_mu_);
  if (jsonl_) jsonl_->close();
}

std::optional<std::string> GpuCollector::jsonl_path() const {
  if (!jsonl_) return std::nullopt;  // read after stop(): no writer left
  return jsonl_->path();
}

namespace {

size_t column_of(const std::vector<GpuMetricDef>& defs, const char* field) {
  size_t i = 0;
  while (i < defs.size() && defs[i].field != field) ++i;
  return i;
}

bool has_values(const GpuSeries& g, size_t col) {
  for (const auto& row : g.values) {
    if (col < row.size() && std::isfinite(row[col])) return true;
  }
  return false;
}

}  // namespace

GpuReport GpuCollector::report(const Window& window, int64_t phase_end_ns, int64_t start_wall,
                               int64_t end_wall) const {
  GpuReport rep;
  rep.start_wall_ns = start_wall;
  rep.end_wall_ns = end_wall;
  bool all_cover = true;
  for (const auto& s : sources_) {
    rep.endpoints_configured.push_back(s->name);
    if (s->store->gpus().empty()) continue;
    rep.endpoints_successful.push_back(s->name);
    for (GpuSummary& g : summarize_gpus(*s->store, s->name, window)) {
      rep.gpus.push_back(std::move(g));
    }
    // Cross-GPU totals (spec §2.5 "GPU power efficiency").
    // The window already ends on the closing scrape taken when the phase ended, which is what
    // AIPerf's 666 ms grace (AIPERF_GPU_FINAL_SCRAPE_GRACE_NS) is there to catch; idle energy
    // after the phase is not counted (docs/differences.md).
    const Window& energy_window = window;
    const size_t nvidia_col = column_of(defs_, "energy_consumption");
    const size_t amd_col = column_of(defs_, "amd_energy_consumption");
    for (const GpuSeries& g : s->store->gpus()) {
      // An AMD GPU's energy counter is amd_energy_consumption (AIPerf's vendor field).
      const size_t energy_col = has_values(g, nvidia_col) ? nvidia_col : amd_col;
      std::vector<double> col;
      for (const auto& row : g.values) {
        col.push_back(energy_col < row.size() ? row[energy_col] : std::nan(""));
      }
      bool covered = false;
      auto d = gpu_counter_delta(g.t_mono, col, energy_window, &covered, phase_end_ns);
      if (!d) continue;
      rep.total_energy_j = rep.total_energy_j.value_or(0.0) + *d * 1e6;  // MJ -> J
      ++rep.energy_gpus;
      all_cover = all_cover && covered;
    }
  }
  for (const GpuSummary& g : rep.gpus) {
    const GpuMetricStats* p = g.find("gpu_power_usage");
    if (!p || !p->gauge) p = g.find("amd_power");
    if (!p || !p->gauge) continue;
    rep.total_power_w = rep.total_power_w.value_or(0.0) + p->gauge->avg;
    ++rep.power_gpus;
  }
  rep.energy_covers_window = rep.energy_gpus > 0 && all_cover;
  return rep;
}

}  // namespace aiperf::telemetry
