// Fake DCGM exporter (dcgm_faker.h).
#include "aiperf/mock/dcgm_faker.h"

#include <fmt/format.h>

#include <algorithm>

namespace aiperf::mock {

namespace {

struct GpuModel {
  const char* key;
  const char* name;
  double mem_gb, max_w, idle_w, clk_base, clk_boost, temp_idle, temp_max;
};

// Public specifications (model name as nvidia-smi shows it, memory, power, clocks).
constexpr GpuModel kModels[] = {
    {"rtx6000", "NVIDIA RTX 6000 Ada Generation", 48, 300, 30, 915, 2505, 35, 83},
    {"a100", "NVIDIA A100-SXM4-40GB", 40, 400, 50, 765, 1410, 40, 85},
    {"h100", "NVIDIA H100 PCIe", 80, 350, 40, 1095, 1830, 35, 82},
    {"h100-sxm", "NVIDIA H100 80GB HBM3", 80, 700, 70, 1350, 1980, 40, 88},
    {"h200", "NVIDIA H200", 141, 700, 70, 1350, 1980, 40, 88},
    {"b200", "NVIDIA B200", 192, 1000, 100, 1500, 2200, 40, 90},
    {"gb200", "NVIDIA GB200", 192, 1200, 100, 1500, 2200, 40, 90},
};

const GpuModel& model_of(const std::string& key) {
  for (const auto& m : kModels) {
    if (key == m.key) return m;
  }
  return kModels[4];
}

}  // namespace

bool dcgm_gpu_known(const std::string& name) {
  return std::any_of(std::begin(kModels), std::end(kModels),
                     [&](const GpuModel& m) { return name == m.key; });
}

DcgmFaker::DcgmFaker(DcgmOptions opts, int exporter)
    : opts_(std::move(opts)), rng_(splitmix64(opts_.seed ^ (0xdc9e0000ULL + uint64_t(exporter)))) {
  const GpuModel& m = model_of(opts_.gpu_name);
  model_ = m.name;
  mem_gb_ = m.mem_gb;
  max_w_ = m.max_w;
  idle_w_ = m.idle_w;
  clk_base_ = m.clk_base;
  clk_boost_ = m.clk_boost;
  temp_idle_ = m.temp_idle;
  temp_max_ = m.temp_max;
  if (exporter > 1) opts_.hostname += "-" + std::to_string(exporter);
  for (int i = 0; i < opts_.num_gpus; ++i) {
    Gpu g;
    g.index = i;
    uint64_t a = rng_.next(), b = rng_.next();
    g.uuid = fmt::format("GPU-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", uint32_t(a),
                         uint32_t(a >> 32) & 0xffff, uint32_t(a >> 48), uint32_t(b) & 0xffff,
                         b >> 16 & 0xffffffffffffULL);
    g.pci_bus_id = fmt::format("00000000:{:02X}:00.0", 0x18 + 0x10 * i);
    g.offset = (rng_.uniform01() - 0.5) * 0.1;
    g.energy_mj = 1.0e9 + double(rng_.next() % 1'000'000'000ULL);  // "since boot"
    gpus_.push_back(std::move(g));
  }
}

double DcgmFaker::load(int64_t now, uint64_t tokens) {
  if (!opts_.auto_load) return 0.0;
  history_.emplace_back(now, tokens);
  const int64_t window = int64_t(opts_.window_s * 1e9);
  while (history_.size() > 2 && history_[1].first <= now - window) history_.pop_front();
  double rate = 0;
  if (history_.size() >= 2) {
    double dt = double(history_.back().first - history_.front().first) / 1e9;
    if (dt > 0) rate = double(history_.back().second - history_.front().second) / dt;
  }
  peak_rate_ = std::max(peak_rate_, rate);
  return std::min(1.0, rate / std::max(opts_.min_throughput, peak_rate_));
}

void DcgmFaker::advance(int64_t now, double load) {
  const double dt = last_ns_ ? double(now - last_ns_) / 1e9 : 0.0;
  last_ns_ = now;
  auto noisy = [&](double v, double spread, double hi) {
    return std::clamp(v * (1.0 + (rng_.uniform01() - 0.5) * 2 * spread), 0.0, hi);
  };
  for (Gpu& g : gpus_) {
    // The energy counter integrates the power held since the last scrape.
    g.energy_mj += g.power * dt * 1000.0;
    if (g.power > 0.95 * max_w_) g.power_violation_ns += dt * 1e9 * 0.1;
    double l = std::clamp(load + (load > 0 ? g.offset : 0.0), 0.0, 1.0);
    g.util = noisy(5 + l * 95, 0.03, 100);
    g.power = noisy(idle_w_ + l * (max_w_ - idle_w_), 0.02, max_w_);
    g.temp = noisy(temp_idle_ + l * (temp_max_ - temp_idle_), 0.01, temp_max_);
    g.mem_used_mib = noisy(mem_gb_ * 1024 * (0.10 + l * 0.75), 0.02, mem_gb_ * 1024);
    g.sm_clock = noisy(clk_base_ + l * (clk_boost_ - clk_base_), 0.01, clk_boost_);
    g.sm_active = std::clamp(l * 0.9, 0.0, 1.0);
  }
}

std::string DcgmFaker::scrape(int64_t now, uint64_t tokens_total) {
  std::lock_guard lk(mu_);
  advance(now, load(now, tokens_total));
  std::string out;
  out.reserve(4096);
  auto it = std::back_inserter(out);
  auto field = [&](const char* name, const char* type, const char* help, auto value_of) {
    fmt::format_to(it, "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    for (const Gpu& g : gpus_) {
      fmt::format_to(it,
                     "{}{{gpu=\"{}\",UUID=\"{}\",pci_bus_id=\"{}\",device=\"nvidia{}\","
                     "modelName=\"{}\",Hostname=\"{}\"}} {}\n",
                     name, g.index, g.uuid, g.pci_bus_id, g.index, model_, opts_.hostname,
                     value_of(g));
    }
  };
  auto f6 = [](double v) { return fmt::format("{:.6f}", v); };
  auto i64 = [](double v) { return fmt::format("{}", int64_t(v)); };
  field("DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).",
        [&](const Gpu& g) { return i64(g.sm_clock); });
  field("DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).",
        [&](const Gpu& g) { return i64(g.temp); });
  field("DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).",
        [&](const Gpu& g) { return f6(g.power); });
  field("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter",
        "Total energy consumption since boot (in mJ).",
        [&](const Gpu& g) { return i64(g.energy_mj); });
  field("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).",
        [&](const Gpu& g) { return i64(g.util); });
  field("DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %).",
        [&](const Gpu& g) { return i64(g.util * 0.5); });
  field("DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered.",
        [&](const Gpu&) { return std::string("0"); });
  field("DCGM_FI_DEV_POWER_VIOLATION", "counter",
        "Throttling duration due to power constraints (in ns).",
        [&](const Gpu& g) { return i64(g.power_violation_ns); });
  field("DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).",
        [&](const Gpu& g) { return i64(mem_gb_ * 1024 - g.mem_used_mib); });
  field("DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).",
        [&](const Gpu& g) { return i64(g.mem_used_mib); });
  field("DCGM_FI_PROF_SM_ACTIVE", "gauge",
        "The ratio of cycles an SM has at least 1 warp assigned (in %).",
        [&](const Gpu& g) { return f6(g.sm_active); });
  return out;
}

}  // namespace aiperf::mock
