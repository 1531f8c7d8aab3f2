// Parsers for single flag values (spec §1.2): numbers, URLs, key:value lists, goodput. Each
// takes the flag name as the user typed it and throws aiperf::ConfigError with one line that
// names that flag and the accepted form. Cold path; used by cli_options.cpp and by tests.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace aiperf::config {

/// A whole decimal integer (optional sign, surrounding blanks ignored) that is >= min.
/// `sweep_capable`: a comma list of several values is reported as an unsupported sweep; a
/// single value with stray commas ("10,") is accepted as AIPerf does.
int64_t parse_int_at_least(std::string_view flag, std::string_view text, int64_t min,
                           bool sweep_capable = false);

/// A finite number (Python float syntax) with value > bound (strict) or >= bound (!strict).
/// `allow_inf`: "inf"/"infinity" (any case) is accepted and returns +infinity.
double parse_number(std::string_view flag, std::string_view text, double bound, bool strict,
                    bool sweep_capable = false, bool allow_inf = false);

/// Splits on commas, trims blanks (AIPerf's parse_str_or_list); rejects empty items.
std::vector<std::string> split_comma_list(std::string_view flag, std::string_view text);

/// Normalizes one base URL: prepends "http://" when there is no "://" (unless the text starts
/// with a known non-HTTP scheme such as "ftp:"), lowercases the scheme, and rejects whitespace,
/// a scheme other than http/https, a missing host and a port outside 1..65535.
std::string normalize_url(std::string_view flag, std::string_view url);

/// AIPerf's key:value value coercion: true/false (any case) -> bool, none/null -> null, plain
/// integers without a leading zero -> int, one-dot decimals -> float, anything else -> string.
nlohmann::json coerce_scalar(std::string_view text);

/// Merges one --extra-inputs value into `obj`: a JSON object text (starting with '{') or
/// comma-separated key:value items (split at the first ':', value coerced). Later keys win.
void merge_extra_inputs(std::string_view flag, std::string_view value, nlohmann::json& obj);

/// One -H/--header value: a single "Name:Value" (the value may contain commas and colons) or a
/// JSON object of string values. Names must be HTTP tokens; values must not contain CR or LF.
std::vector<std::pair<std::string, std::string>> parse_headers(std::string_view flag,
                                                               std::string_view value);

/// --goodput: whitespace-separated "tag:value" items with finite numeric values. Syntax only;
/// tags are checked against the metric registry by the metrics stage. A repeated tag keeps its
/// first position and takes the later value.
std::vector<std::pair<std::string, double>> parse_goodput(std::string_view flag,
                                                          std::string_view value);

/// Levenshtein distance (insert, delete, substitute: cost 1 each).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word` by edit distance, if it is close enough to be a plausible
/// typo (distance <= max(2, |word| / 4)); ties go to the earlier candidate.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

/// True for header names that carry credentials (Authorization, Proxy-Authorization, Cookie,
/// X-Api-Key, and any name containing auth, token, secret, key, password, cookie, credential).
bool is_credential_header(std::string_view name);

/// The secret strings of a run (docs/reliability.md "Secrets"): the --api-key value and the
/// values of credential -H headers (a "Bearer x" value gives "Bearer x" and "x"), longest
/// first; values shorter than 4 characters are left out (too common to scrub).
std::vector<std::string> secret_values(
    std::optional<std::string_view> api_key,
    const std::vector<std::pair<std::string, std::string>>& headers);
/// (common/secrets.h scrubs them out of text.)

}  // namespace aiperf::config
