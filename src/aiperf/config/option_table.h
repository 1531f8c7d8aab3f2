// The one table of `aiperf profile` options (DESIGN §8 "declare options once"). Private to the
// config stage: cli_options.cpp parses with it, renders --help from it and registers it with
// CLI11. Each row carries everything about one option, including the code that applies it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/config/config.h"

namespace aiperf::config::detail {

/// What the user gave explicitly; defaults that depend on other flags are resolved after
/// every row has been applied (resolve() in cli_options.cpp).
struct ParseState {
  Config cfg;
  nlohmann::json extra_inputs = nlohmann::json::object();
  std::optional<ArrivalPattern> arrival_pattern;
  std::optional<double> arrival_smoothness;
  std::optional<double> grace_period_s;
  std::optional<int64_t> num_dataset_entries;
  std::optional<UiType> ui;
  bool log_level_given = false;
  bool verbose = false;
  bool extra_verbose = false;
  bool artifact_dir_given = false;
  bool fixed_schedule_flag = false;          // --fixed-schedule
  bool no_fixed_schedule_flag = false;       // --no-fixed-schedule
  std::optional<int64_t> num_conversations;  // --conversation-num/--num-sessions as given
  bool study_point = false;  // parsing one point of a study: no sweep, no study (study/)
  /// Name as typed (alias or primary) of each option the user gave, keyed by primary name;
  /// cross-option messages name what the user wrote.
  std::vector<std::pair<std::string, std::string>> typed;
  /// True when the option with this primary name was given.
  bool given(std::string_view primary) const {
    for (const auto& t : typed) {
      if (t.first == primary) return true;
    }
    return false;
  }
  /// The name the user typed for the option with this primary name (the primary if not given).
  std::string typed_as(std::string_view primary) const {
    for (const auto& t : typed) {
      if (t.first == primary) return t.second;
    }
    return std::string(primary);
  }
};

enum class ValueKind { kFlag, kValue };

/// Applies one option: `flag` is the name as typed, `values` every value given for it in order
/// (empty for a flag). Throws ConfigError naming `flag`.
using ApplyFn = void (*)(ParseState& st, std::string_view flag,
                         const std::vector<std::string>& values);

struct OptionSpec {
  std::vector<std::string> names;  // primary long name first, then AIPerf's aliases
  ValueKind kind;
  const char* metavar;       // value form shown in help ("<int>", "chat|completions")
  const char* default_text;  // shown as "[default: ...]"; "" shows nothing
  const char* group;         // help group, one of kHelpGroups
  const char* help;          // own words; one paragraph
  bool repeatable;           // may be given several times (lists)
  bool consume_multiple;     // also takes the following non-option tokens (AIPerf's -u a b)
  ApplyFn apply;
};

/// Help groups in AIPerf's documentation order (groups without options here are omitted).
extern const std::vector<std::string_view> kHelpGroups;

/// Every option, in help order within each group.
const std::vector<OptionSpec>& option_table();

/// The Audio / Image / Video Input rows (media_options.cpp); option_table() includes them.
std::vector<OptionSpec> media_options();

/// Cross-option rules of the media flags (spec §1.4); run by resolve() after the dataset source
/// is known. Throws ConfigError naming the flag.
void resolve_media(ParseState& st);

/// --isl-distribution / --osl-distribution against the mean/stddev flags (options_input.cpp).
void resolve_length_distributions(ParseState& st);
/// The warmup's cross-option rules (options_warmup.cpp); run by resolve() after resolve_stop.
void resolve_warmup(ParseState& st);
/// Cross-option rules of the Server Metrics / GPU Telemetry flags (options_telemetry.cpp).
void resolve_telemetry(ParseState& st);
/// --request-rate-series (options_shaping.cpp), before the timing mode is chosen: the series
/// stands for --request-rate (its mean) and, without another stop condition, sets the duration.
void resolve_rate_series(ParseState& st);
/// Cross-option rules of load shaping, cancellation, HTTP trace and network latency (spec §1.4),
/// once the timing mode and stop conditions are resolved. Throws ConfigError naming the flag.
void resolve_shaping(ParseState& st);

/// True for file names whose extension is an image format we decode (.png, .jpg, .jpeg, ...).
bool is_image_file_name(const std::string& name);

/// Full path of an executable `name` found on $PATH, if any.
std::optional<std::string> find_program(const std::string& name);

}  // namespace aiperf::config::detail
