// The `aiperf profile` option table. Names, aliases, defaults and groups are AIPerf's (spec §1.3);
// help texts are our own words. --insecure is our extension.
#include "aiperf/config/option_table.h"

#include <algorithm>
#include <cctype>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"

namespace aiperf::config::detail {

const std::vector<std::string_view> kHelpGroups = {
    "Endpoint",
    "Tokenizer",
    "Input",
    "Fixed Schedule",
    "Goodput",
    "Conversation Input",
    "Prompt",
    "Prefix Prompt",
    "Input Sequence Length (ISL)",
    "Output Sequence Length (OSL)",
    "Audio Input",
    "Image Input",
    "Video Input",
    "Synthesis",
    "Load Generator",
    "Warmup",
    "User-Centric Rate",
    "Request Cancellation",
    "Output",
    "HTTP Trace",
    "Network Latency",
    "Server Metrics",
    "GPU Telemetry",
    "UI",
    "Multi-Run",
    "Service",
    "Workers",
    "Scale-out",
    "Plugins",
    "Help",
};

size_t choose(std::string_view flag, const std::string& value,
              const std::vector<std::string_view>& choices, bool fold_case) {
  auto fold = [&](std::string s) {
    if (fold_case) {
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return char(std::toupper(c)); });
    }
    return s;
  };
  for (size_t i = 0; i < choices.size(); ++i) {
    if (fold(value) == fold(std::string(choices[i]))) return i;
  }
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  throw ConfigError(std::string(flag) + ": invalid choice '" + value + "' (choose from: " + list +
                    ")");
}

const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> kAll = [] {
    std::vector<OptionSpec> t;
    // Row order within a help group is help order; groups are ordered by kHelpGroups.
    for (auto rows : {endpoint_options, input_options, load_options, output_options,
                      workload_options, media_options, telemetry_options, study_options,
                      shaping_options, report_options, scale_options}) {
      std::vector<OptionSpec> r = rows();
      t.insert(t.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
    }
    t.push_back(
        // ---------------------------------------------------------------- Help
        {{"--help", "-h"},
         ValueKind::kFlag,
         "",
         "",
         "Help",
         "Show this help and exit.",
         kRepeat,
         kSingle,
         [](ParseState&, std::string_view, const std::vector<std::string>&) {}});
    return t;
  }();
  return kAll;
}

}  // namespace aiperf::config::detail
