// The part of Jinja2 that AIPerf config files use in `{{ ... }}` (spec §9.6 `variables`):
// names and dotted names, integer / float / string literals, + - * / // % **, unary minus,
// parentheses, `~` (string join) and the filters int, float, round, string, lower, upper,
// abs. `{% ... %}` statements and other filters are refused with a one-line message (this build
// does not embed a Jinja2 interpreter; docs/differences.md). Values follow Python's rules:
// int / int is a float, // floors, and a float prints as Python prints it (256.0).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aiperf::config {

/// Looks a (possibly dotted) name up; nullopt when undefined.
using JinjaLookup = std::function<std::optional<nlohmann::ordered_json>(const std::string&)>;

/// True when `text` contains a `{{` or `{%` marker.
bool has_jinja(std::string_view text);

/// Renders every `{{ expr }}` in `text`. When the whole text is one expression, the result
/// keeps its type (an int stays an int); otherwise the pieces are joined as text. Throws
/// std::invalid_argument with a short reason (the caller adds the key path and line).
nlohmann::ordered_json render_jinja(std::string_view text, const JinjaLookup& lookup);

/// A value as Jinja prints it (Python's str(): 256.0, True, None).
std::string jinja_str(const nlohmann::ordered_json& v);

}  // namespace aiperf::config
