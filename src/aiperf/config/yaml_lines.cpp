// emit_yaml_at_lines (yaml_tree.h): a section of a config file written out again so that the
// parser of another stage (the plot configuration of `plot:`) reports the config file's own
// line numbers in its errors.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "aiperf/config/yaml_tree.h"

namespace aiperf::config {
namespace {

bool plain_safe(const std::string& s, bool in_flow) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  static const std::string kLead = "-?:,[]{}#&*!|>'\"%@`";
  if (kLead.find(s.front()) != std::string::npos) return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  if (s.back() == ':' || s.find('\n') != std::string::npos || s.find('\t') != std::string::npos) {
    return false;
  }
  return !in_flow || s.find_first_of(",[]{}") == std::string::npos;
}

std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump();  // a JSON string is a YAML double-quoted scalar
}

std::string scalar_text(const YamlNode& n, bool in_flow) {
  if (n.is_null()) return "null";
  if (n.quoted || !plain_safe(n.text, in_flow)) return quoted(n.text);
  return n.text;
}

/// The last line any part of `n` came from.
int last_line(const YamlNode& n) {
  int l = n.line;
  for (const auto& i : n.items) l = std::max(l, last_line(i));
  for (const auto& [k, v] : n.fields) l = std::max(l, last_line(v));
  return l;
}

/// True when the whole of `n` (a map or list) sits on line `at` (its key's line).
bool one_line(const YamlNode& n, int at) {
  if (n.items.empty() && n.fields.empty()) return true;
  return at > 0 && n.line == at && last_line(n) == at;
}

class LineEmitter {
 public:
  explicit LineEmitter(const std::vector<std::string>& keep) : keep_(keep) {}

  std::string run(const YamlNode& root) {
    if (root.is_map()) {
      map(root, 0, false, "");
    } else if (root.is_seq()) {
      seq(root, 0);
    } else {
      line(root.line, scalar_text(root, false));
    }
    return out_;
  }

 private:
  void line(int at, const std::string& text) {
    while (next_ < at) {
      out_ += '\n';
      ++next_;
    }
    out_ += text;
    out_ += '\n';
    ++next_;
  }

  std::string key(const std::string& k, bool keep) const {
    const std::string s = keep ? k : to_snake(k);
    return plain_safe(s, false) ? s : quoted(s);
  }

  std::string flow(const YamlNode& n, bool keep_keys) const {
    if (n.is_scalar() || n.is_null()) return scalar_text(n, true);
    std::string s;
    if (n.is_seq()) {
      for (const auto& i : n.items) s += (s.empty() ? "" : ", ") + flow(i, false);
      return "[" + s + "]";
    }
    for (const auto& [k, v] : n.fields) {
      s += (s.empty() ? "" : ", ") + key(k, keep_keys) + ": " + flow(v, keeps(k, keep_keys));
    }
    return "{" + s + "}";
  }

  /// The children of key `k` keep their keys as written (a map of user-chosen names).
  bool keeps(const std::string& k, bool parent_kept) const {
    if (parent_kept) return false;
    return std::find(keep_.begin(), keep_.end(), to_snake(k)) != keep_.end();
  }

  /// `head` ("  key:") and the value `v`; `at`: the line of the key.
  void value(const std::string& head, const YamlNode& v, int at, int indent, bool keep_keys) {
    if (v.is_scalar() || v.is_null() || one_line(v, at)) {
      line(v.is_scalar() || v.is_null() ? v.line : at, head + " " + flow(v, keep_keys));
      return;
    }
    line(at, head);
    if (v.is_map()) {
      map(v, indent + 2, keep_keys, "");
    } else {
      seq(v, indent + 2);
    }
  }

  /// `first`: what starts the first key's line instead of the indentation ("- " in a list).
  void map(const YamlNode& n, int indent, bool keep_keys, const std::string& first) {
    const std::string pad(size_t(indent), ' ');
    for (size_t i = 0; i < n.fields.size(); ++i) {
      const auto& f = n.fields[i];
      const std::string lead = i == 0 && !first.empty() ? first : pad;
      value(lead + key(f.first, keep_keys) + ":", f.second,
            f.second.key_line ? f.second.key_line : f.second.line, indent,
            keeps(f.first, keep_keys));
    }
  }

  void seq(const YamlNode& n, int indent) {
    const std::string pad(size_t(indent), ' ');
    for (const auto& i : n.items) {
      if (i.is_map() && !i.fields.empty() && !one_line(i, i.line)) {
        map(i, indent + 2, false, pad + "- ");  // "- first: ..." then the rest below it
      } else if (i.is_seq() && !one_line(i, i.line)) {
        line(i.line, pad + "-");
        seq(i, indent + 2);
      } else {
        line(i.line, pad + "- " + flow(i, false));
      }
    }
  }

  const std::vector<std::string>& keep_;
  std::string out_;
  int next_ = 1;  // the line number of the next line written
};

}  // namespace

std::string emit_yaml_at_lines(const YamlNode& node, const std::vector<std::string>& keep_keys_of) {
  return LineEmitter(keep_keys_of).run(node);
}

}  // namespace aiperf::config
