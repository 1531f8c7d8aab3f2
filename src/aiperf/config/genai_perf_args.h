// GenAI-Perf's `profile` command line (triton-inference-server/perf_analyzer, genai-perf/) read
// as aiperf options: each GenAI-Perf flag becomes the `aiperf profile` flag(s) with its meaning
// (docs/genai-perf.md has the table), and the result is parsed and validated by
// parse_profile_args, so a GenAI-Perf line and its aiperf spelling give the same Config.
// Parsing follows argparse: long-option prefixes, --name=value, -xVALUE, nargs lists, the last
// of a repeated option wins, mutually exclusive groups. Cold path.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/cli_options.h"
#include "aiperf/config/config.h"

namespace aiperf::config {

struct GenaiPerfProfile {
  std::vector<std::string> aiperf_args;  // the `aiperf profile` arguments it becomes
  bool generate_plots = false;           // --generate-plots was given
};

/// Translates the arguments after `genai-perf profile`. Throws ConfigError (one line naming the
/// GenAI-Perf flag: unknown flags with the nearest GenAI-Perf name, `--` passthrough, service
/// kinds other than openai, GenAI-Perf's own rules) or HelpRequested for -h/--help.
GenaiPerfProfile translate_genai_perf_profile(const std::vector<std::string>& args);

/// translate_genai_perf_profile, then parse_profile_args; Config::argv is the GenAI-Perf line
/// (`genai-perf profile ...`) for run_info.cli_command.
Config parse_genai_perf_profile(const std::vector<std::string>& args, const ParseEnv& env);

/// Every GenAI-Perf `profile` flag name this front end knows (accepted or refused with a
/// reason), for tests and help.
std::vector<std::string> genai_perf_flag_names();

/// The `genai-perf profile --help` text: each GenAI-Perf flag and what it becomes.
std::string genai_perf_profile_help_text();

}  // namespace aiperf::config
