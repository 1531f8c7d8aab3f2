// The expressions of the template endpoint's Jinja2 subset (template_expr.h): values, lexer,
// parser, filters and evaluator. Cold path.
#include "aiperf/endpoint/template_expr.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "aiperf/common/error.h"

namespace aiperf::endpoint::detail::tpl {

namespace {

// ---- values -----------------------------------------------------------------------------------

Val undef() {
  Val v;
  v.undefined = true;
  return v;
}

bool truthy_impl(const Val& v) {
  if (v.undefined) return false;
  const json& j = v.j;
  if (j.is_null()) return false;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<int64_t>() != 0;
  if (j.is_number_float()) return j.get<double>() != 0.0;
  if (j.is_string()) return !j.get_ref<const std::string&>().empty();
  return !j.empty();
}

std::string py_float(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  for (int prec = 1; prec <= 17; ++prec) {  // shortest text that reads back the same
    char b[64];
    std::snprintf(b, sizeof b, "%.*g", prec, d);
    if (std::strtod(b, nullptr) == d) {
      std::string s(b);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
  }
  return buf;
}

/// Python's str() of a value (repr inside containers).
void py_str(const json& j, std::string& out, bool repr) {
  switch (j.type()) {
    case json::value_t::null:
      out += "None";
      break;
    case json::value_t::boolean:
      out += j.get<bool>() ? "True" : "False";
      break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      out += j.dump();
      break;
    case json::value_t::number_float:
      out += py_float(j.get<double>());
      break;
    case json::value_t::string: {
      const std::string& s = j.get_ref<const std::string&>();
      if (!repr) {
        out += s;
      } else {
        out += '\'';
        for (char c : s) {
          if (c == '\'' || c == '\\') out += '\\';
          out += c;
        }
        out += '\'';
      }
      break;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& e : j) {
        if (!first) out += ", ";
        first = false;
        py_str(e, out, true);
      }
      out += ']';
      break;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        py_str(json(it.key()), out, true);
        out += ": ";
        py_str(it.value(), out, true);
      }
      out += '}';
      break;
    }
    default:
      break;
  }
}

void html_escape(std::string_view s, std::string& out) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

/// Python's json.dumps text (", " and ": " separators, ensure_ascii) of a value whose objects
/// are already key-sorted (nlohmann::json keeps them so).
void py_dumps(const json& j, std::string& out) {
  if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out += ", ";
      py_dumps(j[i], out);
    }
    out += ']';
  } else if (j.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += json(it.key()).dump(-1, ' ', true);
      out += ": ";
      py_dumps(it.value(), out);
    }
    out += '}';
  } else if (j.is_number_float()) {
    out += py_float(j.get<double>());
  } else {
    out += j.dump(-1, ' ', true);
  }
}

/// Jinja's tojson: json.dumps(sort_keys=True) with <, >, & and ' escaped for HTML safety.
std::string to_json(const Val& v) {
  if (v.undefined) throw InputError("template: tojson of an undefined value");
  json sorted = json::parse(v.j.dump());  // nlohmann::json objects keep keys sorted
  std::string text;
  py_dumps(sorted, text);
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '\'':
        out += "\\u0027";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// ---- expressions ------------------------------------------------------------------------------

struct Tok {
  enum Kind { kName, kString, kInt, kPunct, kEnd } kind;
  std::string text;
  int64_t num = 0;
};

std::vector<Tok> lex_expr(std::string_view s, std::string_view where) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      out.push_back({Tok::kName, std::string(s.substr(i, j - i))});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      Tok t{Tok::kInt, std::string(s.substr(i, j - i))};
      t.num = std::stoll(t.text);
      out.push_back(t);
      i = j;
    } else if (c == '"' || c == '\'') {
      std::string v;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        v += s[j];
      }
      if (j >= s.size())
        throw ConfigError("template: unterminated string in " + std::string(where));
      out.push_back({Tok::kString, v});
      i = j + 1;
    } else if ((c == '=' || c == '!') && i + 1 < s.size() && s[i + 1] == '=') {
      out.push_back({Tok::kPunct, std::string(s.substr(i, 2))});
      i += 2;
    } else if (std::string_view(".[](),|-").find(c) != std::string_view::npos) {
      out.push_back({Tok::kPunct, std::string(1, c)});
      ++i;
    } else {
      throw ConfigError("template: unsupported character '" + std::string(1, c) + "' in " +
                        std::string(where) + " (docs/endpoints.md lists the template subset)");
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

class ExprParser {
 public:
  ExprParser(std::string_view src, std::string_view where)
      : toks_(lex_expr(src, where)), where_(where) {}

  Expr parse_all() {
    Expr e = parse_or();
    if (peek().kind != Tok::kEnd) error("unexpected '" + peek().text + "'");
    return e;
  }
  /// `name in expr` of a for statement.
  std::pair<std::string, Expr> parse_for() {
    if (peek().kind != Tok::kName) error("expected a loop variable");
    std::string var = next().text;
    if (!(peek().kind == Tok::kName && peek().text == "in")) error("expected 'in'");
    next();
    return {var, parse_all()};
  }

 private:
  const Tok& peek() const { return toks_[pos_]; }
  const Tok& next() { return toks_[pos_++]; }
  bool accept_name(std::string_view n) {
    if (peek().kind == Tok::kName && peek().text == n) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool accept_punct(std::string_view p) {
    if (peek().kind == Tok::kPunct && peek().text == p) {
      ++pos_;
      return true;
    }
    return false;
  }
  [[noreturn]] void error(const std::string& what) const {
    throw ConfigError("template: " + what + " in " + std::string(where_) +
                      " (docs/endpoints.md lists the template subset)");
  }
  static Expr node(Expr::Kind k, std::vector<Expr> kids) {
    Expr e;
    e.kind = k;
    e.kids = std::move(kids);
    return e;
  }

  Expr parse_or() {
    Expr e = parse_and();
    while (accept_name("or")) e = node(Expr::kOr, {std::move(e), parse_and()});
    return e;
  }
  Expr parse_and() {
    Expr e = parse_not();
    while (accept_name("and")) e = node(Expr::kAnd, {std::move(e), parse_not()});
    return e;
  }
  Expr parse_not() {
    if (accept_name("not")) return node(Expr::kNot, {parse_not()});
    return parse_cmp();
  }
  Expr parse_cmp() {
    Expr e = parse_filtered();
    if (accept_punct("==")) return node(Expr::kEq, {std::move(e), parse_filtered()});
    if (accept_punct("!=")) return node(Expr::kNe, {std::move(e), parse_filtered()});
    if (accept_name("in")) return node(Expr::kIn, {std::move(e), parse_filtered()});
    if (peek().kind == Tok::kName && peek().text == "not" && toks_[pos_ + 1].text == "in") {
      pos_ += 2;
      Expr in = node(Expr::kIn, {std::move(e), parse_filtered()});
      in.negate = true;
      return in;
    }
    if (accept_name("is")) {
      Expr t = node(Expr::kIsNone, {std::move(e)});
      t.negate = accept_name("not");
      if (!(accept_name("none") || accept_name("None")))
        error("only 'is none' tests are supported");
      return t;
    }
    return e;
  }
  Expr parse_filtered() {
    Expr e = parse_postfix();
    while (accept_punct("|")) {
      if (peek().kind != Tok::kName) error("expected a filter name after '|'");
      Expr f = node(Expr::kFilter, {std::move(e)});
      f.name = next().text;
      static const char* kFilters[] = {"tojson",  "length", "first", "last",   "join",
                                       "default", "lower",  "upper", "string", "int"};
      bool known = false;
      for (const char* k : kFilters) known = known || f.name == k;
      if (!known) error("unsupported filter '" + f.name + "'");
      if (accept_punct("(")) {
        if (!accept_punct(")")) {
          do f.kids.push_back(parse_or());
          while (accept_punct(","));
          if (!accept_punct(")")) error("expected ')'");
        }
      }
      e = std::move(f);
    }
    return e;
  }
  Expr parse_postfix() {
    Expr e = parse_primary();
    for (;;) {
      if (accept_punct(".")) {
        if (peek().kind != Tok::kName && peek().kind != Tok::kInt)
          error("expected a name after '.'");
        Expr a = node(Expr::kAttr, {std::move(e)});
        a.name = next().text;
        e = std::move(a);
      } else if (accept_punct("[")) {
        Expr idx = node(Expr::kIndex, {std::move(e), parse_or()});
        if (!accept_punct("]")) error("expected ']'");
        e = std::move(idx);
      } else {
        return e;
      }
    }
  }
  Expr parse_primary() {
    const Tok& t = next();
    Expr e;
    if (t.kind == Tok::kString) {
      e.literal = t.text;
    } else if (t.kind == Tok::kInt) {
      e.literal = t.num;
    } else if (t.kind == Tok::kPunct && t.text == "-" && peek().kind == Tok::kInt) {
      e.literal = -next().num;
    } else if (t.kind == Tok::kPunct && t.text == "(") {
      e = parse_or();
      if (!accept_punct(")")) error("expected ')'");
    } else if (t.kind == Tok::kName) {
      if (t.text == "none" || t.text == "None") {
        e.literal = nullptr;
      } else if (t.text == "true" || t.text == "True") {
        e.literal = true;
      } else if (t.text == "false" || t.text == "False") {
        e.literal = false;
      } else {
        e.kind = Expr::kName;
        e.name = t.text;
      }
    } else {
      error(t.kind == Tok::kEnd ? "missing expression" : "unexpected '" + t.text + "'");
    }
    return e;
  }

  std::vector<Tok> toks_;
  size_t pos_ = 0;
  std::string_view where_;
};

Val lookup(const json& scope, const std::string& name) {
  if (scope.is_object()) {
    auto it = scope.find(name);
    if (it != scope.end()) return {*it};
  }
  return undef();
}

std::string str_of(const Val& v) {
  if (v.undefined) return {};
  std::string out;
  py_str(v.j, out, false);
  return out;
}

Val eval_impl(const Expr& e, const json& scope);

Val apply_filter(const Expr& e, const json& scope) {
  Val v = eval_impl(e.kids[0], scope);
  const std::string& f = e.name;
  auto arg = [&](size_t i) {
    return i + 1 < e.kids.size() ? eval_impl(e.kids[i + 1], scope) : undef();
  };
  if (f == "tojson") return {to_json(v), false, true};
  if (f == "default") return v.undefined ? arg(0) : v;
  if (v.undefined) return undef();
  const json& j = v.j;
  if (f == "length")
    return {json(j.is_string() ? j.get_ref<const std::string&>().size() : j.size())};
  if (f == "first" || f == "last") {
    if (j.is_array() && !j.empty()) return {f == "first" ? j.front() : j.back()};
    if (j.is_string() && !j.get_ref<const std::string&>().empty()) {
      const std::string& s = j.get_ref<const std::string&>();
      return {json(std::string(1, f == "first" ? s.front() : s.back()))};
    }
    return undef();
  }
  if (f == "join") {
    std::string sep = str_of(arg(0));
    std::string out;
    if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) {
        if (i) out += sep;
        py_str(j[i], out, false);
      }
    }
    return {json(out)};
  }
  if (f == "lower" || f == "upper") {
    std::string s = str_of(v);
    for (char& c : s)
      c = char(f == "lower" ? std::tolower(static_cast<unsigned char>(c))
                            : std::toupper(static_cast<unsigned char>(c)));
    return {json(s)};
  }
  if (f == "string") return {json(str_of(v))};
  // int
  if (j.is_number()) return {json(int64_t(j.get<double>()))};
  try {
    return {json(int64_t(std::stoll(str_of(v))))};
  } catch (const std::exception&) {
    return {json(0)};
  }
}

Val eval_impl(const Expr& e, const json& scope) {
  switch (e.kind) {
    case Expr::kLiteral:
      return {e.literal};
    case Expr::kName:
      return lookup(scope, e.name);
    case Expr::kAttr: {
      Val base = eval_impl(e.kids[0], scope);
      if (base.undefined) return undef();
      if (base.j.is_array() && !e.name.empty() &&
          std::isdigit(static_cast<unsigned char>(e.name[0]))) {
        size_t i = std::stoul(e.name);
        return i < base.j.size() ? Val{base.j[i]} : undef();
      }
      return lookup(base.j, e.name);
    }
    case Expr::kIndex: {
      Val base = eval_impl(e.kids[0], scope);
      Val key = eval_impl(e.kids[1], scope);
      if (base.undefined || key.undefined) return undef();
      if (base.j.is_object() && key.j.is_string()) return lookup(base.j, key.j.get<std::string>());
      if ((base.j.is_array() || base.j.is_string()) && key.j.is_number_integer()) {
        int64_t n = int64_t(base.j.is_array() ? base.j.size()
                                              : base.j.get_ref<const std::string&>().size());
        int64_t i = key.j.get<int64_t>();
        if (i < 0) i += n;
        if (i < 0 || i >= n) return undef();
        if (base.j.is_array()) return {base.j[size_t(i)]};
        return {json(std::string(1, base.j.get_ref<const std::string&>()[size_t(i)]))};
      }
      return undef();
    }
    case Expr::kFilter:
      return apply_filter(e, scope);
    case Expr::kNot:
      return {json(!truthy_impl(eval_impl(e.kids[0], scope)))};
    case Expr::kAnd: {
      Val a = eval_impl(e.kids[0], scope);
      return truthy_impl(a) ? eval_impl(e.kids[1], scope) : a;
    }
    case Expr::kOr: {
      Val a = eval_impl(e.kids[0], scope);
      return truthy_impl(a) ? a : eval_impl(e.kids[1], scope);
    }
    case Expr::kEq:
    case Expr::kNe: {
      Val a = eval_impl(e.kids[0], scope), b = eval_impl(e.kids[1], scope);
      bool eq = a.undefined == b.undefined && (a.undefined || a.j == b.j);
      return {json(e.kind == Expr::kEq ? eq : !eq)};
    }
    case Expr::kIn: {
      Val a = eval_impl(e.kids[0], scope), b = eval_impl(e.kids[1], scope);
      bool in = false;
      if (!a.undefined && !b.undefined) {
        if (b.j.is_string() && a.j.is_string()) {
          in = b.j.get_ref<const std::string&>().find(a.j.get_ref<const std::string&>()) !=
               std::string::npos;
        } else if (b.j.is_array()) {
          for (const json& x : b.j) in = in || x == a.j;
        } else if (b.j.is_object() && a.j.is_string()) {
          in = b.j.contains(a.j.get<std::string>());
        }
      }
      return {json(e.negate ? !in : in)};
    }
    case Expr::kIsNone: {
      Val a = eval_impl(e.kids[0], scope);
      bool none = !a.undefined && a.j.is_null();
      return {json(e.negate ? !none : none)};
    }
  }
  return undef();
}

}  // namespace

Expr parse_expression(std::string_view src, std::string_view where) {
  return ExprParser(src, where).parse_all();
}

std::pair<std::string, Expr> parse_for_clause(std::string_view src, std::string_view where) {
  return ExprParser(src, where).parse_for();
}

Val eval(const Expr& e, const json& scope) {
  return eval_impl(e, scope);
}

bool truthy(const Val& v) {
  return truthy_impl(v);
}

void append_output(const Val& v, std::string& out) {
  if (v.safe) {
    out += v.j.get_ref<const std::string&>();
  } else {
    html_escape(str_of(v), out);
  }
}

}  // namespace aiperf::endpoint::detail::tpl
