// GPU metric table, DCGM mapping, per-GPU series and statistics (gpu_metrics.h).
#include "aiperf/telemetry/gpu_metrics.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>

#include "aiperf/common/error.h"
#include "aiperf/telemetry/json_util.h"

namespace aiperf::telemetry {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// "sm clock frequency" -> "SM Clock Frequency" (acronyms kept upper case, as AIPerf does).
std::string title_case(const std::string& s) {
  static const char* kAcronyms[] = {"gpu",  "xid", "sm",  "nvlink", "pci",
                                    "pcie", "cpu", "ram", "vram",   "ecc"};
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string lw = lower(word);
    bool acr = std::any_of(std::begin(kAcronyms), std::end(kAcronyms),
                           [&](const char* a) { return lw == a; });
    if (acr) {
      for (char& c : lw) c = char(std::toupper(static_cast<unsigned char>(c)));
      word = lw;
    } else {
      word = lw;
      word[0] = char(std::toupper(static_cast<unsigned char>(word[0])));
    }
    if (!out.empty()) out += ' ';
    out += word;
    word.clear();
  };
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

/// Unit from a help text "... (in UNIT)"; counts otherwise (AIPerf's table).
std::string unit_from_help(const std::string& help) {
  std::string l = lower(help);
  size_t p = l.find("(in ");
  if (p == std::string::npos) return "count";
  size_t b = p + 4;
  while (b < l.size() && l[b] == ' ') ++b;
  size_t e = b;
  while (e < l.size() && l[e] != ')' && l[e] != ' ') ++e;
  std::string u = l.substr(b, e - b);
  static const std::pair<const char*, const char*> kMap[] = {
      {"w", "W"},     {"%", "%"},    {"percent", "%"}, {"gb", "GB"},      {"mb", "MB"},
      {"kb", "KB"},   {"gib", "GB"}, {"mib", "MB"},    {"kib", "KB"},     {"mhz", "MHz"},
      {"ghz", "GHz"}, {"c", "°C"},   {"°c", "°C"},     {"celsius", "°C"}, {"count", "count"},
      {"us", "us"},   {"ms", "ms"},  {"s", "sec"},     {"mj", "MJ"},      {"j", "J"}};
  for (const auto& [k, v] : kMap) {
    if (u == k) return v;
  }
  return "count";
}

}  // namespace

std::vector<GpuMetricDef> default_gpu_metrics() {
  return {
      {"gpu_power_usage", "DCGM_FI_DEV_POWER_USAGE", "GPU Power Usage", "W", 1.0, false},
      {"energy_consumption", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "Energy Consumption", "MJ",
       1e-9, true},
      {"gpu_utilization", "DCGM_FI_DEV_GPU_UTIL", "GPU Utilization", "%", 1.0, false},
      {"gpu_memory_used", "DCGM_FI_DEV_FB_USED", "GPU Memory Used", "GB", 1.048576e-3, false},
      {"gpu_temperature", "DCGM_FI_DEV_GPU_TEMP", "GPU Temperature", "°C", 1.0, false},
      {"mem_utilization", "DCGM_FI_DEV_MEM_COPY_UTIL", "Memory Utilization", "%", 1.0, false},
      {"sm_utilization", "DCGM_FI_PROF_SM_ACTIVE", "SM Utilization", "%", 100.0, false},
      {"decoder_utilization", "DCGM_FI_DEV_DEC_UTIL", "Decoder Utilization", "%", 1.0, false},
      {"encoder_utilization", "DCGM_FI_DEV_ENC_UTIL", "Encoder Utilization", "%", 1.0, false},
      {"jpg_utilization", "", "JPEG Utilization", "%", 1.0, false},
      {"xid_errors", "DCGM_FI_DEV_XID_ERRORS", "XID Errors", "count", 1.0, true},
      {"power_violation", "DCGM_FI_DEV_POWER_VIOLATION", "Power Violation", "us", 1e-3, true},
      // NVML reads the clocks too; a custom CSV naming these DCGM fields maps onto the same rows.
      {"sm_clock", "DCGM_FI_DEV_SM_CLOCK", "SM Clock", "MHz", 1.0, false},
      {"mem_clock", "DCGM_FI_DEV_MEM_CLOCK", "Memory Clock", "MHz", 1.0, false},
      // AMD GPUs through AMD SMI (--gpu-telemetry amdsmi), AIPerf's vendor-named fields: the
      // signals do not measure the same things as NVML's.
      {"amd_power", "", "AMD GPU Power", "W", 1.0, false},
      {"amd_energy_consumption", "", "AMD Energy Consumption", "MJ", 1.0, true},
      {"amd_gfx_activity", "", "AMD GFX Activity", "%", 1.0, false},
      {"amd_umc_activity", "", "AMD UMC Activity", "%", 1.0, false},
      {"amd_mm_activity", "", "AMD MM Activity", "%", 1.0, false},
      {"amd_memory_used", "", "AMD GPU Memory Used", "GB", 1.0, false},
      {"amd_temperature", "", "AMD GPU Temperature", "°C", 1.0, false},
      {"amd_ecc_uncorrectable", "", "AMD ECC Uncorrectable", "count", 1.0, true},
  };
}

void load_custom_gpu_metrics(const std::string& path, std::vector<GpuMetricDef>* defs) {
  std::ifstream f(path);
  if (!f) throw InputError("--gpu-telemetry: cannot read custom metrics file " + path);
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t c1 = line.find(',');
    size_t c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
    if (c2 == std::string::npos) {
      spdlog::warn("{} line {}: expected 'DCGM_FIELD, gauge|counter, help'; skipped", path, n);
      continue;
    }
    std::string field = trim(line.substr(0, c1));
    std::string type = lower(trim(line.substr(c1 + 1, c2 - c1 - 1)));
    std::string help = trim(line.substr(c2 + 1));
    if (field.rfind("DCGM_FI_", 0) != 0) {
      spdlog::warn("{} line {}: '{}' is not a DCGM field (DCGM_FI_...); skipped", path, n, field);
      continue;
    }
    if (type != "gauge" && type != "counter") {
      spdlog::warn("{} line {}: type '{}' must be gauge or counter; skipped", path, n, type);
      continue;
    }
    bool known = std::any_of(defs->begin(), defs->end(),
                             [&](const GpuMetricDef& d) { return d.dcgm == field; });
    if (known) continue;  // already collected (a default field)
    std::string suffix = field.substr(field.rfind("DCGM_FI_DEV_", 0) == 0    ? 12
                                      : field.rfind("DCGM_FI_PROF_", 0) == 0 ? 13
                                                                             : 8);
    GpuMetricDef d;
    d.field = lower(suffix);
    d.dcgm = field;
    std::string disp = trim(help.substr(0, help.find('(')));
    d.display = title_case(disp.empty() ? d.field : disp);
    for (char& ch : d.display) {
      if (ch == '_') ch = ' ';
    }
    d.unit = unit_from_help(help);
    d.counter = type == "counter";
    if (std::any_of(defs->begin(), defs->end(),
                    [&](const GpuMetricDef& x) { return x.field == d.field; })) {
      continue;
    }
    defs->push_back(std::move(d));
  }
}

void GpuStore::add(const GpuIdentity& id, int64_t mono_ns, int64_t wall_ns,
                   std::vector<double> values) {
  std::string key = id.uuid;
  if (key.empty()) key.append("#").append(std::to_string(id.gpu_index));
  auto it = index_.find(key);
  size_t i;
  if (it == index_.end()) {
    i = gpus_.size();
    gpus_.push_back(GpuSeries{id, {}, {}, {}});
    index_.emplace(key, i);
  } else {
    i = it->second;
  }
  GpuSeries& g = gpus_[i];
  g.t_mono.push_back(mono_ns);
  g.t_wall.push_back(wall_ns);
  g.values.push_back(std::move(values));
}

std::vector<GpuRecord> gpu_records_from_dcgm(const Exposition& x,
                                             const std::vector<GpuMetricDef>& defs) {
  std::map<std::string_view, size_t> by_name;
  for (size_t i = 0; i < defs.size(); ++i) {
    if (!defs[i].dcgm.empty()) by_name.emplace(defs[i].dcgm, i);
  }
  std::map<int, GpuRecord> recs;
  for (const Sample& s : x.samples()) {
    std::string_view name = s.name;
    if (name.size() > 6 && name.substr(name.size() - 6) == "_total") {
      name.remove_suffix(6);
    }
    auto it = by_name.find(name);
    if (it == by_name.end() || !std::isfinite(s.value)) continue;
    const std::string_view* g = x.label(s, "gpu");
    if (!g) continue;
    int idx = 0;
    auto r = std::from_chars(g->data(), g->data() + g->size(), idx);
    if (r.ec != std::errc() || r.ptr != g->data() + g->size()) continue;
    auto [ri, fresh] = recs.try_emplace(idx);
    GpuRecord& rec = ri->second;
    if (fresh) {
      rec.values.assign(defs.size(), kNaN);
      rec.id.gpu_index = idx;
      auto get = [&](std::string_view k) {
        const std::string_view* v = x.label(s, k);
        return v ? std::string(*v) : std::string();
      };
      rec.id.uuid = get("UUID");
      rec.id.model_name = get("modelName");
      rec.id.pci_bus_id = get("pci_bus_id");
      rec.id.device = get("device");
      rec.id.hostname = get("hostname");
      if (rec.id.hostname.empty()) rec.id.hostname = get("Hostname");
      rec.id.namespace_ = get("namespace");
      rec.id.pod_name = get("pod");
    }
    const GpuMetricDef& d = defs[it->second];
    rec.values[it->second] = s.value * d.dcgm_scale;
  }
  std::vector<GpuRecord> out;
  for (auto& [i, r] : recs) out.push_back(std::move(r));
  return out;
}

void render_gpu_line(std::string& out, const std::string& source, int64_t wall_ns,
                     const GpuRecord& rec, const std::vector<GpuMetricDef>& defs) {
  using detail::append_json_number;
  using detail::append_json_string;
  out.clear();
  out += "{\"timestamp_ns\":" + std::to_string(wall_ns) + ",\"dcgm_url\":";
  append_json_string(out, source);
  out += ",\"gpu_index\":" + std::to_string(rec.id.gpu_index);
  auto opt = [&](const char* key, const std::string& v) {
    if (v.empty()) return;
    out += ",\"";
    out += key;
    out += "\":";
    append_json_string(out, v);
  };
  opt("gpu_uuid", rec.id.uuid);
  opt("gpu_model_name", rec.id.model_name);
  opt("pci_bus_id", rec.id.pci_bus_id);
  opt("device", rec.id.device);
  opt("hostname", rec.id.hostname);
  opt("namespace", rec.id.namespace_);
  opt("pod_name", rec.id.pod_name);
  out += ",\"telemetry_data\":{";
  bool first = true;
  for (size_t i = 0; i < defs.size() && i < rec.values.size(); ++i) {
    if (!std::isfinite(rec.values[i])) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, defs[i].field);
    out += ':';
    append_json_number(out, rec.values[i]);
  }
  out += "}}";
}

std::optional<double> gpu_counter_delta(const std::vector<int64_t>& t, const std::vector<double>& v,
                                        const Window& w, bool* covered, int64_t cover_end_ns) {
  std::optional<size_t> ref, first, last;
  bool after_end = false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(v[i])) continue;
    if (t[i] < w.start_ns) {
      ref = i;
    } else if (t[i] <= w.end_ns) {
      if (!first) first = i;
      last = i;
      if (t[i] >= cover_end_ns) after_end = true;
    }
  }
  if (covered) *covered = ref.has_value() && after_end;
  if (!last) return std::nullopt;
  double base = v[ref ? *ref : *first];
  return std::max(0.0, v[*last] - base);
}

const GpuMetricStats* GpuSummary::find(const std::string& field) const {
  for (const auto& m : metrics) {
    if (m.def->field == field) return &m;
  }
  return nullptr;
}

std::vector<GpuSummary> summarize_gpus(const GpuStore& store, const std::string& source,
                                       const Window& window) {
  std::vector<GpuSummary> out;
  const auto& defs = store.defs();
  for (const GpuSeries& g : store.gpus()) {
    GpuSummary s;
    s.source = source;
    s.id = g.id;
    for (size_t m = 0; m < defs.size(); ++m) {
      GpuMetricStats ms;
      ms.def = &defs[m];
      std::vector<double> col(g.values.size(), kNaN);
      for (size_t k = 0; k < g.values.size(); ++k) {
        if (m < g.values[k].size()) col[k] = g.values[k][m];
      }
      if (defs[m].counter) {
        ms.counter_delta = gpu_counter_delta(g.t_mono, col, window);
        if (!ms.counter_delta) continue;
      } else {
        std::vector<Point> pts;
        for (size_t k = 0; k < col.size(); ++k) pts.push_back({g.t_mono[k], col[k]});
        ms.gauge = gauge_stats(pts, window);
        if (!ms.gauge) continue;
      }
      s.metrics.push_back(std::move(ms));
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const GpuSummary& a, const GpuSummary& b) {
    return a.id.gpu_index < b.id.gpu_index;
  });
  return out;
}

std::string endpoint_display(const std::string& url) {
  std::string s = url;
  for (const char* p : {"http://", "https://"}) {
    if (s.rfind(p, 0) == 0) s = s.substr(std::char_traits<char>::length(p));
  }
  if (s.size() > 8 && s.substr(s.size() - 8) == "/metrics") s.resize(s.size() - 8);
  return s;
}

}  // namespace aiperf::telemetry
