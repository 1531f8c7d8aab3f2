// The rows of the `aiperf profile` option table that belong to the report stage (docs/plots.md):
// --generate-plots (GenAI-Perf's flag; AIPerf draws plots with `aiperf plot` only).
#include "aiperf/config/option_rows.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> report_options() {
  return {
      {{"--generate-plots"},
       ValueKind::kFlag,
       "",
       "false",
       "Output",
       "After the run, draw the plots of `aiperf plot` (PNG and SVG, with the plot configuration "
       "of ~/.aiperf/plot_config.yaml) into <artifact dir>/plots.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.generate_plots = true;
       }},
  };
}

}  // namespace aiperf::config::detail
