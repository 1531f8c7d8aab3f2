// The environment variables aiperf reads, in one table (spec §9.6): AIPERF_<SECTION>_<NAME>
// for internals (thresholds, intervals, switches, test hooks), plus the outside variables we
// honour (Hugging Face cache and token, XDG directories). docs/environment-variables.md and the
// man page's ENVIRONMENT section are generated from this table (`aiperf-docgen env-md`), and a
// unit test fails when the committed document differs. Every read in src/ goes through here: no
// other file calls getenv.
//
// Thread-safety: reads only (getenv); call from start-up code, not from I/O threads.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aiperf::env {

enum class Kind { kBool, kNumber, kInt, kString, kPath };

struct Variable {
  const char* name;
  Kind kind;
  const char* default_text;  // as documented ("" = unset)
  const char* section;       // heading in docs/environment-variables.md
  const char* meaning;       // one paragraph, own words
  double min = 0;            // for kNumber / kInt: accepted range (inclusive)
  double max = 0;            // min == max: no range check
};

/// Every variable, grouped by section in documentation order.
const std::vector<Variable>& table();

/// The row of `name`; std::logic_error if it is not in the table (a programming error).
const Variable& variable(std::string_view name);

/// Raw value when set and non-empty.
std::optional<std::string> raw(std::string_view name);

/// Typed readers. Each looks the name up in the table (so an unlisted read fails loudly in
/// tests) and parses the value; a malformed or out-of-range value throws aiperf::ConfigError
/// with one line naming the variable. Unset or empty: `fallback` (callers pass the table's
/// default).
bool flag(std::string_view name);  // 1/true/yes/on (any case) -> true; 0/false/no/off -> false
double number(std::string_view name, double fallback);
long long integer(std::string_view name, long long fallback);
std::string string(std::string_view name, const std::string& fallback);

/// A variable the user names in a config file (`${VAR}` / `${VAR:default}`), not from the table;
/// nullopt when unset (an empty value is a value).
std::optional<std::string> user_variable(const std::string& name);

/// Checks every set AIPERF_* variable: a name not in the table yields one warning line (with
/// the nearest known name when one is close), a known one with a value its kind cannot parse
/// throws ConfigError. `environ_entries` are "NAME=value" strings (injectable for tests).
std::vector<std::string> check(const std::vector<std::string>& environ_entries);

/// check() over the process environment, printing each warning to stderr once per process.
/// Throws ConfigError like check().
void check_process_environment();

/// docs/environment-variables.md, generated from the table.
std::string markdown();

}  // namespace aiperf::env
