// Server metrics collection and window statistics (server_metrics.h).
#include "aiperf/telemetry/server_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "aiperf/common/clock.h"
#include "aiperf/telemetry/json_util.h"

namespace aiperf::telemetry {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string labels_text(const LabelList& l) {
  std::string s;
  for (const auto& [k, v] : l) {
    s += k;
    s += '\x1f';
    s += v;
    s += '\x1e';
  }
  return s;
}

}  // namespace

// ------------------------------------------------------------------------------- JsonlFile

JsonlFile::JsonlFile(const std::string& path) : path_(path) {
  f_ = std::fopen(path.c_str(), "wb");
  if (!f_) throw std::runtime_error("cannot write " + path);
  std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
}

JsonlFile::~JsonlFile() {
  close();
}

void JsonlFile::write_line(const std::string& line) {
  std::lock_guard lk(mu_);
  if (!f_) return;
  std::fwrite(line.data(), 1, line.size(), f_);
  std::fputc('\n', f_);
}

void JsonlFile::close() {
  std::lock_guard lk(mu_);
  if (f_) std::fclose(f_);
  f_ = nullptr;
}

// ------------------------------------------------------------------------------- JSONL line

void render_scrape_line(std::string& out, const std::string& endpoint_url, const ScrapedBody& b) {
  using detail::append_json_number;
  using detail::append_json_string;
  const Exposition& x = b.exposition;
  out.clear();
  out += "{\"endpoint_url\":";
  append_json_string(out, endpoint_url);
  out += ",\"timestamp_ns\":" + std::to_string(b.wall_ns);
  out += ",\"endpoint_latency_ns\":" + std::to_string(b.latency_ns);
  out += ",\"metrics\":{";
  const auto& fams = x.families();
  const auto& samples = x.samples();
  // Samples of a family are grouped by family index; histogram samples by their labels
  // without "le". Families are written in order of first appearance.
  std::vector<std::vector<uint32_t>> by_family(fams.size());
  for (uint32_t i = 0; i < samples.size(); ++i) by_family[samples[i].family].push_back(i);
  bool first_family = true;
  auto write_labels = [&](const Sample& s, bool skip_le) {
    const Label* l = x.labels_of(s);
    bool any = false;
    for (uint32_t k = 0; k < s.label_count; ++k) {
      if (skip_le && l[k].name == "le") continue;
      out += any ? "," : "\"labels\":{";
      any = true;
      append_json_string(out, l[k].name);
      out += ':';
      append_json_string(out, l[k].value);
    }
    if (any) out += "},";
  };
  for (uint32_t f = 0; f < fams.size(); ++f) {
    const Family& fam = fams[f];
    if (by_family[f].empty() || !keep_family(fam)) continue;
    if (!first_family) out += ',';
    first_family = false;
    append_json_string(out, export_family_name(fam));
    out += ":[";
    bool first = true;
    if (fam.type != MetricType::kHistogram) {
      for (uint32_t i : by_family[f]) {
        const Sample& s = samples[i];
        if (s.role == SampleRole::kCreated || !std::isfinite(s.value)) continue;
        out += first ? "{" : ",{";
        first = false;
        write_labels(s, false);
        out += "\"value\":";
        append_json_number(out, s.value);
        out += '}';
      }
      out += ']';
      continue;
    }
    // Histogram: one object per label set.
    std::vector<std::pair<std::string, std::vector<uint32_t>>> groups;
    for (uint32_t i : by_family[f]) {
      const Sample& s = samples[i];
      if (s.role == SampleRole::kCreated) continue;
      std::string key;
      const Label* l = x.labels_of(s);
      for (uint32_t k = 0; k < s.label_count; ++k) {
        if (l[k].name == "le") continue;
        key.append(l[k].name).append(1, '\x1f').append(l[k].value).append(1, '\x1e');
      }
      auto it =
          std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
      if (it == groups.end()) {
        groups.emplace_back(std::move(key), std::vector<uint32_t>{i});
      } else {
        it->second.push_back(i);
      }
    }
    for (const auto& [key, idx] : groups) {
      out += first ? "{" : ",{";
      first = false;
      write_labels(samples[idx.front()], true);
      out += "\"buckets\":{";
      bool fb = true;
      double sum = kNaN, count = kNaN;
      for (uint32_t i : idx) {
        const Sample& s = samples[i];
        if (s.role == SampleRole::kBucket) {
          const std::string_view* le = x.label(s, "le");
          if (!le) continue;
          if (!fb) out += ',';
          fb = false;
          append_json_string(out, *le);
          out += ':';
          append_json_number(out, s.value);
        } else if (s.role == SampleRole::kSum) {
          sum = s.value;
        } else if (s.role == SampleRole::kCount) {
          count = s.value;
        }
      }
      out += "},\"sum\":";
      append_json_number(out, sum);
      out += ",\"count\":";
      append_json_number(out, count);
      out += '}';
    }
    out += ']';
  }
  out += "},\"request_sent_ns\":" + std::to_string(b.sent_wall_ns);
  out += ",\"first_byte_ns\":" + std::to_string(b.wall_ns) + "}";
}

// ------------------------------------------------------------------------------- collector

ServerMetricsCollector::ServerMetricsCollector(ServerMetricsSettings settings)
    : settings_(std::move(settings)) {
  if (!settings_.jsonl_path.empty()) jsonl_ = std::make_unique<JsonlFile>(settings_.jsonl_path);
  for (size_t i = 0; i < settings_.urls.size(); ++i) {
    const std::string& url = settings_.urls[i];
    auto e = std::make_unique<Endpoint>();
    EndpointSettings es;
    es.interval_ns = settings_.interval_ns;
    es.scrape = settings_.scrape;
    es.quiet_if_unreachable = i < settings_.derived.size() && settings_.derived[i];
    Endpoint* ep = e.get();
    e->scraper = std::make_unique<EndpointScraper>(
        url, es, [this, ep](const ScrapedBody& b) { on_exposition(*ep, b); });
    endpoints_.push_back(std::move(e));
  }
}

ServerMetricsCollector::~ServerMetricsCollector() {
  stop();
}

void ServerMetricsCollector::start() {
  for (auto& e : endpoints_) e->scraper->start();
}

void ServerMetricsCollector::scrape_all_now(int64_t timeout_ns) {
  wait_all(request_all(), mono_ns() + timeout_ns);
}

std::vector<uint64_t> ServerMetricsCollector::request_all() {
  std::vector<uint64_t> tickets;
  for (auto& e : endpoints_) tickets.push_back(e->scraper->request_scrape());
  return tickets;
}

void ServerMetricsCollector::wait_all(const std::vector<uint64_t>& tickets, int64_t deadline) {
  for (size_t i = 0; i < endpoints_.size() && i < tickets.size(); ++i) {
    endpoints_[i]->scraper->wait_scrape(tickets[i], deadline);
  }
}

void ServerMetricsCollector::stop() {
  for (auto& e : endpoints_) e->scraper->stop();
  if (jsonl_) jsonl_->close();
}

void ServerMetricsCollector::on_exposition(Endpoint& e, const ScrapedBody& b) {
  e.store.ingest(b.exposition, b.mono_ns, b.wall_ns);
  if (jsonl_) {
    render_scrape_line(e.line, e.scraper->active_url(), b);
    jsonl_->write_line(e.line);
  }
}

std::optional<std::string> ServerMetricsCollector::jsonl_path() const {
  if (!jsonl_) return std::nullopt;
  return jsonl_->path();
}

size_t ServerMetricsCollector::successful_endpoints() const {
  size_t n = 0;
  for (const auto& e : endpoints_) n += e->scraper->ever_succeeded() ? 1 : 0;
  return n;
}

// ------------------------------------------------------------------------------- statistics

void summarize_store(const EndpointStore& store, const std::string& endpoint_url,
                     const Window& window, std::map<std::string, ServerMetric>* out) {
  const auto& fams = store.families();
  const auto& series = store.series();
  // Histograms: family -> label set -> component series.
  struct Hist {
    uint32_t family;
    LabelList labels;
    std::vector<const StoredSeries*> buckets;
    const StoredSeries* sum = nullptr;
    const StoredSeries* count = nullptr;
  };
  std::map<std::pair<uint32_t, std::string>, Hist> hists;
  for (const StoredSeries& s : series) {
    const FamilyInfo& f = fams[s.family];
    ServerMetric& m = (*out)[f.name];
    if (m.name.empty()) {
      m.name = f.name;
      m.type = f.type;
      m.description = f.help;
      m.unit = infer_unit(f.name);
    }
    if (m.description.empty()) m.description = f.help;
    if (f.type == MetricType::kHistogram) {
      Hist& h = hists[{s.family, labels_text(s.labels)}];
      h.family = s.family;
      h.labels = s.labels;
      if (s.role == SampleRole::kBucket) h.buckets.push_back(&s);
      if (s.role == SampleRole::kSum) h.sum = &s;
      if (s.role == SampleRole::kCount) h.count = &s;
      continue;
    }
    SeriesResult r;
    r.endpoint_url = endpoint_url;
    r.labels = s.labels;
    if (f.type == MetricType::kCounter) {
      r.counter = counter_stats(store.points(s), window, s.born_late);
      if (!r.counter) continue;
    } else {
      r.gauge = gauge_stats(store.points(s), window);
      if (!r.gauge) continue;
    }
    m.series.push_back(std::move(r));
  }
  const auto& ts = store.scrape_mono_ns();
  for (auto& [key, h] : hists) {
    if (!h.count || h.buckets.empty()) continue;
    std::sort(h.buckets.begin(), h.buckets.end(), [](const StoredSeries* a, const StoredSeries* b) {
      return a->le_value < b->le_value;
    });
    HistogramSeriesData d;
    for (const StoredSeries* b : h.buckets) d.bounds.push_back(b->le_value);
    const uint32_t k0 = h.count->runs.empty() ? 0 : h.count->runs.front().first;
    d.born_after_first_scrape = h.count->born_late;
    for (uint32_t k = k0; k < ts.size(); ++k) {
      d.t_ns.push_back(ts[k]);
      d.count.push_back(store.value_at(*h.count, k));
      d.sum.push_back(h.sum ? store.value_at(*h.sum, k) : kNaN);
      std::vector<double> row;
      row.reserve(h.buckets.size());
      for (const StoredSeries* b : h.buckets) row.push_back(store.value_at(*b, k));
      d.cumul.push_back(std::move(row));
    }
    SeriesResult r;
    r.endpoint_url = endpoint_url;
    r.labels = h.labels;
    r.histogram = histogram_stats(d, window);
    if (!r.histogram) continue;
    for (const StoredSeries* b : h.buckets) r.bucket_les.push_back(b->le);
    (*out)[fams[h.family].name].series.push_back(std::move(r));
  }
}

ServerMetricsReport ServerMetricsCollector::report(const Window& window, int64_t start_wall,
                                                   int64_t end_wall) const {
  ServerMetricsReport rep;
  rep.start_wall_ns = start_wall;
  rep.end_wall_ns = end_wall;
  std::map<std::string, ServerMetric> metrics;
  for (const auto& e : endpoints_) {
    rep.endpoints_configured.push_back(e->scraper->configured_url());
    if (!e->scraper->ever_succeeded()) continue;
    const std::string& url = e->scraper->active_url();
    rep.endpoints_successful.push_back(url);
    rep.endpoint_info[url] = e->scraper->info();
    summarize_store(e->store, url, window, &metrics);
  }
  for (auto& [name, m] : metrics) {
    if (m.series.empty()) continue;
    std::sort(m.series.begin(), m.series.end(), [](const SeriesResult& a, const SeriesResult& b) {
      return std::tie(a.endpoint_url, a.labels) < std::tie(b.endpoint_url, b.labels);
    });
    rep.metrics.push_back(std::move(m));
  }
  return rep;
}

const ServerMetric* ServerMetricsReport::find(const std::string& name) const {
  auto it =
      std::lower_bound(metrics.begin(), metrics.end(), name,
                       [](const ServerMetric& m, const std::string& n) { return m.name < n; });
  return it != metrics.end() && it->name == name ? &*it : nullptr;
}

}  // namespace aiperf::telemetry
