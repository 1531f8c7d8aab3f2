// `aiperf profile` command line -> validated Config (spec §1). Every option is declared once, in
// one table (cli_options.cpp): names and aliases, value form, default, help text, help group and
// the code that applies it. Parsing starts nothing and opens no socket; it reads only the first
// record of --input-file (format detection and trace auto-promotion, spec §1.4).
#pragma once
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/config/config.h"
#include "aiperf/config/config_file.h"

namespace aiperf::config {

/// Thrown by parse_profile_args when -h/--help is among the arguments (it wins over every
/// other argument and error). what() is the full help text; print it to stdout, exit 0.
class HelpRequested : public std::exception {
 public:
  explicit HelpRequested(std::string text) : text_(std::move(text)) {}
  const char* what() const noexcept override { return text_.c_str(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

/// Facts about the process that parsing depends on; injectable for tests.
struct ParseEnv {
  bool stdout_is_tty = false;  // picks the default --ui: simple on a TTY, none otherwise
};

/// Parses the arguments that follow the `profile` word. Returns a fully resolved Config
/// (timing mode, stop condition, dataset size, grace period, UI, log level, artifact directory,
/// warnings). Throws aiperf::ConfigError with one line naming the flag and the fix, or
/// HelpRequested. The one-argument form reads isatty(STDOUT_FILENO).
Config parse_profile_args(const std::vector<std::string>& args, const ParseEnv& env);
Config parse_profile_args(const std::vector<std::string>& args);

/// One run of a config file (a sweep point, see expand_variations) with the command line's
/// `args` on top: the same parsing and resolution as parse_profile_args, the file's values
/// taken from `variation` instead of the file named by -f. For the study stage and
/// `aiperf config validate`. parse_profile_args itself refuses a file whose study is active
/// (sweep / multi_run) with one line.
Config parse_profile_variation(const std::vector<std::string>& args, const ParseEnv& env,
                               const LoadedConfigFile& file, const Variation& variation);

/// One point of a study (study/study.h): `base.argv` parsed again with each swept parameter
/// (AIPerf's dotted path, e.g. "phases.profiling.concurrency", and a single value as the flag
/// takes it) in place of its list, and the UI `base` resolved. The result is a plain run: its
/// `study` is empty. Throws aiperf::ConfigError when the value breaks a cross-option rule.
Config parse_profile_point(const Config& base,
                           const std::vector<std::pair<std::string, std::string>>& values);

/// The `aiperf profile --help` text: every option grouped as in AIPerf's docs, with aliases,
/// value form and default.
std::string profile_help_text();

/// Every flag name and alias `profile` accepts, in table order (for completion and tests).
std::vector<std::string> profile_flag_names();

/// One `profile` option as the documentation generators (shell completion, man page) see it,
/// straight from the option table.
struct OptionDoc {
  std::vector<std::string> names;  // primary long name first, then aliases
  bool takes_value = false;
  std::string metavar;  // "<int>", "chat|completions"
  std::string default_text;
  std::string group;  // help group
  std::string help;
  std::vector<std::string> choices;  // from a metavar like "a|b|c" (no <...> part)
  bool file_value = false;           // the value is a path (completed as a file name)
};

/// Every `profile` option in help order (grouped as in --help).
std::vector<OptionDoc> profile_option_docs();

/// The descriptive artifact sub-directory name of spec §6.1 for a resolved config, e.g.
/// "Qwen_Qwen3-0.6B-openai-chat-concurrency10" (no "artifacts/" prefix).
std::string artifact_subdir_name(const Config& cfg);

/// The config as exported in profile_export_aiperf.json `input_config` (shaped like AIPerf's
/// canonical config, keys in its order: models, endpoint, datasets, phases, ...), with the API
/// key, credential headers and URL passwords replaced by "<redacted>". No null values.
nlohmann::ordered_json redacted_config_json(const Config& cfg);

/// The command line as one shell-quoted string with the same secrets redacted (the value of
/// --api-key, credential -H/--header values, URL passwords). For run_info.cli_command.
std::string redacted_command_line(const std::vector<std::string>& argv);

}  // namespace aiperf::config
