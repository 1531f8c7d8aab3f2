// Private: the expressions of the template endpoint's Jinja2 subset (template_engine.h):
// values with Jinja's undefined and "safe" markers, the expression tree, its parser and its
// evaluator. template_engine.cpp builds statements and output on top of these.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace aiperf::endpoint::detail::tpl {

using nlohmann::json;

/// A value: JSON, or Jinja's undefined; `safe` output (tojson) is not HTML-escaped again.
struct Val {
  json j;
  bool undefined = false;
  bool safe = false;  // tojson output: not HTML-escaped again
};

struct Expr {
  enum Kind { kName, kLiteral, kAttr, kIndex, kFilter, kNot, kAnd, kOr, kEq, kNe, kIn, kIsNone };
  Kind kind = kLiteral;
  std::string name;  // kName, kAttr, kFilter
  json literal;
  bool negate = false;  // kIsNone: `is not none`; kIn: `not in`
  std::vector<Expr> kids;
};

/// Parses an expression (`where` names it in errors). Throws aiperf::ConfigError.
Expr parse_expression(std::string_view src, std::string_view where);
/// Parses the `x in expr` of a for statement.
std::pair<std::string, Expr> parse_for_clause(std::string_view src, std::string_view where);

Val eval(const Expr& e, const json& scope);
/// Python truthiness; undefined is false.
bool truthy(const Val& v);
/// What `{{ v }}` writes: str(v), HTML-escaped unless safe; undefined writes nothing.
void append_output(const Val& v, std::string& out);

}  // namespace aiperf::endpoint::detail::tpl
