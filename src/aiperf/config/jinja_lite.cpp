#include "aiperf/config/jinja_lite.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace aiperf::config {
namespace {

using J = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& why) {
  throw std::invalid_argument(why);
}

double as_number(const J& v, const char* op) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  fail(std::string("'") + op + "' needs numbers, got " + jinja_str(v));
}

bool both_int(const J& a, const J& b) {
  return (a.is_number_integer() || a.is_boolean()) && (b.is_number_integer() || b.is_boolean());
}

long long as_int(const J& v) {
  return v.is_boolean() ? (v.get<bool>() ? 1 : 0) : v.get<long long>();
}

/// Recursive-descent evaluator over one expression.
class Expr {
 public:
  Expr(std::string_view src, const JinjaLookup& lookup) : s_(src), lookup_(lookup) {}

  J parse() {
    J v = concat();
    skip();
    if (i_ != s_.size()) fail("unexpected '" + std::string(s_.substr(i_)) + "'");
    return v;
  }

 private:
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool eat(std::string_view tok) {
    skip();
    if (s_.substr(i_, tok.size()) == tok) {
      i_ += tok.size();
      return true;
    }
    return false;
  }
  J concat() {
    J v = additive();
    while (eat("~")) v = jinja_str(v) + jinja_str(additive());
    return v;
  }
  J additive() {
    J v = term();
    while (true) {
      if (eat("+")) {
        J r = term();
        if (v.is_string() && r.is_string()) {
          v = v.get<std::string>() + r.get<std::string>();
        } else if (both_int(v, r)) {
          v = as_int(v) + as_int(r);
        } else {
          v = as_number(v, "+") + as_number(r, "+");
        }
      } else if (eat("-")) {
        J r = term();
        v = both_int(v, r) ? J(as_int(v) - as_int(r)) : J(as_number(v, "-") - as_number(r, "-"));
      } else {
        return v;
      }
    }
  }
  J term() {
    J v = unary();
    while (true) {
      skip();
      if (s_.substr(i_, 2) == "**") return v;  // handled in power()
      if (eat("//")) {
        J r = unary();
        if (as_number(r, "//") == 0) fail("division by zero");
        v = both_int(v, r) ? J(floor_div(as_int(v), as_int(r)))
                           : J(std::floor(as_number(v, "//") / as_number(r, "//")));
      } else if (eat("/")) {
        J r = unary();
        if (as_number(r, "/") == 0) fail("division by zero");
        v = as_number(v, "/") / as_number(r, "/");
      } else if (eat("*")) {
        J r = unary();
        v = both_int(v, r) ? J(as_int(v) * as_int(r)) : J(as_number(v, "*") * as_number(r, "*"));
      } else if (eat("%")) {
        J r = unary();
        if (as_number(r, "%") == 0) fail("division by zero");
        if (both_int(v, r)) {
          const long long a = as_int(v), b = as_int(r);
          v = a - b * floor_div(a, b);
        } else {
          const double a = as_number(v, "%"), b = as_number(r, "%");
          v = a - b * std::floor(a / b);
        }
      } else {
        return v;
      }
    }
  }
  static long long floor_div(long long a, long long b) {
    long long q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
  J unary() {
    if (eat("-")) {
      J v = unary();
      return v.is_number_integer() ? J(-v.get<long long>()) : J(-as_number(v, "-"));
    }
    if (eat("+")) return unary();
    return power();
  }
  J power() {
    J v = filtered();
    if (eat("**")) {
      J r = unary();
      if (both_int(v, r) && as_int(r) >= 0) {
        return J(static_cast<long long>(std::llround(std::pow(as_int(v), as_int(r)))));
      }
      return J(std::pow(as_number(v, "**"), as_number(r, "**")));
    }
    return v;
  }
  J filtered() {
    J v = primary();
    while (true) {
      skip();
      if (i_ < s_.size() && s_[i_] == '|') {
        ++i_;
        v = apply_filter(v, identifier());
      } else {
        return v;
      }
    }
  }
  J apply_filter(const J& v, const std::string& name) {
    if (eat("(")) fail("filter arguments are not supported (" + name + "(...))");
    if (name == "int") {
      if (v.is_string()) return J(static_cast<long long>(std::stod(v.get<std::string>())));
      return J(static_cast<long long>(std::trunc(as_number(v, "int"))));
    }
    if (name == "float") {
      if (v.is_string()) return J(std::stod(v.get<std::string>()));
      return J(as_number(v, "float"));
    }
    if (name == "round") return J(std::nearbyint(as_number(v, "round")) + 0.0);
    if (name == "abs") {
      return v.is_number_integer() ? J(std::llabs(v.get<long long>()))
                                   : J(std::fabs(as_number(v, "abs")));
    }
    if (name == "string") return J(jinja_str(v));
    if (name == "lower" || name == "upper") {
      std::string s = jinja_str(v);
      for (auto& c : s) {
        c = name == "lower" ? char(std::tolower(static_cast<unsigned char>(c)))
                            : char(std::toupper(static_cast<unsigned char>(c)));
      }
      return J(s);
    }
    fail("filter '" + name +
         "' is not supported by this build (supported: int, float, round, abs, string, lower, "
         "upper)");
  }
  std::string identifier() {
    skip();
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
      ++i_;
    }
    if (start == i_) fail("expected a name at '" + std::string(s_.substr(start)) + "'");
    return std::string(s_.substr(start, i_ - start));
  }
  J primary() {
    skip();
    if (i_ >= s_.size()) fail("expression ends too early");
    const char c = s_[i_];
    if (c == '(') {
      ++i_;
      J v = concat();
      if (!eat(")")) fail("missing ')'");
      return v;
    }
    if (c == '\'' || c == '"') {
      const size_t end = s_.find(c, i_ + 1);
      if (end == std::string_view::npos) fail("unterminated string literal");
      J v = std::string(s_.substr(i_ + 1, end - i_ - 1));
      i_ = end + 1;
      return v;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t start = i_;
      bool is_float = false;
      while (i_ < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == '_')) {
        is_float = is_float || s_[i_] == '.';
        ++i_;
      }
      std::string num(s_.substr(start, i_ - start));
      std::erase(num, '_');
      return is_float ? J(std::stod(num)) : J(std::stoll(num));
    }
    std::string name = identifier();
    if (name == "true" || name == "True") return true;
    if (name == "false" || name == "False") return false;
    if (name == "none" || name == "None") return nullptr;
    while (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      name += "." + identifier();
    }
    skip();
    if (i_ < s_.size() && s_[i_] == '[') fail("subscripts ([...]) are not supported");
    if (i_ < s_.size() && s_[i_] == '(') fail("function calls are not supported");
    auto v = lookup_(name);
    if (!v) fail("'" + name + "' is undefined");
    return *v;
  }

  std::string_view s_;
  const JinjaLookup& lookup_;
  size_t i_ = 0;
};

}  // namespace

bool has_jinja(std::string_view text) {
  return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos;
}

std::string jinja_str(const J& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    if (std::isnan(d)) return "nan";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
  }
  if (v.is_number()) return v.dump();
  return v.dump();
}

J render_jinja(std::string_view text, const JinjaLookup& lookup) {
  if (text.find("{%") != std::string_view::npos) {
    throw std::invalid_argument(
        "Jinja2 statements ({% ... %}) are not supported by this build; use {{ expression }}");
  }
  std::string out;
  std::optional<J> only;
  size_t pos = 0;
  int pieces = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out += text.substr(pos);
      if (pos < text.size()) ++pieces;
      break;
    }
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("unbalanced '{{' with no closing '}}'");
    }
    if (open > pos) {
      out += text.substr(pos, open - pos);
      ++pieces;
    }
    J v;
    try {
      v = Expr(text.substr(open + 2, close - open - 2), lookup).parse();
    } catch (const std::out_of_range&) {
      throw std::invalid_argument("a number out of range");
    }
    out += jinja_str(v);
    only = v;
    ++pieces;
    pos = close + 2;
  }
  if (pieces == 1 && only) return *only;
  return J(out);
}

}  // namespace aiperf::config
