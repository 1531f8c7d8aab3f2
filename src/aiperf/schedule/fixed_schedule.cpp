#include "aiperf/schedule/fixed_schedule.h"

#include <algorithm>

#include "aiperf/common/error.h"

namespace aiperf::schedule {

FixedSchedule build_fixed_schedule(const dataset::Dataset& ds, bool auto_offset,
                                   std::optional<int64_t> start_offset_ms) {
  FixedSchedule fs;
  std::vector<std::pair<double, uint32_t>> firsts;
  firsts.reserve(ds.size());
  if (ds.source) {  // rebuilt just in time: the timestamps without the prompts
    for (size_t i = 0; i < ds.size(); ++i) {
      auto ts = ds.source->first_timestamp_ms(i);
      if (!ts)
        throw InputError("First turn of conversation " + std::to_string(i) +
                         " missing timestamp_ms");
      firsts.emplace_back(double(*ts), uint32_t(i));
      fs.total_turns += ds.turns(i);
    }
  }
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
