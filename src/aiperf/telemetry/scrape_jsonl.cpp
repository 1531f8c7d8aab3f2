// One server_metrics_export.jsonl line per scrape (spec §7.2), written straight from the parsed
// exposition on the endpoint's thread (server_metrics.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "aiperf/telemetry/json_util.h"
#include "aiperf/telemetry/server_metrics.h"

namespace aiperf::telemetry {

namespace {

using detail::append_json_number;
using detail::append_json_string;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// `"labels":{...},` of `s` (nothing when it has none), "le" left out when `skip_le`.
void append_labels(std::string& out, const Exposition& x, const Sample& s, bool skip_le) {
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
}

/// Counter, gauge or untyped family: [{labels, value}, ...].
void append_scalars(std::string& out, const Exposition& x, const std::vector<uint32_t>& idx) {
  bool first = true;
  for (uint32_t i : idx) {
    const Sample& s = x.samples()[i];
    if (s.role == SampleRole::kCreated || !std::isfinite(s.value)) continue;
    out += first ? "{" : ",{";
    first = false;
    append_labels(out, x, s, false);
    out += "\"value\":";
    append_json_number(out, s.value);
    out += '}';
  }
}

/// Histogram family: one {labels, buckets{le: cumulative}, sum, count} per label set.
void append_histograms(std::string& out, const Exposition& x, const std::vector<uint32_t>& idx) {
  std::vector<std::pair<std::string, std::vector<uint32_t>>> groups;
  for (uint32_t i : idx) {
    const Sample& s = x.samples()[i];
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
  bool first = true;
  for (const auto& [key, members] : groups) {
    out += first ? "{" : ",{";
    first = false;
    append_labels(out, x, x.samples()[members.front()], true);
    out += "\"buckets\":{";
    bool first_bucket = true;
    double sum = kNaN, count = kNaN;
    for (uint32_t i : members) {
      const Sample& s = x.samples()[i];
      if (s.role == SampleRole::kSum) sum = s.value;
      if (s.role == SampleRole::kCount) count = s.value;
      const std::string_view* le = s.role == SampleRole::kBucket ? x.label(s, "le") : nullptr;
      if (!le) continue;
      if (!first_bucket) out += ',';
      first_bucket = false;
      append_json_string(out, *le);
      out += ':';
      append_json_number(out, s.value);
    }
    out += "},\"sum\":";
    append_json_number(out, sum);
    out += ",\"count\":";
    append_json_number(out, count);
    out += '}';
  }
}

}  // namespace

void render_scrape_line(std::string& out, const std::string& endpoint_url, const ScrapedBody& b) {
  const Exposition& x = b.exposition;
  out.clear();
  out += "{\"endpoint_url\":";
  append_json_string(out, endpoint_url);
  out += ",\"timestamp_ns\":" + std::to_string(b.wall_ns);
  out += ",\"endpoint_latency_ns\":" + std::to_string(b.latency_ns);
  out += ",\"metrics\":{";
  // Families in order of first appearance, each with its samples.
  const auto& fams = x.families();
  std::vector<std::vector<uint32_t>> by_family(fams.size());
  for (uint32_t i = 0; i < x.samples().size(); ++i) by_family[x.samples()[i].family].push_back(i);
  bool first = true;
  for (uint32_t f = 0; f < fams.size(); ++f) {
    if (by_family[f].empty() || !keep_family(fams[f])) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, export_family_name(fams[f]));
    out += ":[";
    if (fams[f].type == MetricType::kHistogram) {
      append_histograms(out, x, by_family[f]);
    } else {
      append_scalars(out, x, by_family[f]);
    }
    out += ']';
  }
  out += "},\"request_sent_ns\":" + std::to_string(b.sent_wall_ns);
  out += ",\"first_byte_ns\":" + std::to_string(b.wall_ns) + "}";
}

}  // namespace aiperf::telemetry
