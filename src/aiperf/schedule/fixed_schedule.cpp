#include "aiperf/schedule/fixed_schedule.h"

#include <algorithm>
#include <climits>

#include "aiperf/common/error.h"

namespace aiperf::schedule {

namespace {

/// A dataset rebuilt just in time (multi-million-row traces): the timestamps straight into the
/// entries, without a second array; sorted only if the file was not (replayed traces are).
FixedSchedule build_from_source(const dataset::ConversationSource& src, bool auto_offset,
                                std::optional<int64_t> start_offset_ms) {
  FixedSchedule fs;
  const size_t n = src.size();
  if (n == 0) throw InputError("No conversations with valid first-turn timestamps found");
  int64_t first = INT64_MAX;
  for (size_t i = 0; i < n; ++i) {
    auto ts = src.first_timestamp_ms(i);
    if (!ts) {
      throw InputError("First turn of conversation " + std::to_string(i) + " missing timestamp_ms");
    }
    first = std::min(first, *ts);
    fs.total_turns += src.turns(i);
  }
  if (auto_offset) {
    fs.zero_ms = double(first);
  } else if (start_offset_ms) {
    fs.zero_ms = double(*start_offset_ms);
  }
  fs.entries.reserve(n);
  bool sorted = true;
  for (size_t i = 0; i < n; ++i) {
    const int64_t off = trace_offset_ns(double(*src.first_timestamp_ms(i)), fs.zero_ms);
    if (!fs.entries.empty() && off < fs.entries.back().offset_ns) sorted = false;
    fs.entries.push_back({uint32_t(i), off});
  }
  if (!sorted) {
    std::stable_sort(fs.entries.begin(), fs.entries.end(),
                     [](const auto& a, const auto& b) { return a.offset_ns < b.offset_ns; });
  }
  return fs;
}

}  // namespace

FixedSchedule build_fixed_schedule(const dataset::Dataset& ds, bool auto_offset,
                                   std::optional<int64_t> start_offset_ms) {
  FixedSchedule fs;
  if (ds.source) return build_from_source(*ds.source, auto_offset, start_offset_ms);
  std::vector<std::pair<double, uint32_t>> firsts;
  firsts.reserve(ds.size());
  for (size_t i = 0; i < ds.conversations.size(); ++i) {
    const dataset::Conversation& c = ds.conversations[i];
    if (c.turns.empty()) continue;
    if (!c.turns[0].timestamp_ms) {
      throw InputError("First turn of " + c.session_id + " missing timestamp_ms");
    }
    firsts.emplace_back(double(*c.turns[0].timestamp_ms), uint32_t(i));
    fs.total_turns += c.turns.size();
  }
  if (firsts.empty()) throw InputError("No conversations with valid first-turn timestamps found");
  std::stable_sort(firsts.begin(), firsts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (auto_offset) {
    fs.zero_ms = firsts.front().first;
  } else if (start_offset_ms) {
    fs.zero_ms = double(*start_offset_ms);
  }
  fs.entries.reserve(firsts.size());
  for (const auto& [ts, conv] : firsts) {
    fs.entries.push_back({conv, trace_offset_ns(ts, fs.zero_ms)});
  }
  return fs;
}

}  // namespace aiperf::schedule
