// Subcommand dispatch for the `aiperf` binary.
#pragma once
#include <string>
#include <vector>

namespace aiperf::cli {

/// Runs `aiperf <subcommand> ...`; returns the process exit code (DESIGN §4).
int main(int argc, char** argv);

/// `aiperf profile ...` (args after the word "profile").
int run_profile(const std::vector<std::string>& args);

/// `aiperf plugins ...` (plugins_cmd.cpp). Throws aiperf::ConfigError for bad arguments.
int run_plugins(const std::vector<std::string>& args);

extern const char* const kVersion;

}  // namespace aiperf::cli
