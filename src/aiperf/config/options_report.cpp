// The rows of the `aiperf profile` option table that belong to the report stage (docs/plots.md):
// AIPerf's --auto-plot / --no-auto-plot / --plot-required (GenAI-Perf's --generate-plots is an
// alias of --auto-plot).
#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"

namespace aiperf::config::detail {
namespace {

OptionSpec report_switch(std::vector<std::string> names, const char* default_text, const char* help,
                         ApplyFn apply) {
  return {std::move(names), ValueKind::kFlag, "",   default_text, "Output", help,
          kRepeat,          kSingle,          apply};
}

}  // namespace

std::vector<OptionSpec> report_options() {
  return {
      report_switch(
          {"--auto-plot", "--generate-plots"}, "off",
          "After the run, draw the plots of `aiperf plot` (PNG and SVG) into "
          "<artifact dir>/plots, with the plot configuration of the config file's `plot:` "
          "section, else ~/.aiperf/plot_config.yaml. On by itself when a config file has "
          "a `plot:` section.",
          [](ParseState& st, std::string_view, const std::vector<std::string>&) {
            st.cfg.generate_plots = true;
            st.cfg.auto_plot_on = true;
          }),
      report_switch({"--no-auto-plot"}, "",
                    "Draw no plots after the run, even with a config file's `plot:` section.",
                    [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                      st.cfg.auto_plot_off = true;
                    }),
      report_switch({"--plot-required"}, "off",
                    "With --auto-plot: a plot that cannot be drawn fails the run (exit 1) instead "
                    "of a warning.",
                    [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                      st.cfg.plot_required = true;
                    }),
  };
}

void resolve_plots(ParseState& st) {
  Config& c = st.cfg;
  if (c.auto_plot_on && c.auto_plot_off) {
    throw ConfigError(st.typed_as("--auto-plot") + " and " + st.typed_as("--no-auto-plot") +
                      ": give one of them");
  }
  // AIPerf: a `plot:` section turns the plots on unless auto_plot is false.
  if (c.auto_plot_off) {
    c.generate_plots = false;
  } else if (c.plot_config_yaml) {
    c.generate_plots = true;
  }
  if (c.plot_required && !c.generate_plots) {
    throw ConfigError(st.typed_as("--plot-required") +
                      ": no plots are drawn (add --auto-plot, or a plot: section to the config "
                      "file)");
  }
}

}  // namespace aiperf::config::detail
