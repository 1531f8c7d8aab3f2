// The template endpoint's languages (template_engine.h): a Jinja2 subset for bodies and a
// JMESPath subset for response fields. Cold path (bodies are rendered before the run); the field
// path is evaluated on the record processor threads, over nlohmann JSON.
#include "aiperf/endpoint/template_engine.h"

#include <cctype>
#include <cstdio>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/template_expr.h"

namespace aiperf::endpoint::detail {

using nlohmann::json;

using tpl::Expr;
using tpl::Val;

// ---- template structure -----------------------------------------------------------------------

struct BodyTemplate::Node {
  enum Kind { kSeq, kText, kOut, kIf, kFor } kind = kSeq;
  std::string text;
  Expr expr;                 // kOut; kFor: the iterable
  std::string var;           // kFor
  std::vector<Expr> conds;   // kIf: one condition per branch in `bodies`
  std::vector<Node> bodies;  // kIf: the branches' bodies
  std::vector<Node> kids;    // kSeq; kFor: one body; kIf: else body (0 or 1)
};

namespace {

using Node = BodyTemplate::Node;

struct Piece {
  enum Kind { kText, kExpr, kStmt } kind;
  std::string src;
  size_t offset = 0;
};

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

std::vector<Piece> split(std::string_view src) {
  std::vector<Piece> out;
  size_t i = 0;
  bool strip_next = false;
  while (i <= src.size()) {
    size_t open = src.find('{', i);
    while (open != std::string_view::npos && open + 1 < src.size() && src[open + 1] != '{' &&
           src[open + 1] != '%' && src[open + 1] != '#') {
      open = src.find('{', open + 1);
    }
    if (open == std::string_view::npos || open + 1 >= src.size()) open = src.size();
    std::string text(src.substr(i, open - i));
    if (strip_next)
      text.erase(0, text.find_first_not_of(" \t\r\n") == std::string::npos
                        ? text.size()
                        : text.find_first_not_of(" \t\r\n"));
    strip_next = false;
    if (open == src.size()) {
      if (!text.empty()) out.push_back({Piece::kText, text, i});
      break;
    }
    const char kind = src[open + 1];
    const std::string_view close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
    size_t end = src.find(close, open + 2);
    if (end == std::string_view::npos) {
      throw ConfigError("template: '" + std::string(src.substr(open, 2)) + "' at offset " +
                        std::to_string(open) + " is never closed");
    }
    std::string_view inner = src.substr(open + 2, end - open - 2);
    if (!inner.empty() && inner.front() == '-') {
      inner.remove_prefix(1);
      size_t keep = text.find_last_not_of(" \t\r\n");
      text.resize(keep == std::string::npos ? 0 : keep + 1);
    }
    if (!inner.empty() && inner.back() == '-') {
      inner.remove_suffix(1);
      strip_next = true;
    }
    if (!text.empty()) out.push_back({Piece::kText, text, i});
    if (kind != '#') out.push_back({kind == '{' ? Piece::kExpr : Piece::kStmt, trim(inner), open});
    i = end + 2;
  }
  return out;
}

std::string where(const Piece& p) {
  return "'" + p.src + "' (offset " + std::to_string(p.offset) + ")";
}

std::string keyword(const std::string& stmt) {
  size_t sp = stmt.find_first_of(" \t\r\n");
  return stmt.substr(0, sp);
}

std::string rest_of(const std::string& stmt) {
  size_t sp = stmt.find_first_of(" \t\r\n");
  return sp == std::string::npos ? std::string() : trim(std::string_view(stmt).substr(sp));
}

/// Parses pieces[i...] into `seq` until one of `stops` (returned, consumed) or the end ("").
std::string parse_seq(const std::vector<Piece>& pieces, size_t& i, Node& seq,
                      std::initializer_list<std::string_view> stops) {
  while (i < pieces.size()) {
    const Piece& p = pieces[i++];
    if (p.kind == Piece::kText) {
      seq.kids.push_back(Node{Node::kText, p.src, {}, {}, {}, {}, {}});
      continue;
    }
    if (p.kind == Piece::kExpr) {
      Node out{Node::kOut, {}, tpl::parse_expression(p.src, where(p)), {}, {}, {}, {}};
      seq.kids.push_back(std::move(out));
      continue;
    }
    const std::string kw = keyword(p.src);
    for (std::string_view s : stops)
      if (kw == s) return kw + " " + rest_of(p.src);
    if (kw == "if") {
      Node n{Node::kIf, {}, {}, {}, {}, {}, {}};
      Expr cond = tpl::parse_expression(rest_of(p.src), where(p));
      for (;;) {
        Node body{Node::kSeq, {}, {}, {}, {}, {}, {}};
        std::string stop = parse_seq(pieces, i, body, {"elif", "else", "endif"});
        n.conds.push_back(std::move(cond));
        n.bodies.push_back(std::move(body));
        if (stop.empty()) throw ConfigError("template: " + where(p) + " has no {% endif %}");
        if (keyword(stop) == "elif") {
          cond = tpl::parse_expression(rest_of(stop), where(p));
          continue;
        }
        if (keyword(stop) == "else") {
          Node other{Node::kSeq, {}, {}, {}, {}, {}, {}};
          std::string end = parse_seq(pieces, i, other, {"endif"});
          if (end.empty()) throw ConfigError("template: " + where(p) + " has no {% endif %}");
          n.kids.push_back(std::move(other));
        }
        break;
      }
      seq.kids.push_back(std::move(n));
    } else if (kw == "for") {
      auto [var, iter] = tpl::parse_for_clause(rest_of(p.src), where(p));
      Node n{Node::kFor, {}, std::move(iter), var, {}, {}, {}};
      Node body{Node::kSeq, {}, {}, {}, {}, {}, {}};
      if (parse_seq(pieces, i, body, {"endfor"}).empty())
        throw ConfigError("template: " + where(p) + " has no {% endfor %}");
      n.kids.push_back(std::move(body));
      seq.kids.push_back(std::move(n));
    } else {
      throw ConfigError("template: unsupported statement " + where(p) +
                        " (supported: if/elif/else/endif, for/endfor)");
    }
  }
  return {};
}

void render_node(const Node& n, const json& scope, std::string& out) {
  switch (n.kind) {
    case Node::kSeq:
      for (const Node& k : n.kids) render_node(k, scope, out);
      break;
    case Node::kText:
      out += n.text;
      break;
    case Node::kOut: {
      tpl::append_output(tpl::eval(n.expr, scope), out);
      break;
    }
    case Node::kIf: {
      for (size_t b = 0; b < n.conds.size(); ++b) {
        if (tpl::truthy(tpl::eval(n.conds[b], scope))) {
          render_node(n.bodies[b], scope, out);
          return;
        }
      }
      if (!n.kids.empty()) render_node(n.kids[0], scope, out);
      break;
    }
    case Node::kFor: {
      Val it = tpl::eval(n.expr, scope);
      if (it.undefined) break;
      json items = json::array();
      if (it.j.is_array()) {
        items = it.j;
      } else if (it.j.is_object()) {
        for (auto kv = it.j.begin(); kv != it.j.end(); ++kv) items.push_back(kv.key());
      } else if (it.j.is_string()) {
        for (char c : it.j.get_ref<const std::string&>()) items.push_back(std::string(1, c));
      }
      json inner = scope;
      for (size_t i = 0; i < items.size(); ++i) {
        inner[n.var] = items[i];
        inner["loop"] = json{{"index", i + 1},
                             {"index0", i},
                             {"first", i == 0},
                             {"last", i + 1 == items.size()},
                             {"length", items.size()}};
        render_node(n.kids[0], inner, out);
      }
      break;
    }
  }
}

}  // namespace

BodyTemplate::BodyTemplate(std::string_view source) : root_(std::make_unique<Node>()) {
  std::vector<Piece> pieces = split(source);
  size_t i = 0;
  std::string stray = parse_seq(pieces, i, *root_, {"elif", "else", "endif", "endfor"});
  if (!stray.empty()) {
    throw ConfigError("template: {% " + keyword(stray) + " %} without a matching opening block");
  }
}

BodyTemplate::~BodyTemplate() = default;
BodyTemplate::BodyTemplate(BodyTemplate&&) noexcept = default;
BodyTemplate& BodyTemplate::operator=(BodyTemplate&&) noexcept = default;

std::string BodyTemplate::render(const json& vars) const {
  std::string out;
  render_node(*root_, vars, out);
  return out;
}

// ---- FieldPath --------------------------------------------------------------------------------

FieldPath::FieldPath(std::string_view expr) {
  auto bad = [&](const std::string& why) {
    throw ConfigError("--extra-inputs response_field '" + std::string(expr) + "': " + why +
                      " (supported: names, \"quoted\" names, '.', [N], [*], [])");
  };
  size_t i = 0;
  bool need_name = true;
  while (i < expr.size()) {
    char c = expr[i];
    if (c == '.') {
      if (need_name) bad("'.' where a name was expected");
      need_name = true;
      ++i;
    } else if (c == '[') {
      size_t end = expr.find(']', i);
      if (end == std::string_view::npos) bad("'[' is never closed");
      std::string_view in = expr.substr(i + 1, end - i - 1);
      if (in == "*") {
        steps_.push_back({Step::kProject, {}, 0});
      } else if (in.empty()) {
        steps_.push_back({Step::kFlatten, {}, 0});
      } else {
        size_t k = in[0] == '-' ? 1 : 0;
        if (k == in.size()) bad("bad index [" + std::string(in) + "]");
        for (size_t q = k; q < in.size(); ++q)
          if (!std::isdigit(static_cast<unsigned char>(in[q])))
            bad("bad index [" + std::string(in) + "]");
        steps_.push_back({Step::kIndex, {}, std::stol(std::string(in))});
      }
      need_name = false;
      i = end + 1;
    } else if (c == '"') {
      size_t end = expr.find('"', i + 1);
      if (end == std::string_view::npos) bad("unterminated quoted name");
      steps_.push_back({Step::kField, std::string(expr.substr(i + 1, end - i - 1)), 0});
      need_name = false;
      i = end + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      if (!need_name) bad("a name must follow '.'");
      size_t j = i;
      while (j < expr.size() &&
             (std::isalnum(static_cast<unsigned char>(expr[j])) || expr[j] == '_'))
        ++j;
      steps_.push_back({Step::kField, std::string(expr.substr(i, j - i)), 0});
      need_name = false;
      i = j;
    } else {
      bad("unsupported character '" + std::string(1, c) + "'");
    }
  }
  if (steps_.empty()) bad("empty path");
  if (need_name) bad("ends with '.'");
}

namespace {
json search_from(const std::vector<FieldPath::Step>& steps, size_t i, const json& v) {
  if (i == steps.size()) return v;
  const FieldPath::Step& s = steps[i];
  switch (s.kind) {
    case FieldPath::Step::kField:
      if (v.is_object()) {
        auto it = v.find(s.name);
        if (it != v.end()) return search_from(steps, i + 1, *it);
      }
      return nullptr;
    case FieldPath::Step::kIndex: {
      if (!v.is_array()) return nullptr;
      long n = long(v.size());
      long k = s.index < 0 ? s.index + n : s.index;
      if (k < 0 || k >= n) return nullptr;
      return search_from(steps, i + 1, v[size_t(k)]);
    }
    case FieldPath::Step::kProject:
    case FieldPath::Step::kFlatten: {
      if (!v.is_array()) return nullptr;
      json items = json::array();
      for (const json& e : v) {
        if (s.kind == FieldPath::Step::kFlatten && e.is_array()) {
          for (const json& x : e) items.push_back(x);
        } else {
          items.push_back(e);
        }
      }
      json out = json::array();
      for (const json& e : items) {
        json r = search_from(steps, i + 1, e);
        if (!r.is_null()) out.push_back(std::move(r));
      }
      return out;
    }
  }
  return nullptr;
}
}  // namespace

json FieldPath::search(const json& doc) const {
  return search_from(steps_, 0, doc);
}

}  // namespace aiperf::endpoint::detail
