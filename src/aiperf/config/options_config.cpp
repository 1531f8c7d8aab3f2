// The config-file row of the `aiperf profile` option table: -f/--config (spec §9.6). The file is
// read before the other rows are applied (cli_options.cpp, config_file.h); its keys become the
// occurrences of the same rows, and flags given beside it win.
#include "aiperf/config/option_rows.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> config_file_options() {
  return {
      {{"--config", "-f"},
       ValueKind::kValue,
       "<yaml>",
       "",
       "Input",
       "Read the benchmark from an AIPerf YAML config file (aiperf config init writes one); "
       "options given on the command line override the file's values.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>& values) {
         st.cfg.config_file = one(values);
       }},
  };
}

}  // namespace aiperf::config::detail
