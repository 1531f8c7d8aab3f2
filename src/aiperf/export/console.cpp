// Console report (spec §6.8): Rich-style box tables for the metrics and errors, warning panels
// for OSL mismatch and usage discrepancy, and our "Client" section. Plain text, no colour, so
// the output is the same on a TTY, in a pipe and in tests.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "aiperf/export/export.h"
#include "aiperf/export/util.h"

namespace aiperf::exporter {
namespace {

using detail::display_width;
using metrics::ConsoleGroup;
using metrics::MetricResult;

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string pad(const std::string& s, size_t width, TextTable::Justify j) {
  const size_t w = display_width(s);
  if (w >= width) return s;
  const std::string fill(width - w, ' ');
  return j == TextTable::Justify::kRight ? fill + s : s + fill;
}

std::string centered(const std::string& s, size_t width) {
  const size_t w = display_width(s);
  if (w >= width) return s;
  return std::string((width - w) / 2, ' ') + s;
}

std::string group_suffix(ConsoleGroup g) {
  switch (g) {
    case ConsoleGroup::kUsage:
      return ": Usage";
    case ConsoleGroup::kCache:
      return ": Cache";
    case ConsoleGroup::kPrediction:
      return ": Prediction";
    case ConsoleGroup::kAudio:
      return ": Audio";
    case ConsoleGroup::kReasoning:
      return ": Reasoning";
    default:
      return "";
  }
}

std::string metric_cell(const MetricResult& r) {
  const std::string header(r.header());
  return header + (header.size() > 30 ? "\n" : " ") + "(" + std::string(r.unit()) + ")";
}

std::vector<std::string> metric_row(const MetricResult& r) {
  std::vector<std::string> row{metric_cell(r)};
  if (r.distribution) {
    const auto& s = r.stats;
    for (double v : {s.avg, s.min, s.max, s.p[8], s.p[6], s.p[4], s.std}) {
      row.push_back(detail::grouped2(v));
    }
  } else {
    row.push_back(detail::grouped2(r.value));
    for (int i = 0; i < 6; ++i) row.push_back("N/A");
  }
  return row;
}

TextTable metrics_table(std::string title) {
  TextTable t;
  t.title = std::move(title);
  t.columns.push_back({"Metric", TextTable::Justify::kRight});
  for (const char* k : {"avg", "min", "max", "p99", "p90", "p50", "std"}) {
    t.columns.push_back({k, TextTable::Justify::kRight});
  }
  return t;
}

/// Rich Panel (rounded box, padding (0, 2), not expanded) with a centred title.
std::string panel(const std::string& title, const std::string& body) {
  const auto lines = split_lines(body);
  size_t inner = 0;
  for (const auto& l : lines) inner = std::max(inner, display_width(l));
  inner += 4;  // padding 2 each side
  const std::string t = " " + title + " ";
  inner = std::max(inner, display_width(t) + 2);
  const size_t left = (inner - display_width(t)) / 2;
  const size_t right = inner - display_width(t) - left;
  std::string out = "╭" + repeat("─", left) + t + repeat("─", right) + "╮\n";
  for (const auto& l : lines) {
    out += "│  " + l + std::string(inner - 4 - display_width(l), ' ') + "  │\n";
  }
  out += "╰" + repeat("─", inner) + "╯\n";
  return out;
}

std::string fmt_g(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string fmt_1(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

int64_t count_of(const metrics::Results& r, metrics::MetricId id) {
  const MetricResult* m = r.find(id);
  return m ? static_cast<int64_t>(std::llround(m->value)) : 0;
}

}  // namespace

std::string TextTable::render() const {
  const size_t ncol = columns.size();
  std::vector<size_t> width(ncol, 0);
  for (size_t c = 0; c < ncol; ++c) width[c] = display_width(columns[c].header);
  std::vector<std::vector<std::vector<std::string>>> cells(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    cells[r].resize(ncol);
    for (size_t c = 0; c < ncol; ++c) {
      cells[r][c] = split_lines(c < rows[r].size() ? rows[r][c] : std::string());
      for (const auto& l : cells[r][c]) width[c] = std::max(width[c], display_width(l));
    }
  }
  auto rule = [&](std::string_view l, std::string_view fill, std::string_view mid,
                  std::string_view r) {
    std::string s(l);
    for (size_t c = 0; c < ncol; ++c) {
      if (c) s += mid;
      s += repeat(fill, width[c] + 2);
    }
    return s + std::string(r) + "\n";
  };
  size_t total = 1;
  for (size_t c = 0; c < ncol; ++c) total += width[c] + 3;

  std::string out;
  if (!title.empty()) out += centered(title, total) + "\n";
  out += rule("┏", "━", "┳", "┓");
  out += "┃";
  for (size_t c = 0; c < ncol; ++c) {
    out += ' ';
    out += pad(columns[c].header, width[c], columns[c].justify);
    out += " ┃";
  }
  out += "\n";
  out += rule("┡", "━", "╇", "┩");
  for (size_t r = 0; r < rows.size(); ++r) {
    size_t height = 1;
    for (const auto& cell : cells[r]) height = std::max(height, cell.size());
    for (size_t line = 0; line < height; ++line) {
      out += "│";
      for (size_t c = 0; c < ncol; ++c) {
        const auto& cell = cells[r][c];
        const std::string text = line < cell.size() ? cell[line] : std::string();
        out += ' ';
        out += pad(text, width[c], columns[c].justify);
        out += " │";
      }
      out += "\n";
    }
  }
  out += rule("└", "─", "┴", "┘");
  return out;
}

std::string render_metrics_table(const metrics::Results& results, const metrics::RunContext& ctx,
                                 ConsoleGroup group) {
  std::vector<const MetricResult*> shown;
  for (const auto& r : results.metrics) {
    const auto& m = *r.info;
    if (m.group != group || group == ConsoleGroup::kNone) continue;
    if (m.has(metrics::kErrorOnly | metrics::kInternal | metrics::kExperimental)) continue;
    shown.push_back(&r);
  }
  if (shown.empty()) return {};
  auto order = [](const MetricResult* r) {
    return r->info->display_order == metrics::kNoOrder ? std::numeric_limits<int>::max()
                                                       : r->info->display_order;
  };
  std::stable_sort(shown.begin(), shown.end(), [&](const MetricResult* a, const MetricResult* b) {
    return order(a) < order(b);
  });
  TextTable t = metrics_table("NVIDIA AIPerf | " + ctx.metrics_title + group_suffix(group));
  for (const auto* r : shown) t.rows.push_back(metric_row(*r));
  return t.render();
}

std::string render_error_summary(const metrics::Results& results) {
  if (results.error_summary.empty()) return {};
  TextTable t;
  t.title = "NVIDIA AIPerf | Error Summary";
  t.columns = {{"Code", TextTable::Justify::kRight},
               {"Type", TextTable::Justify::kRight},
               {"Message", TextTable::Justify::kLeft},
               {"Count", TextTable::Justify::kRight}};
  constexpr size_t kMaxMessage = 300;
  for (const auto& e : results.error_summary) {
    std::string msg = e.message;
    if (msg.size() > kMaxMessage) msg = msg.substr(0, kMaxMessage) + "...";
    t.rows.push_back({e.code && *e.code != 0 ? std::to_string(*e.code) : "N/A",
                      e.type.empty() ? "N/A" : e.type, msg, detail::grouped_int(e.count)});
  }
  return t.render();
}

std::string render_osl_mismatch_warning(const metrics::Results& results,
                                        const metrics::RunContext& ctx) {
  const int64_t n = count_of(results, metrics::MetricId::kOslMismatchCount);
  const int64_t total = count_of(results, metrics::MetricId::kRequestCount);
  if (n <= 0 || total <= 0) return {};
  const MetricResult* diff = results.find(metrics::MetricId::kOslMismatchDiffPct);
  std::string body = detail::grouped_int(n) + " of " + detail::grouped_int(total) + " requests (" +
                     fmt_1(100.0 * static_cast<double>(n) / static_cast<double>(total)) +
                     "%) have output length differing from requested by more than the threshold.\n";
  body += "Threshold (tokens): min(requested × " + fmt_g(ctx.osl_mismatch_pct_threshold) + "%, " +
          fmt_g(ctx.osl_mismatch_max_token_threshold) + ")\n";
  body += "Average mismatch: " + (diff ? fmt_1(diff->value) + "%" : std::string("N/A")) + "\n\n";
  body +=
      "Likely cause: the server stopped at an end-of-sequence token before max_tokens.\n"
      "To get the requested length, ask the server to ignore EOS, e.g.\n"
      "  --extra-inputs ignore_eos:true   or   --extra-inputs min_tokens:<N>\n"
      "If the tokenizer differs from the server's, try --use-server-token-count.\n"
      "Per-request values: osl_mismatch_diff_pct in profile_export.jsonl.\n"
      "Thresholds: AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD=" +
      fmt_g(ctx.osl_mismatch_pct_threshold) + ", AIPERF_METRICS_OSL_MISMATCH_MAX_TOKEN_THRESHOLD=" +
      fmt_g(ctx.osl_mismatch_max_token_threshold);
  return panel("Output Sequence Length Mismatch Warning", body);
}

std::string render_usage_discrepancy_warning(const metrics::Results& results,
                                             const metrics::RunContext& ctx) {
  const int64_t n = count_of(results, metrics::MetricId::kUsageDiscrepancyCount);
  const int64_t total = count_of(results, metrics::MetricId::kRequestCount);
  if (n <= 0 || total <= 0) return {};
  std::string body = detail::grouped_int(n) + " of " + detail::grouped_int(total) + " requests (" +
                     fmt_1(100.0 * static_cast<double>(n) / static_cast<double>(total)) +
                     "%) show a difference exceeding " + fmt_g(ctx.usage_pct_diff_threshold) +
                     "% between:\n";
  body +=
      "  - token counts the server reported in 'usage'\n"
      "  - token counts this client computed with its tokenizer\n\n"
      "Check that --tokenizer matches the served model; chat templates and special tokens\n"
      "also make the server's prompt count larger.\n"
      "Per-request values: usage_*_diff_pct in profile_export.jsonl.\n"
      "Threshold: AIPERF_METRICS_USAGE_PCT_DIFF_THRESHOLD=" +
      fmt_g(ctx.usage_pct_diff_threshold);
  return panel("Token Count Discrepancy Warning", body);
}

std::string render_http_trace_table(const metrics::Results& results,
                                    const metrics::RunContext& ctx) {
  if (!ctx.show_trace_timing) return {};
  std::vector<const MetricResult*> shown;
  for (const auto& r : results.metrics) {
    if (r.info->has(metrics::kHttpTraceOnly) && !r.info->has(metrics::kErrorOnly)) {
      shown.push_back(&r);
    }
  }
  if (shown.empty()) return {};
  std::stable_sort(shown.begin(), shown.end(), [](const MetricResult* a, const MetricResult* b) {
    return a->info->display_order < b->info->display_order;
  });
  TextTable t = metrics_table("NVIDIA AIPerf | HTTP Trace Timing");
  for (const auto* r : shown) t.rows.push_back(metric_row(*r));
  return t.render();
}

std::string render_chunk_tokens_notice(const metrics::Results& results) {
  const MetricResult* per_chunk = results.find(metrics::MetricId::kOutputTokensPerChunk);
  if (per_chunk == nullptr || !per_chunk->distribution || per_chunk->stats.avg < 1.5) return {};
  std::string body = "Streamed chunks carried " + fmt_1(per_chunk->stats.avg) +
                     " output tokens on average (p50 " + fmt_1(per_chunk->stats.p[4]) + ", max " +
                     fmt_1(per_chunk->stats.max) +
                     ") — speculative decoding or a batching server.\n";
  const MetricResult* per_token = results.find(metrics::MetricId::kInterTokenLatencyPerToken);
  const MetricResult* icl = results.find(metrics::MetricId::kInterChunkLatency);
  if (per_token != nullptr && per_token->distribution) {
    body += "Inter token latency per token (each chunk's gap spread over its tokens): avg " +
            detail::fixed2(per_token->stats.avg) + " ms, p50 " +
            detail::fixed2(per_token->stats.p[4]) + " ms, p99 " +
            detail::fixed2(per_token->stats.p[8]) + " ms";
    if (icl != nullptr && icl->distribution) {
      body += "\n(gap between chunks: avg " + detail::fixed2(icl->stats.avg) + " ms)";
    }
    body += "\n";
  }
  body +=
      "Per request: inter_token_latency_per_token and output_tokens_per_chunk in\n"
      "profile_export.jsonl; ITL above follows AIPerf's formula.";
  return panel("Multi-Token Chunks", body);
}

std::string render_network_clamp_warning(const metrics::Results& results) {
  if (results.network_clamped.empty()) return {};
  std::string tags;
  for (const auto& t : results.network_clamped) tags += (tags.empty() ? "" : ", ") + t;
  return "WARNING: the network RTT exceeded some samples of " + tags +
         "; they were clamped to 0 (the adjusted spread is narrower than the raw one)\n";
}

std::string render_client_section(const metrics::Results& results, const ClientHealth* health) {
  TextTable t = metrics_table("aiperf-C++ | Client");
  for (const auto& r : results.metrics) {
    if (r.info->has(metrics::kClientExtension)) t.rows.push_back(metric_row(r));
  }
  std::string out;
  if (!t.rows.empty()) out += t.render();
  if (health != nullptr) {
    const auto& h = *health;
    std::string line = "Client: " + detail::fixed2(h.cpu_us_per_request) +
                       " us CPU per request; busiest worker thread " +
                       fmt_1(h.worker_thread_cpu_utilization * 100) + "% CPU";
    if (h.send_lateness_p99_ms) {
      line += "; send lateness p50 " + detail::fixed2(h.send_lateness_p50_ms.value_or(0)) +
              " ms, p99 " + detail::fixed2(*h.send_lateness_p99_ms) + " ms, max " +
              detail::fixed2(h.send_lateness_max_ms.value_or(0)) + " ms";
    }
    if (h.run_queue_wait_ms) {
      line += "; waited " + fmt_1(*h.run_queue_wait_ms) + " ms for a CPU core";
    }
    out += line + "\n";
    if (h.client_bottleneck) {
      out += "WARNING: the client was the bottleneck: " + h.reason +
             ". Latencies and throughputs above include client-side delay.\n";
    } else {
      out += "Client bottleneck: no (" + h.reason + ")\n";
    }
  }
  return out;
}

std::string render_console(const metrics::Results& results, const metrics::RunContext& ctx,
                           const ClientHealth* health,
                           const std::vector<std::pair<std::string, std::string>>& files,
                           const std::vector<std::string>& panels) {
  std::string out;
  auto add = [&](const std::string& block) {
    if (block.empty()) return;
    out += "\n" + block;
  };
  add(render_error_summary(results));
  add(render_http_trace_table(results, ctx));
  for (auto g : {ConsoleGroup::kDefault, ConsoleGroup::kUsage, ConsoleGroup::kCache,
                 ConsoleGroup::kPrediction, ConsoleGroup::kAudio, ConsoleGroup::kReasoning}) {
    add(render_metrics_table(results, ctx, g));
  }
  add(render_usage_discrepancy_warning(results, ctx));
  add(render_osl_mismatch_warning(results, ctx));
  add(render_chunk_tokens_notice(results));
  add(render_network_clamp_warning(results));
  add(render_client_section(results, health));
  for (const auto& p : panels) add(p);
  if (!files.empty()) {
    out += "\n";
    for (const auto& [label, path] : files) out += label + ": " + path + "\n";
  }
  return out;
}

void print_console(std::FILE* out, const metrics::Results& results, const metrics::RunContext& ctx,
                   const ClientHealth* health,
                   const std::vector<std::pair<std::string, std::string>>& files,
                   const std::vector<std::string>& panels) {
  const std::string text = render_console(results, ctx, health, files, panels);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

}  // namespace aiperf::exporter
