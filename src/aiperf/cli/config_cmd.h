// `aiperf config init | expand | validate` (spec §1.1; config/config_file.h, config/templates.h).
#pragma once
#include <string>
#include <vector>

namespace aiperf::cli {

/// `aiperf config ...` (args after the word "config"); returns the exit code.
int run_config(const std::vector<std::string>& args);

}  // namespace aiperf::cli
