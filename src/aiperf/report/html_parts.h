// Pieces of the HTML report (private to the report stage).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/report/report.h"

namespace aiperf::report::detail {

/// HTML text escaping (&, <, >, ", ').
std::string esc(std::string_view s);

std::string run_summary_table(const RunData& run);         // one run: metric x stats
std::string runs_table(const std::vector<RunData>& runs);  // several: key metrics x runs
std::string health_box(const RunData& run);                // client-health verdict
std::string errors_table(const RunData& run);              // error_summary; "" when none
std::string config_block(const RunData& run);              // command line + input_config
std::string comparison_table(const Comparison& c);

/// The figures as the report script's JSON (numbers with 6 significant digits: drawing only).
std::string figures_json(const std::vector<Figure>& figures, const Theme& theme,
                         const std::string& section);

/// The embedded assets (uPlot and our own script and styles).
std::string_view asset_uplot_js();
std::string_view asset_uplot_css();
std::string_view asset_report_js();
std::string_view asset_report_css();

}  // namespace aiperf::report::detail
