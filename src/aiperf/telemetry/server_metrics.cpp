// Server metrics collection and window statistics (server_metrics.h).
#include "aiperf/telemetry/server_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "aiperf/common/clock.h"
#include "aiperf/telemetry/server_family.h"

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
  buf_ = std::make_unique<char[]>(1 << 20);
  std::setvbuf(f_, buf_.get(), _IOFBF, 1 << 20);
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
  if (live_on_.load(std::memory_order_relaxed)) {
    std::vector<std::string> lines = telemetry::live_lines(b.exposition);
    if (endpoints_.size() > 1) {
      for (auto& l : lines) l += "  (" + e.scraper->active_url() + ")";
    }
    std::lock_guard lk(live_mu_);
    e.live = std::move(lines);
  }
}

std::vector<std::string> ServerMetricsCollector::live_lines() {
  std::lock_guard lk(live_mu_);
  std::vector<std::string> out;
  for (const auto& e : endpoints_) out.insert(out.end(), e->live.begin(), e->live.end());
  return out;
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

std::vector<std::pair<std::string, const EndpointStore*>> ServerMetricsCollector::stores() const {
  std::vector<std::pair<std::string, const EndpointStore*>> out;
  for (const auto& e : endpoints_) {
    if (e->scraper->ever_succeeded()) out.emplace_back(e->scraper->active_url(), &e->store);
  }
  return out;
}

// ------------------------------------------------------------------------------- statistics

namespace {}  // namespace

/// Its values per scrape, from the first scrape that had its _count on.
HistogramSeriesData histogram_data(const EndpointStore& store, HistogramParts& h) {
  std::sort(h.buckets.begin(), h.buckets.end(),
            [](const StoredSeries* a, const StoredSeries* b) { return a->le_value < b->le_value; });
  HistogramSeriesData d;
  for (const StoredSeries* b : h.buckets) d.bounds.push_back(b->le_value);
  const auto& ts = store.scrape_mono_ns();
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
  return d;
}

std::vector<StoreItem> store_items(const EndpointStore& store) {
  std::vector<StoreItem> items;
  std::unordered_map<std::string, size_t> hist_at;  // family + labels -> index into items
  for (const StoredSeries& s : store.series()) {
    if (store.families()[s.family].type != MetricType::kHistogram) {
      items.push_back(StoreItem{&s, {}});
      continue;
    }
    const std::string key = std::to_string(s.family) + '\x1d' + labels_text(s.labels);
    auto [it, added] = hist_at.emplace(key, items.size());
    if (added) {
      items.emplace_back();
      items.back().hist.family = s.family;
      items.back().hist.labels = s.labels;
    }
    HistogramParts& h = items[it->second].hist;
    if (s.role == SampleRole::kBucket) h.buckets.push_back(&s);
    if (s.role == SampleRole::kSum) h.sum = &s;
    if (s.role == SampleRole::kCount) h.count = &s;
  }
  return items;
}

void summarize_store(const EndpointStore& store, const std::string& endpoint_url,
                     const Window& window, std::map<std::string, ServerMetric>* out,
                     const std::vector<Slice>& slices) {
  const auto& fams = store.families();
  std::vector<StoreItem> items = store_items(store);
  for (StoreItem& item : items) {
    const FamilyInfo& f = fams[item.scalar ? item.scalar->family : item.hist.family];
    ServerMetric& m = (*out)[f.name];
    if (m.name.empty()) {
      m.name = f.name;
      m.type = f.type;
      m.unit = infer_unit(f.name);
    }
    if (m.description.empty()) m.description = f.help;
    if (!item.scalar) continue;
    const StoredSeries& s = *item.scalar;
    SeriesResult r;
    r.endpoint_url = endpoint_url;
    r.labels = s.labels;
    if (f.type == MetricType::kCounter) {
      r.counter = counter_stats(store.points(s), window, s.born_late);
      if (r.counter && !slices.empty()) {
        r.counter_slices = counter_slices(store.points(s), window, slices, s.born_late);
        r.rate_spread = rate_spread(r.counter_slices);
      }
    } else {
      r.gauge = gauge_stats(store.points(s), window);
      if (r.gauge && !slices.empty()) r.gauge_slices = gauge_slices(store.points(s), slices);
    }
    if (r.counter || r.gauge) m.series.push_back(std::move(r));
  }
  for (StoreItem& item : items) {
    HistogramParts& h = item.hist;
    if (item.scalar || !h.count || h.buckets.empty()) continue;
    SeriesResult r;
    r.endpoint_url = endpoint_url;
    r.labels = h.labels;
    HistogramSeriesData data = histogram_data(store, h);
    r.histogram = histogram_stats(data, window);
    if (!r.histogram) continue;
    if (!slices.empty()) r.histogram_slices = histogram_slices(data, window, slices);
    for (const StoredSeries* b : h.buckets) r.bucket_les.push_back(b->le);
    (*out)[fams[h.family].name].series.push_back(std::move(r));
  }
}

ServerMetricsReport ServerMetricsCollector::report(const Window& window, int64_t start_wall,
                                                   int64_t end_wall, double slice_s) const {
  ServerMetricsReport rep;
  rep.start_wall_ns = start_wall;
  rep.end_wall_ns = end_wall;
  std::map<std::string, ServerMetric> metrics;
  const std::vector<Slice> slices = window_slices(window, slice_s);
  rep.window_mono_start_ns = window.start_ns;
  for (const auto& e : endpoints_) {
    rep.endpoints_configured.push_back(e->scraper->configured_url());
    if (!e->scraper->ever_succeeded()) continue;
    const std::string& url = e->scraper->active_url();
    rep.endpoints_successful.push_back(url);
    rep.endpoint_info[url] = e->scraper->info();
    summarize_store(e->store, url, window, &metrics, slices);
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
