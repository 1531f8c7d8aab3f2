#include "aiperf/dataset/trace_tools.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "aiperf/common/error.h"
#include "aiperf/common/rng.h"
#include "aiperf/dataset/custom/records.h"
#include "aiperf/dataset/custom/synthesis.h"

namespace aiperf::dataset {

using namespace custom;

namespace {

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  double pos = q * double(sorted.size() - 1);
  size_t lo = size_t(std::floor(pos)), hi = size_t(std::ceil(pos));
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - double(lo));
}

struct PairHash {
  size_t operator()(const std::pair<int64_t, int64_t>& p) const {
    return std::hash<int64_t>()(p.first * 1000003 ^ (p.second + 0x9e3779b9));
  }
};

struct Row {
  int64_t isl = 0, osl = 0;
  std::vector<int64_t> ids;
};

std::vector<Row> read_rows(const std::string& path) {
  std::vector<Row> rows;
  TraceRow r;
  for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
    parse_mooncake_line(line, pos, r, nullptr);
    rows.push_back({r.input_length.value_or(0), r.output_length.value_or(0), r.hash_ids});
  });
  return rows;
}

}  // namespace

MetricStats MetricStats::of(std::vector<double> v) {
  MetricStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / double(v.size());
  double var = 0;
  for (double x : v) var += (x - s.mean) * (x - s.mean);
  s.std_dev = std::sqrt(var / double(v.size()));
  s.min = v.front();
  s.max = v.back();
  s.p25 = percentile(v, 0.25);
  s.median = percentile(v, 0.5);
  s.p75 = percentile(v, 0.75);
  return s;
}

TraceAnalysis analyze_trace(const std::string& path, int64_t block_size) {
  std::vector<Row> rows = read_rows(path);
  TraceAnalysis a;
  a.total_requests = int64_t(rows.size());
  // Prefix trie: node = (parent node, hash id) -> id; counts per node.
  std::unordered_map<std::pair<int64_t, int64_t>, int64_t, PairHash> trie;
  std::vector<int64_t> node_count;
  std::unordered_map<int64_t, std::unordered_set<size_t>> first_block_rows;
  std::unordered_map<std::pair<int64_t, int64_t>, int64_t, PairHash> pos_count;
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t parent = -1;
    for (size_t k = 0; k < rows[i].ids.size(); ++k) {
      auto [it, fresh] = trie.try_emplace({parent, rows[i].ids[k]}, int64_t(node_count.size()));
      if (fresh) node_count.push_back(0);
      ++node_count[size_t(it->second)];
      parent = it->second;
      ++pos_count[{int64_t(k), rows[i].ids[k]}];
    }
    if (!rows[i].ids.empty()) first_block_rows[rows[i].ids[0]].insert(i);
  }
  a.unique_prefixes = int64_t(node_count.size());
  for (const auto& [id, set] : first_block_rows) a.num_prefix_groups += set.size() > 1;
  int64_t reused = 0, all = 0;
  for (int64_t n : node_count) {
    all += n;
    if (n > 1) reused += n;
  }
  a.prefix_reuse_ratio = all ? double(reused) / double(all) : 0.0;

  std::unordered_set<int64_t> seen;
  std::vector<double> isl, osl, ctx, uniq, hits;
  for (const Row& r : rows) {
    isl.push_back(double(r.isl));
    osl.push_back(double(r.osl));
    if (!r.ids.empty()) {
      size_t k = 0;
      while (k < r.ids.size() && seen.count(r.ids[k])) ++k;
      hits.push_back(double(k) / double(r.ids.size()));
      for (int64_t id : r.ids) seen.insert(id);
      int64_t repeated = 0;
      for (size_t p = 0; p < r.ids.size(); ++p) repeated += pos_count[{int64_t(p), r.ids[p]}] > 1;
      if (repeated == int64_t(r.ids.size())) {
        ctx.push_back(double(r.isl));
        uniq.push_back(0);
      } else {
        ctx.push_back(double(repeated * block_size));
        uniq.push_back(double(r.isl - repeated * block_size));
      }
    } else {
      ctx.push_back(0);
      uniq.push_back(double(r.isl));
    }
  }
  a.isl_stats = MetricStats::of(isl);
  a.osl_stats = MetricStats::of(osl);
  a.context_length_stats = MetricStats::of(ctx);
  a.unique_prompt_length_stats = MetricStats::of(uniq);
  a.hit_rate_stats = MetricStats::of(hits);
  a.cache_hit_rate = a.hit_rate_stats.mean;
  if (!rows.empty()) {
    a.min_isl = int64_t(a.isl_stats.min);
    a.max_isl = int64_t(a.isl_stats.max);
    a.avg_isl = a.isl_stats.mean;
    a.min_osl = int64_t(a.osl_stats.min);
    a.max_osl = int64_t(a.osl_stats.max);
    a.avg_osl = a.osl_stats.mean;
  }
  return a;
}

nlohmann::ordered_json to_json(const TraceAnalysis& a) {
  auto stats = [](const MetricStats& s) {
    return nlohmann::ordered_json{{"mean", s.mean}, {"std_dev", s.std_dev}, {"min", s.min},
                                  {"p25", s.p25},   {"median", s.median},   {"p75", s.p75},
                                  {"max", s.max}};
  };
  nlohmann::ordered_json j;
  j["total_requests"] = a.total_requests;
  j["unique_prefixes"] = a.unique_prefixes;
  j["num_prefix_groups"] = a.num_prefix_groups;
  j["cache_hit_rate"] = a.cache_hit_rate;
  j["min_isl"] = a.min_isl;
  j["max_isl"] = a.max_isl;
  j["avg_isl"] = a.avg_isl;
  j["min_osl"] = a.min_osl;
  j["max_osl"] = a.max_osl;
  j["avg_osl"] = a.avg_osl;
  j["prefix_reuse_ratio"] = a.prefix_reuse_ratio;
  j["isl_stats"] = stats(a.isl_stats);
  j["osl_stats"] = stats(a.osl_stats);
  j["context_length_stats"] = stats(a.context_length_stats);
  j["unique_prompt_length_stats"] = stats(a.unique_prompt_length_stats);
  j["hit_rate_stats"] = stats(a.hit_rate_stats);
  return j;
}

std::string format_report(const TraceAnalysis& a) {
  char buf[256];
  std::string out = "Trace Analysis Report\n";
  std::snprintf(buf, sizeof buf,
                "  Total requests:      %lld\n  Unique prefixes:     %lld\n"
                "  Prefix groups:       %lld\n  Cache hit rate:      %.4f\n"
                "  Prefix reuse ratio:  %.4f\n\n",
                (long long)a.total_requests, (long long)a.unique_prefixes,
                (long long)a.num_prefix_groups, a.cache_hit_rate, a.prefix_reuse_ratio);
  out += buf;
  out += "Trace Statistics\n";
  std::snprintf(buf, sizeof buf, "%-22s %12s %12s %12s %12s %12s %12s %12s\n", "Metric", "Mean",
                "Std Dev", "Min", "P25", "Median", "P75", "Max");
  out += buf;
  auto row = [&](const char* name, const MetricStats& s) {
    std::snprintf(buf, sizeof buf, "%-22s %12.2f %12.2f %12.2f %12.2f %12.2f %12.2f %12.2f\n", name,
                  s.mean, s.std_dev, s.min, s.p25, s.median, s.p75, s.max);
    out += buf;
  };
  row("Input Length", a.isl_stats);
  row("Context Length", a.context_length_stats);
  row("Unique Prompt Length", a.unique_prompt_length_stats);
  row("Output Length", a.osl_stats);
  row("Theoretical Hit Rate", a.hit_rate_stats);
  return out;
}

SynthesisOutcome synthesize_trace_file(const std::string& in, const std::string& out,
                                       const config::Config& cfg) {
  std::vector<TraceRow> rows;
  TraceRow r;
  for_each_line(in, [&](std::string_view line, const SourcePos& pos) {
    parse_mooncake_line(line, pos, r, nullptr);
    rows.push_back(r);
  });
  SynthesisOutcome o;
  if (cfg.synthesis_max_isl) {
    size_t before = rows.size();
    std::erase_if(rows, [&](const TraceRow& t) {
      return t.input_length && *t.input_length > *cfg.synthesis_max_isl;
    });
    o.skipped_over_max_isl = int64_t(before - rows.size());
  }
  RngManager rngs(cfg.random_seed);
  Rng rng = rngs.derive("dataset.synthesis.synthesizer");
  synthesize(rows, cfg.isl_block_size.value_or(512), SynthesisParams::from(cfg), rng);
  std::ofstream f(out, std::ios::binary);
  if (!f) throw std::runtime_error("cannot write " + out);
  for (const auto& t : rows) {
    nlohmann::ordered_json j;
    if (t.session_id) j["session_id"] = *t.session_id;
    if (t.timestamp_ms) {
      double ts = *t.timestamp_ms;
      if (ts == std::floor(ts)) {
        j["timestamp"] = int64_t(ts);
      } else {
        j["timestamp"] = ts;
      }
    }
    if (t.delay_ms) j["delay"] = *t.delay_ms;
    if (t.input_length) j["input_length"] = *t.input_length;
    if (!t.text_input.empty()) j["text_input"] = t.text_input;
    if (!t.messages_json.empty()) j["messages"] = nlohmann::ordered_json::parse(t.messages_json);
    if (!t.tools_json.empty()) j["tools"] = nlohmann::ordered_json::parse(t.tools_json);
    if (!t.payload_json.empty()) j["payload"] = nlohmann::ordered_json::parse(t.payload_json);
    if (t.output_length) j["output_length"] = *t.output_length;
    if (!t.hash_ids.empty()) j["hash_ids"] = t.hash_ids;
    if (!t.extra_json.empty()) j["extra"] = nlohmann::ordered_json::parse(t.extra_json);
    f << j.dump() << '\n';
    ++o.written;
  }
  if (!f) throw std::runtime_error("cannot write " + out);
  return o;
}

TraceValidation validate_mooncake_trace(const std::string& path, size_t max_errors) {
  TraceValidation v;
  custom::LineReader reader(path);
  custom::TraceRow row;
  std::string_view line;
  while (reader.next(line)) {
    if (reader.line_number() == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++v.rows;
    const custom::SourcePos pos{path, reader.line_number()};
    try {
      row = custom::TraceRow{};
      custom::parse_mooncake_line(line, pos, row, nullptr);
    } catch (const InputError& e) {
      // The parser's message starts with "<file>:<line>: "; AIPerf's reads "Line <n>: ...".
      std::string msg = e.what();
      const std::string prefix = path + ":" + std::to_string(pos.line) + ": ";
      if (msg.rfind(prefix, 0) == 0) msg.erase(0, prefix.size());
      v.errors.push_back("Line " + std::to_string(pos.line) + ": " + msg);
      if (v.errors.size() >= max_errors) break;
    }
  }
  return v;
}

}  // namespace aiperf::dataset
