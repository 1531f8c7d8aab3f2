// The `aiperf` commands and their options for the generated documentation: shell completion
// (bash, zsh, fish) and the man page. `profile`'s options come straight from the option table
// (config::profile_option_docs), so they cannot drift; the small subcommands' options are listed
// in command_table.cpp (a test checks each appears in the command's --help).
#pragma once
#include <string>
#include <vector>

#include "aiperf/config/cli_options.h"

namespace aiperf::cli {

struct CommandDoc {
  std::string name;  // "profile", "init"; the root is "aiperf"
  std::string summary;
  std::vector<config::OptionDoc> options;
  std::vector<CommandDoc> subcommands;
  std::vector<std::string> positionals;  // fixed positional words (validate mooncake-trace)
  bool file_positional = false;          // takes a file name as a positional argument
};

/// The whole command tree, rooted at "aiperf".
const CommandDoc& command_tree();

/// "bash", "zsh" or "fish" completion script for `aiperf`. std::invalid_argument for another
/// shell name.
std::string completion_script(const std::string& shell);

/// `aiperf --install-completion [--shell S] [-o|--output PATH]` (args after the flag): writes
/// the script where the shell loads it for this user (or to PATH; "-" = stdout) and says how to
/// activate it. Returns the exit code.
int install_completion(const std::vector<std::string>& args);

/// The aiperf(1) man page (troff), from the same tables plus the environment table.
std::string man_page();

/// A man page (troff) for another program from its --help text (aiperf-mock-server(1)).
std::string man_page_from_help(const std::string& program, const std::string& summary,
                               const std::string& help_text);

}  // namespace aiperf::cli
