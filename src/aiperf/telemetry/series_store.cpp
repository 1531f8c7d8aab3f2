// Run-length time series per endpoint (series_store.h).
#include "aiperf/telemetry/series_store.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace aiperf::telemetry {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

double parse_le(std::string_view le) {
  if (le == "+Inf" || le == "Inf" || le == "inf" || le == "+inf") {
    return std::numeric_limits<double>::infinity();
  }
  double v = std::numeric_limits<double>::quiet_NaN();
  std::from_chars(le.data(), le.data() + le.size(), v);
  return v;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

std::string export_family_name(const Family& f) {
  std::string n(f.name);
  if (f.type == MetricType::kCounter && ends_with(n, "_total")) n.resize(n.size() - 6);
  return n;
}

bool keep_family(const Family& f) {
  if (f.type == MetricType::kSummary || f.type == MetricType::kGaugeHistogram) return false;
  std::string_view n = f.name;
  if (ends_with(n, "_created") || ends_with(n, "_uptime")) return false;
  return n.find("_uptime_") == std::string_view::npos;
}

uint32_t EndpointStore::family_for(const Exposition& x, const Family& f) {
  (void)x;
  std::string name = export_family_name(f);
  auto it = family_index_.find(name);
  if (it != family_index_.end()) {
    FamilyInfo& fi = families_[it->second];
    if (fi.help.empty() && !f.help.empty()) fi.help.assign(f.help);
    return it->second;
  }
  uint32_t idx = uint32_t(families_.size());
  FamilyInfo& fi = families_.emplace_back();
  fi.name = name;
  fi.type =
      f.type == MetricType::kInfo || f.type == MetricType::kStateSet ? MetricType::kGauge : f.type;
  fi.help.assign(f.help);
  family_index_.emplace(std::move(name), idx);
  return idx;
}

uint32_t EndpointStore::series_for(const Exposition& x, const Sample& s, uint32_t pos,
                                   uint32_t scrape) {
  if (pos < by_position_.size()) {
    uint32_t id = by_position_[pos];
    if (id < series_.size() && series_[id].raw_key == s.series_key) return id;
  }
  std::string key(s.series_key);
  auto it = by_key_.find(key);
  uint32_t id;
  if (it != by_key_.end()) {
    id = it->second;
  } else {
    id = uint32_t(series_.size());
    StoredSeries& ss = series_.emplace_back();
    ss.family = family_for(x, x.families()[s.family]);
    ss.role = s.role;
    ss.raw_key = key;
    ss.born_late = scrape > 0;
    const Label* l = x.labels_of(s);
    for (uint32_t i = 0; i < s.label_count; ++i) {
      if (s.role == SampleRole::kBucket && l[i].name == "le") {
        ss.le.assign(l[i].value);
        ss.le_value = parse_le(l[i].value);
        continue;
      }
      ss.labels.emplace_back(std::string(l[i].name), std::string(l[i].value));
    }
    std::sort(ss.labels.begin(), ss.labels.end());
    by_key_.emplace(std::move(key), id);
  }
  if (by_position_.size() <= pos) by_position_.resize(pos + 1, UINT32_MAX);
  by_position_[pos] = id;
  return id;
}

uint32_t EndpointStore::ingest(const Exposition& x, int64_t mono_ns, int64_t wall_ns) {
  const uint32_t k = uint32_t(scrape_mono_.size());
  scrape_mono_.push_back(mono_ns);
  scrape_wall_.push_back(wall_ns);
  const auto& fams = x.families();
  std::vector<int8_t> keep(fams.size(), -1);
  uint32_t pos = 0;
  for (const Sample& s : x.samples()) {
    int8_t& kf = keep[s.family];
    if (kf < 0) kf = keep_family(fams[s.family]) ? 1 : 0;
    if (!kf || s.role == SampleRole::kCreated || !std::isfinite(s.value)) continue;
    if (fams[s.family].type == MetricType::kHistogram && s.role == SampleRole::kBucket &&
        !x.label(s, "le")) {
      continue;  // a bucket without a bound cannot be placed
    }
    uint32_t id = series_for(x, s, pos++, k);
    auto& runs = series_[id].runs;
    if (!runs.empty()) {
      auto& r = runs.back();
      if (r.first + r.count == k && same_bits(r.value, s.value)) {
        ++r.count;
        continue;
      }
      if (r.first + r.count > k) continue;  // the same series twice in one scrape: first wins
    }
    runs.push_back({k, 1, s.value});
  }
  return k;
}

std::vector<Point> EndpointStore::points(const StoredSeries& s) const {
  std::vector<Point> out;
  for (const auto& r : s.runs) {
    for (uint32_t i = 0; i < r.count; ++i) out.push_back({scrape_mono_[r.first + i], r.value});
  }
  return out;
}

double EndpointStore::value_at(const StoredSeries& s, uint32_t k) const {
  auto it = std::upper_bound(s.runs.begin(), s.runs.end(), k,
                             [](uint32_t v, const StoredSeries::Run& r) { return v < r.first; });
  if (it == s.runs.begin()) return std::numeric_limits<double>::quiet_NaN();
  --it;
  return k < it->first + it->count ? it->value : std::numeric_limits<double>::quiet_NaN();
}

void EndpointStore::trim_before(int64_t mono_ns) {
  uint32_t first_in = uint32_t(std::lower_bound(scrape_mono_.begin(), scrape_mono_.end(), mono_ns) -
                               scrape_mono_.begin());
  for (auto& s : series_) {
    auto& runs = s.runs;
    // Index of the last run that starts before first_in: keep it (the reference) and later.
    size_t keep_from = 0;
    for (size_t i = 0; i < runs.size() && runs[i].first < first_in; ++i) keep_from = i;
    if (keep_from > 0) runs.erase(runs.begin(), runs.begin() + long(keep_from));
  }
}

size_t EndpointStore::memory_bytes() const {
  size_t n = scrape_mono_.capacity() * 16;
  for (const auto& s : series_) n += s.runs.capacity() * sizeof(StoredSeries::Run) + 128;
  return n;
}

}  // namespace aiperf::telemetry
