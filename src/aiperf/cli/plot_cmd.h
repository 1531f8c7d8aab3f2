// `aiperf plot` and `aiperf compare` (docs/plots.md).
#pragma once
#include <string>
#include <vector>

namespace aiperf::cli {

/// `aiperf plot ...` (args after the word "plot"). 0 ok, 1 rendering failed, 2 bad input.
int run_plot(const std::vector<std::string>& args);

/// `aiperf compare DIR... | --files A B ...`. 0 ok, 1 a regression past --fail-on-regression,
/// 2 bad input.
int run_compare(const std::vector<std::string>& args);

}  // namespace aiperf::cli
